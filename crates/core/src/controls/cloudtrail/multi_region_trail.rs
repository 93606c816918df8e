//! CloudTrail.1 — CloudTrail should be enabled and configured with at least one multi-Region
//! trail that includes read and write management events.

use crate::control::{Context, Control, Duty, Mappings, Severity};
use crate::controls::account;
use crate::controls::cloudtrail::trails;
use crate::evidence::EvidenceKind;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "CloudTrail.1",
    title: "CloudTrail should be enabled and configured with at least one multi-Region trail \
            that includes read and write management events",
    severity: Severity::High,
    resource_types: account::RESOURCE_TYPES,
    rationale: "Passes when some trail (cloudtrail:DescribeTrails, GetTrailStatus, \
                GetEventSelectors) is multi-Region, is logging, and logs read and write \
                management events from every source: basic selectors with ReadWriteType All and \
                IncludeManagementEvents and no ExcludeManagementEventSources, or advanced \
                selectors on eventCategory Management without other filters (readOnly may split \
                read and write across selectors). Fails otherwise, naming why each trail falls \
                short. Stricter than AWS's rule: the trail must be logging. Account-wide: a \
                multi-Region trail is seen from every Region, so it is evaluated once, in the \
                Region that evaluates global resources.",
    remediation: "Create a multi-Region trail (the console's default) that logs read and write \
                  management events without excluded event sources, or fix an existing one with \
                  `aws cloudtrail update-trail --is-multi-region-trail`, `put-event-selectors` \
                  and `start-logging`.",
    remediation_url: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-a-trail-using-the-console-first-time.html",
    remediation_hook: trails::NEEDS_A_TRAIL,
    duty: Duty::LoggingAndMonitoring,
    mappings: Mappings {
        fsbp: Some("CloudTrail.1"),
        cis_v3: Some("3.1"),
        nist_800_53_r5: &[
            "AC-2(4)", "AC-4(26)", "AC-6(9)", "AU-10", "AU-12", "AU-2", "AU-3", "AU-6(3)",
            "AU-6(4)", "AU-14(1)", "CA-7", "SC-7(9)", "SI-3(8)", "SI-4(20)", "SI-7(8)", "SA-8(22)",
        ],
    },
    parameters: &[],
    evidence: &[EvidenceKind::CloudTrailTrails],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let found = match trails::account_wide(ctx) {
        Ok(found) => found,
        Err(verdict) => return verdict,
    };
    trails::decide(
        &found,
        "a logging multi-Region trail with all read and write management events",
        |trail| {
            trails::multi_region(trail)?;
            trails::management_events(trail, trails::ALL)
                .map(|what| format!("is multi-Region and {what}"))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account::testing;
    use crate::controls::checks::testing::evaluate;
    use serde_json::{Value, json};

    fn evidence(trail: Value) -> Value {
        json!({"trails": [trail]})
    }

    fn good() -> Value {
        json!({
            "name": "org-trail", "trailArn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail",
            "homeRegion": "us-east-1", "isMultiRegionTrail": true, "isOrganizationTrail": true,
            "isLogging": true,
            "eventSelectors": [{"readWriteType": "All", "includeManagementEvents": true,
                                "excludeManagementEventSources": [], "dataResources": []}]
        })
    }

    #[test]
    fn a_logging_multi_region_trail_with_all_management_events_passes() {
        let v = testing::run(&CONTROL, EvidenceKind::CloudTrailTrails, evidence(good()));
        assert!(v.is_compliant(), "{v}");
        let mut single = good();
        single["isMultiRegionTrail"] = json!(false);
        let v = testing::run(&CONTROL, EvidenceKind::CloudTrailTrails, evidence(single));
        assert!(
            v.reason()
                .contains("trail org-trail is not a multi-Region trail"),
            "{v}"
        );
    }

    #[test]
    fn it_is_decided_once_per_account() {
        let item = testing::item_in(
            "eu-central-1",
            false,
            &[(EvidenceKind::CloudTrailTrails, evidence(good()))],
        );
        assert!(evaluate(&CONTROL, item, &[]).is_not_applicable());
    }
}
