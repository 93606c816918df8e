//! `sidewatch-remediate`: the Lambda entry point. Reads the environment once, builds the clients
//! once, then hands every event to [`Remediator::handle`]. An invocation with a failure returns an
//! error, so Lambda retries it (and finally keeps it in the dead-letter queue).

use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::Value;
use sidewatch_aws::remediate::RemediationClients;
use sidewatch_aws::{ClientOptions, SecurityHubPublisher, SecurityHubWorkflow};
use sidewatch_remediate::{Remediator, Settings, account_of_function_arn};
use std::sync::Arc;
use tokio::sync::OnceCell;

type Handler = Remediator<
    RemediationClients,
    RemediationClients,
    SecurityHubWorkflow,
    SecurityHubPublisher,
    RemediationClients,
>;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_current_span(false)
        .without_time()
        .init();
    let sdk = ClientOptions::from_env().load().await;
    let handler: Arc<OnceCell<Handler>> = Arc::new(OnceCell::new());
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let handler = Arc::clone(&handler);
        let sdk = sdk.clone();
        async move {
            // The account is the function's own, from its ARN (known at the first invocation).
            let handler = handler
                .get_or_try_init(|| async {
                    let account = account_of_function_arn(&event.context.invoked_function_arn)
                        .ok_or("the function ARN names no account")?
                        .to_owned();
                    let region = sdk.region().map(|r| r.to_string()).unwrap_or_default();
                    let settings =
                        Settings::from_env(|k| std::env::var(k).ok(), &account, &region)?;
                    let clients = RemediationClients::new(&sdk, &account)
                        .with_audit_bucket(settings.audit_bucket.clone());
                    Ok::<Handler, Error>(Remediator {
                        config: settings.remediation,
                        live: clients.clone(),
                        executor: clients.clone(),
                        workflow: SecurityHubWorkflow::from_sdk_config(&sdk),
                        // No re-import after a fix: the role has no BatchImportFindings (least
                        // privilege); the change event of the fixed resource updates the finding.
                        sink: None,
                        audit: settings.audit_bucket.is_some().then_some(clients),
                    })
                })
                .await?;
            let report = handler
                .handle(&event.payload, time::OffsetDateTime::now_utc())
                .await;
            if report.failures.is_empty() {
                Ok(report.summary())
            } else {
                Err(Error::from(report.failures.join("; ")))
            }
        }
    }))
    .await
}
