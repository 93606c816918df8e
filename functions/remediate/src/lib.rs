//! The remediation function's handler: one EventBridge event from Security Hub ("Security Hub
//! Findings - Imported", its OCSF twin "Findings Imported V2", or "Security Hub Findings - Custom
//! Action") in, one decision per finding out.
//!
//! Per finding, in this order (the decisions are the pure planner's, `sidewatch_remediation`):
//!
//! 1. the guards ([`guard::decide`]): sidewatch's own finding in this account and Region, FAILED,
//!    ACTIVE and NEW (or chosen by a person), allow-listed, mode not `off`, not exempt by the
//!    tags the finding carries, a control with an automatic fix;
//! 2. the live re-read ([`LiveSource`]) and the last guard ([`guard::confirm`]): the resource
//!    still exists, is not exempt by its live tags, and the control still fails on it;
//! 3. the plan ([`plan::plan`]), computed from the live item; `dry-run` records it, `apply`
//!    executes it ([`PlanExecutor`]);
//! 4. one structured log line (JSON through `tracing`) with the [`AuditRecord`];
//! 5. for a finding sidewatch acted on (dry-run, applied, failed, not remediable): the
//!    `BatchUpdateFindings` note and workflow `NOTIFIED` ([`FindingsWorkflow`]), and the audit
//!    object in S3 when a bucket is configured ([`AuditStore`]);
//! 6. after a change: the resource is re-read and the control evaluated again; the new finding is
//!    imported through the [`FindingsSink`] when one is configured (so Security Hub resolves
//!    the finding), else the new verdict is logged.
//!
//! A failure in one finding never stops the others; the handler returns the failures and the
//! Lambda entry point turns them into an error, so the invocation is retried. A retry re-reads
//! the resource first: a change that went through is "already compliant" then, so no action is
//! ever made twice.

use serde_json::{Value, json};
use sidewatch_core::boundary::AccountBoundary;
use sidewatch_core::engine::EngineConfig;
use sidewatch_core::pipeline::{self, ChangedBy, ForeignItems, Run};
use sidewatch_core::ports::{
    AuditStore, FindingRef, FindingUpdate, FindingsSink, FindingsWorkflow, LiveResource,
    LiveSource, PipelinePorts, PlanExecutor, RemediationPorts,
};
use sidewatch_core::{ConfigurationItem, Control, FindingBuilder, FindingContext};
use sidewatch_core::{Source, Verdict};
use sidewatch_remediation::audit::{AuditRecord, Outcome, UPDATED_BY, WORKFLOW_STATUS};
use sidewatch_remediation::event::{EventFinding, SecurityHubEvent, Trigger};
use sidewatch_remediation::guard::{self, Decision, Live, SkipCode};
use sidewatch_remediation::plan::{self, NotRemediable, Plan};
use sidewatch_remediation::{DEFAULT_EXEMPTION_TAG_KEY, Mode, RemediationConfig};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// `off`, `dry-run` (default) or `apply`.
pub const MODE_VAR: &str = "SIDEWATCH_REMEDIATION_MODE";
/// The allow-list: control ids or services, comma-separated (`S3.8,EC2.13`, `S3`, `*`).
pub const CONTROLS_VAR: &str = "SIDEWATCH_REMEDIATION_CONTROLS";
/// The exemption tag key (default `sidewatch:exempt`).
pub const EXEMPTION_TAG_VAR: &str = "SIDEWATCH_EXEMPTION_TAG";
/// The bucket of the JSON audit objects (optional).
pub const AUDIT_BUCKET_VAR: &str = "SIDEWATCH_AUDIT_BUCKET";
/// The KMS key S3.17's remediation sets (optional; default: the control's first allowed key, or
/// `aws/s3`).
pub const S3_KMS_KEY_VAR: &str = "SIDEWATCH_S3_KMS_KEY_ID";
/// Whether the re-evaluated finding is imported into Security Hub (default true).
pub const PUBLISH_FINDINGS_VAR: &str = "SIDEWATCH_PUBLISH_FINDINGS";

/// The function's configuration, read from its environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub remediation: RemediationConfig,
    pub audit_bucket: Option<String>,
    pub publish_findings: bool,
}

