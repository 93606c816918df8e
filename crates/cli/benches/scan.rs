//! `sidewatch scan` on a generated large Config snapshot, beside the plain parse of the same
//! file: Python's `json.load` and a serde_json parse into derived structs. The goals are ratios
//! (issue 21): table and JSON at most a third of Python's parse time, ASFF no slower than it,
//! memory flat.
//!
//! Run with `cargo bench -p sidewatch-cli --bench scan` (optionally `-- 200000` for the item count
//! of the large file). It prints a Markdown table for the README. The snapshot is built from every
//! `pass-` / `fail-` control fixture in the notification shape, each copied with a unique resource
//! id, so the mix of resource types and verdicts follows the catalog.
//!
//! Every figure is the median of [`RUNS`] runs after a warm-up (the file is in the page cache):
//! wall time, CPU time (user + system, all threads) and peak resident set size, from GNU `time`
//! for the real binary and Python, from `/proc` for the in-process serde parse. The scans write
//! to `/dev/null`, so what is measured is sidewatch, not the disk.

use serde::Deserialize;
use serde::de::{SeqAccess, Visitor};
use serde_json::Value;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs measured per figure; `SIDEWATCH_BENCH_RUNS` changes it (odd, for a median).
const RUNS: usize = 5;

fn runs() -> usize {
    std::env::var("SIDEWATCH_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n: &usize| *n > 0)
        .unwrap_or(RUNS)
}

fn main() {
    let large: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(200_000);
    let small = large / 4;
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let templates = templates();
    let small_path = generate(&dir, &templates, small);
    let large_path = generate(&dir, &templates, large);
    let size_mb = std::fs::metadata(&large_path).unwrap().len() as f64 / 1e6;
    let verdicts = verdict_count(&large_path);
    eprintln!(
        "snapshot: {large} items, {size_mb:.0} MB, {} item templates, {verdicts} verdicts",
        templates.len()
    );

    let python = python()
        .map(|python| median(|| run(Command::new(&python).args(PYTHON_LOAD).arg(&large_path))));
    let serde = median(|| in_process(|| serde_parse(&large_path)));
    let scan = |format: &str, path: &Path| {
        run(Command::new(env!("CARGO_BIN_EXE_sidewatch"))
            .args(["scan", "-q", "--fail-on", "none", "--region", "us-east-1"])
            .args(["--format", format])
            .arg(path))
    };
    let (table, json, asff) = (
        median(|| scan("table", &large_path)),
        median(|| scan("json", &large_path)),
        median(|| scan("asff", &large_path)),
    );
    let peak_small = scan("asff", &small_path).peak_mb;

    println!(
        "| {large} items ({verdicts} verdicts), {size_mb:.0} MB snapshot, median of {} | wall time | CPU time | peak memory | vs Python `json.load` (wall) | vs serde parse (wall) |",
        runs()
    );
    println!("|---|---|---|---|---|---|");
    let python_wall = python.map(|p| p.wall.as_secs_f64());
    let mut rows = Vec::new();
    if let Some(p) = python {
        rows.push(("Python `json.load` of the file (parse only)", p));
    }
    rows.extend([
        (
            "serde_json into derived structs, `configuration` as a `Value` (parse only)",
            serde,
        ),
        ("`scan --format table`", table),
        ("`scan --format json`", json),
        ("`scan --format asff`", asff),
    ]);
    for (name, t) in rows {
        let wall = t.wall.as_secs_f64();
        let vs_python = python_wall.map_or("–".to_owned(), |p| format!("{:.2}×", wall / p));
        println!(
            "| {name} | {wall:.2} s | {:.2} s | {:.0} MB | {vs_python} | {:.2}× |",
            t.cpu.as_secs_f64(),
            t.peak_mb,
            wall / serde.wall.as_secs_f64()
        );
    }
    println!();
    println!(
        "Peak memory of `scan --format asff`: {:.1} MB at {small} items, {:.1} MB at {large} items.",
        peak_small, asff.peak_mb
    );
}

/// Python's parse of the file alone.
const PYTHON_LOAD: [&str; 2] = ["-c", "import json, sys; json.load(open(sys.argv[1], 'rb'))"];

/// `python3`, when there is one.
fn python() -> Option<PathBuf> {
    let ok = Command::new("python3")
        .args(["-c", "pass"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("python3 not found: the Python row is left out");
    }
    ok.then(|| PathBuf::from("python3"))
}

/// Notification-shape `pass-` and `fail-` fixtures of every control whose resource AWS Config
/// records: sidewatch's synthetic `AWS::::Account` items never appear in a Config snapshot.
fn templates() -> Vec<Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/src/controls");
    let mut paths = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                stack.push(path);
            } else if (name.starts_with("pass-") || name.starts_with("fail-"))
                && name.ends_with(".json")
            {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
        .iter()
        .map(|p| serde_json::from_str::<Value>(&std::fs::read_to_string(p).unwrap()).unwrap())
        .filter(|v| v.get("configuration").is_some_and(Value::is_object))
        .filter(|v| v["resourceType"] != sidewatch_core::ACCOUNT_RESOURCE_TYPE)
        .collect()
}

/// Writes a snapshot of `count` items (reused when it exists) and returns its path.
fn generate(dir: &Path, templates: &[Value], count: usize) -> PathBuf {
    let path = dir.join(format!("snapshot-{count}-{}.json", templates.len()));
    if path.exists() {
        return path;
    }
    let mut out = BufWriter::new(File::create(&path).unwrap());
    write!(
        out,
        r#"{{"fileVersion":"1.0","configSnapshotId":"bench","configurationItems":["#
    )
    .unwrap();
    for i in 0..count {
        let mut item = templates[i % templates.len()].clone();
        let id = format!("{}-{i}", item["resourceId"].as_str().unwrap_or("r"));
        if let Some(arn) = item.get("ARN").and_then(Value::as_str) {
            item["ARN"] = Value::String(format!("{arn}-{i}"));
        }
        item["resourceId"] = Value::String(id);
        if i > 0 {
            out.write_all(b",").unwrap();
        }
        serde_json::to_writer(&mut out, &item).unwrap();
    }
    out.write_all(b"]}").unwrap();
    out.flush().unwrap();
    path
}

/// What one run took.
#[derive(Debug, Clone, Copy)]
struct Timing {
    wall: Duration,
    cpu: Duration,
    peak_mb: f64,
}

/// Runs `command` to its end, its output to `/dev/null`, under GNU `time` (`/usr/bin/time`) for
/// its CPU time and peak memory; without it, only the wall time is measured.
fn run(command: &mut Command) -> Timing {
    let report = std::env::temp_dir().join(format!("sidewatch-bench-{}.time", std::process::id()));
    let timed = Path::new(GNU_TIME).exists();
    let mut child = if timed {
        let mut wrapped = Command::new(GNU_TIME);
        wrapped
            .args(["-f", "%U %S %M", "-o"])
            .arg(&report)
            .arg(command.get_program())
            .args(command.get_args());
        wrapped
    } else {
        Command::new(command.get_program())
    };
    if !timed {
        child.args(command.get_args());
    }
    let wall0 = Instant::now();
    let status = child
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .status()
        .unwrap();
    let wall = wall0.elapsed();
    assert!(status.success(), "{command:?} failed");
    let text = if timed {
        std::fs::read_to_string(&report).unwrap()
    } else {
        String::new()
    };
    let fields: Vec<f64> = text
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    match fields[..] {
        [user, system, peak_kb] => Timing {
            wall,
            cpu: Duration::from_secs_f64(user + system),
            peak_mb: peak_kb / 1024.0,
        },
        _ => Timing {
            wall,
            cpu: Duration::ZERO,
            peak_mb: 0.0,
        },
    }
}

const GNU_TIME: &str = "/usr/bin/time";

/// Runs `f` on this thread: wall time, this thread's CPU time (from
/// `/proc/thread-self/schedstat`), and the process's peak memory so far (`VmHWM`).
fn in_process(f: impl FnOnce()) -> Timing {
    let cpu = || {
        let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap();
        let ns: u64 = text.split_whitespace().next().unwrap().parse().unwrap();
        Duration::from_nanos(ns)
    };
    let (cpu0, wall0) = (cpu(), Instant::now());
    f();
    let wall = wall0.elapsed();
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let peak_kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_default();
    Timing {
        wall,
        cpu: cpu().saturating_sub(cpu0),
        peak_mb: peak_kb / 1024.0,
    }
}

/// The run with the median wall time, after one warm-up run.
fn median(mut run: impl FnMut() -> Timing) -> Timing {
    run(); // warm the page cache
    let mut timings: Vec<Timing> = (0..runs()).map(|_| run()).collect();
    timings.sort_by_key(|t| t.wall);
    timings[timings.len() / 2]
}

/// How many verdicts a scan of `path` gives (the work the output formats do is per verdict).
fn verdict_count(path: &Path) -> usize {
    let engine = sidewatch_core::Engine::with_defaults();
    let mut verdicts = 0;
    sidewatch_core::snapshot::read_items(File::open(path).unwrap(), |outcome| {
        if let Ok(item) = outcome {
            verdicts += engine.evaluate(&item).len();
        }
    })
    .unwrap();
    verdicts
}

/// The fields of a configuration item a scan reads, as a plain program would derive them.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // Parsed to be dropped.
struct Item {
    resource_type: String,
    resource_id: String,
    resource_name: Option<String>,
    #[serde(rename = "ARN")]
    arn: Option<String>,
    aws_account_id: Option<String>,
    aws_region: Option<String>,
    availability_zone: Option<String>,
    configuration_item_status: Option<String>,
    configuration_item_capture_time: Option<String>,
    configuration_item_version: Option<String>,
    #[serde(default)]
    tags: Value,
    #[serde(default)]
    related_events: Value,
    #[serde(default)]
    configuration: Value,
    #[serde(default)]
    supplementary_configuration: Value,
}

/// A snapshot file whose items are parsed one by one and dropped (never all in memory).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct Snapshot {
    #[serde(default)]
    file_version: Option<String>,
    #[serde(default)]
    config_snapshot_id: Option<String>,
    configuration_items: Items,
}

struct Items(usize);

impl<'de> Deserialize<'de> for Items {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Count;
        impl<'de> Visitor<'de> for Count {
            type Value = Items;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("items")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Items, A::Error> {
                let mut n = 0;
                while seq.next_element::<Item>()?.is_some() {
                    n += 1;
                }
                Ok(Items(n))
            }
        }
        d.deserialize_seq(Count)
    }
}

/// The plain parse: the file read into memory, then parsed with serde_json into [`Item`]s.
fn serde_parse(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    let snapshot: Snapshot = serde_json::from_slice(&bytes).unwrap();
    assert!(snapshot.configuration_items.0 > 0);
}
