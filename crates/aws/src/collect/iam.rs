//! IAM evidence: a user's MFA devices, console password and access keys; the account summary,
//! the root user's virtual MFA, the password policy and who holds `AWSSupportAccess`.

use super::to_json;
use crate::clients::AwsClients;
use crate::convert::{now_rfc3339, rfc3339};
use crate::error::{SdkResultExt, from_sdk, incomplete};
use aws_sdk_iam::types::{AssignmentStatusType, SummaryKeyType};
use serde_json::Value;
use sidewatch_core::EvidenceError;
use sidewatch_core::evidence::shapes::{
    AccessKey, AccessKeys, AccountSummary, LoginProfile, MfaDevice, MfaDevices, PasswordPolicy,
    RootVirtualMfa, SupportRole,
};

/// `iam:ListMFADevices` for the user (every page).
pub(super) async fn mfa_devices(c: &AwsClients, user: &str) -> Result<Value, EvidenceError> {
    let devices = all_items!(c.iam.list_mfa_devices().user_name(user))?;
    to_json(&MfaDevices {
        devices: devices
            .iter()
            .map(|d| MfaDevice {
                serial_number: d.serial_number().to_owned(),
                enable_date: rfc3339(d.enable_date()),
            })
            .collect(),
    })
}

/// `iam:GetLoginProfile`; `NoSuchEntity` about the login profile means the user has no console
/// password. IAM answers `NoSuchEntity` for a missing *user* too ("The user with name … cannot be
/// found"): that is a failed read, not "no password", so only an answer whose message names the
/// login profile ("Login Profile for User … cannot be found") counts as absent.
pub(super) async fn login_profile(c: &AwsClients, user: &str) -> Result<Value, EvidenceError> {
    match c.iam.get_login_profile().user_name(user).send().await {
        Ok(out) => {
            let profile = out
                .login_profile()
                .ok_or_else(|| incomplete("GetLoginProfile answered without a LoginProfile"))?;
            to_json(&LoginProfile {
                present: true,
                create_date: rfc3339(profile.create_date()),
                password_reset_required: profile.password_reset_required(),
            })
        }
        Err(e)
            if e.as_service_error().is_some_and(|s| {
                s.is_no_such_entity_exception()
                    && s.meta()
                        .message()
                        .is_some_and(|m| m.to_ascii_lowercase().contains("login profile"))
            }) =>
        {
            to_json(&LoginProfile {
                present: false,
                ..LoginProfile::default()
            })
        }
        Err(e) => Err(from_sdk(&e)),
    }
}

/// `iam:ListAccessKeys`, then `iam:GetAccessKeyLastUsed` for each key. A key whose last use cannot
/// be read fails the whole kind: "never used" must not be guessed.
pub(super) async fn access_keys(c: &AwsClients, user: &str) -> Result<Value, EvidenceError> {
    let collected_at = now_rfc3339();
    let listed = all_items!(c.iam.list_access_keys().user_name(user))?;
    let mut keys = Vec::with_capacity(listed.len());
    for key in &listed {
        let id = key
            .access_key_id()
            .ok_or_else(|| incomplete("ListAccessKeys listed a key without AccessKeyId"))?;
        let status = key
            .status()
            .map(|s| s.as_str().to_owned())
            .ok_or_else(|| incomplete(format!("ListAccessKeys gave no Status for key {id}")))?;
        let last_used = c
            .iam
            .get_access_key_last_used()
            .access_key_id(id)
            .send()
            .await
            .or_evidence_error()?;
        keys.push(AccessKey {
            access_key_id: id.to_owned(),
            status,
            create_date: key.create_date().and_then(rfc3339),
            last_used_date: last_used
                .access_key_last_used()
                .and_then(|u| u.last_used_date())
                .and_then(rfc3339),
        });
    }
    to_json(&AccessKeys { keys, collected_at })
}

