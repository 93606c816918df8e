//! The shared responsibility model as data: which services are infrastructure, container or
//! abstracted services, and which of the customer's duties each one carries.
//!
//! AWS teaches the model by service category. For an infrastructure service (EC2, VPC) AWS runs
//! the hardware and the hypervisor, and the customer everything above: the guest OS and its
//! patches, the firewall, the network, data, identity, logging and backups. For a container
//! service (RDS, ECS) AWS also runs the OS and the platform; the customer still owns the data,
//! network access, identity, backups and the versions it chooses. For an abstracted service (S3,
//! DynamoDB, Lambda, KMS) AWS runs the service end to end; the customer owns data, encryption and
//! access policies. Settings of the account as a whole (root user, CloudTrail, Config, GuardDuty,
//! the password policy) are the customer's too, whatever services it uses.
//!
//! Every control declares one [`Duty`]; a service lists the duties it gives the customer. The
//! report (`sidewatch report`) joins the two: per service in use, per duty, the controls that
//! check it — and the duties no control checks, said as such. Services are keyed by the service
//! part of the AWS Config resource type (`EC2` in `AWS::EC2::SecurityGroup`; empty for the
//! account-level `AWS::::Account`).

use crate::control::{Control, Duty};

/// The category of a service in the shared responsibility model: how much of it AWS runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// AWS runs the hardware and the virtualisation; the customer runs the OS and up.
    Infrastructure,
    /// AWS runs the OS and the platform; the customer configures and uses it.
    Container,
    /// AWS runs the whole service; the customer owns data, encryption and access to it.
    Abstracted,
    /// Settings of the account as a whole, not of one service.
    Account,
}

impl Category {
    /// Every category, in the order reports list them.
    pub const ALL: [Category; 4] = [
        Category::Infrastructure,
        Category::Container,
        Category::Abstracted,
        Category::Account,
    ];

    /// The category's name for people ("Infrastructure service").
    pub fn title(self) -> &'static str {
        match self {
            Category::Infrastructure => "Infrastructure service",
            Category::Container => "Container service",
            Category::Abstracted => "Abstracted service",
            Category::Account => "Account-level",
        }
    }

    /// A stable machine name (`infrastructure`), for JSON and command lines.
    pub fn slug(self) -> &'static str {
        match self {
            Category::Infrastructure => "infrastructure",
            Category::Container => "container",
            Category::Abstracted => "abstracted",
            Category::Account => "account",
        }
    }

    /// Who runs what, in one sentence.
    pub fn split(self) -> &'static str {
        match self {
            Category::Infrastructure => {
                "AWS runs the hardware, the hypervisor and the physical network; you run the \
                 operating system and its patches, the firewall and network, and everything on it."
            }
            Category::Container => {
                "AWS runs the operating system and the platform; you own the data, network \
                 access, identity, backups and the versions you choose."
            }
            Category::Abstracted => {
                "AWS runs the service end to end; you own the data, its encryption and the \
                 access policies."
            }
            Category::Account => {
                "Settings of the whole account, whatever services it uses: the root user, \
                 password policy, CloudTrail, AWS Config, GuardDuty, Inspector and account-wide \
                 defaults."
            }
        }
    }

    /// The customer's duties the model gives a service of this category; a service's own list
    /// ([`Service::duties`]) may leave out what does not apply to it.
    pub fn duties(self) -> &'static [Duty] {
        match self {
            Category::Infrastructure | Category::Container => &Duty::ALL,
            Category::Abstracted => ABSTRACTED,
            Category::Account => ACCOUNT,
        }
    }
}

const ABSTRACTED: &[Duty] = &[
    Duty::DataProtection,
    Duty::IdentityAndAccess,
    Duty::LoggingAndMonitoring,
    Duty::Resilience,
];

/// An abstracted service that holds keys or messages (KMS, SNS, SQS): AWS keeps them durable;
/// the customer owns their encryption, their access policies and watching their use.
const KEYS_AND_MESSAGES: &[Duty] = &[
    Duty::DataProtection,
    Duty::IdentityAndAccess,
    Duty::LoggingAndMonitoring,
];

/// An abstracted service at the edge of the network (API Gateway, CloudFront): what its web
/// application firewall lets through is the customer's network configuration.
const EDGE: &[Duty] = &[
    Duty::DataProtection,
    Duty::IdentityAndAccess,
    Duty::NetworkConfiguration,
    Duty::LoggingAndMonitoring,
];

const EDGE_NOTE: &str = "Network configuration: what the web application firewall lets through.";

const ACCOUNT: &[Duty] = &[
    Duty::DataProtection,
    Duty::IdentityAndAccess,
    Duty::OsAndPatching,
    Duty::LoggingAndMonitoring,
];

