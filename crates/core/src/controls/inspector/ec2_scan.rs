//! Inspector.1 — Amazon Inspector EC2 scanning should be enabled.

use super::{Scan, decide};
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::account;
use crate::evidence::EvidenceKind;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "Inspector.1",
    title: "Amazon Inspector EC2 scanning should be enabled",
    severity: Severity::High,
    resource_types: account::RESOURCE_TYPES,
    rationale: "Passes when Amazon Inspector EC2 scanning is ENABLED in the Region for the account and, \
                when the account is Inspector's delegated administrator, for every associated \
                member (inspector2:BatchGetAccountStatus resourceState.ec2); fails when any of \
                them is disabled or suspended.",
    remediation: "Activate EC2 scanning in Amazon Inspector in every Region (`aws inspector2 enable \
                  --resource-types EC2`), for the whole organization from the delegated \
                  administrator (`aws inspector2 update-organization-configuration`).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/inspector-controls.html#inspector-1",
    remediation_hook: Remediation::NotifyOnly {
        why: "activating Amazon Inspector scanning costs money and is usually an \
              organization-level decision",
    },
    duty: Duty::OsAndPatching,
    mappings: Mappings {
        fsbp: Some("Inspector.1"),
        cis_v3: None,
        nist_800_53_r5: &[],
    },
    parameters: &[],
    evidence: &[EvidenceKind::InspectorAccountStatus],
    evaluate,
};

const SCAN: Scan = Scan {
    name: "ec2",
    label: "EC2 scanning",
    status: |entry| entry.ec2.as_deref(),
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    decide(ctx, &SCAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ec2_status_decides() {
        super::super::testing::decides_on(&CONTROL, "ec2");
    }
}
