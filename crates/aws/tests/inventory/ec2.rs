//! Security groups, network ACLs, VPCs, instances and volumes.

use crate::support::*;
use aws_sdk_ec2::types::{
    FlowLogsResourceType, HttpTokensState, InstanceMetadataOptionsRequest, InstanceType,
    IpPermission, IpRange, Ipv6Range, LogDestinationType, PortRange, RuleAction, TrafficType,
    UserIdGroupPair,
};

/// A network ACL entry to create: rule number, protocol, CIDR, port range.
type AclEntry = (i32, &'static str, &'static str, Option<(i32, i32)>);

fn tcp(port: i32) -> aws_sdk_ec2::types::builders::IpPermissionBuilder {
    IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port)
}

#[tokio::test(flavor = "multi_thread")]
async fn ec2_items_look_like_configs_and_get_the_same_verdicts() {
    let env = Env::start().await;
    let ec2 = &env.clients.ec2;

    // Two VPCs: one without flow logs (EC2.6 fails), one with a REJECT flow log (passes).
    let bare = ec2
        .create_vpc()
        .cidr_block("10.40.0.0/16")
        .send()
        .await
        .unwrap();
    let bare = bare.vpc().unwrap().vpc_id().unwrap().to_owned();
    let logged = ec2
        .create_vpc()
        .cidr_block("10.20.0.0/16")
        .send()
        .await
        .unwrap();
    let logged = logged.vpc().unwrap().vpc_id().unwrap().to_owned();
    // To an S3 bucket that exists: moto reports a CloudWatch Logs flow log as FAILED unless the
    // log group exists, and this crate has no CloudWatch Logs client to create one.
    env.s3()
        .create_bucket()
        .bucket("vpc-flow-logs")
        .send()
        .await
        .unwrap();
    ec2.create_flow_logs()
        .resource_type(FlowLogsResourceType::Vpc)
        .resource_ids(&logged)
        .traffic_type(TrafficType::Reject)
        .log_destination_type(LogDestinationType::S3)
        .log_destination("arn:aws:s3:::vpc-flow-logs")
        .send()
        .await
        .unwrap();

    // Security groups: SSH open to the world (fails) and a public web front (passes everything).
    let open = ec2
        .create_security_group()
        .group_name("launch-wizard-1")
        .description("launch-wizard-1")
        .vpc_id(&bare)
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_owned();
    ec2.authorize_security_group_ingress()
        .group_id(&open)
        .ip_permissions(
            tcp(22)
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let web = ec2
        .create_security_group()
        .group_name("public-alb")
        .description("public load balancer")
        .vpc_id(&bare)
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_owned();
    let world = |p: i32| {
        tcp(p)
            .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
            .ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build())
            .build()
    };
    ec2.authorize_security_group_ingress()
        .group_id(&web)
        .ip_permissions(world(443))
        .ip_permissions(world(80))
        .ip_permissions(
            tcp(8443)
                .user_id_group_pairs(UserIdGroupPair::builder().group_id(&open).build())
                .build(),
        )
        .send()
        .await
        .unwrap();

    // A custom network ACL: admin ports from the office only (passes).
    let acl = ec2.create_network_acl().vpc_id(&bare).send().await.unwrap();
    let acl = acl
        .network_acl()
        .unwrap()
        .network_acl_id()
        .unwrap()
        .to_owned();
    // (rule number, protocol, CIDR, port range)
    let entries: [AclEntry; 4] = [
        (100, "6", "203.0.113.0/24", Some((22, 22))),
        (110, "6", "0.0.0.0/0", Some((443, 443))),
        (120, "6", "0.0.0.0/0", Some((32768, 65535))),
        (130, "1", "0.0.0.0/0", None),
    ];
    for (number, protocol, cidr, ports) in entries {
        let mut entry = ec2
            .create_network_acl_entry()
            .network_acl_id(&acl)
            .rule_number(number)
            .protocol(protocol)
            .rule_action(RuleAction::Allow)
            .egress(false)
            .cidr_block(cidr);
        if let Some((from, to)) = ports {
            entry = entry.port_range(PortRange::builder().from(from).to(to).build());
        }
        entry.send().await.unwrap();
    }
    ec2.create_network_acl_entry()
        .network_acl_id(&acl)
        .rule_number(100)
        .protocol("-1")
        .rule_action(RuleAction::Allow)
        .egress(true)
        .cidr_block("0.0.0.0/0")
        .send()
        .await
        .unwrap();

    // Instances in a private subnet: IMDSv1 allowed (EC2.8 fails) and IMDSv2 required.
    let subnet = ec2
        .create_subnet()
        .vpc_id(&bare)
        .cidr_block("10.40.1.0/24")
        .availability_zone("us-east-1a")
        .send()
        .await
        .unwrap();
    let subnet = subnet.subnet().unwrap().subnet_id().unwrap().to_owned();
    let image = ec2.describe_images().send().await.unwrap();
    let image = image.images()[0].image_id().unwrap().to_owned();
    let mut instances = Vec::new();
    for tokens in [HttpTokensState::Optional, HttpTokensState::Required] {
        let out = ec2
            .run_instances()
            .image_id(&image)
            .instance_type(InstanceType::T3Micro)
            .min_count(1)
            .max_count(1)
            .subnet_id(&subnet)
            .metadata_options(
                InstanceMetadataOptionsRequest::builder()
                    .http_tokens(tokens)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        instances.push(out.instances()[0].instance_id().unwrap().to_owned());
    }

    // Volumes attached to the first instance: unencrypted (EC2.3 fails) and encrypted.
    let mut volumes = Vec::new();
    for (encrypted, device) in [(false, "/dev/sdf"), (true, "/dev/sdg")] {
        let v = ec2
            .create_volume()
            .availability_zone("us-east-1a")
            .size(8)
            .encrypted(encrypted)
            .send()
            .await
            .unwrap();
        let id = v.volume_id().unwrap().to_owned();
        ec2.attach_volume()
            .volume_id(&id)
            .instance_id(&instances[0])
            .device(device)
            .send()
            .await
            .unwrap();
        volumes.push(id);
    }

    let (items, report) = env
        .collect(&[
            "AWS::EC2::SecurityGroup",
            "AWS::EC2::NetworkAcl",
            "AWS::EC2::VPC",
            "AWS::EC2::Instance",
            "AWS::EC2::Volume",
        ])
        .await;
    assert!(report.is_complete(), "{:?}", report.failures);

    // Fields.
    let sg = find(&items, "AWS::EC2::SecurityGroup", &open);
    assert_eq!(sg.resource_name.as_deref(), Some("launch-wizard-1"));
    assert_eq!(sg.account_id.as_deref(), Some(ACCOUNT));
    assert_eq!(sg.region.as_deref(), Some(REGION));
    assert_eq!(
        sg.arn.as_deref(),
        Some(format!("arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{open}").as_str())
    );
    assert_eq!(sg.config_str("/vpcId"), Some(bare.as_str()));
    assert_eq!(
        sg.config("/ipPermissions/0/ipRanges/0"),
        Some(&serde_json::json!("0.0.0.0/0"))
    );
    assert!(sg.capture_time.is_some());
    let first = find(&items, "AWS::EC2::Instance", &instances[0]);
    assert_eq!(
        first.config_str("/metadataOptions/httpTokens"),
        Some("optional")
    );
    assert_eq!(first.config_str("/state/name"), Some("running"));
    let volume = find(&items, "AWS::EC2::Volume", &volumes[0]);
    assert_eq!(
        volume.config_str("/attachments/0/instanceId"),
        Some(instances[0].as_str())
    );
    assert_eq!(volume.availability_zone.as_deref(), Some("us-east-1a"));

    // Verdicts: every seeded misconfiguration fails its control; nothing compliant fails.
    assert_verdict(sg, "EC2.13", "NON_COMPLIANT");
    assert_nothing_fails(find(&items, "AWS::EC2::SecurityGroup", &web));
    assert_verdict(
        find(&items, "AWS::EC2::NetworkAcl", &acl),
        "EC2.21",
        "COMPLIANT",
    );
    assert_verdict(
        find(&items, "AWS::EC2::VPC", &bare),
        "EC2.6",
        "NON_COMPLIANT",
    );
    assert_verdict(find(&items, "AWS::EC2::VPC", &logged), "EC2.6", "COMPLIANT");
    assert_verdict(first, "EC2.8", "NON_COMPLIANT");
    assert_nothing_fails(find(&items, "AWS::EC2::Instance", &instances[1]));
    assert_verdict(volume, "EC2.3", "NON_COMPLIANT");
    assert_nothing_fails(find(&items, "AWS::EC2::Volume", &volumes[1]));

    // Equivalence with the documented-shape items of the same resources.
    assert_same_verdicts(sg, "ec2/fixtures/EC2.13/fail-ssh-open-ipv4.json");
    assert_same_verdicts(
        find(&items, "AWS::EC2::SecurityGroup", &web),
        "ec2/fixtures/EC2.18/pass-http-and-https-only.json",
    );
    assert_same_verdicts(
        find(&items, "AWS::EC2::NetworkAcl", &acl),
        "ec2/fixtures/EC2.21/pass-admin-ports-from-office-only.json",
    );
    assert_same_verdicts(
        find(&items, "AWS::EC2::VPC", &bare),
        "ec2/fixtures/EC2.6/fail-no-flow-log.json",
    );
    assert_same_verdicts(
        find(&items, "AWS::EC2::VPC", &logged),
        "ec2/fixtures/EC2.6/pass-reject-flow-log-to-cloudwatch.json",
    );
    assert_same_verdicts(first, "ec2/fixtures/EC2.8/fail-imdsv1-allowed.json");
    assert_same_verdicts(volume, "ec2/fixtures/EC2.3/fail-attached-unencrypted.json");
    assert_same_verdicts(
        find(&items, "AWS::EC2::Volume", &volumes[1]),
        "ec2/fixtures/EC2.3/pass-attached-encrypted.json",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_default_nacl_of_a_new_vpc_fails_like_the_documented_one() {
    let env = Env::start().await;
    let vpc = env
        .clients
        .ec2
        .create_vpc()
        .cidr_block("10.9.0.0/16")
        .send()
        .await
        .unwrap();
    let vpc = vpc.vpc().unwrap().vpc_id().unwrap().to_owned();
    let (items, report) = env.collect(&["AWS::EC2::NetworkAcl"]).await;
    assert!(report.is_complete(), "{:?}", report.failures);
    let default = items
        .iter()
        .find(|i| {
            i.config_str("/vpcId") == Some(vpc.as_str())
                && i.config_bool("/isDefault") == Some(true)
        })
        .expect("the new VPC's default network ACL");
    assert_verdict(default, "EC2.21", "NON_COMPLIANT");
    assert_same_verdicts(
        default,
        "ec2/fixtures/EC2.21/fail-default-nacl-allows-all.json",
    );
}
