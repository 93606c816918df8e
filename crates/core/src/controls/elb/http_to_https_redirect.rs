//! ELB.1 — Application Load Balancer should be configured to redirect all HTTP requests to HTTPS.
//!
//! AWS's rule (`alb-http-to-https-redirection-check`, periodic, no parameters) evaluates
//! `AWS::ElasticLoadBalancingV2::LoadBalancer` items and fails an Application Load Balancer when
//! one of its HTTP listeners does not redirect to HTTPS (a listener that forwards instead fails
//! too). Listeners are recorded by Config as items of their own
//! (`AWS::ElasticLoadBalancingV2::Listener`), but a control sees one item, so the listeners come
//! as ElbV2Listeners evidence (`elasticloadbalancing:DescribeListeners`). An HTTP listener passes
//! when its default actions hold a `redirect` whose protocol is `HTTPS` and no `forward` or
//! `fixed-response` (listener rules are not read: only the default actions decide).
//!
//! Scope from the item: `configuration.type` must be `application` (confirmed in the Config
//! resource schema); network and gateway load balancers are NOT_APPLICABLE. An ALB without HTTP
//! listeners has nothing to redirect and passes.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::{LoadBalancerListener, LoadBalancerListeners};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "ELB.1",
    title: "Application Load Balancer should be configured to redirect all HTTP requests to HTTPS",
    severity: Severity::Medium,
    resource_types: &["AWS::ElasticLoadBalancingV2::LoadBalancer"],
    rationale: "Fails when an HTTP listener of the Application Load Balancer (ElbV2Listeners \
                evidence) does not redirect to HTTPS in its default actions, or forwards or \
                answers instead; passes when every HTTP listener redirects to HTTPS (or there is \
                none). Network and Gateway Load Balancers are not applicable.",
    remediation: "Change the default action of every HTTP listener to a redirect to HTTPS \
                  (elasticloadbalancing:ModifyListener with a redirect action, Protocol HTTPS, \
                  Port 443, StatusCode HTTP_301), and serve the application from an HTTPS \
                  listener.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-1",
    remediation_hook: Remediation::NotifyOnly {
        why: "a redirect needs an HTTPS listener with a certificate to land on; changing the \
              default action without one breaks the application",
    },
    duty: Duty::DataProtection,
    mappings: Mappings {
        fsbp: Some("ELB.1"),
        cis_v3: None,
        nist_800_53_r5: &[
            "AC-17(2)", "AC-4", "IA-5(1)", "SC-12(3)", "SC-13", "SC-23", "SC-23(3)", "SC-7(4)",
            "SC-8", "SC-8(1)", "SC-8(2)", "SI-7(6)",
        ],
    },
    parameters: &[],
    evidence: &[EvidenceKind::ElbV2Listeners],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let kind = match item.read_str("/type") {
        Ok(Some(kind)) if !kind.trim().is_empty() => kind.trim(),
        Ok(_) => {
            return Verdict::insufficient(
                "configuration.type is missing from the configuration item, so whether this is \
                 an Application Load Balancer is unknown",
            );
        }
        Err(unreadable) => return unreadable.into(),
    };
    if !kind.eq_ignore_ascii_case("application") {
        return Verdict::not_applicable(format!(
            "configuration.type is {kind}: only Application Load Balancers have HTTP listeners"
        ));
    }
    let name = item
        .config_str("/loadBalancerName")
        .or(item.resource_name.as_deref())
        .unwrap_or(&item.resource_id);
    let listeners: LoadBalancerListeners = match crate::controls::evidence_fields::evidence_with(
        ctx,
        EvidenceKind::ElbV2Listeners,
        &["listeners"],
    ) {
        Ok(l) => l,
        Err(verdict) => return verdict,
    };
    let mut http = 0;
    let mut bad = Vec::new();
    for listener in &listeners.listeners {
        let Some(protocol) = listener.protocol.as_deref().map(str::trim) else {
            return Verdict::insufficient(format!(
                "listener {} of load balancer {name} has no protocol in the ElbV2Listeners \
                 evidence, so whether it is an HTTP listener is unknown",
                label(listener)
            ));
        };
        if !protocol.eq_ignore_ascii_case("HTTP") {
            continue;
        }
        http += 1;
        if let Some(problem) = not_redirecting(listener) {
            bad.push(format!("HTTP listener {} {problem}", label(listener)));
        }
    }
    if !bad.is_empty() {
        return Verdict::fail(format!("load balancer {name}: {}", bad.join("; ")));
    }
    match http {
        0 => Verdict::pass(format!(
            "load balancer {name} has no HTTP listener ({} listener(s) in all)",
            listeners.listeners.len()
        )),
        n => Verdict::pass(format!(
            "all {n} HTTP listener(s) of load balancer {name} redirect to HTTPS"
        )),
    }
}

