//! The Open Cybersecurity Schema Framework (OCSF) form of a finding: one Compliance Finding
//! (class 2003, [`OCSF_VERSION`]) per ASFF [`Finding`], for the new Security Hub, Amazon Security
//! Lake and SIEMs that read OCSF.
//!
//! The OCSF object is made *from* the ASFF finding, never beside it, so the two cannot disagree:
//! the same deterministic uid (`finding_info.uid` is the ASFF `Id`), status, severity, resource,
//! remediation and times. The mapping:
//!
//! | ASFF | OCSF |
//! |---|---|
//! | `Id` | `finding_info.uid` |
//! | `ProductArn` | `metadata.product.uid` |
//! | `GeneratorId` (`sidewatch/<control>`) | `finding_info.analytic.uid` (a rule) |
//! | `Title`, `Description`, `Types` | `finding_info.title`, `finding_info.desc` and `message`, `finding_info.types` |
//! | `CreatedAt`, `UpdatedAt` | `finding_info.created_time`, `finding_info.modified_time`, `time` (ms since the epoch) |
//! | `Compliance.SecurityControlId`, `RelatedRequirements` | `compliance.control`, `compliance.requirements` and their `compliance.standards` |
//! | `Compliance.Status` and `sidewatch/ComplianceType` | `compliance.status_id` / `status` / `status_code` (below) |
//! | `Severity.Label` | `severity_id` / `severity` |
//! | `RecordState` `ARCHIVED` | `activity_id` 3 Close (else 1 Create) |
//! | `AwsAccountId`, the Region, the partition | `cloud.account.uid`, `cloud.region`, `cloud.cloud_partition` |
//! | `Resources[0]` | `resources[0]`: `uid` (the ARN), `type` and `uid_alt` (the AWS Config type and id), `region`, `cloud_partition`, `owner.account.uid`, `tags` |
//! | `Remediation.Recommendation` | `remediation.desc`, `remediation.references` |
//! | `ProductFields` | `unmapped` (same keys); `sidewatch/ChangedBy` also as `evidences[0].actor.user.uid`, `sidewatch/ChangeEventId` as `finding_info.related_events[0].uid` |
//!
//! Compliance statuses: PASSED → 1 Pass; FAILED → 3 Fail; INSUFFICIENT_DATA → 2 Warning (OCSF:
//! "did not yield a result due to missing information"); NOT_APPLICABLE → 99 Other with `status`
//! "Not Applicable" (OCSF has no such value; 99 says "see `status`"). The Config compliance type
//! is kept in `compliance.status_code`. The finding's own `status` (its workflow) is left to the
//! consumer, as `Workflow` is in ASFF.

use super::FindingError;
use super::model::{ComplianceStatus, Finding, RecordState};
use crate::control::{STANDARDS, Severity};
use serde::Serialize;
use std::collections::BTreeMap;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The OCSF schema version every object declares (`metadata.version`), and the one the test
/// validator checks them against.
pub const OCSF_VERSION: &str = "1.7.0";
/// `category_uid` of the Findings category.
pub const CATEGORY_UID: u32 = 2;
/// `class_uid` of Compliance Finding (category 2, class 3).
pub const CLASS_UID: u32 = 2003;
/// The product that writes the findings (`metadata.product.name` and `vendor_name`).
pub const PRODUCT_NAME: &str = "sidewatch";
/// `ProductFields` key of the principal that made the change behind a finding.
pub const CHANGED_BY: &str = "sidewatch/ChangedBy";
/// `ProductFields` key of the CloudTrail event id of that change.
pub const CHANGE_EVENT_ID: &str = "sidewatch/ChangeEventId";
/// `ProductFields` keys of the AWS Config resource type and id the finding is about.
const RESOURCE_TYPE: &str = "sidewatch/ResourceType";
const RESOURCE_ID: &str = "sidewatch/ResourceId";
const COMPLIANCE_TYPE: &str = "sidewatch/ComplianceType";
/// `account.type_id` 10, "AWS Account".
const AWS_ACCOUNT: (u32, &str) = (10, "AWS Account");
/// `analytic.type_id` 1, "Rule": a control is a rule evaluated on a resource.
const RULE: (u32, &str) = (1, "Rule");
/// `compliance.status` of NOT_APPLICABLE (with `status_id` 99 Other).
pub const NOT_APPLICABLE: &str = "Not Applicable";

