//! ECS.2 — ECS services should not have public IP addresses assigned to them automatically.
//!
//! Security Hub's own rule (`ecs-service-assign-public-ip-disabled`, no parameters): fails when
//! the service's `NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp` is `ENABLED` (note
//! `Awsvpc`, lower-case `v`, in the service shape of the Config resource schema), passes when it
//! is `DISABLED`.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "ECS.2",
    title: "ECS services should not have public IP addresses assigned to them automatically",
    severity: Severity::High,
    resource_types: &["AWS::ECS::Service"],
    rationale: "Fails when configuration.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp \
                is ENABLED, so every task gets an address reachable from the internet; passes \
                when it is DISABLED. Services without a network configuration (not the awsvpc \
                network mode) are not applicable.",
    remediation: "Update the service with assignPublicIp DISABLED (ecs:UpdateService \
                  --network-configuration), in private subnets that reach what the tasks need \
                  through a NAT gateway or VPC endpoints, behind a load balancer for inbound \
                  traffic.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-2",
    remediation_hook: Remediation::NotifyOnly {
        why: "without a public IP the tasks need private subnets with a NAT gateway or VPC \
              endpoints; changing it redeploys the service",
    },
    duty: Duty::NetworkConfiguration,
    mappings: Mappings {
        fsbp: Some("ECS.2"),
        cis_v3: None,
        nist_800_53_r5: &[
            "AC-21", "AC-3", "AC-3(7)", "AC-4", "AC-4(21)", "AC-6", "SC-7", "SC-7(11)", "SC-7(16)",
            "SC-7(20)", "SC-7(21)", "SC-7(3)", "SC-7(4)", "SC-7(9)",
        ],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let what = format!(
        "service {}",
        checks::resource_name(ctx.item, "/ServiceName")
    );
    super::assign_public_ip(ctx.item, "AwsvpcConfiguration", &what)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::{Value, json};

    fn run(network: Value) -> Verdict {
        testing::with_configuration(
            &CONTROL,
            json!({"ServiceName": "orders", "LaunchType": "FARGATE",
                   "NetworkConfiguration": network}),
        )
    }

    #[test]
    fn enabled_fails_and_disabled_passes() {
        let v = run(json!({"AwsvpcConfiguration": {"AssignPublicIp": "ENABLED",
                                                   "Subnets": ["subnet-1"]}}));
        assert_eq!(
            v,
            Verdict::fail(
                "service orders assigns public IP addresses to its tasks automatically \
                 (configuration.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp is \
                 ENABLED)"
            )
        );
        let v = run(json!({"AwsvpcConfiguration": {"AssignPublicIp": "DISABLED"}}));
        assert!(v.is_compliant(), "{v}");
    }

    #[test]
    fn no_network_configuration_is_not_applicable() {
        assert!(run(json!(null)).is_not_applicable());
    }

    #[test]
    fn the_task_set_spelling_is_not_read_for_services() {
        // The service shape spells it AwsvpcConfiguration; AwsVpcConfiguration is the task set's.
        let v = run(json!({"AwsVpcConfiguration": {"AssignPublicIp": "ENABLED"}}));
        assert!(v.is_insufficient(), "{v}");
    }

    #[test]
    fn odd_values_are_insufficient() {
        for network in [
            json!({"AwsvpcConfiguration": {"AssignPublicIp": true}}),
            json!({"AwsvpcConfiguration": {"AssignPublicIp": "SOMETIMES"}}),
            json!({"AwsvpcConfiguration": {}}),
        ] {
            let v = run(network);
            assert!(v.is_insufficient(), "{v}");
            assert!(v.reason().contains("AssignPublicIp"), "{v}");
        }
    }
}
