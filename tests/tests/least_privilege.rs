//! Least privilege, proven against moto's IAM enforcement: an IAM user in moto holds exactly the
//! policy `template.yaml` gives a function's role (extracted by `Deployment::role_policy`, see
//! `support/moto_iam.rs`), and the real adapters (`sidewatch-aws`) then make that function's
//! calls with the user's keys while moto checks each call against the policy
//! (`INITIAL_NO_AUTH_ACTION_COUNT`). No call may be denied — and removing one action from the
//! policy must produce a denial, so the test can fail.
//!
//! * the evaluators: every evidence kind of the catalog (the collector's reads);
//! * the remediation role: every remediation executor's write call in apply mode with all
//!   controls allowed, and none of them in the template's default mode (dry-run).
//!
//! The functions' outbound paths (PutEvaluations, BatchImportFindings, the sweep's
//! SendMessageBatch) run end to end under the same enforcement in `tests/tests/functions`.

#[path = "support/moto_iam.rs"]
mod moto_iam;

use moto_iam::{EnforcedMoto, is_denial, moto_view, role_policy, without};
use serde_json::{Value, json};
use sidewatch_aws::remediate::{PlanExecutor, RemediationClients};
use sidewatch_aws::{AwsClients, CloudTrailChanges, EvidenceCollector};
use sidewatch_core::ports::ChangeSource;
use sidewatch_core::{ConfigurationItem, EvidenceKind, catalog};
use sidewatch_remediation::plan::{AccountPasswordPolicy, IpPermission, Plan};
use sidewatch_testkit::{ACCOUNT, REGION};
use sidewatch_tests::template::allowed_actions;
use std::collections::BTreeSet;

/// Evidence kinds moto's IAM enforcement cannot judge, left out of the proof (their actions are
/// still checked against the catalog by `tests/tests/template.rs`). Measured with moto 5.2.5:
/// Lambda and GuardDuty (REST-JSON) answer every call of a non-root user with
/// `SignatureDoesNotMatch`, whatever the policy; Access Analyzer's ListAnalyzers answers HTTP 500.
/// Systems Manager's DescribeInstanceInformation is not implemented in moto (HTTP 500).
/// (S3 Control is judged: moto names its action differently, see `moto_iam::MOTO_ACTION_NAMES`.)
/// moto has no AWS WAF Classic backend at all (`waf:GetLoggingConfiguration` is tested with SDK
/// mocks in `sidewatch-aws`).
const NOT_ENFORCEABLE_IN_MOTO: [EvidenceKind; 5] = [
    EvidenceKind::LambdaEnvironmentSecrets,
    EvidenceKind::GuardDutyDetectors,
    EvidenceKind::AccessAnalyzers,
    EvidenceKind::SsmInstanceInformation,
    EvidenceKind::WafClassicLogging,
];

/// Failures that prove the call was authorized: moto checks the policy first, then finds that the
/// (made-up) user, key, report row or SSM document does not exist, or (moto only) Inspector
/// was never turned on in the account, so it reports no status for it.
const AUTHORIZED_THEN_NOT_FOUND: [&str; 7] = [
    "NoSuchEntity:",
    "NotInCredentialReport:",
    "NotFoundException:",
    "InvalidDocument:",
    "IncompleteResponse: BatchGetAccountStatus answered without account",
    "LoadBalancerNotFound:",
    "ResourceNotFoundException:",
];

