//! CloudTrail evidence: every trail visible from the Region, with its status and event selectors.

use super::to_json;
use crate::clients::AwsClients;
use crate::error::{SdkResultExt, from_sdk, incomplete};
use serde_json::Value;
use sidewatch_core::EvidenceError;
use sidewatch_core::evidence::shapes::{
    AdvancedEventSelector, CloudTrailTrails, DataResource, EventSelector, FieldSelector, Trail,
};

/// `cloudtrail:DescribeTrails` (shadow trails included: multi-Region and organization trails homed
/// elsewhere), then per trail `cloudtrail:GetTrailStatus` and `cloudtrail:GetEventSelectors`, both
/// by trail ARN.
///
/// A status that cannot be read is stored as `isLogging: null` (the shape's "unknown"). Selectors
/// that cannot be read fail the whole kind: an empty selector list would say "logs nothing", which
/// is a claim the adapter cannot make.
pub(super) async fn trails(c: &AwsClients) -> Result<Value, EvidenceError> {
    let described = c
        .cloudtrail
        .describe_trails()
        .include_shadow_trails(true)
        .send()
        .await
        .or_evidence_error()?;
    let mut trails = Vec::new();
    for t in described.trail_list() {
        let name = t.name().unwrap_or_default();
        let arn = t
            .trail_arn()
            .ok_or_else(|| incomplete(format!("DescribeTrails gave trail {name} no TrailARN")))?;
        let is_logging = match c.cloudtrail.get_trail_status().name(arn).send().await {
            Ok(status) => status.is_logging(),
            Err(_) => None,
        };
        let selectors = c
            .cloudtrail
            .get_event_selectors()
            .trail_name(arn)
            .send()
            .await
            .map_err(|e| {
                let mut error = from_sdk(&e);
                error.message = crate::error::truncate(&format!(
                    "GetEventSelectors for trail {arn}: {}",
                    error.message
                ));
                error
            })?;
        trails.push(Trail {
            name: name.to_owned(),
            trail_arn: arn.to_owned(),
            home_region: t.home_region().map(str::to_owned),
            is_multi_region_trail: t.is_multi_region_trail().unwrap_or(false),
            is_organization_trail: t.is_organization_trail().unwrap_or(false),
            include_global_service_events: t.include_global_service_events().unwrap_or(false),
            is_logging,
            s3_bucket_name: t.s3_bucket_name().map(str::to_owned),
            kms_key_id: t.kms_key_id().map(str::to_owned),
            log_file_validation_enabled: t.log_file_validation_enabled().unwrap_or(false),
            cloud_watch_logs_log_group_arn: t.cloud_watch_logs_log_group_arn().map(str::to_owned),
            event_selectors: selectors
                .event_selectors()
                .iter()
                .map(|s| EventSelector {
                    read_write_type: s.read_write_type().map(|r| r.as_str().to_owned()),
                    include_management_events: s.include_management_events(),
                    exclude_management_event_sources: s.exclude_management_event_sources().to_vec(),
                    data_resources: s
                        .data_resources()
                        .iter()
                        .map(|d| DataResource {
                            resource_type: d.r#type().unwrap_or_default().to_owned(),
                            values: d.values().to_vec(),
                        })
                        .collect(),
                })
                .collect(),
            advanced_event_selectors: selectors
                .advanced_event_selectors()
                .iter()
                .map(|s| AdvancedEventSelector {
                    name: s.name().map(str::to_owned),
                    field_selectors: s
                        .field_selectors()
                        .iter()
                        .map(|f| FieldSelector {
                            field: f.field().to_owned(),
                            equals: f.equals().to_vec(),
                            not_equals: f.not_equals().to_vec(),
                            starts_with: f.starts_with().to_vec(),
                            not_starts_with: f.not_starts_with().to_vec(),
                            ends_with: f.ends_with().to_vec(),
                            not_ends_with: f.not_ends_with().to_vec(),
                        })
                        .collect(),
                })
                .collect(),
        });
    }
    to_json(&CloudTrailTrails { trails })
}
