//! The pure remediation planner: whether to act on a Security Hub finding, and exactly what to
//! change.
//!
//! The remediation function stays thin. For each EventBridge event it:
//!
//! 1. parses the event with [`event::SecurityHubEvent::from_json_str`] ("Security Hub Findings -
//!    Imported", its OCSF twin "Findings Imported V2" of the new Security Hub, or "Security Hub
//!    Findings - Custom Action" when a person chose the custom action);
//! 2. asks [`guard::decide`] whether sidewatch may act on each finding. The guards run in a fixed
//!    order (the finding is sidewatch's own in this account; FAILED, ACTIVE and NEW — or FAILED and
//!    ACTIVE when a person chose it; the control is allow-listed; the mode is not `off`; the
//!    resource is not exempt by tag; the control has an automatic fix) and the first that refuses
//!    gives a [`guard::Decision::Skip`] with a stable [`guard::SkipCode`];
//! 3. re-reads the live resource with the SDK, runs the engine on it and calls
//!    [`guard::confirm`]: a resource that is gone, already compliant or newly exempt is skipped;
//! 4. asks [`plan::plan`] for the exact change, computed from the live item ([`plan::Plan`]), and
//!    in `dry-run` logs [`plan::Plan::describe`], in `apply` makes the change;
//! 5. records an [`audit::AuditRecord`] and, for findings it acted on, sends the
//!    `BatchUpdateFindings` note and workflow status [`audit::batch_update_findings`] builds.
//!
//! Nothing here calls AWS or reads a clock.

pub mod audit;
pub mod event;
pub mod guard;
mod ocsf_event;
pub mod plan;

use sidewatch_core::params::Overrides;
use std::fmt;
use std::str::FromStr;

/// The tag that exempts a resource from remediation: a comma-separated list of control ids, or
/// `all`.
pub const DEFAULT_EXEMPTION_TAG_KEY: &str = "sidewatch:exempt";

/// What the remediation function does with a finding that passes every guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// Nothing: every finding is skipped.
    Off,
    /// Log and note what would be changed, change nothing. The default.
    #[default]
    DryRun,
    /// Make the change.
    Apply,
}

impl Mode {
    /// `off`, `dry-run`, `apply`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Off => "off",
            Mode::DryRun => "dry-run",
            Mode::Apply => "apply",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Mode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" => Ok(Mode::Off),
            "dry-run" | "dryrun" | "dry_run" => Ok(Mode::DryRun),
            "apply" => Ok(Mode::Apply),
            other => Err(format!(
                "unknown remediation mode '{other}'; use off, dry-run or apply"
            )),
        }
    }
}

/// The password policy the IAM.7 / IAM.11–17 remediation applies. The defaults satisfy every one
/// of those controls with its default parameters (CIS: length 14, reuse 24; expiry 90 days).
/// Settings of the account's current policy that are already stronger are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordPolicySettings {
    pub minimum_password_length: i64,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase_characters: bool,
    pub require_lowercase_characters: bool,
    /// `PasswordReusePrevention`; `None` leaves reuse unrestricted (unless already restricted).
    pub password_reuse_prevention: Option<i64>,
    /// `MaxPasswordAge` in days; `None` lets passwords never expire (unless they already do).
    pub max_password_age: Option<i64>,
}

impl Default for PasswordPolicySettings {
    fn default() -> Self {
        PasswordPolicySettings {
            minimum_password_length: 14,
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            password_reuse_prevention: Some(24),
            max_password_age: Some(90),
        }
    }
}

/// How the remediation function is configured (template parameters → environment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemediationConfig {
    /// `off`, `dry-run` (default) or `apply`.
    pub mode: Mode,
    /// Control ids (`S3.8`) or services (`S3`) that may be remediated; `*` allows every
    /// control. Empty allows nothing.
    pub allow_list: Vec<String>,
    /// The exemption tag key, [`DEFAULT_EXEMPTION_TAG_KEY`] by default.
    pub exemption_tag_key: String,
    /// The account the function runs in: only findings of this account are acted on.
    pub account_id: String,
    /// `aws`, `aws-cn`, `aws-us-gov`.
    pub partition: String,
    /// The Region the function runs in; when set, findings of other Regions are refused.
    pub region: Option<String>,
    /// Control parameters, the same overrides the engine runs with (ports, retention days…), so
    /// the plan fixes exactly what the control checks.
    pub overrides: Overrides,
    /// The KMS key for S3.17 default encryption; `None` uses the control's first allowed key, or
    /// the AWS managed key `aws/s3`.
    pub s3_kms_key_id: Option<String>,
    /// The password policy IAM.7 / IAM.11–17 apply.
    pub password_policy: PasswordPolicySettings,
}

impl RemediationConfig {
    /// A dry-run configuration for `account_id` in the `aws` partition, allowing nothing yet.
    pub fn new(account_id: impl Into<String>) -> Self {
        RemediationConfig {
            mode: Mode::default(),
            allow_list: Vec::new(),
            exemption_tag_key: DEFAULT_EXEMPTION_TAG_KEY.to_owned(),
            account_id: account_id.into(),
            partition: "aws".to_owned(),
            region: None,
            overrides: Overrides::new(),
            s3_kms_key_id: None,
            password_policy: PasswordPolicySettings::default(),
        }
    }

    /// Whether the allow-list names this control or its service (any case).
    pub fn allows(&self, control_id: &str) -> bool {
        let service = control_id.split('.').next().unwrap_or(control_id);
        self.allow_list.iter().map(|s| s.trim()).any(|s| {
            s.eq_ignore_ascii_case(control_id) || s.eq_ignore_ascii_case(service) || s == "*"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_and_default_to_dry_run() {
        assert_eq!(Mode::default(), Mode::DryRun);
        assert_eq!("APPLY".parse::<Mode>(), Ok(Mode::Apply));
        assert_eq!(" off ".parse::<Mode>(), Ok(Mode::Off));
        assert_eq!("dry-run".parse::<Mode>(), Ok(Mode::DryRun));
        assert!("yes".parse::<Mode>().unwrap_err().contains("dry-run"));
    }

    #[test]
    fn allow_list_matches_ids_and_services_only() {
        let mut config = RemediationConfig::new("123456789012");
        assert!(!config.allows("S3.8"), "an empty allow-list allows nothing");
        config.allow_list = vec!["s3".into(), "EC2.13".into()];
        assert!(config.allows("S3.8"));
        assert!(config.allows("EC2.13"));
        assert!(!config.allows("EC2.14"));
        assert!(!config.allows("EC2.1"));
    }
}