impl Settings {
    /// Reads the environment through `lookup`. The account and Region are the function's own
    /// (from its ARN and `AWS_REGION`). An unreadable value is an error naming the variable: a
    /// typo in the mode must not silently become `apply` or `off`.
    pub fn from_env(
        lookup: impl Fn(&str) -> Option<String>,
        account_id: &str,
        region: &str,
    ) -> Result<Self, String> {
        let value = |var: &str| {
            lookup(var)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let mut config = RemediationConfig::new(account_id);
        config.region = Some(region.to_owned());
        config.partition = sidewatch_core::arn::partition_of_region(region).to_owned();
        if let Some(mode) = value(MODE_VAR) {
            config.mode = mode
                .parse::<Mode>()
                .map_err(|e| format!("{MODE_VAR}: {e}"))?;
        }
        config.allow_list = value(CONTROLS_VAR)
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        config.exemption_tag_key =
            value(EXEMPTION_TAG_VAR).unwrap_or_else(|| DEFAULT_EXEMPTION_TAG_KEY.to_owned());
        config.s3_kms_key_id = value(S3_KMS_KEY_VAR);
        config.overrides = EngineConfig::from_env(&lookup)
            .map_err(|e| e.to_string())?
            .overrides;
        let publish_findings = match value(PUBLISH_FINDINGS_VAR).as_deref() {
            None => true,
            Some(v) if v.eq_ignore_ascii_case("true") => true,
            Some(v) if v.eq_ignore_ascii_case("false") => false,
            Some(other) => {
                return Err(format!(
                    "{PUBLISH_FINDINGS_VAR}: '{other}' is neither true nor false"
                ));
            }
        };
        Ok(Settings {
            remediation: config,
            audit_bucket: value(AUDIT_BUCKET_VAR),
            publish_findings,
        })
    }
}

/// What the handler did with one event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// One record per finding (or one for an unreadable event).
    pub records: Vec<AuditRecord>,
    /// What failed: a write, the live read, the finding update, the audit object, the
    /// re-evaluation. Non-empty makes the invocation fail (and be retried).
    pub failures: Vec<String>,
    /// The control's verdict on the resource after each applied change (`control resource:
    /// verdict`).
    pub reevaluations: Vec<String>,
}

impl Report {
    /// A summary for the invocation's answer.
    pub fn summary(&self) -> Value {
        let count = |decision: &str| {
            self.records
                .iter()
                .filter(|r| r.decision == decision)
                .count()
        };
        json!({
            "acted": count("act"),
            "skipped": count("skip"),
            "failures": self.failures,
            "reevaluations": self.reevaluations,
        })
    }
}

/// The remediation function's adapters, as one ports bundle (tests fill it with fakes).
#[derive(Debug, Clone)]
pub struct RemediationAdapters<L, X, W, S, A> {
    pub live: L,
    pub executor: X,
    pub workflow: W,
    /// Where the re-evaluated finding goes; `None` logs it only.
    pub sink: Option<S>,
    /// Where audit objects go; `None` keeps them in the log only.
    pub audit: Option<A>,
}

impl<L, X, W, S, A> RemediationPorts for RemediationAdapters<L, X, W, S, A>
where
    L: LiveSource + Sync,
    X: PlanExecutor + Sync,
    W: FindingsWorkflow + Sync,
    S: FindingsSink + Sync,
    A: AuditStore + Sync,
{
    type Live = L;
    type Executor = X;
    type Workflow = W;
    type Findings = S;
    type Audit = A;
    fn live(&self) -> &L {
        &self.live
    }
    fn executor(&self) -> &X {
        &self.executor
    }
    fn workflow(&self) -> &W {
        &self.workflow
    }
    fn findings(&self) -> Option<&S> {
        self.sink.as_ref()
    }
    fn audit(&self) -> Option<&A> {
        self.audit.as_ref()
    }
}

/// The handler: its configuration and one ports bundle, so tests can count and fake.
#[derive(Debug)]
pub struct Remediator<P> {
    pub config: RemediationConfig,
    pub ports: P,
}

impl<P: RemediationPorts> Remediator<P> {
    /// Handles one event at `now`.
    pub async fn handle(&self, event: &Value, now: OffsetDateTime) -> Report {
        let time = now.format(&Rfc3339).unwrap_or_default();
        let mut report = Report::default();
        let parsed = match SecurityHubEvent::from_value(event) {
            Ok(parsed) if !parsed.findings.is_empty() => parsed,
            Ok(_) => {
                self.malformed(&time, "the event carries no finding", &mut report);
                return report;
            }
            Err(e) => {
                self.malformed(&time, &e.to_string(), &mut report);
                return report;
            }
        };
        for (index, finding) in parsed.findings.iter().enumerate() {
            match finding {
                Ok(finding) => {
                    self.one(&parsed, index, finding, &time, now, &mut report)
                        .await
                }
                Err(reason) => {
                    let decision = Decision::Skip {
                        code: SkipCode::MalformedFinding,
                        reason: reason.clone(),
                    };
                    let record = AuditRecord::new(
                        &time,
                        None,
                        &parsed.trigger,
                        self.config.mode,
                        &decision,
                        None,
                        Outcome::Skipped,
                    );
                    log(&record);
                    report.records.push(record);
                }
            }
        }
        report
    }

