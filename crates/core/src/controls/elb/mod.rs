//! Elastic Load Balancing controls: Application, Network and Gateway Load Balancers
//! (`AWS::ElasticLoadBalancingV2::LoadBalancer`), their listeners
//! (`AWS::ElasticLoadBalancingV2::Listener`) and Classic Load Balancers
//! (`AWS::ElasticLoadBalancing::LoadBalancer`).
//!
//! What the AWS Config resource schema (awslabs/aws-config-resource-schema) confirms, and what
//! it does not:
//! * `AWS::ElasticLoadBalancingV2::LoadBalancer`: `configuration.type` (`application`,
//!   `network`, `gateway`) and `configuration.loadBalancerName` are in the schema. The load
//!   balancer attributes are **not**: the schema lists no `supplementaryConfiguration` for this
//!   type. sidewatch reads them from `supplementaryConfiguration.LoadBalancerAttributes`, a list
//!   of `{"key", "value"}` pairs (the `DescribeLoadBalancerAttributes` `Attributes[]` with
//!   Config's lower-case member names; `Key` / `Value` are accepted too). When the entry or the
//!   attribute is absent the verdict is INSUFFICIENT_DATA naming it, never a pass.
//! * `AWS::ElasticLoadBalancingV2::Listener`: `configuration.Protocol`, `configuration.SslPolicy`
//!   and `configuration.LoadBalancerArn` (PascalCase) are in the schema.
//! * `AWS::ElasticLoadBalancing::LoadBalancer`: `configuration.listenerDescriptions[].listener.protocol`,
//!   `listenerDescriptions[].policyNames` and `supplementaryConfiguration.LoadBalancerPolicies[]`
//!   (`policyName`, `policyTypeName`, `policyAttributeDescriptions[].attributeName` /
//!   `attributeValue`) are in the schema. `supplementaryConfiguration.LoadBalancerAttributes`
//!   (an object: `accessLog.enabled`, `connectionDraining`, `crossZoneLoadBalancing`, …) is not
//!   in the schema; its shape is the one a recorded Config change notification of a Classic Load
//!   Balancer shows (`SupplementaryConfiguration.LoadBalancerAttributes.accessLog.enabled`).

use crate::control::Control;
use crate::item::{ConfigurationItem, describe_value, json_type, value_as_bool};
use crate::verdict::Verdict;
use serde_json::Value;

pub mod classic_ssl_policy;
pub mod deletion_protection;
pub mod drop_invalid_headers;
pub mod listener_ssl_policy;
pub mod logging;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[
    &drop_invalid_headers::CONTROL,
    &logging::CONTROL,
    &deletion_protection::CONTROL,
    &classic_ssl_policy::CONTROL,
    &listener_ssl_policy::CONTROL,
];

const ATTRIBUTES: &str = "supplementaryConfiguration.LoadBalancerAttributes";

/// The kind of an ELBv2 load balancer (`application`, `network`, `gateway`) from
/// `configuration.type`, or INSUFFICIENT_DATA naming the field.
fn lb_type(item: &ConfigurationItem) -> Result<String, Verdict> {
    match item.read_str("/type") {
        Ok(Some(kind)) if !kind.trim().is_empty() => Ok(kind.trim().to_ascii_lowercase()),
        Ok(_) => Err(crate::controls::checks::missing("configuration.type")),
        Err(unreadable) => Err(unreadable.into()),
    }
}

/// NOT_APPLICABLE unless the load balancer's type is one of `types`.
fn require_type(item: &ConfigurationItem, types: &[&str], what: &str) -> Option<Verdict> {
    match lb_type(item) {
        Err(verdict) => Some(verdict),
        Ok(kind) if types.contains(&kind.as_str()) => None,
        Ok(kind) => Some(Verdict::not_applicable(format!(
            "the load balancer is of type {kind}; the control evaluates only {what}"
        ))),
    }
}

