//! Evidence of container registries, load balancers, web ACLs, secrets and tables: the resources
//! of ECR.1, ELB.1, WAF.1, WAF.11, SecretsManager.3/.4 and DynamoDB.1 in a compliant and a
//! non-compliant state (moto for everything but AWS WAF Classic, which moto lacks: mocked with
//! bodies shaped like the AWS WAF Classic API reference).

use crate::mocked::{JSON_1_1, collector_with, mocked, response};
use crate::seed::{alb_with_http_listener, web_acl};
use crate::support::*;
use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace};
use aws_smithy_mocks::mock;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use serde_json::json;
use sidewatch_aws::AwsClients;
use sidewatch_core::evidence::shapes::WebAclLogging;
use sidewatch_core::{ConfigurationItem, EvidenceKind};

/// The AWS WAF Classic global web ACL of both worlds.
pub(crate) const CLASSIC_ACL_ID: &str = "3f6a1c2e-9b8d-4e7f-a1b2-c3d4e5f6a7b8";

fn notification(
    resource_type: &str,
    id: &str,
    name: &str,
    arn: &str,
    configuration: serde_json::Value,
) -> ConfigurationItem {
    item(json!({
        "configurationItemStatus": "OK",
        "configurationItemCaptureTime": "2026-11-20T09:15:02.114Z",
        "awsAccountId": ACCOUNT,
        "awsRegion": REGION,
        "resourceType": resource_type,
        "resourceId": id,
        "resourceName": name,
        "ARN": arn,
        "configuration": configuration,
        "supplementaryConfiguration": {}
    }))
}

/// An AWS WAF Classic global web ACL as Config records it.
pub(crate) fn classic_acl_item() -> ConfigurationItem {
    notification(
        "AWS::WAF::WebACL",
        CLASSIC_ACL_ID,
        "edge-acl",
        &format!("arn:aws:waf::{ACCOUNT}:webacl/{CLASSIC_ACL_ID}"),
        json!({"webACLId": CLASSIC_ACL_ID, "name": "edge-acl", "metricName": "edgeacl",
               "defaultAction": {"type": "ALLOW"}, "rulesList": []}),
    )
}

/// `waf:GetLoggingConfiguration` answered as the API reference shows: a configuration, or
/// `WAFNonexistentItemException` when the web ACL logs nothing.
pub(crate) fn classic_logging(logging: bool) -> HttpResponse {
    if logging {
        response(
            200,
            JSON_1_1,
            &format!(
                r#"{{"LoggingConfiguration": {{
                    "ResourceArn": "arn:aws:waf::{ACCOUNT}:webacl/{CLASSIC_ACL_ID}",
                    "LogDestinationConfigs": ["arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/aws-waf-logs-edge"],
                    "RedactedFields": []}}}}"#
            ),
        )
    } else {
        response(
            400,
            JSON_1_1,
            r#"{"__type": "WAFNonexistentItemException", "message": "The referenced item does not exist."}"#,
        )
    }
}

