//! `AWS::ElasticLoadBalancing::LoadBalancer` (Classic Load Balancers) from
//! `elasticloadbalancing:DescribeLoadBalancers`, with `DescribeLoadBalancerAttributes` and
//! `DescribeLoadBalancerPolicies` per load balancer.
//!
//! `configuration` uses the AWS Config resource schema's names (`loadBalancerName`, `dnsname`,
//! `listenerDescriptions[].listener.protocol`, `listenerDescriptions[].policyNames`,
//! `policies.otherPolicies`, `vpcid`, `healthCheck`…). The `LoadBalancerPolicies` supplementary
//! entry (`policyName`, `policyTypeName`, `policyAttributeDescriptions[].attributeName` /
//! `attributeValue`) is confirmed in the schema; the `LoadBalancerAttributes` entry
//! (`accessLog.enabled`, `crossZoneLoadBalancing.enabled`, `connectionDraining`,
//! `connectionSettings`) is not listed there and follows the API's shape in camelCase, as
//! CONTROLS-2 describes it. Config's resource id of a classic load balancer is its name. Tags are
//! not read. The classic API and ELBv2 share the IAM action names (`elasticloadbalancing:*`).

use super::{Ctx, port_error};
use crate::convert::{json_or_null, rfc3339_or_null, string_or_null};
use aws_sdk_elasticloadbalancing::types::{LoadBalancerAttributes, LoadBalancerDescription};
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_elasticloadbalancing::Client::new(&ctx.sdk);
    let mut found = Vec::new();
    let mut pages = client.describe_load_balancers().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page =
            page.map_err(|e| port_error("elasticloadbalancing:DescribeLoadBalancers", &e))?;
        found.extend(page.load_balancer_descriptions().iter().cloned());
    }
    ctx.for_each(
        found,
        |ctx, lb| async move { load_balancer(&ctx, &lb).await },
    )
    .await;
    Ok(())
}

async fn load_balancer(ctx: &Ctx, lb: &LoadBalancerDescription) {
    let Some(name) = lb.load_balancer_name() else {
        return;
    };
    let arn = ctx.arn("elasticloadbalancing", &format!("loadbalancer/{name}"));
    let mut parts = ctx.item(name, Some(name), Some(arn));
    parts.configuration = configuration(lb);
    let client = aws_sdk_elasticloadbalancing::Client::new(&ctx.sdk);
    match client
        .describe_load_balancer_attributes()
        .load_balancer_name(name)
        .send()
        .await
    {
        Ok(out) => {
            if let Some(attributes) = out.load_balancer_attributes() {
                parts.supplementary.insert(
                    "LoadBalancerAttributes".to_owned(),
                    attributes_json(attributes),
                );
            }
        }
        // Left out: the attribute controls then say the attributes are not recorded.
        Err(e) => ctx.out.failure(
            Some(name),
            port_error("elasticloadbalancing:DescribeLoadBalancerAttributes", &e),
        ),
    }
    match client
        .describe_load_balancer_policies()
        .load_balancer_name(name)
        .send()
        .await
    {
        Ok(out) => {
            let policies: Vec<Value> = out
                .policy_descriptions()
                .iter()
                .map(|p| json!({
                    "policyName": string_or_null(p.policy_name()),
                    "policyTypeName": string_or_null(p.policy_type_name()),
                    "policyAttributeDescriptions": p.policy_attribute_descriptions().iter().map(|a| json!({
                        "attributeName": string_or_null(a.attribute_name()),
                        "attributeValue": string_or_null(a.attribute_value()),
                    })).collect::<Vec<_>>(),
                }))
                .collect();
            parts
                .supplementary
                .insert("LoadBalancerPolicies".to_owned(), Value::Array(policies));
        }
        Err(e) => ctx.out.failure(
            Some(name),
            port_error("elasticloadbalancing:DescribeLoadBalancerPolicies", &e),
        ),
    }
    ctx.out.item(parts.build()).await;
}

fn attributes_json(a: &LoadBalancerAttributes) -> Value {
    json!({
        "crossZoneLoadBalancing": a.cross_zone_load_balancing().map_or(Value::Null, |c| json!({
            "enabled": c.enabled(),
        })),
        "accessLog": a.access_log().map_or(Value::Null, |l| json!({
            "enabled": l.enabled(),
            "s3BucketName": string_or_null(l.s3_bucket_name()),
            "emitInterval": json_or_null(l.emit_interval()),
            "s3BucketPrefix": string_or_null(l.s3_bucket_prefix()),
        })),
        "connectionDraining": a.connection_draining().map_or(Value::Null, |c| json!({
            "enabled": c.enabled(),
            "timeout": json_or_null(c.timeout()),
        })),
        "connectionSettings": a.connection_settings().map_or(Value::Null, |c| json!({
            "idleTimeout": c.idle_timeout(),
        })),
        "additionalAttributes": a.additional_attributes().iter().map(|x| json!({
            "key": string_or_null(x.key()), "value": string_or_null(x.value()),
        })).collect::<Vec<_>>(),
    })
}

