//! SecretsManager.1 — Secrets Manager secrets should have automatic rotation enabled.
//!
//! Fields confirmed in the AWS Config resource schema for `AWS::SecretsManager::Secret`:
//! `RotationEnabled`, `RotationRules.AutomaticallyAfterDays`,
//! `RotationRules.RotationScheduleExpression`.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "SecretsManager.1",
    title: "Secrets Manager secrets should have automatic rotation enabled",
    severity: Severity::Medium,
    resource_types: &["AWS::SecretsManager::Secret"],
    rationale: "Passes when the secret's configuration.RotationEnabled is true and, when \
                maximumAllowedRotationFrequency is set, the rotation interval \
                (RotationRules.AutomaticallyAfterDays, or a rate() schedule expression) is at \
                most that many days; fails when rotation is off (absent means never configured) \
                or less frequent. Secrets scheduled for deletion are not applicable.",
    remediation: "Turn on automatic rotation (secretsmanager:RotateSecret with \
                  --rotation-rules and, except for managed rotation, --rotation-lambda-arn of a \
                  function that can change the credential where it is used).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/secretsmanager-controls.html#secretsmanager-1",
    remediation_hook: Remediation::NotifyOnly {
        why: "rotation needs a rotation function that can change the credential in the system \
              that uses it; a wrong one breaks that system",
    },
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("SecretsManager.1"),
        cis_v3: None,
        nist_800_53_r5: &["AC-2(1)", "AC-3(15)"],
    },
    parameters: &[ParamSpec {
        name: "maximumAllowedRotationFrequency",
        kind: ParamKind::Int { min: 0, max: 365 },
        default: "0",
        description: "Longest allowed rotation interval in days (the \
                      secretsmanager-rotation-enabled-check rule's \
                      maximumAllowedRotationFrequency, 1 to 365); 0, the default, means not set, \
                      as Security Hub leaves it.",
    }],
    evidence: &[],
    evaluate,
};

const DAYS: &str = "configuration.RotationRules.AutomaticallyAfterDays";
const SCHEDULE: &str = "configuration.RotationRules.RotationScheduleExpression";

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    match super::rotation_enabled(item) {
        Err(verdict) => return verdict,
        Ok(false) => {
            return Verdict::fail(
                "automatic rotation is not enabled (configuration.RotationEnabled is not true)",
            );
        }
        Ok(true) => {}
    }
    let maximum = ctx.int("maximumAllowedRotationFrequency");
    if maximum <= 0 {
        let every = interval_days(item)
            .map_or_else(|_| String::new(), |days| format!(", every {days} days"));
        return Verdict::pass(format!(
            "automatic rotation is enabled (configuration.RotationEnabled is true{every})"
        ));
    }
    let days = match interval_days(item) {
        Ok(days) => days,
        Err(verdict) => return verdict,
    };
    if days <= maximum as f64 {
        Verdict::pass(format!(
            "automatic rotation is enabled every {days} days, within the allowed {maximum}"
        ))
    } else {
        Verdict::fail(format!(
            "automatic rotation runs every {days} days, less often than the allowed {maximum}"
        ))
    }
}

/// The rotation interval in days: `AutomaticallyAfterDays`, else a `rate(N days)` or
/// `rate(N hours)` schedule expression. A `cron()` schedule has no single interval and is
/// INSUFFICIENT_DATA for the frequency check.
fn interval_days(item: &crate::ConfigurationItem) -> Result<f64, Verdict> {
    if let Some(days) = checks::integer(item.config("/RotationRules/AutomaticallyAfterDays"), DAYS)?
    {
        return Ok(days as f64);
    }
    let Some(expression) = checks::text(
        item.config("/RotationRules/RotationScheduleExpression"),
        SCHEDULE,
    )?
    else {
        return Err(Verdict::insufficient(format!(
            "neither {DAYS} nor {SCHEDULE} is recorded, so the rotation interval is unknown"
        )));
    };
    let rate = expression
        .strip_prefix("rate(")
        .and_then(|r| r.strip_suffix(')'))
        .and_then(|r| r.trim().split_once(' '));
    match rate {
        Some((n, unit)) => match (n.trim().parse::<u32>(), unit.trim()) {
            (Ok(n), "day" | "days") => Ok(f64::from(n)),
            (Ok(n), "hour" | "hours") => Ok(f64::from(n) / 24.0),
            _ => Err(unreadable_schedule(expression)),
        },
        None => Err(unreadable_schedule(expression)),
    }
}

fn unreadable_schedule(expression: &str) -> Verdict {
    Verdict::insufficient(format!(
        "{SCHEDULE} is {expression:?}, which has no single interval to compare with \
         maximumAllowedRotationFrequency"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::{Value, json};

    fn run(configuration: Value, overrides: &[(&str, &str)]) -> Verdict {
        testing::with_parts(&CONTROL, configuration, json!({}), overrides)
    }

    #[test]
    fn rotation_must_be_enabled() {
        let on = json!({"Name": "db", "RotationEnabled": true,
                        "RotationRules": {"AutomaticallyAfterDays": 30}});
        assert_eq!(
            run(on, &[]),
            Verdict::pass(
                "automatic rotation is enabled (configuration.RotationEnabled is true, every 30 days)"
            )
        );
        // Without a maximum, a cron schedule or no rules at all still pass: rotation is on.
        let cron = json!({"Name": "db", "RotationEnabled": true,
                          "RotationRules": {"RotationScheduleExpression": "cron(0 4 ? * SUN *)"}});
        assert!(run(cron, &[]).is_compliant());
        let v = run(json!({"Name": "db", "RotationEnabled": false}), &[]);
        assert!(v.is_non_compliant(), "{v}");
        let v = run(json!({"Name": "db"}), &[]);
        assert!(v.is_non_compliant(), "{v}");
        let v = run(json!({"Name": "db", "Deleted": true}), &[]);
        assert!(v.is_not_applicable(), "{v}");
    }

    #[test]
    fn the_interval_is_compared_with_the_maximum() {
        let max = [("maximumAllowedRotationFrequency", "30")];
        let v = run(
            json!({"Name": "db", "RotationEnabled": true,
                   "RotationRules": {"AutomaticallyAfterDays": 90}}),
            &max,
        );
        assert!(v.is_non_compliant(), "{v}");
        let v = run(
            json!({"Name": "db", "RotationEnabled": true,
                   "RotationRules": {"RotationScheduleExpression": "rate(12 hours)"}}),
            &max,
        );
        assert!(v.is_compliant(), "{v}");
        let v = run(
            json!({"Name": "db", "RotationEnabled": true,
                   "RotationRules": {"RotationScheduleExpression": "rate(45 days)"}}),
            &max,
        );
        assert!(v.is_non_compliant(), "{v}");
        let v = run(
            json!({"Name": "db", "RotationEnabled": true,
                   "RotationRules": {"RotationScheduleExpression": "cron(0 4 ? * SUN *)"}}),
            &max,
        );
        assert!(v.is_insufficient(), "{v}");
        let v = run(json!({"Name": "db", "RotationEnabled": true}), &max);
        assert!(v.is_insufficient(), "{v}");
    }
}
