//! The AWS Config configuration item: the engine's one input.
//!
//! AWS delivers an item in two shapes, and both parse to the same [`ConfigurationItem`]:
//!
//! * the **notification / snapshot shape** (Config rule events, S3 snapshot files, EventBridge):
//!   `ARN`, `awsAccountId`, `configurationItemVersion`, `configuration` as a JSON object;
//! * the **API shape** of `BatchGetResourceConfig` / `GetResourceConfigHistory`: `arn`,
//!   `accountId`, `version`, and `configuration` plus every `supplementaryConfiguration` value as
//!   JSON *strings*.
//!
//! Embedded JSON strings are decoded (repeatedly: S3's `AccessControlList` is serialized twice), so
//! a control reads the same tree whatever the shape. Unknown fields are ignored; absent and null
//! optional fields are accepted; only `resourceType` and `resourceId` are required.

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The resource type of account-level items (controls whose subject is the account, not one
/// resource: password policy, root MFA, CloudTrail, GuardDuty…). AWS Config records no such
/// item; sidewatch's collectors build one per account and Region with
/// [`ConfigurationItem::account`].
pub const ACCOUNT_RESOURCE_TYPE: &str = "AWS::::Account";

/// `configurationItemStatus`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ItemStatus {
    Ok,
    ResourceDiscovered,
    ResourceNotRecorded,
    ResourceDeleted,
    ResourceDeletedNotRecorded,
    /// A status this version does not know; treated like `OK`.
    Other(String),
}

impl ItemStatus {
    pub fn parse(text: &str) -> Self {
        match text {
            "OK" => ItemStatus::Ok,
            "ResourceDiscovered" => ItemStatus::ResourceDiscovered,
            "ResourceNotRecorded" => ItemStatus::ResourceNotRecorded,
            "ResourceDeleted" => ItemStatus::ResourceDeleted,
            "ResourceDeletedNotRecorded" => ItemStatus::ResourceDeletedNotRecorded,
            other => ItemStatus::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            ItemStatus::Ok => "OK",
            ItemStatus::ResourceDiscovered => "ResourceDiscovered",
            ItemStatus::ResourceNotRecorded => "ResourceNotRecorded",
            ItemStatus::ResourceDeleted => "ResourceDeleted",
            ItemStatus::ResourceDeletedNotRecorded => "ResourceDeletedNotRecorded",
            ItemStatus::Other(s) => s,
        }
    }

    /// True when the item no longer describes a live, recorded resource: every control is then
    /// NOT_APPLICABLE and the resource's findings are archived.
    pub fn is_gone(&self) -> bool {
        matches!(
            self,
            ItemStatus::ResourceDeleted
                | ItemStatus::ResourceDeletedNotRecorded
                | ItemStatus::ResourceNotRecorded
        )
    }
}

impl fmt::Display for ItemStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an item could not be read. The message says which field and what was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ItemError {
    #[error("a configuration item must be a JSON object, found {0}")]
    NotAnObject(&'static str),
    #[error("configuration item has no `{0}`; every item AWS Config delivers carries one")]
    MissingField(&'static str),
    #[error("configuration item field `{field}` must be {expected}, found {found}")]
    WrongType {
        field: &'static str,
        expected: &'static str,
        found: &'static str,
    },
    #[error("configuration item is not valid JSON: {0}")]
    Json(String),
    /// A value among several (JSON Lines) that is JSON but neither an item nor a file of them.
    #[error("neither a configuration item nor a file of them: {0}")]
    Unrecognised(String),
}

/// One AWS Config configuration item, normalised from either shape AWS delivers.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigurationItem {
    /// `resourceType`, e.g. `AWS::S3::Bucket`. Unknown types are kept: they simply match no control.
    pub resource_type: String,
    /// `resourceId`, e.g. `sg-0123…` or a bucket name.
    pub resource_id: String,
    /// `resourceName`.
    pub resource_name: Option<String>,
    /// `ARN` (notification shape) or `arn` (API shape).
    pub arn: Option<String>,
    /// `awsAccountId` (notification shape) or `accountId` (API shape).
    pub account_id: Option<String>,
    /// `awsRegion`.
    pub region: Option<String>,
    /// `availabilityZone`.
    pub availability_zone: Option<String>,
    /// `configurationItemStatus`; `OK` when absent.
    pub status: ItemStatus,
    /// `configurationItemCaptureTime` as RFC 3339 (the API shape's epoch seconds are converted).
    pub capture_time: Option<String>,
    /// `configurationItemVersion` or `version`.
    pub version: Option<String>,
    /// `tags`, as a map whatever shape they arrived in.
    pub tags: BTreeMap<String, String>,
    /// `configuration`, decoded to a JSON tree; `Null` when absent (oversized or deleted items).
    pub configuration: Value,
    /// `supplementaryConfiguration`, every value decoded to a JSON tree.
    pub supplementary: Map<String, Value>,
    /// `relatedEvents`: ids of the CloudTrail events Config tied to this item (what changed
    /// it). Only strings are kept: the ids are looked up, never evaluated.
    pub related_events: Vec<String>,
}

impl ConfigurationItem {
    /// A new item with only the required fields set; the rest are empty. Collectors and tests
    /// build on this.
    pub fn new(resource_type: impl Into<String>, resource_id: impl Into<String>) -> Self {
        ConfigurationItem {
            resource_type: resource_type.into(),
            resource_id: resource_id.into(),
            resource_name: None,
            arn: None,
            account_id: None,
            region: None,
            availability_zone: None,
            status: ItemStatus::Ok,
            capture_time: None,
            version: None,
            tags: BTreeMap::new(),
            configuration: Value::Null,
            supplementary: Map::new(),
            related_events: Vec::new(),
        }
    }

