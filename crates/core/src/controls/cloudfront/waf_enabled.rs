//! CloudFront.6 — CloudFront distributions should have WAF enabled.
//!
//! AWS's rule `cloudfront-associated-with-waf`: `distributionConfig.webACLId` holds a WAF
//! Classic web ACL id or a WAFv2 web ACL ARN when one is associated, and the empty string
//! otherwise. Either kind of web ACL passes.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "CloudFront.6",
    title: "CloudFront distributions should have WAF enabled",
    severity: Severity::Medium,
    resource_types: &["AWS::CloudFront::Distribution"],
    rationale: "Passes when configuration.distributionConfig.webACLId names a web ACL (AWS WAF \
                Classic id or AWS WAF ARN); fails when it is empty. An item without the field is \
                INSUFFICIENT_DATA.",
    remediation: "Associate an AWS WAF web ACL (global scope, in us-east-1) with the \
                  distribution (cloudfront:UpdateDistribution with WebACLId, or \
                  wafv2:AssociateWebACL).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudfront-controls.html#cloudfront-6",
    remediation_hook: Remediation::NotifyOnly {
        why: "which web ACL and rules fit the site is the owner's decision, and WAF is billed",
    },
    duty: Duty::NetworkConfiguration,
    mappings: Mappings {
        fsbp: Some("CloudFront.6"),
        cis_v3: None,
        nist_800_53_r5: &["AC-4(21)"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

const FIELD: &str = "configuration.distributionConfig.webACLId";

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let id = super::id(ctx.item);
    match ctx.item.read("/distributionConfig/webACLId") {
        Err(unreadable) => return unreadable.into(),
        Ok(None) => return checks::missing(FIELD),
        Ok(Some(_)) => {}
    }
    match checks::text(ctx.item.config("/distributionConfig/webACLId"), FIELD) {
        Err(verdict) => verdict,
        Ok(Some(acl)) => Verdict::pass(format!("distribution {id} is protected by web ACL {acl}")),
        Ok(None) => Verdict::fail(format!(
            "distribution {id} has no AWS WAF web ACL ({FIELD} is empty)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::{Value, json};

    fn run(acl: Value) -> Verdict {
        testing::with_configuration(&CONTROL, json!({"distributionConfig": {"webACLId": acl}}))
    }

    #[test]
    fn a_web_acl_must_be_named() {
        let arn = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/a1b2";
        assert!(run(json!(arn)).is_compliant());
        assert!(run(json!("473e64fd-f30b-4765-81a0-62ad96dd167a")).is_compliant());
        assert!(run(json!("")).is_non_compliant());
        assert!(run(json!(null)).is_insufficient());
        assert!(run(json!(5)).is_insufficient());
        assert!(testing::with_configuration(&CONTROL, json!({})).is_insufficient());
    }
}
