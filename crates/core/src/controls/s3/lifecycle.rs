//! S3.13 — S3 general purpose buckets should have Lifecycle configurations.
//!
//! AWS's rule `s3-lifecycle-policy-check` (optional parameters `targetTransitionDays`,
//! `targetExpirationDays`, `targetTransitionStorageClass`, no defaults; Security Hub sets none).
//! The lifecycle rules are `supplementaryConfiguration.BucketLifecycleConfiguration.rules[]`
//! (schema-confirmed: `status`, `expirationInDays`, `transitions[].days`,
//! `transitions[].storageClass`). AWS Config leaves the entry out when the bucket has no
//! lifecycle configuration, so its absence fails (in an item that records the bucket's other
//! settings).

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::item::{ConfigurationItem, value_as_i64};
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;
use serde_json::Value;

pub const CONTROL: Control = Control {
    id: "S3.13",
    title: "S3 general purpose buckets should have Lifecycle configurations",
    severity: Severity::Low,
    resource_types: &["AWS::S3::Bucket"],
    rationale: "Passes when supplementaryConfiguration.BucketLifecycleConfiguration.rules has a \
                rule with status Enabled (matching targetTransitionDays, \
                targetTransitionStorageClass and targetExpirationDays when they are set); fails \
                when the bucket has no lifecycle configuration or no such rule.",
    remediation: "Add a lifecycle configuration with at least one enabled rule that transitions \
                  or expires objects (s3:PutLifecycleConfiguration).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-13",
    remediation_hook: Remediation::NotifyOnly {
        why: "which objects may be moved or deleted, and when, is the data owner's decision",
    },
    duty: Duty::DataProtection,
    mappings: Mappings {
        fsbp: Some("S3.13"),
        cis_v3: None,
        nist_800_53_r5: &["CP-10", "CP-6(2)", "CP-9", "SC-5(2)", "SI-13(5)"],
    },
    parameters: &[
        ParamSpec {
            name: "targetTransitionDays",
            kind: ParamKind::IntList { min: 1, max: 36500 },
            default: "",
            description: "Days after creation when objects must transition (the rule's \
                          targetTransitionDays). Empty, the default, does not check it; several \
                          values accept any of them.",
        },
        ParamSpec {
            name: "targetExpirationDays",
            kind: ParamKind::IntList { min: 1, max: 36500 },
            default: "",
            description: "Days after creation when objects must expire (the rule's \
                          targetExpirationDays). Empty, the default, does not check it.",
        },
        ParamSpec {
            name: "targetTransitionStorageClass",
            kind: ParamKind::StringList,
            default: "",
            description: "Storage class objects must transition to: STANDARD_IA, \
                          INTELLIGENT_TIERING, ONEZONE_IA, GLACIER, GLACIER_IR or DEEP_ARCHIVE \
                          (the rule's targetTransitionStorageClass). Empty, the default, does not \
                          check it.",
        },
    ],
    evidence: &[],
    evaluate,
};

