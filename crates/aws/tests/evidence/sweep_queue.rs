//! The sweep queue sender against moto's SQS, and against mocks for the failures moto cannot
//! produce (entries failed on the service's side, then accepted).

use super::support::{Moto, REGION, fake_credentials, sdk_config};
use aws_sdk_sqs::operation::send_message_batch::SendMessageBatchOutput;
use aws_sdk_sqs::types::{BatchResultErrorEntry, SendMessageBatchResultEntry};
use aws_smithy_mocks::{MockResponseInterceptor, RuleMode, create_mock_http_client, mock};
use sidewatch_aws::ClientOptions;
use sidewatch_aws::SqsSweepQueue;
use std::time::Duration;

fn entries(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| (format!("m{i}"), format!("{{\"n\":{i}}}")))
        .collect()
}

#[tokio::test]
async fn messages_reach_the_queue_in_batches_of_ten() {
    let moto = Moto::start();
    let client = aws_sdk_sqs::Client::new(&sdk_config(&moto).await);
    let url = client
        .create_queue()
        .queue_name("sidewatch-sweep")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let queue = SqsSweepQueue::new(client.clone(), &url);
    let delivery = queue.send_batch(entries(13)).await.unwrap();
    assert_eq!(delivery.delivered, 13);
    assert!(delivery.failed.is_empty());
    let mut bodies = Vec::new();
    for _ in 0..10 {
        let out = client
            .receive_message()
            .queue_url(&url)
            .max_number_of_messages(10)
            .send()
            .await
            .unwrap();
        bodies.extend(
            out.messages()
                .iter()
                .filter_map(|m| m.body().map(str::to_owned)),
        );
        if bodies.len() >= 13 {
            break;
        }
    }
    bodies.sort();
    assert_eq!(bodies.len(), 13);
    assert!(bodies.contains(&"{\"n\":12}".to_owned()));
}

#[tokio::test]
async fn a_missing_queue_is_a_clear_error() {
    let moto = Moto::start();
    let client = aws_sdk_sqs::Client::new(&sdk_config(&moto).await);
    let queue = SqsSweepQueue::new(
        client,
        format!("{}/123456789012/no-such-queue", moto.endpoint),
    );
    let err = queue.send_batch(entries(1)).await.unwrap_err();
    assert_eq!(err.operation, "sqs:SendMessageBatch");
    assert!(!err.is_retryable(), "{err}");
}

fn ok(id: &str) -> SendMessageBatchResultEntry {
    SendMessageBatchResultEntry::builder()
        .id(id)
        .message_id(format!("msg-{id}"))
        .md5_of_message_body("d41d8cd98f00b204e9800998ecf8427e")
        .build()
        .unwrap()
}

fn failed(id: &str, sender_fault: bool) -> BatchResultErrorEntry {
    BatchResultErrorEntry::builder()
        .id(id)
        .sender_fault(sender_fault)
        .code(if sender_fault {
            "InvalidMessageContents"
        } else {
            "InternalError"
        })
        .message("as documented for SendMessageBatch")
        .build()
        .unwrap()
}

#[tokio::test]
async fn service_side_failures_are_retried_and_sender_faults_reported() {
    let first = mock!(aws_sdk_sqs::Client::send_message_batch)
        .sequence()
        .output(|| {
            SendMessageBatchOutput::builder()
                .successful(ok("m0"))
                .failed(failed("m1", false))
                .failed(failed("m2", true))
                .build()
                .unwrap()
        })
        .output(|| {
            SendMessageBatchOutput::builder()
                .successful(ok("m1"))
                .set_failed(Some(Vec::new()))
                .build()
                .unwrap()
        })
        .build();
    let sdk = ClientOptions {
        region: Some(REGION.into()),
        ..ClientOptions::default()
    }
    .config_loader()
    .credentials_provider(fake_credentials())
    .http_client(create_mock_http_client())
    .load()
    .await;
    let client = aws_sdk_sqs::Client::from_conf(
        aws_sdk_sqs::config::Builder::from(&sdk)
            .interceptor(
                MockResponseInterceptor::new()
                    .rule_mode(RuleMode::Sequential)
                    .with_rule(&first),
            )
            .build(),
    );
    let mut queue =
        SqsSweepQueue::new(client, "https://sqs.us-east-1.amazonaws.com/123456789012/q");
    queue.initial_backoff = Duration::from_millis(1);
    let delivery = queue.send_batch(entries(3)).await.unwrap();
    assert_eq!(delivery.delivered, 2);
    assert_eq!(delivery.failed.len(), 1);
    assert_eq!(delivery.failed[0].id, "m2");
    assert_eq!(delivery.failed[0].code, "InvalidMessageContents");
    assert_eq!(first.num_calls(), 2);
}
