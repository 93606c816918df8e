//! Least privilege, proven against moto's IAM enforcement: an IAM user in moto holds exactly the
//! policy `template.yaml` gives an evaluator function's role (extracted by
//! `Deployment::role_policy`), and the real evidence collector (`sidewatch-aws`) then reads every
//! evidence kind of the catalog with that user's keys while moto checks each call against the
//! policy (`INITIAL_NO_AUTH_ACTION_COUNT`). No call may be denied — and removing one action from
//! the policy must produce a denial, so the test can fail.
//!
//! Not covered here yet: the writes of the functions' outbound paths (PutEvaluations,
//! BatchImportFindings, the sweep's SendMessageBatch) and the remediation role; their actions are
//! checked against the code by `tests/tests/template.rs` only.

use aws_credential_types::Credentials;
use serde_json::{Value, json};
use sidewatch_aws::{AwsClients, ClientOptions, EvidenceCollector};
use sidewatch_core::{ConfigurationItem, EvidenceKind, catalog};
use sidewatch_testkit::{ACCOUNT, Moto, REGION, fake_credentials};
use sidewatch_tests::template::{Deployment, load, repo_root};
use std::collections::BTreeSet;

/// Calls made before enforcement starts: CreatePolicy, CreateUser, AttachUserPolicy,
/// CreateAccessKey.
const SETUP_CALLS: &str = "4";

/// Evidence kinds moto's IAM enforcement cannot judge, left out of the proof (their actions are
/// still checked against the catalog by `tests/tests/template.rs`). Measured with moto 5.2.5:
/// Lambda and GuardDuty (REST-JSON) answer every call of a non-root user with
/// `SignatureDoesNotMatch`, whatever the policy; S3 Control's GetPublicAccessBlock fails without a
/// readable answer under enforcement; Access Analyzer's ListAnalyzers answers HTTP 500.
const NOT_ENFORCEABLE_IN_MOTO: [EvidenceKind; 4] = [
    EvidenceKind::LambdaEnvironmentSecrets,
    EvidenceKind::GuardDutyDetectors,
    EvidenceKind::S3AccountPublicAccessBlock,
    EvidenceKind::AccessAnalyzers,
];

/// Failures that prove the call was authorized: moto checks the policy first, then finds that the
/// (made-up) user, key or report row does not exist.
const AUTHORIZED_THEN_NOT_FOUND: [&str; 3] = [
    "NoSuchEntity:",
    "NotInCredentialReport:",
    "NotFoundException:",
];

/// True when a failed read (`code: message`) was a denial. moto answers the JSON-protocol services
/// (KMS, CloudTrail, Config) with an XML error body the SDK cannot read, so those arrive as a
/// code-less HTTP 403 (`ServiceError`, or `InvalidResponse` for Config); AWS itself always names
/// the code.
fn is_denial(failure: &str) -> bool {
    [
        "AccessDenied",
        "Unauthorized",
        "AuthorizationError",
        "InvalidClientTokenId",
    ]
    .iter()
    .any(|d| failure.contains(d))
        || ((failure.starts_with("ServiceError") || failure.starts_with("InvalidResponse"))
            && failure.contains("HTTP 403"))
}

/// A user in `moto` with exactly `policy`, and SDK clients signed with its keys.
async fn clients_with_policy(moto: &Moto, policy: &Value) -> AwsClients {
    let admin = aws_sdk_iam::Client::new(&moto.sdk_config().await);
    let created = admin
        .create_policy()
        .policy_name("sidewatch-under-test")
        .policy_document(policy.to_string())
        .send()
        .await
        .expect("moto accepts the template's policy document");
    let arn = created.policy().and_then(|p| p.arn()).unwrap().to_owned();
    admin
        .create_user()
        .user_name("sidewatch-function")
        .send()
        .await
        .unwrap();
    admin
        .attach_user_policy()
        .user_name("sidewatch-function")
        .policy_arn(arn)
        .send()
        .await
        .unwrap();
    let key = admin
        .create_access_key()
        .user_name("sidewatch-function")
        .send()
        .await
        .unwrap();
    let key = key.access_key().unwrap();
    let credentials = Credentials::new(
        key.access_key_id(),
        key.secret_access_key(),
        None,
        None,
        "least-privilege",
    );
    let _ = fake_credentials; // the setup above signs with the testkit's fake credentials
    let sdk = ClientOptions {
        endpoint_url: Some(moto.endpoint.clone()),
        region: Some(REGION.into()),
        max_attempts: 1,
        ..ClientOptions::default()
    }
    .config_loader()
    .credentials_provider(credentials)
    .load()
    .await;
    AwsClients::new(&sdk)
}

fn item(
    resource_type: &str,
    id: &str,
    name: &str,
    arn: &str,
    configuration: Value,
) -> ConfigurationItem {
    ConfigurationItem::from_value(json!({
        "configurationItemStatus": "OK",
        "configurationItemCaptureTime": "2026-11-20T09:15:02.114Z",
        "awsAccountId": ACCOUNT,
        "awsRegion": REGION,
        "resourceType": resource_type,
        "resourceId": id,
        "resourceName": name,
        "ARN": arn,
        "configuration": configuration,
        "supplementaryConfiguration": {}
    }))
    .unwrap()
}

