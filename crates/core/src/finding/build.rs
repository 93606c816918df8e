//! From an evaluation of a configuration item to an ASFF finding.

use super::model::{
    Action, AwsApiCallAction, Compliance, ComplianceStatus, DomainDetails, Finding,
    FindingProviderFields, FindingSeverity, Recommendation, RecordState, Remediation,
    RemoteIpDetails, Resource,
};
use super::validate::MAX_GENERATOR_ID;
use super::{FindingError, SCHEMA_VERSION, Source, is_blank, truncate_chars};
use crate::actor::{Actor, Caller};
use crate::arn::{Arn, DefaultProduct, Partition, partition_of_region};
use crate::control::{Control, Mappings, Severity};
use crate::engine::Evaluation;
use crate::item::ConfigurationItem;
use crate::verdict::{Verdict, truncate_with_ellipsis};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::net::IpAddr;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// ASFF length limits, in characters (builders cut in bytes, which is never longer).
pub(super) const MAX_TITLE: usize = 256;
pub(super) const MAX_DESCRIPTION: usize = 1024;
pub(super) const MAX_RECOMMENDATION_TEXT: usize = 512;
pub(super) const MAX_RELATED_REQUIREMENTS: usize = 32;
pub(super) const MAX_PRODUCT_FIELD_VALUE: usize = 2048;
pub(super) const MAX_TAGS: usize = 50;
pub(super) const MAX_TAG_KEY: usize = 128;
pub(super) const MAX_TAG_VALUE: usize = 256;

/// `Types` of a control mapped to FSBP: what Security Hub's own FSBP findings carry.
const TYPE_FSBP: &str = "Software and Configuration Checks/Industry and Regulatory Standards/\
                         AWS-Foundational-Security-Best-Practices";
/// `Types` of a control mapped to the CIS benchmark (classifier from the ASFF types taxonomy).
const TYPE_CIS: &str = "Software and Configuration Checks/Industry and Regulatory Standards/\
                        CIS AWS Foundations Benchmark";
/// `Types` of sidewatch's own controls, mapped to no standard.
const TYPE_BEST_PRACTICES: &str = "Software and Configuration Checks/AWS Security Best Practices";

/// What the builder needs beyond the item and the verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingContext {
    /// `--account`: wins over the item's account id. Blank counts as not given.
    pub account_override: Option<String>,
    /// `--region`: wins over the item's `awsRegion`. Blank counts as not given.
    pub region_override: Option<String>,
    /// Which door produced the finding.
    pub source: Source,
    /// The time of the run; the core reads no clock. `CreatedAt` / `UpdatedAt` are the item's
    /// observation time ([`FindingBuilder::observed_at`]), which never lies after it.
    pub now: OffsetDateTime,
}

/// How far before the run a finding's `UpdatedAt` may lie: one day, the longest an AWS retry
/// keeps an event (EventBridge retries for 24 hours, Lambda's asynchronous retries for 6).
///
/// Security Hub ignores an update whose `UpdatedAt` is before the stored one, and deletes a
/// finding 90 days after its `UpdatedAt`: taking the capture time as it is would order races
/// right but let Security Hub expire (at once) the finding of a resource unchanged for 90 days.
/// Within this window the capture time orders the updates exactly; an item older than it (a
/// dead-letter queue redriven days later) counts as observed a day before the run, and the
/// sweep, which reads the latest item, puts the newer state back.
pub const MAX_OBSERVATION_AGE: time::Duration = time::Duration::days(1);

/// Builds findings for one context (one door, one clock reading).
#[derive(Debug, Clone)]
pub struct FindingBuilder {
    ctx: FindingContext,
    /// `now` as RFC 3339 UTC, or why it could not be written.
    now: Result<String, FindingError>,
}

impl FindingBuilder {
    pub fn new(ctx: FindingContext) -> Self {
        let now = rfc3339(ctx.now);
        FindingBuilder { ctx, now }
    }

    /// When the finding's state was observed: the item's `configurationItemCaptureTime`, held
    /// within [`MAX_OBSERVATION_AGE`] before the run and never after it (a capture time in the
    /// future, a forged event's, would otherwise freeze the finding against every later update);
    /// the run's time when the item has none (account-level items and the inventory's carry the
    /// time they were built).
    ///
    /// It becomes `CreatedAt` and `UpdatedAt`, so Security Hub, which ignores an update whose
    /// `UpdatedAt` is before the stored one, keeps the newer configuration when two evaluations
    /// of one resource race and the older item arrives last — the ordering AWS Config gets from
    /// the `OrderingTimestamp` of the same capture time.
    pub fn observed_at(&self, item: &ConfigurationItem) -> OffsetDateTime {
        let now = self.ctx.now;
        item.capture_time
            .as_deref()
            .and_then(|t| OffsetDateTime::parse(t.trim(), &Rfc3339).ok())
            .map_or(now, |captured| {
                let oldest = now.checked_sub(MAX_OBSERVATION_AGE).unwrap_or(now);
                captured.clamp(oldest, now)
            })
    }

    /// The context this builder was made with.
    pub fn context(&self) -> &FindingContext {
        &self.ctx
    }

    /// `now` as RFC 3339 UTC, when it could be written.
    pub(super) fn now_text(&self) -> Option<&str> {
        self.now.as_deref().ok()
    }

    /// The finding for one control's verdict on one item, with every field validated (the
    /// serialized size is checked when it is encoded).
    ///
    /// Fails when the account or Region cannot be determined (the message says to pass
    /// `--account` / `--region`) or when the result would not be valid ASFF.
    pub fn build(
        &self,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
    ) -> Result<Finding, FindingError> {
        self.build_changed(item, evaluation, None)
    }

