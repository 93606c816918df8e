//! Inspector.2 — Amazon Inspector ECR scanning should be enabled.

use super::{Scan, decide};
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::account;
use crate::evidence::EvidenceKind;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "Inspector.2",
    title: "Amazon Inspector ECR scanning should be enabled",
    severity: Severity::High,
    resource_types: account::RESOURCE_TYPES,
    rationale: "Passes when Amazon Inspector ECR scanning is ENABLED in the Region for the account and, \
                when the account is Inspector's delegated administrator, for every associated \
                member (inspector2:BatchGetAccountStatus resourceState.ecr); fails when any of \
                them is disabled or suspended.",
    remediation: "Activate ECR scanning in Amazon Inspector in every Region (`aws inspector2 enable \
                  --resource-types ECR`), for the whole organization from the delegated \
                  administrator (`aws inspector2 update-organization-configuration`).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/inspector-controls.html#inspector-2",
    remediation_hook: Remediation::NotifyOnly {
        why: "activating Amazon Inspector scanning costs money and is usually an \
              organization-level decision",
    },
    duty: Duty::OsAndPatching,
    mappings: Mappings {
        fsbp: Some("Inspector.2"),
        cis_v3: None,
        nist_800_53_r5: &[],
    },
    parameters: &[],
    evidence: &[EvidenceKind::InspectorAccountStatus],
    evaluate,
};

const SCAN: Scan = Scan {
    name: "ecr",
    label: "ECR scanning",
    status: |entry| entry.ecr.as_deref(),
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    decide(ctx, &SCAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ecr_status_decides() {
        super::super::testing::decides_on(&CONTROL, "ecr");
    }
}
