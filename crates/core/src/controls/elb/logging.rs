//! ELB.5 — Application and Classic Load Balancers logging should be enabled.
//!
//! AWS's rule `elb-logging-enabled` covers Application Load Balancers (attribute
//! `access_logs.s3.enabled`) and Classic Load Balancers (`LoadBalancerAttributes.AccessLog`).
//! Network and Gateway Load Balancers are outside the control's title and are NOT_APPLICABLE
//! (CONTROLS-2 marks this scope inferred). The optional rule parameter `s3BucketNames` (Security
//! Hub sets none) additionally requires the logs to go to one of the named buckets.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;
use serde_json::Value;

pub const CONTROL: Control = Control {
    id: "ELB.5",
    title: "Application and Classic Load Balancers logging should be enabled",
    severity: Severity::Medium,
    resource_types: &[
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "AWS::ElasticLoadBalancing::LoadBalancer",
    ],
    rationale: "Application Load Balancers pass when the attribute access_logs.s3.enabled is true \
                (supplementaryConfiguration.LoadBalancerAttributes); Classic Load Balancers when \
                supplementaryConfiguration.LoadBalancerAttributes.accessLog.enabled is true. With \
                s3BucketNames set, the log bucket must be one of them. Network and Gateway Load \
                Balancers are not applicable; unrecorded attributes are INSUFFICIENT_DATA.",
    remediation: "Turn on access logs to an S3 bucket whose policy lets Elastic Load Balancing \
                  write (elasticloadbalancing:ModifyLoadBalancerAttributes with \
                  access_logs.s3.enabled true and access_logs.s3.bucket, or AccessLog for a \
                  Classic Load Balancer).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-5",
    remediation_hook: Remediation::NotifyOnly {
        why: "logging needs a destination bucket with a policy for the Region's Elastic Load \
              Balancing account, which the owner must choose",
    },
    duty: Duty::LoggingAndMonitoring,
    mappings: Mappings {
        fsbp: Some("ELB.5"),
        cis_v3: None,
        nist_800_53_r5: crate::controls::nist::REQUEST_LOGGING,
    },
    parameters: &[ParamSpec {
        name: "s3BucketNames",
        kind: ParamKind::StringList,
        default: "",
        description: "Comma-separated names of the S3 buckets access logs must go to (the \
                      elb-logging-enabled rule's s3BucketNames). Empty, the default as in \
                      Security Hub, accepts any bucket.",
    }],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let classic_lb = item.resource_type == "AWS::ElasticLoadBalancing::LoadBalancer";
    let logging = if classic_lb {
        classic(item)
    } else {
        if let Some(verdict) =
            super::require_type(item, &["application"], "Application Load Balancers")
        {
            return verdict;
        }
        application(item)
    };
    let name = super::name(item);
    let bucket = match logging {
        Err(verdict) => return verdict,
        Ok(None) => {
            let setting = if classic_lb {
                "supplementaryConfiguration.LoadBalancerAttributes.accessLog.enabled"
            } else {
                "access_logs.s3.enabled"
            };
            return Verdict::fail(format!(
                "load balancer {name} does not write access logs ({setting} is false)"
            ));
        }
        Ok(Some(bucket)) => bucket,
    };
    let allowed = ctx.str_list("s3BucketNames");
    if allowed.is_empty() {
        return Verdict::pass(match bucket {
            Some(bucket) => format!("load balancer {name} writes access logs to bucket {bucket}"),
            None => format!("load balancer {name} writes access logs"),
        });
    }
    match bucket {
        Some(bucket) if allowed.iter().any(|b| b == &bucket) => Verdict::pass(format!(
            "load balancer {name} writes access logs to bucket {bucket}, one of s3BucketNames"
        )),
        Some(bucket) => Verdict::fail(format!(
            "load balancer {name} writes access logs to bucket {bucket}, which is not one of \
             s3BucketNames ({})",
            allowed.join(", ")
        )),
        None => Verdict::insufficient(format!(
            "load balancer {name} writes access logs but the item records no bucket name, so \
             s3BucketNames cannot be checked"
        )),
    }
}

