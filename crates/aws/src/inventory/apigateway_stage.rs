//! `AWS::ApiGateway::Stage` (REST API stages) from `apigateway:GET` on `/restapis` (GetRestApis,
//! paginated) and `/restapis/{id}/stages` (GetStages, tags come with the answer). API Gateway's
//! IAM actions are its HTTP methods: every read here is `apigateway:GET`.
//!
//! Field names: the Config resource schema's, confirmed there (`tracingEnabled`, `webAclArn`,
//! `clientCertificateId`, `accessLogSettings`, `cacheClusterEnabled`, `canarySettings`).
//! `methodSettings` is absent from the schema but present in real items (APIGateway.1 reads it):
//! the map as the API keys it (`*/*` for the whole stage), each entry with the API's field names.
//! The resource id is the stage ARN `arn:<partition>:apigateway:<region>::/restapis/<id>/stages/<name>`,
//! as Config records it.

use super::{Ctx, port_error};
use crate::convert::{rfc3339_or_null, string_or_null};
use aws_sdk_apigateway::types::{MethodSetting, Stage};
use serde_json::{Map, Value, json};
use sidewatch_core::ports::PortError;
use std::collections::HashMap;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_apigateway::Client::new(&ctx.sdk);
    let mut apis = Vec::new();
    let mut pages = client.get_rest_apis().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("apigateway:GetRestApis", &e))?;
        apis.extend(
            page.items()
                .iter()
                .filter_map(|a| a.id())
                .map(str::to_owned),
        );
    }
    ctx.for_each(apis, |ctx, api| async move { stages(&ctx, &api).await })
        .await;
    Ok(())
}

async fn stages(ctx: &Ctx, api: &str) {
    let client = aws_sdk_apigateway::Client::new(&ctx.sdk);
    let out = match client.get_stages().rest_api_id(api).send().await {
        Ok(out) => out,
        Err(e) => {
            ctx.out
                .failure(Some(api), port_error("apigateway:GetStages", &e));
            return;
        }
    };
    for stage in out.item() {
        if let Some(name) = stage.stage_name() {
            emit_stage(
                ctx,
                "restapis",
                api,
                name,
                stage.tags(),
                configuration(stage),
            )
            .await;
        }
    }
}

/// Sends the item of stage `name` of API `api` (`apis`: `restapis` for REST, `apis` for v2). Its
/// id and ARN are `arn:<partition>:apigateway:<region>::/<apis>/<api>/stages/<name>` (API Gateway
/// ARNs carry no account).
pub(super) async fn emit_stage(
    ctx: &Ctx,
    apis: &str,
    api: &str,
    name: &str,
    tags: Option<&HashMap<String, String>>,
    configuration: Value,
) {
    let arn = format!(
        "arn:{}:apigateway:{}::/{apis}/{api}/stages/{name}",
        ctx.partition, ctx.region
    );
    let mut parts = ctx.item(&arn, Some(name), Some(arn.clone()));
    if let Some(tags) = tags {
        parts.tags = tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    }
    parts.configuration = configuration;
    ctx.out.item(parts.build()).await;
}

/// The Config `configuration` of a REST API stage.
pub(super) fn configuration(s: &Stage) -> Value {
    let method_settings: Map<String, Value> = s
        .method_settings()
        .into_iter()
        .flatten()
        .map(|(key, m)| (key.clone(), method_setting(m)))
        .collect();
    json!({
        "stageName": string_or_null(s.stage_name()),
        "deploymentId": string_or_null(s.deployment_id()),
        "description": string_or_null(s.description()),
        "clientCertificateId": string_or_null(s.client_certificate_id()),
        "cacheClusterEnabled": s.cache_cluster_enabled(),
        "cacheClusterSize": string_or_null(s.cache_cluster_size().map(|x| x.as_str())),
        "cacheClusterStatus": string_or_null(s.cache_cluster_status().map(|x| x.as_str())),
        "methodSettings": method_settings,
        "variables": s.variables(),
        "documentationVersion": string_or_null(s.documentation_version()),
        "accessLogSettings": s.access_log_settings().map_or(Value::Null, |a| json!({
            "format": string_or_null(a.format()), "destinationArn": string_or_null(a.destination_arn())
        })),
        "canarySettings": s.canary_settings().map_or(Value::Null, |c| json!({
            "percentTraffic": c.percent_traffic(),
            "deploymentId": string_or_null(c.deployment_id()),
            "useStageCache": c.use_stage_cache(),
        })),
        "tracingEnabled": s.tracing_enabled(),
        "webAclArn": string_or_null(s.web_acl_arn()),
        "createdDate": rfc3339_or_null(s.created_date()),
        "lastUpdatedDate": rfc3339_or_null(s.last_updated_date()),
    })
}

fn method_setting(m: &MethodSetting) -> Value {
    json!({
        "metricsEnabled": m.metrics_enabled(),
        "loggingLevel": string_or_null(m.logging_level()),
        "dataTraceEnabled": m.data_trace_enabled(),
        "throttlingBurstLimit": m.throttling_burst_limit(),
        "throttlingRateLimit": m.throttling_rate_limit(),
        "cachingEnabled": m.caching_enabled(),
        "cacheTtlInSeconds": m.cache_ttl_in_seconds(),
        "cacheDataEncrypted": m.cache_data_encrypted(),
        "requireAuthorizationForCacheControl": m.require_authorization_for_cache_control(),
        "unauthorizedCacheControlHeaderStrategy":
            string_or_null(m.unauthorized_cache_control_header_strategy().map(|x| x.as_str())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_fields_follow_config() {
        let s = Stage::builder()
            .stage_name("prod")
            .tracing_enabled(false)
            .method_settings(
                "*/*",
                MethodSetting::builder().logging_level("ERROR").build(),
            )
            .build();
        let v = configuration(&s);
        assert_eq!(v["stageName"], "prod");
        assert_eq!(v["tracingEnabled"], false);
        assert_eq!(v["methodSettings"]["*/*"]["loggingLevel"], "ERROR");
        assert!(v["webAclArn"].is_null());
        // A fresh stage has no method settings: an empty map, as Config records it.
        let fresh = configuration(&Stage::builder().stage_name("dev").build());
        assert_eq!(fresh["methodSettings"], json!({}));
    }
}