    /// The account-level item for `account_id` in `region`. Exactly one Region per account sets
    /// `evaluates_global_resources` (the home Region): global controls (IAM, account contact) are
    /// evaluated there and NOT_APPLICABLE elsewhere, so they give one finding, not one per Region.
    pub fn account(account_id: &str, region: &str, evaluates_global_resources: bool) -> Self {
        let mut item = ConfigurationItem::new(ACCOUNT_RESOURCE_TYPE, account_id);
        item.account_id = Some(account_id.to_owned());
        item.region = Some(region.to_owned());
        item.configuration = serde_json::json!({
            "accountId": account_id,
            "awsRegion": region,
            "evaluatesGlobalResources": evaluates_global_resources,
        });
        item
    }

    /// Stores evidence (or a failed read, see [`crate::EvidenceError::to_value`]) in the item.
    pub fn insert_evidence(&mut self, kind: crate::EvidenceKind, value: Value) {
        self.supplementary.insert(kind.key(), value);
    }

    /// The item in the notification shape AWS Config delivers (and hands a custom policy rule),
    /// which [`ConfigurationItem::from_value`] reads back to the same item.
    pub fn to_notification_json(&self) -> Value {
        serde_json::json!({
            "configurationItemVersion": self.version.as_deref().unwrap_or("1.3"),
            "configurationItemCaptureTime": self.capture_time,
            "configurationItemStatus": self.status.as_str(),
            "awsAccountId": self.account_id,
            "resourceType": self.resource_type,
            "resourceId": self.resource_id,
            "resourceName": self.resource_name,
            "ARN": self.arn,
            "awsRegion": self.region,
            "availabilityZone": self.availability_zone,
            "tags": self.tags,
            "relationships": [],
            "relatedEvents": [],
            "configuration": self.configuration,
            "supplementaryConfiguration": self.supplementary,
        })
    }

