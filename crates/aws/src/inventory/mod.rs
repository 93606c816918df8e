//! Inventory: configuration items built from the service APIs, for accounts (or resource types)
//! that AWS Config does not record.
//!
//! [`Inventory::collect`] lists every resource of the requested types in the requested Regions
//! with read-only, paginated calls and hands each [`ConfigurationItem`] to a callback as soon as it
//! is built, so a large account never sits in memory. Items are in the **notification shape** with
//! the field names of the AWS Config resource schema (`configurationItemStatus` `OK`, capture time =
//! collection time), so the engine cannot tell them from Config's.
//!
//! Regional and global services: IAM users, roles and policies and CloudFront distributions are
//! listed once per account (`awsRegion` `global`); S3 buckets are listed once and each bucket's
//! Region comes from `GetBucketLocation` (buckets outside the requested Regions are skipped);
//! everything else is listed in each requested Region.
//!
//! A failed read never produces an item that could pass in its place: a failed listing is a
//! [`CollectionFailure`] and no item; a failed sub-read (a bucket's policy, a function's policy)
//! either leaves its key out where Config's controls treat absence as unknown, or — where absence is
//! a real state (no bucket policy, no function policy) — stores the evidence-error object
//! `{"sidewatchError": {"code", "message"}}` in place of the unreadable value, which the controls
//! cannot read as a policy and report as INSUFFICIENT_DATA. Either way the failure is in the report.
//! "Not found" answers (`NoSuchBucketPolicy`, `ResourceNotFoundException` from Lambda's
//! `GetPolicy`) mean absent, which is a real state.
//!
//! Lambda environment variable values never enter an item: their names are kept and each value is
//! replaced by [`REDACTED`] (secrets are found by the `LambdaEnvironmentSecrets` evidence, which
//! keeps only names and kinds). ECS task definitions are different: Config records their
//! environment values, so their items carry them as Config's do (a redacted value would read as
//! "no secret" to a detector that judges values).

mod apigateway_stage;
mod apigatewayv2_stage;
mod cloudfront_distribution;
mod cloudtrail_trail;
mod dynamodb_table;
mod ec2_instance;
mod ec2_launch_template;
mod ec2_network_acl;
mod ec2_security_group;
mod ec2_subnet;
mod ec2_volume;
mod ec2_vpc;
mod ecr_repository;
mod ecs;
mod ecs_cluster;
mod ecs_service;
mod ecs_task_definition;
mod ecs_task_set;
mod efs_file_system;
mod eks_cluster;
mod elb_classic;
mod elbv2;
mod iam;
mod iam_policy;
mod iam_role;
mod iam_user;
mod kms_key;
mod lambda_function;
mod rds_db_cluster;
mod rds_db_cluster_snapshot;
mod rds_db_instance;
mod rds_db_snapshot;
mod s3_bucket;
pub mod scope;
mod secretsmanager_secret;
mod sns_topic;
mod sqs_queue;
mod ssm_compliance;
mod ssm_document;
mod wafv2_web_acl;

pub(crate) use crate::error::port_error;
use aws_config::{Region, SdkConfig};
use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;
use serde_json::{Map, Value, json};
use sidewatch_core::arn::partition_of_region;
use sidewatch_core::ports::{FailureKind, PortError};
use sidewatch_core::{ConfigurationItem, EvidenceError};
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

/// What replaces every Lambda environment variable value.
pub const REDACTED: &str = "<redacted by sidewatch>";

/// The `awsRegion` of global (IAM) items, as AWS Config records them.
pub const GLOBAL_REGION: &str = "global";

/// How many resource type × Region listings run at once.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// How many per-resource detail reads (a bucket's settings, a key's description) run at once
/// within one listing.
pub const DEFAULT_DETAIL_CONCURRENCY: usize = 8;

/// The `configurationItemVersion` Config writes today.
const ITEM_VERSION: &str = "1.3";

