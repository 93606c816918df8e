//! `PutEvaluations` against moto: it needs a non-empty token and `TestMode=true`, and stores
//! nothing, so this proves the request is one Config accepts.

use crate::support::*;
use sidewatch_aws::{ConfigReporter, RetryPolicy};
use sidewatch_core::ComplianceType;
use sidewatch_core::doors::evaluations::ConfigEvaluation;
use sidewatch_core::ports::EvaluationsSink;
use time::macros::datetime;

#[tokio::test]
async fn put_evaluations_in_test_mode_is_accepted_by_moto() {
    let moto = Moto::start();
    let client = aws_sdk_config::Client::new(&moto.sdk_config().await);
    let evaluations: Vec<ConfigEvaluation> = (0..150)
        .map(|i| ConfigEvaluation {
            compliance_resource_type: "AWS::S3::Bucket".into(),
            compliance_resource_id: format!("bucket-{i}"),
            compliance_type: ComplianceType::NonCompliant,
            annotation: "S3.8 failed: BlockPublicAcls is off".into(),
            ordering_timestamp: datetime!(2024-06-03 06:00 UTC),
        })
        .collect();
    let delivery = ConfigReporter::new(&client)
        .with_retry_policy(RetryPolicy::fast(2))
        .put_evaluations("TESTMODE", evaluations, true)
        .await
        .unwrap();
    assert_eq!(delivery.delivered, 150);
    assert!(delivery.is_complete());
}
