//! Account-level controls (`AWS::::Account`), and what every account-level control shares.
//!
//! AWS Config records no item for the account itself: sidewatch's collectors build one per
//! account and Region ([`crate::ConfigurationItem::account`]) and store in it the evidence the
//! account-level controls need (password policy, root MFA, trails, recorders, detectors…). The
//! controls live in the folder of the service they check (`iam/`, `cloudtrail/`, `config/`…); this
//! module holds the account's own controls (the security contact) and the helpers they all use.

use crate::control::{Context, Control};
use crate::evidence::EvidenceKind;
use crate::item::{ACCOUNT_RESOURCE_TYPE, ConfigurationItem, Unreadable};
use crate::verdict::Verdict;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub mod security_contact;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[&security_contact::CONTROL];

/// The resource types of every account-level control.
pub(crate) const RESOURCE_TYPES: &[&str] = &[ACCOUNT_RESOURCE_TYPE];

/// The evidence of `kind` as its typed shape, after checking that the adapter wrote every field
/// in `fields` (camelCase, as stored).
///
/// The evidence shapes fill missing fields with defaults, so `{}` reads as "no root access key"
/// or "encryption off". Where such a default could decide the verdict, the control names the
/// fields it decides on here: an entry without them is INSUFFICIENT_DATA, never a guess.
pub(crate) fn evidence<T: DeserializeOwned>(
    ctx: &Context<'_>,
    kind: EvidenceKind,
    fields: &[&str],
) -> Result<T, Verdict> {
    let value = ctx.evidence(kind)?;
    if let Some(field) = fields
        .iter()
        .find(|field| value.get(**field).is_none_or(Value::is_null))
    {
        return Err(Verdict::insufficient(format!(
            "the {kind} evidence has no `{field}`, so the setting cannot be decided"
        )));
    }
    ctx.evidence_as(kind)
}

/// The Region an account item describes (`awsRegion`, or its configuration's copy; a copy that
/// is not a string is not used).
pub fn region(item: &ConfigurationItem) -> Option<&str> {
    item.region
        .as_deref()
        .or_else(|| item.read_str("/awsRegion").ok().flatten())
        .map(str::trim)
        .filter(|r| !r.is_empty())
}

/// The Region for reasons: its name, or "this Region" when the item does not say.
pub(crate) fn region_name(item: &ConfigurationItem) -> &str {
    region(item).unwrap_or("this Region")
}

/// NOT_APPLICABLE outside the Region that evaluates global resources, for controls whose answer is
/// the same in every Region although their evidence is regional (a multi-Region trail is visible
/// from every Region): they are decided once per account, so one finding says it, not one per
/// Region. An item that does not say is evaluated, as the engine does for global controls.
/// An item whose `evaluatesGlobalResources` is there but unreadable gets INSUFFICIENT_DATA
/// naming it: the control could be the Region's to decide or not.
pub(crate) fn once_per_account(item: &ConfigurationItem) -> Option<Verdict> {
    match evaluates_global_resources(item) {
        Err(problem) => Some(problem.into()),
        Ok(true) => None,
        Ok(false) => Some(Verdict::not_applicable(
            "account-wide control: it is evaluated once, in the Region that evaluates global \
             resources (the multi-Region trails it looks for are the same from every Region)",
        )),
    }
}

/// Whether the account item is the one of the Region that evaluates global resources (the
/// account's home Region); an item that does not say counts as one, as in the engine.
pub(crate) fn evaluates_global_resources(item: &ConfigurationItem) -> Result<bool, Unreadable> {
    crate::engine::evaluates_global_resources(item)
}

/// Joins reasons for a verdict, keeping the first `max` and counting the rest.
pub(crate) fn join_limited(parts: &[String], max: usize) -> String {
    let mut text = parts
        .iter()
        .take(max)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if parts.len() > max {
        text.push_str(&format!("; and {} more", parts.len() - max));
    }
    text
}

/// Test support: account items with evidence, in the shape the collectors write.
#[cfg(test)]
pub(crate) mod testing {
    use crate::control::Control;
    use crate::controls::checks::testing::evaluate;
    use crate::evidence::EvidenceKind;
    use crate::verdict::Verdict;
    use serde_json::{Map, Value, json};

    /// The account item of `123456789012` in `region` carrying `evidence`; `home` says whether
    /// the Region evaluates global resources.
    pub(crate) fn item_in(region: &str, home: bool, evidence: &[(EvidenceKind, Value)]) -> Value {
        let supplementary: Map<String, Value> = evidence
            .iter()
            .map(|(kind, value)| (kind.key(), value.clone()))
            .collect();
        json!({
            "resourceType": "AWS::::Account",
            "resourceId": "123456789012",
            "awsAccountId": "123456789012",
            "awsRegion": region,
            "configuration": {"accountId": "123456789012", "awsRegion": region,
                              "evaluatesGlobalResources": home},
            "supplementaryConfiguration": supplementary
        })
    }

