//! The record of every decision: one JSON audit line per finding, and for findings sidewatch acted
//! on, the `BatchUpdateFindings` note and workflow status.

use super::Mode;
use super::event::{EventFinding, Trigger};
use super::guard::Decision;
use super::plan::{NotRemediable, Plan};
use serde::Serialize;
use serde_json::{Value, json};
use sidewatch_core::verdict::truncate_with_ellipsis;

/// `Note.Text` takes at most 512 characters.
pub const MAX_NOTE: usize = 512;
/// `Note.UpdatedBy` of every note sidewatch writes.
pub const UPDATED_BY: &str = "sidewatch-remediation";
/// The workflow status sidewatch sets on findings it acted on. Security Hub moves a `NOTIFIED`
/// finding to `RESOLVED` by itself when it passes again, and automatic remediation skips it (it
/// only acts on `NEW`), so one finding is acted on once.
pub const WORKFLOW_STATUS: &str = "NOTIFIED";

/// What happened after the decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "result",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum Outcome {
    /// A guard refused: nothing was done.
    Skipped,
    /// Dry-run: the plan was logged, not applied.
    DryRun,
    /// The change was made.
    Applied,
    /// The change was attempted and failed.
    Failed { error: String },
    /// No plan: notify-only, already compliant, or cannot be planned safely.
    NotRemediated { code: String, reason: String },
}

/// One audit record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditRecord {
    /// RFC 3339, passed in (the core reads no clock).
    pub time: String,
    pub finding_id: Option<String>,
    pub trigger: &'static str,
    pub control: Option<String>,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub mode: &'static str,
    /// `act` or `skip`.
    pub decision: &'static str,
    /// The skip code, when skipped.
    pub code: Option<&'static str>,
    pub reason: Option<String>,
    /// [`Plan::describe`], when there is a plan.
    pub plan: Option<String>,
    /// The plan as data.
    pub change: Option<Value>,
    pub outcome: Outcome,
}

impl AuditRecord {
    /// The record of one decision. `plan` is the planning result for [`Decision::Act`].
    pub fn new(
        time: &str,
        finding: Option<&EventFinding>,
        trigger: &Trigger,
        mode: Mode,
        decision: &Decision,
        plan: Option<&Result<Plan, NotRemediable>>,
        outcome: Outcome,
    ) -> Self {
        let mut record = AuditRecord {
            time: time.to_owned(),
            finding_id: finding.and_then(|f| f.id.clone()),
            trigger: trigger.as_str(),
            control: None,
            resource_type: None,
            resource_id: None,
            mode: mode.as_str(),
            decision: "skip",
            code: None,
            reason: None,
            plan: None,
            change: None,
            outcome,
        };
        match decision {
            Decision::Skip { code, reason } => {
                record.code = Some(code.as_str());
                record.reason = Some(reason.clone());
                record.control = finding
                    .and_then(|f| f.generator_id.as_deref())
                    .and_then(|g| g.strip_prefix("sidewatch/"))
                    .map(str::to_owned);
            }
            Decision::Act {
                control,
                resource_id,
                resource_type,
                ..
            } => {
                record.decision = "act";
                record.control = Some(control.id.to_owned());
                record.resource_type = Some(resource_type.clone());
                record.resource_id = Some(resource_id.clone());
                match plan {
                    Some(Ok(p)) => {
                        record.plan = Some(p.describe());
                        record.change = serde_json::to_value(p).ok();
                    }
                    Some(Err(e)) => {
                        record.code = Some(e.code());
                        record.reason = Some(e.to_string());
                    }
                    None => {}
                }
            }
        }
        record
    }

    /// The record as one JSON line.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// Whether the finding gets a note and `NOTIFIED`: only when sidewatch acted on its own
    /// finding (dry-run, applied, failed or not remediable), never for a skip — a skipped finding
    /// may not even be sidewatch's.
    pub fn updates_finding(&self) -> bool {
        self.decision == "act"
    }

