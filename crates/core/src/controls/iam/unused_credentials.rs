//! The evaluation shared by IAM.8 (90 days) and IAM.22 (45 days, CIS 1.12): unused IAM user
//! credentials should be removed.
//!
//! AWS's rule (`iam-user-unused-credentials-check`, parameter `maxCredentialUsageAge`) fails a
//! user whose console password or active access key has not been used within that many days. It
//! reads the IAM credential report, which AWS regenerates at most every four hours; the
//! IamCredentialReportRow evidence is the user's row, and every age is taken at the report's
//! `generatedAt`.
//!
//! * A console password (`passwordEnabled`) fails when `passwordLastUsed` is at least the
//!   threshold before the report; a password never used counts from when it was set
//!   (`passwordLastChanged`, else the user's creation).
//! * Each active access key fails when its `lastUsedDate` is at least the threshold old; a key
//!   never used counts from its creation or last rotation (`lastRotated`, else the user's
//!   creation).
//! * Inactive keys and a disabled password are not credentials in use and do not count.
//!
//! Because a passing verdict rests on `passwordEnabled`, `accessKey1Active` and
//! `accessKey2Active` being false, an entry missing any of them is INSUFFICIENT_DATA, as is a row
//! that names another user or has no readable `generatedAt`.

use super::user_evidence::{date, days, optional_time, required_time, user_name};
use crate::control::Context;
use crate::controls::evidence_fields::evidence_with;
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::CredentialReportRow;
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;
use time::{Duration, OffsetDateTime};

/// The parameter both controls declare, as AWS's rule names it.
pub(crate) const MAX_USAGE_AGE: &str = "maxCredentialUsageAge";

/// The `maxCredentialUsageAge` parameter with the control's default number of days.
pub(crate) const fn max_usage_age(default: &'static str) -> ParamSpec {
    ParamSpec {
        name: MAX_USAGE_AGE,
        kind: ParamKind::Int { min: 1, max: 365 },
        default,
        description: "Days within which a console password or an active access key must have \
                      been used.",
    }
}

/// Test support: the control's verdict on user `name` with this credential report row.
#[cfg(test)]
pub(crate) fn run_row(
    control: &crate::Control,
    name: &str,
    row: serde_json::Value,
    overrides: &[(&str, &str)],
) -> Verdict {
    let user = serde_json::json!({ "userName": name });
    let kind = EvidenceKind::IamCredentialReportRow;
    crate::controls::evidence_fields::run_with_evidence(control, user, kind, Some(row), overrides)
}

/// The shared rationale (the controls differ only in the default threshold).
pub(crate) const RATIONALE: &str = "Fails when the user's console password or an active access \
     key was last used maxCredentialUsageAge days or more before the credential report was \
     generated (IamCredentialReportRow evidence); a credential never used counts from when it \
     was set or rotated. Passes when every enabled credential was used more recently, or the \
     user has none.";

/// The shared remediation text.
pub(crate) const REMEDIATION: &str = "Deactivate or delete what is unused: the console password \
     (iam:DeleteLoginProfile) and stale access keys (iam:UpdateAccessKey --status Inactive, then \
     iam:DeleteAccessKey). Remove the user when it no longer needs any credential.";

const FIELDS: &[&str] = &["passwordEnabled", "accessKey1Active", "accessKey2Active"];

/// The verdict of an unused-credentials control with its `maxCredentialUsageAge`.
pub(crate) fn evaluate(ctx: &Context<'_>) -> Verdict {
    let row: CredentialReportRow =
        match evidence_with(ctx, EvidenceKind::IamCredentialReportRow, FIELDS) {
            Ok(r) => r,
            Err(verdict) => return verdict,
        };
    let user = user_name(ctx.item);
    let reported = row.user.trim();
    if !reported.is_empty() && reported != user {
        return Verdict::insufficient(format!(
            "the IamCredentialReportRow evidence is the credential report row of user \
             {reported}, not of {user}"
        ));
    }
    let max = ctx.int(MAX_USAGE_AGE);
    let findings = match stale_credentials(&row, max) {
        Ok(f) => f,
        Err(verdict) => return verdict,
    };
    if !findings.stale.is_empty() {
        Verdict::fail(format!("user {user}: {}", findings.stale.join("; ")))
    } else if findings.in_use.is_empty() {
        Verdict::pass(format!(
            "user {user} has no console password and no active access key"
        ))
    } else {
        Verdict::pass(format!(
            "user {user}: {} used within the last {max} days",
            findings.in_use.join(" and ")
        ))
    }
}

struct Findings {
    /// One sentence per unused credential.
    stale: Vec<String>,
    /// The enabled credentials that were used recently enough ("console password").
    in_use: Vec<String>,
}

/// Sorts the row's enabled credentials into stale and in use.
fn stale_credentials(row: &CredentialReportRow, max_days: i64) -> Result<Findings, Verdict> {
    let at = required_time(
        row.generated_at.as_deref(),
        "IamCredentialReportRow evidence generatedAt",
    )?;
    let created = optional_time(row.user_creation_time.as_deref(), "userCreationTime")?;
    let limit = Duration::days(max_days);
    let mut findings = Findings {
        stale: Vec::new(),
        in_use: Vec::new(),
    };
    if row.password_enabled {
        let set = optional_time(row.password_last_changed.as_deref(), "passwordLastChanged")?;
        let usage = Usage::of(
            "console password",
            optional_time(row.password_last_used.as_deref(), "passwordLastUsed")?,
            set.or(created),
            "set",
        )?;
        usage.sort_into(at, limit, &mut findings);
    }
    let keys = [
        (
            row.access_key_1_active,
            &row.access_key_1_last_used_date,
            &row.access_key_1_last_rotated,
            1,
        ),
        (
            row.access_key_2_active,
            &row.access_key_2_last_used_date,
            &row.access_key_2_last_rotated,
            2,
        ),
    ];
    for (active, used, rotated, n) in keys {
        if !active {
            continue;
        }
        let rotated = optional_time(rotated.as_deref(), &format!("accessKey{n}LastRotated"))?;
        let usage = Usage::of(
            &format!("access key {n}"),
            optional_time(used.as_deref(), &format!("accessKey{n}LastUsedDate"))?,
            rotated.or(created),
            "created",
        )?;
        usage.sort_into(at, limit, &mut findings);
    }
    Ok(findings)
}

