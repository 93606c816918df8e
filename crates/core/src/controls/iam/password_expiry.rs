//! IAM.17 — Ensure IAM password policy expires passwords within 90 days or less.

use crate::control::{Context, Control, Severity};
use crate::controls::iam::password_policy::{self, Requirement};
use crate::verdict::Verdict;

pub const CONTROL: Control = password_policy::setting_control(
    "IAM.17",
    "Ensure IAM password policy expires passwords within 90 days or less",
    Severity::Low,
    None,
    "Passes when the account password policy expires passwords after 90 days or fewer \
     (MaxPasswordAge 1 to 90); fails when passwords never expire, live longer, or the account \
     has no password policy (iam:GetAccountPasswordPolicy).",
    "Turn on password expiration with a period of 90 days or less (IAM console Account \
     settings, or `aws iam update-account-password-policy --max-password-age 90` with the \
     other settings you keep).",
    evaluate,
);

fn evaluate(ctx: &Context<'_>) -> Verdict {
    password_policy::decide(ctx, &[Requirement::MaxAge(90)])
}
