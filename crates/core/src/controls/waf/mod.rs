//! AWS WAF controls: AWS WAF Classic Regional rules and rule groups (`AWS::WAFRegional::Rule`,
//! `AWS::WAFRegional::RuleGroup`) and AWS WAF (v2) web ACLs (`AWS::WAFv2::WebACL`).
//!
//! The Config resource schema confirms `configuration.predicateList[]` for WAF Classic Regional
//! rules and `configuration.rules[]` for their rule groups. For `AWS::WAFv2::WebACL` it lists only
//! top-level fields (`name`, `id`, `capacity`, `defaultAction`, `visibilityConfig`, …), not
//! `rules` nor the Firewall Manager rule groups; sidewatch reads them as `configuration.rules`,
//! `preProcessFirewallManagerRuleGroups` and `postProcessFirewallManagerRuleGroups`, the
//! `GetWebACL` members in Config's camelCase (inferred).

use crate::control::Control;
use crate::item::{ConfigurationItem, config_path, json_type};
use crate::verdict::Verdict;
use serde_json::Value;

pub mod regional_rule_group_not_empty;
pub mod regional_rule_not_empty;
pub mod web_acl_not_empty;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[
    &regional_rule_not_empty::CONTROL,
    &regional_rule_group_not_empty::CONTROL,
    &web_acl_not_empty::CONTROL,
];

/// The NIST SP 800-53 r5 controls AWS's control reference lists for WAF.2 and WAF.3.
const NIST_CLASSIC_NOT_EMPTY: &[&str] = &["AC-4(21)", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(21)"];

/// How many entries the list at `pointer` holds: `Ok(None)` when absent or null,
/// INSUFFICIENT_DATA naming the field when it is not a list.
fn list_len(item: &ConfigurationItem, pointer: &str) -> Result<Option<usize>, Verdict> {
    match item.read(pointer) {
        Err(unreadable) => Err(unreadable.into()),
        Ok(None) => Ok(None),
        Ok(Some(Value::Array(entries))) => Ok(Some(entries.len())),
        Ok(Some(other)) => Err(Verdict::insufficient(format!(
            "{} is {}, expected a list",
            config_path(pointer),
            json_type(other)
        ))),
    }
}

/// The WAF resource's name for reasons.
fn name(item: &ConfigurationItem) -> &str {
    item.config_str("/name")
        .or(item.resource_name.as_deref())
        .unwrap_or(&item.resource_id)
}

/// Decides a WAF Classic control on one list that must not be empty (`predicateList`, `rules`).
fn require_entries(item: &ConfigurationItem, pointer: &str, what: &str, holder: &str) -> Verdict {
    let name = name(item);
    let field = config_path(pointer);
    match list_len(item, pointer) {
        Err(verdict) => verdict,
        Ok(None) => crate::controls::checks::missing(&field),
        Ok(Some(0)) => Verdict::fail(format!(
            "{holder} {name} has no {what}s ({field} is empty), so it inspects no traffic"
        )),
        Ok(Some(n)) => Verdict::pass(format!(
            "{holder} {name} has {n} {what}{}",
            if n == 1 { "" } else { "s" }
        )),
    }
}
