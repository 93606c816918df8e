//! Whose credentials these are: `sts:GetCallerIdentity` (it needs no IAM permission).

use crate::error::port_error;
use aws_config::SdkConfig;
use sidewatch_core::ports::{CallerIdentity, FailureKind, PortError};

/// The caller's account, asked of STS.
#[derive(Debug, Clone)]
pub struct StsIdentity {
    client: aws_sdk_sts::Client,
}

impl StsIdentity {
    pub fn new(sdk: &SdkConfig) -> Self {
        StsIdentity {
            client: aws_sdk_sts::Client::new(sdk),
        }
    }
}

impl CallerIdentity for StsIdentity {
    async fn account(&self) -> Result<String, PortError> {
        let out = self
            .client
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| port_error("sts:GetCallerIdentity", &e))?;
        out.account()
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| {
                PortError::new(
                    "sts:GetCallerIdentity",
                    FailureKind::Other,
                    None,
                    "the answer names no account",
                )
            })
    }
}
