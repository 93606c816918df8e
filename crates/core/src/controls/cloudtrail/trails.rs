//! What a CloudTrail trail logs, read from the CloudTrailTrails evidence, shared by the
//! account-level trail controls (CloudTrail.1, CloudTrail.3, S3.22, S3.23).
//!
//! A trail selects events either with basic event selectors (`ReadWriteType`,
//! `IncludeManagementEvents`, `ExcludeManagementEventSources`, `DataResources`) or with advanced
//! event selectors (field selectors on `eventCategory`, `resources.type`, `readOnly`, …). Both are
//! reduced here to a [`Coverage`]: whether read events and write events of a kind are logged.
//! Coverage adds up over a trail's selectors (a ReadOnly selector and a WriteOnly selector log
//! everything). An advanced selector counts only when its field selectors are the ones that
//! select the whole kind; any other field (`eventSource`, `eventName`, `resources.ARN`, …) narrows
//! it to part of the events, so it counts for nothing — never a pass for a partial trail.

use crate::control::{Context, Remediation};
use crate::controls::account;
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::{AdvancedEventSelector, CloudTrailTrails, FieldSelector, Trail};
use crate::verdict::Verdict;
use std::ops::BitOrAssign;

/// The remediation of the controls that want a trail (CloudTrail.1, CloudTrail.3).
pub(crate) const NEEDS_A_TRAIL: Remediation = Remediation::NotifyOnly {
    why: "a trail needs a chosen S3 bucket, KMS key and budget; create it deliberately",
};

/// The remediation of the S3 data event controls (S3.22, S3.23).
pub(crate) const DATA_EVENTS_COST: Remediation = Remediation::NotifyOnly {
    why: "S3 data events cost money per request; a person chooses the trail and buckets",
};

/// Which events of one kind a trail logs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Coverage {
    pub(crate) read: bool,
    pub(crate) write: bool,
}

impl Coverage {
    const NONE: Coverage = Coverage {
        read: false,
        write: false,
    };
    const ALL: Coverage = Coverage {
        read: true,
        write: true,
    };

    /// Whether the events `wanted` asks for are all logged.
    pub(crate) fn includes(self, wanted: Coverage) -> bool {
        (self.read || !wanted.read) && (self.write || !wanted.write)
    }

    /// The events it stands for: `read and write`, `read`, `write` or `no`.
    fn describe(self) -> &'static str {
        match (self.read, self.write) {
            (true, true) => "read and write",
            (true, false) => "read",
            (false, true) => "write",
            (false, false) => "no",
        }
    }

    /// What a trail that logs `self` misses of `wanted`, e.g. "logs only read management events".
    fn shortfall(self, events: &str, problems: &[String]) -> String {
        let mut why = if self == Coverage::NONE {
            format!("does not log all {events}")
        } else {
            format!("logs only {} {events}", self.describe())
        };
        if !problems.is_empty() {
            why.push_str(&format!(" ({})", problems.join("; ")));
        }
        why
    }
}

impl BitOrAssign for Coverage {
    fn bitor_assign(&mut self, other: Coverage) {
        self.read |= other.read;
        self.write |= other.write;
    }
}

/// Read events only.
pub(crate) const READ: Coverage = Coverage {
    read: true,
    write: false,
};
/// Write events only.
pub(crate) const WRITE: Coverage = Coverage {
    read: false,
    write: true,
};
/// Read and write events.
pub(crate) const ALL: Coverage = Coverage::ALL;

/// A basic selector's `ReadWriteType`. Absent means `All`, CloudTrail's documented default; a
/// value CloudTrail does not define logs nothing here.
fn read_write_type(value: Option<&str>) -> Coverage {
    match value.map(str::trim) {
        None => Coverage::ALL,
        Some(t) if t.eq_ignore_ascii_case("All") => Coverage::ALL,
        Some(t) if t.eq_ignore_ascii_case("ReadOnly") => READ,
        Some(t) if t.eq_ignore_ascii_case("WriteOnly") => WRITE,
        Some(_) => Coverage::NONE,
    }
}

