//! An OCSF finding of a "Findings Imported V2" event, read into the [`EventFinding`] the guards
//! read, so both event kinds meet the same guards and the same refusal table.
//!
//! Each guard's ASFF field is taken from where sidewatch's OCSF writer
//! ([`sidewatch_core::finding::ocsf`]) and Security Hub's OCSF findings put it:
//!
//! | guards read (ASFF) | from (OCSF) |
//! |---|---|
//! | `Id` | `finding_info.uid` |
//! | `ProductArn` | `metadata.product.uid` |
//! | `GeneratorId` | `finding_info.analytic.uid` |
//! | `AwsAccountId`, `Region` | `cloud.account.uid`, `cloud.region` |
//! | `ProductName`, `CompanyName`, `Title` | `metadata.product.name`, `metadata.product.vendor_name`, `finding_info.title` |
//! | `Compliance.Status`, `Compliance.SecurityControlId` | `compliance.status_id`, `compliance.control` |
//! | `RecordState` | `activity_id` (3 Close: `ARCHIVED`; 1 Create, 2 Update: `ACTIVE`) |
//! | `Workflow.Status` | `status_id` (1 New, 2 In Progress: `NOTIFIED`, 3 Suppressed, 4 Resolved) |
//! | `ProductFields` | the string values of `unmapped` |
//! | `Resources[]` `Type`, `Id`, `Partition`, `Region`, `Tags` | `resources[]` `type`, `uid`, `cloud_partition`, `region`, `tags[]` (`name`, `value`) |
//! | `UpdatedAt` | `finding_info.modified_time` (ms since the epoch) |
//!
//! Every field is optional here, as in the ASFF reader: a missing one is for the guards to refuse
//! (a finding without `finding_info.analytic.uid` has no `GeneratorId`: `malformed-finding`). A
//! value of the wrong JSON type makes the finding unreadable, with the field's path.

use crate::event::{
    EventCompliance, EventFinding, EventResource, EventWorkflow, WorkflowStatus, require_object,
};
use serde::Deserialize;
use serde_json::Value;
use sidewatch_core::finding::ocsf::{asff_compliance_status, asff_record_state};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

