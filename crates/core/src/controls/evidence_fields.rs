//! Reading evidence whose typed shape could hide a missing field.
//!
//! Every evidence shape defaults its fields (`#[serde(default)]`) so an old snapshot still reads.
//! For most fields the default is the unsafe value (no MFA device, rotation off), which can only
//! fail a control. A few defaults would pass one instead — `present: false` (no console password),
//! `passwordEnabled: false`, an empty `hits` list (no secret found) — so a control that decides on
//! such a field reads the evidence through [`evidence_with`], which refuses an entry that does not
//! carry the field: a truncated or hand-made entry is INSUFFICIENT_DATA, never a pass.

use crate::control::Context;
use crate::evidence::EvidenceKind;
use crate::verdict::Verdict;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The evidence of `kind` in its typed shape, or the INSUFFICIENT_DATA verdict when it is missing,
/// failed, malformed or lacks one of the `required` fields (camelCase, as stored).
pub(crate) fn evidence_with<T: DeserializeOwned>(
    ctx: &Context<'_>,
    kind: EvidenceKind,
    required: &[&str],
) -> Result<T, Verdict> {
    let value = ctx.evidence(kind)?;
    if let Some(field) = required
        .iter()
        .find(|field| value.get(**field).is_none_or(Value::is_null))
    {
        return Err(Verdict::insufficient(format!(
            "the {kind} evidence has no `{field}` field, so it cannot show the setting is safe; \
             collect it again"
        )));
    }
    ctx.evidence_as(kind)
}

/// Test support: runs `control` on an item of its first resource type with this `configuration`
/// and, when given, one evidence entry of `kind`, with parameter `overrides`.
#[cfg(test)]
pub(crate) fn run_with_evidence(
    control: &crate::Control,
    configuration: Value,
    kind: EvidenceKind,
    evidence: Option<Value>,
    overrides: &[(&str, &str)],
) -> Verdict {
    let resource_type = control.resource_types.first().copied().unwrap_or_default();
    let mut raw = crate::controls::test_support::item(resource_type, configuration);
    let mut supplementary = serde_json::Map::new();
    if let Some(entry) = evidence {
        supplementary.insert(kind.key(), entry);
    }
    raw["supplementaryConfiguration"] = Value::Object(supplementary);
    crate::controls::test_support::run(control, raw, overrides)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ConfigurationItem;
    use crate::evidence::shapes::LoginProfile;
    use crate::params::ResolvedParams;
    use serde_json::json;

    #[test]
    fn a_missing_required_field_is_insufficient_not_its_default() {
        let mut item = ConfigurationItem::new("AWS::IAM::User", "u");
        let params = ResolvedParams::default();
        for (entry, ok) in [
            (json!({}), false),
            (json!({"present": null}), false),
            (json!({"present": false}), true),
            (
                json!({"present": true, "createDate": "2024-01-01T00:00:00Z"}),
                true,
            ),
        ] {
            item.insert_evidence(EvidenceKind::IamUserLoginProfile, entry.clone());
            let ctx = Context::new(&item, &params);
            let got = evidence_with::<LoginProfile>(
                &ctx,
                EvidenceKind::IamUserLoginProfile,
                &["present"],
            );
            match got {
                Ok(_) => assert!(ok, "{entry}"),
                Err(v) => {
                    assert!(!ok, "{entry}: {v}");
                    assert!(
                        v.is_insufficient() && v.reason().contains("`present`"),
                        "{v}"
                    );
                }
            }
        }
        let empty = ConfigurationItem::new("AWS::IAM::User", "u");
        let ctx = Context::new(&empty, &params);
        let v =
            evidence_with::<LoginProfile>(&ctx, EvidenceKind::IamUserLoginProfile, &["present"])
                .unwrap_err();
        assert!(v.reason().contains("not collected"), "{v}");
    }
}