/// A field selector that only lists exact values (no `NotEquals`, `StartsWith`…).
fn equals_only(field: &FieldSelector) -> bool {
    field.not_equals.is_empty()
        && field.starts_with.is_empty()
        && field.not_starts_with.is_empty()
        && field.ends_with.is_empty()
        && field.not_ends_with.is_empty()
}

/// What an advanced selector logs of `category` events (for data events, of `resource_type`).
enum Selects {
    /// It selects other events.
    Other,
    /// It selects only part of them, filtering on this field.
    Narrowed(String),
    /// It selects every event of the kind that this coverage allows.
    Covers(Coverage),
}

fn advanced(
    selector: &AdvancedEventSelector,
    category: &str,
    resource_type: Option<&str>,
) -> Selects {
    let mut in_category = false;
    let mut of_type = resource_type.is_none();
    let mut coverage = Coverage::ALL;
    let mut narrowing = None;
    for field in &selector.field_selectors {
        match (field.field.as_str(), resource_type) {
            ("eventCategory", _) => {
                if !(equals_only(field) && field.equals.iter().any(|v| v == category)) {
                    return Selects::Other;
                }
                in_category = true;
            }
            ("resources.type", Some(wanted)) => {
                if !(equals_only(field) && field.equals.iter().any(|v| v == wanted)) {
                    return Selects::Other;
                }
                of_type = true;
            }
            ("readOnly", _) if equals_only(field) && field.equals.len() == 1 => {
                coverage = match field.equals.first().map(String::as_str) {
                    Some("true") => READ,
                    Some("false") => WRITE,
                    _ => Coverage::NONE,
                };
            }
            (other, _) => narrowing = Some(other.to_owned()),
        }
    }
    match (in_category && of_type, narrowing) {
        (false, _) => Selects::Other,
        (true, Some(field)) => Selects::Narrowed(field),
        (true, None) => Selects::Covers(coverage),
    }
}

/// The name an advanced selector goes by in reasons.
fn selector_name(selector: &AdvancedEventSelector) -> String {
    selector
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map_or_else(
            || "an advanced event selector".to_owned(),
            |n| format!("advanced event selector '{n}'"),
        )
}

/// Whether the trail logs `wanted` management events from every event source: `Ok` with what it
/// logs, `Err` with what it misses.
pub(crate) fn management_events(trail: &Trail, wanted: Coverage) -> Result<String, String> {
    let mut coverage = Coverage::NONE;
    let mut problems = Vec::new();
    for selector in &trail.event_selectors {
        if !selector.include_management_events.unwrap_or(true) {
            continue;
        }
        if selector.exclude_management_event_sources.is_empty() {
            coverage |= read_write_type(selector.read_write_type.as_deref());
        } else {
            problems.push(format!(
                "excludes management events from {}",
                selector.exclude_management_event_sources.join(", ")
            ));
        }
    }
    for selector in &trail.advanced_event_selectors {
        match advanced(selector, "Management", None) {
            Selects::Other => {}
            Selects::Covers(c) => coverage |= c,
            Selects::Narrowed(field) => problems.push(format!(
                "{} filters management events on {field}",
                selector_name(selector)
            )),
        }
    }
    if coverage.includes(wanted) {
        Ok(format!("logs {} management events", wanted.describe()))
    } else {
        Err(coverage.shortfall("management events", &problems))
    }
}

/// `arn:<partition>:s3` or `arn:<partition>:s3:::`, the data-resource values meaning every
/// current and future bucket.
fn all_buckets(value: &str) -> bool {
    crate::arn::service_wide(value.trim(), "s3").is_some_and(|p| p.starts_with("aws"))
}

