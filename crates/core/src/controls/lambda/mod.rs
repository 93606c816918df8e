//! AWS Lambda controls.

use crate::control::Control;

pub mod environment_secrets;
pub mod public_access;
pub mod supported_runtimes;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[
    &public_access::CONTROL,
    &supported_runtimes::CONTROL,
    &environment_secrets::CONTROL,
];
