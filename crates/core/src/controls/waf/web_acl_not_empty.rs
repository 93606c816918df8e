//! WAF.10 — AWS WAF web ACLs should have at least one rule or rule group.
//!
//! AWS's rule `wafv2-webacl-not-empty`. A web ACL's own rules (rule statements and rule group
//! references alike) are in `configuration.rules[]`; an ACL managed by AWS Firewall Manager may
//! hold only Firewall Manager rule groups (`preProcessFirewallManagerRuleGroups`,
//! `postProcessFirewallManagerRuleGroups`), which count too. None of these fields is in the
//! Config resource schema (see the module notes): an item without `rules` is INSUFFICIENT_DATA,
//! and absent Firewall Manager lists count as empty.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "WAF.10",
    title: "AWS WAF web ACLs should have at least one rule or rule group",
    severity: Severity::Medium,
    resource_types: &["AWS::WAFv2::WebACL"],
    rationale: "Passes when the web ACL holds at least one rule or rule group (configuration.rules) \
                or Firewall Manager rule group (preProcessFirewallManagerRuleGroups, \
                postProcessFirewallManagerRuleGroups); fails when all are empty, since every \
                request then gets the default action uninspected. An item without \
                configuration.rules is INSUFFICIENT_DATA.",
    remediation: "Add rules or rule groups, for example AWS managed rule groups such as \
                  AWSManagedRulesCommonRuleSet, to the web ACL (wafv2:UpdateWebACL), or delete \
                  the unused web ACL.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/waf-controls.html#waf-10",
    remediation_hook: Remediation::NotifyOnly {
        why: "which rules a web ACL should enforce, and their capacity cost, is the owner's \
              decision",
    },
    duty: Duty::NetworkConfiguration,
    mappings: Mappings {
        fsbp: Some("WAF.10"),
        cis_v3: None,
        nist_800_53_r5: &["CA-9(1)", "CM-2"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let name = super::name(item);
    let rules = match super::list_len(item, "/rules") {
        Err(verdict) => return verdict,
        Ok(None) => return crate::controls::checks::missing("configuration.rules"),
        Ok(Some(n)) => n,
    };
    let mut firewall_manager = 0;
    for pointer in [
        "/preProcessFirewallManagerRuleGroups",
        "/postProcessFirewallManagerRuleGroups",
    ] {
        match super::list_len(item, pointer) {
            Err(verdict) => return verdict,
            Ok(n) => firewall_manager += n.unwrap_or(0),
        }
    }
    match (rules, firewall_manager) {
        (0, 0) => Verdict::fail(format!(
            "web ACL {name} has no rules or rule groups (configuration.rules and the Firewall \
             Manager rule groups are empty), so requests get the default action uninspected"
        )),
        (0, fm) => Verdict::pass(format!(
            "web ACL {name} has {fm} Firewall Manager rule group{}",
            if fm == 1 { "" } else { "s" }
        )),
        (n, _) => Verdict::pass(format!(
            "web ACL {name} has {n} rule{} or rule group{}",
            if n == 1 { "" } else { "s" },
            if n == 1 { "" } else { "s" }
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::{Value, json};

    fn run(configuration: Value) -> Verdict {
        testing::with_configuration(&CONTROL, configuration)
    }

    #[test]
    fn rules_or_firewall_manager_groups_pass() {
        let v = run(json!({"name": "api", "rules": [{"name": "common", "priority": 0}]}));
        assert!(v.is_compliant() && v.reason().contains("1 rule"), "{v}");
        let v = run(json!({"name": "api", "rules": [],
            "preProcessFirewallManagerRuleGroups": [{"name": "fms"}],
            "postProcessFirewallManagerRuleGroups": []}));
        assert!(
            v.is_compliant() && v.reason().contains("Firewall Manager"),
            "{v}"
        );
    }

    #[test]
    fn an_empty_acl_fails() {
        let v = run(json!({"name": "api", "rules": [],
            "preProcessFirewallManagerRuleGroups": [], "postProcessFirewallManagerRuleGroups": []}));
        assert!(v.is_non_compliant(), "{v}");
        assert!(run(json!({"name": "api", "rules": []})).is_non_compliant());
    }

    #[test]
    fn unrecorded_or_odd_lists_are_insufficient() {
        for configuration in [
            json!({"name": "api"}),
            json!({"rules": {"a": 1}}),
            json!({"rules": [], "preProcessFirewallManagerRuleGroups": "x"}),
        ] {
            assert!(
                run(configuration.clone()).is_insufficient(),
                "{configuration}"
            );
        }
    }
}
