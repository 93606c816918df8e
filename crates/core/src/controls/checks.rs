//! Shared building blocks for controls decided by a single setting.
//!
//! Many controls read one field and compare it with the safe value: a flag that must be `true`
//! (`storageEncrypted`), a flag that must be `false` (`publiclyAccessible`), a name that must be
//! set (`kmsKeyId`). These helpers read such a field without ever panicking, tell "absent" from
//! "present but of the wrong type", and phrase the reason with the field's full name
//! (`configuration.storageEncrypted is false`) so the Config annotation points at the setting.

use crate::item::{ConfigurationItem, json_type, value_as_bool, value_as_i64};
use crate::verdict::Verdict;
use serde_json::{Map, Value};

/// The full name of a field inside `configuration`, from its JSON pointer:
/// `/metadataOptions/httpTokens` → `configuration.metadataOptions.httpTokens`.
pub(crate) fn config_name(pointer: &str) -> String {
    format!("configuration{}", pointer.replace('/', "."))
}

/// INSUFFICIENT_DATA for a field the item does not carry.
pub(crate) fn missing(name: &str) -> Verdict {
    Verdict::insufficient(format!(
        "{name} is missing from the configuration item, so the setting cannot be decided"
    ))
}

/// INSUFFICIENT_DATA for a field that holds something other than what AWS records there.
fn wrong_type(name: &str, expected: &str, found: &Value) -> Verdict {
    Verdict::insufficient(format!(
        "{name} is {}, expected {expected}; the setting cannot be decided",
        json_type(found)
    ))
}

/// A boolean setting: `Ok(None)` when absent or null, `Ok(Some(_))` for `true` / `false` (also
/// written as strings), and INSUFFICIENT_DATA naming the field when it holds anything else.
pub(crate) fn flag(value: Option<&Value>, name: &str) -> Result<Option<bool>, Verdict> {
    typed(value, name, "true or false", value_as_bool)
}

/// A whole-number setting (numbers written as strings count too): `Ok(None)` when absent or
/// null, INSUFFICIENT_DATA naming the field when it holds anything else.
pub(crate) fn integer(value: Option<&Value>, name: &str) -> Result<Option<i64>, Verdict> {
    typed(value, name, "a whole number", value_as_i64)
}

/// Reads a scalar with `read`: absent or null is `Ok(None)`, unreadable is INSUFFICIENT_DATA.
fn typed<T>(
    value: Option<&Value>,
    name: &str,
    expected: &str,
    read: fn(&Value) -> Option<T>,
) -> Result<Option<T>, Verdict> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(v) => read(v)
            .map(Some)
            .ok_or_else(|| wrong_type(name, expected, v)),
    }
}

/// A text setting such as a key ARN or a bucket name: `Ok(None)` when absent, null or blank,
/// `Ok(Some(text))` otherwise, and INSUFFICIENT_DATA naming the field when it is not a string.
pub(crate) fn text<'a>(value: Option<&'a Value>, name: &str) -> Result<Option<&'a str>, Verdict> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => {
            let s = s.trim();
            Ok((!s.is_empty()).then_some(s))
        }
        Some(v) => Err(wrong_type(name, "a string", v)),
    }
}

/// Decides a control on one boolean inside `configuration` that must equal `safe`.
///
/// `pass` and `fail` say in words what the value means ("storage is encrypted at rest"); the
/// reason adds the field and its value. An absent field is INSUFFICIENT_DATA: these flags are
/// always recorded by AWS Config, so their absence says the item is incomplete, not that the
/// setting is safe.
pub(crate) fn require_flag(
    item: &ConfigurationItem,
    pointer: &str,
    safe: bool,
    pass: &str,
    fail: &str,
) -> Verdict {
    let name = config_name(pointer);
    match flag(
        crate::item::json_pointer(&item.configuration, pointer),
        &name,
    ) {
        Err(verdict) => verdict,
        Ok(None) => missing(&name),
        Ok(Some(value)) if value == safe => Verdict::pass(format!("{pass} ({name} is {value})")),
        Ok(Some(value)) => Verdict::fail(format!("{fail} ({name} is {value})")),
    }
}

