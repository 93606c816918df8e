//! `AWS::RDS::DBInstance` from `rds:DescribeDBInstances` (tags come with the answer).

use super::{Ctx, ItemParts, key_value_tags, o, port_error, s, t};
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
        "dBInstanceIdentifier": s(db.db_instance_identifier()),
        "dBInstanceClass": s(db.db_instance_class()),
        "engine": s(db.engine()),
        "dBInstanceStatus": s(db.db_instance_status()),
        "masterUsername": s(db.master_username()),
        "dBName": s(db.db_name()),
        "endpoint": db.endpoint().map_or(Value::Null, |e| json!({
            "address": s(e.address()), "port": o(e.port()), "hostedZoneId": s(e.hosted_zone_id())
        })),
        "allocatedStorage": o(db.allocated_storage()),
        "instanceCreateTime": t(db.instance_create_time()),
        "preferredBackupWindow": s(db.preferred_backup_window()),
        "backupRetentionPeriod": o(db.backup_retention_period()),
        "vpcSecurityGroups": db.vpc_security_groups().iter().map(|g| json!({
            "vpcSecurityGroupId": s(g.vpc_security_group_id()), "status": s(g.status())
        })).collect::<Vec<_>>(),
        "availabilityZone": s(db.availability_zone()),
        "dBSubnetGroup": db.db_subnet_group().map_or(Value::Null, |g| json!({
            "dBSubnetGroupName": s(g.db_subnet_group_name()),
            "vpcId": s(g.vpc_id()),
            "subnetGroupStatus": s(g.subnet_group_status()),
        })),
        "preferredMaintenanceWindow": s(db.preferred_maintenance_window()),
        "multiAZ": o(db.multi_az()),
        "engineVersion": s(db.engine_version()),
        "autoMinorVersionUpgrade": o(db.auto_minor_version_upgrade()),
        "readReplicaSourceDBInstanceIdentifier": s(db.read_replica_source_db_instance_identifier()),
        "readReplicaDBInstanceIdentifiers": db.read_replica_db_instance_identifiers(),
        "readReplicaDBClusterIdentifiers": db.read_replica_db_cluster_identifiers(),
        "licenseModel": s(db.license_model()),
        "iops": o(db.iops()),
        "publiclyAccessible": o(db.publicly_accessible()),
        "storageType": s(db.storage_type()),
        "dbInstancePort": o(db.db_instance_port()),
        "dBClusterIdentifier": s(db.db_cluster_identifier()),
        "storageEncrypted": o(db.storage_encrypted()),
        "kmsKeyId": s(db.kms_key_id()),
        "dbiResourceId": s(db.dbi_resource_id()),
        "cACertificateIdentifier": s(db.ca_certificate_identifier()),
        "copyTagsToSnapshot": o(db.copy_tags_to_snapshot()),
        "monitoringInterval": o(db.monitoring_interval()),
        "dBInstanceArn": s(db.db_instance_arn()),
        "iAMDatabaseAuthenticationEnabled": o(db.iam_database_authentication_enabled()),
        "performanceInsightsEnabled": o(db.performance_insights_enabled()),
        "enabledCloudwatchLogsExports": db.enabled_cloudwatch_logs_exports(),
        "deletionProtection": o(db.deletion_protection()),
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
