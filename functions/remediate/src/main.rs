//! `sidewatch-remediate`: the Lambda entry point. Reads the environment once, builds the clients
//! once, then hands every event to [`Remediator::handle`]. An invocation with a failure returns an
//! error, so Lambda retries it (and finally keeps it in the dead-letter queue).

use lambda_runtime::{Diagnostic, Error, LambdaEvent, service_fn};
use serde_json::Value;
use sidewatch_aws::remediate::RemediationClients;
use sidewatch_aws::{ClientOptions, SecurityHubPublisher, SecurityHubWorkflow, StsIdentity};
use sidewatch_core::ports::CallerIdentity;
use sidewatch_remediate::{RemediationAdapters, Remediator, Settings, account_of_function_arn};
use std::sync::Arc;
use tokio::sync::OnceCell;

type Handler = Remediator<
    RemediationAdapters<
        RemediationClients,
        RemediationClients,
        SecurityHubWorkflow,
        SecurityHubPublisher,
        RemediationClients,
    >,
>;

#[tokio::main]
async fn main() -> Result<(), Error> {
    // The functions' shared JSON logs (crates/lambda), like the other three.
    sidewatch_lambda::logging::init();
    let sdk = ClientOptions::from_env().load().await;
    let handler: Arc<OnceCell<Handler>> = Arc::new(OnceCell::new());
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let handler = Arc::clone(&handler);
        let sdk = sdk.clone();
        async move {
            // The account is the function's own, from its ARN (known at the first invocation).
            let handler = handler
                .get_or_try_init(|| async {
                    // Lambda always sends the function's ARN; a local emulator sends a
                    // placeholder, and then the credentials' account is asked of STS.
                    let arn = &event.context.invoked_function_arn;
                    let account = match account_of_function_arn(arn) {
                        Some(account) => account.to_owned(),
                        None => StsIdentity::new(&sdk).account().await.map_err(|e| {
                            failure(
                                "InvalidContext",
                                format!(
                                    "the invocation's function ARN '{arn}' names no account and \
                                     STS did not say either ({e}); the function must know its \
                                     own account to refuse other accounts' findings"
                                ),
                            )
                        })?,
                    };
                    let region = sdk.region().map(|r| r.to_string()).unwrap_or_default();
                    let settings = Settings::from_env(|k| std::env::var(k).ok(), &account, &region)
                        .map_err(|e| {
                            failure(
                                "InvalidSettings",
                                format!("{e}; fix the function's environment in the stack"),
                            )
                        })?;
                    let clients = RemediationClients::new(&sdk, &account)
                        .with_audit_bucket(settings.audit_bucket.clone());
                    Ok::<Handler, Diagnostic>(Remediator {
                        config: settings.remediation,
                        ports: RemediationAdapters {
                            live: clients.clone(),
                            executor: clients.clone(),
                            workflow: SecurityHubWorkflow::from_sdk_config(&sdk),
                            // After an applied fix the resource is re-read and its finding re-imported
                            // (PASSED on the same Id), so Security Hub resolves it without waiting
                            // for Config's change event.
                            sink: Some(SecurityHubPublisher::from_sdk_config(&sdk)),
                            audit: settings.audit_bucket.is_some().then_some(clients),
                        },
                    })
                })
                .await?;
            let started = std::time::Instant::now();
            let now = time::OffsetDateTime::now_utc();
            let report = handler.handle(&event.payload, now).await;
            // One EMF line per invocation, as every sidewatch function writes.
            let metrics = sidewatch_lambda::Metrics {
                evaluations: report.reevaluations.len() as u64,
                failures: report.failures.len() as u64,
                ..sidewatch_lambda::Metrics::default()
            };
            let millis = i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX);
            metrics.emit("remediate", started.elapsed(), millis);
            if report.failures.is_empty() {
                Ok(report.summary())
            } else {
                Err(failure(
                    "RemediationIncomplete",
                    format!(
                        "{} failure(s) after acting on the rest: {}. Lambda retries the event \
                         (every action is idempotent) and the dead-letter queue keeps it; if it \
                         persists, check the remediation role's permissions",
                        report.failures.len(),
                        report.failures.join("; ")
                    ),
                ))
            }
        }
    }))
    .await
}

/// A failed invocation as Lambda reports it: a short, stable `errorType` and what to do; logged
/// the same way.
fn failure(error_type: &str, message: String) -> Diagnostic {
    tracing::error!(error_type, "{message}");
    Diagnostic {
        error_type: error_type.to_owned(),
        error_message: message,
    }
}
