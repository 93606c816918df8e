//! `AWS::RDS::DBSnapshot` from `rds:DescribeDBSnapshots` (the account's own manual and automated
//! snapshots; tags come with the answer) and `rds:DescribeDBSnapshotAttributes` per snapshot,
//! recorded as Config does in `supplementaryConfiguration.DBSnapshotAttributes`
//! (`[{attributeName, attributeValues}]`, confirmed in the Config resource schema; RDS.1 reads
//! the `restore` attribute).
//!
//! Every snapshot has a `restore` attribute, so a failed attribute read is not "no sharing": the
//! entry holds the evidence-error object instead, which no control can read as private.

use super::{Ctx, key_value_tags, port_error, unreadable};
use crate::convert::{json_or_null, rfc3339_or_null, string_or_null};
use aws_sdk_rds::types::DbSnapshot;
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_rds::Client::new(&ctx.sdk);
    let mut snapshots = Vec::new();
    let mut pages = client.describe_db_snapshots().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("rds:DescribeDBSnapshots", &e))?;
        snapshots.extend(page.db_snapshots().iter().cloned());
    }
    ctx.for_each(snapshots, |ctx, s| async move { snapshot(&ctx, &s).await })
        .await;
    Ok(())
}

async fn snapshot(ctx: &Ctx, s: &DbSnapshot) {
    let Some(name) = s.db_snapshot_identifier() else {
        return;
    };
    let arn = s.db_snapshot_arn().map_or_else(
        || ctx.arn("rds", &format!("snapshot:{name}")),
        str::to_owned,
    );
    let mut parts = ctx.item(name, Some(name), Some(arn));
    parts.availability_zone = s.availability_zone().map(str::to_owned);
    parts.tags = key_value_tags(s.tag_list().iter().map(|t| (t.key(), t.value()))).1;
    parts.configuration = configuration(s);
    let client = aws_sdk_rds::Client::new(&ctx.sdk);
    let attributes = match client
        .describe_db_snapshot_attributes()
        .db_snapshot_identifier(name)
        .send()
        .await
    {
        Ok(out) => attributes(
            out.db_snapshot_attributes_result()
                .map(|r| r.db_snapshot_attributes())
                .unwrap_or_default()
                .iter()
                .map(|a| (a.attribute_name(), a.attribute_values())),
        ),
        Err(e) => {
            let error = port_error("rds:DescribeDBSnapshotAttributes", &e);
            ctx.out.failure(Some(name), error.clone());
            unreadable(&error)
        }
    };
    parts
        .supplementary
        .insert("DBSnapshotAttributes".to_owned(), attributes);
    ctx.out.item(parts.build()).await;
}

/// Snapshot attributes as Config records them: `[{attributeName, attributeValues}]`.
pub(super) fn attributes<'a>(
    pairs: impl Iterator<Item = (Option<&'a str>, &'a [String])>,
) -> Value {
    pairs
        .map(|(name, values)| json!({"attributeName": string_or_null(name), "attributeValues": values}))
        .collect()
}

/// The Config `configuration` of a DB snapshot (Config's spelling: `dBSnapshotIdentifier`,
/// `dBInstanceIdentifier`, `iAMDatabaseAuthenticationEnabled`).
pub(super) fn configuration(s: &DbSnapshot) -> Value {
    json!({
        "dBSnapshotIdentifier": string_or_null(s.db_snapshot_identifier()),
        "dBSnapshotArn": string_or_null(s.db_snapshot_arn()),
        "dBInstanceIdentifier": string_or_null(s.db_instance_identifier()),
        "dbiResourceId": string_or_null(s.dbi_resource_id()),
        "snapshotCreateTime": rfc3339_or_null(s.snapshot_create_time()),
        "instanceCreateTime": rfc3339_or_null(s.instance_create_time()),
        "engine": string_or_null(s.engine()),
        "engineVersion": string_or_null(s.engine_version()),
        "allocatedStorage": json_or_null(s.allocated_storage()),
        "status": string_or_null(s.status()),
        "port": json_or_null(s.port()),
        "availabilityZone": string_or_null(s.availability_zone()),
        "vpcId": string_or_null(s.vpc_id()),
        "masterUsername": string_or_null(s.master_username()),
        "licenseModel": string_or_null(s.license_model()),
        "snapshotType": string_or_null(s.snapshot_type()),
        "iops": json_or_null(s.iops()),
        "optionGroupName": string_or_null(s.option_group_name()),
        "percentProgress": json_or_null(s.percent_progress()),
        "sourceRegion": string_or_null(s.source_region()),
        "sourceDBSnapshotIdentifier": string_or_null(s.source_db_snapshot_identifier()),
        "storageType": string_or_null(s.storage_type()),
        "tdeCredentialArn": string_or_null(s.tde_credential_arn()),
        "encrypted": json_or_null(s.encrypted()),
        "kmsKeyId": string_or_null(s.kms_key_id()),
        "timezone": string_or_null(s.timezone()),
        "iAMDatabaseAuthenticationEnabled": json_or_null(s.iam_database_authentication_enabled()),
        "processorFeatures": s.processor_features().iter().map(|p| json!({
            "name": string_or_null(p.name()), "value": string_or_null(p.value())
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_fields_and_attributes_follow_config() {
        let s = DbSnapshot::builder()
            .db_snapshot_identifier("orders-final")
            .encrypted(false)
            .build();
        let v = configuration(&s);
        assert_eq!(v["dBSnapshotIdentifier"], "orders-final");
        assert_eq!(v["encrypted"], false);
        let values = vec!["all".to_owned()];
        assert_eq!(
            attributes([(Some("restore"), values.as_slice())].into_iter()),
            json!([{"attributeName": "restore", "attributeValues": ["all"]}])
        );
    }
}
