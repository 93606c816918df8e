//! S3 buckets: listed once, Region from GetBucketLocation, Config's supplementary keys.
//!
//! An `aws-smithy-mocks` interceptor on the inventory's S3 clients answers the versioning reads of
//! most buckets (an enabled one without moto's versioning history) and denies one bucket policy
//! read; every other S3 call, and the versioning of `versioning-from-moto`, goes through to moto.

use crate::support::*;
use aws_sdk_s3::Client;
use aws_sdk_s3::types::{
    BucketCannedAcl, BucketVersioningStatus, PublicAccessBlockConfiguration, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
};
use aws_smithy_mocks::{RuleMode, mock};
use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;
use sidewatch_aws::Inventory;

const RECORDS: &str = "example-records-bucket";
const PUBLIC: &str = "public-read-bucket";
const LOCKED: &str = "policy-denied-bucket";
const UNMOCKED: &str = "versioning-from-moto";

/// Versioning answers for every bucket but [`UNMOCKED`]; an AccessDenied GetBucketPolicy for
/// [`LOCKED`]. Everything else passes through to moto.
fn interceptor() -> SharedInterceptor {
    let enabled = mock!(Client::get_bucket_versioning)
        .match_requests(|r| r.bucket() == Some(RECORDS))
        .sequence()
        .output(|| {
            aws_sdk_s3::operation::get_bucket_versioning::GetBucketVersioningOutput::builder()
                .status(BucketVersioningStatus::Enabled)
                .build()
        })
        .repeatedly()
        .build();
    // A bucket never versioned: S3 answers an empty VersioningConfiguration.
    let never = mock!(Client::get_bucket_versioning)
        .match_requests(|r| r.bucket() != Some(RECORDS) && r.bucket() != Some(UNMOCKED))
        .sequence()
        .output(|| {
            aws_sdk_s3::operation::get_bucket_versioning::GetBucketVersioningOutput::builder()
                .build()
        })
        .repeatedly()
        .build();
    // An error output, not an HTTP response: with a real HTTP client underneath, the mock
    // interceptor substitutes outputs and errors, while mocked HTTP responses need its mock client.
    let denied = mock!(Client::get_bucket_policy)
        .match_requests(|r| r.bucket() == Some(LOCKED))
        .sequence()
        .error(|| {
            aws_sdk_s3::operation::get_bucket_policy::GetBucketPolicyError::generic(
                aws_smithy_types::error::ErrorMetadata::builder()
                    .code("AccessDenied")
                    .message("Access Denied")
                    .build(),
            )
        })
        .repeatedly()
        .build();
    SharedInterceptor::new(
        aws_smithy_mocks::MockResponseInterceptor::new()
            .rule_mode(RuleMode::MatchAny)
            .with_rule(&enabled)
            .with_rule(&never)
            .with_rule(&denied)
            .allow_passthrough(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn buckets_carry_configs_supplementary_keys_and_get_the_same_verdicts() {
    let env = Env::start().await;
    let s3 = env.s3();
    for name in [RECORDS, PUBLIC, LOCKED, UNMOCKED] {
        s3.create_bucket().bucket(name).send().await.unwrap();
    }
    // RECORDS: private, KMS-encrypted, SSL-only policy (the documented S3.5 pass item).
    let policy = serde_json::json!({
        "Version": "2012-10-17", "Id": "RecordsPolicy",
        "Statement": [
            {"Sid": "AllowSSLRequestsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": [format!("arn:aws:s3:::{RECORDS}"), format!("arn:aws:s3:::{RECORDS}/*")],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {"Sid": "ReadFromReporting", "Effect": "Allow",
             "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:role/reporting")},
             "Action": ["s3:GetObject", "s3:ListBucket"],
             "Resource": [format!("arn:aws:s3:::{RECORDS}"), format!("arn:aws:s3:::{RECORDS}/*")]}
        ]
    });
    s3.put_bucket_policy()
        .bucket(RECORDS)
        .policy(policy.to_string())
        .send()
        .await
        .unwrap();
    s3.put_public_access_block()
        .bucket(RECORDS)
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    s3.put_bucket_encryption()
        .bucket(RECORDS)
        .server_side_encryption_configuration(
            ServerSideEncryptionConfiguration::builder()
                .rules(
                    ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(
                            ServerSideEncryptionByDefault::builder()
                                .sse_algorithm(ServerSideEncryption::AwsKms)
                                .kms_master_key_id("arn:aws:kms:eu-west-1:123456789012:key/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d")
                                .build()
                                .unwrap(),
                        )
                        .bucket_key_enabled(true)
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    // A lifecycle rule for the noncurrent versions (S3.10, S3.13) and an event notification
    // (S3.11).
    crate::seed::lifecycle_and_notification(&s3, RECORDS).await;
    // PUBLIC: everyone may list it (ACL public-read), no public access block.
    s3.put_bucket_acl()
        .bucket(PUBLIC)
        .acl(BucketCannedAcl::PublicRead)
        .send()
        .await
        .unwrap();
    s3.put_bucket_tagging()
        .bucket(PUBLIC)
        .tagging(
            aws_sdk_s3::types::Tagging::builder()
                .tag_set(
                    aws_sdk_s3::types::Tag::builder()
                        .key("team")
                        .value("web")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();

    let inventory = Inventory::new(env.sdk.clone()).with_s3_interceptor(interceptor());
    let (items, report) = env.collect_using(inventory, &["AWS::S3::Bucket"]).await;
    assert_eq!(items.len(), 4, "{items:#?}");

    // Fields.
    let records = find(&items, "AWS::S3::Bucket", RECORDS);
    assert_eq!(
        records.arn.as_deref(),
        Some("arn:aws:s3:::example-records-bucket")
    );
    assert_eq!(records.region.as_deref(), Some(REGION));
    assert_eq!(records.config_str("/name"), Some(RECORDS));
    let s = &records.supplementary;
    assert_eq!(
        s["PublicAccessBlockConfiguration"]["restrictPublicBuckets"],
        true
    );
    assert_eq!(s["BucketVersioningConfiguration"]["status"], "Enabled");
    assert_eq!(
        s["ServerSideEncryptionConfiguration"]["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"],
        "aws:kms"
    );
    // Config embeds the policy as a JSON string; the item parser decodes it, as for Config's.
    assert_eq!(
        s["BucketPolicy"]["policyText"]["Statement"][0]["Sid"], "AllowSSLRequestsOnly",
        "{}",
        s["BucketPolicy"]
    );
    let public = find(&items, "AWS::S3::Bucket", PUBLIC);
    assert_eq!(public.tags.get("team").map(String::as_str), Some("web"));
    assert_eq!(
        public.supplementary["BucketPolicy"],
        serde_json::json!({"policyText": null})
    );
    assert!(
        !public
            .supplementary
            .contains_key("PublicAccessBlockConfiguration")
    );
    assert_eq!(
        public.supplementary["BucketVersioningConfiguration"]["status"],
        "Off"
    );
    let grants = public.supplementary["AccessControlList"]["grantList"]
        .as_array()
        .unwrap();
    assert!(
        grants
            .iter()
            .any(|g| g["grantee"] == "AllUsers" && g["permission"] == "Read"),
        "{grants:?}"
    );

    // Verdicts.
    assert_verdict(public, "S3.2", "NON_COMPLIANT");
    assert_verdict(public, "S3.8", "NON_COMPLIANT");
    assert_verdict(public, "S3.14", "NON_COMPLIANT");
    assert_verdict(records, "S3.5", "COMPLIANT");
    assert_verdict(records, "S3.14", "COMPLIANT");
    for control in ["S3.10", "S3.11", "S3.13"] {
        assert_verdict(records, control, "COMPLIANT");
    }
    assert_verdict(public, "S3.11", "NON_COMPLIANT");
    assert_verdict(public, "S3.13", "NON_COMPLIANT");
    assert_nothing_fails_but(records, &["S3.9", "S3.20"]);

    // A bucket policy that could not be read is never "no policy": no public-access PASS.
    let locked = find(&items, "AWS::S3::Bucket", LOCKED);
    for control in ["S3.2", "S3.3", "S3.5"] {
        assert_verdict(locked, control, "INSUFFICIENT_DATA");
    }
    assert!(
        report
            .failures
            .iter()
            .any(|f| f.resource_id.as_deref() == Some(LOCKED)
                && f.error.operation == "s3:GetBucketPolicy"
                && f.error.kind == sidewatch_core::ports::FailureKind::AccessDenied),
        "{:?}",
        report.failures
    );

    // moto's own GetBucketVersioning answer (through the testkit's launcher, which gives it S3's
    // documented root): a bucket never versioned.
    let unmocked = find(&items, "AWS::S3::Bucket", UNMOCKED);
    assert_verdict(unmocked, "S3.14", "NON_COMPLIANT");

    // Equivalence with the documented-shape items.
    assert_same_verdicts(
        records,
        "s3/fixtures/S3.5/pass-deny-insecure-transport.json",
    );
    assert_same_verdicts(public, "s3/fixtures/S3.2/fail-public-read-acl.json");
}

/// Like `assert_nothing_fails`, except the listed controls (settings this test leaves at their
/// defaults on purpose: no access logging, no MFA delete).
#[track_caller]
fn assert_nothing_fails_but(item: &sidewatch_core::ConfigurationItem, except: &[&str]) {
    let failing: Vec<_> = verdicts(item)
        .into_iter()
        .filter(|(id, v)| v == "NON_COMPLIANT" && !except.contains(id))
        .collect();
    assert!(failing.is_empty(), "{failing:?}:\n{}", reasons(item));
}
