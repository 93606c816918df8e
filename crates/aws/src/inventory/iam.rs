//! What the IAM collectors share: `iam:GetAccountAuthorizationDetails` (the call AWS Config itself
//! reads users, roles and customer managed policies with: every inline policy, attached policy,
//! group and policy version in one paginated answer) and the pieces common to users and roles.

use super::{Ctx, port_error};
use crate::convert::string_or_null;
use aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput;
use aws_sdk_iam::types::{
    AttachedPermissionsBoundary, AttachedPolicy, EntityType, PolicyDetail, Tag,
};
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;
use std::collections::BTreeMap;

/// Every page of the authorization details of `entity`, handed to `page` in order.
pub(super) async fn for_each_page(
    ctx: &Ctx,
    entity: EntityType,
    mut page: impl AsyncPage,
) -> Result<(), PortError> {
    let client = aws_sdk_iam::Client::new(&ctx.sdk);
    let mut pages = client
        .get_account_authorization_details()
        .filter(entity)
        .into_paginator()
        .send();
    while let Some(out) = pages.next().await {
        let out = out.map_err(|e| port_error("iam:GetAccountAuthorizationDetails", &e))?;
        page.page(ctx, out).await;
    }
    Ok(())
}

/// What a collector does with one page.
pub(super) trait AsyncPage {
    fn page(
        &mut self,
        ctx: &Ctx,
        out: GetAccountAuthorizationDetailsOutput,
    ) -> impl std::future::Future<Output = ()> + Send;
}

/// Inline policies as Config lists them (`policyName`, `policyDocument` URL-encoded as IAM
/// returns it).
pub(super) fn inline_policies(list: &[PolicyDetail]) -> Value {
    list.iter()
        .map(
            |p| json!({"policyName": string_or_null(p.policy_name()), "policyDocument": string_or_null(p.policy_document())}),
        )
        .collect()
}

pub(super) fn attached_policies(list: &[AttachedPolicy]) -> Value {
    list.iter()
        .map(|p| json!({"policyArn": string_or_null(p.policy_arn()), "policyName": string_or_null(p.policy_name())}))
        .collect()
}

pub(super) fn boundary(b: Option<&AttachedPermissionsBoundary>) -> Value {
    b.map_or(Value::Null, |b| {
        json!({
            "permissionsBoundaryArn": string_or_null(b.permissions_boundary_arn()),
            "permissionsBoundaryType": string_or_null(b.permissions_boundary_type().map(|x| x.as_str())),
        })
    })
}

pub(super) fn tags(list: &[Tag]) -> (Value, BTreeMap<String, String>) {
    super::key_value_tags(list.iter().map(|t| (Some(t.key()), Some(t.value()))))
}
