use super::{World, fixture};
use crate::common::HandlerError;
use crate::events::handle;
use serde_json::{Value, json};
use sidewatch_core::pipeline::{Staleness, guard_stale};
use sidewatch_core::{ConfigurationItem, Engine, EvidenceKind};
use time::macros::datetime;

/// The handler on the fixture `path`.
async fn run(w: &World, path: &str) -> Result<crate::Metrics, crate::HandlerError> {
    crate::events::handle(w.inv(), &w.ports, fixture(path)).await
}

/// The configuration item inside a Config rule fixture.
pub fn item_of(path: &str) -> ConfigurationItem {
    let event = fixture(path);
    let invoking: Value = serde_json::from_str(event["invokingEvent"].as_str().unwrap()).unwrap();
    ConfigurationItem::from_value(invoking["configurationItem"].clone()).unwrap()
}

#[tokio::test]
async fn a_config_item_change_gives_findings_and_no_evaluations() {
    let w = World::new();
    let metrics = run(&w, "eventbridge/config-item-change-s3-bucket.json")
        .await
        .unwrap();
    let f = w.finding("S3.8");
    assert_eq!(f.compliance_status(), "FAILED");
    assert_eq!(f.product_fields["sidewatch/Source"], "event");
    assert!(w.ports.evaluations.all().is_empty());
    assert!(metrics.evaluations > 1 && metrics.findings_imported == metrics.evaluations);
}

#[tokio::test]
async fn an_oversized_config_change_reads_the_latest_item() {
    let w = World::new();
    run(&w, "eventbridge/config-item-oversized.json")
        .await
        .unwrap();
    let asked = w.ports.items.latest_calls.lock().unwrap().clone();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].resource_id, "i-0b9f1e2d3c4a5b6c7");
    assert!(w.none_passed());
}

#[tokio::test]
async fn an_api_call_re_evaluates_the_resource_config_holds() {
    let w = World::new();
    w.ports
        .items
        .put(item_of("config-rule/change-s3-bucket.json"));
    run(&w, "eventbridge/cloudtrail-put-bucket-policy.json")
        .await
        .unwrap();
    let asked = w.ports.items.latest_calls.lock().unwrap().clone();
    assert_eq!(asked[0].resource_id, "example-app-uploads");
    assert_eq!(w.finding("S3.8").compliance_status(), "FAILED");
}

#[tokio::test]
async fn an_item_older_than_the_call_never_passes() {
    let w = World::new();
    // Captured at 15:02, the PutBucketPolicy call came at 15:10: Config has not recorded it yet.
    w.ports
        .items
        .put(item_of("config-rule/change-s3-bucket-fixed.json"));
    run(&w, "eventbridge/cloudtrail-put-bucket-policy.json")
        .await
        .unwrap();
    let f = w.finding("S3.8");
    assert_eq!(f.compliance_status(), "NOT_AVAILABLE");
    assert!(
        f.description.contains("before the PutBucketPolicy call"),
        "{}",
        f.description
    );
    assert!(w.none_passed());
    // Ordered after the call (15:10:21), not at the item's capture (15:02:10.114): it replaces
    // the PASSED finding of that item's own evaluation in Security Hub, and Config's record of
    // the change, captured after the call, replaces it in turn.
    assert_eq!(f.updated_at, "2024-06-03T15:10:21.001Z");
    assert_eq!(f.created_at, "2024-06-03T15:02:10.114Z");
}

#[test]
fn the_stale_guard_keeps_failures_and_fresh_passes() {
    let engine = Engine::with_defaults();
    let fixed = item_of("config-rule/change-s3-bucket-fixed.json");
    let fresh = |item: &ConfigurationItem| {
        engine
            .evaluate(item)
            .into_iter()
            .filter(|e| e.control.id == "S3.8")
            .collect::<Vec<_>>()
    };
    let mut after = fresh(&fixed);
    guard_stale(
        &mut after,
        &fixed,
        &Staleness {
            call_time: datetime!(2024-06-03 15:00 UTC),
            call: "PutBucketPolicy".into(),
        },
    );
    assert!(
        after[0].verdict.is_compliant(),
        "captured after the call: kept"
    );
    let mut before = fresh(&fixed);
    guard_stale(
        &mut before,
        &fixed,
        &Staleness {
            call_time: datetime!(2024-06-03 15:10 UTC),
            call: "PutBucketPolicy".into(),
        },
    );
    assert!(before[0].verdict.is_insufficient());
    let public = item_of("config-rule/change-s3-bucket.json");
    let mut failing = fresh(&public);
    guard_stale(
        &mut failing,
        &public,
        &Staleness {
            call_time: datetime!(2024-06-03 15:10 UTC),
            call: "PutBucketPolicy".into(),
        },
    );
    assert!(failing[0].verdict.is_non_compliant());
    let mut no_time = fixed.clone();
    no_time.capture_time = None;
    let mut unknown = fresh(&no_time);
    guard_stale(
        &mut unknown,
        &no_time,
        &Staleness {
            call_time: datetime!(2024-06-03 15:10 UTC),
            call: "PutBucketPolicy".into(),
        },
    );
    assert!(unknown[0].verdict.is_insufficient());
}

