//! WAF.3 — AWS WAF Classic Regional rule groups should have at least one rule.
//!
//! AWS's rule `waf-regional-rulegroup-not-empty`: the group's rules are its
//! `configuration.rules[]` (schema-confirmed: `ruleId`, `priority`, `action.type`, `type`).

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "WAF.3",
    title: "AWS WAF Classic Regional rule groups should have at least one rule",
    severity: Severity::Medium,
    resource_types: &["AWS::WAFRegional::RuleGroup"],
    rationale: "Passes when the WAF Classic Regional rule group's configuration.rules holds at \
                least one rule; fails when it is empty, since the group then inspects no \
                traffic. An item without the list is INSUFFICIENT_DATA.",
    remediation: "Add at least one rule to the rule group (waf-regional:UpdateRuleGroup with an \
                  INSERT of an activated rule), or delete the unused group. AWS WAF Classic is at \
                  end of life: plan a move to AWS WAF (v2).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/waf-controls.html#waf-3",
    remediation_hook: Remediation::NotifyOnly {
        why: "which rules a group should hold is the owner's decision",
    },
    duty: Duty::NetworkConfiguration,
    mappings: Mappings {
        fsbp: Some("WAF.3"),
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
        "/rules",
        "rule",
        "WAF Classic Regional rule group",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    #[test]
    fn the_rule_list_decides() {
        let two = json!({"name": "edge", "rules": [
            {"ruleId": "a", "priority": 1, "action": {"type": "BLOCK"}, "type": "REGULAR"},
            {"ruleId": "b", "priority": 2, "action": {"type": "COUNT"}, "type": "RATE_BASED"}]});
        let v = testing::with_configuration(&CONTROL, two);
        assert_eq!(
            v,
            Verdict::pass("WAF Classic Regional rule group edge has 2 rules")
        );
        let v = testing::with_configuration(&CONTROL, json!({"name": "edge", "rules": []}));
        assert!(v.is_non_compliant(), "{v}");
        for odd in [json!({}), json!({"rules": "none"})] {
            assert!(
                testing::with_configuration(&CONTROL, odd.clone()).is_insufficient(),
                "{odd}"
            );
        }
    }
}
