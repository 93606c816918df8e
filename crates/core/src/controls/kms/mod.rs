//! AWS Key Management Service controls.

use crate::control::Control;

pub mod key_rotation;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[&key_rotation::CONTROL];
