//! IAM.15 — Ensure IAM password policy requires minimum password length of 14 or greater.

use crate::control::{Context, Control, Severity};
use crate::controls::iam::password_policy::{self, Requirement};
use crate::verdict::Verdict;

pub const CONTROL: Control = password_policy::setting_control(
    "IAM.15",
    "Ensure IAM password policy requires minimum password length of 14 or greater",
    Severity::Medium,
    Some("1.8"),
    "Passes when the account password policy sets MinimumPasswordLength to 14 or more; fails \
     when it is shorter or the account has no password policy (iam:GetAccountPasswordPolicy).",
    "Set the account password policy's minimum password length to 14 or more (IAM console \
     Account settings, or `aws iam update-account-password-policy \
     --minimum-password-length 14` with the other settings you keep).",
    evaluate,
);

fn evaluate(ctx: &Context<'_>) -> Verdict {
    password_policy::decide(ctx, &[Requirement::MinLength(14)])
}
