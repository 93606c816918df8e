//! Your own controls in AWS CloudFormation Guard, end to end through the real binary:
//! `scan --rules`, `controls --rules`, `rules test`.

mod common;

use common::{root, sidewatch};
use serde_json::Value;

fn aws_config_example(name: &str) -> String {
    root()
        .join("crates/guard/tests/fixtures/aws-config")
        .join(name)
        .display()
        .to_string()
}

fn path(relative: &str) -> String {
    root().join(relative).display().to_string()
}

/// `(resource id, control id, status)` of the custom verdicts of a `--format json` run.
fn custom_rows(json: &Value) -> Vec<(String, String, String)> {
    json.as_array()
        .unwrap()
        .iter()
        .filter(|v| v["controlId"].as_str().unwrap().starts_with("Custom."))
        .map(|v| {
            (
                v["resourceId"].as_str().unwrap().to_owned(),
                v["controlId"].as_str().unwrap().to_owned(),
                v["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_aws_config_guide_example_gives_its_documented_verdicts_through_scan_rules() {
    let run = sidewatch(
        &[
            "scan",
            "--rules",
            &aws_config_example("dynamodb-pitr.guard"),
            "--format",
            "json",
            &aws_config_example("dynamodb-tables.json"),
        ],
        b"",
    );
    assert_eq!(run.code, 1, "a rule failed: {run:?}");
    let rows = custom_rows(&run.json());
    let expected = [
        ("active-with-pitr", "Custom.tableisactive", "COMPLIANT"),
        ("active-with-pitr", "Custom.checkcompliance", "COMPLIANT"),
        ("active-without-pitr", "Custom.tableisactive", "COMPLIANT"),
        (
            "active-without-pitr",
            "Custom.checkcompliance",
            "NON_COMPLIANT",
        ),
        ("still-creating", "Custom.tableisactive", "NON_COMPLIANT"),
        ("still-creating", "Custom.checkcompliance", "NOT_APPLICABLE"),
    ];
    assert_eq!(
        rows.iter()
            .map(|(r, c, s)| (r.as_str(), c.as_str(), s.as_str()))
            .collect::<Vec<_>>(),
        expected
    );
}

#[test]
fn custom_findings_name_the_rules_file_and_rule() {
    let rules = aws_config_example("dynamodb-pitr.guard");
    let run = sidewatch(
        &[
            "scan",
            "--rules",
            &rules,
            "--controls",
            "Custom",
            "--format",
            "asff",
            &aws_config_example("dynamodb-tables.json"),
        ],
        b"",
    );
    assert_eq!(run.code, 1, "{run:?}");
    let findings = run.json();
    let failed = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["Compliance"]["Status"] == "FAILED")
        .unwrap();
    assert_eq!(
        failed["GeneratorId"],
        format!("sidewatch/custom/{rules}/checkcompliance")
    );
    assert_eq!(
        failed["ProductFields"]["sidewatch/RulesFile"],
        rules.as_str()
    );
    assert_eq!(failed["ProductFields"]["sidewatch/Rule"], "checkcompliance");
    assert!(
        findings
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["Compliance"]["SecurityControlId"]
                .as_str()
                .unwrap()
                .starts_with("Custom.")),
        "--controls Custom selects the custom controls only"
    );
}

#[test]
fn a_rules_file_that_does_not_parse_stops_the_scan_before_it_starts() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.guard");
    std::fs::write(
        &bad,
        "rule ok { configuration exists }\nrule broken {\n  configuration.x ==\n}\n",
    )
    .unwrap();
    let bad = bad.display().to_string();
    let run = sidewatch(
        &[
            "scan",
            "--rules",
            &bad,
            &path("examples/config-snapshot.json"),
        ],
        b"",
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "", "nothing scanned");
    let first = run.stderr.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("error: --rules: {bad}:")),
        "{first}"
    );
    assert!(first.contains("the Guard rules do not parse"), "{first}");
    assert!(
        regex_like_position(first, &bad),
        "file:line:column: {first}"
    );
}

