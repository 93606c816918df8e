//! SDK values as the text and JSON sidewatch stores: timestamps as RFC 3339, optional strings,
//! numbers and booleans as JSON (`null` when absent).
//!
//! Shared by evidence collection ([`crate::collect`]) and the inventory ([`crate::inventory`]), so
//! neither imports the other and both write a time the same way.

use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use serde_json::Value;

/// An SDK timestamp as RFC 3339, as AWS writes it.
pub(crate) fn rfc3339(time: &DateTime) -> Option<String> {
    time.fmt(Format::DateTime).ok()
}

/// Now, as RFC 3339 (the moment evidence was read; ages are computed against it).
pub(crate) fn now_rfc3339() -> Option<String> {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .ok()
}

/// An optional string as JSON (`null` when absent).
pub(crate) fn string_or_null(value: Option<&str>) -> Value {
    value.map_or(Value::Null, |v| Value::String(v.to_owned()))
}

/// An optional SDK timestamp as RFC 3339 JSON (`null` when absent).
pub(crate) fn rfc3339_or_null(value: Option<&DateTime>) -> Value {
    value.and_then(rfc3339).map_or(Value::Null, Value::String)
}

/// An optional number or boolean as JSON (`null` when absent).
pub(crate) fn json_or_null<T: Into<Value>>(value: Option<T>) -> Value {
    value.map_or(Value::Null, Into::into)
}

/// One JSON object from several `json!` literals: a configuration item as long as Config's (an
/// RDS cluster, an ECS container) is written in parts, each within serde_json's macro depth.
pub(crate) fn joined<const N: usize>(parts: [Value; N]) -> Value {
    let mut object = serde_json::Map::new();
    for part in parts {
        if let Value::Object(fields) = part {
            object.extend(fields);
        }
    }
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn absent_values_are_null() {
        assert_eq!(string_or_null(None), Value::Null);
        assert_eq!(rfc3339_or_null(None), Value::Null);
        assert_eq!(json_or_null::<bool>(None), Value::Null);
    }

    #[test]
    fn present_values_keep_their_json_type() {
        assert_eq!(string_or_null(Some("vpc-1")), json!("vpc-1"));
        assert_eq!(json_or_null(Some(true)), json!(true));
        assert_eq!(json_or_null(Some(8_i32)), json!(8));
        let time = DateTime::from_secs(1_767_323_045);
        assert_eq!(rfc3339(&time).as_deref(), Some("2026-01-02T03:04:05Z"));
        assert_eq!(rfc3339_or_null(Some(&time)), json!("2026-01-02T03:04:05Z"));
    }
}
