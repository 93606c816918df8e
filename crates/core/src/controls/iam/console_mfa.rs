//! IAM.5 — MFA should be enabled for all IAM users that have a console password.
//!
//! AWS's rule (`mfa-enabled-for-iam-console-access`) fails a user who can sign in to the console
//! with a password and has no MFA device. Neither fact is in the `AWS::IAM::User` configuration
//! item: the IamUserLoginProfile evidence says whether the user has a console password
//! (`iam:GetLoginProfile`; `present: false` when IAM answers NoSuchEntity) and the
//! IamUserMfaDevices evidence lists the user's MFA devices (`iam:ListMFADevices`).
//!
//! A user without a console password passes: the control is about console sign-in. Because that
//! pass rests on `present: false`, a login-profile entry that does not carry `present` is
//! INSUFFICIENT_DATA rather than read as "no password". A user with a password needs the MFA
//! evidence; without it the verdict is INSUFFICIENT_DATA.

use super::user_evidence::user_name;
use crate::control::{Context, Control, Duty, Mappings, Severity};
use crate::controls::evidence_fields::evidence_with;
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::{LoginProfile, MfaDevices};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "IAM.5",
    title: "MFA should be enabled for all IAM users that have a console password",
    severity: Severity::Medium,
    resource_types: &["AWS::IAM::User"],
    rationale: "Fails when the user has a console password (IamUserLoginProfile evidence) and no \
                MFA device (IamUserMfaDevices evidence); passes when the user has an MFA device \
                or no console password.",
    remediation: "Assign an MFA device to the user (a FIDO security key, or a virtual \
                  authenticator app: iam:CreateVirtualMFADevice, iam:EnableMFADevice), or remove \
                  the console password if the user does not sign in to the console \
                  (iam:DeleteLoginProfile).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-5",
    remediation_hook: super::CREDENTIALS_BELONG_TO_PEOPLE,
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("IAM.5"),
        cis_v3: Some("1.10"),
        nist_800_53_r5: &[
            "AC-2(1)", "AC-3(15)", "IA-2(1)", "IA-2(2)", "IA-2(6)", "IA-2(8)",
        ],
    },
    parameters: &[],
    evidence: &[
        EvidenceKind::IamUserLoginProfile,
        EvidenceKind::IamUserMfaDevices,
    ],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let user = user_name(ctx.item);
    let login: LoginProfile =
        match evidence_with(ctx, EvidenceKind::IamUserLoginProfile, &["present"]) {
            Ok(p) => p,
            Err(verdict) => return verdict,
        };
    if !login.present {
        return Verdict::pass(format!(
            "user {user} has no console password (no login profile), so it cannot sign in to \
             the console"
        ));
    }
    let mfa: MfaDevices = match ctx.evidence_as(EvidenceKind::IamUserMfaDevices) {
        Ok(m) => m,
        Err(verdict) => return verdict,
    };
    match mfa.devices.as_slice() {
        [] => Verdict::fail(format!(
            "user {user} has a console password but no MFA device"
        )),
        devices => Verdict::pass(format!(
            "user {user} has a console password and {} MFA device(s) ({})",
            devices.len(),
            super::user_mfa::device_names(devices)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::test_support;
    use serde_json::{Map, Value, json};

    fn run(login: Option<Value>, mfa: Option<Value>) -> Verdict {
        let mut raw = test_support::item("AWS::IAM::User", json!({"userName": "ana"}));
        let mut sup = Map::new();
        if let Some(l) = login {
            sup.insert("sidewatch:IamUserLoginProfile".into(), l);
        }
        if let Some(m) = mfa {
            sup.insert("sidewatch:IamUserMfaDevices".into(), m);
        }
        raw["supplementaryConfiguration"] = Value::Object(sup);
        test_support::run(&CONTROL, raw, &[])
    }

    const PASSWORD: fn() -> Value =
        || json!({"present": true, "createDate": "2025-01-01T00:00:00Z"});

    #[test]
    fn a_console_password_without_mfa_fails() {
        let v = run(Some(PASSWORD()), Some(json!({"devices": []})));
        assert_eq!(
            v,
            Verdict::fail("user ana has a console password but no MFA device")
        );
    }

    #[test]
    fn a_console_password_with_mfa_passes() {
        let v = run(
            Some(PASSWORD()),
            Some(json!({"devices": [{"serialNumber": "arn:aws:iam::123456789012:mfa/ana-phone"}]})),
        );
        assert!(v.is_compliant(), "{v}");
        assert!(
            v.reason()
                .contains("arn:aws:iam::123456789012:mfa/ana-phone"),
            "{v}"
        );
    }

    #[test]
    fn no_console_password_passes_without_mfa_evidence() {
        let v = run(Some(json!({"present": false})), None);
        assert!(v.is_compliant(), "{v}");
    }

    #[test]
    fn missing_or_failed_evidence_is_never_a_pass() {
        for (login, mfa) in [
            (None, Some(json!({"devices": [{"serialNumber": "s"}]}))),
            (Some(json!({})), None),
            (
                Some(json!({"createDate": "2025-01-01T00:00:00Z"})),
                Some(json!({"devices": []})),
            ),
            (Some(PASSWORD()), None),
            (
                Some(PASSWORD()),
                Some(json!({"sidewatchError": {"code": "AccessDenied", "message": "no"}})),
            ),
            (
                Some(json!({"sidewatchError": {"code": "Throttling", "message": "slow down"}})),
                Some(json!({"devices": []})),
            ),
        ] {
            let v = run(login.clone(), mfa.clone());
            assert!(v.is_insufficient(), "{login:?} {mfa:?}: {v}");
        }
    }
}
