//! Test support: a private moto_server per test, clients pointed at it, and the core engine.
//!
//! Each test starts its own `moto_server -H 127.0.0.1 -p <free port>` and stops it when the
//! [`Moto`] guard drops, so tests never share AWS state. Credentials are fake and every endpoint is
//! 127.0.0.1. The binary is `$SIDEWATCH_MOTO_SERVER`, else `moto_server` on `PATH`; without either
//! the test fails and says how to install it.

#![allow(dead_code)]

use serde::de::DeserializeOwned;
use sidewatch_aws::{AwsClients, ClientOptions, EvidenceCollector};
use sidewatch_core::{ConfigurationItem, Engine, EvidenceKind, Verdict};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The account moto answers as.
pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";

const SETUP: &str = "run `infra/bootstrap.sh` and `export SIDEWATCH_MOTO_SERVER=$PWD/.venv/bin/moto_server` \
                     at the repository root (scripts/test.sh does both)";

/// A running moto_server, killed on drop.
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
        let binary = moto_binary();
        let mut last_error = String::new();
        for _ in 0..3 {
            let port = free_port();
            let log = std::env::temp_dir()
                .join(format!("sidewatch-moto-{}-{port}.log", std::process::id()));
            let log_file = std::fs::File::create(&log).expect("create the moto log file");
            let mut command = Command::new(&binary);
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
                .unwrap_or_else(|e| panic!("could not start {}: {e}; {SETUP}", binary.display()));
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
        panic!("moto_server did not start: {last_error}");
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

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SDK clients pointed at this moto with fake credentials.
    pub async fn clients(&self) -> AwsClients {
        AwsClients::new(&self.sdk_config().await)
    }

    pub async fn sdk_config(&self) -> aws_config::SdkConfig {
        ClientOptions {
            endpoint_url: Some(self.endpoint.clone()),
            region: Some(REGION.into()),
            ..ClientOptions::default()
        }
        .config_loader()
        .credentials_provider(fake_credentials())
        .load()
        .await
    }

    pub async fn collector(&self) -> EvidenceCollector {
        EvidenceCollector::new(self.clients().await)
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

pub fn fake_credentials() -> aws_sdk_iam::config::Credentials {
    aws_sdk_iam::config::Credentials::new("testing", "testing", None, None, "sidewatch-tests")
}

fn moto_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("SIDEWATCH_MOTO_SERVER").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        assert!(
            is_executable(&path),
            "SIDEWATCH_MOTO_SERVER={} is not an executable file; {SETUP}",
            path.display()
        );
        return path;
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("moto_server"))
        .find(|p| is_executable(p))
        .unwrap_or_else(|| panic!("moto_server is not installed: {SETUP}"))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// One HTTP/1.0 request to 127.0.0.1:`port`; the status and body.
pub fn raw_http(port: u16, method: &str, path: &str, body: &str) -> Result<(u16, String), String> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream =
        TcpStream::connect_timeout(&addr, Duration::from_secs(2)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
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

/// The account-level item of the moto account in the home Region.
pub fn account_item() -> ConfigurationItem {
    ConfigurationItem::account(ACCOUNT, REGION, true)
}

/// A configuration item from notification-shaped JSON.
pub fn item(value: serde_json::Value) -> ConfigurationItem {
    ConfigurationItem::from_value(value).expect("a valid configuration item")
}

/// An IAM user's configuration item, as Config records it (resourceId is the user id).
pub fn user_item(name: &str, user_id: &str) -> ConfigurationItem {
    item(serde_json::json!({
        "configurationItemStatus": "OK",
        "configurationItemCaptureTime": "2026-11-20T09:15:02.114Z",
        "awsAccountId": ACCOUNT,
        "resourceType": "AWS::IAM::User",
        "resourceId": user_id,
        "resourceName": name,
        "ARN": format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
        "awsRegion": "global",
        "configuration": {
            "path": "/", "userName": name, "userId": user_id,
            "arn": format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
            "userPolicyList": [], "groupList": [], "attachedManagedPolicies": []
        },
        "supplementaryConfiguration": {}
    }))
}

/// Collects `kinds` into `item` with the collector.
pub async fn collect(
    collector: &EvidenceCollector,
    item: &mut ConfigurationItem,
    kinds: &[EvidenceKind],
) {
    collector.collect(item, kinds).await;
    for kind in kinds {
        assert!(
            item.supplementary.contains_key(&kind.key()),
            "{kind} was requested but nothing was stored"
        );
    }
}

/// The stored evidence of `kind` in its typed shape; fails the test on a stored error.
pub fn evidence<T: DeserializeOwned>(item: &ConfigurationItem, kind: EvidenceKind) -> T {
    let value = item
        .supplementary
        .get(&kind.key())
        .unwrap_or_else(|| panic!("no {kind} evidence stored"));
    assert!(
        sidewatch_core::EvidenceError::from_entry(value).is_none(),
        "{kind} read failed: {value}"
    );
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{kind} evidence {value}: {e}"))
}

/// The stored error of `kind`; fails the test when evidence was stored instead.
pub fn evidence_error(
    item: &ConfigurationItem,
    kind: EvidenceKind,
) -> sidewatch_core::EvidenceError {
    let value = item
        .supplementary
        .get(&kind.key())
        .unwrap_or_else(|| panic!("no {kind} evidence stored"));
    sidewatch_core::EvidenceError::from_entry(value)
        .unwrap_or_else(|| panic!("{kind} was read, not failed: {value}"))
}

/// The verdict of `control_id` on the item, through the real engine with default parameters.
pub fn verdict(item: &ConfigurationItem, control_id: &str) -> Verdict {
    Engine::with_defaults()
        .evaluate(item)
        .into_iter()
        .find(|e| e.control.id == control_id)
        .unwrap_or_else(|| panic!("{control_id} does not apply to {}", item.resource_type))
        .verdict
}

/// Asserts the verdict's kind, showing the reason when it differs.
#[track_caller]
pub fn assert_pass(item: &ConfigurationItem, control_id: &str) {
    let v = verdict(item, control_id);
    assert!(v.is_compliant(), "{control_id} should pass: {v:?}");
}

#[track_caller]
pub fn assert_fail(item: &ConfigurationItem, control_id: &str) -> String {
    let v = verdict(item, control_id);
    assert!(v.is_non_compliant(), "{control_id} should fail: {v:?}");
    v.reason().to_owned()
}

#[track_caller]
pub fn assert_insufficient(item: &ConfigurationItem, control_id: &str) -> String {
    let v = verdict(item, control_id);
    assert!(
        v.is_insufficient(),
        "{control_id} should be INSUFFICIENT_DATA: {v:?}"
    );
    v.reason().to_owned()
}

/// A fresh copy of the item with the evidence JSON of `kind` changed by `edit` (to move a
/// `collectedAt` forward, say: ages are taken at collection time, so this is how time passes).
pub fn with_evidence_edit(
    item: &ConfigurationItem,
    kind: EvidenceKind,
    edit: impl FnOnce(&mut serde_json::Value),
) -> ConfigurationItem {
    let mut copy = item.clone();
    if let Some(value) = copy.supplementary.get_mut(&kind.key()) {
        edit(value);
    }
    copy
}
