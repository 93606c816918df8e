//! The account boundary in every function door: an event, item or message of another account is
//! refused before any read or write, logged as an ERROR naming the field and both accounts, and
//! counted.

use super::{ACCOUNT, Logs, World, fixture};
use crate::common::HandlerError;
use crate::runtime::diagnostic;
use crate::sweep::SweepOutcome;
use serde_json::{Value, json};

const OTHER: &str = "999988887777";
/// The Region of the Config rule fixture (its `configRuleArn`).
const REGION: &str = "eu-west-1";

/// Nothing was read (Config, evidence, Security Hub) and nothing written (findings, evaluations,
/// queue messages).
fn untouched(w: &World) {
    assert!(
        w.ports.evidence.asked.lock().unwrap().is_empty(),
        "evidence read"
    );
    assert!(
        w.ports.items.latest_calls.lock().unwrap().is_empty(),
        "item read"
    );
    assert!(
        w.ports.items.list_calls.lock().unwrap().is_empty(),
        "listing read"
    );
    assert_eq!(*w.ports.stored.reads.lock().unwrap(), 0, "findings read");
    assert!(w.imported().is_empty(), "findings imported");
    assert_eq!(*w.ports.findings.calls.lock().unwrap(), 0, "import called");
    assert!(w.ports.evaluations.all().is_empty(), "evaluations put");
    assert!(
        w.ports.queue.batches.lock().unwrap().is_empty(),
        "messages sent"
    );
}

/// The ERROR line of the refusal: it names the field and both accounts.
fn refusal_logged(logs: &Logs, field: &str) {
    let lines = logs.lines();
    let line = lines
        .iter()
        .find(|l| l["level"] == "ERROR" && l["field"] == field)
        .unwrap_or_else(|| panic!("no ERROR line for {field}: {lines:#?}"));
    assert_eq!(line["account"], OTHER);
    assert_eq!(line["own_account"], ACCOUNT);
}

/// A Config rule event's invoking event, decoded, changed by `edit`, encoded again.
fn edit_invoking(mut event: Value, edit: impl FnOnce(&mut Value)) -> Value {
    let mut invoking: Value =
        serde_json::from_str(event["invokingEvent"].as_str().unwrap()).unwrap();
    edit(&mut invoking);
    event["invokingEvent"] = Value::String(invoking.to_string());
    event
}

/// An IAM user of account `account` named like one of this account's: reading its evidence here
/// would read THIS account's `dana`.
fn iam_user(account: &str) -> Value {
    json!({
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": "2024-06-03T14:22:51.318Z",
        "configurationItemStatus": "OK",
        "resourceType": "AWS::IAM::User",
        "resourceId": "AIDAEXAMPLEDANA",
        "resourceName": "dana",
        "ARN": format!("arn:aws:iam::{account}:user/dana"),
        "awsAccountId": account,
        "awsRegion": "global",
        "configuration": {"userName": "dana", "userId": "AIDAEXAMPLEDANA", "path": "/",
            "attachedManagedPolicies": [], "userPolicyList": [], "groupList": []},
        "supplementaryConfiguration": {},
        "tags": {}
    })
}

/// A Config rule change event for that IAM user, with the IAM controls selected.
fn iam_rule_event(account: &str) -> Value {
    let mut event = edit_invoking(fixture("config-rule/change-s3-bucket.json"), |invoking| {
        invoking["configurationItem"] = iam_user(account);
    });
    event["ruleParameters"] = Value::String(json!({"controls": "IAM"}).to_string());
    event
}

#[tokio::test]
async fn a_config_rule_event_of_another_account_is_answered_without_a_read_or_write() {
    let logs = Logs::capture();
    let w = World::new();
    let mut event = fixture("config-rule/change-s3-bucket.json");
    event["accountId"] = json!(OTHER);
    let metrics = crate::config_rule::handle(w.inv(), &w.ports, event)
        .await
        .expect("answered, so Config does not invoke it again and again");
    assert_eq!(metrics.foreign_account_refusals, 1);
    assert_eq!(metrics.evaluations, 0);
    untouched(&w);
    refusal_logged(&logs, "accountId");
}

#[tokio::test]
async fn an_iam_user_of_another_account_gets_no_evidence_and_no_passed_finding() {
    let logs = Logs::capture();
    let w = World::new();
    let event = iam_rule_event(OTHER);
    let metrics = crate::config_rule::handle(w.inv(), &w.ports, event)
        .await
        .unwrap();
    assert_eq!(metrics.foreign_account_refusals, 1);
    untouched(&w);
    refusal_logged(&logs, "invokingEvent.configurationItem.awsAccountId");
}

#[tokio::test]
async fn the_same_iam_user_of_this_account_is_evaluated_with_its_evidence() {
    let w = World::new();
    let event = iam_rule_event(ACCOUNT);
    let metrics = crate::config_rule::handle(w.inv(), &w.ports, event)
        .await
        .unwrap();
    assert_eq!(metrics.foreign_account_refusals, 0);
    assert!(!w.ports.evidence.asked.lock().unwrap().is_empty());
    assert_eq!(w.ports.evaluations.all().len(), 1);
    // A global resource is reported in the function's Region, with the Id `scan --format asff`
    // gives the same control and resource placed in that Region.
    let findings = w.imported();
    assert!(!findings.is_empty());
    for f in findings {
        let control = f.control_id().unwrap().to_owned();
        assert_eq!(f.resources[0].region.as_deref(), Some(REGION));
        assert_eq!(
            f.id,
            sidewatch_core::finding_id("aws", ACCOUNT, REGION, &control, "AIDAEXAMPLEDANA")
        );
    }
}

