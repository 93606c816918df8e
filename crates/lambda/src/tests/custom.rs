//! The user's rules and exceptions in the handlers: loaded from a rules location's objects,
//! evaluated beside the built-in controls, excepted failures suppressed and reopened after expiry.

use super::{World, fixture};
use crate::common::{EXCEPTION_EXPIRED_FIELD, EXCEPTION_FIELD, EXCEPTIONS_UPDATED_BY, FixedClock};
use crate::custom::{Customisation, CustomisationError};
use serde_json::{Value, json};
use sidewatch_core::RulesLocation;
use sidewatch_core::ports::RulesObject;
use time::macros::{date, datetime};

/// A rule the fixture bucket (tagged `team: uploads`) fails: it has no `owner` tag.
const RULE: &str = "rule buckets_have_an_owner when resourceType == \"AWS::S3::Bucket\" {\n    \
                    tags.owner exists <<the bucket has no owner tag>>\n}\n";

const EXCEPTIONS: &str = "exceptions:\n  - controls: [Custom.buckets_have_an_owner]\n    \
                          resources: [\"arn:aws:s3:::example-app-*\"]\n    \
                          reason: uploads bucket, owner tag rolled out in Q1\n    \
                          expires: 2024-06-30\n    ticket: SEC-7\n";

fn location() -> RulesLocation {
    RulesLocation::parse("s3://team-rules/sidewatch/").unwrap()
}

fn object(name: &str, text: &str) -> RulesObject {
    RulesObject {
        name: name.to_owned(),
        text: text.to_owned(),
    }
}

fn load(objects: Vec<RulesObject>) -> Result<Customisation, CustomisationError> {
    Customisation::from_objects(&location(), objects, date!(2024 - 06 - 04))
}

/// A world whose rules location holds `objects`, its engine built with them.
fn world(objects: Vec<RulesObject>) -> World {
    let mut w = World::new();
    w.custom = load(objects).unwrap();
    w.engine = w.custom.engine(&w.settings).unwrap();
    w
}

#[test]
fn a_rules_file_that_does_not_parse_is_refused_with_file_line_and_message() {
    let err = load(vec![
        object("ok.guard", RULE),
        object(
            "team/broken.guard",
            "rule fine { configuration exists }\n\nrule broken when {\n  configuration.x ==\n}\n",
        ),
    ])
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("s3://team-rules/sidewatch/")
            && err.contains("team/broken.guard:")
            && err.contains("do not parse"),
        "{err}"
    );
    assert!(
        err.contains("team/broken.guard:3:"),
        "line 3, the rule that does not parse: {err}"
    );
}

#[test]
fn an_exceptions_file_not_understood_is_refused_naming_the_entry() {
    let err = load(vec![object(
        "exceptions.yaml",
        "exceptions:\n  - controls: [S3.8]\n    resources: [b]\n    expires: 2024-07-01\n",
    )])
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("exceptions.yaml") && err.contains("exception 1") && err.contains("reason"),
        "{err}"
    );
    let err = load(vec![
        object("exceptions.yaml", EXCEPTIONS),
        object("exceptions.json", "{}"),
    ])
    .unwrap_err()
    .to_string();
    assert!(err.contains("keep one exceptions file"), "{err}");
}

#[test]
fn only_guard_files_and_the_exceptions_file_are_used() {
    let c = load(vec![
        object("buckets.guard", RULE),
        object("tests/buckets_tests.yaml", "not a rule"),
        object("README.md", "# notes"),
        object("exceptions.yaml", EXCEPTIONS),
    ])
    .unwrap();
    assert_eq!(c.files, ["buckets.guard", "exceptions.yaml"]);
    assert_eq!(c.rule_sets.len(), 1);
    assert_eq!(c.exceptions.unwrap().active().len(), 1);
}

fn config_change() -> Value {
    fixture("eventbridge/config-item-change-s3-bucket.json")
}

