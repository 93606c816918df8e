//! `sidewatch scan --live` end to end: the real binary, pointed at a private moto_server seeded
//! through the SDK, on snapshot files this test writes (an IAM user, a KMS key, a Lambda function,
//! a VPC) plus the account-level item the scan adds. Non-compliant state fails with the right
//! reasons, the fixed state passes, the same file offline is INSUFFICIENT_DATA, an unreachable
//! endpoint is a clear error with no PASSED anywhere.

mod common;

use common::{Run, scratch, sidewatch, sidewatch_with_env};
use serde_json::{Value, json};
use sidewatch_testkit::{ACCOUNT, Moto, REGION};
use std::path::Path;

/// The controls under test: per resource, and account-level ones moto implements.
const CONTROLS: &str = "IAM.5,IAM.19,KMS.4,Lambda.X1,EC2.6,EC2.7,GuardDuty.1,S3.1";

/// A configuration item in the notification shape (as in a Config snapshot file).
fn item(
    resource_type: &str,
    id: &str,
    name: Option<&str>,
    arn: &str,
    configuration: Value,
) -> Value {
    json!({
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": "2026-11-20T09:15:02.114Z",
        "configurationItemStatus": "OK",
        "awsAccountId": ACCOUNT,
        "awsRegion": if resource_type == "AWS::IAM::User" { "global" } else { REGION },
        "resourceType": resource_type,
        "resourceId": id,
        "resourceName": name,
        "ARN": arn,
        "configuration": configuration,
        "supplementaryConfiguration": {},
        "tags": {}
    })
}

struct Seeded {
    user: String,
    key_id: String,
    function: String,
    vpc_id: String,
}