/// Decides a control on one text setting inside `configuration` that must be set (a key ARN, a
/// log group). Absent, null or blank fails: for these settings AWS omits the field when the
/// feature is off and documents the control as failing when it is empty.
///
/// The pass reason is `pass` followed by the value; the fail reason is `fail` with the field.
pub(crate) fn require_text(
    item: &ConfigurationItem,
    pointer: &str,
    pass: &str,
    fail: &str,
) -> Verdict {
    let name = config_name(pointer);
    match text(
        crate::item::json_pointer(&item.configuration, pointer),
        &name,
    ) {
        Err(verdict) => verdict,
        Ok(Some(value)) => Verdict::pass(format!("{pass} {value}")),
        Ok(None) => Verdict::fail(format!("{fail} ({name} is not set)")),
    }
}

/// INSUFFICIENT_DATA unless `configuration` records `pointer`, a field every complete item of
/// the type carries (a queue's `QueueArn`, a topic's `TopicArn`). For types where AWS omits a
/// setting while it is off, only an item that visibly holds the resource's attributes may fail
/// on the setting's absence; an empty or partial `configuration` says nothing.
pub(crate) fn require_recorded(item: &ConfigurationItem, pointer: &str) -> Result<(), Verdict> {
    let name = config_name(pointer);
    match text(
        crate::item::json_pointer(&item.configuration, pointer),
        &name,
    )? {
        Some(_) => Ok(()),
        None => Err(Verdict::insufficient(format!(
            "{name} is missing from the configuration item, so it does not show the resource's \
             settings and an absent setting cannot be read as off"
        ))),
    }
}

/// A resource's name for reasons: the text at `pointer` inside `configuration` when set
/// (`/RepositoryName`), else the item's resource name, else its resource id.
pub(crate) fn resource_name<'a>(item: &'a ConfigurationItem, pointer: &str) -> &'a str {
    item.config_str(pointer)
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .or(item.resource_name.as_deref())
        .unwrap_or(&item.resource_id)
}

/// A `supplementaryConfiguration` entry the control needs, as the object AWS Config records, or
/// INSUFFICIENT_DATA naming the entry when it is absent, null or not an object.
pub(crate) fn supplementary<'a>(
    item: &'a ConfigurationItem,
    key: &str,
) -> Result<&'a Map<String, Value>, Verdict> {
    let name = format!("supplementaryConfiguration.{key}");
    match item.supplementary(key) {
        None => Err(missing(&name)),
        Some(Value::Object(entry)) => Ok(entry),
        Some(other) => Err(wrong_type(&name, "an object", other)),
    }
}

/// Test support: runs one control on a compact JSON item with parameter overrides.
#[cfg(test)]
pub(crate) mod testing {
    use crate::ConfigurationItem;
    use crate::control::{Context, Control};
    use crate::params::ResolvedParams;
    use crate::verdict::Verdict;
    use serde_json::{Value, json};
    use std::collections::BTreeMap;

    /// The control's verdict on `item` (a configuration item in either shape).
    pub(crate) fn evaluate(control: &Control, item: Value, overrides: &[(&str, &str)]) -> Verdict {
        let item = ConfigurationItem::from_value(item).expect("test item parses");
        let overrides: BTreeMap<String, String> = overrides
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let params = ResolvedParams::resolve(control.id, control.parameters, &overrides)
            .expect("test parameters are valid");
        (control.evaluate)(&Context::new(&item, &params))
    }

    /// The control's verdict on an item of its first resource type with this `configuration`.
    pub(crate) fn with_configuration(control: &Control, configuration: Value) -> Verdict {
        with_parts(control, configuration, json!({}), &[])
    }

