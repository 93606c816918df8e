//! The guards: whether sidewatch may act on a finding at all.
//!
//! [`decide`] runs them in this order and the first that refuses decides ([`SkipCode`] names it):
//!
//! 1. the finding is sidewatch's own, in this account: `ProductArn` is this account's default
//!    product (`arn:<partition>:securityhub:<region>:<account>:product/<account>/default`),
//!    `AwsAccountId` is this account, `GeneratorId` is `sidewatch/<control id>` of a control in
//!    the catalog, and what else sidewatch writes agrees with it (`ProductFields`
//!    `sidewatch/ControlId`, `Compliance.SecurityControlId`, the deterministic `Id`), `Region` is
//!    the function's, and `Resources[0]` names the very resource the remediation would act on,
//!    in this partition, account and Region (`resource_named`);
//! 2. it is `FAILED`, `ACTIVE` and `NEW` — or, when a person chose it through the custom action,
//!    `FAILED` and `ACTIVE` and not `RESOLVED` or `SUPPRESSED` — and no exception covers it (the
//!    `sidewatch/Exception` product field);
//! 3. the control is in the allow-list;
//! 4. the mode is not `off`;
//! 5. the resource does not carry the exemption tag for this control (or `all`);
//! 6. the control has an automatic remediation ([`super::plan::remediability`]).
//!
//! The last guard, the live re-read, is [`confirm`]: the function reads the resource again,
//! evaluates the control on it ([`super::plan::evaluate_live`]) and skips a resource that is gone,
//! already compliant, or exempt by now.

use super::event::{EventFinding, SecurityHubEvent, Trigger, WorkflowStatus};
use super::plan::{Remediability, remediability};
use super::{Mode, RemediationConfig};
use sidewatch_core::arn::{Arn, DefaultProduct};
use sidewatch_core::control::Control;
use sidewatch_core::controls;
use sidewatch_core::finding::{ComplianceStatus, RecordState, finding_id};
use sidewatch_core::item::ACCOUNT_RESOURCE_TYPE;
use sidewatch_core::verdict::Verdict;
use std::collections::BTreeMap;
use std::fmt;

/// Why a finding is not acted on: stable codes for metrics and log queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SkipCode {
    /// The event cannot be read.
    MalformedEvent,
    /// The finding lacks what the guards need, or it cannot be read.
    MalformedFinding,
    /// Not a finding of this account's default product (another product or integration).
    ForeignProduct,
    /// A finding of another account (e.g. aggregated into an administrator account).
    OtherAccount,
    /// A finding of another Region than the function's.
    OtherRegion,
    /// `GeneratorId` is not `sidewatch/<control>` of a control in the catalog.
    ForgedGenerator,
    /// The finding's fields disagree with its `GeneratorId` (control id, `Id`, resource type), or
    /// `Resources[0]` names another resource, partition, account or Region than the finding (or
    /// is not a well-formed ARN).
    InconsistentFinding,
    /// `Compliance.Status` is not `FAILED`.
    NotFailed,
    /// `RecordState` is not `ACTIVE`.
    Archived,
    /// Automatic trigger on a finding whose workflow is no longer `NEW` (someone, possibly
    /// sidewatch itself, already looked at it).
    WorkflowNotNew,
    /// The workflow is `RESOLVED` or `SUPPRESSED`: never acted on.
    WorkflowClosed,
    /// An exception (accepted risk) covers the failure: never acted on.
    Excepted,
    /// The control is not in the allow-list.
    NotAllowListed,
    /// The mode is `off`.
    ModeOff,
    /// The resource carries the exemption tag for this control.
    Exempt,
    /// The control has no safe automatic fix.
    NotifyOnly,
    /// The live resource no longer exists.
    ResourceGone,
    /// The live resource is compliant already.
    AlreadyCompliant,
    /// The control does not apply to the live resource.
    NotApplicable,
    /// The control cannot decide on the live resource.
    LiveDataInsufficient,
}

