//! Who made a change: `LookupEvents` by event id, answered by `aws-smithy-mocks` (moto does not
//! implement LookupEvents). Bodies are shaped like the example in the CloudTrail API reference:
//! `Events[]` with `EventId`, `EventName`, `EventSource`, `EventTime` (epoch seconds),
//! `Username`, `Resources` and the record itself as JSON text in `CloudTrailEvent`.

use crate::mocked::{JSON_1_1, mock_sdk, response};
use aws_smithy_mocks::mock;
use serde_json::json;
use sidewatch_aws::{CloudTrailChanges, RetryPolicy};
use sidewatch_core::ports::{ChangeSource, FailureKind};

const EVENT_ID: &str = "6c9a3f3e-8d2b-4f45-9a57-0123456789ab";

fn record() -> String {
    json!({
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLEID:jdoe",
            "arn": "arn:aws:sts::123456789012:assumed-role/Admin/jdoe",
            "accountId": "123456789012",
            "sessionContext": {"sessionIssuer": {"type": "Role",
                "arn": "arn:aws:iam::123456789012:role/Admin", "userName": "Admin"}}
        },
        "eventTime": "2026-12-06T10:00:00Z",
        "eventSource": "s3.amazonaws.com",
        "eventName": "PutBucketPolicy",
        "awsRegion": "eu-west-1",
        "sourceIPAddress": "203.0.113.7",
        "userAgent": "aws-cli/2.15.0",
        "requestParameters": {"bucketName": "example-bucket"},
        "eventID": EVENT_ID,
        "readOnly": false,
        "eventType": "AwsApiCall",
        "recipientAccountId": "123456789012"
    })
    .to_string()
}

fn found() -> aws_smithy_runtime_api::client::orchestrator::HttpResponse {
    let body = json!({"Events": [{
        "EventId": EVENT_ID,
        "EventName": "PutBucketPolicy",
        "ReadOnly": "false",
        "AccessKeyId": "ASIAEXAMPLE",
        "EventTime": 1.7654148E9,
        "EventSource": "s3.amazonaws.com",
        "Username": "jdoe",
        "Resources": [{"ResourceType": "AWS::S3::Bucket", "ResourceName": "example-bucket"}],
        "CloudTrailEvent": record()
    }]});
    response(200, JSON_1_1, &body.to_string())
}

fn error(
    status: u16,
    code: &str,
    message: &str,
) -> aws_smithy_runtime_api::client::orchestrator::HttpResponse {
    response(
        status,
        JSON_1_1,
        &json!({"__type": code, "message": message}).to_string(),
    )
}

async fn changes(rules: &[&aws_smithy_mocks::Rule]) -> CloudTrailChanges {
    let sdk = mock_sdk().await;
    let client = aws_sdk_cloudtrail::Client::from_conf(
        aws_sdk_cloudtrail::config::Builder::from(&sdk)
            .interceptor(crate::mocked::interceptor(rules))
            .build(),
    );
    CloudTrailChanges::new(&client).with_retry_policy(RetryPolicy::fast(3))
}

#[tokio::test]
async fn an_event_id_gives_its_caller() {
    let lookup = mock!(aws_sdk_cloudtrail::Client::lookup_events)
        .match_requests(|r| {
            r.max_results() == Some(1)
                && r.lookup_attributes().len() == 1
                && r.lookup_attributes()[0].attribute_value() == EVENT_ID
        })
        .then_http_response(found);
    let actor = changes(&[&lookup])
        .await
        .change(EVENT_ID)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        actor.principal_arn.as_deref(),
        Some("arn:aws:sts::123456789012:assumed-role/Admin/jdoe")
    );
    assert_eq!(actor.event_name, "PutBucketPolicy");
    assert_eq!(actor.source_ip_address.as_deref(), Some("203.0.113.7"));
    assert_eq!(actor.event_id.as_deref(), Some(EVENT_ID));
    assert_eq!(lookup.num_calls(), 1);
}

#[tokio::test]
async fn cloudtrail_without_the_event_gives_nobody() {
    let empty = mock!(aws_sdk_cloudtrail::Client::lookup_events)
        .then_http_response(|| response(200, JSON_1_1, r#"{"Events": []}"#));
    assert_eq!(
        changes(&[&empty]).await.change(EVENT_ID).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn throttling_is_retried_and_access_denied_is_not() {
    let throttled_then_found = mock!(aws_sdk_cloudtrail::Client::lookup_events)
        .sequence()
        .http_response(|| error(400, "ThrottlingException", "Rate exceeded"))
        .times(2)
        .http_response(found)
        .build();
    let actor = changes(&[&throttled_then_found])
        .await
        .change(EVENT_ID)
        .await
        .unwrap();
    assert!(actor.is_some());
    assert_eq!(throttled_then_found.num_calls(), 3);

    let denied = mock!(aws_sdk_cloudtrail::Client::lookup_events).then_http_response(|| {
        error(
            400,
            "AccessDeniedException",
            "User is not authorized to perform: cloudtrail:LookupEvents",
        )
    });
    let err = changes(&[&denied])
        .await
        .change(EVENT_ID)
        .await
        .unwrap_err();
    assert_eq!(err.kind, FailureKind::AccessDenied);
    assert_eq!(denied.num_calls(), 1);
}

#[tokio::test]
async fn a_record_that_is_not_json_is_an_error_naming_the_event() {
    let garbage = mock!(aws_sdk_cloudtrail::Client::lookup_events).then_http_response(|| {
        response(
            200,
            JSON_1_1,
            &json!({"Events": [{"EventId": EVENT_ID, "CloudTrailEvent": "{not json"}]}).to_string(),
        )
    });
    let err = changes(&[&garbage])
        .await
        .change(EVENT_ID)
        .await
        .unwrap_err();
    assert!(err.to_string().contains(EVENT_ID), "{err}");
}
