//! `AWS::EC2::Volume` from `ec2:DescribeVolumes`.

use super::{Ctx, ItemParts, key_value_tags, port_error};
use crate::convert::{json_or_null, rfc3339_or_null, string_or_null};
use aws_sdk_ec2::types::Volume;
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_ec2::Client::new(&ctx.sdk);
    let mut pages = client.describe_volumes().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("ec2:DescribeVolumes", &e))?;
        for volume in page.volumes() {
            if let Some(item) = item(ctx, volume) {
                ctx.out.item(item.build()).await;
            }
        }
    }
    Ok(())
}

fn item(ctx: &Ctx, volume: &Volume) -> Option<ItemParts> {
    let id = volume.volume_id()?;
    let mut parts = ctx.item(id, None, Some(ctx.arn("ec2", &format!("volume/{id}"))));
    let (tags, map) = key_value_tags(volume.tags().iter().map(|t| (t.key(), t.value())));
    parts.tags = map;
    parts.availability_zone = volume.availability_zone().map(str::to_owned);
    parts.configuration = configuration(volume, tags);
    Some(parts)
}

/// The Config `configuration` of an EBS volume.
pub(super) fn configuration(v: &Volume, tags: Value) -> Value {
    json!({
        "attachments": v.attachments().iter().map(|a| json!({
            "attachTime": rfc3339_or_null(a.attach_time()),
            "device": string_or_null(a.device()),
            "instanceId": string_or_null(a.instance_id()),
            "state": string_or_null(a.state().map(|x| x.as_str())),
            "volumeId": string_or_null(a.volume_id()),
            "deleteOnTermination": json_or_null(a.delete_on_termination()),
        })).collect::<Vec<_>>(),
        "availabilityZone": string_or_null(v.availability_zone()),
        "createTime": rfc3339_or_null(v.create_time()),
        "encrypted": json_or_null(v.encrypted()),
        "kmsKeyId": string_or_null(v.kms_key_id()),
        "outpostArn": string_or_null(v.outpost_arn()),
        "size": json_or_null(v.size()),
        "snapshotId": string_or_null(v.snapshot_id()),
        "state": v.state().map_or(Value::Null, |st| json!({"value": st.as_str()})),
        "volumeId": string_or_null(v.volume_id()),
        "iops": json_or_null(v.iops()),
        "tags": tags,
        "volumeType": string_or_null(v.volume_type().map(|x| x.as_str())),
        "fastRestored": json_or_null(v.fast_restored()),
        "multiAttachEnabled": json_or_null(v.multi_attach_enabled()),
        "throughput": json_or_null(v.throughput()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::{VolumeAttachment, VolumeAttachmentState, VolumeState};

    #[test]
    fn volume_fields_follow_config() {
        let v = Volume::builder()
            .volume_id("vol-1")
            .encrypted(false)
            .state(VolumeState::InUse)
            .attachments(
                VolumeAttachment::builder()
                    .instance_id("i-1")
                    .state(VolumeAttachmentState::Attached)
                    .device("/dev/xvda")
                    .build(),
            )
            .build();
        let c = configuration(&v, json!([]));
        assert_eq!(c["encrypted"], false);
        assert_eq!(c["state"]["value"], "in-use");
        assert_eq!(c["attachments"][0]["state"], "attached");
        assert_eq!(c["attachments"][0]["instanceId"], "i-1");
    }
}