/// A repository, an ALB with an HTTP listener, a web ACL, a secret and a provisioned table in
/// moto — compliant or not — as configuration items.
pub(crate) async fn seed(clients: &AwsClients, compliant: bool) -> Vec<ConfigurationItem> {
    let region_arn =
        |service: &str, resource: &str| format!("arn:aws:{service}:{REGION}:{ACCOUNT}:{resource}");
    // ECR: scan on push (the registry of a new moto account scans BASIC, without rules).
    clients
        .ecr
        .create_repository()
        .repository_name("orders-api")
        .image_scanning_configuration(
            aws_sdk_ecr::types::ImageScanningConfiguration::builder()
                .scan_on_push(compliant)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let repository = notification(
        "AWS::ECR::Repository",
        "orders-api",
        "orders-api",
        &region_arn("ecr", "repository/orders-api"),
        json!({"RepositoryName": "orders-api",
               "ImageScanningConfiguration": {"ScanOnPush": compliant}}),
    );

    // ELB: an ALB whose HTTP listener redirects to HTTPS, or forwards.
    let lb_arn = alb_with_http_listener(&clients.ec2, &clients.elbv2, "shop-web", compliant).await;
    let load_balancer = notification(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        &lb_arn,
        "shop-web",
        &lb_arn,
        json!({"loadBalancerArn": lb_arn, "loadBalancerName": "shop-web", "type": "application",
               "scheme": "internet-facing"}),
    );

    // WAF: a regional web ACL, logging or not.
    let waf = &clients.wafv2;
    let (acl_id, acl_arn) = web_acl(waf, "api-acl").await;
    if compliant {
        waf.put_logging_configuration()
            .logging_configuration(
                aws_sdk_wafv2::types::LoggingConfiguration::builder()
                    .resource_arn(&acl_arn)
                    .log_destination_configs(region_arn("logs", "log-group:aws-waf-logs-api"))
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
    }
    let web_acl = notification(
        "AWS::WAFv2::WebACL",
        &acl_id,
        "api-acl",
        &acl_arn,
        json!({"id": acl_id, "name": "api-acl", "rules": []}),
    );

    // Secrets Manager: a new secret (ages come from moving the evidence clock).
    let secret = clients
        .secretsmanager
        .create_secret()
        .name("prod/orders/db")
        .secret_string("not-a-real-password")
        .send()
        .await
        .unwrap();
    let secret_arn = secret.arn().unwrap();
    let secret = notification(
        "AWS::SecretsManager::Secret",
        secret_arn,
        "prod/orders/db",
        secret_arn,
        json!({"ARN": secret_arn, "Name": "prod/orders/db", "RotationEnabled": false,
               "Deleted": false}),
    );

    // DynamoDB: a provisioned table, its capacity scaled by Application Auto Scaling or not.
    if compliant {
        for dimension in [
            ScalableDimension::DynamoDbTableReadCapacityUnits,
            ScalableDimension::DynamoDbTableWriteCapacityUnits,
        ] {
            clients
                .autoscaling
                .register_scalable_target()
                .service_namespace(ServiceNamespace::Dynamodb)
                .resource_id("table/orders")
                .scalable_dimension(dimension)
                .min_capacity(5)
                .max_capacity(100)
                .send()
                .await
                .unwrap();
        }
    }
    let table = notification(
        "AWS::DynamoDB::Table",
        "orders",
        "orders",
        &region_arn("dynamodb", "table/orders"),
        json!({"tableName": "orders", "tableStatus": "ACTIVE",
               "billingModeSummary": {"billingMode": "PROVISIONED"},
               "provisionedThroughput": {"readCapacityUnits": 5, "writeCapacityUnits": 5}}),
    );

    vec![
        repository,
        load_balancer,
        web_acl,
        classic_acl_item(),
        secret,
        table,
    ]
}

#[tokio::test]
async fn waf_classic_logging_decides_waf_1() {
    for (logging, expected) in [(true, true), (false, false)] {
        let rule = mock!(aws_sdk_waf::Client::get_logging_configuration)
            .then_http_response(move || classic_logging(logging));
        let collector = collector_with(|c, sdk| mocked!(c, sdk, waf, aws_sdk_waf, &[&rule])).await;
        let mut acl = classic_acl_item();
        collect(&collector, &mut acl, &[EvidenceKind::WafClassicLogging]).await;
        let stored: WebAclLogging = evidence(&acl, EvidenceKind::WafClassicLogging);
        assert_eq!(stored.present, expected);
        if expected {
            assert_pass(&acl, "WAF.1");
            assert!(stored.log_destination_configs[0].contains("aws-waf-logs-edge"));
        } else {
            assert_fail(&acl, "WAF.1");
        }
    }
    let denied = mock!(aws_sdk_waf::Client::get_logging_configuration).then_http_response(|| {
        response(
            400,
            JSON_1_1,
            r#"{"__type": "AccessDeniedException", "message": "User is not authorized to perform: waf:GetLoggingConfiguration"}"#,
        )
    });
    let collector = collector_with(|c, sdk| mocked!(c, sdk, waf, aws_sdk_waf, &[&denied])).await;
    let mut acl = classic_acl_item();
    collect(&collector, &mut acl, &[EvidenceKind::WafClassicLogging]).await;
    assert_eq!(
        evidence_error(&acl, EvidenceKind::WafClassicLogging).code,
        "AccessDeniedException"
    );
    assert_insufficient(&acl, "WAF.1");
}

#[tokio::test]
async fn evidence_for_the_wrong_resource_type_is_refused() {
    let moto = Moto::start();
    let collector = collector(&moto).await;
    let mut acl = classic_acl_item();
    collect(&collector, &mut acl, &[EvidenceKind::DynamoDbAutoScaling]).await;
    assert_eq!(
        evidence_error(&acl, EvidenceKind::DynamoDbAutoScaling).code,
        "InvalidSubject"
    );
}