impl SkipCode {
    /// Every code, in the order the guards give them (the refusal table of
    /// `docs/remediation.md` is generated from it; keep it in step with the enum).
    pub const ALL: &'static [SkipCode] = &[
        SkipCode::MalformedEvent,
        SkipCode::MalformedFinding,
        SkipCode::ForeignProduct,
        SkipCode::OtherAccount,
        SkipCode::OtherRegion,
        SkipCode::ForgedGenerator,
        SkipCode::InconsistentFinding,
        SkipCode::NotFailed,
        SkipCode::Archived,
        SkipCode::WorkflowNotNew,
        SkipCode::WorkflowClosed,
        SkipCode::Excepted,
        SkipCode::NotAllowListed,
        SkipCode::ModeOff,
        SkipCode::Exempt,
        SkipCode::NotifyOnly,
        SkipCode::ResourceGone,
        SkipCode::AlreadyCompliant,
        SkipCode::NotApplicable,
        SkipCode::LiveDataInsufficient,
    ];

    /// The guard that gives the code, numbered as in this module's documentation (`live re-read`
    /// is [`confirm`]).
    pub fn guard(self) -> &'static str {
        match self {
            SkipCode::MalformedEvent => "event",
            SkipCode::MalformedFinding
            | SkipCode::ForeignProduct
            | SkipCode::OtherAccount
            | SkipCode::OtherRegion
            | SkipCode::ForgedGenerator
            | SkipCode::InconsistentFinding => "1. own finding",
            SkipCode::NotFailed
            | SkipCode::Archived
            | SkipCode::WorkflowNotNew
            | SkipCode::WorkflowClosed
            | SkipCode::Excepted => "2. state",
            SkipCode::NotAllowListed => "3. allow-list",
            SkipCode::ModeOff => "4. mode",
            SkipCode::Exempt => "5. exemption tag (and live)",
            SkipCode::NotifyOnly => "6. remediability",
            SkipCode::ResourceGone
            | SkipCode::AlreadyCompliant
            | SkipCode::NotApplicable
            | SkipCode::LiveDataInsufficient => "live re-read",
        }
    }

    /// When the code is given, for people (the refusal table of `docs/remediation.md`).
    pub fn when(self) -> &'static str {
        match self {
            SkipCode::MalformedEvent => {
                "the event is not JSON, not from `aws.securityhub`, of another detail-type, or \
                 carries no finding"
            }
            SkipCode::MalformedFinding => {
                "a finding cannot be read, or lacks a field the guards need (`ProductArn`, \
                 `AwsAccountId`, `GeneratorId`, `Id`, the `sidewatch/ResourceType` and \
                 `sidewatch/ResourceId` product fields, `Resources[0].Id`, the workflow status)"
            }
            SkipCode::ForeignProduct => {
                "`ProductArn` is not this account's default product in the function's partition \
                 (another product or integration, e.g. GuardDuty)"
            }
            SkipCode::OtherAccount => {
                "`AwsAccountId` or the `ProductArn` account is not the function's account (e.g. \
                 a finding aggregated into an administrator account)"
            }
            SkipCode::OtherRegion => {
                "the `ProductArn` Region or the finding's `Region` is not the function's Region"
            }
            SkipCode::ForgedGenerator => {
                "`GeneratorId` is not `sidewatch/<control id>` of a control in the catalog"
            }
            SkipCode::InconsistentFinding => {
                "the finding contradicts itself: the `sidewatch/ControlId` product field or \
                 `Compliance.SecurityControlId` is not the `GeneratorId`'s control, the control \
                 does not evaluate the resource type, the `Id` is not the one sidewatch gives \
                 that control on that resource, or `Resources[0]` names another resource: an ARN \
                 of another partition, account or Region than the finding's (an empty Region or \
                 account passes only where the service has none: S3 buckets, IAM), of another \
                 service or resource than `sidewatch/ResourceId`, an ARN that does not parse, or \
                 a bare id that is not `sidewatch/ResourceId` (acting on it would change this \
                 account's resource that has the same id)"
            }
            SkipCode::NotFailed => "`Compliance.Status` is not `FAILED`",
            SkipCode::Archived => "`RecordState` is not `ACTIVE`",
            SkipCode::WorkflowNotNew => {
                "an automatic (Imported) trigger on a finding whose workflow is no longer `NEW`"
            }
            SkipCode::WorkflowClosed => {
                "the workflow is `RESOLVED` or `SUPPRESSED`, whoever triggered"
            }
            SkipCode::Excepted => {
                "the finding carries the `sidewatch/Exception` product field: an entry of the \
                 exceptions file accepts the risk until its expiry, whoever triggered (the \
                 field arrives with the import, before the workflow is `SUPPRESSED`)"
            }
            SkipCode::NotAllowListed => "the control is not in the allow-list (empty: none is)",
            SkipCode::ModeOff => "the mode is `off`",
            SkipCode::Exempt => {
                "the resource carries the exemption tag naming the control or `all`: in the \
                 finding's tags, or in the live tags when re-read"
            }
            SkipCode::NotifyOnly => "the control has no safe automatic fix (the table above)",
            SkipCode::ResourceGone => "the live resource no longer exists",
            SkipCode::AlreadyCompliant => "the control passes on the live resource now",
            SkipCode::NotApplicable => "the control does not apply to the live resource now",
            SkipCode::LiveDataInsufficient => "the control cannot decide on the live resource",
        }
    }

    /// The stable spelling (`other-account`).
    pub fn as_str(self) -> &'static str {
        match self {
            SkipCode::MalformedEvent => "malformed-event",
            SkipCode::MalformedFinding => "malformed-finding",
            SkipCode::ForeignProduct => "foreign-product",
            SkipCode::OtherAccount => "other-account",
            SkipCode::OtherRegion => "other-region",
            SkipCode::ForgedGenerator => "forged-generator",
            SkipCode::InconsistentFinding => "inconsistent-finding",
            SkipCode::NotFailed => "not-failed",
            SkipCode::Archived => "archived",
            SkipCode::WorkflowNotNew => "workflow-not-new",
            SkipCode::WorkflowClosed => "workflow-closed",
            SkipCode::Excepted => "excepted",
            SkipCode::NotAllowListed => "not-allow-listed",
            SkipCode::ModeOff => "mode-off",
            SkipCode::Exempt => "exempt",
            SkipCode::NotifyOnly => "notify-only",
            SkipCode::ResourceGone => "resource-gone",
            SkipCode::AlreadyCompliant => "already-compliant",
            SkipCode::NotApplicable => "not-applicable",
            SkipCode::LiveDataInsufficient => "live-data-insufficient",
        }
    }
}

