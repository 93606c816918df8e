//! The typed shape of each evidence kind: what adapters write and controls read.
//!
//! Every shape serializes camelCase and tolerates missing fields (`#[serde(default)]`), so an old
//! snapshot still reads. Times are RFC 3339 strings as AWS returns them. Shapes that describe
//! something that may not exist (a password policy, an account public access block) carry
//! `present: false` rather than being absent: an absent entry means "not collected".
//!
//! Ages are computed against `collectedAt`, the moment the adapter read the evidence, so a
//! verdict does not depend on when the engine runs.

use serde::{Deserialize, Serialize};

/// [`super::EvidenceKind::IamUserMfaDevices`]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MfaDevices {
    pub devices: Vec<MfaDevice>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MfaDevice {
    /// The device ARN (virtual) or serial number (hardware).
    pub serial_number: String,
    pub enable_date: Option<String>,
}

/// [`super::EvidenceKind::IamUserLoginProfile`]: whether the user has a console password.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LoginProfile {
    /// False when `GetLoginProfile` answered `NoSuchEntity`.
    pub present: bool,
    pub create_date: Option<String>,
    pub password_reset_required: bool,
}

/// [`super::EvidenceKind::IamUserAccessKeys`]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AccessKeys {
    pub keys: Vec<AccessKey>,
    /// When the keys were listed (RFC 3339).
    pub collected_at: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AccessKey {
    pub access_key_id: String,
    /// `Active` or `Inactive`.
    pub status: String,
    pub create_date: Option<String>,
    /// From `GetAccessKeyLastUsed`; `None` when never used.
    pub last_used_date: Option<String>,
}

/// [`super::EvidenceKind::IamCredentialReportRow`]: one user's row of the credential report,
/// fields named after the report's columns. `None` stands for the report's `N/A` / `no_information`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CredentialReportRow {
    pub user: String,
    pub arn: String,
    pub user_creation_time: Option<String>,
    pub password_enabled: bool,
    pub password_last_used: Option<String>,
    pub password_last_changed: Option<String>,
    pub mfa_active: bool,
    pub access_key_1_active: bool,
    pub access_key_1_last_rotated: Option<String>,
    pub access_key_1_last_used_date: Option<String>,
    pub access_key_2_active: bool,
    pub access_key_2_last_rotated: Option<String>,
    pub access_key_2_last_used_date: Option<String>,
    /// When AWS generated the report (it is regenerated at most every 4 hours).
    pub generated_at: Option<String>,
}

/// [`super::EvidenceKind::KmsKeyRotation`]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct KeyRotation {
    pub key_rotation_enabled: bool,
    pub rotation_period_in_days: Option<i64>,
}

/// [`super::EvidenceKind::LambdaEnvironmentSecrets`]: what the secret detector found. Holds
/// variable names and detector kinds only; values never leave the adapter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LambdaEnvironmentSecrets {
    /// How many environment variables were examined.
    pub variables_checked: usize,
    pub hits: Vec<EnvironmentSecretHit>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EnvironmentSecretHit {
    /// The variable's name (never its value).
    pub variable: String,
    /// What it looks like, in words ("AWS access key id").
    pub kind: String,
}

/// [`super::EvidenceKind::VpcFlowLogs`]: the flow logs whose resource is the VPC.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FlowLogs {
    pub flow_logs: Vec<FlowLog>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FlowLog {
    pub flow_log_id: String,
    /// `ACCEPT`, `REJECT` or `ALL`.
    pub traffic_type: Option<String>,
    /// `ACTIVE` when logging.
    pub flow_log_status: Option<String>,
    /// `SUCCESS` or `FAILED`.
    pub deliver_logs_status: Option<String>,
    pub log_destination_type: Option<String>,
}

/// [`super::EvidenceKind::VpcEndpoints`]: the endpoints in the VPC, of every service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VpcEndpoints {
    pub endpoints: Vec<VpcEndpoint>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VpcEndpoint {
    pub vpc_endpoint_id: String,
    /// `com.amazonaws.<region>.ec2`, `com.amazonaws.<region>.s3`, …
    pub service_name: String,
    /// `Interface`, `Gateway`, `GatewayLoadBalancer`, …
    pub vpc_endpoint_type: Option<String>,
    /// `available`, `pending`, `deleting`, `deleted`, `failed`, …
    pub state: Option<String>,
}