/// `activity_id` of a finding: sidewatch writes 1 Create, or 3 Close for an archived one;
/// Security Hub also sends 2 Update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    Create,
    Update,
    Close,
}

impl Activity {
    /// The OCSF `activity_id`.
    pub fn id(self) -> u32 {
        match self {
            Activity::Create => 1,
            Activity::Update => 2,
            Activity::Close => 3,
        }
    }

    /// The OCSF caption (`activity_name`).
    pub fn caption(self) -> &'static str {
        match self {
            Activity::Create => "Create",
            Activity::Update => "Update",
            Activity::Close => "Close",
        }
    }
}

/// `compliance.status_id` and its caption for an ASFF status and the Config compliance type.
pub fn compliance_status(
    status: ComplianceStatus,
    compliance_type: Option<&str>,
) -> (u32, &'static str) {
    match (status, compliance_type) {
        (ComplianceStatus::Passed, _) => (1, "Pass"),
        (ComplianceStatus::Failed, _) => (3, "Fail"),
        (_, Some("NOT_APPLICABLE")) => (99, NOT_APPLICABLE),
        (ComplianceStatus::Warning | ComplianceStatus::NotAvailable, _) => (2, "Warning"),
    }
}

/// The ASFF `Compliance.Status` of an OCSF `compliance.status_id` (the inverse of
/// [`compliance_status`]; `None` for 0 Unknown and values OCSF does not define).
pub fn asff_compliance_status(status_id: i64) -> Option<ComplianceStatus> {
    match status_id {
        1 => Some(ComplianceStatus::Passed),
        3 => Some(ComplianceStatus::Failed),
        2 | 99 => Some(ComplianceStatus::NotAvailable),
        _ => None,
    }
}

/// The ASFF `RecordState` of an OCSF `activity_id`: 3 Close is archived, 1 Create and 2 Update
/// are active (as Security Hub counts findings whose activity is not Close as active).
pub fn asff_record_state(activity_id: i64) -> Option<RecordState> {
    match activity_id {
        1 | 2 => Some(RecordState::Active),
        3 => Some(RecordState::Archived),
        _ => None,
    }
}

/// `severity_id` and its caption (OCSF: 1 Informational … 5 Critical).
pub fn severity(severity: Severity) -> (u32, &'static str) {
    match severity {
        Severity::Informational => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

/// One OCSF Compliance Finding, spelled as OCSF spells it. Only what sidewatch writes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComplianceFinding {
    pub activity_id: u32,
    pub activity_name: &'static str,
    pub category_uid: u32,
    pub category_name: &'static str,
    pub class_uid: u32,
    pub class_name: &'static str,
    /// `class_uid * 100 + activity_id`.
    pub type_uid: u32,
    pub type_name: String,
    pub severity_id: u32,
    pub severity: &'static str,
    /// When the finding was last updated, ms since the epoch.
    pub time: i64,
    pub message: String,
    pub metadata: Metadata,
    pub finding_info: FindingInfo,
    pub compliance: Compliance,
    pub cloud: Cloud,
    pub resources: Vec<Resource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remediation: Option<Remediation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidences: Vec<Evidence>,
    /// The ASFF `ProductFields`, same keys.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub unmapped: BTreeMap<String, String>,
}

/// `metadata`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metadata {
    pub version: &'static str,
    pub product: Product,
    /// `cloud`: the profile `cloud` belongs to.
    pub profiles: Vec<&'static str>,
}

