//! `AWS::EC2::Instance` from `ec2:DescribeInstances` (terminated instances are skipped: Config
//! records them as deleted).

use super::{Ctx, ItemParts, key_value_tags, port_error};
use crate::convert::{json_or_null, rfc3339_or_null, string_or_null};
use aws_sdk_ec2::types::{
    Instance, InstanceNetworkInterface, InstanceNetworkInterfaceAssociation, InstanceStateName,
};
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_ec2::Client::new(&ctx.sdk);
    let mut pages = client.describe_instances().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("ec2:DescribeInstances", &e))?;
        for reservation in page.reservations() {
            for instance in reservation.instances() {
                let terminated = instance
                    .state()
                    .and_then(|st| st.name())
                    .is_some_and(|n| *n == InstanceStateName::Terminated);
                if terminated {
                    continue;
                }
                if let Some(item) = item(ctx, instance) {
                    ctx.out.item(item.build()).await;
                }
            }
        }
    }
    Ok(())
}

fn item(ctx: &Ctx, instance: &Instance) -> Option<ItemParts> {
    let id = instance.instance_id()?;
    let mut parts = ctx.item(id, None, Some(ctx.arn("ec2", &format!("instance/{id}"))));
    let (tags, map) = key_value_tags(instance.tags().iter().map(|t| (t.key(), t.value())));
    parts.tags = map;
    parts.availability_zone = instance
        .placement()
        .and_then(|p| p.availability_zone())
        .map(str::to_owned);
    parts.configuration = configuration(instance, tags);
    Some(parts)
}

fn association(a: Option<&InstanceNetworkInterfaceAssociation>) -> Value {
    a.map_or(Value::Null, |a| {
        json!({
            "carrierIp": string_or_null(a.carrier_ip()),
            "ipOwnerId": string_or_null(a.ip_owner_id()),
            "publicDnsName": string_or_null(a.public_dns_name()),
            "publicIp": string_or_null(a.public_ip()),
        })
    })
}

fn network_interface(n: &InstanceNetworkInterface) -> Value {
    json!({
        "association": association(n.association()),
        "attachment": n.attachment().map_or(Value::Null, |a| json!({
            "attachTime": rfc3339_or_null(a.attach_time()),
            "attachmentId": string_or_null(a.attachment_id()),
            "deleteOnTermination": json_or_null(a.delete_on_termination()),
            "deviceIndex": json_or_null(a.device_index()),
            "status": string_or_null(a.status().map(|x| x.as_str())),
            "networkCardIndex": json_or_null(a.network_card_index()),
        })),
        "description": string_or_null(n.description()),
        "groups": n.groups().iter().map(|g| json!({
            "groupName": string_or_null(g.group_name()), "groupId": string_or_null(g.group_id())
        })).collect::<Vec<_>>(),
        "interfaceType": string_or_null(n.interface_type()),
        "ipv6Addresses": n.ipv6_addresses().iter().map(|a| json!({"ipv6Address": string_or_null(a.ipv6_address())})).collect::<Vec<_>>(),
        "macAddress": string_or_null(n.mac_address()),
        "networkInterfaceId": string_or_null(n.network_interface_id()),
        "ownerId": string_or_null(n.owner_id()),
        "privateDnsName": string_or_null(n.private_dns_name()),
        "privateIpAddress": string_or_null(n.private_ip_address()),
        "privateIpAddresses": n.private_ip_addresses().iter().map(|p| json!({
            "association": association(p.association()),
            "primary": json_or_null(p.primary()),
            "privateDnsName": string_or_null(p.private_dns_name()),
            "privateIpAddress": string_or_null(p.private_ip_address()),
        })).collect::<Vec<_>>(),
        "sourceDestCheck": json_or_null(n.source_dest_check()),
        "status": string_or_null(n.status().map(|x| x.as_str())),
        "subnetId": string_or_null(n.subnet_id()),
        "vpcId": string_or_null(n.vpc_id()),
    })
}