/// Non-compliant state: a console user without MFA, a key without rotation, a function with an
/// access key secret in its environment, a VPC without flow logs, a new account's defaults.
async fn seed(moto: &Moto) -> Seeded {
    let sdk = moto.sdk_config().await;
    let iam = aws_sdk_iam::Client::new(&sdk);
    let user = "dana";
    let created = iam.create_user().user_name(user).send().await.unwrap();
    let user_id = created.user().unwrap().user_id().to_owned();
    iam.create_login_profile()
        .user_name(user)
        .password("Correct-Horse-9")
        .send()
        .await
        .unwrap();
    let kms = aws_sdk_kms::Client::new(&sdk);
    let key = kms.create_key().send().await.unwrap();
    let key_id = key.key_metadata().unwrap().key_id().to_owned();
    let role = iam
        .create_role()
        .role_name("orders-role")
        .assume_role_policy_document(
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    let mut empty_zip = b"PK\x05\x06".to_vec();
    empty_zip.resize(22, 0);
    aws_sdk_lambda::Client::new(&sdk)
        .create_function()
        .function_name("orders")
        .runtime(aws_sdk_lambda::types::Runtime::Python312)
        .role(role.role().unwrap().arn())
        .handler("app.handler")
        .code(
            aws_sdk_lambda::types::FunctionCode::builder()
                .zip_file(aws_smithy_types::Blob::new(empty_zip))
                .build(),
        )
        .environment(secret_environment(true))
        .send()
        .await
        .unwrap();
    let ec2 = aws_sdk_ec2::Client::new(&sdk);
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.0.0.0/16")
        .send()
        .await
        .unwrap();
    let vpc_id = vpc.vpc().unwrap().vpc_id().unwrap().to_owned();
    let _ = user_id;
    Seeded {
        user: user.to_owned(),
        key_id,
        function: "orders".to_owned(),
        vpc_id,
    }
}

fn secret_environment(leaky: bool) -> aws_sdk_lambda::types::Environment {
    const SECRET: &str = concat!("q8Vd3mZk0Tn7", "Lr2Wx/Yb5Hc1Jf9Pg4Ks6Ea+Uo3iQv");
    let builder = aws_sdk_lambda::types::Environment::builder().variables("TABLE_NAME", "orders");
    if leaky {
        builder.variables("AWS_SECRET_ACCESS_KEY", SECRET).build()
    } else {
        builder.build()
    }
}

/// Fixes every non-compliant setting [`seed`] made.
async fn fix(moto: &Moto, seeded: &Seeded) {
    let sdk = moto.sdk_config().await;
    let iam = aws_sdk_iam::Client::new(&sdk);
    let device = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("dana-mfa")
        .send()
        .await
        .unwrap();
    iam.enable_mfa_device()
        .user_name(&seeded.user)
        .serial_number(device.virtual_mfa_device().unwrap().serial_number())
        .authentication_code1("123456")
        .authentication_code2("654321")
        .send()
        .await
        .unwrap();
    aws_sdk_kms::Client::new(&sdk)
        .enable_key_rotation()
        .key_id(&seeded.key_id)
        .send()
        .await
        .unwrap();
    aws_sdk_lambda::Client::new(&sdk)
        .update_function_configuration()
        .function_name(&seeded.function)
        .environment(secret_environment(false))
        .send()
        .await
        .unwrap();
    moto.create_bucket("flow-logs");
    let ec2 = aws_sdk_ec2::Client::new(&sdk);
    ec2.create_flow_logs()
        .resource_ids(&seeded.vpc_id)
        .resource_type(aws_sdk_ec2::types::FlowLogsResourceType::Vpc)
        .traffic_type(aws_sdk_ec2::types::TrafficType::All)
        .log_destination_type(aws_sdk_ec2::types::LogDestinationType::S3)
        .log_destination("arn:aws:s3:::flow-logs")
        .send()
        .await
        .unwrap();
    ec2.enable_ebs_encryption_by_default().send().await.unwrap();
    let guardduty = aws_sdk_guardduty::Client::new(&sdk);
    guardduty
        .create_detector()
        .enable(true)
        .send()
        .await
        .unwrap();
    let s3control = sidewatch_aws::AwsClients::new(&sdk).s3control;
    s3control
        .put_public_access_block()
        .account_id(ACCOUNT)
        .public_access_block_configuration(
            aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
}

/// The snapshot file naming the seeded resources (as Config would have recorded them).
fn write_snapshot(dir: &Path, seeded: &Seeded) -> String {
    let user_arn = format!("arn:aws:iam::{ACCOUNT}:user/{}", seeded.user);
    let key_arn = format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{}", seeded.key_id);
    let function_arn = format!(
        "arn:aws:lambda:{REGION}:{ACCOUNT}:function:{}",
        seeded.function
    );
    let vpc_arn = format!("arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/{}", seeded.vpc_id);
    let snapshot = json!({
        "fileVersion": "1.0",
        "configSnapshotId": "3c1f7a52-9d2e-4b8a-a6f0-1e2d3c4b5a69",
        "configurationItems": [
            item("AWS::IAM::User", "AIDAEXAMPLEDANA00001", Some(&seeded.user), &user_arn,
                 json!({"userName": seeded.user, "path": "/", "arn": user_arn})),
            item("AWS::KMS::Key", &seeded.key_id, None, &key_arn,
                 json!({"keyId": seeded.key_id, "arn": key_arn, "keyManager": "CUSTOMER",
                        "keyState": "Enabled", "keySpec": "SYMMETRIC_DEFAULT",
                        "keyUsage": "ENCRYPT_DECRYPT", "origin": "AWS_KMS", "enabled": true})),
            item("AWS::Lambda::Function", &seeded.function, Some(&seeded.function), &function_arn,
                 json!({"functionName": seeded.function, "runtime": "python3.12",
                        "packageType": "Zip"})),
            item("AWS::EC2::VPC", &seeded.vpc_id, None, &vpc_arn,
                 json!({"vpcId": seeded.vpc_id, "cidrBlock": "10.0.0.0/16", "isDefault": false,
                        "state": "available"})),
        ]
    });
    let path = dir.join("snapshot.json");
    std::fs::write(&path, snapshot.to_string()).unwrap();
    path.to_str().unwrap().to_owned()
}

/// `(controlId, resourceType, status, reason)` of every verdict of a `--format json` run.
fn verdicts(run: &Run) -> Vec<(String, String, String, String)> {
    let field = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_owned();
    run.json()
        .as_array()
        .expect("an array of verdicts")
        .iter()
        .map(|v| {
            (
                field(v, "controlId"),
                field(v, "resourceType"),
                field(v, "status"),
                field(v, "reason"),
            )
        })
        .collect()
}

fn live(moto: &Moto, file: &str) -> Run {
    let args = [
        "scan",
        "--live",
        "--endpoint-url",
        &moto.endpoint,
        "--controls",
        CONTROLS,
        "--format",
        "json",
        file,
    ];
    sidewatch_with_env(&args, b"", &moto.env())
}

fn status_of<'a>(
    verdicts: &'a [(String, String, String, String)],
    id: &str,
) -> &'a (String, String, String, String) {
    verdicts
        .iter()
        .find(|v| v.0 == id)
        .unwrap_or_else(|| panic!("no {id} verdict in {verdicts:?}"))
}

