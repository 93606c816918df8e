//! AWS Config: the configuration items sidewatch evaluates, the evaluations it reports back, and
//! the recorder that says which resource types Config records.
//!
//! * [`item_reader`]: [`ConfigItems`], the `ItemSource` (`GetResourceConfigHistory`,
//!   `ListDiscoveredResources`, `BatchGetResourceConfig`);
//! * [`reporter`]: [`ConfigReporter`], the `EvaluationsSink` (`PutEvaluations`);
//! * [`recorders`]: [`ConfigRecorders`], the Region's recorder and whether it is recording.

pub mod item_reader;
pub mod recorders;
pub mod reporter;

pub use item_reader::ConfigItems;
pub use recorders::ConfigRecorders;
pub use reporter::ConfigReporter;
