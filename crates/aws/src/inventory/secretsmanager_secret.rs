//! `AWS::SecretsManager::Secret` from `secretsmanager:ListSecrets` (one call gives every field
//! Config records, tags included). Field names follow the AWS Config resource schema (`ARN`,
//! `Name`, `KMSKeyId`, `RotationEnabled`, `RotationLambdaARN`, `RotationRules.*`, `Deleted`).
//! `RotationOccurringAsScheduled` is Config's own judgement of the last rotation, which no read
//! API returns: it is left out, so a control that needs it is INSUFFICIENT_DATA, never guessed.
//! Secrets scheduled for deletion are not listed (as `ListSecrets` does by default).

use super::{Ctx, port_error};
use crate::convert::{json_or_null, string_or_null};
use aws_sdk_secretsmanager::types::SecretListEntry;
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_secretsmanager::Client::new(&ctx.sdk);
    let mut pages = client.list_secrets().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("secretsmanager:ListSecrets", &e))?;
        for secret in page.secret_list() {
            let (Some(arn), Some(name)) = (secret.arn(), secret.name()) else {
                continue;
            };
            // Config's resource id of a secret is its ARN.
            let mut parts = ctx.item(arn, Some(name), Some(arn.to_owned()));
            parts.tags = secret
                .tags()
                .iter()
                .filter_map(|t| {
                    Some((
                        t.key()?.to_owned(),
                        t.value().unwrap_or_default().to_owned(),
                    ))
                })
                .collect();
            parts.configuration = configuration(secret);
            ctx.out.item(parts.build()).await;
        }
    }
    Ok(())
}

/// The Config `configuration` of a secret.
pub(super) fn configuration(s: &SecretListEntry) -> Value {
    json!({
        "ARN": string_or_null(s.arn()),
        "Name": string_or_null(s.name()),
        "Description": string_or_null(s.description()),
        "KMSKeyId": string_or_null(s.kms_key_id()),
        "RotationEnabled": s.rotation_enabled().unwrap_or(false),
        "RotationLambdaARN": string_or_null(s.rotation_lambda_arn()),
        "RotationRules": s.rotation_rules().map_or(Value::Null, |r| json!({
            "AutomaticallyAfterDays": json_or_null(r.automatically_after_days()),
            "RotationDuration": string_or_null(r.duration()),
            "RotationScheduleExpression": string_or_null(r.schedule_expression()),
        })),
        "Deleted": s.deleted_date().is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_secretsmanager::types::RotationRulesType;

    #[test]
    fn secret_fields_follow_the_config_schema() {
        let s = SecretListEntry::builder()
            .arn("arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf")
            .name("prod/db")
            .rotation_enabled(true)
            .rotation_rules(
                RotationRulesType::builder()
                    .automatically_after_days(30)
                    .build(),
            )
            .build();
        let c = configuration(&s);
        assert_eq!(c["Name"], "prod/db");
        assert_eq!(c["RotationEnabled"], true);
        assert_eq!(c["RotationRules"]["AutomaticallyAfterDays"], 30);
        assert_eq!(c["Deleted"], false);
        assert!(c.get("RotationOccurringAsScheduled").is_none());
    }
}