    /// [`FindingBuilder::build`], naming `actor` — the caller of the API call a CloudTrail record
    /// ties to this resource — in `Action` and in the `sidewatch/ChangedBy`,
    /// `sidewatch/ChangeEventId` and `sidewatch/ChangeEvent` product fields.
    pub fn build_changed(
        &self,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
        actor: Option<&Actor>,
    ) -> Result<Finding, FindingError> {
        let control: &Control = evaluation.control;
        let verdict = &evaluation.verdict;
        let account = self.account(item)?;
        let region = self.region(item)?;
        let partition = partition(item, &region);
        // The run's own time must be writable: a context no finding can carry is an error
        // whatever the item says.
        self.now.as_ref().map_err(FindingError::clone)?;
        let observed = rfc3339(self.observed_at(item))?;
        let (status, severity, record_state) = outcome(verdict, control.severity);
        let types = finding_types(&control.mappings);
        let mut related_requirements = control.mappings.related_requirements();
        related_requirements.truncate(MAX_RELATED_REQUIREMENTS);

        let finding = Finding {
            schema_version: SCHEMA_VERSION.to_owned(),
            id: finding_id(partition, &account, &region, control.id, &item.resource_id),
            product_arn: DefaultProduct {
                partition,
                region: &region,
                account: &account,
            }
            .to_string(),
            generator_id: generator_id(control),
            aws_account_id: account.clone(),
            types: types.clone(),
            created_at: observed.clone(),
            updated_at: observed,
            severity: FindingSeverity { label: severity },
            title: truncate_with_ellipsis(&format!("{} {}", control.id, control.title), MAX_TITLE),
            description: truncate_with_ellipsis(
                &format!("{}: {}", resource_label(item), verdict.reason()),
                MAX_DESCRIPTION,
            ),
            remediation: remediation(control),
            product_fields: self.product_fields(item, control, verdict, actor),
            resources: vec![Resource {
                resource_type: asff_resource_type(&item.resource_type).to_owned(),
                id: resource_id(item, partition, &account, &region),
                partition: Partition::asff_accepts(partition).then(|| partition.to_owned()),
                region: Some(region),
                tags: resource_tags(&item.tags),
            }],
            compliance: Compliance {
                status,
                related_requirements,
                security_control_id: Some(control.id.to_owned()),
            },
            action: actor.map(api_call_action),
            record_state,
            finding_provider_fields: FindingProviderFields {
                severity: FindingSeverity { label: severity },
                types,
            },
        };
        // The size limit is checked where the finding is serialized anyway
        // (`Finding::encode_into`, `Batcher::push`), not with a serialization of its own here.
        finding.validate_fields()?;
        Ok(finding)
    }

    pub(super) fn account(&self, item: &ConfigurationItem) -> Result<String, FindingError> {
        let account = non_blank(self.ctx.account_override.as_deref())
            .or_else(|| non_blank(item.account_id.as_deref()))
            .ok_or_else(|| FindingError::MissingAccount {
                resource: resource_label(item),
            })?;
        if crate::boundary::is_account_id(account) {
            Ok(account.to_owned())
        } else {
            Err(FindingError::InvalidAccount {
                account: account.to_owned(),
                resource: resource_label(item),
            })
        }
    }

    /// The override, else the item's `awsRegion` unless it is `global` (IAM and other global
    /// resources): a finding lives in a real Region, and only the caller knows which.
    pub(super) fn region(&self, item: &ConfigurationItem) -> Result<String, FindingError> {
        let region = non_blank(self.ctx.region_override.as_deref())
            .or_else(|| {
                non_blank(item.region.as_deref()).filter(|r| !r.eq_ignore_ascii_case("global"))
            })
            .ok_or_else(|| FindingError::MissingRegion {
                resource: resource_label(item),
            })?;
        if is_region_name(region) {
            Ok(region.to_owned())
        } else {
            Err(FindingError::InvalidRegion {
                region: region.to_owned(),
                resource: resource_label(item),
            })
        }
    }

    fn product_fields(
        &self,
        item: &ConfigurationItem,
        control: &Control,
        verdict: &Verdict,
        actor: Option<&Actor>,
    ) -> BTreeMap<String, String> {
        let who = actor.map(Actor::who);
        let call = actor.map(|a| format!("{}:{}", a.event_source, a.event_name));
        let changed_by = [
            ("sidewatch/ChangedBy", who.as_deref()),
            (
                "sidewatch/ChangeEventId",
                actor.and_then(|a| a.event_id.as_deref()),
            ),
            ("sidewatch/ChangeEvent", call.as_deref()),
        ]
        .into_iter()
        .filter_map(|(key, value)| Some((key, value?)));
        [
            ("sidewatch/ControlId", control.id),
            ("sidewatch/Version", crate::VERSION),
            ("sidewatch/Source", self.ctx.source.as_str()),
            (
                "sidewatch/ComplianceType",
                verdict.compliance_type().as_str(),
            ),
            ("sidewatch/ResourceType", item.resource_type.as_str()),
            ("sidewatch/ResourceId", item.resource_id.as_str()),
        ]
        .into_iter()
        .chain(changed_by)
        .chain(
            crate::custom::origin(control)
                .into_iter()
                .flat_map(|origin| {
                    [
                        ("sidewatch/RulesFile", origin.file.as_str()),
                        ("sidewatch/Rule", origin.rule.as_str()),
                    ]
                }),
        )
        .filter(|(_, value)| !is_blank(value))
        .map(|(key, value)| {
            (
                key.to_owned(),
                truncate_chars(value, MAX_PRODUCT_FIELD_VALUE).to_owned(),
            )
        })
        .collect()
    }
}

/// `time` as RFC 3339 UTC (ASFF's timestamps), or why it cannot be written.
pub(super) fn rfc3339(time: OffsetDateTime) -> Result<String, FindingError> {
    time.to_offset(UtcOffset::UTC)
        .format(&Rfc3339)
        .map_err(|_| FindingError::Timestamp(time.to_string()))
}

