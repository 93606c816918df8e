//! `AWS::S3::Bucket` from `s3:ListBuckets` (once per account), `s3:GetBucketLocation` per bucket,
//! and the per-bucket reads behind Config's supplementary configuration:
//!
//! | key | call | "not configured" answer |
//! |---|---|---|
//! | `AccessControlList` | `GetBucketAcl` | – |
//! | `BucketPolicy` (`{policyText}`) | `GetBucketPolicy` | `NoSuchBucketPolicy` → `{"policyText": null}` |
//! | `PublicAccessBlockConfiguration` | `GetPublicAccessBlock` | `NoSuchPublicAccessBlockConfiguration` → key absent |
//! | `ServerSideEncryptionConfiguration` | `GetBucketEncryption` | `ServerSideEncryptionConfigurationNotFoundError` → key absent |
//! | `BucketVersioningConfiguration` | `GetBucketVersioning` | never configured → `{"status": "Off"}` |
//! | `BucketLoggingConfiguration` | `GetBucketLogging` | no `LoggingEnabled` → both fields `null` |
//! | `BucketLifecycleConfiguration` | `GetBucketLifecycleConfiguration` | `NoSuchLifecycleConfiguration` → key absent |
//! | `BucketNotificationConfiguration` | `GetBucketNotificationConfiguration` | none set → `{"configurations": {}}` |
//!
//! A failed read leaves its key out (the controls then say INSUFFICIENT_DATA, or for the public
//! access block FAIL, never PASS) — except `BucketPolicy`, where absence means "no policy": there
//! the evidence error is stored as `policyText`, which no control can read as a policy.

use super::{Ctx, ItemParts, port_error, unreadable};
use crate::convert::{rfc3339_or_null, string_or_null};
use aws_sdk_s3::operation::get_bucket_notification_configuration::GetBucketNotificationConfigurationOutput;
use aws_sdk_s3::types::{
    BucketVersioningStatus, Grant, Grantee, MfaDeleteStatus, Owner, Permission, Type,
};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

/// What one bucket needs besides the client.
#[derive(Debug, Clone)]
struct Listed {
    name: String,
    creation_date: Value,
    owner: Value,
}

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = client(ctx, None);
    let mut buckets = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .list_buckets()
            .set_continuation_token(token.take())
            .send()
            .await
            .map_err(|e| port_error("s3:ListBuckets", &e))?;
        let owner = owner(out.owner());
        buckets.extend(out.buckets().iter().filter_map(|b| {
            Some(Listed {
                name: b.name()?.to_owned(),
                creation_date: rfc3339_or_null(b.creation_date()),
                owner: owner.clone(),
            })
        }));
        match out.continuation_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_owned()),
            _ => break,
        }
    }
    ctx.for_each(buckets, |ctx, b| async move { bucket(&ctx, b).await })
        .await;
    Ok(())
}

/// An S3 client for `region` (the collector's when `None`); path-style addressing with an endpoint
/// override (a local stand-in has no per-bucket host names).
fn client(ctx: &Ctx, region: Option<&str>) -> aws_sdk_s3::Client {
    let mut builder = aws_sdk_s3::config::Builder::from(&ctx.sdk);
    if ctx.sdk.endpoint_url().is_some() {
        builder = builder.force_path_style(true);
    }
    for interceptor in &ctx.s3_interceptors {
        builder = builder.interceptor(interceptor.clone());
    }
    if let Some(region) = region {
        builder = builder.region(aws_sdk_s3::config::Region::new(region.to_owned()));
    }
    aws_sdk_s3::Client::from_conf(builder.build())
}

/// The Region of a `LocationConstraint` (`null` and `""` are us-east-1, `EU` is eu-west-1).
pub(super) fn location_region(constraint: Option<&str>) -> String {
    match constraint.map(str::trim) {
        None | Some("") => "us-east-1".to_owned(),
        Some("EU") => "eu-west-1".to_owned(),
        Some(other) => other.to_owned(),
    }
}

/// How a sub-read ended.
enum Read<T> {
    Got(T),
    /// The "not configured" answer: a real state.
    Absent,
    Failed(PortError),
}

