//! `AWS::CloudFront::Distribution` from `cloudfront:ListDistributions`, then
//! `cloudfront:GetDistribution` per distribution (the listing's summaries lack
//! `defaultRootObject` and `logging`) and `cloudfront:ListTagsForResource`.
//!
//! CloudFront is global: listed once per account (`awsRegion` `global`, as for IAM), called through
//! the global endpoint (signed for us-east-1). Field names: the Config resource schema's, confirmed
//! there (camelCase: `distributionConfig.defaultRootObject`, `.logging.enabled`, `.webACLId`,
//! `.defaultCacheBehavior.viewerProtocolPolicy`, `.cacheBehaviors.items[]`, `.origins.items[]`
//! with `s3OriginConfig`), lists as `{quantity, items}` like the API.

use super::{Ctx, port_error};
use crate::convert::{json_or_null, rfc3339_or_null, string_or_null};
use aws_sdk_cloudfront::types::{
    AllowedMethods, CacheBehavior, DefaultCacheBehavior, Distribution, DistributionConfig, Origin,
};
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_cloudfront::Client::new(&ctx.sdk);
    let mut ids = Vec::new();
    let mut pages = client.list_distributions().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("cloudfront:ListDistributions", &e))?;
        if let Some(list) = page.distribution_list() {
            ids.extend(list.items().iter().map(|d| d.id().to_owned()));
        }
    }
    ctx.for_each(ids, |ctx, id| async move { distribution(&ctx, &id).await })
        .await;
    Ok(())
}

async fn distribution(ctx: &Ctx, id: &str) {
    let client = aws_sdk_cloudfront::Client::new(&ctx.sdk);
    let out = match client.get_distribution().id(id).send().await {
        Ok(out) => out,
        Err(e) => {
            ctx.out
                .failure(Some(id), port_error("cloudfront:GetDistribution", &e));
            return;
        }
    };
    let Some(d) = out.distribution() else {
        return;
    };
    let arn = d.arn();
    let mut parts = ctx.item(id, Some(id), Some(arn.to_owned()));
    match client.list_tags_for_resource().resource(arn).send().await {
        Ok(out) => {
            if let Some(tags) = out.tags() {
                parts.tags = tags
                    .items()
                    .iter()
                    .map(|t| (t.key().to_owned(), t.value().unwrap_or_default().to_owned()))
                    .collect();
            }
        }
        Err(e) => ctx
            .out
            .failure(Some(id), port_error("cloudfront:ListTagsForResource", &e)),
    }
    parts.configuration = configuration(d);
    ctx.out.item(parts.build()).await;
}

/// The Config `configuration` of a distribution.
pub(super) fn configuration(d: &Distribution) -> Value {
    json!({
        "id": d.id(),
        "arn": d.arn(),
        "status": d.status(),
        "lastModifiedTime": rfc3339_or_null(Some(d.last_modified_time())),
        "inProgressInvalidationBatches": d.in_progress_invalidation_batches(),
        "domainName": d.domain_name(),
        "distributionConfig": d.distribution_config().map_or(Value::Null, distribution_config),
    })
}

fn distribution_config(c: &DistributionConfig) -> Value {
    json!({
        "callerReference": c.caller_reference(),
        "aliases": c.aliases().map_or(Value::Null, |a| json!({"quantity": a.quantity(), "items": a.items()})),
        "defaultRootObject": string_or_null(c.default_root_object()),
        "origins": c.origins().map_or(Value::Null, |o| json!({
            "quantity": o.quantity(),
            "items": o.items().iter().map(origin).collect::<Vec<_>>(),
        })),
        "defaultCacheBehavior": c.default_cache_behavior().map_or(Value::Null, default_cache_behavior),
        "cacheBehaviors": c.cache_behaviors().map_or(Value::Null, |b| json!({
            "quantity": b.quantity(),
            "items": b.items().iter().map(cache_behavior).collect::<Vec<_>>(),
        })),
        "comment": c.comment(),
        "logging": c.logging().map_or(Value::Null, |l| json!({
            "enabled": l.enabled(),
            "includeCookies": l.include_cookies(),
            "bucket": l.bucket(),
            "prefix": l.prefix(),
        })),
        "priceClass": string_or_null(c.price_class().map(|x| x.as_str())),
        "enabled": c.enabled(),
        "viewerCertificate": c.viewer_certificate().map_or(Value::Null, |v| json!({
            "cloudFrontDefaultCertificate": json_or_null(v.cloud_front_default_certificate()),
            "iamCertificateId": string_or_null(v.iam_certificate_id()),
            "acmCertificateArn": string_or_null(v.acm_certificate_arn()),
            "sslSupportMethod": string_or_null(v.ssl_support_method().map(|x| x.as_str())),
            "minimumProtocolVersion": string_or_null(v.minimum_protocol_version().map(|x| x.as_str())),
        })),
        "restrictions": c.restrictions().map_or(Value::Null, |r| json!({
            "geoRestriction": r.geo_restriction().map_or(Value::Null, |g| json!({
                "restrictionType": g.restriction_type().as_str(),
                "quantity": g.quantity(),
                "items": g.items(),
            })),
        })),
        "webACLId": string_or_null(c.web_acl_id()),
        "httpVersion": string_or_null(c.http_version().map(|x| x.as_str())),
        "isIPV6Enabled": json_or_null(c.is_ipv6_enabled()),
        "continuousDeploymentPolicyId": string_or_null(c.continuous_deployment_policy_id()),
        "staging": json_or_null(c.staging()),
    })
}

