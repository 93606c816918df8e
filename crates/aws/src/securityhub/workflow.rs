//! [`SecurityHubWorkflow`]: the [`FindingsWorkflow`] that records remediation on findings with
//! `securityhub:BatchUpdateFindings` (a note, and a workflow status when given).
//!
//! Findings are updated in calls of at most 100 identifiers; whole calls are retried on
//! throttling and 5xx, `UnprocessedFindings` with a retryable code are sent again, the rest are
//! reported in `Delivery.failed`.

use crate::error::{PortResultExt, failure_kind};
use crate::retry::{
    Refusal, RetryPolicy, adapter_basics, deliver, with_retries, without_sdk_retries,
};
use aws_sdk_securityhub::operation::RequestId;
use aws_sdk_securityhub::types::{
    AwsSecurityFindingIdentifier, NoteUpdate, WorkflowStatus, WorkflowUpdate,
};
use sidewatch_core::ports::{
    Delivery, FailureKind, FindingRef, FindingUpdate, FindingsWorkflow, PortError,
};
use sidewatch_core::verdict::truncate_with_ellipsis;

/// The operation name in errors and logs.
pub const UPDATE_OPERATION: &str = "securityhub:BatchUpdateFindings";

/// Findings one `BatchUpdateFindings` call takes.
pub const MAX_FINDINGS_PER_UPDATE: usize = 100;

/// The longest `Note.Text` Security Hub accepts.
pub const MAX_NOTE_CHARS: usize = 512;

/// Updates sidewatch's findings. Cheap to clone.
#[derive(Debug, Clone)]
pub struct SecurityHubWorkflow {
    client: aws_sdk_securityhub::Client,
    policy: RetryPolicy,
}

adapter_basics!(SecurityHubWorkflow, aws_sdk_securityhub);

impl SecurityHubWorkflow {
    /// An updater calling through `client` (SDK retries off: the [`RetryPolicy`] decides).
    pub fn new(client: &aws_sdk_securityhub::Client) -> Self {
        SecurityHubWorkflow {
            client: without_sdk_retries!(aws_sdk_securityhub, client),
            policy: RetryPolicy::default(),
        }
    }

    /// One `BatchUpdateFindings` call (retried as a whole); the findings it did not process.
    async fn call(
        &self,
        findings: Vec<FindingRef>,
        note: Option<&NoteUpdate>,
        workflow: Option<&WorkflowUpdate>,
    ) -> Result<Vec<Refusal>, PortError> {
        let identifiers: Vec<AwsSecurityFindingIdentifier> = findings
            .iter()
            .map(|f| {
                AwsSecurityFindingIdentifier::builder()
                    .id(&f.id)
                    .product_arn(&f.product_arn)
                    .build()
            })
            .collect();
        let (client, identifiers) = (&self.client, &identifiers);
        let output = with_retries(&self.policy, || async move {
            client
                .batch_update_findings()
                .set_finding_identifiers(Some(identifiers.clone()))
                .set_note(note.cloned())
                .set_workflow(workflow.cloned())
                .send()
                .await
                .or_port_error(UPDATE_OPERATION)
        })
        .await?;
        tracing::info!(
            operation = UPDATE_OPERATION,
            request_id = output.request_id().unwrap_or(""),
            processed = output.processed_findings().len(),
            unprocessed = output.unprocessed_findings().len(),
            "findings updated"
        );
        Ok(output
            .unprocessed_findings()
            .iter()
            .map(|u| {
                let code = u.error_code().unwrap_or("Unknown");
                Refusal {
                    id: u
                        .finding_identifier()
                        .and_then(|f| f.id())
                        .unwrap_or_default()
                        .to_owned(),
                    code: code.to_owned(),
                    message: u.error_message().unwrap_or_default().to_owned(),
                    retryable: failure_kind(Some(code), None).is_retryable(),
                }
            })
            .collect())
    }
}

impl FindingsWorkflow for SecurityHubWorkflow {
    async fn update(&self, update: &FindingUpdate) -> Result<Delivery, PortError> {
        let note = (!update.note.trim().is_empty()).then(|| {
            NoteUpdate::builder()
                .text(truncate_with_ellipsis(&update.note, MAX_NOTE_CHARS))
                .updated_by(&update.updated_by)
                .build()
        });
        let workflow = update.workflow_status.as_deref().map(|s| {
            WorkflowUpdate::builder()
                .status(WorkflowStatus::from(s))
                .build()
        });
        if update.findings.is_empty() {
            return Ok(Delivery::default());
        }
        if note.is_none() && workflow.is_none() {
            return Err(PortError::new(
                UPDATE_OPERATION,
                FailureKind::Invalid,
                None,
                "nothing to update: the note is empty and no workflow status is given",
            ));
        }
        let mut delivery = Delivery::default();
        for chunk in update.findings.chunks(MAX_FINDINGS_PER_UPDATE) {
            let done = deliver(
                &self.policy,
                UPDATE_OPERATION,
                chunk.to_vec(),
                |f| f.id.clone(),
                |batch| self.call(batch, note.as_ref(), workflow.as_ref()),
            )
            .await?;
            delivery.delivered += done.delivered;
            delivery.failed.extend(done.failed);
        }
        Ok(delivery)
    }
}
