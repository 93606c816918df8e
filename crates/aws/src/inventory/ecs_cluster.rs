//! `AWS::ECS::Cluster` from `ecs:ListClusters` and `ecs:DescribeClusters` (100 at a time, with
//! settings, configurations and tags). Field names: the Config resource schema's
//! (`configuration.ClusterSettings[].Name`/`Value`, confirmed there; Container Insights is the
//! setting named `containerInsights`).

use super::{Ctx, ecs, port_error};
use crate::convert::{json_or_null, string_or_null};
use aws_sdk_ecs::types::{Cluster, ClusterField};
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

/// DescribeClusters takes at most this many clusters per call.
const CLUSTERS_PER_CALL: usize = 100;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_ecs::Client::new(&ctx.sdk);
    let arns = ecs::cluster_arns(&client).await?;
    for chunk in arns.chunks(CLUSTERS_PER_CALL) {
        let out = client
            .describe_clusters()
            .set_clusters(Some(chunk.to_vec()))
            .include(ClusterField::Settings)
            .include(ClusterField::Configurations)
            .include(ClusterField::Tags)
            .send()
            .await
            .map_err(|e| port_error("ecs:DescribeClusters", &e))?;
        ecs::report_failures(ctx, "ecs:DescribeClusters", out.failures());
        for cluster in out.clusters() {
            let Some(name) = cluster.cluster_name() else {
                continue;
            };
            let arn = cluster
                .cluster_arn()
                .map_or_else(|| ctx.arn("ecs", &format!("cluster/{name}")), str::to_owned);
            // Config's resource id of a cluster is its name.
            let mut parts = ctx.item(name, Some(name), Some(arn));
            parts.tags = ecs::tags(cluster.tags());
            parts.configuration = configuration(cluster);
            ctx.out.item(parts.build()).await;
        }
    }
    Ok(())
}

/// The Config `configuration` of a cluster.
pub(super) fn configuration(c: &Cluster) -> Value {
    let execute_command = c
        .configuration()
        .and_then(|x| x.execute_command_configuration())
        .map_or(Value::Null, |e| {
            json!({"ExecuteCommandConfiguration": {
                "KmsKeyId": string_or_null(e.kms_key_id()),
                "Logging": string_or_null(e.logging().map(|x| x.as_str())),
                "LogConfiguration": e.log_configuration().map_or(Value::Null, |l| json!({
                    "CloudWatchEncryptionEnabled": l.cloud_watch_encryption_enabled(),
                    "CloudWatchLogGroupName": string_or_null(l.cloud_watch_log_group_name()),
                    "S3BucketName": string_or_null(l.s3_bucket_name()),
                    "S3EncryptionEnabled": l.s3_encryption_enabled(),
                    "S3KeyPrefix": string_or_null(l.s3_key_prefix()),
                })),
            }})
        });
    json!({
        "Arn": string_or_null(c.cluster_arn()),
        "ClusterName": string_or_null(c.cluster_name()),
        "ClusterSettings": c.settings().iter().map(|s| json!({
            "Name": string_or_null(s.name().map(|x| x.as_str())),
            "Value": string_or_null(s.value()),
        })).collect::<Vec<_>>(),
        "CapacityProviders": c.capacity_providers(),
        "DefaultCapacityProviderStrategy": ecs::capacity_provider_strategy(c.default_capacity_provider_strategy()),
        "Configuration": execute_command,
        "Status": string_or_null(c.status()),
        "ActiveServicesCount": json_or_null(Some(c.active_services_count())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ecs::types::{ClusterSetting, ClusterSettingName};

    #[test]
    fn cluster_settings_follow_config() {
        let c = Cluster::builder()
            .cluster_name("orders")
            .settings(
                ClusterSetting::builder()
                    .name(ClusterSettingName::ContainerInsights)
                    .value("disabled")
                    .build(),
            )
            .build();
        let v = configuration(&c);
        assert_eq!(v["ClusterName"], "orders");
        assert_eq!(v["ClusterSettings"][0]["Name"], "containerInsights");
        assert_eq!(v["ClusterSettings"][0]["Value"], "disabled");
        assert!(v["Configuration"].is_null());
    }
}
