//! Test seeding shared by the adapter tests and the CLI's end-to-end test (included with
//! `#[path]`): an Application Load Balancer with one HTTP listener in a VPC of its own, a
//! regional web ACL, a DynamoDB table keyed on `pk`, a bucket's lifecycle rule and event
//! notification.

#![allow(dead_code)]

/// Creates a VPC with two subnets, the ALB `name` in them and an HTTP listener on port 80 whose
/// default action redirects to HTTPS (`redirect`) or forwards to a new target group; returns the
/// load balancer's ARN.
pub async fn alb_with_http_listener(
    ec2: &aws_sdk_ec2::Client,
    elb: &aws_sdk_elasticloadbalancingv2::Client,
    name: &str,
    redirect: bool,
) -> String {
    use aws_sdk_elasticloadbalancingv2::types::{
        Action, ActionTypeEnum, ProtocolEnum, RedirectActionConfig, RedirectActionStatusCodeEnum,
    };
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.50.0.0/16")
        .send()
        .await
        .unwrap();
    let vpc = vpc.vpc().unwrap().vpc_id().unwrap().to_owned();
    let mut subnets = Vec::new();
    for (cidr, zone) in [
        ("10.50.1.0/24", "us-east-1a"),
        ("10.50.2.0/24", "us-east-1b"),
    ] {
        let subnet = ec2
            .create_subnet()
            .vpc_id(&vpc)
            .cidr_block(cidr)
            .availability_zone(zone)
            .send()
            .await
            .unwrap();
        subnets.push(subnet.subnet().unwrap().subnet_id().unwrap().to_owned());
    }
    let lb = elb
        .create_load_balancer()
        .name(name)
        .set_subnets(Some(subnets))
        .send()
        .await
        .unwrap();
    let arn = lb.load_balancers()[0]
        .load_balancer_arn()
        .unwrap()
        .to_owned();
    let action = if redirect {
        Action::builder()
            .r#type(ActionTypeEnum::Redirect)
            .redirect_config(
                RedirectActionConfig::builder()
                    .protocol("HTTPS")
                    .port("443")
                    .status_code(RedirectActionStatusCodeEnum::Http301)
                    .build(),
            )
            .build()
    } else {
        let group = elb
            .create_target_group()
            .name(name)
            .protocol(ProtocolEnum::Http)
            .port(80)
            .vpc_id(&vpc)
            .send()
            .await
            .unwrap();
        Action::builder()
            .r#type(ActionTypeEnum::Forward)
            .target_group_arn(group.target_groups()[0].target_group_arn().unwrap())
            .build()
    };
    elb.create_listener()
        .load_balancer_arn(&arn)
        .protocol(ProtocolEnum::Http)
        .port(80)
        .default_actions(action)
        .send()
        .await
        .unwrap();
    arn
}

/// Creates the regional web ACL `name` (allow by default, no rules); returns its id and ARN.
pub async fn web_acl(waf: &aws_sdk_wafv2::Client, name: &str) -> (String, String) {
    use aws_sdk_wafv2::types::{AllowAction, DefaultAction, Scope, VisibilityConfig};
    let acl = waf
        .create_web_acl()
        .name(name)
        .scope(Scope::Regional)
        .default_action(
            DefaultAction::builder()
                .allow(AllowAction::builder().build())
                .build(),
        )
        .visibility_config(
            VisibilityConfig::builder()
                .sampled_requests_enabled(true)
                .cloud_watch_metrics_enabled(true)
                .metric_name(name)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let summary = acl.summary().unwrap();
    (
        summary.id().unwrap().to_owned(),
        summary.arn().unwrap().to_owned(),
    )
}

/// A `create_table` request for the table `name` keyed on the string `pk`: provisioned with 5
/// read and write units, or on demand with deletion protection.
pub fn table(
    ddb: &aws_sdk_dynamodb::Client,
    name: &str,
    on_demand: bool,
) -> aws_sdk_dynamodb::operation::create_table::builders::CreateTableFluentBuilder {
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ProvisionedThroughput,
        ScalarAttributeType,
    };
    let create = ddb
        .create_table()
        .table_name(name)
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("pk")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("pk")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        );
    if on_demand {
        create
            .billing_mode(BillingMode::PayPerRequest)
            .deletion_protection_enabled(true)
    } else {
        create.provisioned_throughput(
            ProvisionedThroughput::builder()
                .read_capacity_units(5)
                .write_capacity_units(5)
                .build()
                .unwrap(),
        )
    }
}

/// A lifecycle rule that expires noncurrent versions after 90 days (S3.10, S3.13) and an event
/// notification to an SQS queue (S3.11) on `bucket`.
pub async fn lifecycle_and_notification(s3: &aws_sdk_s3::Client, bucket: &str) {
    use aws_sdk_s3::types::{
        BucketLifecycleConfiguration, Event, ExpirationStatus, LifecycleRule, LifecycleRuleFilter,
        NoncurrentVersionExpiration, NotificationConfiguration, QueueConfiguration,
    };
    s3.put_bucket_lifecycle_configuration()
        .bucket(bucket)
        .lifecycle_configuration(
            BucketLifecycleConfiguration::builder()
                .rules(
                    LifecycleRule::builder()
                        .id("expire-noncurrent-versions")
                        .status(ExpirationStatus::Enabled)
                        .filter(LifecycleRuleFilter::builder().prefix("").build())
                        .noncurrent_version_expiration(
                            NoncurrentVersionExpiration::builder()
                                .noncurrent_days(90)
                                .build(),
                        )
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    s3.put_bucket_notification_configuration()
        .bucket(bucket)
        .notification_configuration(
            NotificationConfiguration::builder()
                .queue_configurations(
                    QueueConfiguration::builder()
                        .id("new-objects")
                        .queue_arn("arn:aws:sqs:us-east-1:123456789012:uploads")
                        .events(Event::from("s3:ObjectCreated:*"))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
}
