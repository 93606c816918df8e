//! Evidence collection: the read-only calls that fill in what AWS Config does not record.
//!
//! [`EvidenceCollector::collect`] fetches each requested [`EvidenceKind`] once, a few at a time,
//! and stores in the item either the typed shape of `sidewatch_core::evidence::shapes` or, when the
//! read failed, an [`EvidenceError`] — never a default value that a control could mistake for a
//! compliant setting. The engine then evaluates the item as usual:
//!
//! ```no_run
//! # async fn run(item: &mut sidewatch_core::ConfigurationItem) {
//! use sidewatch_aws::{AwsClients, ClientOptions, EvidenceCollector};
//! use sidewatch_core::Engine;
//!
//! let clients = AwsClients::load(&ClientOptions::from_env()).await;
//! let collector = EvidenceCollector::new(clients);
//! let engine = Engine::with_defaults();
//! collector.collect(item, &engine.evidence_needed(item)).await;
//! let verdicts = engine.evaluate(item);
//! # }
//! ```
//!
//! Which resource each per-resource kind reads follows the Config item: the IAM user *name*
//! (`configuration.userName`, else `resourceName`, else the ARN's last path part — never
//! `resourceId`, which is the user id), the KMS key id (`configuration.keyId`, else `resourceId`),
//! the Lambda function name (`configuration.functionName`, else `resourceName`, else `resourceId`)
//! the VPC id (`configuration.vpcId`, else `resourceId`), the EC2 instance id
//! (`configuration.instanceId`, else `resourceId`) and the SSM document name (`configuration.Name`,
//! else `resourceName`, else `resourceId`).

/// Every item of every page of a paginated SDK request, or the evidence error of the failed page.
macro_rules! all_items {
    ($request:expr) => {
        $request
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .or_evidence_error()
    };
}

mod account;
mod cloudtrail;
mod credential_report;
mod iam;
mod resources;
mod ssm;
mod workloads;

use crate::clients::AwsClients;
use serde::Serialize;
use serde_json::Value;
use sidewatch_core::{ConfigurationItem, EvidenceError, EvidenceKind};
use std::collections::BTreeSet;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

pub use credential_report::{CredentialReport, parse_credential_report};

/// How many kinds are fetched at once for one item by default.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// Fetches evidence with the clients it holds. Build it once per process and share it (it is
/// cheap to clone); it caches the IAM credential report for [`credential_report::CACHE_FOR`], so
/// a sweep over many users generates and downloads the report once.
#[derive(Debug, Clone)]
pub struct EvidenceCollector {
    inner: Arc<Inner>,
    concurrency: usize,
}

#[derive(Debug)]
struct Inner {
    clients: AwsClients,
    report: credential_report::ReportCache,
}

impl EvidenceCollector {
    pub fn new(clients: AwsClients) -> Self {
        EvidenceCollector {
            inner: Arc::new(Inner {
                clients,
                report: credential_report::ReportCache::default(),
            }),
            concurrency: DEFAULT_CONCURRENCY,
        }
    }

    /// At most `n` (≥ 1) kinds are fetched at once for one item.
    pub fn with_concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// The clients the collector calls.
    pub fn clients(&self) -> &AwsClients {
        &self.inner.clients
    }