#[tokio::test]
async fn live_evidence_fails_then_passes_after_the_fix() {
    let moto = Moto::start();
    let seeded = seed(&moto).await;
    let dir = scratch("live-fail-then-pass");
    let file = write_snapshot(&dir, &seeded);

    let run = live(&moto, &file);
    assert_eq!(run.code, 1, "{run:?}");
    let found = verdicts(&run);
    let ids: Vec<&str> = found.iter().map(|v| v.0.as_str()).collect();
    for id in CONTROLS.split(',') {
        assert!(ids.contains(&id), "{id} missing: {found:?}");
    }
    for v in &found {
        assert_eq!(v.2, "NON_COMPLIANT", "{v:?}");
    }
    assert!(status_of(&found, "IAM.5").3.contains("dana"), "{found:?}");
    assert!(
        status_of(&found, "KMS.4").3.contains(&seeded.key_id),
        "{found:?}"
    );
    let lambda = &status_of(&found, "Lambda.X1").3;
    assert!(
        lambda.contains("AWS_SECRET_ACCESS_KEY") && !lambda.contains("q8Vd3"),
        "{lambda}"
    );
    // The account-level item: its account id from STS, the Region of the items.
    let account = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["resourceType"] == "AWS::::Account")
        .cloned()
        .expect("an account-level verdict");
    assert_eq!(account["accountId"], ACCOUNT);
    assert_eq!(account["region"], REGION);
    assert!(run.stderr.contains("live evidence: "), "{}", run.stderr);
    assert!(!run.stderr.contains("error"), "{}", run.stderr);

    fix(&moto, &seeded).await;
    let run = live(&moto, &file);
    assert_eq!(run.code, 0, "{run:?}");
    let found = verdicts(&run);
    assert_eq!(found.len(), CONTROLS.split(',').count(), "{found:?}");
    for v in &found {
        assert_eq!(v.2, "COMPLIANT", "{v:?}");
    }

    // The same file offline: INSUFFICIENT_DATA, and the summary says what to do.
    let offline = sidewatch(
        &["scan", "--controls", CONTROLS, "--format", "json", &file],
        b"",
    );
    assert_eq!(offline.code, 0, "{offline:?}");
    let found = verdicts(&offline);
    assert_eq!(found.len(), 5, "no account-level item offline: {found:?}");
    for v in &found {
        assert_eq!(v.2, "INSUFFICIENT_DATA", "{v:?}");
    }
    assert!(
        offline.stderr.contains("8 control(s) need --live evidence"),
        "{}",
        offline.stderr
    );
    let table = sidewatch(&["scan", "--controls", CONTROLS, &file], b"");
    assert!(
        table.stdout.contains("need --live evidence") && table.stdout.contains("8 control(s)"),
        "{}",
        table.stdout
    );

    // The same user recorded in another account (named like this account's compliant `dana`):
    // its evidence is never read with these credentials, also when --account or --region say
    // to report it elsewhere; its evidence controls are INSUFFICIENT_DATA naming the account.
    const OTHER: &str = "999988887777";
    let foreign = dir.join("foreign.json");
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace(ACCOUNT, OTHER);
    std::fs::write(&foreign, text).unwrap();
    let foreign = foreign.to_str().unwrap();
    for overrides in [
        &[][..],
        &["--account", ACCOUNT][..],
        &["--region", REGION][..],
    ] {
        let mut args = vec![
            "scan",
            "--live",
            "--endpoint-url",
            &moto.endpoint,
            "--controls",
            "IAM.5,IAM.19",
            "--format",
            "json",
        ];
        args.extend_from_slice(overrides);
        args.push(foreign);
        let run = sidewatch_with_env(&args, b"", &moto.env());
        let found = verdicts(&run);
        let user: Vec<_> = found.iter().filter(|v| v.1 == "AWS::IAM::User").collect();
        assert_eq!(user.len(), 2, "{overrides:?}: {found:?}");
        for v in user {
            assert_eq!(v.2, "INSUFFICIENT_DATA", "{overrides:?}: {v:?}");
            assert!(v.3.contains(OTHER) && v.3.contains(ACCOUNT), "{v:?}");
        }
    }
}