/// Why an HTTP listener does not redirect every request to HTTPS, or `None` when it does.
fn not_redirecting(listener: &LoadBalancerListener) -> Option<String> {
    let types = |t: &str| {
        listener
            .default_actions
            .iter()
            .any(|a| a.action_type.trim().eq_ignore_ascii_case(t))
    };
    for other in ["forward", "fixed-response"] {
        if types(other) {
            return Some(format!(
                "has a {other} default action instead of a redirect"
            ));
        }
    }
    let redirects: Vec<&str> = listener
        .default_actions
        .iter()
        .filter(|a| a.action_type.trim().eq_ignore_ascii_case("redirect"))
        .map(|a| a.redirect_protocol.as_deref().unwrap_or("").trim())
        .collect();
    match redirects.first() {
        None => Some("has no redirect default action".to_owned()),
        Some(p) if p.eq_ignore_ascii_case("HTTPS") => None,
        Some(&"") => Some("redirects without naming a protocol".to_owned()),
        Some(p) => Some(format!("redirects to protocol {p}, not HTTPS")),
    }
}

fn label(listener: &LoadBalancerListener) -> String {
    match (listener.port, listener.listener_arn.trim()) {
        (Some(port), _) => format!("on port {port}"),
        (None, "") => "(unnamed)".to_owned(),
        (None, arn) => arn.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::evidence_fields::run_with_evidence;
    use serde_json::{Value, json};

    fn run(kind: Value, evidence: Option<Value>) -> Verdict {
        run_with_evidence(
            &CONTROL,
            json!({"type": kind, "loadBalancerName": "web"}),
            EvidenceKind::ElbV2Listeners,
            evidence,
            &[],
        )
    }

    fn listener(protocol: &str, port: i64, actions: Value) -> Value {
        json!({"listenerArn": format!("arn:listener/{port}"), "protocol": protocol,
            "port": port, "defaultActions": actions})
    }

    fn with(listeners: Value) -> Option<Value> {
        Some(json!({ "listeners": listeners }))
    }

    #[test]
    fn http_listeners_must_redirect_to_https() {
        let redirect = json!([{"type": "redirect", "redirectProtocol": "HTTPS", "order": 1}]);
        let forward = json!([{"type": "forward", "order": 1}]);
        let ok = with(json!([
            listener("HTTP", 80, redirect.clone()),
            listener("HTTPS", 443, forward.clone())
        ]));
        assert!(run(json!("application"), ok).is_compliant());
        let v = run(
            json!("application"),
            with(json!([listener("HTTP", 80, forward)])),
        );
        assert_eq!(
            v,
            Verdict::fail(
                "load balancer web: HTTP listener on port 80 has a forward default action \
                 instead of a redirect"
            )
        );
        let same = json!([{"type": "redirect", "redirectProtocol": "#{protocol}"}]);
        let v = run(
            json!("application"),
            with(json!([listener("HTTP", 80, same)])),
        );
        assert!(
            v.is_non_compliant() && v.reason().contains("#{protocol}"),
            "{v}"
        );
        let v = run(
            json!("application"),
            with(json!([listener("HTTP", 80, json!([]))])),
        );
        assert!(v.is_non_compliant(), "{v}");
        assert!(run(json!("application"), with(json!([]))).is_compliant());
    }

    #[test]
    fn other_load_balancers_are_not_applicable() {
        assert!(run(json!("network"), None).is_not_applicable());
        assert!(run(json!("gateway"), None).is_not_applicable());
    }

    #[test]
    fn missing_or_odd_input_is_insufficient() {
        assert!(run(json!(null), with(json!([]))).is_insufficient());
        assert!(run(json!(3), with(json!([]))).is_insufficient());
        assert!(run(json!("application"), None).is_insufficient());
        assert!(run(json!("application"), Some(json!({}))).is_insufficient());
        let no_protocol = with(json!([{"listenerArn": "arn:l", "defaultActions": []}]));
        assert!(run(json!("application"), no_protocol).is_insufficient());
        let denied = json!({"sidewatchError": {"code": "AccessDenied", "message": "no"}});
        assert!(run(json!("application"), Some(denied)).is_insufficient());
    }
}
