//! APIGateway.4 — API Gateway should be associated with a WAF Web ACL.
//!
//! AWS's rule `api-gw-associated-with-waf`: the REST stage's `webAclArn` (schema-confirmed)
//! names the associated AWS WAF (or WAF Classic Regional) web ACL.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "APIGateway.4",
    title: "API Gateway should be associated with a WAF Web ACL",
    severity: Severity::Medium,
    resource_types: &["AWS::ApiGateway::Stage"],
    rationale: "Passes when the REST API stage's configuration.webAclArn names an AWS WAF or WAF \
                Classic Regional web ACL; fails when it is null or empty. An item without the \
                field is INSUFFICIENT_DATA.",
    remediation: "Associate a regional AWS WAF web ACL with the stage (wafv2:AssociateWebACL with \
                  the stage ARN).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html#apigateway-4",
    remediation_hook: Remediation::NotifyOnly {
        why: "which web ACL and rules fit the API is the owner's decision, and WAF is billed",
    },
    duty: Duty::NetworkConfiguration,
    mappings: Mappings {
        fsbp: Some("APIGateway.4"),
        cis_v3: None,
        nist_800_53_r5: &["AC-4(21)"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    super::require_setting(
        ctx.item,
        "/webAclArn",
        "is protected by web ACL",
        "has no AWS WAF web ACL",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    #[test]
    fn the_web_acl_arn_decides() {
        let arn = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/api/a1b2";
        let v =
            testing::with_configuration(&CONTROL, json!({"stageName": "prod", "webAclArn": arn}));
        assert!(v.is_compliant() && v.reason().contains(arn), "{v}");
        let v =
            testing::with_configuration(&CONTROL, json!({"stageName": "prod", "webAclArn": null}));
        assert!(v.is_non_compliant(), "{v}");
        assert!(
            testing::with_configuration(&CONTROL, json!({"stageName": "prod"})).is_insufficient()
        );
    }
}
