//! SSM.3 — Amazon EC2 instances managed by Systems Manager should have an association compliance
//! status of COMPLIANT.
//!
//! Decided on the `AWS::SSM::AssociationCompliance` item of the managed instance; see
//! `compliance` for the (inferred) key path.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "SSM.3",
    title: "Amazon EC2 instances managed by Systems Manager should have an association \
            compliance status of COMPLIANT",
    severity: Severity::Low,
    resource_types: &["AWS::SSM::AssociationCompliance"],
    rationale: "Fails when any State Manager association in the instance's association \
                compliance item (configuration.AWS:ComplianceItem.Content.Association) has Status \
                NON_COMPLIANT; passes when every recorded association is COMPLIANT.",
    remediation: "Find the failed association (Systems Manager Fleet Manager, the instance's \
                  Associations), fix its cause (target, document, parameters) and run it again \
                  (`aws ssm start-associations-once --association-ids ID`).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ssm-controls.html#ssm-3",
    remediation_hook: Remediation::NotifyOnly {
        why: "why an association failed depends on its document and targets",
    },
    duty: Duty::OsAndPatching,
    mappings: Mappings {
        fsbp: Some("SSM.3"),
        cis_v3: None,
        nist_800_53_r5: &[
            "CA-9(1)", "CM-2", "CM-2(2)", "CM-8", "CM-8(1)", "CM-8(3)", "SI-2(3)",
        ],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    super::compliance(ctx.item, "Association", "association")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::ec2::run;
    use serde_json::json;

    #[test]
    fn reads_the_association_content() {
        let v = run(
            &CONTROL,
            json!({"AWS:ComplianceItem": {"Content": {"Association": {
                "a-1": {"Status": "COMPLIANT"}, "a-2": {"Status": "NON_COMPLIANT"}}}}}),
            &[],
        );
        assert!(v.is_non_compliant() && v.reason().contains("a-2"), "{v}");
    }
}
