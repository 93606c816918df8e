//! CloudWatch Embedded Metric Format (EMF): metrics written as structured log lines, which
//! CloudWatch Logs turns into metrics without any API call from the function.
//!
//! One line per invocation: a JSON object whose `_aws` member holds the `Timestamp`
//! (milliseconds since the epoch) and one metric directive (`Namespace` `sidewatch`, the dimension
//! set `[["Function"]]`, the metric definitions with their units); the root holds the dimension
//! value (`"Function": "config-rule"`) and each metric's value, as the EMF specification requires
//! ("the root node MUST contain all target members referenced by the MetricDirective").

use serde_json::{Map, Value, json};
use std::time::Duration;

/// The CloudWatch namespace of every sidewatch metric.
pub const NAMESPACE: &str = "sidewatch";
/// The one dimension: which function emitted the metric.
pub const DIMENSION: &str = "Function";

/// What one invocation did, as counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Metrics {
    /// Control verdicts computed.
    pub evaluations: u64,
    /// Findings Security Hub accepted (archived ones included).
    pub findings_imported: u64,
    /// Findings sent with `RecordState` ARCHIVED.
    pub findings_archived: u64,
    /// Findings, evaluations, messages or calls that failed.
    pub failures: u64,
    /// Events, items or messages of another account, refused before any read or write.
    pub foreign_account_refusals: u64,
}

impl Metrics {
    /// Adds `other` to these counts.
    pub fn add(&mut self, other: Metrics) {
        self.evaluations += other.evaluations;
        self.findings_imported += other.findings_imported;
        self.findings_archived += other.findings_archived;
        self.failures += other.failures;
        self.foreign_account_refusals += other.foreign_account_refusals;
    }

