//! What `config:PutEvaluations` takes: one compliance per resource per rule, in batches of 100.
//!
//! A Config rule reports exactly one compliance type per resource, but one sidewatch rule may run
//! several controls on a resource (S3.2, S3.5, S3.8… on a bucket). [`ConfigEvaluation::combine`]
//! folds their verdicts into one, in this order of precedence:
//!
//! 1. **NON_COMPLIANT** if any control fails: a known failure needs action whatever else is
//!    unknown, and the annotation names the failing control ids first so a person sees at once
//!    which to look up;
//! 2. else **INSUFFICIENT_DATA** if any control could not decide: reporting COMPLIANT while one
//!    control lacked its evidence would be a false pass;
//! 3. else **COMPLIANT** if any control passed;
//! 4. else **NOT_APPLICABLE** (every control said so, or none evaluates the resource type).
//!
//! Security Hub findings keep the per-control detail; the Config rule gives the roll-up.

use super::{DoorError, parse_time};
use crate::actor::Actor;
use crate::engine::Evaluation;
use crate::item::ConfigurationItem;
use crate::verdict::{ComplianceType, truncate_with_ellipsis};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The longest annotation `PutEvaluations` accepts. Annotations are cut to this many bytes (so
/// never more characters), on a character boundary, ending with "…" when cut.
pub const MAX_ANNOTATION_LEN: usize = 256;

/// The most evaluations one `PutEvaluations` call takes.
pub const MAX_EVALUATIONS_PER_CALL: usize = 100;

/// One entry of `PutEvaluations`' `Evaluations`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigEvaluation {
    /// `ComplianceResourceType` (`AWS::S3::Bucket`, `AWS::::Account`).
    pub compliance_resource_type: String,
    /// `ComplianceResourceId` (the Config resource id; the account id for account evaluations).
    pub compliance_resource_id: String,
    /// `ComplianceType`.
    pub compliance_type: ComplianceType,
    /// `Annotation`: why, never empty, at most [`MAX_ANNOTATION_LEN`] bytes.
    pub annotation: String,
    /// `OrderingTimestamp`: the item's capture time, or the notification time of a periodic run.
    pub ordering_timestamp: OffsetDateTime,
}

impl ConfigEvaluation {
    /// The one evaluation of a resource, combined from the verdicts of every control that ran on it
    /// (see the module documentation for the precedence).
    pub fn combine(
        resource_type: &str,
        resource_id: &str,
        evaluations: &[Evaluation],
        ordering_timestamp: OffsetDateTime,
    ) -> Self {
        let (compliance_type, text) = combined(resource_type, evaluations);
        ConfigEvaluation {
            compliance_resource_type: resource_type.to_owned(),
            compliance_resource_id: resource_id.to_owned(),
            compliance_type,
            annotation: truncate_with_ellipsis(&text, MAX_ANNOTATION_LEN),
            ordering_timestamp,
        }
    }

    /// [`ConfigEvaluation::combine`] for `item` (account items included: their type is
    /// `AWS::::Account` and their id the account id), ordered by the item's capture time, or by
    /// `fallback_time` (the notification time) when the item has no readable capture time.
    pub fn for_item(
        item: &ConfigurationItem,
        evaluations: &[Evaluation],
        fallback_time: Option<OffsetDateTime>,
    ) -> Result<Self, DoorError> {
        let captured = item
            .capture_time
            .as_deref()
            .map(|t| parse_time("configuration item", "configurationItemCaptureTime", t));
        let ordering = match (captured, fallback_time) {
            (Some(Ok(time)), _) => time,
            (_, Some(time)) => time,
            (Some(Err(error)), None) => return Err(error),
            (None, None) => {
                return Err(DoorError::MissingField {
                    event: "configuration item",
                    field: "configurationItemCaptureTime".to_owned(),
                });
            }
        };
        Ok(Self::combine(
            &item.resource_type,
            &item.resource_id,
            evaluations,
            ordering,
        ))
    }

    /// Names who made the change, in short, before the annotation (`by user/alice: S3.2 failed:
    /// …`), when a CloudTrail record ties one to the resource.
    pub fn changed_by(mut self, actor: Option<&Actor>) -> Self {
        if let Some(actor) = actor {
            self.annotation = truncate_with_ellipsis(
                &format!("by {}: {}", actor.short(), self.annotation),
                MAX_ANNOTATION_LEN,
            );
        }
        self
    }

    /// The evaluation as `PutEvaluations` spells it (for logs and test-mode output).
    pub fn to_value(&self) -> Value {
        json!({
            "ComplianceResourceType": self.compliance_resource_type,
            "ComplianceResourceId": self.compliance_resource_id,
            "ComplianceType": self.compliance_type.as_str(),
            "Annotation": self.annotation,
            "OrderingTimestamp": self.ordering_timestamp.format(&Rfc3339).unwrap_or_default(),
        })
    }
}

/// The compliance types, most decisive first.
const PRECEDENCE: [ComplianceType; 4] = [
    ComplianceType::NonCompliant,
    ComplianceType::InsufficientData,
    ComplianceType::Compliant,
    ComplianceType::NotApplicable,
];

