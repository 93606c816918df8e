//! ECS.4 — ECS containers should run as non-privileged.
//!
//! AWS's rule (`ecs-containers-nonprivileged`) fails a task definition when any container
//! definition sets `Privileged` to `true`. ECS's default is `false`, so a container without the
//! field is not privileged. Which revisions are judged: see the [module documentation](super).

use super::{Finding, each_container};
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "ECS.4",
    title: "ECS containers should run as non-privileged",
    severity: Severity::High,
    resource_types: &["AWS::ECS::TaskDefinition"],
    rationale: "Fails when any container of an ACTIVE task definition revision has \
                configuration.ContainerDefinitions[].Privileged true (root-like access to the \
                host); passes when none has (absent means false, the ECS default). \
                Deregistered (INACTIVE) revisions are not applicable; every ACTIVE revision is \
                judged, not only the latest.",
    remediation: "Register a new revision with privileged false (or unset) on every container, \
                  grant only the Linux capabilities the container needs \
                  (linuxParameters.capabilities.add), move services to it and deregister the old \
                  revision.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-4",
    remediation_hook: Remediation::NotifyOnly {
        why: "a task definition revision cannot be changed, and dropping privileges can break \
              the workload: its owner must register and deploy a new revision",
    },
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("ECS.4"),
        cis_v3: None,
        nist_800_53_r5: &["AC-2(1)", "AC-3", "AC-3(15)", "AC-3(7)", "AC-5", "AC-6"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    each_container(
        ctx.item,
        |container| {
            Ok(match container.read_bool("Privileged")? {
                Some(true) => Finding::Fails("Privileged is true".to_owned()),
                Some(false) | None => Finding::Complies,
            })
        },
        "no container is privileged",
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
    fn a_privileged_container_fails() {
        let v = run(json!([{"Name": "app", "Privileged": false},
                           {"Name": "agent", "Privileged": true}]));
        assert_eq!(
            v,
            Verdict::fail("task definition web: container agent: Privileged is true")
        );
    }

    #[test]
    fn absent_or_false_privileged_passes() {
        let v = run(json!([{"Name": "app"}, {"Name": "proxy", "Privileged": "false"}]));
        assert_eq!(
            v,
            Verdict::pass("task definition web: no container is privileged (2 containers)")
        );
    }

    #[test]
    fn an_odd_privileged_value_is_insufficient() {
        let v = run(json!([{"Name": "app", "Privileged": 1}]));
        assert!(v.is_insufficient(), "{v}");
        assert!(
            v.reason()
                .contains("configuration.ContainerDefinitions[0].Privileged"),
            "{v}"
        );
    }
}
