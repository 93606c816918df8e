//! Account- and Region-level evidence: EBS encryption by default, AWS Config recorders, GuardDuty
//! detectors, IAM Access Analyzer analyzers, the account's S3 Block Public Access, the security
//! contact, public EBS snapshots and Amazon Inspector's scan status.

use super::to_json;
use crate::clients::AwsClients;
use crate::error::{SdkResultExt, from_sdk, incomplete};
use aws_sdk_account::types::AlternateContactType;
use aws_sdk_ec2::types::SnapshotAttributeName;
use serde_json::Value;
use sidewatch_core::EvidenceError;
use sidewatch_core::evidence::shapes::{
    AccessAnalyzer, AccessAnalyzers, AccountPublicAccessBlock, ConfigRecorder, ConfigRecorders,
    EbsEncryptionByDefault, EbsPublicSnapshots, GuardDutyDetector, GuardDutyDetectors,
    InspectorAccount, InspectorAccountStatus, SecurityContact,
};

/// `ec2:GetEbsEncryptionByDefault` in the clients' Region.
pub(super) async fn ebs_encryption_by_default(c: &AwsClients) -> Result<Value, EvidenceError> {
    let out = c
        .ec2
        .get_ebs_encryption_by_default()
        .send()
        .await
        .or_evidence_error()?;
    let enabled = out.ebs_encryption_by_default().ok_or_else(|| {
        incomplete("GetEbsEncryptionByDefault answered without EbsEncryptionByDefault")
    })?;
    to_json(&EbsEncryptionByDefault {
        ebs_encryption_by_default: enabled,
    })
}

/// `config:DescribeConfigurationRecorders` and `config:DescribeConfigurationRecorderStatus` (the
/// customer managed recorder, which is what both return without a name). A recorder without a
/// status entry is stored as not recording.
pub(super) async fn config_recorders(c: &AwsClients) -> Result<Value, EvidenceError> {
    let described = c
        .config
        .describe_configuration_recorders()
        .send()
        .await
        .or_evidence_error()?;
    let statuses = c
        .config
        .describe_configuration_recorder_status()
        .send()
        .await
        .or_evidence_error()?;
    let recorders = described
        .configuration_recorders()
        .iter()
        .map(|r| {
            let name = r.name().unwrap_or_default();
            let status = statuses
                .configuration_recorders_status()
                .iter()
                .find(|s| s.name() == Some(name));
            let group = r.recording_group();
            ConfigRecorder {
                name: name.to_owned(),
                role_arn: r.role_arn().map(str::to_owned),
                all_supported: group.is_some_and(|g| g.all_supported()),
                include_global_resource_types: group
                    .is_some_and(|g| g.include_global_resource_types()),
                resource_types: group
                    .map(|g| {
                        g.resource_types()
                            .iter()
                            .map(|t| t.as_str().to_owned())
                            .collect()
                    })
                    .unwrap_or_default(),
                exclusion_resource_types: group
                    .and_then(|g| g.exclusion_by_resource_types())
                    .map(|e| {
                        e.resource_types()
                            .iter()
                            .map(|t| t.as_str().to_owned())
                            .collect()
                    })
                    .unwrap_or_default(),
                recording_strategy: group
                    .and_then(|g| g.recording_strategy())
                    .and_then(|s| s.use_only())
                    .map(|u| u.as_str().to_owned()),
                recording: status.is_some_and(|s| s.recording()),
                last_status: status
                    .and_then(|s| s.last_status())
                    .map(|l| l.as_str().to_owned()),
            }
        })
        .collect();
    to_json(&ConfigRecorders { recorders })
}

/// `guardduty:ListDetectors` (every page), then `guardduty:GetDetector` for each.
pub(super) async fn guardduty_detectors(c: &AwsClients) -> Result<Value, EvidenceError> {
    let ids = all_items!(c.guardduty.list_detectors())?;
    let mut detectors = Vec::with_capacity(ids.len());
    for id in ids {
        let out = c
            .guardduty
            .get_detector()
            .detector_id(&id)
            .send()
            .await
            .or_evidence_error()?;
        let status = out
            .status()
            .map(|s| s.as_str().to_owned())
            .ok_or_else(|| incomplete(format!("GetDetector gave detector {id} no Status")))?;
        detectors.push(GuardDutyDetector {
            detector_id: id,
            status,
        });
    }
    to_json(&GuardDutyDetectors { detectors })
}

/// `access-analyzer:ListAnalyzers` (every type, every page).
pub(super) async fn access_analyzers(c: &AwsClients) -> Result<Value, EvidenceError> {
    let analyzers = all_items!(c.accessanalyzer.list_analyzers())?;
    to_json(&AccessAnalyzers {
        analyzers: analyzers
            .iter()
            .map(|a| AccessAnalyzer {
                name: a.name().to_owned(),
                arn: a.arn().to_owned(),
                analyzer_type: a.r#type().as_str().to_owned(),
                status: a.status().as_str().to_owned(),
            })
            .collect(),
    })
}

