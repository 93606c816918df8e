//! Amazon DynamoDB controls on tables (`AWS::DynamoDB::Table`).
//!
//! Field names follow the AWS Config resource schema: the table's `configuration` uses the
//! older camelCase (`tableName`, `billingModeSummary`), and point-in-time recovery is recorded
//! in `supplementaryConfiguration.ContinuousBackupsDescription`.

use crate::control::Control;

pub mod deletion_protection;
pub mod point_in_time_recovery;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[
    &point_in_time_recovery::CONTROL,
    &deletion_protection::CONTROL,
];
