//! In-memory ports.

use sidewatch_core::actor::Actor;
use sidewatch_core::doors::evaluations::ConfigEvaluation;
use sidewatch_core::ports::{
    ChangeSource, Delivery, EvaluationsSink, EvidenceSource, FailureKind, FindingUpdate,
    FindingsQuery, FindingsSink, FindingsSource, FindingsWorkflow, ItemBatch, ItemFailure,
    ItemSource, PortError, QueueEntry, ResourceKey, StoredFinding, SweepQueue,
};
use sidewatch_core::{ConfigurationItem, EvidenceKind, Finding};
use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;

fn refused(id: &str) -> ItemFailure {
    ItemFailure {
        id: id.to_owned(),
        code: "InvalidInput".into(),
        message: "refused by the fake".into(),
    }
}

fn unavailable(operation: &str) -> PortError {
    PortError::new(
        operation,
        FailureKind::Unavailable,
        Some("ServiceUnavailable".into()),
        "fake outage",
    )
}

/// Security Hub `BatchImportFindings`: keeps what it accepts, refuses the ids in `refuse`.
#[derive(Debug, Default)]
pub struct FakeSink {
    pub imported: Mutex<Vec<Finding>>,
    pub calls: Mutex<usize>,
    pub refuse: HashSet<String>,
}

impl FindingsSink for FakeSink {
    async fn import(&self, findings: Vec<Finding>) -> Result<Delivery, PortError> {
        *self.calls.lock().unwrap() += 1;
        let mut delivery = Delivery::default();
        for finding in findings {
            if self.refuse.contains(&finding.id) {
                delivery.failed.push(refused(&finding.id));
            } else {
                delivery.delivered += 1;
                self.imported.lock().unwrap().push(finding);
            }
        }
        Ok(delivery)
    }
}

/// Security Hub `BatchUpdateFindings`: keeps every update.
#[derive(Debug, Default)]
pub struct FakeWorkflow {
    pub updates: Mutex<Vec<FindingUpdate>>,
}

impl FindingsWorkflow for FakeWorkflow {
    async fn update(&self, update: &FindingUpdate) -> Result<Delivery, PortError> {
        self.updates.lock().unwrap().push(update.clone());
        Ok(Delivery {
            delivered: update.findings.len(),
            failed: Vec::new(),
        })
    }
}

/// Security Hub `GetFindings`: what it was given, or an outage.
#[derive(Debug, Default)]
pub struct FakeStored {
    pub findings: Mutex<Vec<StoredFinding>>,
    pub reads: Mutex<usize>,
    pub fail: bool,
}

impl FindingsSource for FakeStored {
    async fn findings(&self, query: &FindingsQuery) -> Result<Vec<StoredFinding>, PortError> {
        *self.reads.lock().unwrap() += 1;
        if self.fail {
            return Err(unavailable("securityhub:GetFindings"));
        }
        Ok(self
            .findings
            .lock()
            .unwrap()
            .iter()
            .filter(|f| f.product_arn == query.product_arn)
            .filter(|f| !query.active_only || f.record_state == "ACTIVE")
            .cloned()
            .collect())
    }
}

/// What Security Hub holds after importing `findings` (upsert by Id, as Security Hub does).
pub fn store(stored: &FakeStored, findings: &[Finding]) {
    let mut held = stored.findings.lock().unwrap();
    for f in findings {
        held.retain(|s| s.id != f.id);
        held.push(StoredFinding {
            id: f.id.clone(),
            product_arn: f.product_arn.clone(),
            generator_id: f.generator_id.clone(),
            account_id: f.aws_account_id.clone(),
            region: f
                .resources
                .first()
                .and_then(|r| r.region.clone())
                .unwrap_or_default(),
            resource_id: f
                .resources
                .first()
                .map(|r| r.id.clone())
                .unwrap_or_default(),
            compliance_status: Some(f.compliance_status().to_owned()),
            record_state: f.record_state.as_str().to_owned(),
            workflow_status: Some("NEW".into()),
            description: f.description.clone(),
            product_fields: f.product_fields.clone().into_iter().collect(),
            updated_at: f.updated_at.clone(),
        });
    }
}

/// Config `PutEvaluations`: records every call.
#[derive(Debug, Default)]
pub struct FakeEvals {
    pub puts: Mutex<Vec<(String, Vec<ConfigEvaluation>, bool)>>,
}

impl EvaluationsSink for FakeEvals {
    async fn put_evaluations(
        &self,
        result_token: &str,
        evaluations: Vec<ConfigEvaluation>,
        test_mode: bool,
    ) -> Result<Delivery, PortError> {
        let delivered = evaluations.len();
        self.puts
            .lock()
            .unwrap()
            .push((result_token.to_owned(), evaluations, test_mode));
        Ok(Delivery {
            delivered,
            failed: Vec::new(),
        })
    }
}

impl FakeEvals {
    /// Every evaluation put, in order.
    pub fn all(&self) -> Vec<ConfigEvaluation> {
        self.puts
            .lock()
            .unwrap()
            .iter()
            .flat_map(|(_, e, _)| e.clone())
            .collect()
    }
}