const RULES: &str = "supplementaryConfiguration.BucketLifecycleConfiguration.rules";
const STORAGE_CLASSES: [&str; 6] = [
    "STANDARD_IA",
    "INTELLIGENT_TIERING",
    "ONEZONE_IA",
    "GLACIER",
    "GLACIER_IR",
    "DEEP_ARCHIVE",
];

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let name = super::bucket_name(item);
    let rules = match enabled_rules(item) {
        Err(verdict) => return verdict,
        Ok(Lifecycle::None) => {
            return Verdict::fail(format!("bucket {name} has no lifecycle configuration"));
        }
        Ok(Lifecycle::NoneEnabled(n)) => {
            return Verdict::fail(format!(
                "bucket {name} has {n} lifecycle rule{} but none is Enabled",
                if n == 1 { "" } else { "s" }
            ));
        }
        Ok(Lifecycle::Enabled(rules)) => rules,
    };
    let days = ctx.int_list("targetTransitionDays");
    let expiration = ctx.int_list("targetExpirationDays");
    let classes: Vec<String> = ctx
        .str_list("targetTransitionStorageClass")
        .iter()
        .map(|c| c.trim().to_ascii_uppercase())
        .collect();
    if let Some(odd) = classes
        .iter()
        .find(|c| !STORAGE_CLASSES.contains(&c.as_str()))
    {
        return Verdict::insufficient(format!(
            "the targetTransitionStorageClass parameter holds {odd}, not one of {}",
            STORAGE_CLASSES.join(", ")
        ));
    }
    if days.is_empty() && expiration.is_empty() && classes.is_empty() {
        let ids: Vec<&str> = rules.iter().map(|r| rule_id(r)).collect();
        return Verdict::pass(format!(
            "bucket {name} has enabled lifecycle rule{} {}",
            if ids.len() == 1 { "" } else { "s" },
            ids.join(", ")
        ));
    }
    match rules
        .iter()
        .find(|r| matches(r, days, expiration, &classes))
    {
        Some(rule) => Verdict::pass(format!(
            "bucket {name}'s enabled lifecycle rule {} matches the required transition and \
             expiration",
            rule_id(rule)
        )),
        None => Verdict::fail(format!(
            "no enabled lifecycle rule of bucket {name} matches the required {}",
            wanted(days, expiration, &classes)
        )),
    }
}

/// What a bucket's lifecycle configuration holds.
pub(super) enum Lifecycle<'a> {
    /// No lifecycle configuration (entry absent, or without rules).
    None,
    /// Rules, none of them Enabled.
    NoneEnabled(usize),
    /// The Enabled rules.
    Enabled(Vec<&'a Value>),
}

/// The bucket's lifecycle rules, or INSUFFICIENT_DATA when the item cannot tell.
pub(super) fn enabled_rules(item: &ConfigurationItem) -> Result<Lifecycle<'_>, Verdict> {
    if let Some(verdict) = super::require_bucket_settings(item, "a lifecycle configuration") {
        return Err(verdict);
    }
    let Some(lifecycle) = item.supplementary("BucketLifecycleConfiguration") else {
        return Ok(Lifecycle::None);
    };
    let rules = match lifecycle.get("rules") {
        None | Some(Value::Null) if lifecycle.is_object() => return Ok(Lifecycle::None),
        Some(Value::Array(rules)) => rules,
        _ => {
            return Err(Verdict::insufficient(format!(
                "{RULES} cannot be read (supplementaryConfiguration.BucketLifecycleConfiguration \
                 is {})",
                crate::item::json_type(lifecycle)
            )));
        }
    };
    if rules.is_empty() {
        return Ok(Lifecycle::None);
    }
    let mut enabled = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let field = format!("{RULES}[{i}].status");
        match checks::text(rule.get("status"), &field)? {
            None => return Err(checks::missing(&field)),
            Some(status) if status.eq_ignore_ascii_case("Enabled") => enabled.push(rule),
            Some(_) => {}
        }
    }
    Ok(if enabled.is_empty() {
        Lifecycle::NoneEnabled(rules.len())
    } else {
        Lifecycle::Enabled(enabled)
    })
}

/// A rule's id for reasons.
pub(super) fn rule_id(rule: &Value) -> &str {
    rule.get("id")
        .and_then(Value::as_str)
        .filter(|id| !id.trim().is_empty())
        .unwrap_or("(unnamed)")
}

