//! `AWS::RDS::DBCluster` from `rds:DescribeDBClusters` (tags come with the answer; Neptune and
//! DocumentDB clusters too, as Config records them under this type).
//!
//! Field names: the Config resource schema's, confirmed there — this type spells them
//! differently from `AWS::RDS::DBInstance`: `dbclusterIdentifier`, `dbclusterArn`,
//! `dbClusterResourceId`, `iamdatabaseAuthenticationEnabled`, `dbsubnetGroup`,
//! `dbclusterMembers[].dbinstanceIdentifier`. The schema's `availabilityZones.value` and
//! `endpoint.value` are written as a list of names and a string, as the API gives them
//! (no control reads them).

use super::{Ctx, ItemParts, key_value_tags, port_error};
use crate::convert::{joined, json_or_null, rfc3339_or_null, string_or_null};
use aws_sdk_rds::types::DbCluster;
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_rds::Client::new(&ctx.sdk);
    let mut pages = client.describe_db_clusters().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("rds:DescribeDBClusters", &e))?;
        for cluster in page.db_clusters() {
            if let Some(item) = item(ctx, cluster) {
                ctx.out.item(item.build()).await;
            }
        }
    }
    Ok(())
}

fn item(ctx: &Ctx, c: &DbCluster) -> Option<ItemParts> {
    let name = c.db_cluster_identifier()?;
    // Config's resource id of a DB cluster is its DbClusterResourceId.
    let id = c.db_cluster_resource_id().unwrap_or(name);
    let arn = c
        .db_cluster_arn()
        .map_or_else(|| ctx.arn("rds", &format!("cluster:{name}")), str::to_owned);
    let mut parts = ctx.item(id, Some(name), Some(arn));
    parts.tags = key_value_tags(c.tag_list().iter().map(|t| (t.key(), t.value()))).1;
    parts.configuration = configuration(c);
    Some(parts)
}

