//! `AWS::SSM::PatchCompliance` and `AWS::SSM::AssociationCompliance`: one item per managed
//! instance with compliance data of that type, from `ssm:ListResourceComplianceSummaries`
//! (ComplianceType `Patch` or `Association`) and, per instance, `ssm:ListComplianceItems`.
//!
//! The items follow the layout the SSM.2 / SSM.3 controls read,
//! `configuration."AWS:ComplianceItem".Content.<Patch|Association>.<item id>.Status` (inferred: the
//! Config resource schema lists no configuration keys for these types); `resourceId` is the
//! instance id. An instance whose compliance items cannot be read gets no item and a reported
//! failure: a partial list could hide a NON_COMPLIANT entry.

use super::{Ctx, ItemParts, port_error};
use crate::convert::{rfc3339_or_null, string_or_null};
use aws_sdk_ssm::types::{ComplianceItem, ComplianceQueryOperatorType, ComplianceStringFilter};
use serde_json::{Map, Value, json};
use sidewatch_core::ports::PortError;

/// The compliance type (`Patch`, `Association`) of a resource type.
fn kind(resource_type: &str) -> Option<&'static str> {
    match resource_type {
        "AWS::SSM::PatchCompliance" => Some("Patch"),
        "AWS::SSM::AssociationCompliance" => Some("Association"),
        _ => None,
    }
}

fn filter(kind: &str) -> ComplianceStringFilter {
    ComplianceStringFilter::builder()
        .key("ComplianceType")
        .values(kind)
        .r#type(ComplianceQueryOperatorType::Equal)
        .build()
}

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let Some(kind) = kind(ctx.out.resource_type) else {
        return Ok(());
    };
    let client = aws_sdk_ssm::Client::new(&ctx.sdk);
    let mut instances = Vec::new();
    let mut pages = client
        .list_resource_compliance_summaries()
        .filters(filter(kind))
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("ssm:ListResourceComplianceSummaries", &e))?;
        for summary in page.resource_compliance_summary_items() {
            // Managed instances are the only resources Systems Manager reports compliance for.
            if summary
                .resource_type()
                .is_none_or(|t| t == "ManagedInstance")
                && let Some(id) = summary.resource_id()
            {
                instances.push(id.to_owned());
            }
        }
    }
    ctx.for_each(instances, move |ctx, instance| {
        let client = client.clone();
        async move {
            match items(&client, &instance, kind).await {
                Ok(found) => {
                    let mut parts: ItemParts = ctx.item(&instance, None, None);
                    parts.configuration = configuration(kind, &found);
                    ctx.out.item(parts.build()).await;
                }
                Err(error) => ctx.out.failure(Some(&instance), error),
            }
        }
    })
    .await;
    Ok(())
}

/// Every compliance item of `kind` for the instance (every page).
pub(super) async fn items(
    client: &aws_sdk_ssm::Client,
    instance: &str,
    kind: &str,
) -> Result<Vec<ComplianceItem>, PortError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_compliance_items()
            .resource_ids(instance)
            .resource_types("ManagedInstance")
            .filters(filter(kind))
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| port_error("ssm:ListComplianceItems", &e))?;
        out.extend(page.compliance_items().iter().cloned());
        match page.next_token().filter(|t| !t.is_empty()) {
            Some(next) => token = Some(next.to_owned()),
            None => return Ok(out),
        }
    }
}

