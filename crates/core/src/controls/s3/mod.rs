//! Amazon S3 controls.

use crate::control::Control;

pub mod account_public_access_block;
pub mod default_kms_encryption;
pub mod mfa_delete;
pub mod object_read_events;
pub mod object_write_events;
pub mod public_access_block;
mod public_exposure;
pub mod public_read;
pub mod public_write;
pub mod server_access_logging;
pub mod ssl_requests_only;
pub mod versioning;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[
    &account_public_access_block::CONTROL,
    &public_access_block::CONTROL,
    &public_read::CONTROL,
    &public_write::CONTROL,
    &ssl_requests_only::CONTROL,
    &server_access_logging::CONTROL,
    &versioning::CONTROL,
    &default_kms_encryption::CONTROL,
    &mfa_delete::CONTROL,
    &object_write_events::CONTROL,
    &object_read_events::CONTROL,
];