/// The combined compliance type and its annotation text (before cutting): the ids of the controls
/// that decided it, then their reasons.
fn combined(resource_type: &str, evaluations: &[Evaluation]) -> (ComplianceType, String) {
    let Some(decisive) = PRECEDENCE.into_iter().find(|t| {
        evaluations
            .iter()
            .any(|e| e.verdict.compliance_type() == *t)
    }) else {
        return (
            ComplianceType::NotApplicable,
            format!("no selected control evaluates {resource_type}"),
        );
    };
    let deciding: Vec<&Evaluation> = evaluations
        .iter()
        .filter(|e| e.verdict.compliance_type() == decisive)
        .collect();
    let ids: Vec<&str> = deciding.iter().map(|e| e.control.id).collect();
    let verb = match decisive {
        ComplianceType::NonCompliant => "failed",
        ComplianceType::InsufficientData => "could not decide",
        ComplianceType::Compliant => "passed",
        ComplianceType::NotApplicable => "not applicable",
    };
    let first_reason = deciding.first().map_or("", |e| e.verdict.reason());
    let ids = ids.join(", ");
    let text = if deciding.iter().all(|e| e.verdict.reason() == first_reason) {
        if first_reason.is_empty() {
            format!("{ids} {verb}")
        } else {
            format!("{ids} {verb}: {first_reason}")
        }
    } else {
        let reasons: Vec<String> = deciding
            .iter()
            .map(|e| format!("{}: {}", e.control.id, e.verdict.reason()))
            .collect();
        format!("{ids} {verb}. {}", reasons.join("; "))
    };
    (decisive, text)
}

/// Splits evaluations into `PutEvaluations` calls of at most [`MAX_EVALUATIONS_PER_CALL`], in
/// order. No evaluations, no calls.
pub fn batches(evaluations: Vec<ConfigEvaluation>) -> Vec<Vec<ConfigEvaluation>> {
    let mut out = Vec::with_capacity(evaluations.len().div_ceil(MAX_EVALUATIONS_PER_CALL));
    let mut rest = evaluations.into_iter().peekable();
    while rest.peek().is_some() {
        out.push(rest.by_ref().take(MAX_EVALUATIONS_PER_CALL).collect());
    }
    out
}

#[cfg(test)]
mod unit {
    use super::*;
    use crate::control::{Control, Mappings, Severity};
    use crate::verdict::Verdict;
    use time::macros::datetime;

    const fn fake(id: &'static str) -> Control {
        Control {
            id,
            title: "t",
            severity: Severity::Low,
            resource_types: &["AWS::S3::Bucket"],
            rationale: "r",
            remediation: "r",
            remediation_url: "https://example.com",
            remediation_hook: crate::control::Remediation::NotifyOnly { why: "a fake" },
            duty: crate::Duty::IdentityAndAccess,
            mappings: Mappings::NONE,
            parameters: &[],
            evidence: &[],
            evaluate: |_| Verdict::pass("fake"),
        }
    }
    static A: Control = fake("S3.2");
    static B: Control = fake("S3.5");
    static C: Control = fake("S3.8");
    static D: Control = fake("S3.9");

    fn eval(control: &'static Control, verdict: Verdict) -> Evaluation {
        Evaluation { control, verdict }
    }

    const T: OffsetDateTime = datetime!(2024-06-01 10:00 UTC);

    fn combine(evals: &[Evaluation]) -> ConfigEvaluation {
        ConfigEvaluation::combine("AWS::S3::Bucket", "b", evals, T)
    }

    #[test]
    fn any_failure_wins_and_the_annotation_names_failing_ids_first() {
        let e = combine(&[
            eval(&A, Verdict::pass("private")),
            eval(&B, Verdict::fail("no deny of insecure transport")),
            eval(&C, Verdict::insufficient("no evidence")),
            eval(&D, Verdict::fail("logging off")),
        ]);
        assert_eq!(e.compliance_type, ComplianceType::NonCompliant);
        assert_eq!(
            e.annotation,
            "S3.5, S3.9 failed. S3.5: no deny of insecure transport; S3.9: logging off"
        );
    }

    #[test]
    fn insufficient_data_beats_a_pass() {
        let e = combine(&[
            eval(&A, Verdict::pass("private")),
            eval(
                &C,
                Verdict::insufficient("needs S3AccountPublicAccessBlock evidence"),
            ),
            eval(&D, Verdict::not_applicable("excluded")),
        ]);
        assert_eq!(e.compliance_type, ComplianceType::InsufficientData);
        assert_eq!(
            e.annotation,
            "S3.8 could not decide: needs S3AccountPublicAccessBlock evidence"
        );
    }

    #[test]
    fn compliant_needs_a_pass_and_no_failure_or_unknown() {
        let e = combine(&[
            eval(&A, Verdict::pass("private")),
            eval(&B, Verdict::not_applicable("n/a")),
        ]);
        assert_eq!(e.compliance_type, ComplianceType::Compliant);
        assert_eq!(e.annotation, "S3.2 passed: private");
        let e = combine(&[
            eval(&A, Verdict::pass("same")),
            eval(&B, Verdict::pass("same")),
        ]);
        assert_eq!(e.annotation, "S3.2, S3.5 passed: same");
    }