/// ASFF's `Action` for the API call `actor` made: `AWS_API_CALL`, the operation and service, where
/// the call came from (an IPv4 address, or an AWS service's domain; ASFF has no IPv6 field) and
/// when (only a timestamp that reads as RFC 3339).
fn api_call_action(actor: &Actor) -> Action {
    let (caller_type, remote_ip_details, domain_details) = match actor.caller() {
        Some(Caller::Ip(ip)) => (
            Some("remoteip"),
            match ip {
                IpAddr::V4(v4) => Some(RemoteIpDetails {
                    ip_address_v4: v4.to_string(),
                }),
                IpAddr::V6(_) => None,
            },
            None,
        ),
        Some(Caller::Domain(domain)) => (
            Some("domain"),
            None,
            Some(DomainDetails {
                domain: domain.to_owned(),
            }),
        ),
        None => (None, None, None),
    };
    let seen = actor
        .event_time
        .as_deref()
        .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
        .and_then(|t| t.to_offset(UtcOffset::UTC).format(&Rfc3339).ok());
    Action {
        action_type: "AWS_API_CALL".to_owned(),
        aws_api_call_action: Some(AwsApiCallAction {
            api: Some(actor.event_name.clone()),
            service_name: Some(actor.service_name().to_owned()),
            caller_type: caller_type.map(str::to_owned),
            remote_ip_details,
            domain_details,
            first_seen: seen.clone(),
            last_seen: seen,
        }),
    }
}

/// The finding `Id`: `arn:<partition>:securityhub:<region>:<account>:sidewatch/<control>/<hex>`,
/// where `<hex>` is the SHA-256 of `resource_id`, the AWS Config `resourceId` of the resource.
///
/// Re-evaluating the same resource gives the same Id, so Security Hub updates the finding instead
/// of adding one; the hash keeps the Id short (and free of characters an ARN path dislikes)
/// whatever the resource id looks like.
pub fn finding_id(
    partition: &str,
    account: &str,
    region: &str,
    control_id: &str,
    resource_id: &str,
) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(resource_id.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    format!("arn:{partition}:securityhub:{region}:{account}:sidewatch/{control_id}/{hex}")
}

/// The ASFF `Resources[].Type` for an AWS Config resource type: `AWS::S3::Bucket` →
/// `AwsS3Bucket`, `AWS::::Account` → `AwsAccount`, anything ASFF has no type for → `Other`.
pub fn asff_resource_type(config_resource_type: &str) -> &'static str {
    match config_resource_type {
        "AWS::::Account" => "AwsAccount",
        "AWS::ACM::Certificate" => "AwsCertificateManagerCertificate",
        "AWS::ApiGateway::Stage" => "AwsApiGatewayStage",
        "AWS::ApiGatewayV2::Stage" => "AwsApiGatewayV2Stage",
        "AWS::AutoScaling::AutoScalingGroup" => "AwsAutoScalingAutoScalingGroup",
        "AWS::AutoScaling::LaunchConfiguration" => "AwsAutoScalingLaunchConfiguration",
        "AWS::CloudFormation::Stack" => "AwsCloudFormationStack",
        "AWS::CloudFront::Distribution" => "AwsCloudFrontDistribution",
        "AWS::CloudTrail::Trail" => "AwsCloudTrailTrail",
        "AWS::CloudWatch::Alarm" => "AwsCloudWatchAlarm",
        "AWS::CodeBuild::Project" => "AwsCodeBuildProject",
        "AWS::DynamoDB::Table" => "AwsDynamoDbTable",
        "AWS::EC2::Instance" => "AwsEc2Instance",
        "AWS::EC2::LaunchTemplate" => "AwsEc2LaunchTemplate",
        "AWS::EC2::NetworkAcl" => "AwsEc2NetworkAcl",
        "AWS::EC2::NetworkInterface" => "AwsEc2NetworkInterface",
        "AWS::EC2::SecurityGroup" => "AwsEc2SecurityGroup",
        "AWS::EC2::Subnet" => "AwsEc2Subnet",
        "AWS::EC2::Volume" => "AwsEc2Volume",
        "AWS::EC2::VPC" => "AwsEc2Vpc",
        "AWS::ECR::Repository" => "AwsEcrRepository",
        "AWS::ECS::Cluster" => "AwsEcsCluster",
        "AWS::ECS::Service" => "AwsEcsService",
        "AWS::ECS::TaskDefinition" => "AwsEcsTaskDefinition",
        "AWS::EFS::FileSystem" => "AwsEfsFileSystem",
        "AWS::EKS::Cluster" => "AwsEksCluster",
        "AWS::ElasticLoadBalancing::LoadBalancer" => "AwsElbLoadBalancer",
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => "AwsElbv2LoadBalancer",
        "AWS::IAM::Group" => "AwsIamGroup",
        "AWS::IAM::Policy" => "AwsIamPolicy",
        "AWS::IAM::Role" => "AwsIamRole",
        "AWS::IAM::User" => "AwsIamUser",
        "AWS::KMS::Key" => "AwsKmsKey",
        "AWS::Lambda::Function" => "AwsLambdaFunction",
        "AWS::RDS::DBCluster" => "AwsRdsDbCluster",
        "AWS::RDS::DBClusterSnapshot" => "AwsRdsDbClusterSnapshot",
        "AWS::RDS::DBInstance" => "AwsRdsDbInstance",
        "AWS::RDS::DBSnapshot" => "AwsRdsDbSnapshot",
        "AWS::Redshift::Cluster" => "AwsRedshiftCluster",
        "AWS::S3::AccountPublicAccessBlock" => "AwsS3AccountPublicAccessBlock",
        "AWS::S3::Bucket" => "AwsS3Bucket",
        "AWS::SNS::Topic" => "AwsSnsTopic",
        "AWS::SQS::Queue" => "AwsSqsQueue",
        "AWS::SSM::PatchCompliance" => "AwsSsmPatchCompliance",
        "AWS::SecretsManager::Secret" => "AwsSecretsManagerSecret",
        "AWS::WAFRegional::Rule" => "AwsWafRegionalRule",
        "AWS::WAFRegional::RuleGroup" => "AwsWafRegionalRuleGroup",
        "AWS::WAF::WebACL" => "AwsWafWebAcl",
        "AWS::WAFv2::WebACL" => "AwsWafv2WebAcl",
        _ => "Other",
    }
}

