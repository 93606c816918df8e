//! Every output format of `sidewatch scan`, byte for byte, over two inputs: the shipped example
//! snapshot (notification shape, one snapshot file) and every control fixture as JSON Lines on
//! standard input (API and notification shapes, evidence, deleted and broken items). The reader,
//! the engine and the writers are tuned for speed (see the README's Benchmarks); these goldens
//! are what says the tuning changed no byte of what a user gets: standard output, standard error
//! and the exit code.
//!
//! The example's goldens are gzip files under `crates/cli/tests/golden/` (its ASFF and OCSF
//! outputs are megabytes of repetitive JSON); on a difference the test names the first line that
//! differs. The fixtures' outputs are ten times larger, so only their SHA-256 and size are kept;
//! on a difference the output is written to `target/golden/` to compare with a run of the
//! previous revision. The scan's clock reading (`CreatedAt` / `UpdatedAt`, OCSF `time`) is
//! replaced by `<now>`; nothing else is touched. `SIDEWATCH_BLESS=1 cargo test -p sidewatch-cli
//! --test golden` rewrites them when a change is intended.

mod common;

use common::{root, sidewatch_with_env};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const FORMATS: [&str; 4] = ["table", "json", "asff", "ocsf"];

/// How a golden is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kept {
    /// The whole output, gzip.
    Whole,
    /// Its SHA-256, size and line count.
    Digest,
}

fn golden_path(input: &str, format: &str, kept: Kept) -> PathBuf {
    let extension = match kept {
        Kept::Whole => "gz",
        Kept::Digest => "sha256",
    };
    root().join(format!(
        "crates/cli/tests/golden/{input}.{format}.{extension}"
    ))
}

fn digest(text: &str) -> String {
    let hash: String = Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!(
        "{hash}  {} bytes, {} lines\n",
        text.len(),
        text.lines().count()
    )
}

/// Every `.json` fixture of every control, in path order.
fn fixture_paths() -> Vec<PathBuf> {
    let mut paths = Vec::new();
    let mut stack = vec![root().join("crates/core/src/controls")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json")
                && path.components().any(|c| c.as_os_str() == "fixtures")
            {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
}

/// The fixtures as JSON Lines: each one compacted onto one line, in path order.
fn fixture_lines() -> Vec<u8> {
    let mut lines = Vec::new();
    for path in fixture_paths() {
        let text = std::fs::read_to_string(&path).unwrap();
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(value) => lines.extend_from_slice(value.to_string().as_bytes()),
            // A fixture that is deliberately not JSON is fed as it is, newlines folded.
            Err(_) => lines.extend_from_slice(text.replace('\n', " ").as_bytes()),
        }
        lines.push(b'\n');
    }
    lines
}

/// A run of the real binary as one text: standard output, standard error, exit code. The
/// environment cannot choose a Region (global items are placed by the input alone).
fn scan(format: &str, file: Option<&Path>, stdin: &[u8]) -> String {
    let file = file.map_or_else(|| "-".to_owned(), |p| p.display().to_string());
    let nowhere = root()
        .join("target/no-such-aws-config")
        .display()
        .to_string();
    let env = [
        ("AWS_REGION", String::new()),
        ("AWS_DEFAULT_REGION", String::new()),
        ("AWS_PROFILE", String::new()),
        ("NO_COLOR", String::new()),
        ("AWS_CONFIG_FILE", nowhere.clone()),
        ("AWS_SHARED_CREDENTIALS_FILE", nowhere),
    ];
    let run = sidewatch_with_env(&["scan", "--format", format, &file], stdin, &env);
    let text = format!(
        "{}--- standard error ---\n{}--- exit code {} ---\n",
        run.stdout, run.stderr, run.code
    );
    without_clock(&text)
}

/// `text` with the scan's clock reading replaced: the RFC 3339 text of ASFF's `UpdatedAt`, and
/// the milliseconds of OCSF's `time`.
fn without_clock(text: &str) -> String {
    let mut text = text.to_owned();
    if let Some(now) = value_after(&text, "\"UpdatedAt\":\"", |c| c != '"') {
        text = text.replace(&now, "<now>");
    }
    if let Some(now) = value_after(&text, "\"time\":", |c| c.is_ascii_digit()) {
        text = text.replace(&format!(":{now}"), ":<now>");
    }
    text
}

fn value_after(text: &str, key: &str, part: impl Fn(char) -> bool) -> Option<String> {
    let start = text.find(key)? + key.len();
    let value: String = text[start..].chars().take_while(|c| part(*c)).collect();
    (!value.is_empty()).then_some(value)
}

fn check(input: &str, format: &str, kept: Kept, actual: &str) -> Option<String> {
    let path = golden_path(input, format, kept);
    let bless = std::env::var_os("SIDEWATCH_BLESS").is_some_and(|v| v == "1");
    if bless {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    }
    if kept == Kept::Digest {
        if bless {
            std::fs::write(&path, digest(actual)).unwrap();
        }
        let golden = std::fs::read_to_string(&path).unwrap_or_default();
        if golden == digest(actual) {
            return None;
        }
        let out = root().join(format!("target/golden/{input}.{format}"));
        std::fs::create_dir_all(out.parent().unwrap()).unwrap();
        std::fs::write(&out, actual).unwrap();
        return Some(format!(
            "{input} --format {format}: {} is not {}; the output is in {}",
            digest(actual).trim_end(),
            golden.trim_end(),
            out.display()
        ));
    }
    if bless {
        let mut gz = GzEncoder::new(Vec::new(), Compression::best());
        gz.write_all(actual.as_bytes()).unwrap();
        std::fs::write(&path, gz.finish().unwrap()).unwrap();
    }
    let mut golden = String::new();
    if let Ok(file) = std::fs::File::open(&path) {
        GzDecoder::new(file).read_to_string(&mut golden).unwrap();
    }
    if golden == actual {
        return None;
    }
    let line = golden
        .lines()
        .zip(actual.lines())
        .position(|(g, a)| g != a)
        .unwrap_or_else(|| golden.lines().count().min(actual.lines().count()));
    let show = |text: &str| text.lines().nth(line).unwrap_or("<end>").to_owned();
    Some(format!(
        "{input} --format {format}: differs from {} at line {}:\n  golden: {}\n  actual: {}",
        path.display(),
        line + 1,
        show(&golden),
        show(actual)
    ))
}

fn check_all(input: &str, kept: Kept, file: Option<&Path>, stdin: &[u8]) {
    let failures: Vec<String> = FORMATS
        .iter()
        .filter_map(|format| check(input, format, kept, &scan(format, file, stdin)))
        .collect();
    assert!(
        failures.is_empty(),
        "{}\nIf the change is intended, rewrite the goldens with:\n  SIDEWATCH_BLESS=1 cargo test \
         -p sidewatch-cli --test golden",
        failures.join("\n")
    );
}

#[test]
fn every_format_of_the_example_scan_is_its_golden() {
    // Relative to the package directory tests run in, so no machine path enters the golden.
    check_all(
        "example",
        Kept::Whole,
        Some(Path::new("../../examples/config-snapshot.json")),
        b"",
    );
}

#[test]
fn every_format_of_the_fixtures_as_json_lines_is_its_golden() {
    let lines = fixture_lines();
    assert!(lines.len() > 100_000, "the fixtures were found");
    check_all("fixtures", Kept::Digest, None, &lines);
}
