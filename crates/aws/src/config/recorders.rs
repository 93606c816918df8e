//! [`ConfigRecorders`]: reads the Region's AWS Config recorder, so the sweep knows which resource
//! types Config records and which it must build with the [`Inventory`](crate::Inventory).
//!
//! `DescribeConfigurationRecorders` without a name or ARN returns the customer managed recorder (at
//! most one per Region); `DescribeConfigurationRecorderStatus` says whether it is recording. A
//! recorder without a status entry is taken as not recording. Service-linked recorders of internal
//! scope (their items are only visible to the linked service) are left out should AWS return
//! them: the account cannot read what they record. The recorders come back in the core's
//! [`ConfigRecorder`] shape — the one the `ConfigRecorders` evidence stores — so the decision of
//! what is recorded stays in SDK-free code (`sidewatch_lambda::sweep::unrecorded`).

use crate::error::port_error;
use aws_sdk_config::types::{ConfigurationRecorder, RecordingScope};
use sidewatch_core::evidence::shapes::ConfigRecorder;
use sidewatch_core::ports::PortError;

/// Operation names in errors and logs.
pub const DESCRIBE_RECORDERS: &str = "config:DescribeConfigurationRecorders";
pub const DESCRIBE_RECORDER_STATUS: &str = "config:DescribeConfigurationRecorderStatus";

/// Reads the configuration recorders of the client's Region. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ConfigRecorders {
    client: aws_sdk_config::Client,
}

impl ConfigRecorders {
    /// A reader calling through `client` (the SDK's standard retries: two calls per sweep).
    pub fn new(client: &aws_sdk_config::Client) -> Self {
        ConfigRecorders {
            client: client.clone(),
        }
    }

    /// The recorders whose items the account can read, with `recording` from their status.
    /// Empty when the Region has no recorder.
    pub async fn recorders(&self) -> Result<Vec<ConfigRecorder>, PortError> {
        let described = self
            .client
            .describe_configuration_recorders()
            .send()
            .await
            .map_err(|e| port_error(DESCRIBE_RECORDERS, &e))?;
        let readable: Vec<&ConfigurationRecorder> = described
            .configuration_recorders()
            .iter()
            .filter(|r| r.recording_scope() != Some(&RecordingScope::Internal))
            .collect();
        if readable.is_empty() {
            return Ok(Vec::new());
        }
        let statuses = self
            .client
            .describe_configuration_recorder_status()
            .send()
            .await
            .map_err(|e| port_error(DESCRIBE_RECORDER_STATUS, &e))?;
        Ok(readable
            .into_iter()
            .map(|r| {
                let name = r.name().unwrap_or_default();
                let recording = statuses
                    .configuration_recorders_status()
                    .iter()
                    .find(|s| s.name() == Some(name))
                    .is_some_and(|s| s.recording());
                shape(r, recording)
            })
            .collect())
    }
}

/// The core's shape of one recorder.
fn shape(r: &ConfigurationRecorder, recording: bool) -> ConfigRecorder {
    let group = r.recording_group();
    let types = |list: &[aws_sdk_config::types::ResourceType]| {
        list.iter().map(|t| t.as_str().to_owned()).collect()
    };
    ConfigRecorder {
        name: r.name().unwrap_or_default().to_owned(),
        role_arn: r.role_arn().map(str::to_owned),
        all_supported: group.is_some_and(|g| g.all_supported()),
        include_global_resource_types: group.is_some_and(|g| g.include_global_resource_types()),
        resource_types: group.map(|g| types(g.resource_types())).unwrap_or_default(),
        exclusion_resource_types: group
            .and_then(|g| g.exclusion_by_resource_types())
            .map(|e| types(e.resource_types()))
            .unwrap_or_default(),
        recording_strategy: group
            .and_then(|g| g.recording_strategy())
            .and_then(|s| s.use_only())
            .map(|u| u.as_str().to_owned()),
        recording,
        last_status: None,
    }
}

/// The recorder reader as the sweep's recorder port.
impl sidewatch_core::ports::RecorderSource for ConfigRecorders {
    async fn recorders(&self) -> Result<Vec<ConfigRecorder>, PortError> {
        ConfigRecorders::recorders(self).await
    }
}