/// The Config `configuration` of a classic load balancer.
pub(super) fn configuration(lb: &LoadBalancerDescription) -> Value {
    json!({
        "loadBalancerName": string_or_null(lb.load_balancer_name()),
        "dnsname": string_or_null(lb.dns_name()),
        "canonicalHostedZoneName": string_or_null(lb.canonical_hosted_zone_name()),
        "canonicalHostedZoneNameID": string_or_null(lb.canonical_hosted_zone_name_id()),
        "listenerDescriptions": lb.listener_descriptions().iter().map(|d| json!({
            "listener": d.listener().map_or(Value::Null, |l| json!({
                "protocol": l.protocol(),
                "loadBalancerPort": l.load_balancer_port(),
                "instanceProtocol": string_or_null(l.instance_protocol()),
                "instancePort": l.instance_port(),
                "sslcertificateId": string_or_null(l.ssl_certificate_id()),
            })),
            "policyNames": d.policy_names(),
        })).collect::<Vec<_>>(),
        "policies": lb.policies().map_or(Value::Null, |p| json!({
            "appCookieStickinessPolicies": p.app_cookie_stickiness_policies().iter().map(|a| json!({
                "policyName": string_or_null(a.policy_name()),
                "cookieName": string_or_null(a.cookie_name()),
            })).collect::<Vec<_>>(),
            "lbcookieStickinessPolicies": p.lb_cookie_stickiness_policies().iter().map(|a| json!({
                "policyName": string_or_null(a.policy_name()),
                "cookieExpirationPeriod": json_or_null(a.cookie_expiration_period()),
            })).collect::<Vec<_>>(),
            "otherPolicies": p.other_policies(),
        })),
        "backendServerDescriptions": lb.backend_server_descriptions().iter().map(|b| json!({
            "instancePort": json_or_null(b.instance_port()),
            "policyNames": b.policy_names(),
        })).collect::<Vec<_>>(),
        "availabilityZones": lb.availability_zones(),
        "subnets": lb.subnets(),
        "vpcid": string_or_null(lb.vpc_id()),
        "instances": lb.instances().iter().map(|i| json!({
            "instanceId": string_or_null(i.instance_id()),
        })).collect::<Vec<_>>(),
        "healthCheck": lb.health_check().map_or(Value::Null, |h| json!({
            "target": h.target(),
            "interval": h.interval(),
            "timeout": h.timeout(),
            "unhealthyThreshold": h.unhealthy_threshold(),
            "healthyThreshold": h.healthy_threshold(),
        })),
        "sourceSecurityGroup": lb.source_security_group().map_or(Value::Null, |s| json!({
            "ownerAlias": string_or_null(s.owner_alias()),
            "groupName": string_or_null(s.group_name()),
        })),
        "securityGroups": lb.security_groups(),
        "createdTime": rfc3339_or_null(lb.created_time()),
        "scheme": string_or_null(lb.scheme()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_elasticloadbalancing::types::{AccessLog, Listener, ListenerDescription};

    #[test]
    fn classic_fields_follow_the_config_schema() {
        let lb = LoadBalancerDescription::builder()
            .load_balancer_name("legacy-web")
            .listener_descriptions(
                ListenerDescription::builder()
                    .listener(
                        Listener::builder()
                            .protocol("HTTPS")
                            .load_balancer_port(443)
                            .instance_port(80)
                            .build()
                            .unwrap(),
                    )
                    .policy_names("ELBSecurityPolicy-TLS-1-2-2017-01")
                    .build(),
            )
            .build();
        let c = configuration(&lb);
        assert_eq!(c["loadBalancerName"], "legacy-web");
        assert_eq!(
            c["listenerDescriptions"][0]["listener"]["protocol"],
            "HTTPS"
        );
        assert_eq!(
            c["listenerDescriptions"][0]["policyNames"][0],
            "ELBSecurityPolicy-TLS-1-2-2017-01"
        );
        let a = LoadBalancerAttributes::builder()
            .access_log(AccessLog::builder().enabled(false).build())
            .build();
        assert_eq!(attributes_json(&a)["accessLog"]["enabled"], false);
    }
}
