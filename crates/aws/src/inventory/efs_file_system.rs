//! `AWS::EFS::FileSystem` from `elasticfilesystem:DescribeFileSystems` (tags come with the
//! answer). Field names: the Config resource schema's, confirmed there (`Encrypted`, `KmsKeyId`,
//! `FileSystemId`, `PerformanceMode`, `ThroughputMode`). The schema's `BackupPolicy` and
//! `LifecyclePolicies` take one more read each and no control reads them; they are not collected.

use super::{Ctx, key_value_tags, port_error};
use crate::convert::{json_or_null, rfc3339_or_null, string_or_null};
use aws_sdk_efs::types::FileSystemDescription;
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_efs::Client::new(&ctx.sdk);
    let mut pages = client.describe_file_systems().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("elasticfilesystem:DescribeFileSystems", &e))?;
        for fs in page.file_systems() {
            let id = fs.file_system_id();
            let arn = fs.file_system_arn().map_or_else(
                || ctx.arn("elasticfilesystem", &format!("file-system/{id}")),
                str::to_owned,
            );
            let mut parts = ctx.item(id, fs.name(), Some(arn));
            parts.tags =
                key_value_tags(fs.tags().iter().map(|t| (Some(t.key()), Some(t.value())))).1;
            parts.configuration = configuration(fs);
            ctx.out.item(parts.build()).await;
        }
    }
    Ok(())
}

/// The Config `configuration` of a file system.
pub(super) fn configuration(fs: &FileSystemDescription) -> Value {
    json!({
        "FileSystemId": fs.file_system_id(),
        "Arn": string_or_null(fs.file_system_arn()),
        "Encrypted": json_or_null(fs.encrypted()),
        "KmsKeyId": string_or_null(fs.kms_key_id()),
        "PerformanceMode": fs.performance_mode().as_str(),
        "ThroughputMode": string_or_null(fs.throughput_mode().map(|x| x.as_str())),
        "ProvisionedThroughputInMibps": json_or_null(fs.provisioned_throughput_in_mibps()),
        "AvailabilityZoneName": string_or_null(fs.availability_zone_name()),
        "LifeCycleState": fs.life_cycle_state().as_str(),
        "CreationTime": rfc3339_or_null(Some(fs.creation_time())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_efs::types::{LifeCycleState, PerformanceMode};

    #[test]
    fn file_system_fields_follow_config() {
        let fs = FileSystemDescription::builder()
            .owner_id("123456789012")
            .creation_token("t")
            .file_system_id("fs-0123456789abcdef0")
            .creation_time(aws_smithy_types::DateTime::from_secs(0))
            .life_cycle_state(LifeCycleState::Available)
            .number_of_mount_targets(0)
            .performance_mode(PerformanceMode::GeneralPurpose)
            .encrypted(false)
            .set_tags(Some(Vec::new()))
            .build()
            .unwrap();
        let v = configuration(&fs);
        assert_eq!(v["FileSystemId"], "fs-0123456789abcdef0");
        assert_eq!(v["Encrypted"], false);
        assert_eq!(v["PerformanceMode"], "generalPurpose");
    }
}
