//! `sidewatch scan` on a generated large Config snapshot, against a parse-only baseline of the
//! same file, plus the peak memory of the real binary as the snapshot grows.
//!
//! Run with `cargo bench -p sidewatch-cli --bench scan` (optionally `-- 200000` for the item count
//! of the large file). It prints a Markdown table for the README. The snapshot is built from every
//! `pass-` / `fail-` control fixture in the notification shape, each copied with a unique resource
//! id, so the mix of resource types and verdicts follows the catalog.

use serde_json::Value;
use sidewatch_cli::Io;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 5;

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

    let parse = median(|| timed(|| parse_only(&large_path)));
    let table = median(|| timed(|| scan_in_process(&large_path, &["--format", "table"])));
    let json = median(|| timed(|| scan_in_process(&large_path, &["--format", "json"])));
    let asff = median(|| {
        timed(|| scan_in_process(&large_path, &["--format", "asff", "--region", "us-east-1"]))
    });
    let peak_small = peak_rss_mb(&small_path);
    let peak_large = peak_rss_mb(&large_path);

    let per_sec = |d: Duration| large as f64 / d.as_secs_f64();
    println!(
        "| {large} items ({verdicts} verdicts), {size_mb:.0} MB snapshot, median of {RUNS} | wall time | CPU time | items/s (CPU) | vs parse-only (CPU) |"
    );
    println!("|---|---|---|---|---|");
    for (name, t) in [
        ("parse only (stream every item, no evaluation)", parse),
        ("`scan --format table`", table),
        ("`scan --format json`", json),
        ("`scan --format asff`", asff),
    ] {
        println!(
            "| {name} | {:.2} s | {:.2} s | {:.0} | {:.2}× |",
            t.wall.as_secs_f64(),
            t.cpu.as_secs_f64(),
            per_sec(t.cpu),
            t.cpu.as_secs_f64() / parse.cpu.as_secs_f64()
        );
    }
    println!();
    println!("| peak memory of `sidewatch scan --format asff` | {small} items | {large} items |");
    println!("|---|---|---|");
    println!("| resident set size (VmHWM) | {peak_small:.1} MB | {peak_large:.1} MB |");
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

/// Wall-clock time and the time this thread spent on a CPU. The second barely moves when other
/// processes load the machine, so the ratios are computed from it.
#[derive(Debug, Clone, Copy)]
struct Timing {
    wall: Duration,
    cpu: Duration,
}

fn timed(run: impl FnOnce()) -> Timing {
    let (cpu0, wall0) = (thread_cpu(), Instant::now());
    run();
    Timing {
        wall: wall0.elapsed(),
        cpu: thread_cpu().saturating_sub(cpu0),
    }
}

/// This thread's on-CPU time, from the first field of `/proc/thread-self/schedstat` (ns).
fn thread_cpu() -> Duration {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap();
    let ns: u64 = text.split_whitespace().next().unwrap().parse().unwrap();
    Duration::from_nanos(ns)
}

/// The run with the median CPU time, after one warm-up run.
fn median(mut run: impl FnMut() -> Timing) -> Timing {
    run(); // warm the page cache
    let mut runs: Vec<Timing> = (0..RUNS).map(|_| run()).collect();
    runs.sort_by_key(|t| t.cpu);
    runs[RUNS / 2]
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

fn parse_only(path: &Path) {
    let mut items = 0usize;
    sidewatch_core::snapshot::read_items(File::open(path).unwrap(), |_| items += 1).unwrap();
    assert!(items > 0);
}

fn scan_in_process(path: &Path, format: &[&str]) {
    let mut args = vec!["sidewatch", "scan", "-q", "--fail-on", "none"];
    args.extend_from_slice(format);
    args.push(path.to_str().unwrap());
    let (mut stdin, mut stdout, mut stderr) = (io::empty(), io::sink(), io::sink());
    let mut io = Io::piped(&mut stdin, &mut stdout, &mut stderr);
    let code = sidewatch_cli::run(args, &mut io);
    assert_eq!(code, 0, "scan failed");
}

/// Peak resident set size of the real binary scanning `path`, read from `/proc/<pid>/status`
/// (VmHWM, the high-water mark) every 2 ms until the process exits. Linux only.
fn peak_rss_mb(path: &Path) -> f64 {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sidewatch"))
        .args([
            "scan",
            "-q",
            "--fail-on",
            "none",
            "--format",
            "asff",
            "--region",
            "us-east-1",
        ])
        .arg(path)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_path)
            && let Some(kb) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak_kb = peak_kb.max(kb);
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    peak_kb as f64 / 1024.0
}