    /// Parses one item from JSON text.
    pub fn from_json_str(text: &str) -> Result<Self, ItemError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| ItemError::Json(e.to_string()))?;
        Self::from_value(value)
    }

    /// Builds an item from an already parsed JSON value, taking its parts without copying.
    pub fn from_value(value: Value) -> Result<Self, ItemError> {
        let Value::Object(map) = value else {
            return Err(ItemError::NotAnObject(json_type(&value)));
        };
        Self::from_fields(&mut ItemFields::from_map(map))
    }

    /// [`ConfigurationItem::from_value`] of an object of which only the fields an item is built
    /// from were kept. Takes the fields it uses; when it fails, `resourceType` and `resourceId`
    /// are still there to name the element (they are checked first and taken last).
    pub(crate) fn from_fields(map: &mut ItemFields) -> Result<Self, ItemError> {
        if !has_string(map, "resourceType")? {
            return Err(ItemError::MissingField("resourceType"));
        }
        if !has_string(map, "resourceId")? {
            return Err(ItemError::MissingField("resourceId"));
        }
        let resource_name = take_string(map, &["resourceName"], "resourceName")?;
        let arn = take_string(map, &["ARN", "arn"], "ARN")?;
        let account_id = take_string(map, &["awsAccountId", "accountId"], "awsAccountId")?;
        let region = take_string(map, &["awsRegion"], "awsRegion")?;
        let availability_zone = take_string(map, &["availabilityZone"], "availabilityZone")?;
        let status = take_string(map, &["configurationItemStatus"], "configurationItemStatus")?
            .map_or(ItemStatus::Ok, |s| ItemStatus::parse(&s));
        let capture_time = take_time(map, "configurationItemCaptureTime")?;
        let version = take_string(
            map,
            &["configurationItemVersion", "version"],
            "configurationItemVersion",
        )?;
        let tags = take_tags(map)?;
        let related_events = match map.remove("relatedEvents") {
            Some(Value::Array(ids)) => ids
                .into_iter()
                .filter_map(|id| match id {
                    Value::String(id) if !id.trim().is_empty() => Some(id),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let configuration = map
            .remove("configuration")
            .map_or(Value::Null, decode_embedded_json);
        let supplementary = match map.remove("supplementaryConfiguration") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(entries)) => decode_supplementary_entries(entries),
            Some(Value::String(text)) => match decode_embedded_json(Value::String(text)) {
                Value::Object(entries) => decode_supplementary_entries(entries),
                other => {
                    return Err(ItemError::WrongType {
                        field: "supplementaryConfiguration",
                        expected: "an object",
                        found: json_type(&other),
                    });
                }
            },
            Some(other) => {
                return Err(ItemError::WrongType {
                    field: "supplementaryConfiguration",
                    expected: "an object",
                    found: json_type(&other),
                });
            }
        };
        let resource_type = take_string(map, &["resourceType"], "resourceType")?
            .ok_or(ItemError::MissingField("resourceType"))?;
        let resource_id = take_string(map, &["resourceId"], "resourceId")?
            .ok_or(ItemError::MissingField("resourceId"))?;
        Ok(ConfigurationItem {
            resource_type,
            resource_id,
            resource_name,
            arn,
            account_id,
            region,
            availability_zone,
            status,
            capture_time,
            version,
            tags,
            configuration,
            supplementary,
            related_events,
        })
    }

    /// The value at a JSON pointer (`/metadataOptions/httpTokens`) inside `configuration`.
    pub fn config(&self, pointer: &str) -> Option<&Value> {
        json_pointer(&self.configuration, pointer).filter(|v| !v.is_null())
    }

    /// A string inside `configuration`.
    pub fn config_str(&self, pointer: &str) -> Option<&str> {
        self.config(pointer).and_then(Value::as_str)
    }

    /// A boolean inside `configuration`; the strings `"true"` / `"false"` count too, because some
    /// resource types record booleans as strings.
    pub fn config_bool(&self, pointer: &str) -> Option<bool> {
        self.config(pointer).and_then(value_as_bool)
    }

    /// An integer inside `configuration` (numbers recorded as strings count too).
    pub fn config_i64(&self, pointer: &str) -> Option<i64> {
        self.config(pointer).and_then(value_as_i64)
    }

    /// Why `configuration` cannot be read at all, or `None` when it is an object or absent
    /// (null: oversized or deleted items, which the engine handles on its own).
    ///
    /// After decoding, a live item's `configuration` must be a JSON object: a string that is not
    /// JSON (`"{not json"`), a number or an array holds no field any control could read, so every
    /// control answers INSUFFICIENT_DATA with this reason instead of reading fields as absent.
    /// The text of a string is not echoed, only its length and where it stops being JSON.
    pub fn configuration_unreadable(&self) -> Option<Unreadable> {
        let problem = match &self.configuration {
            Value::Null | Value::Object(_) => return None,
            Value::String(text) => match serde_json::from_str::<Value>(text.trim()) {
                Err(e) => format!(
                    "is a string that is not JSON ({} characters; {} at line {} column {})",
                    text.chars().count(),
                    json_error_kind(&e),
                    e.line(),
                    e.column()
                ),
                Ok(inner) => format!(
                    "is a string holding {} JSON, not an object",
                    json_type(&inner)
                        .trim_start_matches("a ")
                        .trim_start_matches("an ")
                ),
            },
            other => format!("is {}, not an object", json_type(other)),
        };
        Some(Unreadable::new("configuration", problem))
    }

    /// The value at a JSON pointer inside `configuration`, strictly: `Ok(None)` when absent or
    /// null, and [`Unreadable`] when `configuration` itself is not an object.
    pub fn read(&self, pointer: &str) -> Result<Option<&Value>, Unreadable> {
        if let Some(problem) = self.configuration_unreadable() {
            return Err(problem);
        }
        Ok(self.config(pointer))
    }

    /// A string inside `configuration`, strictly: `Ok(None)` when absent or null, [`Unreadable`]
    /// naming the field when it holds anything but a string.
    pub fn read_str(&self, pointer: &str) -> Result<Option<&str>, Unreadable> {
        match self.read(pointer)? {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(Unreadable::config(pointer, found(other, "a string"))),
        }
    }

    /// A boolean inside `configuration`, strictly: `true` / `false` (also as strings) or
    /// `Ok(None)` when absent or null; anything else is [`Unreadable`] naming the field.
    pub fn read_bool(&self, pointer: &str) -> Result<Option<bool>, Unreadable> {
        match self.read(pointer)? {
            None => Ok(None),
            Some(v) => value_as_bool(v)
                .map(Some)
                .ok_or_else(|| Unreadable::config(pointer, found(v, "true or false"))),
        }
    }

    /// An integer inside `configuration`, strictly (see [`value_as_i64`]): `Ok(None)` when absent
    /// or null; a fraction, a number beyond 64 bits or a non-numeric string is [`Unreadable`].
    pub fn read_i64(&self, pointer: &str) -> Result<Option<i64>, Unreadable> {
        match self.read(pointer)? {
            None => Ok(None),
            Some(v) => value_as_i64(v)
                .map(Some)
                .ok_or_else(|| Unreadable::config(pointer, found(v, "a whole number"))),
        }
    }

    /// A `supplementaryConfiguration` entry, already decoded; `None` when absent or null.
    pub fn supplementary(&self, key: &str) -> Option<&Value> {
        member(&self.supplementary, key).filter(|v| !v.is_null())
    }

    /// The partition from the ARN (`aws`, `aws-cn`, `aws-us-gov`…), `aws` when unknown.
    pub fn partition(&self) -> &str {
        self.arn
            .as_deref()
            .and_then(crate::arn::Arn::parse)
            .map_or("aws", |arn| arn.partition)
    }
}

