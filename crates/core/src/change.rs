//! The change a remediation makes, as data: what the planner (`sidewatch-remediation`) decides
//! and the executor port ([`crate::ports::PlanExecutor`]) applies, one SDK call per plan (two for
//! a security group with ingress and egress rules). Every plan sets a state rather than toggling
//! one, so a retried call cannot act twice.

use crate::controls::ec2::ingress::{PortRange, Protocol, Traffic};
use serde::Serialize;
use serde_json::Value;
use std::fmt;

/// The `Sid` of the one statement S3.5's fix adds to a bucket policy.
pub const TLS_SID: &str = "sidewatch-deny-insecure-transport";

/// One security-group permission to revoke, in the EC2 API's terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IpPermission {
    /// As recorded: `tcp`, `udp`, `icmp`, `-1`, or a protocol number.
    pub ip_protocol: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ipv4_ranges: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ipv6_ranges: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub user_id_group_pairs: Vec<GroupPair>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub prefix_list_ids: Vec<String>,
}

/// A referenced security group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupPair {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

impl IpPermission {
    /// "tcp 22 from 0.0.0.0/0, ::/0".
    pub fn describe(&self) -> String {
        let protocol = Protocol::parse(&Value::String(self.ip_protocol.clone()))
            .unwrap_or_else(|| Protocol::Other(self.ip_protocol.clone()));
        let ports = match protocol {
            Protocol::Tcp | Protocol::Udp => PortRange::from_bounds(self.from_port, self.to_port),
            _ => PortRange::ALL,
        };
        let peers: Vec<&str> = self
            .ipv4_ranges
            .iter()
            .chain(&self.ipv6_ranges)
            .map(String::as_str)
            .chain(
                self.user_id_group_pairs
                    .iter()
                    .filter_map(|g| g.group_id.as_deref().or(g.group_name.as_deref())),
            )
            .chain(self.prefix_list_ids.iter().map(String::as_str))
            .collect();
        format!("{} from {}", Traffic { protocol, ports }, peers.join(", "))
    }
}

/// The password policy to apply (`iam:UpdateAccountPasswordPolicy`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountPasswordPolicy {
    pub minimum_password_length: i64,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase_characters: bool,
    pub require_lowercase_characters: bool,
    pub allow_users_to_change_password: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_password_age: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_reuse_prevention: Option<i64>,
    pub hard_expiry: bool,
}

/// One change, as data. The adapter maps each to one SDK call (two for EC2.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all_fields = "camelCase")]
pub enum Plan {
    /// `s3:PutPublicAccessBlock` with all four settings true.
    PutBucketPublicAccessBlock { bucket: String },
    /// `s3control:PutPublicAccessBlock` with all four settings true.
    PutAccountPublicAccessBlock { account_id: String },
    /// `s3:PutBucketPolicy` with this whole document.
    PutBucketPolicy { bucket: String, policy: Value },
    /// `s3:PutBucketEncryption`: SSE-KMS with this key (`None`: the AWS managed key `aws/s3`).
    PutBucketEncryption {
        bucket: String,
        kms_master_key_id: Option<String>,
        bucket_key_enabled: bool,
    },
    /// `s3:PutBucketVersioning` with `Status: Enabled` (MFA delete untouched).
    PutBucketVersioning { bucket: String },
    /// `ec2:RevokeSecurityGroupIngress` (and `ec2:RevokeSecurityGroupEgress` when `egress` is not
    /// empty) with exactly these permissions.
    RevokeSecurityGroupRules {
        group_id: String,
        ingress: Vec<IpPermission>,
        egress: Vec<IpPermission>,
    },
    /// `ec2:ModifyInstanceMetadataOptions` with `HttpTokens: required`.
    RequireImdsv2 { instance_id: String },
    /// `ec2:EnableEbsEncryptionByDefault` in the Region.
    EnableEbsEncryptionByDefault { region: String },
    /// `kms:EnableKeyRotation`.
    EnableKeyRotation { key_id: String },
    /// `cloudtrail:UpdateTrail` with `EnableLogFileValidation: true`.
    EnableLogFileValidation { trail: String },
    /// `iam:UpdateAccountPasswordPolicy`.
    UpdateAccountPasswordPolicy { policy: AccountPasswordPolicy },
    /// `rds:ModifyDBInstance` with only these settings.
    ModifyDbInstance {
        db_instance_identifier: String,
        backup_retention_period: Option<i64>,
        auto_minor_version_upgrade: Option<bool>,
        apply_immediately: bool,
    },
}

