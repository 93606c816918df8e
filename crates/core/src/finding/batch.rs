//! Grouping findings into `BatchImportFindings` requests.

use super::model::Finding;
use super::{FindingError, MAX_FINDINGS_PER_BATCH};
use std::mem;

/// The largest `BatchImportFindings` request body Security Hub accepts ("up to 6 MB per batch"),
/// counted in decimal megabytes to stay on the safe side of the documentation's unit.
pub const MAX_BATCH_BYTES: usize = 6_000_000;

/// `{"Findings":[]}`: what a request adds around its findings.
const ENVELOPE_BYTES: usize = r#"{"Findings":[]}"#.len();

/// Collects findings into batches `BatchImportFindings` accepts: at most
/// [`MAX_FINDINGS_PER_BATCH`] findings, at most [`MAX_BATCH_BYTES`] serialized, every finding
/// valid and at most [`MAX_FINDING_BYTES`](super::MAX_FINDING_BYTES), and all findings of one batch for the same
/// `ProductArn` (one account and Region: the call must be made from the account the findings
/// belong to, in the Region of the product ARN).
///
/// ```
/// # use sidewatch_core::{Batcher, Finding};
/// # fn send(_: Vec<Finding>) {}
/// # fn run(findings: Vec<Finding>) -> Result<(), sidewatch_core::FindingError> {
/// let mut batcher = Batcher::new();
/// for finding in findings {
///     if let Some(batch) = batcher.push(finding)? {
///         send(batch);
///     }
/// }
/// if let Some(batch) = batcher.finish() {
///     send(batch);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Batcher {
    findings: Vec<Finding>,
    /// Serialized size of the pending request, envelope included.
    bytes: usize,
    max_findings: usize,
    max_bytes: usize,
}

impl Default for Batcher {
    fn default() -> Self {
        Self::new()
    }
}

impl Batcher {
    /// A batcher with Security Hub's limits.
    pub fn new() -> Self {
        Self::with_limits(MAX_FINDINGS_PER_BATCH, MAX_BATCH_BYTES)
    }

    /// A batcher with tighter limits (smaller requests); values beyond Security Hub's limits are
    /// lowered to them, and a count of 0 counts as 1.
    pub fn with_limits(max_findings: usize, max_batch_bytes: usize) -> Self {
        Batcher {
            findings: Vec::new(),
            bytes: ENVELOPE_BYTES,
            max_findings: max_findings.clamp(1, MAX_FINDINGS_PER_BATCH),
            max_bytes: max_batch_bytes.min(MAX_BATCH_BYTES),
        }
    }

    /// Adds a finding; returns a full batch when adding it would break a limit.
    ///
    /// The finding is validated first. A finding that is invalid, or too large to travel even
    /// alone, is an error and is not kept; it is never dropped silently.
    pub fn push(&mut self, finding: Finding) -> Result<Option<Vec<Finding>>, FindingError> {
        let size = finding.validated_size()?;
        if ENVELOPE_BYTES + size > self.max_bytes {
            return Err(FindingError::TooLarge {
                id: finding.id,
                bytes: size,
                max: self.max_bytes.saturating_sub(ENVELOPE_BYTES),
            });
        }
        let other_product = self
            .findings
            .first()
            .is_some_and(|first| first.product_arn != finding.product_arn);
        let separator = usize::from(!self.findings.is_empty());
        let full = self.findings.len() >= self.max_findings
            || self.bytes + separator + size > self.max_bytes
            || other_product;
        let ready = if full { self.take() } else { None };
        self.bytes += usize::from(!self.findings.is_empty()) + size;
        self.findings.push(finding);
        Ok(ready)
    }

    /// The last, partial batch, if any finding is left.
    pub fn finish(mut self) -> Option<Vec<Finding>> {
        self.take()
    }

    /// Findings waiting in the current batch.
    pub fn len(&self) -> usize {
        self.findings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
    }