impl<'de> Deserialize<'de> for ConfigurationItem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        ConfigurationItem::from_value(value).map_err(serde::de::Error::custom)
    }
}

/// A JSON value as a boolean, accepting `"true"` / `"false"` strings.
pub fn value_as_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// A JSON value as an integer, accepting numbers written as strings; `None` unless the value is
/// exactly a whole number that fits in an `i64`.
///
/// Strict on purpose: `3.5` is not 3, and `18446744073709551616` (which JSON parsers hold as the
/// float 1.8e19) is not `i64::MAX`; reading either as a nearby integer would invent a value the
/// item does not hold (a port range `3306-65535` from an overflowing `fromPort`). `22.0` is 22.
pub fn value_as_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().and_then(exact_i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A float that is exactly an integer within `i64`'s range (2^63 itself is not).
fn exact_i64(f: f64) -> Option<i64> {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    (f.is_finite() && f.fract() == 0.0 && (-LIMIT..LIMIT).contains(&f)).then_some(f as i64)
}

/// A field that is present but cannot be read: the wrong type, out of range, not a port, a
/// protocol or a CIDR, or a `configuration` that is not an object.
///
/// It names the field by its full path (`configuration.ipPermissions[0].fromPort`) and says what
/// is there. A control that needs the field answers INSUFFICIENT_DATA with this reason (the
/// conversion into [`crate::Verdict`]), never PASSED or FAILED on a value the item does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The field's path: `configuration`, `configuration.metadataOptions.httpTokens`,
    /// `configuration.ipPermissions[0].fromPort`.
    pub field: String,
    /// What is wrong, as a phrase following the path: "is a string, expected a whole number".
    pub problem: String,
}

impl Unreadable {
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Unreadable {
            field: field.into(),
            problem: problem.into(),
        }
    }

    /// A field inside `configuration`, named from its JSON pointer.
    pub fn config(pointer: &str, problem: impl Into<String>) -> Self {
        Unreadable::new(config_path(pointer), problem)
    }
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.field, self.problem)
    }
}

impl std::error::Error for Unreadable {}

impl From<Unreadable> for crate::Verdict {
    fn from(unreadable: Unreadable) -> Self {
        crate::Verdict::insufficient(format!(
            "{unreadable}, so the setting cannot be decided from this item"
        ))
    }
}

/// `value.pointer(pointer)` (RFC 6901, as serde_json reads it) without an allocation per token:
/// the controls look up configuration fields this way for every item of a scan.
pub fn json_pointer<'v>(value: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(value);
    }
    let rest = pointer.strip_prefix('/')?;
    rest.split('/').try_fold(value, |target, token| {
        let token: std::borrow::Cow<str> = if token.contains('~') {
            token.replace("~1", "/").replace("~0", "~").into()
        } else {
            token.into()
        };
        match target {
            Value::Object(map) => member(map, &token),
            Value::Array(list) => array_index(&token).and_then(|i| list.get(i)),
            _ => None,
        }
    })
}

