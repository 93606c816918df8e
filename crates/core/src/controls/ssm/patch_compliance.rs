//! SSM.2 — Amazon EC2 instances managed by Systems Manager should have a patch compliance status
//! of COMPLIANT after a patch installation.
//!
//! Decided on the `AWS::SSM::PatchCompliance` item of the managed instance; see
//! `compliance` for the (inferred) key path. Only instances patched by Patch Manager
//! have such an item, so only they are evaluated.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "SSM.2",
    title: "Amazon EC2 instances managed by Systems Manager should have a patch compliance status \
            of COMPLIANT after a patch installation",
    severity: Severity::High,
    resource_types: &["AWS::SSM::PatchCompliance"],
    rationale: "Fails when any patch in the instance's patch compliance item \
                (configuration.AWS:ComplianceItem.Content.Patch) has Status NON_COMPLIANT; \
                passes when every recorded patch is COMPLIANT. Only instances patched by \
                Systems Manager Patch Manager have this item.",
    remediation: "Install the missing patches: run AWS-RunPatchBaseline with Operation Install \
                  on the instance (Systems Manager Run Command or a patch policy), then check \
                  Compliance in the Systems Manager console.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ssm-controls.html#ssm-2",
    remediation_hook: Remediation::NotifyOnly {
        why: "patching installs software and may reboot the instance",
    },
    duty: Duty::OsAndPatching,
    mappings: Mappings {
        fsbp: Some("SSM.2"),
        cis_v3: None,
        nist_800_53_r5: &[
            "CM-8(3)", "SI-2", "SI-2(2)", "SI-2(3)", "SI-2(4)", "SI-2(5)",
        ],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    super::compliance(ctx.item, "Patch", "patch")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::ec2::run;
    use serde_json::json;

    #[test]
    fn reads_the_patch_content() {
        let v = run(
            &CONTROL,
            json!({"AWS:ComplianceItem": {"Content": {"Patch": {
                "KB4054517": {"Status": "NON_COMPLIANT", "Severity": "CRITICAL"}}}}}),
            &[],
        );
        assert!(
            v.is_non_compliant() && v.reason().contains("KB4054517"),
            "{v}"
        );
        // Association content does not decide patching.
        let v = run(
            &CONTROL,
            json!({"AWS:ComplianceItem": {"Content": {"Association": {
                "a-1": {"Status": "COMPLIANT"}}}}}),
            &[],
        );
        assert!(v.is_insufficient(), "{v}");
    }
}
