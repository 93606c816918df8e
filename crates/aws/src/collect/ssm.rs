//! Systems Manager evidence: whether an instance is a managed node, and who an SSM document is
//! shared with.

use super::to_json;
use crate::clients::AwsClients;
use crate::error::SdkResultExt;
use aws_sdk_ssm::types::{DocumentPermissionType, InstanceInformationStringFilter};
use serde_json::Value;
use sidewatch_core::EvidenceError;
use sidewatch_core::evidence::shapes::{SsmDocumentPermissions, SsmInstanceInformation};

/// `ssm:DescribeInstanceInformation` filtered on the instance id (every page): the instance is
/// managed when Systems Manager lists it.
pub(super) async fn instance_information(
    c: &AwsClients,
    instance_id: &str,
) -> Result<Value, EvidenceError> {
    let filter = InstanceInformationStringFilter::builder()
        .key("InstanceIds")
        .values(instance_id)
        .build()
        .map_err(|e| EvidenceError::new("InvalidRequest", e.to_string()))?;
    let listed = all_items!(c.ssm.describe_instance_information().filters(filter))?;
    // The filter already selects the instance; anything else listed is not its evidence.
    let info = listed.iter().find(|i| i.instance_id() == Some(instance_id));
    to_json(&SsmInstanceInformation {
        managed: info.is_some(),
        ping_status: info
            .and_then(|i| i.ping_status())
            .map(|p| p.as_str().to_owned()),
        agent_version: info.and_then(|i| i.agent_version()).map(str::to_owned),
    })
}

/// `ssm:DescribeDocumentPermission` (PermissionType `Share`, every page): the accounts the
/// document is shared with, `all` when it is public.
pub(super) async fn document_permissions(
    c: &AwsClients,
    name: &str,
) -> Result<Value, EvidenceError> {
    let mut account_ids = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = c
            .ssm
            .describe_document_permission()
            .name(name)
            .permission_type(DocumentPermissionType::Share)
            .set_next_token(token.take())
            .send()
            .await
            .or_evidence_error()?;
        account_ids.extend(out.account_ids().iter().cloned());
        match out.next_token().filter(|t| !t.is_empty()) {
            Some(next) => token = Some(next.to_owned()),
            None => break,
        }
    }
    to_json(&SsmDocumentPermissions { account_ids })
}