/// `map.get(key)`, but a small object (as most objects of a configuration are) is searched by
/// comparing keys: cheaper than hashing the key, and the controls look up fields of every item.
pub fn member<'v>(map: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    find_member(map, |k| k == key, || key.into())
}

/// The member whose key `is_key` accepts, `key` building that key: up to 12 members every key is
/// compared (most differ in length or first byte), a larger object is looked up by the key's
/// hash.
pub(crate) fn find_member<'v, 'k>(
    map: &'v Map<String, Value>,
    is_key: impl Fn(&str) -> bool,
    key: impl FnOnce() -> std::borrow::Cow<'k, str>,
) -> Option<&'v Value> {
    const SEARCHED: usize = 12;
    if map.len() <= SEARCHED {
        map.iter().find_map(|(k, v)| is_key(k).then_some(v))
    } else {
        map.get(key().as_ref())
    }
}

/// An RFC 6901 array index: digits, no sign, no leading zero.
fn array_index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

/// The full name of a field inside `configuration`, from its JSON pointer:
/// `/metadataOptions/httpTokens` → `configuration.metadataOptions.httpTokens`,
/// `/ipPermissions/0/fromPort` → `configuration.ipPermissions[0].fromPort`.
pub fn config_path(pointer: &str) -> String {
    let mut out = String::from("configuration");
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{token}]"));
        } else {
            out.push('.');
            out.push_str(&token);
        }
    }
    out
}

/// "is a string, expected a whole number"; short scalars are shown ("is 70000, expected …").
pub fn found(value: &Value, expected: &str) -> String {
    format!("is {}, expected {expected}", describe_value(value))
}

/// A value for reasons: numbers and short strings are shown, other values by their type.
pub fn describe_value(value: &Value) -> String {
    match value {
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) if s.chars().count() <= 40 && !s.chars().any(char::is_control) => {
            format!("{s:?}")
        }
        other => json_type(other).to_owned(),
    }
}

/// What kind of JSON error `e` is, in words.
fn json_error_kind(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Eof => "it ends early",
        serde_json::error::Category::Syntax => "a syntax error",
        serde_json::error::Category::Data | serde_json::error::Category::Io => "an error",
    }
}

/// Decodes JSON that AWS embedded as a string, as often as it was embedded. Strings that are not
/// JSON objects or arrays (or string literals holding one) stay strings.
pub fn decode_embedded_json(mut value: Value) -> Value {
    loop {
        match &value {
            Value::String(text) => {
                let trimmed = text.trim();
                // An object or array, or a JSON string literal holding one (serialized twice).
                let embedded = trimmed.starts_with('{')
                    || trimmed.starts_with('[')
                    || (trimmed.len() >= 2 && trimmed.starts_with('"') && trimmed.ends_with('"'));
                if !embedded {
                    return value;
                }
                match serde_json::from_str::<Value>(trimmed) {
                    Ok(inner) => value = inner,
                    Err(_) => return value,
                }
            }
            _ => return value,
        }
    }
}

/// Decodes a `supplementaryConfiguration` value, and JSON embedded one level inside it: Config
/// records `BucketPolicy` as `{"policyText": "<policy JSON as a string>"}`, and several controls
/// read that policy; decoding it once here spares each of them a parse.
fn decode_supplementary(value: Value) -> Value {
    let mut value = decode_embedded_json(value);
    if let Value::Object(fields) = &mut value {
        for field in fields.values_mut() {
            if field.is_string() {
                *field = decode_embedded_json(std::mem::take(field));
            }
        }
    }
    value
}

/// [`decode_supplementary`] on every entry, in place (the map is not built again).
fn decode_supplementary_entries(mut entries: Map<String, Value>) -> Map<String, Value> {
    for entry in entries.values_mut() {
        *entry = decode_supplementary(std::mem::take(entry));
    }
    entries
}

/// The JSON type name of a value, for error messages.
pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Whether the field holds what [`take_string`] takes (`false`: absent or null), without taking it.
fn has_string(map: &ItemFields, field: &'static str) -> Result<bool, ItemError> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::String(_) | Value::Number(_)) => Ok(true),
        Some(other) => Err(ItemError::WrongType {
            field,
            expected: "a string",
            found: json_type(other),
        }),
    }
}

fn take_string(
    map: &mut ItemFields,
    keys: &[&str],
    field: &'static str,
) -> Result<Option<String>, ItemError> {
    for key in keys {
        match map.remove(key) {
            None | Some(Value::Null) => continue,
            Some(Value::String(s)) => return Ok(Some(s)),
            // Some producers write numeric ids (account ids, versions) as numbers.
            Some(Value::Number(n)) => return Ok(Some(n.to_string())),
            Some(other) => {
                return Err(ItemError::WrongType {
                    field,
                    expected: "a string",
                    found: json_type(&other),
                });
            }
        }
    }
    Ok(None)
}

