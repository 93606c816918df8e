//! `sidewatch scan` end to end: the real binary on every input shape, gzip, stdin, every format,
//! the exit codes and the error messages.
//!
//! Runs select `--controls S3.8` where counts matter, so controls added later do not change them.

mod common;

use common::{Run, s3_8_fixture, s3_8_item, scratch, sidewatch};
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};
use std::io::Write;

const PASS: &str = "pass-all-four-blocked.json";
const FAIL: &str = "fail-policy-block-off.json";
const FAIL_NO_BLOCK: &str = "fail-no-public-access-block.json";
const NA: &str = "na-bucket-deleted.json";

fn items(names: &[&str]) -> Vec<Value> {
    names.iter().map(|n| s3_8_item(n)).collect()
}

fn snapshot(names: &[&str]) -> String {
    json!({
        "fileVersion": "1.0",
        "configSnapshotId": "9a9e8c3b-0f4b-4c3e-9f2a-6c1d2e3f4a5b",
        "configurationItems": items(names)
    })
    .to_string()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// `(status, resourceId)` of every verdict of a `--format json` run.
fn verdicts(run: &Run) -> Vec<(String, String)> {
    run.json()
        .as_array()
        .expect("an array of verdicts")
        .iter()
        .map(|v| {
            (
                v["status"].as_str().unwrap().to_owned(),
                v["resourceId"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(s, id)| (s.to_string(), id.to_string()))
        .collect()
}

const S3_8_JSON: [&str; 5] = ["scan", "--controls", "S3.8", "--format", "json"];

#[test]
fn snapshot_file_as_a_table_with_summary() {
    let run = sidewatch(
        &["scan", "--controls", "S3.8", "-"],
        snapshot(&[PASS, FAIL, NA]).as_bytes(),
    );
    assert_eq!(run.code, 1, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with("STATUS        SEVERITY       CONTROL"),
        "{}",
        run.stdout
    );
    assert!(lines[0].ends_with("REASON"));
    // Failures first, then passes, then not applicable.
    assert!(lines[1].starts_with("FAILED") && lines[1].contains("blockPublicPolicy"));
    assert!(lines[2].starts_with("PASSED        HIGH           S3.8              AWS::S3::Bucket"));
    assert!(lines[2].contains("example-private-bucket"));
    assert!(lines[3].starts_with("N/A") && lines[3].contains("ResourceDeleted"));
    for expected in [
        "  items read                         3",
        "  verdicts                           3",
        "    FAILED                           1",
        "    PASSED                           1",
        "    N/A                              1",
        "  failures by severity               CRITICAL 0, HIGH 1, MEDIUM 0, LOW 0, INFORMATIONAL 0",
        "  unreadable items                   0",
        "  result                             FAILED: 1 failed verdict(s) at or above LOW (exit 1)",
    ] {
        assert!(
            run.stdout.contains(expected),
            "missing {expected:?} in\n{}",
            run.stdout
        );
    }
    assert_eq!(run.stderr, "");
}

#[test]
fn every_input_shape_gives_the_same_verdicts() {
    let expected = pairs(&[
        ("COMPLIANT", "example-private-bucket"),
        ("NON_COMPLIANT", "example-website-bucket"),
    ]);
    let [pass, fail] = [s3_8_item(PASS), s3_8_item(FAIL)];
    let inputs = [
        ("snapshot file", snapshot(&[PASS, FAIL])),
        (
            "snapshot file, items last",
            format!(
                r#"{{"configSnapshotId": "x", "configurationItems": {}, "fileVersion": "1.0"}}"#,
                json!([pass, fail])
            ),
        ),
        (
            "BatchGetResourceConfig",
            json!({"baseConfigurationItems": [pass, fail], "unprocessedResourceKeys": []})
                .to_string(),
        ),
        (
            "GetResourceConfigHistory",
            json!({"configurationItems": [pass, fail]}).to_string(),
        ),
        ("array", json!([pass, fail]).to_string()),
        ("JSON Lines", format!("{pass}\n{fail}\n")),
        (
            "pretty-printed values in a row",
            format!("{pass:#}\n{fail:#}"),
        ),
    ];
    for (shape, input) in inputs {
        let run = sidewatch(&S3_8_JSON, input.as_bytes());
        assert_eq!(run.code, 1, "{shape}: {run:?}");
        assert_eq!(verdicts(&run), expected, "{shape}");
    }
    let run = sidewatch(&S3_8_JSON, pass.to_string().as_bytes());
    assert_eq!(
        (run.code, verdicts(&run)),
        (0, pairs(&[("COMPLIANT", "example-private-bucket")])),
        "single item"
    );
}

#[test]
fn response_warnings_say_what_was_not_covered() {
    let batch = json!({
        "baseConfigurationItems": [s3_8_item(PASS)],
        "unprocessedResourceKeys": [{"resourceType": "AWS::S3::Bucket", "resourceId": "later"}]
    });
    let run = sidewatch(&S3_8_JSON, batch.to_string().as_bytes());
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("1 unprocessedResourceKeys"),
        "{}",
        run.stderr
    );
    let history = json!({"configurationItems": [s3_8_item(PASS)], "nextToken": "abc"});
    let run = sidewatch(&S3_8_JSON, history.to_string().as_bytes());
    assert!(run.stderr.contains("nextToken"), "{}", run.stderr);
}

#[test]
fn files_plain_and_gzip_and_stdin_gzip() {
    let dir = scratch("files");
    let plain = dir.join("snapshot.json");
    std::fs::write(&plain, snapshot(&[PASS])).unwrap();
    // Named like plain JSON on purpose: the content decides.
    let gz = dir.join("history.json");
    std::fs::write(&gz, gzip(snapshot(&[FAIL]).as_bytes())).unwrap();
    let mut args = S3_8_JSON.to_vec();
    args.extend([plain.to_str().unwrap(), gz.to_str().unwrap()]);
    let run = sidewatch(&args, b"");
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        verdicts(&run),
        pairs(&[
            ("COMPLIANT", "example-private-bucket"),
            ("NON_COMPLIANT", "example-website-bucket")
        ])
    );
    // gzip on standard input, with no file named.
    let run = sidewatch(&S3_8_JSON, &gzip(snapshot(&[PASS]).as_bytes()));
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        verdicts(&run),
        pairs(&[("COMPLIANT", "example-private-bucket")])
    );
    // Several gzip members in a row.
    let mut two = gzip(s3_8_item(PASS).to_string().as_bytes());
    two.extend(gzip(s3_8_item(FAIL).to_string().as_bytes()));
    let run = sidewatch(&S3_8_JSON, &two);
    assert_eq!(verdicts(&run).len(), 2, "{run:?}");
}

#[test]
fn corrupt_gzip_is_an_error_with_advice() {
    let mut bytes = gzip(snapshot(&[PASS]).as_bytes());
    let middle = bytes.len() / 2;
    bytes.truncate(middle);
    let run = sidewatch(&S3_8_JSON, &bytes);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("standard input"), "{}", run.stderr);
    assert!(
        run.stderr.contains("download it again") || run.stderr.contains("truncated"),
        "{}",
        run.stderr
    );
    assert!(run.json().is_array(), "the JSON output stays valid");
}

