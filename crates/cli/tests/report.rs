//! `sidewatch report` end to end, with the real binary: the report of the example snapshot against
//! the scan it came from, the same report from the scan's ASFF and JSON files, the HTML parsed as
//! XML and rendered by a real headless Chromium, and bad input.
//!
//! `docs/report-example.md` is the Markdown report of the example; `docs/report.png` the browser's
//! screenshot of its HTML. `SIDEWATCH_BLESS=1` rewrites both (the PNG only then: fonts differ from
//! machine to machine, so it is not compared).

mod common;

use common::{root, scratch};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const EXAMPLE: &str = "examples/config-snapshot.json";

/// Runs `sidewatch ARGS` in the repository root (so inputs are named as in the README).
fn sidewatch_in_root(args: &[&str]) -> common::Run {
    let out = Command::new(env!("CARGO_BIN_EXE_sidewatch"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .expect("the sidewatch binary runs");
    common::Run {
        code: out.status.code().expect("exited normally"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn blessing() -> bool {
    std::env::var_os("SIDEWATCH_BLESS").is_some_and(|v| v == "1")
}

/// The report's status counts as the scan's statuses.
fn count_key(status: &str) -> &'static str {
    match status {
        "COMPLIANT" => "passed",
        "NON_COMPLIANT" => "failed",
        "INSUFFICIENT_DATA" => "insufficientData",
        "NOT_APPLICABLE" => "notApplicable",
        other => panic!("unknown status {other}"),
    }
}

fn sections(report: &Value) -> Vec<&Value> {
    let mut all: Vec<&Value> = report["services"].as_array().unwrap().iter().collect();
    if !report["account"].is_null() {
        all.push(&report["account"]);
    }
    all
}

#[test]
fn the_json_report_adds_up_to_the_scan_it_came_from() {
    let scan = sidewatch_in_root(&["scan", "--format", "json", "-q", EXAMPLE]);
    assert_eq!(scan.code, 1, "{}", scan.stderr);
    let verdicts = scan.json();
    let verdicts = verdicts.as_array().unwrap();
    let run = sidewatch_in_root(&["report", "--format", "json", "--top", "1000", EXAMPLE]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report["input"], EXAMPLE);

    // Where each control's verdicts belong, from the catalog listing.
    let catalog = sidewatch_in_root(&["controls", "--format", "json"]).json();
    let place: BTreeMap<String, (String, String)> = catalog
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let id = c["id"].as_str().unwrap().to_owned();
            let service = c["service"].as_str().unwrap().to_owned();
            (id, (service, c["duty"].as_str().unwrap().to_owned()))
        })
        .collect();

    // Expected counts per (service, duty, control, status), and the failures, from the scan.
    let mut expected: BTreeMap<(String, String, String, &str), u64> = BTreeMap::new();
    let mut failures = Vec::new();
    for v in verdicts {
        let id = v["controlId"].as_str().unwrap();
        let (service, duty) = place[id].clone();
        let status = count_key(v["status"].as_str().unwrap());
        *expected
            .entry((service, duty, id.to_owned(), status))
            .or_default() += 1;
        if status == "failed" {
            failures.push(json!([id, v["resourceType"], v["resourceId"], v["reason"]]));
        }
    }
    let mut seen: BTreeMap<(String, String, String, &str), u64> = BTreeMap::new();
    let mut listed = Vec::new();
    let mut total = 0;
    for section in sections(&report) {
        let service = section["service"].as_str().unwrap();
        let mut service_total = 0;
        for duty in section["duties"].as_array().unwrap() {
            let name = duty["duty"].as_str().unwrap();
            let mut duty_total = 0;
            for control in duty["controls"].as_array().unwrap() {
                for status in ["passed", "failed", "insufficientData", "notApplicable"] {
                    let n = control["counts"][status].as_u64().unwrap();
                    if n > 0 {
                        let key = (
                            service.to_owned(),
                            name.to_owned(),
                            control["id"].as_str().unwrap().to_owned(),
                            status,
                        );
                        assert!(seen.insert(key, n).is_none(), "a control once per duty");
                    }
                }
                duty_total += control["counts"]["total"].as_u64().unwrap();
            }
            assert_eq!(duty["counts"]["total"], duty_total, "{service} {name}");
            if duty["coverage"] == "not-checked" {
                assert_eq!(duty_total, 0, "an unchecked duty counts nothing");
                assert!(duty["controls"].as_array().unwrap().is_empty());
            }
            assert_eq!(
                duty["failing"].as_array().unwrap().len() as u64,
                duty["counts"]["failed"].as_u64().unwrap(),
                "--top 1000 lists every failure"
            );
            for f in duty["failing"].as_array().unwrap() {
                listed.push(json!([
                    f["controlId"],
                    f["resourceType"],
                    f["resourceId"],
                    f["reason"]
                ]));
            }
            service_total += duty_total;
        }
        assert_eq!(section["counts"]["total"], service_total, "{service}");
        total += service_total;
    }
    assert_eq!(seen, expected, "every verdict in its one service and duty");
    assert_eq!(total, verdicts.len() as u64);
    assert_eq!(report["totals"]["total"], total);
    failures.sort_by_key(|f| f.to_string());
    listed.sort_by_key(|f| f.to_string());
    assert_eq!(
        listed, failures,
        "the failing resources are the scan's failures"
    );
    // The example covers some duties no control checks, and says so.
    assert!(sections(&report).iter().any(|s| {
        s["duties"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["coverage"] == "not-checked")
    }));
    assert_eq!(report["account"]["category"], "account");
}

/// The report without what names its input.
fn content(mut report: Value) -> Value {
    let object = report.as_object_mut().unwrap();
    object.remove("input");
    object.remove("itemsWithoutControl");
    report
}

#[test]
fn the_report_from_the_scan_s_asff_or_json_file_equals_the_one_from_the_snapshot() {
    let dir = scratch("report-asff");
    let from_snapshot = sidewatch_in_root(&["report", "--format", "json", EXAMPLE]);
    assert_eq!(from_snapshot.code, 0, "{}", from_snapshot.stderr);
    for format in ["asff", "json"] {
        let scan = sidewatch_in_root(&["scan", "--format", format, "-q", EXAMPLE]);
        assert_eq!(scan.code, 1, "{}", scan.stderr);
        let file = dir.join(format!("findings-{format}.json"));
        std::fs::write(&file, &scan.stdout).unwrap();
        let file = file.to_str().unwrap();
        let run = sidewatch_in_root(&["report", "--format", "json", file]);
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        assert_eq!(run.json()["input"], file);
        assert_eq!(
            content(run.json()),
            content(from_snapshot.json()),
            "{format}: the same report"
        );
    }
}

#[test]
fn the_markdown_report_of_the_example_is_docs_report_example_md() {
    let run = sidewatch_in_root(&["report", EXAMPLE]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("# Shared responsibility report\n"));
    assert!(run.stdout.contains("## Services in use"));
    assert!(run.stdout.contains("## Account-level duties"));
    assert!(run.stdout.contains("— not checked by sidewatch"));
    let path = root().join("docs/report-example.md");
    if blessing() {
        std::fs::write(&path, &run.stdout).unwrap();
        return;
    }
    let golden = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        golden == run.stdout,
        "docs/report-example.md is out of date with `sidewatch report {EXAMPLE}`. Regenerate it \
         with:\n  SIDEWATCH_BLESS=1 cargo test -p sidewatch-cli --test report"
    );
    let snapshot = std::fs::read(root().join(EXAMPLE)).unwrap();
    let piped = common::sidewatch(&["report", "-"], &snapshot);
    assert_eq!(piped.code, 0, "{}", piped.stderr);
    assert_eq!(
        piped
            .stdout
            .replace("from: standard input", &format!("from: {EXAMPLE}")),
        run.stdout,
        "standard input reads like the file"
    );
    assert!(
        piped.stderr.starts_with("sidewatch: report of "),
        "{}",
        piped.stderr
    );
    let ja = sidewatch_in_root(&["report", "--lang", "ja", EXAMPLE]);
    assert!(
        ja.stdout.starts_with("# 責任共有モデル レポート\n"),
        "{}",
        ja.stdout
    );
    assert!(ja.stdout.contains("## アカウントレベルの責任"));
    assert!(ja.stdout.contains("### データ保護と暗号化"));
}

/// Parses the HTML as XML: well-formed, and nothing in it fetches anything.
fn check_self_contained(html: &str) {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(html, options)
        .unwrap_or_else(|e| panic!("the HTML is not well-formed: {e}"));
    assert_eq!(doc.root_element().tag_name().name(), "html");
    for node in doc.descendants().filter(|n| n.is_element()) {
        let tag = node.tag_name().name();
        assert!(
            !matches!(
                tag,
                "script" | "link" | "img" | "iframe" | "object" | "embed"
            ),
            "<{tag}>"
        );
        for attr in node.attributes() {
            assert!(
                !matches!(attr.name(), "href" | "src" | "srcset" | "action" | "data"),
                "<{tag} {}=…>",
                attr.name()
            );
        }
        if tag == "style" {
            let css = node.text().unwrap_or_default();
            assert!(!css.contains("url(") && !css.contains("@import"), "{css}");
        }
    }
    assert!(doc.descendants().any(|n| n.has_tag_name("svg")));
}

/// Writes the example's HTML report with `-o` into a scratch directory; returns its path.
fn html_report(test: &str) -> std::path::PathBuf {
    let out = scratch(test).join("report.html");
    let run = sidewatch_in_root(&[
        "report",
        EXAMPLE,
        "--format",
        "html",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
    out
}

#[test]
fn the_html_report_is_one_well_formed_self_contained_file() {
    let out = html_report("report-html");
    let html = std::fs::read_to_string(&out).unwrap();
    check_self_contained(&html);
    let ja = sidewatch_in_root(&["report", EXAMPLE, "--format", "html", "--lang", "ja"]);
    check_self_contained(&ja.stdout);
    assert!(ja.stdout.contains("<html lang=\"ja\">"));
}

/// The Chromium the CI script installs (`SIDEWATCH_CHROMIUM` names another).
fn chromium() -> String {
    let path = std::env::var("SIDEWATCH_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&path).exists(),
        "no Chromium at {path}: install it (apt-get install -y chromium; .ci/run does) or set \
         SIDEWATCH_CHROMIUM"
    );
    path
}

/// Renders `html` to a PNG of `width`×`height` with headless Chromium, offline and bounded in time.
fn screenshot(html: &Path, png: &Path, width: u32, height: u32) {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("--window-size={width},{height}"))
        .arg(format!("file://{}", html.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("Chromium starts");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "Chromium failed: {status}");
            break;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Chromium did not finish the screenshot in 120 s");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// How many pixels of the image are within a few levels of `rgb`.
fn pixels_like(image: &[u8], channels: usize, rgb: [u8; 3]) -> usize {
    image
        .chunks_exact(channels)
        .filter(|p| p.iter().zip(rgb).all(|(a, b)| a.abs_diff(b) <= 6))
        .count()
}

#[test]
fn the_html_report_renders_in_a_headless_browser() {
    let html = html_report("report-browser");
    let png_path = html.with_extension("png");
    let (width, height) = (1280, 1800);
    screenshot(&html, &png_path, width, height);
    let bytes = std::fs::read(&png_path).expect("Chromium wrote the screenshot");
    assert!(
        bytes.len() > 20_000,
        "a screenshot of text and bars: {} bytes",
        bytes.len()
    );
    let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut image = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut image).unwrap();
    assert_eq!((info.width, info.height), (width, height));
    let channels = info.color_type.samples();
    assert!(channels >= 3, "{:?}", info.color_type);
    // The bars are drawn: the PASSED green and the FAILED red of the SVG fill real pixels.
    let green = pixels_like(&image, channels, [0x2e, 0x7d, 0x32]);
    let red = pixels_like(&image, channels, [0xc6, 0x28, 0x28]);
    assert!(green > 500 && red > 500, "green {green}, red {red} pixels");
    if blessing() {
        std::fs::copy(&png_path, root().join("docs/report.png")).unwrap();
    }
}

#[test]
fn bad_input_is_a_clear_error_and_exit_2() {
    let dir = scratch("report-errors");
    let missing = sidewatch_in_root(&["report", "no/such/file.json"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("cannot read 'no/such/file.json'"),
        "{}",
        missing.stderr
    );

    let none = sidewatch_in_root(&["report"]);
    assert_eq!(none.code, 2);
    assert!(none.stderr.contains("error: no input"), "{}", none.stderr);

    // One finding of another product among sidewatch's: named, the rest still reported.
    let scan = sidewatch_in_root(&["scan", "--format", "asff", "-q", EXAMPLE]);
    let mut findings: Vec<Value> = serde_json::from_str(&scan.stdout).unwrap();
    let count = findings.len() as u64;
    let mut foreign = findings[0].clone();
    foreign["Id"] = json!("arn:aws:securityhub:us-east-1:123456789012:other/1");
    foreign["GeneratorId"] = json!("aws-foundational-security-best-practices/v/1.0.0/S3.8");
    foreign["ProductFields"] = json!({});
    findings.push(foreign);
    let file = dir.join("mixed.json");
    std::fs::write(&file, serde_json::to_string(&findings).unwrap()).unwrap();
    let run = sidewatch_in_root(&["report", "--format", "json", file.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "finding arn:aws:securityhub:us-east-1:123456789012:other/1: not a sidewatch finding"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.json()["totals"]["total"],
        count,
        "the others are reported"
    );

    let truncated = dir.join("truncated.json");
    std::fs::write(&truncated, &scan.stdout[..scan.stdout.len() / 2]).unwrap();
    let run = sidewatch_in_root(&["report", truncated.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("not a JSON array of sidewatch verdicts or findings"),
        "{}",
        run.stderr
    );

    let flag = sidewatch_in_root(&["report", "--format", "pdf", EXAMPLE]);
    assert_eq!(flag.code, 2);
    let hub = sidewatch_in_root(&["report", "--security-hub", EXAMPLE]);
    assert_eq!(hub.code, 2, "--security-hub takes no INPUT");
}

/// The counts of every status but NOT_APPLICABLE (Security Hub archives those findings).
fn decided(report: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for section in sections(report) {
        for duty in section["duties"].as_array().unwrap() {
            let counts = &duty["counts"];
            out.push((
                section["service"].as_str().unwrap().to_owned(),
                duty["duty"].as_str().unwrap().to_owned(),
                json!([
                    counts["passed"],
                    counts["failed"],
                    counts["insufficientData"],
                    duty["failing"]
                ]),
            ));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn the_report_from_security_hub_equals_the_one_from_the_findings_it_holds() {
    use sidewatch_core::ports::FindingsSink;
    let dir = scratch("report-security-hub");
    let moto = sidewatch_testkit::Moto::start();
    let scan = sidewatch_in_root(&["scan", "--format", "asff", "-q", EXAMPLE]);
    let file = dir.join("findings.json");
    std::fs::write(&file, &scan.stdout).unwrap();
    let findings: Vec<sidewatch_core::Finding> = serde_json::from_str(&scan.stdout).unwrap();
    assert!(
        findings
            .iter()
            .all(|f| f.aws_account_id == sidewatch_testkit::ACCOUNT)
    );
    let publisher = sidewatch_aws::SecurityHubPublisher::from_sdk_config(&moto.sdk_config().await);
    let delivery = publisher.import(findings).await.unwrap();
    assert!(delivery.is_complete(), "{delivery:?}");

    let mut command = Command::new(env!("CARGO_BIN_EXE_sidewatch"));
    for (key, value) in moto.env() {
        command.env(key, value);
    }
    let out = command
        .args([
            "report",
            "--security-hub",
            "--format",
            "json",
            "--region",
            sidewatch_testkit::REGION,
        ])
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let from_hub: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        from_hub["input"],
        format!(
            "Security Hub, account {}, {}",
            sidewatch_testkit::ACCOUNT,
            sidewatch_testkit::REGION
        )
    );
    let from_file =
        sidewatch_in_root(&["report", "--format", "json", file.to_str().unwrap()]).json();
    assert_eq!(
        from_hub["totals"]["notApplicable"], 0,
        "archived findings are not read"
    );
    for key in ["passed", "failed", "insufficientData"] {
        assert_eq!(from_hub["totals"][key], from_file["totals"][key], "{key}");
    }
    assert_eq!(decided(&from_hub), decided(&from_file));
}
