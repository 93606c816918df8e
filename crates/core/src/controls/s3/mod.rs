//! Amazon S3 controls.

use crate::control::Control;

pub mod public_access_block;
pub mod ssl_requests_only;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] =
    &[&public_access_block::CONTROL, &ssl_requests_only::CONTROL];