/// Config reads: the items it holds (listed unless `unlisted`), or an outage.
#[derive(Debug, Default)]
pub struct FakeItems {
    pub items: Mutex<BTreeMap<ResourceKey, ConfigurationItem>>,
    pub latest_calls: Mutex<Vec<ResourceKey>>,
    pub list_calls: Mutex<Vec<String>>,
    /// `batch_items` calls (BatchGetResourceConfig).
    pub batch_calls: Mutex<usize>,
    pub fail: bool,
    /// Keys `batch_items` reports as unprocessed.
    pub unprocessed: HashSet<ResourceKey>,
}

impl FakeItems {
    pub fn put(&self, item: ConfigurationItem) {
        let key = ResourceKey {
            resource_type: item.resource_type.clone(),
            resource_id: item.resource_id.clone(),
        };
        self.items.lock().unwrap().insert(key, item);
    }

    pub fn remove(&self, resource_type: &str, resource_id: &str) {
        self.items.lock().unwrap().remove(&ResourceKey {
            resource_type: resource_type.into(),
            resource_id: resource_id.into(),
        });
    }
}

impl ItemSource for FakeItems {
    async fn latest_item(&self, key: &ResourceKey) -> Result<Option<ConfigurationItem>, PortError> {
        self.latest_calls.lock().unwrap().push(key.clone());
        if self.fail {
            return Err(unavailable("config:GetResourceConfigHistory"));
        }
        Ok(self.items.lock().unwrap().get(key).cloned())
    }

    async fn list_resources(&self, resource_type: &str) -> Result<Vec<ResourceKey>, PortError> {
        self.list_calls
            .lock()
            .unwrap()
            .push(resource_type.to_owned());
        if self.fail {
            return Err(unavailable("config:ListDiscoveredResources"));
        }
        Ok(self
            .items
            .lock()
            .unwrap()
            .keys()
            .filter(|k| k.resource_type == resource_type)
            .cloned()
            .collect())
    }

    async fn batch_items(&self, keys: &[ResourceKey]) -> Result<ItemBatch, PortError> {
        assert!(
            keys.len() <= 100,
            "BatchGetResourceConfig takes at most 100 keys"
        );
        *self.batch_calls.lock().unwrap() += 1;
        if self.fail {
            return Err(unavailable("config:BatchGetResourceConfig"));
        }
        let held = self.items.lock().unwrap();
        let mut batch = ItemBatch::default();
        for key in keys {
            if self.unprocessed.contains(key) {
                batch.unprocessed.push(key.clone());
            } else if let Some(item) = held.get(key) {
                batch.items.push(item.clone());
            }
        }
        Ok(batch)
    }
}

/// Evidence: records what was asked; stores nothing (controls that need it cannot decide).
#[derive(Debug, Default)]
pub struct FakeEvidence {
    pub asked: Mutex<Vec<(String, Vec<EvidenceKind>)>>,
}

impl EvidenceSource for FakeEvidence {
    async fn collect(&self, item: &mut ConfigurationItem, kinds: &[EvidenceKind]) {
        self.asked
            .lock()
            .unwrap()
            .push((item.resource_id.clone(), kinds.to_vec()));
    }
}

/// The sweep queue: keeps what it accepts, refuses the entry ids in `refuse`.
#[derive(Debug, Default)]
pub struct FakeQueue {
    pub batches: Mutex<Vec<Vec<QueueEntry>>>,
    pub refuse: HashSet<String>,
}

impl SweepQueue for FakeQueue {
    async fn send_batch(&self, entries: Vec<QueueEntry>) -> Result<Delivery, PortError> {
        assert!(
            entries.len() <= 10,
            "SendMessageBatch takes at most 10 entries"
        );
        let mut delivery = Delivery::default();
        let mut kept = Vec::new();
        for entry in entries {
            if self.refuse.contains(&entry.id) {
                delivery.failed.push(refused(&entry.id));
            } else {
                delivery.delivered += 1;
                kept.push(entry);
            }
        }
        self.batches.lock().unwrap().push(kept);
        Ok(delivery)
    }
}

/// CloudTrail's event history: the records it holds by event id (as `LookupEvents` returns them),
/// the ids asked for, or an outage.
#[derive(Debug, Default)]
pub struct FakeChanges {
    pub records: Mutex<BTreeMap<String, String>>,
    pub lookups: Mutex<Vec<String>>,
    pub fail: bool,
}

impl FakeChanges {
    /// Holds `record` (a CloudTrail record) under its `eventID`.
    pub fn put(&self, record: serde_json::Value) {
        let id = record["eventID"].as_str().unwrap().to_owned();
        self.records.lock().unwrap().insert(id, record.to_string());
    }

    /// The event ids looked up so far.
    pub fn looked_up(&self) -> Vec<String> {
        self.lookups.lock().unwrap().clone()
    }
}

impl ChangeSource for FakeChanges {
    async fn change(&self, event_id: &str) -> Result<Option<Actor>, PortError> {
        self.lookups.lock().unwrap().push(event_id.to_owned());
        if self.fail {
            return Err(PortError::new(
                "cloudtrail:LookupEvents",
                FailureKind::Throttled,
                Some("ThrottlingException".into()),
                "Rate exceeded",
            ));
        }
        match self.records.lock().unwrap().get(event_id) {
            Some(record) => Ok(Actor::from_cloudtrail_event(record).unwrap()),
            None => Ok(None),
        }
    }
}