/// `s3:GetAccountPublicAccessBlock` through S3 Control; `NoSuchPublicAccessBlockConfiguration`
/// means the account has none. A flag AWS leaves out is stored as false (not blocking).
pub(super) async fn s3_public_access_block(
    c: &AwsClients,
    account_id: &str,
) -> Result<Value, EvidenceError> {
    match c
        .s3control
        .get_public_access_block()
        .account_id(account_id)
        .send()
        .await
    {
        Ok(out) => {
            let block = out.public_access_block_configuration().ok_or_else(|| {
                incomplete("GetPublicAccessBlock answered without a PublicAccessBlockConfiguration")
            })?;
            to_json(&AccountPublicAccessBlock {
                present: true,
                block_public_acls: block.block_public_acls().unwrap_or(false),
                ignore_public_acls: block.ignore_public_acls().unwrap_or(false),
                block_public_policy: block.block_public_policy().unwrap_or(false),
                restrict_public_buckets: block.restrict_public_buckets().unwrap_or(false),
            })
        }
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_no_such_public_access_block_configuration()) =>
        {
            to_json(&AccountPublicAccessBlock {
                present: false,
                ..AccountPublicAccessBlock::default()
            })
        }
        Err(e) => Err(from_sdk(&e)),
    }
}

/// `account:GetAlternateContact` (SECURITY); `ResourceNotFoundException` means none is on file.
/// Only which fields are filled in is kept, never the contact's details.
pub(super) async fn security_contact(c: &AwsClients) -> Result<Value, EvidenceError> {
    match c
        .account
        .get_alternate_contact()
        .alternate_contact_type(AlternateContactType::Security)
        .send()
        .await
    {
        Ok(out) => {
            let contact = out.alternate_contact();
            let filled = |v: Option<&str>| v.is_some_and(|s| !s.trim().is_empty());
            to_json(&SecurityContact {
                present: contact.is_some(),
                has_email_address: filled(contact.and_then(|c| c.email_address())),
                has_name: filled(contact.and_then(|c| c.name())),
                has_phone_number: filled(contact.and_then(|c| c.phone_number())),
            })
        }
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            to_json(&SecurityContact::default())
        }
        Err(e) => Err(from_sdk(&e)),
    }
}

/// `ec2:DescribeSnapshots` (owner `self`, restorable by `all`: AWS answers with the public ones,
/// every page), then `ec2:DescribeSnapshotAttribute` (`createVolumePermission`) for each, so only
/// a snapshot whose permission really holds the group `all` is listed.
pub(super) async fn public_snapshots(c: &AwsClients) -> Result<Value, EvidenceError> {
    let candidates = all_items!(
        c.ec2
            .describe_snapshots()
            .owner_ids("self")
            .restorable_by_user_ids("all")
    )?;
    let mut public_snapshot_ids = Vec::new();
    for snapshot in &candidates {
        let Some(id) = snapshot.snapshot_id() else {
            return Err(incomplete(
                "DescribeSnapshots listed a snapshot without SnapshotId",
            ));
        };
        let out = c
            .ec2
            .describe_snapshot_attribute()
            .snapshot_id(id)
            .attribute(SnapshotAttributeName::CreateVolumePermission)
            .send()
            .await
            .or_evidence_error()?;
        if out
            .create_volume_permissions()
            .iter()
            .any(|p| p.group().is_some_and(|g| g.as_str() == "all"))
        {
            public_snapshot_ids.push(id.to_owned());
        }
    }
    to_json(&EbsPublicSnapshots {
        public_snapshot_ids,
        snapshots_checked: candidates.len(),
    })
}

/// How many account ids `inspector2:BatchGetAccountStatus` takes at once.
const INSPECTOR_BATCH: usize = 10;

/// `inspector2:ListMembers` (associated members only, every page; none unless the account is
/// Inspector's delegated administrator), then `inspector2:BatchGetAccountStatus` for the account
/// and its members. An account AWS could not report (`failedAccounts`, or missing from the answer)
/// fails the read: a status left out must not read as enabled or disabled.
pub(super) async fn inspector_status(
    c: &AwsClients,
    account_id: &str,
) -> Result<Value, EvidenceError> {
    let members = all_items!(c.inspector2.list_members().only_associated(true))?;
    let mut wanted = vec![account_id.to_owned()];
    for member in &members {
        if let Some(id) = member.account_id().filter(|id| *id != account_id) {
            wanted.push(id.to_owned());
        }
    }
    let mut accounts = Vec::with_capacity(wanted.len());
    for batch in wanted.chunks(INSPECTOR_BATCH) {
        let out = c
            .inspector2
            .batch_get_account_status()
            .set_account_ids(Some(batch.to_vec()))
            .send()
            .await
            .or_evidence_error()?;
        if let Some(failed) = out.failed_accounts().first() {
            return Err(EvidenceError::new(
                failed.error_code().as_str(),
                format!(
                    "BatchGetAccountStatus could not report account {}: {}",
                    failed.account_id(),
                    failed.error_message()
                ),
            ));
        }
        for id in batch {
            let Some(state) = out.accounts().iter().find(|a| a.account_id() == id) else {
                return Err(incomplete(format!(
                    "BatchGetAccountStatus answered without account {id}"
                )));
            };
            let resources = state.resource_state();
            let status = |s: Option<&aws_sdk_inspector2::types::State>| {
                s.map(|s| s.status().as_str().to_owned())
            };
            accounts.push(InspectorAccount {
                account_id: id.clone(),
                status: status(state.state()),
                ec2: status(resources.and_then(|r| r.ec2())),
                ecr: status(resources.and_then(|r| r.ecr())),
                lambda: status(resources.and_then(|r| r.lambda())),
                lambda_code: status(resources.and_then(|r| r.lambda_code())),
            });
        }
    }
    to_json(&InspectorAccountStatus { accounts })
}
