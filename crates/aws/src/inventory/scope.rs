//! What an inventory scan reaches: the Regions enabled for the account, and the IAM actions the
//! collectors of [`crate::inventory`] call.
//!
//! Kept apart from the collectors so the command line can ask for `--region all` and print the
//! read-only policy without knowing how each collector works. The action list is checked against
//! the collectors' sources by a test, so a collector that starts calling a new operation fails the
//! build's tests until the operation is listed here.

use crate::error::port_error;
use aws_config::SdkConfig;
use sidewatch_core::ports::PortError;

/// The operation name (as the collectors report it in a `PortError`) and the IAM action that
/// allows it, for every read the inventory makes. They differ for S3, whose API and IAM names
/// diverge (`ListBuckets` is allowed by `s3:ListAllMyBuckets`), and for API Gateway, whose IAM
/// actions are HTTP methods (every read is `apigateway:GET`). `sts:GetCallerIdentity` is not
/// listed: AWS allows it to every identity.
pub const INVENTORY_OPERATIONS: &[(&str, &str)] = &[
    ("apigateway:GetApis", "apigateway:GET"),
    ("apigateway:GetRestApis", "apigateway:GET"),
    ("apigateway:GetStages", "apigateway:GET"),
    ("cloudfront:GetDistribution", "cloudfront:GetDistribution"),
    (
        "cloudfront:ListDistributions",
        "cloudfront:ListDistributions",
    ),
    (
        "cloudfront:ListTagsForResource",
        "cloudfront:ListTagsForResource",
    ),
    ("cloudtrail:DescribeTrails", "cloudtrail:DescribeTrails"),
    ("cloudtrail:ListTags", "cloudtrail:ListTags"),
    (
        "dynamodb:DescribeContinuousBackups",
        "dynamodb:DescribeContinuousBackups",
    ),
    ("dynamodb:DescribeTable", "dynamodb:DescribeTable"),
    ("dynamodb:ListTables", "dynamodb:ListTables"),
    ("ec2:DescribeInstances", "ec2:DescribeInstances"),
    (
        "ec2:DescribeLaunchTemplateVersions",
        "ec2:DescribeLaunchTemplateVersions",
    ),
    ("ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplates"),
    ("ec2:DescribeNetworkAcls", "ec2:DescribeNetworkAcls"),
    ("ec2:DescribeRegions", "ec2:DescribeRegions"),
    ("ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroups"),
    ("ec2:DescribeSubnets", "ec2:DescribeSubnets"),
    ("ec2:DescribeVolumes", "ec2:DescribeVolumes"),
    ("ec2:DescribeVpcs", "ec2:DescribeVpcs"),
    ("ecr:DescribeRepositories", "ecr:DescribeRepositories"),
    ("ecr:GetLifecyclePolicy", "ecr:GetLifecyclePolicy"),
    ("ecs:DescribeClusters", "ecs:DescribeClusters"),
    ("ecs:DescribeServices", "ecs:DescribeServices"),
    ("ecs:DescribeTaskDefinition", "ecs:DescribeTaskDefinition"),
    ("ecs:DescribeTaskSets", "ecs:DescribeTaskSets"),
    ("ecs:ListClusters", "ecs:ListClusters"),
    ("ecs:ListServices", "ecs:ListServices"),
    ("ecs:ListTaskDefinitions", "ecs:ListTaskDefinitions"),
    ("eks:DescribeCluster", "eks:DescribeCluster"),
    ("eks:ListClusters", "eks:ListClusters"),
    (
        "elasticfilesystem:DescribeFileSystems",
        "elasticfilesystem:DescribeFileSystems",
    ),
    (
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeListeners",
    ),
    (
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
    ),
    (
        "elasticloadbalancing:DescribeLoadBalancerPolicies",
        "elasticloadbalancing:DescribeLoadBalancerPolicies",
    ),
    (
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancers",
    ),
    (
        "iam:GetAccountAuthorizationDetails",
        "iam:GetAccountAuthorizationDetails",
    ),
    ("iam:GetPolicy", "iam:GetPolicy"),
    ("iam:GetPolicyVersion", "iam:GetPolicyVersion"),
    ("kms:DescribeKey", "kms:DescribeKey"),
    ("kms:ListKeys", "kms:ListKeys"),
    ("kms:ListResourceTags", "kms:ListResourceTags"),
    ("lambda:GetPolicy", "lambda:GetPolicy"),
    ("lambda:ListFunctions", "lambda:ListFunctions"),
    ("lambda:ListTags", "lambda:ListTags"),
    (
        "rds:DescribeDBClusterSnapshotAttributes",
        "rds:DescribeDBClusterSnapshotAttributes",
    ),
    (
        "rds:DescribeDBClusterSnapshots",
        "rds:DescribeDBClusterSnapshots",
    ),
    ("rds:DescribeDBClusters", "rds:DescribeDBClusters"),
    ("rds:DescribeDBInstances", "rds:DescribeDBInstances"),
    (
        "rds:DescribeDBSnapshotAttributes",
        "rds:DescribeDBSnapshotAttributes",
    ),
    ("rds:DescribeDBSnapshots", "rds:DescribeDBSnapshots"),
    ("s3:GetBucketAcl", "s3:GetBucketAcl"),
    ("s3:GetBucketEncryption", "s3:GetEncryptionConfiguration"),
    (
        "s3:GetBucketLifecycleConfiguration",
        "s3:GetLifecycleConfiguration",
    ),
    ("s3:GetBucketLocation", "s3:GetBucketLocation"),
    ("s3:GetBucketLogging", "s3:GetBucketLogging"),
    (
        "s3:GetBucketNotificationConfiguration",
        "s3:GetBucketNotification",
    ),
    ("s3:GetBucketPolicy", "s3:GetBucketPolicy"),
    ("s3:GetBucketTagging", "s3:GetBucketTagging"),
    ("s3:GetBucketVersioning", "s3:GetBucketVersioning"),
    ("s3:GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
    ("s3:ListBuckets", "s3:ListAllMyBuckets"),
    ("secretsmanager:ListSecrets", "secretsmanager:ListSecrets"),
    ("sns:GetTopicAttributes", "sns:GetTopicAttributes"),
    ("sns:ListTagsForResource", "sns:ListTagsForResource"),
    ("sns:ListTopics", "sns:ListTopics"),
    ("sqs:GetQueueAttributes", "sqs:GetQueueAttributes"),
    ("sqs:ListQueueTags", "sqs:ListQueueTags"),
    ("sqs:ListQueues", "sqs:ListQueues"),
    ("ssm:ListComplianceItems", "ssm:ListComplianceItems"),
    ("ssm:ListDocuments", "ssm:ListDocuments"),
    (
        "ssm:ListResourceComplianceSummaries",
        "ssm:ListResourceComplianceSummaries",
    ),
    ("wafv2:GetWebACL", "wafv2:GetWebACL"),
    ("wafv2:ListWebACLs", "wafv2:ListWebACLs"),
];

/// The IAM actions an inventory of every resource type in every enabled Region needs, sorted and
/// each once.
pub fn inventory_actions() -> Vec<&'static str> {
    let actions: std::collections::BTreeSet<&'static str> = INVENTORY_OPERATIONS
        .iter()
        .map(|(_, action)| *action)
        .collect();
    actions.into_iter().collect()
}