    fn take(&mut self) -> Option<Vec<Finding>> {
        self.bytes = ENVELOPE_BYTES;
        let batch = mem::take(&mut self.findings);
        (!batch.is_empty()).then_some(batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{FindingBuilder, FindingContext, MAX_FINDING_BYTES, Source};
    use crate::{ConfigurationItem, Evaluation, Verdict};
    use serde_json::json;
    use time::macros::datetime;

    fn finding(n: usize, account: &str) -> Finding {
        let item = ConfigurationItem::from_value(json!({
            "resourceType": "AWS::S3::Bucket",
            "resourceId": format!("bucket-{n}"),
            "awsAccountId": account,
            "awsRegion": "us-east-1",
            "configuration": {}
        }))
        .unwrap();
        let eval = Evaluation {
            control: &crate::controls::s3::public_access_block::CONTROL,
            verdict: Verdict::fail("blockPublicPolicy off"),
        };
        FindingBuilder::new(FindingContext {
            account_override: None,
            region_override: None,
            source: Source::Sweep,
            now: datetime!(2024-06-01 10:05 UTC),
        })
        .build(&item, &eval)
        .unwrap()
    }

    /// The request body a batch becomes.
    fn request_len(batch: &[Finding]) -> usize {
        serde_json::to_string(&json!({ "Findings": batch }))
            .unwrap()
            .len()
    }

    fn run(batcher: &mut Batcher, findings: Vec<Finding>) -> Vec<Vec<Finding>> {
        let mut batches = Vec::new();
        for f in findings {
            if let Some(batch) = batcher.push(f).unwrap() {
                batches.push(batch);
            }
        }
        batches
    }

    #[test]
    fn batches_hold_at_most_100_findings() {
        let mut batcher = Batcher::new();
        let findings: Vec<Finding> = (0..250).map(|n| finding(n, "123456789012")).collect();
        let mut batches = run(&mut batcher, findings.clone());
        assert_eq!(batcher.len(), 50);
        batches.extend(batcher.finish());
        let sizes: Vec<usize> = batches.iter().map(Vec::len).collect();
        assert_eq!(sizes, [100, 100, 50]);
        // Nothing lost, nothing reordered.
        assert_eq!(batches.concat(), findings);
    }

    #[test]
    fn batches_stay_under_the_byte_limit() {
        let one = finding(0, "123456789012");
        let size = serde_json::to_string(&one).unwrap().len();
        // Room for exactly three findings (and their commas) per request.
        let limit = ENVELOPE_BYTES + 3 * size + 2;
        let mut batcher = Batcher::with_limits(100, limit);
        let findings: Vec<Finding> = (0..7).map(|n| finding(n, "123456789012")).collect();
        let mut batches = run(&mut batcher, findings);
        batches.extend(batcher.finish());
        let sizes: Vec<usize> = batches.iter().map(Vec::len).collect();
        assert_eq!(sizes, [3, 3, 1]);
        for batch in &batches {
            assert!(
                request_len(batch) <= limit,
                "{} > {limit}",
                request_len(batch)
            );
        }
        // One byte less and only two fit.
        let mut batcher = Batcher::with_limits(100, limit - 1);
        let batches = run(
            &mut batcher,
            (0..3).map(|n| finding(n, "123456789012")).collect(),
        );
        assert_eq!(batches.iter().map(Vec::len).collect::<Vec<_>>(), [2]);
    }

    #[test]
    fn big_findings_split_at_the_real_request_limit() {
        let mut big = finding(0, "123456789012");
        big.resources[0].tags = (0..50)
            .map(|i| (format!("{i:0>120}"), "v".repeat(256)))
            .collect();
        big.resources = vec![big.resources[0].clone(); 10];
        let size = serde_json::to_string(&big).unwrap().len();
        assert!(size > 150_000 && size <= MAX_FINDING_BYTES, "{size}");
        let mut batcher = Batcher::new();
        let mut batches = run(&mut batcher, vec![big; 60]);
        batches.extend(batcher.finish());
        assert!(batches.len() > 1);
        assert_eq!(batches.iter().map(Vec::len).sum::<usize>(), 60);
        for batch in &batches {
            assert!(request_len(batch) <= MAX_BATCH_BYTES);
        }
    }

    #[test]
    fn a_finding_too_large_alone_is_an_error_not_a_silent_drop() {
        let mut batcher = Batcher::with_limits(100, 500);
        let err = batcher.push(finding(0, "123456789012")).unwrap_err();
        assert!(matches!(err, FindingError::TooLarge { .. }), "{err}");
        assert!(batcher.is_empty());
        assert!(batcher.finish().is_none());
    }

    #[test]
    fn invalid_findings_are_refused() {
        let mut f = finding(0, "123456789012");
        f.title.clear();
        let mut batcher = Batcher::new();
        assert!(matches!(batcher.push(f), Err(FindingError::Invalid { .. })));
    }

    #[test]
    fn a_batch_never_mixes_accounts() {
        let mut batcher = Batcher::new();
        let findings = vec![
            finding(0, "123456789012"),
            finding(1, "123456789012"),
            finding(2, "210987654321"),
        ];
        let mut batches = run(&mut batcher, findings);
        batches.extend(batcher.finish());
        let accounts: Vec<Vec<&str>> = batches
            .iter()
            .map(|b| b.iter().map(|f| f.aws_account_id.as_str()).collect())
            .collect();
        assert_eq!(
            accounts,
            [vec!["123456789012", "123456789012"], vec!["210987654321"]]
        );
    }

    #[test]
    fn an_empty_batcher_finishes_with_nothing() {
        assert!(Batcher::default().finish().is_none());
        let b = Batcher::with_limits(0, usize::MAX);
        assert_eq!(b.max_findings, 1);
        assert_eq!(b.max_bytes, MAX_BATCH_BYTES);
    }
}
