//! S3.22 — S3 general purpose buckets should log object-level write events.

use crate::control::{Context, Control, Duty, Mappings, Severity};
use crate::controls::account;
use crate::controls::cloudtrail::trails;
use crate::evidence::EvidenceKind;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "S3.22",
    title: "S3 general purpose buckets should log object-level write events",
    severity: Severity::Medium,
    resource_types: account::RESOURCE_TYPES,
    rationale: "Passes when a logging multi-Region trail logs S3 object-level write data events \
                for all current and future buckets (cloudtrail:DescribeTrails, GetTrailStatus, \
                GetEventSelectors): a basic selector with a DataResource of type AWS::S3::Object \
                for arn:<partition>:s3 (or arn:<partition>:s3:::) and ReadWriteType WriteOnly or \
                All, or an advanced selector on eventCategory Data and resources.type \
                AWS::S3::Object with readOnly absent or false and no other filter. Fails \
                otherwise. Account-wide: evaluated once, in the Region that evaluates global \
                resources.",
    remediation: "Add S3 data events for all buckets with write (or all) events to a \
                  multi-Region trail, e.g. an advanced event selector eventCategory = Data, \
                  resources.type = AWS::S3::Object (`aws cloudtrail put-event-selectors`). Data \
                  events are billed per event.",
    remediation_url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-cloudtrail-logging-for-s3.html",
    remediation_hook: trails::DATA_EVENTS_COST,
    duty: Duty::LoggingAndMonitoring,
    mappings: Mappings {
        fsbp: None,
        cis_v3: Some("3.8"),
        nist_800_53_r5: &[],
    },
    parameters: &[],
    evidence: &[EvidenceKind::CloudTrailTrails],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    trails::decide_s3_object_logging(ctx, trails::WRITE)
}
