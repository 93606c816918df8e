//! Amazon Resource Names and the other facts of AWS's naming that every crate needs: the ARN
//! `arn:<partition>:<service>:<region>:<account>:<resource>`, the [`Partition`] of a Region, the
//! Security Hub [`DefaultProduct`] an account's own findings are imported under, and the forms
//! of a Lambda function name. This is the one place that takes ARNs apart.
//!
//! [`Arn::parse`] splits an ARN into its six fields and checks only their syntax; what a field
//! must hold for a given service (an S3 bucket ARN has no Region and no account, an IAM ARN no
//! Region) is for the caller to decide.
//!
//! ```
//! use sidewatch_core::arn::{Arn, Partition, partition_of_region};
//!
//! let arn = Arn::parse("arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0abc").unwrap();
//! assert_eq!(arn.service, "ec2");
//! assert_eq!(arn.account, "111122223333");
//! assert_eq!(arn.resource, "security-group/sg-0abc");
//!
//! let bucket = Arn::parse("arn:aws:s3:::example-bucket").unwrap();
//! assert_eq!((bucket.region, bucket.account), ("", ""));
//!
//! assert_eq!(Arn::parse("sg-0abc"), None);
//! assert_eq!(Arn::parse("arn:aws:ec2:eu-west-1"), None);
//!
//! assert_eq!(Partition::of_region("cn-north-1"), Partition::AwsCn);
//! assert_eq!(partition_of_region("us-gov-west-1"), "aws-us-gov");
//! ```

use std::fmt;

/// The six fields of an ARN, borrowed from the text it was parsed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Arn<'a> {
    /// `aws`, `aws-cn`, `aws-us-gov`…: never empty.
    pub partition: &'a str,
    /// `ec2`, `s3`, `iam`…: never empty.
    pub service: &'a str,
    /// The Region; empty for services without one (S3 buckets, IAM).
    pub region: &'a str,
    /// The account id; empty for resources without one (S3 buckets). Not checked to be 12 digits:
    /// some ARNs carry `aws` there (AWS managed IAM policies).
    pub account: &'a str,
    /// Everything after the fifth `:`, colons included (`function:name`, `security-group/sg-0abc`,
    /// `bucket`): never empty.
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Parses `arn:<partition>:<service>:<region>:<account>:<resource>`. `None` when the text does
    /// not start with `arn:`, has fewer than six `:`-separated fields, has an empty partition,
    /// service or resource, or a partition, service, Region or account with characters other than
    /// ASCII letters, digits and `-` (whitespace, `/`…). The resource is kept as it is.
    pub fn parse(text: &'a str) -> Option<Self> {
        let mut fields = text.splitn(6, ':');
        let (prefix, partition, service, region, account, resource) = (
            fields.next()?,
            fields.next()?,
            fields.next()?,
            fields.next()?,
            fields.next()?,
            fields.next()?,
        );
        let token = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        (prefix == "arn"
            && !partition.is_empty()
            && !service.is_empty()
            && !resource.is_empty()
            && [partition, service, region, account].into_iter().all(token))
        .then_some(Arn {
            partition,
            service,
            region,
            account,
            resource,
        })
    }

    /// The function name when this is a Lambda function ARN
    /// (`arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`), without the
    /// qualifier.
    pub fn lambda_function(&self) -> Option<&'a str> {
        let rest = self.resource.strip_prefix("function:")?;
        let name = rest.split_once(':').map_or(rest, |(name, _qualifier)| name);
        (self.service == "lambda" && !name.is_empty()).then_some(name)
    }

    /// The family and revision when this is an ECS task definition ARN
    /// (`arn:<partition>:ecs:<region>:<account>:task-definition/<family>:<revision>`); the
    /// revision is a whole number.
    pub fn ecs_task_definition(&self) -> Option<(&'a str, u64)> {
        let rest = self.resource.strip_prefix("task-definition/")?;
        let (family, revision) = rest.rsplit_once(':')?;
        if !revision.bytes().all(|b| b.is_ascii_digit()) {
            return None; // `+3` parses as a number but is no revision
        }
        let revision = revision.parse().ok()?;
        (self.service == "ecs" && !family.is_empty()).then_some((family, revision))
    }
}

impl fmt::Display for Arn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

/// The partition of a service-wide ARN prefix, `arn:<partition>:<service>` or
/// `arn:<partition>:<service>:::` (CloudTrail's data-resource value for "every resource of the
/// service", such as every S3 bucket); `None` for anything else.
pub fn service_wide<'a>(text: &'a str, service: &str) -> Option<&'a str> {
    let rest = text.strip_prefix("arn:")?;
    let (partition, rest) = rest.split_once(':')?;
    let named = rest.strip_suffix(":::").unwrap_or(rest);
    (!partition.is_empty() && named == service).then_some(partition)
}

