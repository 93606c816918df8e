//! `AWS::RDS::DBInstance` from `rds:DescribeDBInstances` (tags come with the answer).

use super::{Ctx, ItemParts, key_value_tags, port_error};
use crate::convert::{json_or_null, rfc3339_or_null, string_or_null};
use aws_sdk_rds::types::DbInstance;
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_rds::Client::new(&ctx.sdk);
    let mut pages = client.describe_db_instances().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("rds:DescribeDBInstances", &e))?;
        for db in page.db_instances() {
            if let Some(item) = item(ctx, db) {
                ctx.out.item(item.build()).await;
            }
        }
    }
    Ok(())
}

fn item(ctx: &Ctx, db: &DbInstance) -> Option<ItemParts> {
    let name = db.db_instance_identifier()?;
    // Config's resource id of a DB instance is its DbiResourceId.
    let id = db.dbi_resource_id().unwrap_or(name);
    let arn = db
        .db_instance_arn()
        .map_or_else(|| ctx.arn("rds", &format!("db:{name}")), str::to_owned);
    let mut parts = ctx.item(id, Some(name), Some(arn));
    let (_, map) = key_value_tags(db.tag_list().iter().map(|t| (t.key(), t.value())));
    parts.tags = map;
    parts.availability_zone = db.availability_zone().map(str::to_owned);
    parts.configuration = configuration(db);
    Some(parts)
}

/// The Config `configuration` of a DB instance (Config's field spelling: `dBInstanceIdentifier`,
/// `dBClusterIdentifier`…).
pub(super) fn configuration(db: &DbInstance) -> Value {
    json!({
        "dBInstanceIdentifier": string_or_null(db.db_instance_identifier()),
        "dBInstanceClass": string_or_null(db.db_instance_class()),
        "engine": string_or_null(db.engine()),
        "dBInstanceStatus": string_or_null(db.db_instance_status()),
        "masterUsername": string_or_null(db.master_username()),
        "dBName": string_or_null(db.db_name()),
        "endpoint": db.endpoint().map_or(Value::Null, |e| json!({
            "address": string_or_null(e.address()), "port": json_or_null(e.port()), "hostedZoneId": string_or_null(e.hosted_zone_id())
        })),
        "allocatedStorage": json_or_null(db.allocated_storage()),
        "instanceCreateTime": rfc3339_or_null(db.instance_create_time()),
        "preferredBackupWindow": string_or_null(db.preferred_backup_window()),
        "backupRetentionPeriod": json_or_null(db.backup_retention_period()),
        "vpcSecurityGroups": db.vpc_security_groups().iter().map(|g| json!({
            "vpcSecurityGroupId": string_or_null(g.vpc_security_group_id()), "status": string_or_null(g.status())
        })).collect::<Vec<_>>(),
        "availabilityZone": string_or_null(db.availability_zone()),
        "dBSubnetGroup": db.db_subnet_group().map_or(Value::Null, |g| json!({
            "dBSubnetGroupName": string_or_null(g.db_subnet_group_name()),
            "vpcId": string_or_null(g.vpc_id()),
            "subnetGroupStatus": string_or_null(g.subnet_group_status()),
        })),
        "preferredMaintenanceWindow": string_or_null(db.preferred_maintenance_window()),
        "multiAZ": json_or_null(db.multi_az()),
        "engineVersion": string_or_null(db.engine_version()),
        "autoMinorVersionUpgrade": json_or_null(db.auto_minor_version_upgrade()),
        "readReplicaSourceDBInstanceIdentifier": string_or_null(db.read_replica_source_db_instance_identifier()),
        "readReplicaDBInstanceIdentifiers": db.read_replica_db_instance_identifiers(),
        "readReplicaDBClusterIdentifiers": db.read_replica_db_cluster_identifiers(),
        "licenseModel": string_or_null(db.license_model()),
        "iops": json_or_null(db.iops()),
        "publiclyAccessible": json_or_null(db.publicly_accessible()),
        "storageType": string_or_null(db.storage_type()),
        "dbInstancePort": json_or_null(db.db_instance_port()),
        "dBClusterIdentifier": string_or_null(db.db_cluster_identifier()),
        "storageEncrypted": json_or_null(db.storage_encrypted()),
        "kmsKeyId": string_or_null(db.kms_key_id()),
        "dbiResourceId": string_or_null(db.dbi_resource_id()),
        "cACertificateIdentifier": string_or_null(db.ca_certificate_identifier()),
        "copyTagsToSnapshot": json_or_null(db.copy_tags_to_snapshot()),
        "monitoringInterval": json_or_null(db.monitoring_interval()),
        "dBInstanceArn": string_or_null(db.db_instance_arn()),
        "iAMDatabaseAuthenticationEnabled": json_or_null(db.iam_database_authentication_enabled()),
        "performanceInsightsEnabled": json_or_null(db.performance_insights_enabled()),
        "enabledCloudwatchLogsExports": db.enabled_cloudwatch_logs_exports(),
        "deletionProtection": json_or_null(db.deletion_protection()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_fields_follow_config() {
        let db = DbInstance::builder()
            .db_instance_identifier("orders")
            .storage_encrypted(false)
            .publicly_accessible(true)
            .backup_retention_period(0)
            .auto_minor_version_upgrade(true)
            .build();
        let c = configuration(&db);
        assert_eq!(c["dBInstanceIdentifier"], "orders");
        assert_eq!(c["storageEncrypted"], false);
        assert_eq!(c["publiclyAccessible"], true);
        assert_eq!(c["backupRetentionPeriod"], 0);
        assert!(c["dBClusterIdentifier"].is_null());
        assert!(c["readReplicaSourceDBInstanceIdentifier"].is_null());
    }
}
