//! `AWS::DynamoDB::Table` from `dynamodb:ListTables`, `dynamodb:DescribeTable` per table and
//! `dynamodb:DescribeContinuousBackups` (the `ContinuousBackupsDescription` supplementary entry,
//! as Config records it). Field names follow the AWS Config resource schema (camelCase:
//! `tableName`, `billingModeSummary.billingMode`, `globalSecondaryIndexes[].indexName`,
//! `ssedescription`, `supplementaryConfiguration.ContinuousBackupsDescription
//! .pointInTimeRecoveryDescription.pointInTimeRecoveryStatus`); `deletionProtectionEnabled` is
//! not in the schema and is written as `DescribeTable` names it. Tags are not read. Auto scaling
//! is evidence (`sidewatch:DynamoDbAutoScaling`).

use super::{Ctx, port_error};
use crate::convert::{json_or_null, rfc3339_or_null, string_or_null};
use aws_sdk_dynamodb::types::{
    ContinuousBackupsDescription, KeySchemaElement, Projection, ProvisionedThroughputDescription,
    TableDescription,
};
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_dynamodb::Client::new(&ctx.sdk);
    let mut names = Vec::new();
    let mut pages = client.list_tables().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("dynamodb:ListTables", &e))?;
        names.extend(page.table_names().iter().cloned());
    }
    ctx.for_each(names, |ctx, name| async move { table(&ctx, &name).await })
        .await;
    Ok(())
}

async fn table(ctx: &Ctx, name: &str) {
    let client = aws_sdk_dynamodb::Client::new(&ctx.sdk);
    let described = match client.describe_table().table_name(name).send().await {
        Ok(out) => out,
        Err(e) => {
            ctx.out
                .failure(Some(name), port_error("dynamodb:DescribeTable", &e));
            return;
        }
    };
    let Some(t) = described.table() else {
        return;
    };
    let arn = t.table_arn().map_or_else(
        || ctx.arn("dynamodb", &format!("table/{name}")),
        str::to_owned,
    );
    // Config's resource id of a table is its name.
    let mut parts = ctx.item(name, Some(name), Some(arn));
    parts.configuration = configuration(t);
    match client
        .describe_continuous_backups()
        .table_name(name)
        .send()
        .await
    {
        Ok(out) => {
            if let Some(backups) = out.continuous_backups_description() {
                parts.supplementary.insert(
                    "ContinuousBackupsDescription".to_owned(),
                    continuous_backups(backups),
                );
            }
        }
        // Left out: the point-in-time recovery control then says it is not recorded.
        Err(e) => ctx.out.failure(
            Some(name),
            port_error("dynamodb:DescribeContinuousBackups", &e),
        ),
    }
    ctx.out.item(parts.build()).await;
}

fn key_schema(keys: &[KeySchemaElement]) -> Value {
    keys.iter()
        .map(|k| json!({"attributeName": k.attribute_name(), "keyType": k.key_type().as_str()}))
        .collect()
}

fn projection(p: Option<&Projection>) -> Value {
    p.map_or(Value::Null, |p| {
        json!({
            "projectionType": string_or_null(p.projection_type().map(|t| t.as_str())),
            "nonKeyAttributes": p.non_key_attributes(),
        })
    })
}

fn throughput(p: Option<&ProvisionedThroughputDescription>) -> Value {
    p.map_or(Value::Null, |p| {
        json!({
            "lastIncreaseDateTime": rfc3339_or_null(p.last_increase_date_time()),
            "lastDecreaseDateTime": rfc3339_or_null(p.last_decrease_date_time()),
            "numberOfDecreasesToday": json_or_null(p.number_of_decreases_today()),
            "readCapacityUnits": json_or_null(p.read_capacity_units()),
            "writeCapacityUnits": json_or_null(p.write_capacity_units()),
        })
    })
}

