//! Amazon GuardDuty controls.

use crate::control::Control;

pub mod detector_enabled;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[&detector_enabled::CONTROL];
