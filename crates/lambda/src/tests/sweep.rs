use super::events::item_of;
use super::fakes::store;
use super::fakes::{FakeChanges, FakeEvidence, FakeItems, FakeQueue, FakeSink, FakeStored};
use super::{World, fixture};
use crate::sweep::{
    MAX_BATCH_BYTES, SweepMessage, SweepOutcome, needs_import, send_batches, to_import,
};
use serde_json::{Value, json};
use sidewatch_core::ConfigurationItem;
use sidewatch_core::evidence::shapes::ConfigRecorder;
use sidewatch_core::finding::RecordState;
use sidewatch_core::ports::{
    CollectFailure, Collected, FailureKind, InventorySource, PipelinePorts, PortError,
    PublishPorts, QueueEntry, RecorderSource, ResourceKey, SweepPorts,
};
use std::sync::Mutex;

/// The Config recorder: the recorders it describes, or an outage.
#[derive(Debug, Default)]
pub struct FakeRecorders {
    recorders: Vec<ConfigRecorder>,
    fail: bool,
}

impl FakeRecorders {
    /// A recorder recording every type, the global IAM types included.
    pub(super) fn everything() -> Self {
        FakeRecorders {
            recorders: vec![ConfigRecorder {
                name: "default".into(),
                all_supported: true,
                include_global_resource_types: true,
                recording_strategy: Some("ALL_SUPPORTED_RESOURCE_TYPES".into()),
                recording: true,
                ..ConfigRecorder::default()
            }],
            fail: false,
        }
    }

    /// A recorder recording only `types`.
    fn only(types: &[&str]) -> Self {
        FakeRecorders {
            recorders: vec![ConfigRecorder {
                name: "default".into(),
                resource_types: types.iter().map(|t| (*t).to_owned()).collect(),
                recording_strategy: Some("INCLUSION_BY_RESOURCE_TYPES".into()),
                recording: true,
                ..ConfigRecorder::default()
            }],
            fail: false,
        }
    }
}

impl RecorderSource for FakeRecorders {
    async fn recorders(&self) -> Result<Vec<ConfigRecorder>, PortError> {
        if self.fail {
            return Err(PortError::new(
                "config:DescribeConfigurationRecorders",
                FailureKind::Unavailable,
                None,
                "fake outage",
            ));
        }
        Ok(self.recorders.clone())
    }
}

/// The inventory: the items it holds, the failures it reports, the calls it got.
#[derive(Debug, Default)]
pub struct FakeInventory {
    types: Vec<String>,
    items: Mutex<Vec<ConfigurationItem>>,
    failures: Mutex<Vec<CollectFailure>>,
    calls: Mutex<Vec<(String, String)>>,
}

impl FakeInventory {
    fn of(types: &[&str]) -> Self {
        FakeInventory {
            types: types.iter().map(|t| (*t).to_owned()).collect(),
            ..FakeInventory::default()
        }
    }
}

impl InventorySource for FakeInventory {
    fn resource_types(&self) -> Vec<String> {
        self.types.clone()
    }

    async fn collect(&self, resource_type: &str, region: &str) -> Collected {
        self.calls
            .lock()
            .unwrap()
            .push((resource_type.to_owned(), region.to_owned()));
        Collected {
            items: self
                .items
                .lock()
                .unwrap()
                .iter()
                .filter(|i| i.resource_type == resource_type)
                .cloned()
                .collect(),
            failures: self.failures.lock().unwrap().clone(),
        }
    }
}

/// A test's recorder and inventory, beside the world's other ports.
#[derive(Debug, Default)]
pub(super) struct Sources {
    pub recorders: FakeRecorders,
    pub inventory: FakeInventory,
}

/// The world's ports with a test's own recorder and inventory.
struct WithSources<'a> {
    base: &'a super::TestPorts,
    sources: &'a Sources,
}

impl PipelinePorts for WithSources<'_> {
    type Items = FakeItems;
    type Evidence = FakeEvidence;
    type Changes = FakeChanges;
    fn items(&self) -> &FakeItems {
        &self.base.items
    }
    fn evidence(&self) -> &FakeEvidence {
        &self.base.evidence
    }
    fn changes(&self) -> &FakeChanges {
        &self.base.changes
    }
}

