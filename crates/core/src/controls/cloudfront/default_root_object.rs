//! CloudFront.1 — CloudFront distributions should have a default root object configured.
//!
//! AWS's rule `cloudfront-default-root-object-configured`. Security Hub's control page says the
//! control applies to distributions with an S3 origin; how an S3 origin is recognised is not
//! documented (CONTROLS-2 marks it inferred). sidewatch counts an origin as S3 when its
//! `s3OriginConfig` is recorded, or its `domainName` is an S3 REST endpoint
//! (`<bucket>.s3.amazonaws.com`, `<bucket>.s3.<region>.amazonaws.com`,
//! `<bucket>.s3-<region>.amazonaws.com`). S3 static website endpoints (`s3-website`) are custom
//! origins. A distribution with custom origins only is NOT_APPLICABLE.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::item::ConfigurationItem;
use crate::verdict::Verdict;
use serde_json::Value;

pub const CONTROL: Control = Control {
    id: "CloudFront.1",
    title: "CloudFront distributions should have a default root object configured",
    severity: Severity::High,
    resource_types: &["AWS::CloudFront::Distribution"],
    rationale: "A distribution with an Amazon S3 origin passes when \
                configuration.distributionConfig.defaultRootObject is set and fails when it is \
                empty, since a request for the root URL could then list or expose the origin's \
                content. Distributions with custom origins only are not applicable.",
    remediation: "Set a default root object such as index.html on the distribution \
                  (cloudfront:UpdateDistribution with DefaultRootObject).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudfront-controls.html#cloudfront-1",
    remediation_hook: Remediation::NotifyOnly {
        why: "the object to serve at the root URL depends on the site's content",
    },
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("CloudFront.1"),
        cis_v3: None,
        nist_800_53_r5: &["SC-7(11)", "SC-7(16)"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

const ORIGINS: &str = "configuration.distributionConfig.origins.items";
const ROOT: &str = "configuration.distributionConfig.defaultRootObject";

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let origin = match s3_origin(item) {
        Err(verdict) => return verdict,
        Ok(None) => {
            return Verdict::not_applicable(
                "the distribution has no Amazon S3 origin; the control evaluates distributions \
                 with S3 origins",
            );
        }
        Ok(Some(origin)) => origin,
    };
    let id = super::id(item);
    // Config records an unset root object as "" (or null); a field missing altogether says the
    // item is incomplete, not that the object is unset.
    if crate::item::json_pointer(&item.configuration, "/distributionConfig/defaultRootObject")
        .is_none()
    {
        return checks::missing(ROOT);
    }
    match checks::text(item.config("/distributionConfig/defaultRootObject"), ROOT) {
        Err(verdict) => verdict,
        Ok(Some(object)) => Verdict::pass(format!(
            "distribution {id} serves {object} as its default root object"
        )),
        Ok(None) => Verdict::fail(format!(
            "distribution {id} has S3 origin {origin} but no default root object ({ROOT} is \
             empty)"
        )),
    }
}

/// The first S3 origin's domain name, `None` when every origin is custom.
fn s3_origin(item: &ConfigurationItem) -> Result<Option<String>, Verdict> {
    let origins = match item.read("/distributionConfig/origins/items") {
        Err(unreadable) => return Err(unreadable.into()),
        Ok(None) => return Err(checks::missing(ORIGINS)),
        Ok(Some(Value::Array(origins))) => origins,
        Ok(Some(other)) => {
            return Err(Verdict::insufficient(format!(
                "{ORIGINS} is {}, expected a list",
                crate::item::json_type(other)
            )));
        }
    };
    for (i, origin) in origins.iter().enumerate() {
        let domain = checks::text(
            origin.get("domainName"),
            &format!("{ORIGINS}[{i}].domainName"),
        )?;
        let has_s3_config = origin.get("s3OriginConfig").is_some_and(Value::is_object);
        if has_s3_config || domain.is_some_and(is_s3_rest_endpoint) {
            return Ok(Some(domain.unwrap_or("(unnamed)").to_owned()));
        }
    }
    Ok(None)
}

/// `bucket.s3.amazonaws.com`, `bucket.s3.eu-west-1.amazonaws.com`,
/// `bucket.s3-eu-west-1.amazonaws.com` (and `.amazonaws.com.cn`); not website endpoints.
fn is_s3_rest_endpoint(domain: &str) -> bool {
    let domain = domain.trim().to_ascii_lowercase();
    let domain = domain.trim_end_matches('.');
    let Some(host) = domain
        .strip_suffix(".amazonaws.com")
        .or_else(|| domain.strip_suffix(".amazonaws.com.cn"))
    else {
        return false;
    };
    !host.contains("s3-website")
        && host
            .split('.')
            .skip(1)
            .any(|label| label == "s3" || label.starts_with("s3-"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::json;

    fn run(root: Value, origins: Value) -> Verdict {
        testing::with_configuration(
            &CONTROL,
            json!({"id": "E1ABCDEF", "distributionConfig": {"defaultRootObject": root,
                "origins": {"quantity": 1, "items": origins}}}),
        )
    }

    #[test]
    fn s3_origins_need_a_root_object() {
        let s3 = json!([{"id": "s3", "domainName": "site.s3.us-east-1.amazonaws.com",
            "s3OriginConfig": {"originAccessIdentity": ""}}]);
        assert!(run(json!("index.html"), s3.clone()).is_compliant());
        let v = run(json!(""), s3);
        assert!(
            v.is_non_compliant() && v.reason().contains("site.s3"),
            "{v}"
        );
        let by_name = json!([{"id": "s3", "domainName": "site.s3.amazonaws.com"}]);
        assert!(run(json!(null), by_name).is_non_compliant());
    }

    #[test]
    fn custom_origins_are_not_applicable() {
        for domain in [
            "api.example.com",
            "site.s3-website-us-east-1.amazonaws.com",
            "site.s3-website.eu-west-1.amazonaws.com",
            "my-alb-1234.us-east-1.elb.amazonaws.com",
        ] {
            let origins = json!([{"id": "c", "domainName": domain, "s3OriginConfig": null,
                "customOriginConfig": {"httpPort": 80, "httpsPort": 443}}]);
            assert!(run(json!(""), origins).is_not_applicable(), "{domain}");
        }
    }

    #[test]
    fn endpoint_recognition() {
        assert!(is_s3_rest_endpoint("b.s3.amazonaws.com"));
        assert!(is_s3_rest_endpoint("b.S3.eu-west-1.amazonaws.com"));
        assert!(is_s3_rest_endpoint("b.s3-eu-west-1.amazonaws.com"));
        assert!(is_s3_rest_endpoint("b.s3.cn-north-1.amazonaws.com.cn"));
        assert!(!is_s3_rest_endpoint("s3.example.com"));
        assert!(!is_s3_rest_endpoint("b.s3-website-us-east-1.amazonaws.com"));
    }

    #[test]
    fn unreadable_items_are_insufficient() {
        assert!(testing::with_configuration(&CONTROL, json!({})).is_insufficient());
        assert!(run(json!(""), json!({})).is_insufficient());
        assert!(run(json!(""), json!([{"domainName": 7}])).is_insufficient());
        let s3 = json!([{"domainName": "b.s3.amazonaws.com"}]);
        assert!(run(json!(["index.html"]), s3.clone()).is_insufficient());
        let v = testing::with_configuration(
            &CONTROL,
            json!({"distributionConfig": {"origins": {"items": s3}}}),
        );
        assert!(
            v.is_insufficient() && v.reason().contains("defaultRootObject"),
            "{v}"
        );
    }
}