#[test]
fn json_verdicts_carry_every_field() {
    let run = sidewatch(&S3_8_JSON, snapshot(&[FAIL]).as_bytes());
    let v = &run.json()[0];
    assert_eq!(v["controlId"], "S3.8");
    assert_eq!(
        v["title"],
        "S3 general purpose buckets should block public access"
    );
    assert_eq!(v["severity"], "HIGH");
    assert_eq!(v["status"], "NON_COMPLIANT");
    assert!(v["reason"].as_str().unwrap().contains("blockPublicPolicy"));
    assert_eq!(v["resourceType"], "AWS::S3::Bucket");
    assert_eq!(v["resourceId"], "example-website-bucket");
    assert_eq!(v["resourceArn"], "arn:aws:s3:::example-website-bucket");
    assert_eq!(v["accountId"], "123456789012");
    assert_eq!(v["region"], "us-east-1");
    assert!(
        run.stderr.starts_with("sidewatch: 1 item(s) read"),
        "{}",
        run.stderr
    );
    let quiet = sidewatch(
        &["scan", "-q", "--format", "json", "--controls", "S3.8"],
        snapshot(&[FAIL]).as_bytes(),
    );
    assert_eq!(quiet.stderr, "");
}

#[test]
fn account_and_region_overrides() {
    let mut args = S3_8_JSON.to_vec();
    args.extend(["--account", "210987654321", "--region", "eu-central-1"]);
    let run = sidewatch(&args, snapshot(&[FAIL_NO_BLOCK]).as_bytes());
    let v = &run.json()[0];
    assert_eq!(
        (&v["accountId"], &v["region"]),
        (&json!("210987654321"), &json!("eu-central-1"))
    );
    let run = sidewatch(&["scan", "--account", "12345", "-"], b"[]");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("12 digits"), "{}", run.stderr);
    let run = sidewatch(&["scan", "--region", "Frankfurt", "-"], b"[]");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("us-east-1"), "{}", run.stderr);
}

