//! GuardDuty.1 — GuardDuty should be enabled.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::account;
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::GuardDutyDetectors;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "GuardDuty.1",
    title: "GuardDuty should be enabled",
    severity: Severity::High,
    resource_types: account::RESOURCE_TYPES,
    rationale: "Passes when the Region has a GuardDuty detector with status ENABLED \
                (guardduty:ListDetectors, GetDetector); fails when it has no detector or only \
                suspended ones. GuardDuty is regional, so every Region is evaluated.",
    remediation: "Enable GuardDuty in every Region, ideally for the whole organization from a \
                  delegated administrator account (`aws guardduty create-detector --enable`, or \
                  `update-detector --enable` for a suspended one).",
    remediation_url: "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_settingup.html",
    remediation_hook: Remediation::NotifyOnly {
        why: "enabling GuardDuty costs money and is usually an organization-level decision",
    },
    duty: Duty::LoggingAndMonitoring,
    mappings: Mappings {
        fsbp: Some("GuardDuty.1"),
        cis_v3: None,
        nist_800_53_r5: &[
            "AC-2(12)", "AU-6(1)", "AU-6(5)", "CA-7", "CM-8(3)", "RA-3(4)", "SA-11(1)", "SA-11(6)",
            "SA-15(2)", "SA-15(8)", "SA-8(19)", "SA-8(21)", "SA-8(25)", "SC-5", "SC-5(1)",
            "SC-5(3)", "SI-20", "SI-3(8)", "SI-4", "SI-4(1)", "SI-4(13)", "SI-4(2)", "SI-4(22)",
            "SI-4(25)", "SI-4(4)", "SI-4(5)",
        ],
    },
    parameters: &[],
    evidence: &[EvidenceKind::GuardDutyDetectors],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let found: GuardDutyDetectors =
        match account::evidence(ctx, EvidenceKind::GuardDutyDetectors, &["detectors"]) {
            Ok(found) => found,
            Err(verdict) => return verdict,
        };
    let region = account::region_name(ctx.item);
    if let Some(on) = found
        .detectors
        .iter()
        .find(|d| d.status.trim().eq_ignore_ascii_case("ENABLED"))
    {
        return Verdict::pass(format!(
            "GuardDuty detector {} is ENABLED in {region}",
            on.detector_id
        ));
    }
    if found.detectors.is_empty() {
        return Verdict::fail(format!("GuardDuty has no detector in {region}"));
    }
    let off: Vec<String> = found
        .detectors
        .iter()
        .map(|d| format!("detector {} is {}", d.detector_id, d.status.trim()))
        .collect();
    Verdict::fail(format!(
        "GuardDuty is not enabled in {region}: {}",
        account::join_limited(&off, 3)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account::testing;
    use serde_json::json;

    fn run(detectors: serde_json::Value) -> Verdict {
        testing::run(
            &CONTROL,
            EvidenceKind::GuardDutyDetectors,
            json!({ "detectors": detectors }),
        )
    }

    #[test]
    fn an_enabled_detector_passes() {
        assert!(run(json!([{"detectorId": "d1", "status": "ENABLED"}])).is_compliant());
        assert_eq!(
            run(json!([{"detectorId": "d1", "status": "DISABLED"}])),
            Verdict::fail("GuardDuty is not enabled in eu-west-1: detector d1 is DISABLED")
        );
        assert_eq!(
            run(json!([])),
            Verdict::fail("GuardDuty has no detector in eu-west-1")
        );
    }
}
