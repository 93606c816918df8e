//! The test bench: a private moto, the real SDK clients pointed at it, the handler with a
//! counting executor, and fakes for what moto lacks (Security Hub's BatchUpdateFindings and
//! BatchImportFindings are recorded in memory; `mocked.rs` drives the real adapter with
//! aws-smithy-mocks).

use serde_json::{Value, json};
use sidewatch_aws::AwsClients;
use sidewatch_aws::remediate::{CountingExecutor, RemediationClients};
use sidewatch_core::ports::{Delivery, FindingUpdate, FindingsSink, FindingsWorkflow, PortError};
use sidewatch_core::{
    ConfigurationItem, Evaluation, Finding, FindingBuilder, FindingContext, Source, Verdict,
    controls,
};
use sidewatch_remediate::{RemediationAdapters, Remediator, Report, Settings};
use sidewatch_remediation::Mode;
use sidewatch_testkit::{ACCOUNT, Moto, REGION};
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;

pub const NOW: &str = "2026-06-01T10:00:00Z";

/// Records every `BatchUpdateFindings` request.
#[derive(Debug, Clone, Default)]
pub struct FakeWorkflow {
    pub updates: Arc<Mutex<Vec<FindingUpdate>>>,
}

impl FindingsWorkflow for FakeWorkflow {
    async fn update(&self, update: &FindingUpdate) -> Result<Delivery, PortError> {
        self.updates.lock().unwrap().push(update.clone());
        Ok(Delivery {
            delivered: update.findings.len(),
            failed: Vec::new(),
        })
    }
}

/// Records every imported finding.
#[derive(Debug, Clone, Default)]
pub struct FakeSink {
    pub findings: Arc<Mutex<Vec<Finding>>>,
}

impl FindingsSink for FakeSink {
    async fn import(&self, findings: Vec<Finding>) -> Result<Delivery, PortError> {
        let n = findings.len();
        self.findings.lock().unwrap().extend(findings);
        Ok(Delivery {
            delivered: n,
            failed: Vec::new(),
        })
    }
}

/// What one run of the handler did.
#[derive(Debug)]
pub struct Run {
    pub report: Report,
    /// Plans executed (write calls attempted) during this run.
    pub writes: usize,
    /// `BatchUpdateFindings` requests during this run.
    pub updates: Vec<FindingUpdate>,
    /// Findings imported during this run.
    pub imported: Vec<Finding>,
    /// Requests moto answered during this run, reads and writes alike ([`Bench::requests`]).
    pub requests: usize,
}

impl Run {
    /// The only record's `(decision, code)`.
    pub fn decision(&self) -> (&'static str, Option<&'static str>) {
        assert_eq!(self.report.records.len(), 1, "{:#?}", self.report);
        let r = &self.report.records[0];
        (r.decision, r.code)
    }

    pub fn outcome(&self) -> Value {
        assert_eq!(self.report.records.len(), 1, "{:#?}", self.report);
        serde_json::to_value(&self.report.records[0].outcome).unwrap()
    }

    /// The note sent with BatchUpdateFindings (exactly one).
    pub fn note(&self) -> &str {
        assert_eq!(self.updates.len(), 1, "{:#?}", self.report);
        &self.updates[0].note
    }

    /// Asserts the change was applied: one write, no failure, note + NOTIFIED, PASSED
    /// re-evaluation imported.
    pub fn assert_applied(&self) {
        assert!(self.report.failures.is_empty(), "{:#?}", self.report);
        assert_eq!(self.outcome()["result"], "applied", "{:#?}", self.report);
        assert_eq!(self.writes, 1, "{:#?}", self.report);
        assert!(
            self.note().starts_with("sidewatch remediated"),
            "{}",
            self.note()
        );
        assert_eq!(self.updates[0].workflow_status.as_deref(), Some("NOTIFIED"));
        assert_eq!(
            self.imported.len(),
            1,
            "the re-evaluated finding is imported"
        );
        assert_eq!(
            self.imported[0].compliance.status.as_str(),
            "PASSED",
            "{:#?}",
            self.report
        );
    }

