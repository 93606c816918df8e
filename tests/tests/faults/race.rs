//! Two evaluations of one resource racing: AWS Config notified an older and a newer
//! configuration item, and the invocation of the older one finishes last. Security Hub must end
//! with the newer state.
//!
//! sidewatch relies on Security Hub's documented rule instead of a read before every write (a
//! `GetFindings` per finding would double the calls and still race): a finding's `UpdatedAt`
//! is the item's capture time (`FindingBuilder::observed_at`), and Security Hub ignores an
//! update whose `UpdatedAt` is before the stored one. The emulated Security Hub applies that
//! rule; moto does not (it upserts by `Id` whatever the time), which the last test records.

use crate::emulated::Emulated;
use crate::{Function, RulePorts, rule_event, test_policy};
use sidewatch_aws::{
    AwsClients, CloudTrailChanges, ConfigItems, ConfigReporter, EvidenceCollector,
    SecurityHubPublisher,
};
use sidewatch_lambda::{FixedClock, Ports};
use sidewatch_testkit::Moto;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::datetime;

const BUCKET: &str = "sidewatch-race-uploads";
/// The older item: its public access block allows public policies (S3.8 FAILED).
const OLDER: OffsetDateTime = datetime!(2026-03-02 09:00:00.250 UTC);
/// The newer item, 30 seconds later: fixed (S3.8 PASSED).
const NEWER: OffsetDateTime = datetime!(2026-03-02 09:00:30.500 UTC);
/// When both invocations run: a minute after the newer capture.
const NOW: OffsetDateTime = datetime!(2026-03-02 09:01:30 UTC);

fn only_s3_8(mut event: serde_json::Value) -> serde_json::Value {
    event["ruleParameters"] = serde_json::json!(r#"{"controls":"S3.8"}"#);
    event
}

fn older() -> serde_json::Value {
    only_s3_8(rule_event(
        "config-rule/change-s3-bucket.json",
        BUCKET,
        OLDER,
        &[],
    ))
}

fn newer() -> serde_json::Value {
    only_s3_8(rule_event(
        "config-rule/change-s3-bucket-fixed.json",
        BUCKET,
        NEWER,
        &[],
    ))
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap()
}

/// The config-rule ports with Security Hub and Config from `securityhub` / `config`; S3.8 needs
/// no evidence, no lookup runs (no `relatedEvents`), so the other clients are never called.
fn ports(
    securityhub: &aws_sdk_securityhub::Client,
    config: &aws_sdk_config::Client,
    sdk: &aws_config::SdkConfig,
) -> RulePorts {
    let clients = AwsClients::new(sdk);
    Ports {
        findings: SecurityHubPublisher::new(securityhub).with_retry_policy(test_policy()),
        stored: (),
        evaluations: ConfigReporter::new(config).with_retry_policy(test_policy()),
        items: ConfigItems::new(&clients.config),
        evidence: EvidenceCollector::new(clients.clone()),
        queue: (),
        recorders: (),
        inventory: (),
        changes: CloudTrailChanges::new(&clients.cloudtrail),
        workflow: (),
    }
}

/// The emulated Security Hub and Config, and ports using them.
async fn emulated_world() -> (Emulated, Emulated, RulePorts) {
    let (sh, config) = (Emulated::default(), Emulated::default());
    let sdk = unreachable_sdk().await;
    let ports = ports(&sh.securityhub().await, &config.config().await, &sdk);
    (sh, config, ports)
}

/// An SDK configuration that reaches nothing (no endpoint answers on port 9).
async fn unreachable_sdk() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url("http://127.0.0.1:9")
        .region(aws_config::Region::new(sidewatch_testkit::REGION))
        .credentials_provider(sidewatch_testkit::fake_credentials())
        .load()
        .await
}

/// The one finding the emulated Security Hub holds: (Compliance.Status, UpdatedAt).
fn held(sh: &Emulated) -> (String, String) {
    let held = sh.held();
    assert_eq!(held.len(), 1, "{held:?}");
    let h = held.into_values().next().unwrap();
    (h.status, h.updated_at)
}

