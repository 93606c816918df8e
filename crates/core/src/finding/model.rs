//! The ASFF data model, spelled exactly as `BatchImportFindings` takes it.
//!
//! Only the attributes sidewatch sends are modelled. Deserialization ignores unknown attributes,
//! so findings read back from `GetFindings` (which carry `Region`, `ProductName`, `Workflow`, …)
//! parse into the same type.

use super::FindingError;
use crate::control::Severity;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// One ASFF finding (`AwsSecurityFinding`), as sent in `BatchImportFindings`' `Findings` list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Finding {
    /// Always [`SCHEMA_VERSION`](super::SCHEMA_VERSION).
    pub schema_version: String,
    /// Deterministic per (partition, account, Region, control, resource): see
    /// [`finding_id`](super::finding_id).
    pub id: String,
    /// `arn:<partition>:securityhub:<region>:<account>:product/<account>/default`.
    pub product_arn: String,
    /// `sidewatch/<control id>`.
    pub generator_id: String,
    /// The 12-digit account the finding belongs to.
    pub aws_account_id: String,
    /// `namespace/category/classifier` finding types.
    #[serde(default)]
    pub types: Vec<String>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339, never before `CreatedAt`.
    pub updated_at: String,
    /// Mirrors `FindingProviderFields.Severity`; see the builder for what decides the label.
    pub severity: FindingSeverity,
    /// `<control id> <control title>`, at most 256 characters.
    pub title: String,
    /// The resource and the verdict's reason, at most 1024 characters.
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<Remediation>,
    /// `sidewatch/…` keys: at most 50, keys ≤ 128 and values ≤ 2048 characters, none blank.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub product_fields: BTreeMap<String, String>,
    /// The resource the finding is about (sidewatch sends exactly one; ASFF allows 1..=32).
    #[serde(default)]
    pub resources: Vec<Resource>,
    pub compliance: Compliance,
    /// The API call that made the change, when a CloudTrail record ties one to the resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    pub record_state: RecordState,
    /// How finding providers set severity and types (the top-level copies belong to customers
    /// once they edit them with `BatchUpdateFindings`).
    pub finding_provider_fields: FindingProviderFields,
}

impl Finding {
    /// Makes `UpdatedAt` later than `earlier`, by at least a millisecond (Security Hub's
    /// precision), when it is not already; `CreatedAt` stays. For an update that must win over
    /// what Security Hub holds although the item was observed no later: the sweep's re-import
    /// of a changed verdict on an unchanged item (Security Hub ignores an update whose
    /// `UpdatedAt` is before the stored one, and documents no rule for an equal one), and the
    /// finding of an item captured before the API call that triggered the run (it speaks for
    /// the resource after the call). An `UpdatedAt` that does not read as RFC 3339 is left as
    /// it is (validation refuses it).
    pub fn order_after(&mut self, earlier: time::OffsetDateTime) {
        use time::format_description::well_known::Rfc3339;
        let Ok(updated) = time::OffsetDateTime::parse(&self.updated_at, &Rfc3339) else {
            return;
        };
        if updated > earlier {
            return;
        }
        let later = earlier
            .checked_add(time::Duration::milliseconds(1))
            .unwrap_or(earlier);
        if let Ok(text) = super::build::rfc3339(later) {
            self.updated_at = text;
        }
    }

    /// Whether Security Hub's copy, last updated at `stored_updated_at`, should be imported
    /// again although nothing in it changed: Security Hub deletes a finding 90 days after its
    /// `UpdatedAt`, so one this finding's observation has outgrown by
    /// [`REFRESH_AFTER`](super::REFRESH_AFTER) is renewed (a stored time that does not read
    /// as RFC 3339 is renewed too).
    pub fn renews(&self, stored_updated_at: &str) -> bool {
        use time::format_description::well_known::Rfc3339;
        let parse = |t: &str| time::OffsetDateTime::parse(t.trim(), &Rfc3339).ok();
        match (parse(&self.updated_at), parse(stored_updated_at)) {
            (Some(new), Some(stored)) => new - stored > super::REFRESH_AFTER,
            _ => true,
        }
    }

    /// `Compliance.Status`: `PASSED`, `FAILED` or `NOT_AVAILABLE` for findings sidewatch builds
    /// (`WARNING` only for findings read back from elsewhere).
    pub fn compliance_status(&self) -> &str {
        self.compliance.status.as_str()
    }

    /// The control id (`Compliance.SecurityControlId`), when present.
    pub fn control_id(&self) -> Option<&str> {
        self.compliance.security_control_id.as_deref()
    }

    /// Appends the finding's `BatchImportFindings` JSON to `buf` and returns its length, checking
    /// the size limit on the bytes written (nothing is appended when it is exceeded). Together
    /// with the field checks [`FindingBuilder::build`](super::FindingBuilder::build) makes, this
    /// is the full [`Finding::validate`] at the cost of one serialization.
    pub fn encode_into(&self, buf: &mut Vec<u8>) -> Result<usize, FindingError> {
        let start = buf.len();
        if let Err(e) = serde_json::to_writer(&mut *buf, self) {
            buf.truncate(start);
            return Err(FindingError::Serialize {
                id: self.id.clone(),
                reason: e.to_string(),
            });
        }
        let bytes = buf.len() - start;
        if let Err(e) = self.check_size(bytes) {
            buf.truncate(start);
            return Err(e);
        }
        Ok(bytes)
    }

