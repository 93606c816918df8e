//! ECR repositories, load balancers (ALB, listeners, Classic), AWS WAF web ACLs, Secrets Manager
//! secrets and DynamoDB tables: collected from moto, compared field by field with the AWS Config
//! resource schema's names, evaluated with their evidence, and given the same verdicts as the
//! core's fixtures of the same resources.

use crate::seed::{alb_with_http_listener, table, web_acl};
use crate::support::*;
use aws_sdk_applicationautoscaling::types::{
    MetricType, PolicyType, PredefinedMetricSpecification, ScalableDimension, ServiceNamespace,
    TargetTrackingScalingPolicyConfiguration,
};
use aws_sdk_ecr::types::ImageScanningConfiguration;

const TYPES: [&str; 7] = [
    "AWS::ECR::Repository",
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::ElasticLoadBalancingV2::Listener",
    "AWS::ElasticLoadBalancing::LoadBalancer",
    "AWS::WAFv2::WebACL",
    "AWS::SecretsManager::Secret",
    "AWS::DynamoDB::Table",
];

async fn repositories(env: &Env) {
    for (name, scan) in [("orders-api", true), ("reports-batch", false)] {
        env.clients
            .ecr
            .create_repository()
            .repository_name(name)
            .image_scanning_configuration(
                ImageScanningConfiguration::builder()
                    .scan_on_push(scan)
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    env.clients
        .ecr
        .put_lifecycle_policy()
        .repository_name("orders-api")
        .lifecycle_policy_text(r#"{"rules":[]}"#)
        .send()
        .await
        .unwrap();
}

/// Two ALBs with an HTTP listener each (one forwards, one redirects to HTTPS) and a Classic
/// Load Balancer.
async fn load_balancers(env: &Env) {
    for (name, redirect) in [("shop-web", false), ("shop-secure", true)] {
        alb_with_http_listener(&env.clients.ec2, &env.clients.elbv2, name, redirect).await;
    }
    aws_sdk_elasticloadbalancing::Client::new(&env.sdk)
        .create_load_balancer()
        .load_balancer_name("legacy-web")
        .listeners(
            aws_sdk_elasticloadbalancing::types::Listener::builder()
                .protocol("HTTP")
                .load_balancer_port(80)
                .instance_port(80)
                .build()
                .unwrap(),
        )
        .availability_zones("us-east-1a")
        .send()
        .await
        .unwrap();
}

/// Two web ACLs, one logging to CloudWatch Logs.
async fn web_acls(env: &Env) -> (String, String) {
    let waf = &env.clients.wafv2;
    let mut ids = Vec::new();
    for name in ["edge-acl", "api-acl"] {
        ids.push(web_acl(waf, name).await);
    }
    waf.put_logging_configuration()
        .logging_configuration(
            aws_sdk_wafv2::types::LoggingConfiguration::builder()
                .resource_arn(&ids[0].1)
                .log_destination_configs(format!(
                    "arn:aws:logs:{REGION}:{ACCOUNT}:log-group:aws-waf-logs-edge"
                ))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    (ids[0].0.clone(), ids[1].0.clone())
}

/// A provisioned table scaled by Application Auto Scaling and one that is not.
async fn tables(env: &Env) {
    let ddb = aws_sdk_dynamodb::Client::new(&env.sdk);
    for name in ["orders", "sessions"] {
        table(&ddb, name, false).send().await.unwrap();
    }
    let scaling = &env.clients.autoscaling;
    for (dimension, metric) in [
        (
            ScalableDimension::DynamoDbTableReadCapacityUnits,
            MetricType::DynamoDbReadCapacityUtilization,
        ),
        (
            ScalableDimension::DynamoDbTableWriteCapacityUnits,
            MetricType::DynamoDbWriteCapacityUtilization,
        ),
    ] {
        scaling
            .register_scalable_target()
            .service_namespace(ServiceNamespace::Dynamodb)
            .resource_id("table/orders")
            .scalable_dimension(dimension.clone())
            .min_capacity(5)
            .max_capacity(100)
            .send()
            .await
            .unwrap();
        scaling
            .put_scaling_policy()
            .policy_name(format!("{}-scaling", dimension.as_str()))
            .service_namespace(ServiceNamespace::Dynamodb)
            .resource_id("table/orders")
            .scalable_dimension(dimension)
            .policy_type(PolicyType::TargetTrackingScaling)
            .target_tracking_scaling_policy_configuration(
                TargetTrackingScalingPolicyConfiguration::builder()
                    .target_value(70.0)
                    .predefined_metric_specification(
                        PredefinedMetricSpecification::builder()
                            .predefined_metric_type(metric)
                            .build()
                            .unwrap(),
                    )
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn workload_items_look_like_configs_and_get_the_same_verdicts() {
    let env = Env::start().await;
    repositories(&env).await;
    load_balancers(&env).await;
    let (logged, unlogged) = web_acls(&env).await;
    tables(&env).await;
    env.clients
        .secretsmanager
        .create_secret()
        .name("prod/orders/db")
        .secret_string("not-a-real-password")
        .send()
        .await
        .unwrap();

    let (items, report) = env.collect(&TYPES).await;
    assert!(report.is_complete(), "{:?}", report.failures);

    // ECR: Config's CloudFormation-like names; registry scanning is BASIC in a new moto account.
    let scanned = find(&items, "AWS::ECR::Repository", "orders-api");
    assert_eq!(
        scanned.config_bool("/ImageScanningConfiguration/ScanOnPush"),
        Some(true)
    );
    assert_eq!(
        scanned.config_str("/LifecyclePolicy/RegistryId"),
        Some(ACCOUNT)
    );
    assert!(
        scanned
            .config_str("/LifecyclePolicy/LifecyclePolicyText")
            .is_some()
    );
    assert_verdict(scanned, "ECR.1", "COMPLIANT");
    let unscanned = find(&items, "AWS::ECR::Repository", "reports-batch");
    assert_verdict(unscanned, "ECR.1", "NON_COMPLIANT");
    assert!(
        unscanned
            .config("/LifecyclePolicy/LifecyclePolicyText")
            .is_none()
    );
    assert_same_verdicts(scanned, "ecr/fixtures/ECR.1/pass-basic-scan-on-push.json");
    assert_same_verdicts(unscanned, "ecr/fixtures/ECR.1/fail-no-scan-on-push.json");

    // ALBs: camelCase configuration, attributes as {key, value} pairs, listeners as evidence.
    let lb = |name: &str| {
        items
            .iter()
            .find(|i| {
                i.resource_type == "AWS::ElasticLoadBalancingV2::LoadBalancer"
                    && i.resource_name.as_deref() == Some(name)
            })
            .unwrap_or_else(|| panic!("no load balancer {name}"))
    };
    let forwarding = lb("shop-web");
    assert_eq!(forwarding.config_str("/type"), Some("application"));
    assert_eq!(
        Some(forwarding.resource_id.as_str()),
        forwarding.arn.as_deref()
    );
    let attributes = forwarding.supplementary("LoadBalancerAttributes").unwrap();
    assert!(
        attributes
            .as_array()
            .unwrap()
            .iter()
            .any(|a| { a["key"] == "deletion_protection.enabled" && a["value"].is_string() }),
        "{attributes}"
    );
    assert_verdict(forwarding, "ELB.1", "NON_COMPLIANT");
    let redirecting = lb("shop-secure");
    assert_verdict(redirecting, "ELB.1", "COMPLIANT");
    assert_same_verdicts(forwarding, "elb/fixtures/ELB.1/fail-http-forwards.json");
    assert_same_verdicts(
        redirecting,
        "elb/fixtures/ELB.1/pass-http-redirects-to-https.json",
    );
    let listeners: Vec<_> = items
        .iter()
        .filter(|i| i.resource_type == "AWS::ElasticLoadBalancingV2::Listener")
        .collect();
    assert_eq!(listeners.len(), 2);
    let redirect = listeners
        .iter()
        .find(|l| l.config_str("/DefaultActions/0/Type") == Some("redirect"))
        .unwrap();
    assert_eq!(redirect.config_str("/Protocol"), Some("HTTP"));
    assert_eq!(
        redirect.config_str("/DefaultActions/0/RedirectConfig/Protocol"),
        Some("HTTPS")
    );
    assert_eq!(
        redirect.config_str("/LoadBalancerArn"),
        redirecting.arn.as_deref()
    );
    let classic = find(
        &items,
        "AWS::ElasticLoadBalancing::LoadBalancer",
        "legacy-web",
    );
    assert_eq!(
        classic.config_str("/listenerDescriptions/0/listener/protocol"),
        Some("HTTP")
    );
    assert_eq!(
        classic
            .supplementary("LoadBalancerAttributes")
            .and_then(|a| a.pointer("/accessLog/enabled")),
        Some(&serde_json::json!(false))
    );
    assert!(classic.supplementary("LoadBalancerPolicies").is_some());

    // Web ACLs: logging is evidence (wafv2:GetLoggingConfiguration).
    let logging = find(&items, "AWS::WAFv2::WebACL", &logged);
    assert_eq!(logging.config_str("/name"), Some("edge-acl"));
    assert!(logging.config("/rules").is_some_and(|r| r.is_array()));
    assert_verdict(logging, "WAF.11", "COMPLIANT");
    let silent = find(&items, "AWS::WAFv2::WebACL", &unlogged);
    assert_verdict(silent, "WAF.11", "NON_COMPLIANT");
    assert_same_verdicts(silent, "waf/fixtures/WAF.11/fail-no-logging.json");
    assert_same_verdicts(
        logging,
        "waf/fixtures/WAF.11/pass-logging-to-cloudwatch.json",
    );

    // The secret: schema names, and its dates read by DescribeSecret (new and unread: passes).
    let secret = find(&items, "AWS::SecretsManager::Secret", "prod/orders/db");
    assert_eq!(secret.config_str("/Name"), Some("prod/orders/db"));
    assert_eq!(secret.config_bool("/RotationEnabled"), Some(false));
    assert_eq!(secret.config_bool("/Deleted"), Some(false));
    assert_eq!(Some(secret.resource_id.as_str()), secret.arn.as_deref());
    for control in ["SecretsManager.3", "SecretsManager.4"] {
        assert_verdict(secret, control, "COMPLIANT");
    }
    assert_same_verdicts(
        secret,
        "secretsmanager/fixtures/SecretsManager.3/pass-accessed-recently.json",
    );

    // Tables: camelCase configuration, continuous backups as Config records them.
    let scaled = find(&items, "AWS::DynamoDB::Table", "orders");
    assert_eq!(
        scaled.config_str("/billingModeSummary/billingMode"),
        Some("PROVISIONED")
    );
    assert_eq!(
        scaled
            .supplementary("ContinuousBackupsDescription")
            .and_then(|c| c.pointer("/pointInTimeRecoveryDescription/pointInTimeRecoveryStatus")),
        Some(&serde_json::json!("DISABLED"))
    );
    assert_verdict(scaled, "DynamoDB.1", "COMPLIANT");
    let fixed = find(&items, "AWS::DynamoDB::Table", "sessions");
    assert_verdict(fixed, "DynamoDB.1", "NON_COMPLIANT");
    assert_same_verdicts(
        fixed,
        "dynamodb/fixtures/DynamoDB.1/fail-provisioned-without-autoscaling.json",
    );
}
