//! Accepted risks that expire: the exceptions file.
//!
//! An exception says "this control may fail on these resources, for this reason, until this
//! date". A matching FAILED verdict is still evaluated and still reported — never dropped — but
//! marked as excepted with the reason, the expiry and the ticket, so the CLI counts it apart and
//! does not fail on it, and Security Hub shows the finding suppressed. Once the exception expires,
//! the next evaluation reports the failure as any other.
//!
//! ```yaml
//! exceptions:
//!   - controls: [S3.8, S3.2]                # ids or globs (`S3.*`)
//!     resources: ["arn:aws:s3:::www-*"]     # ARN (or resource id) globs
//!     accounts: ["123456789012"]            # optional
//!     regions: [eu-west-1]                  # optional
//!     tags: {purpose: public-website}       # optional: every tag must match
//!     reason: The marketing site is public until the CDN migration
//!     expires: 2027-03-31                   # at most one year ahead
//!     ticket: SEC-1234                      # optional
//! ```
//!
//! JSON with the same keys is accepted too. Nothing is suppressed by an entry that was not
//! understood: an unknown key, a missing or blank `reason`, a missing, malformed or too distant
//! `expires`, a glob that is not valid, or an entry that would match every resource of every
//! control refuses the whole file with an error naming the entry. An expired entry is kept out
//! and reported as a warning.

use crate::verdict::Verdict;
use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;
use time::{Date, Duration, OffsetDateTime, macros::format_description};

/// `ProductFields` key of a finding an exception in force covers: the exception (entry, expiry,
/// reason, ticket). The remediation function never acts on a finding that carries it.
pub const EXCEPTION_FIELD: &str = "sidewatch/Exception";
/// `ProductFields` key of a failure whose exception has expired.
pub const EXCEPTION_EXPIRED_FIELD: &str = "sidewatch/ExceptionExpired";

/// The longest an exception may run: one year from the day it is read.
pub const MAX_VALIDITY: Duration = Duration::days(366);

/// An exception that expires within this many days is named in a warning, so it is renewed or
/// the risk fixed before it silently turns back into a failure.
pub const EXPIRY_WARNING_DAYS: i64 = 14;

/// Why an exceptions file was refused. Each message names the entry (1-based, in file order).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExceptionsError {
    #[error("the exceptions file is not valid YAML or JSON: {0}")]
    Syntax(String),
    #[error("exception {entry}: {problem}")]
    Entry { entry: usize, problem: String },
}

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    exceptions: Vec<Entry>,
}

/// One entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    controls: Vec<String>,
    resources: Vec<String>,
    #[serde(default)]
    accounts: Vec<String>,
    #[serde(default)]
    regions: Vec<String>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
    reason: Option<String>,
    /// A date (`2027-03-31`); YAML may hand it over as a string or, unquoted, still a string.
    expires: Option<serde_norway::Value>,
    #[serde(default)]
    ticket: Option<String>,
}

/// One understood, active exception.
#[derive(Debug, Clone)]
pub struct Exception {
    /// 1-based position in the file.
    pub entry: usize,
    controls: Vec<Pattern>,
    resources: Vec<Pattern>,
    accounts: Vec<String>,
    regions: Vec<String>,
    tags: BTreeMap<String, String>,
    pub reason: String,
    /// The last day the exception applies (inclusive, UTC).
    pub expires: Date,
    pub ticket: Option<String>,
}

/// A glob (`*` any run of characters, `?` one), anchored, as a regular expression.
#[derive(Debug, Clone)]
struct Pattern {
    text: String,
    regex: Regex,
}

impl Pattern {
    fn new(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("an empty pattern".to_owned());
        }
        let mut expression = String::from("^");
        for c in text.chars() {
            match c {
                '*' => expression.push_str(".*"),
                '?' => expression.push('.'),
                other => expression.push_str(&regex::escape(&other.to_string())),
            }
        }
        expression.push('$');
        let regex = Regex::new(&expression).map_err(|e| format!("pattern '{text}': {e}"))?;
        Ok(Pattern {
            text: text.to_owned(),
            regex,
        })
    }

    fn matches(&self, value: &str) -> bool {
        self.regex.is_match(value)
    }

    /// Only stars: matches anything.
    fn matches_everything(&self) -> bool {
        self.text.chars().all(|c| c == '*')
    }
}

