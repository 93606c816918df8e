//! CloudTrail.3 — At least one CloudTrail trail should be enabled.

use crate::control::{Context, Control, Duty, Mappings, Severity};
use crate::controls::account;
use crate::controls::cloudtrail::trails;
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::Trail;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "CloudTrail.3",
    title: "At least one CloudTrail trail should be enabled",
    severity: Severity::High,
    resource_types: account::RESOURCE_TYPES,
    rationale: "Passes when a trail that logs events of this Region is logging \
                (cloudtrail:DescribeTrails, GetTrailStatus): a multi-Region trail, or a \
                single-Region trail homed in this Region. Fails when there is none, or none is \
                logging. Evaluated in every Region, because a single-Region trail leaves the \
                other Regions unlogged.",
    remediation: "Create a trail in CloudTrail, preferably a multi-Region trail that logs read \
                  and write management events (see CloudTrail.1), and make sure it is logging \
                  (`aws cloudtrail start-logging`).",
    remediation_url: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-a-trail-using-the-console-first-time.html",
    remediation_hook: trails::NEEDS_A_TRAIL,
    duty: Duty::LoggingAndMonitoring,
    mappings: Mappings {
        fsbp: None,
        cis_v3: None,
        nist_800_53_r5: &[],
    },
    parameters: &[],
    evidence: &[EvidenceKind::CloudTrailTrails],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let found = match trails::evidence(ctx) {
        Ok(found) => found,
        Err(verdict) => return verdict,
    };
    let region = account::region(ctx.item);
    let wanted = format!("logging events of {}", account::region_name(ctx.item));
    trails::decide(&found, &wanted, |trail| logs_region(trail, region))
}

/// Whether the trail logs events of `region`: multi-Region trails log every Region, a
/// single-Region trail only its home Region (DescribeTrails shows it only there, so a trail
/// without a home Region counts as local).
fn logs_region(trail: &Trail, region: Option<&str>) -> Result<String, String> {
    if trail.is_multi_region_trail {
        return Ok("is multi-Region".to_owned());
    }
    match (trail.home_region.as_deref().map(str::trim), region) {
        (None | Some(""), _) => Ok("is a trail of this Region".to_owned()),
        (Some(home), Some(here)) if home == here => Ok(format!("is a trail of {here}")),
        (Some(home), _) => Err(format!(
            "is a single-Region trail of {home}, so it does not log this Region"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account::testing;
    use serde_json::{Value, json};

    fn run(trails: Value) -> Verdict {
        testing::run(
            &CONTROL,
            EvidenceKind::CloudTrailTrails,
            json!({ "trails": trails }),
        )
    }

    fn trail(home: &str, multi: bool, logging: bool) -> Value {
        json!({"name": format!("t-{home}"), "homeRegion": home,
               "isMultiRegionTrail": multi, "isLogging": logging})
    }

    #[test]
    fn a_logging_trail_of_this_region_passes() {
        assert!(run(json!([trail("eu-west-1", false, true)])).is_compliant());
        assert!(run(json!([trail("us-east-1", true, true)])).is_compliant());
        let v = run(json!([
            trail("us-east-1", false, true),
            trail("eu-west-1", false, false)
        ]));
        assert_eq!(
            v,
            Verdict::fail(
                "no trail is logging events of eu-west-1: trail t-us-east-1 is a single-Region \
                 trail of us-east-1, so it does not log this Region; trail t-eu-west-1 is not \
                 logging"
            )
        );
        assert!(run(json!([])).reason().contains("has no CloudTrail trail"));
    }

    #[test]
    fn missing_home_region_or_item_region_is_handled() {
        let local = json!({"name": "x", "isLogging": true});
        assert!(run(json!([local])).is_compliant());
        let t: Trail = serde_json::from_value(trail("us-east-1", false, true)).unwrap();
        assert!(logs_region(&t, None).is_err());
    }
}