/// One AWS service as the report shows it, with its category and the customer's duties for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    /// A stable machine name (`ec2`), for JSON.
    pub slug: &'static str,
    /// The service's name ("Amazon EC2").
    pub name: &'static str,
    /// The service parts of the AWS Config resource types that belong to it (`EC2` in
    /// `AWS::EC2::Instance`; `""` for `AWS::::Account`).
    pub config_services: &'static [&'static str],
    pub category: Category,
    /// The customer's duties for this service, in [`Duty::ALL`] order.
    pub duties: &'static [Duty],
    /// What the customer owns here beyond its category's duties, and why (empty when nothing).
    pub note: &'static str,
}

/// Every service sidewatch has controls for, by category, then name.
pub const SERVICES: &[Service] = &[
    Service {
        slug: "ec2",
        name: "Amazon EC2 and Amazon VPC",
        config_services: &["EC2"],
        category: Category::Infrastructure,
        duties: &Duty::ALL,
        note: "",
    },
    Service {
        slug: "ssm",
        name: "AWS Systems Manager (managed instances)",
        config_services: &["SSM"],
        category: Category::Infrastructure,
        duties: &[
            Duty::IdentityAndAccess,
            Duty::OsAndPatching,
            Duty::LoggingAndMonitoring,
        ],
        note: "Systems Manager records the patch and association state of your instances; \
               patching them is yours.",
    },
    Service {
        slug: "ecs",
        name: "Amazon ECS",
        config_services: &["ECS"],
        category: Category::Container,
        duties: &Duty::ALL,
        note: "OS and patching: the images and task settings you run.",
    },
    Service {
        slug: "eks",
        name: "Amazon EKS",
        config_services: &["EKS"],
        category: Category::Container,
        duties: &Duty::ALL,
        note: "OS and patching: the Kubernetes version you run.",
    },
    Service {
        slug: "elb",
        name: "Elastic Load Balancing",
        config_services: &["ElasticLoadBalancing", "ElasticLoadBalancingV2"],
        category: Category::Container,
        duties: &[
            Duty::DataProtection,
            Duty::NetworkConfiguration,
            Duty::LoggingAndMonitoring,
            Duty::Resilience,
        ],
        note: "",
    },
    Service {
        slug: "rds",
        name: "Amazon RDS",
        config_services: &["RDS"],
        category: Category::Container,
        duties: &Duty::ALL,
        note: "OS and patching: the engine versions you allow.",
    },
    Service {
        slug: "apigateway",
        name: "Amazon API Gateway",
        config_services: &["ApiGateway", "ApiGatewayV2"],
        category: Category::Abstracted,
        duties: EDGE,
        note: EDGE_NOTE,
    },
    Service {
        slug: "cloudfront",
        name: "Amazon CloudFront",
        config_services: &["CloudFront"],
        category: Category::Abstracted,
        duties: EDGE,
        note: EDGE_NOTE,
    },
    Service {
        slug: "cloudtrail",
        name: "AWS CloudTrail (trails)",
        config_services: &["CloudTrail"],
        category: Category::Abstracted,
        duties: &[Duty::DataProtection, Duty::LoggingAndMonitoring],
        note: "",
    },
    Service {
        slug: "dynamodb",
        name: "Amazon DynamoDB",
        config_services: &["DynamoDB"],
        category: Category::Abstracted,
        duties: ABSTRACTED,
        note: "",
    },
    Service {
        slug: "ecr",
        name: "Amazon ECR",
        config_services: &["ECR"],
        category: Category::Abstracted,
        duties: &[
            Duty::DataProtection,
            Duty::IdentityAndAccess,
            Duty::OsAndPatching,
        ],
        note: "OS and patching: the vulnerabilities of the images you push.",
    },
    Service {
        slug: "efs",
        name: "Amazon EFS",
        config_services: &["EFS"],
        category: Category::Abstracted,
        duties: ABSTRACTED,
        note: "",
    },
    Service {
        slug: "iam",
        name: "AWS IAM (users, roles, groups, policies)",
        config_services: &["IAM"],
        category: Category::Abstracted,
        duties: &[Duty::IdentityAndAccess],
        note: "",
    },
    Service {
        slug: "kms",
        name: "AWS KMS",
        config_services: &["KMS"],
        category: Category::Abstracted,
        duties: KEYS_AND_MESSAGES,
        note: "",
    },
    Service {
        slug: "lambda",
        name: "AWS Lambda",
        config_services: &["Lambda"],
        category: Category::Abstracted,
        duties: &[
            Duty::DataProtection,
            Duty::IdentityAndAccess,
            Duty::OsAndPatching,
            Duty::LoggingAndMonitoring,
            Duty::Resilience,
        ],
        note: "OS and patching: the runtime version your functions run on.",
    },
    Service {
        slug: "s3",
        name: "Amazon S3",
        config_services: &["S3"],
        category: Category::Abstracted,
        duties: ABSTRACTED,
        note: "",
    },
    Service {
        slug: "secretsmanager",
        name: "AWS Secrets Manager",
        config_services: &["SecretsManager"],
        category: Category::Abstracted,
        duties: &[Duty::DataProtection, Duty::IdentityAndAccess],
        note: "",
    },
    Service {
        slug: "sns",
        name: "Amazon SNS",
        config_services: &["SNS"],
        category: Category::Abstracted,
        duties: KEYS_AND_MESSAGES,
        note: "",
    },
    Service {
        slug: "sqs",
        name: "Amazon SQS",
        config_services: &["SQS"],
        category: Category::Abstracted,
        duties: KEYS_AND_MESSAGES,
        note: "",
    },
    Service {
        slug: "waf",
        name: "AWS WAF",
        config_services: &["WAF", "WAFv2", "WAFRegional"],
        category: Category::Abstracted,
        duties: &[Duty::NetworkConfiguration, Duty::LoggingAndMonitoring],
        note: "Network configuration: the rules that decide what reaches your applications.",
    },
    Service {
        slug: "account",
        name: "The account",
        config_services: &[""],
        category: Category::Account,
        duties: ACCOUNT,
        note: "",
    },
];

