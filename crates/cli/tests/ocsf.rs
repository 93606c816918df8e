//! `sidewatch scan --format ocsf` of the shipped example: the golden file
//! `examples/findings.ocsf.json` (the example's S3.8 and IAM.6 verdicts: Pass, Fail and Warning,
//! resources and the account, kept small), one object per ASFF finding with the same uid and
//! status, and every object of the whole scan valid against the OCSF 1.7.0 schema
//! (`infra/validate_ocsf.py` with the pinned `pydantic-ocsf` of `infra/requirements.txt`, run with
//! the Python of the test environment).
//!
//! The golden file has the scan's times (`time`, `finding_info.created_time` and `modified_time`)
//! put to 0: everything else follows from the snapshot. `SIDEWATCH_BLESS=1` rewrites it.

mod common;

use common::{root, sidewatch};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const REGION: &str = "us-east-1";

fn example() -> String {
    root()
        .join("examples/config-snapshot.json")
        .display()
        .to_string()
}

fn golden_path() -> PathBuf {
    root().join("examples/findings.ocsf.json")
}

/// The controls of the golden file.
const GOLDEN_CONTROLS: &str = "S3.8,IAM.6";

fn scan(format: &str) -> Vec<Value> {
    scan_controls(format, None)
}

fn scan_controls(format: &str, controls: Option<&str>) -> Vec<Value> {
    let example = example();
    let mut args = vec!["scan", "--format", format, "--region", REGION, &example];
    if let Some(controls) = controls {
        args.extend(["--controls", controls]);
    }
    let run = sidewatch(&args, b"");
    assert_eq!(run.code, 1, "the example fails controls:\n{}", run.stderr);
    assert!(!run.stderr.contains("error:"), "{}", run.stderr);
    run.json().as_array().unwrap().clone()
}

/// The scan's OCSF output with its times put to 0.
fn ocsf_without_times() -> Vec<Value> {
    let mut objects = scan_controls("ocsf", Some(GOLDEN_CONTROLS));
    for object in &mut objects {
        object["time"] = json!(0);
        object["finding_info"]["created_time"] = json!(0);
        object["finding_info"]["modified_time"] = json!(0);
    }
    objects
}

/// One object a line, as the scan writes them.
fn lines(objects: &[Value]) -> String {
    let body: Vec<String> = objects.iter().map(Value::to_string).collect();
    format!("[\n{}\n]\n", body.join(",\n"))
}

#[test]
fn the_example_scan_in_ocsf_is_the_golden_file() {
    let actual = lines(&ocsf_without_times());
    if std::env::var_os("SIDEWATCH_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(golden_path(), &actual).unwrap();
    }
    let golden = std::fs::read_to_string(golden_path()).unwrap_or_default();
    assert!(
        golden == actual,
        "examples/findings.ocsf.json differs from `sidewatch scan --format ocsf --controls \
         S3.8,IAM.6` of the example; \
         if the change is intended, rewrite it with:\n  SIDEWATCH_BLESS=1 cargo test -p \
         sidewatch-cli --test ocsf"
    );
}

#[test]
fn every_asff_finding_has_its_ocsf_twin_with_the_same_uid_status_and_severity() {
    let asff = scan("asff");
    let ocsf = scan("ocsf");
    assert_eq!(asff.len(), ocsf.len());
    let mut statuses = std::collections::BTreeSet::new();
    for (a, o) in asff.iter().zip(&ocsf) {
        assert_eq!(o["finding_info"]["uid"], a["Id"]);
        assert_eq!(o["metadata"]["product"]["uid"], a["ProductArn"]);
        assert_eq!(
            o["compliance"]["control"],
            a["Compliance"]["SecurityControlId"]
        );
        assert_eq!(o["resources"][0]["uid"], a["Resources"][0]["Id"]);
        assert_eq!(o["cloud"]["account"]["uid"], a["AwsAccountId"]);
        let label = a["Severity"]["Label"].as_str().unwrap();
        assert_eq!(
            o["severity"].as_str().unwrap().to_uppercase(),
            label,
            "{}",
            a["Id"]
        );
        let pair = (
            a["ProductFields"]["sidewatch/ComplianceType"]
                .as_str()
                .unwrap()
                .to_owned(),
            o["compliance"]["status"].as_str().unwrap().to_owned(),
        );
        statuses.insert(pair);
    }
    let expected: std::collections::BTreeSet<(String, String)> = [
        ("COMPLIANT", "Pass"),
        ("NON_COMPLIANT", "Fail"),
        ("INSUFFICIENT_DATA", "Warning"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert!(
        expected.is_subset(&statuses),
        "the example has passes, failures and undecided verdicts: {statuses:?}"
    );
}

/// Runs the validator on a file; (exit code, stdout, stderr).
fn validate(path: &Path) -> (i32, String, String) {
    let out = sidewatch_testkit::test_python()
        .arg(root().join("infra/validate_ocsf.py"))
        .arg(path)
        .output()
        .expect("the test Python runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_ocsf_object_of_the_example_validates_against_the_ocsf_schema() {
    let objects = scan("ocsf");
    let dir = common::scratch("ocsf-validate");
    let good = dir.join("example.ocsf.json");
    std::fs::write(&good, lines(&objects)).unwrap();
    let (code, stdout, stderr) = validate(&good);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let n = objects.len();
    assert!(
        stdout.contains(&format!("{n} of {n} OCSF objects valid against OCSF 1.7.0")),
        "{stdout}"
    );

    // The validator fails on a wrong object, and names what is wrong.
    let mut wrong = objects.clone();
    wrong[0]["compliance"]["status_id"] = json!(7);
    wrong[1]["resources"][0]["arn"] = wrong[1]["resources"][0]["uid"].clone();
    wrong[2]["cloud"] = json!({"region": REGION});
    wrong[3]["finding_info"]["created_time"] = json!("2024-06-01T10:00:00Z");
    wrong[4]["type_uid"] = json!(200302);
    let bad = dir.join("wrong.ocsf.json");
    std::fs::write(&bad, lines(&wrong)).unwrap();
    let (code, stdout, stderr) = validate(&bad);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains(&format!("{} of {n} OCSF objects valid", n - 5)),
        "{stdout}"
    );
    for named in [
        "[0] ",
        "compliance.status_id",
        "resources[0].arn: not an attribute",
        "[2] ",
        "cloud.provider",
        "finding_info.created_time",
        "type_uid must be 200301",
    ] {
        assert!(stderr.contains(named), "{named} not in:\n{stderr}");
    }
}