fn take_time(map: &mut ItemFields, field: &'static str) -> Result<Option<String>, ItemError> {
    match map.remove(field) {
        None | Some(Value::Null) => Ok(None),
        // Kept as written, once it reads as a time: it orders the resource's evaluations and
        // findings, so text that is no time is an error, not a silent misorder.
        Some(Value::String(s)) if OffsetDateTime::parse(s.trim(), &Rfc3339).is_ok() => Ok(Some(s)),
        Some(Value::String(_)) => Err(ItemError::WrongType {
            field,
            expected: "a timestamp",
            found: "a string that is not an RFC 3339 time",
        }),
        // The API shape carries epoch seconds (with a fraction).
        Some(Value::Number(n)) => {
            // Config records milliseconds; rounding there drops the float noise of `1717171717.123`.
            // A number no date can have (NaN cannot occur in JSON) is an error, not a dropped time.
            let millis = (n.as_f64().unwrap_or_default() * 1e3).round();
            (millis.abs() < 1e18)
                .then(|| OffsetDateTime::from_unix_timestamp_nanos(millis as i128 * 1_000_000).ok())
                .flatten()
                .and_then(|t| t.format(&Rfc3339).ok())
                .map(Some)
                .ok_or(ItemError::WrongType {
                    field,
                    expected: "a timestamp",
                    found: "a number of seconds outside the years -9999 to 9999",
                })
        }
        Some(other) => Err(ItemError::WrongType {
            field,
            expected: "a timestamp",
            found: json_type(&other),
        }),
    }
}

/// Tags arrive as a map (`{"k": "v"}`) in both shapes, and as a list of `{key, value}` pairs from
/// some producers; both are accepted.
fn take_tags(map: &mut ItemFields) -> Result<BTreeMap<String, String>, ItemError> {
    let mut tags = BTreeMap::new();
    match map.remove("tags") {
        None | Some(Value::Null) => {}
        Some(Value::Object(entries)) => {
            for (k, v) in entries {
                tags.insert(k, scalar_to_string(v));
            }
        }
        Some(Value::Array(pairs)) => {
            for pair in pairs {
                let Value::Object(mut pair) = pair else {
                    continue;
                };
                let key = pair.remove("key").or_else(|| pair.remove("Key"));
                let value = pair.remove("value").or_else(|| pair.remove("Value"));
                if let Some(Value::String(k)) = key {
                    tags.insert(k, value.map(scalar_to_string).unwrap_or_default());
                }
            }
        }
        Some(other) => {
            return Err(ItemError::WrongType {
                field: "tags",
                expected: "an object",
                found: json_type(&other),
            });
        }
    }
    Ok(tags)
}

/// The top-level fields [`ConfigurationItem::from_fields`] reads; an item's other fields
/// (relationships, hashes, state ids) play no part in it.
pub(crate) const ITEM_FIELDS: [&str; 17] = [
    "resourceType",
    "resourceId",
    "resourceName",
    "ARN",
    "arn",
    "awsAccountId",
    "accountId",
    "awsRegion",
    "availabilityZone",
    "configurationItemStatus",
    "configurationItemCaptureTime",
    "configurationItemVersion",
    "version",
    "tags",
    "relatedEvents",
    "configuration",
    "supplementaryConfiguration",
];

/// An item object's [`ITEM_FIELDS`], each in its slot: what an item is built from, without a
/// map (and a hash of every key) for each item of a large snapshot. As in a JSON object read
/// into a map, a field given twice keeps its last value.
#[derive(Debug, Default)]
pub(crate) struct ItemFields([Option<Value>; ITEM_FIELDS.len()]);

impl ItemFields {
    /// The slot of a top-level field name, `None` for a field no item is built from.
    pub(crate) fn slot(name: &str) -> Option<usize> {
        // A match (compiled to a comparison of lengths, then of bytes) rather than a search of
        // the list: every key of every item is looked up here. A test checks it against the list.
        Some(match name {
            "resourceType" => 0,
            "resourceId" => 1,
            "resourceName" => 2,
            "ARN" => 3,
            "arn" => 4,
            "awsAccountId" => 5,
            "accountId" => 6,
            "awsRegion" => 7,
            "availabilityZone" => 8,
            "configurationItemStatus" => 9,
            "configurationItemCaptureTime" => 10,
            "configurationItemVersion" => 11,
            "version" => 12,
            "tags" => 13,
            "relatedEvents" => 14,
            "configuration" => 15,
            "supplementaryConfiguration" => 16,
            _ => return None,
        })
    }

