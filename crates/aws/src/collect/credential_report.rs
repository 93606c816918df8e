//! The IAM credential report: generated and downloaded once (then cached briefly), parsed from its
//! CSV, one user's row handed out per item.

use super::to_json;
use crate::clients::AwsClients;
use crate::convert::rfc3339;
use crate::error::{SdkResultExt, from_sdk, incomplete};
use aws_sdk_iam::operation::get_credential_report::GetCredentialReportError;
use aws_sdk_iam::types::ReportStateType;
use serde_json::Value;
use sidewatch_core::EvidenceError;
use sidewatch_core::evidence::shapes::CredentialReportRow;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// How long a downloaded report (or the failure to get one) is reused. AWS itself regenerates the
/// report at most every 4 hours, so this only saves calls within one sweep.
pub const CACHE_FOR: Duration = Duration::from_secs(5 * 60);

/// How often `GenerateCredentialReport` is asked before giving up on a report being ready.
const GENERATE_ATTEMPTS: u32 = 10;

/// The row of the root user, which is not an IAM user.
const ROOT_ROW: &str = "<root_account>";

/// A parsed credential report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CredentialReport {
    /// When AWS generated it (RFC 3339), from `GetCredentialReport`.
    pub generated_at: Option<String>,
    /// One map per user, column name to cell.
    pub rows: Vec<BTreeMap<String, String>>,
}

type Cached = Result<Arc<CredentialReport>, EvidenceError>;

#[derive(Debug, Default)]
pub(super) struct ReportCache {
    slot: Mutex<Option<(Instant, Cached)>>,
}

impl ReportCache {
    /// The cached report, or a fresh one. Concurrent callers wait for one download.
    pub(super) async fn get(&self, c: &AwsClients) -> Cached {
        let mut slot = self.slot.lock().await;
        if let Some((at, cached)) = slot.as_ref()
            && at.elapsed() < CACHE_FOR
        {
            return cached.clone();
        }
        let fresh = download(c).await.map(Arc::new);
        *slot = Some((Instant::now(), fresh.clone()));
        fresh
    }
}

/// `iam:GenerateCredentialReport` until it is complete, then `iam:GetCredentialReport`.
async fn download(c: &AwsClients) -> Result<CredentialReport, EvidenceError> {
    let mut wait = Duration::from_millis(250);
    for _ in 0..GENERATE_ATTEMPTS {
        let generated = c
            .iam
            .generate_credential_report()
            .send()
            .await
            .or_evidence_error()?;
        if generated.state() == Some(&ReportStateType::Complete) {
            match c.iam.get_credential_report().send().await {
                Ok(out) => {
                    let content = out
                        .content()
                        .ok_or_else(|| incomplete("GetCredentialReport returned no Content"))?;
                    let text = std::str::from_utf8(content.as_ref()).map_err(|_| {
                        EvidenceError::new("InvalidResponse", "the credential report is not UTF-8")
                    })?;
                    return parse_credential_report(text, out.generated_time().and_then(rfc3339));
                }
                Err(e) if not_ready(&e) => {}
                Err(e) => return Err(from_sdk(&e)),
            }
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(4));
    }
    Err(EvidenceError::new(
        "ReportInProgress",
        "the credential report was still being generated; the next run will read it",
    ))
}

fn not_ready<R>(
    e: &aws_smithy_runtime_api::client::result::SdkError<GetCredentialReportError, R>,
) -> bool {
    e.as_service_error().is_some_and(|s| {
        s.is_credential_report_not_ready_exception()
            || s.is_credential_report_not_present_exception()
            || s.is_credential_report_expired_exception()
    })
}

/// Parses the report's CSV (RFC 4180: quoted cells may hold commas, quotes and newlines).
pub fn parse_credential_report(
    text: &str,
    generated_at: Option<String>,
) -> Result<CredentialReport, EvidenceError> {
    let mut records = parse_csv(text)?.into_iter();
    let header = records
        .next()
        .ok_or_else(|| malformed("it is empty".to_owned()))?;
    for column in ["user", "arn", "password_enabled", "mfa_active"] {
        if !header.iter().any(|h| h == column) {
            return Err(malformed(format!("its header has no `{column}` column")));
        }
    }
    let mut rows = Vec::new();
    for (n, record) in records.enumerate() {
        if record.len() == 1 && record[0].is_empty() {
            continue; // a trailing blank line
        }
        if record.len() != header.len() {
            return Err(malformed(format!(
                "row {} has {} cells for {} columns",
                n + 1,
                record.len(),
                header.len()
            )));
        }
        rows.push(header.iter().cloned().zip(record).collect());
    }
    Ok(CredentialReport { generated_at, rows })
}

fn malformed(why: String) -> EvidenceError {
    EvidenceError::new(
        "InvalidResponse",
        format!("the credential report is malformed: {why}"),
    )
}

fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, EvidenceError> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut cell = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(ch) = chars.next() {
        if quoted {
            match ch {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => quoted = false,
                other => cell.push(other),
            }
            continue;
        }
        match ch {
            '"' if cell.is_empty() => quoted = true,
            ',' => record.push(std::mem::take(&mut cell)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(std::mem::take(&mut cell));
                records.push(std::mem::take(&mut record));
            }
            other => cell.push(other),
        }
    }
    if quoted {
        return Err(malformed("a quoted cell is not closed".to_owned()));
    }
    if !cell.is_empty() || !record.is_empty() {
        record.push(cell);
        records.push(record);
    }
    Ok(records)
}