/// Whether a resource type is listed per Region, once per account (IAM), or once with a
/// per-resource Region (S3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Regional,
    Global,
    ListedOnce,
}

/// The resource types the inventory builds, with their scope.
const TYPES: &[(&str, Scope)] = &[
    ("AWS::S3::Bucket", Scope::ListedOnce),
    ("AWS::EC2::SecurityGroup", Scope::Regional),
    ("AWS::EC2::NetworkAcl", Scope::Regional),
    ("AWS::EC2::VPC", Scope::Regional),
    ("AWS::EC2::Instance", Scope::Regional),
    ("AWS::EC2::Volume", Scope::Regional),
    ("AWS::IAM::User", Scope::Global),
    ("AWS::IAM::Policy", Scope::Global),
    ("AWS::IAM::Role", Scope::Global),
    ("AWS::CloudTrail::Trail", Scope::Regional),
    ("AWS::RDS::DBInstance", Scope::Regional),
    ("AWS::KMS::Key", Scope::Regional),
    ("AWS::Lambda::Function", Scope::Regional),
    ("AWS::EC2::Subnet", Scope::Regional),
    ("AWS::EC2::LaunchTemplate", Scope::Regional),
    ("AWS::SSM::Document", Scope::Regional),
    ("AWS::SSM::PatchCompliance", Scope::Regional),
    ("AWS::SSM::AssociationCompliance", Scope::Regional),
    ("AWS::ECR::Repository", Scope::Regional),
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", Scope::Regional),
    ("AWS::ElasticLoadBalancingV2::Listener", Scope::Regional),
    ("AWS::ElasticLoadBalancing::LoadBalancer", Scope::Regional),
    ("AWS::WAFv2::WebACL", Scope::Regional),
    ("AWS::SecretsManager::Secret", Scope::Regional),
    ("AWS::DynamoDB::Table", Scope::Regional),
    ("AWS::ECS::Cluster", Scope::Regional),
    ("AWS::ECS::Service", Scope::Regional),
    ("AWS::ECS::TaskDefinition", Scope::Regional),
    ("AWS::ECS::TaskSet", Scope::Regional),
    ("AWS::EKS::Cluster", Scope::Regional),
    ("AWS::RDS::DBCluster", Scope::Regional),
    ("AWS::RDS::DBSnapshot", Scope::Regional),
    ("AWS::RDS::DBClusterSnapshot", Scope::Regional),
    ("AWS::EFS::FileSystem", Scope::Regional),
    ("AWS::SQS::Queue", Scope::Regional),
    ("AWS::SNS::Topic", Scope::Regional),
    ("AWS::CloudFront::Distribution", Scope::Global),
    ("AWS::ApiGateway::Stage", Scope::Regional),
    ("AWS::ApiGatewayV2::Stage", Scope::Regional),
];

/// One read that failed during collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionFailure {
    /// The resource type being collected.
    pub resource_type: String,
    /// The Region (or `global`) being collected.
    pub region: String,
    /// The resource whose detail read failed; `None` when the listing itself failed (then no
    /// item of this type and Region was produced past the failed page).
    pub resource_id: Option<String>,
    /// What failed.
    pub error: PortError,
}

/// What a collection achieved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InventoryReport {
    /// How many items were handed to the callback.
    pub items: usize,
    /// Every failed read, listings and per-resource details alike.
    pub failures: Vec<CollectionFailure>,
}