/// Without FILE the account is collected, but only the types the selected controls evaluate: a
/// fresh account has no KMS key, so only the account-level verdicts remain.
#[tokio::test]
async fn live_without_a_file_collects_only_what_the_controls_evaluate() {
    let moto = Moto::start();
    let args = [
        "scan",
        "--live",
        "--controls",
        "EC2.7,GuardDuty.1,KMS.4",
        "--format",
        "json",
    ];
    let run = sidewatch_with_env(&args, b"[]", &moto.env());
    assert_eq!(run.code, 1, "{run:?}");
    let found = verdicts(&run);
    assert_eq!(found.len(), 2, "{found:?}");
    for v in &found {
        assert_eq!(
            (v.1.as_str(), v.2.as_str()),
            ("AWS::::Account", "NON_COMPLIANT"),
            "{v:?}"
        );
    }
}

#[test]
fn an_unreachable_endpoint_is_a_clear_error_and_nothing_passes() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let endpoint = format!("http://127.0.0.1:{port}");
    let env: Vec<(&str, String)> = vec![
        ("AWS_REGION", REGION.to_owned()),
        ("AWS_ACCESS_KEY_ID", "testing".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "testing".to_owned()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
        ("AWS_CONFIG_FILE", "/dev/null".to_owned()),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null".to_owned()),
    ];
    for format in ["json", "table"] {
        let args = [
            "scan",
            "--live",
            "--endpoint-url",
            &endpoint,
            "--format",
            format,
        ];
        let run = sidewatch_with_env(&args, b"", &env);
        assert_eq!(run.code, 2, "{run:?}");
        assert!(
            run.stderr
                .contains(&format!("cannot reach the endpoint {endpoint}")),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("--endpoint-url"), "{}", run.stderr);
        for text in [&run.stdout, &run.stderr] {
            assert!(
                !text.contains("PASSED") && !text.contains("COMPLIANT\""),
                "{text}"
            );
        }
    }
}

#[test]
fn no_credentials_say_how_to_set_them() {
    let env: Vec<(&str, String)> = vec![
        ("AWS_REGION", REGION.to_owned()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
        ("AWS_CONFIG_FILE", "/dev/null".to_owned()),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null".to_owned()),
        ("AWS_ACCESS_KEY_ID", String::new()),
        ("AWS_SECRET_ACCESS_KEY", String::new()),
        ("AWS_PROFILE", String::new()),
        ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", String::new()),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", String::new()),
    ];
    let run = sidewatch_with_env(
        &["scan", "--live", "--endpoint-url", "http://127.0.0.1:9"],
        b"",
        &env,
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("no AWS credentials"), "{}", run.stderr);
    assert!(run.stderr.contains("AWS_PROFILE"), "{}", run.stderr);
}

