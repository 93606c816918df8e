//! ECS.16 — ECS task sets should not automatically assign public IP addresses.
//!
//! Security Hub's own rule (`ecs-taskset-assign-public-ip-disabled`, no parameters): fails when
//! the task set's `NetworkConfiguration.AwsVpcConfiguration.AssignPublicIp` is `ENABLED` (note
//! `AwsVpc`, upper-case `V`, in the task set shape of the Config resource schema, unlike the
//! service's `Awsvpc`). Task sets come from EXTERNAL and CodeDeploy blue/green deployments.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "ECS.16",
    title: "ECS task sets should not automatically assign public IP addresses",
    severity: Severity::High,
    resource_types: &["AWS::ECS::TaskSet"],
    rationale: "Fails when configuration.NetworkConfiguration.AwsVpcConfiguration.AssignPublicIp \
                is ENABLED; passes when it is DISABLED. Task sets without a network \
                configuration (not the awsvpc network mode) are not applicable.",
    remediation: "Create a replacement task set with assignPublicIp DISABLED in private subnets \
                  (ecs:CreateTaskSet), shift traffic to it, then delete the old task set.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-16",
    remediation_hook: Remediation::NotifyOnly {
        why: "a task set's network configuration cannot be changed in place: the deployment \
              owner must replace it and shift traffic",
    },
    duty: Duty::NetworkConfiguration,
    // AWS lists only PCI DSS v4.0.1/1.4.4 for this control, no NIST 800-53 requirement.
    mappings: Mappings {
        fsbp: Some("ECS.16"),
        cis_v3: None,
        nist_800_53_r5: &[],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let what = format!("task set {}", checks::resource_name(ctx.item, "/Id"));
    super::assign_public_ip(ctx.item, "AwsVpcConfiguration", &what)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::{Value, json};

    fn run(network: Value) -> Verdict {
        testing::with_configuration(
            &CONTROL,
            json!({"Id": "ecs-svc/1234567890123456789", "NetworkConfiguration": network}),
        )
    }

    #[test]
    fn enabled_fails_and_disabled_passes() {
        let v = run(json!({"AwsVpcConfiguration": {"AssignPublicIp": "ENABLED"}}));
        assert!(v.is_non_compliant(), "{v}");
        assert!(
            v.reason().contains("task set ecs-svc/1234567890123456789"),
            "{v}"
        );
        let v = run(json!({"AwsVpcConfiguration": {"AssignPublicIp": "DISABLED"}}));
        assert!(v.is_compliant(), "{v}");
    }

    #[test]
    fn no_network_configuration_is_not_applicable_and_odd_ones_insufficient() {
        assert!(run(json!(null)).is_not_applicable());
        assert!(run(json!("awsvpc")).is_insufficient());
        assert!(run(json!({"AwsVpcConfiguration": {"AssignPublicIp": 1}})).is_insufficient());
    }
}
