//! One SDK call per [`Plan`] (two for a security group with ingress and egress rules), with
//! exactly the settings the plan names.

use super::{RemediationClients, invalid, port_error};
use aws_sdk_ec2::types::{
    HttpTokensState, IpPermission as Ec2Permission, IpRange, Ipv6Range, PrefixListId,
    UserIdGroupPair,
};
use aws_sdk_s3::types::{
    BucketVersioningStatus, PublicAccessBlockConfiguration, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    VersioningConfiguration,
};
use sidewatch_core::ports::PortError;
use sidewatch_remediation::plan::{IpPermission, Plan};

pub(super) async fn execute(c: &RemediationClients, plan: &Plan) -> Result<(), PortError> {
    match plan {
        Plan::PutBucketPublicAccessBlock { bucket } => {
            let block = PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build();
            c.s3.put_public_access_block()
                .bucket(bucket)
                .public_access_block_configuration(block)
                .send()
                .await
                .map(drop)
                .map_err(|e| port_error("s3:PutPublicAccessBlock", &e))
        }
        Plan::PutAccountPublicAccessBlock { account_id } => {
            let block = aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build();
            c.aws
                .s3control
                .put_public_access_block()
                .account_id(account_id)
                .public_access_block_configuration(block)
                .send()
                .await
                .map(drop)
                .map_err(|e| port_error("s3control:PutPublicAccessBlock", &e))
        }
        Plan::PutBucketPolicy { bucket, policy } => {
            let text = serde_json::to_string(policy)
                .map_err(|e| invalid("s3:PutBucketPolicy", e.to_string()))?;
            c.s3.put_bucket_policy()
                .bucket(bucket)
                .policy(text)
                .send()
                .await
                .map(drop)
                .map_err(|e| port_error("s3:PutBucketPolicy", &e))
        }
        Plan::PutBucketEncryption {
            bucket,
            kms_master_key_id,
            bucket_key_enabled,
        } => {
            const OP: &str = "s3:PutBucketEncryption";
            let default = ServerSideEncryptionByDefault::builder()
                .sse_algorithm(ServerSideEncryption::AwsKms)
                .set_kms_master_key_id(kms_master_key_id.clone())
                .build()
                .map_err(|e| invalid(OP, e.to_string()))?;
            let rule = ServerSideEncryptionRule::builder()
                .apply_server_side_encryption_by_default(default)
                .bucket_key_enabled(*bucket_key_enabled)
                .build();
            let config = ServerSideEncryptionConfiguration::builder()
                .rules(rule)
                .build()
                .map_err(|e| invalid(OP, e.to_string()))?;
            c.s3.put_bucket_encryption()
                .bucket(bucket)
                .server_side_encryption_configuration(config)
                .send()
                .await
                .map(drop)
                .map_err(|e| port_error(OP, &e))
        }
        Plan::PutBucketVersioning { bucket } => {
            c.s3.put_bucket_versioning()
                .bucket(bucket)
                .versioning_configuration(
                    VersioningConfiguration::builder()
                        .status(BucketVersioningStatus::Enabled)
                        .build(),
                )
                .send()
                .await
                .map(drop)
                .map_err(|e| port_error("s3:PutBucketVersioning", &e))
        }
        Plan::RevokeSecurityGroupRules {
            group_id,
            ingress,
            egress,
        } => revoke(c, group_id, ingress, egress).await,
        Plan::RequireImdsv2 { instance_id } => c
            .aws
            .ec2
            .modify_instance_metadata_options()
            .instance_id(instance_id)
            .http_tokens(HttpTokensState::Required)
            .send()
            .await
            .map(drop)
            .map_err(|e| port_error("ec2:ModifyInstanceMetadataOptions", &e)),
        Plan::EnableEbsEncryptionByDefault { region } => {
            const OP: &str = "ec2:EnableEbsEncryptionByDefault";
            if *region != c.region {
                return Err(invalid(
                    OP,
                    format!(
                        "the plan is for {region}, the function's clients call {}",
                        c.region
                    ),
                ));
            }
            c.aws
                .ec2
                .enable_ebs_encryption_by_default()
                .send()
                .await
                .map(drop)
                .map_err(|e| port_error(OP, &e))
        }
        Plan::EnableKeyRotation { key_id } => c
            .aws
            .kms
            .enable_key_rotation()
            .key_id(key_id)
            .send()
            .await
            .map(drop)
            .map_err(|e| port_error("kms:EnableKeyRotation", &e)),
        Plan::EnableLogFileValidation { trail } => c
            .aws
            .cloudtrail
            .update_trail()
            .name(trail)
            .enable_log_file_validation(true)
            .send()
            .await
            .map(drop)
            .map_err(|e| port_error("cloudtrail:UpdateTrail", &e)),
        Plan::UpdateAccountPasswordPolicy { policy } => {
            const OP: &str = "iam:UpdateAccountPasswordPolicy";
            let int =
                |n: i64| i32::try_from(n).map_err(|_| invalid(OP, format!("{n} is too large")));
            c.aws
                .iam
                .update_account_password_policy()
                .minimum_password_length(int(policy.minimum_password_length)?)
                .require_symbols(policy.require_symbols)
                .require_numbers(policy.require_numbers)
                .require_uppercase_characters(policy.require_uppercase_characters)
                .require_lowercase_characters(policy.require_lowercase_characters)
                .allow_users_to_change_password(policy.allow_users_to_change_password)
                .set_max_password_age(policy.max_password_age.map(int).transpose()?)
                .set_password_reuse_prevention(
                    policy.password_reuse_prevention.map(int).transpose()?,
                )
                .hard_expiry(policy.hard_expiry)
                .send()
                .await
                .map(drop)
                .map_err(|e| port_error(OP, &e))
        }
        Plan::ModifyDbInstance {
            db_instance_identifier,
            backup_retention_period,
            auto_minor_version_upgrade,
            apply_immediately,
        } => {
            const OP: &str = "rds:ModifyDBInstance";
            let days = backup_retention_period
                .map(|d| i32::try_from(d).map_err(|_| invalid(OP, format!("{d} days"))))
                .transpose()?;
            c.rds
                .modify_db_instance()
                .db_instance_identifier(db_instance_identifier)
                .set_backup_retention_period(days)
                .set_auto_minor_version_upgrade(*auto_minor_version_upgrade)
                .apply_immediately(*apply_immediately)
                .send()
                .await
                .map(drop)
                .map_err(|e| port_error(OP, &e))
        }
    }
}

