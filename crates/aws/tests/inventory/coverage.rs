//! The collectors of issue 17's resource types (ECS, EKS, RDS clusters and snapshots, EFS, SQS,
//! SNS, CloudFront, API Gateway stages) against moto: seed through the SDK, collect, and compare
//! each item with the configuration item written from the AWS Config resource schema for the same
//! resource (its field names and casing, `configurationItemStatus`, ARN, tags).
//!
//! Only the fields written below are compared (a subset: the collected item may carry more).
//! Where moto's answer lacks what the real API has, the test says so and leaves it out.

use crate::support::*;
use aws_sdk_ecs::types::{
    AssignPublicIp, AwsVpcConfiguration, ClusterSetting, ClusterSettingName, ContainerDefinition,
    DeploymentController, DeploymentControllerType, KeyValuePair, LogConfiguration, LogDriver,
    NetworkConfiguration, NetworkMode, PidMode,
};
use serde_json::{Value, json};
use sidewatch_aws::Inventory;
use sidewatch_core::{ConfigurationItem, ItemStatus};

/// Every key of `expected` is in `actual` with the same value (objects compared key by key and
/// arrays element by element, recursively; scalars exactly).
#[track_caller]
fn assert_subset(actual: &Value, expected: &Value, path: &str) {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            for (key, value) in e {
                let here = format!("{path}.{key}");
                let Some(got) = a.get(key) else {
                    panic!("{here} missing; item has {actual}");
                };
                assert_subset(got, value, &here);
            }
        }
        (Value::Array(a), Value::Array(e)) => {
            assert_eq!(a.len(), e.len(), "{path}: {actual}");
            for (i, (got, want)) in a.iter().zip(e).enumerate() {
                assert_subset(got, want, &format!("{path}[{i}]"));
            }
        }
        _ => assert_eq!(actual, expected, "{path}"),
    }
}

/// The documented item's envelope and configuration, checked against the collected one.
#[track_caller]
fn assert_like_config(item: &ConfigurationItem, arn: &str, configuration: Value) {
    assert_eq!(item.status, ItemStatus::Ok);
    assert_eq!(item.account_id.as_deref(), Some(ACCOUNT));
    assert_eq!(item.arn.as_deref(), Some(arn), "{}", item.resource_id);
    assert_subset(&item.configuration, &configuration, "configuration");
}

fn of_type<'a>(items: &'a [ConfigurationItem], t: &str) -> Vec<&'a ConfigurationItem> {
    items.iter().filter(|i| i.resource_type == t).collect()
}

/// A VPC, a subnet and a security group (moto validates awsvpc network configurations).
async fn network(env: &Env) -> (String, String) {
    let ec2 = &env.clients.ec2;
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.20.0.0/16")
        .send()
        .await
        .unwrap();
    let vpc = vpc.vpc().unwrap().vpc_id().unwrap().to_owned();
    let subnet = ec2
        .create_subnet()
        .vpc_id(&vpc)
        .cidr_block("10.20.1.0/24")
        .send()
        .await
        .unwrap();
    let subnet = subnet.subnet().unwrap().subnet_id().unwrap().to_owned();
    let sg = ec2
        .create_security_group()
        .group_name("tasks")
        .description("tasks")
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap();
    (subnet, sg.group_id().unwrap().to_owned())
}

fn awsvpc(subnet: &str, sg: &str) -> NetworkConfiguration {
    NetworkConfiguration::builder()
        .awsvpc_configuration(
            AwsVpcConfiguration::builder()
                .subnets(subnet)
                .security_groups(sg)
                .assign_public_ip(AssignPublicIp::Enabled)
                .build()
                .unwrap(),
        )
        .build()
}