fn origin(o: &Origin) -> Value {
    json!({
        "id": o.id(),
        "domainName": o.domain_name(),
        "originPath": string_or_null(o.origin_path()),
        "s3OriginConfig": o.s3_origin_config().map_or(Value::Null, |s| json!({
            "originAccessIdentity": s.origin_access_identity()
        })),
        "customOriginConfig": o.custom_origin_config().map_or(Value::Null, |c| json!({
            "hTTPPort": c.http_port(),
            "hTTPSPort": c.https_port(),
            "originProtocolPolicy": c.origin_protocol_policy().as_str(),
            "originSslProtocols": c.origin_ssl_protocols().map_or(Value::Null, |p| json!({
                "quantity": p.quantity(),
                "items": p.items().iter().map(|x| x.as_str()).collect::<Vec<_>>(),
            })),
            "originReadTimeout": json_or_null(c.origin_read_timeout()),
            "originKeepaliveTimeout": json_or_null(c.origin_keepalive_timeout()),
        })),
        "connectionAttempts": json_or_null(o.connection_attempts()),
        "connectionTimeout": json_or_null(o.connection_timeout()),
        "originAccessControlId": string_or_null(o.origin_access_control_id()),
    })
}

fn allowed_methods(m: Option<&AllowedMethods>) -> Value {
    m.map_or(Value::Null, |m| {
        json!({
            "quantity": m.quantity(),
            "items": m.items().iter().map(|x| x.as_str()).collect::<Vec<_>>(),
            "cachedMethods": m.cached_methods().map_or(Value::Null, |c| json!({
                "quantity": c.quantity(),
                "items": c.items().iter().map(|x| x.as_str()).collect::<Vec<_>>(),
            })),
        })
    })
}

/// A cache behavior's fields; the default behavior and the path-pattern ones are two SDK types
/// with the same accessors.
macro_rules! behavior {
    ($b:expr) => {{
        let b = $b;
        json!({
            "targetOriginId": b.target_origin_id(),
            "viewerProtocolPolicy": b.viewer_protocol_policy().as_str(),
            "allowedMethods": allowed_methods(b.allowed_methods()),
            "smoothStreaming": json_or_null(b.smooth_streaming()),
            "compress": json_or_null(b.compress()),
            "fieldLevelEncryptionId": string_or_null(b.field_level_encryption_id()),
            "realtimeLogConfigArn": string_or_null(b.realtime_log_config_arn()),
            "cachePolicyId": string_or_null(b.cache_policy_id()),
            "originRequestPolicyId": string_or_null(b.origin_request_policy_id()),
            "responseHeadersPolicyId": string_or_null(b.response_headers_policy_id()),
            "minTTL": json_or_null(b.min_ttl()),
            "defaultTTL": json_or_null(b.default_ttl()),
            "maxTTL": json_or_null(b.max_ttl()),
        })
    }};
}

// The TTL fields are deprecated in the API (cache policies replace them) but still answered and
// still in the Config schema.
#[allow(deprecated)]
fn default_cache_behavior(b: &DefaultCacheBehavior) -> Value {
    behavior!(b)
}

#[allow(deprecated)]
fn cache_behavior(b: &CacheBehavior) -> Value {
    let mut value = behavior!(b);
    if let Some(fields) = value.as_object_mut() {
        fields.insert("pathPattern".to_owned(), json!(b.path_pattern()));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudfront::types::{LoggingConfig, ViewerProtocolPolicy};

    #[test]
    fn distribution_fields_follow_config() {
        let config = DistributionConfig::builder()
            .caller_reference("ref")
            .comment("")
            .enabled(true)
            .default_root_object("")
            .logging(
                LoggingConfig::builder()
                    .enabled(false)
                    .include_cookies(false)
                    .bucket("")
                    .prefix("")
                    .build(),
            )
            .default_cache_behavior(
                DefaultCacheBehavior::builder()
                    .target_origin_id("s3")
                    .viewer_protocol_policy(ViewerProtocolPolicy::AllowAll)
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        let d = Distribution::builder()
            .id("E1ABCDEF")
            .arn("arn:aws:cloudfront::123456789012:distribution/E1ABCDEF")
            .status("Deployed")
            .last_modified_time(aws_smithy_types::DateTime::from_secs(0))
            .in_progress_invalidation_batches(0)
            .domain_name("d111111abcdef8.cloudfront.net")
            .distribution_config(config)
            .build()
            .unwrap();
        let v = configuration(&d);
        let c = &v["distributionConfig"];
        assert_eq!(c["defaultRootObject"], "");
        assert_eq!(c["logging"]["enabled"], false);
        assert_eq!(
            c["defaultCacheBehavior"]["viewerProtocolPolicy"],
            "allow-all"
        );
        assert!(c["webACLId"].is_null());
    }
}
