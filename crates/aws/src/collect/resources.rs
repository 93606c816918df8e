//! Per-resource evidence outside IAM: a KMS key's rotation, what the secret detector finds in a
//! Lambda function's environment, a VPC's flow logs and endpoints.

use super::to_json;
use crate::clients::AwsClients;
use crate::error::SdkResultExt;
use aws_sdk_ec2::types::Filter;
use serde_json::Value;
use sidewatch_core::EvidenceError;
use sidewatch_core::evidence::shapes::{
    EnvironmentSecretHit, FlowLog, FlowLogs, KeyRotation, LambdaEnvironmentSecrets, VpcEndpoint,
    VpcEndpoints,
};
use sidewatch_secrets::scan_environment;

/// `kms:GetKeyRotationStatus`.
pub(super) async fn key_rotation(c: &AwsClients, key_id: &str) -> Result<Value, EvidenceError> {
    let out = c
        .kms
        .get_key_rotation_status()
        .key_id(key_id)
        .send()
        .await
        .or_evidence_error()?;
    to_json(&KeyRotation {
        key_rotation_enabled: out.key_rotation_enabled(),
        rotation_period_in_days: out.rotation_period_in_days().map(i64::from),
    })
}

/// `lambda:GetFunctionConfiguration`, then the secret detector over the variables. Only variable
/// names and detector kinds leave this function: the values are dropped with the SDK output.
/// When Lambda could not decrypt the variables (`Environment.Error`), nothing was checked, so the
/// read counts as failed.
pub(super) async fn environment_secrets(
    c: &AwsClients,
    function: &str,
) -> Result<Value, EvidenceError> {
    let out = c
        .lambda
        .get_function_configuration()
        .function_name(function)
        .send()
        .await
        .or_evidence_error()?;
    let environment = out.environment();
    if let Some(error) = environment.and_then(|env| env.error()) {
        return Err(EvidenceError::new(
            error.error_code().unwrap_or("EnvironmentError"),
            format!(
                "Lambda could not decrypt the environment variables of function {function}, so \
                 none could be checked"
            ),
        ));
    }
    let variables = environment.and_then(|env| env.variables());
    let hits = scan_environment(
        variables
            .into_iter()
            .flatten()
            .map(|(name, value)| (name.as_str(), value.as_str())),
    );
    to_json(&LambdaEnvironmentSecrets {
        variables_checked: variables.map_or(0, |v| v.len()),
        hits: hits
            .into_iter()
            .map(|hit| EnvironmentSecretHit {
                variable: hit.variable,
                kind: hit.kind.label().to_owned(),
            })
            .collect(),
    })
}

/// `ec2:DescribeFlowLogs` filtered on the VPC (every page).
pub(super) async fn flow_logs(c: &AwsClients, vpc_id: &str) -> Result<Value, EvidenceError> {
    let filter = Filter::builder().name("resource-id").values(vpc_id).build();
    let logs = all_items!(c.ec2.describe_flow_logs().filter(filter))?;
    to_json(&FlowLogs {
        flow_logs: logs
            .iter()
            // The filter already selects the VPC; a log for anything else is not its evidence.
            .filter(|log| log.resource_id().is_none_or(|id| id == vpc_id))
            .map(|log| FlowLog {
                flow_log_id: log.flow_log_id().unwrap_or_default().to_owned(),
                traffic_type: log.traffic_type().map(|t| t.as_str().to_owned()),
                flow_log_status: log.flow_log_status().map(str::to_owned),
                deliver_logs_status: log.deliver_logs_status().map(str::to_owned),
                log_destination_type: log.log_destination_type().map(|t| t.as_str().to_owned()),
            })
            .collect(),
    })
}

/// `ec2:DescribeVpcEndpoints` filtered on the VPC (every page), endpoints of every service.
pub(super) async fn vpc_endpoints(c: &AwsClients, vpc_id: &str) -> Result<Value, EvidenceError> {
    let filter = Filter::builder().name("vpc-id").values(vpc_id).build();
    let endpoints = all_items!(c.ec2.describe_vpc_endpoints().filters(filter))?;
    to_json(&VpcEndpoints {
        endpoints: endpoints
            .iter()
            // The filter already selects the VPC; an endpoint of another is not its evidence.
            .filter(|e| e.vpc_id().is_none_or(|id| id == vpc_id))
            .map(|e| VpcEndpoint {
                vpc_endpoint_id: e.vpc_endpoint_id().unwrap_or_default().to_owned(),
                service_name: e.service_name().unwrap_or_default().to_owned(),
                vpc_endpoint_type: e.vpc_endpoint_type().map(|t| t.as_str().to_owned()),
                state: e.state().map(|s| s.as_str().to_owned()),
            })
            .collect(),
    })
}