#[test]
fn exit_codes_and_fail_on() {
    let passing = snapshot(&[PASS, NA]);
    let failing = snapshot(&[PASS, FAIL]); // S3.8 is HIGH
    let scan = |fail_on: &str, input: &str| {
        sidewatch(
            &["scan", "--controls", "S3.8", "--fail-on", fail_on, "-"],
            input.as_bytes(),
        )
        .code
    };
    assert_eq!(scan("low", &passing), 0);
    assert_eq!(scan("low", &failing), 1);
    assert_eq!(scan("informational", &failing), 1);
    assert_eq!(scan("high", &failing), 1);
    assert_eq!(scan("CRITICAL", &failing), 0);
    assert_eq!(scan("none", &failing), 0);
    let run = sidewatch(&["scan", "--fail-on", "severe", "-"], passing.as_bytes());
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("informational, low, medium, high, critical"),
        "{}",
        run.stderr
    );
    let run = sidewatch(
        &["scan", "--controls", "S3.8", "--fail-on", "critical", "-"],
        failing.as_bytes(),
    );
    assert!(
        run.stdout
            .contains("OK: no failed verdict at or above CRITICAL (exit 0)"),
        "{}",
        run.stdout
    );
}

#[test]
fn failed_only_prints_only_failures() {
    let input = snapshot(&[PASS, FAIL, NA]);
    let run = sidewatch(
        &["scan", "--controls", "S3.8", "--failed-only", "-"],
        input.as_bytes(),
    );
    let rows: Vec<&str> = run.stdout.lines().take_while(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), 2, "{}", run.stdout);
    assert!(rows[1].starts_with("FAILED"));
    // The summary still counts everything.
    assert!(
        run.stdout
            .contains("    PASSED                           1"),
        "{}",
        run.stdout
    );
    let mut args = S3_8_JSON.to_vec();
    args.push("--failed-only");
    let run = sidewatch(&args, input.as_bytes());
    assert_eq!(
        verdicts(&run),
        pairs(&[("NON_COMPLIANT", "example-website-bucket")])
    );
    let run = sidewatch(
        &["scan", "--controls", "S3.8", "--failed-only", "-"],
        snapshot(&[PASS]).as_bytes(),
    );
    assert!(
        run.stdout.starts_with("No failed verdicts.\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn parameters_from_flags_and_file() {
    let input = snapshot(&[FAIL]);
    let mut args = S3_8_JSON.to_vec();
    args.extend([
        "--param",
        "S3.8.excludedPublicBuckets=other,example-website-bucket",
    ]);
    let run = sidewatch(&args, input.as_bytes());
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        verdicts(&run),
        pairs(&[("NOT_APPLICABLE", "example-website-bucket")])
    );

    let dir = scratch("params");
    let file = dir.join("params.txt");
    std::fs::write(
        &file,
        "# buckets that are public on purpose\n\n  S3.8.excludedPublicBuckets = example-website-bucket\n",
    )
    .unwrap();
    let mut args = S3_8_JSON.to_vec();
    args.extend(["--params-file", file.to_str().unwrap()]);
    let run = sidewatch(&args, input.as_bytes());
    assert_eq!(run.code, 0, "{run:?}");
    // --param wins over the file.
    args.extend(["--param", "S3.8.excludedPublicBuckets="]);
    let run = sidewatch(&args, input.as_bytes());
    assert_eq!(run.code, 1, "{run:?}");

    std::fs::write(
        &file,
        "# ok\nS3.8.excludedPublicBuckets=a\nnot an assignment\n",
    )
    .unwrap();
    let run = sidewatch(
        &["scan", "--params-file", file.to_str().unwrap(), "-"],
        input.as_bytes(),
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("line 3"), "{}", run.stderr);
    assert!(run.stderr.contains("CONTROL.NAME=VALUE"), "{}", run.stderr);
    assert_eq!(
        run.stdout, "",
        "nothing is scanned with a bad configuration"
    );
    let run = sidewatch(
        &["scan", "--params-file", "/nonexistent/params.txt", "-"],
        b"[]",
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read the parameters file"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_parameters_and_selections_are_explained() {
    let cases: [(&[&str], &str); 6] = [
        (
            &["--param", "excludedPublicBuckets=x"],
            "CONTROL.NAME=VALUE",
        ),
        (
            &["--param", "S3.8.nope=1"],
            "its parameters are: excludedPublicBuckets",
        ),
        (
            &["--param", "S3.99.x=1"],
            "'S3.99', which is not in the catalog",
        ),
        (
            &["--controls", "S3.99"],
            "no control or service is called 'S3.99'",
        ),
        (
            &["--exclude", "Nope"],
            "no control or service is called 'Nope'",
        ),
        (
            &["--controls", "S3.8", "--exclude", "S3"],
            "leaves no control to run",
        ),
    ];
    for (flags, message) in cases {
        let mut args = vec!["scan"];
        args.extend_from_slice(flags);
        args.push("-");
        let run = sidewatch(&args, b"[]");
        assert_eq!(run.code, 2, "{flags:?}: {run:?}");
        assert!(
            run.stderr.starts_with("error: "),
            "{flags:?}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(message), "{flags:?}: {}", run.stderr);
    }
}

#[test]
fn missing_file_message_and_the_other_inputs_still_scanned() {
    let run = sidewatch(&["scan", "x.json"], b"");
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: cannot read 'x.json': No such file or directory (os error 2). Check the path, or pass - to read standard input.\n"
    );
    let dir = scratch("missing");
    let good = dir.join("good.json");
    std::fs::write(&good, snapshot(&[FAIL])).unwrap();
    let mut args = S3_8_JSON.to_vec();
    args.extend(["missing.json", good.to_str().unwrap()]);
    let run = sidewatch(&args, b"");
    assert_eq!(run.code, 2, "errors win over failures");
    assert_eq!(
        verdicts(&run),
        pairs(&[("NON_COMPLIANT", "example-website-bucket")])
    );
    let run = sidewatch(&["scan", dir.to_str().unwrap()], b"");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("it is a directory"), "{}", run.stderr);
}

