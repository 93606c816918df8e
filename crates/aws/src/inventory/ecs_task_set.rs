//! `AWS::ECS::TaskSet` from the services of every cluster (`ecs:ListClusters`, `ecs:ListServices`,
//! `ecs:DescribeServices`) and `ecs:DescribeTaskSets` (with tags) for each service deployed by an
//! `EXTERNAL` or `CODE_DEPLOY` controller — the only ones that have task sets (the API refuses
//! the call for the `ECS` controller). Field names: the Config resource schema's, confirmed there —
//! `NetworkConfiguration.AwsVpcConfiguration` (upper-case V) in this type.

use super::{Ctx, ecs, port_error};
use crate::convert::string_or_null;
use aws_sdk_ecs::types::{DeploymentControllerType, TaskSet, TaskSetField};
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_ecs::Client::new(&ctx.sdk);
    for (cluster, service) in ecs::every_service(ctx, &client).await? {
        let external = service.deployment_controller().is_some_and(|d| {
            matches!(
                d.r#type(),
                DeploymentControllerType::External | DeploymentControllerType::CodeDeploy
            )
        });
        let Some(service_arn) = service.service_arn().filter(|_| external) else {
            continue;
        };
        let out = match client
            .describe_task_sets()
            .cluster(&cluster)
            .service(service_arn)
            .include(TaskSetField::Tags)
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) => {
                ctx.out
                    .failure(Some(service_arn), port_error("ecs:DescribeTaskSets", &e));
                continue;
            }
        };
        ecs::report_failures(ctx, "ecs:DescribeTaskSets", out.failures());
        for set in out.task_sets() {
            let (Some(id), Some(arn)) = (set.id(), set.task_set_arn()) else {
                continue;
            };
            // The ARN as resource id: task set ids are unique only within their service.
            let mut parts = ctx.item(arn, Some(id), Some(arn.to_owned()));
            parts.tags = ecs::tags(set.tags());
            parts.configuration = configuration(set);
            ctx.out.item(parts.build()).await;
        }
    }
    Ok(())
}

/// The Config `configuration` of a task set.
pub(super) fn configuration(t: &TaskSet) -> Value {
    let network = t.network_configuration().map_or(Value::Null, |n| {
        ecs::network_configuration(n.awsvpc_configuration(), "AwsVpcConfiguration")
    });
    json!({
        "Id": string_or_null(t.id()),
        "Cluster": string_or_null(t.cluster_arn()),
        "Service": string_or_null(t.service_arn()),
        "ExternalId": string_or_null(t.external_id()),
        "LaunchType": string_or_null(t.launch_type().map(|x| x.as_str())),
        "LoadBalancers": ecs::load_balancers(t.load_balancers()),
        "NetworkConfiguration": network,
        "PlatformVersion": string_or_null(t.platform_version()),
        "Scale": t.scale().map_or(Value::Null, |s| json!({
            "Unit": string_or_null(s.unit().map(|x| x.as_str())), "Value": s.value()
        })),
        "ServiceRegistries": ecs::service_registries(t.service_registries()),
        "Status": string_or_null(t.status()),
        "TaskDefinition": string_or_null(t.task_definition()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ecs::types::{AssignPublicIp, AwsVpcConfiguration, NetworkConfiguration};

    #[test]
    fn the_task_set_spells_awsvpc_as_config_does() {
        let t = TaskSet::builder()
            .id("ecs-svc/1234567890")
            .network_configuration(
                NetworkConfiguration::builder()
                    .awsvpc_configuration(
                        AwsVpcConfiguration::builder()
                            .subnets("subnet-1")
                            .assign_public_ip(AssignPublicIp::Disabled)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .build();
        let v = configuration(&t);
        assert_eq!(
            v["NetworkConfiguration"]["AwsVpcConfiguration"]["AssignPublicIp"],
            "DISABLED"
        );
        assert!(
            v["NetworkConfiguration"]
                .get("AwsvpcConfiguration")
                .is_none()
        );
    }
}
