//! ECS.9 — ECS task definitions should have a logging configuration.
//!
//! AWS's rule (`ecs-task-definition-log-configuration`) fails a task definition when any
//! container definition has no `LogConfiguration` or a null `LogConfiguration.LogDriver`. Which
//! revisions are judged: see the [module documentation](super).

use super::{Finding, each_container};
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::item::{Unreadable, found, member};
use crate::verdict::Verdict;
use serde_json::Value;

pub const CONTROL: Control = Control {
    id: "ECS.9",
    title: "ECS task definitions should have a logging configuration",
    severity: Severity::High,
    resource_types: &["AWS::ECS::TaskDefinition"],
    rationale: "Fails when any container of an ACTIVE task definition revision has no \
                configuration.ContainerDefinitions[].LogConfiguration or no \
                LogConfiguration.LogDriver; passes when every container names a log driver. \
                Deregistered (INACTIVE) revisions are not applicable; every ACTIVE revision is \
                judged, not only the latest.",
    remediation: "Register a new revision with a logConfiguration on every container (for \
                  example the awslogs driver and a CloudWatch Logs group, or awsfirelens), \
                  deploy it and deregister the old revision.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-9",
    remediation_hook: Remediation::NotifyOnly {
        why: "a task definition revision cannot be changed: its owner must choose a log \
              destination and register and deploy a new revision",
    },
    duty: Duty::LoggingAndMonitoring,
    mappings: Mappings {
        fsbp: Some("ECS.9"),
        cis_v3: None,
        nist_800_53_r5: &[
            "AC-4(26)", "AU-10", "AU-12", "AU-2", "AU-3", "AU-6(3)", "AU-6(4)", "CA-7", "SC-7(9)",
            "SI-7(8)",
        ],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    each_container(
        ctx.item,
        |container| match container.field("LogConfiguration") {
            None => Ok(Finding::Fails("no LogConfiguration".to_owned())),
            Some(Value::Object(log)) => {
                Ok(match member(log, "LogDriver").filter(|v| !v.is_null()) {
                    None => Finding::Fails("LogConfiguration has no LogDriver".to_owned()),
                    Some(Value::String(driver)) if !driver.trim().is_empty() => Finding::Complies,
                    Some(Value::String(_)) => {
                        Finding::Fails("LogConfiguration has no LogDriver".to_owned())
                    }
                    Some(other) => {
                        let pointer = container.pointer("LogConfiguration/LogDriver");
                        return Err(Unreadable::config(&pointer, found(other, "a string")).into());
                    }
                })
            }
            Some(other) => {
                let pointer = container.pointer("LogConfiguration");
                Err(Unreadable::config(&pointer, found(other, "an object")).into())
            }
        },
        "every container has a log driver",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn run(containers: Value) -> Verdict {
        super::super::run_containers(&CONTROL, containers)
    }

    #[test]
    fn missing_configuration_or_driver_fails() {
        let v = run(json!([
            {"Name": "app", "LogConfiguration": {"LogDriver": "awslogs"}},
            {"Name": "proxy"},
            {"Name": "init", "LogConfiguration": {"LogDriver": null}}]));
        assert_eq!(
            v,
            Verdict::fail(
                "task definition web: container proxy: no LogConfiguration; container init: \
                 LogConfiguration has no LogDriver"
            )
        );
    }

    #[test]
    fn a_driver_on_every_container_passes() {
        let v = run(json!([{"Name": "app", "LogConfiguration": {"LogDriver": "awsfirelens"}}]));
        assert!(v.is_compliant(), "{v}");
    }

    #[test]
    fn odd_log_configurations_are_insufficient() {
        for containers in [
            json!([{"Name": "app", "LogConfiguration": "awslogs"}]),
            json!([{"Name": "app", "LogConfiguration": {"LogDriver": ["awslogs"]}}]),
        ] {
            let v = run(containers);
            assert!(v.is_insufficient(), "{v}");
        }
    }
}