#[tokio::test(flavor = "multi_thread")]
async fn ecs_and_eks_items_follow_the_config_schema() {
    let env = Env::start().await;
    let (subnet, sg) = network(&env).await;
    let ecs = aws_sdk_ecs::Client::new(&env.sdk);
    ecs.create_cluster()
        .cluster_name("batch")
        .settings(
            ClusterSetting::builder()
                .name(ClusterSettingName::ContainerInsights)
                .value("disabled")
                .build(),
        )
        .tags(
            aws_sdk_ecs::types::Tag::builder()
                .key("team")
                .value("data")
                .build(),
        )
        .send()
        .await
        .unwrap();
    ecs.create_cluster()
        .cluster_name("web")
        .settings(
            ClusterSetting::builder()
                .name(ClusterSettingName::ContainerInsights)
                .value("enabled")
                .build(),
        )
        .send()
        .await
        .unwrap();
    ecs.register_task_definition()
        .family("legacy-worker")
        .pid_mode(PidMode::Host)
        .container_definitions(
            ContainerDefinition::builder()
                .name("worker")
                .image("public.ecr.aws/docker/library/busybox:latest")
                .memory(128)
                .privileged(true)
                .environment(
                    KeyValuePair::builder()
                        .name("AWS_SECRET_ACCESS_KEY")
                        .value("not-a-real-key")
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    ecs.register_task_definition()
        .family("web")
        .network_mode(NetworkMode::Awsvpc)
        .container_definitions(
            ContainerDefinition::builder()
                .name("app")
                .image("public.ecr.aws/nginx/nginx:latest")
                .memory(256)
                .readonly_root_filesystem(true)
                .log_configuration(
                    LogConfiguration::builder()
                        .log_driver(LogDriver::Awslogs)
                        .options("awslogs-group", "/ecs/web")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    ecs.create_service()
        .cluster("web")
        .service_name("storefront")
        .task_definition("web")
        .desired_count(2)
        .network_configuration(awsvpc(&subnet, &sg))
        .send()
        .await
        .unwrap();
    ecs.create_service()
        .cluster("web")
        .service_name("canary")
        .task_definition("web")
        .desired_count(1)
        .deployment_controller(
            DeploymentController::builder()
                .r#type(DeploymentControllerType::External)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let set = ecs
        .create_task_set()
        .cluster("web")
        .service("canary")
        .task_definition("web")
        .network_configuration(awsvpc(&subnet, &sg))
        .send()
        .await
        .unwrap();
    let set_arn = set.task_set().unwrap().task_set_arn().unwrap().to_owned();

    let eks = aws_sdk_eks::Client::new(&env.sdk);
    eks.create_cluster()
        .name("platform")
        .version("1.24")
        .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/eks-cluster"))
        .resources_vpc_config(
            aws_sdk_eks::types::VpcConfigRequest::builder()
                .subnet_ids(&subnet)
                .security_group_ids(&sg)
                .endpoint_public_access(true)
                .build(),
        )
        .logging(
            aws_sdk_eks::types::Logging::builder()
                .cluster_logging(
                    aws_sdk_eks::types::LogSetup::builder()
                        .types(aws_sdk_eks::types::LogType::Api)
                        .enabled(true)
                        .build(),
                )
                .build(),
        )
        .tags("env", "prod")
        .send()
        .await
        .unwrap();

    let types = [
        "AWS::ECS::Cluster",
        "AWS::ECS::Service",
        "AWS::ECS::TaskDefinition",
        "AWS::ECS::TaskSet",
        "AWS::EKS::Cluster",
    ];
    let (items, report) = env.collect(&types).await;
    assert!(report.is_complete(), "{:?}", report.failures);

    let batch = find(&items, "AWS::ECS::Cluster", "batch");
    assert_eq!(batch.tags.get("team").map(String::as_str), Some("data"));
    assert_like_config(
        batch,
        &format!("arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/batch"),
        json!({
            "ClusterName": "batch",
            "Arn": format!("arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/batch"),
            "ClusterSettings": [{"Name": "containerInsights", "Value": "disabled"}],
        }),
    );
    let web = find(&items, "AWS::ECS::Cluster", "web");
    assert_eq!(
        web.config("/ClusterSettings/0/Value"),
        Some(&json!("enabled"))
    );

    let storefront_arn = format!("arn:aws:ecs:{REGION}:{ACCOUNT}:service/web/storefront");
    let storefront = find(&items, "AWS::ECS::Service", &storefront_arn);
    assert_eq!(storefront.resource_name.as_deref(), Some("storefront"));
    assert_like_config(
        storefront,
        &storefront_arn,
        json!({
            "ServiceName": "storefront",
            "Cluster": format!("arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/web"),
            "DesiredCount": 2,
            "TaskDefinition": format!("arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/web:1"),
            "NetworkConfiguration": {"AwsvpcConfiguration": {
                "AssignPublicIp": "ENABLED", "Subnets": [subnet], "SecurityGroups": [sg]
            }},
        }),
    );

    let worker_arn = format!("arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/legacy-worker:1");
    let worker = find(&items, "AWS::ECS::TaskDefinition", &worker_arn);
    assert_eq!(worker.resource_name.as_deref(), Some("legacy-worker:1"));
    assert_like_config(
        worker,
        &worker_arn,
        json!({
            "TaskDefinitionArn": worker_arn,
            "Family": "legacy-worker",
            "Status": "ACTIVE",
            "PidMode": "host",
            "ContainerDefinitions": [{
                "Name": "worker",
                "Image": "public.ecr.aws/docker/library/busybox:latest",
                "Memory": 128,
                "Privileged": true,
                "Environment": [{"Name": "AWS_SECRET_ACCESS_KEY", "Value": "not-a-real-key"}],
                "LogConfiguration": null,
                "ReadonlyRootFilesystem": null,
            }],
        }),
    );
    let web_td = find(
        &items,
        "AWS::ECS::TaskDefinition",
        &format!("arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/web:1"),
    );
    assert_subset(
        &web_td.configuration,
        &json!({"NetworkMode": "awsvpc", "ContainerDefinitions": [{
            "Name": "app",
            "Image": "public.ecr.aws/nginx/nginx:latest",
            "Memory": 256,
            "ReadonlyRootFilesystem": true,
            "Privileged": null,
            "Environment": [],
            "LogConfiguration": {"LogDriver": "awslogs", "Options": {"awslogs-group": "/ecs/web"}, "SecretOptions": []},
        }]}),
        "configuration",
    );

    // Only the EXTERNAL service has a task set; the ECS-controlled one is not asked.
    let sets = of_type(&items, "AWS::ECS::TaskSet");
    assert_eq!(sets.len(), 1, "{sets:?}");
    assert_like_config(
        sets[0],
        &set_arn,
        json!({
            "Cluster": format!("arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/web"),
            "Service": format!("arn:aws:ecs:{REGION}:{ACCOUNT}:service/web/canary"),
            "TaskDefinition": format!("arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/web:1"),
            "NetworkConfiguration": {"AwsVpcConfiguration": {
                "AssignPublicIp": "ENABLED", "Subnets": [subnet], "SecurityGroups": [sg]
            }},
            "Scale": {"Unit": "PERCENT", "Value": 100.0},
        }),
    );

    let platform = find(&items, "AWS::EKS::Cluster", "platform");
    assert_eq!(platform.tags.get("env").map(String::as_str), Some("prod"));
    assert_like_config(
        platform,
        &format!("arn:aws:eks:{REGION}:{ACCOUNT}:cluster/platform"),
        json!({
            "Name": "platform",
            "Version": "1.24",
            "RoleArn": format!("arn:aws:iam::{ACCOUNT}:role/eks-cluster"),
            "ResourcesVpcConfig": {
                "EndpointPublicAccess": true,
                "SubnetIds": [subnet],
                "SecurityGroupIds": [sg],
            },
            "Logging": {"ClusterLogging": {"EnabledTypes": [{"Type": "api"}]}},
        }),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rds_efs_sqs_and_sns_items_follow_the_config_schema() {
    let env = Env::start().await;
    let rds = env.rds();
    rds.create_db_cluster()
        .db_cluster_identifier("orders")
        .engine("aurora-postgresql")
        .master_username("dbadmin")
        .master_user_password("not-a-real-password-1")
        .deletion_protection(false)
        .storage_encrypted(true)
        .send()
        .await
        .unwrap();
    rds.create_db_instance()
        .db_instance_identifier("reporting-db")
        .db_instance_class("db.t4g.medium")
        .engine("postgres")
        .master_username("dbadmin")
        .master_user_password("not-a-real-password-1")
        .allocated_storage(20)
        .send()
        .await
        .unwrap();
    rds.create_db_snapshot()
        .db_snapshot_identifier("reporting-final")
        .db_instance_identifier("reporting-db")
        .send()
        .await
        .unwrap();
    rds.modify_db_snapshot_attribute()
        .db_snapshot_identifier("reporting-final")
        .attribute_name("restore")
        .values_to_add("all")
        .send()
        .await
        .unwrap();
    rds.create_db_cluster_snapshot()
        .db_cluster_snapshot_identifier("orders-final")
        .db_cluster_identifier("orders")
        .send()
        .await
        .unwrap();

    let efs = aws_sdk_efs::Client::new(&env.sdk);
    let fs = efs
        .create_file_system()
        .creation_token("shared-home")
        .encrypted(false)
        .tags(
            aws_sdk_efs::types::Tag::builder()
                .key("Name")
                .value("shared-home")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let fs_id = fs.file_system_id().to_owned();

    let sqs = aws_sdk_sqs::Client::new(&env.sdk);
    let plain = sqs
        .create_queue()
        .queue_name("jobs")
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::SqsManagedSseEnabled,
            "false",
        )
        .tags("team", "data")
        .send()
        .await
        .unwrap();
    let plain_url = plain.queue_url().unwrap().to_owned();
    sqs.create_queue()
        .queue_name("payments")
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::KmsMasterKeyId,
            "alias/payments",
        )
        .send()
        .await
        .unwrap();

    let sns = aws_sdk_sns::Client::new(&env.sdk);
    let alerts = sns.create_topic().name("alerts").send().await.unwrap();
    let alerts = alerts.topic_arn().unwrap().to_owned();
    sns.create_topic()
        .name("audit")
        .attributes("KmsMasterKeyId", "alias/aws/sns")
        .tags(
            aws_sdk_sns::types::Tag::builder()
                .key("team")
                .value("security")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();

    let types = [
        "AWS::RDS::DBCluster",
        "AWS::RDS::DBSnapshot",
        "AWS::RDS::DBClusterSnapshot",
        "AWS::EFS::FileSystem",
        "AWS::SQS::Queue",
        "AWS::SNS::Topic",
    ];
    let (items, report) = env.collect(&types).await;
    assert!(report.is_complete(), "{:?}", report.failures);

    let orders = find(&items, "AWS::RDS::DBCluster", "orders");
    assert!(
        orders.resource_id.starts_with("cluster-"),
        "{}",
        orders.resource_id
    );
    assert_like_config(
        orders,
        &format!("arn:aws:rds:{REGION}:{ACCOUNT}:cluster:orders"),
        json!({
            "dbclusterIdentifier": "orders",
            "dbClusterResourceId": orders.resource_id,
            "engine": "aurora-postgresql",
            "deletionProtection": false,
            "storageEncrypted": true,
            "masterUsername": "dbadmin",
        }),
    );

    let final_snapshot = find(&items, "AWS::RDS::DBSnapshot", "reporting-final");
    assert_like_config(
        final_snapshot,
        &format!("arn:aws:rds:{REGION}:{ACCOUNT}:snapshot:reporting-final"),
        json!({
            "dBSnapshotIdentifier": "reporting-final",
            "dBInstanceIdentifier": "reporting-db",
            "engine": "postgres",
            "encrypted": false,
            "snapshotType": "manual",
        }),
    );
    assert_eq!(
        final_snapshot.supplementary.get("DBSnapshotAttributes"),
        Some(&json!([{"attributeName": "restore", "attributeValues": ["all"]}]))
    );
    let cluster_snapshot = find(&items, "AWS::RDS::DBClusterSnapshot", "orders-final");
    assert_like_config(
        cluster_snapshot,
        &format!("arn:aws:rds:{REGION}:{ACCOUNT}:cluster-snapshot:orders-final"),
        json!({
            "dbclusterSnapshotIdentifier": "orders-final",
            "dbclusterIdentifier": "orders",
            "storageEncrypted": true,
        }),
    );
    assert_eq!(
        cluster_snapshot
            .supplementary
            .get("DBClusterSnapshotAttributes"),
        Some(&json!([{"attributeName": "restore", "attributeValues": []}]))
    );

    let shared = find(&items, "AWS::EFS::FileSystem", &fs_id);
    assert_eq!(shared.resource_name.as_deref(), Some("shared-home"));
    assert_like_config(
        shared,
        &format!("arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:file-system/{fs_id}"),
        json!({"FileSystemId": fs_id, "Encrypted": false, "PerformanceMode": "generalPurpose"}),
    );

    let jobs = find(&items, "AWS::SQS::Queue", &plain_url);
    assert_eq!(jobs.resource_name.as_deref(), Some("jobs"));
    assert_eq!(jobs.tags.get("team").map(String::as_str), Some("data"));
    assert_like_config(
        jobs,
        &format!("arn:aws:sqs:{REGION}:{ACCOUNT}:jobs"),
        json!({
            "QueueUrl": plain_url,
            "QueueName": "jobs",
            "QueueArn": format!("arn:aws:sqs:{REGION}:{ACCOUNT}:jobs"),
            "SqsManagedSseEnabled": "false",
            "VisibilityTimeout": 30,
        }),
    );
    assert!(jobs.config("/KmsMasterKeyId").is_none());
    assert!(
        jobs.config_str("/CreatedTimestamp")
            .is_some_and(|t| t.ends_with('Z')),
        "{:?}",
        jobs.config("/CreatedTimestamp")
    );
    let payments = find(&items, "AWS::SQS::Queue", "payments");
    assert_eq!(
        payments.config_str("/KmsMasterKeyId"),
        Some("alias/payments")
    );

    let alerts_item = find(&items, "AWS::SNS::Topic", &alerts);
    assert_eq!(alerts_item.resource_name.as_deref(), Some("alerts"));
    assert_like_config(alerts_item, &alerts, json!({"TopicArn": alerts}));
    assert!(alerts_item.config("/KmsMasterKeyId").is_none());
    let audit = find(&items, "AWS::SNS::Topic", "audit");
    assert_eq!(audit.config_str("/KmsMasterKeyId"), Some("alias/aws/sns"));
    assert_eq!(audit.tags.get("team").map(String::as_str), Some("security"));
}

// The legacy cache settings (MinTTL, ForwardedValues) are deprecated in the SDK; the test uses them
// because they need no cache policy, which moto does not create for a distribution.
#[allow(deprecated)]
#[tokio::test(flavor = "multi_thread")]
async fn cloudfront_and_api_gateway_items_follow_the_config_schema() {
    let env = Env::start().await;
    use aws_sdk_cloudfront::types::{
        CookiePreference, DefaultCacheBehavior, DistributionConfig, ForwardedValues, ItemSelection,
        Origin, Origins, S3OriginConfig, ViewerProtocolPolicy,
    };
    let cloudfront = aws_sdk_cloudfront::Client::new(&env.sdk);
    let created = cloudfront
        .create_distribution()
        .distribution_config(
            DistributionConfig::builder()
                .caller_reference("site-1")
                .comment("static site")
                .enabled(true)
                .origins(
                    Origins::builder()
                        .quantity(1)
                        .items(
                            Origin::builder()
                                .id("site-bucket")
                                .domain_name("example-site.s3.amazonaws.com")
                                .s3_origin_config(
                                    S3OriginConfig::builder().origin_access_identity("").build(),
                                )
                                .build()
                                .unwrap(),
                        )
                        .build()
                        .unwrap(),
                )
                .default_cache_behavior(
                    DefaultCacheBehavior::builder()
                        .target_origin_id("site-bucket")
                        .viewer_protocol_policy(ViewerProtocolPolicy::AllowAll)
                        .min_ttl(0)
                        .forwarded_values(
                            ForwardedValues::builder()
                                .query_string(false)
                                .cookies(
                                    CookiePreference::builder()
                                        .forward(ItemSelection::None)
                                        .build()
                                        .unwrap(),
                                )
                                .build()
                                .unwrap(),
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
    let distribution = created.distribution().unwrap();
    let (id, arn) = (distribution.id().to_owned(), distribution.arn().to_owned());

    let rest = aws_sdk_apigateway::Client::new(&env.sdk);
    let api = rest.create_rest_api().name("shop").send().await.unwrap();
    let api = api.id().unwrap().to_owned();
    let resources = rest.get_resources().rest_api_id(&api).send().await.unwrap();
    let root = resources.items()[0].id().unwrap().to_owned();
    rest.put_method()
        .rest_api_id(&api)
        .resource_id(&root)
        .http_method("GET")
        .authorization_type("NONE")
        .send()
        .await
        .unwrap();
    rest.put_integration()
        .rest_api_id(&api)
        .resource_id(&root)
        .http_method("GET")
        .r#type(aws_sdk_apigateway::types::IntegrationType::Mock)
        .send()
        .await
        .unwrap();
    rest.create_deployment()
        .rest_api_id(&api)
        .stage_name("prod")
        .send()
        .await
        .unwrap();
    rest.create_deployment()
        .rest_api_id(&api)
        .stage_name("dev")
        .send()
        .await
        .unwrap();
    rest.update_stage()
        .rest_api_id(&api)
        .stage_name("prod")
        .patch_operations(
            aws_sdk_apigateway::types::PatchOperation::builder()
                .op(aws_sdk_apigateway::types::Op::Replace)
                .path("/*/*/logging/loglevel")
                .value("ERROR")
                .build(),
        )
        .patch_operations(
            aws_sdk_apigateway::types::PatchOperation::builder()
                .op(aws_sdk_apigateway::types::Op::Replace)
                .path("/tracingEnabled")
                .value("true")
                .build(),
        )
        .send()
        .await
        .unwrap();

    let v2 = aws_sdk_apigatewayv2::Client::new(&env.sdk);
    let chat = v2
        .create_api()
        .name("chat")
        .protocol_type(aws_sdk_apigatewayv2::types::ProtocolType::Websocket)
        .route_selection_expression("$request.body.action")
        .send()
        .await
        .unwrap();
    let chat = chat.api_id().unwrap().to_owned();
    v2.create_stage()
        .api_id(&chat)
        .stage_name("production")
        .default_route_settings(
            aws_sdk_apigatewayv2::types::RouteSettings::builder()
                .logging_level(aws_sdk_apigatewayv2::types::LoggingLevel::Off)
                .build(),
        )
        .send()
        .await
        .unwrap();

    let inventory = Inventory::new(env.sdk.clone());
    let types = [
        "AWS::CloudFront::Distribution",
        "AWS::ApiGateway::Stage",
        "AWS::ApiGatewayV2::Stage",
    ];
    let (items, report) = env.collect_using(inventory, &types).await;
    assert!(report.is_complete(), "{:?}", report.failures);

    let site = find(&items, "AWS::CloudFront::Distribution", &id);
    // Global, as IAM: listed once per account.
    assert_eq!(site.region.as_deref(), Some("global"));
    assert_like_config(
        site,
        &arn,
        json!({
            "id": id,
            "arn": arn,
            "distributionConfig": {
                "callerReference": "site-1",
                "comment": "static site",
                "enabled": true,
                "defaultRootObject": "",
                "webACLId": "",
                "logging": {"enabled": false},
                "defaultCacheBehavior": {"targetOriginId": "site-bucket", "viewerProtocolPolicy": "allow-all"},
                // moto drops the origin's S3OriginConfig from its answer (AWS returns it), so
                // only the origin's id and domain are compared.
                "origins": {"quantity": 1},
            },
        }),
    );
    assert_eq!(
        site.config("/distributionConfig/origins/items/0/domainName"),
        Some(&json!("example-site.s3.amazonaws.com"))
    );

    let prod_arn = format!("arn:aws:apigateway:{REGION}::/restapis/{api}/stages/prod");
    let prod = find(&items, "AWS::ApiGateway::Stage", &prod_arn);
    assert_eq!(prod.resource_name.as_deref(), Some("prod"));
    assert_like_config(
        prod,
        &prod_arn,
        json!({
            "stageName": "prod",
            "tracingEnabled": true,
            "cacheClusterEnabled": false,
            "methodSettings": {"*/*": {"loggingLevel": "ERROR", "metricsEnabled": false}},
        }),
    );
    assert!(prod.config("/webAclArn").is_none());
    let dev = find(
        &items,
        "AWS::ApiGateway::Stage",
        &format!("arn:aws:apigateway:{REGION}::/restapis/{api}/stages/dev"),
    );
    assert_like_config(
        dev,
        &format!("arn:aws:apigateway:{REGION}::/restapis/{api}/stages/dev"),
        json!({"stageName": "dev", "tracingEnabled": false, "methodSettings": {}}),
    );

    let production_arn = format!("arn:aws:apigateway:{REGION}::/apis/{chat}/stages/production");
    let production = find(&items, "AWS::ApiGatewayV2::Stage", &production_arn);
    assert_like_config(
        production,
        &production_arn,
        json!({
            "stageName": "production",
            "defaultRouteSettings": {"loggingLevel": "OFF"},
            "routeSettings": {},
        }),
    );
}

/// A user allowed everything but `rds:DescribeDBSnapshotAttributes`: the snapshot is still an
/// item, its attribute list the evidence-error object (never an empty, private-looking list), and
/// the failed read is reported.
#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_snapshot_attribute_list_is_never_private() {
    // create_db_instance, create_db_snapshot, create_user, put_user_policy and create_access_key
    // run before moto starts enforcing IAM.
    let env = Env::start_with(&[("INITIAL_NO_AUTH_ACTION_COUNT", "5")]).await;
    let rds = env.rds();
    rds.create_db_instance()
        .db_instance_identifier("ledger-db")
        .db_instance_class("db.t4g.medium")
        .engine("postgres")
        .master_username("dbadmin")
        .master_user_password("not-a-real-password-1")
        .allocated_storage(20)
        .send()
        .await
        .unwrap();
    rds.create_db_snapshot()
        .db_snapshot_identifier("ledger-final")
        .db_instance_identifier("ledger-db")
        .send()
        .await
        .unwrap();
    let iam = &env.clients.iam;
    iam.create_user().user_name("scanner").send().await.unwrap();
    iam.put_user_policy()
        .user_name("scanner")
        .policy_name("all-but-attributes")
        .policy_document(
            json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Effect": "Deny", "Action": "rds:DescribeDBSnapshotAttributes", "Resource": "*"}
            ]})
            .to_string(),
        )
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
    let sdk = sidewatch_aws::ClientOptions {
        endpoint_url: Some(env.moto.endpoint.clone()),
        region: Some(REGION.into()),
        ..sidewatch_aws::ClientOptions::default()
    }
    .config_loader()
    .credentials_provider(aws_sdk_rds::config::Credentials::new(
        key.access_key_id(),
        key.secret_access_key(),
        None,
        None,
        "scanner",
    ))
    .load()
    .await;
    let (items, report) = Inventory::new(sdk)
        .collect_all(&["AWS::RDS::DBSnapshot"], &[REGION.to_owned()])
        .await;
    let ledger = find(&items, "AWS::RDS::DBSnapshot", "ledger-final");
    let attributes = ledger.supplementary.get("DBSnapshotAttributes").unwrap();
    assert!(attributes.get("sidewatchError").is_some(), "{attributes}");
    assert!(
        report
            .failures
            .iter()
            .any(|f| f.resource_id.as_deref() == Some("ledger-final")
                && f.error.operation == "rds:DescribeDBSnapshotAttributes"),
        "{:?}",
        report.failures
    );
}
