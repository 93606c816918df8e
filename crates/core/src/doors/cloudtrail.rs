//! AWS API calls recorded by CloudTrail, mapped to what must be re-evaluated.
//!
//! AWS Config records a change minutes after it happens, and records nothing at all for what
//! sidewatch reads as evidence (password policy, trail status, EBS default encryption…). The API
//! call itself, delivered by EventBridge as "AWS API Call via CloudTrail", says within seconds
//! what changed. [`HANDLED_CALLS`] is the one table of the calls sidewatch reacts to; the SAM
//! template's EventBridge rule is generated from it ([`event_pattern`]) and checked against it.
//!
//! A call maps to a [`Target`]:
//! * one resource by its Config resource id (a bucket name, a security group id, a function name,
//!   a KMS key id), or by its Config resource name when CloudTrail does not carry the id (IAM
//!   users: Config's resource id is the unique `AIDA…` id, CloudTrail names the user);
//! * the account-level item, with the evidence kinds to collect again;
//! * nothing ([`Target::Ignored`]): calls not in the table, and calls that failed (`errorCode`),
//!   which changed nothing.
//!
//! Event names are CloudTrail's, which are not always the API's: S3's bucket-level
//! `PutPublicAccessBlock` is recorded as `PutBucketPublicAccessBlock`, Lambda's operations carry
//! their API version (`UpdateFunctionConfiguration20150331v2`).

use super::text;
use crate::arn::lambda_function_name;
use crate::control::Control;
use crate::engine::Engine;
use crate::evidence::EvidenceKind;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// EventBridge's `detail-type` of an API call recorded by CloudTrail; its `detail` is the
/// CloudTrail record.
pub const API_CALL: &str = "AWS API Call via CloudTrail";

/// The CloudTrail record (an EventBridge event's `detail`): only what sidewatch reads.
///
/// `eventSource`, `eventName` and `recipientAccountId` are strict (a string, or a number written
/// out). Everything else is read leniently, a value of another shape counting as absent: the
/// parameters and response of a call vary by API and by API version, and a call that cannot be
/// mapped is reported as such ([`MissingIdentifier`]) rather than as a malformed event.
/// `aws_lambda_events`' `AWSAPICall` does not fit: it requires a dozen fields sidewatch never
/// reads (`eventVersion`, `requestID`, `sourceIPAddress`, …) and a typed `userIdentity`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Record {
    /// `eventSource` (`s3.amazonaws.com`).
    #[serde(default, deserialize_with = "text")]
    pub(crate) event_source: Option<String>,
    /// `eventName` (`PutBucketPolicy`).
    #[serde(default, deserialize_with = "text")]
    pub(crate) event_name: Option<String>,
    /// `recipientAccountId`: the account whose resource the call acted on.
    #[serde(default, deserialize_with = "text")]
    pub(crate) recipient_account_id: Option<String>,
    /// `errorCode`, when the call failed.
    #[serde(default)]
    pub(crate) error_code: Lenient<String>,
    #[serde(default)]
    pub(crate) user_identity: Lenient<UserIdentity>,
    /// `requestParameters`, by name: [`HANDLED_CALLS`] says which parameter names the resource.
    #[serde(default)]
    pub(crate) request_parameters: Lenient<Map<String, Value>>,
    #[serde(default)]
    pub(crate) response_elements: Lenient<ResponseElements>,
    /// `resources`: the resources CloudTrail knows the call acted on.
    #[serde(default)]
    pub(crate) resources: LenientList<TrailResource>,
    /// `eventID`: CloudTrail's id of the record (what `LookupEvents` finds it by).
    #[serde(default, rename = "eventID")]
    pub(crate) event_id: Lenient<String>,
    /// `eventTime` (RFC 3339).
    #[serde(default)]
    pub(crate) event_time: Lenient<String>,
    /// `sourceIPAddress`: an IP address, or a service's domain for calls AWS made on the
    /// caller's behalf (`cloudformation.amazonaws.com`).
    #[serde(default, rename = "sourceIPAddress")]
    pub(crate) source_ip_address: Lenient<String>,
    /// `userAgent`.
    #[serde(default)]
    pub(crate) user_agent: Lenient<String>,
}

/// `userIdentity` of a [`Record`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserIdentity {
    /// `type`: `Root`, `IAMUser`, `AssumedRole`, …
    #[serde(default, rename = "type")]
    pub(crate) kind: Lenient<String>,
    /// `userName` (IAM users).
    #[serde(default)]
    pub(crate) user_name: Lenient<String>,
    /// `arn`: the principal (`arn:aws:iam::…:user/alice`, `arn:aws:sts::…:assumed-role/R/s`).
    #[serde(default)]
    pub(crate) arn: Lenient<String>,
    /// `principalId`.
    #[serde(default)]
    pub(crate) principal_id: Lenient<String>,
    /// `invokedBy`: the AWS service that made the call for the principal.
    #[serde(default)]
    pub(crate) invoked_by: Lenient<String>,
    /// `sessionContext`: for temporary credentials, the role or user that issued them.
    #[serde(default)]
    pub(crate) session_context: Lenient<SessionContext>,
}

/// `userIdentity.sessionContext`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SessionContext {
    #[serde(default)]
    pub(crate) session_issuer: Lenient<SessionIssuer>,
}

