//! Seeders of the infrastructure resources, shared by the evidence and inventory tests: an SSM
//! document (public or not), an EBS snapshot (public or not), Amazon Inspector on or off, an
//! EC2 API endpoint in a VPC.

#![allow(dead_code)]

use aws_sdk_ec2::types::VpcEndpointType;
use aws_sdk_inspector2::types::ResourceScanType;
use sidewatch_testkit::{ACCOUNT, REGION};

const DOCUMENT: &str = r#"{"schemaVersion": "2.2", "description": "Restart the app",
  "mainSteps": [{"action": "aws:runShellScript", "name": "restart",
                 "inputs": {"runCommand": ["systemctl restart app"]}}]}"#;

/// An SSM document owned by the account, shared with everyone when `public`.
pub async fn document(ssm: &aws_sdk_ssm::Client, name: &str, public: bool) {
    ssm.create_document()
        .name(name)
        .content(DOCUMENT)
        .document_type(aws_sdk_ssm::types::DocumentType::Command)
        .send()
        .await
        .unwrap();
    if public {
        ssm.modify_document_permission()
            .name(name)
            .permission_type(aws_sdk_ssm::types::DocumentPermissionType::Share)
            .account_ids_to_add("all")
            .send()
            .await
            .unwrap();
    }
}

/// A snapshot of a new volume, restorable by anyone when `public`.
pub async fn snapshot(ec2: &aws_sdk_ec2::Client, public: bool) -> String {
    let volume = ec2
        .create_volume()
        .availability_zone(format!("{REGION}a"))
        .size(8)
        .send()
        .await
        .unwrap();
    let snapshot = ec2
        .create_snapshot()
        .volume_id(volume.volume_id().unwrap())
        .send()
        .await
        .unwrap();
    let id = snapshot.snapshot_id().unwrap().to_owned();
    if public {
        ec2.modify_snapshot_attribute()
            .snapshot_id(&id)
            .attribute(aws_sdk_ec2::types::SnapshotAttributeName::CreateVolumePermission)
            // The OperationType / GroupNames form: moto reads only this one (AWS takes both).
            .operation_type(aws_sdk_ec2::types::OperationType::Add)
            .group_names("all")
            .send()
            .await
            .unwrap();
    }
    id
}

const SCAN_TYPES: [ResourceScanType; 4] = [
    ResourceScanType::Ec2,
    ResourceScanType::Ecr,
    ResourceScanType::Lambda,
    ResourceScanType::LambdaCode,
];

/// Amazon Inspector with every scan type on; or turned on and then off again (moto, like AWS,
/// then reports the account DISABLED).
pub async fn inspector(inspector: &aws_sdk_inspector2::Client, enabled: bool) {
    inspector
        .enable()
        .account_ids(ACCOUNT)
        .set_resource_types(Some(SCAN_TYPES.to_vec()))
        .send()
        .await
        .unwrap();
    if !enabled {
        inspector
            .disable()
            .account_ids(ACCOUNT)
            .set_resource_types(Some(SCAN_TYPES.to_vec()))
            .send()
            .await
            .unwrap();
    }
}

/// An interface endpoint for the EC2 API in the VPC.
pub async fn ec2_endpoint(ec2: &aws_sdk_ec2::Client, vpc: &str) -> String {
    ec2.create_vpc_endpoint()
        .vpc_id(vpc)
        .vpc_endpoint_type(VpcEndpointType::Interface)
        .service_name(format!("com.amazonaws.{REGION}.ec2"))
        .send()
        .await
        .unwrap()
        .vpc_endpoint()
        .unwrap()
        .vpc_endpoint_id()
        .unwrap()
        .to_owned()
}