    /// The account item of the home Region, `eu-west-1`, carrying `evidence`.
    pub(crate) fn item(evidence: &[(EvidenceKind, Value)]) -> Value {
        item_in("eu-west-1", true, evidence)
    }

    /// The control's verdict on the home-Region account item carrying one piece of evidence.
    pub(crate) fn run(control: &Control, kind: EvidenceKind, evidence: Value) -> Verdict {
        evaluate(control, item(&[(kind, evidence)]), &[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::EvidenceError;
    use crate::evidence::shapes::AccountSummary;
    use crate::params::ResolvedParams;
    use serde_json::json;

    fn read(item: &Value, fields: &[&str]) -> Result<AccountSummary, Verdict> {
        let item = ConfigurationItem::from_value(item.clone()).unwrap();
        let params = ResolvedParams::default();
        let ctx = Context::new(&item, &params);
        evidence(&ctx, EvidenceKind::IamAccountSummary, fields)
    }

    #[test]
    fn evidence_without_a_deciding_field_is_insufficient() {
        let item = testing::item(&[(EvidenceKind::IamAccountSummary, json!({}))]);
        let err = read(&item, &["accountAccessKeysPresent"]).unwrap_err();
        assert!(err.is_insufficient());
        assert!(err.reason().contains("`accountAccessKeysPresent`"), "{err}");
        let item = testing::item(&[(
            EvidenceKind::IamAccountSummary,
            json!({"accountAccessKeysPresent": null}),
        )]);
        assert!(read(&item, &["accountAccessKeysPresent"]).is_err());
        let item = testing::item(&[(
            EvidenceKind::IamAccountSummary,
            json!({"accountAccessKeysPresent": "yes"}),
        )]);
        let err = read(&item, &["accountAccessKeysPresent"]).unwrap_err();
        assert!(err.reason().contains("malformed"), "{err}");
        let item = testing::item(&[(
            EvidenceKind::IamAccountSummary,
            json!({"accountAccessKeysPresent": true}),
        )]);
        assert!(
            read(&item, &["accountAccessKeysPresent"])
                .unwrap()
                .account_access_keys_present
        );
    }

    #[test]
    fn missing_and_failed_evidence_stay_insufficient() {
        let item = testing::item(&[]);
        assert!(read(&item, &[]).unwrap_err().is_insufficient());
        let item = testing::item(&[(
            EvidenceKind::IamAccountSummary,
            EvidenceError::new("AccessDenied", "no").to_value(),
        )]);
        let err = read(&item, &["accountMfaEnabled"]).unwrap_err();
        assert!(err.reason().contains("AccessDenied"), "{err}");
    }

    #[test]
    fn account_wide_controls_run_once() {
        let home = ConfigurationItem::account("123456789012", "us-east-1", true);
        assert!(once_per_account(&home).is_none());
        let other = ConfigurationItem::account("123456789012", "eu-west-1", false);
        assert!(once_per_account(&other).unwrap().is_not_applicable());
        let mut unknown = other;
        unknown.configuration = json!({"accountId": "123456789012"});
        assert!(once_per_account(&unknown).is_none());
        assert_eq!(region_name(&unknown), "eu-west-1");
        unknown.region = None;
        assert_eq!(region_name(&unknown), "this Region");
    }

    #[test]
    fn the_engine_asks_for_regional_evidence_everywhere_and_global_evidence_once() {
        use EvidenceKind::*;
        let engine = crate::Engine::with_defaults();
        let home = engine.evidence_needed(&ConfigurationItem::account("1", "us-east-1", true));
        let other = engine.evidence_needed(&ConfigurationItem::account("1", "eu-west-1", false));
        for kind in [
            CloudTrailTrails,
            ConfigRecorders,
            GuardDutyDetectors,
            AccessAnalyzers,
            EbsEncryptionByDefault,
        ] {
            assert!(home.contains(&kind) && other.contains(&kind), "{kind}");
        }
        for kind in [
            IamAccountSummary,
            IamRootVirtualMfa,
            IamPasswordPolicy,
            IamSupportRole,
            S3AccountPublicAccessBlock,
            SecurityContact,
        ] {
            assert!(home.contains(&kind) && !other.contains(&kind), "{kind}");
        }
    }

    #[test]
    fn long_lists_are_cut() {
        let parts: Vec<String> = (1..=5).map(|n| format!("p{n}")).collect();
        assert_eq!(join_limited(&parts, 2), "p1; p2; and 3 more");
        assert_eq!(join_limited(&parts[..2], 2), "p1; p2");
    }
}
