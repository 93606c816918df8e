//! RDS.6 — Enhanced monitoring should be configured for RDS DB instances.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "RDS.6",
    title: "Enhanced monitoring should be configured for RDS DB instances",
    severity: Severity::Low,
    resource_types: &["AWS::RDS::DBInstance"],
    rationale: "Passes when the instance's configuration.monitoringInterval is not 0 (Enhanced \
                Monitoring collects OS metrics every that many seconds) and, when \
                monitoringInterval is set as a parameter, is one of the listed intervals; fails \
                when it is 0 or another interval. An item without the interval is \
                INSUFFICIENT_DATA.",
    remediation: "Turn on Enhanced Monitoring: rds:ModifyDBInstance --monitoring-interval (1, 5, \
                  10, 15, 30 or 60 seconds) --monitoring-role-arn with a role that trusts \
                  monitoring.rds.amazonaws.com and has AmazonRDSEnhancedMonitoringRole.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-6",
    remediation_hook: Remediation::NotifyOnly {
        why: "Enhanced Monitoring needs an IAM monitoring role and adds CloudWatch Logs cost; \
              the interval is the owner's choice",
    },
    duty: Duty::LoggingAndMonitoring,
    mappings: Mappings {
        fsbp: Some("RDS.6"),
        cis_v3: None,
        nist_800_53_r5: &["CA-7", "SI-2"],
    },
    parameters: &[ParamSpec {
        name: "monitoringInterval",
        kind: ParamKind::IntList { min: 1, max: 60 },
        default: "",
        description: "Accepted Enhanced Monitoring intervals in seconds (the \
                      rds-enhanced-monitoring-enabled rule's monitoringInterval: 1, 5, 10, 15, 30 \
                      or 60); empty, as Security Hub sets it, accepts any non-zero interval.",
    }],
    evidence: &[],
    evaluate,
};

const INTERVAL: &str = "configuration.monitoringInterval";

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let seconds = match checks::integer(ctx.item.config("/monitoringInterval"), INTERVAL) {
        Ok(Some(seconds)) => seconds,
        Ok(None) => return checks::missing(INTERVAL),
        Err(verdict) => return verdict,
    };
    if seconds <= 0 {
        return Verdict::fail(format!(
            "Enhanced Monitoring is off ({INTERVAL} is {seconds})"
        ));
    }
    let accepted = ctx.int_list("monitoringInterval");
    if !accepted.is_empty() && !accepted.contains(&seconds) {
        let list: Vec<String> = accepted.iter().map(i64::to_string).collect();
        return Verdict::fail(format!(
            "Enhanced Monitoring collects every {seconds} seconds, not at the required interval \
             ({} seconds)",
            list.join(", ")
        ));
    }
    Verdict::pass(format!(
        "Enhanced Monitoring collects OS metrics every {seconds} seconds ({INTERVAL} is {seconds})"
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
    fn the_interval_decides() {
        assert!(run(json!({"monitoringInterval": 60}), &[]).is_compliant());
        let v = run(json!({"monitoringInterval": 0}), &[]);
        assert!(v.is_non_compliant() && v.reason().contains("off"), "{v}");
        let v = run(
            json!({"monitoringInterval": 60}),
            &[("monitoringInterval", "5")],
        );
        assert!(v.is_non_compliant(), "{v}");
        let v = run(
            json!({"monitoringInterval": "5"}),
            &[("monitoringInterval", "5")],
        );
        assert!(v.is_compliant(), "{v}");
    }

    #[test]
    fn an_unrecorded_interval_is_insufficient() {
        assert!(run(json!({}), &[]).is_insufficient());
        assert!(run(json!({"monitoringInterval": 1.5}), &[]).is_insufficient());
        assert!(run(json!({"monitoringInterval": true}), &[]).is_insufficient());
    }
}