    /// The EMF document for these counts and `duration`, emitted by `function` at
    /// `timestamp_ms`.
    pub fn to_emf(&self, function: &str, duration: Duration, timestamp_ms: i64) -> Value {
        let values: [(&str, &str, Value); 6] = [
            ("Evaluations", "Count", json!(self.evaluations)),
            ("FindingsImported", "Count", json!(self.findings_imported)),
            ("FindingsArchived", "Count", json!(self.findings_archived)),
            ("Failures", "Count", json!(self.failures)),
            (
                "ForeignAccountRefusals",
                "Count",
                json!(self.foreign_account_refusals),
            ),
            (
                "DurationMs",
                "Milliseconds",
                json!(u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)),
            ),
        ];
        let definitions: Vec<Value> = values
            .iter()
            .map(|(name, unit, _)| json!({"Name": name, "Unit": unit}))
            .collect();
        let mut root = Map::new();
        root.insert(
            "_aws".to_owned(),
            json!({
                "Timestamp": timestamp_ms,
                "CloudWatchMetrics": [{
                    "Namespace": NAMESPACE,
                    "Dimensions": [[DIMENSION]],
                    "Metrics": definitions,
                }],
            }),
        );
        root.insert(DIMENSION.to_owned(), json!(function));
        for (name, _, value) in values {
            root.insert(name.to_owned(), value);
        }
        Value::Object(root)
    }

    /// Writes the EMF document as one line on stdout, where Lambda sends it to CloudWatch Logs.
    pub fn emit(&self, function: &str, duration: Duration, timestamp_ms: i64) {
        println!("{}", self.to_emf(function, duration, timestamp_ms));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks `doc` against the rules of the EMF specification that a producer can break.
    fn check_emf(doc: &Value) -> Result<(), String> {
        let root = doc.as_object().ok_or("the root must be an object")?;
        let aws = root
            .get("_aws")
            .and_then(Value::as_object)
            .ok_or("_aws must be an object")?;
        let ts = aws.get("Timestamp").ok_or("_aws.Timestamp is required")?;
        if !ts.is_i64() && !ts.is_u64() {
            return Err("Timestamp must be an integer number of milliseconds".into());
        }
        let directives = aws
            .get("CloudWatchMetrics")
            .and_then(Value::as_array)
            .ok_or("CloudWatchMetrics must be an array")?;
        for d in directives {
            let ns = d.get("Namespace").and_then(Value::as_str).unwrap_or("");
            if ns.is_empty() || ns.len() > 1024 {
                return Err("Namespace must be 1..=1024 characters".into());
            }
            let dims = d
                .get("Dimensions")
                .and_then(Value::as_array)
                .ok_or("Dimensions must be an array of dimension sets")?;
            for set in dims {
                let set = set.as_array().ok_or("a dimension set is an array")?;
                if set.len() > 30 {
                    return Err("a dimension set holds at most 30 dimensions".into());
                }
                for name in set {
                    let name = name.as_str().ok_or("dimension names are strings")?;
                    let value = root
                        .get(name)
                        .ok_or(format!("dimension {name} must be a root member"))?;
                    if !value.is_string() {
                        return Err(format!("dimension {name} must be a string"));
                    }
                }
            }
            let metrics = d
                .get("Metrics")
                .and_then(Value::as_array)
                .ok_or("Metrics must be an array")?;
            if metrics.len() > 100 {
                return Err("at most 100 metric definitions".into());
            }
            for m in metrics {
                let name = m
                    .get("Name")
                    .and_then(Value::as_str)
                    .ok_or("a metric has a Name")?;
                let value = root
                    .get(name)
                    .ok_or(format!("metric {name} must be a root member"))?;
                if !value.is_number() {
                    return Err(format!("metric {name} must be a number"));
                }
                let units = ["Count", "Milliseconds", "Seconds", "None"];
                if let Some(unit) = m.get("Unit")
                    && !unit.as_str().is_some_and(|u| units.contains(&u))
                {
                    return Err(format!("metric {name} has an unknown unit {unit}"));
                }
            }
        }
        Ok(())
    }

    #[test]
    fn the_document_follows_the_emf_specification() {
        let m = Metrics {
            evaluations: 7,
            findings_imported: 5,
            findings_archived: 1,
            failures: 2,
            foreign_account_refusals: 1,
        };
        let doc = m.to_emf(
            "config-rule",
            Duration::from_millis(1234),
            1_717_000_000_000,
        );
        check_emf(&doc).unwrap();
        assert_eq!(doc["Function"], "config-rule");
        assert_eq!(doc["Evaluations"], 7);
        assert_eq!(doc["FindingsImported"], 5);
        assert_eq!(doc["FindingsArchived"], 1);
        assert_eq!(doc["Failures"], 2);
        assert_eq!(doc["ForeignAccountRefusals"], 1);
        assert_eq!(doc["DurationMs"], 1234);
        assert_eq!(doc["_aws"]["Timestamp"], 1_717_000_000_000_i64);
        assert_eq!(
            doc["_aws"]["CloudWatchMetrics"][0]["Namespace"],
            "sidewatch"
        );
        assert_eq!(
            doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            json!([["Function"]])
        );
        // One line: no newline inside the document.
        assert!(!doc.to_string().contains('\n'));
    }

    #[test]
    fn the_checker_catches_a_missing_target_member() {
        let mut doc = Metrics::default().to_emf("sweep", Duration::ZERO, 0);
        doc.as_object_mut().unwrap().remove("Failures");
        assert!(check_emf(&doc).unwrap_err().contains("Failures"));
        let mut doc = Metrics::default().to_emf("sweep", Duration::ZERO, 0);
        doc.as_object_mut().unwrap().remove("Function");
        assert!(check_emf(&doc).unwrap_err().contains("Function"));
    }

    #[test]
    fn counts_add_up() {
        let mut a = Metrics {
            evaluations: 1,
            ..Metrics::default()
        };
        a.add(Metrics {
            evaluations: 2,
            failures: 1,
            ..Metrics::default()
        });
        assert_eq!((a.evaluations, a.failures), (3, 1));
    }
}