/// The service part of an AWS Config resource type: `EC2` for `AWS::EC2::Instance`, `""` for
/// `AWS::::Account`; `None` when the type is not `AWS::<service>::<type>`.
pub fn config_service(resource_type: &str) -> Option<&str> {
    let rest = resource_type.strip_prefix("AWS::")?;
    let (service, kind) = rest.split_once("::")?;
    (!kind.is_empty() && !kind.contains("::")).then_some(service)
}

/// The service an AWS Config resource type belongs to; `None` for a type of a service sidewatch
/// has no controls for.
pub fn service_of(resource_type: &str) -> Option<&'static Service> {
    let service = config_service(resource_type)?;
    SERVICES
        .iter()
        .find(|s| s.config_services.contains(&service))
}

/// The service a control checks: the one all its resource types belong to (a test holds every
/// control of the catalog to one service).
pub fn service_of_control(control: &Control) -> Option<&'static Service> {
    let mut services = control.resource_types.iter().map(|t| service_of(t));
    let first = services.next()??;
    services.all(|s| s == Some(first)).then_some(first)
}

/// The service with this slug.
pub fn service(slug: &str) -> Option<&'static Service> {
    SERVICES.iter().find(|s| s.slug == slug)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::catalog;
    use std::collections::HashSet;

    #[test]
    fn every_resource_type_of_every_control_has_a_service_with_the_control_s_duty() {
        for control in catalog() {
            for resource_type in control.resource_types {
                let service = service_of(resource_type).unwrap_or_else(|| {
                    panic!("{}: {resource_type} maps to no service", control.id)
                });
                assert!(
                    service.duties.contains(&control.duty),
                    "{}: its duty {} is not one of {}'s duties",
                    control.id,
                    control.duty.slug(),
                    service.slug
                );
            }
        }
    }

    #[test]
    fn every_control_checks_one_service() {
        for control in catalog() {
            assert!(
                service_of_control(control).is_some(),
                "{}: its resource types belong to different services",
                control.id
            );
        }
    }

    #[test]
    fn every_service_is_checked_by_a_control_and_lists_duties_in_order() {
        let mut slugs = HashSet::new();
        let mut config_services = HashSet::new();
        for service in SERVICES {
            assert!(slugs.insert(service.slug), "{}: slug twice", service.slug);
            for name in service.config_services {
                assert!(config_services.insert(*name), "{name}: in two services");
            }
            assert!(
                catalog().iter().any(|c| c
                    .resource_types
                    .iter()
                    .any(|t| service_of(t) == Some(service))),
                "{}: no control checks it",
                service.slug
            );
            let order: Vec<usize> = service
                .duties
                .iter()
                .map(|d| Duty::ALL.iter().position(|a| a == d).unwrap())
                .collect();
            assert!(
                order.windows(2).all(|w| w[0] < w[1]),
                "{}: duties in Duty::ALL order, once each",
                service.slug
            );
            assert!(
                service
                    .duties
                    .iter()
                    .all(|d| service.category.duties().contains(d))
                    || !service.note.is_empty(),
                "{}: a duty beyond its category's needs a note saying why",
                service.slug
            );
        }
    }

    #[test]
    fn resource_types_split_into_their_service() {
        assert_eq!(config_service("AWS::EC2::SecurityGroup"), Some("EC2"));
        assert_eq!(config_service(crate::ACCOUNT_RESOURCE_TYPE), Some(""));
        assert_eq!(config_service("AWS::EC2"), None);
        assert_eq!(config_service("Custom::Thing::X"), None);
        assert_eq!(config_service("AWS::EC2::A::B"), None);
        assert_eq!(
            service_of("AWS::ElasticLoadBalancing::LoadBalancer").map(|s| s.slug),
            Some("elb")
        );
        assert_eq!(
            service_of(crate::ACCOUNT_RESOURCE_TYPE).map(|s| s.category),
            Some(Category::Account)
        );
        assert_eq!(service_of("AWS::Athena::WorkGroup"), None);
        assert_eq!(service("s3").map(|s| s.name), Some("Amazon S3"));
    }
}
