//! WAF.2 — AWS WAF Classic Regional rules should have at least one condition.
//!
//! AWS's rule `waf-regional-rule-not-empty`: a rule's conditions are its
//! `configuration.predicateList[]` (schema-confirmed: `dataId`, `negated`, `type`).

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "WAF.2",
    title: "AWS WAF Classic Regional rules should have at least one condition",
    severity: Severity::Medium,
    resource_types: &["AWS::WAFRegional::Rule"],
    rationale: "Passes when the WAF Classic Regional rule's configuration.predicateList holds at \
                least one condition; fails when it is empty, since the rule then inspects no \
                traffic whatever its name suggests. An item without the list is \
                INSUFFICIENT_DATA.",
    remediation: "Add at least one condition to the rule (waf-regional:UpdateRule with an INSERT \
                  of a predicate), or delete the unused rule. AWS WAF Classic is at end of life: \
                  plan a move to AWS WAF (v2).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/waf-controls.html#waf-2",
    remediation_hook: Remediation::NotifyOnly {
        why: "which requests a rule should match is the owner's decision",
    },
    duty: Duty::NetworkConfiguration,
    mappings: Mappings {
        fsbp: Some("WAF.2"),
        cis_v3: None,
        nist_800_53_r5: super::NIST_CLASSIC_NOT_EMPTY,
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    super::require_entries(
        ctx.item,
        "/predicateList",
        "condition",
        "WAF Classic Regional rule",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    #[test]
    fn the_condition_list_decides() {
        let one = json!({"name": "block-bad-ips", "predicateList": [
            {"dataId": "3cf6a4e0-1c2b-4b1a-9f1e-123456789abc", "negated": false, "type": "IPMatch"}]});
        let v = testing::with_configuration(&CONTROL, one);
        assert_eq!(
            v,
            Verdict::pass("WAF Classic Regional rule block-bad-ips has 1 condition")
        );
        let v =
            testing::with_configuration(&CONTROL, json!({"name": "empty", "predicateList": []}));
        assert!(
            v.is_non_compliant() && v.reason().contains("predicateList"),
            "{v}"
        );
        for odd in [
            json!({}),
            json!({"predicateList": null}),
            json!({"predicateList": {}}),
        ] {
            assert!(
                testing::with_configuration(&CONTROL, odd.clone()).is_insufficient(),
                "{odd}"
            );
        }
        assert!(testing::with_configuration(&CONTROL, json!("{broken")).is_insufficient());
    }
}
