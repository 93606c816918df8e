//! `sidewatch scan --exceptions`: accepted risks on the real binary — excepted failures are still
//! reported (EXCEPTED with their reason), counted apart, and never fail the scan; a file with an
//! entry that is not understood stops the scan before anything is read.

mod common;

use common::{root, scratch, sidewatch};
use time::{Duration, OffsetDateTime};

/// A date `days` from today (UTC), as the file writes it.
fn in_days(days: i64) -> String {
    (OffsetDateTime::now_utc() + Duration::days(days))
        .date()
        .to_string()
}

fn write(test: &str, text: &str) -> String {
    let dir = scratch(test);
    let path = dir.join("exceptions.yaml");
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn example() -> String {
    root()
        .join("examples/config-snapshot.json")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn an_excepted_failure_is_shown_with_its_reason_and_does_not_fail_the_scan() {
    let file = write(
        "exceptions-one",
        &format!(
            "exceptions:\n  - controls: [EC2.19]\n    resources: [sg-0b1c2d3e4f5a6b7c8]\n    \
             reason: Bastion host, replaced by Session Manager in Q1\n    expires: {}\n    \
             ticket: SEC-42\n",
            in_days(60)
        ),
    );
    let example = example();
    let run = sidewatch(
        &[
            "scan",
            &example,
            "--controls",
            "EC2.19",
            "--exceptions",
            &file,
        ],
        b"",
    );
    assert_eq!(run.code, 1, "other EC2.19 failures remain\n{}", run.stderr);
    let row = run
        .stdout
        .lines()
        .find(|l| l.contains("sg-0b1c2d3e4f5a6b7c8"))
        .unwrap();
    assert!(row.starts_with("EXCEPTED"), "{row}");
    assert!(
        row.contains("Bastion host, replaced by Session Manager in Q1, ticket SEC-42"),
        "{row}"
    );
    assert!(
        row.contains("ingress tcp 22"),
        "the failure stays named: {row}"
    );
    assert!(
        run.stdout.contains("EXCEPTED (accepted risks)"),
        "{}",
        run.stdout
    );
    let counts = run.stdout.lines().last().unwrap();
    assert!(counts.ends_with("· 1 EXCEPTED"), "{counts}");

    // JSON: the verdict stays NON_COMPLIANT and carries the exception.
    let run = sidewatch(
        &[
            "scan",
            &example,
            "--controls",
            "EC2.19",
            "--exceptions",
            &file,
            "--format",
            "json",
        ],
        b"",
    );
    let verdicts = run.json();
    let excepted: Vec<_> = verdicts
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v.get("exception").is_some())
        .collect();
    assert_eq!(excepted.len(), 1);
    assert_eq!(excepted[0]["status"], "NON_COMPLIANT");
    assert_eq!(excepted[0]["exception"]["ticket"], "SEC-42");
    assert_eq!(excepted[0]["exception"]["entry"], 1);
}

#[test]
fn when_every_failure_is_excepted_the_scan_passes_and_warns_about_unused_and_expiring_entries() {
    let file = write(
        "exceptions-all",
        &format!(
            "exceptions:\n  - controls: [EC2.19]\n    resources: [\"sg-*\"]\n    \
             reason: Lab account, torn down weekly\n    expires: {}\n  - controls: [S3.8]\n    \
             resources: [\"arn:aws:s3:::nothing-here\"]\n    reason: unused\n    expires: {}\n",
            in_days(7),
            in_days(200)
        ),
    );
    let example = example();
    let run = sidewatch(
        &[
            "scan",
            &example,
            "--controls",
            "EC2.19",
            "--exceptions",
            &file,
        ],
        b"",
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        !run.stdout.lines().any(|l| l.starts_with("FAILED")),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("exception 1 expires on"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("exception 2 matched nothing"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_file_with_an_entry_not_understood_stops_the_scan() {
    let example = example();
    for (text, expected) in [
        (
            format!(
                "exceptions:\n  - controls: [EC2.19]\n    resources: [x]\n    expires: {}\n",
                in_days(30)
            ),
            "exception 1: `reason` is required",
        ),
        (
            format!(
                "exceptions:\n  - controls: [\"*\"]\n    resources: [\"*\"]\n    reason: r\n    expires: {}\n",
                in_days(30)
            ),
            "matches every resource of every control",
        ),
        (
            format!(
                "exceptions:\n  - controls: [EC2.19]\n    resources: [x]\n    reason: r\n    expires: {}\n",
                in_days(400)
            ),
            "more than one year ahead",
        ),
    ] {
        let file = write("exceptions-bad", &text);
        let run = sidewatch(&["scan", &example, "--exceptions", &file], b"");
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains(expected), "{}", run.stderr);
        assert!(run.stderr.contains("Nothing was scanned"), "{}", run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
}

/// `sidewatch report --rules --exceptions`: the custom rules' failures are in the report, and an
/// excepted failure is listed with its exception beside the failure's reason.
#[test]
fn the_report_takes_the_rules_and_the_exceptions_of_the_scan() {
    let file = write(
        "report-exceptions",
        &format!(
            "exceptions:\n  - controls: [EC2.19]\n    resources: [sg-0b1c2d3e4f5a6b7c8]\n    \
             reason: Bastion host, replaced by Session Manager in Q1\n    expires: {}\n    \
             ticket: SEC-42\n",
            in_days(60)
        ),
    );
    let rules = root().join("examples/rules").to_string_lossy().into_owned();
    let run = sidewatch(
        &[
            "report",
            "--format",
            "json",
            "--top",
            "1000",
            "--rules",
            &rules,
            "--exceptions",
            &file,
            &example(),
        ],
        b"",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    let failing: Vec<&serde_json::Value> = report["services"]
        .as_array()
        .unwrap()
        .iter()
        .chain(std::iter::once(&report["account"]))
        .flat_map(|s| s["duties"].as_array().into_iter().flatten())
        .flat_map(|d| d["failing"].as_array().into_iter().flatten())
        .collect();
    assert!(
        failing.iter().any(|f| f["controlId"]
            .as_str()
            .is_some_and(|id| id.starts_with("Custom."))),
        "the custom rule's failures are reported"
    );
    let excepted = failing
        .iter()
        .find(|f| f["resourceId"] == "sg-0b1c2d3e4f5a6b7c8" && f["controlId"] == "EC2.19")
        .expect("the excepted failure is still listed");
    let reason = excepted["reason"].as_str().unwrap();
    assert!(
        reason.contains("excepted until")
            && reason.contains("SEC-42")
            && reason.contains("ingress tcp 22"),
        "{reason}"
    );
}
