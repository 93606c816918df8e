//! Amazon EC2 and VPC controls: security groups, network ACLs, EBS volumes and instances.
//!
//! [`ingress`] normalises security-group permissions and [`nacl`] network-ACL entries, so every
//! "is this port open to the internet?" control asks the same question the same way.

use crate::control::Control;
use crate::item::{ConfigurationItem, Unreadable, found};
use crate::verdict::Verdict;
use serde_json::Value;

pub mod admin_ports_ipv4;
pub mod admin_ports_ipv6;
pub mod authorized_ports;
pub mod default_security_group_closed;
pub mod ebs_default_encryption;
pub mod high_risk_ports;
pub mod imdsv2;
pub mod ingress;
pub mod launch_template_public_ip;
pub mod multiple_enis;
pub mod nacl;
pub mod nacl_admin_ports;
pub mod no_public_ip;
pub mod public_snapshots;
pub mod restricted_rdp;
pub mod restricted_ssh;
pub mod subnet_public_ip;
pub mod volume_encrypted;
pub mod vpc_ec2_endpoint;
pub mod vpc_flow_logs;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[
    &default_security_group_closed::CONTROL,
    &volume_encrypted::CONTROL,
    &ebs_default_encryption::CONTROL,
    &imdsv2::CONTROL,
    &no_public_ip::CONTROL,
    &restricted_ssh::CONTROL,
    &restricted_rdp::CONTROL,
    &high_risk_ports::CONTROL,
    &nacl_admin_ports::CONTROL,
    &admin_ports_ipv4::CONTROL,
    &admin_ports_ipv6::CONTROL,
    &vpc_flow_logs::CONTROL,
    &authorized_ports::CONTROL,
    &public_snapshots::CONTROL,
    &vpc_ec2_endpoint::CONTROL,
    &subnet_public_ip::CONTROL,
    &multiple_enis::CONTROL,
    &launch_template_public_ip::CONTROL,
];

/// A `state` as Config records it: a string, or an object with a `name` (instances:
/// `{"code": 16, "name": "running"}`) or a `value` (volumes: `{"value": "in-use"}`).
pub(crate) fn state_name(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s.as_str()),
        Value::Object(o) => o
            .get("name")
            .or_else(|| o.get("value"))
            .and_then(Value::as_str),
        _ => None,
    }
    .map(str::trim)
    .filter(|s| !s.is_empty())
}

/// NOT_APPLICABLE for an instance that is terminated or shutting down: it can no longer be
/// reconfigured or reached, and Config soon records it as deleted. A `state` that is there but
/// unreadable is INSUFFICIENT_DATA naming it: the instance could be ending.
pub(crate) fn ending_instance(item: &ConfigurationItem) -> Option<Verdict> {
    let value = match item.read("/state") {
        Err(unreadable) => return Some(unreadable.into()),
        Ok(value) => value?,
    };
    let Some(state) = state_name(value) else {
        return Some(
            Unreadable::config("/state", found(value, "a state name or {\"name\": …}")).into(),
        );
    };
    matches!(state, "terminated" | "shutting-down")
        .then(|| Verdict::not_applicable(format!("the instance is {state}")))
}

/// Runs a control on a compact item, for the controls' unit tests.
#[cfg(test)]
pub(crate) fn run(control: &Control, configuration: Value, overrides: &[(&str, &str)]) -> Verdict {
    use crate::control::Context;
    use crate::params::ResolvedParams;
    let resource_type = control.resource_types.first().copied().unwrap_or_default();
    let mut item = ConfigurationItem::new(resource_type, "test-resource");
    item.configuration = configuration;
    let overrides = overrides
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let params = ResolvedParams::resolve(control.id, control.parameters, &overrides).unwrap();
    (control.evaluate)(&Context::new(&item, &params))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn state_reads_every_recorded_shape() {
        assert_eq!(state_name(&json!("in-use")), Some("in-use"));
        assert_eq!(
            state_name(&json!({"value": "available"})),
            Some("available")
        );
        assert_eq!(
            state_name(&json!({"code": 48, "name": "terminated"})),
            Some("terminated")
        );
        assert_eq!(state_name(&json!({"code": 48})), None);
        assert_eq!(state_name(&json!("")), None);
        assert_eq!(state_name(&json!(16)), None);
    }
}