fn read<T, E>(
    operation: &str,
    result: Result<T, SdkError<E, HttpResponse>>,
    absent_codes: &[&str],
) -> Read<T>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match result {
        Ok(out) => Read::Got(out),
        Err(e) if e.code().is_some_and(|code| absent_codes.contains(&code)) => Read::Absent,
        Err(e) => Read::Failed(port_error(operation, &e)),
    }
}

async fn bucket(ctx: &Ctx, listed: Listed) {
    let name = listed.name.as_str();
    let home = client(ctx, None);
    let location = home.get_bucket_location().bucket(name).send().await;
    let region = match read("s3:GetBucketLocation", location, &[]) {
        Read::Got(out) => location_region(out.location_constraint().map(|c| c.as_str())),
        Read::Absent => return,
        Read::Failed(error) => {
            ctx.out.failure(Some(name), error);
            return;
        }
    };
    if !ctx.wanted_regions.contains(&region) {
        return;
    }
    let c = client(ctx, Some(&region));
    let mut parts = ItemParts {
        region: region.clone(),
        availability_zone: Some("Regional".to_owned()),
        ..ctx.item(
            name,
            Some(name),
            Some(format!("arn:{}:s3:::{name}", ctx.partition)),
        )
    };
    parts.configuration = json!({
        "name": name,
        "owner": listed.owner,
        "creationDate": listed.creation_date,
    });
    let mut put = |key: &str, value: Value| {
        parts.supplementary.insert(key.to_owned(), value);
    };
    let fail = |error: PortError| ctx.out.failure(Some(name), error);

    match read(
        "s3:GetBucketAcl",
        c.get_bucket_acl().bucket(name).send().await,
        &[],
    ) {
        Read::Got(out) => put(
            "AccessControlList",
            access_control_list(out.grants(), out.owner()),
        ),
        Read::Absent => {}
        Read::Failed(e) => fail(e),
    }
    match read(
        "s3:GetBucketPolicy",
        c.get_bucket_policy().bucket(name).send().await,
        &["NoSuchBucketPolicy"],
    ) {
        Read::Got(out) => put(
            "BucketPolicy",
            json!({"policyText": string_or_null(out.policy())}),
        ),
        Read::Absent => put("BucketPolicy", json!({"policyText": null})),
        Read::Failed(e) => {
            put("BucketPolicy", json!({"policyText": unreadable(&e)}));
            fail(e);
        }
    }
    match read(
        "s3:GetPublicAccessBlock",
        c.get_public_access_block().bucket(name).send().await,
        &["NoSuchPublicAccessBlockConfiguration"],
    ) {
        Read::Got(out) => {
            if let Some(b) = out.public_access_block_configuration() {
                put(
                    "PublicAccessBlockConfiguration",
                    json!({
                        "blockPublicAcls": b.block_public_acls().unwrap_or(false),
                        "ignorePublicAcls": b.ignore_public_acls().unwrap_or(false),
                        "blockPublicPolicy": b.block_public_policy().unwrap_or(false),
                        "restrictPublicBuckets": b.restrict_public_buckets().unwrap_or(false),
                    }),
                );
            }
        }
        Read::Absent => {}
        Read::Failed(e) => fail(e),
    }
    match read(
        "s3:GetBucketEncryption",
        c.get_bucket_encryption().bucket(name).send().await,
        &["ServerSideEncryptionConfigurationNotFoundError"],
    ) {
        Read::Got(out) => {
            if let Some(config) = out.server_side_encryption_configuration() {
                put("ServerSideEncryptionConfiguration", encryption(config));
            }
        }
        Read::Absent => {}
        Read::Failed(e) => fail(e),
    }
    match read(
        "s3:GetBucketVersioning",
        c.get_bucket_versioning().bucket(name).send().await,
        &[],
    ) {
        Read::Got(out) => put(
            "BucketVersioningConfiguration",
            versioning(out.status(), out.mfa_delete()),
        ),
        Read::Absent => {}
        Read::Failed(e) => fail(e),
    }
    match read(
        "s3:GetBucketLogging",
        c.get_bucket_logging().bucket(name).send().await,
        &[],
    ) {
        Read::Got(out) => put(
            "BucketLoggingConfiguration",
            json!({
                "destinationBucketName": string_or_null(out.logging_enabled().map(|l| l.target_bucket())),
                "logFilePrefix": string_or_null(out.logging_enabled().map(|l| l.target_prefix())),
            }),
        ),
        Read::Absent => {}
        Read::Failed(e) => fail(e),
    }
    match read(
        "s3:GetBucketLifecycleConfiguration",
        c.get_bucket_lifecycle_configuration()
            .bucket(name)
            .send()
            .await,
        &["NoSuchLifecycleConfiguration"],
    ) {
        Read::Got(out) => put(
            "BucketLifecycleConfiguration",
            json!({"rules": out.rules().iter().map(|r| json!({
                "id": string_or_null(r.id()),
                "status": r.status().as_str(),
            })).collect::<Vec<_>>()}),
        ),
        Read::Absent => {}
        Read::Failed(e) => fail(e),
    }
    match read(
        "s3:GetBucketNotificationConfiguration",
        c.get_bucket_notification_configuration()
            .bucket(name)
            .send()
            .await,
        &[],
    ) {
        Read::Got(out) => put("BucketNotificationConfiguration", notifications(&out)),
        Read::Absent => {}
        Read::Failed(e) => fail(e),
    }
    match read(
        "s3:GetBucketTagging",
        c.get_bucket_tagging().bucket(name).send().await,
        &["NoSuchTagSet"],
    ) {
        Read::Got(out) => {
            parts.tags = out
                .tag_set()
                .iter()
                .map(|t| (t.key().to_owned(), t.value().to_owned()))
                .collect();
        }
        Read::Absent => {}
        Read::Failed(e) => fail(e),
    }
    ctx.out.item(parts.build()).await;
}

