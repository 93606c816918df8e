//! `AWS::CloudTrail::Trail` from `cloudtrail:DescribeTrails` (trails whose home Region is the
//! Region collected, as Config records them once) and `cloudtrail:ListTags`.

use super::{Ctx, key_value_tags, port_error};
use crate::convert::{json_or_null, string_or_null};
use aws_sdk_cloudtrail::types::Trail;
use serde_json::{Value, json};
use sidewatch_core::arn::Arn;
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_cloudtrail::Client::new(&ctx.sdk);
    let out = client
        .describe_trails()
        .include_shadow_trails(false)
        .send()
        .await
        .map_err(|e| port_error("cloudtrail:DescribeTrails", &e))?;
    for trail in out.trail_list() {
        if trail.home_region().is_some_and(|home| home != ctx.region) {
            continue;
        }
        let (Some(name), Some(arn)) = (trail.name(), trail.trail_arn()) else {
            continue;
        };
        let mut parts = ctx.item(name, Some(name), Some(arn.to_owned()));
        match client.list_tags().resource_id_list(arn).send().await {
            Ok(tags) => {
                let pairs = tags
                    .resource_tag_list()
                    .iter()
                    .flat_map(|r| r.tags_list())
                    .map(|t| (Some(t.key()), t.value()));
                parts.tags = key_value_tags(pairs).1;
            }
            Err(e) => ctx
                .out
                .failure(Some(name), port_error("cloudtrail:ListTags", &e)),
        }
        parts.configuration = configuration(trail);
        ctx.out.item(parts.build()).await;
    }
    Ok(())
}

/// The Config `configuration` of a trail.
pub(super) fn configuration(trail: &Trail) -> Value {
    json!({
        "name": string_or_null(trail.name()),
        "s3BucketName": string_or_null(trail.s3_bucket_name()),
        "s3KeyPrefix": string_or_null(trail.s3_key_prefix()),
        // `SnsTopicName` is deprecated in the CloudTrail API; Config still records the name,
        // which is the ARN's last segment.
        "snsTopicName": string_or_null(trail
            .sns_topic_arn()
            .and_then(Arn::parse)
            .map(|arn| arn.resource)),
        "snsTopicARN": string_or_null(trail.sns_topic_arn()),
        "includeGlobalServiceEvents": json_or_null(trail.include_global_service_events()),
        "isMultiRegionTrail": json_or_null(trail.is_multi_region_trail()),
        "homeRegion": string_or_null(trail.home_region()),
        "trailARN": string_or_null(trail.trail_arn()),
        "logFileValidationEnabled": json_or_null(trail.log_file_validation_enabled()),
        "cloudWatchLogsLogGroupArn": string_or_null(trail.cloud_watch_logs_log_group_arn()),
        "cloudWatchLogsRoleArn": string_or_null(trail.cloud_watch_logs_role_arn()),
        "kmsKeyId": string_or_null(trail.kms_key_id()),
        "hasCustomEventSelectors": json_or_null(trail.has_custom_event_selectors()),
        "hasInsightSelectors": json_or_null(trail.has_insight_selectors()),
        "isOrganizationTrail": json_or_null(trail.is_organization_trail()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trail_fields_follow_config() {
        let trail = Trail::builder()
            .name("audit")
            .log_file_validation_enabled(false)
            .is_multi_region_trail(true)
            .build();
        let c = configuration(&trail);
        assert_eq!(c["name"], "audit");
        assert_eq!(c["logFileValidationEnabled"], false);
        assert!(c["kmsKeyId"].is_null());
        assert!(c["cloudWatchLogsLogGroupArn"].is_null());
    }
}