/// The Config `configuration` of a table.
pub(super) fn configuration(t: &TableDescription) -> Value {
    json!({
        "attributeDefinitions": t.attribute_definitions().iter().map(|a| json!({
            "attributeName": a.attribute_name(), "attributeType": a.attribute_type().as_str()
        })).collect::<Vec<_>>(),
        "tableName": string_or_null(t.table_name()),
        "keySchema": key_schema(t.key_schema()),
        "tableStatus": string_or_null(t.table_status().map(|s| s.as_str())),
        "creationDateTime": rfc3339_or_null(t.creation_date_time()),
        "provisionedThroughput": throughput(t.provisioned_throughput()),
        "tableSizeBytes": json_or_null(t.table_size_bytes()),
        "itemCount": json_or_null(t.item_count()),
        "tableArn": string_or_null(t.table_arn()),
        "tableId": string_or_null(t.table_id()),
        "billingModeSummary": t.billing_mode_summary().map_or(Value::Null, |b| json!({
            "billingMode": string_or_null(b.billing_mode().map(|m| m.as_str())),
            "lastUpdateToPayPerRequestDateTime":
                rfc3339_or_null(b.last_update_to_pay_per_request_date_time()),
        })),
        "localSecondaryIndexes": t.local_secondary_indexes().iter().map(|i| json!({
            "indexName": string_or_null(i.index_name()),
            "keySchema": key_schema(i.key_schema()),
            "projection": projection(i.projection()),
            "indexArn": string_or_null(i.index_arn()),
        })).collect::<Vec<_>>(),
        "globalSecondaryIndexes": t.global_secondary_indexes().iter().map(|i| json!({
            "indexName": string_or_null(i.index_name()),
            "keySchema": key_schema(i.key_schema()),
            "projection": projection(i.projection()),
            "indexStatus": string_or_null(i.index_status().map(|s| s.as_str())),
            "backfilling": json_or_null(i.backfilling()),
            "provisionedThroughput": throughput(i.provisioned_throughput()),
            "indexSizeBytes": json_or_null(i.index_size_bytes()),
            "itemCount": json_or_null(i.item_count()),
            "indexArn": string_or_null(i.index_arn()),
        })).collect::<Vec<_>>(),
        "streamSpecification": t.stream_specification().map_or(Value::Null, |s| json!({
            "streamEnabled": s.stream_enabled(),
            "streamViewType": string_or_null(s.stream_view_type().map(|v| v.as_str())),
        })),
        "latestStreamLabel": string_or_null(t.latest_stream_label()),
        "latestStreamArn": string_or_null(t.latest_stream_arn()),
        "globalTableVersion": string_or_null(t.global_table_version()),
        "ssedescription": t.sse_description().map_or(Value::Null, |s| json!({
            "status": string_or_null(s.status().map(|x| x.as_str())),
            "ssetype": string_or_null(s.sse_type().map(|x| x.as_str())),
            "kmsmasterKeyArn": string_or_null(s.kms_master_key_arn()),
        })),
        "tableClassSummary": t.table_class_summary().map_or(Value::Null, |c| json!({
            "tableClass": string_or_null(c.table_class().map(|x| x.as_str())),
        })),
        "deletionProtectionEnabled": json_or_null(t.deletion_protection_enabled()),
    })
}

/// The `ContinuousBackupsDescription` supplementary entry, with Config's camelCase names.
fn continuous_backups(b: &ContinuousBackupsDescription) -> Value {
    json!({
        "continuousBackupsStatus": b.continuous_backups_status().as_str(),
        "pointInTimeRecoveryDescription": b.point_in_time_recovery_description().map_or(
            Value::Null,
            |p| json!({
                "pointInTimeRecoveryStatus":
                    string_or_null(p.point_in_time_recovery_status().map(|s| s.as_str())),
                "earliestRestorableDateTime": rfc3339_or_null(p.earliest_restorable_date_time()),
                "latestRestorableDateTime": rfc3339_or_null(p.latest_restorable_date_time()),
            }),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::{
        BillingMode, BillingModeSummary, ContinuousBackupsStatus, PointInTimeRecoveryDescription,
        PointInTimeRecoveryStatus,
    };

    #[test]
    fn table_fields_follow_the_config_schema() {
        let t = TableDescription::builder()
            .table_name("orders")
            .billing_mode_summary(
                BillingModeSummary::builder()
                    .billing_mode(BillingMode::PayPerRequest)
                    .build(),
            )
            .deletion_protection_enabled(false)
            .build();
        let c = configuration(&t);
        assert_eq!(c["tableName"], "orders");
        assert_eq!(c["billingModeSummary"]["billingMode"], "PAY_PER_REQUEST");
        assert_eq!(c["deletionProtectionEnabled"], false);
        let b = ContinuousBackupsDescription::builder()
            .continuous_backups_status(ContinuousBackupsStatus::Enabled)
            .point_in_time_recovery_description(
                PointInTimeRecoveryDescription::builder()
                    .point_in_time_recovery_status(PointInTimeRecoveryStatus::Disabled)
                    .build(),
            )
            .build()
            .unwrap();
        let s = continuous_backups(&b);
        assert_eq!(
            s["pointInTimeRecoveryDescription"]["pointInTimeRecoveryStatus"],
            "DISABLED"
        );
    }
}