/// `metadata.product`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Product {
    pub name: &'static str,
    pub vendor_name: &'static str,
    /// The ASFF `ProductArn`.
    pub uid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// `finding_info`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingInfo {
    /// The ASFF `Id`.
    pub uid: String,
    pub title: String,
    pub desc: String,
    pub types: Vec<String>,
    pub created_time: i64,
    pub modified_time: i64,
    pub analytic: Analytic,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_events: Vec<RelatedEvent>,
}

/// `finding_info.analytic`: the control as a rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analytic {
    /// The ASFF `GeneratorId`, `sidewatch/<control id>`.
    pub uid: String,
    /// The control id.
    pub name: String,
    pub type_id: u32,
    #[serde(rename = "type")]
    pub type_name: &'static str,
}

/// `finding_info.related_events[]`: the CloudTrail event of the change behind the finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelatedEvent {
    pub uid: String,
}

/// `compliance`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Compliance {
    /// The control id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub standards: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<String>,
    pub status_id: u32,
    pub status: &'static str,
    /// The AWS Config compliance type (`NON_COMPLIANT`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_code: Option<String>,
}

/// `cloud`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cloud {
    pub provider: &'static str,
    pub region: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_partition: Option<String>,
    pub account: Account,
}

/// `account`: an AWS account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Account {
    pub uid: String,
    pub type_id: u32,
    #[serde(rename = "type")]
    pub type_name: &'static str,
}

impl Account {
    fn aws(uid: &str) -> Self {
        Account {
            uid: uid.to_owned(),
            type_id: AWS_ACCOUNT.0,
            type_name: AWS_ACCOUNT.1,
        }
    }
}

/// `resources[]` (`resource_details`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resource {
    /// The ARN (ASFF `Resources[].Id`).
    pub uid: String,
    /// The AWS Config resource id, when it is not the `uid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid_alt: Option<String>,
    /// The AWS Config resource type (`AWS::S3::Bucket`).
    #[serde(rename = "type")]
    pub resource_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_partition: Option<String>,
    /// The account the resource belongs to.
    pub owner: Owner,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

/// `resources[].owner`: only its account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Owner {
    pub account: Account,
}

/// A `key_value_object`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tag {
    pub name: String,
    pub value: String,
}

/// `remediation`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Remediation {
    pub desc: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
}

/// `evidences[]`: who made the change behind the finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub actor: Actor,
}

/// `evidences[].actor`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Actor {
    pub user: User,
}

/// `actor.user`: the principal, by its ARN.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    pub uid: String,
}