impl InventoryReport {
    /// True when every read succeeded.
    pub fn is_complete(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Builds configuration items from the service APIs. Build it once per account; it is cheap to
/// clone.
#[derive(Debug, Clone)]
pub struct Inventory {
    sdk: SdkConfig,
    concurrency: usize,
    detail_concurrency: usize,
    s3_interceptors: Vec<SharedInterceptor>,
}

impl Inventory {
    /// An inventory over the account of `sdk`'s credentials. `sdk`'s Region is the one global
    /// services (IAM, S3's bucket listing) are called in.
    pub fn new(sdk: SdkConfig) -> Self {
        Inventory {
            sdk,
            concurrency: DEFAULT_CONCURRENCY,
            detail_concurrency: DEFAULT_DETAIL_CONCURRENCY,
            s3_interceptors: Vec::new(),
        }
    }

    /// Adds an interceptor to every S3 client. For local stand-ins that lack an S3 operation
    /// (moto's `GetBucketVersioning` answer cannot be read by the Rust SDK): a test answers that
    /// operation with a mock and lets the rest through.
    pub fn with_s3_interceptor(mut self, interceptor: SharedInterceptor) -> Self {
        self.s3_interceptors.push(interceptor);
        self
    }

    /// At most `listings` (≥ 1) type × Region listings at once, each with at most `details`
    /// (≥ 1) per-resource reads at once.
    pub fn with_concurrency(mut self, listings: usize, details: usize) -> Self {
        self.concurrency = listings.max(1);
        self.detail_concurrency = details.max(1);
        self
    }

    /// Every resource type the inventory can build.
    pub fn resource_types() -> Vec<&'static str> {
        TYPES.iter().map(|(t, _)| *t).collect()
    }

    /// Collects `resource_types` (unknown types are reported as failures) in `regions` (empty:
    /// the SDK configuration's Region), handing each item to `on_item` as it is built.
    pub async fn collect(
        &self,
        resource_types: &[&str],
        regions: &[String],
        mut on_item: impl FnMut(ConfigurationItem),
    ) -> InventoryReport {
        let failures = Failures::default();
        let home = self
            .sdk
            .region()
            .map_or_else(|| "us-east-1".to_owned(), |r| r.to_string());
        let regions: Vec<String> = if regions.is_empty() {
            vec![home.clone()]
        } else {
            regions.to_vec()
        };
        let account_id = match account_id(&self.sdk).await {
            Ok(id) => id,
            Err(error) => {
                failures.push(CollectionFailure {
                    resource_type: "*".to_owned(),
                    region: home,
                    resource_id: None,
                    error,
                });
                return InventoryReport {
                    items: 0,
                    failures: failures.take(),
                };
            }
        };
        let (sender, mut receiver) = mpsc::channel::<ConfigurationItem>(64);
        let permits = Arc::new(Semaphore::new(self.concurrency));
        let mut tasks = JoinSet::new();
        for &resource_type in resource_types {
            let Some((name, scope)) = TYPES.iter().find(|(t, _)| *t == resource_type) else {
                failures.push(CollectionFailure {
                    resource_type: resource_type.to_owned(),
                    region: home.clone(),
                    resource_id: None,
                    error: PortError::new(
                        "inventory",
                        FailureKind::Invalid,
                        None,
                        format!("sidewatch has no collector for {resource_type}"),
                    ),
                });
                continue;
            };
            let targets: Vec<(String, Vec<String>)> = match scope {
                Scope::Regional => regions
                    .iter()
                    .map(|r| (r.clone(), vec![r.clone()]))
                    .collect(),
                Scope::Global => vec![(GLOBAL_REGION.to_owned(), Vec::new())],
                Scope::ListedOnce => vec![(home.clone(), regions.clone())],
            };
            for (region, wanted) in targets {
                let sdk_region = if *scope == Scope::Regional {
                    region.clone()
                } else {
                    home.clone()
                };
                let ctx = Ctx {
                    sdk: with_region(&self.sdk, &sdk_region),
                    account_id: account_id.clone(),
                    partition: partition_of_region(&sdk_region).to_owned(),
                    region: region.clone(),
                    wanted_regions: wanted,
                    detail_concurrency: self.detail_concurrency,
                    s3_interceptors: self.s3_interceptors.clone(),
                    out: Emitter {
                        items: sender.clone(),
                        failures: failures.clone(),
                        resource_type: name,
                        region,
                    },
                };
                let permits = Arc::clone(&permits);
                tasks.spawn(async move {
                    let Ok(_permit) = permits.acquire_owned().await else {
                        return;
                    };
                    run_collector(ctx).await;
                });
            }
        }
        drop(sender);
        let mut items = 0;
        while let Some(item) = receiver.recv().await {
            items += 1;
            on_item(item);
        }
        while let Some(joined) = tasks.join_next().await {
            if let Err(e) = joined {
                failures.push(CollectionFailure {
                    resource_type: "*".to_owned(),
                    region: String::new(),
                    resource_id: None,
                    error: PortError::new(
                        "inventory",
                        FailureKind::Other,
                        None,
                        format!("a collection task did not finish: {e}"),
                    ),
                });
            }
        }
        let mut failures = failures.take();
        failures.sort_by(|a, b| {
            (&a.resource_type, &a.region, &a.resource_id).cmp(&(
                &b.resource_type,
                &b.region,
                &b.resource_id,
            ))
        });
        InventoryReport { items, failures }
    }

    /// [`Inventory::collect`] into a vector, for small accounts and tests.
    pub async fn collect_all(
        &self,
        resource_types: &[&str],
        regions: &[String],
    ) -> (Vec<ConfigurationItem>, InventoryReport) {
        let mut items = Vec::new();
        let report = self
            .collect(resource_types, regions, |item| items.push(item))
            .await;
        (items, report)
    }
}

async fn run_collector(ctx: Ctx) {
    let result = match ctx.out.resource_type {
        "AWS::S3::Bucket" => s3_bucket::collect(&ctx).await,
        "AWS::EC2::SecurityGroup" => ec2_security_group::collect(&ctx).await,
        "AWS::EC2::NetworkAcl" => ec2_network_acl::collect(&ctx).await,
        "AWS::EC2::VPC" => ec2_vpc::collect(&ctx).await,
        "AWS::EC2::Instance" => ec2_instance::collect(&ctx).await,
        "AWS::EC2::Volume" => ec2_volume::collect(&ctx).await,
        "AWS::IAM::User" => iam_user::collect(&ctx).await,
        "AWS::IAM::Policy" => iam_policy::collect(&ctx).await,
        "AWS::IAM::Role" => iam_role::collect(&ctx).await,
        "AWS::CloudTrail::Trail" => cloudtrail_trail::collect(&ctx).await,
        "AWS::RDS::DBInstance" => rds_db_instance::collect(&ctx).await,
        "AWS::KMS::Key" => kms_key::collect(&ctx).await,
        "AWS::Lambda::Function" => lambda_function::collect(&ctx).await,
        "AWS::EC2::Subnet" => ec2_subnet::collect(&ctx).await,
        "AWS::EC2::LaunchTemplate" => ec2_launch_template::collect(&ctx).await,
        "AWS::SSM::Document" => ssm_document::collect(&ctx).await,
        "AWS::SSM::PatchCompliance" | "AWS::SSM::AssociationCompliance" => {
            ssm_compliance::collect(&ctx).await
        }
        "AWS::ECR::Repository" => ecr_repository::collect(&ctx).await,
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => elbv2::collect_load_balancers(&ctx).await,
        "AWS::ElasticLoadBalancingV2::Listener" => elbv2::collect_listeners(&ctx).await,
        "AWS::ElasticLoadBalancing::LoadBalancer" => elb_classic::collect(&ctx).await,
        "AWS::WAFv2::WebACL" => wafv2_web_acl::collect(&ctx).await,
        "AWS::SecretsManager::Secret" => secretsmanager_secret::collect(&ctx).await,
        "AWS::DynamoDB::Table" => dynamodb_table::collect(&ctx).await,
        "AWS::ECS::Cluster" => ecs_cluster::collect(&ctx).await,
        "AWS::ECS::Service" => ecs_service::collect(&ctx).await,
        "AWS::ECS::TaskDefinition" => ecs_task_definition::collect(&ctx).await,
        "AWS::ECS::TaskSet" => ecs_task_set::collect(&ctx).await,
        "AWS::EKS::Cluster" => eks_cluster::collect(&ctx).await,
        "AWS::RDS::DBCluster" => rds_db_cluster::collect(&ctx).await,
        "AWS::RDS::DBSnapshot" => rds_db_snapshot::collect(&ctx).await,
        "AWS::RDS::DBClusterSnapshot" => rds_db_cluster_snapshot::collect(&ctx).await,
        "AWS::EFS::FileSystem" => efs_file_system::collect(&ctx).await,
        "AWS::SQS::Queue" => sqs_queue::collect(&ctx).await,
        "AWS::SNS::Topic" => sns_topic::collect(&ctx).await,
        "AWS::CloudFront::Distribution" => cloudfront_distribution::collect(&ctx).await,
        "AWS::ApiGateway::Stage" => apigateway_stage::collect(&ctx).await,
        "AWS::ApiGatewayV2::Stage" => apigatewayv2_stage::collect(&ctx).await,
        _ => Ok(()),
    };
    if let Err(error) = result {
        ctx.out.failure(None, error);
    }
}

/// The account of the credentials (`sts:GetCallerIdentity`).
async fn account_id(sdk: &SdkConfig) -> Result<String, PortError> {
    use sidewatch_core::ports::CallerIdentity;
    crate::sts::StsIdentity::new(sdk).account().await
}

fn with_region(sdk: &SdkConfig, region: &str) -> SdkConfig {
    sdk.to_builder()
        .region(Region::new(region.to_owned()))
        .build()
}

/// The evidence-error object stored in place of a value that could not be read.
pub(crate) fn unreadable(error: &PortError) -> Value {
    EvidenceError::new(
        error
            .code
            .clone()
            .unwrap_or_else(|| "ReadFailed".to_owned()),
        format!("{}: {}", error.operation, error.message),
    )
    .to_value()
}

#[derive(Debug, Clone, Default)]
struct Failures(Arc<Mutex<Vec<CollectionFailure>>>);

impl Failures {
    fn push(&self, failure: CollectionFailure) {
        let mut list = self.0.lock().unwrap_or_else(|e| e.into_inner());
        list.push(failure);
    }

