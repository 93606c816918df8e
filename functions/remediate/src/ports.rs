//! Placeholders until the Security Hub adapters (`SecurityHubWorkflow`, `SecurityHubPublisher`)
//! are merged in: the workflow port refuses (so the invocation fails and is retried rather than
//! silently losing the note), and there is no findings sink.

use sidewatch_core::Finding;
use sidewatch_core::ports::{
    Delivery, FailureKind, FindingUpdate, FindingsSink, FindingsWorkflow, PortError,
};

/// `BatchUpdateFindings` is not wired yet.
#[derive(Debug, Clone)]
pub struct WorkflowPort;

impl WorkflowPort {
    pub fn new(_sdk: &aws_config::SdkConfig) -> Self {
        WorkflowPort
    }
}

impl FindingsWorkflow for WorkflowPort {
    async fn update(&self, _update: &FindingUpdate) -> Result<Delivery, PortError> {
        Err(PortError::new(
            "securityhub:BatchUpdateFindings",
            FailureKind::Other,
            None,
            "this build has no Security Hub workflow adapter",
        ))
    }
}

/// No findings sink: a type without values, for `Option<NoFindingsSink>::None`.
#[derive(Debug, Clone, Copy)]
pub enum NoFindingsSink {}

impl FindingsSink for NoFindingsSink {
    async fn import(&self, _findings: Vec<Finding>) -> Result<Delivery, PortError> {
        match *self {}
    }
}