/// `RevokeSecurityGroupIngress` / `RevokeSecurityGroupEgress` with exactly the plan's
/// permissions. EC2 answers with the permissions it did not find: that is reported, because the
/// live read just saw them.
async fn revoke(
    c: &RemediationClients,
    group_id: &str,
    ingress: &[IpPermission],
    egress: &[IpPermission],
) -> Result<(), PortError> {
    if !ingress.is_empty() {
        const OP: &str = "ec2:RevokeSecurityGroupIngress";
        let out = c
            .aws
            .ec2
            .revoke_security_group_ingress()
            .group_id(group_id)
            .set_ip_permissions(Some(ingress.iter().map(sdk_permission).collect()))
            .send()
            .await
            .map_err(|e| port_error(OP, &e))?;
        if !out.unknown_ip_permissions().is_empty() {
            return Err(invalid(
                OP,
                format!(
                    "EC2 did not find {} of the permissions to revoke on {group_id}",
                    out.unknown_ip_permissions().len()
                ),
            ));
        }
    }
    if !egress.is_empty() {
        const OP: &str = "ec2:RevokeSecurityGroupEgress";
        let out = c
            .aws
            .ec2
            .revoke_security_group_egress()
            .group_id(group_id)
            .set_ip_permissions(Some(egress.iter().map(sdk_permission).collect()))
            .send()
            .await
            .map_err(|e| port_error(OP, &e))?;
        if !out.unknown_ip_permissions().is_empty() {
            return Err(invalid(
                OP,
                format!(
                    "EC2 did not find {} of the egress permissions to revoke on {group_id}",
                    out.unknown_ip_permissions().len()
                ),
            ));
        }
    }
    Ok(())
}

fn sdk_permission(p: &IpPermission) -> Ec2Permission {
    let port = |n: Option<i64>| n.and_then(|n| i32::try_from(n).ok());
    Ec2Permission::builder()
        .ip_protocol(&p.ip_protocol)
        .set_from_port(port(p.from_port))
        .set_to_port(port(p.to_port))
        .set_ip_ranges(non_empty(
            p.ipv4_ranges
                .iter()
                .map(|c| IpRange::builder().cidr_ip(c).build())
                .collect(),
        ))
        .set_ipv6_ranges(non_empty(
            p.ipv6_ranges
                .iter()
                .map(|c| Ipv6Range::builder().cidr_ipv6(c).build())
                .collect(),
        ))
        .set_user_id_group_pairs(non_empty(
            p.user_id_group_pairs
                .iter()
                .map(|g| {
                    UserIdGroupPair::builder()
                        .set_group_id(g.group_id.clone())
                        .set_group_name(g.group_name.clone())
                        .set_user_id(g.user_id.clone())
                        .build()
                })
                .collect(),
        ))
        .set_prefix_list_ids(non_empty(
            p.prefix_list_ids
                .iter()
                .map(|id| PrefixListId::builder().prefix_list_id(id).build())
                .collect(),
        ))
        .build()
}

fn non_empty<T>(list: Vec<T>) -> Option<Vec<T>> {
    (!list.is_empty()).then_some(list)
}
