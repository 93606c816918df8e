//! Ports: what the doors (Lambda functions, CLI) need from the outside world, as traits.
//!
//! The core decides; it never calls AWS. The doors need a few outbound operations — send findings
//! to Security Hub, read back the findings sidewatch owns, update a finding's workflow, send
//! evaluations to AWS Config, read configuration items from AWS Config, fetch evidence — and each is
//! a trait here. `sidewatch-aws` implements them with the AWS SDK for Rust; tests implement them
//! with in-memory fakes, so a handler's logic is tested without a network.
//!
//! Every method returns a `Send` future so handlers can run on a multi-threaded runtime. Errors are
//! a [`PortError`] that says whether retrying can help: a door that cannot deliver returns an error
//! to the Lambda runtime, which retries the invocation and finally keeps the event in the
//! dead-letter queue. Nothing is dropped silently.

use crate::actor::Actor;
use crate::change::Plan;
use crate::control::Control;
use crate::doors::evaluations::ConfigEvaluation;
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::ConfigRecorder;
use crate::finding::Finding;
use crate::item::ConfigurationItem;
use std::fmt;
use std::future::Future;

/// What kind of failure an outbound call met, in terms a door can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureKind {
    /// Throttled after the adapter's own retries: retrying later can succeed.
    Throttled,
    /// The service failed (5xx), timed out, or could not be reached: retrying later can succeed.
    Unavailable,
    /// The caller's role lacks a permission: retrying cannot help until the policy changes.
    AccessDenied,
    /// The request was rejected as invalid (a bug, or data the service refuses).
    Invalid,
    /// The resource or finding does not exist.
    NotFound,
    /// Anything else.
    Other,
}

impl FailureKind {
    /// True when retrying the same request later can succeed.
    pub fn is_retryable(self) -> bool {
        matches!(self, FailureKind::Throttled | FailureKind::Unavailable)
    }
}

/// A failed outbound call: which operation, what kind of failure, AWS's error code and message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation} failed ({kind:?}{}): {message}", code.as_deref().map(|c| format!(", {c}")).unwrap_or_default())]
pub struct PortError {
    /// The API operation, e.g. `securityhub:BatchImportFindings`.
    pub operation: String,
    /// What kind of failure.
    pub kind: FailureKind,
    /// AWS's error code (`ThrottlingException`, `AccessDeniedException`…), when there was one.
    pub code: Option<String>,
    /// AWS's message, or what went wrong.
    pub message: String,
}

impl PortError {
    /// A new error.
    pub fn new(
        operation: impl Into<String>,
        kind: FailureKind,
        code: Option<String>,
        message: impl Into<String>,
    ) -> Self {
        PortError {
            operation: operation.into(),
            kind,
            code,
            message: message.into(),
        }
    }

    /// True when retrying later can succeed.
    pub fn is_retryable(&self) -> bool {
        self.kind.is_retryable()
    }
}

/// One item of a batch call that the service refused (`FailedFindings`, `FailedEvaluations`,
/// `UnprocessedFindings`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemFailure {
    /// The finding `Id`, or `<resource type>/<resource id>` for an evaluation.
    pub id: String,
    /// AWS's error code for this item.
    pub code: String,
    /// AWS's message for this item.
    pub message: String,
}

/// What a batch delivery achieved after the adapter's own retries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delivery {
    /// How many items the service accepted.
    pub delivered: usize,
    /// The items that were still refused after retrying the retryable ones. A door that gets a
    /// non-empty list returns an error so the platform retries the event.
    pub failed: Vec<ItemFailure>,
}

impl Delivery {
    /// True when every item was accepted.
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty()
    }
}

/// Sends findings to Security Hub (`BatchImportFindings`).
pub trait FindingsSink {
    /// Imports `findings`: the adapter splits them into calls of at most
    /// [`MAX_FINDINGS_PER_BATCH`](crate::MAX_FINDINGS_PER_BATCH) findings within the size limits,
    /// retries throttling, 5xx and retryable `FailedFindings`, and reports what was still refused.
    /// `Err` only when a whole call failed in a way retries did not fix.
    fn import(
        &self,
        findings: Vec<Finding>,
    ) -> impl Future<Output = Result<Delivery, PortError>> + Send;
}