impl fmt::Display for SkipCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What to do with one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Every guard passed so far: plan the change for this resource, in this mode.
    Act {
        control: &'static Control,
        /// The AWS Config `resourceId` (`sidewatch/ResourceId`).
        resource_id: String,
        /// The AWS Config resource type (`sidewatch/ResourceType`).
        resource_type: String,
        mode: Mode,
    },
    /// Leave it alone, and why.
    Skip { code: SkipCode, reason: String },
}

impl Decision {
    fn skip(code: SkipCode, reason: impl Into<String>) -> Self {
        Decision::Skip {
            code,
            reason: reason.into(),
        }
    }

    /// The skip code, `None` for [`Decision::Act`].
    pub fn skip_code(&self) -> Option<SkipCode> {
        match self {
            Decision::Skip { code, .. } => Some(*code),
            Decision::Act { .. } => None,
        }
    }
}

/// Runs the guards on one finding. `resource_tags` are the resource's tags: the live ones when
/// the function has read them, else [`EventFinding::resource_tags`] (what sidewatch recorded);
/// [`confirm`] checks the live tags again in any case.
pub fn decide(
    finding: &EventFinding,
    trigger: &Trigger,
    config: &RemediationConfig,
    resource_tags: &BTreeMap<String, String>,
) -> Decision {
    let (control, resource_type, resource_id) = match provenance(finding, config) {
        Ok(found) => found,
        Err(skip) => return skip,
    };
    if let Err(skip) = state(finding, trigger) {
        return skip;
    }
    if let Some(exception) = finding
        .product_fields
        .get(sidewatch_core::exceptions::EXCEPTION_FIELD)
        .filter(|v| !v.trim().is_empty())
    {
        return Decision::skip(SkipCode::Excepted, exception.clone());
    }
    if !config.allows(control.id) {
        return Decision::skip(
            SkipCode::NotAllowListed,
            format!(
                "{} is not in the remediation allow-list ({})",
                control.id,
                if config.allow_list.is_empty() {
                    "empty".to_owned()
                } else {
                    config.allow_list.join(", ")
                }
            ),
        );
    }
    if config.mode == Mode::Off {
        return Decision::skip(SkipCode::ModeOff, "the remediation mode is off");
    }
    if let Some(reason) = exemption(resource_tags, &config.exemption_tag_key, control.id) {
        return Decision::skip(SkipCode::Exempt, reason);
    }
    if let Remediability::NotifyOnly(reason) = remediability(control.id) {
        return Decision::skip(
            SkipCode::NotifyOnly,
            format!("{} is notify-only: {reason}", control.id),
        );
    }
    Decision::Act {
        control,
        resource_id: resource_id.to_owned(),
        resource_type: resource_type.to_owned(),
        mode: config.mode,
    }
}

