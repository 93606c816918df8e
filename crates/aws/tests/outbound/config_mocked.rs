//! AWS Config answers moto cannot give to the Rust SDK: Config reads (moto's timestamps are
//! refused by the SDK), `FailedEvaluations`, throttling and AccessDenied. Item bodies are the
//! core's API-shape fixtures (`configuration` and supplementary values as JSON strings, times as
//! epoch seconds), which follow the Config API reference's examples.

use crate::support::*;
use aws_sdk_config::Client;
use aws_smithy_mocks::mock;
use serde_json::{Value, json};
use sidewatch_aws::{ConfigItems, ConfigReporter, RetryPolicy};
use sidewatch_core::ComplianceType;
use sidewatch_core::ConfigurationItem;
use sidewatch_core::doors::evaluations::ConfigEvaluation;
use sidewatch_core::ports::{EvaluationsSink, FailureKind, ItemSource, ResourceKey};
use std::sync::{Arc, Mutex};
use time::macros::datetime;

const BUCKET_FIXTURE: &str =
    include_str!("../../../core/src/controls/s3/fixtures/S3.14/pass-versioning-enabled.json");

fn bucket_fixture() -> Value {
    serde_json::from_str(BUCKET_FIXTURE).unwrap()
}

fn key(resource_type: &str, id: &str) -> ResourceKey {
    ResourceKey {
        resource_type: resource_type.into(),
        resource_id: id.into(),
    }
}

fn evaluations(n: usize) -> Vec<ConfigEvaluation> {
    (0..n)
        .map(|i| ConfigEvaluation {
            compliance_resource_type: "AWS::S3::Bucket".into(),
            compliance_resource_id: format!("bucket-{i}"),
            compliance_type: if i % 2 == 0 {
                ComplianceType::Compliant
            } else {
                ComplianceType::NonCompliant
            },
            annotation: format!("S3.8 evaluated bucket-{i}"),
            ordering_timestamp: datetime!(2024-06-03 06:00 UTC),
        })
        .collect()
}

fn failed_evaluations(ids: &[&str]) -> String {
    let failed: Vec<Value> = ids
        .iter()
        .map(|id| {
            json!({"ComplianceResourceType": "AWS::S3::Bucket", "ComplianceResourceId": id,
                   "ComplianceType": "NON_COMPLIANT", "Annotation": "x",
                   "OrderingTimestamp": 1_717_394_400.0})
        })
        .collect();
    json!({ "FailedEvaluations": failed }).to_string()
}

/// The resource ids of every `PutEvaluations` request, in order.
type Sent = Arc<Mutex<Vec<Vec<String>>>>;

/// A `PutEvaluations` rule answering `(status, body)` in turn, the last one repeatedly.
fn put_rule(answers: Vec<(u16, String)>) -> (aws_smithy_mocks::Rule, Sent) {
    let sent: Sent = Arc::default();
    let seen = sent.clone();
    let mut sequence = mock!(Client::put_evaluations)
        .match_requests(move |input| {
            assert_eq!(input.result_token(), Some("token-1"));
            assert_eq!(input.test_mode(), Some(false));
            seen.lock().unwrap().push(
                input
                    .evaluations()
                    .iter()
                    .map(|e| e.compliance_resource_id().to_owned())
                    .collect(),
            );
            true
        })
        .sequence();
    for (status, body) in answers {
        sequence = sequence.http_response(move || response(status, JSON_1_1, &body));
    }
    (sequence.repeatedly().build(), sent)
}

fn ok(body: &str) -> (u16, String) {
    (200, body.to_owned())
}

fn error(code: &str, message: &str) -> (u16, String) {
    (400, config_error_body(code, message))
}

fn reporter(client: &Client) -> ConfigReporter {
    ConfigReporter::new(client).with_retry_policy(RetryPolicy::fast(3))
}