/// What the sweep needs to know of a finding sidewatch already put in Security Hub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFinding {
    /// The finding `Id`.
    pub id: String,
    /// `ProductArn`.
    pub product_arn: String,
    /// `GeneratorId` (`sidewatch/<control id>`).
    pub generator_id: String,
    /// `AwsAccountId`.
    pub account_id: String,
    /// `Region`.
    pub region: String,
    /// `Resources[0].Id`.
    pub resource_id: String,
    /// `Compliance.Status`, when set.
    pub compliance_status: Option<String>,
    /// `RecordState` (`ACTIVE`, `ARCHIVED`).
    pub record_state: String,
    /// `Workflow.Status`, when set.
    pub workflow_status: Option<String>,
    /// `Description`: the verdict's reason, compared to decide whether a re-import is needed.
    pub description: String,
    /// `ProductFields`, as stored.
    pub product_fields: Vec<(String, String)>,
    /// `UpdatedAt`.
    pub updated_at: String,
}

/// Which of sidewatch's findings to read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingsQuery {
    /// Only findings of this `ProductArn` (sidewatch's, in this account and Region).
    pub product_arn: String,
    /// Only findings whose `GeneratorId` starts with this (`sidewatch/`).
    pub generator_prefix: String,
    /// Only ACTIVE findings when true.
    pub active_only: bool,
}

/// Reads back the findings sidewatch owns (`GetFindings`, paginated). Implementations filter
/// client-side as well, so a stand-in that ignores filters cannot make the sweep act on findings
/// of another product.
pub trait FindingsSource {
    /// Every finding matching `query`.
    fn findings(
        &self,
        query: &FindingsQuery,
    ) -> impl Future<Output = Result<Vec<StoredFinding>, PortError>> + Send;
}

/// A finding to update, as `BatchUpdateFindings` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingRef {
    /// The finding `Id`.
    pub id: String,
    /// Its `ProductArn`.
    pub product_arn: String,
}

/// What remediation records on a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingUpdate {
    /// The findings to update.
    pub findings: Vec<FindingRef>,
    /// `Note.Text` (at most 512 characters): what was done or would be done.
    pub note: String,
    /// `Note.UpdatedBy`.
    pub updated_by: String,
    /// `Workflow.Status` to set (`NOTIFIED`, `RESOLVED`…), if any.
    pub workflow_status: Option<String>,
}

/// Updates findings' workflow and notes (`BatchUpdateFindings`).
pub trait FindingsWorkflow {
    /// Applies `update`; the findings Security Hub did not process are in `failed`.
    fn update(
        &self,
        update: &FindingUpdate,
    ) -> impl Future<Output = Result<Delivery, PortError>> + Send;
}

/// A door that updates no finding's workflow: every update fails, naming why, so an update the
/// door needed is never lost silently.
impl FindingsWorkflow for () {
    async fn update(&self, update: &FindingUpdate) -> Result<Delivery, PortError> {
        Err(PortError::new(
            "securityhub:BatchUpdateFindings",
            FailureKind::Invalid,
            None,
            format!(
                "this door updates no finding workflow, so {} finding(s) keep theirs",
                update.findings.len()
            ),
        ))
    }
}

/// Sends evaluations to AWS Config (`PutEvaluations`).
pub trait EvaluationsSink {
    /// Puts `evaluations` under `result_token` in calls of at most
    /// [`MAX_EVALUATIONS_PER_CALL`](crate::doors::evaluations::MAX_EVALUATIONS_PER_CALL); with
    /// `test_mode` Config validates without recording (the token is then `TESTMODE`).
    fn put_evaluations(
        &self,
        result_token: &str,
        evaluations: Vec<ConfigEvaluation>,
        test_mode: bool,
    ) -> impl Future<Output = Result<Delivery, PortError>> + Send;
}