    /// Fetches each of `kinds` once (duplicates are ignored) and stores the evidence, or the
    /// failed read, in `item` under the kind's key. Never panics; a kind that does not fit the item
    /// (user MFA devices for a bucket) is stored as an `InvalidSubject` error.
    pub async fn collect(&self, item: &mut ConfigurationItem, kinds: &[EvidenceKind]) {
        let kinds: BTreeSet<EvidenceKind> = kinds.iter().copied().collect();
        if kinds.is_empty() {
            return;
        }
        let subject = Arc::new(Subject::of(item));
        let permits = Arc::new(Semaphore::new(self.concurrency));
        let mut tasks = JoinSet::new();
        for kind in kinds.iter().copied() {
            let inner = Arc::clone(&self.inner);
            let subject = Arc::clone(&subject);
            let permits = Arc::clone(&permits);
            tasks.spawn(async move {
                let value = match permits.acquire_owned().await {
                    Ok(_permit) => match inner.fetch(kind, &subject).await {
                        Ok(value) => value,
                        Err(error) => error.to_value(),
                    },
                    Err(_) => EvidenceError::new("InternalError", "the collector was shut down")
                        .to_value(),
                };
                (kind, value)
            });
        }
        let mut collected = Vec::with_capacity(kinds.len());
        while let Some(joined) = tasks.join_next().await {
            if let Ok(pair) = joined {
                collected.push(pair);
            }
        }
        // A task that panicked or was cancelled left no entry: record that, never leave it blank.
        for kind in kinds {
            if !collected.iter().any(|(k, _)| *k == kind) {
                collected.push((
                    kind,
                    EvidenceError::new("InternalError", "the collection task did not finish")
                        .to_value(),
                ));
            }
        }
        collected.sort_by_key(|(kind, _)| *kind);
        for (kind, value) in collected {
            item.insert_evidence(kind, value);
        }
    }

    /// Collects what `engine` says the item still needs, then returns the kinds it fetched.
    pub async fn collect_needed(
        &self,
        engine: &sidewatch_core::Engine,
        item: &mut ConfigurationItem,
    ) -> Vec<EvidenceKind> {
        let kinds = engine.evidence_needed(item);
        self.collect(item, &kinds).await;
        kinds
    }
}

/// The collector is the core's evidence port: doors that take any
/// [`EvidenceSource`](sidewatch_core::ports::EvidenceSource) get it in production and a fake in tests.
impl sidewatch_core::ports::EvidenceSource for EvidenceCollector {
    fn collect(
        &self,
        item: &mut ConfigurationItem,
        kinds: &[EvidenceKind],
    ) -> impl std::future::Future<Output = ()> + Send {
        EvidenceCollector::collect(self, item, kinds)
    }
}

impl Inner {
    async fn fetch(&self, kind: EvidenceKind, subject: &Subject) -> Result<Value, EvidenceError> {
        let c = &self.clients;
        match kind {
            EvidenceKind::IamUserMfaDevices => iam::mfa_devices(c, subject.iam_user()?).await,
            EvidenceKind::IamUserLoginProfile => iam::login_profile(c, subject.iam_user()?).await,
            EvidenceKind::IamUserAccessKeys => iam::access_keys(c, subject.iam_user()?).await,
            EvidenceKind::IamCredentialReportRow => {
                let user = subject.iam_user()?;
                let report = self.report.get(c).await?;
                credential_report::row_for(&report, user, subject.arn.as_deref())
            }
            EvidenceKind::KmsKeyRotation => resources::key_rotation(c, subject.kms_key()?).await,
            EvidenceKind::LambdaEnvironmentSecrets => {
                resources::environment_secrets(c, subject.lambda_function()?).await
            }
            EvidenceKind::VpcFlowLogs => resources::flow_logs(c, subject.vpc()?).await,
            EvidenceKind::VpcEndpoints => resources::vpc_endpoints(c, subject.vpc()?).await,
            EvidenceKind::SsmInstanceInformation => {
                ssm::instance_information(c, subject.ec2_instance()?).await
            }
            EvidenceKind::SsmDocumentPermissions => {
                ssm::document_permissions(c, subject.ssm_document()?).await
            }
            EvidenceKind::EcrRegistryScanning => {
                subject.of_type("AWS::ECR::Repository")?;
                workloads::registry_scanning(c).await
            }
            EvidenceKind::ElbV2Listeners => workloads::listeners(c, subject.load_balancer()?).await,
            EvidenceKind::WafClassicLogging => {
                workloads::waf_classic_logging(c, subject.web_acl("AWS::WAF::WebACL")?).await
            }
            EvidenceKind::WafV2Logging => {
                workloads::waf_logging(c, subject.web_acl("AWS::WAFv2::WebACL")?).await
            }
            EvidenceKind::SecretsManagerSecret => {
                workloads::secret_dates(c, subject.secret()?).await
            }
            EvidenceKind::DynamoDbAutoScaling => {
                workloads::table_scaling(c, &subject.table_scaling_ids()?).await
            }
            EvidenceKind::IamAccountSummary => iam::account_summary(c).await,
            EvidenceKind::IamRootVirtualMfa => iam::root_virtual_mfa(c).await,
            EvidenceKind::IamPasswordPolicy => iam::password_policy(c).await,
            EvidenceKind::IamSupportRole => iam::support_role(c, &subject.partition).await,
            EvidenceKind::EbsEncryptionByDefault => account::ebs_encryption_by_default(c).await,
            EvidenceKind::CloudTrailTrails => cloudtrail::trails(c).await,
            EvidenceKind::ConfigRecorders => account::config_recorders(c).await,
            EvidenceKind::GuardDutyDetectors => account::guardduty_detectors(c).await,
            EvidenceKind::AccessAnalyzers => account::access_analyzers(c).await,
            EvidenceKind::S3AccountPublicAccessBlock => {
                account::s3_public_access_block(c, subject.account()?).await
            }
            EvidenceKind::SecurityContact => account::security_contact(c).await,
            EvidenceKind::EbsPublicSnapshots => account::public_snapshots(c).await,
            EvidenceKind::InspectorAccountStatus => {
                account::inspector_status(c, subject.account()?).await
            }
        }
    }
}