/// The IAM action that allows `operation` (an operation name from a collection failure); the
/// operation itself when it is not an inventory read.
pub fn iam_action(operation: &str) -> &str {
    INVENTORY_OPERATIONS
        .iter()
        .find(|(op, _)| *op == operation)
        .map_or(operation, |(_, action)| action)
}

/// The Regions enabled for the account (`ec2:DescribeRegions` in `sdk`'s Region: the Regions that
/// need no opt-in plus those opted in), sorted.
pub async fn enabled_regions(sdk: &SdkConfig) -> Result<Vec<String>, PortError> {
    let out = aws_sdk_ec2::Client::new(sdk)
        .describe_regions()
        .send()
        .await
        .map_err(|e| port_error("ec2:DescribeRegions", &e))?;
    let mut regions: Vec<String> = out
        .regions()
        .iter()
        .filter(|r| {
            r.opt_in_status()
                .is_none_or(|s| s == "opt-in-not-required" || s == "opted-in")
        })
        .filter_map(|r| r.region_name().map(str::to_owned))
        .collect();
    regions.sort();
    regions.dedup();
    Ok(regions)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The collectors' sources, to find every operation they name.
    const SOURCES: &[&str] = &[
        include_str!("apigateway_stage.rs"),
        include_str!("apigatewayv2_stage.rs"),
        include_str!("cloudfront_distribution.rs"),
        include_str!("cloudtrail_trail.rs"),
        include_str!("dynamodb_table.rs"),
        include_str!("ec2_instance.rs"),
        include_str!("ec2_launch_template.rs"),
        include_str!("ec2_network_acl.rs"),
        include_str!("ec2_security_group.rs"),
        include_str!("ec2_subnet.rs"),
        include_str!("ec2_volume.rs"),
        include_str!("ec2_vpc.rs"),
        include_str!("ecr_repository.rs"),
        include_str!("ecs.rs"),
        include_str!("ecs_cluster.rs"),
        include_str!("ecs_service.rs"),
        include_str!("ecs_task_definition.rs"),
        include_str!("ecs_task_set.rs"),
        include_str!("efs_file_system.rs"),
        include_str!("eks_cluster.rs"),
        include_str!("elb_classic.rs"),
        include_str!("elbv2.rs"),
        include_str!("iam.rs"),
        include_str!("iam_policy.rs"),
        include_str!("iam_role.rs"),
        include_str!("iam_user.rs"),
        include_str!("kms_key.rs"),
        include_str!("lambda_function.rs"),
        include_str!("mod.rs"),
        include_str!("rds_db_cluster.rs"),
        include_str!("rds_db_cluster_snapshot.rs"),
        include_str!("rds_db_instance.rs"),
        include_str!("rds_db_snapshot.rs"),
        include_str!("s3_bucket.rs"),
        include_str!("secretsmanager_secret.rs"),
        include_str!("sns_topic.rs"),
        include_str!("sqs_queue.rs"),
        include_str!("ssm_compliance.rs"),
        include_str!("ssm_document.rs"),
        include_str!("wafv2_web_acl.rs"),
    ];

    const SERVICES: &[&str] = &[
        "cloudtrail",
        "dynamodb",
        "ec2",
        "ecr",
        "elasticloadbalancing",
        "iam",
        "kms",
        "lambda",
        "rds",
        "s3",
        "secretsmanager",
        "wafv2",
    ];

    /// Every `"service:Operation"` string literal in `text`.
    fn operations(text: &str) -> Vec<String> {
        text.split('"')
            .skip(1)
            .step_by(2)
            .filter_map(|literal| {
                let (service, op) = literal.split_once(':')?;
                let named = SERVICES.contains(&service)
                    && op.starts_with(|c: char| c.is_ascii_uppercase())
                    && op.chars().all(|c| c.is_ascii_alphanumeric());
                named.then(|| literal.to_owned())
            })
            .collect()
    }

    #[test]
    fn every_operation_a_collector_names_is_listed() {
        let mut seen = 0;
        for source in SOURCES {
            for op in operations(source) {
                seen += 1;
                assert!(
                    INVENTORY_OPERATIONS.iter().any(|(o, _)| *o == op),
                    "{op} is called by a collector but missing from INVENTORY_OPERATIONS"
                );
            }
        }
        assert!(seen >= 20, "the sources name {seen} operations");
    }

    #[test]
    fn actions_are_reads_and_s3_names_are_translated() {
        let actions = inventory_actions();
        assert!(actions.contains(&"s3:ListAllMyBuckets"));
        assert!(!actions.contains(&"s3:ListBuckets"));
        for action in &actions {
            let name = action.split(':').nth(1).unwrap_or_default();
            // API Gateway's read action is its HTTP method.
            assert!(
                ["Get", "List", "Describe"]
                    .iter()
                    .any(|p| name.starts_with(p))
                    || *action == "apigateway:GET",
                "{action}"
            );
        }
        assert_eq!(
            iam_action("s3:GetPublicAccessBlock"),
            "s3:GetBucketPublicAccessBlock"
        );
        assert_eq!(iam_action("sts:GetCallerIdentity"), "sts:GetCallerIdentity");
    }
}
