//! `sidewatch-remediate`: the Lambda entry point. Loads the SDK configuration once, builds the
//! handler at the first invocation (its account is the function's own, which the shared runtime
//! knows then), and hands every event to [`Remediator::handle`] through the shared runtime of
//! `crates/lambda`. An invocation with a failure returns `RemediationIncomplete` (or
//! `InvalidSettings`), so Lambda retries it and finally keeps it in the dead-letter queue.

use lambda_runtime::Error;
use sidewatch_aws::remediate::RemediationClients;
use sidewatch_aws::{ClientOptions, SecurityHubPublisher, SecurityHubWorkflow, StsIdentity};
use sidewatch_lambda::common::{HandlerError, ProblemClass};
use sidewatch_lambda::runtime::serve;
use sidewatch_lambda::{Metrics, SystemClock};
use sidewatch_remediate::{RemediationAdapters, Remediator, Settings};
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
    // The functions' shared runtime (crates/lambda): JSON logs, the function's own account (from
    // its ARN, else STS), one EMF line and a stable errorType per invocation.
    sidewatch_lambda::logging::init();
    let sdk = ClientOptions::from_env().load().await;
    let handler: Arc<OnceCell<Handler>> = Arc::new(OnceCell::new());
    let identity = StsIdentity::new(&sdk);
    let (handler, sdk) = (&handler, &sdk);
    serve(
        "remediate",
        &SystemClock,
        &identity,
        move |event, account| {
            Box::pin(async move {
                let handler = handler
                    .get_or_try_init(|| async {
                        let account = account.account();
                        let region = sdk.region().map(|r| r.to_string()).unwrap_or_default();
                        let settings =
                            Settings::from_env(|k| std::env::var(k).ok(), account, &region)
                                .map_err(HandlerError::Settings)?;
                        let clients = RemediationClients::new(sdk, account)
                            .with_audit_bucket(settings.audit_bucket.clone());
                        Ok::<Handler, HandlerError>(Remediator {
                            config: settings.remediation,
                            ports: RemediationAdapters {
                                live: clients.clone(),
                                executor: clients.clone(),
                                workflow: SecurityHubWorkflow::from_sdk_config(sdk),
                                // After an applied fix the resource is re-read and its finding
                                // re-imported (PASSED on the same Id), so Security Hub resolves it
                                // without waiting for Config's change event.
                                sink: Some(SecurityHubPublisher::from_sdk_config(sdk)),
                                audit: settings.audit_bucket.is_some().then_some(clients),
                            },
                        })
                    })
                    .await?;
                let report = handler
                    .handle(&event, time::OffsetDateTime::now_utc())
                    .await;
                let metrics = Metrics {
                    evaluations: report.reevaluations.len() as u64,
                    failures: report.failures.len() as u64,
                    ..Metrics::default()
                };
                if report.failures.is_empty() {
                    Ok((report.summary(), metrics))
                } else {
                    Err(HandlerError::Incomplete {
                        problems: report.failures,
                        class: ProblemClass::RemediationIncomplete,
                        metrics,
                    })
                }
            })
        },
    )
    .await
}
