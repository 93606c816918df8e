//! AWS Identity and Access Management controls.

use crate::control::Control;

mod managed_policy;
pub mod policy_no_admin;
pub mod policy_no_service_wildcards;
pub mod user_no_policies;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[
    &policy_no_admin::CONTROL,
    &user_no_policies::CONTROL,
    &policy_no_service_wildcards::CONTROL,
];
