//! `sidewatch-sweep`: the scheduled reconciliation. The schedule's event queues the resources to
//! sweep; the SQS batches of the sweep queue are evaluated and reconciled with Security Hub
//! ([`sidewatch_lambda::sweep::handle`] tells them apart). Settings and AWS clients are built once
//! per container.

use sidewatch_aws::{
    AwsClients, ClientOptions, ConfigItems, EvidenceCollector, SecurityHubFindings,
    SecurityHubPublisher, SqsSweepQueue,
};
use sidewatch_core::ports::{Delivery, PortError};
use sidewatch_lambda::Ports;
use sidewatch_lambda::runtime::Container;
use sidewatch_lambda::sweep::{self, QueueEntry, SweepQueue};
use std::future::Future;

/// The SQS adapter as the sweep's queue port.
#[derive(Debug)]
struct Queue(SqsSweepQueue);

impl SweepQueue for Queue {
    fn send_batch(
        &self,
        entries: Vec<QueueEntry>,
    ) -> impl Future<Output = Result<Delivery, PortError>> + Send {
        self.0
            .send_batch(entries.into_iter().map(|e| (e.id, e.body)).collect())
    }
}

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    let container = Container::from_env()?;
    let queue_url = container.settings.require_sweep_queue_url()?.to_owned();
    let sdk = ClientOptions::from_env().load().await;
    let clients = AwsClients::new(&sdk);
    let securityhub = aws_sdk_securityhub::Client::new(&sdk);
    let ports = &Ports {
        findings: SecurityHubPublisher::new(&securityhub),
        stored: SecurityHubFindings::new(&securityhub),
        evaluations: (),
        items: ConfigItems::new(&clients.config),
        evidence: EvidenceCollector::new(clients),
        queue: Queue(SqsSweepQueue::new(
            aws_sdk_sqs::Client::new(&sdk),
            queue_url,
        )),
    };
    let inv = container.invocation();
    container
        .serve("sweep", move |event| {
            // Boxed: the handler futures nest deeply enough to pass the compiler's layout
            // query depth in `main`.
            Box::pin(async move {
                let outcome = sweep::handle(inv, ports, event).await?;
                Ok((outcome.to_value(), outcome.metrics()))
            })
        })
        .await
}
