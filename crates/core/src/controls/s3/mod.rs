//! Amazon S3 controls.

use crate::control::Control;

pub mod public_access_block;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[&public_access_block::CONTROL];
