//! Security Hub answers moto cannot give: throttling, 5xx, partial `FailedFindings`,
//! AccessDenied, and `BatchUpdateFindings` (missing in moto). Bodies follow the Security Hub API
//! reference (`BatchImportFindings`, `BatchUpdateFindings` response syntax, common errors).

use crate::support::*;
use aws_sdk_securityhub::Client;
use aws_smithy_mocks::mock;
use sidewatch_aws::{RetryPolicy, SecurityHubPublisher, SecurityHubWorkflow};
use sidewatch_core::ports::{
    FailureKind, FindingRef, FindingUpdate, FindingsSink, FindingsWorkflow,
};
use std::sync::{Arc, Mutex};

/// The ids of every `BatchImportFindings` request, in order.
type Requests = Arc<Mutex<Vec<Vec<String>>>>;

/// What one BatchUpdateFindings call asked for: finding ids, note text, note author, workflow status.
struct SentUpdate(Vec<String>, Option<String>, Option<String>, Option<String>);

fn import_rule() -> (
    aws_smithy_mocks::RuleBuilder<
        aws_sdk_securityhub::operation::batch_import_findings::BatchImportFindingsInput,
        aws_sdk_securityhub::operation::batch_import_findings::BatchImportFindingsOutput,
        aws_sdk_securityhub::operation::batch_import_findings::BatchImportFindingsError,
    >,
    Requests,
) {
    let requests: Requests = Arc::default();
    let seen = requests.clone();
    let rule = mock!(Client::batch_import_findings).match_requests(move |input| {
        let ids = input
            .findings()
            .iter()
            .map(|f| f.id().unwrap_or_default().to_owned())
            .collect();
        seen.lock().unwrap().push(ids);
        true
    });
    (rule, requests)
}