/// Whether the trail logs `wanted` S3 object-level data events for all buckets: `Ok` with what
/// it logs, `Err` with what it misses.
pub(crate) fn s3_object_events(trail: &Trail, wanted: Coverage) -> Result<String, String> {
    let mut coverage = Coverage::NONE;
    let mut problems = Vec::new();
    for selector in &trail.event_selectors {
        for resource in &selector.data_resources {
            if resource.resource_type != "AWS::S3::Object" {
                continue;
            }
            if resource.values.iter().any(|v| all_buckets(v)) {
                coverage |= read_write_type(selector.read_write_type.as_deref());
            } else {
                problems.push("logs S3 data events for selected buckets only".to_owned());
            }
        }
    }
    for selector in &trail.advanced_event_selectors {
        match advanced(selector, "Data", Some("AWS::S3::Object")) {
            Selects::Other => {}
            Selects::Covers(c) => coverage |= c,
            Selects::Narrowed(field) => problems.push(format!(
                "{} filters S3 data events on {field}",
                selector_name(selector)
            )),
        }
    }
    if coverage.includes(wanted) {
        Ok(format!(
            "logs S3 object-level {} events for all buckets",
            wanted.describe()
        ))
    } else {
        problems.dedup();
        Err(coverage.shortfall("S3 object-level events for all buckets", &problems))
    }
}

/// `Ok` for a multi-Region trail, `Err` saying it is not one.
pub(crate) fn multi_region(trail: &Trail) -> Result<(), String> {
    if trail.is_multi_region_trail {
        Ok(())
    } else {
        Err("is not a multi-Region trail".to_owned())
    }
}

/// The trail's name for reasons.
pub(crate) fn name(trail: &Trail) -> &str {
    [trail.name.as_str(), trail.trail_arn.as_str()]
        .into_iter()
        .map(str::trim)
        .find(|n| !n.is_empty())
        .unwrap_or("(unnamed)")
}

/// Passes when some trail both satisfies `check` and is logging; fails naming why each trail
/// falls short. A trail that would qualify but whose logging status could not be read makes the
/// verdict INSUFFICIENT_DATA rather than a failure (or a pass).
///
/// `wanted` completes "no trail is …" in the failure reason.
pub(crate) fn decide(
    trails: &[Trail],
    wanted: &str,
    check: impl Fn(&Trail) -> Result<String, String>,
) -> Verdict {
    if trails.is_empty() {
        return Verdict::fail(format!(
            "the account has no CloudTrail trail; none is {wanted}"
        ));
    }
    let mut problems = Vec::new();
    let mut status_unknown = Vec::new();
    for trail in trails {
        let name = name(trail);
        match (check(trail), trail.is_logging) {
            (Err(why), _) => problems.push(format!("trail {name} {why}")),
            (Ok(what), Some(true)) => {
                return Verdict::pass(format!("trail {name} is logging, {what}"));
            }
            (Ok(_), Some(false)) => problems.push(format!("trail {name} is not logging")),
            (Ok(_), None) => status_unknown.push(name),
        }
    }
    if !status_unknown.is_empty() {
        return Verdict::insufficient(format!(
            "the logging status of trail {} (cloudtrail:GetTrailStatus) was not collected, and \
             no other trail is {wanted}",
            status_unknown.join(", ")
        ));
    }
    Verdict::fail(format!(
        "no trail is {wanted}: {}",
        account::join_limited(&problems, 3)
    ))
}

/// The trails in the CloudTrailTrails evidence, or the verdict that says why they are missing.
pub(crate) fn evidence(ctx: &Context<'_>) -> Result<Vec<Trail>, Verdict> {
    account::evidence::<CloudTrailTrails>(ctx, EvidenceKind::CloudTrailTrails, &["trails"])
        .map(|found| found.trails)
}

/// The trails, for a control decided once per account (NOT_APPLICABLE in the other Regions).
pub(crate) fn account_wide(ctx: &Context<'_>) -> Result<Vec<Trail>, Verdict> {
    match account::once_per_account(ctx.item) {
        Some(verdict) => Err(verdict),
        None => evidence(ctx),
    }
}

