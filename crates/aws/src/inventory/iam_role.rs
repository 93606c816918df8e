//! `AWS::IAM::Role` from `iam:GetAccountAuthorizationDetails` (filter `Role`).

use super::Ctx;
use super::iam::{AsyncPage, attached_policies, boundary, for_each_page, inline_policies, tags};
use crate::convert::{rfc3339_or_null, string_or_null};
use aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput;
use aws_sdk_iam::types::{EntityType, RoleDetail};
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    for_each_page(ctx, EntityType::Role, Roles).await
}

struct Roles;

impl AsyncPage for Roles {
    async fn page(&mut self, ctx: &Ctx, out: GetAccountAuthorizationDetailsOutput) {
        for role in out.role_detail_list() {
            let Some(id) = role.role_id() else { continue };
            let mut parts = ctx.item(id, role.role_name(), role.arn().map(str::to_owned));
            let (list, map) = tags(role.tags());
            parts.tags = map;
            parts.configuration = configuration(role, list);
            ctx.out.item(parts.build()).await;
        }
    }
}

/// The Config `configuration` of an IAM role.
pub(super) fn configuration(r: &RoleDetail, tags: Value) -> Value {
    json!({
        "path": string_or_null(r.path()),
        "roleName": string_or_null(r.role_name()),
        "roleId": string_or_null(r.role_id()),
        "arn": string_or_null(r.arn()),
        "createDate": rfc3339_or_null(r.create_date()),
        "assumeRolePolicyDocument": string_or_null(r.assume_role_policy_document()),
        "instanceProfileList": r.instance_profile_list().iter().map(|p| json!({
            "path": p.path(), "instanceProfileName": p.instance_profile_name(),
            "instanceProfileId": p.instance_profile_id(), "arn": p.arn(),
        })).collect::<Vec<_>>(),
        "rolePolicyList": inline_policies(r.role_policy_list()),
        "attachedManagedPolicies": attached_policies(r.attached_managed_policies()),
        "permissionsBoundary": boundary(r.permissions_boundary()),
        "tags": tags,
        "roleLastUsed": r.role_last_used().map_or(Value::Null, |u| json!({
            "lastUsedDate": rfc3339_or_null(u.last_used_date()), "region": string_or_null(u.region())
        })),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::types::AttachedPolicy;

    #[test]
    fn role_fields_follow_config() {
        let r = RoleDetail::builder()
            .role_name("app")
            .role_id("AROA1")
            .attached_managed_policies(
                AttachedPolicy::builder()
                    .policy_arn("arn:aws:iam::aws:policy/AWSCloudShellFullAccess")
                    .policy_name("AWSCloudShellFullAccess")
                    .build(),
            )
            .build();
        let c = configuration(&r, json!([]));
        assert_eq!(c["roleName"], "app");
        assert_eq!(
            c["attachedManagedPolicies"][0]["policyArn"],
            "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"
        );
        assert_eq!(c["rolePolicyList"], json!([]));
    }
}