#[tokio::test]
async fn a_custom_rule_fails_through_the_events_function_and_its_finding_names_the_rule() {
    let w = world(vec![object("buckets.guard", RULE)]);
    crate::events::handle(w.inv(), &w.ports, config_change())
        .await
        .unwrap();
    let f = w.finding("Custom.buckets_have_an_owner");
    assert_eq!(f.compliance_status(), "FAILED");
    assert_eq!(
        f.generator_id,
        "sidewatch/custom/buckets.guard/buckets_have_an_owner"
    );
    assert_eq!(f.product_fields["sidewatch/RulesFile"], "buckets.guard");
    assert!(f.description.contains("no owner tag"), "{}", f.description);
    // The built-in controls ran too, and nothing was suppressed without an exceptions file.
    assert!(w.imported().iter().any(|f| f.control_id() == Some("S3.8")));
    assert!(w.ports.workflow.updates.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_excepted_failure_is_imported_then_suppressed_and_reopened_after_expiry() {
    let mut w = world(vec![
        object("buckets.guard", RULE),
        object("exceptions.yaml", EXCEPTIONS),
    ]);
    crate::events::handle(w.inv(), &w.ports, config_change())
        .await
        .unwrap();
    let f = w.finding("Custom.buckets_have_an_owner");
    assert_eq!(
        f.compliance_status(),
        "FAILED",
        "still evaluated and reported"
    );
    assert!(f.product_fields[EXCEPTION_FIELD].contains("SEC-7"));
    let updates = w.ports.workflow.updates.lock().unwrap().clone();
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].workflow_status.as_deref(), Some("SUPPRESSED"));
    assert_eq!(updates[0].findings[0].id, f.id);
    assert_eq!(updates[0].updated_by, EXCEPTIONS_UPDATED_BY);
    for part in ["2024-06-30", "owner tag rolled out in Q1", "SEC-7"] {
        assert!(updates[0].note.contains(part), "{}", updates[0].note);
    }
    // The last day still applies; the next day the same container reopens the finding.
    w.ports.workflow.updates.lock().unwrap().clear();
    w.clock = FixedClock(datetime!(2024-07-01 00:00 UTC));
    crate::events::handle(w.inv(), &w.ports, config_change())
        .await
        .unwrap();
    let f = w.finding("Custom.buckets_have_an_owner");
    assert!(!f.product_fields.contains_key(EXCEPTION_FIELD));
    assert!(f.product_fields[EXCEPTION_EXPIRED_FIELD].contains("expired on 2024-06-30"));
    let updates = w.ports.workflow.updates.lock().unwrap().clone();
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].workflow_status.as_deref(), Some("NEW"));
    assert!(
        updates[0].note.contains("counts again"),
        "{}",
        updates[0].note
    );
}

#[tokio::test]
async fn the_custom_rules_config_rule_evaluates_only_custom_rules_and_nothing_without_them() {
    let every_built_in_service: Vec<&str> = {
        let mut services: Vec<&str> = sidewatch_core::catalog()
            .iter()
            .map(|c| c.service())
            .collect();
        services.sort_unstable();
        services.dedup();
        services
    };
    let mut event = fixture("config-rule/change-s3-bucket.json");
    event["ruleParameters"] =
        Value::String(json!({"exclude": every_built_in_service.join(",")}).to_string());
    let w = world(vec![object("buckets.guard", RULE)]);
    crate::config_rule::handle(w.inv(), &w.ports, event.clone())
        .await
        .unwrap();
    let ids: Vec<_> = w
        .imported()
        .iter()
        .filter_map(|f| f.control_id().map(str::to_owned))
        .collect();
    assert_eq!(ids, ["Custom.buckets_have_an_owner"]);
    let puts = w.ports.evaluations.puts.lock().unwrap().clone();
    assert!(
        puts[0].1[0].annotation.contains("no owner tag"),
        "{:?}",
        puts[0].1
    );
    // A rules location with only an exceptions file: the rule has nothing to evaluate.
    let w = world(vec![object("exceptions.yaml", EXCEPTIONS)]);
    let metrics = crate::config_rule::handle(w.inv(), &w.ports, event)
        .await
        .unwrap();
    assert_eq!(metrics.evaluations, 0);
    assert!(w.imported().is_empty() && w.ports.evaluations.puts.lock().unwrap().is_empty());
}