    #[test]
    fn not_applicable_when_every_control_says_so_or_none_ran() {
        let e = combine(&[
            eval(&A, Verdict::not_applicable("deleted")),
            eval(&B, Verdict::not_applicable("deleted")),
        ]);
        assert_eq!(e.compliance_type, ComplianceType::NotApplicable);
        assert_eq!(e.annotation, "S3.2, S3.5 not applicable: deleted");
        let e = combine(&[]);
        assert_eq!(e.compliance_type, ComplianceType::NotApplicable);
        assert_eq!(
            e.annotation,
            "no selected control evaluates AWS::S3::Bucket"
        );
        let e = combine(&[eval(&A, Verdict::pass(""))]);
        assert_eq!(e.annotation, "S3.2 passed");
    }

    #[test]
    fn the_annotation_names_who_made_the_change_in_short() {
        let actor = Actor::from_cloudtrail_event(
            r#"{"userIdentity": {"type": "AssumedRole",
                "arn": "arn:aws:sts::123456789012:assumed-role/Admin/jdoe"},
                "eventSource": "s3.amazonaws.com", "eventName": "PutBucketPolicy"}"#,
        )
        .unwrap();
        let e = combine(&[eval(&A, Verdict::fail("public"))]).changed_by(actor.as_ref());
        assert_eq!(
            e.annotation,
            "by assumed-role/Admin/jdoe: S3.2 failed: public"
        );
        let e = combine(&[eval(&A, Verdict::fail("x".repeat(300)))]).changed_by(actor.as_ref());
        assert!(e.annotation.len() <= MAX_ANNOTATION_LEN);
        assert!(
            e.annotation
                .starts_with("by assumed-role/Admin/jdoe: S3.2 failed: xx")
        );
        let e = combine(&[eval(&A, Verdict::fail("public"))]).changed_by(None);
        assert_eq!(e.annotation, "S3.2 failed: public");
    }

    #[test]
    fn annotations_are_cut_to_256_bytes_on_a_char_boundary() {
        let long = "ü".repeat(300);
        let e = combine(&[
            eval(&A, Verdict::fail(long.clone())),
            eval(&B, Verdict::fail("x")),
        ]);
        assert!(
            e.annotation.len() <= MAX_ANNOTATION_LEN,
            "{}",
            e.annotation.len()
        );
        assert!(e.annotation.starts_with("S3.2, S3.5 failed. S3.2: üü"));
        assert!(e.annotation.ends_with('…'));
        let short = combine(&[eval(&A, Verdict::fail("x".repeat(240)))]);
        assert_eq!(short.annotation.len(), "S3.2 failed: ".len() + 240);
        assert!(!short.annotation.ends_with('…'));
    }

    #[test]
    fn the_item_capture_time_orders_the_evaluation() {
        let mut item = ConfigurationItem::new("AWS::S3::Bucket", "b");
        item.capture_time = Some("2024-05-31T16:08:37.123Z".into());
        let e = ConfigEvaluation::for_item(&item, &[], Some(T)).unwrap();
        assert_eq!(e.ordering_timestamp, datetime!(2024-05-31 16:08:37.123 UTC));
        assert_eq!(
            e.to_value()["OrderingTimestamp"],
            "2024-05-31T16:08:37.123Z"
        );
        assert_eq!(e.to_value()["ComplianceType"], "NOT_APPLICABLE");
        item.capture_time = None;
        assert_eq!(
            ConfigEvaluation::for_item(&item, &[], Some(T))
                .unwrap()
                .ordering_timestamp,
            T
        );
        item.capture_time = Some("yesterday".into());
        assert_eq!(
            ConfigEvaluation::for_item(&item, &[], Some(T))
                .unwrap()
                .ordering_timestamp,
            T
        );
        let err = ConfigEvaluation::for_item(&item, &[], None).unwrap_err();
        assert!(err.to_string().contains("'yesterday'"), "{err}");
        item.capture_time = None;
        let err = ConfigEvaluation::for_item(&item, &[], None).unwrap_err();
        assert!(
            err.to_string().contains("configurationItemCaptureTime"),
            "{err}"
        );
    }

    #[test]
    fn batches_hold_at_most_100_in_order() {
        let make = |i: usize| ConfigEvaluation::combine("AWS::S3::Bucket", &i.to_string(), &[], T);
        assert!(batches(Vec::new()).is_empty());
        let b = batches((0..100).map(make).collect());
        assert_eq!(b.len(), 1);
        let b = batches((0..250).map(make).collect());
        assert_eq!(b.iter().map(Vec::len).collect::<Vec<_>>(), [100, 100, 50]);
        assert_eq!(b[1][0].compliance_resource_id, "100");
        assert_eq!(b[2][49].compliance_resource_id, "249");
    }
}