    fn take(&self) -> Vec<CollectionFailure> {
        let mut list = self.0.lock().unwrap_or_else(|e| e.into_inner());
        std::mem::take(&mut *list)
    }
}

/// Where a collector sends its items and failures.
#[derive(Debug, Clone)]
pub(crate) struct Emitter {
    items: mpsc::Sender<ConfigurationItem>,
    failures: Failures,
    resource_type: &'static str,
    region: String,
}

impl Emitter {
    pub(crate) async fn item(&self, item: ConfigurationItem) {
        // The receiver lives until every collector has finished.
        let _ = self.items.send(item).await;
    }

    pub(crate) fn failure(&self, resource_id: Option<&str>, error: PortError) {
        self.failures.push(CollectionFailure {
            resource_type: self.resource_type.to_owned(),
            region: self.region.clone(),
            resource_id: resource_id.map(str::to_owned),
            error,
        });
    }
}

/// What one collector run needs: clients' configuration for its Region, the account, where to
/// send items.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub(crate) sdk: SdkConfig,
    pub(crate) account_id: String,
    pub(crate) partition: String,
    /// The Region the items are in (`global` for IAM).
    pub(crate) region: String,
    /// For S3: the Regions whose buckets are wanted.
    pub(crate) wanted_regions: Vec<String>,
    pub(crate) detail_concurrency: usize,
    pub(crate) s3_interceptors: Vec<SharedInterceptor>,
    pub(crate) out: Emitter,
}