    /// The control's verdict on an item of its first resource type with a minimal configuration,
    /// these `supplementaryConfiguration` entries and parameter overrides.
    pub(crate) fn with_supplementary(
        control: &Control,
        supplementary: Value,
        overrides: &[(&str, &str)],
    ) -> Verdict {
        with_parts(
            control,
            json!({"name": "example"}),
            supplementary,
            overrides,
        )
    }

    /// The control's verdict on an item of its first resource type built from these parts.
    pub(crate) fn with_parts(
        control: &Control,
        configuration: Value,
        supplementary: Value,
        overrides: &[(&str, &str)],
    ) -> Verdict {
        let item = json!({
            "resourceType": control.resource_types.first().copied().unwrap_or_default(),
            "resourceId": "example",
            "configuration": configuration,
            "supplementaryConfiguration": supplementary
        });
        evaluate(control, item, overrides)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(configuration: Value) -> ConfigurationItem {
        let mut item = ConfigurationItem::new("AWS::RDS::DBInstance", "db-1");
        item.configuration = configuration;
        item
    }

    #[test]
    fn flags_pass_fail_and_name_the_field() {
        let on = item(json!({"storageEncrypted": true}));
        let off = item(json!({"storageEncrypted": "false"}));
        let v = require_flag(&on, "/storageEncrypted", true, "encrypted", "not encrypted");
        assert_eq!(
            v,
            Verdict::pass("encrypted (configuration.storageEncrypted is true)")
        );
        let v = require_flag(
            &off,
            "/storageEncrypted",
            true,
            "encrypted",
            "not encrypted",
        );
        assert_eq!(
            v,
            Verdict::fail("not encrypted (configuration.storageEncrypted is false)")
        );
        // The safe value can be false.
        let v = require_flag(&off, "/storageEncrypted", false, "ok", "bad");
        assert!(v.is_compliant(), "{v}");
    }

    #[test]
    fn absent_null_or_odd_flags_are_never_a_pass() {
        for configuration in [
            json!({}),
            json!({"storageEncrypted": null}),
            json!({"storageEncrypted": 1}),
            json!({"storageEncrypted": "yes"}),
            json!({"storageEncrypted": {"value": true}}),
        ] {
            let v = require_flag(&item(configuration), "/storageEncrypted", true, "p", "f");
            assert!(v.is_insufficient(), "{v}");
            assert!(v.reason().contains("configuration.storageEncrypted"), "{v}");
        }
    }

    #[test]
    fn text_settings_must_be_non_blank_strings() {
        let set = item(json!({"kmsKeyId": " arn:aws:kms:us-east-1:1:key/k "}));
        let v = require_text(&set, "/kmsKeyId", "key", "no key");
        assert_eq!(v, Verdict::pass("key arn:aws:kms:us-east-1:1:key/k"));
        for configuration in [
            json!({}),
            json!({"kmsKeyId": null}),
            json!({"kmsKeyId": "  "}),
        ] {
            let v = require_text(&item(configuration), "/kmsKeyId", "key", "no key");
            assert_eq!(
                v,
                Verdict::fail("no key (configuration.kmsKeyId is not set)")
            );
        }
        let v = require_text(&item(json!({"kmsKeyId": 7})), "/kmsKeyId", "key", "no key");
        assert!(v.is_insufficient(), "{v}");
    }

    #[test]
    fn missing_supplementary_entries_are_named() {
        let item = item(json!({}));
        let err = supplementary(&item, "BucketVersioningConfiguration").unwrap_err();
        assert!(err.is_insufficient());
        assert!(
            err.reason()
                .contains("supplementaryConfiguration.BucketVersioningConfiguration")
        );
        let mut odd = item;
        odd.supplementary
            .insert("BucketVersioningConfiguration".into(), json!("Enabled"));
        let err = supplementary(&odd, "BucketVersioningConfiguration").unwrap_err();
        assert!(
            err.reason().contains("is a string, expected an object"),
            "{err}"
        );
    }

    #[test]
    fn nested_pointers_get_dotted_names() {
        assert_eq!(
            config_name("/metadataOptions/httpTokens"),
            "configuration.metadataOptions.httpTokens"
        );
    }
}