    fn malformed(&self, time: &str, reason: &str, report: &mut Report) {
        let decision = Decision::Skip {
            code: SkipCode::MalformedEvent,
            reason: reason.to_owned(),
        };
        let record = AuditRecord::new(
            time,
            None,
            &Trigger::Imported,
            self.config.mode,
            &decision,
            None,
            Outcome::Skipped,
        );
        log(&record);
        report.records.push(record);
    }

    async fn one(
        &self,
        event: &SecurityHubEvent,
        index: usize,
        finding: &EventFinding,
        time: &str,
        now: OffsetDateTime,
        report: &mut Report,
    ) {
        let config = &self.config;
        let mut decision = guard::decide(finding, &event.trigger, config, &finding.resource_tags());
        let mut planned: Option<Result<Plan, NotRemediable>> = None;
        let mut outcome = Outcome::Skipped;
        if let Decision::Act {
            control,
            resource_id,
            resource_type,
            ..
        } = decision.clone()
        {
            match self
                .ports
                .live()
                .read(control, &resource_type, &resource_id)
                .await
            {
                Err(e) => {
                    report.failures.push(format!(
                        "{} {resource_id}: the live re-read failed: {e}",
                        control.id
                    ));
                    outcome = Outcome::Failed {
                        error: format!("the live re-read failed: {e}"),
                    };
                }
                Ok(live) => {
                    let (next, item) = confirm(decision, control, &live, config);
                    decision = next;
                    if let (Decision::Act { mode, .. }, Some(item)) = (&decision, item) {
                        let result = plan::plan(control.id, item, config);
                        outcome = match (&result, mode) {
                            (Err(e), _) => Outcome::NotRemediated {
                                code: e.code().to_owned(),
                                reason: e.to_string(),
                            },
                            (Ok(_), Mode::DryRun | Mode::Off) => Outcome::DryRun,
                            (Ok(p), Mode::Apply) => match self.ports.executor().execute(p).await {
                                Ok(()) => Outcome::Applied,
                                Err(e) => {
                                    report.failures.push(format!(
                                        "{} {resource_id}: {} failed: {e}",
                                        control.id,
                                        p.describe()
                                    ));
                                    Outcome::Failed {
                                        error: e.to_string(),
                                    }
                                }
                            },
                        };
                        planned = Some(result);
                    }
                }
            }
        }
        let applied = outcome == Outcome::Applied;
        let record = AuditRecord::new(
            time,
            Some(finding),
            &event.trigger,
            config.mode,
            &decision,
            planned.as_ref(),
            outcome,
        );
        log(&record);
        if record.updates_finding() {
            self.update_finding(finding, &record, report).await;
            self.store_audit(event, index, &record, report).await;
        }
        if applied && let Decision::Act { control, .. } = &decision {
            self.reevaluate(control, &record, now, report).await;
        }
        report.records.push(record);
    }

    async fn update_finding(
        &self,
        finding: &EventFinding,
        record: &AuditRecord,
        report: &mut Report,
    ) {
        let (Some(id), Some(product_arn)) = (finding.id.clone(), finding.product_arn.clone())
        else {
            return;
        };
        let update = FindingUpdate {
            findings: vec![FindingRef { id, product_arn }],
            note: record.note(),
            updated_by: UPDATED_BY.to_owned(),
            workflow_status: Some(WORKFLOW_STATUS.to_owned()),
        };
        match self.ports.workflow().update(&update).await {
            Ok(delivery) if delivery.is_complete() => {}
            Ok(delivery) => report.failures.extend(delivery.failed.iter().map(|f| {
                format!(
                    "BatchUpdateFindings refused {}: {} {}",
                    f.id, f.code, f.message
                )
            })),
            Err(e) => report.failures.push(e.to_string()),
        }
    }

    async fn store_audit(
        &self,
        event: &SecurityHubEvent,
        index: usize,
        record: &AuditRecord,
        report: &mut Report,
    ) {
        let Some(audit) = self.ports.audit() else {
            return;
        };
        let key = audit_key(record, event.id.as_deref(), index);
        if let Err(e) = audit.put(&key, record.to_json()).await {
            report.failures.push(format!("audit object {key}: {e}"));
        }
    }