#[derive(Deserialize, Default)]
#[serde(default)]
struct Wire {
    activity_id: Option<i64>,
    activity_name: Option<String>,
    status_id: Option<i64>,
    status: Option<String>,
    metadata: Metadata,
    finding_info: FindingInfo,
    compliance: Option<Compliance>,
    cloud: Cloud,
    resources: Vec<Resource>,
    unmapped: BTreeMap<String, Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Metadata {
    product: Product,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Product {
    uid: Option<String>,
    name: Option<String>,
    vendor_name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct FindingInfo {
    uid: Option<String>,
    title: Option<String>,
    modified_time: Option<i64>,
    analytic: Option<Analytic>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Analytic {
    uid: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Compliance {
    status_id: Option<i64>,
    control: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Cloud {
    region: Option<String>,
    account: Option<Account>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Account {
    uid: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Resource {
    #[serde(rename = "type")]
    resource_type: Option<String>,
    uid: Option<String>,
    cloud_partition: Option<String>,
    region: Option<String>,
    tags: Vec<Tag>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Tag {
    name: String,
    value: Option<String>,
}

/// The workflow status of an OCSF finding's `status_id` (else its `status` caption).
fn workflow(status_id: Option<i64>, status: Option<&str>) -> Option<WorkflowStatus> {
    let by_id = |id| match id {
        1 => Some(WorkflowStatus::New),
        2 => Some(WorkflowStatus::Notified),
        3 => Some(WorkflowStatus::Suppressed),
        4 => Some(WorkflowStatus::Resolved),
        _ => None,
    };
    match (status_id, status.map(str::trim)) {
        (Some(id), _) => by_id(id),
        (None, Some("New")) => Some(WorkflowStatus::New),
        (None, Some("In Progress")) => Some(WorkflowStatus::Notified),
        (None, Some("Suppressed")) => Some(WorkflowStatus::Suppressed),
        (None, Some("Resolved")) => Some(WorkflowStatus::Resolved),
        _ => None,
    }
}

impl EventFinding {
    /// Reads one OCSF finding of a "Findings Imported V2" event; the error says why it cannot be.
    pub fn from_ocsf_value(value: &Value) -> Result<Self, String> {
        require_object(value)?;
        let wire: Wire = serde_path_to_error::deserialize(value).map_err(|e| {
            format!(
                "the OCSF finding cannot be read: `{}`: {}",
                e.path(),
                e.inner()
            )
        })?;
        let record_state = match (wire.activity_id, wire.activity_name.as_deref()) {
            (Some(id), _) => asff_record_state(id),
            (None, Some(name)) if name.trim() == "Close" => asff_record_state(3),
            (None, Some(_)) => asff_record_state(1),
            (None, None) => None,
        };
        let compliance = wire.compliance.map(|c| EventCompliance {
            status: c
                .status_id
                .and_then(asff_compliance_status)
                .map(|s| s.as_str().to_owned()),
            security_control_id: c.control,
        });
        Ok(EventFinding {
            id: wire.finding_info.uid,
            product_arn: wire.metadata.product.uid,
            generator_id: wire.finding_info.analytic.and_then(|a| a.uid),
            aws_account_id: wire.cloud.account.and_then(|a| a.uid),
            region: wire.cloud.region,
            product_name: wire.metadata.product.name,
            company_name: wire.metadata.product.vendor_name,
            title: wire.finding_info.title,
            compliance,
            record_state: record_state.map(|s| s.as_str().to_owned()),
            workflow: Some(EventWorkflow {
                status: workflow(wire.status_id, wire.status.as_deref())
                    .map(|s| s.as_str().to_owned()),
            }),
            workflow_state: None,
            product_fields: wire
                .unmapped
                .into_iter()
                .filter_map(|(key, value)| match value {
                    Value::String(text) => Some((key, text)),
                    _ => None,
                })
                .collect(),
            resources: wire
                .resources
                .into_iter()
                .map(|r| EventResource {
                    resource_type: r.resource_type,
                    id: r.uid,
                    partition: r.cloud_partition,
                    region: r.region,
                    tags: r
                        .tags
                        .into_iter()
                        .filter_map(|t| Some((t.name, t.value?)))
                        .collect(),
                })
                .collect(),
            first_observed_at: None,
            updated_at: wire.finding_info.modified_time.and_then(rfc3339),
            processed_at: None,
        })
    }
}

/// Milliseconds since the epoch as RFC 3339, as ASFF writes times.
fn rfc3339(ms: i64) -> Option<String> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()?
        .format(&Rfc3339)
        .ok()
}

#[cfg(test)]
#[path = "ocsf_event_tests.rs"]
mod parity_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{FINDINGS_IMPORTED_V2, FindingSchema, SecurityHubEvent, Trigger};
    use serde_json::json;
    use sidewatch_core::finding::{ComplianceStatus, RecordState};

    fn ocsf_finding() -> Value {
        json!({
            "activity_id": 1, "class_uid": 2003, "status_id": 1, "status": "New",
            "metadata": {"version": "1.7.0", "product": {
                "name": "sidewatch", "vendor_name": "sidewatch",
                "uid": "arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default"}},
            "finding_info": {"uid": "arn:aws:securityhub:eu-west-1:111122223333:sidewatch/S3.8/ab",
                             "title": "S3.8 …", "modified_time": 1_717_236_300_250i64,
                             "analytic": {"uid": "sidewatch/S3.8", "name": "S3.8", "type_id": 1}},
            "compliance": {"control": "S3.8", "status_id": 3, "status": "Fail"},
            "cloud": {"provider": "AWS", "region": "eu-west-1",
                      "account": {"uid": "111122223333", "type_id": 10}},
            "resources": [{"uid": "arn:aws:s3:::b1", "type": "AWS::S3::Bucket",
                           "region": "eu-west-1", "cloud_partition": "aws",
                           "tags": [{"name": "team", "value": "web"}, {"name": "odd", "values": ["a"]}]}],
            "unmapped": {"sidewatch/ResourceId": "b1", "other": {"nested": true}}
        })
    }

    #[test]
    fn every_field_the_guards_read_comes_from_its_ocsf_place() {
        let f = EventFinding::from_ocsf_value(&ocsf_finding()).unwrap();
        assert_eq!(
            f.id.as_deref(),
            Some("arn:aws:securityhub:eu-west-1:111122223333:sidewatch/S3.8/ab")
        );
        assert_eq!(
            f.product_arn.as_deref(),
            Some("arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default")
        );
        assert_eq!(f.generator_id.as_deref(), Some("sidewatch/S3.8"));
        assert_eq!(f.aws_account_id.as_deref(), Some("111122223333"));
        assert_eq!(f.region.as_deref(), Some("eu-west-1"));
        assert_eq!(f.compliance_status(), Some(ComplianceStatus::Failed));
        assert_eq!(
            f.compliance
                .as_ref()
                .unwrap()
                .security_control_id
                .as_deref(),
            Some("S3.8")
        );
        assert_eq!(f.record_state(), Some(RecordState::Active));
        assert_eq!(f.workflow_status(), Some(WorkflowStatus::New));
        assert_eq!(f.product_field("sidewatch/ResourceId"), Some("b1"));
        assert!(!f.product_fields.contains_key("other"));
        assert_eq!(f.resources[0].id.as_deref(), Some("arn:aws:s3:::b1"));
        assert_eq!(f.resources[0].partition.as_deref(), Some("aws"));
        assert_eq!(
            f.resource_tags(),
            BTreeMap::from([("team".to_owned(), "web".to_owned())])
        );
        assert_eq!(f.updated_at.as_deref(), Some("2024-06-01T10:05:00.25Z"));
    }

    #[test]
    fn states_map_and_absent_ones_stay_absent() {
        let read = |patch: Value| {
            let mut v = ocsf_finding();
            v.as_object_mut()
                .unwrap()
                .extend(patch.as_object().unwrap().clone());
            EventFinding::from_ocsf_value(&v).unwrap()
        };
        assert_eq!(
            read(json!({"activity_id": 3})).record_state(),
            Some(RecordState::Archived)
        );
        assert_eq!(
            read(json!({"activity_id": null, "activity_name": "Close"})).record_state(),
            Some(RecordState::Archived)
        );
        assert_eq!(read(json!({"activity_id": null})).record_state(), None);
        assert_eq!(
            read(json!({"status_id": 2})).workflow_status(),
            Some(WorkflowStatus::Notified)
        );
        assert_eq!(
            read(json!({"status_id": null, "status": "Resolved"})).workflow_status(),
            Some(WorkflowStatus::Resolved)
        );
        assert_eq!(read(json!({"status_id": 5})).workflow_status(), None);
        assert_eq!(
            read(json!({"compliance": {"status_id": 1}})).compliance_status(),
            Some(ComplianceStatus::Passed)
        );
        assert_eq!(
            read(json!({"compliance": {"status_id": 99}})).compliance_status(),
            Some(ComplianceStatus::NotAvailable)
        );
    }

    #[test]
    fn a_wrong_type_names_the_field_and_the_event_still_reads() {
        let mut bad = ocsf_finding();
        bad["cloud"]["account"]["uid"] = json!(111122223333u64);
        let err = EventFinding::from_ocsf_value(&bad).unwrap_err();
        assert!(err.contains("cloud.account.uid"), "{err}");
        let event = json!({"version": "0", "id": "e-2", "detail-type": FINDINGS_IMPORTED_V2,
                           "source": "aws.securityhub", "account": "111122223333",
                           "time": "2024-06-01T10:05:01Z", "region": "eu-west-1",
                           "resources": ["e51603d1054aad9d9f498d82d6e81acf4cf6bc88140e8ad2273123c73b81084"],
                           "detail": {"findings": [bad, ocsf_finding(), "text"]}});
        let event = SecurityHubEvent::from_value(&event).unwrap();
        assert_eq!(event.schema, FindingSchema::Ocsf);
        assert_eq!(event.trigger, Trigger::Imported);
        assert!(event.findings[0].is_err());
        assert!(event.findings[1].is_ok());
        assert!(event.findings[2].is_err());
    }
}
