//! The two EventBridge events Security Hub sends about findings, read into [`EventFinding`]s.
//!
//! Both share the EventBridge envelope (`version`, `id`, `detail-type`, `source`
//! `aws.securityhub`, `account`, `time`, `region`, `resources`):
//!
//! * **Security Hub Findings - Imported**: `detail.findings[]` (one finding per event, AWS says);
//!   sent whenever a finding is created or updated.
//! * **Security Hub Findings - Custom Action**: a person selected findings and chose a custom
//!   action; `detail.actionName`, `detail.actionDescription` and `detail.findings[]`, and
//!   `resources` holds the custom action's ARN.
//!
//! * **Findings Imported V2**: the new Security Hub's event for the findings it ingests;
//!   `detail.findings[]` are OCSF findings, read into the same [`EventFinding`] by
//!   [`EventFinding::from_ocsf_value`] so the same guards and refusal table apply.
//!
//! The ASFF findings are full findings as Security Hub stores them: besides what sidewatch sent
//! (see [`sidewatch_core::finding::Finding`]) they carry `Workflow`, `WorkflowState`,
//! `ProductName`, `CompanyName`, `Region`, `FirstObservedAt`, `ProcessedAt`, `Note`, and Security
//! Hub's own `ProductFields` entries. The envelope is decoded with serde (a bad field is named by
//! its path); each finding is read on its own with every field optional, so one finding of another
//! product (a GuardDuty finding has no `Compliance`) or with an odd field never makes the whole
//! event unreadable: a finding that cannot be read is kept as an error and skipped by the guard.

use serde::Deserialize;
use serde_json::Value;
use sidewatch_core::finding::{ComplianceStatus, RecordState};
use sidewatch_core::item::json_type;
use std::collections::BTreeMap;

/// `detail-type` of findings created or updated.
pub const FINDINGS_IMPORTED: &str = "Security Hub Findings - Imported";
/// `detail-type` of the new Security Hub's findings (OCSF) created or updated.
pub const FINDINGS_IMPORTED_V2: &str = "Findings Imported V2";
/// `detail-type` of findings a person sent to a custom action.
pub const FINDINGS_CUSTOM_ACTION: &str = "Security Hub Findings - Custom Action";
/// `source` of every event Security Hub sends. Only AWS services can send `aws.` sources, so an
/// event put by anyone else never gets this far.
pub const SOURCE: &str = "aws.securityhub";

/// Why an event cannot be read at all. The message names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("the Security Hub event is not valid JSON: {0}")]
    Json(String),
    #[error("the Security Hub event must be a JSON object, found {0}")]
    NotAnObject(&'static str),
    #[error("the Security Hub event has no `{0}`")]
    MissingField(&'static str),
    #[error("`{path}` of the Security Hub event cannot be read: {message}")]
    Field { path: String, message: String },
    #[error("the event comes from source '{0}', not {SOURCE}")]
    WrongSource(String),
    #[error(
        "the event has detail-type '{0}'; the remediation function handles \
         '{FINDINGS_IMPORTED}', '{FINDINGS_IMPORTED_V2}' and '{FINDINGS_CUSTOM_ACTION}'"
    )]
    UnsupportedDetailType(String),
}

/// The EventBridge envelope as Security Hub sends it. `aws_lambda_events`' `EventBridgeEvent`
/// is not used: it needs `time` as a `chrono` timestamp and gives no field path on a bad type.
#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Wire {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    detail_type: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    account: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    time: Option<String>,
    #[serde(default)]
    resources: Option<Vec<String>>,
    #[serde(default)]
    detail: Option<WireDetail>,
}

/// `detail` of both event kinds; the findings stay JSON so each is read on its own.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireDetail {
    #[serde(default)]
    action_name: Option<String>,
    #[serde(default)]
    action_description: Option<String>,
    #[serde(default)]
    findings: Option<Vec<Value>>,
}

/// The format of an event's findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingSchema {
    /// AWS Security Finding Format: "Security Hub Findings - Imported" and "- Custom Action".
    Asff,
    /// OCSF: "Findings Imported V2".
    Ocsf,
}

impl FindingSchema {
    /// `asff` or `ocsf`, for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingSchema::Asff => "asff",
            FindingSchema::Ocsf => "ocsf",
        }
    }
}

