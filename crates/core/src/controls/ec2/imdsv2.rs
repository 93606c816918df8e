//! EC2.8 — EC2 instances should use Instance Metadata Service Version 2 (IMDSv2).

use super::ending_instance;
use crate::control::{Context, Control, Duty, Mappings, PlanKind, Remediation, Severity};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "EC2.8",
    title: "EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)",
    severity: Severity::High,
    resource_types: &["AWS::EC2::Instance"],
    rationale: "Passes when metadataOptions.httpTokens is \"required\"; fails when it is \
                \"optional\" (IMDSv1 allowed), even if httpEndpoint is disabled, since turning \
                the endpoint back on would expose IMDSv1. Stopped instances are evaluated; \
                terminated or shutting-down instances are not applicable.",
    remediation: "Require session tokens: ec2:ModifyInstanceMetadataOptions with HttpTokens \
                  required (after checking the instance's software uses IMDSv2), and launch new \
                  instances and launch templates with HttpTokens required.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-8",
    remediation_hook: Remediation::Automatic {
        plan: PlanKind::RequireImdsv2,
        does: "requires IMDSv2 tokens on the instance (ec2:ModifyInstanceMetadataOptions)",
    },
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("EC2.8"),
        cis_v3: Some("5.6"),
        nist_800_53_r5: &["AC-3", "AC-3(15)", "AC-3(7)", "AC-6"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    if let Some(not_applicable) = ending_instance(item) {
        return not_applicable;
    }
    let tokens = match item.read_str("/metadataOptions/httpTokens") {
        Ok(Some(tokens)) => tokens,
        Ok(None) => {
            return Verdict::insufficient(
                "the configuration item records no metadataOptions.httpTokens",
            );
        }
        Err(unreadable) => return unreadable.into(),
    };
    if tokens.trim().eq_ignore_ascii_case("required") {
        return Verdict::pass("metadataOptions.httpTokens is required (IMDSv2 only)");
    }
    let mut reason =
        format!("metadataOptions.httpTokens is {tokens:?}, not \"required\": IMDSv1 is allowed");
    if item
        .config_str("/metadataOptions/httpEndpoint")
        .is_some_and(|e| e.eq_ignore_ascii_case("disabled"))
    {
        reason.push_str(" once the disabled metadata endpoint is turned back on");
    }
    Verdict::fail(reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::ec2::run;
    use serde_json::{Value, json};

    fn instance(state: &str, metadata: Value) -> Verdict {
        run(
            &CONTROL,
            json!({"instanceId": "i-1", "state": {"code": 16, "name": state},
                   "metadataOptions": metadata}),
            &[],
        )
    }

    #[test]
    fn required_tokens_pass() {
        let v = instance(
            "running",
            json!({"httpTokens": "required", "httpEndpoint": "enabled"}),
        );
        assert!(v.is_compliant(), "{v}");
    }

    #[test]
    fn optional_tokens_fail() {
        let v = instance(
            "running",
            json!({"httpTokens": "optional", "httpEndpoint": "enabled"}),
        );
        assert_eq!(
            v,
            Verdict::fail(
                "metadataOptions.httpTokens is \"optional\", not \"required\": IMDSv1 is allowed"
            )
        );
    }

    #[test]
    fn any_value_but_required_fails() {
        let v = instance("running", json!({"httpTokens": "sometimes"}));
        assert!(v.is_non_compliant(), "{v}");
        assert!(instance("running", json!({"httpTokens": "REQUIRED"})).is_compliant());
    }

    #[test]
    fn a_disabled_endpoint_still_fails_with_optional_tokens() {
        let v = instance(
            "running",
            json!({"httpTokens": "optional", "httpEndpoint": "disabled"}),
        );
        assert!(v.is_non_compliant(), "{v}");
        assert!(v.reason().contains("turned back on"), "{v}");
    }

    #[test]
    fn stopped_instances_are_evaluated() {
        assert!(instance("stopped", json!({"httpTokens": "optional"})).is_non_compliant());
    }

    #[test]
    fn terminated_and_shutting_down_instances_are_not_applicable() {
        for state in ["terminated", "shutting-down"] {
            let v = instance(state, json!({"httpTokens": "optional"}));
            assert!(v.is_not_applicable(), "{state}: {v}");
        }
    }

    #[test]
    fn missing_metadata_options_are_insufficient() {
        assert!(instance("running", json!(null)).is_insufficient());
        assert!(instance("running", json!({"httpEndpoint": "enabled"})).is_insufficient());
    }
}
