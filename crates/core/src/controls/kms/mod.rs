//! AWS Key Management Service controls.

use crate::control::Control;

pub mod key_rotation;
pub mod scheduled_deletion;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[&scheduled_deletion::CONTROL, &key_rotation::CONTROL];