/// A resource as AWS Config names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceKey {
    /// `resourceType`, e.g. `AWS::S3::Bucket`.
    pub resource_type: String,
    /// `resourceId`.
    pub resource_id: String,
}

impl fmt::Display for ResourceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.resource_type, self.resource_id)
    }
}

/// The items of a batch read, and the keys the service did not process (to retry or report).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemBatch {
    /// The items read (a key that does not exist is simply absent).
    pub items: Vec<ConfigurationItem>,
    /// `unprocessedResourceKeys`.
    pub unprocessed: Vec<ResourceKey>,
}

/// Reads configuration items from AWS Config.
pub trait ItemSource {
    /// The latest item of one resource (`GetResourceConfigHistory`, limit 1): what an oversized
    /// change notification leaves out. `None` when Config has no item for it.
    fn latest_item(
        &self,
        key: &ResourceKey,
    ) -> impl Future<Output = Result<Option<ConfigurationItem>, PortError>> + Send;

    /// Every resource of `resource_type` Config has discovered (`ListDiscoveredResources`,
    /// paginated), deleted ones excluded.
    fn list_resources(
        &self,
        resource_type: &str,
    ) -> impl Future<Output = Result<Vec<ResourceKey>, PortError>> + Send;

    /// The current items of up to 100 resources (`BatchGetResourceConfig`).
    fn batch_items(
        &self,
        keys: &[ResourceKey],
    ) -> impl Future<Output = Result<ItemBatch, PortError>> + Send;
}

/// A door that reads nothing from AWS Config (the CLI's items come from its input): every read
/// fails, naming why, so nothing is ever mistaken for "Config has no item".
impl ItemSource for () {
    async fn latest_item(&self, key: &ResourceKey) -> Result<Option<ConfigurationItem>, PortError> {
        Err(no_config_reads(&format!("the item of {key}")))
    }

    async fn list_resources(&self, resource_type: &str) -> Result<Vec<ResourceKey>, PortError> {
        Err(no_config_reads(&format!("the {resource_type} resources")))
    }

    async fn batch_items(&self, keys: &[ResourceKey]) -> Result<ItemBatch, PortError> {
        Err(no_config_reads(&format!("{} item(s)", keys.len())))
    }
}

/// A door that reads no evidence (its items carry what their controls read): each missing kind
/// is stored as a failed read, so its controls are INSUFFICIENT_DATA, never a pass.
impl EvidenceSource for () {
    async fn collect(&self, item: &mut ConfigurationItem, kinds: &[EvidenceKind]) {
        let error = crate::evidence::EvidenceError::new(
            "NotCollected",
            "this door reads no evidence; the item did not carry it",
        );
        for kind in kinds {
            item.insert_evidence(*kind, error.to_value());
        }
    }
}

fn no_config_reads(what: &str) -> PortError {
    PortError::new(
        "config:read",
        FailureKind::Invalid,
        None,
        format!("this door reads nothing from AWS Config, so {what} cannot be read"),
    )
}

/// Fetches what a configuration item lacks (evidence) and stores it in the item, where controls
/// read it; a failed read is stored as the failure, so controls report INSUFFICIENT_DATA.
pub trait EvidenceSource {
    /// Collects `kinds` for `item`.
    fn collect(
        &self,
        item: &mut ConfigurationItem,
        kinds: &[EvidenceKind],
    ) -> impl Future<Output = ()> + Send;
}

/// CloudTrail reads: who made a change, by the event id a configuration item lists in
/// `relatedEvents` (`LookupEvents` with the `EventId` attribute).
pub trait ChangeSource {
    /// The caller CloudTrail recorded in event `event_id`; `None` when CloudTrail has no such
    /// event (older than 90 days, another Region, not yet delivered) or it names no caller.
    fn change(
        &self,
        event_id: &str,
    ) -> impl Future<Output = Result<Option<Actor>, PortError>> + Send;
}

/// No CloudTrail reads: a door that never looks a change up (the pipeline asks only when its
/// run says so).
impl ChangeSource for () {
    async fn change(&self, event_id: &str) -> Result<Option<Actor>, PortError> {
        Err(PortError::new(
            "LookupEvents",
            FailureKind::Invalid,
            None,
            format!("this door reads nothing from CloudTrail, so event {event_id} cannot be read"),
        ))
    }
}

