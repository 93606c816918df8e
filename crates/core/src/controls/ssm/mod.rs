//! AWS Systems Manager controls: instances managed by Systems Manager, their patch and association
//! compliance, and SSM documents not shared publicly.
//!
//! SSM.2 and SSM.3 read the compliance items AWS Config records for a managed instance
//! (`AWS::SSM::PatchCompliance`, `AWS::SSM::AssociationCompliance`) the same way, so they share
//! `compliance`.

use crate::control::Control;
use crate::item::{ConfigurationItem, Unreadable, found};
use crate::verdict::Verdict;
use serde_json::Value;

pub mod association_compliance;
pub mod document_public;
pub mod managed_instance;
pub mod patch_compliance;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[
    &managed_instance::CONTROL,
    &patch_compliance::CONTROL,
    &association_compliance::CONTROL,
    &document_public::CONTROL,
];

/// Decides a compliance item (`AWS::SSM::PatchCompliance`, `AWS::SSM::AssociationCompliance`) from
/// `configuration."AWS:ComplianceItem".Content.<kind>`: a map from each compliance item id (a
/// patch, an association) to an object with its `Status`.
///
/// The key path is inferred: the Config resource schema lists no configuration keys for these two
/// types, and AWS documents the content only as the Systems Manager compliance items (`Id`,
/// `Status` `COMPLIANT` / `NON_COMPLIANT`). Any `NON_COMPLIANT` entry fails; all `COMPLIANT`
/// passes; an absent, empty or unreadable map — or an entry with another status and no failure —
/// is INSUFFICIENT_DATA naming the path.
pub(crate) fn compliance(item: &ConfigurationItem, kind: &str, what: &str) -> Verdict {
    let pointer = format!("/AWS:ComplianceItem/Content/{kind}");
    let entries = match item.read(&pointer) {
        Err(unreadable) => return unreadable.into(),
        Ok(None) => {
            return Verdict::insufficient(format!(
                "the configuration item records no configuration.AWS:ComplianceItem.Content.{kind}, \
                 so the {what} compliance cannot be decided"
            ));
        }
        Ok(Some(Value::Object(entries))) => entries,
        Ok(Some(other)) => return Unreadable::config(&pointer, found(other, "an object")).into(),
    };
    if entries.is_empty() {
        return Verdict::insufficient(format!(
            "configuration.AWS:ComplianceItem.Content.{kind} lists no {what}, so there is no \
             compliance status to judge"
        ));
    }
    let mut failing = Vec::new();
    let mut unknown = Vec::new();
    for (id, entry) in entries {
        match entry.get("Status").and_then(Value::as_str).map(str::trim) {
            Some(s) if s.eq_ignore_ascii_case("COMPLIANT") => {}
            Some(s) if s.eq_ignore_ascii_case("NON_COMPLIANT") => failing.push(id.clone()),
            Some(s) => unknown.push(format!("{id} has Status {s:?}")),
            None => unknown.push(format!("{id} has no Status")),
        }
    }
    if !failing.is_empty() {
        return Verdict::fail(format!(
            "{} {what}(s) are NON_COMPLIANT: {}",
            failing.len(),
            crate::controls::account::join_limited(&failing, 5)
        ));
    }
    if !unknown.is_empty() {
        return Verdict::insufficient(format!(
            "the {what} compliance cannot be decided: {}",
            crate::controls::account::join_limited(&unknown, 3)
        ));
    }
    Verdict::pass(format!(
        "all {} {what}(s) recorded for the instance are COMPLIANT",
        entries.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(configuration: Value) -> ConfigurationItem {
        let mut item = ConfigurationItem::new("AWS::SSM::PatchCompliance", "i-1");
        item.configuration = configuration;
        item
    }

    fn content(entries: Value) -> ConfigurationItem {
        item(json!({"AWS:ComplianceItem": {"ComplianceType": "Patch",
                                           "Content": {"Patch": entries}}}))
    }

    #[test]
    fn statuses_decide() {
        let v = compliance(
            &content(json!({"KB1": {"Status": "COMPLIANT"}, "KB2": {"Status": "NON_COMPLIANT"}})),
            "Patch",
            "patch",
        );
        assert_eq!(v, Verdict::fail("1 patch(s) are NON_COMPLIANT: KB2"));
        let v = compliance(
            &content(json!({"KB1": {"Status": "COMPLIANT"}})),
            "Patch",
            "patch",
        );
        assert!(v.is_compliant(), "{v}");
    }

    #[test]
    fn unknown_shapes_are_never_a_pass() {
        for entries in [
            json!({}),
            json!([]),
            json!({"KB1": {"Status": "UNSPECIFIED_DATA"}}),
            json!({"KB1": {}}),
        ] {
            let v = compliance(&content(entries.clone()), "Patch", "patch");
            assert!(v.is_insufficient(), "{entries}: {v}");
        }
        let v = compliance(&item(json!({})), "Patch", "patch");
        assert!(
            v.reason().contains("AWS:ComplianceItem.Content.Patch"),
            "{v}"
        );
        assert!(compliance(&item(json!("x")), "Patch", "patch").is_insufficient());
    }
}