    /// Keeps `value` in `slot` (from [`ItemFields::slot`]).
    pub(crate) fn set(&mut self, slot: usize, value: Value) {
        self.0[slot] = Some(value);
    }

    /// The known fields of an object.
    pub(crate) fn from_map(map: Map<String, Value>) -> Self {
        let mut fields = Self::default();
        for (name, value) in map {
            if let Some(slot) = Self::slot(&name) {
                fields.set(slot, value);
            }
        }
        fields
    }

    /// The value of a field, as long as it was not taken.
    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        Self::slot(name).and_then(|slot| self.0[slot].as_ref())
    }

    /// Takes a field out; a name outside [`ITEM_FIELDS`] is never there.
    fn remove(&mut self, name: &str) -> Option<Value> {
        Self::slot(name).and_then(|slot| self.0[slot].take())
    }
}

fn scalar_to_string(value: Value) -> String {
    match value {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_item_field_has_its_own_slot() {
        for (i, name) in ITEM_FIELDS.iter().enumerate() {
            assert_eq!(ItemFields::slot(name), Some(i), "{name}");
        }
        for other in [
            "",
            "ResourceType",
            "configurationStateId",
            "relationships",
            "tag",
        ] {
            assert_eq!(ItemFields::slot(other), None, "{other}");
        }
    }

    #[test]
    fn small_and_large_objects_find_the_same_members() {
        for size in [0, 1, 11, 12, 13, 40] {
            let map: Map<String, Value> = (0..size)
                .map(|i| (format!("k{i}"), Value::from(i)))
                .collect();
            for i in 0..size + 2 {
                let key = format!("k{i}");
                assert_eq!(member(&map, &key), map.get(&key), "{key} of {size}");
            }
        }
    }

    #[test]
    fn json_pointer_reads_as_serde_json_does() {
        let value = json!({
            "a": {"b": [10, {"c": null}], "": 1, "x/y": 2, "m~n": 3, "~1": 4},
            "01": 5,
            "list": [0, 1, 2]
        });
        for pointer in [
            "",
            "/",
            "/a",
            "/a/b",
            "/a/b/0",
            "/a/b/1/c",
            "/a/b/2",
            "/a/b/01",
            "/a/b/+1",
            "/a/b/-",
            "/a/",
            "/a/x~1y",
            "/a/m~0n",
            "/a/~01",
            "/a/x/y",
            "/01",
            "/list/00",
            "/list/2",
            "a",
            "/missing",
            "/a/b/0/deeper",
        ] {
            assert_eq!(
                json_pointer(&value, pointer),
                value.pointer(pointer),
                "{pointer:?}"
            );
        }
    }

    #[test]
    fn both_shapes_parse_to_the_same_item() {
        let notification = json!({
            "configurationItemVersion": "1.3",
            "configurationItemCaptureTime": "2024-01-02T03:04:05.000Z",
            "configurationItemStatus": "OK",
            "configurationStateId": 1,
            "awsAccountId": "123456789012",
            "resourceType": "AWS::S3::Bucket",
            "resourceId": "example",
            "resourceName": "example",
            "ARN": "arn:aws:s3:::example",
            "awsRegion": "us-east-1",
            "availabilityZone": "Regional",
            "tags": {"env": "prod"},
            "configuration": {"name": "example"},
            "supplementaryConfiguration": {
                "AccessControlList": "{\"grantList\":[]}",
                "BucketVersioningConfiguration": {"status": "Off"}
            }
        });
        let api = json!({
            "version": "1.3",
            "accountId": "123456789012",
            "configurationItemCaptureTime": 1704164645.0,
            "configurationItemStatus": "OK",
            "resourceType": "AWS::S3::Bucket",
            "resourceId": "example",
            "resourceName": "example",
            "arn": "arn:aws:s3:::example",
            "awsRegion": "us-east-1",
            "availabilityZone": "Regional",
            "tags": {"env": "prod"},
            "configuration": "{\"name\":\"example\"}",
            "supplementaryConfiguration": {
                "AccessControlList": "\"{\\\"grantList\\\":[]}\"",
                "BucketVersioningConfiguration": "{\"status\":\"Off\"}"
            }
        });
        let a = ConfigurationItem::from_value(notification).unwrap();
        let b = ConfigurationItem::from_value(api).unwrap();
        assert_eq!(a.capture_time.as_deref(), Some("2024-01-02T03:04:05.000Z"));
        assert_eq!(b.capture_time.as_deref(), Some("2024-01-02T03:04:05Z"));
        let with_millis = ConfigurationItem::from_value(json!({
            "resourceType": "AWS::S3::Bucket", "resourceId": "b",
            "configurationItemCaptureTime": 1717171717.123
        }))
        .unwrap();
        assert_eq!(
            with_millis.capture_time.as_deref(),
            Some("2024-05-31T16:08:37.123Z")
        );
        let (mut a, mut b) = (a, b);
        a.capture_time = None;
        b.capture_time = None;
        assert_eq!(a, b);
        assert_eq!(
            a.supplementary("AccessControlList"),
            Some(&json!({"grantList": []}))
        );
    }

    /// Found by the `item` fuzz target: a huge epoch number overflowed (a panic in debug builds,
    /// a wrong time in release builds); out of range it was silently dropped. Text that is no
    /// time (found by the bad-input catalog) was kept and would have ordered findings.
    #[test]
    fn a_capture_time_no_date_can_have_is_an_error() {
        for seconds in [
            json!(1e300),
            json!(-1e300),
            json!(253_402_300_800_u64 * 1000),
            json!("yesterday"),
            json!("2024-13-45T99:00:00Z"),
        ] {
            let err = ConfigurationItem::from_value(json!({
                "resourceType": "AWS::S3::Bucket", "resourceId": "b",
                "configurationItemCaptureTime": seconds
            }))
            .unwrap_err();
            assert!(
                err.to_string()
                    .contains("`configurationItemCaptureTime` must be a timestamp"),
                "{err}"
            );
        }
    }

    #[test]
    fn deleted_item_without_configuration_parses() {
        let item = ConfigurationItem::from_value(json!({
            "resourceType": "AWS::EC2::SecurityGroup",
            "resourceId": "sg-1",
            "configurationItemStatus": "ResourceDeleted",
            "configuration": null,
            "supplementaryConfiguration": {},
            "tags": null
        }))
        .unwrap();
        assert!(item.status.is_gone());
        assert!(item.configuration.is_null());
    }

    #[test]
    fn missing_and_wrong_fields_are_named() {
        let err = ConfigurationItem::from_value(json!({"resourceId": "x"})).unwrap_err();
        assert_eq!(err, ItemError::MissingField("resourceType"));
        assert!(err.to_string().contains("resourceType"));
        let err = ConfigurationItem::from_value(json!({"resourceType": ["x"], "resourceId": "x"}))
            .unwrap_err();
        assert!(matches!(
            err,
            ItemError::WrongType {
                field: "resourceType",
                ..
            }
        ));
        assert_eq!(
            ConfigurationItem::from_value(json!([1])).unwrap_err(),
            ItemError::NotAnObject("an array")
        );
    }

    #[test]
    fn unknown_types_and_fields_are_kept_or_ignored() {
        let item = ConfigurationItem::from_value(json!({
            "resourceType": "AWS::Future::Thing",
            "resourceId": "t-1",
            "somethingNew": {"a": 1},
            "tags": [{"key": "a", "value": "b"}]
        }))
        .unwrap();
        assert_eq!(item.resource_type, "AWS::Future::Thing");
        assert_eq!(item.tags.get("a").map(String::as_str), Some("b"));
        assert_eq!(item.status, ItemStatus::Ok);
    }

    #[test]
    fn strings_that_are_not_json_stay_strings() {
        assert_eq!(decode_embedded_json(json!("{not json")), json!("{not json"));
        assert_eq!(decode_embedded_json(json!("plain")), json!("plain"));
        assert_eq!(decode_embedded_json(json!("[1,2]")), json!([1, 2]));
        assert_eq!(
            decode_embedded_json(json!("\"{\\\"a\\\":1}\"")),
            json!({"a": 1})
        );
        assert_eq!(decode_embedded_json(json!("\"quoted\"")), json!("quoted"));
    }

    #[test]
    fn booleans_and_numbers_recorded_as_strings_are_read() {
        let mut item = ConfigurationItem::new("AWS::RDS::DBInstance", "db");
        item.configuration = json!({"a": "true", "b": false, "n": "7", "m": 9});
        assert_eq!(item.config_bool("/a"), Some(true));
        assert_eq!(item.config_bool("/b"), Some(false));
        assert_eq!(item.config_i64("/n"), Some(7));
        assert_eq!(item.config_i64("/m"), Some(9));
        assert_eq!(item.config_i64("/missing"), None);
    }

    #[test]
    fn partition_comes_from_the_arn() {
        let mut item = ConfigurationItem::new("AWS::S3::Bucket", "b");
        assert_eq!(item.partition(), "aws");
        item.arn = Some("arn:aws-cn:s3:::b".into());
        assert_eq!(item.partition(), "aws-cn");
    }
}