/// `Compliance.Status`, severity label and `RecordState` for a verdict.
///
/// The control's severity is used only when the resource FAILED. Everything else is
/// INFORMATIONAL: Security Hub defines INFORMATIONAL as "no configuration weakness was found"
/// and gives it to its own PASSED, WARNING and NOT_AVAILABLE control findings. A severity on a
/// passed or undecided finding would rank it beside real failures in every severity filter.
///
/// NOT_APPLICABLE (resource deleted or no longer recorded, or the control does not apply) is
/// NOT_AVAILABLE and ARCHIVED: the finding no longer describes a live problem. INSUFFICIENT_DATA
/// is NOT_AVAILABLE but stays ACTIVE: the resource still exists and nobody has shown it passes.
pub(super) fn outcome(
    verdict: &Verdict,
    severity: Severity,
) -> (ComplianceStatus, Severity, RecordState) {
    match verdict {
        Verdict::Compliant(_) => (
            ComplianceStatus::Passed,
            Severity::Informational,
            RecordState::Active,
        ),
        Verdict::NonCompliant(_) => (ComplianceStatus::Failed, severity, RecordState::Active),
        Verdict::NotApplicable(_) => (
            ComplianceStatus::NotAvailable,
            Severity::Informational,
            RecordState::Archived,
        ),
        Verdict::InsufficientData(_) => (
            ComplianceStatus::NotAvailable,
            Severity::Informational,
            RecordState::Active,
        ),
    }
}

/// `sidewatch/S3.8` for a built-in control; `sidewatch/custom/<rules file>/<rule>` for a custom
/// one, so Security Hub groups a user's findings by the file and rule that produced them.
pub(super) fn generator_id(control: &Control) -> String {
    let id = match crate::custom::origin(control) {
        Some(origin) => format!("sidewatch/custom/{}/{}", origin.file, origin.rule),
        None => format!("sidewatch/{}", control.id),
    };
    truncate_chars(&id, MAX_GENERATOR_ID).to_owned()
}

pub(super) fn finding_types(mappings: &Mappings) -> Vec<String> {
    let mut types = Vec::with_capacity(2);
    if mappings.fsbp.is_some() {
        types.push(TYPE_FSBP.to_owned());
    }
    if mappings.cis_v3.is_some() {
        types.push(TYPE_CIS.to_owned());
    }
    if types.is_empty() {
        types.push(TYPE_BEST_PRACTICES.to_owned());
    }
    types
}

pub(super) fn remediation(control: &Control) -> Option<Remediation> {
    let text = (!is_blank(control.remediation))
        .then(|| truncate_with_ellipsis(control.remediation, MAX_RECOMMENDATION_TEXT));
    let url = (!is_blank(control.remediation_url)).then(|| control.remediation_url.to_owned());
    (text.is_some() || url.is_some()).then_some(Remediation {
        recommendation: Recommendation { text, url },
    })
}

/// `AWS::EC2::SecurityGroup sg-0abc (web)`: the resource as people name it in a description.
pub(super) fn resource_label(item: &ConfigurationItem) -> String {
    match item.resource_name.as_deref().filter(|n| !is_blank(n)) {
        Some(name) if name != item.resource_id => {
            format!("{} {} ({name})", item.resource_type, item.resource_id)
        }
        _ => format!("{} {}", item.resource_type, item.resource_id),
    }
}

/// The partition of the item's ARN; without a usable ARN, the partition of the Region.
pub(super) fn partition<'a>(item: &'a ConfigurationItem, region: &str) -> &'a str {
    item.arn
        .as_deref()
        .and_then(Arn::parse)
        .map(|arn| arn.partition)
        .filter(|p| is_name_token(p))
        .unwrap_or_else(|| partition_of_region(region))
}

/// `Resources[].Id`: the item's ARN; else the `arn` its configuration records (IAM); else the
/// ARN built from the resource id where its format is fixed; else the resource id itself.
/// Account-level resources use Security Hub's own form, `AWS::::Account:<account>`.
pub(super) fn resource_id(
    item: &ConfigurationItem,
    partition: &str,
    account: &str,
    region: &str,
) -> String {
    if item.resource_type == "AWS::::Account" {
        return format!("AWS::::Account:{account}");
    }
    let is_arn = |arn: &&str| arn.starts_with("arn:");
    let recorded = item
        .arn
        .as_deref()
        .map(str::trim)
        .filter(is_arn)
        .or_else(|| item.config_str("/arn").map(str::trim).filter(is_arn));
    if let Some(arn) = recorded {
        return arn.to_owned();
    }
    let id = item.resource_id.as_str();
    let ec2 = |kind: &str| format!("arn:{partition}:ec2:{region}:{account}:{kind}/{id}");
    match item.resource_type.as_str() {
        "AWS::S3::Bucket" => format!("arn:{partition}:s3:::{id}"),
        "AWS::EC2::Instance" => ec2("instance"),
        "AWS::EC2::LaunchTemplate" => ec2("launch-template"),
        // A managed instance's patch and association compliance: the instance it is about.
        "AWS::SSM::PatchCompliance" | "AWS::SSM::AssociationCompliance" if id.starts_with("i-") => {
            ec2("instance")
        }
        "AWS::EC2::NetworkAcl" => ec2("network-acl"),
        "AWS::EC2::SecurityGroup" => ec2("security-group"),
        "AWS::EC2::Subnet" => ec2("subnet"),
        "AWS::EC2::Volume" => ec2("volume"),
        "AWS::EC2::VPC" => ec2("vpc"),
        "AWS::KMS::Key" => format!("arn:{partition}:kms:{region}:{account}:key/{id}"),
        _ => id.to_owned(),
    }
}

