//! Handler tests: the checked-in events of `tests/fixtures/events/` through the handlers, with
//! in-memory fakes for every port.

mod boundary;
mod config_rule;
mod cost;
mod custom;
mod events;
mod fakes;
mod sweep;

use crate::common::{FixedClock, Invocation, Ports};
use crate::settings::Settings;
use fakes::{FakeChanges, FakeEvals, FakeEvidence, FakeItems, FakeQueue, FakeSink, FakeStored};
use serde_json::Value;
use sidewatch_core::boundary::AccountBoundary;
use sidewatch_core::{Engine, EngineConfig, Finding};

/// The account of the fixtures and of the function under test.
pub const ACCOUNT: &str = "123456789012";
use std::path::Path;
use time::macros::datetime;

/// The fixture `path` under `tests/fixtures/events/`.
pub fn fixture(path: &str) -> Value {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/events")
        .join(path);
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{full:?}: {e}"))
}

pub type TestPorts = Ports<
    FakeSink,
    FakeStored,
    FakeEvals,
    FakeItems,
    FakeEvidence,
    FakeQueue,
    sweep::FakeRecorders,
    sweep::FakeInventory,
    FakeChanges,
    fakes::FakeWorkflow,
>;

/// Everything a handler test needs.
pub struct World {
    pub settings: Settings,
    pub engine: Engine,
    pub custom: crate::custom::Customisation,
    pub clock: FixedClock,
    pub account: AccountBoundary,
    pub ports: TestPorts,
}

impl World {
    pub fn new() -> Self {
        let settings = Settings {
            engine: EngineConfig::default(),
            publish_findings: true,
            evaluate_global_resources: true,
            lookup_changes: true,
            sweep_lookup_changes: false,
            sweep_queue_url: Some("https://sqs.eu-west-1.amazonaws.com/123456789012/q".into()),
            rules_location: None,
            region: "eu-west-1".into(),
        };
        let engine = Engine::new(&settings.engine).unwrap();
        World {
            settings,
            engine,
            custom: crate::custom::Customisation::default(),
            clock: FixedClock(datetime!(2024-06-04 12:00 UTC)),
            account: AccountBoundary::new(ACCOUNT).unwrap(),
            ports: Ports {
                recorders: sweep::FakeRecorders::everything(),
                ..Ports::default()
            },
        }
    }

    pub fn inv(&self) -> Invocation<'_> {
        Invocation {
            settings: &self.settings,
            engine: &self.engine,
            custom: &self.custom,
            clock: &self.clock,
            account: &self.account,
        }
    }

    /// Every finding imported so far.
    pub fn imported(&self) -> Vec<Finding> {
        self.ports.findings.imported.lock().unwrap().clone()
    }

    /// True when no imported finding is PASSED.
    pub fn none_passed(&self) -> bool {
        self.imported()
            .iter()
            .all(|f| f.compliance_status() != "PASSED")
    }

    /// The imported finding of `control`, the last one when there are several.
    pub fn finding(&self, control: &str) -> Finding {
        self.imported()
            .into_iter()
            .rev()
            .find(|f| f.control_id() == Some(control))
            .unwrap_or_else(|| panic!("no {control} finding imported"))
    }
}

/// Captures the JSON log lines this thread writes while the guard lives. One global subscriber
/// routes each line to the capturing thread's buffer: a scoped subscriber per test races with the
/// other tests' threads over tracing's callsite cache.
pub struct Logs {
    buffer: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
}

thread_local! {
    static CAPTURE: std::cell::RefCell<Option<std::sync::Arc<std::sync::Mutex<Vec<u8>>>>> =
        const { std::cell::RefCell::new(None) };
}

struct ThreadWriter;

impl std::io::Write for ThreadWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CAPTURE.with(|c| {
            if let Some(buffer) = c.borrow().as_ref() {
                buffer.lock().unwrap().extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    pub fn capture() -> Logs {
        static INIT: std::sync::Once = std::sync::Once::new();
        INIT.call_once(|| {
            let _ = tracing_subscriber::fmt()
                .json()
                .flatten_event(true)
                .with_ansi(false)
                .with_writer(|| ThreadWriter)
                .try_init();
        });
        let buffer = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        CAPTURE.with(|c| *c.borrow_mut() = Some(buffer.clone()));
        Logs { buffer }
    }

    /// Every line, parsed.
    pub fn lines(&self) -> Vec<Value> {
        String::from_utf8_lossy(&self.buffer.lock().unwrap())
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for Logs {
    fn drop(&mut self) {
        CAPTURE.with(|c| *c.borrow_mut() = None);
    }
}
