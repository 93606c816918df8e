//! What 20 Guard rules cost: loading them (what a function's cold start would add) and evaluating
//! them on one item (what each evaluation adds). Run with `cargo bench -p sidewatch-guard`.

use sidewatch_core::{ConfigurationItem, RuleSet};
use sidewatch_guard::GuardRules;

fn main() {
    divan::main();
}

/// Twenty rules files of one bucket rule each, like a team's rules folder.
fn twenty_files() -> Vec<(String, String)> {
    (0..20)
        .map(|i| {
            (
                format!("rule{i}.guard"),
                format!(
                    "rule bucket_rule_{i} when resourceType == \"AWS::S3::Bucket\" {{\n    \
                     tags.team exists <<no team tag>>\n    \
                     supplementaryConfiguration.BucketVersioningConfiguration.status == \
                     \"Enabled\"\n}}\n"
                ),
            )
        })
        .collect()
}

#[divan::bench]
fn load_20_rules() -> GuardRules {
    GuardRules::from_sources(divan::black_box(twenty_files())).unwrap()
}

#[divan::bench]
fn evaluate_20_rules_on_one_bucket(bencher: divan::Bencher) {
    let rules = GuardRules::from_sources(twenty_files()).unwrap();
    let item = ConfigurationItem::from_json_str(
        r#"{"resourceType": "AWS::S3::Bucket", "resourceId": "b", "awsRegion": "us-east-1",
            "tags": {"team": "web"}, "configuration": {"name": "b"},
            "supplementaryConfiguration": {"BucketVersioningConfiguration": {"status": "Off"}}}"#,
    )
    .unwrap();
    bencher.bench(|| rules.evaluate(divan::black_box(&item)));
}