/// What brought the findings: Security Hub importing them, or a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    /// "Security Hub Findings - Imported", or "Findings Imported V2".
    Imported,
    /// "Security Hub Findings - Custom Action": a person chose the findings.
    CustomAction {
        /// `detail.actionName`.
        name: String,
        /// `detail.actionDescription`.
        description: Option<String>,
    },
}

impl Trigger {
    /// `imported` or `custom-action`, for logs.
    pub fn as_str(&self) -> &'static str {
        match self {
            Trigger::Imported => "imported",
            Trigger::CustomAction { .. } => "custom-action",
        }
    }
}

/// One Security Hub finding event.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityHubEvent {
    /// The EventBridge event `id`.
    pub id: Option<String>,
    /// `account`: the account Security Hub sent the event in.
    pub account: String,
    /// `region`.
    pub region: String,
    /// `time`, as sent.
    pub time: Option<String>,
    /// `resources`: for a custom action, its ARN.
    pub resources: Vec<String>,
    pub trigger: Trigger,
    /// ASFF, or OCSF for "Findings Imported V2".
    pub schema: FindingSchema,
    /// `detail.findings[]`, each read on its own: a finding that cannot be read is the reason.
    pub findings: Vec<Result<EventFinding, String>>,
}

impl SecurityHubEvent {
    /// Reads an event from JSON text.
    pub fn from_json_str(text: &str) -> Result<Self, EventError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| EventError::Json(e.to_string()))?;
        Self::from_value(&value)
    }

    /// Reads an event from a parsed JSON value.
    pub fn from_value(value: &Value) -> Result<Self, EventError> {
        if !value.is_object() {
            return Err(EventError::NotAnObject(json_type(value)));
        }
        let wire: Wire =
            serde_path_to_error::deserialize(value).map_err(|e| EventError::Field {
                path: e.path().to_string(),
                message: e.inner().to_string(),
            })?;
        let source = required(wire.source, "source")?;
        if source != SOURCE {
            return Err(EventError::WrongSource(source));
        }
        let detail_type = required(wire.detail_type, "detail-type")?;
        let detail = wire.detail.ok_or(EventError::MissingField("detail"))?;
        let (trigger, schema) = match detail_type.as_str() {
            FINDINGS_IMPORTED => (Trigger::Imported, FindingSchema::Asff),
            FINDINGS_IMPORTED_V2 => (Trigger::Imported, FindingSchema::Ocsf),
            FINDINGS_CUSTOM_ACTION => (
                Trigger::CustomAction {
                    name: required(detail.action_name, "detail.actionName")?,
                    description: detail.action_description,
                },
                FindingSchema::Asff,
            ),
            _ => return Err(EventError::UnsupportedDetailType(detail_type)),
        };
        let read = match schema {
            FindingSchema::Asff => EventFinding::from_value,
            FindingSchema::Ocsf => EventFinding::from_ocsf_value,
        };
        let findings = detail
            .findings
            .ok_or(EventError::MissingField("detail.findings"))?
            .iter()
            .map(read)
            .collect();
        Ok(SecurityHubEvent {
            id: wire.id,
            account: required(wire.account, "account")?,
            region: required(wire.region, "region")?,
            time: wire.time,
            resources: wire.resources.unwrap_or_default(),
            trigger,
            schema,
            findings,
        })
    }
}

/// A finding must be a JSON object; the error says what it is instead.
pub(crate) fn require_object(finding: &Value) -> Result<(), String> {
    if finding.is_object() {
        Ok(())
    } else {
        Err(format!(
            "the finding is {}, not an object",
            json_type(finding)
        ))
    }
}

/// A field the event must carry, not blank.
fn required(field: Option<String>, name: &'static str) -> Result<String, EventError> {
    field
        .filter(|s| !s.trim().is_empty())
        .ok_or(EventError::MissingField(name))
}

