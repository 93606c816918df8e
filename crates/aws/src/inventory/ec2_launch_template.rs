//! `AWS::EC2::LaunchTemplate` from `ec2:DescribeLaunchTemplates` and, per template,
//! `ec2:DescribeLaunchTemplateVersions` of its `$Default` version — the version AWS's rule judges.
//!
//! The Config resource schema writes this type in PascalCase (`LaunchTemplateName`,
//! `DefaultVersionNumber` and `LatestVersionNumber` as strings, `LaunchTemplateData.…`). The
//! launch template data built here is the part of the schema the controls and an engineer reading
//! a finding need (image, type, profile, groups, metadata options, network interfaces, block
//! devices, monitoring); other fields are left out, never written with a guessed value. A template
//! whose default version cannot be read gets no item and a reported failure: without its data, its
//! network interfaces cannot be judged.

use super::{Ctx, ItemParts, key_value_tags, port_error};
use crate::convert::{json_or_null, string_or_null};
use aws_sdk_ec2::types::{LaunchTemplate, ResponseLaunchTemplateData};
use serde_json::{Map, Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_ec2::Client::new(&ctx.sdk);
    let mut templates = Vec::new();
    let mut pages = client.describe_launch_templates().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("ec2:DescribeLaunchTemplates", &e))?;
        templates.extend(page.launch_templates().iter().cloned());
    }
    ctx.for_each(templates, move |ctx, template| {
        let client = client.clone();
        async move {
            let Some(id) = template.launch_template_id().map(str::to_owned) else {
                return;
            };
            match default_data(&client, &id).await {
                Ok(data) => {
                    let item = item(&ctx, &id, &template, data);
                    ctx.out.item(item.build()).await;
                }
                Err(error) => ctx.out.failure(Some(&id), error),
            }
        }
    })
    .await;
    Ok(())
}

/// The launch template data of the template's default version.
async fn default_data(
    client: &aws_sdk_ec2::Client,
    id: &str,
) -> Result<Option<ResponseLaunchTemplateData>, PortError> {
    let out = client
        .describe_launch_template_versions()
        .launch_template_id(id)
        .versions("$Default")
        .send()
        .await
        .map_err(|e| port_error("ec2:DescribeLaunchTemplateVersions", &e))?;
    Ok(out
        .launch_template_versions()
        .iter()
        .find(|v| v.default_version() == Some(true))
        .or(out.launch_template_versions().first())
        .and_then(|v| v.launch_template_data())
        .cloned())
}

fn item(
    ctx: &Ctx,
    id: &str,
    template: &LaunchTemplate,
    data: Option<ResponseLaunchTemplateData>,
) -> ItemParts {
    let name = template.launch_template_name();
    let mut parts = ctx.item(
        id,
        name,
        Some(ctx.arn("ec2", &format!("launch-template/{id}"))),
    );
    let (_, map) = key_value_tags(template.tags().iter().map(|t| (t.key(), t.value())));
    parts.tags = map;
    parts.configuration = configuration(template, data.as_ref());
    parts
}

/// The Config `configuration` of a launch template, with its default version's data.
pub(super) fn configuration(
    t: &LaunchTemplate,
    data: Option<&ResponseLaunchTemplateData>,
) -> Value {
    json!({
        "Id": string_or_null(t.launch_template_id()),
        "LaunchTemplateName": string_or_null(t.launch_template_name()),
        "DefaultVersionNumber": t.default_version_number().map_or(Value::Null, |n| n.to_string().into()),
        "LatestVersionNumber": t.latest_version_number().map_or(Value::Null, |n| n.to_string().into()),
        "LaunchTemplateData": data.map_or(Value::Null, launch_template_data),
    })
}

