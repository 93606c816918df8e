//! Inspector.4 — Amazon Inspector Lambda standard scanning should be enabled.

use super::{Scan, decide, scan_control};
use crate::control::{Context, Control};
use crate::verdict::Verdict;

pub const CONTROL: Control = scan_control(
    "Inspector.4",
    "Amazon Inspector Lambda standard scanning should be enabled",
    "Passes when Amazon Inspector Lambda standard scanning is ENABLED in the Region for the account and, \
                when the account is Inspector's delegated administrator, for every associated \
                member (inspector2:BatchGetAccountStatus resourceState.lambda); fails when any of \
                them is disabled or suspended.",
    "Activate Lambda standard scanning in Amazon Inspector in every Region (`aws inspector2 enable \
                  --resource-types LAMBDA`), for the whole organization from the delegated \
                  administrator (`aws inspector2 update-organization-configuration`).",
    "https://docs.aws.amazon.com/securityhub/latest/userguide/inspector-controls.html#inspector-4",
    evaluate,
);

const SCAN: Scan = Scan {
    name: "lambda",
    label: "Lambda standard scanning",
    status: |entry| entry.lambda.as_deref(),
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    decide(ctx, &SCAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lambda_status_decides() {
        super::super::testing::decides_on(&CONTROL, "lambda");
    }
}