fn accepted_all() -> aws_smithy_runtime_api::client::orchestrator::HttpResponse {
    // The SDK's counts are not what the adapter trusts: FailedFindings is.
    securityhub_ok(r#"{"FailedCount":0,"SuccessCount":100,"FailedFindings":[]}"#)
}

async fn publisher(rules: &[&aws_smithy_mocks::Rule]) -> SecurityHubPublisher {
    SecurityHubPublisher::new(&securityhub(rules).await).with_retry_policy(RetryPolicy::fast(4))
}

#[tokio::test]
async fn throttling_then_success_is_retried_and_delivered() {
    let (rule, requests) = import_rule();
    let rule = rule
        .sequence()
        .http_response(|| securityhub_error(429, "TooManyRequestsException", "Rate exceeded"))
        .times(2)
        .http_response(accepted_all)
        .build();
    let delivery = publisher(&[&rule])
        .await
        .import(real_findings(5))
        .await
        .unwrap();
    assert_eq!(delivery.delivered, 5);
    assert!(delivery.is_complete());
    assert_eq!(requests.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn throttling_forever_is_a_retryable_error_after_the_policy() {
    let (rule, requests) = import_rule();
    let rule = rule
        .sequence()
        .http_response(|| securityhub_error(429, "LimitExceededException", "Rate exceeded"))
        .repeatedly()
        .build();
    let error = publisher(&[&rule])
        .await
        .import(real_findings(3))
        .await
        .unwrap_err();
    assert_eq!(error.kind, FailureKind::Throttled);
    assert!(error.is_retryable());
    assert_eq!(error.code.as_deref(), Some("LimitExceededException"));
    assert_eq!(error.operation, "securityhub:BatchImportFindings");
    assert_eq!(
        requests.lock().unwrap().len(),
        4,
        "the policy's 4 attempts, no more"
    );
}

#[tokio::test]
async fn server_errors_are_retried() {
    let (rule, requests) = import_rule();
    let rule = rule
        .sequence()
        .http_response(|| securityhub_error(500, "InternalException", "Internal service failure"))
        .http_response(|| securityhub_error(503, "ServiceUnavailableException", "unavailable"))
        .http_response(accepted_all)
        .build();
    let delivery = publisher(&[&rule])
        .await
        .import(real_findings(2))
        .await
        .unwrap();
    assert_eq!(delivery.delivered, 2);
    assert_eq!(requests.lock().unwrap().len(), 3);

    let (rule, _) = import_rule();
    let rule = rule
        .sequence()
        .http_response(|| securityhub_error(500, "InternalException", "Internal service failure"))
        .repeatedly()
        .build();
    let error = publisher(&[&rule])
        .await
        .import(real_findings(2))
        .await
        .unwrap_err();
    assert_eq!(error.kind, FailureKind::Unavailable);
}

#[tokio::test]
async fn access_denied_is_final_and_not_retried() {
    let (rule, requests) = import_rule();
    let rule = rule
        .sequence()
        .http_response(|| {
            securityhub_error(
                403,
                "AccessDeniedException",
                "User is not authorized to perform: securityhub:BatchImportFindings",
            )
        })
        .repeatedly()
        .build();
    let error = publisher(&[&rule])
        .await
        .import(real_findings(2))
        .await
        .unwrap_err();
    assert_eq!(error.kind, FailureKind::AccessDenied);
    assert!(!error.is_retryable());
    assert!(error.message.contains("not authorized"), "{error}");
    assert_eq!(requests.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn failed_findings_retryable_ones_are_resent_and_nothing_is_dropped() {
    let findings = real_findings(5);
    let (retryable, invalid) = (findings[1].id.clone(), findings[3].id.clone());
    let (rule, requests) = import_rule();
    let first = format!(
        r#"{{"FailedCount":2,"SuccessCount":3,"FailedFindings":[
            {{"Id":"{retryable}","ErrorCode":"InternalException","ErrorMessage":"Internal service failure"}},
            {{"Id":"{invalid}","ErrorCode":"InvalidInput","ErrorMessage":"Finding does not adhere to the ASFF"}}]}}"#
    );
    let rule = rule
        .sequence()
        .http_response(move || securityhub_ok(&first))
        .http_response(accepted_all)
        .build();
    let delivery = publisher(&[&rule])
        .await
        .import(findings.clone())
        .await
        .unwrap();
    assert_eq!(delivery.delivered, 4);
    assert_eq!(delivery.failed.len(), 1);
    assert_eq!(delivery.failed[0].id, invalid);
    assert_eq!(delivery.failed[0].code, "InvalidInput");
    assert_eq!(delivery.delivered + delivery.failed.len(), findings.len());
    let requests = requests.lock().unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[1],
        vec![retryable],
        "only the retryable finding is re-sent"
    );
}

#[tokio::test]
async fn no_request_carries_more_than_100_findings() {
    let (rule, requests) = import_rule();
    let rule = rule
        .sequence()
        .http_response(accepted_all)
        .repeatedly()
        .build();
    let delivery = publisher(&[&rule])
        .await
        .import(real_findings(250))
        .await
        .unwrap();
    assert_eq!(delivery.delivered, 250);
    let sizes: Vec<usize> = requests.lock().unwrap().iter().map(Vec::len).collect();
    assert_eq!(sizes, [100, 100, 50]);

    // A smaller configured batch size is respected too.
    let (rule, requests) = import_rule();
    let rule = rule
        .sequence()
        .http_response(accepted_all)
        .repeatedly()
        .build();
    publisher(&[&rule])
        .await
        .with_max_findings_per_call(7)
        .import(real_findings(20))
        .await
        .unwrap();
    assert!(requests.lock().unwrap().iter().all(|r| r.len() <= 7));
}

#[tokio::test]
async fn an_invalid_finding_is_reported_not_sent() {
    let mut findings = real_findings(3);
    findings[0].title = " ".into();
    let bad = findings[0].id.clone();
    let (rule, requests) = import_rule();
    let rule = rule
        .sequence()
        .http_response(accepted_all)
        .repeatedly()
        .build();
    let delivery = publisher(&[&rule]).await.import(findings).await.unwrap();
    assert_eq!(delivery.delivered, 2);
    assert_eq!(delivery.failed.len(), 1);
    assert_eq!(delivery.failed[0].id, bad);
    assert_eq!(delivery.failed[0].code, "InvalidFinding");
    assert!(!requests.lock().unwrap().concat().contains(&bad));
}

#[tokio::test]
async fn batch_update_findings_reports_unprocessed_findings() {
    let product = product_arn();
    let refs: Vec<FindingRef> = ["f-1", "f-2", "f-3"]
        .iter()
        .map(|id| FindingRef {
            id: (*id).into(),
            product_arn: product.clone(),
        })
        .collect();
    let sent: Arc<Mutex<Vec<SentUpdate>>> = Arc::default();
    let seen = sent.clone();
    let body = format!(
        r#"{{"ProcessedFindings":[{{"Id":"f-1","ProductArn":"{product}"}},{{"Id":"f-3","ProductArn":"{product}"}}],
            "UnprocessedFindings":[{{"FindingIdentifier":{{"Id":"f-2","ProductArn":"{product}"}},
              "ErrorCode":"FindingNotFound","ErrorMessage":"Finding not found"}}]}}"#
    );
    let rule = mock!(Client::batch_update_findings)
        .match_requests(move |input| {
            seen.lock().unwrap().push(SentUpdate(
                input
                    .finding_identifiers()
                    .iter()
                    .map(|f| f.id().unwrap_or_default().to_owned())
                    .collect(),
                input.note().and_then(|n| n.text()).map(str::to_owned),
                input.note().and_then(|n| n.updated_by()).map(str::to_owned),
                input
                    .workflow()
                    .and_then(|w| w.status())
                    .map(|s| s.as_str().to_owned()),
            ));
            true
        })
        .sequence()
        .http_response(move || securityhub_ok(&body))
        .repeatedly()
        .build();
    let workflow = SecurityHubWorkflow::new(&securityhub(&[&rule]).await)
        .with_retry_policy(RetryPolicy::fast(3));
    let long_note = "x".repeat(600);
    let delivery = workflow
        .update(&FindingUpdate {
            findings: refs,
            note: long_note,
            updated_by: "sidewatch-remediate".into(),
            workflow_status: Some("NOTIFIED".into()),
        })
        .await
        .unwrap();
    assert_eq!(delivery.delivered, 2);
    assert_eq!(delivery.failed.len(), 1);
    assert_eq!(delivery.failed[0].id, "f-2");
    assert_eq!(delivery.failed[0].code, "FindingNotFound");
    let sent = sent.lock().unwrap();
    assert_eq!(sent.len(), 1, "FindingNotFound is final: not re-sent");
    let SentUpdate(ids, text, by, status) = &sent[0];
    assert_eq!(ids, &["f-1", "f-2", "f-3"]);
    assert!(text.as_ref().unwrap().chars().count() <= 512);
    assert_eq!(by.as_deref(), Some("sidewatch-remediate"));
    assert_eq!(status.as_deref(), Some("NOTIFIED"));
}

#[tokio::test]
async fn batch_update_findings_throttling_is_retried() {
    let product = product_arn();
    let body = format!(
        r#"{{"ProcessedFindings":[{{"Id":"f-1","ProductArn":"{product}"}}],"UnprocessedFindings":[]}}"#
    );
    let rule = mock!(Client::batch_update_findings)
        .sequence()
        .http_response(|| securityhub_error(429, "TooManyRequestsException", "Rate exceeded"))
        .http_response(move || securityhub_ok(&body))
        .build();
    let delivery = SecurityHubWorkflow::new(&securityhub(&[&rule]).await)
        .with_retry_policy(RetryPolicy::fast(3))
        .update(&FindingUpdate {
            findings: vec![FindingRef {
                id: "f-1".into(),
                product_arn: product,
            }],
            note: "dry-run: would enable the bucket's public access block".into(),
            updated_by: "sidewatch".into(),
            workflow_status: None,
        })
        .await
        .unwrap();
    assert_eq!(delivery.delivered, 1);
    assert!(delivery.is_complete());
    assert!(rule.is_exhausted());
}