/// The S3.8 run of `input` (the passing and failing buckets around a bad element): both scanned,
/// exit 2, and standard error starting with `first_error`.
fn both_scanned_after(input: &str, first_error: &str) {
    let run = sidewatch(&S3_8_JSON, input.as_bytes());
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        verdicts(&run),
        pairs(&[
            ("COMPLIANT", "example-private-bucket"),
            ("NON_COMPLIANT", "example-website-bucket")
        ])
    );
    assert!(run.stderr.starts_with(first_error), "{}", run.stderr);
}

#[test]
fn malformed_item_in_the_middle_is_reported_and_the_others_scanned() {
    let input = json!({"configurationItems": [
        s3_8_item(PASS),
        {"resourceType": "AWS::S3::Bucket", "resourceName": "no-id"},
        s3_8_item(FAIL)
    ]})
    .to_string();
    both_scanned_after(
        &input,
        "error: standard input: item 2 (index 1, AWS::S3::Bucket): configuration item has no `resourceId`",
    );
    let table = sidewatch(&["scan", "--controls", "S3.8", "-"], input.as_bytes());
    assert!(
        table
            .stdout
            .contains("  unreadable items                   1"),
        "{}",
        table.stdout
    );
    assert!(
        table.stdout.contains("ERROR: 1 error(s)"),
        "{}",
        table.stdout
    );
}

