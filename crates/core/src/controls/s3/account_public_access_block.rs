//! S3.1 — S3 general purpose buckets should have block public access settings enabled
//! (account level).

use crate::control::{Context, Control, Duty, Mappings, PlanKind, Remediation, Severity};
use crate::controls::account;
use crate::controls::nist;
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::AccountPublicAccessBlock;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "S3.1",
    title: "S3 general purpose buckets should have block public access settings enabled",
    severity: Severity::Medium,
    resource_types: account::RESOURCE_TYPES,
    rationale: "Passes when the account-level S3 Block Public Access configuration \
                (s3:GetAccountPublicAccessBlock) has all four settings on: BlockPublicAcls, \
                IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets; fails when any is \
                off or the account has no configuration. Account-wide: evaluated once, in the \
                Region that evaluates global resources.",
    remediation: "Turn on all four Block Public Access settings for the account (S3 console, \
                  Block Public Access settings for this account, or `aws s3control \
                  put-public-access-block --account-id …`). Buckets meant to be public need \
                  another design, such as CloudFront with origin access control.",
    remediation_url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/configuring-block-public-access-account.html",
    remediation_hook: Remediation::Automatic {
        plan: PlanKind::AccountPublicAccessBlock,
        does: "turns on all four account-level Block Public Access settings \
               (s3control:PutPublicAccessBlock)",
    },
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("S3.1"),
        cis_v3: Some("2.1.4"),
        nist_800_53_r5: nist::PUBLIC_ACCESS,
    },
    parameters: &[],
    evidence: &[EvidenceKind::S3AccountPublicAccessBlock],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let block: AccountPublicAccessBlock =
        match account::evidence(ctx, EvidenceKind::S3AccountPublicAccessBlock, &["present"]) {
            Ok(block) => block,
            Err(verdict) => return verdict,
        };
    if !block.present {
        return Verdict::fail("the account has no S3 Block Public Access configuration");
    }
    let off: Vec<&str> = [
        ("BlockPublicAcls", block.block_public_acls),
        ("IgnorePublicAcls", block.ignore_public_acls),
        ("BlockPublicPolicy", block.block_public_policy),
        ("RestrictPublicBuckets", block.restrict_public_buckets),
    ]
    .into_iter()
    .filter(|(_, on)| !on)
    .map(|(name, _)| name)
    .collect();
    if off.is_empty() {
        Verdict::pass("all four account-level S3 Block Public Access settings are enabled")
    } else {
        Verdict::fail(format!(
            "account-level S3 Block Public Access settings not enabled: {}",
            off.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account::testing;
    use serde_json::json;

    fn run(evidence: serde_json::Value) -> Verdict {
        testing::run(&CONTROL, EvidenceKind::S3AccountPublicAccessBlock, evidence)
    }

    #[test]
    fn every_setting_must_be_on() {
        let all = json!({"present": true, "blockPublicAcls": true, "ignorePublicAcls": true,
                         "blockPublicPolicy": true, "restrictPublicBuckets": true});
        assert!(run(all).is_compliant());
        let v = run(
            json!({"present": true, "blockPublicAcls": true, "ignorePublicAcls": true,
                           "blockPublicPolicy": false}),
        );
        assert_eq!(
            v,
            Verdict::fail(
                "account-level S3 Block Public Access settings not enabled: BlockPublicPolicy, \
                 RestrictPublicBuckets"
            )
        );
        assert!(run(json!({"present": false})).is_non_compliant());
        assert!(run(json!({"blockPublicAcls": true})).is_insufficient());
    }
}
