//! `AWS::IAM::Policy` (customer managed policies, as Config records them) from
//! `iam:GetAccountAuthorizationDetails` (filter `LocalManagedPolicy`), every version included.

use super::iam::{AsyncPage, for_each_page};
use super::{Ctx, port_error};
use crate::convert::{json_or_null, rfc3339_or_null, string_or_null};
use aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput;
use aws_sdk_iam::types::{EntityType, ManagedPolicyDetail};
use serde_json::{Value, json};
use sidewatch_core::ports::{FailureKind, PortError};

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    for_each_page(ctx, EntityType::LocalManagedPolicy, Policies).await
}

struct Policies;

impl AsyncPage for Policies {
    async fn page(&mut self, ctx: &Ctx, out: GetAccountAuthorizationDetailsOutput) {
        for listed in out.policies() {
            let completed;
            let policy = if is_complete(listed) {
                listed
            } else {
                match complete(ctx, listed).await {
                    Ok(policy) => {
                        completed = policy;
                        &completed
                    }
                    Err(error) => {
                        ctx.out
                            .failure(listed.arn().or(listed.policy_name()), error);
                        continue;
                    }
                }
            };
            let Some(id) = policy.policy_id() else {
                continue;
            };
            let mut parts = ctx.item(id, policy.policy_name(), policy.arn().map(str::to_owned));
            parts.configuration = configuration(policy);
            ctx.out.item(parts.build()).await;
        }
    }
}

/// Whether a listed policy has what its item needs: its id (the item's resource id), its name
/// and its versions (the documents the controls read). AWS always sends them; a stand-in may
/// not (moto 5.2.5 omits `PolicyName`, `PolicyId` and `PolicyVersionList` here).
fn is_complete(p: &ManagedPolicyDetail) -> bool {
    p.policy_id().is_some() && p.policy_name().is_some() && !p.policy_version_list().is_empty()
}

/// Reads what a listed policy lacks with `iam:GetPolicy` and `iam:GetPolicyVersion` (default
/// version), rather than dropping it: a policy the inventory cannot build is a failure in the
/// report, never a silent gap.
async fn complete(
    ctx: &Ctx,
    listed: &ManagedPolicyDetail,
) -> Result<ManagedPolicyDetail, PortError> {
    let Some(arn) = listed.arn() else {
        return Err(PortError::new(
            "iam:GetAccountAuthorizationDetails",
            FailureKind::Invalid,
            None,
            "a listed customer managed policy has neither an id nor an ARN",
        ));
    };
    let client = aws_sdk_iam::Client::new(&ctx.sdk);
    let got = client
        .get_policy()
        .policy_arn(arn)
        .send()
        .await
        .map_err(|e| port_error("iam:GetPolicy", &e))?;
    let policy = got.policy().ok_or_else(|| {
        PortError::new(
            "iam:GetPolicy",
            FailureKind::Invalid,
            None,
            "the answer has no policy",
        )
    })?;
    let default_version = policy
        .default_version_id()
        .or(listed.default_version_id())
        .unwrap_or("v1")
        .to_owned();
    let version = client
        .get_policy_version()
        .policy_arn(arn)
        .version_id(&default_version)
        .send()
        .await
        .map_err(|e| port_error("iam:GetPolicyVersion", &e))?;
    let mut versions = listed.policy_version_list().to_vec();
    if versions.is_empty() {
        versions.extend(version.policy_version().cloned());
    }
    Ok(ManagedPolicyDetail::builder()
        .set_policy_name(
            policy
                .policy_name()
                .or(listed.policy_name())
                .map(str::to_owned),
        )
        .set_policy_id(policy.policy_id().or(listed.policy_id()).map(str::to_owned))
        .arn(arn)
        .set_path(policy.path().or(listed.path()).map(str::to_owned))
        .default_version_id(default_version)
        .set_attachment_count(policy.attachment_count().or(listed.attachment_count()))
        .set_permissions_boundary_usage_count(
            policy
                .permissions_boundary_usage_count()
                .or(listed.permissions_boundary_usage_count()),
        )
        .is_attachable(policy.is_attachable() || listed.is_attachable())
        .set_description(
            policy
                .description()
                .or(listed.description())
                .map(str::to_owned),
        )
        .set_create_date(policy.create_date().or(listed.create_date()).copied())
        .set_update_date(policy.update_date().or(listed.update_date()).copied())
        .set_policy_version_list(Some(versions))
        .build())
}

/// The Config `configuration` of a customer managed policy.
pub(super) fn configuration(p: &ManagedPolicyDetail) -> Value {
    json!({
        "policyName": string_or_null(p.policy_name()),
        "policyId": string_or_null(p.policy_id()),
        "arn": string_or_null(p.arn()),
        "path": string_or_null(p.path()),
        "defaultVersionId": string_or_null(p.default_version_id()),
        "attachmentCount": json_or_null(p.attachment_count()),
        "permissionsBoundaryUsageCount": json_or_null(p.permissions_boundary_usage_count()),
        "isAttachable": p.is_attachable(),
        "description": string_or_null(p.description()),
        "createDate": rfc3339_or_null(p.create_date()),
        "updateDate": rfc3339_or_null(p.update_date()),
        "policyVersionList": p.policy_version_list().iter().map(|v| json!({
            "document": string_or_null(v.document()),
            "versionId": string_or_null(v.version_id()),
            "isDefaultVersion": v.is_default_version(),
            "createDate": rfc3339_or_null(v.create_date()),
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