/// The function name in a Lambda `FunctionName` parameter, in any of its forms: `my-function`,
/// `my-function:v1`, `123456789012:function:my-function`,
/// `arn:aws:lambda:us-west-2:123456789012:function:my-function:PROD`. `None` when empty.
pub fn lambda_function_name(raw: &str) -> Option<&str> {
    let parts: Vec<&str> = raw.split(':').collect();
    let name = match parts.as_slice() {
        ["arn", ..] => Arn::parse(raw)?.lambda_function()?,
        [_account, "function", name, ..] => *name,
        [name, ..] => *name,
        [] => return None,
    };
    Some(name).filter(|n| !n.is_empty())
}

/// An AWS partition: a group of Regions with its own ARNs, endpoints and credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Partition {
    /// `aws`: the commercial Regions.
    Aws,
    /// `aws-cn`: the China Regions (`cn-north-1`, `cn-northwest-1`).
    AwsCn,
    /// `aws-us-gov`: AWS GovCloud (US) (`us-gov-west-1`, `us-gov-east-1`).
    AwsUsGov,
    /// `aws-iso`: US ISO (`us-iso-east-1`, `us-iso-west-1`).
    AwsIso,
    /// `aws-iso-b`: US ISOB (`us-isob-east-1`).
    AwsIsoB,
    /// `aws-iso-e`: EU ISOE (`eu-isoe-west-1`).
    AwsIsoE,
    /// `aws-iso-f`: US ISOF (`us-isof-south-1`, `us-isof-east-1`).
    AwsIsoF,
    /// `aws-eusc`: the AWS European Sovereign Cloud (`eusc-de-east-1`).
    AwsEusc,
}

impl Partition {
    /// Every partition, `aws` first.
    pub const ALL: [Partition; 8] = [
        Partition::Aws,
        Partition::AwsCn,
        Partition::AwsUsGov,
        Partition::AwsIso,
        Partition::AwsIsoB,
        Partition::AwsIsoE,
        Partition::AwsIsoF,
        Partition::AwsEusc,
    ];

    /// The partitions ASFF accepts in `Resources[].Partition`.
    pub const ASFF: [Partition; 3] = [Partition::Aws, Partition::AwsCn, Partition::AwsUsGov];

    /// The partition of a Region, by the Region name's prefix (as the SDKs' `partitions.json`
    /// does): `cn-` → `aws-cn`, `us-gov-` → `aws-us-gov`, `us-iso-` → `aws-iso`, `us-isob-` →
    /// `aws-iso-b`, `eu-isoe-` → `aws-iso-e`, `us-isof-` → `aws-iso-f`, `eusc-` → `aws-eusc`;
    /// anything else (an unknown or empty name too) → `aws`.
    pub fn of_region(region: &str) -> Partition {
        const PREFIXES: [(&str, Partition); 7] = [
            ("cn-", Partition::AwsCn),
            ("us-gov-", Partition::AwsUsGov),
            ("us-iso-", Partition::AwsIso),
            ("us-isob-", Partition::AwsIsoB),
            ("eu-isoe-", Partition::AwsIsoE),
            ("us-isof-", Partition::AwsIsoF),
            ("eusc-", Partition::AwsEusc),
        ];
        PREFIXES
            .iter()
            .find(|(prefix, _)| region.starts_with(prefix))
            .map_or(Partition::Aws, |&(_, partition)| partition)
    }

    /// The partition named `name` (`aws`, `aws-cn`…), `None` for an unknown name.
    pub fn from_name(name: &str) -> Option<Partition> {
        Partition::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// Its name in ARNs: `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`, `aws-iso-e`,
    /// `aws-iso-f`, `aws-eusc`.
    pub fn as_str(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsCn => "aws-cn",
            Partition::AwsUsGov => "aws-us-gov",
            Partition::AwsIso => "aws-iso",
            Partition::AwsIsoB => "aws-iso-b",
            Partition::AwsIsoE => "aws-iso-e",
            Partition::AwsIsoF => "aws-iso-f",
            Partition::AwsEusc => "aws-eusc",
        }
    }

    /// Whether ASFF accepts the partition named `name` in `Resources[].Partition`: `aws`,
    /// `aws-cn`, `aws-us-gov`.
    pub fn asff_accepts(name: &str) -> bool {
        Partition::ASFF.iter().any(|p| p.as_str() == name)
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name of the partition of a Region: [`Partition::of_region`] as text.
pub fn partition_of_region(region: &str) -> &'static str {
    Partition::of_region(region).as_str()
}

/// The Security Hub product an account's own findings are imported under, its "default
/// product": `arn:<partition>:securityhub:<region>:<account>:product/<account>/default`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DefaultProduct<'a> {
    pub partition: &'a str,
    pub region: &'a str,
    /// Twelve digits when parsed.
    pub account: &'a str,
}

