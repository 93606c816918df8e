//! End to end: the real Lambda binaries behind `cargo lambda watch`'s Lambda Runtime API on
//! 127.0.0.1, talking to a private moto_server with the real AWS SDK. The test plays AWS Config
//! and EventBridge: it sends the checked-in event files, rewritten for a bucket it created in
//! moto, and reads the findings back with `GetFindings`.
//!
//! Needs `cargo-lambda` (`$SIDEWATCH_CARGO_LAMBDA`, else on `PATH`) and moto
//! (`$SIDEWATCH_MOTO_SERVER`): `scripts/test.sh` provides both from `.venv`.

mod custom_rules;
mod enforced;
#[path = "../support/moto_iam.rs"]
mod moto_iam;
mod watch;

use serde_json::{Value, json};
use sidewatch_testkit::{ACCOUNT, Moto, REGION};
use std::path::{Path, PathBuf};
use watch::Watch;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture(path: &str) -> Value {
    let text = std::fs::read_to_string(repo().join("tests/fixtures/events").join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// The item of a Config rule fixture moved to `bucket` in moto's account and Region.
fn retarget_item(item: &mut Value, bucket: &str) {
    item["resourceId"] = json!(bucket);
    item["resourceName"] = json!(bucket);
    item["ARN"] = json!(format!("arn:aws:s3:::{bucket}"));
    item["awsAccountId"] = json!(ACCOUNT);
    item["awsRegion"] = json!(REGION);
    item["configuration"]["name"] = json!(bucket);
}

/// A Config rule event of `path` for `bucket`, only S3.8, with the `TESTMODE` token (moto's
/// PutEvaluations needs `TestMode`).
fn rule_event(path: &str, bucket: &str) -> Value {
    let mut event = fixture(path);
    let mut invoking: Value =
        serde_json::from_str(event["invokingEvent"].as_str().unwrap()).unwrap();
    retarget_item(&mut invoking["configurationItem"], bucket);
    event["invokingEvent"] = json!(invoking.to_string());
    event["ruleParameters"] = json!(json!({"controls": "S3.8"}).to_string());
    event["resultToken"] = json!("TESTMODE");
    event["accountId"] = json!(ACCOUNT);
    event["configRuleArn"] = json!(format!(
        "arn:aws:config:{REGION}:{ACCOUNT}:config-rule/config-rule-7hq2mx"
    ));
    event
}

/// The EventBridge Config change of the public bucket, for `bucket`.
fn change_event(bucket: &str) -> Value {
    let mut event = fixture("eventbridge/config-item-change-s3-bucket.json");
    retarget_item(&mut event["detail"]["configurationItem"], bucket);
    event["account"] = json!(ACCOUNT);
    event["region"] = json!(REGION);
    event["resources"] = json!([format!("arn:aws:s3:::{bucket}")]);
    event
}

/// sidewatch's S3.8 finding of `bucket` in moto: (Id, Compliance.Status, RecordState, Source).
async fn s3_8_finding(
    client: &aws_sdk_securityhub::Client,
    bucket: &str,
) -> Option<(String, String, String, String)> {
    let arn = format!("arn:aws:s3:::{bucket}");
    let out = client.get_findings().max_results(100).send().await.unwrap();
    out.findings()
        .iter()
        .find(|f| {
            f.generator_id() == Some("sidewatch/S3.8")
                && f.resources().first().and_then(|r| r.id()) == Some(arn.as_str())
        })
        .map(|f| {
            (
                f.id().unwrap_or_default().to_owned(),
                f.compliance()
                    .and_then(|c| c.status())
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                f.record_state()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                f.product_fields()
                    .and_then(|p| p.get("sidewatch/Source"))
                    .cloned()
                    .unwrap_or_default(),
            )
        })
}

/// The S3.8 finding of a public `bucket` through its life, each step checked in moto's Security
/// Hub (read with `securityhub`): FAILED through the config-rule function, PASSED on the same Id
/// once fixed, FAILED again through the events function, ARCHIVED when deleted. Returns its Id.
async fn bucket_lifecycle(
    watch: &Watch,
    securityhub: &aws_sdk_securityhub::Client,
    bucket: &str,
) -> String {
    // AWS Config: the bucket's public access block allows public policies.
    let (status, body) = watch.invoke(
        "sidewatch-config-rule",
        &rule_event("config-rule/change-s3-bucket.json", bucket),
    );
    assert_eq!(status, 200, "{body}\n{}", watch.log());
    let (failed_id, status, state, source) = s3_8_finding(securityhub, bucket)
        .await
        .expect("a FAILED S3.8 finding");
    assert_eq!((status.as_str(), state.as_str()), ("FAILED", "ACTIVE"));
    assert_eq!(source, "config-rule");

    // Fixed.
    let (status, body) = watch.invoke(
        "sidewatch-config-rule",
        &rule_event("config-rule/change-s3-bucket-fixed.json", bucket),
    );
    assert_eq!(status, 200, "{body}\n{}", watch.log());
    let (passed_id, status, _, _) = s3_8_finding(securityhub, bucket).await.unwrap();
    assert_eq!(status, "PASSED");
    assert_eq!(passed_id, failed_id, "the same finding Id");

    // EventBridge: the public configuration again, through the events function.
    let (status, body) = watch.invoke("sidewatch-events", &change_event(bucket));
    assert_eq!(status, 200, "{body}\n{}", watch.log());
    let (id, status, _, source) = s3_8_finding(securityhub, bucket).await.unwrap();
    assert_eq!(
        (id.as_str(), status.as_str()),
        (failed_id.as_str(), "FAILED")
    );
    assert_eq!(source, "event");

    // Deleted: archived.
    let (status, body) = watch.invoke(
        "sidewatch-config-rule",
        &rule_event("config-rule/deleted-s3-bucket.json", bucket),
    );
    assert_eq!(status, 200, "{body}\n{}", watch.log());
    let (id, _, state, _) = s3_8_finding(securityhub, bucket).await.unwrap();
    assert_eq!(
        (id.as_str(), state.as_str()),
        (failed_id.as_str(), "ARCHIVED")
    );
    failed_id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_bucket_fails_then_passes_on_the_same_finding() {
    let moto = Moto::start();
    let bucket = "sidewatch-e2e-uploads";
    moto.create_bucket(bucket);
    let securityhub = aws_sdk_securityhub::Client::new(&moto.sdk_config().await);

    let watch = Watch::start(&moto, &["sidewatch-config-rule", "sidewatch-events"]);
    bucket_lifecycle(&watch, &securityhub, bucket).await;

    // A malformed event is an error (HTTP 500 from the emulator), not a crash.
    // Its errorType is the failure class, its message says what to do, no Rust type names.
    let (status, body) = watch.invoke("sidewatch-config-rule", &json!({"invokingEvent": "{"}));
    assert_eq!(status, 500);
    let error: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert_eq!(error["errorType"], "InvalidEvent", "{body}");
    let message = error["errorMessage"].as_str().unwrap_or_default();
    assert!(message.contains("invokingEvent"), "{body}");
    assert!(
        !body.contains("alloc::") && !body.contains("Box<"),
        "{body}"
    );
    let (status, body) = watch.invoke(
        "sidewatch-config-rule",
        &rule_event("config-rule/change-s3-bucket.json", bucket),
    );
    assert_eq!(status, 200, "the function still serves: {body}");
    // A rule event of another account is answered, with nothing read or written.
    let mut foreign = rule_event("config-rule/change-s3-bucket.json", bucket);
    foreign["accountId"] = json!("999988887777");
    let (status, body) = watch.invoke("sidewatch-config-rule", &foreign);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"foreignAccountRefusals\":1"), "{body}");

    // Every invocation wrote its EMF line.
    let emf: Vec<_> = watch
        .lines("sidewatch-config-rule")
        .into_iter()
        .filter(|l| l.get("_aws").is_some())
        .collect();
    assert_eq!(emf.len(), 6, "{}", watch.log());
    assert_eq!(emf[0]["Function"], "config-rule");
    assert_eq!(emf[2]["FindingsArchived"], 1, "the deleted bucket");
    assert_eq!(emf[3]["Failures"], 1, "the malformed event");
    assert_eq!(emf[4]["Failures"], 0);
    assert_eq!(emf[5]["ForeignAccountRefusals"], 1);
    assert_eq!(emf[5]["Evaluations"], 0);
}

/// The recorded CloudTrail `DisableEbsEncryptionByDefault` call (EventBridge "AWS API Call via
/// CloudTrail"), moved to moto's account and Region. An account-level call: the function reads
/// the evidence afresh (moto's Config reads cannot be parsed by the Rust SDK, see moto-notes).
fn disable_ebs_default_encryption_call() -> Value {
    let mut event = fixture("eventbridge/cloudtrail-disable-ebs-encryption-by-default.json");
    event["account"] = json!(ACCOUNT);
    event["region"] = json!(REGION);
    event["detail"]["awsRegion"] = json!(REGION);
    event["detail"]["recipientAccountId"] = json!(ACCOUNT);
    event
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cloudtrail_call_names_its_caller_on_the_findings_in_security_hub() {
    let moto = Moto::start();
    let securityhub = aws_sdk_securityhub::Client::new(&moto.sdk_config().await);
    let watch = Watch::start(&moto, &["sidewatch-events"]);

    let (status, body) = watch.invoke("sidewatch-events", &disable_ebs_default_encryption_call());
    assert_eq!(status, 200, "{body}\n{}", watch.log());
    let out = securityhub
        .get_findings()
        .max_results(100)
        .send()
        .await
        .unwrap();
    let ec2_7 = out
        .findings()
        .iter()
        .find(|f| f.generator_id() == Some("sidewatch/EC2.7"))
        .unwrap_or_else(|| panic!("no EC2.7 finding\n{}", watch.log()));
    assert_eq!(
        ec2_7
            .compliance()
            .and_then(|c| c.status())
            .map(|s| s.as_str()),
        Some("FAILED"),
        "moto's account has EBS encryption by default off"
    );
    let fields = ec2_7.product_fields().unwrap();
    assert_eq!(
        fields["sidewatch/ChangedBy"],
        "arn:aws:sts::123456789012:assumed-role/OpsAdmin/jane.doe"
    );
    assert_eq!(
        fields["sidewatch/ChangeEventId"],
        "0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d"
    );
    let action = ec2_7.action().expect("Action");
    assert_eq!(action.action_type(), Some("AWS_API_CALL"));
    let call = action.aws_api_call_action().unwrap();
    assert_eq!(call.api(), Some("DisableEbsEncryptionByDefault"));
    assert_eq!(call.service_name(), Some("ec2.amazonaws.com"));
    assert_eq!(call.caller_type(), Some("remoteip"));
    assert_eq!(
        call.remote_ip_details().and_then(|ip| ip.ip_address_v4()),
        Some("203.0.113.24")
    );
    assert_eq!(call.first_seen(), Some("2024-06-03T15:10:21Z"));
    assert!(
        watch.log().contains("changed by"),
        "the function logs who made the change"
    );
}