/// `userIdentity.sessionContext.sessionIssuer`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub(crate) struct SessionIssuer {
    #[serde(default)]
    pub(crate) arn: Lenient<String>,
}

/// `responseElements` of a [`Record`]: the fields that name a changed resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ResponseElements {
    /// Lambda `CreateFunction`, `UpdateFunctionConfiguration`: the function name.
    #[serde(default)]
    pub(crate) function_name: Lenient<String>,
    /// EC2 `AuthorizeSecurityGroup*`: the rules created.
    #[serde(default)]
    pub(crate) security_group_rule_set: Lenient<SecurityGroupRuleSet>,
    /// IAM `CreateAccessKey`: the key and its user.
    #[serde(default)]
    pub(crate) access_key: Lenient<AccessKey>,
}

/// `responseElements.securityGroupRuleSet`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub(crate) struct SecurityGroupRuleSet {
    #[serde(default)]
    pub(crate) items: LenientList<SecurityGroupRule>,
}

/// One of `responseElements.securityGroupRuleSet.items`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SecurityGroupRule {
    #[serde(default)]
    pub(crate) group_id: Lenient<String>,
}

/// `responseElements.accessKey`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AccessKey {
    #[serde(default)]
    pub(crate) user_name: Lenient<String>,
}

/// One of the record's `resources`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub(crate) struct TrailResource {
    #[serde(default, rename = "type")]
    pub(crate) kind: Lenient<String>,
    #[serde(default, rename = "ARN")]
    pub(crate) arn: Lenient<String>,
}

/// A field read leniently: `None` when absent, null, or of any shape `T` does not take (a JSON
/// array is never read as an object). What a JSON pointer lookup would find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lenient<T>(Option<T>);

impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Lenient(None)
    }
}

impl<T> Lenient<T> {
    pub(crate) fn get(&self) -> Option<&T> {
        self.0.as_ref()
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Lenient(match Value::deserialize(deserializer)? {
            Value::Array(_) => None,
            value => T::deserialize(value).ok(),
        }))
    }
}

/// A list read leniently: empty unless a JSON array; each element [`Lenient`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LenientList<T>(Vec<Lenient<T>>);

impl<T> Default for LenientList<T> {
    fn default() -> Self {
        LenientList(Vec::new())
    }
}

impl<T> LenientList<T> {
    /// The elements, `None` where one has another shape.
    pub(crate) fn iter(&self) -> impl Iterator<Item = Option<&T>> {
        self.0.iter().map(Lenient::get)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for LenientList<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(LenientList(match Value::deserialize(deserializer)? {
            Value::Array(items) => items
                .into_iter()
                .map(|item| Lenient::deserialize(item).unwrap_or_default())
                .collect(),
            _ => Vec::new(),
        }))
    }
}

impl Record {
    /// `userIdentity.type`, as sent.
    pub(crate) fn user_identity_type(&self) -> Option<&str> {
        self.user_identity.get()?.kind.get().map(String::as_str)
    }

    /// `errorCode`, as sent, unless empty.
    pub(crate) fn error_code(&self) -> Option<&str> {
        self.error_code
            .get()
            .map(String::as_str)
            .filter(|c| !c.is_empty())
    }

    /// `requestParameters.<name>`, a non-empty string.
    fn parameter(&self, name: &str) -> Option<&str> {
        nonblank(self.request_parameters.get()?.get(name)?.as_str())
    }

    /// `requestParameters.<outer>.<name>`, a non-empty string.
    fn nested_parameter(&self, outer: &str, name: &str) -> Option<&str> {
        nonblank(
            self.request_parameters
                .get()?
                .get(outer)?
                .get(name)?
                .as_str(),
        )
    }

    /// `responseElements`, when an object.
    fn response(&self) -> Option<&ResponseElements> {
        self.response_elements.get()
    }

    /// The ARN of the first entry of `resources` with this type.
    fn resource_arn(&self, resource_type: &str) -> Option<&str> {
        self.resources
            .iter()
            .flatten()
            .find(|r| r.kind.get().map(String::as_str) == Some(resource_type))?
            .arn
            .get()
            .map(String::as_str)
    }
}

/// A non-empty string, trimmed.
fn nonblank(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|s| !s.is_empty())
}

/// A non-empty string field, trimmed.
pub(crate) fn lenient_text(field: &Lenient<String>) -> Option<&str> {
    nonblank(field.get().map(String::as_str))
}

/// A handled call whose record does not say which resource it changed: the
/// `requestParameters` field that should have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MissingIdentifier {
    pub(crate) parameter: &'static str,
}

/// What an API call asks to re-evaluate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// One resource, by its AWS Config resource id: fetch its item (`BatchGetResourceConfig`) and
    /// evaluate it.
    Resource {
        resource_type: &'static str,
        resource_id: String,
    },
    /// One resource, by its AWS Config resource name, because CloudTrail does not carry the
    /// resource id: find it with `ListDiscoveredResources` (`resourceName`), then as above. A name
    /// may match several resources (security groups named in the default VPC); evaluate each.
    ResourceNamed {
        resource_type: &'static str,
        resource_name: String,
    },
    /// The account-level item: collect these evidence kinds again and evaluate it.
    Account { evidence: Vec<EvidenceKind> },
    /// Nothing to re-evaluate, and why (logged, never an error).
    Ignored { reason: String },
}