impl Ctx {
    /// `arn:<partition>:<service>:<region>:<account>:<resource>`.
    pub(crate) fn arn(&self, service: &str, resource: &str) -> String {
        format!(
            "arn:{}:{service}:{}:{}:{resource}",
            self.partition, self.region, self.account_id
        )
    }

    /// A new item of this collector's type with the fields every item carries.
    pub(crate) fn item(&self, id: &str, name: Option<&str>, arn: Option<String>) -> ItemParts {
        ItemParts {
            resource_type: self.out.resource_type,
            resource_id: id.to_owned(),
            resource_name: name.map(str::to_owned),
            arn,
            account_id: self.account_id.clone(),
            region: self.region.clone(),
            availability_zone: None,
            tags: BTreeMap::new(),
            configuration: Value::Null,
            supplementary: Map::new(),
        }
    }

    /// Runs `work` for each of `inputs`, at most `detail_concurrency` at once.
    pub(crate) async fn for_each<T, F, Fut>(&self, inputs: Vec<T>, work: F)
    where
        T: Send + 'static,
        F: Fn(Ctx, T) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let permits = Arc::new(Semaphore::new(self.detail_concurrency));
        let mut tasks = JoinSet::new();
        for input in inputs {
            let future = work(self.clone(), input);
            let permits = Arc::clone(&permits);
            tasks.spawn(async move {
                if let Ok(_permit) = permits.acquire_owned().await {
                    future.await;
                }
            });
        }
        while let Some(joined) = tasks.join_next().await {
            if let Err(e) = joined {
                self.out.failure(
                    None,
                    PortError::new(
                        "inventory",
                        FailureKind::Other,
                        None,
                        format!("a detail read did not finish: {e}"),
                    ),
                );
            }
        }
    }
}

