//! Evidence: what a control needs beyond the configuration item.
//!
//! AWS Config does not record everything a control must see: an IAM user's MFA devices, a KMS
//! key's rotation status, a function's environment variables, the account's password policy. A
//! control declares the [`EvidenceKind`]s it needs; the engine says which are missing for an item
//! ([`crate::Engine::evidence_needed`]), an adapter outside the core fetches each kind **once per
//! resource** (however many controls need it) with read-only API calls and stores it in the item's
//! `supplementaryConfiguration` under [`EvidenceKind::key`] — or stores an [`EvidenceError`] when the
//! call failed. Controls read it through [`crate::control::Context::evidence`].
//!
//! Keeping evidence inside the item means a snapshot written after collection carries it, so an
//! offline scan of that snapshot reaches the same verdicts as the live one. A control whose
//! evidence is absent or could not be read is INSUFFICIENT_DATA with the reason — never a pass.

pub mod shapes;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// The key prefix of evidence entries in `supplementaryConfiguration`; Config's own keys never
/// contain a colon.
pub const EVIDENCE_KEY_PREFIX: &str = "sidewatch:";

/// The key under which an evidence entry records a failed read instead of the evidence.
pub const EVIDENCE_ERROR_KEY: &str = "sidewatchError";

/// One kind of evidence, fetched by one adapter with the read-only calls it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EvidenceKind {
    // ----- per resource -----
    /// An IAM user's MFA devices (`iam:ListMFADevices`).
    IamUserMfaDevices,
    /// An IAM user's console password (`iam:GetLoginProfile`).
    IamUserLoginProfile,
    /// An IAM user's access keys with their age and last use
    /// (`iam:ListAccessKeys`, `iam:GetAccessKeyLastUsed`).
    IamUserAccessKeys,
    /// An IAM user's row of the credential report (`iam:GenerateCredentialReport`,
    /// `iam:GetCredentialReport`; AWS regenerates it at most every 4 hours).
    IamCredentialReportRow,
    /// A KMS key's automatic rotation status (`kms:GetKeyRotationStatus`).
    KmsKeyRotation,
    /// What the secret detector found in a Lambda function's environment variables
    /// (`lambda:GetFunctionConfiguration`). Only variable names and detector kinds: values never
    /// leave the adapter.
    LambdaEnvironmentSecrets,
    /// A VPC's flow logs (`ec2:DescribeFlowLogs`).
    VpcFlowLogs,
    /// A VPC's endpoints (`ec2:DescribeVpcEndpoints`).
    VpcEndpoints,
    /// Whether Systems Manager manages an EC2 instance (`ssm:DescribeInstanceInformation`).
    SsmInstanceInformation,
    /// Who an SSM document is shared with (`ssm:DescribeDocumentPermission`).
    SsmDocumentPermissions,
    /// The registry scanning configuration of the repository's registry
    /// (`ecr:GetRegistryScanningConfiguration`): its scan type and the rules that say which
    /// repositories are scanned on push or continuously.
    EcrRegistryScanning,
    /// A load balancer's listeners with their default actions
    /// (`elasticloadbalancing:DescribeListeners`). Config records listeners as items of their own
    /// (`AWS::ElasticLoadBalancingV2::Listener`), but a control sees one item at a time, so the
    /// load balancer's controls read them as evidence.
    ElbV2Listeners,
    /// An AWS WAF Classic global web ACL's logging configuration (`waf:GetLoggingConfiguration`,
    /// the global endpoint in us-east-1).
    WafClassicLogging,
    /// An AWS WAF (v2) web ACL's logging configuration (`wafv2:GetLoggingConfiguration`).
    WafV2Logging,
    /// A secret's dates — created, last accessed, last rotated, deleted
    /// (`secretsmanager:DescribeSecret`) — with the moment they were read.
    SecretsManagerSecret,
    /// The Application Auto Scaling targets and policies of a DynamoDB table and its global
    /// secondary indexes (`application-autoscaling:DescribeScalableTargets`,
    /// `application-autoscaling:DescribeScalingPolicies`).
    DynamoDbAutoScaling,
    // ----- per account (and Region) -----
    /// `iam:GetAccountSummary` (root MFA, root access keys).
    IamAccountSummary,
    /// Whether the root user's MFA is a virtual device (`iam:ListVirtualMFADevices`).
    IamRootVirtualMfa,
    /// The account password policy (`iam:GetAccountPasswordPolicy`).
    IamPasswordPolicy,
    /// Who has the AWSSupportAccess policy attached (`iam:ListEntitiesForPolicy`).
    IamSupportRole,
    /// EBS encryption by default in the Region (`ec2:GetEbsEncryptionByDefault`).
    EbsEncryptionByDefault,
    /// Trails with status and event selectors (`cloudtrail:DescribeTrails`,
    /// `cloudtrail:GetTrailStatus`, `cloudtrail:GetEventSelectors`).
    CloudTrailTrails,
    /// Configuration recorders and their status (`config:DescribeConfigurationRecorders`,
    /// `config:DescribeConfigurationRecorderStatus`).
    ConfigRecorders,
    /// GuardDuty detectors in the Region (`guardduty:ListDetectors`, `guardduty:GetDetector`).
    GuardDutyDetectors,
    /// IAM Access Analyzer analyzers in the Region (`access-analyzer:ListAnalyzers`).
    AccessAnalyzers,
    /// The account-level S3 Block Public Access settings (`s3:GetAccountPublicAccessBlock`,
    /// through the S3 Control API).
    S3AccountPublicAccessBlock,
    /// The security alternate contact (`account:GetAlternateContact`).
    SecurityContact,
    /// The Region's EBS snapshots owned by the account that anyone can restore
    /// (`ec2:DescribeSnapshots`, `ec2:DescribeSnapshotAttribute`).
    EbsPublicSnapshots,
    /// Amazon Inspector's scan status for the account and, in a delegated administrator, its
    /// associated members (`inspector2:BatchGetAccountStatus`, `inspector2:ListMembers`).
    InspectorAccountStatus,
}

