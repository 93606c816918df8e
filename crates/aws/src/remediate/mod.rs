//! Remediation actions: re-reading the live resource for the last guard, and applying a core
//! [`Plan`] with the SDK.
//!
//! The decisions are the pure planner's (`sidewatch_remediation`); this module only talks to AWS:
//!
//! * [`LiveSource`] re-reads the resource a finding names as a configuration item built from the
//!   service's own answers (and the evidence the control needs, through the
//!   [`EvidenceCollector`]), with its current tags, so the core can evaluate the control on what is
//!   there *now*;
//! * [`PlanExecutor`] makes exactly the change a [`Plan`] describes, one SDK call per plan (two for
//!   a security group with ingress and egress rules). Every plan sets a state rather than toggling
//!   one (`PutPublicAccessBlock` with all four settings, `EnableKeyRotation`, a whole bucket policy
//!   computed from the live one…), so a retried call cannot act twice;
//! * [`AuditStore`] writes the JSON audit object of an action to S3.
//!
//! [`RemediationClients`] implements the three with the SDK; [`CountingExecutor`] wraps any
//! executor and counts its write calls (tests use it to prove a refusal made none).

mod apply;
mod live;

use crate::clients::{AwsClients, local_authority};
use crate::collect::EvidenceCollector;
pub(crate) use crate::error::port_error;
use aws_config::SdkConfig;
use sidewatch_core::Control;
use sidewatch_core::ports::{FailureKind, PortError};
use sidewatch_remediation::plan::Plan;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

pub use sidewatch_core::ports::{AuditStore, LiveResource, LiveSource, PlanExecutor};

/// The SDK clients remediation uses: the adapters' [`AwsClients`] plus S3 and RDS, and the
/// [`EvidenceCollector`] for the evidence a control needs on the live item.
#[derive(Debug, Clone)]
pub struct RemediationClients {
    pub aws: AwsClients,
    pub s3: aws_sdk_s3::Client,
    pub rds: aws_sdk_rds::Client,
    pub collector: EvidenceCollector,
    /// The account the function runs in (the account-level item's id).
    pub account_id: String,
    /// The Region the clients call.
    pub region: String,
    /// The bucket of the audit objects, when configured.
    pub audit_bucket: Option<String>,
}

impl RemediationClients {
    /// Every client from one SDK configuration. S3 uses path-style addressing when the endpoint
    /// is a local stand-in (bucket host names cannot resolve there).
    pub fn new(sdk: &SdkConfig, account_id: impl Into<String>) -> Self {
        let mut s3 = aws_sdk_s3::config::Builder::from(sdk);
        if sdk.endpoint_url().and_then(local_authority).is_some() {
            s3 = s3.force_path_style(true);
        }
        Self::from_parts(
            AwsClients::new(sdk),
            aws_sdk_s3::Client::from_conf(s3.build()),
            aws_sdk_rds::Client::new(sdk),
            account_id,
        )
    }

    /// From clients built elsewhere (tests add interceptors to one of them).
    pub fn from_parts(
        aws: AwsClients,
        s3: aws_sdk_s3::Client,
        rds: aws_sdk_rds::Client,
        account_id: impl Into<String>,
    ) -> Self {
        let region = aws.region.clone().unwrap_or_default();
        RemediationClients {
            collector: EvidenceCollector::new(aws.clone()),
            aws,
            s3,
            rds,
            account_id: account_id.into(),
            region,
            audit_bucket: None,
        }
    }

    /// Audit objects go to `bucket`.
    pub fn with_audit_bucket(mut self, bucket: Option<String>) -> Self {
        self.audit_bucket = bucket.filter(|b| !b.trim().is_empty());
        self
    }
}

impl LiveSource for RemediationClients {
    async fn read(
        &self,
        control: &'static Control,
        resource_type: &str,
        resource_id: &str,
    ) -> Result<LiveResource, PortError> {
        live::read(self, control, resource_type, resource_id).await
    }
}

impl PlanExecutor for RemediationClients {
    async fn execute(&self, plan: &Plan) -> Result<(), PortError> {
        apply::execute(self, plan).await
    }
}

impl AuditStore for RemediationClients {
    async fn put(&self, key: &str, body: String) -> Result<(), PortError> {
        let Some(bucket) = &self.audit_bucket else {
            return Ok(());
        };
        self.s3
            .put_object()
            .bucket(bucket)
            .key(key)
            .content_type("application/json")
            .body(body.into_bytes().into())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| port_error("s3:PutObject", &e))
    }
}

/// Counts the plans an executor was asked to apply (each is one or two write calls), then
/// passes them on.
#[derive(Debug, Clone)]
pub struct CountingExecutor<X> {
    inner: X,
    calls: Arc<AtomicUsize>,
}

impl<X> CountingExecutor<X> {
    pub fn new(inner: X) -> Self {
        CountingExecutor {
            inner,
            calls: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// How many plans were executed (attempted) so far.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// The wrapped executor.
    pub fn inner(&self) -> &X {
        &self.inner
    }
}

impl<X: PlanExecutor + Sync> PlanExecutor for CountingExecutor<X> {
    async fn execute(&self, plan: &Plan) -> Result<(), PortError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.execute(plan).await
    }
}

/// Whether the error says the resource does not exist.
fn is_gone(error: &PortError) -> bool {
    error.kind == FailureKind::NotFound
}

/// A port error for something the answer or the plan lacks (no AWS call failed).
fn invalid(operation: &str, message: impl Into<String>) -> PortError {
    PortError::new(operation, FailureKind::Invalid, None, message)
}