/// [`super::EvidenceKind::SsmInstanceInformation`]: whether the instance is a Systems Manager
/// managed node (it is listed by `DescribeInstanceInformation`), and how its agent last answered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SsmInstanceInformation {
    pub managed: bool,
    /// `Online`, `ConnectionLost`, `Inactive`.
    pub ping_status: Option<String>,
    pub agent_version: Option<String>,
}

/// [`super::EvidenceKind::SsmDocumentPermissions`]: the accounts a document is shared with
/// (`all` when it is public).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SsmDocumentPermissions {
    pub account_ids: Vec<String>,
}

/// [`super::EvidenceKind::IamAccountSummary`]: the two `GetAccountSummary` entries the controls use.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AccountSummary {
    /// `AccountMFAEnabled == 1`.
    pub account_mfa_enabled: bool,
    /// `AccountAccessKeysPresent == 1` (root access keys).
    pub account_access_keys_present: bool,
}

/// [`super::EvidenceKind::IamRootVirtualMfa`]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RootVirtualMfa {
    /// A virtual MFA device is assigned to the root user (`arn:…:iam::<account>:root`).
    pub root_has_virtual_mfa: bool,
}

/// [`super::EvidenceKind::IamPasswordPolicy`]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PasswordPolicy {
    /// False when the account has no password policy (`NoSuchEntity`).
    pub present: bool,
    pub minimum_password_length: Option<i64>,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase_characters: bool,
    pub require_lowercase_characters: bool,
    pub allow_users_to_change_password: bool,
    pub expire_passwords: bool,
    pub max_password_age: Option<i64>,
    pub password_reuse_prevention: Option<i64>,
    pub hard_expiry: Option<bool>,
}

/// [`super::EvidenceKind::IamSupportRole`]: entities with `AWSSupportAccess` attached.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SupportRole {
    pub role_names: Vec<String>,
    pub user_names: Vec<String>,
    pub group_names: Vec<String>,
}

/// [`super::EvidenceKind::EbsEncryptionByDefault`]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EbsEncryptionByDefault {
    pub ebs_encryption_by_default: bool,
}