/// When a credential was last used, or since when it has existed unused.
struct Usage {
    name: String,
    last_used: Option<OffsetDateTime>,
    since: OffsetDateTime,
    since_word: &'static str,
}

impl Usage {
    fn of(
        name: &str,
        last_used: Option<OffsetDateTime>,
        since: Option<OffsetDateTime>,
        since_word: &'static str,
    ) -> Result<Usage, Verdict> {
        let since = match (last_used, since) {
            (Some(t), _) | (None, Some(t)) => t,
            (None, None) => {
                return Err(Verdict::insufficient(format!(
                    "the {name} was never used and the credential report says neither when it \
                     was {since_word} nor when the user was created, so its age is unknown"
                )));
            }
        };
        Ok(Usage {
            name: name.to_owned(),
            last_used,
            since,
            since_word,
        })
    }

    fn sort_into(self, at: OffsetDateTime, limit: Duration, findings: &mut Findings) {
        let idle = at - self.since;
        if idle < limit {
            findings.in_use.push(self.name);
            return;
        }
        findings.stale.push(match self.last_used {
            Some(used) => format!(
                "{} last used {} days ago ({})",
                self.name,
                days(idle),
                date(used)
            ),
            None => format!(
                "{} never used, {} {} days ago ({})",
                self.name,
                self.since_word,
                days(idle),
                date(self.since)
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    const AT: &str = "2026-06-01T00:00:00+00:00";

    fn row(extra: Value) -> CredentialReportRow {
        let mut base = json!({"user": "ana", "generatedAt": AT,
            "userCreationTime": "2025-01-01T00:00:00+00:00",
            "passwordEnabled": false, "accessKey1Active": false, "accessKey2Active": false});
        if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        serde_json::from_value(base).unwrap()
    }

    fn stale(extra: Value, max: i64) -> Vec<String> {
        stale_credentials(&row(extra), max).unwrap().stale
    }

    #[test]
    fn a_password_unused_past_the_threshold_is_stale() {
        let s = stale(
            json!({"passwordEnabled": true, "passwordLastUsed": "2026-01-31T10:00:00+00:00"}),
            90,
        );
        assert_eq!(s, ["console password last used 120 days ago (2026-01-31)"]);
        assert!(
            stale(
                json!({"passwordEnabled": true, "passwordLastUsed": "2026-05-01T00:00:00+00:00"}),
                90
            )
            .is_empty()
        );
    }

    #[test]
    fn the_threshold_day_itself_is_stale() {
        // 45 days exactly: "unused for 45 days or more".
        let s = stale(
            json!({"accessKey1Active": true, "accessKey1LastUsedDate": "2026-04-17T00:00:00+00:00"}),
            45,
        );
        assert_eq!(s.len(), 1, "{s:?}");
        let s = stale(
            json!({"accessKey1Active": true, "accessKey1LastUsedDate": "2026-04-17T00:00:01+00:00"}),
            45,
        );
        assert!(s.is_empty(), "{s:?}");
    }

    #[test]
    fn never_used_credentials_count_from_when_they_were_set() {
        let s = stale(
            json!({"passwordEnabled": true, "passwordLastUsed": "N/A",
                   "passwordLastChanged": "2026-05-20T00:00:00+00:00",
                   "accessKey2Active": true, "accessKey2LastRotated": "2026-02-01T00:00:00+00:00"}),
            45,
        );
        assert_eq!(
            s,
            ["access key 2 never used, created 120 days ago (2026-02-01)"]
        );
        // No password date: the user's creation is the start.
        let s = stale(json!({"passwordEnabled": true}), 45);
        assert_eq!(
            s,
            ["console password never used, set 516 days ago (2025-01-01)"]
        );
    }

    #[test]
    fn inactive_credentials_do_not_count() {
        let f = stale_credentials(
            &row(json!({"accessKey1Active": false,
                        "accessKey1LastUsedDate": "2020-01-01T00:00:00+00:00"})),
            45,
        )
        .unwrap();
        assert!(f.stale.is_empty() && f.in_use.is_empty());
    }

    #[test]
    fn undatable_credentials_are_insufficient() {
        let err = |extra: Value| stale_credentials(&row(extra), 90).err();
        let v = err(json!({"generatedAt": null})).unwrap();
        assert!(v.reason().contains("generatedAt is missing"), "{v}");
        let v = err(json!({"passwordEnabled": true, "userCreationTime": null})).unwrap();
        assert!(
            v.reason().contains("console password was never used"),
            "{v}"
        );
        let v =
            err(json!({"accessKey1Active": true, "accessKey1LastUsedDate": "2026-13-01"})).unwrap();
        assert!(v.reason().contains("accessKey1LastUsedDate"), "{v}");
        // A bad date on a credential that is not enabled does not matter.
        assert!(err(json!({"accessKey2LastUsedDate": "garbage"})).is_none());
    }
}
