//! RDS.9 — RDS DB instances should publish logs to CloudWatch Logs.

use super::Family;
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::item::describe_value;
use crate::verdict::Verdict;
use serde_json::Value;

pub const CONTROL: Control = Control {
    id: "RDS.9",
    title: "RDS DB instances should publish logs to CloudWatch Logs",
    severity: Severity::Medium,
    resource_types: &["AWS::RDS::DBInstance"],
    rationale: "Passes when configuration.enabledCloudwatchLogsExports holds every log the \
                engine should publish — Oracle: alert, audit, trace, listener; PostgreSQL: \
                postgresql, upgrade; MySQL and MariaDB: audit, error, general, slowquery; SQL \
                Server: error, agent; Aurora MySQL: audit, error, general, slowquery; Aurora \
                PostgreSQL: postgresql — and fails naming the missing ones. Instances that are not \
                available, backing-up, storage-optimization or storage-full, and other engines, \
                are not applicable.",
    remediation: "Publish the missing logs: rds:ModifyDBInstance \
                  --cloudwatch-logs-export-configuration EnableLogTypes=…; for MySQL and MariaDB \
                  also turn on general_log and slow_query_log (log_output FILE) in a custom \
                  parameter group, and the audit plugin in an option group.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-9",
    remediation_hook: Remediation::NotifyOnly {
        why: "log exports may need parameter and option group changes and add CloudWatch Logs \
              cost",
    },
    duty: Duty::LoggingAndMonitoring,
    mappings: Mappings {
        fsbp: Some("RDS.9"),
        cis_v3: None,
        nist_800_53_r5: &[
            "AC-2(4)", "AC-4(26)", "AC-6(9)", "AU-10", "AU-12", "AU-2", "AU-3", "AU-6(3)",
            "AU-6(4)", "CA-7", "SC-7(10)", "SC-7(9)", "SI-3(8)", "SI-4(20)", "SI-7(8)",
        ],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

const EXPORTS: &str = "configuration.enabledCloudwatchLogsExports";

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let engine = match super::evaluated_instance_engine(item) {
        Ok(engine) => engine,
        Err(verdict) => return verdict,
    };
    let Some(required) = Family::of(engine).required_log_exports() else {
        return Verdict::not_applicable(format!(
            "engine {engine} has no log exports this control requires"
        ));
    };
    let exported: Vec<&str> = match item.config("/enabledCloudwatchLogsExports") {
        None => return checks::missing(EXPORTS),
        Some(Value::Array(list)) => {
            let mut names = Vec::with_capacity(list.len());
            for value in list {
                let Some(name) = value.as_str() else {
                    return Verdict::insufficient(format!(
                        "{EXPORTS} holds {}, expected log type names",
                        describe_value(value)
                    ));
                };
                names.push(name.trim());
            }
            names
        }
        Some(other) => {
            return Verdict::insufficient(format!(
                "{EXPORTS} is {}, expected a list of log types",
                describe_value(other)
            ));
        }
    };
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|log| !exported.iter().any(|e| e.eq_ignore_ascii_case(log)))
        .collect();
    if missing.is_empty() {
        Verdict::pass(format!(
            "the {engine} instance publishes {} to CloudWatch Logs",
            required.join(", ")
        ))
    } else {
        Verdict::fail(format!(
            "the {engine} instance does not publish {} to CloudWatch Logs ({EXPORTS} holds {})",
            missing.join(", "),
            if exported.is_empty() {
                "nothing".to_owned()
            } else {
                exported.join(", ")
            }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    fn instance(engine: &str, exports: Value) -> Value {
        json!({"engine": engine, "dBInstanceStatus": "available",
               "enabledCloudwatchLogsExports": exports})
    }

    #[test]
    fn every_required_log_must_be_exported() {
        let v = testing::with_configuration(
            &CONTROL,
            instance("postgres", json!(["postgresql", "upgrade"])),
        );
        assert!(v.is_compliant(), "{v}");
        let v = testing::with_configuration(&CONTROL, instance("postgres", json!(["postgresql"])));
        assert!(
            v.is_non_compliant() && v.reason().contains("upgrade"),
            "{v}"
        );
        let v = testing::with_configuration(
            &CONTROL,
            instance("aurora-postgresql", json!(["postgresql"])),
        );
        assert!(v.is_compliant(), "{v}");
        let v = testing::with_configuration(
            &CONTROL,
            instance("mysql", json!(["audit", "error", "general"])),
        );
        assert!(
            v.is_non_compliant() && v.reason().contains("slowquery"),
            "{v}"
        );
        let v = testing::with_configuration(&CONTROL, instance("sqlserver-ex", json!([])));
        assert!(
            v.is_non_compliant() && v.reason().contains("holds nothing"),
            "{v}"
        );
    }

    #[test]
    fn other_states_and_engines_are_not_applicable() {
        let mut stopped = instance("postgres", json!([]));
        stopped["dBInstanceStatus"] = json!("stopped");
        assert!(testing::with_configuration(&CONTROL, stopped).is_not_applicable());
        let v = testing::with_configuration(&CONTROL, instance("neptune", json!([])));
        assert!(v.is_not_applicable(), "{v}");
    }

    #[test]
    fn odd_exports_are_insufficient() {
        for exports in [json!("postgresql"), json!([1]), Value::Null] {
            let v = testing::with_configuration(&CONTROL, instance("postgres", exports.clone()));
            assert!(v.is_insufficient(), "{exports}: {v}");
        }
    }
}
