//! `sidewatch scan --live` without FILE and `sidewatch snapshot` end to end: the real binary,
//! configured by environment variables only (`AWS_ENDPOINT_URL`, credentials, Region), against a
//! private moto_server seeded through the SDK with compliant and misconfigured resources of every
//! type the inventory collects.

mod common;

#[path = "../../aws/tests/common/seed.rs"]
mod seed;

use aws_sdk_ec2::types::{
    FlowLogsResourceType, HttpTokensState, InstanceMetadataOptionsRequest, InstanceType,
    IpPermission, IpRange, LogDestinationType, PortRange, RuleAction, TrafficType,
};
use aws_sdk_lambda::types::{Environment, FunctionCode, Runtime};
use common::{Run, scratch, sidewatch, sidewatch_with_env};
use seed::{alb_with_http_listener, table, web_acl};
use serde_json::{Value, json};
use sidewatch_aws::{AwsClients, ClientOptions};
use sidewatch_testkit::{ACCOUNT, Moto, REGION, fake_credentials};
use std::collections::BTreeSet;

/// A secret that must never appear in any output. Not AWS's documented example key: the
/// detector deliberately ignores values ending in `EXAMPLEKEY`.
const SECRET: &str = concat!("q8Vd3mZk0Tn7", "Lr2Wx/Yb5Hc1Jf9Pg4Ks6Ea+Uo3iQv");
const KEY_ARN: &str = "arn:aws:kms:us-east-1:123456789012:key/3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b";
const SCOPED: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::example-reports/*"}]}"#;
const ADMIN: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "BreakGlass", "Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
const UPLOAD: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::example-reports/*"}]}"#;
const EC2_TRUST: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;
const LAMBDA_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// The seeded ECS task definition's AWS_SECRET_ACCESS_KEY value. Config records ECS environment
/// values (unlike Lambda's), and so does the inventory: it may appear in a snapshot, as in
/// Config's, never in findings.
const ECS_SECRET: &str = concat!("Zr4kP9wQ2mXb7", "Tn0Lc5Vy8Hd3/Fg6Js1Ae+Uq2oWiR");

/// Controls a compliant resource cannot pass on moto, with why: excluded from the "nothing
/// compliant fails" check only.
const MOTO_CANNOT: &[(&str, &str)] = &[(
    "S3.20",
    "moto accepts PutBucketVersioning with MFADelete but stores no MFA delete state",
)];

/// What was seeded: each misconfiguration as (control, resource key), and the resources seeded
/// compliant. A key is a resource id or name as the finding's `ProductFields` or `Resources[0].Id`
/// carry it.
#[derive(Debug, Default)]
struct Seeded {
    failing: Vec<(&'static str, String)>,
    compliant: Vec<String>,
    /// The ARN of the secret seeded without rotation.
    secret: String,
    /// The misconfigured resources of the types issue 17 added, as (control, resource type,
    /// resource key): also in `failing`, and checked to be collected as items of their type.
    new_types: Vec<(&'static str, &'static str, String)>,
}

impl Seeded {
    /// A misconfiguration of a type issue 17 added: expected FAILED, and collected.
    fn new_type(&mut self, (control, resource_type, key): (&'static str, &'static str, String)) {
        self.failing.push((control, key.clone()));
        self.new_types.push((control, resource_type, key));
    }
}

struct Clients {
    sdk: aws_config::SdkConfig,
    aws: AwsClients,
}

async fn clients(moto: &Moto) -> Clients {
    let sdk = ClientOptions {
        endpoint_url: Some(moto.endpoint.clone()),
        region: Some(REGION.into()),
        ..ClientOptions::default()
    }
    .config_loader()
    .credentials_provider(fake_credentials())
    .load()
    .await;
    let aws = AwsClients::new(&sdk);
    Clients { sdk, aws }
}

impl Clients {
    fn s3(&self) -> aws_sdk_s3::Client {
        aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&self.sdk)
                .force_path_style(true)
                .build(),
        )
    }
}

fn tcp(port: i32) -> aws_sdk_ec2::types::builders::IpPermissionBuilder {
    IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port)
}

async fn seed_s3(c: &Clients, seeded: &mut Seeded) {
    use aws_sdk_s3::types::{
        BucketCannedAcl, BucketLoggingStatus, BucketVersioningStatus, LoggingEnabled,
        PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
        ServerSideEncryptionConfiguration, ServerSideEncryptionRule, VersioningConfiguration,
    };
    let s3 = c.s3();
    for name in ["example-records", "example-public", "example-access-logs"] {
        s3.create_bucket().bucket(name).send().await.unwrap();
    }
    // Private, encrypted, versioned, logged, TLS-only.
    let records = "example-records";
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "AllowSSLRequestsOnly", "Effect": "Deny", "Principal": "*",
            "Action": "s3:*",
            "Resource": [format!("arn:aws:s3:::{records}"), format!("arn:aws:s3:::{records}/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
    });
    s3.put_bucket_policy()
        .bucket(records)
        .policy(policy.to_string())
        .send()
        .await
        .unwrap();
    s3.put_public_access_block()
        .bucket(records)
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    s3.put_bucket_encryption()
        .bucket(records)
        .server_side_encryption_configuration(
            ServerSideEncryptionConfiguration::builder()
                .rules(
                    ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(
                            ServerSideEncryptionByDefault::builder()
                                .sse_algorithm(ServerSideEncryption::AwsKms)
                                .kms_master_key_id(KEY_ARN)
                                .build()
                                .unwrap(),
                        )
                        .bucket_key_enabled(true)
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    s3.put_bucket_versioning()
        .bucket(records)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    // The log bucket lets S3's log delivery group write, as S3 requires of a logging target.
    s3.put_bucket_acl()
        .bucket("example-access-logs")
        .grant_write("uri=http://acs.amazonaws.com/groups/s3/LogDelivery")
        .grant_read_acp("uri=http://acs.amazonaws.com/groups/s3/LogDelivery")
        .send()
        .await
        .unwrap();
    s3.put_bucket_logging()
        .bucket(records)
        .bucket_logging_status(
            BucketLoggingStatus::builder()
                .logging_enabled(
                    LoggingEnabled::builder()
                        .target_bucket("example-access-logs")
                        .target_prefix("records/")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    // A lifecycle rule for the noncurrent versions (S3.10, S3.13) and an event notification
    // (S3.11).
    seed::lifecycle_and_notification(&s3, records).await;
    seeded.compliant.push(records.to_owned());
    // Everyone may list it; no public access block, no versioning.
    s3.put_bucket_acl()
        .bucket("example-public")
        .acl(BucketCannedAcl::PublicRead)
        .send()
        .await
        .unwrap();
    for control in ["S3.2", "S3.8", "S3.11", "S3.13", "S3.14"] {
        seeded.failing.push((control, "example-public".to_owned()));
    }
}

async fn seed_ec2(c: &Clients, seeded: &mut Seeded) {
    let ec2 = &c.aws.ec2;
    let bare = ec2
        .create_vpc()
        .cidr_block("10.40.0.0/16")
        .send()
        .await
        .unwrap();
    let bare = bare.vpc().unwrap().vpc_id().unwrap().to_owned();
    seeded.failing.push(("EC2.6", bare.clone()));
    let logged = ec2
        .create_vpc()
        .cidr_block("10.20.0.0/16")
        .send()
        .await
        .unwrap();
    let logged = logged.vpc().unwrap().vpc_id().unwrap().to_owned();
    // moto delivers flow logs (deliverLogsStatus SUCCESS) to an S3 bucket that exists.
    c.s3()
        .create_bucket()
        .bucket("example-flow-logs")
        .send()
        .await
        .unwrap();
    ec2.create_flow_logs()
        .resource_type(FlowLogsResourceType::Vpc)
        .resource_ids(&logged)
        .traffic_type(TrafficType::All)
        .log_destination_type(LogDestinationType::S3)
        .log_destination("arn:aws:s3:::example-flow-logs")
        .send()
        .await
        .unwrap();
    // An EC2 API endpoint in the logged VPC (EC2.10 passes there, fails in the bare one).
    ec2.create_vpc_endpoint()
        .vpc_id(&logged)
        .vpc_endpoint_type(aws_sdk_ec2::types::VpcEndpointType::Interface)
        .service_name(format!("com.amazonaws.{REGION}.ec2"))
        .send()
        .await
        .unwrap();
    seeded.failing.push(("EC2.10", bare.clone()));
    seeded.compliant.push(logged.clone());

    let group = |name: &'static str| {
        let ec2 = ec2.clone();
        let vpc = bare.clone();
        async move {
            ec2.create_security_group()
                .group_name(name)
                .description(name)
                .vpc_id(vpc)
                .send()
                .await
                .unwrap()
                .group_id()
                .unwrap()
                .to_owned()
        }
    };
    let open = group("launch-wizard-1").await;
    ec2.authorize_security_group_ingress()
        .group_id(&open)
        .ip_permissions(
            tcp(22)
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    seeded.failing.push(("EC2.13", open.clone()));
    let web = group("public-alb").await;
    ec2.authorize_security_group_ingress()
        .group_id(&web)
        .ip_permissions(
            tcp(443)
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    seeded.compliant.push(web);

    // The new VPC's default network ACL allows everything (EC2.21); a custom one does not.
    let acls = ec2
        .describe_network_acls()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("vpc-id")
                .values(&bare)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let default_acl = acls.network_acls()[0].network_acl_id().unwrap().to_owned();
    seeded.failing.push(("EC2.21", default_acl));
    let acl = ec2.create_network_acl().vpc_id(&bare).send().await.unwrap();
    let acl = acl
        .network_acl()
        .unwrap()
        .network_acl_id()
        .unwrap()
        .to_owned();
    for (number, protocol, cidr, ports) in [
        (100, "6", "203.0.113.0/24", Some((22, 22))),
        (110, "6", "0.0.0.0/0", Some((443, 443))),
    ] {
        let mut entry = ec2
            .create_network_acl_entry()
            .network_acl_id(&acl)
            .rule_number(number)
            .protocol(protocol)
            .rule_action(RuleAction::Allow)
            .egress(false)
            .cidr_block(cidr);
        if let Some((from, to)) = ports {
            entry = entry.port_range(PortRange::builder().from(from).to(to).build());
        }
        entry.send().await.unwrap();
    }
    seeded.compliant.push(acl);

    // Instances in a private subnet: IMDSv1 allowed (EC2.8) and IMDSv2 required; volumes.
    let subnet = ec2
        .create_subnet()
        .vpc_id(&bare)
        .cidr_block("10.40.1.0/24")
        .availability_zone("us-east-1a")
        .send()
        .await
        .unwrap();
    let subnet = subnet.subnet().unwrap().subnet_id().unwrap().to_owned();
    let image = ec2.describe_images().send().await.unwrap();
    let image = image.images()[0].image_id().unwrap().to_owned();
    let mut instances = Vec::new();
    for tokens in [HttpTokensState::Optional, HttpTokensState::Required] {
        let out = ec2
            .run_instances()
            .image_id(&image)
            .instance_type(InstanceType::T3Micro)
            .min_count(1)
            .max_count(1)
            .subnet_id(&subnet)
            .metadata_options(
                InstanceMetadataOptionsRequest::builder()
                    .http_tokens(tokens)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        instances.push(out.instances()[0].instance_id().unwrap().to_owned());
    }
    seeded.failing.push(("EC2.8", instances[0].clone()));
    seeded.compliant.push(instances[1].clone());
    for (encrypted, device) in [(false, "/dev/sdf"), (true, "/dev/sdg")] {
        let v = ec2
            .create_volume()
            .availability_zone("us-east-1a")
            .size(8)
            .encrypted(encrypted)
            .send()
            .await
            .unwrap();
        let id = v.volume_id().unwrap().to_owned();
        ec2.attach_volume()
            .volume_id(&id)
            .instance_id(&instances[0])
            .device(device)
            .send()
            .await
            .unwrap();
        if encrypted {
            seeded.compliant.push(id);
        } else {
            seeded.failing.push(("EC2.3", id));
        }
    }
}

async fn seed_iam(c: &Clients, seeded: &mut Seeded) -> String {
    let iam = &c.aws.iam;
    let admin = iam
        .create_policy()
        .policy_name("ops-break-glass")
        .policy_document(ADMIN)
        .send()
        .await
        .unwrap();
    let admin = admin.policy().unwrap();
    seeded.failing.push((
        "IAM.1",
        admin.policy_id().unwrap_or("ops-break-glass").to_owned(),
    ));
    let admin_arn = admin.arn().unwrap().to_owned();
    let scoped = iam
        .create_policy()
        .policy_name("reports-read")
        .policy_document(SCOPED)
        .send()
        .await
        .unwrap();
    let scoped = scoped.policy().unwrap();
    seeded
        .compliant
        .push(scoped.policy_id().unwrap_or("reports-read").to_owned());
    let scoped_arn = scoped.arn().unwrap().to_owned();

    // A user with an inline and a managed policy (IAM.2); a user with group permissions only.
    let uploader = iam
        .create_user()
        .user_name("report-uploader")
        .send()
        .await
        .unwrap();
    seeded
        .failing
        .push(("IAM.2", uploader.user().unwrap().user_id().to_owned()));
    iam.put_user_policy()
        .user_name("report-uploader")
        .policy_name("upload-reports")
        .policy_document(UPLOAD)
        .send()
        .await
        .unwrap();
    iam.attach_user_policy()
        .user_name("report-uploader")
        .policy_arn(&admin_arn)
        .send()
        .await
        .unwrap();
    iam.create_group()
        .group_name("developers")
        .send()
        .await
        .unwrap();
    iam.attach_group_policy()
        .group_name("developers")
        .policy_arn(&scoped_arn)
        .send()
        .await
        .unwrap();
    let dana = iam.create_user().user_name("dana").send().await.unwrap();
    seeded
        .compliant
        .push(dana.user().unwrap().user_id().to_owned());
    iam.add_user_to_group()
        .group_name("developers")
        .user_name("dana")
        .send()
        .await
        .unwrap();
    let device = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("dana-mfa")
        .send()
        .await
        .unwrap();
    iam.enable_mfa_device()
        .user_name("dana")
        .serial_number(device.virtual_mfa_device().unwrap().serial_number())
        .authentication_code1("123456")
        .authentication_code2("654321")
        .send()
        .await
        .unwrap();

    let app = iam
        .create_role()
        .role_name("app-server")
        .assume_role_policy_document(EC2_TRUST)
        .send()
        .await
        .unwrap();
    seeded
        .compliant
        .push(app.role().unwrap().role_id().to_owned());
    iam.attach_role_policy()
        .role_name("app-server")
        .policy_arn(&scoped_arn)
        .send()
        .await
        .unwrap();
    let lambda = iam
        .create_role()
        .role_name("lambda-role")
        .assume_role_policy_document(LAMBDA_TRUST)
        .send()
        .await
        .unwrap();
    lambda.role().unwrap().arn().to_owned()
}

async fn seed_regional(c: &Clients, seeded: &mut Seeded, lambda_role: &str) {
    c.s3()
        .create_bucket()
        .bucket("example-cloudtrail-logs")
        .send()
        .await
        .unwrap();
    let ct = &c.aws.cloudtrail;
    ct.create_trail()
        .name("org-audit")
        .s3_bucket_name("example-cloudtrail-logs")
        .is_multi_region_trail(true)
        .include_global_service_events(true)
        .enable_log_file_validation(true)
        .cloud_watch_logs_log_group_arn(format!(
            "arn:aws:logs:us-east-1:{ACCOUNT}:log-group:aws-cloudtrail-logs-org:*"
        ))
        .cloud_watch_logs_role_arn(format!(
            "arn:aws:iam::{ACCOUNT}:role/service-role/CloudTrailToCloudWatchLogs"
        ))
        .kms_key_id(KEY_ARN)
        .send()
        .await
        .unwrap();
    seeded.compliant.push("org-audit".to_owned());
    ct.create_trail()
        .name("bare-trail")
        .s3_bucket_name("example-cloudtrail-logs")
        .send()
        .await
        .unwrap();
    for control in ["CloudTrail.2", "CloudTrail.4", "CloudTrail.5"] {
        seeded.failing.push((control, "bare-trail".to_owned()));
    }

    let rds = aws_sdk_rds::Client::new(&c.sdk);
    for (name, public, encrypted, retention, minor) in [
        ("reporting-db", true, true, 7, true),
        ("orders-db", false, true, 7, true),
        ("legacy-db", false, false, 0, false),
    ] {
        let mut create = rds
            .create_db_instance()
            .db_instance_identifier(name)
            .db_instance_class("db.t4g.medium")
            .engine("postgres")
            .master_username("dbadmin")
            .master_user_password("not-a-real-password-1")
            .allocated_storage(100)
            .publicly_accessible(public)
            .storage_encrypted(encrypted)
            .backup_retention_period(retention)
            .auto_minor_version_upgrade(minor);
        if encrypted {
            create = create.kms_key_id(KEY_ARN);
        }
        if name == "orders-db" {
            // Every instance setting the RDS controls check, on (RDS.5, 6, 8, 9, 10, 23).
            create = create
                .multi_az(true)
                .monitoring_interval(60)
                .monitoring_role_arn("arn:aws:iam::123456789012:role/rds-monitoring-role")
                .deletion_protection(true)
                .enable_cloudwatch_logs_exports("postgresql")
                .enable_cloudwatch_logs_exports("upgrade")
                .enable_iam_database_authentication(true)
                .port(6543);
        }
        create.send().await.unwrap();
    }
    seeded.failing.push(("RDS.2", "reporting-db".to_owned()));
    seeded.compliant.push("orders-db".to_owned());
    for control in [
        "RDS.3", "RDS.5", "RDS.6", "RDS.8", "RDS.9", "RDS.10", "RDS.11", "RDS.13", "RDS.23",
    ] {
        seeded.failing.push((control, "legacy-db".to_owned()));
    }

    let kms = &c.aws.kms;
    for rotate in [true, false] {
        let key = kms.create_key().send().await.unwrap();
        let id = key.key_metadata().unwrap().key_id().to_owned();
        if rotate {
            kms.enable_key_rotation().key_id(&id).send().await.unwrap();
            seeded.compliant.push(id);
        } else {
            seeded.failing.push(("KMS.4", id));
        }
    }

    // The smallest valid zip archive: an empty one (moto runs no code).
    let mut empty_zip = b"PK\x05\x06".to_vec();
    empty_zip.resize(22, 0);
    for (name, runtime, secret) in [
        ("webhook-receiver", Runtime::Nodejs22x, false),
        ("legacy-etl", Runtime::Python39, true),
        ("thumbnailer", Runtime::Python313, false),
    ] {
        let mut environment = Environment::builder().variables("STAGE", "prod");
        if secret {
            environment = environment.variables("AWS_SECRET_ACCESS_KEY", SECRET);
        }
        c.aws
            .lambda
            .create_function()
            .function_name(name)
            .runtime(runtime)
            .role(lambda_role)
            .handler("index.handler")
            .code(
                FunctionCode::builder()
                    .zip_file(aws_smithy_types::Blob::new(empty_zip.clone()))
                    .build(),
            )
            .environment(environment.build())
            .send()
            .await
            .unwrap();
    }
    c.aws
        .lambda
        .add_permission()
        .function_name("webhook-receiver")
        .statement_id("public-invoke")
        .action("lambda:InvokeFunction")
        .principal("*")
        .send()
        .await
        .unwrap();
    seeded
        .failing
        .push(("Lambda.1", "webhook-receiver".to_owned()));
    seeded.failing.push(("Lambda.2", "legacy-etl".to_owned()));
    seeded.failing.push(("Lambda.X1", "legacy-etl".to_owned()));
    seeded.compliant.push("thumbnailer".to_owned());
}

/// Container registry, load balancer, web ACL, secret and tables: what moto can hold of the
/// misconfigurations ECR.1, ELB.1, WAF.11 and DynamoDB.1 find. The compliant ones are also set up
/// to pass the other controls on their types (tag immutability and a lifecycle policy, the ALB
/// attributes, point-in-time recovery and deletion protection), which are written separately.
/// The secret is new and unread, so SecretsManager.3 and .4 pass on it (moto cannot age it).
async fn seed_workloads(c: &Clients, seeded: &mut Seeded) -> String {
    use aws_sdk_dynamodb::types::PointInTimeRecoverySpecification;
    use aws_sdk_ecr::types::{ImageScanningConfiguration, ImageTagMutability};
    use aws_sdk_elasticloadbalancingv2::types::LoadBalancerAttribute;

    let ecr = &c.aws.ecr;
    for (name, scan) in [("reports-batch", false), ("orders-api", true)] {
        ecr.create_repository()
            .repository_name(name)
            .image_tag_mutability(if scan {
                ImageTagMutability::Immutable
            } else {
                ImageTagMutability::Mutable
            })
            .image_scanning_configuration(
                ImageScanningConfiguration::builder()
                    .scan_on_push(scan)
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    ecr.put_lifecycle_policy()
        .repository_name("orders-api")
        .lifecycle_policy_text(
            r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}"#,
        )
        .send()
        .await
        .unwrap();
    seeded.failing.push(("ECR.1", "reports-batch".to_owned()));
    seeded.compliant.push("orders-api".to_owned());

    // Two ALBs: one forwards plain HTTP (ELB.1), one redirects it to HTTPS.
    let elb = &c.aws.elbv2;
    for (name, redirect) in [("shop-web", false), ("shop-secure", true)] {
        let arn = alb_with_http_listener(&c.aws.ec2, elb, name, redirect).await;
        if redirect {
            let attribute =
                |k: &str, v: &str| LoadBalancerAttribute::builder().key(k).value(v).build();
            elb.modify_load_balancer_attributes()
                .load_balancer_arn(&arn)
                .attributes(attribute("deletion_protection.enabled", "true"))
                .attributes(attribute(
                    "routing.http.drop_invalid_header_fields.enabled",
                    "true",
                ))
                .attributes(attribute("access_logs.s3.enabled", "true"))
                .attributes(attribute(
                    "access_logs.s3.bucket",
                    "example-cloudtrail-logs",
                ))
                .send()
                .await
                .unwrap();
            seeded.compliant.push(arn);
        } else {
            seeded.failing.push(("ELB.1", arn));
        }
    }

    // A web ACL that logs nothing (WAF.11).
    let (acl_id, _) = web_acl(&c.aws.wafv2, "api-acl").await;
    seeded.failing.push(("WAF.11", acl_id));

    // A provisioned table without auto scaling (DynamoDB.1) and an on-demand one with
    // point-in-time recovery and deletion protection.
    let ddb = aws_sdk_dynamodb::Client::new(&c.sdk);
    for (name, on_demand) in [("sessions", false), ("events", true)] {
        let create = table(&ddb, name, on_demand);
        create.send().await.unwrap();
        if on_demand {
            ddb.update_continuous_backups()
                .table_name(name)
                .point_in_time_recovery_specification(
                    PointInTimeRecoverySpecification::builder()
                        .point_in_time_recovery_enabled(true)
                        .build()
                        .unwrap(),
                )
                .send()
                .await
                .unwrap();
            seeded.compliant.push(name.to_owned());
        } else {
            seeded.failing.push(("DynamoDB.1", name.to_owned()));
        }
    }

    // A secret without rotation: new and never read, so .3 and .4 pass (see the test).
    let secret = c
        .aws
        .secretsmanager
        .create_secret()
        .name("prod/orders/db")
        .secret_string("not-a-real-password")
        .send()
        .await
        .unwrap();
    let arn = secret.arn().unwrap().to_owned();
    seeded.failing.push(("SecretsManager.1", arn.clone()));
    arn
}

/// Issue 17's resource types: an ECS cluster without Container Insights, a task definition with a
/// privileged container and AWS_SECRET_ACCESS_KEY in its environment, an RDS cluster without
/// deletion protection, a public DB snapshot (of `reporting-db`, seeded before), an unencrypted
/// SQS queue and an SNS topic without KMS.
async fn seed_containers_and_data(c: &Clients, seeded: &mut Seeded) {
    use aws_sdk_ecs::types::{
        ClusterSetting, ClusterSettingName, ContainerDefinition, KeyValuePair,
    };
    let ecs = aws_sdk_ecs::Client::new(&c.sdk);
    ecs.create_cluster()
        .cluster_name("batch-jobs")
        .settings(
            ClusterSetting::builder()
                .name(ClusterSettingName::ContainerInsights)
                .value("disabled")
                .build(),
        )
        .send()
        .await
        .unwrap();
    seeded.new_type(("ECS.12", "AWS::ECS::Cluster", "batch-jobs".to_owned()));
    let td = ecs
        .register_task_definition()
        .family("legacy-agent")
        .container_definitions(
            ContainerDefinition::builder()
                .name("agent")
                .image("public.ecr.aws/docker/library/busybox:latest")
                .memory(128)
                .privileged(true)
                .environment(
                    KeyValuePair::builder()
                        .name("AWS_SECRET_ACCESS_KEY")
                        .value(ECS_SECRET)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let td = td
        .task_definition()
        .and_then(|t| t.task_definition_arn())
        .unwrap()
        .to_owned();
    for control in ["ECS.4", "ECS.8"] {
        seeded.new_type((control, "AWS::ECS::TaskDefinition", td.clone()));
    }

    let rds = aws_sdk_rds::Client::new(&c.sdk);
    rds.create_db_cluster()
        .db_cluster_identifier("ledger-cluster")
        .engine("aurora-postgresql")
        .master_username("dbadmin")
        .master_user_password("not-a-real-password-1")
        .deletion_protection(false)
        .storage_encrypted(true)
        .send()
        .await
        .unwrap();
    seeded.new_type(("RDS.7", "AWS::RDS::DBCluster", "ledger-cluster".to_owned()));
    rds.create_db_snapshot()
        .db_snapshot_identifier("reporting-shared")
        .db_instance_identifier("reporting-db")
        .send()
        .await
        .unwrap();
    rds.modify_db_snapshot_attribute()
        .db_snapshot_identifier("reporting-shared")
        .attribute_name("restore")
        .values_to_add("all")
        .send()
        .await
        .unwrap();
    seeded.new_type((
        "RDS.1",
        "AWS::RDS::DBSnapshot",
        "reporting-shared".to_owned(),
    ));

    let sqs = aws_sdk_sqs::Client::new(&c.sdk);
    sqs.create_queue()
        .queue_name("plain-jobs")
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::SqsManagedSseEnabled,
            "false",
        )
        .send()
        .await
        .unwrap();
    seeded.new_type(("SQS.1", "AWS::SQS::Queue", "plain-jobs".to_owned()));
    let sns = aws_sdk_sns::Client::new(&c.sdk);
    sns.create_topic()
        .name("plain-alerts")
        .send()
        .await
        .unwrap();
    seeded.new_type(("SNS.1", "AWS::SNS::Topic", "plain-alerts".to_owned()));
}

/// The infrastructure the customer runs: a subnet that gives out public addresses (EC2.15), launch
/// templates with and without a public interface (EC2.25), a public EBS snapshot (EC2.1), SSM
/// documents shared publicly and not (SSM.4), and Amazon Inspector turned off (Inspector.1–4).
async fn seed_infrastructure(c: &Clients, seeded: &mut Seeded) {
    let ec2 = &c.aws.ec2;
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.60.0.0/16")
        .send()
        .await
        .unwrap();
    let vpc = vpc.vpc().unwrap().vpc_id().unwrap().to_owned();
    let subnet = ec2
        .create_subnet()
        .vpc_id(&vpc)
        .cidr_block("10.60.1.0/24")
        .availability_zone("us-east-1a")
        .send()
        .await
        .unwrap();
    let subnet = subnet.subnet().unwrap().subnet_id().unwrap().to_owned();
    ec2.modify_subnet_attribute()
        .subnet_id(&subnet)
        .map_public_ip_on_launch(
            aws_sdk_ec2::types::AttributeBooleanValue::builder()
                .value(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    seeded.failing.push(("EC2.15", subnet));

    for (name, public) in [("web-public", true), ("app-private", false)] {
        let interface =
            aws_sdk_ec2::types::LaunchTemplateInstanceNetworkInterfaceSpecificationRequest::builder()
                .device_index(0)
                .associate_public_ip_address(public)
                .build();
        let template = ec2
            .create_launch_template()
            .launch_template_name(name)
            .launch_template_data(
                aws_sdk_ec2::types::RequestLaunchTemplateData::builder()
                    .image_id("ami-0abcdef1234567890")
                    .network_interfaces(interface)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        let id = template
            .launch_template()
            .unwrap()
            .launch_template_id()
            .unwrap()
            .to_owned();
        if public {
            seeded.failing.push(("EC2.25", id));
        } else {
            seeded.compliant.push(id);
        }
    }

    let volume = ec2
        .create_volume()
        .availability_zone("us-east-1a")
        .size(8)
        .encrypted(true)
        .send()
        .await
        .unwrap();
    let snapshot = ec2
        .create_snapshot()
        .volume_id(volume.volume_id().unwrap())
        .send()
        .await
        .unwrap();
    ec2.modify_snapshot_attribute()
        .snapshot_id(snapshot.snapshot_id().unwrap())
        .attribute(aws_sdk_ec2::types::SnapshotAttributeName::CreateVolumePermission)
        // The OperationType / GroupNames form: moto reads only this one (AWS takes both).
        .operation_type(aws_sdk_ec2::types::OperationType::Add)
        .group_names("all")
        .send()
        .await
        .unwrap();
    seeded.failing.push(("EC2.1", ACCOUNT.to_owned()));

    let ssm = &c.aws.ssm;
    for (name, public) in [("bootstrap-host", true), ("restart-app", false)] {
        ssm.create_document()
            .name(name)
            .content(
                r#"{"schemaVersion": "2.2", "description": "Run a script",
                    "mainSteps": [{"action": "aws:runShellScript", "name": "run",
                                   "inputs": {"runCommand": ["true"]}}]}"#,
            )
            .document_type(aws_sdk_ssm::types::DocumentType::Command)
            .send()
            .await
            .unwrap();
        if public {
            ssm.modify_document_permission()
                .name(name)
                .permission_type(aws_sdk_ssm::types::DocumentPermissionType::Share)
                .account_ids_to_add("all")
                .send()
                .await
                .unwrap();
            seeded.failing.push(("SSM.4", name.to_owned()));
        } else {
            seeded.compliant.push(name.to_owned());
        }
    }

    // Inspector turned on for EC2 scanning, then off again: every scan type is DISABLED.
    use aws_sdk_inspector2::types::ResourceScanType;
    let inspector = &c.aws.inspector2;
    inspector
        .enable()
        .account_ids(ACCOUNT)
        .resource_types(ResourceScanType::Ec2)
        .send()
        .await
        .unwrap();
    inspector
        .disable()
        .account_ids(ACCOUNT)
        .resource_types(ResourceScanType::Ec2)
        .send()
        .await
        .unwrap();
    for control in ["Inspector.1", "Inspector.2", "Inspector.3", "Inspector.4"] {
        seeded.failing.push((control, ACCOUNT.to_owned()));
    }
}

/// Seeds every covered resource type, compliant and not.
async fn seed(moto: &Moto) -> Seeded {
    let c = clients(moto).await;
    let mut seeded = Seeded::default();
    seed_s3(&c, &mut seeded).await;
    seed_ec2(&c, &mut seeded).await;
    let lambda_role = seed_iam(&c, &mut seeded).await;
    seed_regional(&c, &mut seeded, &lambda_role).await;
    seeded.secret = seed_workloads(&c, &mut seeded).await;
    seed_containers_and_data(&c, &mut seeded).await;
    seed_infrastructure(&c, &mut seeded).await;
    seeded
}

/// One finding, reduced to what the assertions need.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Found {
    control: String,
    status: String,
    resource_type: String,
    /// `ProductFields` `sidewatch/ResourceId`.
    resource_id: String,
    /// `Resources[0].Id` (an ARN for most types).
    asff_id: String,
}

impl Found {
    /// Whether this finding is about the resource `key` (its id, or the name its ARN ends with).
    fn is_about(&self, key: &str) -> bool {
        self.resource_id == key
            || self.asff_id == key
            || self.asff_id.ends_with(&format!("/{key}"))
            || self.asff_id.ends_with(&format!(":{key}"))
    }
}

fn findings(run: &Run) -> Vec<Found> {
    let field = |v: &Value, pointer: &str| {
        v.pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    run.json()
        .as_array()
        .expect("an array of ASFF findings")
        .iter()
        .map(|f| Found {
            control: field(f, "/Compliance/SecurityControlId"),
            status: field(f, "/Compliance/Status"),
            resource_type: field(f, "/ProductFields/sidewatch~1ResourceType"),
            resource_id: field(f, "/ProductFields/sidewatch~1ResourceId"),
            asff_id: field(f, "/Resources/0/Id"),
        })
        .collect()
}

/// Verdicts of `--format json`: (control, resource type, resource id, status).
fn verdicts(run: &Run) -> BTreeSet<(String, String, String, String)> {
    let field = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_owned();
    run.json()
        .as_array()
        .expect("an array of verdicts")
        .iter()
        .map(|v| {
            (
                field(v, "controlId"),
                field(v, "resourceType"),
                field(v, "resourceId"),
                field(v, "status"),
            )
        })
        .collect()
}

/// What is known about S3 GetBucketVersioning under moto: when the testkit's moto cannot answer
/// it readably, S3.14 is a reported failed read, never a verdict.
fn versioning_unreadable(run: &Run) -> bool {
    run.stderr.contains("s3:GetBucketVersioning")
}

#[tokio::test(flavor = "multi_thread")]
async fn scan_live_finds_every_seeded_misconfiguration_and_flags_nothing_compliant() {
    let moto = Moto::start();
    let seeded = seed(&moto).await;
    // Only the environment points the binary at moto.
    let run = sidewatch_with_env(&["scan", "--live", "--format", "asff"], b"", &moto.env());
    assert!(run.code == 1 || run.code == 2, "{}", run.stderr);
    let found = findings(&run);
    assert!(
        found.len() > 50,
        "{} findings:\n{}",
        found.len(),
        run.stderr
    );
    assert!(!run.stdout.contains(SECRET) && !run.stderr.contains(SECRET));

    // Every covered type was collected and evaluated.
    let types: BTreeSet<&str> = found.iter().map(|f| f.resource_type.as_str()).collect();
    for t in [
        "AWS::S3::Bucket",
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::NetworkAcl",
        "AWS::EC2::VPC",
        "AWS::EC2::Instance",
        "AWS::EC2::Volume",
        "AWS::IAM::User",
        "AWS::IAM::Policy",
        "AWS::IAM::Role",
        "AWS::CloudTrail::Trail",
        "AWS::RDS::DBInstance",
        "AWS::KMS::Key",
        "AWS::Lambda::Function",
        "AWS::ECR::Repository",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "AWS::WAFv2::WebACL",
        "AWS::SecretsManager::Secret",
        "AWS::DynamoDB::Table",
        "AWS::EC2::Subnet",
        "AWS::EC2::LaunchTemplate",
        "AWS::SSM::Document",
        "AWS::::Account",
    ] {
        assert!(
            types.contains(t),
            "no finding for {t}; types: {types:?}\n{}",
            run.stderr
        );
    }

    let mut missing = Vec::new();
    for (control, key) in &seeded.failing {
        if *control == "S3.14" && versioning_unreadable(&run) {
            // Reported as a failed read instead (checked below).
            continue;
        }
        let hit = found
            .iter()
            .any(|f| f.control == *control && f.is_about(key) && f.status == "FAILED");
        if !hit {
            let got: Vec<_> = found.iter().filter(|f| f.is_about(key)).collect();
            missing.push(format!("{control} on {key}: {got:?}"));
        }
    }
    assert!(
        missing.is_empty(),
        "seeded misconfigurations without a FAILED finding:\n{}\nstderr:\n{}",
        missing.join("\n"),
        run.stderr
    );
    let mut flagged = Vec::new();
    for key in &seeded.compliant {
        let failed = found.iter().filter(|f| {
            f.is_about(key)
                && f.status == "FAILED"
                && !MOTO_CANNOT.iter().any(|(c, _)| *c == f.control)
        });
        for f in failed {
            flagged.push(format!("{key}: {f:?}"));
        }
    }
    assert!(
        flagged.is_empty(),
        "compliant seeded resources with a FAILED finding:\n{}",
        flagged.join("\n")
    );
    if versioning_unreadable(&run) {
        assert_eq!(run.code, 2, "an unreadable read makes the exit code 2");
        assert!(
            found
                .iter()
                .filter(|f| f.control == "S3.14")
                .all(|f| f.status != "PASSED"),
            "an unreadable versioning state never passes"
        );
    }
    // The new, unread secret: its dates were read (DescribeSecret) and are recent.
    for control in ["SecretsManager.3", "SecretsManager.4"] {
        let secret = found
            .iter()
            .find(|f| f.control == control && f.is_about(&seeded.secret));
        assert_eq!(
            secret.map(|f| f.status.as_str()),
            Some("PASSED"),
            "{control} on {}: {secret:?}",
            seeded.secret
        );
    }
    // Global (IAM) findings are reported in the clients' Region.
    let iam = found
        .iter()
        .find(|f| f.resource_type == "AWS::IAM::User")
        .unwrap();
    assert!(iam.asff_id.starts_with("arn:aws:iam::"), "{iam:?}");
}

/// Issue 17's seeded resources are collected by `scan --live` with no failed read (their verdicts
/// are asserted by the test above) and appear in the snapshot as items of their type, named as
/// the finding keys name them.
#[tokio::test(flavor = "multi_thread")]
async fn scan_live_collects_the_new_resource_types() {
    let moto = Moto::start();
    let seeded = seed(&moto).await;
    let types: BTreeSet<&str> = seeded.new_types.iter().map(|(_, t, _)| *t).collect();
    let types = types.into_iter().collect::<Vec<_>>().join(",");
    let run = sidewatch_with_env(
        &[
            "scan",
            "--live",
            "--resource-types",
            &types,
            "--format",
            "json",
        ],
        b"",
        &moto.env(),
    );
    // moto fails an account-level evidence read (exit 2); the inventory's own reads all succeed.
    assert!(run.code == 1 || run.code == 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("with 0 failed read(s)"),
        "{}",
        run.stderr
    );
    let snap = sidewatch_with_env(
        &["snapshot", "--output", "-", "--resource-types", &types],
        b"",
        &moto.env(),
    );
    assert_eq!(snap.code, 0, "{}", snap.stderr);
    let snapshot = snap.json();
    let items = snapshot["configurationItems"].as_array().unwrap();
    let mut missing = Vec::new();
    for (control, resource_type, key) in &seeded.new_types {
        let found = items.iter().any(|i| {
            i["resourceType"] == *resource_type
                && (i["resourceId"] == key.as_str() || i["resourceName"] == key.as_str())
        });
        if !found {
            missing.push(format!("{resource_type} {key} (for {control})"));
        }
    }
    assert!(
        missing.is_empty(),
        "not collected: {missing:?}\n{}",
        snap.stderr
    );
    let agent = items
        .iter()
        .find(|i| i["resourceType"] == "AWS::ECS::TaskDefinition")
        .unwrap();
    assert_eq!(
        agent["configuration"]["ContainerDefinitions"][0]["Privileged"],
        true
    );
    let cluster = items
        .iter()
        .find(|i| i["resourceType"] == "AWS::RDS::DBCluster")
        .unwrap();
    assert_eq!(cluster["configuration"]["deletionProtection"], false);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_snapshot_scans_offline_to_the_same_verdicts() {
    let moto = Moto::start();
    seed(&moto).await;
    let dir = scratch("inventory-snapshot");
    let file = dir.join("snapshot.json");
    let file = file.to_str().unwrap();
    let snap = sidewatch_with_env(&["snapshot", "--output", file], b"", &moto.env());
    assert!(snap.code == 0 || snap.code == 2, "{snap:?}");
    assert!(snap.stderr.contains("written to"), "{}", snap.stderr);
    let text = std::fs::read_to_string(file).unwrap();
    assert!(!text.contains(SECRET), "a Lambda environment value leaked");
    let snapshot: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(snapshot["fileVersion"], "1.0");
    assert!(snapshot["configSnapshotId"].as_str().is_some());
    let items = snapshot["configurationItems"].as_array().unwrap();
    assert!(items.len() > 20, "{} items", items.len());
    assert!(items.iter().all(|i| i["configurationItemStatus"] == "OK"));

    let offline = sidewatch(&["scan", "--format", "json", file], b"");
    assert!(offline.code == 1, "{}", offline.stderr);
    let live = sidewatch_with_env(&["scan", "--live", "--format", "json"], b"", &moto.env());
    let live = verdicts(&live);
    // Controls decided by the item alone give the same verdict on the same resource; the
    // evidence-needing ones are INSUFFICIENT_DATA offline (scan --live FILE reads them).
    let decided: Vec<_> = verdicts(&offline)
        .into_iter()
        .filter(|v| v.3 != "INSUFFICIENT_DATA")
        .collect();
    assert!(decided.len() > 30, "{decided:?}");
    let differ: Vec<_> = decided.iter().filter(|v| !live.contains(v)).collect();
    assert!(
        differ.is_empty(),
        "offline verdicts not found live: {differ:?}"
    );
    assert!(
        decided
            .iter()
            .any(|v| v.0 == "EC2.13" && v.3 == "NON_COMPLIANT")
    );
    // And the same file with --live reads the evidence too.
    let both = sidewatch_with_env(
        &["scan", "--live", "--format", "json", file],
        b"",
        &moto.env(),
    );
    let both = verdicts(&both);
    assert!(
        both.iter()
            .any(|v| v.0 == "Lambda.X1" && v.2 == "legacy-etl" && v.3 == "NON_COMPLIANT"),
        "{both:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn resource_types_filter_what_is_collected() {
    let moto = Moto::start();
    let c = clients(&moto).await;
    c.s3()
        .create_bucket()
        .bucket("only-bucket")
        .send()
        .await
        .unwrap();
    c.aws.kms.create_key().send().await.unwrap();
    let run = sidewatch_with_env(
        &[
            "scan",
            "--live",
            "--resource-types",
            "AWS::S3::Bucket",
            "--format",
            "json",
        ],
        b"",
        &moto.env(),
    );
    let types: BTreeSet<String> = verdicts(&run).into_iter().map(|v| v.1).collect();
    assert_eq!(
        types,
        BTreeSet::from(["AWS::S3::Bucket".to_owned(), "AWS::::Account".to_owned()]),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("collected 1 item(s)"), "{}", run.stderr);

    let bad = sidewatch_with_env(
        &["scan", "--live", "--resource-types", "AWS::S3::Buckets"],
        b"",
        &moto.env(),
    );
    assert_eq!(bad.code, 2, "{bad:?}");
    assert!(
        bad.stderr.contains("cannot collect AWS::S3::Buckets")
            && bad.stderr.contains("AWS::Lambda::Function"),
        "{}",
        bad.stderr
    );
    assert_eq!(bad.stdout, "");
    // With FILE the items are the file's: --resource-types and several Regions are refused.
    let with_file = sidewatch(
        &["scan", "--live", "--resource-types", "AWS::S3::Bucket", "-"],
        b"[]",
    );
    assert_eq!(with_file.code, 2);
    assert!(
        with_file.stderr.contains("--resource-types"),
        "{with_file:?}"
    );
    let regions = sidewatch(&["scan", "--region", "eu-west-1,us-east-1", "-"], b"[]");
    assert_eq!(regions.code, 2);
    assert!(regions.stderr.contains("one Region"), "{regions:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn region_all_collects_every_enabled_region() {
    let moto = Moto::start();
    let run = sidewatch_with_env(
        &[
            "scan",
            "--live",
            "--region",
            "all",
            "--resource-types",
            "AWS::EC2::VPC",
            "--controls",
            "EC2.6",
            "--format",
            "json",
        ],
        b"",
        &moto.env(),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    // moto gives every Region a default VPC without flow logs.
    let regions: BTreeSet<String> = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["resourceType"] == "AWS::EC2::VPC")
        .map(|v| v["region"].as_str().unwrap().to_owned())
        .collect();
    assert!(regions.len() > 10, "{regions:?}");
    assert!(regions.contains("eu-west-1") && regions.contains(REGION));
    // Two explicit Regions: the VPCs of those two only.
    let two = sidewatch_with_env(
        &[
            "scan",
            "--live",
            "--region",
            "eu-west-1",
            "--region",
            "ap-southeast-2",
            "--resource-types",
            "AWS::EC2::VPC",
            "--controls",
            "EC2.6",
            "--format",
            "json",
        ],
        b"",
        &moto.env(),
    );
    let regions: BTreeSet<String> = two
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["region"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        regions,
        BTreeSet::from(["eu-west-1".to_owned(), "ap-southeast-2".to_owned()]),
        "{}",
        two.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn publish_sends_every_finding_to_security_hub() {
    use sidewatch_core::ports::{FindingsQuery, FindingsSource};
    let moto = Moto::start();
    let c = clients(&moto).await;
    let key = c.aws.kms.create_key().send().await.unwrap();
    let key = key.key_metadata().unwrap().key_id().to_owned();
    let run = sidewatch_with_env(
        &[
            "scan",
            "--live",
            "--publish",
            "--resource-types",
            "AWS::KMS::Key",
            "--controls",
            "KMS",
            "--format",
            "asff",
        ],
        b"",
        &moto.env(),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let printed = findings(&run);
    assert!(!printed.is_empty());
    assert!(
        run.stderr.contains(&format!(
            "{} finding(s) sent to Security Hub, 0 failed",
            printed.len()
        )),
        "{}",
        run.stderr
    );
    let stored = sidewatch_aws::SecurityHubFindings::from_sdk_config(&c.sdk)
        .findings(&FindingsQuery {
            product_arn: format!(
                "arn:aws:securityhub:{REGION}:{ACCOUNT}:product/{ACCOUNT}/default"
            ),
            generator_prefix: "sidewatch/".to_owned(),
            active_only: false,
        })
        .await
        .unwrap();
    assert_eq!(stored.len(), printed.len(), "{stored:?}");
    assert!(
        stored.iter().any(|f| f.generator_id == "sidewatch/KMS.4"
            && f.resource_id.ends_with(&key)
            && f.compliance_status.as_deref() == Some("FAILED")),
        "{stored:?}"
    );
    assert!(
        stored.iter().all(|f| f
            .product_fields
            .iter()
            .any(|(k, v)| k == "sidewatch/Source" && v == "cli")),
        "{stored:?}"
    );
}

/// A moto user with exactly `policy`, and the environment that signs the binary's calls with
/// its keys (moto enforces IAM after the setup calls).
async fn user_with_policy(moto: &Moto, policy: &Value) -> Vec<(&'static str, String)> {
    let iam = clients(moto).await.aws.iam;
    let created = iam
        .create_policy()
        .policy_name("sidewatch-scanner")
        .policy_document(policy.to_string())
        .send()
        .await
        .unwrap();
    let arn = created.policy().and_then(|p| p.arn()).unwrap().to_owned();
    iam.create_user().user_name("scanner").send().await.unwrap();
    iam.attach_user_policy()
        .user_name("scanner")
        .policy_arn(arn)
        .send()
        .await
        .unwrap();
    let key = iam
        .create_access_key()
        .user_name("scanner")
        .send()
        .await
        .unwrap();
    let key = key.access_key().unwrap();
    let mut env: Vec<(&'static str, String)> = moto
        .env()
        .into_iter()
        .filter(|(k, _)| !k.starts_with("AWS_ACCESS_KEY") && !k.starts_with("AWS_SECRET"))
        .collect();
    env.push(("AWS_ACCESS_KEY_ID", key.access_key_id().to_owned()));
    env.push(("AWS_SECRET_ACCESS_KEY", key.secret_access_key().to_owned()));
    env
}

/// `sidewatch permissions`, without `removed`.
fn permissions_without(removed: &str) -> Value {
    let mut policy = sidewatch(&["permissions"], b"").json();
    for statement in policy["Statement"].as_array_mut().unwrap() {
        statement["Action"]
            .as_array_mut()
            .unwrap()
            .retain(|a| a != removed);
    }
    policy
}

#[tokio::test(flavor = "multi_thread")]
async fn a_denied_listing_names_the_action_and_exits_2() {
    // CreatePolicy, CreateUser, AttachUserPolicy, CreateAccessKey run before enforcement.
    let moto = Moto::start_with(&[("INITIAL_NO_AUTH_ACTION_COUNT", "4")]);
    let env = user_with_policy(&moto, &permissions_without("s3:ListAllMyBuckets")).await;
    let run = sidewatch_with_env(
        &[
            "scan",
            "--live",
            "--resource-types",
            "AWS::S3::Bucket,AWS::KMS::Key",
            "--format",
            "json",
        ],
        b"",
        &env,
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("inventory read(s) were denied")
            && run.stderr.contains("allow s3:ListAllMyBuckets"),
        "{}",
        run.stderr
    );
    // The rest is still reported.
    assert!(run.json().as_array().is_some());
    assert!(run.stderr.contains("exit 2"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_printed_policy_allows_every_inventory_read() {
    let moto = Moto::start_with(&[("INITIAL_NO_AUTH_ACTION_COUNT", "4")]);
    let env = user_with_policy(&moto, &permissions_without("nothing")).await;
    // Left out: under enforcement moto rejects every call of these services' REST APIs with
    // SignatureDoesNotMatch (CloudFront with an empty error), whatever the policy, so they prove
    // nothing either way. Checked with boto3 too: ECS, SQS and the others are enforced.
    const SIGNATURE_REJECTED: &[&str] = &[
        "AWS::Lambda::Function",
        "AWS::EKS::Cluster",
        "AWS::EFS::FileSystem",
        "AWS::CloudFront::Distribution",
        "AWS::ApiGateway::Stage",
        "AWS::ApiGatewayV2::Stage",
        // No ListResourceComplianceSummaries in moto (HTTP 500).
        "AWS::SSM::PatchCompliance",
        "AWS::SSM::AssociationCompliance",
    ];
    let types: Vec<&str> = sidewatch_aws::Inventory::resource_types()
        .into_iter()
        .filter(|t| !SIGNATURE_REJECTED.contains(t))
        .collect();
    let types = types.join(",");
    let run = sidewatch_with_env(
        &["snapshot", "--output", "-", "--resource-types", &types],
        b"",
        &env,
    );
    assert!(
        !run.stderr.contains("denied"),
        "a read the policy of `sidewatch permissions` does not allow:\n{}",
        run.stderr
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let snapshot = run.json();
    assert!(
        snapshot["configurationItems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["resourceType"] == "AWS::IAM::User"),
        "the scanner user itself is listed"
    );
}

#[test]
fn readme_lists_the_printed_policy() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let begin = "<!-- BEGIN GENERATED permissions (sidewatch permissions) -->\n```json\n";
    let end = "```\n<!-- END GENERATED permissions -->";
    let start = readme
        .find(begin)
        .expect("README has the permissions markers")
        + begin.len();
    let stop = start
        + readme[start..]
            .find(end)
            .expect("README has the end marker");
    let printed = sidewatch(&["permissions"], b"").stdout;
    assert_eq!(
        &readme[start..stop],
        printed,
        "README.md's policy is out of date: paste the output of `sidewatch permissions` between \
         the markers"
    );
}
