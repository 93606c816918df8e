//! `sidewatch-events`: the EventBridge door (Config configuration item changes, AWS API calls
//! recorded by CloudTrail, schedules). Reads its settings and builds the AWS clients once per
//! container, then hands every event to [`sidewatch_lambda::events::handle`].

use sidewatch_aws::{
    AwsClients, ClientOptions, CloudTrailChanges, ConfigItems, EvidenceCollector,
    SecurityHubPublisher, StsIdentity,
};
use sidewatch_lambda::runtime::Container;
use sidewatch_lambda::{Ports, events};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    let container = Container::from_env()?;
    let sdk = ClientOptions::from_env().load().await;
    let clients = AwsClients::new(&sdk);
    let changes = CloudTrailChanges::new(&clients.cloudtrail);
    let securityhub = aws_sdk_securityhub::Client::new(&sdk);
    let ports = &Ports {
        findings: SecurityHubPublisher::new(&securityhub),
        stored: (),
        evaluations: (),
        items: ConfigItems::new(&clients.config),
        evidence: EvidenceCollector::new(clients),
        queue: (),
        recorders: (),
        inventory: (),
        changes,
    };
    let container = &container;
    container
        .serve("events", &StsIdentity::new(&sdk), move |event, account| {
            // Boxed: the handler futures nest deeply enough to pass the compiler's layout
            // query depth in `main`.
            Box::pin(async move {
                let inv = container.invocation(&account);
                let metrics = events::handle(inv, ports, event).await?;
                Ok((
                    serde_json::json!({"evaluations": metrics.evaluations}),
                    metrics,
                ))
            })
        })
        .await
}