/// The reads the evaluation pipeline ([`crate::pipeline::run`]) makes: AWS Config items,
/// evidence, and CloudTrail events. A door's ports bundle implements it with the adapters it
/// holds.
pub trait PipelinePorts {
    type Items: ItemSource + Sync;
    type Evidence: EvidenceSource + Sync;
    type Changes: ChangeSource + Sync;
    /// AWS Config reads (fetch, find by name).
    fn items(&self) -> &Self::Items;
    /// Evidence reads.
    fn evidence(&self) -> &Self::Evidence;
    /// CloudTrail reads (who made a change).
    fn changes(&self) -> &Self::Changes;
}

/// One message for the sweep queue (`SendMessageBatchRequestEntry`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    /// The entry id, unique within the call (`Id`).
    pub id: String,
    /// The message body (`MessageBody`).
    pub body: String,
}

/// Sends messages to the sweep queue.
pub trait SweepQueue {
    /// Sends at most 10 entries in one `SendMessageBatch` call (the adapter retries the entries
    /// SQS failed without the sender's fault). `Delivery.failed` names the entries still refused,
    /// by entry id.
    fn send_batch(
        &self,
        entries: Vec<QueueEntry>,
    ) -> impl Future<Output = Result<Delivery, PortError>> + Send;
}

/// Reads the Region's configuration recorders (`DescribeConfigurationRecorders` with
/// `DescribeConfigurationRecorderStatus` for `recording`).
pub trait RecorderSource {
    /// The recorders whose items the account can read (the customer managed one; service-linked
    /// recorders of internal scope are left out). Empty when there is none.
    fn recorders(&self) -> impl Future<Output = Result<Vec<ConfigRecorder>, PortError>> + Send;
}

/// One read that failed while collecting a type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectFailure {
    /// The resource whose detail read failed (it exists); `None` when the listing failed, so the
    /// collection is incomplete and nothing may be archived.
    pub resource_id: Option<String>,
    pub error: PortError,
}

/// What collecting one type in one Region gave.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Collected {
    pub items: Vec<ConfigurationItem>,
    pub failures: Vec<CollectFailure>,
}

/// Builds configuration items from the service APIs (the inventory).
pub trait InventorySource {
    /// The resource types it can build.
    fn resource_types(&self) -> Vec<String>;

    /// Every resource of `resource_type` in `region`, as items in Config's notification shape.
    fn collect(&self, resource_type: &str, region: &str) -> impl Future<Output = Collected> + Send;
}

/// The resource as re-read from AWS.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveResource {
    /// The service says it does not exist (or it is terminated / being deleted).
    Gone,
    /// The resource as a configuration item (notification shape), with its live tags in
    /// `tags` and the evidence the control needs in `supplementary`.
    Present(Box<ConfigurationItem>),
}

/// Re-reads the resource a finding names.
pub trait LiveSource {
    /// The live state of `resource_id` (a Config resource id of `resource_type`), with what
    /// `control` reads. `Err` when the read itself failed: the function then does nothing.
    fn read(
        &self,
        control: &'static Control,
        resource_type: &str,
        resource_id: &str,
    ) -> impl Future<Output = Result<LiveResource, PortError>> + Send;
}

/// Makes the change a [`Plan`] describes. Implementations make only the calls the plan names.
pub trait PlanExecutor {
    /// Applies `plan`; `Err` when AWS refused or the call failed.
    fn execute(&self, plan: &Plan) -> impl Future<Output = Result<(), PortError>> + Send;
}

/// Stores one audit object.
pub trait AuditStore {
    /// Writes `body` (JSON) under `key`.
    fn put(&self, key: &str, body: String) -> impl Future<Output = Result<(), PortError>> + Send;
}