impl ComplianceFinding {
    /// The OCSF form of an ASFF finding (one built by
    /// [`FindingBuilder`](super::FindingBuilder), or read back with the same fields).
    ///
    /// Fails only when a time is not RFC 3339 or the finding has no resource: then the ASFF
    /// finding is not one sidewatch builds.
    pub fn from_finding(finding: &Finding) -> Result<Self, FindingError> {
        let invalid = |field: &str, problem: &str| FindingError::Invalid {
            id: finding.id.clone(),
            field: field.to_owned(),
            problem: problem.to_owned(),
        };
        let resource = finding
            .resources
            .first()
            .ok_or_else(|| invalid("Resources", "is empty"))?;
        let created = epoch_ms(&finding.created_at)
            .ok_or_else(|| invalid("CreatedAt", "is not an RFC 3339 time"))?;
        let modified = epoch_ms(&finding.updated_at)
            .ok_or_else(|| invalid("UpdatedAt", "is not an RFC 3339 time"))?;
        let field = |key: &str| {
            finding
                .product_fields
                .get(key)
                .map(String::as_str)
                .filter(|v| !v.trim().is_empty())
        };
        let activity = match finding.record_state {
            RecordState::Active => Activity::Create,
            RecordState::Archived => Activity::Close,
        };
        let (severity_id, severity_caption) = severity(finding.severity.label);
        let (status_id, status) =
            compliance_status(finding.compliance.status, field(COMPLIANCE_TYPE));
        let region = resource
            .region
            .clone()
            .or_else(|| product_region(&finding.product_arn).map(str::to_owned))
            .unwrap_or_default();
        let account = Account::aws(&finding.aws_account_id);
        let control = finding.compliance.security_control_id.clone();
        Ok(ComplianceFinding {
            activity_id: activity.id(),
            activity_name: activity.caption(),
            category_uid: CATEGORY_UID,
            category_name: "Findings",
            class_uid: CLASS_UID,
            class_name: "Compliance Finding",
            type_uid: CLASS_UID * 100 + activity.id(),
            type_name: format!("Compliance Finding: {}", activity.caption()),
            severity_id,
            severity: severity_caption,
            time: modified,
            message: finding.description.clone(),
            metadata: Metadata {
                version: OCSF_VERSION,
                product: Product {
                    name: PRODUCT_NAME,
                    vendor_name: PRODUCT_NAME,
                    uid: finding.product_arn.clone(),
                    version: field("sidewatch/Version").map(str::to_owned),
                },
                profiles: vec!["cloud"],
            },
            finding_info: FindingInfo {
                uid: finding.id.clone(),
                title: finding.title.clone(),
                desc: finding.description.clone(),
                types: finding.types.clone(),
                created_time: created,
                modified_time: modified,
                analytic: Analytic {
                    uid: finding.generator_id.clone(),
                    name: control
                        .clone()
                        .unwrap_or_else(|| finding.generator_id.clone()),
                    type_id: RULE.0,
                    type_name: RULE.1,
                },
                related_events: field(CHANGE_EVENT_ID)
                    .map(|uid| RelatedEvent {
                        uid: uid.to_owned(),
                    })
                    .into_iter()
                    .collect(),
            },
            compliance: Compliance {
                control,
                standards: standards(&finding.compliance.related_requirements),
                requirements: finding.compliance.related_requirements.clone(),
                status_id,
                status,
                status_code: field(COMPLIANCE_TYPE).map(str::to_owned),
            },
            cloud: Cloud {
                provider: "AWS",
                region: region.clone(),
                cloud_partition: resource.partition.clone(),
                account: account.clone(),
            },
            resources: vec![Resource {
                uid: resource.id.clone(),
                uid_alt: field(RESOURCE_ID)
                    .filter(|id| *id != resource.id)
                    .map(str::to_owned),
                resource_type: field(RESOURCE_TYPE)
                    .unwrap_or(&resource.resource_type)
                    .to_owned(),
                region: resource.region.clone(),
                cloud_partition: resource.partition.clone(),
                owner: Owner { account },
                tags: resource
                    .tags
                    .iter()
                    .map(|(name, value)| Tag {
                        name: name.clone(),
                        value: value.clone(),
                    })
                    .collect(),
            }],
            remediation: finding.remediation.as_ref().and_then(|r| {
                let text = r.recommendation.text.clone();
                let url = r.recommendation.url.clone();
                Some(Remediation {
                    desc: text.or_else(|| url.clone())?,
                    references: url.into_iter().collect(),
                })
            }),
            evidences: field(CHANGED_BY)
                .map(|arn| Evidence {
                    actor: Actor {
                        user: User {
                            uid: arn.to_owned(),
                        },
                    },
                })
                .into_iter()
                .collect(),
            unmapped: finding.product_fields.clone(),
        })
    }

    /// The object as JSON text.
    pub fn to_json(&self) -> Result<String, FindingError> {
        serde_json::to_string(self).map_err(|e| FindingError::Serialize {
            id: self.finding_info.uid.clone(),
            reason: e.to_string(),
        })
    }
}

/// An RFC 3339 time as milliseconds since the epoch (OCSF `timestamp_t`).
fn epoch_ms(text: &str) -> Option<i64> {
    let time = OffsetDateTime::parse(text, &Rfc3339).ok()?;
    i64::try_from(time.unix_timestamp_nanos() / 1_000_000).ok()
}

/// The Region of `arn:<partition>:securityhub:<region>:…`.
fn product_region(product_arn: &str) -> Option<&str> {
    product_arn.split(':').nth(3).filter(|r| !r.is_empty())
}