/// `iam:GetAccountSummary`: both entries must be in the answer (an absent root-access-key count
/// is not "no root access key").
pub(super) async fn account_summary(c: &AwsClients) -> Result<Value, EvidenceError> {
    let out = c
        .iam
        .get_account_summary()
        .send()
        .await
        .or_evidence_error()?;
    let map = out
        .summary_map()
        .ok_or_else(|| incomplete("GetAccountSummary answered without a SummaryMap"))?;
    let entry = |key: SummaryKeyType| {
        map.get(&key).copied().ok_or_else(|| {
            incomplete(format!(
                "GetAccountSummary's SummaryMap has no {}",
                key.as_str()
            ))
        })
    };
    to_json(&AccountSummary {
        account_mfa_enabled: entry(SummaryKeyType::AccountMfaEnabled)? > 0,
        account_access_keys_present: entry(SummaryKeyType::AccountAccessKeysPresent)? > 0,
    })
}

/// `iam:ListVirtualMFADevices` (assigned ones): is one of them the root user's?
pub(super) async fn root_virtual_mfa(c: &AwsClients) -> Result<Value, EvidenceError> {
    let devices = all_items!(
        c.iam
            .list_virtual_mfa_devices()
            .assignment_status(AssignmentStatusType::Assigned)
    )?;
    let root_has_virtual_mfa = devices.iter().any(|d| {
        d.user().is_some_and(|u| u.arn().ends_with(":root"))
            || d.serial_number().ends_with(":mfa/root-account-mfa-device")
    });
    to_json(&RootVirtualMfa {
        root_has_virtual_mfa,
    })
}

/// `iam:GetAccountPasswordPolicy`; `NoSuchEntity` means the account has none.
pub(super) async fn password_policy(c: &AwsClients) -> Result<Value, EvidenceError> {
    match c.iam.get_account_password_policy().send().await {
        Ok(out) => {
            let p = out.password_policy().ok_or_else(|| {
                incomplete("GetAccountPasswordPolicy answered without a PasswordPolicy")
            })?;
            to_json(&PasswordPolicy {
                present: true,
                minimum_password_length: p.minimum_password_length().map(i64::from),
                require_symbols: p.require_symbols(),
                require_numbers: p.require_numbers(),
                require_uppercase_characters: p.require_uppercase_characters(),
                require_lowercase_characters: p.require_lowercase_characters(),
                allow_users_to_change_password: p.allow_users_to_change_password(),
                expire_passwords: p.expire_passwords(),
                max_password_age: p.max_password_age().map(i64::from),
                password_reuse_prevention: p.password_reuse_prevention().map(i64::from),
                hard_expiry: p.hard_expiry(),
            })
        }
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_no_such_entity_exception()) =>
        {
            to_json(&PasswordPolicy {
                present: false,
                ..PasswordPolicy::default()
            })
        }
        Err(e) => Err(from_sdk(&e)),
    }
}

/// The ARN of the AWS managed policy CIS 1.17 asks to be attached to a support role.
pub fn support_access_policy_arn(partition: &str) -> String {
    format!("arn:{partition}:iam::aws:policy/AWSSupportAccess")
}

/// `iam:ListEntitiesForPolicy` on `AWSSupportAccess` (every page).
pub(super) async fn support_role(c: &AwsClients, partition: &str) -> Result<Value, EvidenceError> {
    let pages = c
        .iam
        .list_entities_for_policy()
        .policy_arn(support_access_policy_arn(partition))
        .into_paginator()
        .send()
        .try_collect()
        .await
        .or_evidence_error()?;
    let mut shape = SupportRole::default();
    for page in &pages {
        shape.role_names.extend(
            page.policy_roles()
                .iter()
                .filter_map(|r| r.role_name().map(str::to_owned)),
        );
        shape.user_names.extend(
            page.policy_users()
                .iter()
                .filter_map(|u| u.user_name().map(str::to_owned)),
        );
        shape.group_names.extend(
            page.policy_groups()
                .iter()
                .filter_map(|g| g.group_name().map(str::to_owned)),
        );
    }
    to_json(&shape)
}