impl EvidenceKind {
    /// Every kind, in declaration order.
    pub const ALL: [EvidenceKind; 29] = [
        EvidenceKind::IamUserMfaDevices,
        EvidenceKind::IamUserLoginProfile,
        EvidenceKind::IamUserAccessKeys,
        EvidenceKind::IamCredentialReportRow,
        EvidenceKind::KmsKeyRotation,
        EvidenceKind::LambdaEnvironmentSecrets,
        EvidenceKind::VpcFlowLogs,
        EvidenceKind::VpcEndpoints,
        EvidenceKind::SsmInstanceInformation,
        EvidenceKind::SsmDocumentPermissions,
        EvidenceKind::EcrRegistryScanning,
        EvidenceKind::ElbV2Listeners,
        EvidenceKind::WafClassicLogging,
        EvidenceKind::WafV2Logging,
        EvidenceKind::SecretsManagerSecret,
        EvidenceKind::DynamoDbAutoScaling,
        EvidenceKind::IamAccountSummary,
        EvidenceKind::IamRootVirtualMfa,
        EvidenceKind::IamPasswordPolicy,
        EvidenceKind::IamSupportRole,
        EvidenceKind::EbsEncryptionByDefault,
        EvidenceKind::CloudTrailTrails,
        EvidenceKind::ConfigRecorders,
        EvidenceKind::GuardDutyDetectors,
        EvidenceKind::AccessAnalyzers,
        EvidenceKind::S3AccountPublicAccessBlock,
        EvidenceKind::SecurityContact,
        EvidenceKind::EbsPublicSnapshots,
        EvidenceKind::InspectorAccountStatus,
    ];