/// An item under construction (the parts a collector fills in).
#[derive(Debug, Clone)]
pub(crate) struct ItemParts {
    pub(crate) resource_type: &'static str,
    pub(crate) resource_id: String,
    pub(crate) resource_name: Option<String>,
    pub(crate) arn: Option<String>,
    pub(crate) account_id: String,
    pub(crate) region: String,
    pub(crate) availability_zone: Option<String>,
    pub(crate) tags: BTreeMap<String, String>,
    pub(crate) configuration: Value,
    pub(crate) supplementary: Map<String, Value>,
}

impl ItemParts {
    /// The item, in the notification shape, normalised exactly as a Config item is
    /// (`ConfigurationItem::from_value`), with the capture time set to now.
    pub(crate) fn build(self) -> ConfigurationItem {
        let value = self.to_notification_json(&now());
        match ConfigurationItem::from_value(value) {
            Ok(item) => item,
            // Unreachable (the value always has a type and an id); never panic anyway.
            Err(_) => ConfigurationItem::new(self.resource_type, self.resource_id),
        }
    }

    fn to_notification_json(&self, captured: &str) -> Value {
        json!({
            "configurationItemVersion": ITEM_VERSION,
            "configurationItemCaptureTime": captured,
            "configurationItemStatus": "OK",
            "awsAccountId": self.account_id,
            "resourceType": self.resource_type,
            "resourceId": self.resource_id,
            "resourceName": self.resource_name,
            "ARN": self.arn,
            "awsRegion": self.region,
            "availabilityZone": self.availability_zone.as_deref().unwrap_or("Not Applicable"),
            "tags": self.tags,
            "relationships": [],
            "relatedEvents": [],
            "configuration": self.configuration,
            "supplementaryConfiguration": self.supplementary,
        })
    }
}

/// Now, as Config writes capture times (RFC 3339, milliseconds, `Z`).
fn now() -> String {
    let now = time::OffsetDateTime::now_utc();
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    now.format(&format).unwrap_or_default()
}

/// `[{key, value}]` tags (EC2, RDS, IAM style) as Config's `tags` list and as the item's tag map.
pub(crate) fn key_value_tags<'a>(
    pairs: impl Iterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> (Value, BTreeMap<String, String>) {
    let mut list = Vec::new();
    let mut map = BTreeMap::new();
    for (key, value) in pairs {
        let Some(key) = key else { continue };
        let value = value.unwrap_or_default();
        list.push(json!({"key": key, "value": value}));
        map.insert(key.to_owned(), value.to_owned());
    }
    (Value::Array(list), map)
}