#[test]
fn a_broken_line_of_json_lines_is_reported_and_the_good_lines_scanned() {
    let (pass, fail) = (s3_8_item(PASS), s3_8_item(FAIL));
    let input = format!("{pass}\n{{\"resourceType\": \"AWS::S3::Bucket\", \"resou\n{fail}\n");
    both_scanned_after(
        &input,
        "error: standard input: item 2 (index 1, line 2): configuration item is not valid JSON: ",
    );
    let table = sidewatch(&["scan", "--controls", "S3.8", "-"], input.as_bytes());
    assert_eq!(table.code, 2);
    for expected in [
        "  items read                         2",
        "  unreadable items                   1",
    ] {
        assert!(
            table.stdout.contains(expected),
            "{expected}: {}",
            table.stdout
        );
    }
}

#[test]
fn a_byte_order_mark_is_accepted_plain_and_gzip() {
    let dir = scratch("bom");
    let mut text = "\u{feff}".as_bytes().to_vec();
    text.extend(snapshot(&[PASS]).as_bytes());
    let plain = dir.join("powershell.json");
    std::fs::write(&plain, &text).unwrap();
    let gz = dir.join("powershell.json.gz");
    std::fs::write(&gz, gzip(&text)).unwrap();
    for file in [&plain, &gz] {
        let mut args = S3_8_JSON.to_vec();
        args.push(file.to_str().unwrap());
        let run = sidewatch(&args, b"");
        assert_eq!(run.code, 0, "{}: {run:?}", file.display());
        assert_eq!(
            verdicts(&run),
            pairs(&[("COMPLIANT", "example-private-bucket")])
        );
    }
    // Standard input too.
    let run = sidewatch(&S3_8_JSON, &text);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn truncated_and_non_json_input_are_errors_after_what_was_read() {
    let full = snapshot(&[PASS, FAIL]);
    let cut = &full[..full.len() - 30];
    let run = sidewatch(&S3_8_JSON, cut.as_bytes());
    assert_eq!(run.code, 2);
    assert_eq!(
        verdicts(&run),
        pairs(&[("COMPLIANT", "example-private-bucket")])
    );
    assert!(run.stderr.contains("looks truncated"), "{}", run.stderr);
    let run = sidewatch(
        &["scan", "-"],
        b"resourceType,resourceId\nAWS::S3::Bucket,x\n",
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not valid JSON at line 1, column 1"),
        "{}",
        run.stderr
    );
    let run = sidewatch(&["scan", "-"], b"");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("the input is empty"), "{}", run.stderr);
    let run = sidewatch(&["scan", "-", "-"], b"[]");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("only once"), "{}", run.stderr);
}

#[test]
fn items_of_other_types_are_counted_not_evaluated() {
    let input = json!([
        {"resourceType": "AWS::Future::Thing", "resourceId": "t-1", "configuration": {}},
        s3_8_item(PASS)
    ])
    .to_string();
    let run = sidewatch(&["scan", "--controls", "S3.8", "-"], input.as_bytes());
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("  items with no applicable control   1"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_large_stream_is_scanned_in_full() {
    const N: usize = 10_000;
    let mut input = String::new();
    for i in 0..N {
        let item = json!({
            "resourceType": "AWS::S3::Bucket",
            "resourceId": format!("bucket-{i}"),
            "configuration": {"name": format!("bucket-{i}")},
            "supplementaryConfiguration": {}
        });
        input.push_str(&item.to_string());
        input.push('\n');
    }
    let run = sidewatch(
        &["scan", "--controls", "S3.8", "--failed-only", "-"],
        input.as_bytes(),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .contains(&format!("  items read                         {N}"))
    );
    assert!(
        run.stdout
            .contains(&format!("    FAILED                           {N}"))
    );
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.starts_with("FAILED"))
            .count(),
        N
    );
    assert_eq!(
        run.stderr, "",
        "no progress line when standard error is not a terminal"
    );
}