impl Target {
    /// The controls of `engine` whose verdict the call can have changed: those evaluating the
    /// resource type, or those reading any of the account evidence kinds — including controls on
    /// other resource types (S3.2 and S3.3 read the account's public access block), whose
    /// resources a sweep refreshes.
    pub fn affected_controls(&self, engine: &Engine) -> Vec<&'static Control> {
        match self {
            Target::Resource { resource_type, .. }
            | Target::ResourceNamed { resource_type, .. } => engine
                .controls()
                .filter(|c| c.applies_to(resource_type))
                .collect(),
            Target::Account { evidence } => engine
                .controls()
                .filter(|c| c.evidence.iter().any(|k| evidence.contains(k)))
                .collect(),
            Target::Ignored { .. } => Vec::new(),
        }
    }
}

/// One API call sidewatch reacts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandledCall {
    /// CloudTrail's `eventSource` (`s3.amazonaws.com`).
    pub event_source: &'static str,
    /// CloudTrail's `eventName` (`PutBucketPolicy`).
    pub event_name: &'static str,
    /// What it changes.
    pub effect: Effect,
}

impl HandledCall {
    /// The EventBridge `source` of the call's events (`aws.s3` for `s3.amazonaws.com`).
    pub fn eventbridge_source(&self) -> String {
        eventbridge_source(self.event_source)
    }
}

/// What a handled call changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// One resource of `resource_type`, found in the call as `id` says.
    Resource {
        resource_type: &'static str,
        id: Identifier,
    },
    /// The account-level evidence of these kinds. With `only_when: Some((parameter, value))`, only
    /// when `requestParameters.<parameter>` is absent or equals `value`.
    Account {
        evidence: &'static [EvidenceKind],
        only_when: Option<(&'static str, &'static str)>,
    },
    /// An IAM user's credentials — or, when the root user acts on its own credentials (no
    /// `userName`, `userIdentity.type` `Root`), the account evidence `root_evidence`.
    IamUserOrRoot {
        root_evidence: &'static [EvidenceKind],
    },
}

/// Where a call names the resource it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identifier {
    /// `requestParameters.<name>` is the Config resource id as is (`bucketName`).
    Param(&'static str),
    /// `requestParameters.groupId`, else the group id in `responseElements.securityGroupRuleSet`;
    /// a group named only by `groupName` (default VPC) is looked up by name.
    SecurityGroup,
    /// The function name (Config's resource id): `responseElements.functionName`, else
    /// `requestParameters.functionName` (a name, ARN or partial ARN, maybe with a qualifier).
    LambdaFunction,
    /// The key id (Config's resource id): `requestParameters.keyId` (a key id or key ARN), else
    /// the `AWS::KMS::Key` ARN in the event's `resources`.
    KmsKey,
    /// The IAM user, by name: `requestParameters.userName`, else `responseElements.accessKey.userName`,
    /// else the calling IAM user (IAM applies credential calls without `userName` to the caller).
    IamUserName,
    /// A web ACL (AWS WAF Classic or AWS WAF), by its id (Config's resource id): the last part of
    /// the web ACL ARN in `requestParameters.resourceArn` (`DeleteLoggingConfiguration`) or
    /// `requestParameters.loggingConfiguration.resourceArn` (`PutLoggingConfiguration`).
    WebAclArn,
}

const S3: &str = "s3.amazonaws.com";
const EC2: &str = "ec2.amazonaws.com";
const IAM: &str = "iam.amazonaws.com";
const LAMBDA: &str = "lambda.amazonaws.com";
const KMS: &str = "kms.amazonaws.com";
const CLOUDTRAIL: &str = "cloudtrail.amazonaws.com";
const CONFIG: &str = "config.amazonaws.com";
const GUARDDUTY: &str = "guardduty.amazonaws.com";
const ACCESS_ANALYZER: &str = "access-analyzer.amazonaws.com";
const ACCOUNT: &str = "account.amazonaws.com";
const INSPECTOR: &str = "inspector2.amazonaws.com";
const SSM: &str = "ssm.amazonaws.com";
const ECR: &str = "ecr.amazonaws.com";
const WAF_CLASSIC: &str = "waf.amazonaws.com";
const WAFV2: &str = "wafv2.amazonaws.com";

const fn resource(
    event_source: &'static str,
    event_name: &'static str,
    resource_type: &'static str,
    id: Identifier,
) -> HandledCall {
    HandledCall {
        event_source,
        event_name,
        effect: Effect::Resource { resource_type, id },
    }
}

const fn bucket(event_name: &'static str) -> HandledCall {
    resource(
        S3,
        event_name,
        "AWS::S3::Bucket",
        Identifier::Param("bucketName"),
    )
}

const fn security_group(event_name: &'static str) -> HandledCall {
    resource(
        EC2,
        event_name,
        "AWS::EC2::SecurityGroup",
        Identifier::SecurityGroup,
    )
}

const fn network_acl(event_name: &'static str) -> HandledCall {
    resource(
        EC2,
        event_name,
        "AWS::EC2::NetworkAcl",
        Identifier::Param("networkAclId"),
    )
}

const fn function(event_name: &'static str) -> HandledCall {
    resource(
        LAMBDA,
        event_name,
        "AWS::Lambda::Function",
        Identifier::LambdaFunction,
    )
}

const fn kms_key(event_name: &'static str) -> HandledCall {
    resource(KMS, event_name, "AWS::KMS::Key", Identifier::KmsKey)
}

