//! AWS Config controls: the recorder that every change-triggered control depends on.

use crate::control::Control;

pub mod recorder;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[&recorder::CONTROL];
