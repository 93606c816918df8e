//! What sidewatch's Lambda functions share.
//!
//! * [`settings`]: configuration from the environment, errors that name the variable;
//! * [`logging`]: JSON logs through `tracing`;
//! * [`metrics`]: CloudWatch Embedded Metric Format lines;
//! * the handlers, plain async functions generic over the ports of
//!   [`sidewatch_core::ports`] (and [`sweep::SweepQueue`]), so tests call them with in-memory
//!   fakes: [`config_rule`] (the AWS Config custom rule), [`events`] (EventBridge: Config changes,
//!   CloudTrail API calls, schedules), [`sweep`] (scheduled reconciliation through SQS).
//!
//! The function binaries (`functions/*`) read the settings, build the SDK clients and adapters
//! once per container, and call these handlers for every invocation.

pub mod common;
pub mod config_rule;
pub mod custom;
pub mod events;
pub mod logging;
pub mod metrics;
pub mod runtime;
pub mod settings;
pub mod sweep;

#[cfg(test)]
mod tests;

pub use common::{Clock, FixedClock, HandlerError, Invocation, Ports, SystemClock};
pub use custom::Customisation;
pub use metrics::Metrics;
pub use settings::{Settings, SettingsError};