/// Attribute maps (SQS queues, SNS topics: every value a string) as a Config `configuration`:
/// the keys the schema lists, counts parsed as integers and dates (epoch seconds) as RFC 3339. A
/// value that does not parse is kept as its text, so a reader sees a wrong type, never a made-up
/// number; keys the schema does not list are left out.
pub(crate) fn typed_attributes(
    attributes: &std::collections::HashMap<String, String>,
    integers: &[&str],
    strings: &[&str],
    dates: &[&str],
) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, raw) in attributes {
        let key_str = key.as_str();
        let value = if integers.contains(&key_str) {
            raw.parse::<i64>()
                .map_or_else(|_| Value::String(raw.clone()), Value::from)
        } else if dates.contains(&key_str) {
            // Whole seconds from AWS; fractional ones from some stand-ins.
            raw.parse::<f64>()
                .ok()
                .filter(|secs| secs.is_finite())
                .map_or_else(
                    || Value::String(raw.clone()),
                    |secs| {
                        crate::convert::rfc3339_or_null(Some(
                            &aws_smithy_types::DateTime::from_secs_f64(secs.trunc()),
                        ))
                    },
                )
        } else if strings.contains(&key_str) {
            Value::String(raw.clone())
        } else {
            continue;
        };
        out.insert(key.clone(), value);
    }
    out
}

/// The inventory as the sweep's inventory port: one type in one Region per call.
impl sidewatch_core::ports::InventorySource for Inventory {
    fn resource_types(&self) -> Vec<String> {
        Inventory::resource_types()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    async fn collect(&self, resource_type: &str, region: &str) -> sidewatch_core::ports::Collected {
        let (items, report) = self
            .collect_all(&[resource_type], &[region.to_owned()])
            .await;
        sidewatch_core::ports::Collected {
            items,
            // A failure without a resource (a listing, or the account lookup) makes the
            // collection incomplete: the sweep then archives nothing.
            failures: report
                .failures
                .into_iter()
                .map(|f| sidewatch_core::ports::CollectFailure {
                    resource_id: f.resource_id,
                    error: f.error,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_in_the_notification_shape_and_parse_like_configs() {
        let parts = ItemParts {
            resource_type: "AWS::EC2::VPC",
            resource_id: "vpc-1".into(),
            resource_name: None,
            arn: Some("arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1".into()),
            account_id: "123456789012".into(),
            region: "eu-west-1".into(),
            availability_zone: None,
            tags: BTreeMap::from([("Name".to_owned(), "prod".to_owned())]),
            configuration: json!({"vpcId": "vpc-1"}),
            supplementary: Map::new(),
        };
        let raw = parts.to_notification_json("2026-01-02T03:04:05.678Z");
        assert_eq!(raw["configurationItemStatus"], "OK");
        assert_eq!(raw["awsAccountId"], "123456789012");
        let item = parts.build();
        assert_eq!(item.status, sidewatch_core::ItemStatus::Ok);
        assert_eq!(item.account_id.as_deref(), Some("123456789012"));
        assert_eq!(item.region.as_deref(), Some("eu-west-1"));
        assert_eq!(item.tags.get("Name").map(String::as_str), Some("prod"));
        assert_eq!(item.config_str("/vpcId"), Some("vpc-1"));
        assert!(item.capture_time.is_some());
        assert_eq!(item.version.as_deref(), Some("1.3"));
    }

    #[test]
    fn capture_times_look_like_configs() {
        let now = now();
        assert_eq!(now.len(), "2026-01-02T03:04:05.678Z".len(), "{now}");
        assert!(now.ends_with('Z'));
    }

    #[test]
    fn every_type_is_covered_by_a_control() {
        let engine = sidewatch_core::Engine::with_defaults();
        for t in Inventory::resource_types() {
            assert!(engine.covers(t), "{t} has no control");
        }
    }
}
