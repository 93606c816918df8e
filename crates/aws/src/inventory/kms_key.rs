//! `AWS::KMS::Key` from `kms:ListKeys` and `kms:DescribeKey` per key (tags from
//! `kms:ListResourceTags` for customer managed keys). Rotation is evidence
//! (`sidewatch:KmsKeyRotation`), fetched by the [`EvidenceCollector`](crate::EvidenceCollector).

use super::{Ctx, key_value_tags, o, port_error, s, t};
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
        "awsaccountId": s(m.aws_account_id()),
        "keyId": m.key_id(),
        "arn": s(m.arn()),
        "creationDate": t(m.creation_date()),
        "enabled": m.enabled(),
        "description": s(m.description()),
        "keyUsage": s(m.key_usage().map(|x| x.as_str())),
        "keyState": s(m.key_state().map(|x| x.as_str())),
        "deletionDate": t(m.deletion_date()),
        "validTo": t(m.valid_to()),
        "origin": s(m.origin().map(|x| x.as_str())),
        "customKeyStoreId": s(m.custom_key_store_id()),
        "cloudHsmClusterId": s(m.cloud_hsm_cluster_id()),
        "expirationModel": s(m.expiration_model().map(|x| x.as_str())),
        "keyManager": s(m.key_manager().map(|x| x.as_str())),
        // `CustomerMasterKeySpec` is deprecated in favour of `KeySpec` (same values); Config
        // still records both.
        "customerMasterKeySpec": s(m.key_spec().map(|x| x.as_str())),
        "keySpec": s(m.key_spec().map(|x| x.as_str())),
        "encryptionAlgorithms": m.encryption_algorithms().iter().map(|x| x.as_str()).collect::<Vec<_>>(),
        "signingAlgorithms": m.signing_algorithms().iter().map(|x| x.as_str()).collect::<Vec<_>>(),
        "multiRegion": o(m.multi_region()),
        "pendingDeletionWindowInDays": o(m.pending_deletion_window_in_days()),
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