impl<'a> DefaultProduct<'a> {
    /// The default product of `account` in `region`, in the Region's partition.
    pub fn in_region(region: &'a str, account: &'a str) -> Self {
        DefaultProduct {
            partition: partition_of_region(region),
            region,
            account,
        }
    }

    /// Parses a default-product ARN: service `securityhub`, a Region, a 12-digit account and the
    /// resource `product/<the same account>/default`. `None` for anything else (another
    /// product's ARN included).
    pub fn parse(arn: &'a str) -> Option<Self> {
        let arn = Arn::parse(arn)?;
        let owner = arn
            .resource
            .strip_prefix("product/")?
            .strip_suffix("/default")?;
        (arn.service == "securityhub"
            && !arn.region.is_empty()
            && crate::boundary::is_account_id(arn.account)
            && owner == arn.account)
            .then_some(DefaultProduct {
                partition: arn.partition,
                region: arn.region,
                account: arn.account,
            })
    }
}

impl fmt::Display for DefaultProduct<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let DefaultProduct {
            partition,
            region,
            account,
        } = self;
        write!(
            f,
            "arn:{partition}:securityhub:{region}:{account}:product/{account}/default"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_six_fields_are_split_at_the_first_five_colons() {
        let arn = Arn::parse("arn:aws-cn:lambda:cn-north-1:111122223333:function:my-fn").unwrap();
        assert_eq!(
            arn,
            Arn {
                partition: "aws-cn",
                service: "lambda",
                region: "cn-north-1",
                account: "111122223333",
                resource: "function:my-fn",
            }
        );
        assert_eq!(
            arn.to_string(),
            "arn:aws-cn:lambda:cn-north-1:111122223333:function:my-fn"
        );
        let user = Arn::parse("arn:aws:iam::111122223333:user/ops/alice").unwrap();
        assert_eq!((user.region, user.resource), ("", "user/ops/alice"));
        let policy = Arn::parse("arn:aws:iam::aws:policy/ReadOnlyAccess").unwrap();
        assert_eq!(policy.account, "aws");
    }

    #[test]
    fn what_is_not_an_arn_is_none() {
        for text in [
            "",
            "sg-0abc",
            "example-bucket",
            "AWS::::Account:111122223333",
            "arn",
            "arn:aws:s3::",
            "arn:aws:ec2:eu-west-1:111122223333",
            "ARN:aws:s3:::bucket",
            " arn:aws:s3:::bucket",
            "arn::s3:::bucket",
            "arn:aws::::bucket",
            "arn:aws:s3:::",
            "arn:aws:ec2:eu west 1:111122223333:vpc/vpc-1",
            "arn:aws:ec2:eu-west-1:1111/2222:vpc/vpc-1",
        ] {
            assert_eq!(Arn::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn format_of_parse_is_the_text() {
        for text in [
            "arn:aws:s3:::example-bucket",
            "arn:aws:s3:::example-bucket/key/with:colon",
            "arn:aws:iam::111122223333:role/service-role/x",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:lambda:eu-west-1:111122223333:function:name:qualifier",
            "arn:aws-us-gov:ec2:us-gov-west-1:111122223333:security-group/sg-1",
            "arn:aws-iso-b:kms:us-isob-east-1:111122223333:key/1234",
            "arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default",
        ] {
            assert_eq!(Arn::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn resources_keep_their_colons() {
        let arn =
            Arn::parse("arn:aws:lambda:eu-west-1:111122223333:function:name:qualifier").unwrap();
        assert_eq!(arn.resource, "function:name:qualifier");
        assert_eq!(arn.lambda_function(), Some("name"));
        let unqualified =
            Arn::parse("arn:aws:lambda:eu-west-1:111122223333:function:name").unwrap();
        assert_eq!(unqualified.lambda_function(), Some("name"));
        for not_a_function in [
            "arn:aws:lambda:eu-west-1:111122223333:layer:name:1",
            "arn:aws:lambda:eu-west-1:111122223333:function:",
            "arn:aws:s3:::function:name",
        ] {
            let arn = Arn::parse(not_a_function).unwrap();
            assert_eq!(arn.lambda_function(), None, "{not_a_function}");
        }
    }

    #[test]
    fn task_definition_arns_give_family_and_revision() {
        let arn = Arn::parse("arn:aws-cn:ecs:cn-north-1:111122223333:task-definition/web-app:17")
            .unwrap();
        assert_eq!(arn.ecs_task_definition(), Some(("web-app", 17)));
        for not_a_task_definition in [
            "arn:aws:ecs:us-east-1:111122223333:task-definition/web",
            "arn:aws:ecs:us-east-1:111122223333:task-definition/web:latest",
            "arn:aws:ecs:us-east-1:111122223333:task-definition/:3",
            "arn:aws:ecs:us-east-1:111122223333:service/prod/web",
            "arn:aws:batch:us-east-1:111122223333:task-definition/web:3",
        ] {
            let arn = Arn::parse(not_a_task_definition).unwrap();
            assert_eq!(arn.ecs_task_definition(), None, "{not_a_task_definition}");
        }
    }

    #[test]
    fn every_partition_has_its_region_prefix() {
        let cases = [
            ("us-east-1", Partition::Aws),
            ("eu-west-1", Partition::Aws),
            ("ap-southeast-5", Partition::Aws),
            ("il-central-1", Partition::Aws),
            ("", Partition::Aws),
            ("unknown", Partition::Aws),
            ("cn-north-1", Partition::AwsCn),
            ("cn-northwest-1", Partition::AwsCn),
            ("us-gov-west-1", Partition::AwsUsGov),
            ("us-gov-east-1", Partition::AwsUsGov),
            ("us-iso-east-1", Partition::AwsIso),
            ("us-iso-west-1", Partition::AwsIso),
            ("us-isob-east-1", Partition::AwsIsoB),
            ("eu-isoe-west-1", Partition::AwsIsoE),
            ("us-isof-south-1", Partition::AwsIsoF),
            ("us-isof-east-1", Partition::AwsIsoF),
            ("eusc-de-east-1", Partition::AwsEusc),
        ];
        for (region, partition) in cases {
            assert_eq!(Partition::of_region(region), partition, "{region}");
            assert_eq!(partition_of_region(region), partition.as_str(), "{region}");
        }
        for partition in Partition::ALL {
            assert_eq!(Partition::from_name(partition.as_str()), Some(partition));
            assert_eq!(partition.to_string(), partition.as_str());
        }
        assert_eq!(Partition::from_name("aws-iso-x"), None);
        let asff: Vec<&str> = Partition::ALL
            .into_iter()
            .map(Partition::as_str)
            .filter(|p| Partition::asff_accepts(p))
            .collect();
        assert_eq!(asff, ["aws", "aws-cn", "aws-us-gov"]);
        assert!(!Partition::asff_accepts("aws-iso"));
    }

    #[test]
    fn the_default_product_is_built_and_parsed_in_one_form() {
        let product = DefaultProduct::in_region("cn-north-1", "111122223333");
        let text = product.to_string();
        assert_eq!(
            text,
            "arn:aws-cn:securityhub:cn-north-1:111122223333:product/111122223333/default"
        );
        assert_eq!(DefaultProduct::parse(&text), Some(product));
        for other in [
            "arn:aws:securityhub:eu-west-1:111122223333:product/444455556666/default",
            "arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/other",
            "arn:aws:securityhub:eu-west-1::product/aws/guardduty",
            "arn:aws:securityhub::111122223333:product/111122223333/default",
            "arn:aws:securityhub:eu-west-1:1111:product/1111/default",
            "arn:aws:inspector:eu-west-1:111122223333:product/111122223333/default",
            "product/111122223333/default",
        ] {
            assert_eq!(DefaultProduct::parse(other), None, "{other}");
        }
    }

    #[test]
    fn lambda_function_names_in_every_form() {
        for (raw, name) in [
            ("my-function", Some("my-function")),
            ("my-function:v1", Some("my-function")),
            ("123456789012:function:my-function", Some("my-function")),
            (
                "123456789012:function:my-function:PROD",
                Some("my-function"),
            ),
            (
                "arn:aws:lambda:us-west-2:123456789012:function:my-function:PROD",
                Some("my-function"),
            ),
            ("arn:aws:s3:::bucket", None),
            ("", None),
        ] {
            assert_eq!(lambda_function_name(raw), name, "{raw:?}");
        }
    }

    #[test]
    fn service_wide_prefixes_name_their_partition() {
        assert_eq!(service_wide("arn:aws:s3", "s3"), Some("aws"));
        assert_eq!(service_wide("arn:aws-cn:s3:::", "s3"), Some("aws-cn"));
        assert_eq!(service_wide("arn:aws:s3:::bucket", "s3"), None);
        assert_eq!(service_wide("arn:aws:lambda", "s3"), None);
        assert_eq!(service_wide("arn::s3", "s3"), None);
        assert_eq!(service_wide("s3", "s3"), None);
    }
}
