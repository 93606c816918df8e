//! Subnets, launch templates and SSM documents: collected from moto, compared with items of the
//! same resources in the Config resource schema's shape (the core's fixtures), and judged.

use crate::support::*;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, LaunchTemplateInstanceNetworkInterfaceSpecificationRequest,
    RequestLaunchTemplateData,
};

const TYPES: [&str; 3] = [
    "AWS::EC2::Subnet",
    "AWS::EC2::LaunchTemplate",
    "AWS::SSM::Document",
];

/// A launch template whose one network interface does (or does not) get a public address.
async fn launch_template(ec2: &aws_sdk_ec2::Client, name: &str, public: bool) -> String {
    let interface = LaunchTemplateInstanceNetworkInterfaceSpecificationRequest::builder()
        .device_index(0)
        .associate_public_ip_address(public)
        .build();
    let data = RequestLaunchTemplateData::builder()
        .image_id("ami-0abcdef1234567890")
        .network_interfaces(interface)
        .build();
    ec2.create_launch_template()
        .launch_template_name(name)
        .launch_template_data(data)
        .send()
        .await
        .unwrap()
        .launch_template()
        .unwrap()
        .launch_template_id()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn infrastructure_items_look_like_configs_and_get_the_same_verdicts() {
    let env = Env::start().await;
    let ec2 = &env.clients.ec2;
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.40.0.0/16")
        .send()
        .await
        .unwrap();
    let vpc = vpc.vpc().unwrap().vpc_id().unwrap().to_owned();
    let mut subnets = Vec::new();
    for cidr in ["10.40.0.0/20", "10.40.16.0/20"] {
        let subnet = ec2
            .create_subnet()
            .vpc_id(&vpc)
            .cidr_block(cidr)
            .availability_zone(format!("{REGION}a"))
            .send()
            .await
            .unwrap();
        subnets.push(subnet.subnet().unwrap().subnet_id().unwrap().to_owned());
    }
    ec2.modify_subnet_attribute()
        .subnet_id(&subnets[1])
        .map_public_ip_on_launch(AttributeBooleanValue::builder().value(true).build())
        .send()
        .await
        .unwrap();
    let private_template = launch_template(ec2, "app", false).await;
    let public_template = launch_template(ec2, "web", true).await;
    crate::infrastructure_seed::document(&env.clients.ssm, "deploy-app", false).await;
    crate::infrastructure_seed::document(&env.clients.ssm, "bootstrap-host", true).await;

    let (items, report) = env.collect(&TYPES).await;
    assert!(report.is_complete(), "{:?}", report.failures);

    // Subnets: the schema's field names, and EC2.15 on the auto-assign flags.
    let private = find(&items, "AWS::EC2::Subnet", &subnets[0]);
    assert_eq!(private.config_str("/vpcId"), Some(vpc.as_str()));
    assert_eq!(private.config_bool("/mapPublicIpOnLaunch"), Some(false));
    assert_eq!(
        private.arn.as_deref(),
        Some(format!("arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{}", subnets[0]).as_str())
    );
    let public = find(&items, "AWS::EC2::Subnet", &subnets[1]);
    assert_verdict(public, "EC2.15", "NON_COMPLIANT");
    assert_same_verdicts(
        public,
        "ec2/fixtures/EC2.15/fail-default-subnet-maps-public-ip.json",
    );
    // moto may leave out AssignIpv6AddressOnCreation; the private subnet passes when it says it.
    if private
        .config_bool("/assignIpv6AddressOnCreation")
        .is_some()
    {
        assert_verdict(private, "EC2.15", "COMPLIANT");
        assert_same_verdicts(private, "ec2/fixtures/EC2.15/pass-private-subnet.json");
    } else {
        assert_verdict(private, "EC2.15", "INSUFFICIENT_DATA");
    }

    // Launch templates: the default version's interfaces decide EC2.25.
    let web = find(&items, "AWS::EC2::LaunchTemplate", &public_template);
    assert_eq!(web.resource_name.as_deref(), Some("web"));
    assert_eq!(web.config_str("/DefaultVersionNumber"), Some("1"));
    assert_verdict(web, "EC2.25", "NON_COMPLIANT");
    assert_same_verdicts(web, "ec2/fixtures/EC2.25/fail-public-ip-on-interface.json");
    let app = find(&items, "AWS::EC2::LaunchTemplate", &private_template);
    assert_verdict(app, "EC2.25", "COMPLIANT");
    assert_same_verdicts(app, "ec2/fixtures/EC2.25/pass-private-interface.json");

    // SSM documents owned by the account, named by their name; sharing is the evidence.
    let deploy = find(&items, "AWS::SSM::Document", "deploy-app");
    assert_eq!(deploy.config_str("/DocumentType"), Some("Command"));
    assert_verdict(deploy, "SSM.4", "COMPLIANT");
    assert_same_verdicts(deploy, "ssm/fixtures/SSM.4/pass-private-document.json");
    let bootstrap = find(&items, "AWS::SSM::Document", "bootstrap-host");
    assert_verdict(bootstrap, "SSM.4", "NON_COMPLIANT");
    assert_same_verdicts(bootstrap, "ssm/fixtures/SSM.4/fail-shared-with-all.json");
    // Only the account's own documents: none of AWS's public ones.
    assert_eq!(
        items
            .iter()
            .filter(|i| i.resource_type == "AWS::SSM::Document")
            .count(),
        2
    );
}
