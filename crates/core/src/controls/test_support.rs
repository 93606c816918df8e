//! Helpers for the controls' unit tests: build an item from compact JSON and run one control on
//! it with parameter overrides.

use crate::control::{Context, Control};
use crate::item::ConfigurationItem;
use crate::params::ResolvedParams;
use crate::verdict::Verdict;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// A minimal configuration item of `resource_type` around `configuration`.
pub(crate) fn item(resource_type: &str, configuration: Value) -> Value {
    json!({
        "resourceType": resource_type,
        "resourceId": "test-resource",
        "configuration": configuration
    })
}

/// Runs `control` on the item `raw` with `overrides` (`(parameter, value)`) applied.
pub(crate) fn run(control: &Control, raw: Value, overrides: &[(&str, &str)]) -> Verdict {
    let item = ConfigurationItem::from_value(raw).expect("the test item parses");
    let overrides: BTreeMap<String, String> = overrides
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let params = ResolvedParams::resolve(control.id, control.parameters, &overrides)
        .expect("the test parameters resolve");
    (control.evaluate)(&Context::new(&item, &params))
}
