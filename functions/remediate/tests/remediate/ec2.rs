//! EC2.2, EC2.13, EC2.14, EC2.19, EC2.53, EC2.54, EC2.8, EC2.7 against moto.

use crate::support::{Bench, event};
use aws_sdk_ec2::types::{HttpTokensState, IpPermission, IpRange, Ipv6Range, UserIdGroupPair};
use sidewatch_core::ACCOUNT_RESOURCE_TYPE;
use sidewatch_remediation::Mode;
use sidewatch_testkit::ACCOUNT;
use std::collections::BTreeSet;

const SG: &str = "AWS::EC2::SecurityGroup";

/// A permission as `(protocol, from, to, peer)` rows, for comparing whole groups.
type Row = (String, i32, i32, String);

fn rows(permissions: &[IpPermission]) -> BTreeSet<Row> {
    let mut out = BTreeSet::new();
    for p in permissions {
        let key = |peer: String| {
            (
                p.ip_protocol().unwrap_or("").to_owned(),
                p.from_port().unwrap_or(-1),
                p.to_port().unwrap_or(-1),
                peer,
            )
        };
        out.extend(
            p.ip_ranges()
                .iter()
                .filter_map(|r| r.cidr_ip())
                .map(|c| key(c.to_owned())),
        );
        out.extend(
            p.ipv6_ranges()
                .iter()
                .filter_map(|r| r.cidr_ipv6())
                .map(|c| key(c.to_owned())),
        );
        out.extend(
            p.user_id_group_pairs()
                .iter()
                .filter_map(|g| g.group_id())
                .map(|g| key(g.to_owned())),
        );
    }
    out
}

fn row(protocol: &str, from: i32, to: i32, peer: &str) -> Row {
    (protocol.to_owned(), from, to, peer.to_owned())
}

async fn group_rules(bench: &Bench, group_id: &str) -> (BTreeSet<Row>, BTreeSet<Row>) {
    let out = bench
        .aws()
        .ec2
        .describe_security_groups()
        .group_ids(group_id)
        .send()
        .await
        .unwrap();
    let g = &out.security_groups()[0];
    (rows(g.ip_permissions()), rows(g.ip_permissions_egress()))
}

fn tcp(port: i32, v4: &[&str], v6: &[&str]) -> IpPermission {
    IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port)
        .set_ip_ranges(Some(
            v4.iter()
                .map(|c| IpRange::builder().cidr_ip(*c).build())
                .collect(),
        ))
        .set_ipv6_ranges(Some(
            v6.iter()
                .map(|c| Ipv6Range::builder().cidr_ipv6(*c).build())
                .collect(),
        ))
        .build()
}

/// A group in the default VPC with `permissions` as ingress.
async fn group(bench: &Bench, name: &str, permissions: Vec<IpPermission>) -> String {
    let ec2 = &bench.aws().ec2;
    let id = ec2
        .create_security_group()
        .group_name(name)
        .description(format!("{name} for the remediation test"))
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_owned();
    ec2.authorize_security_group_ingress()
        .group_id(&id)
        .set_ip_permissions(Some(permissions))
        .send()
        .await
        .unwrap();
    id
}