/// What the fetchers need to know about the item, taken out of it before the tasks start.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Subject {
    resource_type: String,
    user_name: Option<String>,
    arn: Option<String>,
    key_id: Option<String>,
    function_name: Option<String>,
    vpc_id: Option<String>,
    instance_id: Option<String>,
    document_name: Option<String>,
    table_name: Option<String>,
    /// The table's global secondary indexes, by name.
    table_indexes: Vec<String>,
    account_id: Option<String>,
    partition: String,
}

impl Subject {
    pub(crate) fn of(item: &ConfigurationItem) -> Self {
        let config = |pointer: &str| {
            item.config_str(pointer)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let name = item
            .resource_name
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let id = Some(item.resource_id.trim().to_owned()).filter(|s| !s.is_empty());
        let mut subject = Subject {
            resource_type: item.resource_type.clone(),
            arn: item.arn.clone().filter(|a| !a.is_empty()),
            account_id: item
                .account_id
                .clone()
                .filter(|a| !a.is_empty())
                .or_else(|| config("/accountId")),
            partition: partition(item),
            ..Subject::default()
        };
        match item.resource_type.as_str() {
            "AWS::IAM::User" => {
                subject.user_name = config("/userName")
                    .or(name)
                    .or_else(|| item.arn.as_deref().and_then(user_name_from_arn));
            }
            "AWS::KMS::Key" => subject.key_id = config("/keyId").or(id),
            "AWS::Lambda::Function" => {
                subject.function_name = config("/functionName").or(name).or(id);
            }
            "AWS::EC2::VPC" => subject.vpc_id = config("/vpcId").or(id),
            "AWS::EC2::Instance" => subject.instance_id = config("/instanceId").or(id),
            "AWS::SSM::Document" => subject.document_name = config("/Name").or(name).or(id),
            "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
                subject.arn = subject.arn.take().or_else(|| config("/loadBalancerArn"));
            }
            "AWS::WAFv2::WebACL" => subject.arn = subject.arn.take().or_else(|| config("/arn")),
            "AWS::SecretsManager::Secret" => {
                subject.arn = subject.arn.take().or_else(|| config("/ARN")).or(name);
            }
            "AWS::DynamoDB::Table" => {
                subject.table_indexes = item
                    .config("/globalSecondaryIndexes")
                    .and_then(Value::as_array)
                    .map(|list| {
                        list.iter()
                            .filter_map(|i| i.get("indexName").and_then(Value::as_str))
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                subject.table_name = config("/tableName").or(name).or(id);
            }
            _ => {}
        }
        subject
    }

    fn require<'a>(
        &self,
        value: &'a Option<String>,
        resource_type: &str,
        what: &str,
    ) -> Result<&'a str, EvidenceError> {
        if self.resource_type != resource_type {
            return Err(EvidenceError::new(
                "InvalidSubject",
                format!(
                    "this evidence describes an {resource_type}, not an {}",
                    self.resource_type
                ),
            ));
        }
        value.as_deref().ok_or_else(|| {
            EvidenceError::new(
                "InvalidSubject",
                format!("the configuration item names no {what}"),
            )
        })
    }

