//! DynamoDB.2 — DynamoDB tables should have point-in-time recovery enabled.
//!
//! Confirmed in the AWS Config resource schema for `AWS::DynamoDB::Table`:
//! `supplementaryConfiguration.ContinuousBackupsDescription.pointInTimeRecoveryDescription
//! .pointInTimeRecoveryStatus` (camelCase, `ENABLED` / `DISABLED` as `DescribeContinuousBackups`
//! returns them).

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::item::describe_value;
use crate::verdict::Verdict;
use serde_json::Value;

pub const CONTROL: Control = Control {
    id: "DynamoDB.2",
    title: "DynamoDB tables should have point-in-time recovery enabled",
    severity: Severity::Medium,
    resource_types: &["AWS::DynamoDB::Table"],
    rationale: "Passes when supplementaryConfiguration.ContinuousBackupsDescription \
                .pointInTimeRecoveryDescription.pointInTimeRecoveryStatus is ENABLED (the table \
                can be restored to any second of the recovery window); fails on any other \
                status. An item without the status is INSUFFICIENT_DATA.",
    remediation: "Turn on point-in-time recovery for the table \
                  (dynamodb:UpdateContinuousBackups \
                  --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html#dynamodb-2",
    remediation_hook: Remediation::NotifyOnly {
        why: "no automatic remediation for this control yet; point-in-time recovery adds \
              storage cost the table's owner decides on",
    },
    duty: Duty::Resilience,
    mappings: Mappings {
        fsbp: Some("DynamoDB.2"),
        cis_v3: None,
        nist_800_53_r5: &["CP-10", "CP-6(2)", "CP-9", "SC-5(2)", "SI-12", "SI-13(5)"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

const STATUS: &str = "supplementaryConfiguration.ContinuousBackupsDescription.\
                      pointInTimeRecoveryDescription.pointInTimeRecoveryStatus";

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let backups = match checks::supplementary(ctx.item, "ContinuousBackupsDescription") {
        Ok(backups) => backups,
        Err(verdict) => return verdict,
    };
    let status = backups
        .get("pointInTimeRecoveryDescription")
        .and_then(|d| d.get("pointInTimeRecoveryStatus"));
    match status {
        None | Some(Value::Null) => checks::missing(STATUS),
        Some(Value::String(status)) if status.trim().eq_ignore_ascii_case("ENABLED") => {
            Verdict::pass(format!(
                "point-in-time recovery is enabled ({STATUS} is ENABLED)"
            ))
        }
        Some(Value::String(status)) if !status.trim().is_empty() => Verdict::fail(format!(
            "point-in-time recovery is not enabled ({STATUS} is {})",
            status.trim()
        )),
        Some(other) => Verdict::insufficient(format!(
            "{STATUS} is {}, expected ENABLED or DISABLED; the setting cannot be decided",
            describe_value(other)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    fn run(status: Value) -> Verdict {
        testing::with_supplementary(
            &CONTROL,
            json!({"ContinuousBackupsDescription": {
                "continuousBackupsStatus": "ENABLED",
                "pointInTimeRecoveryDescription": {"pointInTimeRecoveryStatus": status}
            }}),
            &[],
        )
    }

    #[test]
    fn the_recovery_status_decides() {
        assert!(run(json!("ENABLED")).is_compliant());
        let v = run(json!("DISABLED"));
        assert!(
            v.is_non_compliant() && v.reason().contains("DISABLED"),
            "{v}"
        );
    }

    #[test]
    fn missing_or_odd_status_is_insufficient() {
        assert!(run(Value::Null).is_insufficient());
        assert!(run(json!("")).is_insufficient());
        assert!(run(json!(true)).is_insufficient());
        let v = testing::with_supplementary(&CONTROL, json!({}), &[]);
        assert!(
            v.is_insufficient() && v.reason().contains("ContinuousBackupsDescription"),
            "{v}"
        );
    }
}