/// Whether the rule has a transition with the wanted days and storage class (either unset means
/// any) and, when wanted, the wanted expiration.
fn matches(rule: &Value, days: &[i64], expiration: &[i64], classes: &[String]) -> bool {
    let expires = expiration.is_empty()
        || rule
            .get("expirationInDays")
            .and_then(value_as_i64)
            .is_some_and(|d| expiration.contains(&d));
    let transitions: &[Value] = rule
        .get("transitions")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    let transitions_ok = (days.is_empty() && classes.is_empty())
        || transitions.iter().any(|t| {
            let d = t.get("days").and_then(value_as_i64);
            let class = t.get("storageClass").and_then(Value::as_str);
            (days.is_empty() || d.is_some_and(|d| days.contains(&d)))
                && (classes.is_empty()
                    || class.is_some_and(|c| classes.iter().any(|w| w.eq_ignore_ascii_case(c))))
        });
    expires && transitions_ok
}

fn wanted(days: &[i64], expiration: &[i64], classes: &[String]) -> String {
    let join = |v: &[i64]| {
        v.iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(" or ")
    };
    let mut parts = Vec::new();
    if !days.is_empty() || !classes.is_empty() {
        let mut t = "transition".to_owned();
        if !classes.is_empty() {
            t.push_str(&format!(" to {}", classes.join(" or ")));
        }
        if !days.is_empty() {
            t.push_str(&format!(" after {} days", join(days)));
        }
        parts.push(t);
    }
    if !expiration.is_empty() {
        parts.push(format!("expiration after {} days", join(expiration)));
    }
    parts.join(" and ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    fn run(lifecycle: Option<Value>, overrides: &[(&str, &str)]) -> Verdict {
        let mut supplementary = json!({"BucketVersioningConfiguration": {"status": "Off"}});
        if let Some(l) = lifecycle {
            supplementary["BucketLifecycleConfiguration"] = l;
        }
        testing::with_supplementary(&CONTROL, supplementary, overrides)
    }

    fn rule(status: &str) -> Value {
        json!({"id": "archive", "status": status, "expirationInDays": 365,
            "transitions": [{"days": 30, "storageClass": "STANDARD_IA", "date": null},
                            {"days": 90, "storageClass": "GLACIER", "date": null}]})
    }

    #[test]
    fn an_enabled_rule_passes() {
        let v = run(Some(json!({"rules": [rule("Enabled")]})), &[]);
        assert_eq!(
            v,
            Verdict::pass("bucket example has enabled lifecycle rule archive")
        );
        assert!(run(None, &[]).is_non_compliant());
        assert!(run(Some(json!({"rules": []})), &[]).is_non_compliant());
        let v = run(Some(json!({"rules": [rule("Disabled")]})), &[]);
        assert!(
            v.is_non_compliant() && v.reason().contains("none is Enabled"),
            "{v}"
        );
    }

    #[test]
    fn parameters_require_a_matching_rule() {
        let l = Some(json!({"rules": [rule("Enabled")]}));
        assert!(run(l.clone(), &[("targetTransitionDays", "90")]).is_compliant());
        assert!(
            run(
                l.clone(),
                &[
                    ("targetTransitionDays", "90"),
                    ("targetTransitionStorageClass", "glacier")
                ]
            )
            .is_compliant()
        );
        let v = run(
            l.clone(),
            &[
                ("targetTransitionDays", "30"),
                ("targetTransitionStorageClass", "GLACIER"),
            ],
        );
        assert!(
            v.is_non_compliant() && v.reason().contains("GLACIER after 30 days"),
            "{v}"
        );
        assert!(run(l.clone(), &[("targetExpirationDays", "365")]).is_compliant());
        assert!(run(l.clone(), &[("targetExpirationDays", "30")]).is_non_compliant());
        assert!(run(l, &[("targetTransitionStorageClass", "STANDARD")]).is_insufficient());
    }

    #[test]
    fn unreadable_lifecycles_are_insufficient() {
        assert!(run(Some(json!("x")), &[]).is_insufficient());
        assert!(run(Some(json!({"rules": {}})), &[]).is_insufficient());
        assert!(run(Some(json!({"rules": [{"id": "a"}]})), &[]).is_insufficient());
        let v = testing::with_supplementary(&CONTROL, json!({}), &[]);
        assert!(v.is_insufficient(), "{v}");
    }
}