/// Config's `BucketNotificationConfiguration`: `{"configurations": {<id>: {"events", "filter",
/// "type", <destination ARN>}}}`, one entry per queue, topic and Lambda notification (an entry S3
/// returns without an id is keyed by its kind and position).
fn notifications(out: &GetBucketNotificationConfigurationOutput) -> Value {
    let mut configurations = serde_json::Map::new();
    let mut add = |id: Option<&str>,
                   kind: &str,
                   index: usize,
                   destination: (&str, &str),
                   events: Vec<&str>| {
        let key = id.map_or_else(|| format!("{kind}-{index}"), str::to_owned);
        configurations.insert(
            key,
            json!({"events": events, "filter": null, "type": kind, destination.0: destination.1}),
        );
    };
    for (i, q) in out.queue_configurations().iter().enumerate() {
        let events = q.events().iter().map(|e| e.as_str()).collect();
        add(
            q.id(),
            "QueueConfiguration",
            i,
            ("queueARN", q.queue_arn()),
            events,
        );
    }
    for (i, t) in out.topic_configurations().iter().enumerate() {
        let events = t.events().iter().map(|e| e.as_str()).collect();
        add(
            t.id(),
            "TopicConfiguration",
            i,
            ("topicARN", t.topic_arn()),
            events,
        );
    }
    for (i, l) in out.lambda_function_configurations().iter().enumerate() {
        let events = l.events().iter().map(|e| e.as_str()).collect();
        let arn = l.lambda_function_arn();
        add(
            l.id(),
            "LambdaConfiguration",
            i,
            ("functionARN", arn),
            events,
        );
    }
    json!({"configurations": configurations})
}

fn owner(owner: Option<&Owner>) -> Value {
    owner.map_or(
        Value::Null,
        |o| json!({"displayName": string_or_null(o.display_name()), "id": string_or_null(o.id())}),
    )
}

/// Config's `AccessControlList`: group grantees by group name (`AllUsers`), canonical users as
/// `{id, displayName}`, permissions in Config's spelling (`FullControl`, `Read`…).
pub(super) fn access_control_list(grants: &[Grant], owner_of: Option<&Owner>) -> Value {
    json!({
        "grantSet": null,
        "grantList": grants.iter().map(|g| json!({
            "grantee": grantee(g.grantee()),
            "permission": g.permission().map_or(Value::Null, |p| Value::String(permission(p))),
        })).collect::<Vec<_>>(),
        "owner": owner(owner_of),
        "isRequesterCharged": false,
    })
}

