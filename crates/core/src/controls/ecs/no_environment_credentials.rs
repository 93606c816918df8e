//! ECS.8 — Secrets should not be passed as container environment variables.
//!
//! Exactly AWS's control (`ecs-no-environment-secrets`, `secretKeys` fixed by Security Hub): a
//! task definition fails when a container's `Environment[].Name` equals `AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY` or `ECS_ENGINE_AUTH_DATA`. Names only, compared exactly: values,
//! other names (`DB_PASSWORD`), `EnvironmentFiles` from S3 and `Secrets[]` are not inspected.
//! sidewatch's secret detector, which reads names and values, is ECS.X1. Which revisions are
//! judged: see the [module documentation](super).

use super::{Finding, each_container};
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;

const SECRET_KEYS: &str = "secretKeys";

pub const CONTROL: Control = Control {
    id: "ECS.8",
    title: "Secrets should not be passed as container environment variables",
    severity: Severity::High,
    resource_types: &["AWS::ECS::TaskDefinition"],
    rationale: "Fails when a container of an ACTIVE task definition revision has an environment \
                variable (configuration.ContainerDefinitions[].Environment[].Name) named \
                AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or ECS_ENGINE_AUTH_DATA (the secretKeys \
                parameter); passes otherwise. Names only, as AWS defines it: ECS.X1 inspects \
                values. Deregistered (INACTIVE) revisions are not applicable.",
    remediation: "Store the credential in AWS Secrets Manager or SSM Parameter Store, reference \
                  it from the container's secrets (valueFrom), give the task an IAM task role \
                  instead of access keys, register the new revision, deploy it, deregister the \
                  old one and rotate the exposed credential.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-8",
    remediation_hook: Remediation::NotifyOnly {
        why: "the credential must be moved to a secret store and rotated by its owner",
    },
    duty: Duty::DataProtection,
    mappings: Mappings {
        fsbp: Some("ECS.8"),
        cis_v3: None,
        nist_800_53_r5: &["CA-9(1)", "CM-2"],
    },
    parameters: &[ParamSpec {
        name: SECRET_KEYS,
        kind: ParamKind::StringList,
        default: "AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,ECS_ENGINE_AUTH_DATA",
        description: "Environment variable names that fail the control, compared exactly. \
                      Security Hub fixes these three; change it only for a control of your own.",
    }],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let keys = ctx.str_list(SECRET_KEYS);
    each_container(
        ctx.item,
        |container| {
            let mut named = Vec::new();
            for (index, variable) in container.environment()?.iter().enumerate() {
                if let Some(name) = container.variable_str(index, variable, "Name")?
                    && keys.iter().any(|k| k == name)
                    && !named.contains(&name)
                {
                    named.push(name);
                }
            }
            Ok(if named.is_empty() {
                Finding::Complies
            } else {
                Finding::Fails(format!("environment variable(s) {}", named.join(", ")))
            })
        },
        "no environment variable is named AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or \
         ECS_ENGINE_AUTH_DATA",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::{Value, json};

    fn run(containers: Value) -> Verdict {
        super::super::run_containers(&CONTROL, containers)
    }

    #[test]
    fn the_three_names_fail_whatever_the_value() {
        let v = run(json!([{"Name": "app", "Environment": [
            {"Name": "AWS_ACCESS_KEY_ID", "Value": ""},
            {"Name": "AWS_SECRET_ACCESS_KEY", "Value": "changeme"},
            {"Name": "LOG_LEVEL", "Value": "info"}]}]));
        assert_eq!(
            v,
            Verdict::fail(
                "task definition web: container app: environment variable(s) \
                 AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY"
            )
        );
    }

    #[test]
    fn other_names_pass_even_when_they_hold_a_password() {
        // AWS's definition: names only. ECS.X1 catches this one.
        let v = run(json!([{"Name": "app", "Environment": [
            {"Name": "DB_PASSWORD", "Value": "hunter2-very-secret"},
            {"Name": "aws_access_key_id", "Value": "x"}]}, {"Name": "sidecar"}]));
        assert!(v.is_compliant(), "{v}");
        assert!(v.reason().contains("2 containers"), "{v}");
    }

    #[test]
    fn odd_environments_are_insufficient() {
        for containers in [
            json!([{"Name": "app", "Environment": {"AWS_ACCESS_KEY_ID": "x"}}]),
            json!([{"Name": "app", "Environment": [{"Name": 7, "Value": "x"}]}]),
        ] {
            let v = run(containers);
            assert!(v.is_insufficient(), "{v}");
            assert!(
                v.reason().contains("ContainerDefinitions[0].Environment"),
                "{v}"
            );
        }
    }

    #[test]
    fn the_secret_keys_parameter_is_honoured() {
        let v = testing::with_parts(
            &CONTROL,
            json!({"Family": "billing", "ContainerDefinitions": [{"Name": "app",
                "Environment": [{"Name": "TOKEN", "Value": "x"}]}]}),
            json!({}),
            &[(SECRET_KEYS, "TOKEN")],
        );
        assert!(v.is_non_compliant(), "{v}");
    }
}
