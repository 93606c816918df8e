//! [`ConfigReporter`]: the [`EvaluationsSink`] that reports evaluations to AWS Config with
//! `config:PutEvaluations`.
//!
//! Evaluations go in calls of at most 100 (the core's
//! [`batches`](sidewatch_core::doors::evaluations::batches)); whole calls are retried on
//! throttling and 5xx. `FailedEvaluations` carry no error code (the API returns only the
//! evaluations themselves), so every failed evaluation is treated as retryable and sent again while
//! the [`RetryPolicy`] allows; what is still refused is reported in `Delivery.failed` with code
//! [`FAILED_EVALUATION_CODE`] and id `<resource type>/<resource id>`.

use crate::error::PortResultExt;
use crate::retry::{
    Refusal, RetryPolicy, adapter_basics, deliver, with_retries, without_sdk_retries,
};
use aws_sdk_config::operation::RequestId;
use aws_sdk_config::types::{ComplianceType, Evaluation};
use aws_smithy_types::DateTime;
use sidewatch_core::doors::evaluations::{ConfigEvaluation, batches};
use sidewatch_core::ports::{Delivery, EvaluationsSink, FailureKind, PortError};

/// The operation name in errors and logs.
pub const PUT_OPERATION: &str = "config:PutEvaluations";

/// The code reported for an evaluation Config listed in `FailedEvaluations`.
pub const FAILED_EVALUATION_CODE: &str = "FailedEvaluation";

/// The result token Config expects in test mode when the caller has none.
pub const TEST_MODE_TOKEN: &str = "TESTMODE";

/// Reports evaluations to AWS Config. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ConfigReporter {
    client: aws_sdk_config::Client,
    policy: RetryPolicy,
}

adapter_basics!(ConfigReporter, aws_sdk_config);

impl ConfigReporter {
    /// A reporter calling through `client` (SDK retries off: the [`RetryPolicy`] decides).
    pub fn new(client: &aws_sdk_config::Client) -> Self {
        ConfigReporter {
            client: without_sdk_retries!(aws_sdk_config, client),
            policy: RetryPolicy::default(),
        }
    }

    /// One `PutEvaluations` call (retried as a whole); the evaluations Config did not record.
    async fn call(
        &self,
        token: &str,
        evaluations: Vec<ConfigEvaluation>,
        test_mode: bool,
    ) -> Result<Vec<Refusal>, PortError> {
        let sdk = evaluations
            .iter()
            .map(to_sdk)
            .collect::<Result<Vec<_>, _>>()?;
        let (client, sdk) = (&self.client, &sdk);
        let output = with_retries(&self.policy, || async move {
            client
                .put_evaluations()
                .result_token(token)
                .set_evaluations(Some(sdk.clone()))
                .test_mode(test_mode)
                .send()
                .await
                .or_port_error(PUT_OPERATION)
        })
        .await?;
        tracing::info!(
            operation = PUT_OPERATION,
            request_id = output.request_id().unwrap_or(""),
            sent = sdk.len(),
            failed = output.failed_evaluations().len(),
            test_mode,
            "evaluations put"
        );
        Ok(output
            .failed_evaluations()
            .iter()
            .map(|e| Refusal {
                id: evaluation_id(e.compliance_resource_type(), e.compliance_resource_id()),
                code: FAILED_EVALUATION_CODE.to_owned(),
                message: "AWS Config listed the evaluation in FailedEvaluations".to_owned(),
                retryable: true,
            })
            .collect())
    }
}

/// `<resource type>/<resource id>`: how an evaluation is named in `Delivery.failed`.
pub fn evaluation_id(resource_type: &str, resource_id: &str) -> String {
    format!("{resource_type}/{resource_id}")
}

/// The evaluation as the SDK sends it.
pub fn to_sdk(evaluation: &ConfigEvaluation) -> Result<Evaluation, PortError> {
    let ts = evaluation.ordering_timestamp;
    let nanos = u32::try_from(ts.unix_timestamp_nanos().rem_euclid(1_000_000_000)).unwrap_or(0);
    Evaluation::builder()
        .compliance_resource_type(&evaluation.compliance_resource_type)
        .compliance_resource_id(&evaluation.compliance_resource_id)
        .compliance_type(ComplianceType::from(evaluation.compliance_type.as_str()))
        .annotation(&evaluation.annotation)
        .ordering_timestamp(DateTime::from_secs_and_nanos(ts.unix_timestamp(), nanos))
        .build()
        .map_err(|e| PortError::new(PUT_OPERATION, FailureKind::Invalid, None, e.to_string()))
}

impl EvaluationsSink for ConfigReporter {
    async fn put_evaluations(
        &self,
        result_token: &str,
        evaluations: Vec<ConfigEvaluation>,
        test_mode: bool,
    ) -> Result<Delivery, PortError> {
        let token = match result_token.trim() {
            "" if test_mode => TEST_MODE_TOKEN,
            "" => {
                return Err(PortError::new(
                    PUT_OPERATION,
                    FailureKind::Invalid,
                    None,
                    "no result token: PutEvaluations needs the resultToken of the Config rule event",
                ));
            }
            token => token,
        };
        let mut delivery = Delivery::default();
        for batch in batches(evaluations) {
            let done = deliver(
                &self.policy,
                PUT_OPERATION,
                batch,
                |e| evaluation_id(&e.compliance_resource_type, &e.compliance_resource_id),
                |batch| self.call(token, batch, test_mode),
            )
            .await?;
            delivery.delivered += done.delivered;
            delivery.failed.extend(done.failed);
        }
        Ok(delivery)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sidewatch_core::ComplianceType as Core;
    use time::macros::datetime;

    #[test]
    fn evaluations_keep_every_field_and_the_sub_second_time() {
        let evaluation = ConfigEvaluation {
            compliance_resource_type: "AWS::S3::Bucket".into(),
            compliance_resource_id: "b".into(),
            compliance_type: Core::NonCompliant,
            annotation: "S3.8 failed: x".into(),
            ordering_timestamp: datetime!(2024-06-01 10:00:00.250 UTC),
        };
        let sdk = to_sdk(&evaluation).unwrap();
        assert_eq!(sdk.compliance_resource_type(), "AWS::S3::Bucket");
        assert_eq!(sdk.compliance_resource_id(), "b");
        assert_eq!(sdk.compliance_type().as_str(), "NON_COMPLIANT");
        assert_eq!(sdk.annotation(), Some("S3.8 failed: x"));
        assert_eq!(sdk.ordering_timestamp().secs(), 1_717_236_000);
        assert_eq!(sdk.ordering_timestamp().subsec_nanos(), 250_000_000);
    }
}
