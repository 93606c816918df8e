//! The live re-read: the resource a finding names, as a configuration item built from the
//! service's own answers, in the notification shape the core reads (the keys AWS Config uses).
//!
//! Only what the control reads is fetched (a bucket's versioning for S3.14, its policy for S3.5…)
//! plus the resource's tags for the exemption guard. A read that fails is an error, never an
//! empty setting: an empty setting could look non-compliant and be "fixed" on a guess.

use super::{LiveResource, RemediationClients, invalid, is_gone, port_error};
use aws_sdk_ec2::types::{IpPermission, Tag as Ec2Tag};
use serde_json::{Map, Value, json};
use sidewatch_core::arn::partition_of_region;
use sidewatch_core::ports::PortError;
use sidewatch_core::{ACCOUNT_RESOURCE_TYPE, ConfigurationItem, Control};
use std::collections::BTreeMap;

pub(super) async fn read(
    c: &RemediationClients,
    control: &'static Control,
    resource_type: &str,
    resource_id: &str,
) -> Result<LiveResource, PortError> {
    let found = match resource_type {
        "AWS::S3::Bucket" => bucket(c, control, resource_id).await,
        "AWS::EC2::SecurityGroup" => security_group(c, resource_id).await,
        "AWS::EC2::Instance" => instance(c, resource_id).await,
        "AWS::KMS::Key" => kms_key(c, resource_id).await,
        "AWS::CloudTrail::Trail" => trail(c, resource_id).await,
        "AWS::RDS::DBInstance" => db_instance(c, resource_id).await,
        ACCOUNT_RESOURCE_TYPE => Ok(Some(account(c, resource_id)?)),
        other => Err(invalid(
            "live-read",
            format!("sidewatch cannot re-read a {other} live"),
        )),
    };
    let Some(mut item) = found? else {
        return Ok(LiveResource::Gone);
    };
    item.account_id.get_or_insert_with(|| c.account_id.clone());
    item.region.get_or_insert_with(|| c.region.clone());
    c.collector.collect(&mut item, control.evidence).await;
    Ok(LiveResource::Present(Box::new(item)))
}

