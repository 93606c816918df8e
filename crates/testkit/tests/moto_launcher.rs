//! The moto every test gets (`infra/moto_server.py` through [`Moto`]): S3 GetBucketVersioning
//! answers with S3's documented root element, the bucket's state inside it is moto's, and the
//! answers around it are moto's own.

use sidewatch_testkit::{Moto, raw_http};

const XMLNS: &str = r#"xmlns="http://s3.amazonaws.com/doc/2006-03-01/""#;

fn get(moto: &Moto, path: &str) -> String {
    let (status, body) = raw_http(moto.port, "GET", path, "").expect("GET from moto");
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

#[test]
fn get_bucket_versioning_answers_versioning_configuration_with_moto_state() {
    let moto = Moto::start();
    moto.create_bucket("never-versioned");
    moto.create_bucket("versioned");

    let never = get(&moto, "/never-versioned?versioning");
    assert!(
        never.contains(&format!("<VersioningConfiguration {XMLNS}/>")),
        "a never-versioned bucket: an empty VersioningConfiguration, got {never}"
    );

    let config = format!(
        "<VersioningConfiguration {XMLNS}><Status>Enabled</Status></VersioningConfiguration>"
    );
    let (status, body) =
        raw_http(moto.port, "PUT", "/versioned?versioning", &config).expect("PUT versioning");
    assert_eq!(status, 200, "PutBucketVersioning: {body}");
    let enabled = get(&moto, "/versioned?versioning");
    assert!(
        enabled.contains(&format!(
            "<VersioningConfiguration {XMLNS}><Status>Enabled</Status></VersioningConfiguration>"
        )),
        "the state moto stored, under S3's root: {enabled}"
    );
    assert!(
        !enabled.contains("GetBucketVersioningResponse"),
        "{enabled}"
    );
}

#[test]
fn other_answers_are_motos_own() {
    let moto = Moto::start();
    moto.create_bucket("listed-bucket");

    let list = get(&moto, "/");
    assert!(
        list.contains(&format!("<ListAllMyBucketsResult {XMLNS}>"))
            && list.contains("<Name>listed-bucket</Name>"),
        "ListBuckets: {list}"
    );

    let (status, missing) =
        raw_http(moto.port, "GET", "/no-such-bucket?versioning", "").expect("GET versioning");
    assert_eq!(status, 404, "{missing}");
    assert!(
        missing.contains("<Error><Code>NoSuchBucket</Code>"),
        "GetBucketVersioning's error answer stays moto's: {missing}"
    );
}
