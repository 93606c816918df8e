//! `AWS::WAFv2::WebACL` from `wafv2:ListWebACLs` (scope `REGIONAL` in every Region, and
//! `CLOUDFRONT` in us-east-1, where AWS WAF serves CloudFront web ACLs) and `wafv2:GetWebACL`
//! per web ACL (the paging marker is followed by hand: the SDK has no paginator for it).
//!
//! `configuration` uses the AWS Config resource schema's names (`id`, `name`, `description`,
//! `capacity`, `defaultAction`, `visibilityConfig.*`) plus `rules[]` and the Firewall Manager rule
//! groups (`preProcessFirewallManagerRuleGroups`, `postProcessFirewallManagerRuleGroups`), which
//! real items carry but the schema does not list. Each rule keeps its name, priority, action or
//! override action and visibility; its `statement` is not rendered (the SDK types are not
//! serializable and no control reads it). Tags are not read. Logging is evidence
//! (`sidewatch:WafV2Logging`).

use super::{Ctx, port_error};
use crate::convert::string_or_null;
use aws_sdk_wafv2::types::{
    FirewallManagerRuleGroup, OverrideAction, RuleAction, Scope, VisibilityConfig, WebAcl,
};
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

/// The Region where CloudFront-scoped web ACLs are managed.
const CLOUDFRONT_REGION: &str = "us-east-1";

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let mut scopes = vec![Scope::Regional];
    if ctx.region == CLOUDFRONT_REGION {
        scopes.push(Scope::Cloudfront);
    }
    let client = aws_sdk_wafv2::Client::new(&ctx.sdk);
    let mut found = Vec::new();
    for scope in scopes {
        let mut marker: Option<String> = None;
        loop {
            let page = client
                .list_web_acls()
                .scope(scope.clone())
                .set_next_marker(marker.take())
                .send()
                .await
                .map_err(|e| port_error("wafv2:ListWebACLs", &e))?;
            for acl in page.web_acls() {
                if let (Some(name), Some(id)) = (acl.name(), acl.id()) {
                    found.push((scope.clone(), name.to_owned(), id.to_owned()));
                }
            }
            match page
                .next_marker()
                .filter(|m| !m.is_empty() && !page.web_acls().is_empty())
            {
                Some(next) => marker = Some(next.to_owned()),
                None => break,
            }
        }
    }
    ctx.for_each(found, |ctx, (scope, name, id)| async move {
        web_acl(&ctx, scope, &name, &id).await
    })
    .await;
    Ok(())
}

async fn web_acl(ctx: &Ctx, scope: Scope, name: &str, id: &str) {
    let client = aws_sdk_wafv2::Client::new(&ctx.sdk);
    let out = match client
        .get_web_acl()
        .scope(scope)
        .name(name)
        .id(id)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) => {
            ctx.out.failure(Some(id), port_error("wafv2:GetWebACL", &e));
            return;
        }
    };
    let Some(acl) = out.web_acl() else {
        return;
    };
    let mut parts = ctx.item(id, Some(name), Some(acl.arn().to_owned()));
    parts.configuration = configuration(acl);
    ctx.out.item(parts.build()).await;
}

fn visibility(v: Option<&VisibilityConfig>) -> Value {
    v.map_or(Value::Null, |v| {
        json!({
            "sampledRequestsEnabled": v.sampled_requests_enabled(),
            "cloudWatchMetricsEnabled": v.cloud_watch_metrics_enabled(),
            "metricName": v.metric_name(),
        })
    })
}

/// `{"block": {}}`-style action objects, as WAF's JSON writes them.
fn rule_action(a: Option<&RuleAction>) -> Value {
    a.map_or(Value::Null, |a| {
        let name = if a.block().is_some() {
            "block"
        } else if a.allow().is_some() {
            "allow"
        } else if a.count().is_some() {
            "count"
        } else if a.captcha().is_some() {
            "captcha"
        } else if a.challenge().is_some() {
            "challenge"
        } else {
            return json!({});
        };
        json!({ name: {} })
    })
}

fn override_action(a: Option<&OverrideAction>) -> Value {
    a.map_or(Value::Null, |a| {
        if a.count().is_some() {
            json!({"count": {}})
        } else {
            json!({"none": {}})
        }
    })
}

fn firewall_manager_groups(groups: &[FirewallManagerRuleGroup]) -> Value {
    groups
        .iter()
        .map(|g| {
            json!({
                "name": g.name(),
                "priority": g.priority(),
                "overrideAction": override_action(g.override_action()),
                "visibilityConfig": visibility(g.visibility_config()),
            })
        })
        .collect()
}

/// The Config `configuration` of a web ACL.
pub(super) fn configuration(acl: &WebAcl) -> Value {
    let default_action = acl.default_action().map_or(Value::Null, |d| {
        if d.block().is_some() {
            json!({"block": {}})
        } else {
            json!({"allow": {}})
        }
    });
    json!({
        "id": acl.id(),
        "name": acl.name(),
        "arn": acl.arn(),
        "description": string_or_null(acl.description()),
        "defaultAction": default_action,
        "rules": acl.rules().iter().map(|r| json!({
            "name": r.name(),
            "priority": r.priority(),
            "action": rule_action(r.action()),
            "overrideAction": override_action(r.override_action()),
            "visibilityConfig": visibility(r.visibility_config()),
        })).collect::<Vec<_>>(),
        "visibilityConfig": visibility(acl.visibility_config()),
        "capacity": acl.capacity(),
        "preProcessFirewallManagerRuleGroups":
            firewall_manager_groups(acl.pre_process_firewall_manager_rule_groups()),
        "postProcessFirewallManagerRuleGroups":
            firewall_manager_groups(acl.post_process_firewall_manager_rule_groups()),
        "managedByFirewallManager": acl.managed_by_firewall_manager(),
        "labelNamespace": string_or_null(acl.label_namespace()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_wafv2::types::{AllowAction, DefaultAction};

    #[test]
    fn web_acl_fields_follow_the_config_schema() {
        let acl = WebAcl::builder()
            .name("api-acl")
            .id("a1b2")
            .arn("arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/api-acl/a1b2")
            .default_action(
                DefaultAction::builder()
                    .allow(AllowAction::builder().build())
                    .build(),
            )
            .build()
            .unwrap();
        let c = configuration(&acl);
        assert_eq!(c["name"], "api-acl");
        assert_eq!(c["defaultAction"], json!({"allow": {}}));
        assert_eq!(c["rules"], json!([]));
        assert_eq!(c["preProcessFirewallManagerRuleGroups"], json!([]));
    }
}
