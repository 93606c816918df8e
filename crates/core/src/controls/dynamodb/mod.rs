//! Amazon DynamoDB controls.

use crate::control::Control;

pub mod autoscaling;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[&autoscaling::CONTROL];
