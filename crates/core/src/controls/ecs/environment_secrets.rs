//! ECS.X1 — ECS container environment variables should not contain secrets.
//!
//! sidewatch's own control, beyond ECS.8 (which AWS defines by three variable names only): the
//! one secret detector (`sidewatch-secrets`, the same as for Lambda.X1) reads every
//! `ContainerDefinitions[].Environment[]` name and value of the task definition. Unlike Lambda
//! functions, whose environment values AWS Config does not record (Lambda.X1 reads evidence), a
//! task definition's configuration item carries the values in the clear, so this control decides
//! from the item alone. A reason names the container, the variable and the kind of secret, never
//! any part of a value. `EnvironmentFiles` (from S3) and `Secrets[]` (references to Secrets
//! Manager or Parameter Store) are not in the item's values and are not inspected. Which
//! revisions are judged: see the [module documentation](super).

use super::{Finding, each_container};
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::verdict::Verdict;
use sidewatch_secrets::scan_environment;

pub const CONTROL: Control = Control {
    id: "ECS.X1",
    title: "ECS container environment variables should not contain secrets",
    severity: Severity::Critical,
    resource_types: &["AWS::ECS::TaskDefinition"],
    rationale: "Fails when the secret detector flags any environment variable \
                (configuration.ContainerDefinitions[].Environment[], by name and value) of an \
                ACTIVE task definition revision, naming the container, variable and kind of \
                secret, never the value; passes when it flags none. Deregistered (INACTIVE) \
                revisions are not applicable.",
    remediation: "Move the secret to AWS Secrets Manager or SSM Parameter Store and reference it \
                  from the container's secrets (valueFrom), register the new revision, deploy \
                  it, deregister the old one (ecs:DescribeTaskDefinition still shows it) and \
                  rotate the exposed secret.",
    remediation_url: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html",
    remediation_hook: Remediation::NotifyOnly {
        why: "secrets must be moved to a secret store and rotated by their owner",
    },
    duty: Duty::DataProtection,
    mappings: Mappings::NONE,
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    each_container(
        ctx.item,
        |container| {
            let mut variables: Vec<(String, &str)> = Vec::new();
            for (index, variable) in container.environment()?.iter().enumerate() {
                let name = container.variable_str(index, variable, "Name")?;
                let Some(value) = container.variable_str(index, variable, "Value")? else {
                    continue; // no value, nothing to leak
                };
                let name = match name.map(str::trim).filter(|n| !n.is_empty()) {
                    Some(name) => name.to_owned(),
                    None => format!("#{}", index + 1),
                };
                variables.push((name, value));
            }
            let hits = scan_environment(variables.iter().map(|(n, v)| (n.as_str(), *v)));
            if hits.is_empty() {
                return Ok(Finding::Complies);
            }
            // SecretHit's Display is `NAME (kind)`: built from the name and detector only.
            let listed: Vec<String> = hits.iter().map(ToString::to_string).collect();
            Ok(Finding::Fails(format!(
                "environment variable(s) that look like secrets: {}",
                listed.join(", ")
            )))
        },
        "no environment variable looks like a secret",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    const SECRET_VALUE: &str = "hunter2-very-secret";
    /// A made-up access key id, built at run time so the source holds no credential-shaped text.
    fn access_key_id() -> String {
        format!("AKIA{}", "Q7ZT3MNB5XW2RLKD")
    }

    fn run(containers: Value) -> Verdict {
        super::super::run_containers(&CONTROL, containers)
    }

    #[test]
    fn secrets_fail_by_name_and_value_without_echoing_the_value() {
        let key = access_key_id();
        let v = run(json!([
            {"Name": "app", "Environment": [
                {"Name": "DB_PASSWORD", "Value": SECRET_VALUE},
                {"Name": "LOG_LEVEL", "Value": "info"}]},
            {"Name": "agent", "Environment": [{"Name": "UPSTREAM", "Value": key}]}]));
        assert!(v.is_non_compliant(), "{v}");
        let reason = v.reason();
        assert!(
            reason.contains(
                "container app: environment variable(s) that look like secrets: DB_PASSWORD ("
            ),
            "{v}"
        );
        assert!(reason.contains("container agent:"), "{v}");
        assert!(reason.contains("UPSTREAM (AWS access key id)"), "{v}");
        assert!(
            !reason.contains(SECRET_VALUE) && !reason.contains(&key),
            "{v}"
        );
        assert!(!reason.contains("LOG_LEVEL"), "{v}");
    }

    #[test]
    fn references_and_plain_settings_pass() {
        let v = run(json!([{"Name": "app", "Environment": [
            {"Name": "DB_PASSWORD_SECRET_ARN",
             "Value": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"},
            {"Name": "DB_HOST", "Value": "orders.cluster-c1x2y3z4.us-east-1.rds.amazonaws.com"},
            {"Name": "EMPTY"}]}, {"Name": "sidecar"}]));
        assert!(v.is_compliant(), "{v}");
    }

    #[test]
    fn ecs_8_names_are_caught_by_value_too() {
        // ECS.8 fails on the name; ECS.X1 judges the value: a placeholder is no secret.
        let v = run(json!([{"Name": "app", "Environment": [
            {"Name": "AWS_SECRET_ACCESS_KEY", "Value": "changeme"}]}]));
        assert!(v.is_compliant(), "{v}");
    }

    #[test]
    fn odd_values_are_insufficient() {
        let v = run(json!([{"Name": "app", "Environment": [{"Name": "PORT", "Value": 8080}]}]));
        assert!(v.is_insufficient(), "{v}");
        assert!(
            v.reason()
                .contains("configuration.ContainerDefinitions[0].Environment[0].Value"),
            "{v}"
        );
    }
}