/// `Ok(Some(bucket))` when access logging is on (with the bucket when recorded), `Ok(None)` when
/// off.
type Logging = Result<Option<Option<String>>, Verdict>;

fn application(item: &ConfigurationItem) -> Logging {
    if !super::attribute_flag(item, "access_logs.s3.enabled")? {
        return Ok(None);
    }
    let bucket = super::attribute(item, "access_logs.s3.bucket")?
        .and_then(|(_, value)| value.as_str())
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(str::to_owned);
    Ok(Some(bucket))
}

fn classic(item: &ConfigurationItem) -> Logging {
    const NAME: &str = "supplementaryConfiguration.LoadBalancerAttributes.accessLog";
    let attributes = checks::supplementary(item, "LoadBalancerAttributes")?;
    let access_log = match attributes.get("accessLog") {
        None | Some(Value::Null) => return Err(checks::missing(NAME)),
        Some(Value::Object(log)) => log,
        Some(other) => {
            return Err(Verdict::insufficient(format!(
                "{NAME} is {}, expected an object",
                crate::item::json_type(other)
            )));
        }
    };
    let enabled_name = format!("{NAME}.enabled");
    match checks::flag(access_log.get("enabled"), &enabled_name)? {
        None => Err(checks::missing(&enabled_name)),
        Some(false) => Ok(None),
        Some(true) => {
            let bucket = checks::text(
                access_log.get("s3BucketName"),
                &format!("{NAME}.s3BucketName"),
            )?;
            Ok(Some(bucket.map(str::to_owned)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::test_support;
    use serde_json::json;

    fn alb(kind: &str, attributes: Value, overrides: &[(&str, &str)]) -> Verdict {
        let mut raw = test_support::item(
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            json!({"type": kind, "loadBalancerName": "web"}),
        );
        raw["supplementaryConfiguration"] = json!({"LoadBalancerAttributes": attributes});
        test_support::run(&CONTROL, raw, overrides)
    }

    fn clb(attributes: Value, overrides: &[(&str, &str)]) -> Verdict {
        let mut raw = test_support::item(
            "AWS::ElasticLoadBalancing::LoadBalancer",
            json!({"loadBalancerName": "legacy"}),
        );
        raw["supplementaryConfiguration"] = json!({"LoadBalancerAttributes": attributes});
        test_support::run(&CONTROL, raw, overrides)
    }

    #[test]
    fn application_load_balancers() {
        let on = json!([{"key": "access_logs.s3.enabled", "value": "true"},
            {"key": "access_logs.s3.bucket", "value": "logs"}]);
        let v = alb("application", on.clone(), &[]);
        assert!(
            v.is_compliant() && v.reason().contains("bucket logs"),
            "{v}"
        );
        assert!(alb("application", on.clone(), &[("s3BucketNames", "logs,x")]).is_compliant());
        assert!(alb("application", on, &[("s3BucketNames", "other")]).is_non_compliant());
        let off = json!([{"key": "access_logs.s3.enabled", "value": "false"}]);
        assert!(alb("application", off, &[]).is_non_compliant());
        assert!(alb("application", Value::Null, &[]).is_insufficient());
        assert!(alb("network", Value::Null, &[]).is_not_applicable());
        assert!(alb("gateway", json!([]), &[]).is_not_applicable());
    }

    #[test]
    fn classic_load_balancers() {
        let on =
            json!({"accessLog": {"enabled": true, "s3BucketName": "logs", "emitInterval": 60}});
        assert!(clb(on.clone(), &[]).is_compliant());
        assert!(clb(on, &[("s3BucketNames", "other")]).is_non_compliant());
        assert!(clb(json!({"accessLog": {"enabled": false}}), &[]).is_non_compliant());
        for odd in [
            Value::Null,
            json!({}),
            json!({"accessLog": {}}),
            json!({"accessLog": {"enabled": "maybe"}}),
            json!({"accessLog": true}),
            json!([]),
        ] {
            assert!(clb(odd.clone(), &[]).is_insufficient(), "{odd}");
        }
        let unnamed = json!({"accessLog": {"enabled": true}});
        assert!(clb(unnamed.clone(), &[]).is_compliant());
        assert!(clb(unnamed, &[("s3BucketNames", "logs")]).is_insufficient());
    }
}