impl PublishPorts for WithSources<'_> {
    type Findings = FakeSink;
    fn findings(&self) -> &FakeSink {
        &self.base.findings
    }
}

impl crate::common::WorkflowPorts for WithSources<'_> {
    type Workflow = super::fakes::FakeWorkflow;
    fn workflow(&self) -> &super::fakes::FakeWorkflow {
        &self.base.workflow
    }
}

impl SweepPorts for WithSources<'_> {
    type Stored = FakeStored;
    type Queue = FakeQueue;
    type Recorders = FakeRecorders;
    type Inventory = FakeInventory;
    fn stored(&self) -> &FakeStored {
        &self.base.stored
    }
    fn queue(&self) -> &FakeQueue {
        &self.base.queue
    }
    fn recorders(&self) -> &FakeRecorders {
        &self.sources.recorders
    }
    fn inventory(&self) -> &FakeInventory {
        &self.sources.inventory
    }
}

async fn handle(
    inv: crate::Invocation<'_>,
    ports: &super::TestPorts,
    event: Value,
) -> Result<SweepOutcome, crate::HandlerError> {
    crate::sweep::handle(inv, ports, event).await
}

/// The sweep with `sources` as its recorder and inventory.
async fn handle_with(
    w: &World,
    sources: &Sources,
    event: Value,
) -> Result<SweepOutcome, crate::HandlerError> {
    let ports = WithSources {
        base: &w.ports,
        sources,
    };
    crate::sweep::handle(w.inv(), &ports, event).await
}

/// The handler on the fixture `path`.
async fn run(w: &World, path: &str) -> Result<crate::sweep::SweepOutcome, crate::HandlerError> {
    handle(w.inv(), &w.ports, fixture(path)).await
}

pub(super) fn bucket(name: &str) -> ConfigurationItem {
    let mut item = item_of("config-rule/change-s3-bucket.json");
    item.resource_id = name.into();
    item.resource_name = Some(name.into());
    item.arn = Some(format!("arn:aws:s3:::{name}"));
    item.configuration["name"] = json!(name);
    item
}

fn sent(w: &World) -> Vec<SweepMessage> {
    w.ports
        .queue
        .batches
        .lock()
        .unwrap()
        .iter()
        .flatten()
        .map(|e| serde_json::from_str(&e.body).unwrap())
        .collect()
}