/// What one evaluated verdict is, for matching.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub control: &'a str,
    /// The resource's ARN when known.
    pub arn: Option<&'a str>,
    /// The AWS Config resource id.
    pub resource_id: &'a str,
    pub account: Option<&'a str>,
    pub region: Option<&'a str>,
    pub tags: &'a BTreeMap<String, String>,
}

/// The exceptions of one file, read on one day.
#[derive(Debug, Clone, Default)]
pub struct Exceptions {
    active: Vec<Exception>,
    /// Entries left out (expired), with why: for the warnings.
    pub expired: Vec<String>,
    /// The expired entries themselves: a failure they would cover is reported as no longer
    /// excepted (Security Hub reopens the finding it suppressed).
    lapsed: Vec<Exception>,
}

/// What the exceptions say of one verdict on one day ([`Exceptions::standing`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// A failure an exception in force covers.
    Excepted(Excepted),
    /// A failure only an expired exception covers: it counts again.
    Expired(Excepted),
}

impl Standing {
    /// One line for a Security Hub note: the exception, or that it expired.
    pub fn note(&self) -> String {
        match self {
            Standing::Excepted(e) => format!("sidewatch: accepted risk, {}", e.note()),
            Standing::Expired(e) => format!(
                "sidewatch: exception {} expired on {} ({}): the failure counts again",
                e.entry,
                format_date(e.expires),
                e.reason
            ),
        }
    }
}

/// What matched a verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excepted {
    pub entry: usize,
    pub reason: String,
    pub expires: Date,
    pub ticket: Option<String>,
}

impl Excepted {
    /// One line for a table cell, a Config annotation or a Security Hub note.
    pub fn note(&self) -> String {
        let ticket = self
            .ticket
            .as_deref()
            .map(|t| format!(", ticket {t}"))
            .unwrap_or_default();
        format!(
            "excepted until {} ({}{ticket})",
            format_date(self.expires),
            self.reason
        )
    }
}

impl Exceptions {
    /// Parses and checks `text` (YAML or JSON) on `today` (UTC).
    pub fn parse(text: &str, today: Date) -> Result<Self, ExceptionsError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let file: File =
            serde_norway::from_str(text).map_err(|e| ExceptionsError::Syntax(e.to_string()))?;
        let mut exceptions = Exceptions::default();
        for (index, entry) in file.exceptions.into_iter().enumerate() {
            let number = index + 1;
            let fail = |problem: String| ExceptionsError::Entry {
                entry: number,
                problem,
            };
            let exception = understand(number, entry, today).map_err(fail)?;
            if exception.expires < today {
                exceptions.expired.push(format!(
                    "exception {number} expired on {} and no longer applies ({})",
                    format_date(exception.expires),
                    exception.reason
                ));
                exceptions.lapsed.push(exception);
            } else {
                exceptions.active.push(exception);
            }
        }
        Ok(exceptions)
    }

    /// The exceptions in force.
    pub fn active(&self) -> &[Exception] {
        &self.active
    }

    /// The first active exception that covers `verdict` on `subject`. Only failures are
    /// excepted: an exception accepts the risk of a failing control, it says nothing of the rest.
    pub fn matching(&self, subject: &Subject<'_>, verdict: &Verdict) -> Option<Excepted> {
        if !verdict.is_non_compliant() {
            return None;
        }
        self.active
            .iter()
            .find(|e| e.covers(subject))
            .map(|e| Excepted {
                entry: e.entry,
                reason: e.reason.clone(),
                expires: e.expires,
                ticket: e.ticket.clone(),
            })
    }

    /// What the exceptions say of `verdict` on `subject` on `today`, for a reader that keeps the
    /// file longer than a day (a Lambda container reads it once per cold start): an entry in
    /// force covers the failure; one whose `expires` has passed since — or had passed when the
    /// file was read — says the failure counts again. `None` for anything that is not a failure,
    /// or that no entry covers.
    pub fn standing(
        &self,
        subject: &Subject<'_>,
        verdict: &Verdict,
        today: Date,
    ) -> Option<Standing> {
        if !verdict.is_non_compliant() {
            return None;
        }
        let excepted = |e: &Exception| Excepted {
            entry: e.entry,
            reason: e.reason.clone(),
            expires: e.expires,
            ticket: e.ticket.clone(),
        };
        let covering = self
            .active
            .iter()
            .chain(&self.lapsed)
            .filter(|e| e.covers(subject));
        let mut expired = None;
        for e in covering {
            if e.expires >= today {
                return Some(Standing::Excepted(excepted(e)));
            }
            expired.get_or_insert_with(|| Standing::Expired(excepted(e)));
        }
        expired
    }

    /// Warnings about the file itself: expired entries, entries that expire within
    /// [`EXPIRY_WARNING_DAYS`] of `today`, and entries that matched nothing (`used` holds the
    /// entry numbers that matched at least one verdict).
    pub fn warnings(&self, today: Date, used: &std::collections::BTreeSet<usize>) -> Vec<String> {
        let mut warnings = self.expired.clone();
        for e in &self.active {
            let left = (e.expires - today).whole_days();
            if left <= EXPIRY_WARNING_DAYS {
                warnings.push(format!(
                    "exception {} expires on {} ({left} day(s) left): renew it or fix the risk \
                     ({})",
                    e.entry,
                    format_date(e.expires),
                    e.reason
                ));
            }
            if !used.contains(&e.entry) {
                warnings.push(format!(
                    "exception {} matched nothing in this scan: remove it, or check its controls \
                     and resources ({})",
                    e.entry, e.reason
                ));
            }
        }
        warnings
    }
}

