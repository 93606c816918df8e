//! `scan --live --publish`: the scan's findings sent to AWS Security Hub through the publisher the
//! Lambda functions use (`sidewatch_aws::SecurityHubPublisher`: batches within the service's
//! limits, paced, retried).
//!
//! Every verdict's finding is sent, PASSED ones too (`--failed-only` shapes only the printed
//! output): Security Hub resolves an earlier FAILED finding only when the same `Id` arrives
//! PASSED. A finding goes to the Region named in its `ProductArn`, the only Region that accepts
//! it. Findings are sent a few hundred at a time while the scan runs, so a large account never
//! holds them all.

use crate::findings::{Findings, region_of};
use crate::live::Live;
use sidewatch_aws::SecurityHubPublisher;
use sidewatch_core::actor::Actor;
use sidewatch_core::ports::{FailureKind, FindingsSink, ItemFailure};
use sidewatch_core::{ConfigurationItem, Evaluation, Finding};
use std::collections::BTreeMap;
use std::io::Write;

/// Findings held before they are sent.
const SEND_EVERY: usize = 500;
/// Refused findings printed in full; beyond this many only their number is given.
const MAX_FAILURES_SHOWN: usize = 10;

/// What `--publish` sent.
#[derive(Debug, Clone, Copy, Default)]
pub struct PublishStats {
    pub delivered: u64,
    pub failed: u64,
}

/// The findings waiting to be sent, and what was sent.
pub struct Publish {
    findings: Findings,
    pending: Vec<Finding>,
    publishers: BTreeMap<String, SecurityHubPublisher>,
    pub stats: PublishStats,
    /// Refusals and failed calls, for the report.
    failures: Vec<ItemFailure>,
    /// Whole calls that failed, by what the user can do about it.
    call_errors: BTreeMap<String, (FailureKind, String, u64)>,
}

impl std::fmt::Debug for Publish {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Publish")
            .field("pending", &self.pending.len())
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl Publish {
    pub fn new(findings: Findings) -> Self {
        Publish {
            findings,
            pending: Vec::new(),
            publishers: BTreeMap::new(),
            stats: PublishStats::default(),
            failures: Vec::new(),
            call_errors: BTreeMap::new(),
        }
    }

    /// Queues the finding of one verdict; sends the queue when it is full.
    pub fn verdict(
        &mut self,
        live: &Live,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
        actor: Option<&Actor>,
    ) {
        match self.findings.build(item, evaluation, actor) {
            Ok(finding) => self.pending.push(finding),
            Err(message) => {
                self.stats.failed += 1;
                self.failures.push(ItemFailure {
                    id: format!(
                        "{} {} / {}",
                        item.resource_type, item.resource_id, evaluation.control.id
                    ),
                    code: "NotBuilt".to_owned(),
                    message,
                });
            }
        }
        if self.pending.len() >= SEND_EVERY {
            self.send(live);
        }
    }

    /// Sends every waiting finding, one publisher per Region.
    pub fn send(&mut self, live: &Live) {
        let mut by_region: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
        for finding in self.pending.drain(..) {
            let region = region_of(&finding).unwrap_or(live.home_region()).to_owned();
            by_region.entry(region).or_default().push(finding);
        }
        for (region, findings) in by_region {
            let publisher = self
                .publishers
                .entry(region.clone())
                .or_insert_with(|| SecurityHubPublisher::from_sdk_config(&live.sdk_in(&region)))
                .clone();
            let count = findings.len() as u64;
            match live.block_on(publisher.import(findings)) {
                Ok(delivery) => {
                    self.stats.delivered += delivery.delivered as u64;
                    self.stats.failed += delivery.failed.len() as u64;
                    self.failures.extend(delivery.failed);
                }
                Err(error) => {
                    self.stats.failed += count;
                    let entry = self
                        .call_errors
                        .entry(error.code.clone().unwrap_or_default())
                        .or_insert((error.kind, error.to_string(), 0));
                    entry.2 += count;
                }
            }
        }
    }

    /// Reports what failed on standard error and the totals (unless `quiet`); returns the
    /// number of findings not delivered (errors: exit code 2).
    pub fn report(&self, stderr: &mut dyn Write, quiet: bool) -> u64 {
        for (kind, message, count) in self.call_errors.values() {
            let advice = match kind {
                FailureKind::AccessDenied => {
                    "allow securityhub:BatchImportFindings to the credentials' identity (the \
                     only write --publish makes)"
                }
                FailureKind::Throttled | FailureKind::Unavailable => {
                    "run the scan again later; Security Hub keeps the findings it accepted"
                }
                _ => {
                    "check that Security Hub is enabled in that Region (aws securityhub \
                     enable-security-hub)"
                }
            };
            crate::error(
                stderr,
                format!("{count} finding(s) were not sent to Security Hub ({message}): {advice}"),
            );
        }
        for failure in self.failures.iter().take(MAX_FAILURES_SHOWN) {
            crate::error(
                stderr,
                format!(
                    "Security Hub refused finding {} ({}: {})",
                    failure.id, failure.code, failure.message
                ),
            );
        }
        if self.failures.len() > MAX_FAILURES_SHOWN {
            crate::error(
                stderr,
                format!(
                    "{} more refused finding(s) not shown",
                    self.failures.len() - MAX_FAILURES_SHOWN
                ),
            );
        }
        if !quiet {
            let _ = writeln!(
                stderr,
                "sidewatch: {} finding(s) sent to Security Hub, {} failed",
                self.stats.delivered, self.stats.failed
            );
        }
        self.stats.failed
    }
}
