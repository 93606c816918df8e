//! ECS.5 — ECS task definitions should configure containers to be limited to read-only access to
//! root filesystems.
//!
//! AWS's rule (`ecs-containers-readonly-access`) fails a task definition when any container
//! definition has `ReadonlyRootFilesystem` false or absent. Windows containers do not support
//! the setting: AWS marks task definitions whose `runtimePlatform` names a `WINDOWS_SERVER`
//! operating system family not applicable. The Config resource schema does not list
//! `RuntimePlatform`, so the exclusion applies when the item carries
//! `configuration.RuntimePlatform.OperatingSystemFamily` (its CloudFormation name); a Windows
//! task definition whose item lacks it is judged like a Linux one and fails, never passes. Which
//! revisions are judged: see the [module documentation](super).

use super::{Finding, each_container};
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "ECS.5",
    title: "ECS task definitions should configure containers to be limited to read-only access \
            to root filesystems",
    severity: Severity::High,
    resource_types: &["AWS::ECS::TaskDefinition"],
    rationale: "Fails when any container of an ACTIVE task definition revision has \
                configuration.ContainerDefinitions[].ReadonlyRootFilesystem false or absent; \
                passes when every container has it true. Windows task definitions \
                (RuntimePlatform.OperatingSystemFamily WINDOWS_SERVER_…) and deregistered \
                (INACTIVE) revisions are not applicable; every ACTIVE revision is judged, not \
                only the latest.",
    remediation: "Register a new revision with readonlyRootFilesystem true on every container, \
                  mount a volume (or bind mount) for each path the container must write, move \
                  services to it and deregister the old revision.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-5",
    remediation_hook: Remediation::NotifyOnly {
        why: "a task definition revision cannot be changed, and a read-only root file system \
              needs volumes for the paths the application writes: its owner must do it",
    },
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("ECS.5"),
        cis_v3: None,
        nist_800_53_r5: &["AC-2(1)", "AC-3", "AC-3(15)", "AC-3(7)", "AC-5", "AC-6"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    match item.read_str("/RuntimePlatform/OperatingSystemFamily") {
        Err(unreadable) => return unreadable.into(),
        Ok(Some(family))
            if family
                .trim()
                .to_ascii_uppercase()
                .starts_with("WINDOWS_SERVER") =>
        {
            return Verdict::not_applicable(format!(
                "the task definition runs Windows containers ({}), which do not support a \
                 read-only root file system",
                family.trim()
            ));
        }
        Ok(_) => {}
    }
    each_container(
        item,
        |container| {
            Ok(match container.read_bool("ReadonlyRootFilesystem")? {
                Some(true) => Finding::Complies,
                Some(false) => Finding::Fails("ReadonlyRootFilesystem is false".to_owned()),
                None => Finding::Fails(
                    "ReadonlyRootFilesystem is not set (the root file system is writable)"
                        .to_owned(),
                ),
            })
        },
        "every container has a read-only root file system",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::{Value, json};

    fn run(extra: Value, containers: Value) -> Verdict {
        let mut configuration = json!({"Family": "web", "Status": "ACTIVE",
                                       "ContainerDefinitions": containers});
        if let (Some(target), Value::Object(extra)) = (configuration.as_object_mut(), extra) {
            target.extend(extra);
        }
        testing::with_configuration(&CONTROL, configuration)
    }

    #[test]
    fn absent_or_false_fails_per_container() {
        let v = run(
            json!({}),
            json!([{"Name": "app", "ReadonlyRootFilesystem": true},
                   {"Name": "log", "ReadonlyRootFilesystem": false},
                   {"Name": "init"}]),
        );
        assert_eq!(
            v,
            Verdict::fail(
                "task definition web: container log: ReadonlyRootFilesystem is false; container \
                 init: ReadonlyRootFilesystem is not set (the root file system is writable)"
            )
        );
    }

    #[test]
    fn every_container_read_only_passes() {
        let v = run(
            json!({}),
            json!([{"Name": "app", "ReadonlyRootFilesystem": "true"}]),
        );
        assert!(v.is_compliant(), "{v}");
    }

    #[test]
    fn windows_task_definitions_are_not_applicable() {
        let v = run(
            json!({"RuntimePlatform": {"OperatingSystemFamily": "WINDOWS_SERVER_2022_CORE"}}),
            json!([{"Name": "app"}]),
        );
        assert!(v.is_not_applicable(), "{v}");
        let v = run(
            json!({"RuntimePlatform": {"OperatingSystemFamily": "LINUX"}}),
            json!([{"Name": "app"}]),
        );
        assert!(v.is_non_compliant(), "{v}");
        let v = run(
            json!({"RuntimePlatform": {"OperatingSystemFamily": 2022}}),
            json!([{"Name": "app"}]),
        );
        assert!(v.is_insufficient(), "{v}");
    }
}
