//! AWS Identity and Access Management controls.

use crate::control::Control;

pub mod access_keys_rotated;
pub mod cloudshell_full_access;
pub mod console_mfa;
mod managed_policy;
pub mod policy_no_admin;
pub mod policy_no_service_wildcards;
mod unused_credentials;
pub mod unused_credentials_45;
pub mod unused_credentials_90;
mod user_evidence;
pub mod user_mfa;
pub mod user_no_policies;

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
];
