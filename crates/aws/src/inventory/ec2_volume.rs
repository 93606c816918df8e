//! `AWS::EC2::Volume` from `ec2:DescribeVolumes`.

use super::{Ctx, ItemParts, key_value_tags, o, port_error, s, t};
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
            "attachTime": t(a.attach_time()),
            "device": s(a.device()),
            "instanceId": s(a.instance_id()),
            "state": s(a.state().map(|x| x.as_str())),
            "volumeId": s(a.volume_id()),
            "deleteOnTermination": o(a.delete_on_termination()),
        })).collect::<Vec<_>>(),
        "availabilityZone": s(v.availability_zone()),
        "createTime": t(v.create_time()),
        "encrypted": o(v.encrypted()),
        "kmsKeyId": s(v.kms_key_id()),
        "outpostArn": s(v.outpost_arn()),
        "size": o(v.size()),
        "snapshotId": s(v.snapshot_id()),
        "state": v.state().map_or(Value::Null, |st| json!({"value": st.as_str()})),
        "volumeId": s(v.volume_id()),
        "iops": o(v.iops()),
        "tags": tags,
        "volumeType": s(v.volume_type().map(|x| x.as_str())),
        "fastRestored": o(v.fast_restored()),
        "multiAttachEnabled": o(v.multi_attach_enabled()),
        "throughput": o(v.throughput()),
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