/// Every finding of an event, decided with the tags the finding carries. An event that cannot be
/// read gives one [`SkipCode::MalformedEvent`].
pub fn decide_event(text: &str, config: &RemediationConfig) -> Vec<Decision> {
    let event = match SecurityHubEvent::from_json_str(text) {
        Ok(event) => event,
        Err(e) => return vec![Decision::skip(SkipCode::MalformedEvent, e.to_string())],
    };
    if event.findings.is_empty() {
        return vec![Decision::skip(
            SkipCode::MalformedEvent,
            "the event carries no finding",
        )];
    }
    event
        .findings
        .iter()
        .map(|finding| match finding {
            Ok(f) => decide(f, &event.trigger, config, &f.resource_tags()),
            Err(reason) => Decision::skip(SkipCode::MalformedFinding, reason.clone()),
        })
        .collect()
}

/// The resource as the function re-read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Live<'a> {
    /// The resource no longer exists (or Config records it as deleted).
    Gone,
    /// The resource exists: its current tags and the control's verdict on it now.
    Present {
        tags: &'a BTreeMap<String, String>,
        verdict: &'a Verdict,
    },
}

/// The last guard: acts only when the live resource exists, is not exempt by now, and the control
/// still finds it non-compliant. A [`Decision::Skip`] passes through unchanged.
pub fn confirm(decision: Decision, live: Live<'_>, config: &RemediationConfig) -> Decision {
    let Decision::Act {
        control,
        ref resource_id,
        ..
    } = decision
    else {
        return decision;
    };
    let (tags, verdict) = match live {
        Live::Gone => {
            return Decision::skip(
                SkipCode::ResourceGone,
                format!("{resource_id} no longer exists"),
            );
        }
        Live::Present { tags, verdict } => (tags, verdict),
    };
    if let Some(reason) = exemption(tags, &config.exemption_tag_key, control.id) {
        return Decision::skip(SkipCode::Exempt, reason);
    }
    match verdict {
        Verdict::NonCompliant(_) => decision,
        Verdict::Compliant(reason) => Decision::skip(
            SkipCode::AlreadyCompliant,
            format!("{resource_id} complies with {} now: {reason}", control.id),
        ),
        Verdict::NotApplicable(reason) => Decision::skip(
            SkipCode::NotApplicable,
            format!(
                "{} does not apply to {resource_id} now: {reason}",
                control.id
            ),
        ),
        Verdict::InsufficientData(reason) => Decision::skip(
            SkipCode::LiveDataInsufficient,
            format!(
                "{} cannot decide on {resource_id} now: {reason}",
                control.id
            ),
        ),
    }
}

