//! SSM.1 — Amazon EC2 instances should be managed by AWS Systems Manager.
//!
//! AWS's rule reads the `AWS::SSM::ManagedInstanceInventory` item of the instance, which another
//! item than the instance's own: sidewatch evaluates one item at a time, so it asks Systems Manager
//! directly (SsmInstanceInformation evidence, `ssm:DescribeInstanceInformation` filtered on the
//! instance id). Running and stopped instances are judged; terminated or shutting-down ones are
//! not applicable.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::ec2::ending_instance;
use crate::controls::evidence_fields::evidence_with;
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::SsmInstanceInformation;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "SSM.1",
    title: "Amazon EC2 instances should be managed by AWS Systems Manager",
    severity: Severity::Medium,
    resource_types: &["AWS::EC2::Instance"],
    rationale: "Passes when Systems Manager lists the instance as a managed node \
                (SsmInstanceInformation evidence); fails when it does not, so its inventory, \
                patching and configuration are out of Systems Manager's reach. Terminated \
                instances are not applicable.",
    remediation: "Make the instance a managed node: run the SSM Agent (preinstalled on most AWS \
                  AMIs), give it an instance profile with AmazonSSMManagedInstanceCore (or turn \
                  on Default Host Management Configuration), and let it reach Systems Manager \
                  endpoints.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ssm-controls.html#ssm-1",
    remediation_hook: Remediation::NotifyOnly {
        why: "it needs an agent, an instance profile and network access on the instance",
    },
    duty: Duty::OsAndPatching,
    mappings: Mappings {
        fsbp: Some("SSM.1"),
        cis_v3: None,
        nist_800_53_r5: &[
            "CA-9(1)", "CM-2", "CM-2(2)", "CM-8", "CM-8(1)", "CM-8(2)", "CM-8(3)", "SA-15(2)",
            "SA-15(8)", "SA-3", "SI-2(3)",
        ],
    },
    parameters: &[],
    evidence: &[EvidenceKind::SsmInstanceInformation],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    if let Some(not_applicable) = ending_instance(ctx.item) {
        return not_applicable;
    }
    let info: SsmInstanceInformation =
        match evidence_with(ctx, EvidenceKind::SsmInstanceInformation, &["managed"]) {
            Ok(info) => info,
            Err(verdict) => return verdict,
        };
    let instance = ctx
        .item
        .config_str("/instanceId")
        .unwrap_or(&ctx.item.resource_id);
    if !info.managed {
        return Verdict::fail(format!(
            "instance {instance} is not a Systems Manager managed node"
        ));
    }
    let ping = info
        .ping_status
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map_or_else(String::new, |p| format!(" (agent ping status {p})"));
    Verdict::pass(format!(
        "instance {instance} is managed by Systems Manager{ping}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::evidence_fields::run_with_evidence;
    use serde_json::{Value, json};

    fn run(state: &str, evidence: Option<Value>) -> Verdict {
        run_with_evidence(
            &CONTROL,
            json!({"instanceId": "i-1", "state": {"name": state}}),
            EvidenceKind::SsmInstanceInformation,
            evidence,
            &[],
        )
    }

    #[test]
    fn managed_instances_pass() {
        let v = run(
            "running",
            Some(json!({"managed": true, "pingStatus": "Online"})),
        );
        assert_eq!(
            v,
            Verdict::pass("instance i-1 is managed by Systems Manager (agent ping status Online)")
        );
        assert!(run("stopped", Some(json!({"managed": false}))).is_non_compliant());
    }

    #[test]
    fn missing_evidence_or_field_is_insufficient_and_ended_instances_not_applicable() {
        assert!(run("running", None).is_insufficient());
        assert!(run("running", Some(json!({"pingStatus": "Online"}))).is_insufficient());
        assert!(run("terminated", None).is_not_applicable());
    }
}