    fn iam_user(&self) -> Result<&str, EvidenceError> {
        self.require(&self.user_name, "AWS::IAM::User", "user name")
    }

    fn kms_key(&self) -> Result<&str, EvidenceError> {
        self.require(&self.key_id, "AWS::KMS::Key", "key id")
    }

    fn lambda_function(&self) -> Result<&str, EvidenceError> {
        self.require(
            &self.function_name,
            "AWS::Lambda::Function",
            "function name",
        )
    }

    fn vpc(&self) -> Result<&str, EvidenceError> {
        self.require(&self.vpc_id, "AWS::EC2::VPC", "VPC id")
    }

    fn ec2_instance(&self) -> Result<&str, EvidenceError> {
        self.require(&self.instance_id, "AWS::EC2::Instance", "instance id")
    }

    fn ssm_document(&self) -> Result<&str, EvidenceError> {
        self.require(&self.document_name, "AWS::SSM::Document", "document name")
    }

    /// Only checks that the item is of `resource_type` (evidence read from the Region, not the
    /// resource).
    fn of_type(&self, resource_type: &str) -> Result<(), EvidenceError> {
        self.require(&Some(String::new()), resource_type, "resource")
            .map(|_| ())
    }

    fn load_balancer(&self) -> Result<&str, EvidenceError> {
        self.require(
            &self.arn,
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            "load balancer ARN",
        )
    }

    fn web_acl(&self, resource_type: &str) -> Result<&str, EvidenceError> {
        self.require(&self.arn, resource_type, "web ACL ARN")
    }

    fn secret(&self) -> Result<&str, EvidenceError> {
        self.require(
            &self.arn,
            "AWS::SecretsManager::Secret",
            "secret ARN or name",
        )
    }

    /// The Application Auto Scaling resource ids of the table and its indexes
    /// (`table/<name>`, `table/<name>/index/<index>`).
    fn table_scaling_ids(&self) -> Result<Vec<String>, EvidenceError> {
        let name = self.require(&self.table_name, "AWS::DynamoDB::Table", "table name")?;
        Ok(std::iter::once(format!("table/{name}"))
            .chain(
                self.table_indexes
                    .iter()
                    .map(|i| format!("table/{name}/index/{i}")),
            )
            .collect())
    }

    fn account(&self) -> Result<&str, EvidenceError> {
        self.account_id.as_deref().ok_or_else(|| {
            EvidenceError::new(
                "InvalidSubject",
                "the configuration item names no account id",
            )
        })
    }
}

/// The user name in `arn:aws:iam::123456789012:user/path/name`.
fn user_name_from_arn(arn: &str) -> Option<String> {
    let path = sidewatch_core::arn::Arn::parse(arn)?
        .resource
        .strip_prefix("user/")?;
    path.rsplit('/')
        .next()
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
}

/// The partition: from the item's ARN, else from its Region (`cn-…`, `us-gov-…`), else `aws`.
fn partition(item: &ConfigurationItem) -> String {
    if item.arn.is_some() {
        return item.partition().to_owned();
    }
    let region = item
        .region
        .as_deref()
        .or_else(|| item.config_str("/awsRegion"))
        .unwrap_or_default();
    sidewatch_core::arn::partition_of_region(region).to_owned()
}