#[tokio::test]
async fn the_newer_item_wins_whichever_evaluation_finishes_last() {
    let function = Function::standard();
    let clock = FixedClock(NOW);
    let newer_state = ("PASSED".to_owned(), rfc3339(NEWER));

    // The older item's invocation finishes last.
    let (sh, config, ports) = emulated_world().await;
    function.invoke(&clock, &ports, newer()).await.unwrap();
    function.invoke(&clock, &ports, older()).await.unwrap();
    assert_eq!(held(&sh), newer_state, "an older item replaced a newer one");
    assert_eq!(sh.calls(), 2, "both were sent: Security Hub decides");
    assert_eq!(config.accepted(), 2);

    // In order.
    let (sh, _, ports) = emulated_world().await;
    function.invoke(&clock, &ports, older()).await.unwrap();
    assert_eq!(held(&sh), ("FAILED".to_owned(), rfc3339(OLDER)));
    function.invoke(&clock, &ports, newer()).await.unwrap();
    assert_eq!(held(&sh), newer_state);

    // At once, in whatever order the runtime picks.
    for _ in 0..5 {
        let (sh, _, ports) = emulated_world().await;
        let (a, b) = tokio::join!(
            function.invoke(&clock, &ports, older()),
            function.invoke(&clock, &ports, newer())
        );
        a.unwrap();
        b.unwrap();
        assert_eq!(held(&sh), newer_state);
    }
}

#[tokio::test]
async fn the_finding_time_is_the_capture_time_held_within_a_day_of_the_run() {
    let function = Function::standard();
    // A capture time in the future (a forged or skewed event) is held to the run's time: it
    // cannot freeze the finding against every later update.
    let (sh, _, ports) = emulated_world().await;
    let future = only_s3_8(rule_event(
        "config-rule/change-s3-bucket.json",
        BUCKET,
        NOW + time::Duration::days(400),
        &[],
    ));
    function
        .invoke(&FixedClock(NOW), &ports, future)
        .await
        .unwrap();
    assert_eq!(held(&sh).1, rfc3339(NOW));

    // An item older than a day (a dead-letter queue redriven a week later) counts as observed a
    // day before the run: Security Hub deletes a finding 90 days after its UpdatedAt, so a
    // capture time months old would expire it at once.
    let (sh, _, ports) = emulated_world().await;
    let later = NOW + time::Duration::days(7);
    function
        .invoke(&FixedClock(later), &ports, older())
        .await
        .unwrap();
    assert_eq!(held(&sh).1, rfc3339(later - time::Duration::days(1)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_keeps_the_last_write_even_an_older_one() {
    // moto's BatchImportFindings upserts by Id alone (moto-notes.md): unlike Security Hub it
    // lets the older item's finding replace the newer one. This test records that difference,
    // so the ordering is tested against the emulation above, not against moto.
    let moto = Moto::start();
    let sdk = moto.sdk_config().await;
    let securityhub = aws_sdk_securityhub::Client::new(&sdk);
    let config = aws_sdk_config::Client::new(&sdk);
    let ports = ports(&securityhub, &config, &sdk);
    let function = Function::standard();
    let clock = FixedClock(NOW);
    function.invoke(&clock, &ports, newer()).await.unwrap();
    function.invoke(&clock, &ports, older()).await.unwrap();
    let out = securityhub
        .get_findings()
        .max_results(100)
        .send()
        .await
        .unwrap();
    let finding = out
        .findings()
        .iter()
        .find(|f| f.generator_id() == Some("sidewatch/S3.8"))
        .expect("the S3.8 finding");
    assert_eq!(
        finding
            .compliance()
            .and_then(|c| c.status())
            .map(|s| s.as_str()),
        Some("FAILED"),
        "moto now keeps the newer finding: the emulation and moto-notes.md can say so"
    );
    assert_eq!(finding.updated_at(), Some(rfc3339(OLDER).as_str()));
}
