//! What a scan saw: the counts behind the summary line and the exit code, decided here in one
//! place. The output sinks read it; the scan fills it in.

use crate::publish::PublishStats;
use crate::{EXIT_ERROR, EXIT_FAILED, EXIT_OK};
use sidewatch_core::{ComplianceType, Evaluation, Severity};
use std::collections::BTreeSet;

/// What the scan saw, for the summary and the exit code.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub inputs: u64,
    pub inputs_failed: u64,
    pub items: u64,
    pub unreadable: u64,
    pub no_control: u64,
    pub finding_errors: u64,
    by_status: [u64; 4],
    failed_by_severity: [u64; 5],
    /// Failures at or above `--fail-on`.
    pub failing: u64,
    /// Failures an exception accepts (`--exceptions`): reported, never failing the scan.
    pub excepted: u64,
    pub fail_on: Option<Severity>,
    pub failed_only: bool,
    /// The output went away (closed pipe) or could not be written.
    pub output_failed: bool,
    /// Errors not counted elsewhere (bad flags reported before the scan).
    pub other_errors: u64,
    /// Controls that gave INSUFFICIENT_DATA for want of evidence only `--live` reads, and (without
    /// `--live`) the account-level controls, which only `--live` evaluates.
    pub needs_live: BTreeSet<&'static str>,
    /// `--live`: resources whose evidence was read, reads, failed reads.
    pub live: Option<LiveStats>,
    /// `--live`: failed reads that make the exit code 2 (denied, unreachable…).
    pub evidence_errors: u64,
    /// `--live` without FILE: what the inventory collected.
    pub inventory: Option<InventoryStats>,
    /// `--live` without FILE: failed collection reads that make the exit code 2.
    pub collection_errors: u64,
    /// `--publish`: what was sent to Security Hub.
    pub published: Option<PublishStats>,
    /// `--publish`: findings not delivered (exit code 2).
    pub publish_errors: u64,
    /// `--lookup-changes`: FAILED resources attributed to a caller, and not.
    pub changes: Option<ChangeStats>,
}

/// Who changed the FAILED resources (`--lookup-changes`): a lookup that finds nothing is not an
/// error, so these never change the exit code.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChangeStats {
    pub attributed: u64,
    pub unattributed: u64,
}

/// What the inventory of `--live` without FILE collected.
#[derive(Debug, Clone, Copy, Default)]
pub struct InventoryStats {
    pub items: u64,
    pub regions: u64,
    pub failed: u64,
}

/// What `--live` read.
#[derive(Debug, Clone, Copy, Default)]
pub struct LiveStats {
    pub resources: u64,
    pub reads: u64,
    pub failed: u64,
}

fn status_index(status: ComplianceType) -> usize {
    match status {
        ComplianceType::Compliant => 0,
        ComplianceType::NonCompliant => 1,
        ComplianceType::NotApplicable => 2,
        ComplianceType::InsufficientData => 3,
    }
}

fn severity_index(severity: Severity) -> usize {
    Severity::ALL
        .iter()
        .position(|s| *s == severity)
        .unwrap_or_default()
}

impl Stats {
    /// The counts of a scan that stops at failures of `fail_on` or above and, with `failed_only`,
    /// writes only failures.
    pub fn new(fail_on: Option<Severity>, failed_only: bool) -> Self {
        Stats {
            fail_on,
            failed_only,
            ..Stats::default()
        }
    }

    /// Counts one verdict; an excepted failure (`scan --exceptions`) is counted apart, never as
    /// a failure.
    pub fn record(&mut self, evaluation: &Evaluation, excepted: bool) {
        if excepted {
            self.excepted += 1;
            return;
        }
        let status = evaluation.verdict.compliance_type();
        self.by_status[status_index(status)] += 1;
        if status == ComplianceType::NonCompliant {
            let severity = evaluation.control.severity;
            self.failed_by_severity[severity_index(severity)] += 1;
            if self.fail_on.is_some_and(|threshold| severity >= threshold) {
                self.failing += 1;
            }
        }
    }

    /// Verdicts with this compliance type.
    pub fn count(&self, status: ComplianceType) -> u64 {
        self.by_status[status_index(status)]
    }

    /// Failed verdicts of controls of this severity.
    pub fn failed_with(&self, severity: Severity) -> u64 {
        self.failed_by_severity[severity_index(severity)]
    }

    pub fn verdicts(&self) -> u64 {
        self.by_status.iter().sum::<u64>() + self.excepted
    }

    /// Anything that makes the exit code 2.
    pub fn errors(&self) -> u64 {
        self.inputs_failed
            + self.unreadable
            + self.finding_errors
            + self.other_errors
            + self.evidence_errors
            + self.collection_errors
            + self.publish_errors
    }