/// The parts of an ASFF finding the guards read. Every field is optional here; the guard decides
/// what a missing one means (always a skip).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EventFinding {
    pub id: Option<String>,
    pub product_arn: Option<String>,
    pub generator_id: Option<String>,
    pub aws_account_id: Option<String>,
    pub region: Option<String>,
    pub product_name: Option<String>,
    pub company_name: Option<String>,
    pub title: Option<String>,
    pub compliance: Option<EventCompliance>,
    pub record_state: Option<String>,
    pub workflow: Option<EventWorkflow>,
    /// Deprecated by AWS in favour of `Workflow.Status`, still sent.
    pub workflow_state: Option<String>,
    pub product_fields: BTreeMap<String, String>,
    pub resources: Vec<EventResource>,
    pub first_observed_at: Option<String>,
    pub updated_at: Option<String>,
    pub processed_at: Option<String>,
}

/// `Compliance` (only what the guards read).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EventCompliance {
    pub status: Option<String>,
    pub security_control_id: Option<String>,
}

/// `Workflow`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EventWorkflow {
    /// `NEW`, `NOTIFIED`, `RESOLVED`, `SUPPRESSED`.
    pub status: Option<String>,
}

/// One `Resources[]` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EventResource {
    #[serde(rename = "Type")]
    pub resource_type: Option<String>,
    /// The resource's ARN, or its id when it has no ARN.
    pub id: Option<String>,
    pub partition: Option<String>,
    pub region: Option<String>,
    pub tags: BTreeMap<String, String>,
}

/// The `Workflow.Status` values Security Hub knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkflowStatus {
    New,
    Notified,
    Resolved,
    Suppressed,
}

impl WorkflowStatus {
    /// The ASFF spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkflowStatus::New => "NEW",
            WorkflowStatus::Notified => "NOTIFIED",
            WorkflowStatus::Resolved => "RESOLVED",
            WorkflowStatus::Suppressed => "SUPPRESSED",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "NEW" => Some(WorkflowStatus::New),
            "NOTIFIED" => Some(WorkflowStatus::Notified),
            "RESOLVED" => Some(WorkflowStatus::Resolved),
            "SUPPRESSED" => Some(WorkflowStatus::Suppressed),
            _ => None,
        }
    }
}

impl EventFinding {
    /// Reads one finding; the error says why it cannot be.
    pub fn from_value(value: &Value) -> Result<Self, String> {
        require_object(value)?;
        EventFinding::deserialize(value).map_err(|e| format!("the finding cannot be read: {e}"))
    }

    /// `Compliance.Status`, when it is one ASFF knows.
    pub fn compliance_status(&self) -> Option<ComplianceStatus> {
        let status = self.compliance.as_ref()?.status.as_deref()?;
        serde_json::from_value(Value::String(status.trim().to_owned())).ok()
    }

    /// `RecordState`, when it is one ASFF knows.
    pub fn record_state(&self) -> Option<RecordState> {
        let state = self.record_state.as_deref()?;
        serde_json::from_value(Value::String(state.trim().to_owned())).ok()
    }

    /// `Workflow.Status`, or what the deprecated `WorkflowState` implies when it is absent
    /// (`NEW`, `ASSIGNED`, `IN_PROGRESS` are open: NEW or NOTIFIED; `DEFERRED` is suppressed;
    /// `RESOLVED` resolved). `None` when neither says.
    pub fn workflow_status(&self) -> Option<WorkflowStatus> {
        if let Some(status) = self.workflow.as_ref().and_then(|w| w.status.as_deref()) {
            return WorkflowStatus::parse(status);
        }
        match self.workflow_state.as_deref()?.trim() {
            "NEW" => Some(WorkflowStatus::New),
            "ASSIGNED" | "IN_PROGRESS" => Some(WorkflowStatus::Notified),
            "DEFERRED" => Some(WorkflowStatus::Suppressed),
            "RESOLVED" => Some(WorkflowStatus::Resolved),
            _ => None,
        }
    }