    /// Re-reads the resource after a change and evaluates the control again.
    async fn reevaluate(
        &self,
        control: &'static Control,
        record: &AuditRecord,
        now: OffsetDateTime,
        report: &mut Report,
    ) {
        let (Some(resource_type), Some(resource_id)) = (&record.resource_type, &record.resource_id)
        else {
            return;
        };
        let item = match self
            .ports
            .live()
            .read(control, resource_type, resource_id)
            .await
        {
            Ok(LiveResource::Present(item)) => *item,
            Ok(LiveResource::Gone) => {
                report
                    .reevaluations
                    .push(format!("{} {resource_id}: gone", control.id));
                return;
            }
            Err(e) => {
                report.failures.push(format!(
                    "{} {resource_id}: re-evaluation read failed: {e}",
                    control.id
                ));
                return;
            }
        };
        // The re-check is the one pipeline's: the function's own account only, the control alone.
        let (engine, account) = match (
            plan::control_engine(control, &self.config),
            AccountBoundary::new(&self.config.account_id),
        ) {
            (Ok(engine), Ok(account)) => (engine, account),
            (Err(e), _) => {
                return report
                    .failures
                    .push(format!("{} {resource_id}: {e}", control.id));
            }
            (_, Err(e)) => {
                return report
                    .failures
                    .push(format!("{} {resource_id}: {e}", control.id));
            }
        };
        let builder = FindingBuilder::new(FindingContext {
            account_override: Some(self.config.account_id.clone()),
            region_override: self.config.region.clone(),
            source: Source::Event,
            now,
        });
        let run = Run {
            engine: &engine,
            account: &account,
            findings: Some(&builder),
            stale_before: None,
            foreign_items: ForeignItems::Refuse,
            changed_by: ChangedBy::Unknown,
        };
        let outcome = pipeline::run(vec![pipeline::Trigger::Item(item)], run, &LiveItemPorts).await;
        let verdict = outcome
            .evaluations()
            .find(|e| e.control.id == control.id)
            .map_or_else(
                || {
                    Verdict::insufficient(format!(
                        "{} was not evaluated on the re-read {resource_id}",
                        control.id
                    ))
                },
                |e| e.verdict.clone(),
            );
        report.reevaluations.push(format!(
            "{} {resource_id}: {}",
            control.id,
            verdict.compliance_type().as_str()
        ));
        tracing::info!(
            control = control.id,
            resource_id = resource_id.as_str(),
            verdict = verdict.compliance_type().as_str(),
            reason = verdict.reason(),
            "re-evaluated after remediation"
        );
        report.failures.extend(
            outcome
                .problems
                .iter()
                .map(|p| format!("{} {resource_id}: {p}", control.id))
                .chain(outcome.refused.iter().map(|r| r.to_string())),
        );
        let Some(sink) = self.ports.findings() else {
            return;
        };
        let findings = outcome.findings;
        if findings.is_empty() {
            return;
        }
        match sink.import(findings).await {
            Ok(delivery) if delivery.is_complete() => {}
            Ok(delivery) => report.failures.extend(
                delivery
                    .failed
                    .iter()
                    .map(|f| format!("BatchImportFindings refused {}: {}", f.id, f.message)),
            ),
            Err(e) => report.failures.push(e.to_string()),
        }
    }
}

/// The last guard on what was read: `(decision, the live item when still acting)`.
fn confirm<'a>(
    decision: Decision,
    control: &'static Control,
    live: &'a LiveResource,
    config: &RemediationConfig,
) -> (Decision, Option<&'a ConfigurationItem>) {
    match live {
        LiveResource::Gone => (guard::confirm(decision, Live::Gone, config), None),
        LiveResource::Present(item) => {
            let verdict =
                plan::evaluate_live(control, item, config).unwrap_or_else(Verdict::insufficient);
            let decision = guard::confirm(
                decision,
                Live::Present {
                    tags: &item.tags,
                    verdict: &verdict,
                },
                config,
            );
            (decision, Some(item))
        }
    }
}

/// `remediation/<date>/<time>-<control>-<event id>-<n>.json`: sortable by time, unique per
/// finding of an event.
pub fn audit_key(record: &AuditRecord, event_id: Option<&str>, index: usize) -> String {
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    let date = record.time.get(..10).unwrap_or("unknown-date");
    format!(
        "remediation/{}/{}-{}-{}-{index}.json",
        safe(date),
        safe(&record.time),
        safe(record.control.as_deref().unwrap_or("unknown")),
        safe(event_id.unwrap_or("no-event-id")),
    )
}

/// One JSON log line per decision.
fn log(record: &AuditRecord) {
    let outcome = serde_json::to_value(&record.outcome)
        .ok()
        .and_then(|o| o.get("result").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_default();
    tracing::info!(
        decision = record.decision,
        code = record.code.unwrap_or(""),
        control = record.control.as_deref().unwrap_or(""),
        resource_id = record.resource_id.as_deref().unwrap_or(""),
        finding_id = record.finding_id.as_deref().unwrap_or(""),
        mode = record.mode,
        outcome = outcome.as_str(),
        record = %record.to_json(),
        "remediation decision"
    );
}

/// The re-check's ports: the live item arrives with the evidence its control reads (the live
/// source collected it), so nothing is read from AWS Config and no evidence twice.
struct LiveItemPorts;

impl PipelinePorts for LiveItemPorts {
    type Items = ();
    type Evidence = ();
    type Changes = ();
    fn items(&self) -> &() {
        &()
    }
    fn evidence(&self) -> &() {
        &()
    }
    fn changes(&self) -> &() {
        &()
    }
}
