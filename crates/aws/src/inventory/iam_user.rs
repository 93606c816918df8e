//! `AWS::IAM::User` from `iam:GetAccountAuthorizationDetails` (filter `User`). Credentials (MFA
//! devices, access keys, the credential report row) are evidence, fetched by the
//! [`EvidenceCollector`](crate::EvidenceCollector) as for a Config item.

use super::Ctx;
use super::iam::{AsyncPage, attached_policies, boundary, for_each_page, inline_policies, tags};
use crate::convert::{rfc3339_or_null, string_or_null};
use aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput;
use aws_sdk_iam::types::{EntityType, UserDetail};
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    for_each_page(ctx, EntityType::User, Users).await
}

struct Users;

impl AsyncPage for Users {
    async fn page(&mut self, ctx: &Ctx, out: GetAccountAuthorizationDetailsOutput) {
        for user in out.user_detail_list() {
            let Some(id) = user.user_id() else { continue };
            let mut parts = ctx.item(id, user.user_name(), user.arn().map(str::to_owned));
            let (list, map) = tags(user.tags());
            parts.tags = map;
            parts.configuration = configuration(user, list);
            ctx.out.item(parts.build()).await;
        }
    }
}

/// The Config `configuration` of an IAM user.
pub(super) fn configuration(u: &UserDetail, tags: Value) -> Value {
    json!({
        "path": string_or_null(u.path()),
        "userName": string_or_null(u.user_name()),
        "userId": string_or_null(u.user_id()),
        "arn": string_or_null(u.arn()),
        "createDate": rfc3339_or_null(u.create_date()),
        "userPolicyList": inline_policies(u.user_policy_list()),
        "groupList": u.group_list(),
        "attachedManagedPolicies": attached_policies(u.attached_managed_policies()),
        "permissionsBoundary": boundary(u.permissions_boundary()),
        "tags": tags,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::types::{AttachedPolicy, PolicyDetail};

    #[test]
    fn user_fields_follow_config() {
        let u = UserDetail::builder()
            .user_name("dana")
            .user_id("AIDA1")
            .group_list("developers")
            .user_policy_list(
                PolicyDetail::builder()
                    .policy_name("inline")
                    .policy_document("%7B%7D")
                    .build(),
            )
            .attached_managed_policies(
                AttachedPolicy::builder()
                    .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
                    .policy_name("ReadOnlyAccess")
                    .build(),
            )
            .build();
        let c = configuration(&u, json!([]));
        assert_eq!(c["userName"], "dana");
        assert_eq!(c["groupList"][0], "developers");
        assert_eq!(c["userPolicyList"][0]["policyDocument"], "%7B%7D");
        assert_eq!(
            c["attachedManagedPolicies"][0]["policyName"],
            "ReadOnlyAccess"
        );
        assert!(c["permissionsBoundary"].is_null());
    }
}
