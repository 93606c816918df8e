//! `AWS::ElasticLoadBalancingV2::LoadBalancer` from `elasticloadbalancing:DescribeLoadBalancers`
//! with `DescribeLoadBalancerAttributes` per load balancer, and
//! `AWS::ElasticLoadBalancingV2::Listener` from `DescribeListeners` per load balancer.
//!
//! Load balancers use the AWS Config resource schema's camelCase names (`loadBalancerArn`,
//! `dNSName`, `type`, `state.code`, `availabilityZones[].zoneName`…); the attributes go in the
//! `LoadBalancerAttributes` supplementary entry as a list of `{key, value}` pairs with the
//! string values the API returns (`"true"`), the shape CONTROLS-2 describes (the schema does not
//! list it). Listeners use the schema's PascalCase names (`ListenerArn`, `LoadBalancerArn`,
//! `Protocol`, `Port`, `SslPolicy`, `Certificates[]`, `DefaultActions[].Type`,
//! `DefaultActions[].RedirectConfig.Protocol`…). Config's resource id of both is the ARN. Tags
//! are not read.

use super::{Ctx, port_error};
use crate::convert::{json_or_null, rfc3339_or_null, string_or_null};
use aws_sdk_elasticloadbalancingv2::types::{Action, Listener, LoadBalancer};
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

/// Every load balancer of the Region (every page).
async fn load_balancers(ctx: &Ctx) -> Result<Vec<LoadBalancer>, PortError> {
    let client = aws_sdk_elasticloadbalancingv2::Client::new(&ctx.sdk);
    let mut out = Vec::new();
    let mut pages = client.describe_load_balancers().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page =
            page.map_err(|e| port_error("elasticloadbalancing:DescribeLoadBalancers", &e))?;
        out.extend(page.load_balancers().iter().cloned());
    }
    Ok(out)
}

pub(super) async fn collect_load_balancers(ctx: &Ctx) -> Result<(), PortError> {
    let found = load_balancers(ctx).await?;
    ctx.for_each(
        found,
        |ctx, lb| async move { load_balancer(&ctx, &lb).await },
    )
    .await;
    Ok(())
}

async fn load_balancer(ctx: &Ctx, lb: &LoadBalancer) {
    let Some(arn) = lb.load_balancer_arn() else {
        return;
    };
    let mut parts = ctx.item(arn, lb.load_balancer_name(), Some(arn.to_owned()));
    parts.configuration = configuration(lb);
    let client = aws_sdk_elasticloadbalancingv2::Client::new(&ctx.sdk);
    match client
        .describe_load_balancer_attributes()
        .load_balancer_arn(arn)
        .send()
        .await
    {
        Ok(out) => {
            let attributes: Vec<Value> = out
                .attributes()
                .iter()
                .map(
                    |a| json!({"key": string_or_null(a.key()), "value": string_or_null(a.value())}),
                )
                .collect();
            parts.supplementary.insert(
                "LoadBalancerAttributes".to_owned(),
                Value::Array(attributes),
            );
        }
        // Left out: the attribute controls then say the attributes are not recorded.
        Err(e) => ctx.out.failure(
            Some(arn),
            port_error("elasticloadbalancing:DescribeLoadBalancerAttributes", &e),
        ),
    }
    ctx.out.item(parts.build()).await;
}

pub(super) async fn collect_listeners(ctx: &Ctx) -> Result<(), PortError> {
    let found = load_balancers(ctx).await?;
    let arns: Vec<String> = found
        .iter()
        .filter_map(|lb| lb.load_balancer_arn())
        .map(str::to_owned)
        .collect();
    ctx.for_each(
        arns,
        |ctx, arn| async move { listeners_of(&ctx, &arn).await },
    )
    .await;
    Ok(())
}

async fn listeners_of(ctx: &Ctx, lb_arn: &str) {
    let client = aws_sdk_elasticloadbalancingv2::Client::new(&ctx.sdk);
    let mut pages = client
        .describe_listeners()
        .load_balancer_arn(lb_arn)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(page) => page,
            Err(e) => {
                ctx.out.failure(
                    Some(lb_arn),
                    port_error("elasticloadbalancing:DescribeListeners", &e),
                );
                return;
            }
        };
        for listener in page.listeners() {
            let Some(arn) = listener.listener_arn() else {
                continue;
            };
            let mut parts = ctx.item(arn, Some(arn), Some(arn.to_owned()));
            parts.configuration = listener_configuration(listener);
            ctx.out.item(parts.build()).await;
        }
    }
}

