//! Guard's report of one rules file on one item, read into one verdict per rule.

use serde::Deserialize;
use serde_json::Value;
use sidewatch_core::Verdict;
use std::collections::{BTreeMap, BTreeSet};

/// The JSON report `cfn_guard::run_checks` writes for a file: which rules passed, were skipped
/// (with a reason when Guard knows one) or failed (with their failing clauses).
#[derive(Debug, Deserialize)]
struct FileReport {
    #[serde(default)]
    not_compliant: Vec<Value>,
    #[serde(default)]
    not_applicable: BTreeSet<String>,
    #[serde(default)]
    not_applicable_reasons: BTreeMap<String, String>,
    #[serde(default)]
    compliant: BTreeSet<String>,
}

/// The verdicts of one file's rules on one item.
#[derive(Debug)]
pub(crate) struct FileVerdicts<'a> {
    file: &'a str,
    report: Result<FileReport, String>,
}

/// Reads Guard's output (or its error) for `file`.
pub(crate) fn verdicts(file: &str, output: Result<String, String>) -> FileVerdicts<'_> {
    let report = output.and_then(|json| {
        serde_json::from_str::<FileReport>(&json)
            .map_err(|e| format!("Guard's report could not be read ({e})"))
    });
    FileVerdicts { file, report }
}

impl FileVerdicts<'_> {
    /// The verdict of `rule`: PASS → PASSED, FAIL → FAILED with its messages, SKIP →
    /// NOT_APPLICABLE, an error or no status → INSUFFICIENT_DATA naming the rule.
    pub(crate) fn verdict(&self, rule: &str) -> Verdict {
        let file = self.file;
        let report = match &self.report {
            Ok(report) => report,
            Err(error) => {
                return Verdict::insufficient(format!(
                    "Guard could not evaluate rule {rule} of {file}: {error}"
                ));
            }
        };
        if let Some(failed) = report
            .not_compliant
            .iter()
            .find_map(|r| rule_report(r, rule))
        {
            return Verdict::fail(failure_reason(rule, failed));
        }
        if report.compliant.contains(rule) {
            return Verdict::pass(format!("Guard rule {rule} of {file} passed"));
        }
        if report.not_applicable.contains(rule) {
            return Verdict::not_applicable(match report.not_applicable_reasons.get(rule) {
                Some(why) => format!("Guard rule {rule} of {file} was skipped: {why}"),
                None => format!(
                    "Guard rule {rule} of {file} was skipped: its conditions do not select this resource"
                ),
            });
        }
        Verdict::insufficient(format!(
            "Guard gave rule {rule} of {file} no status for this resource"
        ))
    }
}

/// The report of rule `name` when `entry` (`{"Rule": {"name": …}}`) is it.
fn rule_report<'v>(entry: &'v Value, name: &str) -> Option<&'v Value> {
    let rule = entry.get("Rule")?;
    (rule.get("name")?.as_str()? == name).then_some(rule)
}

/// The rule's custom messages (`<< … >>`) when it has any, else Guard's account of each failing
/// clause; each once, in the order Guard reports them.
fn failure_reason(rule: &str, report: &Value) -> String {
    let mut custom = Vec::new();
    let mut explained = Vec::new();
    collect_messages(report, &mut custom, &mut explained);
    let messages = if custom.is_empty() { explained } else { custom };
    if messages.is_empty() {
        format!("Guard rule {rule} failed")
    } else {
        messages.join("; ")
    }
}

fn collect_messages(value: &Value, custom: &mut Vec<String>, explained: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let text = inner.as_str().map(|t| t.trim()).filter(|t| !t.is_empty());
                let bucket = match key.as_str() {
                    "custom_message" => Some(&mut *custom),
                    "error_message" => Some(&mut *explained),
                    _ => None,
                };
                match (bucket, text) {
                    (Some(bucket), Some(text)) => {
                        if !bucket.iter().any(|t| t == text) {
                            bucket.push(text.to_owned());
                        }
                    }
                    (Some(_), None) => {}
                    (None, _) => collect_messages(inner, custom, explained),
                }
            }
        }
        Value::Array(items) => {
            for inner in items {
                collect_messages(inner, custom, explained);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_report_or_a_missing_rule_is_insufficient_naming_the_rule() {
        let v = verdicts("f.guard", Ok("not json".to_owned())).verdict("r");
        assert!(v.is_insufficient(), "{v}");
        assert!(
            v.reason()
                .starts_with("Guard could not evaluate rule r of f.guard")
        );
        let v = verdicts("f.guard", Ok(r#"{"compliant": ["other"]}"#.to_owned())).verdict("r");
        assert!(v.is_insufficient(), "{v}");
        assert!(v.reason().contains("rule r of f.guard"), "{v}");
        let v = verdicts("f.guard", Err("boom".to_owned())).verdict("r");
        assert_eq!(
            v,
            Verdict::insufficient("Guard could not evaluate rule r of f.guard: boom")
        );
    }

    #[test]
    fn custom_messages_win_over_guard_explanations_each_once() {
        let report = serde_json::json!({"name": "r", "checks": [
            {"Clause": {"Unary": {"messages": {"custom_message": " keep it ", "error_message": "x"}}}},
            {"Clause": {"Unary": {"messages": {"custom_message": "keep it", "error_message": "y"}}}}
        ]});
        assert_eq!(failure_reason("r", &report), "keep it");
        let report = serde_json::json!({"checks": [
            {"messages": {"custom_message": null, "error_message": "x"}},
            {"messages": {"error_message": "y"}}
        ]});
        assert_eq!(failure_reason("r", &report), "x; y");
        assert_eq!(
            failure_reason("r", &serde_json::json!({})),
            "Guard rule r failed"
        );
    }
}