#[test]
fn help_and_version() {
    let run = sidewatch(&["scan", "--help"], b"");
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("--fail-on <SEVERITY>"));
    assert!(run.stdout.contains("Exit codes"));
    let run = sidewatch(&["--version"], b"");
    assert_eq!(
        (run.code, run.stdout.trim()),
        (
            0,
            format!("sidewatch {}", env!("CARGO_PKG_VERSION")).as_str()
        )
    );
    let run = sidewatch(&["scan", "--format", "xml", "-"], b"[]");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("table, json, asff"), "{}", run.stderr);
    let fixture = s3_8_fixture(PASS);
    assert!(fixture.exists());
}

/// The binary's peak memory stays flat while it reads a ~25 MB stream: the peak resident size
/// (`VmHWM`) is read while the process waits for more input, after its first items (the
/// baseline: code and relocations, which grow with the binary) and after it has consumed all but
/// a pipe buffer of the input; the difference is what reading cost.
#[cfg(target_os = "linux")]
#[test]
fn memory_stays_flat_on_a_large_stream() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    const N: usize = 1_000;
    let mut child = Command::new(env!("CARGO_BIN_EXE_sidewatch"))
        .args(["scan", "-q", "--controls", "S3.8", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).unwrap();
        text.lines().filter(|l| l.contains("NON_COMPLIANT")).count()
    });
    // Large items (a 25 KB field), as IAM policies and big security groups make them.
    let mut big = s3_8_item(FAIL);
    big["configuration"]["padding"] = json!("x".repeat(25_000));
    let template = big.to_string();
    let mut stdin = child.stdin.take().unwrap();
    let mut written = 0;
    let peak_kib = |pid: u32| -> usize {
        std::thread::sleep(std::time::Duration::from_millis(200));
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc/PID/status")
    };
    // The baseline: the process after its first items (its code and relocations, which grow
    // with the binary, not with the input).
    let mut baseline_kib = 0;
    for i in 0..N {
        let line = template.replace("example-website-bucket", &format!("bucket-{i}")) + "\n";
        stdin.write_all(line.as_bytes()).unwrap();
        written += line.len();
        if i == 10 {
            stdin.flush().unwrap();
            baseline_kib = peak_kib(child.id());
        }
    }
    stdin.flush().unwrap();
    let peak_kib = peak_kib(child.id());
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(reader.join().unwrap(), N);
    assert_eq!(out.status.code(), Some(1));
    assert!(written > 24 << 20, "the input is large ({written} bytes)");
    // A scan that kept what it read would grow by more than the input's 25 MB.
    assert!(
        peak_kib.saturating_sub(baseline_kib) < 8 * 1024 && peak_kib < 64 * 1024,
        "peak resident memory {peak_kib} KiB (baseline {baseline_kib} KiB) after reading \
         {written} bytes: the scan collects"
    );
}

