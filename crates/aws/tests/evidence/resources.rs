//! Per-resource evidence against moto: KMS key rotation, Lambda environment secrets, VPC flow logs.

use crate::support::*;
use sidewatch_core::evidence::shapes::{FlowLogs, KeyRotation, LambdaEnvironmentSecrets};
use sidewatch_core::{ConfigurationItem, EvidenceKind};

/// A KMS key's Config item built from DescribeKey, with the fields Config records.
pub(crate) async fn key_item(kms: &aws_sdk_kms::Client, key_id: &str) -> ConfigurationItem {
    let described = kms.describe_key().key_id(key_id).send().await.unwrap();
    let meta = described.key_metadata().unwrap();
    item(serde_json::json!({
        "configurationItemStatus": "OK",
        "awsAccountId": ACCOUNT,
        "awsRegion": REGION,
        "resourceType": "AWS::KMS::Key",
        "resourceId": meta.key_id(),
        "ARN": meta.arn(),
        "configuration": {
            "keyId": meta.key_id(),
            "arn": meta.arn(),
            "keyManager": meta.key_manager().map(|m| m.as_str()),
            "keyState": meta.key_state().map(|s| s.as_str()),
            "keySpec": meta.key_spec().map(|s| s.as_str()),
            "keyUsage": meta.key_usage().map(|u| u.as_str()),
            "origin": meta.origin().map(|o| o.as_str()),
            "enabled": meta.enabled()
        },
        "supplementaryConfiguration": {}
    }))
}

#[tokio::test]
async fn key_rotation_status_decides_kms_4() {
    let moto = Moto::start();
    let collector = collector(&moto).await;
    let kms = &collector.clients().kms;
    let rotated = kms.create_key().send().await.unwrap();
    let rotated_id = rotated.key_metadata().unwrap().key_id().to_owned();
    kms.enable_key_rotation()
        .key_id(&rotated_id)
        .send()
        .await
        .unwrap();
    let stale = kms.create_key().send().await.unwrap();
    let stale_id = stale.key_metadata().unwrap().key_id().to_owned();

    let mut rotated = key_item(kms, &rotated_id).await;
    let mut stale = key_item(kms, &stale_id).await;
    for item in [&mut rotated, &mut stale] {
        collect(&collector, item, &[EvidenceKind::KmsKeyRotation]).await;
    }
    let on: KeyRotation = evidence(&rotated, EvidenceKind::KmsKeyRotation);
    assert!(on.key_rotation_enabled);
    let off: KeyRotation = evidence(&stale, EvidenceKind::KmsKeyRotation);
    assert!(!off.key_rotation_enabled);
    assert_pass(&rotated, "KMS.4");
    let reason = assert_fail(&stale, "KMS.4");
    assert!(reason.contains(&stale_id), "{reason}");

    // A key that does not exist (deleted since Config recorded it): NotFoundException, no pass.
    let mut gone = key_item(kms, &stale_id).await;
    gone.resource_id = "00000000-0000-0000-0000-000000000000".into();
    gone.configuration["keyId"] = serde_json::json!("00000000-0000-0000-0000-000000000000");
    collect(&collector, &mut gone, &[EvidenceKind::KmsKeyRotation]).await;
    let error = evidence_error(&gone, EvidenceKind::KmsKeyRotation);
    assert_eq!(error.code, "NotFoundException", "{error}");
    assert_insufficient(&gone, "KMS.4");
}

/// Creates a function with these environment variables; returns its Config item.
pub(crate) async fn function(
    clients: &sidewatch_aws::AwsClients,
    name: &str,
    vars: &[(&str, &str)],
) -> ConfigurationItem {
    let role = format!("{name}-role");
    let trust = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                       "Action": "sts:AssumeRole"}]
    });
    let role_arn = clients
        .iam
        .create_role()
        .role_name(&role)
        .assume_role_policy_document(trust.to_string())
        .send()
        .await
        .unwrap()
        .role()
        .unwrap()
        .arn()
        .to_owned();
    // The smallest valid zip archive: an empty one (moto runs no code).
    let mut empty_zip = b"PK\x05\x06".to_vec();
    empty_zip.resize(22, 0);
    let mut environment = aws_sdk_lambda::types::Environment::builder();
    for (k, v) in vars {
        environment = environment.variables(*k, *v);
    }
    clients
        .lambda
        .create_function()
        .function_name(name)
        .runtime(aws_sdk_lambda::types::Runtime::Python312)
        .role(role_arn)
        .handler("app.handler")
        .code(
            aws_sdk_lambda::types::FunctionCode::builder()
                .zip_file(aws_smithy_types::Blob::new(empty_zip))
                .build(),
        )
        .environment(environment.build())
        .send()
        .await
        .unwrap();
    item(serde_json::json!({
        "configurationItemStatus": "OK",
        "awsAccountId": ACCOUNT,
        "awsRegion": REGION,
        "resourceType": "AWS::Lambda::Function",
        "resourceId": name,
        "resourceName": name,
        "ARN": format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"),
        "configuration": {"functionName": name, "runtime": "python3.12", "packageType": "Zip"},
        "supplementaryConfiguration": {}
    }))
}