/// The `configuration` of a compliance item: `{"AWS:ComplianceItem": {…, "Content": {kind:
/// {id: {"Status", "Severity", "Title", …details}}}}}`.
pub(super) fn configuration(kind: &str, items: &[ComplianceItem]) -> Value {
    let mut content = Map::new();
    for (i, item) in items.iter().enumerate() {
        let id = item
            .id()
            .filter(|id| !id.is_empty())
            .map_or_else(|| format!("item-{}", i + 1), str::to_owned);
        let mut entry = Map::new();
        for (key, value) in item.details().into_iter().flatten() {
            entry.insert(key.clone(), Value::String(value.clone()));
        }
        entry.insert("Title".into(), string_or_null(item.title()));
        entry.insert(
            "Severity".into(),
            string_or_null(item.severity().map(|s| s.as_str())),
        );
        entry.insert(
            "Status".into(),
            string_or_null(item.status().map(|s| s.as_str())),
        );
        if let Some(summary) = item.execution_summary() {
            entry.insert(
                "ExecutionTime".into(),
                rfc3339_or_null(Some(summary.execution_time())),
            );
            entry.insert("ExecutionId".into(), string_or_null(summary.execution_id()));
            entry.insert(
                "ExecutionType".into(),
                string_or_null(summary.execution_type()),
            );
        }
        content.insert(id, Value::Object(entry));
    }
    json!({
        "AWS:ComplianceItem": {
            "SchemaVersion": "1.0",
            "ComplianceType": kind,
            "Content": { kind: content },
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ssm::types::{ComplianceSeverity, ComplianceStatus};
    use aws_smithy_mocks::{MockResponseInterceptor, RuleMode, create_mock_http_client, mock};
    use sidewatch_core::ConfigurationItem;

    fn compliance_item(id: &str, status: ComplianceStatus) -> ComplianceItem {
        ComplianceItem::builder()
            .id(id)
            .compliance_type("Patch")
            .resource_id("i-1")
            .resource_type("ManagedInstance")
            .status(status)
            .severity(ComplianceSeverity::Critical)
            .title("Security update")
            .build()
    }

    fn evaluated(kind: &str, items: &[ComplianceItem], control: &str) -> sidewatch_core::Verdict {
        let resource_type = match kind {
            "Patch" => "AWS::SSM::PatchCompliance",
            _ => "AWS::SSM::AssociationCompliance",
        };
        let mut item = ConfigurationItem::new(resource_type, "i-1");
        item.configuration = configuration(kind, items);
        let engine = sidewatch_core::Engine::with_defaults();
        engine
            .evaluate(&item)
            .into_iter()
            .find(|e| e.control.id == control)
            .map(|e| e.verdict)
            .expect("the control evaluates the item")
    }

    #[test]
    fn collected_compliance_items_decide_ssm_2_and_ssm_3() {
        let failing = [
            compliance_item("KB1", ComplianceStatus::Compliant),
            compliance_item("KB2", ComplianceStatus::NonCompliant),
        ];
        let v = evaluated("Patch", &failing, "SSM.2");
        assert!(v.is_non_compliant() && v.reason().contains("KB2"), "{v}");
        let ok = [compliance_item("a-1", ComplianceStatus::Compliant)];
        assert!(evaluated("Association", &ok, "SSM.3").is_compliant());
        // No item at all is never a pass.
        assert!(evaluated("Patch", &[], "SSM.2").is_insufficient());
    }

    /// The same structure as the core's documented-shape fixture.
    #[test]
    fn the_layout_matches_the_fixture() {
        let c = configuration(
            "Patch",
            &[compliance_item("KB1", ComplianceStatus::Compliant)],
        );
        assert_eq!(
            c["AWS:ComplianceItem"]["Content"]["Patch"]["KB1"]["Status"],
            "COMPLIANT"
        );
        assert_eq!(c["AWS:ComplianceItem"]["ComplianceType"], "Patch");
    }

    #[tokio::test]
    async fn every_page_of_compliance_items_is_read() {
        let first = mock!(aws_sdk_ssm::Client::list_compliance_items)
            .match_requests(|r| r.next_token().is_none())
            .then_output(|| {
                aws_sdk_ssm::operation::list_compliance_items::ListComplianceItemsOutput::builder()
                    .compliance_items(compliance_item("KB1", ComplianceStatus::Compliant))
                    .next_token("page-2")
                    .build()
            });
        let second = mock!(aws_sdk_ssm::Client::list_compliance_items)
            .match_requests(|r| r.next_token() == Some("page-2"))
            .then_output(|| {
                aws_sdk_ssm::operation::list_compliance_items::ListComplianceItemsOutput::builder()
                    .compliance_items(compliance_item("KB2", ComplianceStatus::NonCompliant))
                    .build()
            });
        let interceptor = MockResponseInterceptor::new()
            .rule_mode(RuleMode::MatchAny)
            .with_rule(&first)
            .with_rule(&second);
        let config = aws_sdk_ssm::Config::builder()
            .behavior_version(aws_sdk_ssm::config::BehaviorVersion::latest())
            .region(aws_sdk_ssm::config::Region::new("eu-west-1"))
            .credentials_provider(aws_sdk_ssm::config::Credentials::for_tests())
            .http_client(create_mock_http_client())
            .interceptor(interceptor)
            .build();
        let client = aws_sdk_ssm::Client::from_conf(config);
        let found = items(&client, "i-1", "Patch").await.unwrap();
        let ids: Vec<_> = found.iter().filter_map(|i| i.id()).collect();
        assert_eq!(ids, ["KB1", "KB2"]);
    }
}
