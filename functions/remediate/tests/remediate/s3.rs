//! S3.8, S3.1, S3.5, S3.17, S3.14 against moto.

use crate::support::{Bench, event};
use aws_sdk_s3::types::{
    BucketVersioningStatus, PublicAccessBlockConfiguration, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    VersioningConfiguration,
};
use serde_json::{Value, json};
use sidewatch_core::ACCOUNT_RESOURCE_TYPE;
use sidewatch_remediation::Mode;
use sidewatch_remediation::plan::TLS_SID;
use sidewatch_testkit::ACCOUNT;

const BUCKET: &str = "AWS::S3::Bucket";

fn block(on: bool) -> PublicAccessBlockConfiguration {
    PublicAccessBlockConfiguration::builder()
        .block_public_acls(on)
        .ignore_public_acls(on)
        .block_public_policy(false)
        .restrict_public_buckets(false)
        .build()
}

/// A bucket policy with one statement that is not about TLS.
fn reader_policy(bucket: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "AuditorsRead",
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")},
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
        }]
    })
}

async fn policy(bench: &Bench, bucket: &str) -> Option<Value> {
    let out = bench.s3().get_bucket_policy().bucket(bucket).send().await;
    out.ok()
        .and_then(|o| o.policy().map(str::to_owned))
        .map(|p| serde_json::from_str(&p).unwrap())
}

async fn put_policy(bench: &Bench, bucket: &str, policy: &Value) {
    bench
        .s3()
        .put_bucket_policy()
        .bucket(bucket)
        .policy(policy.to_string())
        .send()
        .await
        .unwrap();
}

