//! S3.20 — S3 general purpose buckets should have MFA delete enabled.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::verdict::Verdict;
use serde_json::Value;

pub const CONTROL: Control = Control {
    id: "S3.20",
    title: "S3 general purpose buckets should have MFA delete enabled",
    severity: Severity::Low,
    resource_types: &["AWS::S3::Bucket"],
    rationale: "Passes only when supplementaryConfiguration.BucketVersioningConfiguration\
                .isMfaDeleteEnabled is true; fails when it is false or null (MFA delete never \
                configured). Buckets with a lifecycle configuration (BucketLifecycleConfiguration \
                with rules) are NOT_APPLICABLE, as in FSBP: MFA delete cannot be used with \
                lifecycle rules. An item without the versioning configuration is \
                INSUFFICIENT_DATA.",
    remediation: "Enable versioning with MFA delete (s3:PutBucketVersioning with \
                  MFADelete=Enabled and the x-amz-mfa header). Only the bucket owner signed in as \
                  the root user with an MFA device can do this, through the AWS CLI or API, not \
                  the console.",
    remediation_url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html",
    remediation_hook: Remediation::NotifyOnly {
        why: "only the root user with its MFA device can enable MFA delete",
    },
    duty: Duty::Resilience,
    mappings: Mappings {
        fsbp: Some("S3.20"),
        cis_v3: Some("2.1.2"),
        nist_800_53_r5: &["CA-9(1)", "CM-2", "CM-2(2)", "CM-3", "SC-5(2)"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

const MFA_DELETE: &str =
    "supplementaryConfiguration.BucketVersioningConfiguration.isMfaDeleteEnabled";

fn evaluate(ctx: &Context<'_>) -> Verdict {
    if let Some(rules) = lifecycle_rules(ctx.item.supplementary("BucketLifecycleConfiguration")) {
        return Verdict::not_applicable(format!(
            "the bucket has a lifecycle configuration ({rules} rule{}); MFA delete cannot be \
             used with lifecycle rules",
            if rules == 1 { "" } else { "s" }
        ));
    }
    let versioning = match checks::supplementary(ctx.item, "BucketVersioningConfiguration") {
        Ok(versioning) => versioning,
        Err(verdict) => return verdict,
    };
    match checks::flag(versioning.get("isMfaDeleteEnabled"), MFA_DELETE) {
        Err(verdict) => verdict,
        Ok(Some(true)) => Verdict::pass("MFA delete is enabled (isMfaDeleteEnabled is true)"),
        Ok(Some(false)) => Verdict::fail("MFA delete is disabled (isMfaDeleteEnabled is false)"),
        // S3 reports no MFA delete state until it has been configured once; Config writes null.
        Ok(None) => Verdict::fail(
            "MFA delete has never been configured on the bucket (isMfaDeleteEnabled is null)",
        ),
    }
}

/// The number of lifecycle rules, when the bucket has a lifecycle configuration. S3 refuses a
/// lifecycle configuration without rules, so an entry without any is no configuration.
fn lifecycle_rules(lifecycle: Option<&Value>) -> Option<usize> {
    lifecycle
        .and_then(|l| l.get("rules"))
        .and_then(Value::as_array)
        .map(Vec::len)
        .filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    fn run(supplementary: Value) -> Verdict {
        testing::with_supplementary(&CONTROL, supplementary, &[])
    }

    fn versioning(mfa: Value) -> Value {
        json!({"BucketVersioningConfiguration": {"status": "Enabled", "isMfaDeleteEnabled": mfa}})
    }

    #[test]
    fn only_mfa_delete_true_passes() {
        assert!(run(versioning(json!(true))).is_compliant());
        assert!(run(versioning(json!("true"))).is_compliant());
        let v = run(versioning(json!(false)));
        assert!(
            v.is_non_compliant() && v.reason().contains("disabled"),
            "{v}"
        );
        let v = run(versioning(json!(null)));
        assert!(v.is_non_compliant() && v.reason().contains("never"), "{v}");
        assert!(run(versioning(json!(1))).is_insufficient());
        assert!(run(json!({})).is_insufficient());
    }

    #[test]
    fn lifecycle_rules_make_the_bucket_not_applicable() {
        let mut supplementary = versioning(json!(false));
        supplementary["BucketLifecycleConfiguration"] =
            json!({"rules": [{"id": "expire", "status": "Enabled", "expirationInDays": 30}]});
        let v = run(supplementary.clone());
        assert!(v.is_not_applicable(), "{v}");
        assert!(v.reason().contains("1 rule)"), "{v}");
        // A lifecycle entry without rules is no lifecycle configuration.
        supplementary["BucketLifecycleConfiguration"] = json!({"rules": []});
        assert!(run(supplementary.clone()).is_non_compliant());
        supplementary["BucketLifecycleConfiguration"] = json!({});
        assert!(run(supplementary).is_non_compliant());
    }
}