impl Plan {
    /// The change in one sentence, imperative ("revoke ingress tcp 22 from 0.0.0.0/0 on sg-1");
    /// dry-run notes prefix it with "would ".
    pub fn describe(&self) -> String {
        match self {
            Plan::PutBucketPublicAccessBlock { bucket } => format!(
                "turn on BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and \
                 RestrictPublicBuckets on bucket {bucket}"
            ),
            Plan::PutAccountPublicAccessBlock { account_id } => format!(
                "turn on BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and \
                 RestrictPublicBuckets for account {account_id}"
            ),
            Plan::PutBucketPolicy { bucket, .. } => format!(
                "add statement {TLS_SID} (Deny s3:* to every principal when aws:SecureTransport \
                 is false) to the bucket policy of {bucket}, keeping every other statement"
            ),
            Plan::PutBucketEncryption {
                bucket,
                kms_master_key_id,
                ..
            } => format!(
                "set default encryption of bucket {bucket} to SSE-KMS with {}",
                kms_master_key_id
                    .as_deref()
                    .map_or("the AWS managed key aws/s3".to_owned(), |k| format!(
                        "key {k}"
                    ))
            ),
            Plan::PutBucketVersioning { bucket } => {
                format!("enable versioning on bucket {bucket}")
            }
            Plan::RevokeSecurityGroupRules {
                group_id,
                ingress,
                egress,
            } => {
                let mut parts: Vec<String> = ingress
                    .iter()
                    .map(|p| format!("ingress {}", p.describe()))
                    .collect();
                parts.extend(egress.iter().map(|p| format!("egress {}", p.describe())));
                format!("revoke {} on {group_id}", parts.join("; "))
            }
            Plan::RequireImdsv2 { instance_id } => {
                format!("require IMDSv2 (HttpTokens required) on instance {instance_id}")
            }
            Plan::EnableEbsEncryptionByDefault { region } => {
                format!("turn on EBS encryption by default in {region}")
            }
            Plan::EnableKeyRotation { key_id } => {
                format!("enable automatic rotation of KMS key {key_id}")
            }
            Plan::EnableLogFileValidation { trail } => {
                format!("enable log file validation on trail {trail}")
            }
            Plan::UpdateAccountPasswordPolicy { policy } => {
                let mut text = format!(
                    "set the account password policy to minimum length {}, require uppercase {}, \
                     lowercase {}, numbers {}, symbols {}",
                    policy.minimum_password_length,
                    policy.require_uppercase_characters,
                    policy.require_lowercase_characters,
                    policy.require_numbers,
                    policy.require_symbols
                );
                if let Some(n) = policy.password_reuse_prevention {
                    text.push_str(&format!(", remember {n} passwords"));
                }
                if let Some(days) = policy.max_password_age {
                    text.push_str(&format!(", expire after {days} days"));
                }
                text
            }
            Plan::ModifyDbInstance {
                db_instance_identifier,
                backup_retention_period,
                auto_minor_version_upgrade,
                apply_immediately,
            } => {
                let mut changes = Vec::new();
                if let Some(days) = backup_retention_period {
                    changes.push(format!("backup retention to {days} days"));
                }
                if let Some(on) = auto_minor_version_upgrade {
                    changes.push(format!("automatic minor version upgrade to {on}"));
                }
                let when = if *apply_immediately {
                    "now"
                } else {
                    "in the next maintenance window"
                };
                format!(
                    "set {} on DB instance {db_instance_identifier} {when}",
                    changes.join(" and ")
                )
            }
        }
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}
