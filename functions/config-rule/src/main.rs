//! `sidewatch-config-rule`: the AWS Config custom Lambda rule. Reads its settings and builds the
//! AWS clients once per container, then hands every invocation to
//! [`sidewatch_lambda::config_rule::handle`].

use sidewatch_aws::{
    AwsClients, ClientOptions, CloudTrailChanges, ConfigItems, ConfigReporter, EvidenceCollector,
    S3RulesStore, SecurityHubPublisher, SecurityHubWorkflow, StsIdentity,
};
use sidewatch_lambda::runtime::Container;
use sidewatch_lambda::{Ports, config_rule};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    let settings = Container::settings_from_env()?;
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
    let ports = &Ports {
        findings: SecurityHubPublisher::new(&securityhub),
        stored: (),
        evaluations: ConfigReporter::new(&clients.config),
        items: ConfigItems::new(&clients.config),
        evidence: EvidenceCollector::new(clients),
        queue: (),
        recorders: (),
        inventory: (),
        changes,
        workflow: SecurityHubWorkflow::new(&securityhub),
    };
    let container = &container;
    container
        .serve(
            "config-rule",
            &StsIdentity::new(&sdk),
            move |event, account| {
                // Boxed: the handler futures nest deeply enough to pass the compiler's layout
                // query depth in `main`.
                Box::pin(async move {
                    let inv = container.invocation(&account);
                    let metrics = config_rule::handle(inv, ports, event).await?;
                    Ok((
                        serde_json::json!({
                            "evaluations": metrics.evaluations,
                            "foreignAccountRefusals": metrics.foreign_account_refusals,
                        }),
                        metrics,
                    ))
                })
            },
        )
        .await
}
