//! `AWS::IAM::Policy` (customer managed policies, as Config records them) from
//! `iam:GetAccountAuthorizationDetails` (filter `LocalManagedPolicy`), every version included.

use super::iam::{AsyncPage, for_each_page};
use super::{Ctx, o, s, t};
use aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput;
use aws_sdk_iam::types::{EntityType, ManagedPolicyDetail};
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    for_each_page(ctx, EntityType::LocalManagedPolicy, Policies).await
}

struct Policies;

impl AsyncPage for Policies {
    async fn page(&mut self, ctx: &Ctx, out: GetAccountAuthorizationDetailsOutput) {
        for policy in out.policies() {
            let Some(id) = policy.policy_id() else {
                continue;
            };
            let mut parts = ctx.item(id, policy.policy_name(), policy.arn().map(str::to_owned));
            parts.configuration = configuration(policy);
            ctx.out.item(parts.build()).await;
        }
    }
}

/// The Config `configuration` of a customer managed policy.
pub(super) fn configuration(p: &ManagedPolicyDetail) -> Value {
    json!({
        "policyName": s(p.policy_name()),
        "policyId": s(p.policy_id()),
        "arn": s(p.arn()),
        "path": s(p.path()),
        "defaultVersionId": s(p.default_version_id()),
        "attachmentCount": o(p.attachment_count()),
        "permissionsBoundaryUsageCount": o(p.permissions_boundary_usage_count()),
        "isAttachable": p.is_attachable(),
        "description": s(p.description()),
        "createDate": t(p.create_date()),
        "updateDate": t(p.update_date()),
        "policyVersionList": p.policy_version_list().iter().map(|v| json!({
            "document": s(v.document()),
            "versionId": s(v.version_id()),
            "isDefaultVersion": v.is_default_version(),
            "createDate": t(v.create_date()),
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::types::PolicyVersion;

    #[test]
    fn policy_fields_follow_config() {
        let p = ManagedPolicyDetail::builder()
            .policy_name("admin")
            .policy_id("ANPA1")
            .default_version_id("v2")
            .attachment_count(1)
            .policy_version_list(
                PolicyVersion::builder()
                    .version_id("v2")
                    .is_default_version(true)
                    .document("%7B%7D")
                    .build(),
            )
            .build();
        let c = configuration(&p);
        assert_eq!(c["defaultVersionId"], "v2");
        assert_eq!(c["attachmentCount"], 1);
        assert_eq!(c["policyVersionList"][0]["isDefaultVersion"], true);
        assert_eq!(c["policyVersionList"][0]["document"], "%7B%7D");
    }
}