const fn iam_user(event_name: &'static str) -> HandledCall {
    resource(IAM, event_name, "AWS::IAM::User", Identifier::IamUserName)
}

const fn iam_user_or_root(
    event_name: &'static str,
    root_evidence: &'static [EvidenceKind],
) -> HandledCall {
    HandledCall {
        event_source: IAM,
        event_name,
        effect: Effect::IamUserOrRoot { root_evidence },
    }
}

const fn account(
    event_source: &'static str,
    event_name: &'static str,
    evidence: &'static [EvidenceKind],
) -> HandledCall {
    HandledCall {
        event_source,
        event_name,
        effect: Effect::Account {
            evidence,
            only_when: None,
        },
    }
}

const fn security_contact(event_name: &'static str) -> HandledCall {
    HandledCall {
        event_source: ACCOUNT,
        event_name,
        effect: Effect::Account {
            evidence: &[EvidenceKind::SecurityContact],
            only_when: Some(("alternateContactType", "SECURITY")),
        },
    }
}

const ROOT_KEYS: &[EvidenceKind] = &[EvidenceKind::IamAccountSummary];
const ROOT_MFA: &[EvidenceKind] = &[
    EvidenceKind::IamAccountSummary,
    EvidenceKind::IamRootVirtualMfa,
];
const TRAILS: &[EvidenceKind] = &[EvidenceKind::CloudTrailTrails];
const PASSWORD_POLICY: &[EvidenceKind] = &[EvidenceKind::IamPasswordPolicy];
const EBS_DEFAULT: &[EvidenceKind] = &[EvidenceKind::EbsEncryptionByDefault];
const RECORDERS: &[EvidenceKind] = &[EvidenceKind::ConfigRecorders];
const DETECTORS: &[EvidenceKind] = &[EvidenceKind::GuardDutyDetectors];
const ACCOUNT_BLOCK: &[EvidenceKind] = &[EvidenceKind::S3AccountPublicAccessBlock];
const ANALYZERS: &[EvidenceKind] = &[EvidenceKind::AccessAnalyzers];
const PUBLIC_SNAPSHOTS: &[EvidenceKind] = &[EvidenceKind::EbsPublicSnapshots];
const INSPECTOR_STATUS: &[EvidenceKind] = &[EvidenceKind::InspectorAccountStatus];
const REGISTRY_SCANNING: &[EvidenceKind] = &[EvidenceKind::EcrRegistryScanning];

const fn web_acl(
    event_source: &'static str,
    event_name: &'static str,
    resource_type: &'static str,
) -> HandledCall {
    resource(
        event_source,
        event_name,
        resource_type,
        Identifier::WebAclArn,
    )
}