    /// Asserts a second run on the fixed resource changed nothing and touched no finding.
    pub fn assert_already_compliant(&self) {
        assert!(self.report.failures.is_empty(), "{:#?}", self.report);
        assert_eq!(self.decision(), ("skip", Some("already-compliant")));
        assert_eq!(self.writes, 0);
        assert!(self.updates.is_empty());
    }

    /// Asserts a dry run: no write, and the note says what would change (`expect` in it).
    pub fn assert_dry_run(&self, expect: &str) {
        assert!(self.report.failures.is_empty(), "{:#?}", self.report);
        assert_eq!(self.outcome()["result"], "dry-run", "{:#?}", self.report);
        assert_eq!(self.writes, 0);
        let note = self.note();
        assert!(note.contains("dry-run") && note.contains("would"), "{note}");
        assert!(note.contains(expect), "{note} lacks {expect}");
        assert!(self.imported.is_empty());
    }

    /// Asserts a refusal: nothing written anywhere.
    pub fn assert_refused(&self, code: &str) {
        assert_eq!(self.writes, 0, "{:#?}", self.report);
        assert!(self.updates.is_empty(), "{:#?}", self.report);
        assert!(self.imported.is_empty());
        let codes: Vec<&str> = self
            .report
            .records
            .iter()
            .map(|r| r.code.unwrap_or("none"))
            .collect();
        assert!(
            self.report.records.iter().all(|r| r.decision == "skip"),
            "{:#?}",
            self.report
        );
        assert!(codes.contains(&code), "expected {code}, got {codes:?}");
    }
}

/// A moto with the clients and a handler factory.
pub struct Bench {
    pub moto: Moto,
    pub clients: RemediationClients,
    pub executor: CountingExecutor<RemediationClients>,
    pub workflow: FakeWorkflow,
    pub sink: FakeSink,
}

impl Bench {
    pub async fn start() -> Bench {
        Bench::start_with(|clients| clients).await
    }

    /// With the clients changed by `adjust` (an S3 client with an interceptor…).
    pub async fn start_with(
        adjust: impl FnOnce(RemediationClients) -> RemediationClients,
    ) -> Bench {
        let moto = Moto::start();
        let sdk = moto.sdk_config().await;
        let clients = adjust(RemediationClients::new(&sdk, ACCOUNT));
        Bench {
            executor: CountingExecutor::new(clients.clone()),
            clients,
            moto,
            workflow: FakeWorkflow::default(),
            sink: FakeSink::default(),
        }
    }

    pub fn aws(&self) -> &AwsClients {
        &self.clients.aws
    }

    pub fn s3(&self) -> &aws_sdk_s3::Client {
        &self.clients.s3
    }

    /// The settings every test starts from: allow-list `*`, the given mode.
    pub fn settings(&self, mode: Mode) -> Settings {
        let mut settings = Settings::from_env(|_| None, ACCOUNT, REGION).unwrap();
        settings.remediation.mode = mode;
        settings.remediation.allow_list = vec!["*".into()];
        settings
    }

    pub async fn run(&self, event: &Value, mode: Mode) -> Run {
        self.run_with(event, self.settings(mode)).await
    }

    /// How many requests moto has answered so far: the request lines of its log (werkzeug
    /// writes each one before it sends the answer, so a request the handler got an answer to is
    /// counted by the time the handler returns).
    pub fn requests(&self) -> usize {
        let log = self.moto.log_path();
        std::fs::read_to_string(log)
            .unwrap_or_else(|e| panic!("moto's request log {}: {e}", log.display()))
            .lines()
            .filter(|line| line.contains(" HTTP/1."))
            .count()
    }

    pub async fn run_with(&self, event: &Value, settings: Settings) -> Run {
        let requests_before = self.requests();
        let before = self.executor.calls();
        let updates_before = self.workflow.updates.lock().unwrap().len();
        let imported_before = self.sink.findings.lock().unwrap().len();
        let remediator = Remediator {
            config: settings.remediation,
            ports: RemediationAdapters {
                live: self.clients.clone(),
                executor: self.executor.clone(),
                workflow: self.workflow.clone(),
                sink: Some(self.sink.clone()),
                audit: settings
                    .audit_bucket
                    .map(|b| self.clients.clone().with_audit_bucket(Some(b))),
            },
        };
        let now =
            OffsetDateTime::parse(NOW, &time::format_description::well_known::Rfc3339).unwrap();
        let report = remediator.handle(event, now).await;
        Run {
            report,
            writes: self.executor.calls() - before,
            updates: self.workflow.updates.lock().unwrap()[updates_before..].to_vec(),
            imported: self.sink.findings.lock().unwrap()[imported_before..].to_vec(),
            requests: self.requests() - requests_before,
        }
    }
}