/// SDK clients signed with the keys of a new user `name` of `moto` holding exactly `policy` (as
/// moto must be told it). One moto serves several users: each call is judged on its own keys.
async fn clients_with_policy(moto: &EnforcedMoto, name: &str, policy: &Value) -> AwsClients {
    let credentials = moto.user(name, &moto_view(policy)).await;
    AwsClients::new(&moto.sdk_config(&credentials).await)
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
        EvidenceKind::SsmInstanceInformation => item(
            "AWS::EC2::Instance",
            "i-0a1b2c3d4e5f6a7b8",
            "i-0a1b2c3d4e5f6a7b8",
            &format!("arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-0a1b2c3d4e5f6a7b8"),
            json!({"instanceId": "i-0a1b2c3d4e5f6a7b8", "state": {"name": "running"}}),
        ),
        EvidenceKind::SsmDocumentPermissions => item(
            "AWS::SSM::Document",
            "deploy-app",
            "deploy-app",
            &format!("arn:aws:ssm:{REGION}:{ACCOUNT}:document/deploy-app"),
            json!({"Name": "deploy-app", "DocumentType": "Command"}),
        ),
        EvidenceKind::VpcFlowLogs | EvidenceKind::VpcEndpoints => item(
            "AWS::EC2::VPC",
            "vpc-0a1b2c3d",
            "vpc-0a1b2c3d",
            &format!("arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/vpc-0a1b2c3d"),
            json!({"vpcId": "vpc-0a1b2c3d"}),
        ),
        EvidenceKind::EcrRegistryScanning => item(
            "AWS::ECR::Repository",
            "orders-api",
            "orders-api",
            &format!("arn:aws:ecr:{REGION}:{ACCOUNT}:repository/orders-api"),
            json!({"RepositoryName": "orders-api"}),
        ),
        EvidenceKind::ElbV2Listeners => {
            let arn = format!(
                "arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/web/50dc6c495c0c9188"
            );
            item(
                "AWS::ElasticLoadBalancingV2::LoadBalancer",
                &arn,
                "web",
                &arn,
                json!({"loadBalancerArn": arn, "type": "application"}),
            )
        }
        EvidenceKind::WafV2Logging => item(
            "AWS::WAFv2::WebACL",
            "a1b2c3d4-5678-90ab-cdef-EXAMPLE22222",
            "api-acl",
            &format!(
                "arn:aws:wafv2:{REGION}:{ACCOUNT}:regional/webacl/api-acl/a1b2c3d4-5678-90ab-cdef-EXAMPLE22222"
            ),
            json!({"name": "api-acl"}),
        ),
        EvidenceKind::SecretsManagerSecret => {
            let arn = format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:prod/db-AbCdEf");
            item(
                "AWS::SecretsManager::Secret",
                &arn,
                "prod/db",
                &arn,
                json!({"Name": "prod/db", "ARN": arn}),
            )
        }
        EvidenceKind::DynamoDbAutoScaling => item(
            "AWS::DynamoDB::Table",
            "orders",
            "orders",
            &format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders"),
            json!({"tableName": "orders"}),
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

#[tokio::test]
async fn every_evaluator_role_reads_all_evidence_under_iam_enforcement() {
    let moto = EnforcedMoto::start().await;
    for role in ["ConfigRuleRole", "EventsRole", "SweepRole"] {
        let clients = clients_with_policy(&moto, role, &role_policy(role, &[])).await;
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
const REMOVALS: [(&str, EvidenceKind); 13] = [
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
    (
        "s3:GetAccountPublicAccessBlock",
        EvidenceKind::S3AccountPublicAccessBlock,
    ),
    (
        "ssm:DescribeDocumentPermission",
        EvidenceKind::SsmDocumentPermissions,
    ),
    (
        "inspector2:BatchGetAccountStatus",
        EvidenceKind::InspectorAccountStatus,
    ),
    (
        "ecr:GetRegistryScanningConfiguration",
        EvidenceKind::EcrRegistryScanning,
    ),
    (
        "elasticloadbalancing:DescribeListeners",
        EvidenceKind::ElbV2Listeners,
    ),
    ("wafv2:GetLoggingConfiguration", EvidenceKind::WafV2Logging),
    (
        "secretsmanager:DescribeSecret",
        EvidenceKind::SecretsManagerSecret,
    ),
    (
        "application-autoscaling:DescribeScalableTargets",
        EvidenceKind::DynamoDbAutoScaling,
    ),
];

#[tokio::test]
async fn removing_an_evidence_action_is_denied() {
    let moto = EnforcedMoto::start().await;
    for (n, (action, kind)) in REMOVALS.into_iter().enumerate() {
        let policy = without(&role_policy("EventsRole", &[]), action);
        let clients = clients_with_policy(&moto, &format!("without-{n}"), &policy).await;
        let failed = failed_reads(clients).await;
        let denied: Vec<_> = failed.iter().filter(|(_, code)| is_denial(code)).collect();
        assert_eq!(
            denied.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            [kind],
            "without {action}, only that read is denied: {failed:?}"
        );
    }
}

// ----- who made a change: CloudTrail LookupEvents ----------------------------------------------

/// Template parameter overrides of one deployment.
type Parameters<'a> = &'a [(&'a str, &'a str)];

/// `cloudtrail:LookupEvents` is granted exactly where the template's parameters say: the
/// config-rule and events roles unless `LookUpChanges` is false, the sweep role only when
/// `SweepLookUpChanges` is true. moto checks the policy, then answers an allowed call with HTTP
/// 500 (it does not implement LookupEvents): a denial, or its absence, is what is judged.
#[tokio::test]
async fn change_lookups_are_allowed_exactly_where_the_template_says() {
    let moto = EnforcedMoto::start().await;
    let cases: [(&str, Parameters, bool); 6] = [
        ("ConfigRuleRole", &[], true),
        ("EventsRole", &[], true),
        ("SweepRole", &[], false),
        ("SweepRole", &[("SweepLookUpChanges", "true")], true),
        ("ConfigRuleRole", &[("LookUpChanges", "false")], false),
        ("EventsRole", &[("LookUpChanges", "false")], false),
    ];
    for (n, (role, parameters, allowed)) in cases.into_iter().enumerate() {
        let policy = role_policy(role, parameters);
        let clients = clients_with_policy(&moto, &format!("lookup-{n}"), &policy).await;
        let changes = CloudTrailChanges::new(&clients.cloudtrail)
            .with_retry_policy(sidewatch_aws::RetryPolicy::fast(1));
        let failure = changes.change("0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d").await;
        let failure = failure
            .expect_err("moto does not implement LookupEvents")
            .to_string();
        assert_eq!(
            is_denial(&failure),
            !allowed,
            "{role} {parameters:?}: {failure}"
        );
        assert_eq!(
            allowed_actions(&policy).contains("cloudtrail:LookupEvents"),
            allowed,
            "{role} {parameters:?}"
        );
    }
}

// ----- the rules location: RulesUri ------------------------------------------------------------

/// The evaluators read the user's rules location with exactly the template's grant: the objects
/// under `RulesUri`'s prefix, nothing beside it, and nothing at all without `RulesUri`.
#[tokio::test]
async fn the_rules_location_is_readable_exactly_where_the_template_says() {
    use sidewatch_aws::S3RulesStore;
    use sidewatch_core::RulesLocation;
    use sidewatch_core::ports::RulesStore;

    let moto = EnforcedMoto::start().await;
    let admin = moto.admin_config().await;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&admin)
            .force_path_style(true)
            .build(),
    );
    s3.create_bucket()
        .bucket("team-rules")
        .send()
        .await
        .unwrap();
    for key in [
        "sidewatch/buckets.guard",
        "sidewatch/exceptions.yaml",
        "other/x.guard",
    ] {
        s3.put_object()
            .bucket("team-rules")
            .key(key)
            .body(b"rule a { configuration exists }".to_vec().into())
            .send()
            .await
            .unwrap();
    }
    let uri = "s3://team-rules/sidewatch/";
    let location = RulesLocation::parse(uri).unwrap();
    let beside = RulesLocation::parse("s3://team-rules/other/").unwrap();
    let with_rules = [("RulesUri", uri)];
    for role in ["ConfigRuleRole", "EventsRole", "SweepRole"] {
        let read = |name: String, policy: Value, location: RulesLocation| {
            let moto = &moto;
            async move {
                let credentials = moto.user(&name, &moto_view(&policy)).await;
                let sdk = moto.sdk_config(&credentials).await;
                S3RulesStore::new(&sdk, &location).read_all().await
            }
        };
        let policy = role_policy(role, &with_rules);
        let objects = read(format!("{role}-rules"), policy.clone(), location.clone())
            .await
            .unwrap_or_else(|e| panic!("{role}: {e}"));
        assert_eq!(objects.len(), 2, "{role}");
        let failure = read(format!("{role}-beside"), policy.clone(), beside.clone())
            .await
            .expect_err("another prefix of the bucket")
            .to_string();
        assert!(is_denial(&failure), "{role}: {failure}");
        // Without s3:GetObject the objects are denied. (moto 5.2.5 does not deny the listing
        // without s3:ListBucket — measured — so that grant and its s3:prefix condition are
        // checked by tests/tests/template.rs only.)
        let failure = read(
            format!("{role}-no-get"),
            without(&policy, "s3:GetObject"),
            location.clone(),
        )
        .await
        .expect_err("s3:GetObject")
        .to_string();
        assert!(
            is_denial(&failure),
            "{role} without s3:GetObject: {failure}"
        );
        let failure = read(
            format!("{role}-default"),
            role_policy(role, &[]),
            location.clone(),
        )
        .await
        .expect_err("no RulesUri, no grant")
        .to_string();
        assert!(is_denial(&failure), "{role}: {failure}");
    }
}

// ----- the remediation role ------------------------------------------------------------------

/// A deployment that remediates every remediable control.
const APPLY_ALL: [(&str, &str); 2] = [("RemediationMode", "apply"), ("RemediationControls", "*")];

/// The write action each remediation executor call needs, as IAM names it (one per [`Plan`]
/// variant, two for EC2.2).
const EXECUTOR_ACTIONS: [&str; 13] = [
    "s3:PutBucketPublicAccessBlock",
    "s3:PutAccountPublicAccessBlock",
    "s3:PutBucketPolicy",
    "s3:PutEncryptionConfiguration",
    "s3:PutBucketVersioning",
    "ec2:RevokeSecurityGroupIngress",
    "ec2:RevokeSecurityGroupEgress",
    "ec2:ModifyInstanceMetadataOptions",
    "ec2:EnableEbsEncryptionByDefault",
    "kms:EnableKeyRotation",
    "cloudtrail:UpdateTrail",
    "iam:UpdateAccountPasswordPolicy",
    "rds:ModifyDBInstance",
];

/// Resources for every plan, created by moto's administrator (names end in `suffix`), and the
/// plans: what the executors would be asked to do for S3.8, S3.1, S3.5, S3.17, S3.14, EC2.2,
/// EC2.8, EC2.7, KMS.4, CloudTrail.4, IAM.7 and RDS.11.
async fn remediation_plans(moto: &EnforcedMoto, suffix: &str) -> Vec<Plan> {
    let admin = RemediationClients::new(&moto.admin_config().await, ACCOUNT);
    let bucket = format!("sidewatch-remediate-{suffix}");
    let trail = format!("management-{suffix}");
    let database = format!("orders-{suffix}");
    admin
        .s3
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    let group = admin
        .aws
        .ec2
        .create_security_group()
        .group_name(format!("open-ssh-{suffix}"))
        .description("open-ssh")
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_owned();
    admin
        .aws
        .ec2
        .authorize_security_group_ingress()
        .group_id(&group)
        .ip_protocol("tcp")
        .from_port(22)
        .to_port(22)
        .cidr_ip("0.0.0.0/0")
        .send()
        .await
        .unwrap();
    let instance = admin
        .aws
        .ec2
        .run_instances()
        .image_id("ami-12c6146b")
        .instance_type("t3.micro".into())
        .min_count(1)
        .max_count(1)
        .send()
        .await
        .unwrap()
        .instances()[0]
        .instance_id()
        .unwrap()
        .to_owned();
    let key = admin
        .aws
        .kms
        .create_key()
        .send()
        .await
        .unwrap()
        .key_metadata()
        .unwrap()
        .key_id()
        .to_owned();
    admin
        .aws
        .cloudtrail
        .create_trail()
        .name(&trail)
        .s3_bucket_name(&bucket)
        .send()
        .await
        .unwrap();
    admin
        .rds
        .create_db_instance()
        .db_instance_identifier(&database)
        .db_instance_class("db.t3.micro")
        .engine("postgres")
        .master_username("dbadmin")
        .master_user_password("not-a-real-password-1")
        .allocated_storage(20)
        .backup_retention_period(0)
        .send()
        .await
        .unwrap();
    let world = |protocol: &str, port: Option<i64>| IpPermission {
        ip_protocol: protocol.to_owned(),
        from_port: port,
        to_port: port,
        ipv4_ranges: vec!["0.0.0.0/0".to_owned()],
        ipv6_ranges: Vec::new(),
        user_id_group_pairs: Vec::new(),
        prefix_list_ids: Vec::new(),
    };
    vec![
        Plan::PutBucketPublicAccessBlock {
            bucket: bucket.clone(),
        },
        Plan::PutAccountPublicAccessBlock {
            account_id: ACCOUNT.to_owned(),
        },
        Plan::PutBucketPolicy {
            bucket: bucket.clone(),
            policy: json!({"Version": "2012-10-17", "Statement": [{
                "Sid": "sidewatch-deny-insecure-transport", "Effect": "Deny", "Principal": "*",
                "Action": "s3:*",
                "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}
            }]}),
        },
        Plan::PutBucketEncryption {
            bucket: bucket.clone(),
            kms_master_key_id: None,
            bucket_key_enabled: true,
        },
        Plan::PutBucketVersioning { bucket },
        // EC2.2: the ingress rule and the default egress rule of the group.
        Plan::RevokeSecurityGroupRules {
            group_id: group,
            ingress: vec![world("tcp", Some(22))],
            egress: vec![world("-1", None)],
        },
        Plan::RequireImdsv2 {
            instance_id: instance,
        },
        Plan::EnableEbsEncryptionByDefault {
            region: REGION.to_owned(),
        },
        Plan::EnableKeyRotation { key_id: key },
        Plan::EnableLogFileValidation { trail },
        Plan::UpdateAccountPasswordPolicy {
            policy: AccountPasswordPolicy {
                minimum_password_length: 14,
                require_symbols: true,
                require_numbers: true,
                require_uppercase_characters: true,
                require_lowercase_characters: true,
                allow_users_to_change_password: true,
                max_password_age: Some(90),
                password_reuse_prevention: Some(24),
                hard_expiry: false,
            },
        },
        Plan::ModifyDbInstance {
            db_instance_identifier: database,
            backup_retention_period: Some(7),
            auto_minor_version_upgrade: None,
            apply_immediately: true,
        },
    ]
}

/// Runs `plans` with the keys of a new user `name` holding `policy`: `(plan, error)` of the plans
/// that failed, and the requests moto refused meanwhile.
async fn run_plans(
    moto: &EnforcedMoto,
    name: &str,
    policy: &Value,
    plans: &[Plan],
) -> (Vec<(String, String)>, Vec<String>) {
    let credentials = moto.user(name, &moto_view(policy)).await;
    let role = RemediationClients::new(&moto.sdk_config(&credentials).await, ACCOUNT);
    let refused_before = moto.denials().len();
    let mut failed = Vec::new();
    for plan in plans {
        if let Err(error) = role.execute(plan).await {
            failed.push((plan.describe(), error.to_string()));
        }
    }
    (failed, moto.denials().split_off(refused_before))
}

/// One moto, two sets of resources: the default (dry-run) role and the apply role without
/// `kms:EnableKeyRotation` try the first set's plans, which neither may change beyond what
/// they are allowed; the complete apply role then applies the second set's plans.
#[tokio::test]
async fn remediation_role_authorizes_exactly_the_executor_calls_of_its_mode() {
    let dry_run = role_policy("RemediateRole", &[]);
    let apply = role_policy("RemediateRole", &APPLY_ALL);
    let granted = allowed_actions(&apply);
    let missing: Vec<&str> = EXECUTOR_ACTIONS
        .into_iter()
        .filter(|a| !granted.contains(*a))
        .collect();
    assert!(missing.is_empty(), "apply mode lacks {missing:?}");
    let granted = allowed_actions(&dry_run);
    let writes: BTreeSet<&str> = EXECUTOR_ACTIONS
        .iter()
        .copied()
        .chain(["s3:PutObject"])
        .filter(|a| granted.contains(*a))
        .collect();
    assert!(writes.is_empty(), "dry-run (the default) grants {writes:?}");

    let moto = EnforcedMoto::start().await;
    let first = remediation_plans(&moto, "a").await;
    let second = remediation_plans(&moto, "b").await;

    // The default mode: moto refuses every executor call (EC2.2 stops at its first call).
    let (failed, refused) = run_plans(&moto, "dry-run", &dry_run, &first).await;
    assert_eq!(failed.len(), first.len(), "every plan refused: {failed:?}");
    assert_eq!(refused.len(), first.len(), "{refused:?}");

    // Without one action: exactly that call is refused, the others go through.
    let without_rotation = without(&apply, "kms:EnableKeyRotation");
    let (failed, refused) = run_plans(&moto, "no-rotation", &without_rotation, &first).await;
    assert_eq!(refused.len(), 1, "one refused request: {refused:?}");
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0].1.starts_with("kms:EnableKeyRotation") && is_denial(&failed[0].1),
        "{failed:?}"
    );

    // Apply mode with every control allowed: every plan applies, moto refuses nothing.
    let (failed, refused) = run_plans(&moto, "apply", &apply, &second).await;
    assert_eq!(refused, Vec::<String>::new(), "moto refused: {failed:?}");
    assert_eq!(failed, Vec::new(), "every plan applied");
}