/// Every API call sidewatch reacts to, as CloudTrail names it. The one place this list lives.
pub const HANDLED_CALLS: &[HandledCall] = &[
    // S3 buckets: public access, transport, logging, versioning, encryption.
    bucket("PutBucketPolicy"),
    bucket("DeleteBucketPolicy"),
    bucket("PutBucketAcl"),
    bucket("PutBucketPublicAccessBlock"),
    bucket("DeleteBucketPublicAccessBlock"),
    bucket("PutBucketEncryption"),
    bucket("DeleteBucketEncryption"),
    bucket("PutBucketVersioning"),
    bucket("PutBucketLogging"),
    // EC2 security groups and network ACLs.
    security_group("AuthorizeSecurityGroupIngress"),
    security_group("RevokeSecurityGroupIngress"),
    security_group("AuthorizeSecurityGroupEgress"),
    security_group("RevokeSecurityGroupEgress"),
    network_acl("CreateNetworkAclEntry"),
    network_acl("ReplaceNetworkAclEntry"),
    network_acl("DeleteNetworkAclEntry"),
    // EC2 subnets: automatic public addresses.
    resource(
        EC2,
        "ModifySubnetAttribute",
        "AWS::EC2::Subnet",
        Identifier::Param("subnetId"),
    ),
    // SSM documents: sharing (the document name is its Config resource id).
    resource(
        SSM,
        "ModifyDocumentPermission",
        "AWS::SSM::Document",
        Identifier::Param("name"),
    ),
    // Lambda functions: settings, environment, resource policy.
    function("CreateFunction20150331"),
    function("UpdateFunctionConfiguration20150331v2"),
    function("AddPermission20150331v2"),
    function("RemovePermission20150331v2"),
    // KMS key rotation.
    kms_key("EnableKeyRotation"),
    kms_key("DisableKeyRotation"),
    // IAM users: access keys and MFA (the root user's own: account summary), console password,
    // attached and inline policies.
    iam_user_or_root("CreateAccessKey", ROOT_KEYS),
    iam_user_or_root("UpdateAccessKey", ROOT_KEYS),
    iam_user_or_root("DeleteAccessKey", ROOT_KEYS),
    iam_user_or_root("EnableMFADevice", ROOT_MFA),
    iam_user_or_root("DeactivateMFADevice", ROOT_MFA),
    iam_user("CreateLoginProfile"),
    iam_user("UpdateLoginProfile"),
    iam_user("DeleteLoginProfile"),
    iam_user("AttachUserPolicy"),
    iam_user("DetachUserPolicy"),
    iam_user("PutUserPolicy"),
    iam_user("DeleteUserPolicy"),
    // Account level.
    account(CLOUDTRAIL, "CreateTrail", TRAILS),
    account(CLOUDTRAIL, "UpdateTrail", TRAILS),
    account(CLOUDTRAIL, "DeleteTrail", TRAILS),
    account(CLOUDTRAIL, "StartLogging", TRAILS),
    account(CLOUDTRAIL, "StopLogging", TRAILS),
    account(CLOUDTRAIL, "PutEventSelectors", TRAILS),
    account(IAM, "UpdateAccountPasswordPolicy", PASSWORD_POLICY),
    account(IAM, "DeleteAccountPasswordPolicy", PASSWORD_POLICY),
    account(EC2, "EnableEbsEncryptionByDefault", EBS_DEFAULT),
    account(EC2, "DisableEbsEncryptionByDefault", EBS_DEFAULT),
    account(EC2, "ModifySnapshotAttribute", PUBLIC_SNAPSHOTS),
    account(EC2, "ResetSnapshotAttribute", PUBLIC_SNAPSHOTS),
    account(INSPECTOR, "Enable", INSPECTOR_STATUS),
    account(INSPECTOR, "Disable", INSPECTOR_STATUS),
    account(
        INSPECTOR,
        "UpdateOrganizationConfiguration",
        INSPECTOR_STATUS,
    ),
    account(INSPECTOR, "AssociateMember", INSPECTOR_STATUS),
    account(INSPECTOR, "DisassociateMember", INSPECTOR_STATUS),
    account(CONFIG, "PutConfigurationRecorder", RECORDERS),
    account(CONFIG, "StartConfigurationRecorder", RECORDERS),
    account(CONFIG, "StopConfigurationRecorder", RECORDERS),
    account(CONFIG, "DeleteConfigurationRecorder", RECORDERS),
    account(GUARDDUTY, "CreateDetector", DETECTORS),
    account(GUARDDUTY, "UpdateDetector", DETECTORS),
    account(GUARDDUTY, "DeleteDetector", DETECTORS),
    account(S3, "PutAccountPublicAccessBlock", ACCOUNT_BLOCK),
    account(S3, "DeleteAccountPublicAccessBlock", ACCOUNT_BLOCK),
    account(ACCESS_ANALYZER, "CreateAnalyzer", ANALYZERS),
    account(ACCESS_ANALYZER, "DeleteAnalyzer", ANALYZERS),
    security_contact("PutAlternateContact"),
    security_contact("DeleteAlternateContact"),
    // The ECR registry's scanning rules decide every repository's ECR.1: the sweep refreshes them.
    account(ECR, "PutRegistryScanningConfiguration", REGISTRY_SCANNING),
    // Web ACL logging (AWS WAF Classic global web ACLs, AWS WAF web ACLs).
    web_acl(WAF_CLASSIC, "PutLoggingConfiguration", "AWS::WAF::WebACL"),
    web_acl(
        WAF_CLASSIC,
        "DeleteLoggingConfiguration",
        "AWS::WAF::WebACL",
    ),
    web_acl(WAFV2, "PutLoggingConfiguration", "AWS::WAFv2::WebACL"),
    web_acl(WAFV2, "DeleteLoggingConfiguration", "AWS::WAFv2::WebACL"),
];

/// Every API call sidewatch reacts to ([`HANDLED_CALLS`]).
pub fn handled_api_calls() -> &'static [HandledCall] {
    HANDLED_CALLS
}

/// The handled call with this event source and name.
pub fn find_call(event_source: &str, event_name: &str) -> Option<&'static HandledCall> {
    HANDLED_CALLS
        .iter()
        .find(|c| c.event_source == event_source && c.event_name == event_name)
}

/// The EventBridge `source` of CloudTrail events from `event_source`: `aws.` and the service
/// prefix (`s3.amazonaws.com` → `aws.s3`).
pub fn eventbridge_source(event_source: &str) -> String {
    let service = event_source
        .strip_suffix(".amazonaws.com")
        .unwrap_or(event_source);
    format!("aws.{service}")
}

/// The EventBridge event pattern that matches every handled call (and, because patterns match
/// each field independently, a few unhandled combinations, which map to [`Target::Ignored`]).
pub fn event_pattern() -> Value {
    let sources: BTreeSet<String> = HANDLED_CALLS
        .iter()
        .map(HandledCall::eventbridge_source)
        .collect();
    let event_sources: BTreeSet<&str> = HANDLED_CALLS.iter().map(|c| c.event_source).collect();
    let names: BTreeSet<&str> = HANDLED_CALLS.iter().map(|c| c.event_name).collect();
    json!({
        "source": sources,
        "detail-type": [API_CALL],
        "detail": {"eventSource": event_sources, "eventName": names},
    })
}

