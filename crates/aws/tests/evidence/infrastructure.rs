//! The infrastructure evidence: VPC endpoints (EC2.10), public EBS snapshots (EC2.1), SSM document
//! sharing (SSM.4) and Amazon Inspector's account status (Inspector.1–4) against moto; Systems
//! Manager's managed-instance list (SSM.1), which moto lacks, against SDK mocks shaped like the
//! Systems Manager API reference. [`seed`] makes the compliant or the non-compliant state for the
//! coverage test.

use crate::infrastructure_seed::{document, ec2_endpoint, inspector, snapshot};
use crate::mocked::{JSON_1_1, collector_with, mocked, response};
use crate::support::*;
use aws_smithy_mocks::{Rule, mock};
use sidewatch_aws::{AwsClients, EvidenceCollector};
use sidewatch_core::evidence::shapes::{
    EbsPublicSnapshots, InspectorAccountStatus, SsmDocumentPermissions, SsmInstanceInformation,
    VpcEndpoints,
};
use sidewatch_core::{ConfigurationItem, EvidenceKind};

/// The instance id the SSM mocks answer about.
pub(crate) const INSTANCE: &str = "i-0a1b2c3d4e5f6a7b8";

/// A running EC2 instance's item (what SSM.1 reads besides its evidence).
pub(crate) fn instance_item(id: &str) -> ConfigurationItem {
    item(serde_json::json!({
        "configurationItemStatus": "OK",
        "awsAccountId": ACCOUNT,
        "awsRegion": REGION,
        "resourceType": "AWS::EC2::Instance",
        "resourceId": id,
        "ARN": format!("arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{id}"),
        "configuration": {"instanceId": id, "state": {"code": 16, "name": "running"}},
        "supplementaryConfiguration": {}
    }))
}

/// An SSM document's item, as Config records it (the name is the resource id).
pub(crate) fn document_item(name: &str) -> ConfigurationItem {
    item(serde_json::json!({
        "configurationItemStatus": "OK",
        "awsAccountId": ACCOUNT,
        "awsRegion": REGION,
        "resourceType": "AWS::SSM::Document",
        "resourceId": name,
        "resourceName": name,
        "ARN": format!("arn:aws:ssm:{REGION}:{ACCOUNT}:document/{name}"),
        "configuration": {"Name": name, "DocumentType": "Command", "DocumentFormat": "JSON"},
        "supplementaryConfiguration": {}
    }))
}

/// The compliant (`good`) or non-compliant state of the infrastructure controls, and the items
/// they are judged on (the VPC's item is the caller's: it gets an EC2 endpoint when `good`).
pub(crate) async fn seed(clients: &AwsClients, vpc: &str, good: bool) -> Vec<ConfigurationItem> {
    if good {
        ec2_endpoint(&clients.ec2, vpc).await;
    }
    snapshot(&clients.ec2, !good).await;
    inspector(&clients.inspector2, good).await;
    document(&clients.ssm, "restart-app", !good).await;
    vec![instance_item(INSTANCE), document_item("restart-app")]
}

/// `DescribeInstanceInformation` answering with `INSTANCE` as a managed node (or with none), as
/// the Systems Manager API reference shows the response.
pub(crate) fn instance_information_rule(managed: bool) -> Rule {
    mock!(aws_sdk_ssm::Client::describe_instance_information).then_http_response(move || {
        let list = if managed {
            format!(
                r#"[{{"InstanceId": "{INSTANCE}", "PingStatus": "Online",
                     "LastPingDateTime": 1780300000.0, "AgentVersion": "3.3.987.0",
                     "IsLatestVersion": true, "PlatformType": "Linux",
                     "PlatformName": "Amazon Linux", "PlatformVersion": "2023",
                     "ResourceType": "EC2Instance", "IPAddress": "10.0.1.25",
                     "ComputerName": "ip-10-0-1-25.ec2.internal"}}]"#
            )
        } else {
            "[]".to_owned()
        };
        response(
            200,
            JSON_1_1,
            &format!(r#"{{"InstanceInformationList": {list}}}"#),
        )
    })
}

/// A collector whose Systems Manager client answers `DescribeInstanceInformation` from the mock.
pub(crate) async fn ssm_mocked(managed: bool) -> EvidenceCollector {
    let rule = instance_information_rule(managed);
    collector_with(|c, sdk| {
        mocked!(c, sdk, ssm, aws_sdk_ssm, &[&rule]);
    })
    .await
}

#[tokio::test]
async fn vpc_endpoints_decide_ec2_10() {
    let moto = Moto::start();
    let collector = collector(&moto).await;
    let ec2 = &collector.clients().ec2;
    let mut vpcs = Vec::new();
    for cidr in ["10.10.0.0/16", "10.20.0.0/16"] {
        let vpc = ec2.create_vpc().cidr_block(cidr).send().await.unwrap();
        vpcs.push(vpc.vpc().unwrap().vpc_id().unwrap().to_owned());
    }
    let endpoint = ec2_endpoint(ec2, &vpcs[0]).await;
    let mut with = crate::resources::vpc_item(&vpcs[0]);
    collect(&collector, &mut with, &[EvidenceKind::VpcEndpoints]).await;
    let found: VpcEndpoints = evidence(&with, EvidenceKind::VpcEndpoints);
    assert_eq!(found.endpoints.len(), 1, "{found:?}");
    assert_eq!(found.endpoints[0].vpc_endpoint_id, endpoint);
    assert_pass(&with, "EC2.10");
    // The other VPC's endpoint is not its own.
    let mut without = crate::resources::vpc_item(&vpcs[1]);
    collect(&collector, &mut without, &[EvidenceKind::VpcEndpoints]).await;
    assert_fail(&without, "EC2.10");
}

