//! `AWS::EC2::Instance` from `ec2:DescribeInstances` (terminated instances are skipped: Config
//! records them as deleted).

use super::{Ctx, ItemParts, key_value_tags, o, port_error, s, t};
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
            "carrierIp": s(a.carrier_ip()),
            "ipOwnerId": s(a.ip_owner_id()),
            "publicDnsName": s(a.public_dns_name()),
            "publicIp": s(a.public_ip()),
        })
    })
}

fn network_interface(n: &InstanceNetworkInterface) -> Value {
    json!({
        "association": association(n.association()),
        "attachment": n.attachment().map_or(Value::Null, |a| json!({
            "attachTime": t(a.attach_time()),
            "attachmentId": s(a.attachment_id()),
            "deleteOnTermination": o(a.delete_on_termination()),
            "deviceIndex": o(a.device_index()),
            "status": s(a.status().map(|x| x.as_str())),
            "networkCardIndex": o(a.network_card_index()),
        })),
        "description": s(n.description()),
        "groups": n.groups().iter().map(|g| json!({
            "groupName": s(g.group_name()), "groupId": s(g.group_id())
        })).collect::<Vec<_>>(),
        "interfaceType": s(n.interface_type()),
        "ipv6Addresses": n.ipv6_addresses().iter().map(|a| json!({"ipv6Address": s(a.ipv6_address())})).collect::<Vec<_>>(),
        "macAddress": s(n.mac_address()),
        "networkInterfaceId": s(n.network_interface_id()),
        "ownerId": s(n.owner_id()),
        "privateDnsName": s(n.private_dns_name()),
        "privateIpAddress": s(n.private_ip_address()),
        "privateIpAddresses": n.private_ip_addresses().iter().map(|p| json!({
            "association": association(p.association()),
            "primary": o(p.primary()),
            "privateDnsName": s(p.private_dns_name()),
            "privateIpAddress": s(p.private_ip_address()),
        })).collect::<Vec<_>>(),
        "sourceDestCheck": o(n.source_dest_check()),
        "status": s(n.status().map(|x| x.as_str())),
        "subnetId": s(n.subnet_id()),
        "vpcId": s(n.vpc_id()),
    })
}

/// The Config `configuration` of an instance: the fields of `DescribeInstances`' `Instance`.
pub(super) fn configuration(i: &Instance, tags: Value) -> Value {
    // The nested objects first: one `json!` per object keeps each macro expansion shallow.
    let monitoring = i.monitoring().map_or(
        Value::Null,
        |m| json!({"state": s(m.state().map(|x| x.as_str()))}),
    );
    let placement = i.placement().map_or(Value::Null, |p| {
        json!({
            "availabilityZone": s(p.availability_zone()),
            "groupName": s(p.group_name()),
            "tenancy": s(p.tenancy().map(|x| x.as_str())),
        })
    });
    let state = i.state().map_or(
        Value::Null,
        |st| json!({"code": o(st.code()), "name": s(st.name().map(|x| x.as_str()))}),
    );
    let block_device_mappings: Vec<Value> = i
        .block_device_mappings()
        .iter()
        .map(|b| {
            let ebs = b.ebs().map_or(Value::Null, |e| {
                json!({
                    "attachTime": t(e.attach_time()),
                    "deleteOnTermination": o(e.delete_on_termination()),
                    "status": s(e.status().map(|x| x.as_str())),
                    "volumeId": s(e.volume_id()),
                })
            });
            json!({"deviceName": s(b.device_name()), "ebs": ebs})
        })
        .collect();
    let iam_instance_profile = i
        .iam_instance_profile()
        .map_or(Value::Null, |p| json!({"arn": s(p.arn()), "id": s(p.id())}));
    let security_groups: Vec<Value> = i
        .security_groups()
        .iter()
        .map(|g| json!({"groupName": s(g.group_name()), "groupId": s(g.group_id())}))
        .collect();
    let metadata_options = i.metadata_options().map_or(Value::Null, |m| {
        json!({
            "state": s(m.state().map(|x| x.as_str())),
            "httpTokens": s(m.http_tokens().map(|x| x.as_str())),
            "httpPutResponseHopLimit": o(m.http_put_response_hop_limit()),
            "httpEndpoint": s(m.http_endpoint().map(|x| x.as_str())),
            "httpProtocolIpv6": s(m.http_protocol_ipv6().map(|x| x.as_str())),
            "instanceMetadataTags": s(m.instance_metadata_tags().map(|x| x.as_str())),
        })
    });
    let network_interfaces: Vec<Value> = i
        .network_interfaces()
        .iter()
        .map(network_interface)
        .collect();
    json!({
        "amiLaunchIndex": o(i.ami_launch_index()),
        "imageId": s(i.image_id()),
        "instanceId": s(i.instance_id()),
        "instanceType": s(i.instance_type().map(|x| x.as_str())),
        "kernelId": s(i.kernel_id()),
        "keyName": s(i.key_name()),
        "launchTime": t(i.launch_time()),
        "monitoring": monitoring,
        "placement": placement,
        "platform": s(i.platform().map(|x| x.as_str())),
        "privateDnsName": s(i.private_dns_name()),
        "privateIpAddress": s(i.private_ip_address()),
        "productCodes": [],
        "publicDnsName": s(i.public_dns_name()),
        "publicIpAddress": s(i.public_ip_address()),
        "ramdiskId": s(i.ramdisk_id()),
        "state": state,
        "stateTransitionReason": s(i.state_transition_reason()),
        "subnetId": s(i.subnet_id()),
        "vpcId": s(i.vpc_id()),
        "architecture": s(i.architecture().map(|x| x.as_str())),
        "blockDeviceMappings": block_device_mappings,
        "clientToken": s(i.client_token()),
        "ebsOptimized": o(i.ebs_optimized()),
        "enaSupport": o(i.ena_support()),
        "hypervisor": s(i.hypervisor().map(|x| x.as_str())),
        "iamInstanceProfile": iam_instance_profile,
        "instanceLifecycle": s(i.instance_lifecycle().map(|x| x.as_str())),
        "networkInterfaces": network_interfaces,
        "rootDeviceName": s(i.root_device_name()),
        "rootDeviceType": s(i.root_device_type().map(|x| x.as_str())),
        "securityGroups": security_groups,
        "sourceDestCheck": o(i.source_dest_check()),
        "spotInstanceRequestId": s(i.spot_instance_request_id()),
        "tags": tags,
        "virtualizationType": s(i.virtualization_type().map(|x| x.as_str())),
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
