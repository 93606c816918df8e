//! AWS Secrets Manager controls.

use crate::control::Control;

pub mod rotated_recently;
pub(crate) mod secret_dates;
pub mod unused;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[&unused::CONTROL, &rotated_recently::CONTROL];