#[tokio::test]
async fn only_snapshots_restorable_by_all_fail_ec2_1() {
    let moto = Moto::start();
    let collector = collector(&moto).await;
    let ec2 = &collector.clients().ec2;
    snapshot(ec2, false).await;
    let mut account = account_item();
    collect(
        &collector,
        &mut account,
        &[EvidenceKind::EbsPublicSnapshots],
    )
    .await;
    let found: EbsPublicSnapshots = evidence(&account, EvidenceKind::EbsPublicSnapshots);
    assert!(found.public_snapshot_ids.is_empty(), "{found:?}");
    assert_pass(&account, "EC2.1");
    let public = snapshot(ec2, true).await;
    let mut account = account_item();
    collect(
        &collector,
        &mut account,
        &[EvidenceKind::EbsPublicSnapshots],
    )
    .await;
    let found: EbsPublicSnapshots = evidence(&account, EvidenceKind::EbsPublicSnapshots);
    assert_eq!(found.public_snapshot_ids, std::slice::from_ref(&public));
    let reason = assert_fail(&account, "EC2.1");
    assert!(reason.contains(&public), "{reason}");
}

#[tokio::test]
async fn document_sharing_decides_ssm_4() {
    let moto = Moto::start();
    let collector = collector(&moto).await;
    let ssm = &collector.clients().ssm;
    document(ssm, "private-doc", false).await;
    document(ssm, "public-doc", true).await;
    let mut private = document_item("private-doc");
    collect(
        &collector,
        &mut private,
        &[EvidenceKind::SsmDocumentPermissions],
    )
    .await;
    let shared: SsmDocumentPermissions = evidence(&private, EvidenceKind::SsmDocumentPermissions);
    assert!(shared.account_ids.is_empty(), "{shared:?}");
    assert_pass(&private, "SSM.4");
    let mut public = document_item("public-doc");
    collect(
        &collector,
        &mut public,
        &[EvidenceKind::SsmDocumentPermissions],
    )
    .await;
    assert_fail(&public, "SSM.4");
}

#[tokio::test]
async fn inspector_status_decides_inspector_1_to_4() {
    let moto = Moto::start();
    let collector = collector(&moto).await;
    let controls = ["Inspector.1", "Inspector.2", "Inspector.3", "Inspector.4"];
    for enabled in [true, false] {
        inspector(&collector.clients().inspector2, enabled).await;
        let mut account = account_item();
        collect(
            &collector,
            &mut account,
            &[EvidenceKind::InspectorAccountStatus],
        )
        .await;
        let status: InspectorAccountStatus =
            evidence(&account, EvidenceKind::InspectorAccountStatus);
        assert_eq!(status.accounts.len(), 1, "{status:?}");
        assert_eq!(status.accounts[0].account_id, ACCOUNT);
        for control in controls {
            let v = verdict(&account, control);
            assert_eq!(v.is_compliant(), enabled, "{control}: {v:?}");
            assert!(enabled || v.is_non_compliant(), "{control}: {v:?}");
        }
    }
}

#[tokio::test]
async fn an_account_inspector_never_reported_is_not_a_pass() {
    // moto, unlike AWS, reports nothing for an account that never enabled Inspector: the read is
    // incomplete, never "disabled" or "enabled" by default.
    let moto = Moto::start();
    let collector = collector(&moto).await;
    let mut account = account_item();
    collect(
        &collector,
        &mut account,
        &[EvidenceKind::InspectorAccountStatus],
    )
    .await;
    let error = evidence_error(&account, EvidenceKind::InspectorAccountStatus);
    assert_eq!(error.code, "IncompleteResponse", "{error}");
    assert_insufficient(&account, "Inspector.1");
}

#[tokio::test]
async fn managed_instances_decide_ssm_1() {
    for managed in [true, false] {
        let collector = ssm_mocked(managed).await;
        let mut instance = instance_item(INSTANCE);
        collect(
            &collector,
            &mut instance,
            &[EvidenceKind::SsmInstanceInformation],
        )
        .await;
        let info: SsmInstanceInformation =
            evidence(&instance, EvidenceKind::SsmInstanceInformation);
        assert_eq!(info.managed, managed);
        if managed {
            assert_eq!(info.ping_status.as_deref(), Some("Online"));
        }
        let v = verdict(&instance, "SSM.1");
        assert!(
            if managed {
                v.is_compliant()
            } else {
                v.is_non_compliant()
            },
            "{v:?}"
        );
    }
}