/// One item per subject the evidence kinds read: the account, a user, a key, a function, a VPC.
/// The resources need not exist: moto authorizes a call before it looks them up.
fn subject_for(kind: EvidenceKind) -> ConfigurationItem {
    let user = || {
        item(
            "AWS::IAM::User",
            "AIDAEXAMPLEUSER00001",
            "alice",
            &format!("arn:aws:iam::{ACCOUNT}:user/alice"),
            json!({"userName": "alice", "userId": "AIDAEXAMPLEUSER00001"}),
        )
    };
    match kind {
        EvidenceKind::IamUserMfaDevices
        | EvidenceKind::IamUserLoginProfile
        | EvidenceKind::IamUserAccessKeys
        | EvidenceKind::IamCredentialReportRow => user(),
        EvidenceKind::KmsKeyRotation => {
            let key = "1234abcd-12ab-34cd-56ef-1234567890ab";
            item(
                "AWS::KMS::Key",
                key,
                key,
                &format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{key}"),
                json!({"keyId": key, "keyManager": "CUSTOMER", "keySpec": "SYMMETRIC_DEFAULT"}),
            )
        }
        EvidenceKind::LambdaEnvironmentSecrets => item(
            "AWS::Lambda::Function",
            "orders",
            "orders",
            &format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders"),
            json!({"functionName": "orders"}),
        ),
        EvidenceKind::VpcFlowLogs => item(
            "AWS::EC2::VPC",
            "vpc-0a1b2c3d",
            "vpc-0a1b2c3d",
            &format!("arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/vpc-0a1b2c3d"),
            json!({"vpcId": "vpc-0a1b2c3d"}),
        ),
        _ => ConfigurationItem::account(ACCOUNT, REGION, true),
    }
}

/// `(kind, error code)` of every evidence read that failed.
async fn failed_reads(clients: AwsClients) -> Vec<(EvidenceKind, String)> {
    let kinds: BTreeSet<EvidenceKind> = catalog()
        .iter()
        .flat_map(|c| c.evidence.iter().copied())
        .filter(|k| !NOT_ENFORCEABLE_IN_MOTO.contains(k))
        .collect();
    let collector = EvidenceCollector::new(clients);
    let mut failed = Vec::new();
    for kind in kinds {
        let mut item = subject_for(kind);
        collector.collect(&mut item, &[kind]).await;
        let stored = item
            .supplementary
            .get(&kind.key())
            .cloned()
            .unwrap_or(Value::Null);
        if let Some(code) = stored
            .pointer("/sidewatchError/code")
            .and_then(Value::as_str)
        {
            let message = stored
                .pointer("/sidewatchError/message")
                .and_then(Value::as_str);
            failed.push((kind, format!("{code}: {}", message.unwrap_or_default())));
        }
    }
    failed
}

fn evaluator_policy(role: &str, without: Option<&str>) -> Value {
    let template = load(&repo_root().join("template.yaml")).unwrap();
    let deployment = Deployment::new(&template, &[]);
    let mut policy = deployment.role_policy(role);
    if let Some(removed) = without {
        for statement in policy["Statement"].as_array_mut().unwrap() {
            if let Some(actions) = statement["Action"].as_array_mut() {
                actions.retain(|a| a != removed);
            }
        }
    }
    policy
}

#[tokio::test]
async fn every_evaluator_role_reads_all_evidence_under_iam_enforcement() {
    for role in ["ConfigRuleRole", "EventsRole", "SweepRole"] {
        let moto = Moto::start_with(&[("INITIAL_NO_AUTH_ACTION_COUNT", SETUP_CALLS)]);
        let clients = clients_with_policy(&moto, &evaluator_policy(role, None)).await;
        let failed = failed_reads(clients).await;
        let denied: Vec<_> = failed.iter().filter(|(_, code)| is_denial(code)).collect();
        assert!(denied.is_empty(), "{role}: moto's IAM denied {denied:?}");
        // Nothing else failed either: a read that failed for another reason proves nothing.
        let unexplained: Vec<_> = failed
            .iter()
            .filter(|(_, failure)| {
                !AUTHORIZED_THEN_NOT_FOUND
                    .iter()
                    .any(|code| failure.starts_with(code))
            })
            .collect();
        assert!(
            unexplained.is_empty(),
            "{role}: reads failed for a reason other than a missing resource: {unexplained:?}"
        );
    }
}

/// One action per service moto enforces, and the evidence its removal must break.
const REMOVALS: [(&str, EvidenceKind); 5] = [
    (
        "iam:GetAccountPasswordPolicy",
        EvidenceKind::IamPasswordPolicy,
    ),
    ("kms:GetKeyRotationStatus", EvidenceKind::KmsKeyRotation),
    ("ec2:DescribeFlowLogs", EvidenceKind::VpcFlowLogs),
    ("cloudtrail:DescribeTrails", EvidenceKind::CloudTrailTrails),
    (
        "config:DescribeConfigurationRecorders",
        EvidenceKind::ConfigRecorders,
    ),
];

#[tokio::test]
async fn removing_an_evidence_action_is_denied() {
    for (action, kind) in REMOVALS {
        let moto = Moto::start_with(&[("INITIAL_NO_AUTH_ACTION_COUNT", SETUP_CALLS)]);
        let full = evaluator_policy("EventsRole", None);
        let policy = evaluator_policy("EventsRole", Some(action));
        assert_ne!(
            full, policy,
            "{action} is not in EventsRole's policy as a list entry"
        );
        let clients = clients_with_policy(&moto, &policy).await;
        let failed = failed_reads(clients).await;
        let denied: Vec<_> = failed.iter().filter(|(_, code)| is_denial(code)).collect();
        assert_eq!(
            denied.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            [kind],
            "without {action}, only that read is denied: {failed:?}"
        );
    }
}