    /// The name, as written in keys and docs (`IamUserMfaDevices`).
    pub fn name(self) -> &'static str {
        match self {
            EvidenceKind::IamUserMfaDevices => "IamUserMfaDevices",
            EvidenceKind::IamUserLoginProfile => "IamUserLoginProfile",
            EvidenceKind::IamUserAccessKeys => "IamUserAccessKeys",
            EvidenceKind::IamCredentialReportRow => "IamCredentialReportRow",
            EvidenceKind::KmsKeyRotation => "KmsKeyRotation",
            EvidenceKind::LambdaEnvironmentSecrets => "LambdaEnvironmentSecrets",
            EvidenceKind::VpcFlowLogs => "VpcFlowLogs",
            EvidenceKind::VpcEndpoints => "VpcEndpoints",
            EvidenceKind::SsmInstanceInformation => "SsmInstanceInformation",
            EvidenceKind::SsmDocumentPermissions => "SsmDocumentPermissions",
            EvidenceKind::EcrRegistryScanning => "EcrRegistryScanning",
            EvidenceKind::ElbV2Listeners => "ElbV2Listeners",
            EvidenceKind::WafClassicLogging => "WafClassicLogging",
            EvidenceKind::WafV2Logging => "WafV2Logging",
            EvidenceKind::SecretsManagerSecret => "SecretsManagerSecret",
            EvidenceKind::DynamoDbAutoScaling => "DynamoDbAutoScaling",
            EvidenceKind::IamAccountSummary => "IamAccountSummary",
            EvidenceKind::IamRootVirtualMfa => "IamRootVirtualMfa",
            EvidenceKind::IamPasswordPolicy => "IamPasswordPolicy",
            EvidenceKind::IamSupportRole => "IamSupportRole",
            EvidenceKind::EbsEncryptionByDefault => "EbsEncryptionByDefault",
            EvidenceKind::CloudTrailTrails => "CloudTrailTrails",
            EvidenceKind::ConfigRecorders => "ConfigRecorders",
            EvidenceKind::GuardDutyDetectors => "GuardDutyDetectors",
            EvidenceKind::AccessAnalyzers => "AccessAnalyzers",
            EvidenceKind::S3AccountPublicAccessBlock => "S3AccountPublicAccessBlock",
            EvidenceKind::SecurityContact => "SecurityContact",
            EvidenceKind::EbsPublicSnapshots => "EbsPublicSnapshots",
            EvidenceKind::InspectorAccountStatus => "InspectorAccountStatus",
        }
    }

    /// The `supplementaryConfiguration` key the evidence is stored under
    /// (`sidewatch:IamUserMfaDevices`).
    pub fn key(self) -> String {
        format!("{EVIDENCE_KEY_PREFIX}{}", self.name())
    }

    /// The evidence entry of `supplementary` (under [`EvidenceKind::key`]), found without
    /// building the key: every INSUFFICIENT_DATA verdict of a scan asks for it.
    pub fn entry(self, supplementary: &serde_json::Map<String, Value>) -> Option<&Value> {
        crate::item::find_member(
            supplementary,
            |key| key.strip_prefix(EVIDENCE_KEY_PREFIX) == Some(self.name()),
            || self.key().into(),
        )
    }

    /// The read-only API actions an adapter calls to collect it, as IAM spells them. The
    /// deployment grants exactly these.
    pub fn api_actions(self) -> &'static [&'static str] {
        match self {
            EvidenceKind::IamUserMfaDevices => &["iam:ListMFADevices"],
            EvidenceKind::IamUserLoginProfile => &["iam:GetLoginProfile"],
            EvidenceKind::IamUserAccessKeys => &["iam:ListAccessKeys", "iam:GetAccessKeyLastUsed"],
            EvidenceKind::IamCredentialReportRow => {
                &["iam:GenerateCredentialReport", "iam:GetCredentialReport"]
            }
            EvidenceKind::KmsKeyRotation => &["kms:GetKeyRotationStatus"],
            EvidenceKind::LambdaEnvironmentSecrets => &["lambda:GetFunctionConfiguration"],
            EvidenceKind::VpcFlowLogs => &["ec2:DescribeFlowLogs"],
            EvidenceKind::VpcEndpoints => &["ec2:DescribeVpcEndpoints"],
            EvidenceKind::SsmInstanceInformation => &["ssm:DescribeInstanceInformation"],
            EvidenceKind::SsmDocumentPermissions => &["ssm:DescribeDocumentPermission"],
            EvidenceKind::EcrRegistryScanning => &["ecr:GetRegistryScanningConfiguration"],
            EvidenceKind::ElbV2Listeners => &["elasticloadbalancing:DescribeListeners"],
            EvidenceKind::WafClassicLogging => &["waf:GetLoggingConfiguration"],
            EvidenceKind::WafV2Logging => &["wafv2:GetLoggingConfiguration"],
            EvidenceKind::SecretsManagerSecret => &["secretsmanager:DescribeSecret"],
            EvidenceKind::DynamoDbAutoScaling => &[
                "application-autoscaling:DescribeScalableTargets",
                "application-autoscaling:DescribeScalingPolicies",
            ],
            EvidenceKind::IamAccountSummary => &["iam:GetAccountSummary"],
            EvidenceKind::IamRootVirtualMfa => &["iam:ListVirtualMFADevices"],
            EvidenceKind::IamPasswordPolicy => &["iam:GetAccountPasswordPolicy"],
            EvidenceKind::IamSupportRole => &["iam:ListEntitiesForPolicy"],
            EvidenceKind::EbsEncryptionByDefault => &["ec2:GetEbsEncryptionByDefault"],
            EvidenceKind::CloudTrailTrails => &[
                "cloudtrail:DescribeTrails",
                "cloudtrail:GetTrailStatus",
                "cloudtrail:GetEventSelectors",
            ],
            EvidenceKind::ConfigRecorders => &[
                "config:DescribeConfigurationRecorders",
                "config:DescribeConfigurationRecorderStatus",
            ],
            EvidenceKind::GuardDutyDetectors => {
                &["guardduty:ListDetectors", "guardduty:GetDetector"]
            }
            EvidenceKind::AccessAnalyzers => &["access-analyzer:ListAnalyzers"],
            EvidenceKind::S3AccountPublicAccessBlock => &["s3:GetAccountPublicAccessBlock"],
            EvidenceKind::SecurityContact => &["account:GetAlternateContact"],
            EvidenceKind::EbsPublicSnapshots => {
                &["ec2:DescribeSnapshots", "ec2:DescribeSnapshotAttribute"]
            }
            EvidenceKind::InspectorAccountStatus => {
                &["inspector2:BatchGetAccountStatus", "inspector2:ListMembers"]
            }
        }
    }

    /// Whether the evidence describes a global service (IAM, the account contact), so only the
    /// account item of the Region that evaluates global resources needs it.
    pub fn is_global(self) -> bool {
        matches!(
            self,
            EvidenceKind::IamUserMfaDevices
                | EvidenceKind::IamUserLoginProfile
                | EvidenceKind::IamUserAccessKeys
                | EvidenceKind::IamCredentialReportRow
                | EvidenceKind::IamAccountSummary
                | EvidenceKind::IamRootVirtualMfa
                | EvidenceKind::IamPasswordPolicy
                | EvidenceKind::IamSupportRole
                | EvidenceKind::S3AccountPublicAccessBlock
                | EvidenceKind::SecurityContact
        )
    }

    /// The kind whose key is `key`, if it is an evidence key.
    pub fn from_key(key: &str) -> Option<EvidenceKind> {
        let name = key.strip_prefix(EVIDENCE_KEY_PREFIX)?;
        EvidenceKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl fmt::Display for EvidenceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A failed read, stored in place of the evidence so the verdict can say why it is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvidenceError {
    /// The AWS error code (`AccessDenied`, `ThrottlingException`, `NoSuchEntity`) or a short
    /// sidewatch code (`Timeout`).
    pub code: String,
    /// The message, as AWS gave it (never containing evidence values).
    pub message: String,
}

impl EvidenceError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        EvidenceError {
            code: code.into(),
            message: message.into(),
        }
    }

    /// The JSON stored under the evidence key: `{"sidewatchError": {"code": …, "message": …}}`.
    pub fn to_value(&self) -> Value {
        let mut map = serde_json::Map::new();
        map.insert(
            EVIDENCE_ERROR_KEY.to_owned(),
            serde_json::json!({"code": self.code, "message": self.message}),
        );
        Value::Object(map)
    }

    /// The error recorded in an evidence entry, if the entry is one.
    pub fn from_entry(value: &Value) -> Option<EvidenceError> {
        value
            .get(EVIDENCE_ERROR_KEY)
            .and_then(|e| serde_json::from_value(e.clone()).ok())
    }
}

