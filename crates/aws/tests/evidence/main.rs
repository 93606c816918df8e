//! Evidence collection with the real AWS SDK: against a private moto_server per test for what moto
//! implements, and against `aws-smithy-mocks` (response bodies shaped like AWS's documentation) for
//! errors and for what moto lacks. Each collected item then goes through the real engine, and the
//! verdicts of the controls that read that evidence are asserted.
//!
//! One test binary (modules below) keeps link time down: the SDK crates are large.

#[path = "../seed/infrastructure.rs"]
mod infrastructure_seed;
mod support;

#[path = "../common/seed.rs"]
mod seed;

mod account_level;
mod change_events;
mod cloudtrail;
mod coverage;
mod iam_account;
mod iam_users;
mod infrastructure;
mod mocked;
mod recorder;
mod resources;
mod sweep_queue;
mod workloads;
