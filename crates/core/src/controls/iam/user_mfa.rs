//! IAM.19 — MFA should be enabled for all IAM users.
//!
//! AWS's rule (`iam-user-mfa-enabled`) fails every IAM user without an MFA device, whether or not
//! the user has a console password (IAM.5 covers only console users). MFA devices are not in the
//! `AWS::IAM::User` configuration item: the IamUserMfaDevices evidence lists them
//! (`iam:ListMFADevices`). An empty list fails; missing or failed evidence is INSUFFICIENT_DATA.

use super::user_evidence::user_name;
use crate::control::{Context, Control, Duty, Mappings, Severity};
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::{MfaDevice, MfaDevices};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "IAM.19",
    title: "MFA should be enabled for all IAM users",
    severity: Severity::Medium,
    resource_types: &["AWS::IAM::User"],
    rationale: "Fails when the user has no MFA device (IamUserMfaDevices evidence, \
                iam:ListMFADevices); passes when it has at least one.",
    remediation: "Assign an MFA device to the user: a FIDO security key or a virtual \
                  authenticator app (iam:CreateVirtualMFADevice, iam:EnableMFADevice). Users \
                  that only run workloads are better replaced by IAM roles.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-19",
    remediation_hook: super::CREDENTIALS_BELONG_TO_PEOPLE,
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: None,
        cis_v3: None,
        nist_800_53_r5: &[
            "AC-2(1)", "AC-3(15)", "IA-2(1)", "IA-2(2)", "IA-2(6)", "IA-2(8)",
        ],
    },
    parameters: &[],
    evidence: &[EvidenceKind::IamUserMfaDevices],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let mfa: MfaDevices = match ctx.evidence_as(EvidenceKind::IamUserMfaDevices) {
        Ok(m) => m,
        Err(verdict) => return verdict,
    };
    let user = user_name(ctx.item);
    match mfa.devices.as_slice() {
        [] => Verdict::fail(format!("user {user} has no MFA device")),
        devices => Verdict::pass(format!(
            "user {user} has {} MFA device(s) ({})",
            devices.len(),
            device_names(devices)
        )),
    }
}

/// The devices' serial numbers (virtual device ARNs or hardware serials), for reasons.
pub(crate) fn device_names(devices: &[MfaDevice]) -> String {
    devices
        .iter()
        .enumerate()
        .map(|(i, d)| match d.serial_number.trim() {
            "" => format!("#{}", i + 1),
            serial => serial.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::evidence_fields::run_with_evidence;
    use serde_json::{Value, json};

    fn run(evidence: Option<Value>) -> Verdict {
        let user = json!({"userName": "build-bot"});
        run_with_evidence(
            &CONTROL,
            user,
            EvidenceKind::IamUserMfaDevices,
            evidence,
            &[],
        )
    }

    #[test]
    fn no_device_fails_and_any_device_passes() {
        assert_eq!(
            run(Some(json!({"devices": []}))),
            Verdict::fail("user build-bot has no MFA device")
        );
        assert!(run(Some(json!({}))).is_non_compliant());
        let v = run(Some(
            json!({"devices": [{"serialNumber": "GAKT000A1B2C"}, {}]}),
        ));
        assert_eq!(
            v,
            Verdict::pass("user build-bot has 2 MFA device(s) (GAKT000A1B2C, #2)")
        );
    }

    #[test]
    fn missing_failed_or_malformed_evidence_is_insufficient() {
        for e in [
            None,
            Some(Value::Null),
            Some(json!({"sidewatchError": {"code": "AccessDenied", "message": "denied"}})),
            Some(json!({"devices": "none"})),
        ] {
            assert!(run(e.clone()).is_insufficient(), "{e:?}");
        }
    }
}
