//! S3.10 — S3 general purpose buckets with versioning enabled should have Lifecycle
//! configurations.
//!
//! AWS's rule `s3-version-lifecycle-policy-check` (its optional `bucketNames` scope parameter is
//! not set by Security Hub and not offered here). Buckets whose versioning is not Enabled are
//! NOT_APPLICABLE; a versioned bucket needs an Enabled lifecycle rule (CONTROLS-2 marks "Enabled"
//! inferred; a configuration whose rules are all disabled manages no versions). No longer in the
//! FSBP standard; Security Hub still runs it for NIST SP 800-53.

use super::lifecycle::{Lifecycle, enabled_rules, rule_id};
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "S3.10",
    title: "S3 general purpose buckets with versioning enabled should have Lifecycle \
            configurations",
    severity: Severity::Medium,
    resource_types: &["AWS::S3::Bucket"],
    rationale: "For a bucket whose supplementaryConfiguration.BucketVersioningConfiguration.status \
                is Enabled, passes when BucketLifecycleConfiguration.rules has an Enabled rule \
                and fails otherwise, since noncurrent versions then accumulate without bound. \
                Buckets without versioning enabled are not applicable.",
    remediation: "Add a lifecycle rule that expires or transitions noncurrent versions \
                  (s3:PutLifecycleConfiguration with NoncurrentVersionExpiration).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-10",
    remediation_hook: Remediation::NotifyOnly {
        why: "how long old versions must be kept is the data owner's decision",
    },
    duty: Duty::DataProtection,
    mappings: Mappings {
        fsbp: None,
        cis_v3: None,
        nist_800_53_r5: &["CP-10", "CP-6(2)", "CP-9", "SC-5(2)", "SI-13(5)"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

const STATUS: &str = "supplementaryConfiguration.BucketVersioningConfiguration.status";

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let name = super::bucket_name(item);
    let versioning = match checks::supplementary(item, "BucketVersioningConfiguration") {
        Ok(versioning) => versioning,
        Err(verdict) => return verdict,
    };
    match checks::text(versioning.get("status"), STATUS) {
        Err(verdict) => return verdict,
        Ok(None) => return checks::missing(STATUS),
        Ok(Some(status)) if !status.eq_ignore_ascii_case("Enabled") => {
            return Verdict::not_applicable(format!(
                "bucket {name} does not have versioning enabled (status {status})"
            ));
        }
        Ok(Some(_)) => {}
    }
    match enabled_rules(item) {
        Err(verdict) => verdict,
        Ok(Lifecycle::None) => Verdict::fail(format!(
            "bucket {name} has versioning enabled but no lifecycle configuration, so noncurrent \
             versions are kept forever"
        )),
        Ok(Lifecycle::NoneEnabled(n)) => Verdict::fail(format!(
            "bucket {name} has versioning enabled but none of its {n} lifecycle rule{} is Enabled",
            if n == 1 { "" } else { "s" }
        )),
        Ok(Lifecycle::Enabled(rules)) => {
            let ids: Vec<&str> = rules.iter().map(|r| rule_id(r)).collect();
            Verdict::pass(format!(
                "versioned bucket {name} has enabled lifecycle rule{} {}",
                if ids.len() == 1 { "" } else { "s" },
                ids.join(", ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::{Value, json};

    fn run(status: Value, lifecycle: Option<Value>) -> Verdict {
        let mut supplementary = json!({"BucketVersioningConfiguration": {"status": status, "isMfaDeleteEnabled": null}});
        if let Some(l) = lifecycle {
            supplementary["BucketLifecycleConfiguration"] = l;
        }
        testing::with_supplementary(&CONTROL, supplementary, &[])
    }

    #[test]
    fn versioned_buckets_need_an_enabled_rule() {
        let rules = json!({"rules": [{"id": "old-versions", "status": "Enabled",
            "noncurrentVersionExpiration": {"noncurrentDays": 30}}]});
        assert!(run(json!("Enabled"), Some(rules)).is_compliant());
        assert!(run(json!("Enabled"), None).is_non_compliant());
        let off = json!({"rules": [{"id": "x", "status": "Disabled"}]});
        assert!(run(json!("Enabled"), Some(off)).is_non_compliant());
    }

    #[test]
    fn unversioned_buckets_are_not_applicable() {
        for status in ["Off", "Suspended"] {
            assert!(run(json!(status), None).is_not_applicable(), "{status}");
        }
        assert!(run(json!(null), None).is_insufficient());
        let v = testing::with_supplementary(&CONTROL, json!({}), &[]);
        assert!(v.is_insufficient(), "{v}");
    }
}