fn consumed(outcome: SweepOutcome) -> Vec<String> {
    match outcome {
        SweepOutcome::Consumed { response, .. } => response
            .batch_item_failures
            .into_iter()
            .map(|f| f.item_identifier)
            .collect(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_schedule_queues_every_listed_resource_in_bounded_messages() {
    let w = World::new();
    for n in 0..1050 {
        w.ports.items.put(bucket(&format!("bucket-{n:04}")));
    }
    w.ports
        .items
        .put(item_of("config-rule/change-security-group-test-mode.json"));
    let outcome = run(&w, "eventbridge/scheduled.json").await.unwrap();
    let SweepOutcome::Scheduled { messages, .. } = outcome else {
        panic!()
    };
    assert_eq!(messages, 11);
    let batches = w.ports.queue.batches.lock().unwrap().clone();
    assert_eq!(batches.iter().map(Vec::len).collect::<Vec<_>>(), [10, 1]);
    let messages = sent(&w);
    assert!(messages.iter().all(|m| m.keys.len() <= 100));
    assert_eq!(messages.iter().map(|m| m.keys.len()).sum::<usize>(), 1051);
    assert!(
        messages
            .iter()
            .all(|m| m.account == "123456789012" && m.region == "eu-west-1")
    );
    let listed = w.ports.items.list_calls.lock().unwrap().clone();
    assert!(listed.contains(&"AWS::S3::Bucket".to_owned()));
    assert!(!listed.contains(&"AWS::::Account".to_owned()));
}

#[tokio::test]
async fn the_schedule_also_queues_resources_only_findings_remember() {
    let w = World::new();
    w.ports.items.put(bucket("example-old-reports"));
    // A first sweep run leaves findings for the bucket, then the bucket is deleted.
    let body = fixture("sqs/sweep-batch.json");
    consumed(handle(w.inv(), &w.ports, body).await.unwrap());
    store(&w.ports.stored, &w.imported());
    w.ports
        .items
        .remove("AWS::S3::Bucket", "example-old-reports");
    run(&w, "eventbridge/scheduled.json").await.unwrap();
    let keys: Vec<_> = sent(&w).into_iter().flat_map(|m| m.keys).collect();
    assert!(
        keys.iter().any(|k| k.resource_id == "example-old-reports"),
        "{keys:?}"
    );
}

#[tokio::test]
async fn refused_queue_entries_fail_the_schedule() {
    let mut w = World::new();
    w.ports.queue.refuse = ["m0".to_owned()].into();
    w.ports.items.put(bucket("example-app-uploads"));
    let err = run(&w, "eventbridge/scheduled.json").await.unwrap_err();
    assert!(err.to_string().contains("m0"), "{err}");
}

#[test]
fn batches_respect_count_and_size() {
    let entry = |n: usize, size: usize| QueueEntry {
        id: format!("m{n}"),
        body: "x".repeat(size),
    };
    let small: Vec<_> = (0..25).map(|n| entry(n, 10)).collect();
    assert_eq!(
        send_batches(small).iter().map(Vec::len).collect::<Vec<_>>(),
        [10, 10, 5]
    );
    let big: Vec<_> = (0..4).map(|n| entry(n, MAX_BATCH_BYTES / 3)).collect();
    assert_eq!(
        send_batches(big).iter().map(Vec::len).collect::<Vec<_>>(),
        [3, 1]
    );
    assert!(send_batches(Vec::new()).is_empty());
}

#[tokio::test]
async fn a_sweep_over_an_unchanged_estate_imports_nothing() {
    let w = World::new();
    w.ports.items.put(bucket("example-app-uploads"));
    w.ports.items.put(bucket("example-old-reports"));
    w.ports
        .items
        .put(item_of("config-rule/change-security-group-test-mode.json"));
    let failures = consumed(run(&w, "sqs/sweep-batch.json").await.unwrap());
    assert!(failures.is_empty(), "{failures:?}");
    let first = w.imported();
    assert!(!first.is_empty());
    assert!(
        first
            .iter()
            .all(|f| f.product_fields["sidewatch/Source"] == "sweep")
    );
    store(&w.ports.stored, &first);

    let outcome = run(&w, "sqs/sweep-batch.json").await.unwrap();
    let metrics = outcome.metrics();
    assert!(consumed(outcome).is_empty());
    assert_eq!(
        w.imported().len(),
        first.len(),
        "nothing imported the second time"
    );
    assert_eq!(metrics.findings_imported, 0);
    assert!(metrics.evaluations > 0);
    assert_eq!(
        *w.ports.stored.reads.lock().unwrap(),
        2,
        "findings read once per invocation"
    );
}

#[tokio::test]
async fn a_changed_resource_imports_only_what_changed() {
    let w = World::new();
    w.ports.items.put(bucket("example-app-uploads"));
    consumed(run(&w, "sqs/sweep-batch.json").await.unwrap());
    let first = w.imported();
    store(&w.ports.stored, &first);
    let mut fixed = bucket("example-app-uploads");
    fixed.supplementary["PublicAccessBlockConfiguration"]["blockPublicPolicy"] = json!(true);
    w.ports.items.put(fixed);
    consumed(run(&w, "sqs/sweep-batch.json").await.unwrap());
    let again = &w.imported()[first.len()..];
    assert!(
        again
            .iter()
            .any(|f| f.control_id() == Some("S3.8") && f.compliance_status() == "PASSED")
    );
    // The item kept its capture time (only the fixture changed): the re-import is ordered a
    // millisecond after Security Hub's copy, which would otherwise ignore an update that is
    // not later than what it holds.
    let before = first
        .iter()
        .find(|f| f.control_id() == Some("S3.8"))
        .unwrap();
    let after = again
        .iter()
        .find(|f| f.control_id() == Some("S3.8"))
        .unwrap();
    assert_eq!(
        before.updated_at, "2024-06-03T14:22:51.318Z",
        "the capture time"
    );
    assert_eq!(after.updated_at, "2024-06-03T14:22:51.319Z");
    assert!(
        again.len() < first.len(),
        "only the changed findings: {}",
        again.len()
    );
}

#[tokio::test]
async fn a_resource_that_is_gone_has_its_findings_archived() {
    let w = World::new();
    w.ports.items.put(bucket("example-old-reports"));
    consumed(run(&w, "sqs/sweep-batch.json").await.unwrap());
    let before: Vec<_> = w.imported();
    store(&w.ports.stored, &before);
    w.ports
        .items
        .remove("AWS::S3::Bucket", "example-old-reports");
    let outcome = run(&w, "sqs/sweep-batch.json").await.unwrap();
    let metrics = outcome.metrics();
    assert!(consumed(outcome).is_empty());
    let archived = &w.imported()[before.len()..];
    let active_before = before
        .iter()
        .filter(|f| f.record_state == RecordState::Active)
        .count();
    assert_eq!(archived.len(), active_before);
    assert!(
        archived
            .iter()
            .all(|f| f.record_state == RecordState::Archived)
    );
    for f in archived {
        assert!(before.iter().any(|b| b.id == f.id));
        assert_eq!(f.resources[0].id, "arn:aws:s3:::example-old-reports");
    }
    assert_eq!(metrics.findings_archived as usize, archived.len());
}

#[tokio::test]
async fn a_listed_resource_without_an_item_is_left_alone() {
    let w = World::new();
    w.ports.items.put(bucket("example-old-reports"));
    consumed(run(&w, "sqs/sweep-batch.json").await.unwrap());
    store(&w.ports.stored, &w.imported());
    let before = w.imported().len();
    let mut w = w;
    w.ports.items.unprocessed.clear();
    // Listed, but batch_items returns nothing for it (Config's item not readable right now).
    let key = ResourceKey {
        resource_type: "AWS::S3::Bucket".into(),
        resource_id: "example-old-reports".into(),
    };
    w.ports.items.unprocessed.insert(key);
    let failures = consumed(run(&w, "sqs/sweep-batch.json").await.unwrap());
    assert_eq!(
        failures,
        ["059f36b4-87a3-44ab-83d2-661975830a7d"],
        "unprocessed: retried"
    );
    assert_eq!(w.imported().len(), before, "nothing archived");
}

#[tokio::test]
async fn only_the_failed_message_is_reported() {
    let mut w = World::new();
    w.ports.items.put(bucket("example-app-uploads"));
    w.ports.items.unprocessed.insert(ResourceKey {
        resource_type: "AWS::EC2::SecurityGroup".into(),
        resource_id: "sg-0a1b2c3d4e5f60718".into(),
    });
    let mut event = fixture("sqs/sweep-batch.json");
    let mut bad = event["Records"][0].clone();
    bad["messageId"] = json!("bad-body");
    bad["body"] = json!("{\"not\": \"a sweep message\"}");
    event["Records"].as_array_mut().unwrap().push(bad);
    let failures = consumed(handle(w.inv(), &w.ports, event).await.unwrap());
    assert_eq!(
        failures,
        ["2e1424d4-f796-459a-8184-9c92662be6da", "bad-body"]
    );
    assert!(
        w.imported()
            .iter()
            .any(|f| f.resources[0].id == "arn:aws:s3:::example-app-uploads")
    );
}

#[tokio::test]
async fn unreadable_findings_fail_every_message() {
    let mut w = World::new();
    w.ports.stored.fail = true;
    let failures = consumed(run(&w, "sqs/sweep-batch.json").await.unwrap());
    assert_eq!(failures.len(), 2);
    assert!(w.imported().is_empty());
}

#[tokio::test]
async fn the_response_is_the_partial_batch_shape() {
    let mut w = World::new();
    w.ports.items.fail = true;
    let outcome = run(&w, "sqs/sweep-batch.json").await.unwrap();
    let value = outcome.to_value();
    assert_eq!(
        value["batchItemFailures"][0]["itemIdentifier"],
        Value::from("059f36b4-87a3-44ab-83d2-661975830a7d")
    );
}

#[test]
fn import_decisions() {
    let w = World::new();
    let item = bucket("example-app-uploads");
    let engine = &w.engine;
    let builder = crate::common::builder(sidewatch_core::Source::Sweep, "eu-west-1", w.clock.0);
    let eval = engine
        .evaluate(&item)
        .into_iter()
        .find(|e| e.control.id == "S3.8")
        .unwrap();
    let finding = builder.build(&item, &eval).unwrap();
    assert!(needs_import(&finding, None), "new");
    let stored = super::fakes::FakeStored::default();
    store(&stored, std::slice::from_ref(&finding));
    let held = stored.findings.lock().unwrap()[0].clone();
    assert!(!needs_import(&finding, Some(&held)), "unchanged");
    let mut other = held.clone();
    other.compliance_status = Some("PASSED".into());
    assert!(needs_import(&finding, Some(&other)), "status");
    let mut other = held.clone();
    other.description = "something else".into();
    assert!(needs_import(&finding, Some(&other)), "description");
    let mut archived = finding.clone();
    archived.record_state = RecordState::Archived;
    assert!(needs_import(&archived, Some(&held)), "record state");
    assert!(!needs_import(&archived, None), "nothing to archive");
    // Security Hub deletes a finding 90 days after its UpdatedAt: an unchanged one whose copy is
    // over 30 days older than this observation is renewed.
    let mut old = held.clone();
    old.updated_at = "2024-04-01T00:00:00Z".into();
    assert!(needs_import(&finding, Some(&old)), "renewed");
    let renewed = to_import(vec![finding.clone()], &[(finding.id.clone(), old)].into());
    assert_eq!(renewed[0].updated_at, finding.updated_at);
}

#[tokio::test]
async fn a_refused_finding_fails_only_its_message() {
    let mut w = World::new();
    w.ports.items.put(bucket("example-app-uploads"));
    w.ports
        .items
        .put(item_of("config-rule/change-security-group-test-mode.json"));
    consumed(run(&w, "sqs/sweep-batch.json").await.unwrap());
    let sg_finding = w
        .imported()
        .into_iter()
        .find(|f| f.resources[0].resource_type == "AwsEc2SecurityGroup")
        .unwrap();
    w.ports.findings = super::fakes::FakeSink {
        refuse: [sg_finding.id.clone()].into(),
        ..Default::default()
    };
    let failures = consumed(run(&w, "sqs/sweep-batch.json").await.unwrap());
    assert_eq!(failures, ["2e1424d4-f796-459a-8184-9c92662be6da"]);
}

#[tokio::test]
async fn a_malformed_sqs_event_is_an_error() {
    let w = World::new();
    let err = handle(w.inv(), &w.ports, json!({"Records": "not a list"}))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("SQS event"), "{err}");
    let err = handle(w.inv(), &w.ports, json!({"detail-type": 3}))
        .await
        .unwrap_err();
    assert!(matches!(err, crate::HandlerError::Event(_)), "{err}");
}

// ----- types the Config recorder does not record -------------------------------------------------

const SG: &str = "AWS::EC2::SecurityGroup";
const SG_ID: &str = "sg-0a1b2c3d4e5f60718";

fn security_group() -> ConfigurationItem {
    item_of("config-rule/change-security-group-test-mode.json")
}

/// An SQS event of one collect message for `resource_type`.
fn collect_event(resource_type: &str) -> Value {
    let mut event = fixture("sqs/sweep-batch.json");
    let records = event["Records"].as_array_mut().unwrap();
    records.truncate(1);
    records[0]["messageId"] = json!("collect-1");
    records[0]["body"] = json!(
        serde_json::to_string(&SweepMessage {
            sweep: "s".into(),
            account: "123456789012".into(),
            region: "eu-west-1".into(),
            keys: Vec::new(),
            collect_type: Some(resource_type.into()),
        })
        .unwrap()
    );
    event
}

async fn sweep(w: &World, sources: &Sources, event: Value) -> SweepOutcome {
    handle_with(w, sources, event).await.unwrap()
}

/// Config records only S3 buckets; the inventory builds buckets, security groups and IAM users.
fn recording_buckets_only() -> Sources {
    Sources {
        recorders: FakeRecorders::only(&["AWS::S3::Bucket"]),
        inventory: FakeInventory::of(&["AWS::S3::Bucket", SG, "AWS::IAM::User"]),
    }
}

#[tokio::test]
async fn the_schedule_collects_unrecorded_types_and_lists_recorded_ones() {
    let w = World::new();
    w.ports.items.put(bucket("example-app-uploads"));
    // Config still lists a security group from when it recorded the type.
    w.ports.items.put(security_group());
    let sources = recording_buckets_only();
    sweep(&w, &sources, fixture("eventbridge/scheduled.json")).await;
    let messages = sent(&w);
    let keys: Vec<_> = messages.iter().flat_map(|m| m.keys.clone()).collect();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!(keys[0].resource_id, "example-app-uploads");
    let collected: Vec<_> = messages
        .iter()
        .filter_map(|m| m.collect_type.clone())
        .collect();
    assert_eq!(collected, ["AWS::EC2::SecurityGroup", "AWS::IAM::User"]);
    assert!(
        messages
            .iter()
            .all(|m| m.collect_type.is_none() || m.keys.is_empty())
    );
    let listed = w.ports.items.list_calls.lock().unwrap().clone();
    assert!(listed.contains(&"AWS::S3::Bucket".to_owned()));
    assert!(!listed.contains(&SG.to_owned()), "{listed:?}");
    assert!(!listed.contains(&"AWS::IAM::User".to_owned()));
    assert!(
        sources.inventory.calls.lock().unwrap().is_empty(),
        "the schedule collects nothing itself"
    );
}

#[tokio::test]
async fn a_region_without_global_resources_leaves_iam_to_config() {
    let mut w = World::new();
    w.settings.evaluate_global_resources = false;
    let sources = recording_buckets_only();
    sweep(&w, &sources, fixture("eventbridge/scheduled.json")).await;
    let collected: Vec<_> = sent(&w)
        .into_iter()
        .filter_map(|m| m.collect_type)
        .collect();
    assert_eq!(collected, [SG]);
}

#[tokio::test]
async fn without_a_recorder_every_collectable_type_is_collected() {
    let w = World::new();
    let sources = Sources {
        recorders: FakeRecorders::default(),
        inventory: FakeInventory::of(&["AWS::S3::Bucket", SG]),
    };
    sweep(&w, &sources, fixture("eventbridge/scheduled.json")).await;
    let collected: Vec<_> = sent(&w)
        .into_iter()
        .filter_map(|m| m.collect_type)
        .collect();
    assert_eq!(collected, [SG, "AWS::S3::Bucket"]);
    let listed = w.ports.items.list_calls.lock().unwrap().clone();
    assert!(!listed.contains(&"AWS::S3::Bucket".to_owned()));
    assert!(
        !listed.is_empty(),
        "types without a collector stay on Config"
    );
}

#[tokio::test]
async fn an_unreadable_recorder_sweeps_through_config_and_fails_the_schedule() {
    let w = World::new();
    w.ports.items.put(security_group());
    let mut sources = recording_buckets_only();
    sources.recorders.fail = true;
    let err = handle_with(&w, &sources, fixture("eventbridge/scheduled.json"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("Config recorder"), "{err}");
    let messages = sent(&w);
    assert!(messages.iter().all(|m| m.collect_type.is_none()));
    assert!(
        messages
            .iter()
            .flat_map(|m| &m.keys)
            .any(|k| k.resource_id == SG_ID)
    );
}

#[tokio::test]
async fn a_collect_message_evaluates_the_collected_items() {
    let w = World::new();
    let sources = recording_buckets_only();
    sources
        .inventory
        .items
        .lock()
        .unwrap()
        .push(security_group());
    let failures = consumed(sweep(&w, &sources, collect_event(SG)).await);
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(
        *sources.inventory.calls.lock().unwrap(),
        [(SG.to_owned(), "eu-west-1".to_owned())]
    );
    let imported = w.imported();
    assert!(!imported.is_empty());
    assert!(
        imported
            .iter()
            .all(|f| f.resources[0].resource_type == "AwsEc2SecurityGroup"
                && f.product_fields["sidewatch/Source"] == "sweep")
    );
    assert!(
        w.ports.items.list_calls.lock().unwrap().is_empty(),
        "Config is not read for a collected type"
    );
    // The same estate again: nothing changed, nothing imported.
    store(&w.ports.stored, &imported);
    consumed(sweep(&w, &sources, collect_event(SG)).await);
    assert_eq!(w.imported().len(), imported.len());
}

#[tokio::test]
async fn a_collected_resource_that_is_gone_has_its_findings_archived() {
    let w = World::new();
    let sources = recording_buckets_only();
    sources
        .inventory
        .items
        .lock()
        .unwrap()
        .push(security_group());
    // A bucket's findings: another type, never archived by the security groups' message.
    w.ports.items.put(bucket("example-app-uploads"));
    consumed(run(&w, "sqs/sweep-batch.json").await.unwrap());
    consumed(sweep(&w, &sources, collect_event(SG)).await);
    let before = w.imported();
    store(&w.ports.stored, &before);
    sources.inventory.items.lock().unwrap().clear();
    let outcome = sweep(&w, &sources, collect_event(SG)).await;
    let metrics = outcome.metrics();
    assert!(consumed(outcome).is_empty());
    let archived = &w.imported()[before.len()..];
    let active_sg = before
        .iter()
        .filter(|f| {
            f.resources[0].resource_type == "AwsEc2SecurityGroup"
                && f.record_state == RecordState::Active
        })
        .count();
    assert!(active_sg > 0);
    assert_eq!(archived.len(), active_sg);
    assert!(
        archived
            .iter()
            .all(|f| f.record_state == RecordState::Archived
                && f.resources[0].resource_type == "AwsEc2SecurityGroup")
    );
    assert_eq!(metrics.findings_archived as usize, archived.len());
}

#[tokio::test]
async fn a_failed_listing_fails_the_message_and_archives_nothing() {
    let w = World::new();
    let sources = recording_buckets_only();
    sources
        .inventory
        .items
        .lock()
        .unwrap()
        .push(security_group());
    consumed(sweep(&w, &sources, collect_event(SG)).await);
    let before = w.imported();
    store(&w.ports.stored, &before);
    sources.inventory.items.lock().unwrap().clear();
    sources
        .inventory
        .failures
        .lock()
        .unwrap()
        .push(CollectFailure {
            resource_id: None,
            error: PortError::new(
                "ec2:DescribeSecurityGroups",
                FailureKind::AccessDenied,
                Some("UnauthorizedOperation".into()),
                "not allowed",
            ),
        });
    let failures = consumed(sweep(&w, &sources, collect_event(SG)).await);
    assert_eq!(failures, ["collect-1"]);
    assert_eq!(w.imported().len(), before.len(), "nothing archived");
}

#[tokio::test]
async fn a_failed_detail_read_keeps_the_resource_and_fails_only_when_retrying_helps() {
    let w = World::new();
    let sources = recording_buckets_only();
    sources
        .inventory
        .items
        .lock()
        .unwrap()
        .push(security_group());
    consumed(sweep(&w, &sources, collect_event(SG)).await);
    let before = w.imported();
    store(&w.ports.stored, &before);
    // The group could not be described: it exists, its findings stay.
    sources.inventory.items.lock().unwrap().clear();
    let denied = CollectFailure {
        resource_id: Some(SG_ID.into()),
        error: PortError::new("ec2:X", FailureKind::AccessDenied, None, "denied"),
    };
    sources.inventory.failures.lock().unwrap().push(denied);
    let failures = consumed(sweep(&w, &sources, collect_event(SG)).await);
    assert!(failures.is_empty(), "retrying cannot help: {failures:?}");
    assert_eq!(w.imported().len(), before.len(), "nothing archived");
    *sources.inventory.failures.lock().unwrap() = vec![CollectFailure {
        resource_id: Some(SG_ID.into()),
        error: PortError::new("ec2:X", FailureKind::Throttled, None, "slow down"),
    }];
    let failures = consumed(sweep(&w, &sources, collect_event(SG)).await);
    assert_eq!(failures, ["collect-1"], "throttled: delivered again");
    assert_eq!(w.imported().len(), before.len(), "nothing archived");
}

#[test]
fn key_messages_without_a_collect_type_read_as_before() {
    let body = r#"{"sweep":"s","account":"1","region":"eu-west-1","keys":[]}"#;
    let message: SweepMessage = serde_json::from_str(body).unwrap();
    assert_eq!(message.collect_type, None);
    let written = serde_json::to_string(&message).unwrap();
    assert!(!written.contains("collectType"), "{written}");
}