/// The remediation function's ports: the live re-read, the executor, the workflow update, and
/// optionally where the re-evaluated finding and the audit object go.
pub trait RemediationPorts {
    type Live: LiveSource + Sync;
    type Executor: PlanExecutor + Sync;
    type Workflow: FindingsWorkflow + Sync;
    type Findings: FindingsSink + Sync;
    type Audit: AuditStore + Sync;
    fn live(&self) -> &Self::Live;
    fn executor(&self) -> &Self::Executor;
    fn workflow(&self) -> &Self::Workflow;
    /// Where the re-evaluated finding goes; `None` logs it only.
    fn findings(&self) -> Option<&Self::Findings>;
    /// Where audit objects go; `None` keeps them in the log only.
    fn audit(&self) -> Option<&Self::Audit>;
}

/// The ports of a door that publishes findings: the pipeline's reads and Security Hub.
pub trait PublishPorts: PipelinePorts {
    type Findings: FindingsSink + Sync;
    /// Security Hub `BatchImportFindings`.
    fn findings(&self) -> &Self::Findings;
}

/// The config-rule function's ports: also AWS Config `PutEvaluations`.
pub trait RulePorts: PublishPorts {
    type Evaluations: EvaluationsSink + Sync;
    fn evaluations(&self) -> &Self::Evaluations;
}

/// The sweep function's ports: also the findings it owns, its queue, the Config recorder and
/// the inventory (for the types the recorder does not record).
pub trait SweepPorts: PublishPorts {
    type Stored: FindingsSource + Sync;
    type Queue: SweepQueue + Sync;
    type Recorders: RecorderSource + Sync;
    type Inventory: InventorySource + Sync;
    /// Security Hub `GetFindings` of sidewatch's own findings.
    fn stored(&self) -> &Self::Stored;
    fn queue(&self) -> &Self::Queue;
    fn recorders(&self) -> &Self::Recorders;
    fn inventory(&self) -> &Self::Inventory;
}

/// Reads the time (`CreatedAt` / `UpdatedAt`): the functions use the system clock, tests a
/// stopped one; the core itself reads no clock.
pub trait Clock: Send + Sync {
    /// Now, in UTC.
    fn now(&self) -> time::OffsetDateTime;
}

/// One object of the user's rules location: its name relative to the location
/// (`buckets.guard`, `team/payments.guard`, `exceptions.yaml`) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesObject {
    pub name: String,
    pub text: String,
}

/// Reads the user's rules files and exceptions file from where the deployment keeps them (an S3
/// prefix): once per cold start, every object under the location.
pub trait RulesStore {
    /// Every object under the location, each with its name relative to it. `Err` when the
    /// listing or a read failed: the function then refuses to start rather than run without
    /// part of the user's rules or exceptions.
    fn read_all(&self) -> impl Future<Output = Result<Vec<RulesObject>, PortError>> + Send;
}

/// Tells which account the credentials belong to (`sts:GetCallerIdentity`, which needs no
/// permission). A function knows its account from the ARN it is invoked under; this is the
/// fallback where no real ARN exists (a local Lambda emulator), and the CLI's way to know it.
pub trait CallerIdentity {
    /// The 12-digit account id.
    fn account(&self) -> impl Future<Output = Result<String, PortError>> + Send;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_throttling_and_unavailability_are_retryable() {
        assert!(FailureKind::Throttled.is_retryable());
        assert!(FailureKind::Unavailable.is_retryable());
        for kind in [
            FailureKind::AccessDenied,
            FailureKind::Invalid,
            FailureKind::NotFound,
            FailureKind::Other,
        ] {
            assert!(!kind.is_retryable(), "{kind:?}");
        }
    }

    #[test]
    fn the_error_names_operation_kind_and_code() {
        let error = PortError::new(
            "securityhub:BatchImportFindings",
            FailureKind::Throttled,
            Some("TooManyRequestsException".into()),
            "Rate exceeded",
        );
        assert_eq!(
            error.to_string(),
            "securityhub:BatchImportFindings failed (Throttled, TooManyRequestsException): Rate exceeded"
        );
        let bare = PortError::new("config:PutEvaluations", FailureKind::Other, None, "boom");
        assert_eq!(
            bare.to_string(),
            "config:PutEvaluations failed (Other): boom"
        );
    }
}