    /// The finding as `BatchImportFindings` JSON.
    pub fn to_json(&self) -> Result<String, FindingError> {
        serde_json::to_string(self).map_err(|e| FindingError::Serialize {
            id: self.id.clone(),
            reason: e.to_string(),
        })
    }
}

/// `Severity` and `FindingProviderFields.Severity`. sidewatch sends only the label; Security Hub
/// derives `Normalized` from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FindingSeverity {
    pub label: Severity,
}

/// ASFF spells severities as the labels `INFORMATIONAL` … `CRITICAL`.
impl Serialize for Severity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.label())
    }
}

impl<'de> Deserialize<'de> for Severity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// `Remediation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Remediation {
    pub recommendation: Recommendation,
}

/// `Remediation.Recommendation`: `Text` at most 512 characters, `Url` to AWS documentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Recommendation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// One entry of `Resources`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Resource {
    /// The ASFF resource type (`AwsS3Bucket`), `Other` when ASFF has none.
    #[serde(rename = "Type")]
    pub resource_type: String,
    /// The ARN, or the resource id for resources without one.
    pub id: String,
    /// `aws`, `aws-cn` or `aws-us-gov` (the only values ASFF accepts); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<String>,
    /// At most 16 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// At most 50 tags, keys ≤ 128 and values ≤ 256 characters, none blank; absent when empty.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// `Action`: sidewatch sends only `AWS_API_CALL` actions (the call that changed the resource).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Action {
    /// `AWS_API_CALL`.
    pub action_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws_api_call_action: Option<AwsApiCallAction>,
}

/// `Action.AwsApiCallAction`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AwsApiCallAction {
    /// The API operation (`PutBucketPolicy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
    /// The AWS service (`s3.amazonaws.com`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    /// `remoteip` or `domain`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_ip_details: Option<RemoteIpDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_details: Option<DomainDetails>,
    /// RFC 3339: when the call was made (first and last are the same call).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
}

/// `AwsApiCallAction.RemoteIpDetails` (ASFF has an IPv4 field only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RemoteIpDetails {
    #[serde(rename = "IpAddressV4")]
    pub ip_address_v4: String,
}

/// `AwsApiCallAction.DomainDetails`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DomainDetails {
    pub domain: String,
}

/// `Compliance`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Compliance {
    pub status: ComplianceStatus,
    /// `AWS Foundational Security Best Practices v1.0.0/S3.8`, … (at most 32).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related_requirements: Vec<String>,
    /// The control id (`S3.8`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_control_id: Option<String>,
}

/// `Compliance.Status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ComplianceStatus {
    Passed,
    /// Never produced by sidewatch; accepted when reading findings back.
    Warning,
    Failed,
    NotAvailable,
}

impl ComplianceStatus {
    /// The ASFF spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ComplianceStatus::Passed => "PASSED",
            ComplianceStatus::Warning => "WARNING",
            ComplianceStatus::Failed => "FAILED",
            ComplianceStatus::NotAvailable => "NOT_AVAILABLE",
        }
    }
}

/// `RecordState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RecordState {
    Active,
    Archived,
}

impl RecordState {
    /// The ASFF spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordState::Active => "ACTIVE",
            RecordState::Archived => "ARCHIVED",
        }
    }
}

/// `FindingProviderFields`: the provider's own severity and types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FindingProviderFields {
    pub severity: FindingSeverity,
    #[serde(default)]
    pub types: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn enums_use_asff_spelling() {
        assert_eq!(
            serde_json::to_value(ComplianceStatus::NotAvailable).unwrap(),
            json!("NOT_AVAILABLE")
        );
        for status in [
            ComplianceStatus::Passed,
            ComplianceStatus::Warning,
            ComplianceStatus::Failed,
            ComplianceStatus::NotAvailable,
        ] {
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                json!(status.as_str())
            );
        }
        for state in [RecordState::Active, RecordState::Archived] {
            assert_eq!(serde_json::to_value(state).unwrap(), json!(state.as_str()));
        }
        for severity in Severity::ALL {
            let v = serde_json::to_value(FindingSeverity { label: severity }).unwrap();
            assert_eq!(v, json!({"Label": severity.label()}));
        }
    }

    #[test]
    fn unknown_enum_values_are_refused() {
        assert!(serde_json::from_value::<ComplianceStatus>(json!("COMPLIANT")).is_err());
        assert!(serde_json::from_value::<RecordState>(json!("DELETED")).is_err());
        let err = serde_json::from_value::<FindingSeverity>(json!({"Label": "SEVERE"}));
        assert!(err.unwrap_err().to_string().contains("informational"));
    }

    #[test]
    fn resource_type_is_spelled_type_and_empty_parts_are_left_out() {
        let r = Resource {
            resource_type: "Other".into(),
            id: "x".into(),
            partition: None,
            region: None,
            tags: BTreeMap::new(),
        };
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"Type": "Other", "Id": "x"})
        );
    }
}
