//! Inspector.1 — Amazon Inspector EC2 scanning should be enabled.

use super::{Scan, decide, scan_control};
use crate::control::{Context, Control};
use crate::verdict::Verdict;

pub const CONTROL: Control = scan_control(
    "Inspector.1",
    "Amazon Inspector EC2 scanning should be enabled",
    "Passes when Amazon Inspector EC2 scanning is ENABLED in the Region for the account and, \
                when the account is Inspector's delegated administrator, for every associated \
                member (inspector2:BatchGetAccountStatus resourceState.ec2); fails when any of \
                them is disabled or suspended.",
    "Activate EC2 scanning in Amazon Inspector in every Region (`aws inspector2 enable \
                  --resource-types EC2`), for the whole organization from the delegated \
                  administrator (`aws inspector2 update-organization-configuration`).",
    "https://docs.aws.amazon.com/securityhub/latest/userguide/inspector-controls.html#inspector-1",
    evaluate,
);

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
