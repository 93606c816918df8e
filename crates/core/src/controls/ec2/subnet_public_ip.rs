//! EC2.15 — Amazon EC2 subnets should not automatically assign public IP addresses.
//!
//! Both fields are in the AWS Config resource schema of `AWS::EC2::Subnet` (confirmed:
//! `configuration.mapPublicIpOnLaunch` and `configuration.assignIpv6AddressOnCreation`, booleans).
//! AWS's current control text fails a subnet that auto-assigns either a public IPv4 address or an
//! IPv6 address; both fields are always recorded, so an absent one is INSUFFICIENT_DATA.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks::{config_name, flag, missing};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "EC2.15",
    title: "Amazon EC2 subnets should not automatically assign public IP addresses",
    severity: Severity::Medium,
    resource_types: &["AWS::EC2::Subnet"],
    rationale: "Fails when the subnet gives every new network interface a public IPv4 address \
                (mapPublicIpOnLaunch is true) or an IPv6 address (assignIpv6AddressOnCreation \
                is true); passes when both are false. Default subnets start with \
                mapPublicIpOnLaunch on.",
    remediation: "Turn off auto-assignment: `aws ec2 modify-subnet-attribute --subnet-id ID \
                  --no-map-public-ip-on-launch` (and `--no-assign-ipv6-address-on-creation`), \
                  and give public addresses only to the interfaces that need them.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-15",
    remediation_hook: Remediation::NotifyOnly {
        why: "instances launched later in the subnet may rely on getting a public address",
    },
    duty: Duty::NetworkConfiguration,
    mappings: Mappings {
        fsbp: Some("EC2.15"),
        cis_v3: None,
        nist_800_53_r5: crate::controls::nist::PUBLIC_ACCESS,
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

/// The two auto-assignment settings and what each gives away.
const SETTINGS: [(&str, &str); 2] = [
    ("/mapPublicIpOnLaunch", "a public IPv4 address"),
    ("/assignIpv6AddressOnCreation", "an IPv6 address"),
];

fn evaluate(ctx: &Context<'_>) -> Verdict {
    if let Some(problem) = ctx.item.configuration_unreadable() {
        return problem.into();
    }
    let mut assigned = Vec::new();
    for (pointer, what) in SETTINGS {
        let name = config_name(pointer);
        match flag(
            crate::item::json_pointer(&ctx.item.configuration, pointer),
            &name,
        ) {
            Err(verdict) => return verdict,
            Ok(None) => return missing(&name),
            Ok(Some(true)) => assigned.push(format!("{name} is true ({what} on launch)")),
            Ok(Some(false)) => {}
        }
    }
    if assigned.is_empty() {
        Verdict::pass(
            "the subnet assigns no address automatically (mapPublicIpOnLaunch and \
             assignIpv6AddressOnCreation are false)",
        )
    } else {
        Verdict::fail(format!(
            "the subnet assigns addresses automatically: {}",
            assigned.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::ec2::run;
    use serde_json::json;

    #[test]
    fn either_auto_assignment_fails() {
        let v = run(
            &CONTROL,
            json!({"mapPublicIpOnLaunch": true, "assignIpv6AddressOnCreation": false}),
            &[],
        );
        assert!(v.is_non_compliant() && v.reason().contains("IPv4"), "{v}");
        let v = run(
            &CONTROL,
            json!({"mapPublicIpOnLaunch": false, "assignIpv6AddressOnCreation": "true"}),
            &[],
        );
        assert!(v.is_non_compliant() && v.reason().contains("IPv6"), "{v}");
        let v = run(
            &CONTROL,
            json!({"mapPublicIpOnLaunch": false, "assignIpv6AddressOnCreation": false}),
            &[],
        );
        assert!(v.is_compliant(), "{v}");
    }

    #[test]
    fn absent_or_odd_settings_are_insufficient() {
        for configuration in [
            json!({"mapPublicIpOnLaunch": false}),
            json!({"assignIpv6AddressOnCreation": false}),
            json!({"mapPublicIpOnLaunch": 1, "assignIpv6AddressOnCreation": false}),
            json!("not an object"),
        ] {
            let v = run(&CONTROL, configuration.clone(), &[]);
            assert!(v.is_insufficient(), "{configuration}: {v}");
        }
    }
}