/// Guard 1: the finding is sidewatch's own in this account. Returns the control and the Config
/// resource type and id.
fn provenance<'f>(
    finding: &'f EventFinding,
    config: &RemediationConfig,
) -> Result<(&'static Control, &'f str, &'f str), Decision> {
    let malformed = |field: &str| {
        Decision::skip(
            SkipCode::MalformedFinding,
            format!("the finding has no {field}"),
        )
    };
    let product_arn = finding
        .product_arn
        .as_deref()
        .ok_or_else(|| malformed("ProductArn"))?;
    let Some(product) = DefaultProduct::parse(product_arn) else {
        return Err(Decision::skip(
            SkipCode::ForeignProduct,
            format!(
                "ProductArn {product_arn} is not an account's default product \
                 (arn:<partition>:securityhub:<region>:<account>:product/<account>/default)"
            ),
        ));
    };
    let finding_account = finding
        .aws_account_id
        .as_deref()
        .ok_or_else(|| malformed("AwsAccountId"))?;
    for (what, account) in [
        ("AwsAccountId", finding_account),
        ("ProductArn", product.account),
    ] {
        if account != config.account_id {
            return Err(Decision::skip(
                SkipCode::OtherAccount,
                format!(
                    "the finding belongs to account {account} ({what}), not to {}",
                    config.account_id
                ),
            ));
        }
    }
    if product.partition != config.partition {
        return Err(Decision::skip(
            SkipCode::ForeignProduct,
            format!(
                "ProductArn {product_arn} is in partition {}, not {}",
                product.partition, config.partition
            ),
        ));
    }
    if let Some(region) = config.region.as_deref() {
        for (what, finding_region) in [
            ("ProductArn", Some(product.region)),
            ("Region", finding.region.as_deref()),
        ] {
            if let Some(finding_region) = finding_region
                && finding_region != region
            {
                return Err(Decision::skip(
                    SkipCode::OtherRegion,
                    format!(
                        "the finding is of Region {finding_region} ({what}), the function runs \
                         in {region}"
                    ),
                ));
            }
        }
    }
    let generator = finding
        .generator_id
        .as_deref()
        .ok_or_else(|| malformed("GeneratorId"))?;
    let Some(control_id) = generator.strip_prefix("sidewatch/") else {
        return Err(Decision::skip(
            SkipCode::ForgedGenerator,
            format!("GeneratorId {generator} is not sidewatch/<control id>"),
        ));
    };
    let Some(control) = controls::find(control_id) else {
        return Err(Decision::skip(
            SkipCode::ForgedGenerator,
            format!("GeneratorId {generator} names no control in sidewatch's catalog"),
        ));
    };
    let inconsistent = |reason: String| Decision::skip(SkipCode::InconsistentFinding, reason);
    for (what, value) in [
        (
            "ProductFields sidewatch/ControlId",
            finding.product_field("sidewatch/ControlId"),
        ),
        (
            "Compliance.SecurityControlId",
            finding
                .compliance
                .as_ref()
                .and_then(|c| c.security_control_id.as_deref()),
        ),
    ] {
        if let Some(value) = value
            && value != control.id
        {
            return Err(inconsistent(format!(
                "{what} is {value} but GeneratorId names {}",
                control.id
            )));
        }
    }
    let resource_type = finding
        .product_field("sidewatch/ResourceType")
        .ok_or_else(|| malformed("sidewatch/ResourceType product field"))?;
    let resource_id = finding
        .product_field("sidewatch/ResourceId")
        .ok_or_else(|| malformed("sidewatch/ResourceId product field"))?;
    if !control.applies_to(resource_type) {
        return Err(inconsistent(format!(
            "{} does not evaluate {resource_type}",
            control.id
        )));
    }
    let id = finding.id.as_deref().ok_or_else(|| malformed("Id"))?;
    let expected = finding_id(
        product.partition,
        product.account,
        product.region,
        control.id,
        resource_id,
    );
    if id != expected {
        return Err(inconsistent(format!(
            "the finding Id {id} is not the one sidewatch gives {control_id} on {resource_id}"
        )));
    }
    resource_named(finding, &product, resource_type, resource_id)?;
    Ok((control, resource_type, resource_id))
}