/// The row of `user` (matched by ARN when the item has one, else by name) as the evidence shape.
pub(super) fn row_for(
    report: &CredentialReport,
    user: &str,
    arn: Option<&str>,
) -> Result<Value, EvidenceError> {
    fn cell<'a>(row: &'a BTreeMap<String, String>, column: &str) -> &'a str {
        row.get(column).map(String::as_str).unwrap_or_default()
    }
    let row = report
        .rows
        .iter()
        .filter(|row| cell(row, "user") != ROOT_ROW)
        .find(|row| match arn {
            Some(arn) => cell(row, "arn") == arn,
            None => cell(row, "user") == user,
        })
        .ok_or_else(|| {
            EvidenceError::new(
                "NotInCredentialReport",
                format!(
                    "user {user} is not in the credential report generated at {} (AWS adds \
                     new users when it regenerates the report, at most every 4 hours)",
                    report.generated_at.as_deref().unwrap_or("an unknown time")
                ),
            )
        })?;
    let flag = |column: &str| match cell(row, column) {
        "true" | "TRUE" => Ok(true),
        "false" | "FALSE" => Ok(false),
        other => Err(malformed(format!(
            "`{column}` of user {user} is `{other}`, not true or false"
        ))),
    };
    let time = |column: &str| {
        let value = cell(row, column).trim();
        match value {
            "" | "N/A" | "no_information" | "not_supported" => None,
            other => Some(other.to_owned()),
        }
    };
    to_json(&CredentialReportRow {
        user: cell(row, "user").to_owned(),
        arn: cell(row, "arn").to_owned(),
        user_creation_time: time("user_creation_time"),
        password_enabled: flag("password_enabled")?,
        password_last_used: time("password_last_used"),
        password_last_changed: time("password_last_changed"),
        mfa_active: flag("mfa_active")?,
        access_key_1_active: flag("access_key_1_active")?,
        access_key_1_last_rotated: time("access_key_1_last_rotated"),
        access_key_1_last_used_date: time("access_key_1_last_used_date"),
        access_key_2_active: flag("access_key_2_active")?,
        access_key_2_last_rotated: time("access_key_2_last_rotated"),
        access_key_2_last_used_date: time("access_key_2_last_used_date"),
        generated_at: report.generated_at.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n\
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2024-05-01T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n\
dana,arn:aws:iam::123456789012:user/dana,2024-02-19T11:02:33+00:00,true,no_information,2024-02-19T11:05:00+00:00,N/A,false,true,2024-02-19T11:10:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n\
\"ops,team\",\"arn:aws:iam::123456789012:user/ops,team\",2024-02-19T11:02:33+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n";

    fn row(user: &str, arn: Option<&str>) -> Result<CredentialReportRow, EvidenceError> {
        let report = parse_credential_report(REPORT, Some("2024-06-01T00:00:00Z".into()))?;
        row_for(&report, user, arn).map(|v| serde_json::from_value(v).unwrap())
    }

    #[test]
    fn rows_are_parsed_with_na_and_no_information_as_none() {
        let dana = row("dana", Some("arn:aws:iam::123456789012:user/dana")).unwrap();
        assert!(dana.password_enabled && !dana.mfa_active && dana.access_key_1_active);
        assert_eq!(dana.password_last_used, None);
        assert_eq!(
            dana.access_key_1_last_rotated.as_deref(),
            Some("2024-02-19T11:10:00+00:00")
        );
        assert_eq!(dana.access_key_1_last_used_date, None);
        assert_eq!(dana.generated_at.as_deref(), Some("2024-06-01T00:00:00Z"));
    }

    #[test]
    fn quoted_cells_and_missing_users_and_the_root_row() {
        let ops = row("ops,team", None).unwrap();
        assert_eq!(ops.arn, "arn:aws:iam::123456789012:user/ops,team");
        let err = row("erin", None).unwrap_err();
        assert_eq!(err.code, "NotInCredentialReport");
        let err = row(ROOT_ROW, None).unwrap_err();
        assert_eq!(err.code, "NotInCredentialReport", "root is not a user");
    }

    #[test]
    fn malformed_reports_are_errors_not_defaults() {
        assert!(parse_credential_report("", None).is_err());
        assert!(parse_credential_report("user,arn\nx,y\n", None).is_err());
        let ragged = "user,arn,password_enabled,mfa_active\nx,y,true\n";
        assert!(parse_credential_report(ragged, None).is_err());
        assert!(parse_credential_report("\"user,arn", None).is_err());
        let odd = "user,arn,password_enabled,mfa_active,access_key_1_active,access_key_2_active\n\
                   x,arn:x,maybe,false,false,false\n";
        let report = parse_credential_report(odd, None).unwrap();
        let err = row_for(&report, "x", None).unwrap_err();
        assert!(err.message.contains("password_enabled"), "{err}");
    }
}