#[tokio::test]
async fn a_resource_config_has_not_recorded_is_insufficient_not_passed() {
    let w = World::new();
    run(&w, "eventbridge/cloudtrail-put-bucket-policy.json")
        .await
        .unwrap();
    let imported = w.imported();
    assert!(!imported.is_empty());
    assert!(
        imported
            .iter()
            .all(|f| f.compliance_status() == "NOT_AVAILABLE"),
        "{imported:#?}"
    );
}

#[tokio::test]
async fn a_failing_item_source_is_an_error_without_findings() {
    let mut w = World::new();
    w.ports.items.fail = true;
    let err = run(&w, "eventbridge/cloudtrail-put-bucket-policy.json")
        .await
        .unwrap_err();
    assert!(matches!(err, HandlerError::Incomplete { .. }), "{err}");
    assert!(w.imported().is_empty());
}

#[tokio::test]
async fn an_account_call_evaluates_only_the_controls_it_affects() {
    let w = World::new();
    run(&w, "eventbridge/cloudtrail-stop-logging.json")
        .await
        .unwrap();
    let asked = w.ports.evidence.asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].1, vec![EvidenceKind::CloudTrailTrails]);
    let imported = w.imported();
    assert!(!imported.is_empty());
    for f in &imported {
        let control = sidewatch_core::controls::find(f.control_id().unwrap()).unwrap();
        assert!(
            control.evidence.contains(&EvidenceKind::CloudTrailTrails),
            "{}",
            control.id
        );
        assert_eq!(f.resources[0].resource_type, "AwsAccount");
    }
}

#[tokio::test]
async fn an_iam_user_named_by_cloudtrail_is_found_by_name() {
    let w = World::new();
    w.ports.items.put(
        ConfigurationItem::from_value(json!({
            "resourceType": "AWS::IAM::User", "resourceId": "AIDAQ3EGRZTX5CIDEPLOY",
            "resourceName": "ci-deploy", "awsAccountId": "123456789012", "awsRegion": "global",
            "ARN": "arn:aws:iam::123456789012:user/ci-deploy",
            "configurationItemCaptureTime": "2024-06-03T15:20:00.000Z",
            "configuration": {"userName": "ci-deploy", "userId": "AIDAQ3EGRZTX5CIDEPLOY",
                "attachedManagedPolicies": [], "userPolicyList": []}
        }))
        .unwrap(),
    );
    run(&w, "eventbridge/cloudtrail-create-access-key-iam-user.json")
        .await
        .unwrap();
    let imported = w.imported();
    assert!(!imported.is_empty());
    assert!(
        imported
            .iter()
            .all(|f| f.resources[0].id == "arn:aws:iam::123456789012:user/ci-deploy")
    );
    assert!(
        imported
            .iter()
            .all(|f| f.resources[0].region.as_deref() == Some("eu-west-1"))
    );
}

