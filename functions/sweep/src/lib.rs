//! The sweep function's adapters: the AWS adapters of `sidewatch-aws` as the ports the sweep
//! handler of `sidewatch-lambda` declares (neither crate depends on the other, so the glue lives
//! here, next to the binary, where tests can reach it too).

use sidewatch_aws::recorder::ConfigRecorders;
use sidewatch_aws::{Inventory, SqsSweepQueue};
use sidewatch_core::evidence::shapes::ConfigRecorder;
use sidewatch_core::ports::{Delivery, PortError};
use sidewatch_lambda::sweep::unrecorded::{
    CollectFailure, Collected, InventorySource, RecorderSource,
};
use sidewatch_lambda::sweep::{QueueEntry, SweepQueue};
use std::future::Future;

/// The SQS adapter as the sweep's queue port.
#[derive(Debug)]
pub struct Queue(pub SqsSweepQueue);

impl SweepQueue for Queue {
    fn send_batch(
        &self,
        entries: Vec<QueueEntry>,
    ) -> impl Future<Output = Result<Delivery, PortError>> + Send {
        self.0
            .send_batch(entries.into_iter().map(|e| (e.id, e.body)).collect())
    }
}

/// The Config recorder reader as the sweep's recorder port.
#[derive(Debug, Clone)]
pub struct Recorders(pub ConfigRecorders);

impl RecorderSource for Recorders {
    fn recorders(&self) -> impl Future<Output = Result<Vec<ConfigRecorder>, PortError>> + Send {
        self.0.recorders()
    }
}

/// The inventory as the sweep's inventory port: one type in one Region per call.
#[derive(Debug, Clone)]
pub struct Collector(pub Inventory);

impl InventorySource for Collector {
    fn resource_types(&self) -> Vec<String> {
        Inventory::resource_types()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    async fn collect(&self, resource_type: &str, region: &str) -> Collected {
        let (items, report) = self
            .0
            .collect_all(&[resource_type], &[region.to_owned()])
            .await;
        Collected {
            items,
            // A failure without a resource (a listing, or the account lookup) makes the
            // collection incomplete: the handler then archives nothing.
            failures: report
                .failures
                .into_iter()
                .map(|f| CollectFailure {
                    resource_id: f.resource_id,
                    error: f.error,
                })
                .collect(),
        }
    }
}