/// The item's tags within ASFF's limits. Tags are context, never a reason to lose a finding:
/// a tag ASFF would refuse is dropped (blank key or value, key over 128 characters, characters
/// outside what AWS tags allow), a long value is cut to 256 characters, and past 50 tags the
/// rest are dropped — `sidewatch:*` tags (the remediation exemption) first, then by key.
pub(super) fn resource_tags(tags: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut usable: Vec<(&String, &str)> = tags
        .iter()
        .filter(|(key, _)| !is_blank(key) && key.chars().count() <= MAX_TAG_KEY && is_tag_text(key))
        .map(|(key, value)| (key, truncate_chars(value, MAX_TAG_VALUE)))
        .filter(|(_, value)| !is_blank(value) && is_tag_text(value))
        .collect();
    // Stable: keeps key order within each group.
    usable.sort_by_key(|(key, _)| !key.starts_with("sidewatch:"));
    usable
        .into_iter()
        .take(MAX_TAGS)
        .map(|(key, value)| (key.clone(), value.to_owned()))
        .collect()
}

/// Letters, digits, spaces and `+ - = . _ : / @`: the characters AWS tags and ASFF allow.
pub(super) fn is_tag_text(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_alphanumeric() || c == ' ' || "+-=._:/@".contains(c))
}

/// `us-east-1`, `cn-north-1`, `us-gov-west-1`: lowercase letters, digits and dashes, at most 16
/// characters (the `Resources[].Region` limit).
pub(super) fn is_region_name(region: &str) -> bool {
    region.len() <= 16 && region.contains('-') && is_name_token(region)
}