#[tokio::test]
async fn ignored_and_failed_calls_do_nothing() {
    let w = World::new();
    for name in [
        "cloudtrail-unhandled-call.json",
        "cloudtrail-failed-put-bucket-acl.json",
        "cloudtrail-put-alternate-contact-billing.json",
        "config-rules-compliance-change.json",
    ] {
        let metrics = run(&w, &format!("eventbridge/{name}"))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(metrics.evaluations, 0, "{name}");
    }
    assert!(w.imported().is_empty());
    assert!(w.ports.items.latest_calls.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_scheduled_event_evaluates_the_account_controls() {
    let w = World::new();
    run(&w, "eventbridge/scheduled.json").await.unwrap();
    let imported = w.imported();
    assert!(!imported.is_empty());
    assert!(
        imported
            .iter()
            .all(|f| f.resources[0].resource_type == "AwsAccount")
    );
    assert!(
        imported.iter().all(|f| f.compliance_status() != "PASSED"),
        "no evidence, no pass"
    );
}

#[tokio::test]
async fn malformed_events_are_clear_errors() {
    let w = World::new();
    for name in [
        "malformed-cloudtrail-without-bucket-name.json",
        "malformed-config-change-without-item.json",
        "malformed-config-unknown-message-type.json",
        "malformed-no-detail-type.json",
        "malformed-not-json.json",
        "malformed-time.json",
    ] {
        let event = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../tests/fixtures/events/eventbridge")
                .join(name),
        )
        .unwrap();
        // A body that is not JSON reaches the handler as a JSON string at most.
        let value = serde_json::from_str(&event).unwrap_or(Value::String(event));
        let err = handle(w.inv(), &w.ports, value).await.unwrap_err();
        assert!(matches!(err, HandlerError::Event(_)), "{name}: {err}");
    }
    assert!(w.imported().is_empty());
}

#[tokio::test]
async fn refused_findings_fail_the_event_after_the_rest_is_delivered() {
    let mut w = World::new();
    run(&w, "eventbridge/config-item-change-s3-bucket.json")
        .await
        .unwrap();
    let total = w.imported().len();
    let refused = w.finding("S3.8").id;
    w.ports.findings = super::fakes::FakeSink {
        refuse: [refused.clone()].into(),
        ..Default::default()
    };
    let err = run(&w, "eventbridge/config-item-change-s3-bucket.json")
        .await
        .unwrap_err();
    assert!(err.to_string().contains(&refused), "{err}");
    assert_eq!(w.imported().len(), total - 1);
}

#[tokio::test]
async fn an_api_call_names_its_caller_on_the_findings_without_a_lookup() {
    let w = World::new();
    w.ports
        .items
        .put(item_of("config-rule/change-s3-bucket.json"));
    run(&w, "eventbridge/cloudtrail-put-bucket-policy.json")
        .await
        .unwrap();
    assert!(w.ports.changes.looked_up().is_empty());
    for f in w.imported() {
        assert_eq!(
            f.product_fields["sidewatch/ChangedBy"],
            "arn:aws:sts::123456789012:assumed-role/OpsAdmin/jane.doe"
        );
        assert_eq!(
            f.product_fields["sidewatch/ChangeEventId"],
            "0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d"
        );
        let action = f.action.clone().unwrap();
        assert_eq!(action.action_type, "AWS_API_CALL");
        let call = action.aws_api_call_action.unwrap();
        assert_eq!(call.api.as_deref(), Some("PutBucketPolicy"));
        assert_eq!(call.service_name.as_deref(), Some("s3.amazonaws.com"));
        assert_eq!(call.caller_type.as_deref(), Some("remoteip"));
        assert_eq!(
            call.remote_ip_details.unwrap().ip_address_v4,
            "203.0.113.24"
        );
        assert_eq!(call.first_seen.as_deref(), Some("2024-06-03T15:10:21Z"));
    }
}

#[tokio::test]
async fn a_scheduled_run_names_nobody() {
    let w = World::new();
    run(&w, "eventbridge/scheduled.json").await.unwrap();
    assert!(w.imported().iter().all(|f| f.action.is_none()));
    assert!(w.ports.changes.looked_up().is_empty());
}

/// The README's "Who changed it" example: the caller fields of the S3.8 finding of the recorded
/// `PutBucketPolicy` call. `SIDEWATCH_BLESS=1` rewrites the block.
#[tokio::test]
async fn the_readme_shows_the_caller_of_a_recorded_call() {
    let w = World::new();
    w.ports
        .items
        .put(item_of("config-rule/change-s3-bucket.json"));
    run(&w, "eventbridge/cloudtrail-put-bucket-policy.json")
        .await
        .unwrap();
    let f = w.finding("S3.8");
    let fields: serde_json::Map<String, Value> = f
        .product_fields
        .iter()
        .filter(|(k, _)| k.starts_with("sidewatch/Change"))
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    let excerpt = json!({
        "Id": f.id,
        "GeneratorId": f.generator_id,
        "Compliance": {"Status": f.compliance_status()},
        "Action": f.action,
        "ProductFields": fields,
    });
    let block = format!(
        "```json\n{}\n```\n",
        serde_json::to_string_pretty(&excerpt).unwrap()
    );
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let begin = "<!-- BEGIN GENERATED actor-finding (crates/lambda/src/tests/events.rs) -->\n";
    let end = "<!-- END GENERATED actor-finding -->";
    let start = readme
        .find(begin)
        .expect("README has the actor-finding block")
        + begin.len();
    let stop = readme[start..].find(end).expect("the block's end") + start;
    if std::env::var_os("SIDEWATCH_BLESS").is_some_and(|v| v == "1") {
        let updated = format!("{}{block}{}", &readme[..start], &readme[stop..]);
        std::fs::write(&path, updated).unwrap();
    } else {
        assert_eq!(
            &readme[start..stop],
            block,
            "README's actor-finding block is stale: SIDEWATCH_BLESS=1 cargo nextest run \
             --workspace -E 'test(the_readme_shows_the_caller)'"
        );
    }
}