    /// A `ProductFields` entry.
    pub fn product_field(&self, key: &str) -> Option<&str> {
        self.product_fields
            .get(key)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The tags of the finding's first resource, as sidewatch recorded them when it evaluated.
    pub fn resource_tags(&self) -> BTreeMap<String, String> {
        self.resources
            .first()
            .map(|r| r.tags.clone())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn envelope(detail_type: &str, detail: Value) -> Value {
        json!({"version": "0", "id": "e-1", "detail-type": detail_type,
               "source": "aws.securityhub", "account": "111122223333",
               "time": "2024-06-01T10:00:00Z", "region": "eu-west-1",
               "resources": ["arn:aws:securityhub:eu-west-1:111122223333:action/custom/Remediate"],
               "detail": detail})
    }

    #[test]
    fn both_detail_types_are_read() {
        let imported =
            SecurityHubEvent::from_value(&envelope(FINDINGS_IMPORTED, json!({"findings": []})))
                .unwrap();
        assert_eq!(imported.trigger, Trigger::Imported);
        let custom = SecurityHubEvent::from_value(&envelope(
            FINDINGS_CUSTOM_ACTION,
            json!({"actionName": "Remediate", "actionDescription": "Remediate with sidewatch",
                   "findings": [{"Id": "f"}]}),
        ))
        .unwrap();
        assert_eq!(
            custom.trigger,
            Trigger::CustomAction {
                name: "Remediate".into(),
                description: Some("Remediate with sidewatch".into())
            }
        );
        assert_eq!(custom.findings.len(), 1);
        assert_eq!(custom.account, "111122223333");
    }

    #[test]
    fn wrong_events_are_errors_naming_the_field() {
        let mut forged = envelope(FINDINGS_IMPORTED, json!({"findings": []}));
        forged["source"] = json!("my.app");
        assert_eq!(
            SecurityHubEvent::from_value(&forged),
            Err(EventError::WrongSource("my.app".into()))
        );
        let insight = envelope("Security Hub Insight Results", json!({}));
        assert!(matches!(
            SecurityHubEvent::from_value(&insight),
            Err(EventError::UnsupportedDetailType(_))
        ));
        let no_findings = envelope(FINDINGS_IMPORTED, json!({}));
        assert_eq!(
            SecurityHubEvent::from_value(&no_findings),
            Err(EventError::MissingField("detail.findings"))
        );
        let no_action = envelope(FINDINGS_CUSTOM_ACTION, json!({"findings": []}));
        assert_eq!(
            SecurityHubEvent::from_value(&no_action),
            Err(EventError::MissingField("detail.actionName"))
        );
        assert!(matches!(
            SecurityHubEvent::from_json_str("[1]"),
            Err(EventError::NotAnObject("an array"))
        ));
        assert!(matches!(
            SecurityHubEvent::from_json_str("{"),
            Err(EventError::Json(_))
        ));
        let mut numeric_account = envelope(FINDINGS_IMPORTED, json!({"findings": []}));
        numeric_account["account"] = json!(111122223333u64);
        assert!(matches!(
            SecurityHubEvent::from_value(&numeric_account),
            Err(EventError::Field { path, .. }) if path == "account"
        ));
        let findings_object = envelope(FINDINGS_IMPORTED, json!({"findings": {"Id": "f"}}));
        assert!(matches!(
            SecurityHubEvent::from_value(&findings_object),
            Err(EventError::Field { path, .. }) if path == "detail.findings"
        ));
    }

    #[test]
    fn odd_findings_are_kept_as_errors_not_event_failures() {
        let event = SecurityHubEvent::from_value(&envelope(
            FINDINGS_IMPORTED,
            json!({"findings": ["text", {"ProductFields": ["not", "a", "map"]}, {"Id": "ok"}]}),
        ))
        .unwrap();
        assert!(event.findings[0].is_err());
        assert!(event.findings[1].is_err());
        assert_eq!(
            event.findings[2].as_ref().unwrap().id.as_deref(),
            Some("ok")
        );
    }

    #[test]
    fn workflow_falls_back_to_the_deprecated_state() {
        let f = |v: Value| EventFinding::from_value(&v).unwrap().workflow_status();
        assert_eq!(
            f(json!({"Workflow": {"Status": "NOTIFIED"}, "WorkflowState": "NEW"})),
            Some(WorkflowStatus::Notified)
        );
        assert_eq!(
            f(json!({"WorkflowState": "NEW"})),
            Some(WorkflowStatus::New)
        );
        assert_eq!(
            f(json!({"WorkflowState": "DEFERRED"})),
            Some(WorkflowStatus::Suppressed)
        );
        assert_eq!(f(json!({"Workflow": {"Status": "???"}})), None);
        assert_eq!(f(json!({})), None);
    }
}
