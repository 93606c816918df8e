//! Test support shared by sidewatch's test suites. Never a dependency of shipped code.
//!
//! [`Moto`] starts a private moto server on 127.0.0.1 and a free port per test and stops it when
//! the guard drops, so tests never share AWS state. Credentials are fake and every endpoint is
//! 127.0.0.1. The moto installation is the one of `$SIDEWATCH_MOTO_SERVER`, else of `moto_server`
//! on `PATH`; without either the test fails and says how to install it (`scripts/test.sh` does).
//!
//! moto is not started through that `moto_server` script itself but through
//! `infra/moto_server.py`, run by the script's own Python (the interpreter of its `#!` line): the
//! same server and arguments, except that S3 GetBucketVersioning answers with S3's documented root
//! element `VersioningConfiguration` instead of moto's `GetBucketVersioningResponse`, which the
//! Rust SDK rejects. The launcher's header says exactly what it changes (that one root name).

#![allow(clippy::missing_panics_doc)]

mod launcher;

use aws_credential_types::Credentials;
use launcher::MotoLauncher;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// The account moto answers as.
pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";

const SETUP: &str = "run `infra/bootstrap.sh` and `export SIDEWATCH_MOTO_SERVER=$PWD/.venv/bin/moto_server` \
                     at the repository root (scripts/test.sh does both)";

/// The Python of the test environment (the one that runs the configured `moto_server`:
/// `infra/bootstrap.sh` installs every Python test tool of `infra/requirements.txt` there, the
/// OCSF schema validator's packages too). Panics with the setup steps when there is none.
pub fn test_python() -> std::process::Command {
    MotoLauncher::find().python()
}

/// A running moto_server, killed on drop.
#[derive(Debug)]
pub struct Moto {
    child: Child,
    pub endpoint: String,
    pub port: u16,
    log: PathBuf,
}

impl Moto {
    pub fn start() -> Moto {
        Moto::start_with(&[])
    }

    /// Starts moto with extra environment variables (`MOTO_IAM_LOAD_MANAGED_POLICIES`).
    pub fn start_with(env: &[(&str, &str)]) -> Moto {
        let launcher = MotoLauncher::find();
        let mut last_error = String::new();
        for _ in 0..3 {
            let port = free_port();
            let log = std::env::temp_dir()
                .join(format!("sidewatch-moto-{}-{port}.log", std::process::id()));
            let log_file = std::fs::File::create(&log).expect("create the moto log file");
            let mut command = launcher.command();
            command
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .env("AWS_ACCESS_KEY_ID", "testing")
                .env("AWS_SECRET_ACCESS_KEY", "testing")
                .env("AWS_DEFAULT_REGION", REGION)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log_file);
            for (k, v) in env {
                command.env(k, v);
            }
            let child = command
                .spawn()
                .unwrap_or_else(|e| panic!("could not start {launcher}: {e}; {SETUP}"));
            let mut moto = Moto {
                child,
                endpoint: format!("http://127.0.0.1:{port}"),
                port,
                log,
            };
            match moto.wait_until_ready(Duration::from_secs(60)) {
                Ok(()) => return moto,
                Err(e) => last_error = e,
            }
        }
        panic!("moto did not start ({launcher}): {last_error}");
    }

    fn wait_until_ready(&mut self, limit: Duration) -> Result<(), String> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("it exited with {status}: {}", self.log_text()));
            }
            if raw_http(self.port, "GET", "/moto-api/", "").is_ok_and(|(status, _)| status > 0) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!(
            "it did not answer within {limit:?}: {}",
            self.log_text()
        ))
    }

    /// The file moto's stderr goes to: werkzeug's request log, one line per request with its
    /// status (tests read refusals from it under IAM enforcement).
    pub fn log_path(&self) -> &std::path::Path {
        &self.log
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// An `SdkConfig` pointed at this moto: its endpoint, [`REGION`], fake credentials. Build the
    /// clients of any AWS SDK crate from it.
    pub async fn sdk_config(&self) -> aws_config::SdkConfig {
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(&self.endpoint)
            .region(aws_config::Region::new(REGION))
            .credentials_provider(fake_credentials())
            .load()
            .await
    }

    /// The environment a child process (the CLI, a Lambda binary) needs to talk to this moto and
    /// nothing else: endpoint, Region, fake credentials, no profile or IMDS lookups.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_REGION", REGION.to_owned()),
            ("AWS_DEFAULT_REGION", REGION.to_owned()),
            ("AWS_ACCESS_KEY_ID", "testing".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", "testing".to_owned()),
            ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
            ("AWS_CONFIG_FILE", "/dev/null".to_owned()),
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null".to_owned()),
        ]
    }

    /// Creates an S3 bucket with a plain path-style request (the adapters need no S3 client).
    pub fn create_bucket(&self, name: &str) {
        let (status, body) = raw_http(self.port, "PUT", &format!("/{name}"), "")
            .unwrap_or_else(|e| panic!("PUT bucket {name}: {e}"));
        assert_eq!(status, 200, "PUT bucket {name}: {body}");
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// Credentials moto accepts (it checks nothing unless IAM enforcement is on).
pub fn fake_credentials() -> Credentials {
    Credentials::new("testing", "testing", None, None, "sidewatch-tests")
}

/// A port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// One HTTP/1.0 request to 127.0.0.1:`port`; the status and body.
pub fn raw_http(port: u16, method: &str, path: &str, body: &str) -> Result<(u16, String), String> {
    raw_http_with_timeout(port, method, path, body, Duration::from_secs(30))
}

/// [`raw_http`] waiting up to `timeout` for the answer (a Lambda emulator that compiles the
/// function on its first invocation needs minutes).
pub fn raw_http_with_timeout(
    port: u16,
    method: &str,
    path: &str,
    body: &str,
    timeout: Duration,
) -> Result<(u16, String), String> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream =
        TcpStream::connect_timeout(&addr, Duration::from_secs(2)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    let request = format!(
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .map_err(|e| e.to_string())?;
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no HTTP status in {response:?}"))?;
    let body = response
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    Ok((status, body))
}
