//! AWS Security Hub: where sidewatch's findings go, are read back and are marked remediated.
//!
//! * [`publisher`]: [`SecurityHubPublisher`], the `FindingsSink` (`BatchImportFindings`);
//! * [`finding_reader`]: [`SecurityHubFindings`], the `FindingsSource` (`GetFindings`);
//! * [`workflow`]: [`SecurityHubWorkflow`], the `FindingsWorkflow` (`BatchUpdateFindings`);
//! * [`asff`]: the conversions between the core's ASFF model and the SDK's (no I/O).

pub mod asff;
pub mod finding_reader;
pub mod publisher;
pub mod workflow;

pub use finding_reader::SecurityHubFindings;
pub use publisher::SecurityHubPublisher;
pub use workflow::SecurityHubWorkflow;
