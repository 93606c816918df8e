//! The example policy of the AWS Config Developer Guide ("Creating AWS Config Custom Policy
//! Rules": point-in-time recovery on active DynamoDB tables), loaded as AWS publishes it and
//! evaluated by the engine beside the built-in controls, with the outcomes the guide describes:
//! an active table with point-in-time recovery is compliant, one without it is not, a table that
//! is not active is not checked, and other resource types are not the rule's business.

use sidewatch_core::snapshot::read_items;
use sidewatch_core::{
    ConfigurationItem, Engine, EngineConfig, FindingBuilder, FindingContext, Source,
};
use sidewatch_guard::{GuardRules, LoadError};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/aws-config")
        .join(name)
}

fn items() -> Vec<ConfigurationItem> {
    let file = std::fs::File::open(fixture("dynamodb-tables.json")).unwrap();
    let mut items = Vec::new();
    read_items(file, |item| items.push(item.unwrap())).unwrap();
    items
}

fn engine() -> Engine {
    let rules = GuardRules::load(&[fixture("dynamodb-pitr.guard")]).unwrap();
    Engine::with_rules(&EngineConfig::default(), vec![Arc::new(rules)]).unwrap()
}

/// `(control id, compliance type, reason)` of the custom controls on `item`.
fn custom_verdicts(engine: &Engine, item: &ConfigurationItem) -> Vec<(String, String, String)> {
    engine
        .evaluate(item)
        .into_iter()
        .filter(|e| e.control.id.starts_with("Custom."))
        .map(|e| {
            (
                e.control.id.to_owned(),
                e.verdict.compliance_type().to_string(),
                e.verdict.reason().to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_developer_guide_example_gives_its_documented_outcomes() {
    let engine = engine();
    let items = items();
    let by_id = |id: &str| items.iter().find(|i| i.resource_id == id).unwrap();

    let v = custom_verdicts(&engine, by_id("active-with-pitr"));
    assert_eq!(
        v.iter()
            .map(|(id, c, _)| (id.as_str(), c.as_str()))
            .collect::<Vec<_>>(),
        [
            ("Custom.tableisactive", "COMPLIANT"),
            ("Custom.checkcompliance", "COMPLIANT")
        ]
    );

    // Delivered with its supplementary configuration as a JSON string, as Config notifications
    // do: the rule sees the object, as in AWS Config.
    let v = custom_verdicts(&engine, by_id("active-without-pitr"));
    assert_eq!(v[0].1, "COMPLIANT", "{v:?}");
    assert_eq!(v[1].0, "Custom.checkcompliance");
    assert_eq!(v[1].1, "NON_COMPLIANT", "{v:?}");
    assert!(v[1].2.contains("DISABLED"), "Guard names the value: {v:?}");

    // Not active: tableisactive fails, and checkcompliance, which needs it, is skipped.
    let v = custom_verdicts(&engine, by_id("still-creating"));
    assert_eq!(v[0].1, "NON_COMPLIANT", "{v:?}");
    assert!(v[0].2.contains("CREATING"), "{v:?}");
    assert_eq!(v[1].1, "NOT_APPLICABLE", "{v:?}");
    assert!(v[1].2.contains("checkcompliance"), "{v:?}");

    // The rules select DynamoDB tables with their resourceType clause: a bucket gets built-in
    // verdicts only.
    let bucket = by_id("not-a-table");
    assert!(custom_verdicts(&engine, bucket).is_empty());
    assert!(!engine.evaluate(bucket).is_empty());
}

#[test]
fn a_custom_finding_names_its_rules_file_and_rule() {
    let engine = engine();
    let items = items();
    let item = items
        .iter()
        .find(|i| i.resource_id == "active-without-pitr")
        .unwrap();
    let evaluation = engine
        .evaluate(item)
        .into_iter()
        .find(|e| e.control.id == "Custom.checkcompliance")
        .unwrap();
    let builder = FindingBuilder::new(FindingContext {
        account_override: None,
        region_override: None,
        source: Source::Cli,
        now: time::OffsetDateTime::UNIX_EPOCH,
    });
    let finding = builder.build(item, &evaluation).unwrap();
    let file = fixture("dynamodb-pitr.guard").display().to_string();
    assert_eq!(
        finding.generator_id,
        format!("sidewatch/custom/{file}/checkcompliance")
    );
    assert_eq!(finding.product_fields["sidewatch/RulesFile"], file);
    assert_eq!(finding.product_fields["sidewatch/Rule"], "checkcompliance");
    assert_eq!(
        finding.product_fields["sidewatch/ControlId"],
        "Custom.checkcompliance"
    );
    assert_eq!(finding.compliance.status.as_str(), "FAILED");
    assert_eq!(finding.severity.label, sidewatch_core::Severity::Medium);
}

#[test]
fn a_rules_file_that_does_not_parse_is_refused_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.guard");
    std::fs::write(
        &bad,
        "rule fine { configuration exists }\n\nrule broken when {\n  configuration.x ==\n}\n",
    )
    .unwrap();
    match GuardRules::load(std::slice::from_ref(&bad)).unwrap_err() {
        LoadError::Parse {
            file, line, column, ..
        } => {
            assert_eq!(file, bad.display().to_string());
            assert_eq!(line, 3, "the rule that does not parse");
            assert!(column >= 1);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn ids_must_not_collide_with_each_other() {
    let text = std::fs::read_to_string(fixture("dynamodb-pitr.guard")).unwrap();
    let twice = GuardRules::from_sources(vec![
        ("a.guard".to_owned(), text.clone()),
        ("b.guard".to_owned(), text),
    ])
    .unwrap();
    let err = Engine::with_rules(&EngineConfig::default(), vec![Arc::new(twice)]).unwrap_err();
    assert!(err.to_string().contains("'Custom.tableisactive'"), "{err}");
}

#[test]
fn an_evaluation_error_is_insufficient_data_naming_the_rule() {
    // A variable no scope defines parses, and fails the evaluation.
    let rules = GuardRules::from_sources(vec![(
        "regex.guard".to_owned(),
        "rule odd_name when resourceType == \"AWS::S3::Bucket\" {\n  configuration.name == %nope\n}\n"
            .to_owned(),
    )])
    .unwrap();
    let engine = Engine::with_rules(&EngineConfig::default(), vec![Arc::new(rules)]).unwrap();
    let items = items();
    let bucket = items
        .iter()
        .find(|i| i.resource_id == "not-a-table")
        .unwrap();
    let v = custom_verdicts(&engine, bucket);
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].1, "INSUFFICIENT_DATA", "{v:?}");
    assert!(v[0].2.contains("rule odd_name of regex.guard"), "{v:?}");
    assert!(v[0].2.contains("nope"), "Guard's error: {v:?}");
}
