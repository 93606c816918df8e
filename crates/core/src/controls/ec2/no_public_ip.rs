//! EC2.9 — Amazon EC2 instances should not have a public IPv4 address.

use super::ending_instance;
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::nist;
use crate::item::json_type;
use crate::verdict::Verdict;
use serde_json::Value;

pub const CONTROL: Control = Control {
    id: "EC2.9",
    title: "Amazon EC2 instances should not have a public IPv4 address",
    severity: Severity::High,
    resource_types: &["AWS::EC2::Instance"],
    rationale: "Fails when configuration.publicIpAddress is present and not empty, or when any \
                network interface (networkInterfaces[].association.publicIp, including secondary \
                private addresses) carries a public IPv4 address, such as an Elastic IP on a \
                secondary interface. IPv6 addresses are not checked. Terminated or \
                shutting-down instances are not applicable.",
    remediation: "Launch instances in subnets that do not auto-assign public IPv4 addresses and \
                  reach them through load balancers, NAT or Systems Manager; disassociate \
                  Elastic IPs that are not needed. An auto-assigned address goes away only with \
                  a new network interface or instance.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-9",
    remediation_hook: Remediation::NotifyOnly {
        why: "removing a public IP address cuts the instance off; it needs a person to re-plan \
              access",
    },
    duty: Duty::NetworkConfiguration,
    mappings: Mappings {
        fsbp: Some("EC2.9"),
        cis_v3: None,
        nist_800_53_r5: nist::PUBLIC_ACCESS,
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    if let Some(not_applicable) = ending_instance(item) {
        return not_applicable;
    }
    let mut found: Vec<String> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    match item.config("/publicIpAddress") {
        None | Some(Value::String(_)) => {}
        Some(other) => {
            return Verdict::insufficient(format!(
                "publicIpAddress is {}, not an address",
                json_type(other)
            ));
        }
    }
    if let Some(ip) = non_empty(item.config("/publicIpAddress")) {
        found.push(format!("publicIpAddress {ip}"));
        seen.push(ip);
    }
    let interfaces = match item.config("/networkInterfaces") {
        None => &[][..],
        Some(Value::Array(list)) => list.as_slice(),
        Some(other) => {
            return Verdict::insufficient(format!(
                "networkInterfaces is {}, not a list",
                json_type(other)
            ));
        }
    };
    for (i, interface) in interfaces.iter().enumerate() {
        let name = interface
            .get("networkInterfaceId")
            .and_then(Value::as_str)
            .map_or_else(|| format!("network interface #{}", i + 1), str::to_owned);
        let secondary = interface
            .get("privateIpAddresses")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let addresses = std::iter::once(interface)
            .chain(secondary)
            .filter_map(|a| non_empty(crate::item::json_pointer(a, "/association/publicIp")));
        for ip in addresses {
            if !seen.contains(&ip) {
                found.push(format!("{name} has public IPv4 address {ip}"));
                seen.push(ip);
            }
        }
    }
    if found.is_empty() {
        Verdict::pass("the instance has no public IPv4 address")
    } else {
        Verdict::fail(format!(
            "the instance has a public IPv4 address: {}",
            found.join("; ")
        ))
    }
}

fn non_empty(value: Option<&Value>) -> Option<&str> {
    value
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::ec2::run;
    use serde_json::json;

    #[test]
    fn a_public_ip_address_fails() {
        let v = run(
            &CONTROL,
            json!({"state": {"name": "running"}, "publicIpAddress": "54.200.213.109",
                   "networkInterfaces": [{"networkInterfaceId": "eni-1",
                       "association": {"publicIp": "54.200.213.109"},
                       "privateIpAddresses": [{"association": {"publicIp": "54.200.213.109"}}]}]}),
            &[],
        );
        assert_eq!(
            v,
            Verdict::fail("the instance has a public IPv4 address: publicIpAddress 54.200.213.109")
        );
    }

    #[test]
    fn an_elastic_ip_on_a_secondary_interface_fails() {
        let v = run(
            &CONTROL,
            json!({"state": {"name": "running"}, "publicIpAddress": null,
                   "networkInterfaces": [
                       {"networkInterfaceId": "eni-1", "privateIpAddresses": []},
                       {"networkInterfaceId": "eni-2", "privateIpAddresses": [
                           {"privateIpAddress": "10.0.1.5", "association": {"publicIp": "203.0.113.7"}}]}]}),
            &[],
        );
        assert_eq!(
            v,
            Verdict::fail(
                "the instance has a public IPv4 address: eni-2 has public IPv4 address 203.0.113.7"
            )
        );
    }

    #[test]
    fn no_or_empty_public_ip_passes() {
        for ip in [json!(null), json!(""), json!("  ")] {
            let v = run(
                &CONTROL,
                json!({"state": {"name": "stopped"}, "publicIpAddress": ip,
                       "networkInterfaces": [{"networkInterfaceId": "eni-1", "association": null}]}),
                &[],
            );
            assert!(v.is_compliant(), "{ip}: {v}");
        }
        assert!(run(&CONTROL, json!({"instanceId": "i-1"}), &[]).is_compliant());
    }

    #[test]
    fn odd_address_fields_are_insufficient_not_a_pass() {
        let v = run(
            &CONTROL,
            json!({"publicIpAddress": {"ip": "54.1.2.3"}}),
            &[],
        );
        assert!(v.is_insufficient(), "{v}");
        let v = run(&CONTROL, json!({"networkInterfaces": {"eni-1": {}}}), &[]);
        assert!(v.is_insufficient(), "{v}");
    }

    #[test]
    fn terminated_instances_are_not_applicable() {
        let v = run(
            &CONTROL,
            json!({"state": {"code": 48, "name": "terminated"}, "publicIpAddress": "54.1.2.3"}),
            &[],
        );
        assert!(v.is_not_applicable(), "{v}");
    }
}