/// Decides S3.22 / S3.23: once per account, passes when a logging multi-Region trail logs the
/// `wanted` S3 object-level data events for all buckets.
pub(crate) fn decide_s3_object_logging(ctx: &Context<'_>, wanted: Coverage) -> Verdict {
    let found = match account_wide(ctx) {
        Ok(found) => found,
        Err(verdict) => return verdict,
    };
    let goal = format!(
        "a logging multi-Region trail with S3 object-level {} events for all buckets",
        wanted.describe()
    );
    decide(&found, &goal, |trail| {
        multi_region(trail)?;
        s3_object_events(trail, wanted).map(|what| format!("is multi-Region and {what}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::shapes::CloudTrailTrails;
    use serde_json::{Value, json};

    pub(crate) fn trail(extra: Value) -> Trail {
        let mut base = json!({
            "name": "main", "trailArn": "arn:aws:cloudtrail:us-east-1:123456789012:trail/main",
            "homeRegion": "us-east-1", "isMultiRegionTrail": true, "isLogging": true
        });
        if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
            b.extend(e);
        }
        serde_json::from_value(base).unwrap()
    }

    fn basic(read_write: &str, include_management: bool, data: Value) -> Value {
        json!({"eventSelectors": [{
            "readWriteType": read_write, "includeManagementEvents": include_management,
            "excludeManagementEventSources": [], "dataResources": data
        }]})
    }

    #[test]
    fn basic_selectors_cover_by_read_write_type() {
        assert!(management_events(&trail(basic("All", true, json!([]))), ALL).is_ok());
        let t = trail(basic("WriteOnly", true, json!([])));
        assert_eq!(
            management_events(&t, ALL),
            Err("logs only write management events".to_owned())
        );
        let t = trail(basic("All", false, json!([])));
        assert!(management_events(&t, ALL).is_err());
        // Two selectors together cover read and write.
        let t = trail(json!({"eventSelectors": [
            {"readWriteType": "ReadOnly", "includeManagementEvents": true},
            {"readWriteType": "WriteOnly", "includeManagementEvents": true}
        ]}));
        assert!(management_events(&t, ALL).is_ok());
        // No selectors recorded: nothing is shown to be logged.
        assert!(management_events(&trail(json!({})), ALL).is_err());
    }

    #[test]
    fn excluded_management_sources_do_not_count() {
        let t = trail(json!({"eventSelectors": [{
            "readWriteType": "All", "includeManagementEvents": true,
            "excludeManagementEventSources": ["kms.amazonaws.com"]
        }]}));
        let err = management_events(&t, ALL).unwrap_err();
        assert!(
            err.contains("excludes management events from kms.amazonaws.com"),
            "{err}"
        );
    }

    #[test]
    fn advanced_management_selectors() {
        let all = trail(
            json!({"advancedEventSelectors": [{"name": "Management events",
            "fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]}]}]}),
        );
        assert!(management_events(&all, ALL).is_ok());
        let read = trail(json!({"advancedEventSelectors": [{"fieldSelectors": [
            {"field": "eventCategory", "equals": ["Management"]},
            {"field": "readOnly", "equals": ["true"]}]}]}));
        assert_eq!(
            management_events(&read, ALL),
            Err("logs only read management events".to_owned())
        );
        assert!(management_events(&read, READ).is_ok());
        let no_kms = trail(
            json!({"advancedEventSelectors": [{"name": "no kms", "fieldSelectors": [
            {"field": "eventCategory", "equals": ["Management"]},
            {"field": "eventSource", "notEquals": ["kms.amazonaws.com"]}]}]}),
        );
        let err = management_events(&no_kms, ALL).unwrap_err();
        assert!(
            err.contains("'no kms' filters management events on eventSource"),
            "{err}"
        );
        let odd_read_only = trail(json!({"advancedEventSelectors": [{"fieldSelectors": [
            {"field": "eventCategory", "equals": ["Management"]},
            {"field": "readOnly", "notEquals": ["true"]}]}]}));
        assert!(management_events(&odd_read_only, ALL).is_err());
    }

    #[test]
    fn s3_data_events_for_all_buckets_only() {
        let all = json!([{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]);
        assert!(s3_object_events(&trail(basic("WriteOnly", true, all.clone())), WRITE).is_ok());
        assert!(s3_object_events(&trail(basic("WriteOnly", true, all.clone())), READ).is_err());
        assert!(s3_object_events(&trail(basic("All", false, all)), READ).is_ok());
        let gov = json!([{"type": "AWS::S3::Object", "values": ["arn:aws-us-gov:s3:::"]}]);
        assert!(s3_object_events(&trail(basic("ReadOnly", true, gov)), READ).is_ok());
        let one = json!([{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::reports/"]}]);
        let err = s3_object_events(&trail(basic("All", true, one)), WRITE).unwrap_err();
        assert!(err.contains("selected buckets only"), "{err}");
        let lambda = json!([{"type": "AWS::Lambda::Function", "values": ["arn:aws:lambda"]}]);
        assert!(s3_object_events(&trail(basic("All", true, lambda)), WRITE).is_err());
        for odd in [
            "arn:aws:s3:::a",
            "arn:aws:s3x",
            "s3",
            "arn:",
            "arn:aws",
            "arn:x:s3",
        ] {
            assert!(!all_buckets(odd), "{odd}");
        }
    }

    #[test]
    fn advanced_s3_selectors() {
        let selector = |extra: Value| {
            let mut fields = vec![
                json!({"field": "eventCategory", "equals": ["Data"]}),
                json!({"field": "resources.type", "equals": ["AWS::S3::Object"]}),
            ];
            if !extra.is_null() {
                fields.push(extra);
            }
            trail(json!({"advancedEventSelectors": [{"name": "s3", "fieldSelectors": fields}]}))
        };
        assert!(s3_object_events(&selector(Value::Null), ALL).is_ok());
        let write = selector(json!({"field": "readOnly", "equals": ["false"]}));
        assert!(s3_object_events(&write, WRITE).is_ok());
        assert!(s3_object_events(&write, READ).is_err());
        let one_bucket =
            selector(json!({"field": "resources.ARN", "startsWith": ["arn:aws:s3:::logs/"]}));
        let err = s3_object_events(&one_bucket, WRITE).unwrap_err();
        assert!(
            err.contains("filters S3 data events on resources.ARN"),
            "{err}"
        );
        let lambda = trail(json!({"advancedEventSelectors": [{"fieldSelectors": [
            {"field": "eventCategory", "equals": ["Data"]},
            {"field": "resources.type", "equals": ["AWS::Lambda::Function"]}]}]}));
        assert!(s3_object_events(&lambda, WRITE).is_err());
    }

    #[test]
    fn decide_needs_a_logging_trail_and_never_guesses_its_status() {
        let check = |t: &Trail| multi_region(t).map(|()| "is multi-Region".to_owned());
        let trails: CloudTrailTrails = serde_json::from_value(json!({"trails": []})).unwrap();
        assert!(decide(&trails.trails, "multi-Region", check).is_non_compliant());
        let stopped = trail(json!({"isLogging": false}));
        let single = trail(json!({"name": "local", "isMultiRegionTrail": false}));
        let v = decide(&[stopped.clone(), single.clone()], "multi-Region", check);
        assert_eq!(
            v,
            Verdict::fail(
                "no trail is multi-Region: trail main is not logging; trail local is not a \
                 multi-Region trail"
            )
        );
        let unknown = trail(json!({"name": "org", "isLogging": null}));
        let v = decide(&[single.clone(), unknown], "multi-Region", check);
        assert!(v.is_insufficient(), "{v}");
        let v = decide(&[single, stopped, trail(json!({}))], "multi-Region", check);
        assert_eq!(v, Verdict::pass("trail main is logging, is multi-Region"));
        let unnamed = trail(json!({"name": "", "trailArn": "", "isLogging": false}));
        assert!(
            decide(&[unnamed], "x", check)
                .reason()
                .contains("(unnamed)")
        );
    }
}
