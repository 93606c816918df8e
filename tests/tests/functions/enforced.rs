//! Least privilege over the functions' own paths: the same end-to-end run as
//! `public_bucket_fails_then_passes_on_the_same_finding`, but moto enforces IAM and each function
//! binary signs as an IAM user holding exactly the policy `template.yaml` gives its role
//! (`moto_iam::role_policy`, told to moto as `moto_iam::moto_view` says). Every step must succeed
//! and moto must have refused nothing; removing `securityhub:BatchImportFindings` from the
//! config-rule function's policy must make its invocation fail with the import refused. The
//! sweep runs its scheduled listing and one queue message the same way.
//!
//! The calls on these paths and what moto 5.2.5 judges (measured): Security Hub
//! BatchImportFindings / GetFindings, Config PutEvaluations / DescribeConfigurationRecorders /
//! ListDiscoveredResources, CloudTrail DescribeTrails (the events function's S3.22 / S3.23
//! evidence), S3 Control GetPublicAccessBlock (its S3.2 / S3.3 evidence), SQS SendMessageBatch:
//! all enforced (`support/moto_iam.rs` says how moto names some of them).

use super::moto_iam::{EnforcedMoto, moto_view, role_policy, without};
use super::watch::Watch;
use super::{bucket_lifecycle, fixture, rule_event};
use aws_sdk_config::types::{ConfigurationRecorder, DeliveryChannel, RecordingGroup, ResourceType};
use serde_json::{Value, json};
use sidewatch_aws::AwsClients;
use sidewatch_aws::remediate::RemediationClients;
use sidewatch_testkit::{ACCOUNT, REGION};

const BUCKET: &str = "sidewatch-e2e-uploads";

/// The bucket of the scenario, created by the administrator.
async fn seed_bucket(moto: &EnforcedMoto) {
    let admin = RemediationClients::new(&moto.admin_config().await, ACCOUNT);
    admin
        .s3
        .create_bucket()
        .bucket(BUCKET)
        .send()
        .await
        .unwrap();
}