impl Exception {
    fn covers(&self, s: &Subject<'_>) -> bool {
        let resource_matches =
            |p: &Pattern| s.arn.is_some_and(|arn| p.matches(arn)) || p.matches(s.resource_id);
        self.controls.iter().any(|p| p.matches(s.control))
            && self.resources.iter().any(resource_matches)
            && (self.accounts.is_empty()
                || s.account
                    .is_some_and(|a| self.accounts.iter().any(|x| x == a)))
            && (self.regions.is_empty()
                || s.region
                    .is_some_and(|r| self.regions.iter().any(|x| x == r)))
            && self.tags.iter().all(|(k, v)| s.tags.get(k) == Some(v))
    }
}

/// Checks one entry; the error says what is wrong with it.
fn understand(entry: usize, raw: Entry, today: Date) -> Result<Exception, String> {
    let reason = raw
        .reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty())
        .ok_or("`reason` is required: say why the risk is accepted")?;
    let expires = match raw.expires {
        None => return Err("`expires` is required (a date, 2027-03-31)".to_owned()),
        Some(value) => parse_date(&value)?,
    };
    if expires > today + MAX_VALIDITY - Duration::days(1) {
        return Err(format!(
            "`expires` {} is more than one year ahead: accept a risk for a year at most, then \
             review it",
            format_date(expires)
        ));
    }
    let patterns = |key: &str, list: &[String]| -> Result<Vec<Pattern>, String> {
        if list.is_empty() {
            return Err(format!("`{key}` needs at least one id or pattern"));
        }
        list.iter()
            .map(|t| Pattern::new(t).map_err(|e| format!("`{key}`: {e}")))
            .collect()
    };
    let controls = patterns("controls", &raw.controls)?;
    let resources = patterns("resources", &raw.resources)?;
    if controls.iter().any(Pattern::matches_everything)
        && resources.iter().any(Pattern::matches_everything)
        && raw.accounts.is_empty()
        && raw.regions.is_empty()
        && raw.tags.is_empty()
    {
        return Err(
            "matches every resource of every control: that turns sidewatch off, not an \
             exception; name the controls or the resources"
                .to_owned(),
        );
    }
    let ticket = raw
        .ticket
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    Ok(Exception {
        entry,
        controls,
        resources,
        accounts: trimmed(raw.accounts),
        regions: trimmed(raw.regions),
        tags: raw.tags,
        reason,
        expires,
        ticket,
    })
}

fn trimmed(list: Vec<String>) -> Vec<String> {
    list.into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

fn parse_date(value: &serde_norway::Value) -> Result<Date, String> {
    let text = match value {
        serde_norway::Value::String(s) => s.trim().to_owned(),
        other => {
            return Err(format!(
                "`expires` must be a date written 2027-03-31, found {other:?}"
            ));
        }
    };
    Date::parse(&text, format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("`expires` '{text}' is not a date written 2027-03-31"))
}

fn format_date(date: Date) -> String {
    date.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_else(|_| date.to_string())
}

/// Today in UTC.
pub fn today(now: OffsetDateTime) -> Date {
    now.to_offset(time::UtcOffset::UTC).date()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 06);

    fn tags() -> BTreeMap<String, String> {
        BTreeMap::from([("purpose".into(), "public-website".into())])
    }

    fn subject<'a>(
        control: &'a str,
        arn: &'a str,
        tags: &'a BTreeMap<String, String>,
    ) -> Subject<'a> {
        Subject {
            control,
            arn: Some(arn),
            resource_id: arn.rsplit(':').next().unwrap_or(arn),
            account: Some("123456789012"),
            region: Some("eu-west-1"),
            tags,
        }
    }

    const FILE: &str = r#"
