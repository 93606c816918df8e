//! `cargo lambda watch` as a test fixture: its Lambda Runtime API on a free port of 127.0.0.1
//! (`--only-lambda-apis`), and the real function binaries — built by this same `cargo test` /
//! `cargo nextest` run, so nothing is compiled twice — connected to it as Lambda connects them
//! (`AWS_LAMBDA_RUNTIME_API`), with the moto environment. Everything stops on drop. Logs go to the
//! system temp dir, never inside the watched workspace (a write there would trigger a reload).

use serde_json::Value;
use sidewatch_testkit::{Moto, free_port, raw_http_with_timeout};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The emulator and the functions it serves.
pub struct Watch {
    children: Vec<Child>,
    port: u16,
    logs: Vec<PathBuf>,
    /// No progress lines on stderr (the demo draws its own).
    quiet: bool,
}

fn cargo_lambda() -> PathBuf {
    std::env::var_os("SIDEWATCH_CARGO_LAMBDA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("cargo-lambda"))
}

/// A workspace binary of this build (`target/<profile>/<name>`, beside this test's `deps/`).
fn binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let path = dir.join(name);
    assert!(
        path.is_file(),
        "{} is not built; `cargo test --workspace` builds it (functions/*/tests need it)",
        path.display()
    );
    path
}

impl Watch {
    /// Starts the emulator, then each of `functions` against it with the moto environment.
    pub fn start(moto: &Moto, functions: &[&str]) -> Watch {
        let functions: Vec<(&str, Vec<(&str, String)>)> =
            functions.iter().map(|f| (*f, moto.env())).collect();
        Watch::start_with_env(&functions)
    }

    /// Starts the emulator, then each function against it with its own environment (moto's
    /// endpoint and the function's own keys, for example) plus the Lambda variables.
    pub fn start_with_env(functions: &[(&str, Vec<(&str, String)>)]) -> Watch {
        Watch::start_logged(functions, false)
    }

    /// [`Watch::start_with_env`] without the progress lines on stderr (the demo,
    /// `tests/examples/demo.rs`, draws its own).
    #[allow(dead_code)]
    pub fn start_quiet(functions: &[(&str, Vec<(&str, String)>)]) -> Watch {
        Watch::start_logged(functions, true)
    }

    fn start_logged(functions: &[(&str, Vec<(&str, String)>)], quiet: bool) -> Watch {
        let port = free_port();
        let log = |what: &str| {
            std::env::temp_dir().join(format!(
                "sidewatch-e2e-{}-{port}-{what}.log",
                std::process::id()
            ))
        };
        let mut watch = Watch {
            children: Vec::new(),
            port,
            logs: Vec::new(),
            quiet,
        };
        let started = Instant::now();
        let emulator_log = log("cargo-lambda");
        let mut emulator = Command::new(cargo_lambda());
        emulator
            .args(["lambda", "watch", "--only-lambda-apis", "--ignore-changes"])
            .args(["--invoke-address", "127.0.0.1", "--invoke-port"])
            .arg(port.to_string())
            .current_dir(super::repo());
        watch.spawn(emulator, emulator_log, "cargo-lambda (run scripts/test.sh, which installs it into .venv and sets SIDEWATCH_CARGO_LAMBDA)");
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            if let Ok(Some(status)) = watch.children[0].try_wait() {
                panic!("cargo lambda watch exited ({status}):\n{}", watch.log());
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "cargo lambda watch not listening after 60 s:\n{}",
                watch.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        if !watch.quiet {
            eprintln!(
                "cargo lambda watch listening after {} ms",
                started.elapsed().as_millis()
            );
        }
        for (function, env) in functions {
            let mut command = Command::new(binary(function));
            command
                .env_clear()
                .envs(env.iter().map(|(k, v)| (k, v)))
                .env(
                    "AWS_LAMBDA_RUNTIME_API",
                    format!("http://127.0.0.1:{port}/.rt/{function}"),
                )
                .env("AWS_LAMBDA_FUNCTION_NAME", function)
                .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
                .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
                .env("SIDEWATCH_PUBLISH_FINDINGS", "true")
                .env("RUST_LOG", "info");
            watch.spawn(command, log(function), function);
        }
        watch
    }

    fn spawn(&mut self, mut command: Command, log: PathBuf, what: &str) {
        let file = std::fs::File::create(&log).unwrap();
        command
            .stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file);
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
        self.children.push(child);
        self.logs.push(log);
    }

    /// Invokes `function` with `event` (the Lambda Invoke API); the HTTP status and body.
    pub fn invoke(&self, function: &str, event: &Value) -> (u16, String) {
        let started = Instant::now();
        let answer = raw_http_with_timeout(
            self.port,
            "POST",
            &format!("/2015-03-31/functions/{function}/invocations"),
            &event.to_string(),
            Duration::from_secs(60),
        )
        .unwrap_or_else(|e| panic!("invoking {function}: {e}\n{}", self.log()));
        if !self.quiet {
            eprintln!(
                "{function} answered {} after {} ms",
                answer.0,
                started.elapsed().as_millis()
            );
        }
        answer
    }

    /// What the emulator and the functions printed so far.
    pub fn log(&self) -> String {
        self.logs
            .iter()
            .map(|p| {
                format!(
                    "--- {}\n{}",
                    p.display(),
                    std::fs::read_to_string(p).unwrap_or_default()
                )
            })
            .collect()
    }

    /// The JSON lines a function printed (logs and EMF).
    pub fn lines(&self, function: &str) -> Vec<Value> {
        self.logs
            .iter()
            .filter(|p| p.to_string_lossy().ends_with(&format!("-{function}.log")))
            .flat_map(|p| {
                std::fs::read_to_string(p)
                    .unwrap_or_default()
                    .lines()
                    .filter_map(|l| serde_json::from_str(l).ok())
                    .collect::<Vec<Value>>()
            })
            .collect()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
        for log in &self.logs {
            let _ = std::fs::remove_file(log);
        }
    }
}