/// Guard 1, last part: the finding's `Region` and `Resources[0]` name the resource the
/// remediation would act on (`sidewatch/ResourceId`, read and changed in the function's own
/// account and Region), and nothing else.
///
/// * `Region`, when present, is the `ProductArn`'s Region.
/// * `Resources[0].Partition` and `Resources[0].Region`, when present, are the finding's.
/// * `Resources[0].Id` is either an ARN, whose partition, account and Region are the finding's
///   (`ProductArn`, `AwsAccountId`; an empty Region or account passes only for a service whose
///   ARNs never have one: S3 buckets have neither, IAM no Region) and whose service and
///   resource part are the resource type's with the resource id ([`ArnShape`]); or a bare id
///   (`sg-0abc`), which must be the resource id itself and takes its partition, account and
///   Region from the finding; or, for the account, `AWS::::Account:<account>`.
///
/// Anything else is [`SkipCode::InconsistentFinding`] (a missing `Resources[0].Id`,
/// [`SkipCode::MalformedFinding`]): Security Hub keeps what the product sent, so a finding of
/// this account may still name another account's resource, and acting on it would change the
/// resource of this account that happens to have the same id.
fn resource_named(
    finding: &EventFinding,
    product: &DefaultProduct<'_>,
    resource_type: &str,
    resource_id: &str,
) -> Result<(), Decision> {
    let inconsistent = |reason: String| Decision::skip(SkipCode::InconsistentFinding, reason);
    if let Some(region) = finding.region.as_deref()
        && region != product.region
    {
        return Err(inconsistent(format!(
            "the finding's Region is {region} but its ProductArn is of {}",
            product.region
        )));
    }
    let Some((resource, id)) = finding.resources.first().and_then(|r| {
        r.id.as_deref()
            .filter(|id| !id.trim().is_empty())
            .map(|id| (r, id))
    }) else {
        return Err(Decision::skip(
            SkipCode::MalformedFinding,
            "the finding has no Resources[0].Id",
        ));
    };
    for (what, value, expected) in [
        (
            "Partition",
            resource.partition.as_deref(),
            product.partition,
        ),
        ("Region", resource.region.as_deref(), product.region),
    ] {
        if let Some(value) = value
            && value != expected
        {
            return Err(inconsistent(format!(
                "Resources[0].{what} is {value} but the finding is of {expected}"
            )));
        }
    }
    if resource_type == ACCOUNT_RESOURCE_TYPE {
        let account = product.account;
        if resource_id != account {
            return Err(inconsistent(format!(
                "sidewatch/ResourceId names account {resource_id} but the finding is of {account}"
            )));
        }
        if id != format!("AWS::::Account:{account}") && id != account {
            return Err(inconsistent(format!(
                "Resources[0].Id {id} is not AWS::::Account:{account}"
            )));
        }
        return Ok(());
    }
    if !id.starts_with("arn:") {
        if id != resource_id {
            return Err(inconsistent(format!(
                "Resources[0].Id {id} is not the resource sidewatch/ResourceId names \
                 ({resource_id})"
            )));
        }
        return Ok(());
    }
    let Some(arn) = Arn::parse(id) else {
        return Err(inconsistent(format!(
            "Resources[0].Id {id} is not a well-formed ARN \
             (arn:<partition>:<service>:<region>:<account>:<resource>)"
        )));
    };
    let Some(shape) = ArnShape::of(resource_type) else {
        return Err(inconsistent(format!(
            "sidewatch does not know how the ARN of a {resource_type} names it, so \
             Resources[0].Id {id} cannot be checked"
        )));
    };
    if arn.partition != product.partition {
        return Err(inconsistent(format!(
            "Resources[0].Id {id} is in partition {}, the finding in {}",
            arn.partition, product.partition
        )));
    }
    if arn.service != shape.service {
        return Err(inconsistent(format!(
            "Resources[0].Id {id} is an ARN of {}, a {resource_type} is of {}",
            arn.service, shape.service
        )));
    }
    for (what, value, expected, always_present) in [
        ("account", arn.account, product.account, shape.has_account),
        ("Region", arn.region, product.region, shape.has_region),
    ] {
        if value.is_empty() && !always_present {
            continue;
        }
        if value != expected {
            return Err(inconsistent(format!(
                "Resources[0].Id {id} is of {what} {}, the finding of {expected}",
                if value.is_empty() { "(none)" } else { value }
            )));
        }
    }
    let names_it = match shape.resource {
        ArnResource::Id(prefix) => arn
            .resource
            .strip_prefix(prefix)
            .is_some_and(|rest| rest == resource_id),
        ArnResource::Kind(prefix) => arn
            .resource
            .strip_prefix(prefix)
            .is_some_and(|rest| !rest.is_empty()),
        ArnResource::Kinds(prefixes) => prefixes.iter().any(|prefix| {
            arn.resource
                .strip_prefix(prefix)
                .is_some_and(|rest| !rest.is_empty())
        }),
    };
    if !names_it {
        return Err(inconsistent(format!(
            "Resources[0].Id {id} does not name the resource sidewatch/ResourceId names \
             ({resource_type} {resource_id}; expected {})",
            shape.resource.expected(resource_id)
        )));
    }
    Ok(())
}

/// How the ARN of a resource type is written (what AWS Config records as its `arn`, and what
/// [`sidewatch_core::finding::FindingBuilder`] puts in `Resources[0].Id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ArnShape {
    service: &'static str,
    /// `false` for services whose ARNs have no Region (S3 buckets, IAM).
    has_region: bool,
    /// `false` for services whose ARNs have no account (S3 buckets).
    has_account: bool,
    resource: ArnResource,
}