#[tokio::test]
async fn failed_evaluations_are_resent_then_reported() {
    // bucket-1 fails once then goes through; bucket-3 fails every time.
    let (rule, sent) = put_rule(vec![
        ok(&failed_evaluations(&["bucket-1", "bucket-3"])),
        ok(&failed_evaluations(&["bucket-3"])),
    ]);
    let client = config(&[&rule]).await;
    let delivery = reporter(&client)
        .put_evaluations("token-1", evaluations(5), false)
        .await
        .unwrap();
    assert_eq!(delivery.delivered, 4);
    assert_eq!(delivery.failed.len(), 1);
    assert_eq!(delivery.failed[0].id, "AWS::S3::Bucket/bucket-3");
    assert_eq!(delivery.failed[0].code, "FailedEvaluation");
    let sent = sent.lock().unwrap();
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[1], ["bucket-1", "bucket-3"]);
    assert_eq!(sent[2], ["bucket-3"]);
}

#[tokio::test]
async fn evaluations_go_in_calls_of_at_most_100() {
    let (rule, sent) = put_rule(vec![ok(r#"{"FailedEvaluations":[]}"#)]);
    let client = config(&[&rule]).await;
    let delivery = reporter(&client)
        .put_evaluations("token-1", evaluations(230), false)
        .await
        .unwrap();
    assert_eq!(delivery.delivered, 230);
    let sizes: Vec<usize> = sent.lock().unwrap().iter().map(Vec::len).collect();
    assert_eq!(sizes, [100, 100, 30]);
}

#[tokio::test]
async fn put_evaluations_throttling_is_retried_and_access_denied_is_not() {
    let (rule, sent) = put_rule(vec![
        error("ThrottlingException", "Rate exceeded"),
        ok("{}"),
    ]);
    let client = config(&[&rule]).await;
    let delivery = reporter(&client)
        .put_evaluations("token-1", evaluations(3), false)
        .await
        .unwrap();
    assert_eq!(delivery.delivered, 3);
    assert_eq!(sent.lock().unwrap().len(), 2);

    let (rule, sent) = put_rule(vec![error(
        "AccessDeniedException",
        "User is not authorized to perform: config:PutEvaluations",
    )]);
    let client = config(&[&rule]).await;
    let error = reporter(&client)
        .put_evaluations("token-1", evaluations(3), false)
        .await
        .unwrap_err();
    assert_eq!(error.kind, FailureKind::AccessDenied);
    assert_eq!(error.operation, "config:PutEvaluations");
    assert_eq!(sent.lock().unwrap().len(), 1, "not retried");
}

#[tokio::test]
async fn a_missing_result_token_is_refused_before_any_call() {
    let (rule, sent) = put_rule(vec![ok("{}")]);
    let client = config(&[&rule]).await;
    let error = reporter(&client)
        .put_evaluations(" ", evaluations(1), false)
        .await
        .unwrap_err();
    assert_eq!(error.kind, FailureKind::Invalid);
    assert!(sent.lock().unwrap().is_empty());
}

#[tokio::test]
async fn the_latest_item_is_parsed_by_the_core() {
    let body = json!({ "configurationItems": [bucket_fixture()] }).to_string();
    let rule = mock!(Client::get_resource_config_history)
        .match_requests(|input| {
            input.limit() == Some(1)
                && input.resource_id() == Some("example-app-data")
                && input.resource_type().map(|t| t.as_str()) == Some("AWS::S3::Bucket")
        })
        .then_http_response(move || config_ok(&body));
    let missing = mock!(Client::get_resource_config_history)
        .match_requests(|input| input.resource_id() == Some("gone"))
        .then_http_response(|| {
            config_error(
                400,
                "ResourceNotDiscoveredException",
                "Resource gone of resourceType:AWS::S3::Bucket is unknown or has not been discovered",
            )
        });
    let items =
        ConfigItems::new(&config(&[&rule, &missing]).await).with_retry_policy(RetryPolicy::fast(3));

    let item = items
        .latest_item(&key("AWS::S3::Bucket", "example-app-data"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        item,
        ConfigurationItem::from_value(bucket_fixture()).unwrap()
    );
    assert_eq!(item.capture_time.as_deref(), Some("2024-06-01T10:00:00Z"));
    assert_eq!(
        item.supplementary["BucketVersioningConfiguration"]["status"],
        "Enabled"
    );
    assert!(
        items
            .latest_item(&key("AWS::S3::Bucket", "gone"))
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn batch_get_returns_items_and_unprocessed_keys() {
    let mut base = bucket_fixture();
    // BatchGetResourceConfig's BaseConfigurationItem carries no tags or relationships.
    for field in [
        "tags",
        "relatedEvents",
        "relationships",
        "configurationItemMD5Hash",
    ] {
        base.as_object_mut().unwrap().remove(field);
    }
    let body = json!({
        "baseConfigurationItems": [base],
        "unprocessedResourceKeys": [{"resourceType": "AWS::S3::Bucket", "resourceId": "later-bucket"}]
    })
    .to_string();
    let rule = mock!(Client::batch_get_resource_config)
        .match_requests(|input| input.resource_keys().len() == 3)
        .then_http_response(move || config_ok(&body));
    let items = ConfigItems::new(&config(&[&rule]).await).with_retry_policy(RetryPolicy::fast(3));
    let batch = items
        .batch_items(&[
            key("AWS::S3::Bucket", "example-app-data"),
            key("AWS::S3::Bucket", "later-bucket"),
            key("AWS::S3::Bucket", "deleted-bucket"),
        ])
        .await
        .unwrap();
    assert_eq!(batch.items.len(), 1);
    assert_eq!(batch.items[0].resource_id, "example-app-data");
    assert_eq!(batch.items[0].configuration["name"], "example-app-data");
    assert_eq!(batch.unprocessed, [key("AWS::S3::Bucket", "later-bucket")]);
}

#[tokio::test]
async fn listing_follows_next_tokens_and_skips_deleted_resources() {
    let first = mock!(Client::list_discovered_resources)
        .match_requests(|input| input.next_token().is_none())
        .then_http_response(|| {
            config_ok(
                r#"{"resourceIdentifiers":[
                    {"resourceType":"AWS::S3::Bucket","resourceId":"bucket-a","resourceName":"bucket-a"},
                    {"resourceType":"AWS::S3::Bucket","resourceId":"bucket-old","resourceName":"bucket-old","resourceDeletionTime":1717000000.0}
                ],"nextToken":"page-2"}"#,
            )
        });
    let second = mock!(Client::list_discovered_resources)
        .match_requests(|input| input.next_token() == Some("page-2"))
        .then_http_response(|| {
            config_ok(
                r#"{"resourceIdentifiers":[
                    {"resourceType":"AWS::S3::Bucket","resourceId":"bucket-b","resourceName":"bucket-b"}]}"#,
            )
        });
    let items =
        ConfigItems::new(&config(&[&first, &second]).await).with_retry_policy(RetryPolicy::fast(3));
    let keys = items.list_resources("AWS::S3::Bucket").await.unwrap();
    assert_eq!(
        keys,
        [
            key("AWS::S3::Bucket", "bucket-a"),
            key("AWS::S3::Bucket", "bucket-b")
        ]
    );
    assert_eq!(first.num_calls(), 1);
    assert_eq!(second.num_calls(), 1);
}

#[tokio::test]
async fn config_reads_map_access_denied() {
    let rule = mock!(Client::list_discovered_resources).then_http_response(|| {
        config_error(
            400,
            "AccessDeniedException",
            "User is not authorized to perform: config:ListDiscoveredResources",
        )
    });
    let items = ConfigItems::new(&config(&[&rule]).await).with_retry_policy(RetryPolicy::fast(3));
    let error = items.list_resources("AWS::S3::Bucket").await.unwrap_err();
    assert_eq!(error.kind, FailureKind::AccessDenied);
    assert_eq!(error.operation, "config:ListDiscoveredResources");
    assert_eq!(rule.num_calls(), 1);
}