async fn bucket_block(bench: &Bench, bucket: &str) -> [Option<bool>; 4] {
    let out = bench
        .s3()
        .get_public_access_block()
        .bucket(bucket)
        .send()
        .await
        .unwrap();
    let b = out.public_access_block_configuration().unwrap();
    [
        b.block_public_acls(),
        b.ignore_public_acls(),
        b.block_public_policy(),
        b.restrict_public_buckets(),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_8_turns_on_the_bucket_public_access_block_and_nothing_else() {
    let bench = Bench::start().await;
    for bucket in ["s38-apply", "s38-dry"] {
        bench.moto.create_bucket(bucket);
        bench
            .s3()
            .put_public_access_block()
            .bucket(bucket)
            .public_access_block_configuration(block(true))
            .send()
            .await
            .unwrap();
        put_policy(&bench, bucket, &reader_policy(bucket)).await;
    }
    let apply = event("S3.8", BUCKET, "s38-apply");
    bench.run(&apply, Mode::Apply).await.assert_applied();
    assert_eq!(bucket_block(&bench, "s38-apply").await, [Some(true); 4]);
    assert_eq!(
        policy(&bench, "s38-apply").await,
        Some(reader_policy("s38-apply")),
        "the bucket policy is untouched"
    );
    bench
        .run(&apply, Mode::Apply)
        .await
        .assert_already_compliant();

    let dry = bench
        .run(&event("S3.8", BUCKET, "s38-dry"), Mode::DryRun)
        .await;
    dry.assert_dry_run("BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy");
    assert_eq!(
        bucket_block(&bench, "s38-dry").await,
        [Some(true), Some(true), Some(false), Some(false)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_1_turns_on_the_account_public_access_block() {
    let bench = Bench::start().await;
    let s3control = &bench.aws().s3control;
    let read = || async move {
        let out = s3control
            .get_public_access_block()
            .account_id(ACCOUNT)
            .send()
            .await
            .unwrap();
        let b = out.public_access_block_configuration().unwrap().clone();
        [
            b.block_public_acls(),
            b.ignore_public_acls(),
            b.block_public_policy(),
            b.restrict_public_buckets(),
        ]
    };
    let seed = || async move {
        s3control
            .put_public_access_block()
            .account_id(ACCOUNT)
            .public_access_block_configuration(
                aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                    .block_public_acls(true)
                    .ignore_public_acls(false)
                    .block_public_policy(false)
                    .restrict_public_buckets(false)
                    .build(),
            )
            .send()
            .await
            .unwrap();
    };
    // A bucket-level block that must stay as it is.
    bench.moto.create_bucket("s31-other");
    bench
        .s3()
        .put_public_access_block()
        .bucket("s31-other")
        .public_access_block_configuration(block(false))
        .send()
        .await
        .unwrap();
    let account_event = event("S3.1", ACCOUNT_RESOURCE_TYPE, ACCOUNT);

    seed().await;
    let dry = bench.run(&account_event, Mode::DryRun).await;
    dry.assert_dry_run(&format!("for account {ACCOUNT}"));
    assert_eq!(
        read().await,
        [Some(true), Some(false), Some(false), Some(false)]
    );

    bench
        .run(&account_event, Mode::Apply)
        .await
        .assert_applied();
    assert_eq!(read().await, [Some(true); 4]);
    assert_eq!(
        bucket_block(&bench, "s31-other").await,
        [Some(false); 4],
        "bucket-level settings are untouched"
    );
    bench
        .run(&account_event, Mode::Apply)
        .await
        .assert_already_compliant();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_5_adds_the_tls_statement_and_keeps_the_others() {
    let bench = Bench::start().await;
    for bucket in ["s35-apply", "s35-dry", "s35-empty"] {
        bench.moto.create_bucket(bucket);
    }
    put_policy(&bench, "s35-apply", &reader_policy("s35-apply")).await;
    put_policy(&bench, "s35-dry", &reader_policy("s35-dry")).await;

    let apply = event("S3.5", BUCKET, "s35-apply");
    bench.run(&apply, Mode::Apply).await.assert_applied();
    let after = policy(&bench, "s35-apply").await.unwrap();
    let statements = after["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 2, "{after}");
    assert_eq!(
        statements[0],
        reader_policy("s35-apply")["Statement"][0],
        "the existing statement is kept exactly"
    );
    assert_eq!(statements[1]["Sid"], TLS_SID);
    assert_eq!(statements[1]["Effect"], "Deny");
    assert_eq!(
        statements[1]["Condition"]["Bool"]["aws:SecureTransport"],
        "false"
    );
    bench
        .run(&apply, Mode::Apply)
        .await
        .assert_already_compliant();
    assert_eq!(policy(&bench, "s35-apply").await.unwrap(), after);

    // A bucket without a policy gets a policy with only the TLS statement.
    bench
        .run(&event("S3.5", BUCKET, "s35-empty"), Mode::Apply)
        .await
        .assert_applied();
    let created = policy(&bench, "s35-empty").await.unwrap();
    assert_eq!(created["Statement"].as_array().unwrap().len(), 1);

    bench
        .run(&event("S3.5", BUCKET, "s35-dry"), Mode::DryRun)
        .await
        .assert_dry_run(TLS_SID);
    assert_eq!(
        policy(&bench, "s35-dry").await,
        Some(reader_policy("s35-dry"))
    );
}

/// The default encryption AWS gives every bucket: SSE-S3.
async fn sse_s3(bench: &Bench, bucket: &str) {
    let sse_s3 = ServerSideEncryptionConfiguration::builder()
        .rules(
            ServerSideEncryptionRule::builder()
                .apply_server_side_encryption_by_default(
                    ServerSideEncryptionByDefault::builder()
                        .sse_algorithm(ServerSideEncryption::Aes256)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .build()
        .unwrap();
    bench
        .s3()
        .put_bucket_encryption()
        .bucket(bucket)
        .server_side_encryption_configuration(sse_s3)
        .send()
        .await
        .unwrap();
}

async fn encryption(bench: &Bench, bucket: &str) -> (String, Option<String>) {
    let out = bench
        .s3()
        .get_bucket_encryption()
        .bucket(bucket)
        .send()
        .await
        .unwrap();
    let rule = &out.server_side_encryption_configuration().unwrap().rules()[0];
    let default = rule.apply_server_side_encryption_by_default().unwrap();
    (
        default.sse_algorithm().as_str().to_owned(),
        default.kms_master_key_id().map(str::to_owned),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_17_sets_sse_kms_default_encryption() {
    let bench = Bench::start().await;
    for bucket in ["s317-apply", "s317-dry"] {
        bench.moto.create_bucket(bucket);
        sse_s3(&bench, bucket).await;
        put_policy(&bench, bucket, &reader_policy(bucket)).await;
    }
    let apply = event("S3.17", BUCKET, "s317-apply");
    bench.run(&apply, Mode::Apply).await.assert_applied();
    assert_eq!(
        encryption(&bench, "s317-apply").await,
        ("aws:kms".to_owned(), None),
        "SSE-KMS with the AWS managed key"
    );
    assert_eq!(
        policy(&bench, "s317-apply").await,
        Some(reader_policy("s317-apply"))
    );
    bench
        .run(&apply, Mode::Apply)
        .await
        .assert_already_compliant();

    bench
        .run(&event("S3.17", BUCKET, "s317-dry"), Mode::DryRun)
        .await
        .assert_dry_run("SSE-KMS");
    assert_eq!(
        encryption(&bench, "s317-dry").await,
        ("AES256".to_owned(), None)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_17_uses_the_configured_key_and_a_bucket_without_rules_is_left_alone() {
    let bench = Bench::start().await;
    bench.moto.create_bucket("s317-key");
    sse_s3(&bench, "s317-key").await;
    let key = "arn:aws:kms:us-east-1:123456789012:key/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d";
    let mut settings = bench.settings(Mode::Apply);
    settings.remediation.s3_kms_key_id = Some(key.into());
    bench
        .run_with(&event("S3.17", BUCKET, "s317-key"), settings)
        .await
        .assert_applied();
    assert_eq!(
        encryption(&bench, "s317-key").await,
        ("aws:kms".to_owned(), Some(key.to_owned()))
    );
    // moto records no default encryption for a new bucket (AWS always has one): the control
    // cannot decide, so nothing is done.
    bench.moto.create_bucket("s317-none");
    bench
        .run(&event("S3.17", BUCKET, "s317-none"), Mode::Apply)
        .await
        .assert_refused("live-data-insufficient");
}

async fn versioning(bench: &Bench, bucket: &str) -> String {
    let (status, body) =
        sidewatch_testkit::raw_http(bench.moto.port, "GET", &format!("/{bucket}?versioning"), "")
            .unwrap();
    assert_eq!(status, 200, "{body}");
    body.split("<Status>")
        .nth(1)
        .and_then(|rest| rest.split("</Status>").next())
        .unwrap_or("Off")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_14_enables_versioning() {
    // The testkit's moto answers GetBucketVersioning with S3's root element (infra/moto_server.py),
    // so the live re-read goes through the real SDK like every other control's.
    let bench = Bench::start().await;
    for bucket in ["s314-apply", "s314-dry", "s314-suspended"] {
        bench.moto.create_bucket(bucket);
    }
    bench
        .s3()
        .put_bucket_versioning()
        .bucket("s314-suspended")
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Suspended)
                .build(),
        )
        .send()
        .await
        .unwrap();
    put_policy(&bench, "s314-apply", &reader_policy("s314-apply")).await;

    let apply = event("S3.14", BUCKET, "s314-apply");
    bench.run(&apply, Mode::Apply).await.assert_applied();
    assert_eq!(versioning(&bench, "s314-apply").await, "Enabled");
    assert_eq!(
        policy(&bench, "s314-apply").await,
        Some(reader_policy("s314-apply"))
    );
    bench
        .run(&apply, Mode::Apply)
        .await
        .assert_already_compliant();

    bench
        .run(&event("S3.14", BUCKET, "s314-suspended"), Mode::Apply)
        .await
        .assert_applied();
    assert_eq!(versioning(&bench, "s314-suspended").await, "Enabled");

    bench
        .run(&event("S3.14", BUCKET, "s314-dry"), Mode::DryRun)
        .await
        .assert_dry_run("enable versioning on bucket s314-dry");
    assert_eq!(versioning(&bench, "s314-dry").await, "Off");
}