/// Lowercase ASCII letters, digits and dashes, starting with a letter.
fn is_name_token(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_lowercase())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn non_blank(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::s3::public_access_block;
    use serde_json::json;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2024-06-01 10:05:00 UTC);

    fn ctx(account: Option<&str>, region: Option<&str>) -> FindingContext {
        FindingContext {
            account_override: account.map(str::to_owned),
            region_override: region.map(str::to_owned),
            source: Source::Cli,
            now: NOW,
        }
    }

    fn bucket(extra: serde_json::Value) -> ConfigurationItem {
        let mut value = json!({
            "resourceType": "AWS::S3::Bucket",
            "resourceId": "b1",
            "resourceName": "b1",
            "ARN": "arn:aws:s3:::b1",
            "awsAccountId": "123456789012",
            "awsRegion": "eu-west-1",
            "configuration": {"name": "b1"}
        });
        if let (Some(base), serde_json::Value::Object(extra)) = (value.as_object_mut(), extra) {
            base.extend(extra);
        }
        ConfigurationItem::from_value(value).unwrap()
    }

    fn eval(verdict: Verdict) -> Evaluation {
        Evaluation {
            control: &public_access_block::CONTROL,
            verdict,
        }
    }

    fn build(item: &ConfigurationItem, verdict: Verdict) -> Result<Finding, FindingError> {
        FindingBuilder::new(ctx(None, None)).build(item, &eval(verdict))
    }

    fn actor(source_ip: &str) -> Actor {
        Actor::from_cloudtrail_event(
            &json!({
                "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLE",
                    "arn": "arn:aws:iam::123456789012:user/alice"},
                "eventTime": "2024-06-01T10:04:12Z",
                "eventSource": "s3.amazonaws.com",
                "eventName": "DeletePublicAccessBlock",
                "sourceIPAddress": source_ip,
                "userAgent": "aws-cli/2.15",
                "eventID": "0d3c9e4a-1111-4222-8333-444455556666"
            })
            .to_string(),
        )
        .unwrap()
        .unwrap()
    }

    #[test]
    fn a_change_names_its_caller_in_action_and_product_fields() {
        let item = bucket(json!({}));
        let builder = FindingBuilder::new(ctx(None, None));
        let f = builder
            .build_changed(
                &item,
                &eval(Verdict::fail("off")),
                Some(&actor("203.0.113.7")),
            )
            .unwrap();
        let value = serde_json::to_value(&f).unwrap();
        assert_eq!(
            value["Action"],
            json!({
                "ActionType": "AWS_API_CALL",
                "AwsApiCallAction": {
                    "Api": "DeletePublicAccessBlock",
                    "ServiceName": "s3.amazonaws.com",
                    "CallerType": "remoteip",
                    "RemoteIpDetails": {"IpAddressV4": "203.0.113.7"},
                    "FirstSeen": "2024-06-01T10:04:12Z",
                    "LastSeen": "2024-06-01T10:04:12Z"
                }
            })
        );
        assert_eq!(
            f.product_fields["sidewatch/ChangedBy"],
            "arn:aws:iam::123456789012:user/alice"
        );
        assert_eq!(
            f.product_fields["sidewatch/ChangeEventId"],
            "0d3c9e4a-1111-4222-8333-444455556666"
        );
        assert_eq!(
            f.product_fields["sidewatch/ChangeEvent"],
            "s3.amazonaws.com:DeletePublicAccessBlock"
        );
        f.validate().unwrap();
        // The same finding Id with or without the actor: it is the same finding, updated.
        assert_eq!(f.id, build(&item, Verdict::fail("off")).unwrap().id);
    }

    #[test]
    fn a_service_caller_is_a_domain_and_an_ipv6_caller_has_no_address() {
        let item = bucket(json!({}));
        let builder = FindingBuilder::new(ctx(None, None));
        let call = |ip: &str| {
            let f = builder
                .build_changed(&item, &eval(Verdict::pass("on")), Some(&actor(ip)))
                .unwrap();
            f.validate().unwrap();
            f.action.unwrap().aws_api_call_action.unwrap()
        };
        let service = call("cloudformation.amazonaws.com");
        assert_eq!(service.caller_type.as_deref(), Some("domain"));
        assert_eq!(
            service.domain_details.unwrap().domain,
            "cloudformation.amazonaws.com"
        );
        let v6 = call("2001:db8::1");
        assert_eq!(v6.caller_type.as_deref(), Some("remoteip"));
        assert_eq!(v6.remote_ip_details, None);
        let garbage = call("<script>");
        assert_eq!(garbage.caller_type, None);
    }

    #[test]
    fn no_actor_no_action() {
        let f = build(&bucket(json!({})), Verdict::fail("off")).unwrap();
        assert_eq!(f.action, None);
        assert!(!f.product_fields.contains_key("sidewatch/ChangedBy"));
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        let a = finding_id("aws", "123456789012", "us-east-1", "S3.8", "bucket-a");
        assert_eq!(
            a,
            finding_id("aws", "123456789012", "us-east-1", "S3.8", "bucket-a")
        );
        let others = [
            finding_id("aws", "123456789012", "us-east-1", "S3.8", "bucket-b"),
            finding_id("aws", "123456789012", "us-east-1", "S3.9", "bucket-a"),
            finding_id("aws", "123456789012", "us-west-2", "S3.8", "bucket-a"),
            finding_id("aws", "210987654321", "us-east-1", "S3.8", "bucket-a"),
            finding_id("aws-cn", "123456789012", "us-east-1", "S3.8", "bucket-a"),
            // A resource id that looks like the end of another Id never collides: it is hashed.
            finding_id("aws", "123456789012", "us-east-1", "S3.8", "bucket-a/x"),
        ];
        for other in &others {
            assert_ne!(&a, other);
        }
        assert!(a.starts_with("arn:aws:securityhub:us-east-1:123456789012:sidewatch/S3.8/"));
        let hex = a.rsplit('/').next().unwrap();
        assert_eq!(hex.len(), 64);
        assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
        // The SHA-256 of "bucket-a", computed independently (`printf bucket-a | sha256sum`).
        assert_eq!(
            hex,
            "1f628222112539aebee62aa737b8bb4aa14b747f52bb04afa722215727c326c6"
        );
    }

    #[test]
    fn re_evaluation_gives_the_same_id_in_both_item_shapes() {
        let notification = bucket(json!({}));
        let api = ConfigurationItem::from_value(json!({
            "resourceType": "AWS::S3::Bucket",
            "resourceId": "b1",
            "arn": "arn:aws:s3:::b1",
            "accountId": "123456789012",
            "awsRegion": "eu-west-1",
            "configuration": "{\"name\":\"b1\"}"
        }))
        .unwrap();
        let a = build(&notification, Verdict::fail("x")).unwrap();
        let b = build(&api, Verdict::pass("y")).unwrap();
        assert_eq!(a.id, b.id);
        assert_eq!(a.product_arn, b.product_arn);
    }

    #[test]
    fn every_verdict_maps_to_status_severity_and_record_state() {
        let item = bucket(json!({}));
        let cases = [
            (
                Verdict::pass("ok"),
                "PASSED",
                Severity::Informational,
                RecordState::Active,
            ),
            (
                Verdict::fail("bad"),
                "FAILED",
                Severity::High,
                RecordState::Active,
            ),
            (
                Verdict::not_applicable("gone"),
                "NOT_AVAILABLE",
                Severity::Informational,
                RecordState::Archived,
            ),
            (
                Verdict::insufficient("unknown"),
                "NOT_AVAILABLE",
                Severity::Informational,
                RecordState::Active,
            ),
        ];
        for (verdict, status, severity, state) in cases {
            let compliance_type = verdict.compliance_type().as_str();
            let f = build(&item, verdict).unwrap();
            assert_eq!(f.compliance_status(), status, "{compliance_type}");
            assert_eq!(f.severity.label, severity, "{compliance_type}");
            assert_eq!(
                f.finding_provider_fields.severity.label, severity,
                "{compliance_type}"
            );
            assert_eq!(f.record_state, state, "{compliance_type}");
            assert_eq!(
                f.product_fields.get("sidewatch/ComplianceType").unwrap(),
                compliance_type
            );
        }
    }

    #[test]
    fn overrides_win_over_the_item() {
        let item = bucket(json!({}));
        let builder = FindingBuilder::new(ctx(Some("210987654321"), Some("ap-southeast-2")));
        let f = builder.build(&item, &eval(Verdict::fail("x"))).unwrap();
        assert_eq!(f.aws_account_id, "210987654321");
        assert_eq!(
            f.product_arn,
            "arn:aws:securityhub:ap-southeast-2:210987654321:product/210987654321/default"
        );
        assert_eq!(
            f.id,
            finding_id("aws", "210987654321", "ap-southeast-2", "S3.8", "b1")
        );
        assert_eq!(f.resources[0].region.as_deref(), Some("ap-southeast-2"));
        // Blank overrides count as not given.
        let builder = FindingBuilder::new(ctx(Some(" "), Some("")));
        let f = builder.build(&item, &eval(Verdict::fail("x"))).unwrap();
        assert_eq!(f.aws_account_id, "123456789012");
        assert_eq!(f.resources[0].region.as_deref(), Some("eu-west-1"));
    }

    #[test]
    fn partition_comes_from_the_arn() {
        for (arn, region, partition) in [
            ("arn:aws-cn:s3:::b1", "cn-north-1", "aws-cn"),
            ("arn:aws-us-gov:s3:::b1", "us-gov-west-1", "aws-us-gov"),
        ] {
            let item = bucket(json!({"ARN": arn, "awsRegion": region}));
            let f = build(&item, Verdict::fail("x")).unwrap();
            assert_eq!(
                f.product_arn,
                format!(
                    "arn:{partition}:securityhub:{region}:123456789012:product/123456789012/default"
                )
            );
            assert!(f.id.starts_with(&format!("arn:{partition}:securityhub:{region}:")));
            assert_eq!(f.resources[0].partition.as_deref(), Some(partition));
            assert_eq!(f.resources[0].id, arn);
        }
    }

    #[test]
    fn without_an_arn_the_partition_follows_the_region_and_the_arn_is_built() {
        let mut item = bucket(json!({"awsRegion": "cn-northwest-1"}));
        item.arn = None;
        let f = build(&item, Verdict::fail("x")).unwrap();
        assert!(
            f.product_arn
                .starts_with("arn:aws-cn:securityhub:cn-northwest-1:")
        );
        assert_eq!(f.resources[0].id, "arn:aws-cn:s3:::b1");

        let mut sg = ConfigurationItem::new("AWS::EC2::SecurityGroup", "sg-0abc");
        sg.account_id = Some("123456789012".into());
        sg.region = Some("us-east-1".into());
        assert_eq!(
            resource_id(&sg, "aws", "123456789012", "us-east-1"),
            "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0abc"
        );
        let mut user = ConfigurationItem::new("AWS::IAM::User", "AIDAEXAMPLE");
        user.configuration = json!({"arn": "arn:aws:iam::123456789012:user/ops/alice"});
        assert_eq!(
            resource_id(&user, "aws", "123456789012", "us-east-1"),
            "arn:aws:iam::123456789012:user/ops/alice"
        );
        // A blank ARN on the item does not hide the one in its configuration.
        user.arn = Some(" ".into());
        assert_eq!(
            resource_id(&user, "aws", "123456789012", "us-east-1"),
            "arn:aws:iam::123456789012:user/ops/alice"
        );
        let thing = ConfigurationItem::new("AWS::Future::Thing", "t-1");
        assert_eq!(
            resource_id(&thing, "aws", "123456789012", "us-east-1"),
            "t-1"
        );
        let account = ConfigurationItem::new("AWS::::Account", "123456789012");
        assert_eq!(
            resource_id(&account, "aws", "123456789012", "us-east-1"),
            "AWS::::Account:123456789012"
        );
    }

    #[test]
    fn a_garbled_arn_partition_is_not_trusted() {
        let item = bucket(json!({"ARN": "arn:Bad Partition:s3:::b1"}));
        let f = build(&item, Verdict::fail("x")).unwrap();
        assert!(f.product_arn.starts_with("arn:aws:securityhub:eu-west-1:"));
    }

    #[test]
    fn missing_or_malformed_account_and_region_are_explained() {
        let mut item = bucket(json!({}));
        item.account_id = None;
        let err = build(&item, Verdict::fail("x")).unwrap_err();
        assert!(matches!(err, FindingError::MissingAccount { .. }), "{err}");
        assert!(err.to_string().contains("--account"));

        item.account_id = Some("12345".into());
        let err = build(&item, Verdict::fail("x")).unwrap_err();
        assert!(matches!(err, FindingError::InvalidAccount { .. }), "{err}");
        assert!(err.to_string().contains("12 digits"));

        let mut item = bucket(json!({}));
        item.region = None;
        let err = build(&item, Verdict::fail("x")).unwrap_err();
        assert!(matches!(err, FindingError::MissingRegion { .. }), "{err}");
        assert!(err.to_string().contains("--region"));

        item.region = Some("global".into());
        let err = build(&item, Verdict::fail("x")).unwrap_err();
        assert!(matches!(err, FindingError::MissingRegion { .. }), "{err}");
        let f = FindingBuilder::new(ctx(None, Some("us-east-1")))
            .build(&item, &eval(Verdict::fail("x")))
            .unwrap();
        assert_eq!(f.resources[0].region.as_deref(), Some("us-east-1"));

        let err = FindingBuilder::new(ctx(None, Some("us-east-1:evil")))
            .build(&item, &eval(Verdict::fail("x")))
            .unwrap_err();
        assert!(matches!(err, FindingError::InvalidRegion { .. }), "{err}");
    }

    #[test]
    fn tags_are_kept_within_asff_limits_without_failing() {
        let mut tags = BTreeMap::new();
        tags.insert("team".to_owned(), "web".to_owned());
        tags.insert("empty".to_owned(), String::new());
        tags.insert("blank".to_owned(), "   ".to_owned());
        tags.insert("k".repeat(129), "too long a key".to_owned());
        tags.insert("long".to_owned(), "v".repeat(300));
        tags.insert("odd".to_owned(), "a,b;c".to_owned());
        tags.insert("unicode".to_owned(), "café".to_owned());
        for i in 0..60 {
            tags.insert(format!("a{i:02}"), "x".to_owned());
        }
        tags.insert("sidewatch:exempt".to_owned(), "S3.8".to_owned());
        let kept = resource_tags(&tags);
        assert_eq!(kept.len(), MAX_TAGS);
        assert_eq!(
            kept.get("sidewatch:exempt").map(String::as_str),
            Some("S3.8")
        );
        for dropped in ["empty", "blank", "odd"] {
            assert!(!kept.contains_key(dropped), "{dropped}");
        }
        assert!(kept.keys().all(|k| k.chars().count() <= MAX_TAG_KEY));
        // The 49 tags after sidewatch:exempt are the first by key: a00..a48.
        assert!(kept.contains_key("a48") && !kept.contains_key("a49"));

        let mut few = BTreeMap::new();
        few.insert("long".to_owned(), "v".repeat(300));
        few.insert("unicode".to_owned(), "café".to_owned());
        let kept = resource_tags(&few);
        assert_eq!(kept["long"].chars().count(), MAX_TAG_VALUE);
        assert_eq!(kept["unicode"], "café");

        let item = bucket(json!({"tags": {"empty": "", "team": "web"}}));
        let f = build(&item, Verdict::fail("x")).unwrap();
        assert_eq!(f.resources[0].tags.len(), 1);
        let item = bucket(json!({"tags": {"empty": ""}}));
        let f = build(&item, Verdict::fail("x")).unwrap();
        let v = serde_json::to_value(&f).unwrap();
        assert!(v["Resources"][0].get("Tags").is_none(), "{v}");
    }

    #[test]
    fn long_reasons_are_cut_to_the_description_limit() {
        let item = bucket(json!({}));
        let f = build(&item, Verdict::fail("é".repeat(2000))).unwrap();
        assert!(f.description.len() <= MAX_DESCRIPTION);
        assert!(f.description.starts_with("AWS::S3::Bucket b1: éé"));
        assert!(f.description.ends_with('…'));
    }

    #[test]
    fn description_names_the_resource_and_its_name() {
        let mut sg = ConfigurationItem::new("AWS::EC2::SecurityGroup", "sg-1");
        sg.resource_name = Some("web".into());
        assert_eq!(resource_label(&sg), "AWS::EC2::SecurityGroup sg-1 (web)");
        sg.resource_name = Some("sg-1".into());
        assert_eq!(resource_label(&sg), "AWS::EC2::SecurityGroup sg-1");
    }

    #[test]
    fn types_follow_the_mappings() {
        assert_eq!(
            finding_types(&public_access_block::CONTROL.mappings),
            [TYPE_FSBP, TYPE_CIS]
        );
        assert_eq!(finding_types(&Mappings::NONE), [TYPE_BEST_PRACTICES]);
        let cis_only = Mappings {
            fsbp: None,
            cis_v3: Some("1.1"),
            nist_800_53_r5: &[],
        };
        assert_eq!(finding_types(&cis_only), [TYPE_CIS]);
    }

    #[test]
    fn config_types_map_to_asff_types() {
        assert_eq!(asff_resource_type("AWS::S3::Bucket"), "AwsS3Bucket");
        assert_eq!(asff_resource_type("AWS::EC2::VPC"), "AwsEc2Vpc");
        assert_eq!(
            asff_resource_type("AWS::RDS::DBInstance"),
            "AwsRdsDbInstance"
        );
        assert_eq!(asff_resource_type("AWS::::Account"), "AwsAccount");
        assert_eq!(asff_resource_type("AWS::Future::Thing"), "Other");
        assert_eq!(asff_resource_type(""), "Other");
        // Every type a control in the catalog evaluates has an ASFF type, except those ASFF
        // defines none for (its guidance is then `Other`): ECS task sets (ASFF has AwsEcsService,
        // AwsEcsTask… but no task set), ELBv2 listeners, SSM documents and association
        // compliance (ASFF has AwsSsmPatchCompliance only).
        const NO_ASFF_TYPE: &[&str] = &[
            "AWS::ECS::TaskSet",
            "AWS::ElasticLoadBalancingV2::Listener",
            "AWS::SSM::AssociationCompliance",
            "AWS::SSM::Document",
        ];
        for control in crate::catalog() {
            for t in control.resource_types {
                if NO_ASFF_TYPE.contains(t) {
                    assert_eq!(asff_resource_type(t), "Other", "{}: {t}", control.id);
                    continue;
                }
                assert_ne!(asff_resource_type(t), "Other", "{}: {t}", control.id);
            }
        }
    }

    #[test]
    fn times_are_rfc3339_utc() {
        let item = bucket(json!({}));
        let offset = datetime!(2024-06-01 12:05:00.25 +02:00);
        let f = FindingBuilder::new(FindingContext {
            now: offset,
            ..ctx(None, None)
        })
        .build(&item, &eval(Verdict::pass("ok")))
        .unwrap();
        assert_eq!(f.created_at, "2024-06-01T10:05:00.25Z");
        assert_eq!(f.updated_at, f.created_at);

        // RFC 3339 has four-digit years only.
        let err = FindingBuilder::new(FindingContext {
            now: datetime!(-0001-01-01 00:00 UTC),
            ..ctx(None, None)
        })
        .build(&item, &eval(Verdict::pass("ok")))
        .unwrap_err();
        assert!(matches!(err, FindingError::Timestamp(_)), "{err}");
    }

    #[test]
    fn the_finding_time_is_the_capture_time_within_a_day_before_the_run() {
        let at = |capture: serde_json::Value| {
            let f = build(
                &bucket(json!({"configurationItemCaptureTime": capture})),
                Verdict::pass("ok"),
            )
            .unwrap();
            assert_eq!(f.created_at, f.updated_at);
            f.updated_at
        };
        // Captured a minute before the run: that time, as Config wrote it (milliseconds).
        assert_eq!(
            at(json!("2024-06-01T10:04:00.318Z")),
            "2024-06-01T10:04:00.318Z"
        );
        assert_eq!(
            at(json!("2024-06-01T12:04:00+02:00")),
            "2024-06-01T10:04:00Z"
        );
        // Later items order after earlier ones.
        assert!(at(json!("2024-06-01T10:04:00.319Z")) > at(json!("2024-06-01T10:04:00.318Z")));
        // Older than a day: a day before the run (Security Hub expires a finding 90 days after
        // its UpdatedAt). In the future: the run's time (it must not freeze the finding).
        assert_eq!(at(json!("2023-01-01T00:00:00Z")), "2024-05-31T10:05:00Z");
        assert_eq!(at(json!("2099-01-01T00:00:00Z")), "2024-06-01T10:05:00Z");
        // None: the run's time.
        assert_eq!(at(serde_json::Value::Null), "2024-06-01T10:05:00Z");
    }

    #[test]
    fn order_after_makes_the_update_later_and_renews_says_when_to_refresh() {
        let mut f = build(
            &bucket(json!({"configurationItemCaptureTime": "2024-06-01T10:00:00Z"})),
            Verdict::pass("ok"),
        )
        .unwrap();
        f.order_after(datetime!(2024-06-01 09:00 UTC));
        assert_eq!(f.updated_at, "2024-06-01T10:00:00Z", "already later");
        f.order_after(datetime!(2024-06-01 10:00 UTC));
        assert_eq!(
            f.updated_at, "2024-06-01T10:00:00.001Z",
            "equal: a millisecond later"
        );
        f.order_after(datetime!(2024-06-01 10:03:00.5 UTC));
        assert_eq!(f.updated_at, "2024-06-01T10:03:00.501Z");
        assert_eq!(f.created_at, "2024-06-01T10:00:00Z");
        f.validate_fields().unwrap();

        assert!(!f.renews("2024-05-20T00:00:00Z"));
        assert!(f.renews("2024-04-01T00:00:00Z"), "over 30 days older");
        assert!(f.renews("yesterday"));
    }
}
