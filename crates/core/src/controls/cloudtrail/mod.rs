//! AWS CloudTrail controls on trails (`AWS::CloudTrail::Trail`).

use crate::control::Control;

pub mod cloudwatch_logs;
pub mod encryption_at_rest;
pub mod log_file_validation;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[
    &encryption_at_rest::CONTROL,
    &log_file_validation::CONTROL,
    &cloudwatch_logs::CONTROL,
];