#[tokio::test]
async fn an_eventbridge_config_change_of_another_account_fails_as_foreign_account() {
    for (field, edit) in [
        (
            "account",
            (|e: &mut Value| e["account"] = json!(OTHER)) as fn(&mut Value),
        ),
        ("detail.configurationItem.awsAccountId", |e: &mut Value| {
            e["detail"]["configurationItem"]["awsAccountId"] = json!(OTHER)
        }),
    ] {
        let logs = Logs::capture();
        let w = World::new();
        let mut event = fixture("eventbridge/config-item-change-security-group.json");
        edit(&mut event);
        let err = crate::events::handle(w.inv(), &w.ports, event)
            .await
            .expect_err("refused");
        assert!(matches!(err, HandlerError::ForeignAccount(_)), "{err}");
        assert_eq!(err.error_type(), "ForeignAccount");
        assert_eq!(err.metrics().foreign_account_refusals, 1);
        untouched(&w);
        refusal_logged(&logs, field);
    }
}

#[tokio::test]
async fn an_api_call_on_another_accounts_resource_is_refused() {
    let logs = Logs::capture();
    let w = World::new();
    let mut event = fixture("eventbridge/cloudtrail-create-access-key-iam-user.json");
    event["detail"]["recipientAccountId"] = json!(OTHER);
    let err = crate::events::handle(w.inv(), &w.ports, event)
        .await
        .expect_err("refused");
    assert_eq!(err.error_type(), "ForeignAccount");
    untouched(&w);
    refusal_logged(&logs, "detail.recipientAccountId");
}

#[tokio::test]
async fn the_sweep_refuses_a_schedule_or_message_of_another_account() {
    let w = World::new();
    let mut scheduled = fixture("eventbridge/scheduled.json");
    scheduled["account"] = json!(OTHER);
    let err = crate::sweep::handle(w.inv(), &w.ports, scheduled)
        .await
        .expect_err("refused");
    assert_eq!(err.error_type(), "ForeignAccount");
    untouched(&w);

    let logs = Logs::capture();
    let w = World::new();
    let mut batch = fixture("sqs/sweep-batch.json");
    let records = batch["Records"].as_array_mut().unwrap();
    let mut body: Value = serde_json::from_str(records[0]["body"].as_str().unwrap()).unwrap();
    body["account"] = json!(OTHER);
    records[0]["body"] = Value::String(body.to_string());
    let first_id = records[0]["messageId"].as_str().unwrap().to_owned();
    let outcome = crate::sweep::handle(w.inv(), &w.ports, batch)
        .await
        .unwrap();
    let SweepOutcome::Consumed { response, metrics } = outcome else {
        panic!("an SQS batch is consumed")
    };
    assert!(
        response
            .batch_item_failures
            .iter()
            .any(|f| f.item_identifier == first_id),
        "kept for SQS to deliver again, then the dead-letter queue"
    );
    assert_eq!(metrics.foreign_account_refusals, 1);
    refusal_logged(&logs, "account");
}

#[test]
fn every_failure_class_has_a_short_stable_error_type_and_advice() {
    let invalid = HandlerError::from(
        sidewatch_core::doors::config_rule::ConfigRuleEvent::from_json_str("[]").unwrap_err(),
    );
    let foreign = HandlerError::from(sidewatch_core::boundary::ForeignAccount {
        field: "account".into(),
        found: OTHER.into(),
        own: ACCOUNT.into(),
    });
    let mut report = crate::common::Report::default();
    report.problem_of(crate::common::ProblemClass::EvidenceUnavailable, "reading");
    let unavailable = report.finish().unwrap_err();
    let mut report = crate::common::Report::default();
    report.problem("a finding");
    report.problem_of(crate::common::ProblemClass::DeliveryFailed, "importing");
    let delivery = report.finish().unwrap_err();
    let mut report = crate::common::Report::default();
    report.problem_of(
        crate::common::ProblemClass::RemediationIncomplete,
        "a write",
    );
    let remediation = report.finish().unwrap_err();
    let settings = HandlerError::Settings("SIDEWATCH_REMEDIATION_MODE must be off".into());
    for (error, error_type, advice) in [
        (&remediation, "RemediationIncomplete", "remediation role"),
        (
            &settings,
            "InvalidSettings",
            "fix the function's environment",
        ),
        (&invalid, "InvalidEvent", "check what sends this event"),
        (&foreign, "ForeignAccount", "deploy it in"),
        (&unavailable, "EvidenceUnavailable", "read permissions"),
        (
            &delivery,
            "DeliveryFailed",
            "securityhub:BatchImportFindings",
        ),
    ] {
        let d = diagnostic(error);
        assert_eq!(d.error_type, error_type);
        assert!(d.error_message.contains(advice), "{}", d.error_message);
        for rust in ["alloc::", "Box<", "core::", "dyn "] {
            assert!(!d.error_type.contains(rust) && !d.error_message.contains(rust));
        }
    }
}
