//! AWS Identity and Access Management controls.

use crate::control::{Control, Remediation};

pub mod access_keys_rotated;
pub mod cloudshell_full_access;
pub mod console_mfa;
pub mod external_access_analyzer;
mod managed_policy;
pub mod password_expiry;
pub mod password_length;
pub mod password_lowercase;
pub mod password_number;
pub(crate) mod password_policy;
pub mod password_policy_strong;
pub mod password_reuse;
pub mod password_symbol;
pub mod password_uppercase;
pub mod policy_no_admin;
pub mod policy_no_service_wildcards;
pub mod root_access_key;
pub mod root_hardware_mfa;
pub mod root_mfa;
pub mod support_role;
mod unused_credentials;
pub mod unused_credentials_45;
pub mod unused_credentials_90;
pub(crate) mod user_evidence;
pub mod user_mfa;
pub mod user_no_policies;

/// The remediation of the controls on people's credentials (IAM.3, IAM.5, IAM.8, IAM.19, IAM.22).
pub(crate) const CREDENTIALS_BELONG_TO_PEOPLE: Remediation = Remediation::NotifyOnly {
    why: "credentials belong to people: disabling or deleting them locks someone out, so the \
          owner must rotate or remove them",
};

/// The remediation of the root user controls (IAM.4, IAM.6, IAM.9).
pub(crate) const ROOT_ONLY: Remediation = Remediation::NotifyOnly {
    why: "only the root user can change root credentials and MFA devices",
};

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[
    &policy_no_admin::CONTROL,
    &user_no_policies::CONTROL,
    &policy_no_service_wildcards::CONTROL,
    &access_keys_rotated::CONTROL,
    &console_mfa::CONTROL,
    &unused_credentials_90::CONTROL,
    &user_mfa::CONTROL,
    &unused_credentials_45::CONTROL,
    &cloudshell_full_access::CONTROL,
    &root_access_key::CONTROL,
    &root_hardware_mfa::CONTROL,
    &password_policy_strong::CONTROL,
    &root_mfa::CONTROL,
    &password_uppercase::CONTROL,
    &password_lowercase::CONTROL,
    &password_symbol::CONTROL,
    &password_number::CONTROL,
    &password_length::CONTROL,
    &password_reuse::CONTROL,
    &password_expiry::CONTROL,
    &support_role::CONTROL,
    &external_access_analyzer::CONTROL,
];
