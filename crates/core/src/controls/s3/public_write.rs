//! S3.3 — S3 general purpose buckets should block public write access.
//!
//! The evaluation is shared with S3.2 in `super::public_exposure`, which documents how the ACL,
//! the bucket policy and Block Public Access (bucket and account level) are weighed. Public write
//! access is an ACL grant of `Write`, `WriteAcp` or `FullControl` to `AllUsers` or
//! `AuthenticatedUsers`, or a public `Allow` of an `s3:Put*`, `s3:Delete*`,
//! `s3:AbortMultipartUpload` or `s3:RestoreObject` action in the bucket policy.

use super::public_exposure::{NIST_800_53_R5, WRITE, evaluate as evaluate_access};
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::evidence::EvidenceKind;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "S3.3",
    title: "S3 general purpose buckets should block public write access",
    severity: Severity::Critical,
    resource_types: &["AWS::S3::Bucket"],
    rationale: "Fails when the bucket ACL grants Write, WriteAcp or FullControl to AllUsers or \
                AuthenticatedUsers and IgnorePublicAcls is off at bucket and account level, or \
                when a bucket policy statement allows an s3:Put*, s3:Delete*, \
                s3:AbortMultipartUpload or s3:RestoreObject action to a public principal without \
                a condition fixing the caller's account, network or source and \
                RestrictPublicBuckets is off at both levels. The account level comes from the \
                S3AccountPublicAccessBlock evidence, needed only when the bucket level does not \
                decide.",
    remediation: "Turn on Block Public Access for the bucket (s3:PutPublicAccessBlock, at least \
                  IgnorePublicAcls and RestrictPublicBuckets) or for the account; then remove the \
                  public write grants from the ACL (or disable ACLs with Object Ownership \
                  BucketOwnerEnforced) and the public write statements from the bucket policy.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-3",
    remediation_hook: Remediation::NotifyOnly {
        why: "fix public write with S3.8 (bucket) and S3.1 (account) Block Public Access, after \
              checking who writes to the bucket",
    },
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("S3.3"),
        cis_v3: None,
        nist_800_53_r5: NIST_800_53_R5,
    },
    parameters: &[],
    evidence: &[EvidenceKind::S3AccountPublicAccessBlock],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    evaluate_access(ctx, &WRITE)
}