fn launch_template_data(d: &ResponseLaunchTemplateData) -> Value {
    let mut out = Map::new();
    let mut put = |key: &str, value: Value| {
        if !value.is_null() {
            out.insert(key.to_owned(), value);
        }
    };
    put("ImageId", string_or_null(d.image_id()));
    put(
        "InstanceType",
        string_or_null(d.instance_type().map(|t| t.as_str())),
    );
    put("KeyName", string_or_null(d.key_name()));
    put("EbsOptimized", json_or_null(d.ebs_optimized()));
    put(
        "DisableApiTermination",
        json_or_null(d.disable_api_termination()),
    );
    put("DisableApiStop", json_or_null(d.disable_api_stop()));
    put(
        "IamInstanceProfile",
        d.iam_instance_profile().map_or(
            Value::Null,
            |p| json!({"Arn": string_or_null(p.arn()), "Name": string_or_null(p.name())}),
        ),
    );
    put(
        "Monitoring",
        d.monitoring().map_or(
            Value::Null,
            |m| json!({"Enabled": json_or_null(m.enabled())}),
        ),
    );
    put(
        "MetadataOptions",
        d.metadata_options().map_or(Value::Null, |m| {
            json!({
                "HttpTokens": string_or_null(m.http_tokens().map(|x| x.as_str())),
                "HttpEndpoint": string_or_null(m.http_endpoint().map(|x| x.as_str())),
                "HttpPutResponseHopLimit": json_or_null(m.http_put_response_hop_limit()),
                "HttpProtocolIpv6": string_or_null(m.http_protocol_ipv6().map(|x| x.as_str())),
                "InstanceMetadataTags": string_or_null(m.instance_metadata_tags().map(|x| x.as_str())),
                "State": string_or_null(m.state().map(|x| x.as_str())),
            })
        }),
    );
    if !d.security_group_ids().is_empty() {
        put("SecurityGroupIds", json!(d.security_group_ids()));
    }
    if !d.security_groups().is_empty() {
        put("SecurityGroups", json!(d.security_groups()));
    }
    if !d.network_interfaces().is_empty() {
        let interfaces: Vec<Value> = d
            .network_interfaces()
            .iter()
            .map(|n| {
                json!({
                    "AssociateCarrierIpAddress": json_or_null(n.associate_carrier_ip_address()),
                    "AssociatePublicIpAddress": json_or_null(n.associate_public_ip_address()),
                    "DeleteOnTermination": json_or_null(n.delete_on_termination()),
                    "DeviceIndex": json_or_null(n.device_index()),
                    "Groups": n.groups(),
                    "InterfaceType": string_or_null(n.interface_type()),
                    "NetworkCardIndex": json_or_null(n.network_card_index()),
                    "NetworkInterfaceId": string_or_null(n.network_interface_id()),
                    "PrivateIpAddress": string_or_null(n.private_ip_address()),
                    "SubnetId": string_or_null(n.subnet_id()),
                })
            })
            .collect();
        put("NetworkInterfaces", Value::Array(interfaces));
    }
    if !d.block_device_mappings().is_empty() {
        let devices: Vec<Value> = d
            .block_device_mappings()
            .iter()
            .map(|b| {
                json!({
                    "DeviceName": string_or_null(b.device_name()),
                    "Ebs": b.ebs().map_or(Value::Null, |e| json!({
                        "DeleteOnTermination": json_or_null(e.delete_on_termination()),
                        "Encrypted": json_or_null(e.encrypted()),
                        "KmsKeyId": string_or_null(e.kms_key_id()),
                        "SnapshotId": string_or_null(e.snapshot_id()),
                        "VolumeSize": json_or_null(e.volume_size()),
                        "VolumeType": string_or_null(e.volume_type().map(|x| x.as_str())),
                    })),
                })
            })
            .collect();
        put("BlockDeviceMappings", Value::Array(devices));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::LaunchTemplateInstanceNetworkInterfaceSpecification;

    #[test]
    fn the_default_versions_interfaces_use_the_schema_names() {
        let template = LaunchTemplate::builder()
            .launch_template_id("lt-1")
            .launch_template_name("web")
            .default_version_number(2)
            .latest_version_number(3)
            .build();
        let data = ResponseLaunchTemplateData::builder()
            .image_id("ami-1")
            .network_interfaces(
                LaunchTemplateInstanceNetworkInterfaceSpecification::builder()
                    .device_index(0)
                    .associate_public_ip_address(true)
                    .build(),
            )
            .build();
        let c = configuration(&template, Some(&data));
        assert_eq!(c["DefaultVersionNumber"], "2");
        assert_eq!(
            c["LaunchTemplateData"]["NetworkInterfaces"][0]["AssociatePublicIpAddress"],
            true
        );
        assert_eq!(
            configuration(&template, None)["LaunchTemplateData"],
            Value::Null
        );
    }
}
