//! `sidewatch-sweep`: the scheduled reconciliation. The schedule's event reads the Config
//! recorder and queues the resources of the recorded types, plus one "collect" message per type
//! Config does not record; the SQS batches of the sweep queue are evaluated and reconciled with
//! Security Hub ([`sidewatch_lambda::sweep::handle`] tells them apart). Settings and AWS clients
//! are built once per container.

use sidewatch_aws::ConfigRecorders;
use sidewatch_aws::{
    AwsClients, ClientOptions, CloudTrailChanges, ConfigItems, EvidenceCollector, Inventory,
    S3RulesStore, SecurityHubFindings, SecurityHubPublisher, SecurityHubWorkflow, SqsSweepQueue,
    StsIdentity,
};
use sidewatch_lambda::Ports;
use sidewatch_lambda::runtime::Container;
use sidewatch_lambda::sweep;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    let settings = Container::settings_from_env()?;
    let queue_url = settings.require_sweep_queue_url()?.to_owned();
    let sdk = ClientOptions::from_env().load().await;
    // The user's rules and exceptions, read once per cold start.
    let rules = settings
        .rules_location
        .as_ref()
        .map(|l| S3RulesStore::new(&sdk, l));
    let container = Container::load(settings, rules.as_ref()).await?;
    let clients = AwsClients::new(&sdk);
    let changes = CloudTrailChanges::new(&clients.cloudtrail);
    let securityhub = aws_sdk_securityhub::Client::new(&sdk);
    let recorder_client = clients.config.clone();
    let ports = &Ports {
        findings: SecurityHubPublisher::new(&securityhub),
        stored: SecurityHubFindings::new(&securityhub),
        evaluations: (),
        items: ConfigItems::new(&clients.config),
        evidence: EvidenceCollector::new(clients),
        queue: SqsSweepQueue::new(aws_sdk_sqs::Client::new(&sdk), queue_url),
        recorders: ConfigRecorders::new(&recorder_client),
        inventory: Inventory::new(sdk.clone()),
        changes,
        workflow: SecurityHubWorkflow::new(&securityhub),
    };
    let container = &container;
    container
        .serve("sweep", &StsIdentity::new(&sdk), move |event, account| {
            // Boxed: the handler futures nest deeply enough to pass the compiler's layout
            // query depth in `main`.
            Box::pin(async move {
                let inv = container.invocation(&account);
                let outcome = sweep::handle(inv, ports, event).await?;
                Ok((outcome.to_value(), outcome.metrics()))
            })
        })
        .await
}
