//! `AWS::KMS::Key` from `kms:ListKeys` and `kms:DescribeKey` per key (tags from
//! `kms:ListResourceTags` for customer managed keys). Rotation is evidence
//! (`sidewatch:KmsKeyRotation`), fetched by the [`EvidenceCollector`](crate::EvidenceCollector).

use super::{Ctx, key_value_tags, port_error};
use crate::convert::{json_or_null, rfc3339_or_null, string_or_null};
use aws_sdk_kms::types::{KeyManagerType, KeyMetadata};
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_kms::Client::new(&ctx.sdk);
    let mut ids = Vec::new();
    let mut pages = client.list_keys().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("kms:ListKeys", &e))?;
        ids.extend(
            page.keys()
                .iter()
                .filter_map(|k| k.key_id())
                .map(str::to_owned),
        );
    }
    ctx.for_each(ids, |ctx, id| async move { key(&ctx, &id).await })
        .await;
    Ok(())
}

async fn key(ctx: &Ctx, id: &str) {
    let client = aws_sdk_kms::Client::new(&ctx.sdk);
    let described = match client.describe_key().key_id(id).send().await {
        Ok(out) => out,
        Err(e) => {
            // Without its metadata a key cannot be described at all: no item, a failure.
            ctx.out.failure(Some(id), port_error("kms:DescribeKey", &e));
            return;
        }
    };
    let Some(meta) = described.key_metadata() else {
        return;
    };
    let arn = meta
        .arn()
        .map_or_else(|| ctx.arn("kms", &format!("key/{id}")), str::to_owned);
    let mut parts = ctx.item(id, Some(id), Some(arn));
    parts.availability_zone = Some("Regional".to_owned());
    if meta.key_manager() == Some(&KeyManagerType::Customer) {
        match client.list_resource_tags().key_id(id).send().await {
            Ok(out) => {
                let pairs = out
                    .tags()
                    .iter()
                    .map(|t| (Some(t.tag_key()), Some(t.tag_value())));
                parts.tags = key_value_tags(pairs).1;
            }
            Err(e) => ctx
                .out
                .failure(Some(id), port_error("kms:ListResourceTags", &e)),
        }
    }
    parts.configuration = configuration(meta);
    ctx.out.item(parts.build()).await;
}

/// The Config `configuration` of a key (Config spells the account field `awsaccountId`).
pub(super) fn configuration(m: &KeyMetadata) -> Value {
    json!({
        "awsaccountId": string_or_null(m.aws_account_id()),
        "keyId": m.key_id(),
        "arn": string_or_null(m.arn()),
        "creationDate": rfc3339_or_null(m.creation_date()),
        "enabled": m.enabled(),
        "description": string_or_null(m.description()),
        "keyUsage": string_or_null(m.key_usage().map(|x| x.as_str())),
        "keyState": string_or_null(m.key_state().map(|x| x.as_str())),
        "deletionDate": rfc3339_or_null(m.deletion_date()),
        "validTo": rfc3339_or_null(m.valid_to()),
        "origin": string_or_null(m.origin().map(|x| x.as_str())),
        "customKeyStoreId": string_or_null(m.custom_key_store_id()),
        "cloudHsmClusterId": string_or_null(m.cloud_hsm_cluster_id()),
        "expirationModel": string_or_null(m.expiration_model().map(|x| x.as_str())),
        "keyManager": string_or_null(m.key_manager().map(|x| x.as_str())),
        // `CustomerMasterKeySpec` is deprecated in favour of `KeySpec` (same values); Config
        // still records both.
        "customerMasterKeySpec": string_or_null(m.key_spec().map(|x| x.as_str())),
        "keySpec": string_or_null(m.key_spec().map(|x| x.as_str())),
        "encryptionAlgorithms": m.encryption_algorithms().iter().map(|x| x.as_str()).collect::<Vec<_>>(),
        "signingAlgorithms": m.signing_algorithms().iter().map(|x| x.as_str()).collect::<Vec<_>>(),
        "multiRegion": json_or_null(m.multi_region()),
        "pendingDeletionWindowInDays": json_or_null(m.pending_deletion_window_in_days()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_kms::types::{KeySpec, KeyState, OriginType};

    #[test]
    fn key_fields_follow_config() {
        let m = KeyMetadata::builder()
            .key_id("k-1")
            .key_manager(KeyManagerType::Customer)
            .key_state(KeyState::Enabled)
            .key_spec(KeySpec::SymmetricDefault)
            .origin(OriginType::AwsKms)
            .build()
            .unwrap();
        let c = configuration(&m);
        assert_eq!(c["keyId"], "k-1");
        assert_eq!(c["keyManager"], "CUSTOMER");
        assert_eq!(c["keyState"], "Enabled");
        assert_eq!(c["keySpec"], "SYMMETRIC_DEFAULT");
        assert_eq!(c["origin"], "AWS_KMS");
    }
}
