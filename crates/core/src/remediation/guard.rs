//! The guards: whether sidewatch may act on a finding at all.
//!
//! [`decide`] runs them in this order and the first that refuses decides ([`SkipCode`] names it):
//!
//! 1. the finding is sidewatch's own, in this account: `ProductArn` is this account's default
//!    product (`arn:<partition>:securityhub:<region>:<account>:product/<account>/default`),
//!    `AwsAccountId` is this account, `GeneratorId` is `sidewatch/<control id>` of a control in
//!    the catalog, and what else sidewatch writes agrees with it (`ProductFields`
//!    `sidewatch/ControlId`, `Compliance.SecurityControlId`, the deterministic `Id`);
//! 2. it is `FAILED`, `ACTIVE` and `NEW` — or, when a person chose it through the custom action,
//!    `FAILED` and `ACTIVE` and not `RESOLVED` or `SUPPRESSED`;
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
use crate::control::Control;
use crate::controls;
use crate::finding::{ComplianceStatus, RecordState, finding_id};
use crate::verdict::Verdict;
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
    /// The finding's fields disagree with its `GeneratorId` (control id, `Id`, resource type).
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
    if let Some(region) = config.region.as_deref()
        && product.region != region
    {
        return Err(Decision::skip(
            SkipCode::OtherRegion,
            format!(
                "the finding is of Region {}, the function runs in {region}",
                product.region
            ),
        ));
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
    Ok((control, resource_type, resource_id))
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

/// The parts of a default-product ARN.
struct DefaultProduct<'a> {
    partition: &'a str,
    region: &'a str,
    account: &'a str,
}

impl<'a> DefaultProduct<'a> {
    /// `arn:<partition>:securityhub:<region>:<account>:product/<account>/default`, with both
    /// accounts equal.
    fn parse(arn: &'a str) -> Option<Self> {
        let mut parts = arn.splitn(6, ':');
        let (arn_, partition, service, region, account, resource) = (
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
        );
        let owner = resource
            .strip_prefix("product/")?
            .strip_suffix("/default")?;
        (arn_ == "arn"
            && service == "securityhub"
            && !partition.is_empty()
            && !region.is_empty()
            && account.len() == 12
            && account.bytes().all(|b| b.is_ascii_digit())
            && owner == account)
            .then_some(DefaultProduct {
                partition,
                region,
                account,
            })
    }
}

#[cfg(test)]
#[path = "guard_tests.rs"]
mod tests;