/// The standards the requirements belong to, in catalog order, each once.
fn standards(requirements: &[String]) -> Vec<String> {
    STANDARDS
        .iter()
        .filter(|standard| requirements.iter().any(|r| r.starts_with(*standard)))
        .map(|standard| (*standard).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::s3::public_access_block;
    use crate::engine::Evaluation;
    use crate::finding::{FindingBuilder, FindingContext, Source};
    use crate::item::ConfigurationItem;
    use crate::verdict::Verdict;
    use serde_json::json;
    use time::macros::datetime;

    fn finding(verdict: Verdict) -> Finding {
        let item = ConfigurationItem::from_value(json!({
            "resourceType": "AWS::S3::Bucket", "resourceId": "b1", "resourceName": "b1",
            "ARN": "arn:aws:s3:::b1", "awsAccountId": "123456789012", "awsRegion": "eu-west-1",
            "configuration": {"name": "b1"}, "tags": {"team": "web"}
        }))
        .unwrap();
        FindingBuilder::new(FindingContext {
            account_override: None,
            region_override: None,
            source: Source::Cli,
            now: datetime!(2024-06-01 10:05:00.25 UTC),
        })
        .build(
            &item,
            &Evaluation {
                control: &public_access_block::CONTROL,
                verdict,
            },
        )
        .unwrap()
    }

    fn ocsf(finding: &Finding) -> serde_json::Value {
        serde_json::to_value(ComplianceFinding::from_finding(finding).unwrap()).unwrap()
    }

    #[test]
    fn a_failed_finding_maps_field_by_field() {
        let asff = finding(Verdict::fail("public"));
        let o = ocsf(&asff);
        assert_eq!(o["class_uid"], 2003);
        assert_eq!(o["category_uid"], 2);
        assert_eq!(o["activity_id"], 1);
        assert_eq!(o["type_uid"], 200301);
        assert_eq!(o["type_name"], "Compliance Finding: Create");
        assert_eq!(o["severity_id"], 4);
        assert_eq!(o["severity"], "High");
        assert_eq!(o["time"], 1_717_236_300_250i64);
        assert_eq!(o["metadata"]["version"], OCSF_VERSION);
        assert_eq!(o["metadata"]["product"]["uid"], asff.product_arn.as_str());
        assert_eq!(o["metadata"]["product"]["version"], crate::VERSION);
        assert_eq!(o["finding_info"]["uid"], asff.id.as_str());
        assert_eq!(o["finding_info"]["title"], asff.title.as_str());
        assert_eq!(o["finding_info"]["desc"], asff.description.as_str());
        assert_eq!(o["finding_info"]["analytic"]["uid"], "sidewatch/S3.8");
        assert_eq!(o["finding_info"]["analytic"]["name"], "S3.8");
        assert_eq!(o["finding_info"]["created_time"], o["time"]);
        assert_eq!(o["compliance"]["control"], "S3.8");
        assert_eq!(o["compliance"]["status_id"], 3);
        assert_eq!(o["compliance"]["status"], "Fail");
        assert_eq!(o["compliance"]["status_code"], "NON_COMPLIANT");
        assert_eq!(
            o["compliance"]["standards"],
            json!([
                "AWS Foundational Security Best Practices v1.0.0",
                "CIS AWS Foundations Benchmark v3.0.0",
                "NIST.800-53.r5"
            ])
        );
        assert_eq!(
            o["compliance"]["requirements"],
            json!(asff.compliance.related_requirements)
        );
        assert_eq!(
            o["cloud"],
            json!({"provider": "AWS", "region": "eu-west-1", "cloud_partition": "aws",
                   "account": {"uid": "123456789012", "type_id": 10, "type": "AWS Account"}})
        );
        assert_eq!(
            o["resources"],
            json!([{"uid": "arn:aws:s3:::b1", "uid_alt": "b1", "type": "AWS::S3::Bucket",
                    "region": "eu-west-1", "cloud_partition": "aws",
                    "owner": {"account": {"uid": "123456789012", "type_id": 10, "type": "AWS Account"}},
                    "tags": [{"name": "team", "value": "web"}]}])
        );
        let recommendation = &asff.remediation.as_ref().unwrap().recommendation;
        assert_eq!(o["remediation"]["desc"], json!(recommendation.text));
        assert_eq!(o["remediation"]["references"], json!([recommendation.url]));
        assert_eq!(o["unmapped"], json!(asff.product_fields));
        assert!(o.get("evidences").is_none(), "no actor unless one is known");
        assert!(o["finding_info"].get("related_events").is_none());
        assert!(o.get("status").is_none(), "the workflow is the consumer's");
    }

    #[test]
    fn every_verdict_maps_to_an_ocsf_status_severity_and_activity() {
        let cases = [
            (Verdict::pass("ok"), 1, "Pass", 1, 1),
            (Verdict::fail("bad"), 3, "Fail", 4, 1),
            (Verdict::insufficient("?"), 2, "Warning", 1, 1),
            (Verdict::not_applicable("gone"), 99, NOT_APPLICABLE, 1, 3),
        ];
        for (verdict, status_id, status, severity_id, activity_id) in cases {
            let asff = finding(verdict);
            let o = ocsf(&asff);
            let what = asff.product_fields["sidewatch/ComplianceType"].clone();
            assert_eq!(o["compliance"]["status_id"], status_id, "{what}");
            assert_eq!(o["compliance"]["status"], status, "{what}");
            assert_eq!(o["compliance"]["status_code"], what.as_str());
            assert_eq!(o["severity_id"], severity_id, "{what}");
            assert_eq!(o["activity_id"], activity_id, "{what}");
            assert_eq!(o["type_uid"], 200300 + activity_id, "{what}");
        }
    }

    #[test]
    fn statuses_and_activities_read_back() {
        for status in [ComplianceStatus::Passed, ComplianceStatus::Failed] {
            let (id, _) = compliance_status(status, None);
            assert_eq!(asff_compliance_status(i64::from(id)), Some(status));
        }
        for kind in ["INSUFFICIENT_DATA", "NOT_APPLICABLE"] {
            let (id, _) = compliance_status(ComplianceStatus::NotAvailable, Some(kind));
            assert_eq!(
                asff_compliance_status(i64::from(id)),
                Some(ComplianceStatus::NotAvailable)
            );
        }
        assert_eq!(asff_compliance_status(0), None);
        assert_eq!(asff_compliance_status(7), None);
        for (activity, state) in [
            (Activity::Create, RecordState::Active),
            (Activity::Close, RecordState::Archived),
        ] {
            assert_eq!(asff_record_state(i64::from(activity.id())), Some(state));
        }
        assert_eq!(asff_record_state(2), Some(RecordState::Active));
        assert_eq!(asff_record_state(0), None);
    }

    #[test]
    fn the_actor_comes_from_the_product_fields() {
        let mut asff = finding(Verdict::fail("public"));
        asff.product_fields.insert(
            CHANGED_BY.into(),
            "arn:aws:iam::123456789012:user/dana".into(),
        );
        asff.product_fields
            .insert(CHANGE_EVENT_ID.into(), "e1f2-event".into());
        let o = ocsf(&asff);
        assert_eq!(
            o["evidences"],
            json!([{"actor": {"user": {"uid": "arn:aws:iam::123456789012:user/dana"}}}])
        );
        assert_eq!(
            o["finding_info"]["related_events"],
            json!([{"uid": "e1f2-event"}])
        );
    }

    #[test]
    fn a_finding_sidewatch_would_not_build_is_an_error_not_a_guess() {
        let mut asff = finding(Verdict::fail("x"));
        asff.updated_at = "yesterday".into();
        let err = ComplianceFinding::from_finding(&asff).unwrap_err();
        assert!(err.to_string().contains("UpdatedAt"), "{err}");
        let mut asff = finding(Verdict::fail("x"));
        asff.resources.clear();
        let err = ComplianceFinding::from_finding(&asff).unwrap_err();
        assert!(err.to_string().contains("Resources"), "{err}");
    }
}