/// The FAILED finding sidewatch gives `control` on the resource, as Security Hub stores it
/// (Workflow NEW, RecordState ACTIVE, the fields Security Hub adds).
pub fn stored_finding(control: &str, resource_type: &str, resource_id: &str) -> Value {
    let control = controls::find(control).unwrap();
    let mut item = ConfigurationItem::new(resource_type, resource_id);
    item.account_id = Some(ACCOUNT.into());
    item.region = Some(REGION.into());
    let builder = FindingBuilder::new(FindingContext {
        account_override: None,
        region_override: None,
        source: Source::ConfigRule,
        now: OffsetDateTime::parse(
            "2026-06-01T09:58:00Z",
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap(),
    });
    let finding = builder
        .build(
            &item,
            &Evaluation {
                control,
                verdict: Verdict::fail("seeded for the remediation test"),
            },
        )
        .unwrap();
    let mut value = serde_json::to_value(&finding).unwrap();
    let id = value["Id"].clone();
    let map = value.as_object_mut().unwrap();
    map.insert("ProductName".into(), json!("Default"));
    map.insert("CompanyName".into(), json!("Personal"));
    map.insert("Region".into(), json!(REGION));
    map.insert("WorkflowState".into(), json!("NEW"));
    map.insert("Workflow".into(), json!({"Status": "NEW"}));
    map.insert("RecordState".into(), json!("ACTIVE"));
    map.insert("FirstObservedAt".into(), json!("2026-06-01T09:58:00.000Z"));
    map.insert("ProcessedAt".into(), json!("2026-06-01T09:58:01.123Z"));
    let fields = map["ProductFields"].as_object_mut().unwrap();
    fields.insert("aws/securityhub/FindingId".into(), id);
    fields.insert("aws/securityhub/ProductName".into(), json!("Default"));
    fields.insert("aws/securityhub/CompanyName".into(), json!("Personal"));
    value
}

/// A fixture event of `tests/fixtures/events/securityhub/`.
pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../tests/fixtures/events/securityhub/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|_| Value::String(text))
}

/// A "Security Hub Findings - Imported" event (the envelope of the fixture) carrying `finding`.
pub fn imported(finding: Value) -> Value {
    let mut event = fixture("imported-s3-5-new.json");
    event["account"] = json!(ACCOUNT);
    event["region"] = json!(REGION);
    event["resources"] = json!([format!(
        "{}/{}",
        finding["ProductArn"].as_str().unwrap(),
        finding["Id"].as_str().unwrap()
    )]);
    event["detail"]["findings"] = json!([finding]);
    event
}

/// A "Findings Imported V2" event (the envelope of the fixture) carrying the OCSF form of
/// `stored` (a [`stored_finding`]), with the workflow status New Security Hub gives it.
pub fn imported_v2(stored: &Value) -> Value {
    let finding: sidewatch_core::Finding = serde_json::from_value(stored.clone()).unwrap();
    let mut ocsf = serde_json::to_value(
        sidewatch_core::finding::ocsf::ComplianceFinding::from_finding(&finding).unwrap(),
    )
    .unwrap();
    ocsf["status_id"] = json!(1);
    ocsf["status"] = json!("New");
    let mut event = fixture("imported-v2-s3-5-new.json");
    event["account"] = json!(ACCOUNT);
    event["region"] = json!(REGION);
    event["detail"]["findings"] = json!([ocsf]);
    event
}

/// The imported event of sidewatch's FAILED finding on a resource.
pub fn event(control: &str, resource_type: &str, resource_id: &str) -> Value {
    imported(stored_finding(control, resource_type, resource_id))
}
