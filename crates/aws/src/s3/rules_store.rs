//! [`S3RulesStore`]: the [`RulesStore`] over an S3 prefix. It lists the prefix (`ListObjectsV2`
//! with exactly that `Prefix`, which is what the functions' `s3:prefix` condition allows) and
//! reads (`GetObject`) only the objects the functions use: `.guard` files and the exceptions file.

use crate::error::PortResultExt;
use sidewatch_core::custom::{ObjectKind, RulesLocation};
use sidewatch_core::ports::{FailureKind, PortError, RulesObject, RulesStore};

/// The list operation in errors (and the IAM action it needs).
pub const LIST_OPERATION: &str = "s3:ListBucket";
/// The read operation in errors (and the IAM action it needs).
pub const GET_OPERATION: &str = "s3:GetObject";
/// The largest rules or exceptions file read: a larger one is refused (a Lambda cold start is
/// no place for a megabyte of rules).
pub const MAX_OBJECT_BYTES: i64 = 1024 * 1024;

/// Reads a rules location. Cheap to clone.
#[derive(Debug, Clone)]
pub struct S3RulesStore {
    client: aws_sdk_s3::Client,
    location: RulesLocation,
}

impl S3RulesStore {
    /// A store reading `location` with a client from `sdk` (path-style addressing with an endpoint
    /// override: a local stand-in has no per-bucket host names).
    pub fn new(sdk: &aws_config::SdkConfig, location: &RulesLocation) -> Self {
        let mut builder = aws_sdk_s3::config::Builder::from(sdk);
        if sdk.endpoint_url().is_some() {
            builder = builder.force_path_style(true);
        }
        Self::from_client(aws_sdk_s3::Client::from_conf(builder.build()), location)
    }

    /// A store reading `location` through `client`.
    pub fn from_client(client: aws_sdk_s3::Client, location: &RulesLocation) -> Self {
        S3RulesStore {
            client,
            location: location.clone(),
        }
    }

    /// The keys under the prefix, with their sizes.
    async fn list(&self) -> Result<Vec<(String, i64)>, PortError> {
        let mut keys = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let prefix = (!self.location.prefix.is_empty()).then(|| self.location.prefix.clone());
            let page = self
                .client
                .list_objects_v2()
                .bucket(&self.location.bucket)
                .set_prefix(prefix)
                .set_continuation_token(token.take())
                .send()
                .await
                .or_port_error(LIST_OPERATION)?;
            for object in page.contents() {
                if let Some(key) = object.key() {
                    keys.push((key.to_owned(), object.size().unwrap_or(0)));
                }
            }
            match page.next_continuation_token() {
                Some(next) if page.is_truncated() == Some(true) => token = Some(next.to_owned()),
                _ => return Ok(keys),
            }
        }
    }

    async fn get(&self, key: &str) -> Result<String, PortError> {
        let output = self
            .client
            .get_object()
            .bucket(&self.location.bucket)
            .key(key)
            .send()
            .await
            .or_port_error(GET_OPERATION)?;
        let bytes = output.body.collect().await.map_err(|e| {
            PortError::new(
                GET_OPERATION,
                FailureKind::Unavailable,
                None,
                format!("{key}: the body could not be read: {e}"),
            )
        })?;
        String::from_utf8(bytes.into_bytes().to_vec()).map_err(|_| {
            PortError::new(
                GET_OPERATION,
                FailureKind::Invalid,
                None,
                format!("{key} is not UTF-8 text"),
            )
        })
    }
}

impl RulesStore for S3RulesStore {
    async fn read_all(&self) -> Result<Vec<RulesObject>, PortError> {
        let mut objects = Vec::new();
        for (key, size) in self.list().await? {
            let Some(name) = key.strip_prefix(self.location.prefix.as_str()) else {
                continue;
            };
            if RulesLocation::kind_of(name) == ObjectKind::Other {
                continue;
            }
            if size > MAX_OBJECT_BYTES {
                return Err(PortError::new(
                    GET_OPERATION,
                    FailureKind::Invalid,
                    None,
                    format!(
                        "{key} has {size} bytes; a rules or exceptions file may have {MAX_OBJECT_BYTES} at most"
                    ),
                ));
            }
            let text = self.get(&key).await?;
            objects.push(RulesObject {
                name: name.to_owned(),
                text,
            });
        }
        Ok(objects)
    }
}