    /// The note text (at most [`MAX_NOTE`] characters).
    pub fn note(&self) -> String {
        let control = self.control.as_deref().unwrap_or("?");
        let text = match (&self.outcome, &self.plan) {
            (Outcome::DryRun, Some(plan)) => {
                format!("sidewatch dry-run ({control}): would {plan}")
            }
            (Outcome::Applied, Some(plan)) => format!("sidewatch remediated {control}: {plan}"),
            (Outcome::Failed { error }, plan) => format!(
                "sidewatch could not remediate {control}{}: {error}",
                plan.as_deref()
                    .map(|p| format!(" ({p})"))
                    .unwrap_or_default()
            ),
            (Outcome::NotRemediated { reason, .. }, _) => {
                format!("sidewatch did not remediate {control}: {reason}")
            }
            _ => format!(
                "sidewatch ({control}): {}",
                self.reason.as_deref().unwrap_or("no action")
            ),
        };
        truncate_with_ellipsis(&text, MAX_NOTE)
    }
}

/// The `BatchUpdateFindings` request for a finding sidewatch acted on: the note and workflow
/// status `NOTIFIED`. `None` when the finding lacks `Id` or `ProductArn`.
pub fn batch_update_findings(finding: &EventFinding, record: &AuditRecord) -> Option<Value> {
    let id = finding.id.as_deref()?;
    let product_arn = finding.product_arn.as_deref()?;
    Some(json!({
        "FindingIdentifiers": [{"Id": id, "ProductArn": product_arn}],
        "Note": {"Text": record.note(), "UpdatedBy": UPDATED_BY},
        "Workflow": {"Status": WORKFLOW_STATUS},
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guard::SkipCode;

    fn finding() -> EventFinding {
        EventFinding {
            id: Some("arn:aws:securityhub:eu-west-1:111122223333:sidewatch/EC2.13/ab".into()),
            product_arn: Some(
                "arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default".into(),
            ),
            generator_id: Some("sidewatch/EC2.13".into()),
            ..Default::default()
        }
    }

    fn act() -> Decision {
        Decision::Act {
            control: sidewatch_core::controls::find("EC2.13").unwrap(),
            resource_id: "sg-1".into(),
            resource_type: "AWS::EC2::SecurityGroup".into(),
            mode: Mode::DryRun,
        }
    }

    #[test]
    fn dry_run_note_says_what_would_change() {
        let plan: Result<Plan, NotRemediable> = Ok(Plan::EnableKeyRotation {
            key_id: "k-1".into(),
        });
        let record = AuditRecord::new(
            "2024-06-01T10:00:00Z",
            Some(&finding()),
            &Trigger::Imported,
            Mode::DryRun,
            &act(),
            Some(&plan),
            Outcome::DryRun,
        );
        assert!(record.updates_finding());
        assert_eq!(
            record.note(),
            "sidewatch dry-run (EC2.13): would enable automatic rotation of KMS key k-1"
        );
        let json: Value = serde_json::from_str(&record.to_json()).unwrap();
        assert_eq!(json["decision"], "act");
        assert_eq!(json["change"]["action"], "EnableKeyRotation");
        assert_eq!(json["outcome"]["result"], "dry-run");
        let update = batch_update_findings(&finding(), &record).unwrap();
        assert_eq!(update["Workflow"]["Status"], "NOTIFIED");
        assert_eq!(update["Note"]["UpdatedBy"], UPDATED_BY);
    }

    #[test]
    fn skips_are_recorded_but_never_touch_the_finding() {
        let skip = Decision::Skip {
            code: SkipCode::OtherAccount,
            reason: "the finding belongs to account 999999999999".into(),
        };
        let record = AuditRecord::new(
            "2024-06-01T10:00:00Z",
            Some(&finding()),
            &Trigger::Imported,
            Mode::Apply,
            &skip,
            None,
            Outcome::Skipped,
        );
        assert!(!record.updates_finding());
        assert_eq!(record.code, Some("other-account"));
        assert_eq!(record.control.as_deref(), Some("EC2.13"));
    }

    #[test]
    fn notes_fit_in_512_characters() {
        let plan: Result<Plan, NotRemediable> = Ok(Plan::EnableKeyRotation {
            key_id: "k".repeat(2000),
        });
        let record = AuditRecord::new(
            "t",
            None,
            &Trigger::Imported,
            Mode::Apply,
            &act(),
            Some(&plan),
            Outcome::Failed {
                error: "AccessDenied".into(),
            },
        );
        assert!(record.note().len() <= MAX_NOTE);
        assert!(
            record
                .note()
                .starts_with("sidewatch could not remediate EC2.13")
        );
    }
}
