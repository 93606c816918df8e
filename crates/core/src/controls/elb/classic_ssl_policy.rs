//! ELB.8 — Classic Load Balancers with SSL listeners should use a predefined security policy that
//! has strong AWS Configuration.
//!
//! AWS's rule `elb-predefined-security-policy-ssl-check` with `predefinedPolicyName`
//! `ELBSecurityPolicy-TLS-1-2-2017-01`, which Security Hub fixes (control reference:
//! <https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-8>).
//!
//! A listener's SSL negotiation policy is named in `listenerDescriptions[].policyNames`; the
//! policy itself is in `supplementaryConfiguration.LoadBalancerPolicies[]` (schema-confirmed
//! fields `policyName`, `policyTypeName`, `policyAttributeDescriptions[].attributeName` /
//! `attributeValue`). A policy created from a predefined one carries the attribute
//! `Reference-Security-Policy` naming it (the `DescribeLoadBalancerPolicies` output; the attribute
//! name is not in the schema). Listeners on HTTP or TCP are not judged; a load balancer without
//! HTTPS or SSL listeners is NOT_APPLICABLE.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::item::ConfigurationItem;
use crate::verdict::Verdict;
use serde_json::Value;

pub const CONTROL: Control = Control {
    id: "ELB.8",
    title: "Classic Load Balancers with SSL listeners should use a predefined security policy that \
            has strong AWS Configuration",
    severity: Severity::Medium,
    resource_types: &["AWS::ElasticLoadBalancing::LoadBalancer"],
    rationale: "Every HTTPS or SSL listener (configuration.listenerDescriptions[].listener.protocol) \
                must use an SSL negotiation policy (supplementaryConfiguration.LoadBalancerPolicies) \
                whose Reference-Security-Policy is ELBSecurityPolicy-TLS-1-2-2017-01; a listener \
                with another predefined or a custom policy fails. Load balancers without HTTPS or \
                SSL listeners are not applicable; a listener policy the item does not record is \
                INSUFFICIENT_DATA.",
    remediation: "Create an SSL negotiation policy referencing ELBSecurityPolicy-TLS-1-2-2017-01 \
                  (elasticloadbalancing:CreateLoadBalancerPolicy with Reference-Security-Policy) \
                  and set it on each HTTPS/SSL listener \
                  (elasticloadbalancing:SetLoadBalancerPoliciesOfListener).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-8",
    remediation_hook: Remediation::NotifyOnly {
        why: "TLS 1.2-only policies cut off older clients; the owner must confirm who connects",
    },
    duty: Duty::DataProtection,
    mappings: Mappings {
        fsbp: Some("ELB.8"),
        cis_v3: None,
        nist_800_53_r5: crate::controls::nist::ENCRYPTION_IN_TRANSIT,
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

/// The one policy AWS accepts (Security Hub's fixed predefinedPolicyName).
const REQUIRED: &str = "ELBSecurityPolicy-TLS-1-2-2017-01";
const REFERENCE: &str = "Reference-Security-Policy";
const POLICIES: &str = "supplementaryConfiguration.LoadBalancerPolicies";

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let listeners = match item.read("/listenerDescriptions") {
        Err(unreadable) => return unreadable.into(),
        Ok(None) => return checks::missing("configuration.listenerDescriptions"),
        Ok(Some(Value::Array(listeners))) => listeners,
        Ok(Some(other)) => {
            return Verdict::insufficient(format!(
                "configuration.listenerDescriptions is {}, expected a list",
                crate::item::json_type(other)
            ));
        }
    };
    let mut secure = Vec::new();
    for (i, listener) in listeners.iter().enumerate() {
        let field = format!("configuration.listenerDescriptions[{i}].listener.protocol");
        match checks::text(
            crate::item::json_pointer(listener, "/listener/protocol"),
            &field,
        ) {
            Err(verdict) => return verdict,
            Ok(None) => return checks::missing(&field),
            Ok(Some(p)) if p.eq_ignore_ascii_case("HTTPS") || p.eq_ignore_ascii_case("SSL") => {
                secure.push((i, listener));
            }
            Ok(Some(_)) => {}
        }
    }
    if secure.is_empty() {
        return Verdict::not_applicable("the load balancer has no HTTPS or SSL listener");
    }
    let mut good = Vec::new();
    for (i, listener) in secure {
        let port = crate::item::json_pointer(listener, "/listener/loadBalancerPort")
            .map_or_else(|| format!("#{i}"), |p| p.to_string());
        match listener_policy(item, i, listener) {
            Err(verdict) => return verdict,
            Ok(Some(reference)) if reference == REQUIRED => good.push(port),
            Ok(Some(reference)) => {
                return Verdict::fail(format!(
                    "the listener on port {port} uses security policy {reference}, not {REQUIRED}"
                ));
            }
            Ok(None) => {
                return Verdict::fail(format!(
                    "the listener on port {port} uses a custom SSL negotiation policy, not the \
                     predefined {REQUIRED}"
                ));
            }
        }
    }
    Verdict::pass(format!(
        "every HTTPS/SSL listener (port {}) uses {REQUIRED}",
        good.join(", ")
    ))
}

/// The predefined policy the listener's SSL negotiation policy references (`None` for a custom
/// policy), or INSUFFICIENT_DATA when the item does not record it.
fn listener_policy(
    item: &ConfigurationItem,
    index: usize,
    listener: &Value,
) -> Result<Option<String>, Verdict> {
    let names_field = format!("configuration.listenerDescriptions[{index}].policyNames");
    let names: Vec<&str> = match listener.get("policyNames") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
        Some(other) => {
            return Err(Verdict::insufficient(format!(
                "{names_field} is {}, expected a list",
                crate::item::json_type(other)
            )));
        }
    };
    if names.is_empty() {
        return Err(Verdict::insufficient(format!(
            "{names_field} names no SSL negotiation policy for an HTTPS/SSL listener"
        )));
    }
    let policies = match item.supplementary("LoadBalancerPolicies") {
        None => return Err(checks::missing(POLICIES)),
        Some(Value::Array(policies)) => policies,
        Some(other) => {
            return Err(Verdict::insufficient(format!(
                "{POLICIES} is {}, expected a list",
                crate::item::json_type(other)
            )));
        }
    };
    let negotiation = policies.iter().find(|p| {
        p.get("policyName")
            .and_then(Value::as_str)
            .is_some_and(|n| names.contains(&n))
            && p.get("policyTypeName")
                .and_then(Value::as_str)
                .is_some_and(|t| t == "SSLNegotiationPolicyType")
    });
    let Some(policy) = negotiation else {
        return Err(Verdict::insufficient(format!(
            "{POLICIES} records no SSLNegotiationPolicyType policy named {}",
            names.join(" or ")
        )));
    };
    let attributes = policy
        .get("policyAttributeDescriptions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    Ok(attributes.iter().find_map(|a| {
        (a.get("attributeName").and_then(Value::as_str) == Some(REFERENCE))
            .then(|| a.get("attributeValue").and_then(Value::as_str))
            .flatten()
            .map(str::to_owned)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    fn listener(protocol: &str, port: u16, policies: Value) -> Value {
        json!({"listener": {"protocol": protocol, "loadBalancerPort": port,
            "instanceProtocol": "HTTP", "instancePort": 80}, "policyNames": policies})
    }

    fn policy(name: &str, reference: Option<&str>) -> Value {
        let mut attributes =
            vec![json!({"attributeName": "Protocol-TLSv1.2", "attributeValue": "true"})];
        if let Some(r) = reference {
            attributes.push(json!({"attributeName": REFERENCE, "attributeValue": r}));
        }
        json!({"policyName": name, "policyTypeName": "SSLNegotiationPolicyType",
            "policyAttributeDescriptions": attributes})
    }

    fn run(listeners: Value, policies: Value) -> Verdict {
        testing::with_parts(
            &CONTROL,
            json!({"loadBalancerName": "legacy", "listenerDescriptions": listeners}),
            json!({"LoadBalancerPolicies": policies}),
            &[],
        )
    }

    #[test]
    fn the_referenced_policy_decides() {
        let good = policy("tls12", Some(REQUIRED));
        let v = run(
            json!([listener("HTTPS", 443, json!(["tls12"]))]),
            json!([good.clone()]),
        );
        assert!(v.is_compliant() && v.reason().contains("443"), "{v}");
        let old = policy("old", Some("ELBSecurityPolicy-2016-08"));
        let v = run(
            json!([
                listener("HTTPS", 443, json!(["tls12"])),
                listener("SSL", 8443, json!(["old"]))
            ]),
            json!([good, old]),
        );
        assert!(
            v.is_non_compliant() && v.reason().contains("2016-08"),
            "{v}"
        );
        let custom = policy("mine", None);
        let v = run(
            json!([listener("SSL", 465, json!(["mine"]))]),
            json!([custom]),
        );
        assert!(v.is_non_compliant() && v.reason().contains("custom"), "{v}");
    }

    #[test]
    fn plain_listeners_are_not_applicable() {
        let v = run(
            json!([
                listener("HTTP", 80, json!([])),
                listener("TCP", 25, json!([]))
            ]),
            json!([]),
        );
        assert!(v.is_not_applicable(), "{v}");
        assert!(run(json!([]), Value::Null).is_not_applicable());
    }

    #[test]
    fn unrecorded_policies_are_insufficient() {
        let https = json!([listener("HTTPS", 443, json!(["tls12"]))]);
        assert!(run(https.clone(), Value::Null).is_insufficient());
        assert!(run(https.clone(), json!([policy("other", Some(REQUIRED))])).is_insufficient());
        assert!(run(json!([listener("HTTPS", 443, json!([]))]), json!([])).is_insufficient());
        assert!(run(json!("x"), json!([])).is_insufficient());
        assert!(run(json!([{"listener": {}}]), json!([])).is_insufficient());
        let v = testing::with_configuration(&CONTROL, json!({}));
        assert!(v.is_insufficient(), "{v}");
    }
}
