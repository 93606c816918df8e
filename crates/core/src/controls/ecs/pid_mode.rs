//! ECS.3 — ECS task definitions should not share the host's process namespace.
//!
//! AWS's rule (`ecs-task-definition-pid-mode-check`) fails a task definition whose
//! `configuration.PidMode` is `host`. `task` (containers of the task share one namespace) and no
//! `PidMode` (each container has its own, the ECS default) pass. Which revisions are judged: see
//! the [module documentation](super).

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "ECS.3",
    title: "ECS task definitions should not share the host's process namespace",
    severity: Severity::High,
    resource_types: &["AWS::ECS::TaskDefinition"],
    rationale: "Fails when an ACTIVE task definition revision sets configuration.PidMode to \
                \"host\", so its containers see and can signal every process of the host; \
                passes for \"task\" or no PidMode. Deregistered (INACTIVE) revisions are not \
                applicable; every ACTIVE revision is judged, not only the latest.",
    remediation: "Register a new revision of the task definition without pidMode host (leave it \
                  unset, or use task), move services to it, and deregister the old revision.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-3",
    remediation_hook: Remediation::NotifyOnly {
        why: "a task definition revision cannot be changed: a new revision must be registered \
              and deployed by its owner",
    },
    duty: Duty::OsAndPatching,
    mappings: Mappings {
        fsbp: Some("ECS.3"),
        cis_v3: None,
        nist_800_53_r5: &["CA-9(1)", "CM-2"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let task = match super::task_definition(item) {
        Ok(task) => task,
        Err(verdict) => return verdict,
    };
    match item.read_str("/PidMode") {
        Err(unreadable) => unreadable.into(),
        Ok(Some(mode)) if mode.trim().eq_ignore_ascii_case("host") => Verdict::fail(format!(
            "{} shares the host's process namespace with its containers \
             (configuration.PidMode is host)",
            task.label
        )),
        Ok(Some(mode)) => Verdict::pass(format!(
            "{} does not share the host's process namespace (configuration.PidMode is {})",
            task.label,
            mode.trim()
        )),
        Ok(None) => Verdict::pass(format!(
            "{} does not share the host's process namespace (no configuration.PidMode: each \
             container has its own)",
            task.label
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::{Value, json};

    fn run(pid_mode: Value) -> Verdict {
        testing::with_configuration(
            &CONTROL,
            json!({"Family": "web", "Status": "ACTIVE", "PidMode": pid_mode,
                   "TaskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3",
                   "ContainerDefinitions": [{"Name": "app"}]}),
        )
    }

    #[test]
    fn host_pid_mode_fails_and_names_the_revision() {
        let v = run(json!("host"));
        assert_eq!(
            v,
            Verdict::fail(
                "task definition web:3 shares the host's process namespace with its containers \
                 (configuration.PidMode is host)"
            )
        );
    }

    #[test]
    fn task_or_no_pid_mode_passes() {
        assert!(run(json!("task")).is_compliant());
        assert!(run(json!(null)).is_compliant());
    }

    #[test]
    fn an_odd_pid_mode_is_insufficient() {
        let v = run(json!(true));
        assert!(v.is_insufficient(), "{v}");
        assert!(v.reason().contains("configuration.PidMode"), "{v}");
    }
}