/// How an ARN's resource part names the AWS Config resource id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArnResource {
    /// Exactly `<prefix><resource id>` (`security-group/sg-0abc`, `function:name`, `bucket`).
    Id(&'static str),
    /// `<prefix><name>`: the ARN names the resource by its name while AWS Config's resource id is
    /// an opaque id (IAM `AIDA…`, RDS `db-…`), so only the kind can be checked here; the live
    /// read then looks the resource up by that id in the function's own account.
    Kind(&'static str),
    /// Like [`ArnResource::Kind`], for resource types whose ARNs use one of several prefixes
    /// (AWS WAF web ACLs: `regional/webacl/` or `global/webacl/`).
    Kinds(&'static [&'static str]),
}

impl ArnResource {
    fn expected(self, resource_id: &str) -> String {
        match self {
            ArnResource::Id(prefix) => format!("{prefix}{resource_id}"),
            ArnResource::Kind(prefix) => format!("{prefix}<name>"),
            ArnResource::Kinds(prefixes) => format!("{}<name>", prefixes.join("<name> or ")),
        }
    }
}

impl ArnShape {
    /// The shape of every resource type of the catalog but the account (a test keeps it
    /// complete), `None` for any other.
    fn of(resource_type: &str) -> Option<Self> {
        use ArnResource::{Id, Kind, Kinds};
        let regional = |service, resource| ArnShape {
            service,
            has_region: true,
            has_account: true,
            resource,
        };
        let iam = |prefix| ArnShape {
            service: "iam",
            has_region: false,
            has_account: true,
            resource: Kind(prefix),
        };
        Some(match resource_type {
            "AWS::S3::Bucket" => ArnShape {
                service: "s3",
                has_region: false,
                has_account: false,
                resource: Id(""),
            },
            "AWS::EC2::SecurityGroup" => regional("ec2", Id("security-group/")),
            "AWS::EC2::Instance" => regional("ec2", Id("instance/")),
            "AWS::EC2::NetworkAcl" => regional("ec2", Id("network-acl/")),
            "AWS::EC2::Subnet" => regional("ec2", Id("subnet/")),
            "AWS::EC2::Volume" => regional("ec2", Id("volume/")),
            "AWS::EC2::VPC" => regional("ec2", Id("vpc/")),
            "AWS::EC2::LaunchTemplate" => regional("ec2", Id("launch-template/")),
            "AWS::SSM::Document" => regional("ssm", Id("document/")),
            // A managed instance's compliance is reported on the instance (its resource id is
            // the instance id in sidewatch's inventory; Config's own id format is not documented).
            "AWS::SSM::PatchCompliance" | "AWS::SSM::AssociationCompliance" => {
                regional("ec2", Kind("instance/"))
            }
            "AWS::KMS::Key" => regional("kms", Id("key/")),
            "AWS::CloudTrail::Trail" => regional("cloudtrail", Id("trail/")),
            "AWS::Lambda::Function" => regional("lambda", Id("function:")),
            "AWS::RDS::DBInstance" => regional("rds", Kind("db:")),
            "AWS::RDS::DBCluster" => regional("rds", Kind("cluster:")),
            "AWS::RDS::DBSnapshot" => regional("rds", Kind("snapshot:")),
            "AWS::RDS::DBClusterSnapshot" => regional("rds", Kind("cluster-snapshot:")),
            "AWS::DynamoDB::Table" => regional("dynamodb", Id("table/")),
            "AWS::EFS::FileSystem" => regional("elasticfilesystem", Id("file-system/")),
            // Config's resource id of a queue is its URL, of a topic and a secret their ARN.
            "AWS::SQS::Queue" => regional("sqs", Kind("")),
            "AWS::SNS::Topic" => regional("sns", Kind("")),
            "AWS::SecretsManager::Secret" => regional("secretsmanager", Kind("secret:")),
            "AWS::ECR::Repository" => regional("ecr", Id("repository/")),
            "AWS::EKS::Cluster" => regional("eks", Id("cluster/")),
            "AWS::ECS::Cluster" => regional("ecs", Kind("cluster/")),
            "AWS::ECS::Service" => regional("ecs", Kind("service/")),
            "AWS::ECS::TaskDefinition" => regional("ecs", Kind("task-definition/")),
            "AWS::ECS::TaskSet" => regional("ecs", Kind("task-set/")),
            "AWS::IAM::User" => iam("user/"),
            "AWS::IAM::Role" => iam("role/"),
            "AWS::IAM::Group" => iam("group/"),
            "AWS::IAM::Policy" => iam("policy/"),
            // Config's resource id of an ELBv2 load balancer or listener is its whole ARN.
            "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
                regional("elasticloadbalancing", Kind("loadbalancer/"))
            }
            "AWS::ElasticLoadBalancingV2::Listener" => {
                regional("elasticloadbalancing", Kind("listener/"))
            }
            "AWS::ElasticLoadBalancing::LoadBalancer" => {
                regional("elasticloadbalancing", Id("loadbalancer/"))
            }
            "AWS::WAFRegional::Rule" => regional("waf-regional", Id("rule/")),
            "AWS::WAFRegional::RuleGroup" => regional("waf-regional", Id("rulegroup/")),
            "AWS::WAFv2::WebACL" => {
                regional("wafv2", Kinds(&["regional/webacl/", "global/webacl/"]))
            }
            "AWS::CloudFront::Distribution" => ArnShape {
                service: "cloudfront",
                has_region: false,
                has_account: true,
                resource: Id("distribution/"),
            },
            // API Gateway ARNs carry no account:
            // arn:aws:apigateway:<region>::/restapis/<id>/stages/<name>.
            "AWS::ApiGateway::Stage" => ArnShape {
                service: "apigateway",
                has_region: true,
                has_account: false,
                resource: Kind("/restapis/"),
            },
            "AWS::ApiGatewayV2::Stage" => ArnShape {
                service: "apigateway",
                has_region: true,
                has_account: false,
                resource: Kind("/apis/"),
            },
            // AWS WAF Classic global web ACLs: `arn:aws:waf::<account>:webacl/<id>`, no Region.
            "AWS::WAF::WebACL" => ArnShape {
                service: "waf",
                has_region: false,
                has_account: true,
                resource: Id("webacl/"),
            },
            _ => return None,
        })
    }
}