/// The shape as stored JSON.
pub(crate) fn to_json<T: Serialize>(shape: &T) -> Result<Value, EvidenceError> {
    serde_json::to_value(shape)
        .map_err(|e| EvidenceError::new("InternalError", format!("evidence not serializable: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(value: Value) -> ConfigurationItem {
        ConfigurationItem::from_value(value).unwrap()
    }

    #[test]
    fn iam_users_are_read_by_name_never_by_user_id() {
        let s = Subject::of(&item(json!({
            "resourceType": "AWS::IAM::User", "resourceId": "AIDAEXAMPLE",
            "resourceName": "dana", "configuration": {"userName": "dana"}
        })));
        assert_eq!(s.iam_user().unwrap(), "dana");
        let s = Subject::of(&item(json!({
            "resourceType": "AWS::IAM::User", "resourceId": "AIDAEXAMPLE",
            "ARN": "arn:aws:iam::123456789012:user/team/ops/erin", "configuration": {}
        })));
        assert_eq!(s.iam_user().unwrap(), "erin");
        let s = Subject::of(&item(json!({
            "resourceType": "AWS::IAM::User", "resourceId": "AIDAEXAMPLE", "configuration": {}
        })));
        let err = s.iam_user().unwrap_err();
        assert_eq!(err.code, "InvalidSubject");
        assert!(err.message.contains("user name"), "{err}");
    }

    #[test]
    fn resources_are_named_from_the_config_item_fields() {
        let key = Subject::of(&item(json!({
            "resourceType": "AWS::KMS::Key", "resourceId": "1234abcd-12ab-34cd-56ef-1234567890ab",
            "configuration": {}
        })));
        assert_eq!(
            key.kms_key().unwrap(),
            "1234abcd-12ab-34cd-56ef-1234567890ab"
        );
        let function = Subject::of(&item(json!({
            "resourceType": "AWS::Lambda::Function", "resourceId": "ignored-id",
            "resourceName": "ignored-name", "configuration": {"functionName": "orders"}
        })));
        assert_eq!(function.lambda_function().unwrap(), "orders");
        let vpc = Subject::of(&item(json!({
            "resourceType": "AWS::EC2::VPC", "resourceId": "vpc-1", "configuration": {"vpcId": "vpc-2"}
        })));
        assert_eq!(vpc.vpc().unwrap(), "vpc-2");
        let instance = Subject::of(&item(json!({
            "resourceType": "AWS::EC2::Instance", "resourceId": "i-1", "configuration": {}
        })));
        assert_eq!(instance.ec2_instance().unwrap(), "i-1");
        let document = Subject::of(&item(json!({
            "resourceType": "AWS::SSM::Document", "resourceId": "id-ignored",
            "configuration": {"Name": "deploy-app"}
        })));
        assert_eq!(document.ssm_document().unwrap(), "deploy-app");
        let err = vpc.kms_key().unwrap_err();
        assert!(err.message.contains("AWS::KMS::Key"), "{err}");
    }

    #[test]
    fn the_partition_follows_the_arn_or_the_region() {
        let account = ConfigurationItem::account("123456789012", "cn-north-1", true);
        assert_eq!(Subject::of(&account).partition, "aws-cn");
        assert_eq!(Subject::of(&account).account().unwrap(), "123456789012");
        let gov = ConfigurationItem::account("123456789012", "us-gov-west-1", true);
        assert_eq!(Subject::of(&gov).partition, "aws-us-gov");
        let user = item(json!({
            "resourceType": "AWS::IAM::User", "resourceId": "AIDA",
            "ARN": "arn:aws-us-gov:iam::123456789012:user/x", "configuration": {}
        }));
        assert_eq!(Subject::of(&user).partition, "aws-us-gov");
    }
}
