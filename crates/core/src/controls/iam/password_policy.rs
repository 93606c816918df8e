//! The account password policy, shared by IAM.7 and IAM.11 – IAM.17.
//!
//! Each of these controls lists the [`Requirement`]s it checks and calls [`decide`]: one reading
//! of the IamPasswordPolicy evidence, one phrasing of every reason. An account without a password
//! policy fails them all: IAM then applies its default policy, which AWS's managed rule reports as
//! NON_COMPLIANT.

use crate::control::{Context, Control, Duty, Mappings, PlanKind, Remediation, Severity};
use crate::controls::account;
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::PasswordPolicy;
use crate::verdict::Verdict;

/// Where AWS explains the account password policy settings.
pub(crate) const REMEDIATION_URL: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html";

/// The remediation of every password policy control (IAM.7, IAM.11 – IAM.17).
pub(crate) const REMEDIATION_HOOK: Remediation = Remediation::Automatic {
    plan: PlanKind::AccountPasswordPolicy,
    does: "applies the configured account password policy (iam:UpdateAccountPasswordPolicy), \
           keeping stronger current settings",
};

/// A control that checks single password-policy settings (IAM.11 – IAM.17): FSBP id, no NIST
/// mapping (AWS lists none for these), no parameters, the IamPasswordPolicy evidence.
pub(crate) const fn setting_control(
    id: &'static str,
    title: &'static str,
    severity: Severity,
    cis_v3: Option<&'static str>,
    rationale: &'static str,
    remediation: &'static str,
    evaluate: fn(&Context<'_>) -> Verdict,
) -> Control {
    Control {
        id,
        title,
        severity,
        resource_types: account::RESOURCE_TYPES,
        rationale,
        remediation,
        remediation_url: REMEDIATION_URL,
        remediation_hook: REMEDIATION_HOOK,
        // IAM.11–17 come from Security Hub's CIS and NIST standards, not from FSBP (which has only
        // IAM.7 for the password policy).
        duty: Duty::IdentityAndAccess,
        mappings: Mappings {
            fsbp: None,
            cis_v3,
            nist_800_53_r5: &[],
        },
        parameters: &[],
        evidence: &[EvidenceKind::IamPasswordPolicy],
        evaluate,
    }
}

/// One thing a password policy must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Requirement {
    /// `RequireUppercaseCharacters`.
    Uppercase,
    /// `RequireLowercaseCharacters`.
    Lowercase,
    /// `RequireSymbols`.
    Symbols,
    /// `RequireNumbers`.
    Numbers,
    /// `MinimumPasswordLength` at least this.
    MinLength(i64),
    /// `PasswordReusePrevention` at least this many remembered passwords.
    ReusePrevention(i64),
    /// Passwords expire (`MaxPasswordAge` set) after at most this many days.
    MaxAge(i64),
}

impl Requirement {
    /// What the policy does about this requirement: `Ok` with what satisfies it, `Err` with what
    /// falls short, each naming the setting.
    fn check(self, policy: &PasswordPolicy) -> Result<String, String> {
        let flag = |on: bool, setting: &str, what: &str| {
            if on {
                Ok(format!("requires {what}"))
            } else {
                Err(format!("does not require {what} ({setting} is false)"))
            }
        };
        match self {
            Requirement::Uppercase => flag(
                policy.require_uppercase_characters,
                "RequireUppercaseCharacters",
                "an uppercase letter",
            ),
            Requirement::Lowercase => flag(
                policy.require_lowercase_characters,
                "RequireLowercaseCharacters",
                "a lowercase letter",
            ),
            Requirement::Symbols => flag(policy.require_symbols, "RequireSymbols", "a symbol"),
            Requirement::Numbers => flag(policy.require_numbers, "RequireNumbers", "a number"),
            Requirement::MinLength(min) => match policy.minimum_password_length {
                Some(n) if n >= min => Ok(format!(
                    "requires at least {n} characters (MinimumPasswordLength {n}, needs {min})"
                )),
                Some(n) => Err(format!(
                    "allows {n}-character passwords (MinimumPasswordLength is {n}, below {min})"
                )),
                None => Err("sets no minimum length (MinimumPasswordLength is not set)".to_owned()),
            },
            Requirement::ReusePrevention(min) => match policy.password_reuse_prevention {
                Some(n) if n >= min => Ok(format!(
                    "remembers {n} passwords (PasswordReusePrevention {n}, needs {min})"
                )),
                Some(n) if n > 0 => Err(format!(
                    "remembers only {n} passwords (PasswordReusePrevention is {n}, below {min})"
                )),
                _ => Err(
                    "does not prevent password reuse (PasswordReusePrevention is not set)"
                        .to_owned(),
                ),
            },
            Requirement::MaxAge(max) => match policy.max_password_age {
                Some(n) if (1..=max).contains(&n) => Ok(format!(
                    "expires passwords after {n} days (MaxPasswordAge {n}, at most {max})"
                )),
                Some(n) if n > max => Err(format!(
                    "lets passwords live {n} days (MaxPasswordAge is {n}, above {max})"
                )),
                _ => Err("never expires passwords (MaxPasswordAge is not set)".to_owned()),
            },
        }
    }
}

