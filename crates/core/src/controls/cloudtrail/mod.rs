//! AWS CloudTrail controls: on trails (`AWS::CloudTrail::Trail`), and on the account's trails as
//! a whole (`AWS::::Account`, from the CloudTrailTrails evidence, read through `trails`).

use crate::control::Control;

pub mod cloudwatch_logs;
pub mod encryption_at_rest;
pub mod log_file_validation;
pub mod multi_region_trail;
pub mod trail_enabled;
pub(crate) mod trails;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[
    &multi_region_trail::CONTROL,
    &encryption_at_rest::CONTROL,
    &trail_enabled::CONTROL,
    &log_file_validation::CONTROL,
    &cloudwatch_logs::CONTROL,
];