#[test]
fn permissions_prints_the_read_only_policy() {
    let run = sidewatch(&["permissions"], b"");
    assert_eq!(run.code, 0, "{run:?}");
    let policy = run.json();
    assert_eq!(policy["Version"], "2012-10-17");
    let actions: Vec<&str> = policy["Statement"][0]["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    for action in [
        "iam:ListMFADevices",
        "kms:GetKeyRotationStatus",
        "cloudtrail:DescribeTrails",
    ] {
        assert!(actions.contains(&action), "{actions:?}");
    }
    let narrow = sidewatch(&["permissions", "--controls", "KMS.4"], b"");
    assert_eq!(
        narrow.json()["Statement"][0]["Action"],
        json!(["kms:GetKeyRotationStatus"])
    );
    // Flags of --live alone are refused without it.
    let run = sidewatch(
        &["scan", "--endpoint-url", "http://127.0.0.1:9", "-"],
        b"[]",
    );
    assert_eq!(run.code, 2, "{run:?}");
}

/// `--lookup-changes` against moto, whose CloudTrail answers `LookupEvents` with a 500: the key
/// without rotation still fails, the table has its CHANGED BY column with nobody in it, and the
/// failed lookup is a note and a count, not an error (exit 1 for the failure, not 2).
#[tokio::test]
async fn a_change_lookup_that_fails_leaves_the_verdict_and_says_so() {
    let moto = Moto::start();
    let sdk = moto.sdk_config().await;
    let kms = aws_sdk_kms::Client::new(&sdk);
    let key = kms.create_key().send().await.unwrap();
    let key_id = key.key_metadata().unwrap().key_id().to_owned();
    let key_arn = format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}");
    let mut key_item = item(
        "AWS::KMS::Key",
        &key_id,
        None,
        &key_arn,
        json!({"keyId": key_id, "arn": key_arn, "keyManager": "CUSTOMER",
               "keyState": "Enabled", "keySpec": "SYMMETRIC_DEFAULT",
               "keyUsage": "ENCRYPT_DECRYPT", "origin": "AWS_KMS", "enabled": true}),
    );
    key_item["relatedEvents"] = json!(["6f1c1ac2-9f5e-4c57-9a51-d1f7d64d3a10"]);
    let dir = scratch("lookup-changes");
    let path = dir.join("items.json");
    std::fs::write(&path, json!([key_item]).to_string()).unwrap();
    let args = [
        "scan",
        "--live",
        "--lookup-changes",
        "--endpoint-url",
        &moto.endpoint,
        "--controls",
        "KMS.4",
        path.to_str().unwrap(),
    ];
    let run = sidewatch_with_env(&args, b"", &moto.env());
    assert_eq!(run.code, 1, "{run:?}");
    let header = run.stdout.lines().next().unwrap_or_default();
    assert!(header.contains("CHANGED BY"), "{}", run.stdout);
    let row = run
        .stdout
        .lines()
        .find(|l| l.contains("KMS.4") && l.contains(&key_id))
        .unwrap_or_else(|| panic!("no KMS.4 row: {}", run.stdout));
    assert!(row.starts_with("FAILED"), "{row}");
    assert!(
        run.stdout.lines().any(
            |l| l.trim_start().starts_with("who changed it (CloudTrail)")
                && l.ends_with(" 0 failed resource(s) attributed, 1 not")
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("note: who changed it is not known:")
            && run.stderr.contains("6f1c1ac2-9f5e-4c57-9a51-d1f7d64d3a10"),
        "{}",
        run.stderr
    );
}

#[test]
fn lookup_changes_needs_live() {
    let run = sidewatch(
        &["scan", "--lookup-changes", "examples/config-snapshot.json"],
        b"",
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("--live"), "{}", run.stderr);
}