/// [`super::EvidenceKind::CloudTrailTrails`]: every trail visible from the Region (including
/// multi-Region and organization trails homed elsewhere), with status and selectors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CloudTrailTrails {
    pub trails: Vec<Trail>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Trail {
    pub name: String,
    pub trail_arn: String,
    pub home_region: Option<String>,
    pub is_multi_region_trail: bool,
    pub is_organization_trail: bool,
    pub include_global_service_events: bool,
    /// From `GetTrailStatus`; `None` when the status could not be read.
    pub is_logging: Option<bool>,
    pub s3_bucket_name: Option<String>,
    pub kms_key_id: Option<String>,
    pub log_file_validation_enabled: bool,
    pub cloud_watch_logs_log_group_arn: Option<String>,
    pub event_selectors: Vec<EventSelector>,
    pub advanced_event_selectors: Vec<AdvancedEventSelector>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EventSelector {
    /// `ReadOnly`, `WriteOnly` or `All`.
    pub read_write_type: Option<String>,
    pub include_management_events: Option<bool>,
    pub exclude_management_event_sources: Vec<String>,
    pub data_resources: Vec<DataResource>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DataResource {
    /// `AWS::S3::Object`, `AWS::Lambda::Function`, …
    #[serde(rename = "type")]
    pub resource_type: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AdvancedEventSelector {
    pub name: Option<String>,
    pub field_selectors: Vec<FieldSelector>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FieldSelector {
    /// `eventCategory`, `resources.type`, `readOnly`, `eventSource`, …
    pub field: String,
    pub equals: Vec<String>,
    pub not_equals: Vec<String>,
    pub starts_with: Vec<String>,
    pub not_starts_with: Vec<String>,
    pub ends_with: Vec<String>,
    pub not_ends_with: Vec<String>,
}

/// [`super::EvidenceKind::ConfigRecorders`]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConfigRecorders {
    pub recorders: Vec<ConfigRecorder>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConfigRecorder {
    pub name: String,
    pub role_arn: Option<String>,
    /// `recordingGroup.allSupported`.
    pub all_supported: bool,
    pub include_global_resource_types: bool,
    /// `recordingGroup.resourceTypes` (when not all supported).
    pub resource_types: Vec<String>,
    /// `recordingGroup.exclusionByResourceTypes.resourceTypes`.
    pub exclusion_resource_types: Vec<String>,
    /// `recordingGroup.recordingStrategy.useOnly`.
    pub recording_strategy: Option<String>,
    /// From the recorder status: currently recording.
    pub recording: bool,
    /// From the recorder status: `SUCCESS`, `FAILURE` or `PENDING`.
    pub last_status: Option<String>,
}

/// [`super::EvidenceKind::GuardDutyDetectors`]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GuardDutyDetectors {
    pub detectors: Vec<GuardDutyDetector>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GuardDutyDetector {
    pub detector_id: String,
    /// `ENABLED` or `DISABLED`.
    pub status: String,
}

/// [`super::EvidenceKind::AccessAnalyzers`]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AccessAnalyzers {
    pub analyzers: Vec<AccessAnalyzer>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AccessAnalyzer {
    pub name: String,
    pub arn: String,
    /// `ACCOUNT`, `ORGANIZATION`, `ACCOUNT_UNUSED_ACCESS`, `ORGANIZATION_UNUSED_ACCESS`.
    #[serde(rename = "type")]
    pub analyzer_type: String,
    /// `ACTIVE`, `CREATING`, `DISABLED`, `FAILED`.
    pub status: String,
}

/// [`super::EvidenceKind::S3AccountPublicAccessBlock`]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AccountPublicAccessBlock {
    /// False when the account has no public access block (`NoSuchPublicAccessBlockConfiguration`).
    pub present: bool,
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

/// [`super::EvidenceKind::SecurityContact`]: whether a security contact is on file. Only which
/// fields are filled in is kept — the contact's name, address and phone are personal data and not
/// needed for the verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SecurityContact {
    /// False when `GetAlternateContact` answered `ResourceNotFoundException`.
    pub present: bool,
    pub has_email_address: bool,
    pub has_name: bool,
    pub has_phone_number: bool,
}

/// [`super::EvidenceKind::EcrRegistryScanning`]: the registry's scanning configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RegistryScanning {
    /// `BASIC` or `ENHANCED`.
    pub scan_type: Option<String>,
    pub rules: Vec<RegistryScanningRule>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RegistryScanningRule {
    /// `SCAN_ON_PUSH`, `CONTINUOUS_SCAN` or `MANUAL`.
    pub scan_frequency: String,
    pub repository_filters: Vec<RegistryScanningFilter>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RegistryScanningFilter {
    /// A repository name pattern; `*` matches any run of characters.
    pub filter: String,
    /// `WILDCARD` (the only type ECR defines).
    pub filter_type: String,
}

/// [`super::EvidenceKind::ElbV2Listeners`]: every listener of the load balancer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LoadBalancerListeners {
    pub listeners: Vec<LoadBalancerListener>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LoadBalancerListener {
    pub listener_arn: String,
    /// `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`, `GENEVE`.
    pub protocol: Option<String>,
    pub port: Option<i64>,
    pub default_actions: Vec<ListenerAction>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ListenerAction {
    /// `forward`, `redirect`, `fixed-response`, `authenticate-oidc`, `authenticate-cognito`.
    #[serde(rename = "type")]
    pub action_type: String,
    pub order: Option<i64>,
    /// `RedirectConfig.Protocol` of a redirect action: `HTTPS`, `HTTP` or `#{protocol}`.
    pub redirect_protocol: Option<String>,
}

/// [`super::EvidenceKind::WafClassicLogging`] and [`super::EvidenceKind::WafV2Logging`]: a web
/// ACL's logging configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WebAclLogging {
    /// False when `GetLoggingConfiguration` answered `WAFNonexistentItemException`.
    pub present: bool,
    /// Where the logs go (Firehose streams, CloudWatch Logs log groups, S3 buckets).
    pub log_destination_configs: Vec<String>,
}

/// [`super::EvidenceKind::SecretsManagerSecret`]: a secret's dates as `DescribeSecret` gives
/// them, and when they were read (ages are taken at `collectedAt`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SecretDates {
    pub collected_at: Option<String>,
    pub created_date: Option<String>,
    /// Day precision (Secrets Manager truncates it to midnight UTC); `None` when never read.
    pub last_accessed_date: Option<String>,
    /// `None` when never rotated.
    pub last_rotated_date: Option<String>,
    pub last_changed_date: Option<String>,
    /// Set when the secret is scheduled for deletion.
    pub deleted_date: Option<String>,
    pub rotation_enabled: Option<bool>,
}

/// [`super::EvidenceKind::DynamoDbAutoScaling`]: the table's and its indexes' scalable targets
/// and scaling policies (namespace `dynamodb`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DynamoDbAutoScaling {
    pub scalable_targets: Vec<ScalableTarget>,
    pub scaling_policies: Vec<ScalingPolicy>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ScalableTarget {
    /// `table/<name>` or `table/<name>/index/<index>`.
    pub resource_id: String,
    /// `dynamodb:table:ReadCapacityUnits`, `dynamodb:index:WriteCapacityUnits`, …
    pub scalable_dimension: String,
    pub min_capacity: Option<i64>,
    pub max_capacity: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ScalingPolicy {
    pub policy_name: String,
    pub resource_id: String,
    pub scalable_dimension: String,
    /// `TargetTrackingScaling` or `StepScaling`.
    pub policy_type: Option<String>,
    /// `TargetTrackingScalingPolicyConfiguration.TargetValue` (percent utilization).
    pub target_value: Option<f64>,
}

/// [`super::EvidenceKind::EbsPublicSnapshots`]: the snapshots owned by the account whose
/// `createVolumePermission` holds the group `all`, out of `snapshotsChecked` candidates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EbsPublicSnapshots {
    pub public_snapshot_ids: Vec<String>,
    pub snapshots_checked: usize,
}

/// [`super::EvidenceKind::InspectorAccountStatus`]: the account (first) and, when it is a
/// delegated administrator, every associated member, with each scan type's status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct InspectorAccountStatus {
    pub accounts: Vec<InspectorAccount>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct InspectorAccount {
    pub account_id: String,
    /// `state.status`: `ENABLED`, `DISABLED`, `SUSPENDED`, …
    pub status: Option<String>,
    /// `resourceState.<type>.status`; `None` when AWS did not report the scan type.
    pub ec2: Option<String>,
    pub ecr: Option<String>,
    pub lambda: Option<String>,
    pub lambda_code: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_tolerate_missing_fields_and_round_trip() {
        let policy: PasswordPolicy =
            serde_json::from_str(r#"{"present": true, "minimumPasswordLength": 14}"#).unwrap();
        assert!(policy.present && !policy.require_symbols);
        assert_eq!(policy.minimum_password_length, Some(14));
        let trails = CloudTrailTrails {
            trails: vec![Trail {
                name: "main".into(),
                event_selectors: vec![EventSelector {
                    data_resources: vec![DataResource {
                        resource_type: "AWS::S3::Object".into(),
                        values: vec!["arn:aws:s3".into()],
                    }],
                    ..Default::default()
                }],
                ..Default::default()
            }],
        };
        let json = serde_json::to_value(&trails).unwrap();
        assert_eq!(
            json["trails"][0]["eventSelectors"][0]["dataResources"][0]["type"],
            "AWS::S3::Object"
        );
        assert_eq!(
            serde_json::from_value::<CloudTrailTrails>(json).unwrap(),
            trails
        );
    }
}
