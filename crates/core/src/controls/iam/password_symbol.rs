//! IAM.13 — Ensure IAM password policy requires at least one symbol.

use crate::control::{Context, Control, Severity};
use crate::controls::iam::password_policy::{self, Requirement};
use crate::verdict::Verdict;

pub const CONTROL: Control = password_policy::setting_control(
    "IAM.13",
    "Ensure IAM password policy requires at least one symbol",
    Severity::Medium,
    None,
    "Passes when the account password policy requires at least one non-alphanumeric character \
     (RequireSymbols); fails when it does not or the account has no password policy \
     (iam:GetAccountPasswordPolicy).",
    "Set the account password policy to require at least one symbol (IAM console Account \
     settings, or `aws iam update-account-password-policy --require-symbols` with the other \
     settings you keep).",
    evaluate,
);

fn evaluate(ctx: &Context<'_>) -> Verdict {
    password_policy::decide(ctx, &[Requirement::Symbols])
}
