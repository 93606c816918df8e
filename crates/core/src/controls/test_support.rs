//! Helpers for the controls' unit tests: build an item from compact JSON and run one control on
//! it with parameter overrides.

use serde_json::{Value, json};

/// A minimal configuration item of `resource_type` around `configuration`.
pub(crate) fn item(resource_type: &str, configuration: Value) -> Value {
    json!({
        "resourceType": resource_type,
        "resourceId": "test-resource",
        "configuration": configuration
    })
}

/// Runs `control` on the item `raw` with `overrides` (`(parameter, value)`) applied.
pub(crate) use super::checks::testing::evaluate as run;