/// The Config `configuration` of a DB cluster.
pub(super) fn configuration(c: &DbCluster) -> Value {
    joined([
        json!({
            "dbclusterIdentifier": string_or_null(c.db_cluster_identifier()),
            "dbclusterArn": string_or_null(c.db_cluster_arn()),
            "dbClusterResourceId": string_or_null(c.db_cluster_resource_id()),
            "engine": string_or_null(c.engine()),
            "engineVersion": string_or_null(c.engine_version()),
            "engineMode": string_or_null(c.engine_mode()),
            "status": string_or_null(c.status()),
            "allocatedStorage": json_or_null(c.allocated_storage()),
            "availabilityZones": c.availability_zones(),
            "backupRetentionPeriod": json_or_null(c.backup_retention_period()),
            "databaseName": string_or_null(c.database_name()),
            "dbclusterParameterGroup": string_or_null(c.db_cluster_parameter_group()),
            "dbsubnetGroup": string_or_null(c.db_subnet_group()),
            "dbclusterInstanceClass": string_or_null(c.db_cluster_instance_class()),
            "endpoint": string_or_null(c.endpoint()),
            "readerEndpoint": string_or_null(c.reader_endpoint()),
            "customEndpoints": c.custom_endpoints(),
            "multiAZ": json_or_null(c.multi_az()),
            "port": json_or_null(c.port()),
            "masterUsername": string_or_null(c.master_username()),
            "preferredBackupWindow": string_or_null(c.preferred_backup_window()),
            "preferredMaintenanceWindow": string_or_null(c.preferred_maintenance_window()),
            "replicationSourceIdentifier": string_or_null(c.replication_source_identifier()),
            "readReplicaIdentifiers": c.read_replica_identifiers(),
            "dbclusterMembers": c.db_cluster_members().iter().map(|m| json!({
                "dbinstanceIdentifier": string_or_null(m.db_instance_identifier()),
                "isClusterWriter": json_or_null(m.is_cluster_writer()),
                "clusterWriter": json_or_null(m.is_cluster_writer()),
                "dbclusterParameterGroupStatus": string_or_null(m.db_cluster_parameter_group_status()),
                "promotionTier": json_or_null(m.promotion_tier()),
            })).collect::<Vec<_>>(),
            "vpcSecurityGroups": c.vpc_security_groups().iter().map(|g| json!({
                "vpcSecurityGroupId": string_or_null(g.vpc_security_group_id()), "status": string_or_null(g.status())
            })).collect::<Vec<_>>(),
        }),
        json!({
            "hostedZoneId": string_or_null(c.hosted_zone_id()),
            "storageEncrypted": json_or_null(c.storage_encrypted()),
            "kmsKeyId": string_or_null(c.kms_key_id()),
            "associatedRoles": c.associated_roles().iter().map(|r| json!({
                "roleArn": string_or_null(r.role_arn()),
                "featureName": string_or_null(r.feature_name()),
                "status": string_or_null(r.status()),
            })).collect::<Vec<_>>(),
            "iamdatabaseAuthenticationEnabled": json_or_null(c.iam_database_authentication_enabled()),
            "cloneGroupId": string_or_null(c.clone_group_id()),
            "clusterCreateTime": rfc3339_or_null(c.cluster_create_time()),
            "earliestBacktrackTime": rfc3339_or_null(c.earliest_backtrack_time()),
            "backtrackWindow": json_or_null(c.backtrack_window()),
            "backtrackConsumedChangeRecords": json_or_null(c.backtrack_consumed_change_records()),
            "enabledCloudwatchLogsExports": c.enabled_cloudwatch_logs_exports(),
            "capacity": json_or_null(c.capacity()),
            "storageType": string_or_null(c.storage_type()),
            "iops": json_or_null(c.iops()),
            "publiclyAccessible": json_or_null(c.publicly_accessible()),
            "autoMinorVersionUpgrade": json_or_null(c.auto_minor_version_upgrade()),
            "deletionProtection": json_or_null(c.deletion_protection()),
            "httpEndpointEnabled": json_or_null(c.http_endpoint_enabled()),
            "activityStreamMode": string_or_null(c.activity_stream_mode().map(|x| x.as_str())),
            "activityStreamStatus": string_or_null(c.activity_stream_status().map(|x| x.as_str())),
            "activityStreamKmsKeyId": string_or_null(c.activity_stream_kms_key_id()),
            "activityStreamKinesisStreamName": string_or_null(c.activity_stream_kinesis_stream_name()),
            "copyTagsToSnapshot": json_or_null(c.copy_tags_to_snapshot()),
            "crossAccountClone": json_or_null(c.cross_account_clone()),
            "globalWriteForwardingStatus": string_or_null(c.global_write_forwarding_status().map(|x| x.as_str())),
            "globalWriteForwardingRequested": json_or_null(c.global_write_forwarding_requested()),
            "networkType": string_or_null(c.network_type()),
            "automaticRestartTime": rfc3339_or_null(c.automatic_restart_time()),
            "monitoringInterval": json_or_null(c.monitoring_interval()),
            "monitoringRoleArn": string_or_null(c.monitoring_role_arn()),
            "performanceInsightsEnabled": json_or_null(c.performance_insights_enabled()),
            "performanceInsightsKMSKeyId": string_or_null(c.performance_insights_kms_key_id()),
            "performanceInsightsRetentionPeriod": json_or_null(c.performance_insights_retention_period()),
            "serverlessV2ScalingConfiguration": c.serverless_v2_scaling_configuration().map_or(Value::Null, |s| json!({
                "minCapacity": json_or_null(s.min_capacity()), "maxCapacity": json_or_null(s.max_capacity())
            })),
        }),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_fields_follow_config() {
        let c = DbCluster::builder()
            .db_cluster_identifier("orders")
            .db_cluster_resource_id("cluster-ABCDEFGHIJKL")
            .engine("aurora-postgresql")
            .deletion_protection(false)
            .storage_encrypted(true)
            .iam_database_authentication_enabled(false)
            .build();
        let v = configuration(&c);
        assert_eq!(v["dbclusterIdentifier"], "orders");
        assert_eq!(v["dbClusterResourceId"], "cluster-ABCDEFGHIJKL");
        assert_eq!(v["deletionProtection"], false);
        assert_eq!(v["storageEncrypted"], true);
        assert_eq!(v["iamdatabaseAuthenticationEnabled"], false);
    }
}
