//! AWS WAF controls (AWS WAF Classic and AWS WAF).

use crate::control::Control;

pub mod classic_global_logging;
pub(crate) mod logging;
pub mod web_acl_logging;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] =
    &[&classic_global_logging::CONTROL, &web_acl_logging::CONTROL];