/// `…{file}:<line>:<column>: …`.
fn regex_like_position(line: &str, file: &str) -> bool {
    let Some(rest) = line.split_once(&format!("{file}:")).map(|(_, r)| r) else {
        return false;
    };
    let mut parts = rest.splitn(3, ':');
    let numeric =
        |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    numeric(parts.next()) && numeric(parts.next())
}

#[test]
fn the_worked_example_runs_on_the_example_snapshot() {
    let run = sidewatch(
        &[
            "scan",
            "--rules",
            &path("examples/rules"),
            "--controls",
            "Custom",
            "--format",
            "json",
            &path("examples/config-snapshot.json"),
        ],
        b"",
    );
    assert_eq!(run.code, 1, "{run:?}");
    let rows = custom_rows(&run.json());
    let status = |resource: &str, control: &str| {
        rows.iter()
            .find(|(r, c, _)| r == resource && c == control)
            .map(|(_, _, s)| s.as_str())
            .unwrap_or_else(|| panic!("no {control} verdict on {resource}: {rows:?}"))
    };
    assert_eq!(status("example-press-kit", "Custom.S3Owner"), "COMPLIANT");
    assert_eq!(status("example-scratch", "Custom.S3Owner"), "NON_COMPLIANT");
    assert_eq!(
        status("example-records-bucket", "Custom.S3ConfidentialVersioning"),
        "COMPLIANT"
    );
    assert_eq!(
        status("example-scratch", "Custom.S3ConfidentialVersioning"),
        "NOT_APPLICABLE"
    );
    assert!(
        rows.iter().all(|(_, c, _)| c.starts_with("Custom.S3")),
        "only buckets: {rows:?}"
    );
    let failed = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["resourceId"] == "example-scratch" && v["controlId"] == "Custom.S3Owner")
        .cloned()
        .unwrap();
    assert_eq!(
        failed["reason"],
        "the bucket has no team tag: tag it with the team that owns it"
    );
    assert_eq!(failed["severity"], "LOW");
}

#[test]
fn controls_lists_custom_controls_beside_the_built_in_ones() {
    let run = sidewatch(&["controls", "--rules", &path("examples/rules")], b"");
    assert_eq!(run.code, 0, "{run:?}");
    let row = run
        .stdout
        .lines()
        .find(|l| l.starts_with("Custom.S3Owner "))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(
        row.contains("LOW") && row.contains("identity-and-access"),
        "{row}"
    );
    assert!(run.stdout.lines().any(|l| l.starts_with("S3.8 ")));
    let run = sidewatch(
        &[
            "controls",
            "--format",
            "json",
            "--rules",
            &aws_config_example("dynamodb-pitr.guard"),
        ],
        b"",
    );
    assert_eq!(run.code, 0, "{run:?}");
    let json = run.json();
    let custom = json
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "Custom.checkcompliance")
        .unwrap();
    assert_eq!(custom["severity"], "MEDIUM");
    assert_eq!(
        custom["resourceTypes"],
        serde_json::json!(["AWS::DynamoDB::Table"])
    );
    assert_eq!(custom["rule"], "checkcompliance");
}

#[test]
fn rules_test_runs_guards_own_unit_tests() {
    let run = sidewatch(&["rules", "test", &path("examples/rules")], b"");
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("PASS"), "{}", run.stdout);

    // A wrong expectation fails the run with exit code 1.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        path("examples/rules/buckets.guard"),
        dir.path().join("buckets.guard"),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("tests")).unwrap();
    let tests = std::fs::read_to_string(path("examples/rules/tests/buckets_tests.yaml"))
        .unwrap()
        .replacen(
            "buckets_have_an_owner: FAIL",
            "buckets_have_an_owner: PASS",
            1,
        );
    std::fs::write(dir.path().join("tests/buckets_tests.yaml"), tests).unwrap();
    let run = sidewatch(&["rules", "test", &dir.path().display().to_string()], b"");
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("FAIL"), "{}", run.stdout);

    // One file, its tests found beside it.
    let run = sidewatch(
        &[
            "rules",
            "test",
            &dir.path().join("buckets.guard").display().to_string(),
        ],
        b"",
    );
    assert_eq!(run.code, 1, "{run:?}");
}
