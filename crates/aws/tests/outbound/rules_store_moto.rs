//! The functions' rules location in moto's S3: every `.guard` object under the prefix and the
//! exceptions file, nothing else, nothing outside the prefix.

use crate::support::*;
use sidewatch_aws::S3RulesStore;
use sidewatch_core::RulesLocation;
use sidewatch_core::ports::{FailureKind, RulesStore};

async fn s3(moto: &Moto) -> aws_sdk_s3::Client {
    let sdk = moto.sdk_config().await;
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    )
}

async fn put(s3: &aws_sdk_s3::Client, key: &str, body: &str) {
    s3.put_object()
        .bucket("team-rules")
        .key(key)
        .body(body.as_bytes().to_vec().into())
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn the_store_reads_the_rules_and_the_exceptions_file_under_its_prefix_only() {
    let moto = Moto::start();
    let s3 = s3(&moto).await;
    s3.create_bucket()
        .bucket("team-rules")
        .send()
        .await
        .unwrap();
    put(
        &s3,
        "sidewatch/buckets.guard",
        "rule a { configuration exists }",
    )
    .await;
    put(
        &s3,
        "sidewatch/team/queues.guard",
        "rule b { configuration exists }",
    )
    .await;
    put(&s3, "sidewatch/exceptions.yaml", "exceptions: []").await;
    put(&s3, "sidewatch/tests/buckets_tests.yaml", "- name: t").await;
    put(&s3, "sidewatch/README.md", "# notes").await;
    put(
        &s3,
        "other/elsewhere.guard",
        "rule c { configuration exists }",
    )
    .await;
    put(
        &s3,
        "sidewatch-old/old.guard",
        "rule d { configuration exists }",
    )
    .await;

    let sdk = moto.sdk_config().await;
    let location = RulesLocation::parse("s3://team-rules/sidewatch/").unwrap();
    let mut objects = S3RulesStore::new(&sdk, &location).read_all().await.unwrap();
    objects.sort_by(|a, b| a.name.cmp(&b.name));
    let names: Vec<&str> = objects.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        names,
        ["buckets.guard", "exceptions.yaml", "team/queues.guard"]
    );
    assert_eq!(objects[0].text, "rule a { configuration exists }");

    // The whole bucket as the location.
    let root = RulesLocation::parse("s3://team-rules/").unwrap();
    let all = S3RulesStore::new(&sdk, &root).read_all().await.unwrap();
    assert_eq!(all.len(), 4, "{all:?}");

    // A bucket that does not exist: the error names the operation.
    let missing = RulesLocation::parse("s3://no-such-rules/x/").unwrap();
    let err = S3RulesStore::new(&sdk, &missing)
        .read_all()
        .await
        .unwrap_err();
    assert_eq!(err.operation, "s3:ListBucket");
    assert_eq!(err.kind, FailureKind::NotFound, "{err}");
}
