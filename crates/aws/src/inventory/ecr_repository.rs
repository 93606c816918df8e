//! `AWS::ECR::Repository` from `ecr:DescribeRepositories`, with `ecr:GetLifecyclePolicy` per
//! repository (`LifecyclePolicy`, as the CloudFormation-shaped Config item carries it). Field
//! names follow the AWS Config resource schema (`RepositoryName`, `Arn`, `ImageTagMutability`,
//! `ImageScanningConfiguration.ScanOnPush`, `LifecyclePolicy.RegistryId`); the lifecycle policy
//! text is kept as `LifecyclePolicy.LifecyclePolicyText` (not in the schema). Tags are not read.
//! Whether the registry scans the repository is evidence (`sidewatch:EcrRegistryScanning`).

use super::{Ctx, port_error, unreadable};
use crate::convert::{json_or_null, rfc3339_or_null, string_or_null};
use aws_sdk_ecr::types::Repository;
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_ecr::Client::new(&ctx.sdk);
    let mut repositories = Vec::new();
    let mut pages = client.describe_repositories().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("ecr:DescribeRepositories", &e))?;
        repositories.extend(page.repositories().iter().cloned());
    }
    ctx.for_each(
        repositories,
        |ctx, r| async move { repository(&ctx, &r).await },
    )
    .await;
    Ok(())
}

async fn repository(ctx: &Ctx, r: &Repository) {
    let Some(name) = r.repository_name() else {
        return;
    };
    let arn = r.repository_arn().map_or_else(
        || ctx.arn("ecr", &format!("repository/{name}")),
        str::to_owned,
    );
    let mut parts = ctx.item(name, Some(name), Some(arn));
    let mut configuration = configuration(r);
    let client = aws_sdk_ecr::Client::new(&ctx.sdk);
    let policy = match client
        .get_lifecycle_policy()
        .repository_name(name)
        .send()
        .await
    {
        Ok(out) => json!({
            "RegistryId": string_or_null(out.registry_id()),
            "LifecyclePolicyText": string_or_null(out.lifecycle_policy_text()),
        }),
        // No lifecycle policy: a real state.
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_lifecycle_policy_not_found_exception()) =>
        {
            json!({ "RegistryId": string_or_null(r.registry_id()) })
        }
        Err(e) => {
            // Absence would read as "no policy": store the failed read instead.
            let error = port_error("ecr:GetLifecyclePolicy", &e);
            ctx.out.failure(Some(name), error.clone());
            unreadable(&error)
        }
    };
    configuration["LifecyclePolicy"] = policy;
    parts.configuration = configuration;
    ctx.out.item(parts.build()).await;
}

/// The Config `configuration` of a repository (CloudFormation-like spelling).
pub(super) fn configuration(r: &Repository) -> Value {
    json!({
        "RepositoryName": string_or_null(r.repository_name()),
        "Arn": string_or_null(r.repository_arn()),
        "RepositoryUri": string_or_null(r.repository_uri()),
        "RegistryId": string_or_null(r.registry_id()),
        "CreatedAt": rfc3339_or_null(r.created_at()),
        "ImageTagMutability": string_or_null(r.image_tag_mutability().map(|m| m.as_str())),
        "ImageScanningConfiguration": r.image_scanning_configuration().map_or(Value::Null, |s| {
            json!({ "ScanOnPush": s.scan_on_push() })
        }),
        "EncryptionConfiguration": r.encryption_configuration().map_or(Value::Null, |e| json!({
            "EncryptionType": e.encryption_type().as_str(),
            "KmsKey": string_or_null(e.kms_key()),
        })),
        "ImageTagMutabilityExclusionFilters": json_or_null(
            (!r.image_tag_mutability_exclusion_filters().is_empty()).then(|| {
                r.image_tag_mutability_exclusion_filters()
                    .iter()
                    .map(|f| json!({"FilterType": f.filter_type().as_str(), "Filter": f.filter()}))
                    .collect::<Vec<_>>()
            })
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ecr::types::{ImageScanningConfiguration, ImageTagMutability};

    #[test]
    fn repository_fields_follow_the_config_schema() {
        let r = Repository::builder()
            .repository_name("orders-api")
            .repository_arn("arn:aws:ecr:eu-west-1:123456789012:repository/orders-api")
            .image_tag_mutability(ImageTagMutability::Mutable)
            .image_scanning_configuration(
                ImageScanningConfiguration::builder()
                    .scan_on_push(false)
                    .build(),
            )
            .build();
        let c = configuration(&r);
        assert_eq!(c["RepositoryName"], "orders-api");
        assert_eq!(c["ImageTagMutability"], "MUTABLE");
        assert_eq!(c["ImageScanningConfiguration"]["ScanOnPush"], false);
        assert!(c["ImageTagMutabilityExclusionFilters"].is_null());
    }
}