/// The world-open ports scenario shared by EC2.13/14/19/53/54: `port` is open to the world
/// (v4 and/or v6) and to 10.0.0.0/8 in the same permission; 443 is open to the world in another
/// permission. Only the world ranges on `port` may go.
async fn world_open(control: &str, port: i32, v4_world: bool, v6_world: bool) {
    let bench = Bench::start().await;
    let v4: Vec<&str> = if v4_world {
        vec!["0.0.0.0/0", "10.0.0.0/8"]
    } else {
        vec!["10.0.0.0/8"]
    };
    let v6: Vec<&str> = if v6_world { vec!["::/0"] } else { vec![] };
    let permissions = || vec![tcp(port, &v4, &v6), tcp(443, &["0.0.0.0/0"], &[])];
    let apply_id = group(&bench, &format!("{control}-apply"), permissions()).await;
    let dry_id = group(&bench, &format!("{control}-dry"), permissions()).await;
    let (ingress_before, egress_before) = group_rules(&bench, &apply_id).await;

    let apply = event(control, SG, &apply_id);
    bench.run(&apply, Mode::Apply).await.assert_applied();
    let (ingress, egress) = group_rules(&bench, &apply_id).await;
    let mut expected = ingress_before.clone();
    expected.remove(&row("tcp", port, port, "0.0.0.0/0"));
    expected.remove(&row("tcp", port, port, "::/0"));
    assert_eq!(
        ingress, expected,
        "{control}: only the world ranges on {port} go"
    );
    assert!(ingress.contains(&row("tcp", port, port, "10.0.0.0/8")));
    assert!(ingress.contains(&row("tcp", 443, 443, "0.0.0.0/0")));
    assert_eq!(egress, egress_before, "egress is untouched");
    bench
        .run(&apply, Mode::Apply)
        .await
        .assert_already_compliant();

    let dry = bench.run(&event(control, SG, &dry_id), Mode::DryRun).await;
    dry.assert_dry_run(&format!("revoke ingress tcp {port}"));
    assert_eq!(group_rules(&bench, &dry_id).await.0, ingress_before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ec2_13_revokes_world_ssh_only() {
    world_open("EC2.13", 22, true, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ec2_14_revokes_world_rdp_only() {
    world_open("EC2.14", 3389, true, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ec2_19_revokes_world_high_risk_ports_only() {
    world_open("EC2.19", 3306, true, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ec2_53_revokes_world_ipv4_admin_ports_only() {
    world_open("EC2.53", 22, true, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ec2_54_revokes_world_ipv6_admin_ports_only() {
    world_open("EC2.54", 3389, false, true).await;
}

/// The default group of the default VPC, with an extra rule so "every rule" means something.
async fn default_group(bench: &Bench) -> String {
    let ec2 = &bench.aws().ec2;
    let out = ec2
        .describe_security_groups()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("group-name")
                .values("default")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let id = out.security_groups()[0].group_id().unwrap().to_owned();
    ec2.authorize_security_group_ingress()
        .group_id(&id)
        .ip_permissions(tcp(22, &["10.0.0.0/8"], &[]))
        .send()
        .await
        .unwrap();
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ec2_2_revokes_every_rule_of_the_default_group_only() {
    let bench = Bench::start().await;
    let default_id = default_group(&bench).await;
    let (ingress, egress) = group_rules(&bench, &default_id).await;
    assert!(
        !ingress.is_empty() && !egress.is_empty(),
        "{ingress:?} {egress:?}"
    );
    let other = group(&bench, "ec2-2-other", vec![tcp(443, &["0.0.0.0/0"], &[])]).await;
    // Another group that references the default group keeps its rule.
    bench
        .aws()
        .ec2
        .authorize_security_group_ingress()
        .group_id(&other)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(5432)
                .to_port(5432)
                .user_id_group_pairs(
                    UserIdGroupPair::builder()
                        .group_id(&default_id)
                        .user_id(ACCOUNT)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let other_before = group_rules(&bench, &other).await;

    let dry = bench
        .run(&event("EC2.2", SG, &default_id), Mode::DryRun)
        .await;
    dry.assert_dry_run(&format!("on {default_id}"));
    assert_eq!(group_rules(&bench, &default_id).await, (ingress, egress));

    let apply = event("EC2.2", SG, &default_id);
    bench.run(&apply, Mode::Apply).await.assert_applied();
    let (ingress, egress) = group_rules(&bench, &default_id).await;
    assert!(ingress.is_empty(), "{ingress:?}");
    assert!(egress.is_empty(), "{egress:?}");
    assert_eq!(group_rules(&bench, &other).await, other_before);
    bench
        .run(&apply, Mode::Apply)
        .await
        .assert_already_compliant();
}

async fn instance(bench: &Bench) -> String {
    let ec2 = &bench.aws().ec2;
    let image = ec2
        .describe_images()
        .send()
        .await
        .unwrap()
        .images()
        .first()
        .and_then(|i| i.image_id())
        .unwrap_or("ami-12c6146b")
        .to_owned();
    ec2.run_instances()
        .image_id(image)
        .instance_type(aws_sdk_ec2::types::InstanceType::T3Micro)
        .min_count(1)
        .max_count(1)
        .metadata_options(
            aws_sdk_ec2::types::InstanceMetadataOptionsRequest::builder()
                .http_tokens(HttpTokensState::Optional)
                .http_put_response_hop_limit(3)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .instances()[0]
        .instance_id()
        .unwrap()
        .to_owned()
}

async fn metadata(bench: &Bench, id: &str) -> (Option<String>, Option<String>, Option<i32>) {
    let out = bench
        .aws()
        .ec2
        .describe_instances()
        .instance_ids(id)
        .send()
        .await
        .unwrap();
    let m = out.reservations()[0].instances()[0]
        .metadata_options()
        .unwrap()
        .clone();
    (
        m.http_tokens().map(|t| t.as_str().to_owned()),
        m.http_endpoint().map(|e| e.as_str().to_owned()),
        m.http_put_response_hop_limit(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ec2_8_requires_imdsv2() {
    let bench = Bench::start().await;
    let apply_id = instance(&bench).await;
    let dry_id = instance(&bench).await;
    let before = metadata(&bench, &apply_id).await;
    assert_eq!(before.0.as_deref(), Some("optional"));

    let apply = event("EC2.8", "AWS::EC2::Instance", &apply_id);
    bench.run(&apply, Mode::Apply).await.assert_applied();
    let after = metadata(&bench, &apply_id).await;
    assert_eq!(after.0.as_deref(), Some("required"));
    // The call names only HttpTokens; AWS keeps the endpoint and hop limit as they are. moto
    // resets them to its defaults (endpoint unset, hop limit 1), so they are not compared here.
    let _ = before;
    bench
        .run(&apply, Mode::Apply)
        .await
        .assert_already_compliant();

    bench
        .run(&event("EC2.8", "AWS::EC2::Instance", &dry_id), Mode::DryRun)
        .await
        .assert_dry_run("require IMDSv2");
    assert_eq!(
        metadata(&bench, &dry_id).await.0.as_deref(),
        Some("optional")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ec2_7_turns_on_ebs_encryption_by_default() {
    let bench = Bench::start().await;
    let ec2 = &bench.aws().ec2;
    let read = || async move {
        ec2.get_ebs_encryption_by_default()
            .send()
            .await
            .unwrap()
            .ebs_encryption_by_default()
    };
    ec2.disable_ebs_encryption_by_default()
        .send()
        .await
        .unwrap();
    let account_event = event("EC2.7", ACCOUNT_RESOURCE_TYPE, ACCOUNT);

    bench
        .run(&account_event, Mode::DryRun)
        .await
        .assert_dry_run("EBS encryption by default");
    assert_eq!(read().await, Some(false));

    bench
        .run(&account_event, Mode::Apply)
        .await
        .assert_applied();
    assert_eq!(read().await, Some(true));
    bench
        .run(&account_event, Mode::Apply)
        .await
        .assert_already_compliant();
}