exceptions:
  - controls: [S3.8, "S3.2"]
    resources: ["arn:aws:s3:::www-*"]
    regions: [eu-west-1]
    tags: {purpose: public-website}
    reason: The marketing site is public until the CDN migration
    expires: 2027-03-31
    ticket: SEC-1234
  - controls: ["EC2.*"]
    resources: ["sg-0123456789abcdef0"]
    reason: Bastion, replaced by Session Manager
    expires: "2026-12-10"
"#;

    #[test]
    fn a_matching_failure_is_excepted_with_reason_expiry_and_ticket() {
        let ex = Exceptions::parse(FILE, TODAY).unwrap();
        let t = tags();
        let hit = ex
            .matching(
                &subject("S3.8", "arn:aws:s3:::www-example", &t),
                &Verdict::fail("public"),
            )
            .unwrap();
        assert_eq!(hit.entry, 1);
        assert_eq!(hit.ticket.as_deref(), Some("SEC-1234"));
        assert_eq!(
            hit.note(),
            "excepted until 2027-03-31 (The marketing site is public until the CDN migration, \
             ticket SEC-1234)"
        );
        // A pass is never excepted; another control, resource, Region or tag is not covered.
        assert_eq!(
            ex.matching(
                &subject("S3.8", "arn:aws:s3:::www-example", &t),
                &Verdict::pass("ok")
            ),
            None
        );
        for (control, arn) in [
            ("S3.5", "arn:aws:s3:::www-example"),
            ("S3.8", "arn:aws:s3:::data"),
        ] {
            assert_eq!(
                ex.matching(&subject(control, arn, &t), &Verdict::fail("x")),
                None
            );
        }
        let untagged = BTreeMap::new();
        assert_eq!(
            ex.matching(
                &subject("S3.8", "arn:aws:s3:::www-example", &untagged),
                &Verdict::fail("x")
            ),
            None
        );
        // The resource id matches too, and globs on controls.
        let sg = Subject {
            control: "EC2.19",
            arn: None,
            resource_id: "sg-0123456789abcdef0",
            account: None,
            region: None,
            tags: &untagged,
        };
        assert_eq!(
            ex.matching(&sg, &Verdict::fail("22 open")).unwrap().entry,
            2
        );
    }

    #[test]
    fn warnings_name_soon_expiring_and_unused_entries() {
        let ex = Exceptions::parse(FILE, TODAY).unwrap();
        let used = std::collections::BTreeSet::from([1]);
        let warnings = ex.warnings(TODAY, &used);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].starts_with("exception 2 expires on 2026-12-10 (4 day(s) left)"));
        assert!(warnings[1].starts_with("exception 2 matched nothing"));
    }

    #[test]
    fn an_expired_entry_no_longer_applies_and_is_named() {
        let ex = Exceptions::parse(FILE, date!(2027 - 01 - 01)).unwrap();
        assert_eq!(ex.active().len(), 1);
        assert!(ex.expired[0].starts_with("exception 2 expired on 2026-12-10"));
        let sg = Subject {
            control: "EC2.19",
            arn: None,
            resource_id: "sg-0123456789abcdef0",
            account: None,
            region: None,
            tags: &BTreeMap::new(),
        };
        assert_eq!(ex.matching(&sg, &Verdict::fail("22 open")), None);
        // On its last day it still applies.
        let ex = Exceptions::parse(FILE, date!(2026 - 12 - 10)).unwrap();
        assert!(ex.matching(&sg, &Verdict::fail("22 open")).is_some());
    }

    #[test]
    fn entries_that_are_not_understood_refuse_the_file() {
        let cases = [
            ("exceptions: [", "not valid YAML or JSON"),
            (
                "exceptions:\n  - {controls: [S3.8], resources: [x], reason: r, expires: 2027-01-01, owner: me}",
                "unknown field `owner`",
            ),
            (
                "exceptions:\n  - {controls: [S3.8], resources: [x], expires: 2027-01-01}",
                "exception 1: `reason` is required",
            ),
            (
                "exceptions:\n  - {controls: [S3.8], resources: [x], reason: ' ', expires: 2027-01-01}",
                "exception 1: `reason` is required",
            ),
            (
                "exceptions:\n  - {controls: [S3.8], resources: [x], reason: r}",
                "exception 1: `expires` is required",
            ),
            (
                "exceptions:\n  - {controls: [S3.8], resources: [x], reason: r, expires: next year}",
                "is not a date",
            ),
            (
                "exceptions:\n  - {controls: [S3.8], resources: [x], reason: r, expires: 2028-01-01}",
                "more than one year ahead",
            ),
            (
                "exceptions:\n  - {controls: ['*'], resources: ['*'], reason: r, expires: 2027-01-01}",
                "matches every resource of every control",
            ),
            (
                "exceptions:\n  - {controls: [], resources: [x], reason: r, expires: 2027-01-01}",
                "`controls` needs at least one",
            ),
            (
                "exceptions:\n  - {controls: [S3.8], resources: [x], reason: r, expires: 2027-01-01}\n  - {controls: [S3.8], reason: r, expires: 2027-01-01}",
                "missing field `resources`",
            ),
        ];
        for (text, expected) in cases {
            let err = Exceptions::parse(text, TODAY).unwrap_err().to_string();
            assert!(
                err.contains(expected),
                "{text}\n→ {err}\n(expected {expected})"
            );
        }
    }

    #[test]
    fn json_and_a_byte_order_mark_are_accepted() {
        let json = "\u{feff}{\"exceptions\": [{\"controls\": [\"IAM.6\"], \"resources\": \
                    [\"123456789012\"], \"reason\": \"break-glass root\", \"expires\": \
                    \"2027-06-01\"}]}";
        let ex = Exceptions::parse(json, TODAY).unwrap();
        assert_eq!(ex.active().len(), 1);
    }

    #[test]
    fn glob_metacharacters_of_regular_expressions_are_literal() {
        let p = Pattern::new("arn:aws:s3:::a.b+(c)*").unwrap();
        assert!(p.matches("arn:aws:s3:::a.b+(c)-logs"));
        assert!(!p.matches("arn:aws:s3:::aXb+(c)-logs"));
        let q = Pattern::new("S3.?").unwrap();
        assert!(q.matches("S3.8") && !q.matches("S3.17"));
    }

    #[test]
    fn the_standing_follows_the_day_of_the_evaluation_not_of_the_reading() {
        let text = "exceptions:\n  - controls: [S3.8]\n    resources: [\"arn:aws:s3:::www-*\"]\n    reason: public site\n    expires: 2026-12-20\n    ticket: SEC-1\n  - controls: [S3.2]\n    resources: [\"*\"]\n    reason: old\n    expires: 2026-12-01\n";
        let ex = Exceptions::parse(text, TODAY).unwrap();
        let t = tags();
        let fail = Verdict::fail("public");
        let site = subject("S3.8", "arn:aws:s3:::www-example", &t);
        match ex.standing(&site, &fail, TODAY) {
            Some(Standing::Excepted(e)) => {
                assert_eq!((e.entry, e.ticket.as_deref()), (1, Some("SEC-1")));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(ex.standing(&site, &Verdict::pass("blocked"), TODAY), None);
        assert_eq!(
            ex.standing(&subject("S3.8", "arn:aws:s3:::other", &t), &fail, TODAY),
            None
        );
        // The last day still applies; the day after, the failure counts again.
        assert!(matches!(
            ex.standing(&site, &fail, date!(2026 - 12 - 20)),
            Some(Standing::Excepted(_))
        ));
        let after = ex.standing(&site, &fail, date!(2026 - 12 - 21)).unwrap();
        assert!(matches!(after, Standing::Expired(_)));
        assert!(
            after.note().contains("expired on 2026-12-20"),
            "{}",
            after.note()
        );
        // An entry already expired when the file was read.
        let lapsed = ex
            .standing(&subject("S3.2", "arn:aws:s3:::any", &t), &fail, TODAY)
            .unwrap();
        assert!(matches!(
            lapsed,
            Standing::Expired(Excepted { entry: 2, .. })
        ));
    }
}
