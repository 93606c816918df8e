//! IAM.7 — Password policies for IAM users should have strong configurations.

use crate::control::{Context, Control, Duty, Mappings, Severity};
use crate::controls::account;
use crate::controls::iam::password_policy::{self, Requirement};
use crate::evidence::EvidenceKind;
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "IAM.7",
    title: "Password policies for IAM users should have strong configurations",
    severity: Severity::Medium,
    resource_types: account::RESOURCE_TYPES,
    rationale: "Passes when the account password policy (iam:GetAccountPasswordPolicy) meets \
                every parameter: the Require* character classes set to true are required, \
                MinimumPasswordLength is at least the parameter, and, when set above 0, \
                PasswordReusePrevention remembers at least that many passwords and MaxPasswordAge \
                expires passwords within that many days. Fails naming each setting that falls \
                short, or when the account has no password policy. Defaults match Security Hub.",
    remediation: "Update the account password policy to require uppercase and lowercase \
                  letters, numbers and symbols and at least the minimum length (IAM console \
                  Account settings, or `aws iam update-account-password-policy`). Better: \
                  replace IAM users with federation through IAM Identity Center.",
    remediation_url: password_policy::REMEDIATION_URL,
    remediation_hook: password_policy::REMEDIATION_HOOK,
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("IAM.7"),
        cis_v3: None,
        nist_800_53_r5: &["AC-2(1)", "AC-2(3)", "AC-3(15)", "IA-5(1)"],
    },
    parameters: &[
        character_class(
            "RequireUppercaseCharacters",
            "Require the policy to demand at least one uppercase letter (A-Z).",
        ),
        character_class(
            "RequireLowercaseCharacters",
            "Require the policy to demand at least one lowercase letter (a-z).",
        ),
        character_class(
            "RequireSymbols",
            "Require the policy to demand at least one non-alphanumeric character.",
        ),
        character_class(
            "RequireNumbers",
            "Require the policy to demand at least one number (0-9).",
        ),
        ParamSpec {
            name: "MinimumPasswordLength",
            kind: ParamKind::Int { min: 8, max: 128 },
            default: "8",
            description: "The shortest password length the policy may allow.",
        },
        ParamSpec {
            name: "PasswordReusePrevention",
            kind: ParamKind::Int { min: 0, max: 24 },
            default: "0",
            description: "How many previous passwords the policy must remember at least (AWS \
                          allows 12 to 24); 0, the default, does not check reuse prevention.",
        },
        ParamSpec {
            name: "MaxPasswordAge",
            kind: ParamKind::Int { min: 0, max: 90 },
            default: "0",
            description: "The most days a password may live before it expires (1 to 90); 0, \
                          the default, does not check expiry.",
        },
    ],
    evidence: &[EvidenceKind::IamPasswordPolicy],
    evaluate,
};

const fn character_class(name: &'static str, description: &'static str) -> ParamSpec {
    ParamSpec {
        name,
        kind: ParamKind::Bool,
        default: "true",
        description,
    }
}

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let classes = [
        ("RequireUppercaseCharacters", Requirement::Uppercase),
        ("RequireLowercaseCharacters", Requirement::Lowercase),
        ("RequireSymbols", Requirement::Symbols),
        ("RequireNumbers", Requirement::Numbers),
    ];
    let mut requirements: Vec<Requirement> = classes
        .into_iter()
        .filter(|(param, _)| ctx.bool(param))
        .map(|(_, requirement)| requirement)
        .collect();
    requirements.push(Requirement::MinLength(ctx.int("MinimumPasswordLength")));
    let reuse = ctx.int("PasswordReusePrevention");
    if reuse > 0 {
        requirements.push(Requirement::ReusePrevention(reuse));
    }
    let age = ctx.int("MaxPasswordAge");
    if age > 0 {
        requirements.push(Requirement::MaxAge(age));
    }
    password_policy::decide(ctx, &requirements)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account::testing;
    use crate::controls::checks::testing::evaluate;
    use serde_json::{Value, json};

    fn run(policy: Value, overrides: &[(&str, &str)]) -> Verdict {
        let item = testing::item(&[(EvidenceKind::IamPasswordPolicy, policy)]);
        evaluate(&CONTROL, item, overrides)
    }

    fn complex_8() -> Value {
        json!({
            "present": true, "minimumPasswordLength": 8, "requireSymbols": true,
            "requireNumbers": true, "requireUppercaseCharacters": true,
            "requireLowercaseCharacters": true, "expirePasswords": false
        })
    }

    #[test]
    fn defaults_ask_for_four_classes_and_eight_characters_only() {
        assert!(run(complex_8(), &[]).is_compliant());
        let mut no_symbols = complex_8();
        no_symbols["requireSymbols"] = json!(false);
        let v = run(no_symbols.clone(), &[]);
        assert!(v.reason().contains("RequireSymbols is false"), "{v}");
        assert!(run(no_symbols, &[("RequireSymbols", "false")]).is_compliant());
    }

    #[test]
    fn optional_parameters_are_checked_once_set() {
        let v = run(complex_8(), &[("MaxPasswordAge", "60")]);
        assert!(v.reason().contains("never expires"), "{v}");
        let v = run(complex_8(), &[("PasswordReusePrevention", "12")]);
        assert!(v.reason().contains("PasswordReusePrevention"), "{v}");
        let v = run(complex_8(), &[("MinimumPasswordLength", "14")]);
        assert!(v.reason().contains("below 14"), "{v}");
        let mut strong = complex_8();
        strong["maxPasswordAge"] = json!(60);
        strong["passwordReusePrevention"] = json!(12);
        let overrides = [("MaxPasswordAge", "60"), ("PasswordReusePrevention", "12")];
        assert!(run(strong, &overrides).is_compliant());
    }
}
