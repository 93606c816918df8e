//! CloudFront.3 — CloudFront distributions should require encryption in transit.
//!
//! AWS's rule `cloudfront-viewer-policy-https`: fails when the default cache behavior or any
//! other cache behavior has `viewerProtocolPolicy` `allow-all`; `https-only` and
//! `redirect-to-https` pass.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::verdict::Verdict;
use serde_json::Value;

pub const CONTROL: Control = Control {
    id: "CloudFront.3",
    title: "CloudFront distributions should require encryption in transit",
    severity: Severity::Medium,
    resource_types: &["AWS::CloudFront::Distribution"],
    rationale: "Fails when configuration.distributionConfig.defaultCacheBehavior.viewerProtocolPolicy \
                or any cacheBehaviors.items[].viewerProtocolPolicy is allow-all (viewers may use \
                plain HTTP); passes when every behavior is https-only or redirect-to-https. An \
                item without the default behavior's policy is INSUFFICIENT_DATA.",
    remediation: "Set the viewer protocol policy of every cache behavior to redirect-to-https or \
                  https-only (cloudfront:UpdateDistribution).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudfront-controls.html#cloudfront-3",
    remediation_hook: Remediation::NotifyOnly {
        why: "clients that only speak HTTP would break; the owner chooses redirect or HTTPS only",
    },
    duty: Duty::DataProtection,
    mappings: Mappings {
        fsbp: Some("CloudFront.3"),
        cis_v3: None,
        nist_800_53_r5: crate::controls::nist::ENCRYPTION_IN_TRANSIT,
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

const DEFAULT: &str = "configuration.distributionConfig.defaultCacheBehavior.viewerProtocolPolicy";
const OTHERS: &str = "configuration.distributionConfig.cacheBehaviors.items";

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let id = super::id(item);
    let policy =
        match item.read_str("/distributionConfig/defaultCacheBehavior/viewerProtocolPolicy") {
            Err(unreadable) => return unreadable.into(),
            Ok(None) => return checks::missing(DEFAULT),
            Ok(Some(policy)) => policy.trim(),
        };
    if policy.eq_ignore_ascii_case("allow-all") {
        return Verdict::fail(format!(
            "distribution {id} lets viewers use HTTP on its default cache behavior \
             (viewerProtocolPolicy allow-all)"
        ));
    }
    let behaviors: &[Value] = match item.read("/distributionConfig/cacheBehaviors/items") {
        Err(unreadable) => return unreadable.into(),
        Ok(None) => &[],
        Ok(Some(Value::Array(items))) => items,
        Ok(Some(other)) => {
            return Verdict::insufficient(format!(
                "{OTHERS} is {}, expected a list",
                crate::item::json_type(other)
            ));
        }
    };
    for (i, behavior) in behaviors.iter().enumerate() {
        let field = format!("{OTHERS}[{i}].viewerProtocolPolicy");
        match checks::text(behavior.get("viewerProtocolPolicy"), &field) {
            Err(verdict) => return verdict,
            Ok(None) => return checks::missing(&field),
            Ok(Some(p)) if p.eq_ignore_ascii_case("allow-all") => {
                let path = behavior
                    .get("pathPattern")
                    .and_then(Value::as_str)
                    .unwrap_or("?");
                return Verdict::fail(format!(
                    "distribution {id} lets viewers use HTTP for path pattern {path} \
                     (viewerProtocolPolicy allow-all)"
                ));
            }
            Ok(Some(_)) => {}
        }
    }
    Verdict::pass(format!(
        "distribution {id} requires HTTPS from viewers on all {} cache behavior{} (default: {policy})",
        behaviors.len() + 1,
        if behaviors.is_empty() { "" } else { "s" }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    fn run(default: Value, others: Value) -> Verdict {
        testing::with_configuration(
            &CONTROL,
            json!({"distributionConfig": {"defaultCacheBehavior": {"viewerProtocolPolicy": default},
                "cacheBehaviors": {"quantity": 1, "items": others}}}),
        )
    }

    #[test]
    fn every_behavior_must_require_https() {
        assert!(run(json!("redirect-to-https"), json!(null)).is_compliant());
        let ok = json!([{"pathPattern": "/api/*", "viewerProtocolPolicy": "https-only"}]);
        assert!(run(json!("https-only"), ok).is_compliant());
        assert!(run(json!("allow-all"), json!(null)).is_non_compliant());
        let bad = json!([{"pathPattern": "/img/*", "viewerProtocolPolicy": "allow-all"}]);
        let v = run(json!("https-only"), bad);
        assert!(v.is_non_compliant() && v.reason().contains("/img/*"), "{v}");
    }

    #[test]
    fn gaps_are_insufficient() {
        assert!(run(json!(null), json!(null)).is_insufficient());
        assert!(run(json!("https-only"), json!({})).is_insufficient());
        assert!(run(json!("https-only"), json!([{"pathPattern": "/x"}])).is_insufficient());
        assert!(run(json!(true), json!(null)).is_insufficient());
    }
}
