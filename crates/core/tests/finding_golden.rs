//! Golden test: the full ASFF finding for a real-shaped S3.8 configuration item, compared with
//! the expected JSON in `tests/golden/`, through the public API only.

use serde_json::Value;
use sidewatch_core::{
    Batcher, ConfigurationItem, Engine, EngineConfig, Finding, FindingBuilder, FindingContext,
    Source, VERSION,
};
use time::macros::datetime;

const ITEM: &str = include_str!("../src/controls/s3/fixtures/S3.8/fail-policy-block-off.json");
const EXPECTED: &str = include_str!("golden/S3.8-fail-policy-block-off.asff.json");

fn s3_8_finding(item_json: &str, source: Source) -> Finding {
    let item = ConfigurationItem::from_json_str(item_json).unwrap();
    let engine = Engine::new(&EngineConfig {
        select: vec!["S3.8".into()],
        ..Default::default()
    })
    .unwrap();
    let evaluations = engine.evaluate(&item);
    let [evaluation] = evaluations.as_slice() else {
        panic!("expected one evaluation, got {evaluations:?}");
    };
    FindingBuilder::new(FindingContext {
        account_override: None,
        region_override: None,
        source,
        now: datetime!(2024-06-01 10:05:00 UTC),
    })
    .build(&item, evaluation)
    .unwrap()
}

fn expected() -> Value {
    let mut expected: Value = serde_json::from_str(EXPECTED).unwrap();
    // The version is the crate's own; everything else is fixed.
    expected["ProductFields"]["sidewatch/Version"] = Value::String(VERSION.to_owned());
    expected
}

#[test]
fn s3_8_failure_matches_the_golden_finding() {
    let finding = s3_8_finding(ITEM, Source::ConfigRule);
    let actual = serde_json::to_value(&finding).unwrap();
    let expected = expected();
    assert_eq!(
        actual,
        expected,
        "actual finding:\n{}",
        serde_json::to_string_pretty(&actual).unwrap()
    );
}

#[test]
fn the_golden_finding_round_trips_through_serde() {
    let finding = s3_8_finding(ITEM, Source::ConfigRule);
    let parsed: Finding = serde_json::from_value(expected()).unwrap();
    assert_eq!(parsed, finding);
    let text = finding.to_json().unwrap();
    let again: Finding = serde_json::from_str(&text).unwrap();
    assert_eq!(again, finding);
    again.validate().unwrap();
}

#[test]
fn a_finding_read_back_from_security_hub_parses() {
    // GetFindings returns attributes sidewatch never sends; they are ignored.
    let mut returned = expected();
    returned["Region"] = "us-east-1".into();
    returned["Workflow"] = serde_json::json!({"Status": "NEW"});
    returned["Severity"]["Normalized"] = 70.into();
    returned["ProductName"] = "Default".into();
    let parsed: Finding = serde_json::from_value(returned).unwrap();
    assert_eq!(parsed, s3_8_finding(ITEM, Source::ConfigRule));
}

#[test]
fn every_s3_8_fixture_gives_a_valid_finding() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/controls/s3/fixtures/S3.8");
    let mut batcher = Batcher::new();
    let mut batches = Vec::new();
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let finding = s3_8_finding(&text, Source::Sweep);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let expected_status = match name.split('-').next().unwrap() {
            "pass" => "PASSED",
            "fail" => "FAILED",
            _ => "NOT_AVAILABLE",
        };
        assert_eq!(finding.compliance_status(), expected_status, "{name}");
        batches.extend(batcher.push(finding).unwrap());
        seen += 1;
    }
    batches.extend(batcher.finish());
    assert_eq!(batches.iter().map(Vec::len).sum::<usize>(), seen);
    // The fixtures live in two Regions: one request per product ARN.
    for batch in &batches {
        assert!(batch.iter().all(|f| f.product_arn == batch[0].product_arn));
    }
}