/// Guard 2: FAILED, ACTIVE, and NEW (automatic) or open (custom action).
fn state(finding: &EventFinding, trigger: &Trigger) -> Result<(), Decision> {
    match finding.compliance_status() {
        Some(ComplianceStatus::Failed) => {}
        other => {
            return Err(Decision::skip(
                SkipCode::NotFailed,
                format!(
                    "Compliance.Status is {}, not FAILED",
                    other.map_or("missing or unknown", ComplianceStatus::as_str)
                ),
            ));
        }
    }
    match finding.record_state() {
        Some(RecordState::Active) => {}
        other => {
            return Err(Decision::skip(
                SkipCode::Archived,
                format!(
                    "RecordState is {}, not ACTIVE",
                    other.map_or("missing or unknown", RecordState::as_str)
                ),
            ));
        }
    }
    let Some(workflow) = finding.workflow_status() else {
        return Err(Decision::skip(
            SkipCode::MalformedFinding,
            "the finding has no readable Workflow.Status",
        ));
    };
    match (workflow, trigger) {
        (WorkflowStatus::Resolved | WorkflowStatus::Suppressed, _) => Err(Decision::skip(
            SkipCode::WorkflowClosed,
            format!(
                "the workflow status is {}: closed findings are never acted on",
                workflow.as_str()
            ),
        )),
        (WorkflowStatus::New, _) | (WorkflowStatus::Notified, Trigger::CustomAction { .. }) => {
            Ok(())
        }
        (WorkflowStatus::Notified, Trigger::Imported) => Err(Decision::skip(
            SkipCode::WorkflowNotNew,
            "the workflow status is NOTIFIED, not NEW: automatic remediation acts only on new \
             findings (choose the custom action to act on it)",
        )),
    }
}

/// Why the tags exempt the resource from `control_id`, or `None`. The tag value lists control
/// ids or `all`, separated by commas (or spaces, `+` or `/`, for services whose tag values refuse
/// commas), in any case.
pub fn exemption(tags: &BTreeMap<String, String>, key: &str, control_id: &str) -> Option<String> {
    let value = tags.get(key)?;
    value
        .split([',', ' ', '+', '/'])
        .map(str::trim)
        .find(|entry| entry.eq_ignore_ascii_case("all") || entry.eq_ignore_ascii_case(control_id))
        .map(|entry| format!("the resource is exempt: tag {key}={value} names {entry}"))
}

#[cfg(test)]
#[path = "guard_tests.rs"]
mod tests;