/// `Ok(None)` for an error that says the resource does not exist.
fn gone<T>(result: Result<T, PortError>) -> Result<Option<T>, PortError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(e) if is_gone(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

fn item(
    resource_type: &str,
    resource_id: &str,
    name: Option<&str>,
    arn: Option<String>,
    configuration: Value,
    tags: BTreeMap<String, String>,
) -> ConfigurationItem {
    let mut item = ConfigurationItem::new(resource_type, resource_id);
    item.resource_name = name.map(str::to_owned);
    item.arn = arn;
    item.configuration = configuration;
    item.tags = tags;
    item
}

/// The account-level item: the evidence (password policy, EBS default encryption, the account's
/// S3 Block Public Access) is collected by the caller. The function re-checks the finding of its
/// own Region, which was evaluated as that Region's account item.
fn account(c: &RemediationClients, resource_id: &str) -> Result<ConfigurationItem, PortError> {
    if resource_id != c.account_id {
        return Err(invalid(
            "live-read",
            format!(
                "the finding names account {resource_id}, the function runs in {}",
                c.account_id
            ),
        ));
    }
    Ok(ConfigurationItem::account(&c.account_id, &c.region, true))
}

/// An S3 bucket: `HeadBucket` (gone when missing), the tags, and the supplementary
/// configuration the control reads.
async fn bucket(
    c: &RemediationClients,
    control: &Control,
    name: &str,
) -> Result<Option<ConfigurationItem>, PortError> {
    let head = c.s3.head_bucket().bucket(name).send().await;
    match head {
        Ok(_) => {}
        Err(e) => {
            let error = port_error("s3:HeadBucket", &e);
            // HeadBucket has no body: a 404 comes back without an AWS error code.
            let missing = e.raw_response().is_some_and(|r| r.status().as_u16() == 404);
            if missing || is_gone(&error) {
                return Ok(None);
            }
            return Err(error);
        }
    }
    let mut supplementary = Map::new();
    match control.id {
        "S3.8" => {
            if let Some(block) = bucket_public_access_block(c, name).await? {
                supplementary.insert("PublicAccessBlockConfiguration".into(), block);
            }
        }
        "S3.5" => {
            supplementary.insert("BucketPolicy".into(), bucket_policy(c, name).await?);
        }
        "S3.14" => {
            supplementary.insert(
                "BucketVersioningConfiguration".into(),
                bucket_versioning(c, name).await?,
            );
        }
        "S3.17" => {
            if let Some(encryption) = bucket_encryption(c, name).await? {
                supplementary.insert("ServerSideEncryptionConfiguration".into(), encryption);
            }
        }
        _ => {}
    }
    let tags = bucket_tags(c, name).await?;
    let mut item = item(
        "AWS::S3::Bucket",
        name,
        Some(name),
        Some(format!(
            "arn:{}:s3:::{name}",
            partition_of_region(&c.region)
        )),
        json!({"name": name}),
        tags,
    );
    item.supplementary = supplementary;
    Ok(Some(item))
}

/// Whether an S3 error is the "not configured" answer `code`.
fn is_code<E>(
    err: &aws_smithy_runtime_api::client::result::SdkError<
        E,
        aws_smithy_runtime_api::client::orchestrator::HttpResponse,
    >,
    code: &str,
) -> bool
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata,
{
    err.as_service_error().and_then(|e| e.code()) == Some(code)
}

async fn bucket_public_access_block(
    c: &RemediationClients,
    name: &str,
) -> Result<Option<Value>, PortError> {
    match c.s3.get_public_access_block().bucket(name).send().await {
        Ok(out) => Ok(out.public_access_block_configuration().map(|b| {
            json!({
                "blockPublicAcls": b.block_public_acls().unwrap_or(false),
                "ignorePublicAcls": b.ignore_public_acls().unwrap_or(false),
                "blockPublicPolicy": b.block_public_policy().unwrap_or(false),
                "restrictPublicBuckets": b.restrict_public_buckets().unwrap_or(false),
            })
        })),
        Err(e) if is_code(&e, "NoSuchPublicAccessBlockConfiguration") => Ok(None),
        Err(e) => Err(port_error("s3:GetPublicAccessBlock", &e)),
    }
}

async fn bucket_policy(c: &RemediationClients, name: &str) -> Result<Value, PortError> {
    match c.s3.get_bucket_policy().bucket(name).send().await {
        Ok(out) => Ok(json!({"policyText": out.policy()})),
        Err(e) if is_code(&e, "NoSuchBucketPolicy") => Ok(json!({"policyText": null})),
        Err(e) => Err(port_error("s3:GetBucketPolicy", &e)),
    }
}

/// `GetBucketVersioning`; a bucket that never had versioning has no status, which Config
/// records as `Off`.
async fn bucket_versioning(c: &RemediationClients, name: &str) -> Result<Value, PortError> {
    let out =
        c.s3.get_bucket_versioning()
            .bucket(name)
            .send()
            .await
            .map_err(|e| port_error("s3:GetBucketVersioning", &e))?;
    Ok(json!({
        "status": out.status().map_or("Off", |s| s.as_str()),
        "isMfaDeleteEnabled": out.mfa_delete().map(|m| m.as_str() == "Enabled"),
    }))
}

async fn bucket_encryption(c: &RemediationClients, name: &str) -> Result<Option<Value>, PortError> {
    match c.s3.get_bucket_encryption().bucket(name).send().await {
        Ok(out) => Ok(out.server_side_encryption_configuration().map(|config| {
            let rules: Vec<Value> = config
                .rules()
                .iter()
                .map(|rule| {
                    let default = rule.apply_server_side_encryption_by_default();
                    json!({
                        "applyServerSideEncryptionByDefault": default.map(|d| json!({
                            "sseAlgorithm": d.sse_algorithm().as_str(),
                            "kmsMasterKeyID": d.kms_master_key_id(),
                        })),
                        "bucketKeyEnabled": rule.bucket_key_enabled().unwrap_or(false),
                    })
                })
                .collect();
            json!({"rules": rules})
        })),
        Err(e) if is_code(&e, "ServerSideEncryptionConfigurationNotFoundError") => Ok(None),
        Err(e) => Err(port_error("s3:GetBucketEncryption", &e)),
    }
}

async fn bucket_tags(
    c: &RemediationClients,
    name: &str,
) -> Result<BTreeMap<String, String>, PortError> {
    match c.s3.get_bucket_tagging().bucket(name).send().await {
        Ok(out) => Ok(out
            .tag_set()
            .iter()
            .map(|t| (t.key().to_owned(), t.value().to_owned()))
            .collect()),
        Err(e) if is_code(&e, "NoSuchTagSet") => Ok(BTreeMap::new()),
        Err(e) => Err(port_error("s3:GetBucketTagging", &e)),
    }
}

fn ec2_tags(tags: &[Ec2Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|t| Some((t.key()?.to_owned(), t.value().unwrap_or("").to_owned())))
        .collect()
}

/// One permission in Config's shape (`ipv4Ranges` and the legacy `ipRanges` both).
fn permission(p: &IpPermission) -> Value {
    let v4: Vec<&str> = p.ip_ranges().iter().filter_map(|r| r.cidr_ip()).collect();
    json!({
        "ipProtocol": p.ip_protocol(),
        "fromPort": p.from_port(),
        "toPort": p.to_port(),
        "ipv4Ranges": v4.iter().map(|c| json!({"cidrIp": c})).collect::<Vec<_>>(),
        "ipRanges": v4,
        "ipv6Ranges": p.ipv6_ranges().iter().filter_map(|r| r.cidr_ipv6())
            .map(|c| json!({"cidrIpv6": c})).collect::<Vec<_>>(),
        "userIdGroupPairs": p.user_id_group_pairs().iter().map(|g| json!({
            "groupId": g.group_id(), "groupName": g.group_name(), "userId": g.user_id(),
        })).collect::<Vec<_>>(),
        "prefixListIds": p.prefix_list_ids().iter().filter_map(|l| l.prefix_list_id())
            .map(|id| json!({"prefixListId": id})).collect::<Vec<_>>(),
    })
}

async fn security_group(
    c: &RemediationClients,
    group_id: &str,
) -> Result<Option<ConfigurationItem>, PortError> {
    let out = gone(
        c.aws
            .ec2
            .describe_security_groups()
            .group_ids(group_id)
            .send()
            .await
            .map_err(|e| port_error("ec2:DescribeSecurityGroups", &e)),
    )?;
    let Some(group) = out.and_then(|o| {
        o.security_groups()
            .iter()
            .find(|g| g.group_id() == Some(group_id))
            .cloned()
    }) else {
        return Ok(None);
    };
    let configuration = json!({
        "groupId": group.group_id(),
        "groupName": group.group_name(),
        "description": group.description(),
        "ownerId": group.owner_id(),
        "vpcId": group.vpc_id(),
        "ipPermissions": group.ip_permissions().iter().map(permission).collect::<Vec<_>>(),
        "ipPermissionsEgress": group.ip_permissions_egress().iter().map(permission)
            .collect::<Vec<_>>(),
    });
    Ok(Some(item(
        "AWS::EC2::SecurityGroup",
        group_id,
        group.group_name(),
        group.security_group_arn().map(str::to_owned),
        configuration,
        ec2_tags(group.tags()),
    )))
}

async fn instance(
    c: &RemediationClients,
    instance_id: &str,
) -> Result<Option<ConfigurationItem>, PortError> {
    let out = gone(
        c.aws
            .ec2
            .describe_instances()
            .instance_ids(instance_id)
            .send()
            .await
            .map_err(|e| port_error("ec2:DescribeInstances", &e)),
    )?;
    let Some(instance) = out.and_then(|o| {
        o.reservations()
            .iter()
            .flat_map(|r| r.instances())
            .find(|i| i.instance_id() == Some(instance_id))
            .cloned()
    }) else {
        return Ok(None);
    };
    let state = instance
        .state()
        .and_then(|s| s.name())
        .map(|n| n.as_str().to_owned());
    if state.as_deref() == Some("terminated") {
        return Ok(None);
    }
    let metadata = instance.metadata_options();
    let configuration = json!({
        "instanceId": instance_id,
        "state": {"name": state},
        "metadataOptions": metadata.map(|m| json!({
            "httpTokens": m.http_tokens().map(|t| t.as_str()),
            "httpEndpoint": m.http_endpoint().map(|e| e.as_str()),
            "httpPutResponseHopLimit": m.http_put_response_hop_limit(),
        })),
    });
    Ok(Some(item(
        "AWS::EC2::Instance",
        instance_id,
        None,
        None,
        configuration,
        ec2_tags(instance.tags()),
    )))
}

async fn kms_key(
    c: &RemediationClients,
    key_id: &str,
) -> Result<Option<ConfigurationItem>, PortError> {
    let out = gone(
        c.aws
            .kms
            .describe_key()
            .key_id(key_id)
            .send()
            .await
            .map_err(|e| port_error("kms:DescribeKey", &e)),
    )?;
    let Some(meta) = out.and_then(|o| o.key_metadata().cloned()) else {
        return Ok(None);
    };
    let state = meta.key_state().map(|s| s.as_str().to_owned());
    if matches!(state.as_deref(), Some("PendingDeletion")) {
        return Ok(None);
    }
    let tags = c
        .aws
        .kms
        .list_resource_tags()
        .key_id(meta.key_id())
        .send()
        .await
        .map_err(|e| port_error("kms:ListResourceTags", &e))?
        .tags()
        .iter()
        .map(|t| (t.tag_key().to_owned(), t.tag_value().to_owned()))
        .collect();
    let configuration = json!({
        "keyId": meta.key_id(),
        "arn": meta.arn(),
        "enabled": meta.enabled(),
        "keyState": state,
        "keyManager": meta.key_manager().map(|m| m.as_str()),
        "keySpec": meta.key_spec().map(|s| s.as_str()),
        "customerMasterKeySpec": meta.key_spec().map(|s| s.as_str()),
        "keyUsage": meta.key_usage().map(|u| u.as_str()),
        "origin": meta.origin().map(|o| o.as_str()),
    });
    Ok(Some(item(
        "AWS::KMS::Key",
        key_id,
        Some(meta.key_id()),
        meta.arn().map(str::to_owned),
        configuration,
        tags,
    )))
}

async fn trail(c: &RemediationClients, name: &str) -> Result<Option<ConfigurationItem>, PortError> {
    let out = gone(
        c.aws
            .cloudtrail
            .get_trail()
            .name(name)
            .send()
            .await
            .map_err(|e| port_error("cloudtrail:GetTrail", &e)),
    )?;
    let Some(trail) = out.and_then(|o| o.trail().cloned()) else {
        return Ok(None);
    };
    let arn = trail.trail_arn().map(str::to_owned);
    let tags = match &arn {
        Some(arn) => c
            .aws
            .cloudtrail
            .list_tags()
            .resource_id_list(arn)
            .send()
            .await
            .map_err(|e| port_error("cloudtrail:ListTags", &e))?
            .resource_tag_list()
            .iter()
            .flat_map(|r| r.tags_list())
            .map(|t| (t.key().to_owned(), t.value().unwrap_or("").to_owned()))
            .collect(),
        None => BTreeMap::new(),
    };
    let configuration = json!({
        "name": trail.name(),
        "trailARN": arn,
        "homeRegion": trail.home_region(),
        "isMultiRegionTrail": trail.is_multi_region_trail(),
        "logFileValidationEnabled": trail.log_file_validation_enabled(),
        "s3BucketName": trail.s3_bucket_name(),
        "kmsKeyId": trail.kms_key_id(),
    });
    Ok(Some(item(
        "AWS::CloudTrail::Trail",
        name,
        trail.name(),
        arn,
        configuration,
        tags,
    )))
}

/// A DB instance by its Config resource id (the `DbiResourceId`, `db-…`) or its identifier.
async fn db_instance(
    c: &RemediationClients,
    resource_id: &str,
) -> Result<Option<ConfigurationItem>, PortError> {
    let mut pages = c.rds.describe_db_instances().into_paginator().send();
    let mut found = None;
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("rds:DescribeDBInstances", &e))?;
        if let Some(db) = page.db_instances().iter().find(|db| {
            db.dbi_resource_id() == Some(resource_id)
                || db.db_instance_identifier() == Some(resource_id)
        }) {
            found = Some(db.clone());
            break;
        }
    }
    let Some(db) = found else {
        return Ok(None);
    };
    if db.db_instance_status() == Some("deleting") {
        return Ok(None);
    }
    let tags = db
        .tag_list()
        .iter()
        .filter_map(|t| Some((t.key()?.to_owned(), t.value().unwrap_or("").to_owned())))
        .collect();
    let configuration = json!({
        "dBInstanceIdentifier": db.db_instance_identifier(),
        "dbiResourceId": db.dbi_resource_id(),
        "dBInstanceArn": db.db_instance_arn(),
        "dBInstanceStatus": db.db_instance_status(),
        "engine": db.engine(),
        "backupRetentionPeriod": db.backup_retention_period(),
        "autoMinorVersionUpgrade": db.auto_minor_version_upgrade(),
        "readReplicaSourceDBInstanceIdentifier": db.read_replica_source_db_instance_identifier(),
        "dBClusterIdentifier": db.db_cluster_identifier(),
    });
    Ok(Some(item(
        "AWS::RDS::DBInstance",
        resource_id,
        db.db_instance_identifier(),
        db.db_instance_arn().map(str::to_owned),
        configuration,
        tags,
    )))
}