/// An IAM user holding exactly `role`'s policy (without `removed`), and the function's
/// environment signing as it.
async fn function_env(
    moto: &EnforcedMoto,
    function: &str,
    role: &str,
    removed: Option<&str>,
) -> Vec<(&'static str, String)> {
    let mut policy = role_policy(role, &[]);
    if let Some(action) = removed {
        policy = without(&policy, action);
    }
    let credentials = moto.user(function, &moto_view(&policy)).await;
    moto.env(&credentials)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_rule_and_events_run_with_exactly_their_roles() {
    let moto = EnforcedMoto::start().await;
    seed_bucket(&moto).await;
    let rule_env = function_env(&moto, "sidewatch-config-rule", "ConfigRuleRole", None).await;
    let events_env = function_env(&moto, "sidewatch-events", "EventsRole", None).await;
    let watch = Watch::start_with_env(&[
        ("sidewatch-config-rule", rule_env),
        ("sidewatch-events", events_env),
    ]);
    let securityhub = aws_sdk_securityhub::Client::new(&moto.admin_config().await);

    bucket_lifecycle(&watch, &securityhub, BUCKET).await;

    assert_eq!(
        moto.denials(),
        Vec::<String>::new(),
        "moto refused calls of the functions\n{}",
        watch.log()
    );
    // The functions did call moto with their own keys (a run that called nothing proves nothing).
    let imported = |function: &str| -> u64 {
        watch
            .lines(function)
            .iter()
            .filter_map(|l| l["FindingsImported"].as_u64())
            .sum()
    };
    assert_eq!(imported("sidewatch-config-rule"), 3, "{}", watch.log());
    assert!(imported("sidewatch-events") > 0, "{}", watch.log());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_rule_without_batch_import_findings_is_refused() {
    let moto = EnforcedMoto::start().await;
    seed_bucket(&moto).await;
    let rule_env = function_env(
        &moto,
        "sidewatch-config-rule",
        "ConfigRuleRole",
        Some("securityhub:BatchImportFindings"),
    )
    .await;
    let watch = Watch::start_with_env(&[("sidewatch-config-rule", rule_env)]);
    let securityhub = aws_sdk_securityhub::Client::new(&moto.admin_config().await);

    let (status, body) = watch.invoke(
        "sidewatch-config-rule",
        &rule_event("config-rule/change-s3-bucket.json", BUCKET),
    );
    assert_eq!(status, 500, "the invocation fails: {body}\n{}", watch.log());
    assert!(
        body.contains("not imported"),
        "the error names the import: {body}"
    );
    let stored = securityhub.get_findings().send().await.unwrap();
    assert!(stored.findings().is_empty(), "no finding was imported");
    assert_eq!(
        moto.denials(),
        ["POST /findings/import"],
        "only the import was refused (PutEvaluations went through)"
    );
}

/// The sweep's scheduled run: it reads the Config recorder (recording S3 buckets only), lists the
/// recorded buckets through Config, reads sidewatch's findings, and queues one message for the
/// buckets plus one "collect" message per covered type the recorder leaves out; then its queue
/// consumer on the security groups' collect message (the inventory's EC2 reads, the evidence,
/// GetFindings, BatchImportFindings). Not run: the consumer of Config-recorded keys, whose
/// BatchGetResourceConfig answer from moto the Rust SDK cannot read (moto's timestamps).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sweep_schedule_and_collect_run_with_exactly_its_role() {
    let moto = EnforcedMoto::start().await;
    seed_bucket(&moto).await;
    let admin = moto.admin_config().await;
    let config = AwsClients::new(&admin).config;
    config
        .put_configuration_recorder()
        .configuration_recorder(
            ConfigurationRecorder::builder()
                .name("default")
                .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/config-recorder"))
                .recording_group(
                    RecordingGroup::builder()
                        .all_supported(false)
                        .resource_types(ResourceType::Bucket)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    config
        .put_delivery_channel()
        .delivery_channel(
            DeliveryChannel::builder()
                .name("default")
                .s3_bucket_name(BUCKET)
                .build(),
        )
        .send()
        .await
        .unwrap();
    config
        .start_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .unwrap();
    let sqs = aws_sdk_sqs::Client::new(&admin);
    // The template's queue is `SweepQueue` (its ARN is what the role's FanOut statement names).
    let queue_url = sqs
        .create_queue()
        .queue_name("SweepQueue")
        .send()
        .await
        .unwrap()
        .queue_url()
        .unwrap()
        .to_owned();
    let mut env = function_env(&moto, "sidewatch-sweep", "SweepRole", None).await;
    env.push(("SIDEWATCH_SWEEP_QUEUE_URL", queue_url.clone()));
    let watch = Watch::start_with_env(&[("sidewatch-sweep", env)]);

    let mut event = fixture("eventbridge/scheduled.json");
    event["region"] = json!(REGION);
    let (status, body) = watch.invoke("sidewatch-sweep", &event);
    assert_eq!(status, 200, "{body}\n{}", watch.log());
    let answer: Value = serde_json::from_str(&body).unwrap();
    let sent = answer["messages"].as_u64().unwrap_or_default();

    let mut bodies = Vec::new();
    loop {
        let received = sqs
            .receive_message()
            .queue_url(&queue_url)
            .max_number_of_messages(10)
            .send()
            .await
            .unwrap();
        if received.messages().is_empty() {
            break;
        }
        bodies.extend(
            received
                .messages()
                .iter()
                .filter_map(|m| m.body())
                .map(|b| serde_json::from_str::<Value>(b).unwrap()),
        );
    }
    assert_eq!(bodies.len() as u64, sent, "{body}");
    assert!(
        bodies
            .iter()
            .any(|m| m["keys"].to_string().contains(BUCKET)),
        "the recorded bucket is queued: {bodies:?}"
    );
    assert!(
        bodies
            .iter()
            .any(|m| m["collectType"] == "AWS::EC2::SecurityGroup"),
        "an unrecorded type is queued for collection: {bodies:?}"
    );

    // The queue's consumer collects the unrecorded security groups with the inventory (moto's
    // default group), evaluates them and imports their findings.
    let collect = bodies
        .iter()
        .find(|m| m["collectType"] == "AWS::EC2::SecurityGroup")
        .unwrap();
    let batch = json!({"Records": [{
        "messageId": "collect-security-groups",
        "receiptHandle": "handle",
        "body": collect.to_string(),
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "eventSource": "aws:sqs",
        "eventSourceARN": format!("arn:aws:sqs:{REGION}:{ACCOUNT}:SweepQueue"),
        "awsRegion": REGION
    }]});
    let (status, body) = watch.invoke("sidewatch-sweep", &batch);
    assert_eq!(status, 200, "{body}\n{}", watch.log());
    let answer: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        answer["batchItemFailures"],
        json!([]),
        "the message was consumed: {}",
        watch.log()
    );
    let securityhub = aws_sdk_securityhub::Client::new(&admin);
    let stored = securityhub.get_findings().send().await.unwrap();
    assert!(
        stored.findings().iter().any(|f| f
            .resources()
            .iter()
            .any(|r| r.r#type() == Some("AwsEc2SecurityGroup"))),
        "the security groups' findings were imported: {}",
        watch.log()
    );

    assert_eq!(
        moto.denials(),
        Vec::<String>::new(),
        "moto refused calls of the sweep\n{}",
        watch.log()
    );
}
