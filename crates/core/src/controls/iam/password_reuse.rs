//! IAM.16 — Ensure IAM password policy prevents password reuse.

use crate::control::{Context, Control, Severity};
use crate::controls::iam::password_policy::{self, Requirement};
use crate::verdict::Verdict;

pub const CONTROL: Control = password_policy::setting_control(
    "IAM.16",
    "Ensure IAM password policy prevents password reuse",
    Severity::Low,
    Some("1.9"),
    "Passes when the account password policy remembers 24 passwords (PasswordReusePrevention \
     24, the most IAM allows); fails when it remembers fewer, none, or the account has no \
     password policy (iam:GetAccountPasswordPolicy).",
    "Set the account password policy to remember 24 passwords (IAM console Account settings, \
     or `aws iam update-account-password-policy --password-reuse-prevention 24` with the \
     other settings you keep).",
    evaluate,
);

fn evaluate(ctx: &Context<'_>) -> Verdict {
    password_policy::decide(ctx, &[Requirement::ReusePrevention(24)])
}
