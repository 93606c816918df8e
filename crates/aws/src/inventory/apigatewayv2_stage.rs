//! `AWS::ApiGatewayV2::Stage` (HTTP and WebSocket API stages) from `apigateway:GET` on `/v2/apis`
//! (GetApis) and `/v2/apis/{id}/stages` (GetStages, tags come with the answer), both paged by
//! `NextToken`.
//!
//! Field names: the Config resource schema's, confirmed there (`defaultRouteSettings.loggingLevel`,
//! `accessLogSettings`, `autoDeploy`, `clientCertificateId`). `routeSettings` (per-route
//! overrides, keyed by route key) is not in the schema; it is kept with the API's field names
//! because APIGateway.1 judges WebSocket routes by it. Resource id: the stage ARN
//! `arn:<partition>:apigateway:<region>::/apis/<id>/stages/<name>`.

use super::{Ctx, apigateway_stage::emit_stage, port_error};
use crate::convert::{json_or_null, rfc3339_or_null, string_or_null};
use aws_sdk_apigatewayv2::types::{RouteSettings, Stage};
use serde_json::{Map, Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_apigatewayv2::Client::new(&ctx.sdk);
    let mut apis = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .get_apis()
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| port_error("apigateway:GetApis", &e))?;
        apis.extend(
            page.items()
                .iter()
                .filter_map(|a| a.api_id())
                .map(str::to_owned),
        );
        match page.next_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_owned()),
            _ => break,
        }
    }
    ctx.for_each(apis, |ctx, api| async move { stages(&ctx, &api).await })
        .await;
    Ok(())
}

async fn stages(ctx: &Ctx, api: &str) {
    let client = aws_sdk_apigatewayv2::Client::new(&ctx.sdk);
    let mut token: Option<String> = None;
    loop {
        let page = match client
            .get_stages()
            .api_id(api)
            .set_next_token(token.take())
            .send()
            .await
        {
            Ok(page) => page,
            Err(e) => {
                ctx.out
                    .failure(Some(api), port_error("apigateway:GetStages", &e));
                return;
            }
        };
        for stage in page.items() {
            if let Some(name) = stage.stage_name() {
                emit_stage(ctx, "apis", api, name, stage.tags(), configuration(stage)).await;
            }
        }
        match page.next_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_owned()),
            _ => break,
        }
    }
}

/// The Config `configuration` of an HTTP or WebSocket API stage.
pub(super) fn configuration(s: &Stage) -> Value {
    let routes: Map<String, Value> = s
        .route_settings()
        .into_iter()
        .flatten()
        .map(|(key, r)| (key.clone(), route_settings(r)))
        .collect();
    json!({
        "stageName": string_or_null(s.stage_name()),
        "deploymentId": string_or_null(s.deployment_id()),
        "description": string_or_null(s.description()),
        "clientCertificateId": string_or_null(s.client_certificate_id()),
        "apiGatewayManaged": json_or_null(s.api_gateway_managed()),
        "autoDeploy": json_or_null(s.auto_deploy()),
        "accessLogSettings": s.access_log_settings().map_or(Value::Null, |a| json!({
            "format": string_or_null(a.format()), "destinationArn": string_or_null(a.destination_arn())
        })),
        "defaultRouteSettings": s.default_route_settings().map_or(Value::Null, route_settings),
        "routeSettings": routes,
        "stageVariables": s.stage_variables(),
        "lastDeploymentStatusMessage": string_or_null(s.last_deployment_status_message()),
        "createdDate": rfc3339_or_null(s.created_date()),
        "lastUpdatedDate": rfc3339_or_null(s.last_updated_date()),
    })
}

fn route_settings(r: &RouteSettings) -> Value {
    json!({
        "dataTraceEnabled": json_or_null(r.data_trace_enabled()),
        "detailedMetricsEnabled": json_or_null(r.detailed_metrics_enabled()),
        "loggingLevel": string_or_null(r.logging_level().map(|x| x.as_str())),
        "throttlingBurstLimit": json_or_null(r.throttling_burst_limit()),
        "throttlingRateLimit": json_or_null(r.throttling_rate_limit()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_apigatewayv2::types::LoggingLevel;

    #[test]
    fn stage_fields_follow_config() {
        let s = Stage::builder()
            .stage_name("production")
            .default_route_settings(
                RouteSettings::builder()
                    .logging_level(LoggingLevel::Off)
                    .build(),
            )
            .build();
        let v = configuration(&s);
        assert_eq!(v["stageName"], "production");
        assert_eq!(v["defaultRouteSettings"]["loggingLevel"], "OFF");
        assert_eq!(v["routeSettings"], json!({}));
    }
}
