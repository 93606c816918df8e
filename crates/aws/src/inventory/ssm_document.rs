//! `AWS::SSM::Document` from `ssm:ListDocuments` (owner `Self`: the documents the account owns,
//! the ones SSM.4 judges), with the Config resource schema's names (`Name`, `DocumentType`,
//! `DocumentFormat`, `TargetType`, `VersionName`, `Requires`). Who a document is shared with is not
//! in the item: it is the SsmDocumentPermissions evidence, fetched as for a Config item.

use super::{Ctx, ItemParts, key_value_tags, port_error};
use crate::convert::string_or_null;
use aws_sdk_ssm::types::{DocumentIdentifier, DocumentKeyValuesFilter};
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_ssm::Client::new(&ctx.sdk);
    let owned = DocumentKeyValuesFilter::builder()
        .key("Owner")
        .values("Self")
        .build();
    let mut pages = client
        .list_documents()
        .filters(owned)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("ssm:ListDocuments", &e))?;
        for document in page.document_identifiers() {
            if let Some(item) = item(ctx, document) {
                ctx.out.item(item.build()).await;
            }
        }
    }
    Ok(())
}

fn item(ctx: &Ctx, d: &DocumentIdentifier) -> Option<ItemParts> {
    let name = d.name()?;
    let mut parts = ctx.item(
        name,
        Some(name),
        Some(ctx.arn("ssm", &format!("document/{name}"))),
    );
    let (_, map) = key_value_tags(d.tags().iter().map(|t| (Some(t.key()), Some(t.value()))));
    parts.tags = map;
    parts.configuration = configuration(d);
    Some(parts)
}

/// The Config `configuration` of an SSM document.
pub(super) fn configuration(d: &DocumentIdentifier) -> Value {
    json!({
        "Name": string_or_null(d.name()),
        "DocumentType": string_or_null(d.document_type().map(|t| t.as_str())),
        "DocumentFormat": string_or_null(d.document_format().map(|f| f.as_str())),
        "TargetType": string_or_null(d.target_type()),
        "VersionName": string_or_null(d.version_name()),
        "Requires": d.requires().iter().map(|r| json!({
            "Name": r.name(),
            "Version": string_or_null(r.version()),
            "RequireType": string_or_null(r.require_type()),
            "VersionName": string_or_null(r.version_name()),
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ssm::types::{DocumentFormat, DocumentType};

    #[test]
    fn documents_use_the_schema_names() {
        let d = DocumentIdentifier::builder()
            .name("deploy-app")
            .document_type(DocumentType::Command)
            .document_format(DocumentFormat::Yaml)
            .build();
        let c = configuration(&d);
        assert_eq!(c["Name"], "deploy-app");
        assert_eq!(c["DocumentType"], "Command");
        assert_eq!(c["DocumentFormat"], "YAML");
    }
}
