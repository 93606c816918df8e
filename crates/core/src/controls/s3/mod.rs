//! Amazon S3 controls.

use crate::control::Control;

pub mod default_kms_encryption;
pub mod mfa_delete;
pub mod public_access_block;
pub mod server_access_logging;
pub mod ssl_requests_only;
pub mod versioning;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[
    &public_access_block::CONTROL,
    &ssl_requests_only::CONTROL,
    &server_access_logging::CONTROL,
    &versioning::CONTROL,
    &default_kms_encryption::CONTROL,
    &mfa_delete::CONTROL,
];
