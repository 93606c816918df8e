//! IAM.11 — Ensure IAM password policy requires at least one uppercase letter.

use crate::control::{Context, Control, Severity};
use crate::controls::iam::password_policy::{self, Requirement};
use crate::verdict::Verdict;

pub const CONTROL: Control = password_policy::setting_control(
    "IAM.11",
    "Ensure IAM password policy requires at least one uppercase letter",
    Severity::Medium,
    None,
    "Passes when the account password policy requires at least one uppercase letter \
     (RequireUppercaseCharacters); fails when it does not or the account has no password \
     policy (iam:GetAccountPasswordPolicy).",
    "Set the account password policy to require at least one uppercase letter (IAM console \
     Account settings, or `aws iam update-account-password-policy \
     --require-uppercase-characters` with the other settings you keep).",
    evaluate,
);

fn evaluate(ctx: &Context<'_>) -> Verdict {
    password_policy::decide(ctx, &[Requirement::Uppercase])
}