#[test]
fn asff_findings_parse_and_carry_the_required_fields() {
    let run = sidewatch(
        &["scan", "--controls", "S3.8", "--format", "asff", "-"],
        snapshot(&[PASS, FAIL, FAIL_NO_BLOCK, NA]).as_bytes(),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let findings = run.json();
    let findings = findings.as_array().expect("a JSON array of findings");
    assert_eq!(
        findings.len(),
        4,
        "one per control and resource, passed ones included"
    );
    // The attributes BatchImportFindings requires, and the ones sidewatch promises.
    const REQUIRED: [&str; 12] = [
        "SchemaVersion",
        "Id",
        "ProductArn",
        "GeneratorId",
        "AwsAccountId",
        "Types",
        "CreatedAt",
        "UpdatedAt",
        "Severity",
        "Title",
        "Description",
        "Resources",
    ];
    for f in findings {
        for field in REQUIRED {
            let value = &f[field];
            let present = match value {
                Value::String(s) => !s.trim().is_empty(),
                Value::Array(a) => !a.is_empty(),
                Value::Object(o) => !o.is_empty(),
                _ => false,
            };
            assert!(present, "{field} missing or empty in {f:#}");
        }
        assert_eq!(f["SchemaVersion"], "2018-10-08");
        assert_eq!(f["GeneratorId"], "sidewatch/S3.8");
        assert_eq!(f["ProductFields"]["sidewatch/Source"], "cli");
        assert_eq!(f["Compliance"]["SecurityControlId"], "S3.8");
        assert_eq!(f["Resources"][0]["Type"], "AwsS3Bucket");
        assert!(
            f["Resources"][0]["Id"]
                .as_str()
                .unwrap()
                .starts_with("arn:aws:s3:::")
        );
        assert!(f["FindingProviderFields"]["Severity"]["Label"].is_string());
        let product_arn = f["ProductArn"].as_str().unwrap();
        assert!(
            product_arn.ends_with(":123456789012:product/123456789012/default"),
            "{product_arn}"
        );
    }
    let by_bucket = |id: &str| {
        findings
            .iter()
            .find(|f| f["Resources"][0]["Id"] == format!("arn:aws:s3:::{id}"))
            .unwrap_or_else(|| panic!("no finding for {id}"))
    };
    let failed = by_bucket("example-website-bucket");
    assert_eq!(failed["Compliance"]["Status"], "FAILED");
    assert_eq!(failed["Severity"]["Label"], "HIGH");
    assert_eq!(failed["RecordState"], "ACTIVE");
    assert_eq!(
        by_bucket("example-private-bucket")["Compliance"]["Status"],
        "PASSED"
    );
    assert_eq!(by_bucket("example-old-bucket")["RecordState"], "ARCHIVED");
    let ids: std::collections::BTreeSet<&str> =
        findings.iter().map(|f| f["Id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 4, "distinct resources get distinct finding ids");
}

#[test]
fn asff_ids_are_stable_and_follow_the_overrides() {
    let args = ["scan", "--controls", "S3.8", "--format", "asff", "-"];
    let input = snapshot(&[FAIL]);
    let first = sidewatch(&args, input.as_bytes()).json();
    let second = sidewatch(&args, input.as_bytes()).json();
    assert_eq!(
        first[0]["Id"], second[0]["Id"],
        "re-evaluation updates the same finding"
    );
    let mut moved = args.to_vec();
    moved.extend(["--account", "210987654321", "--region", "eu-central-1"]);
    let run = sidewatch(&moved, input.as_bytes());
    let f = &run.json()[0];
    assert_eq!(f["AwsAccountId"], "210987654321");
    assert_eq!(f["Resources"][0]["Region"], "eu-central-1");
    assert_ne!(f["Id"], first[0]["Id"]);
}

#[test]
fn asff_without_an_account_id_says_to_pass_account() {
    let mut item = s3_8_item(FAIL);
    item.as_object_mut().unwrap().remove("awsAccountId");
    let input = json!([item, s3_8_item(PASS)]).to_string();
    let args = ["scan", "--controls", "S3.8", "--format", "asff", "-"];
    let run = sidewatch(&args, input.as_bytes());
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("--account"), "{}", run.stderr);
    assert_eq!(
        run.json().as_array().unwrap().len(),
        1,
        "the other finding is still written"
    );
    let mut with_account = args.to_vec();
    with_account.extend(["--account", "123456789012"]);
    let run = sidewatch(&with_account, input.as_bytes());
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.json().as_array().unwrap().len(), 2);
}
