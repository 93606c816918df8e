//! Inspector.2 — Amazon Inspector ECR scanning should be enabled.

use super::{Scan, decide, scan_control};
use crate::control::{Context, Control};
use crate::verdict::Verdict;

pub const CONTROL: Control = scan_control(
    "Inspector.2",
    "Amazon Inspector ECR scanning should be enabled",
    "Passes when Amazon Inspector ECR scanning is ENABLED in the Region for the account and, \
                when the account is Inspector's delegated administrator, for every associated \
                member (inspector2:BatchGetAccountStatus resourceState.ecr); fails when any of \
                them is disabled or suspended.",
    "Activate ECR scanning in Amazon Inspector in every Region (`aws inspector2 enable \
                  --resource-types ECR`), for the whole organization from the delegated \
                  administrator (`aws inspector2 update-organization-configuration`).",
    "https://docs.aws.amazon.com/securityhub/latest/userguide/inspector-controls.html#inspector-2",
    evaluate,
);

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