fn grantee(g: Option<&Grantee>) -> Value {
    let Some(g) = g else { return Value::Null };
    match g.r#type() {
        Type::Group => {
            let uri = g.uri().unwrap_or_default();
            let group = uri.rsplit('/').next().unwrap_or(uri);
            Value::String(group.to_owned())
        }
        Type::AmazonCustomerByEmail => json!({"emailAddress": string_or_null(g.email_address())}),
        _ => json!({"id": string_or_null(g.id()), "displayName": string_or_null(g.display_name())}),
    }
}

fn permission(p: &Permission) -> String {
    match p {
        Permission::FullControl => "FullControl".to_owned(),
        Permission::Read => "Read".to_owned(),
        Permission::ReadAcp => "ReadAcp".to_owned(),
        Permission::Write => "Write".to_owned(),
        Permission::WriteAcp => "WriteAcp".to_owned(),
        other => other.as_str().to_owned(),
    }
}

fn encryption(config: &aws_sdk_s3::types::ServerSideEncryptionConfiguration) -> Value {
    json!({
        "rules": config.rules().iter().map(|r| json!({
            "applyServerSideEncryptionByDefault": r.apply_server_side_encryption_by_default().map_or(Value::Null, |d| json!({
                "sseAlgorithm": d.sse_algorithm().as_str(),
                "kmsMasterKeyID": string_or_null(d.kms_master_key_id()),
            })),
            "bucketKeyEnabled": r.bucket_key_enabled().unwrap_or(false),
        })).collect::<Vec<_>>()
    })
}

/// Config's `BucketVersioningConfiguration`: a bucket never versioned is `Off`; MFA delete is
/// `null` when S3 does not mention it.
pub(super) fn versioning(
    status: Option<&BucketVersioningStatus>,
    mfa: Option<&MfaDeleteStatus>,
) -> Value {
    let status = status.map_or("Off", |st| st.as_str());
    let mfa = match mfa {
        Some(MfaDeleteStatus::Enabled) => Value::Bool(true),
        Some(MfaDeleteStatus::Disabled) => Value::Bool(false),
        _ => Value::Null,
    };
    json!({"status": status, "isMfaDeleteEnabled": mfa})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_grants_are_named_like_config() {
        let grants = [
            Grant::builder()
                .grantee(
                    Grantee::builder()
                        .r#type(Type::Group)
                        .uri("http://acs.amazonaws.com/groups/global/AllUsers")
                        .build()
                        .unwrap(),
                )
                .permission(Permission::Read)
                .build(),
            Grant::builder()
                .grantee(
                    Grantee::builder()
                        .r#type(Type::CanonicalUser)
                        .id("abc")
                        .build()
                        .unwrap(),
                )
                .permission(Permission::FullControl)
                .build(),
        ];
        let acl = access_control_list(&grants, None);
        assert_eq!(acl["grantList"][0]["grantee"], "AllUsers");
        assert_eq!(acl["grantList"][0]["permission"], "Read");
        assert_eq!(acl["grantList"][1]["grantee"]["id"], "abc");
        assert_eq!(acl["grantList"][1]["permission"], "FullControl");
    }

    #[test]
    fn versioning_and_locations_follow_config() {
        assert_eq!(
            versioning(None, None),
            json!({"status": "Off", "isMfaDeleteEnabled": null})
        );
        assert_eq!(
            versioning(
                Some(&BucketVersioningStatus::Enabled),
                Some(&MfaDeleteStatus::Enabled)
            ),
            json!({"status": "Enabled", "isMfaDeleteEnabled": true})
        );
        assert_eq!(location_region(None), "us-east-1");
        assert_eq!(location_region(Some("")), "us-east-1");
        assert_eq!(location_region(Some("EU")), "eu-west-1");
        assert_eq!(location_region(Some("ap-south-1")), "ap-south-1");
    }
}