/// The Config `configuration` of an instance: the fields of `DescribeInstances`' `Instance`.
pub(super) fn configuration(i: &Instance, tags: Value) -> Value {
    // The nested objects first: one `json!` per object keeps each macro expansion shallow.
    let monitoring = i.monitoring().map_or(
        Value::Null,
        |m| json!({"state": string_or_null(m.state().map(|x| x.as_str()))}),
    );
    let placement = i.placement().map_or(Value::Null, |p| {
        json!({
            "availabilityZone": string_or_null(p.availability_zone()),
            "groupName": string_or_null(p.group_name()),
            "tenancy": string_or_null(p.tenancy().map(|x| x.as_str())),
        })
    });
    let state = i.state().map_or(
        Value::Null,
        |st| json!({"code": json_or_null(st.code()), "name": string_or_null(st.name().map(|x| x.as_str()))}),
    );
    let block_device_mappings: Vec<Value> = i
        .block_device_mappings()
        .iter()
        .map(|b| {
            let ebs = b.ebs().map_or(Value::Null, |e| {
                json!({
                    "attachTime": rfc3339_or_null(e.attach_time()),
                    "deleteOnTermination": json_or_null(e.delete_on_termination()),
                    "status": string_or_null(e.status().map(|x| x.as_str())),
                    "volumeId": string_or_null(e.volume_id()),
                })
            });
            json!({"deviceName": string_or_null(b.device_name()), "ebs": ebs})
        })
        .collect();
    let iam_instance_profile = i.iam_instance_profile().map_or(
        Value::Null,
        |p| json!({"arn": string_or_null(p.arn()), "id": string_or_null(p.id())}),
    );
    let security_groups: Vec<Value> = i
        .security_groups()
        .iter()
        .map(|g| json!({"groupName": string_or_null(g.group_name()), "groupId": string_or_null(g.group_id())}))
        .collect();
    let metadata_options = i.metadata_options().map_or(Value::Null, |m| {
        json!({
            "state": string_or_null(m.state().map(|x| x.as_str())),
            "httpTokens": string_or_null(m.http_tokens().map(|x| x.as_str())),
            "httpPutResponseHopLimit": json_or_null(m.http_put_response_hop_limit()),
            "httpEndpoint": string_or_null(m.http_endpoint().map(|x| x.as_str())),
            "httpProtocolIpv6": string_or_null(m.http_protocol_ipv6().map(|x| x.as_str())),
            "instanceMetadataTags": string_or_null(m.instance_metadata_tags().map(|x| x.as_str())),
        })
    });
    let network_interfaces: Vec<Value> = i
        .network_interfaces()
        .iter()
        .map(network_interface)
        .collect();
    json!({
        "amiLaunchIndex": json_or_null(i.ami_launch_index()),
        "imageId": string_or_null(i.image_id()),
        "instanceId": string_or_null(i.instance_id()),
        "instanceType": string_or_null(i.instance_type().map(|x| x.as_str())),
        "kernelId": string_or_null(i.kernel_id()),
        "keyName": string_or_null(i.key_name()),
        "launchTime": rfc3339_or_null(i.launch_time()),
        "monitoring": monitoring,
        "placement": placement,
        "platform": string_or_null(i.platform().map(|x| x.as_str())),
        "privateDnsName": string_or_null(i.private_dns_name()),
        "privateIpAddress": string_or_null(i.private_ip_address()),
        "productCodes": [],
        "publicDnsName": string_or_null(i.public_dns_name()),
        "publicIpAddress": string_or_null(i.public_ip_address()),
        "ramdiskId": string_or_null(i.ramdisk_id()),
        "state": state,
        "stateTransitionReason": string_or_null(i.state_transition_reason()),
        "subnetId": string_or_null(i.subnet_id()),
        "vpcId": string_or_null(i.vpc_id()),
        "architecture": string_or_null(i.architecture().map(|x| x.as_str())),
        "blockDeviceMappings": block_device_mappings,
        "clientToken": string_or_null(i.client_token()),
        "ebsOptimized": json_or_null(i.ebs_optimized()),
        "enaSupport": json_or_null(i.ena_support()),
        "hypervisor": string_or_null(i.hypervisor().map(|x| x.as_str())),
        "iamInstanceProfile": iam_instance_profile,
        "instanceLifecycle": string_or_null(i.instance_lifecycle().map(|x| x.as_str())),
        "networkInterfaces": network_interfaces,
        "rootDeviceName": string_or_null(i.root_device_name()),
        "rootDeviceType": string_or_null(i.root_device_type().map(|x| x.as_str())),
        "securityGroups": security_groups,
        "sourceDestCheck": json_or_null(i.source_dest_check()),
        "spotInstanceRequestId": string_or_null(i.spot_instance_request_id()),
        "tags": tags,
        "virtualizationType": string_or_null(i.virtualization_type().map(|x| x.as_str())),
        "metadataOptions": metadata_options,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::{
        HttpTokensState, InstanceMetadataEndpointState, InstanceMetadataOptionsResponse,
        InstanceState,
    };

    #[test]
    fn instance_fields_follow_config() {
        let i = Instance::builder()
            .instance_id("i-1")
            .public_ip_address("203.0.113.9")
            .state(
                InstanceState::builder()
                    .code(16)
                    .name(InstanceStateName::Running)
                    .build(),
            )
            .metadata_options(
                InstanceMetadataOptionsResponse::builder()
                    .http_tokens(HttpTokensState::Optional)
                    .http_endpoint(InstanceMetadataEndpointState::Enabled)
                    .build(),
            )
            .network_interfaces(
                InstanceNetworkInterface::builder()
                    .network_interface_id("eni-1")
                    .association(
                        InstanceNetworkInterfaceAssociation::builder()
                            .public_ip("203.0.113.9")
                            .build(),
                    )
                    .build(),
            )
            .build();
        let c = configuration(&i, json!([]));
        assert_eq!(c["state"]["name"], "running");
        assert_eq!(c["publicIpAddress"], "203.0.113.9");
        assert_eq!(c["metadataOptions"]["httpTokens"], "optional");
        assert_eq!(c["metadataOptions"]["httpEndpoint"], "enabled");
        assert_eq!(
            c["networkInterfaces"][0]["association"]["publicIp"],
            "203.0.113.9"
        );
    }
}