/// What the CloudTrail record asks to re-evaluate (the record's own `eventSource` and `eventName`,
/// which the caller requires).
pub(crate) fn target(
    event_source: &str,
    event_name: &str,
    record: &Record,
) -> Result<Target, MissingIdentifier> {
    if let Some(code) = lenient_text(&record.error_code) {
        return Ok(Target::Ignored {
            reason: format!("{event_name} failed ({code}), so it changed nothing"),
        });
    }
    let Some(call) = find_call(event_source, event_name) else {
        return Ok(Target::Ignored {
            reason: format!("sidewatch re-evaluates nothing on {event_source} {event_name}"),
        });
    };
    match call.effect {
        Effect::Resource { resource_type, id } => resource_target(resource_type, id, record),
        Effect::Account {
            evidence,
            only_when,
        } => {
            if let Some((parameter, expected)) = only_when
                && let Some(actual) = record.parameter(parameter)
                && actual != expected
            {
                return Ok(Target::Ignored {
                    reason: format!(
                        "{event_name} changed the {actual} {parameter}; only {expected} is checked"
                    ),
                });
            }
            Ok(Target::Account {
                evidence: evidence.to_vec(),
            })
        }
        Effect::IamUserOrRoot { root_evidence } => {
            let own_root_credentials = record.parameter("userName").is_none()
                && nonblank(record.user_identity_type()) == Some("Root");
            if own_root_credentials {
                Ok(Target::Account {
                    evidence: root_evidence.to_vec(),
                })
            } else {
                resource_target("AWS::IAM::User", Identifier::IamUserName, record)
            }
        }
    }
}

fn resource_target(
    resource_type: &'static str,
    id: Identifier,
    record: &Record,
) -> Result<Target, MissingIdentifier> {
    let by_id = |resource_id: &str| Target::Resource {
        resource_type,
        resource_id: resource_id.to_owned(),
    };
    let by_name = |resource_name: &str| Target::ResourceNamed {
        resource_type,
        resource_name: resource_name.to_owned(),
    };
    let missing = |parameter| MissingIdentifier { parameter };
    let response = record.response();
    match id {
        Identifier::Param(name) => record.parameter(name).map(by_id).ok_or(missing(name)),
        Identifier::SecurityGroup => {
            let created = response
                .and_then(|r| r.security_group_rule_set.get())
                .and_then(|set| set.items.iter().next().flatten())
                .and_then(|rule| lenient_text(&rule.group_id));
            if let Some(id) = record.parameter("groupId").or(created) {
                Ok(by_id(id))
            } else {
                record
                    .parameter("groupName")
                    .map(by_name)
                    .ok_or(missing("groupId"))
            }
        }
        Identifier::LambdaFunction => response
            .and_then(|r| lenient_text(&r.function_name))
            .or_else(|| {
                record
                    .parameter("functionName")
                    .and_then(lambda_function_name)
            })
            .map(by_id)
            .ok_or(missing("functionName")),
        Identifier::KmsKey => record
            .parameter("keyId")
            .map(kms_key_id)
            .or_else(|| {
                record
                    .resource_arn("AWS::KMS::Key")
                    .filter(|arn| arn.contains(":key/"))
                    .map(kms_key_id)
            })
            .map(by_id)
            .ok_or(missing("keyId")),
        Identifier::IamUserName => record
            .parameter("userName")
            .or_else(|| {
                response
                    .and_then(|r| r.access_key.get())
                    .and_then(|key| lenient_text(&key.user_name))
            })
            .or_else(|| {
                let identity = record.user_identity.get()?;
                (lenient_text(&identity.kind) == Some("IAMUser"))
                    .then(|| lenient_text(&identity.user_name))
                    .flatten()
            })
            .map(by_name)
            .ok_or(missing("userName")),
        Identifier::WebAclArn => record
            .parameter("resourceArn")
            .or_else(|| record.nested_parameter("loggingConfiguration", "resourceArn"))
            .and_then(web_acl_id)
            .map(by_id)
            .ok_or(missing("resourceArn")),
    }
}

/// The web ACL id in a web ACL ARN: the last part of `webacl/<id>` (AWS WAF Classic) or
/// `<scope>/webacl/<name>/<id>` (AWS WAF).
fn web_acl_id(arn: &str) -> Option<&str> {
    let parsed = crate::arn::Arn::parse(arn)?;
    parsed
        .resource
        .contains("webacl/")
        .then(|| parsed.resource.rsplit('/').next())
        .flatten()
        .filter(|id| !id.is_empty())
}

/// The key id in a KMS `KeyId` parameter: a key id as is, a key ARN reduced to its id.
fn kms_key_id(raw: &str) -> &str {
    crate::arn::Arn::parse(raw)
        .and_then(|arn| arn.resource.strip_prefix("key/"))
        .unwrap_or(raw)
}

#[cfg(test)]
mod unit {
    use super::*;
    use serde_json::json;
    use std::collections::HashSet;

    fn detail(value: Value) -> Record {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn the_table_has_each_call_once() {
        let mut seen = HashSet::new();
        for call in handled_api_calls() {
            assert!(
                seen.insert((call.event_source, call.event_name)),
                "{} {} listed twice",
                call.event_source,
                call.event_name
            );
            assert!(call.event_source.ends_with(".amazonaws.com"));
            assert!(
                call.event_name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_uppercase()),
                "{}",
                call.event_name
            );
            if let Effect::Resource { resource_type, .. } = call.effect {
                assert!(
                    resource_type.starts_with("AWS::")
                        && resource_type != crate::ACCOUNT_RESOURCE_TYPE
                );
            }
        }
    }