impl fmt::Display for EvidenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// Reads evidence of `kind` from an item's supplementary map: the stored JSON, or the verdict
/// reason why it is not there.
pub(crate) fn lookup(
    supplementary: &serde_json::Map<String, Value>,
    kind: EvidenceKind,
) -> Result<&Value, String> {
    match kind.entry(supplementary) {
        None | Some(Value::Null) => Err(format!(
            "needs {kind} evidence ({}), which was not collected; scan with --live or let the \
             deployed functions collect it",
            kind.api_actions().join(", ")
        )),
        Some(value) => match EvidenceError::from_entry(value) {
            Some(error) => Err(format!(
                "could not read {kind} evidence ({}): {error}",
                kind.api_actions().join(", ")
            )),
            None => Ok(value),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_kind_is_listed_once_and_round_trips_through_its_key() {
        let names: HashSet<_> = EvidenceKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names.len(), EvidenceKind::ALL.len());
        for kind in EvidenceKind::ALL {
            assert_eq!(EvidenceKind::from_key(&kind.key()), Some(kind));
            assert!(!kind.api_actions().is_empty());
            for action in kind.api_actions() {
                let (service, verb) = action.split_once(':').unwrap();
                assert!(!service.is_empty() && !verb.is_empty());
                assert!(
                    ["Get", "List", "Describe", "Generate", "BatchGet"]
                        .iter()
                        .any(|p| verb.starts_with(p)),
                    "{action}: evidence collection is read-only"
                );
            }
        }
        assert_eq!(
            EvidenceKind::from_key("PublicAccessBlockConfiguration"),
            None
        );
    }

    #[test]
    fn missing_and_failed_evidence_explain_themselves() {
        let mut map = serde_json::Map::new();
        let err = lookup(&map, EvidenceKind::KmsKeyRotation).unwrap_err();
        assert!(
            err.contains("kms:GetKeyRotationStatus") && err.contains("not collected"),
            "{err}"
        );
        map.insert(
            EvidenceKind::KmsKeyRotation.key(),
            EvidenceError::new("AccessDeniedException", "not authorized").to_value(),
        );
        let err = lookup(&map, EvidenceKind::KmsKeyRotation).unwrap_err();
        assert!(
            err.contains("AccessDeniedException: not authorized"),
            "{err}"
        );
        map.insert(
            EvidenceKind::KmsKeyRotation.key(),
            serde_json::json!({"keyRotationEnabled": true}),
        );
        assert!(lookup(&map, EvidenceKind::KmsKeyRotation).is_ok());
    }
}
