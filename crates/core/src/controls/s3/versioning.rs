//! S3.14 — S3 general purpose buckets should have versioning enabled.

use crate::control::{Context, Control, Duty, Mappings, PlanKind, Remediation, Severity};
use crate::controls::checks;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "S3.14",
    title: "S3 general purpose buckets should have versioning enabled",
    severity: Severity::Low,
    resource_types: &["AWS::S3::Bucket"],
    rationale: "Passes when supplementaryConfiguration.BucketVersioningConfiguration.status is \
                Enabled; fails when it is Suspended or Off (AWS Config's value for a bucket whose \
                versioning was never enabled). An item without the versioning configuration or \
                its status is INSUFFICIENT_DATA.",
    remediation: "Enable versioning on the bucket (s3:PutBucketVersioning with Status=Enabled). \
                  Add a lifecycle rule that expires noncurrent versions to bound storage cost.",
    remediation_url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/manage-versioning-examples.html",
    remediation_hook: Remediation::Automatic {
        plan: PlanKind::BucketVersioning,
        does: "enables bucket versioning (s3:PutBucketVersioning), leaving MFA delete as it is",
    },
    duty: Duty::Resilience,
    mappings: Mappings {
        fsbp: Some("S3.14"),
        cis_v3: None,
        nist_800_53_r5: &[
            "AU-9(2)", "CP-10", "CP-6", "CP-6(1)", "CP-6(2)", "CP-9", "SC-5(2)", "SI-12",
            "SI-13(5)",
        ],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

const STATUS: &str = "supplementaryConfiguration.BucketVersioningConfiguration.status";

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let versioning = match checks::supplementary(ctx.item, "BucketVersioningConfiguration") {
        Ok(versioning) => versioning,
        Err(verdict) => return verdict,
    };
    match checks::text(versioning.get("status"), STATUS) {
        Err(verdict) => verdict,
        Ok(None) => checks::missing(STATUS),
        Ok(Some(status)) if status.eq_ignore_ascii_case("Enabled") => {
            Verdict::pass("bucket versioning is enabled (status Enabled)")
        }
        Ok(Some(status)) if status.eq_ignore_ascii_case("Suspended") => {
            Verdict::fail("bucket versioning is suspended (status Suspended)")
        }
        Ok(Some(status)) if status.eq_ignore_ascii_case("Off") => {
            Verdict::fail("bucket versioning has never been enabled (status Off)")
        }
        Ok(Some(status)) => Verdict::fail(format!(
            "bucket versioning is not enabled (status {status})"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::{Value, json};

    fn run(versioning: Value) -> Verdict {
        let supplementary = json!({"BucketVersioningConfiguration": versioning});
        testing::with_supplementary(&CONTROL, supplementary, &[])
    }

    #[test]
    fn only_enabled_passes() {
        assert!(run(json!({"status": "Enabled", "isMfaDeleteEnabled": null})).is_compliant());
        for status in ["Suspended", "Off", "Disabled"] {
            let v = run(json!({"status": status}));
            assert!(v.is_non_compliant(), "{status}: {v}");
            assert!(v.reason().contains(status), "{v}");
        }
    }

    #[test]
    fn a_missing_status_is_insufficient() {
        for versioning in [
            json!({}),
            json!({"status": null}),
            json!({"status": true}),
            json!(null),
        ] {
            assert!(run(versioning.clone()).is_insufficient(), "{versioning}");
        }
    }
}