/// The Config `configuration` of a load balancer.
pub(super) fn configuration(lb: &LoadBalancer) -> Value {
    json!({
        "loadBalancerArn": string_or_null(lb.load_balancer_arn()),
        "dNSName": string_or_null(lb.dns_name()),
        "canonicalHostedZoneId": string_or_null(lb.canonical_hosted_zone_id()),
        "createdTime": rfc3339_or_null(lb.created_time()),
        "loadBalancerName": string_or_null(lb.load_balancer_name()),
        "scheme": string_or_null(lb.scheme().map(|s| s.as_str())),
        "vpcId": string_or_null(lb.vpc_id()),
        "state": lb.state().map_or(Value::Null, |s| json!({
            "code": string_or_null(s.code().map(|c| c.as_str())),
            "reason": string_or_null(s.reason()),
        })),
        "type": string_or_null(lb.r#type().map(|t| t.as_str())),
        "availabilityZones": lb.availability_zones().iter().map(|z| json!({
            "zoneName": string_or_null(z.zone_name()),
            "subnetId": string_or_null(z.subnet_id()),
            "outpostId": string_or_null(z.outpost_id()),
            "loadBalancerAddresses": z.load_balancer_addresses().iter().map(|a| json!({
                "ipAddress": string_or_null(a.ip_address()),
                "allocationId": string_or_null(a.allocation_id()),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "securityGroups": lb.security_groups(),
        "ipAddressType": string_or_null(lb.ip_address_type().map(|t| t.as_str())),
    })
}

fn action(a: &Action) -> Value {
    json!({
        "Type": string_or_null(a.r#type().map(|t| t.as_str())),
        "Order": json_or_null(a.order()),
        "TargetGroupArn": string_or_null(a.target_group_arn()),
        "RedirectConfig": a.redirect_config().map_or(Value::Null, |r| json!({
            "Protocol": string_or_null(r.protocol()),
            "Port": string_or_null(r.port()),
            "Host": string_or_null(r.host()),
            "Path": string_or_null(r.path()),
            "Query": string_or_null(r.query()),
            "StatusCode": string_or_null(r.status_code().map(|s| s.as_str())),
        })),
        "ForwardConfig": a.forward_config().map_or(Value::Null, |f| json!({
            "TargetGroups": f.target_groups().iter().map(|t| json!({
                "TargetGroupArn": string_or_null(t.target_group_arn()),
                "Weight": json_or_null(t.weight()),
            })).collect::<Vec<_>>(),
            "TargetGroupStickinessConfig": f.target_group_stickiness_config().map_or(Value::Null, |s| json!({
                "Enabled": json_or_null(s.enabled()),
                "DurationSeconds": json_or_null(s.duration_seconds()),
            })),
        })),
        "FixedResponseConfig": a.fixed_response_config().map_or(Value::Null, |f| json!({
            "StatusCode": string_or_null(f.status_code()),
            "ContentType": string_or_null(f.content_type()),
        })),
    })
}

/// The Config `configuration` of a listener.
pub(super) fn listener_configuration(l: &Listener) -> Value {
    json!({
        "ListenerArn": string_or_null(l.listener_arn()),
        "LoadBalancerArn": string_or_null(l.load_balancer_arn()),
        "Port": json_or_null(l.port()),
        "Protocol": string_or_null(l.protocol().map(|p| p.as_str())),
        "Certificates": l.certificates().iter().map(|c| json!({
            "CertificateArn": string_or_null(c.certificate_arn()),
            "IsDefault": json_or_null(c.is_default()),
        })).collect::<Vec<_>>(),
        "SslPolicy": string_or_null(l.ssl_policy()),
        "DefaultActions": l.default_actions().iter().map(action).collect::<Vec<_>>(),
        "AlpnPolicy": l.alpn_policy(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_elasticloadbalancingv2::types::{
        ActionTypeEnum, LoadBalancerTypeEnum, ProtocolEnum, RedirectActionConfig,
        RedirectActionStatusCodeEnum,
    };

    #[test]
    fn load_balancer_and_listener_fields_follow_the_config_schema() {
        let lb = LoadBalancer::builder()
            .load_balancer_arn("arn:lb")
            .load_balancer_name("web")
            .r#type(LoadBalancerTypeEnum::Application)
            .build();
        let c = configuration(&lb);
        assert_eq!(c["type"], "application");
        assert_eq!(c["loadBalancerName"], "web");
        let l = Listener::builder()
            .listener_arn("arn:listener")
            .load_balancer_arn("arn:lb")
            .protocol(ProtocolEnum::Http)
            .port(80)
            .default_actions(
                Action::builder()
                    .r#type(ActionTypeEnum::Redirect)
                    .redirect_config(
                        RedirectActionConfig::builder()
                            .protocol("HTTPS")
                            .status_code(RedirectActionStatusCodeEnum::Http301)
                            .build(),
                    )
                    .build(),
            )
            .build();
        let c = listener_configuration(&l);
        assert_eq!(c["Protocol"], "HTTP");
        assert_eq!(c["DefaultActions"][0]["Type"], "redirect");
        assert_eq!(
            c["DefaultActions"][0]["RedirectConfig"]["Protocol"],
            "HTTPS"
        );
        assert_eq!(
            c["DefaultActions"][0]["RedirectConfig"]["StatusCode"],
            "HTTP_301"
        );
    }
}