/// The value of an ELBv2 load balancer attribute (`deletion_protection.enabled`) from
/// `supplementaryConfiguration.LoadBalancerAttributes[]`, with its index: `Ok(None)` when the
/// list does not hold the attribute, INSUFFICIENT_DATA when the list is absent or not a list.
fn attribute<'a>(
    item: &'a ConfigurationItem,
    key: &str,
) -> Result<Option<(usize, &'a Value)>, Verdict> {
    let entries = match item.supplementary("LoadBalancerAttributes") {
        None => {
            return Err(Verdict::insufficient(format!(
                "{ATTRIBUTES} is missing from the configuration item, so {key} cannot be decided"
            )));
        }
        Some(Value::Array(entries)) => entries,
        Some(other) => {
            return Err(Verdict::insufficient(format!(
                "{ATTRIBUTES} is {}, expected a list of key/value pairs; {key} cannot be decided",
                json_type(other)
            )));
        }
    };
    // Config's camelCase `key` / `value`, or the API's `Key` / `Value`.
    let field = |entry: &'a Value, name: &str| -> Option<&'a Value> {
        entry
            .as_object()?
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    };
    Ok(entries.iter().enumerate().find_map(|(index, entry)| {
        let name = field(entry, "key")?.as_str()?;
        (name.trim() == key).then(|| (index, field(entry, "value").unwrap_or(&Value::Null)))
    }))
}

/// A boolean ELBv2 attribute: absent entry, absent attribute or a value other than true / false
/// is INSUFFICIENT_DATA naming what is missing.
fn attribute_flag(item: &ConfigurationItem, key: &str) -> Result<bool, Verdict> {
    match attribute(item, key)? {
        None => Err(Verdict::insufficient(format!(
            "{ATTRIBUTES} has no {key} attribute, so the setting cannot be decided"
        ))),
        Some((index, value)) => value_as_bool(value).ok_or_else(|| {
            Verdict::insufficient(format!(
                "{ATTRIBUTES}[{index}] ({key}) has value {}, expected \"true\" or \"false\"",
                describe_value(value)
            ))
        }),
    }
}

/// The load balancer's name for reasons.
fn name(item: &ConfigurationItem) -> &str {
    item.config_str("/loadBalancerName")
        .or(item.resource_name.as_deref())
        .unwrap_or(&item.resource_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lb(supplementary: Value) -> ConfigurationItem {
        let mut item = ConfigurationItem::new("AWS::ElasticLoadBalancingV2::LoadBalancer", "lb");
        item.configuration = json!({"type": "application"});
        if !supplementary.is_null() {
            item.supplementary
                .insert("LoadBalancerAttributes".into(), supplementary);
        }
        item
    }

    #[test]
    fn attributes_are_read_in_either_case_and_as_strings_or_booleans() {
        let item = lb(json!([{"key": "a.enabled", "value": "true"},
            {"Key": "b.enabled", "Value": false}]));
        assert_eq!(attribute_flag(&item, "a.enabled"), Ok(true));
        assert_eq!(attribute_flag(&item, "b.enabled"), Ok(false));
    }

    #[test]
    fn missing_or_odd_attributes_are_insufficient() {
        for (supplementary, expect) in [
            (Value::Null, "is missing"),
            (json!({"a.enabled": "true"}), "is an object"),
            (
                json!([{"key": "other", "value": "true"}]),
                "has no a.enabled",
            ),
            (json!([{"key": "a.enabled", "value": "yes"}]), "\"yes\""),
            (json!([{"key": "a.enabled"}]), "value null"),
        ] {
            let v = attribute_flag(&lb(supplementary.clone()), "a.enabled").unwrap_err();
            assert!(
                v.is_insufficient() && v.reason().contains(expect),
                "{supplementary}: {v}"
            );
        }
    }

    #[test]
    fn the_type_must_be_recorded() {
        let mut item = lb(Value::Null);
        assert!(require_type(&item, &["application"], "ALBs").is_none());
        let v = require_type(&item, &["network"], "NLBs").unwrap();
        assert!(v.is_not_applicable(), "{v}");
        item.configuration = json!({});
        assert!(
            require_type(&item, &["network"], "NLBs")
                .unwrap()
                .is_insufficient()
        );
        item.configuration = json!({"type": 3});
        assert!(
            require_type(&item, &["network"], "NLBs")
                .unwrap()
                .is_insufficient()
        );
    }
}