/// Decides a password-policy control: passes when the account's policy meets every requirement,
/// fails naming each one it misses, and fails when the account has no password policy.
pub(crate) fn decide(ctx: &Context<'_>, requirements: &[Requirement]) -> Verdict {
    let policy: PasswordPolicy =
        match account::evidence(ctx, EvidenceKind::IamPasswordPolicy, &["present"]) {
            Ok(policy) => policy,
            Err(verdict) => return verdict,
        };
    if !policy.present {
        return Verdict::fail(
            "the account has no IAM password policy, so IAM's default policy applies",
        );
    }
    let (met, unmet): (Vec<_>, Vec<_>) = requirements
        .iter()
        .map(|r| r.check(&policy))
        .partition(Result::is_ok);
    let unmet: Vec<String> = unmet.into_iter().filter_map(Result::err).collect();
    if unmet.is_empty() {
        let met: Vec<String> = met.into_iter().filter_map(Result::ok).collect();
        Verdict::pass(format!("the password policy {}", met.join(", ")))
    } else {
        Verdict::fail(format!("the password policy {}", unmet.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::Requirement::*;
    use super::*;
    use crate::controls::account::testing;
    use crate::params::ResolvedParams;
    use serde_json::{Value, json};

    fn run(policy: Value, requirements: &[Requirement]) -> Verdict {
        let item = testing::item(&[(EvidenceKind::IamPasswordPolicy, policy)]);
        let item = crate::ConfigurationItem::from_value(item).unwrap();
        let params = ResolvedParams::default();
        decide(&Context::new(&item, &params), requirements)
    }

    fn strong() -> Value {
        json!({
            "present": true, "minimumPasswordLength": 14, "requireSymbols": true,
            "requireNumbers": true, "requireUppercaseCharacters": true,
            "requireLowercaseCharacters": true, "allowUsersToChangePassword": true,
            "expirePasswords": true, "maxPasswordAge": 90, "passwordReusePrevention": 24,
            "hardExpiry": false
        })
    }

    const ALL: [Requirement; 7] = [
        Uppercase,
        Lowercase,
        Symbols,
        Numbers,
        MinLength(14),
        ReusePrevention(24),
        MaxAge(90),
    ];

    #[test]
    fn a_strong_policy_meets_everything_and_says_so() {
        let v = run(strong(), &ALL);
        assert!(v.is_compliant(), "{v}");
        assert!(
            v.reason().contains("requires at least 14 characters"),
            "{v}"
        );
    }

    #[test]
    fn each_shortfall_is_named() {
        let mut weak = strong();
        weak["requireSymbols"] = json!(false);
        weak["minimumPasswordLength"] = json!(8);
        weak["passwordReusePrevention"] = json!(5);
        weak["maxPasswordAge"] = json!(365);
        let v = run(weak, &ALL);
        assert_eq!(
            v,
            Verdict::fail(
                "the password policy does not require a symbol (RequireSymbols is false); \
                 allows 8-character passwords (MinimumPasswordLength is 8, below 14); remembers \
                 only 5 passwords (PasswordReusePrevention is 5, below 24); lets passwords live \
                 365 days (MaxPasswordAge is 365, above 90)"
            )
        );
    }

    #[test]
    fn unset_numbers_never_meet_a_requirement() {
        let policy = json!({"present": true, "requireUppercaseCharacters": true});
        for r in [MinLength(8), ReusePrevention(1), MaxAge(90)] {
            assert!(run(policy.clone(), &[r]).is_non_compliant(), "{r:?}");
        }
        let zero = json!({"present": true, "maxPasswordAge": 0, "passwordReusePrevention": 0});
        assert!(
            run(zero.clone(), &[MaxAge(90)])
                .reason()
                .contains("never expires")
        );
        assert!(
            run(zero, &[ReusePrevention(24)])
                .reason()
                .contains("not set")
        );
        assert!(run(policy, &[Uppercase]).is_compliant());
    }

    #[test]
    fn no_policy_fails_and_unsaid_presence_is_insufficient() {
        let v = run(json!({"present": false}), &[Uppercase]);
        assert!(v.reason().contains("no IAM password policy"), "{v}");
        assert!(v.is_non_compliant());
        assert!(run(json!({"minimumPasswordLength": 14}), &[MinLength(8)]).is_insufficient());
    }
}
