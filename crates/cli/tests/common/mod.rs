//! Helpers shared by the end-to-end tests: run the real `sidewatch` binary, find fixtures.

#![allow(dead_code)] // Each test crate uses its own subset.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What one run of the binary produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The standard output parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// Runs `sidewatch ARGS` with `stdin` as its standard input.
pub fn sidewatch(args: &[&str], stdin: &[u8]) -> Run {
    sidewatch_with_env(args, stdin, &[])
}

/// Runs `sidewatch ARGS` with `stdin` as its standard input and these environment variables set
/// (an empty value removes the variable).
pub fn sidewatch_with_env(args: &[&str], stdin: &[u8], env: &[(&str, String)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sidewatch"));
    for (key, value) in env {
        if value.is_empty() {
            command.env_remove(key);
        } else {
            command.env(key, value);
        }
    }
    let mut child = command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the sidewatch binary runs");
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    // Fed from a thread so a large input cannot deadlock against a full output pipe. The binary
    // may stop reading early (errors), so a broken pipe here is fine.
    let feeder = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    Run {
        code: out.status.code().expect("exited normally"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The S3.8 fixture called `name`.
pub fn s3_8_fixture(name: &str) -> PathBuf {
    root()
        .join("crates/core/src/controls/s3/fixtures/S3.8")
        .join(name)
}

/// The S3.8 fixture called `name`, parsed.
pub fn s3_8_item(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(s3_8_fixture(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A fresh scratch directory for one test.
pub fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("e2e-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
