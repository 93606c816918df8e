//! Shared by WAF.1 and WAF.11: a web ACL's logging configuration decides both, read from the
//! AWS WAF Classic or the AWS WAF (v2) API.

use crate::control::Context;
use crate::controls::evidence_fields::evidence_with;
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::WebAclLogging;
use crate::verdict::Verdict;

/// PASSED when the web ACL has a logging configuration with a destination, FAILED when it has
/// none, INSUFFICIENT_DATA when the evidence of `kind` is missing or does not say.
pub(crate) fn decide(ctx: &Context<'_>, kind: EvidenceKind) -> Verdict {
    let item = ctx.item;
    let name = item
        .config_str("/name")
        .or(item.resource_name.as_deref())
        .unwrap_or(&item.resource_id);
    let logging: WebAclLogging = match evidence_with(ctx, kind, &["present"]) {
        Ok(l) => l,
        Err(verdict) => return verdict,
    };
    let destinations: Vec<&str> = logging
        .log_destination_configs
        .iter()
        .map(|d| d.trim())
        .filter(|d| !d.is_empty())
        .collect();
    match (logging.present, destinations.is_empty()) {
        (false, _) => Verdict::fail(format!("web ACL {name} has no logging configuration")),
        (true, true) => Verdict::fail(format!(
            "web ACL {name} has a logging configuration without a log destination"
        )),
        (true, false) => Verdict::pass(format!(
            "web ACL {name} logs to {}",
            destinations.join(", ")
        )),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::control::Control;
    use crate::controls::evidence_fields::run_with_evidence;
    use crate::evidence::EvidenceKind;
    use crate::verdict::Verdict;
    use serde_json::{Value, json};

    fn run(control: &Control, kind: EvidenceKind, evidence: Option<Value>) -> Verdict {
        run_with_evidence(control, json!({"name": "edge"}), kind, evidence, &[])
    }

    /// The cases both logging controls must get right.
    pub(crate) fn logging_cases(control: &Control, kind: EvidenceKind) {
        let stream = "arn:aws:firehose:us-east-1:123456789012:deliverystream/aws-waf-logs-edge";
        let on = json!({"present": true, "logDestinationConfigs": [stream]});
        assert_eq!(
            run(control, kind, Some(on)),
            Verdict::pass(format!("web ACL edge logs to {stream}"))
        );
        let off = json!({"present": false, "logDestinationConfigs": []});
        assert!(run(control, kind, Some(off)).is_non_compliant());
        let empty = json!({"present": true, "logDestinationConfigs": [" "]});
        assert!(run(control, kind, Some(empty)).is_non_compliant());
        assert!(run(control, kind, None).is_insufficient());
        assert!(run(control, kind, Some(json!({}))).is_insufficient());
        let denied = json!({"sidewatchError": {"code": "AccessDeniedException", "message": "no"}});
        assert!(run(control, kind, Some(denied)).is_insufficient());
        let odd = json!({"present": "yes"});
        assert!(run(control, kind, Some(odd)).is_insufficient());
    }
}
