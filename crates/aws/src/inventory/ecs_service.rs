//! `AWS::ECS::Service` from `ecs:ListClusters`, then per cluster `ecs:ListServices` and
//! `ecs:DescribeServices` (with tags). Field names: the Config resource schema's, confirmed there —
//! note `NetworkConfiguration.AwsvpcConfiguration` (lower-case v) in this type, unlike the task
//! set's `AwsVpcConfiguration`.

use super::{Ctx, ecs};
use crate::convert::{json_or_null, string_or_null};
use aws_sdk_ecs::types::Service;
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_ecs::Client::new(&ctx.sdk);
    for (_, service) in ecs::every_service(ctx, &client).await? {
        let (Some(name), Some(arn)) = (service.service_name(), service.service_arn()) else {
            continue;
        };
        // Config's resource id of a service is its ARN (names repeat across clusters).
        let mut parts = ctx.item(arn, Some(name), Some(arn.to_owned()));
        parts.tags = ecs::tags(service.tags());
        parts.configuration = configuration(&service);
        ctx.out.item(parts.build()).await;
    }
    Ok(())
}

/// The Config `configuration` of a service.
pub(super) fn configuration(s: &Service) -> Value {
    let network = s.network_configuration().map_or(Value::Null, |n| {
        ecs::network_configuration(n.awsvpc_configuration(), "AwsvpcConfiguration")
    });
    json!({
        "ServiceArn": string_or_null(s.service_arn()),
        "ServiceName": string_or_null(s.service_name()),
        "Name": string_or_null(s.service_name()),
        "Cluster": string_or_null(s.cluster_arn()),
        "CapacityProviderStrategy": ecs::capacity_provider_strategy(s.capacity_provider_strategy()),
        "DeploymentConfiguration": s.deployment_configuration().map_or(Value::Null, |d| json!({
            "DeploymentCircuitBreaker": d.deployment_circuit_breaker().map_or(Value::Null, |b| json!({
                "Enable": b.enable(), "Rollback": b.rollback()
            })),
            "MaximumPercent": json_or_null(d.maximum_percent()),
            "MinimumHealthyPercent": json_or_null(d.minimum_healthy_percent()),
        })),
        "DeploymentController": s.deployment_controller().map_or(Value::Null, |d| json!({
            "Type": d.r#type().as_str()
        })),
        "DesiredCount": s.desired_count(),
        "EnableECSManagedTags": s.enable_ecs_managed_tags(),
        "EnableExecuteCommand": s.enable_execute_command(),
        "HealthCheckGracePeriodSeconds": json_or_null(s.health_check_grace_period_seconds()),
        "LaunchType": string_or_null(s.launch_type().map(|x| x.as_str())),
        "LoadBalancers": ecs::load_balancers(s.load_balancers()),
        "NetworkConfiguration": network,
        "PlacementConstraints": s.placement_constraints().iter().map(|p| json!({
            "Expression": string_or_null(p.expression()),
            "Type": string_or_null(p.r#type().map(|x| x.as_str())),
        })).collect::<Vec<_>>(),
        "PlacementStrategies": s.placement_strategy().iter().map(|p| json!({
            "Field": string_or_null(p.field()),
            "Type": string_or_null(p.r#type().map(|x| x.as_str())),
        })).collect::<Vec<_>>(),
        "PlatformVersion": string_or_null(s.platform_version()),
        "PropagateTags": string_or_null(s.propagate_tags().map(|x| x.as_str())),
        "Role": string_or_null(s.role_arn()),
        "SchedulingStrategy": string_or_null(s.scheduling_strategy().map(|x| x.as_str())),
        "ServiceRegistries": ecs::service_registries(s.service_registries()),
        "TaskDefinition": string_or_null(s.task_definition()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ecs::types::{AssignPublicIp, AwsVpcConfiguration, NetworkConfiguration};

    #[test]
    fn the_service_spells_awsvpc_as_config_does() {
        let s = Service::builder()
            .service_name("web")
            .network_configuration(
                NetworkConfiguration::builder()
                    .awsvpc_configuration(
                        AwsVpcConfiguration::builder()
                            .subnets("subnet-1")
                            .assign_public_ip(AssignPublicIp::Enabled)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .build();
        let v = configuration(&s);
        assert_eq!(
            v["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"],
            "ENABLED"
        );
        assert_eq!(
            v["NetworkConfiguration"]["AwsvpcConfiguration"]["Subnets"][0],
            "subnet-1"
        );
    }
}