    #[test]
    fn web_acl_logging_calls_name_the_web_acl_by_id() {
        let v2 = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/api-acl/a1b2c3d4-5678";
        let put = detail(json!({"requestParameters": {
            "loggingConfiguration": {"resourceArn": v2, "logDestinationConfigs": ["arn:x"]}}}));
        assert_eq!(
            target("wafv2.amazonaws.com", "PutLoggingConfiguration", &put),
            Ok(Target::Resource {
                resource_type: "AWS::WAFv2::WebACL",
                resource_id: "a1b2c3d4-5678".into()
            })
        );
        let classic = "arn:aws:waf::123456789012:webacl/3f6a1c2e-9b8d";
        let delete = detail(json!({"requestParameters": {"resourceArn": classic}}));
        assert_eq!(
            target("waf.amazonaws.com", "DeleteLoggingConfiguration", &delete),
            Ok(Target::Resource {
                resource_type: "AWS::WAF::WebACL",
                resource_id: "3f6a1c2e-9b8d".into()
            })
        );
        let other = detail(json!({"requestParameters": {
            "resourceArn": "arn:aws:wafv2:eu-west-1:123456789012:regional/rulegroup/x/y"}}));
        assert_eq!(
            target("wafv2.amazonaws.com", "DeleteLoggingConfiguration", &other),
            Err(MissingIdentifier {
                parameter: "resourceArn"
            })
        );
        let none = detail(json!({"requestParameters": {}}));
        assert!(target("wafv2.amazonaws.com", "PutLoggingConfiguration", &none).is_err());
    }

    #[test]
    fn the_registry_scanning_configuration_re_reads_every_repository() {
        let record = detail(json!({"requestParameters": {"scanType": "BASIC"}}));
        let t = target(
            "ecr.amazonaws.com",
            "PutRegistryScanningConfiguration",
            &record,
        )
        .unwrap();
        assert_eq!(
            t,
            Target::Account {
                evidence: vec![EvidenceKind::EcrRegistryScanning]
            }
        );
        let engine = Engine::with_defaults();
        let ids: Vec<_> = t.affected_controls(&engine).iter().map(|c| c.id).collect();
        assert!(ids.contains(&"ECR.1"), "{ids:?}");
    }

    #[test]
    fn every_resource_type_in_the_table_has_a_control() {
        for call in handled_api_calls() {
            if let Effect::Resource { resource_type, .. } = call.effect {
                assert!(
                    crate::catalog().iter().any(|c| c.applies_to(resource_type)),
                    "{}: no control evaluates {resource_type}",
                    call.event_name
                );
            }
        }
    }

    #[test]
    fn the_event_pattern_lists_every_call() {
        let pattern = event_pattern();
        let names = pattern["detail"]["eventName"].as_array().unwrap();
        for call in handled_api_calls() {
            assert!(names.contains(&json!(call.event_name)));
            assert!(
                pattern["source"]
                    .as_array()
                    .unwrap()
                    .contains(&json!(call.eventbridge_source()))
            );
        }
        assert_eq!(
            eventbridge_source("access-analyzer.amazonaws.com"),
            "aws.access-analyzer"
        );
        assert_eq!(
            pattern["detail-type"],
            json!(["AWS API Call via CloudTrail"])
        );
    }

    #[test]
    fn lambda_names_come_from_any_function_name_format() {
        for raw in [
            "my-function",
            "my-function:v1",
            "123456789012:function:my-function",
            "arn:aws:lambda:us-west-2:123456789012:function:my-function",
            "arn:aws-cn:lambda:cn-north-1:123456789012:function:my-function:PROD",
        ] {
            assert_eq!(lambda_function_name(raw), Some("my-function"), "{raw}");
        }
        assert_eq!(lambda_function_name("function"), Some("function"));
        assert_eq!(lambda_function_name(""), None);
        assert_eq!(lambda_function_name(":x"), None);
    }

    #[test]
    fn kms_key_ids_come_from_ids_and_arns() {
        assert_eq!(kms_key_id("1234abcd-12ab"), "1234abcd-12ab");
        assert_eq!(
            kms_key_id("arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab"),
            "1234abcd-12ab"
        );
        let d = detail(json!({
            "requestParameters": null,
            "resources": [{"type": "AWS::KMS::Key", "ARN": "arn:aws:kms:eu-west-1:1:key/k-1"}]
        }));
        assert_eq!(
            target(KMS, "EnableKeyRotation", &d).unwrap(),
            Target::Resource {
                resource_type: "AWS::KMS::Key",
                resource_id: "k-1".into()
            }
        );
    }

    #[test]
    fn security_groups_are_found_by_id_or_by_name() {
        let d = detail(json!({"requestParameters": {"ipPermissions": {}},
            "responseElements": {"securityGroupRuleSet": {"items": [{"groupId": "sg-1"}]}}}));
        assert_eq!(
            target(EC2, "AuthorizeSecurityGroupIngress", &d).unwrap(),
            Target::Resource {
                resource_type: "AWS::EC2::SecurityGroup",
                resource_id: "sg-1".into()
            }
        );
        let d = detail(json!({"requestParameters": {"groupName": "web"}}));
        assert_eq!(
            target(EC2, "RevokeSecurityGroupIngress", &d).unwrap(),
            Target::ResourceNamed {
                resource_type: "AWS::EC2::SecurityGroup",
                resource_name: "web".into()
            }
        );
        let err = target(EC2, "RevokeSecurityGroupIngress", &detail(json!({}))).unwrap_err();
        assert_eq!(err.parameter, "groupId");
    }