    pub fn exit_code(&self) -> u8 {
        if self.errors() > 0 || self.output_failed {
            EXIT_ERROR
        } else if self.failing > 0 {
            EXIT_FAILED
        } else {
            EXIT_OK
        }
    }

    /// The result line of the summary.
    pub fn outcome(&self) -> String {
        let threshold = match self.fail_on {
            Some(s) => format!("at or above {}", s.label()),
            None => "counted (--fail-on none)".to_owned(),
        };
        match self.exit_code() {
            EXIT_ERROR => format!(
                "ERROR: {} error(s) reported above; the verdicts shown cover only what could be read (exit 2)",
                self.errors()
            ),
            EXIT_FAILED => format!(
                "FAILED: {} failed verdict(s) {threshold} (exit 1)",
                self.failing
            ),
            _ if self.fail_on.is_none() => format!(
                "OK: {} failed verdict(s), none counted (--fail-on none) (exit 0)",
                self.count(ComplianceType::NonCompliant)
            ),
            _ => format!("OK: no failed verdict {threshold} (exit 0)"),
        }
    }

    /// The table's last line: the verdicts per status, failures per severity (highest first).
    pub fn counts_line(&self) -> String {
        let failed = self.count(ComplianceType::NonCompliant);
        let by_severity: Vec<String> = Severity::ALL
            .iter()
            .rev()
            .map(|s| format!("{} {}", self.failed_with(*s), s.label()))
            .collect();
        let others: Vec<String> = STATUSES
            .iter()
            .filter(|s| **s != ComplianceType::NonCompliant)
            .map(|s| format!("{} {}", self.count(*s), status_word(*s)))
            .collect();
        let excepted = if self.excepted > 0 {
            format!(" · {} {EXCEPTED_WORD}", self.excepted)
        } else {
            String::new()
        };
        format!(
            "{failed} FAILED ({}) · {}{excepted}",
            by_severity.join(", "),
            others.join(" · ")
        )
    }

    /// The one-line summary printed on standard error for the JSON formats.
    pub fn one_line(&self) -> String {
        let statuses: Vec<String> = STATUSES
            .iter()
            .map(|s| format!("{} {}", self.count(*s), status_word(*s)))
            .collect();
        let mut extra = String::new();
        if let Some(collected) = &self.inventory {
            extra.push_str(&format!(
                ", collected {} item(s) in {} Region(s) with {} failed read(s)",
                collected.items, collected.regions, collected.failed
            ));
        }
        if let Some(published) = &self.published {
            extra.push_str(&format!(
                ", {} finding(s) sent to Security Hub, {} failed",
                published.delivered, published.failed
            ));
        }
        if let Some(live) = &self.live {
            extra.push_str(&format!(
                ", live evidence: {} read(s) for {} resource(s), {} failed",
                live.reads, live.resources, live.failed
            ));
        }
        if self.excepted > 0 {
            extra.push_str(&format!(
                ", {} failure(s) excepted (accepted risks)",
                self.excepted
            ));
        }
        if !self.needs_live.is_empty() {
            extra.push_str(&format!(
                ", {} control(s) need --live evidence",
                self.needs_live.len()
            ));
        }
        format!(
            "sidewatch: {} item(s) read, {} verdict(s) ({}), {} item(s) with no applicable control, {} unreadable item(s){extra}; {}",
            self.items,
            self.verdicts(),
            statuses.join(", "),
            self.no_control,
            self.unreadable,
            self.outcome()
        )
    }
}

/// The table's status of a failure an exception accepts.
pub const EXCEPTED_WORD: &str = "EXCEPTED";

/// The word the table uses for a compliance type.
pub fn status_word(status: ComplianceType) -> &'static str {
    match status {
        ComplianceType::Compliant => "PASSED",
        ComplianceType::NonCompliant => "FAILED",
        ComplianceType::NotApplicable => "N/A",
        ComplianceType::InsufficientData => "INSUFFICIENT",
    }
}

/// Every compliance type, in the order the summary lists them.
pub const STATUSES: [ComplianceType; 4] = [
    ComplianceType::NonCompliant,
    ComplianceType::Compliant,
    ComplianceType::NotApplicable,
    ComplianceType::InsufficientData,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_errors_then_failures() {
        let mut stats = Stats {
            fail_on: Some(Severity::High),
            ..Stats::default()
        };
        assert_eq!(stats.exit_code(), EXIT_OK);
        stats.failing = 1;
        assert_eq!(stats.exit_code(), EXIT_FAILED);
        assert!(stats.outcome().starts_with("FAILED: 1"));
        stats.unreadable = 1;
        assert_eq!(stats.exit_code(), EXIT_ERROR);
        assert!(stats.outcome().starts_with("ERROR: 1"));
    }
}
