//! Per-resource evidence of container registries, load balancers, web ACLs, secrets and tables:
//! ECR registry scanning, a load balancer's listeners, WAF Classic and WAF logging, a secret's
//! dates, a DynamoDB table's auto scaling.

use super::to_json;
use crate::clients::AwsClients;
use crate::convert::{now_rfc3339, rfc3339};
use crate::error::{SdkResultExt, from_sdk, incomplete};
use aws_sdk_applicationautoscaling::types::ServiceNamespace;
use serde_json::Value;
use sidewatch_core::EvidenceError;
use sidewatch_core::evidence::shapes::{
    DynamoDbAutoScaling, ListenerAction, LoadBalancerListener, LoadBalancerListeners,
    RegistryScanning, RegistryScanningFilter, RegistryScanningRule, ScalableTarget, ScalingPolicy,
    SecretDates, WebAclLogging,
};

/// `ecr:GetRegistryScanningConfiguration` of the account's registry in the client's Region.
pub(super) async fn registry_scanning(c: &AwsClients) -> Result<Value, EvidenceError> {
    let out = c
        .ecr
        .get_registry_scanning_configuration()
        .send()
        .await
        .or_evidence_error()?;
    let config = out.scanning_configuration().ok_or_else(|| {
        incomplete("GetRegistryScanningConfiguration answered without a scanningConfiguration")
    })?;
    let scan_type = config
        .scan_type()
        .map(|t| t.as_str().to_owned())
        .ok_or_else(|| incomplete("the registry scanning configuration has no scanType"))?;
    to_json(&RegistryScanning {
        scan_type: Some(scan_type),
        rules: config
            .rules()
            .iter()
            .map(|rule| RegistryScanningRule {
                scan_frequency: rule.scan_frequency().as_str().to_owned(),
                repository_filters: rule
                    .repository_filters()
                    .iter()
                    .map(|f| RegistryScanningFilter {
                        filter: f.filter().to_owned(),
                        filter_type: f.filter_type().as_str().to_owned(),
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// `elasticloadbalancing:DescribeListeners` of one load balancer (every page).
pub(super) async fn listeners(c: &AwsClients, arn: &str) -> Result<Value, EvidenceError> {
    let listed = all_items!(c.elbv2.describe_listeners().load_balancer_arn(arn))?;
    to_json(&LoadBalancerListeners {
        listeners: listed
            .iter()
            .map(|l| LoadBalancerListener {
                listener_arn: l.listener_arn().unwrap_or_default().to_owned(),
                protocol: l.protocol().map(|p| p.as_str().to_owned()),
                port: l.port().map(i64::from),
                default_actions: l
                    .default_actions()
                    .iter()
                    .map(|a| ListenerAction {
                        action_type: a
                            .r#type()
                            .map(|t| t.as_str())
                            .unwrap_or_default()
                            .to_owned(),
                        order: a.order().map(i64::from),
                        redirect_protocol: a
                            .redirect_config()
                            .and_then(|r| r.protocol())
                            .map(str::to_owned),
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// `waf:GetLoggingConfiguration` (AWS WAF Classic, global endpoint); `WAFNonexistentItemException`
/// means the web ACL has no logging configuration.
pub(super) async fn waf_classic_logging(c: &AwsClients, arn: &str) -> Result<Value, EvidenceError> {
    match c
        .waf
        .get_logging_configuration()
        .resource_arn(arn)
        .send()
        .await
    {
        Ok(out) => logging(
            out.logging_configuration()
                .map(|l| l.log_destination_configs()),
        ),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_waf_nonexistent_item_exception()) =>
        {
            logging(None)
        }
        Err(e) => Err(from_sdk(&e)),
    }
}

/// `wafv2:GetLoggingConfiguration`; `WAFNonexistentItemException` means the web ACL has no
/// logging configuration (AWS WAF answers so for a web ACL without one).
pub(super) async fn waf_logging(c: &AwsClients, arn: &str) -> Result<Value, EvidenceError> {
    match c
        .wafv2
        .get_logging_configuration()
        .resource_arn(arn)
        .send()
        .await
    {
        Ok(out) => logging(
            out.logging_configuration()
                .map(|l| l.log_destination_configs()),
        ),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_waf_nonexistent_item_exception()) =>
        {
            logging(None)
        }
        Err(e) => Err(from_sdk(&e)),
    }
}

/// The web ACL logging evidence: the destinations of its logging configuration, if it has one.
fn logging(destinations: Option<&[String]>) -> Result<Value, EvidenceError> {
    to_json(&WebAclLogging {
        present: destinations.is_some(),
        log_destination_configs: destinations.map(<[String]>::to_vec).unwrap_or_default(),
    })
}

/// `secretsmanager:DescribeSecret`: the secret's dates, with the moment they were read.
pub(super) async fn secret_dates(c: &AwsClients, secret: &str) -> Result<Value, EvidenceError> {
    let collected_at = now_rfc3339();
    let out = c
        .secretsmanager
        .describe_secret()
        .secret_id(secret)
        .send()
        .await
        .or_evidence_error()?;
    let time = |t: Option<&aws_smithy_types::DateTime>| t.and_then(rfc3339);
    to_json(&SecretDates {
        collected_at,
        created_date: time(out.created_date()),
        last_accessed_date: time(out.last_accessed_date()),
        last_rotated_date: time(out.last_rotated_date()),
        last_changed_date: time(out.last_changed_date()),
        deleted_date: time(out.deleted_date()),
        rotation_enabled: out.rotation_enabled(),
    })
}

/// `application-autoscaling:DescribeScalableTargets` for the table and its indexes (every page),
/// then `DescribeScalingPolicies` for each of them.
pub(super) async fn table_scaling(
    c: &AwsClients,
    resource_ids: &[String],
) -> Result<Value, EvidenceError> {
    let targets = all_items!(
        c.autoscaling
            .describe_scalable_targets()
            .service_namespace(ServiceNamespace::Dynamodb)
            .set_resource_ids(Some(resource_ids.to_vec()))
    )?;
    let mut policies = Vec::new();
    for id in resource_ids {
        let listed = all_items!(
            c.autoscaling
                .describe_scaling_policies()
                .service_namespace(ServiceNamespace::Dynamodb)
                .resource_id(id)
        )?;
        policies.extend(listed.iter().map(|p| {
            ScalingPolicy {
                policy_name: p.policy_name().to_owned(),
                resource_id: p.resource_id().to_owned(),
                scalable_dimension: p.scalable_dimension().as_str().to_owned(),
                policy_type: Some(p.policy_type().as_str().to_owned()),
                target_value: p
                    .target_tracking_scaling_policy_configuration()
                    .map(|t| t.target_value()),
            }
        }));
    }
    to_json(&DynamoDbAutoScaling {
        scalable_targets: targets
            .iter()
            .map(|t| ScalableTarget {
                resource_id: t.resource_id().to_owned(),
                scalable_dimension: t.scalable_dimension().as_str().to_owned(),
                min_capacity: Some(i64::from(t.min_capacity())),
                max_capacity: Some(i64::from(t.max_capacity())),
            })
            .collect(),
        scaling_policies: policies,
    })
}