    #[test]
    fn iam_users_are_named_by_parameter_response_or_caller() {
        let named = |name: &str| Target::ResourceNamed {
            resource_type: "AWS::IAM::User",
            resource_name: name.into(),
        };
        let d = detail(
            json!({"userIdentity": {"type": "IAMUser", "userName": "self"},
            "requestParameters": null,
            "responseElements": {"accessKey": {"userName": "self", "status": "Active"}}}),
        );
        assert_eq!(target(IAM, "CreateAccessKey", &d).unwrap(), named("self"));
        let d = detail(
            json!({"userIdentity": {"type": "IAMUser", "userName": "caller"},
            "requestParameters": {"accessKeyId": "AKIA…"}}),
        );
        assert_eq!(target(IAM, "DeleteAccessKey", &d).unwrap(), named("caller"));
        let d = detail(json!({"userIdentity": {"type": "Root"},
            "requestParameters": {"userName": "alice", "serialNumber": "arn:aws:iam::1:mfa/alice"}}));
        assert_eq!(
            target(IAM, "DeactivateMFADevice", &d).unwrap(),
            named("alice")
        );
        let d = detail(json!({"userIdentity": {"type": "Root"},
            "requestParameters": {"serialNumber": "arn:aws:iam::1:mfa/root-account-mfa-device"}}));
        assert_eq!(
            target(IAM, "EnableMFADevice", &d).unwrap(),
            Target::Account {
                evidence: vec![
                    EvidenceKind::IamAccountSummary,
                    EvidenceKind::IamRootVirtualMfa
                ]
            }
        );
        let d = detail(json!({"userIdentity": {"type": "AssumedRole"}, "requestParameters": {}}));
        let err = target(IAM, "DeleteLoginProfile", &d).unwrap_err();
        assert_eq!(err.parameter, "userName");
    }

    #[test]
    fn only_the_security_contact_matters() {
        let d = detail(json!({"requestParameters": {"alternateContactType": "BILLING"}}));
        assert!(matches!(
            target(ACCOUNT, "PutAlternateContact", &d).unwrap(),
            Target::Ignored { reason } if reason.contains("BILLING")
        ));
        let d = detail(json!({"requestParameters": {"alternateContactType": "SECURITY"}}));
        assert_eq!(
            target(ACCOUNT, "DeleteAlternateContact", &d).unwrap(),
            Target::Account {
                evidence: vec![EvidenceKind::SecurityContact]
            }
        );
    }

    #[test]
    fn failed_and_unknown_calls_are_ignored() {
        let d = detail(json!({"errorCode": "AccessDenied", "requestParameters": null}));
        assert!(matches!(
            target(S3, "PutBucketPolicy", &d).unwrap(),
            Target::Ignored { reason } if reason.contains("AccessDenied")
        ));
        let d = detail(json!({"errorCode": "", "requestParameters": {"bucketName": "b"}}));
        assert!(matches!(
            target(S3, "PutBucketPolicy", &d).unwrap(),
            Target::Resource { .. }
        ));
        assert!(matches!(
            target(S3, "GetBucketPolicy", &d).unwrap(),
            Target::Ignored { reason } if reason.contains("GetBucketPolicy")
        ));
    }

    #[test]
    fn infrastructure_calls_reach_their_controls() {
        let engine = Engine::with_defaults();
        let ids = |t: Target| -> Vec<&str> {
            t.affected_controls(&engine).iter().map(|c| c.id).collect()
        };
        let d = detail(json!({"requestParameters": {"subnetId": "subnet-1",
                                                    "mapPublicIpOnLaunch": {"value": true}}}));
        let t = target(EC2, "ModifySubnetAttribute", &d).unwrap();
        assert_eq!(
            t,
            Target::Resource {
                resource_type: "AWS::EC2::Subnet",
                resource_id: "subnet-1".into()
            }
        );
        assert_eq!(ids(t), ["EC2.15"]);
        let d = detail(json!({"requestParameters": {"name": "deploy-app",
                                                    "permissionType": "Share",
                                                    "accountIdsToAdd": ["all"]}}));
        let t = target(SSM, "ModifyDocumentPermission", &d).unwrap();
        assert_eq!(ids(t), ["SSM.4"]);
        let d = detail(json!({"requestParameters": {"snapshotId": "snap-1"}}));
        assert_eq!(
            ids(target(EC2, "ModifySnapshotAttribute", &d).unwrap()),
            ["EC2.1"]
        );
        for call in ["Enable", "Disable", "UpdateOrganizationConfiguration"] {
            let t = target(INSPECTOR, call, &detail(json!({}))).unwrap();
            assert_eq!(
                ids(t),
                ["Inspector.1", "Inspector.2", "Inspector.3", "Inspector.4"],
                "{call}"
            );
        }
    }

    #[test]
    fn affected_controls_follow_type_or_evidence() {
        let engine = Engine::with_defaults();
        let t = Target::Resource {
            resource_type: "AWS::S3::Bucket",
            resource_id: "b".into(),
        };
        let ids: Vec<_> = t.affected_controls(&engine).iter().map(|c| c.id).collect();
        assert!(ids.contains(&"S3.8") && !ids.contains(&"EC2.19"));
        let t = Target::Account {
            evidence: vec![EvidenceKind::S3AccountPublicAccessBlock],
        };
        let ids: Vec<_> = t.affected_controls(&engine).iter().map(|c| c.id).collect();
        assert!(ids.contains(&"S3.2") && ids.contains(&"S3.3") && !ids.contains(&"S3.8"));
        assert!(
            Target::Ignored {
                reason: String::new()
            }
            .affected_controls(&engine)
            .is_empty()
        );
    }
}
