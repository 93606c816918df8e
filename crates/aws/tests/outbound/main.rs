//! The outbound adapters (Security Hub publisher, findings reader and workflow updates; Config
//! reporter and item reader) with the real AWS SDK: against a private moto_server per test for
//! what moto implements, and against `aws-smithy-mocks` (bodies shaped like AWS's API references)
//! for errors, throttling, partial answers and what moto lacks.
//!
//! One test binary (modules below) keeps link time down: the SDK crates are large.

mod support;

mod config_mocked;
mod config_moto;
mod rules_store_moto;
mod securityhub_mocked;
mod securityhub_moto;
