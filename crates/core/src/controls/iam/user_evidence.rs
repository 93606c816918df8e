//! Shared by the IAM user controls that read evidence: the user's name for reasons, and the
//! timestamps the evidence carries.
//!
//! The core reads no clock. An age is the time between a credential's date and the moment the
//! evidence describes (`collectedAt` of the access-key listing, `generatedAt` of the credential
//! report), so a verdict does not change with when the engine runs. Timestamps are RFC 3339, as
//! IAM returns them (`2024-05-31T16:03:20Z`, `2024-05-31T16:03:20+00:00`); one that does not parse
//! is INSUFFICIENT_DATA naming the field.

use crate::item::ConfigurationItem;
use crate::verdict::Verdict;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// The user's name as reasons show it: `configuration.userName`, else the resource name, else
/// the resource id.
pub(crate) fn user_name(item: &ConfigurationItem) -> &str {
    item.config_str("/userName")
        .or(item.resource_name.as_deref())
        .unwrap_or(&item.resource_id)
}

/// What the credential report writes where it has no date; read as "no date".
const NOT_A_DATE: &[&str] = &["N/A", "no_information", "not_supported"];

/// An optional timestamp: `None` when absent, blank or one of the credential report's
/// placeholders (`N/A`, `no_information`); INSUFFICIENT_DATA naming `field` when it is not RFC 3339.
pub(crate) fn optional_time(
    value: Option<&str>,
    field: &str,
) -> Result<Option<OffsetDateTime>, Verdict> {
    let Some(text) = value.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if NOT_A_DATE.iter().any(|p| text.eq_ignore_ascii_case(p)) {
        return Ok(None);
    }
    OffsetDateTime::parse(text, &Rfc3339)
        .map(Some)
        .map_err(|_| {
            let shown: String = text.chars().take(40).collect();
            Verdict::insufficient(format!(
                "{field} is '{shown}', not an RFC 3339 timestamp, so the age cannot be computed"
            ))
        })
}

/// A timestamp the verdict cannot do without: INSUFFICIENT_DATA naming `field` when it is absent
/// or unreadable.
pub(crate) fn required_time(value: Option<&str>, field: &str) -> Result<OffsetDateTime, Verdict> {
    optional_time(value, field)?.ok_or_else(|| {
        Verdict::insufficient(format!("{field} is missing, so the age cannot be computed"))
    })
}

/// Whole days of `age`, never negative (a date after the evidence's own time is clock skew).
pub(crate) fn days(age: Duration) -> i64 {
    age.whole_days().max(0)
}

/// The calendar date of a timestamp, for reasons (`2024-05-31`).
pub(crate) fn date(t: OffsetDateTime) -> String {
    t.date().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_every_iam_spelling_parse() {
        for text in [
            "2024-05-31T16:03:20Z",
            "2024-05-31T16:03:20+00:00",
            "2024-05-31T16:03:20.000Z",
            " 2024-05-31T18:03:20+02:00 ",
        ] {
            let t = required_time(Some(text), "f").unwrap();
            assert_eq!(date(t), "2024-05-31", "{text}");
        }
    }

    #[test]
    fn placeholders_are_no_date_and_garbage_is_named() {
        for text in [None, Some(""), Some("N/A"), Some("no_information")] {
            assert_eq!(optional_time(text, "f").unwrap(), None);
        }
        let v = required_time(None, "keys[0].createDate").unwrap_err();
        assert!(v.is_insufficient() && v.reason().contains("keys[0].createDate is missing"));
        let v = optional_time(Some("31/05/2024"), "passwordLastUsed").unwrap_err();
        assert!(
            v.reason().contains("passwordLastUsed is '31/05/2024'"),
            "{v}"
        );
    }

    #[test]
    fn ages_are_whole_days_and_never_negative() {
        assert_eq!(days(Duration::hours(47)), 1);
        assert_eq!(days(Duration::days(-3)), 0);
    }
}