#[tokio::test]
async fn environment_secrets_name_variables_never_values() {
    let moto = Moto::start();
    let collector = collector(&moto).await;
    let clients = collector.clients();
    // Made-up credentials with the shape of real ones (AWS's documentation examples, ending in
    // EXAMPLE, are deliberately not reported by the detector).
    const KEY_ID: &str = concat!("AKIA", "UJZDEGXDNCF32EPF");
    const SECRET: &str = concat!("q8Vd3mZk0Tn7", "Lr2Wx/Yb5Hc1Jf9Pg4Ks6Ea+Uo3iQv");
    let mut leaky = function(
        clients,
        "leaky",
        &[
            ("AWS_ACCESS_KEY_ID_PROD", KEY_ID),
            ("AWS_SECRET_ACCESS_KEY_PROD", SECRET),
            ("LOG_LEVEL", "info"),
        ],
    )
    .await;
    let mut clean = function(
        clients,
        "clean",
        &[("LOG_LEVEL", "info"), ("TABLE_NAME", "orders")],
    )
    .await;
    let mut bare = function(clients, "bare", &[]).await;
    for item in [&mut leaky, &mut clean, &mut bare] {
        collect(&collector, item, &[EvidenceKind::LambdaEnvironmentSecrets]).await;
    }

    let found: LambdaEnvironmentSecrets = evidence(&leaky, EvidenceKind::LambdaEnvironmentSecrets);
    assert_eq!(found.variables_checked, 3);
    let names: Vec<&str> = found.hits.iter().map(|h| h.variable.as_str()).collect();
    assert!(names.contains(&"AWS_ACCESS_KEY_ID_PROD"), "{names:?}");
    assert!(names.contains(&"AWS_SECRET_ACCESS_KEY_PROD"), "{names:?}");
    assert!(!names.contains(&"LOG_LEVEL"), "{names:?}");
    let stored = serde_json::to_string(&leaky.supplementary).unwrap();
    assert!(
        !stored.contains(KEY_ID) && !stored.contains(SECRET),
        "{stored}"
    );
    let reason = assert_fail(&leaky, "Lambda.X1");
    assert!(reason.contains("AWS_SECRET_ACCESS_KEY_PROD"), "{reason}");
    assert!(!reason.contains(SECRET), "{reason}");

    let found: LambdaEnvironmentSecrets = evidence(&clean, EvidenceKind::LambdaEnvironmentSecrets);
    assert_eq!((found.variables_checked, found.hits.len()), (2, 0));
    assert_pass(&clean, "Lambda.X1");
    let found: LambdaEnvironmentSecrets = evidence(&bare, EvidenceKind::LambdaEnvironmentSecrets);
    assert_eq!((found.variables_checked, found.hits.len()), (0, 0));
    assert_pass(&bare, "Lambda.X1");
}

pub(crate) fn vpc_item(vpc_id: &str) -> ConfigurationItem {
    item(serde_json::json!({
        "configurationItemStatus": "OK",
        "awsAccountId": ACCOUNT,
        "awsRegion": REGION,
        "resourceType": "AWS::EC2::VPC",
        "resourceId": vpc_id,
        "ARN": format!("arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/{vpc_id}"),
        "configuration": {"vpcId": vpc_id, "cidrBlock": "10.0.0.0/16", "isDefault": false,
                          "state": "available"},
        "supplementaryConfiguration": {}
    }))
}

#[tokio::test]
async fn flow_logs_of_the_vpc_decide_ec2_6() {
    let moto = Moto::start();
    moto.create_bucket("flow-logs");
    let collector = collector(&moto).await;
    let ec2 = &collector.clients().ec2;
    let create_vpc = |cidr: &'static str| async move {
        ec2.create_vpc()
            .cidr_block(cidr)
            .send()
            .await
            .unwrap()
            .vpc()
            .unwrap()
            .vpc_id()
            .unwrap()
            .to_owned()
    };
    let logged = create_vpc("10.0.0.0/16").await;
    let accept_only = create_vpc("10.1.0.0/16").await;
    let unlogged = create_vpc("10.2.0.0/16").await;
    for (vpc, traffic) in [
        (&logged, aws_sdk_ec2::types::TrafficType::Reject),
        (&accept_only, aws_sdk_ec2::types::TrafficType::Accept),
    ] {
        ec2.create_flow_logs()
            .resource_ids(vpc)
            .resource_type(aws_sdk_ec2::types::FlowLogsResourceType::Vpc)
            .traffic_type(traffic)
            .log_destination_type(aws_sdk_ec2::types::LogDestinationType::S3)
            .log_destination("arn:aws:s3:::flow-logs")
            .send()
            .await
            .unwrap();
    }

    let mut items: Vec<ConfigurationItem> = [&logged, &accept_only, &unlogged]
        .map(|v| vpc_item(v))
        .into();
    for item in &mut items {
        collect(&collector, item, &[EvidenceKind::VpcFlowLogs]).await;
    }
    let logs: FlowLogs = evidence(&items[0], EvidenceKind::VpcFlowLogs);
    assert_eq!(logs.flow_logs.len(), 1, "only this VPC's flow log");
    assert_eq!(logs.flow_logs[0].traffic_type.as_deref(), Some("REJECT"));
    assert_eq!(logs.flow_logs[0].flow_log_status.as_deref(), Some("ACTIVE"));
    assert_eq!(
        logs.flow_logs[0].log_destination_type.as_deref(),
        Some("s3")
    );
    let logs: FlowLogs = evidence(&items[2], EvidenceKind::VpcFlowLogs);
    assert!(logs.flow_logs.is_empty());

    assert_pass(&items[0], "EC2.6");
    let reason = assert_fail(&items[1], "EC2.6");
    assert!(reason.contains("ACCEPT"), "{reason}");
    assert_fail(&items[2], "EC2.6");
}
