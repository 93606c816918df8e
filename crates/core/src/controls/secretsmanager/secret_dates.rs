//! Shared by SecretsManager.3 and SecretsManager.4: the age of a secret's last use or rotation,
//! from the SecretsManagerSecret evidence (`secretsmanager:DescribeSecret`).
//!
//! The core reads no clock: an age is taken at the evidence's `collectedAt`, as the IAM
//! credential controls take theirs. Secrets marked deleted (`configuration.Deleted`, confirmed in
//! the AWS Config resource schema, or a `DeletedDate` in the evidence) are NOT_APPLICABLE.

use crate::control::Context;
use crate::controls::checks::{config_name, flag};
use crate::controls::evidence_fields::evidence_with;
use crate::controls::iam::user_evidence::{date, days, optional_time, required_time};
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::SecretDates;
use crate::verdict::Verdict;
use time::Duration;

/// Which date of the secret a control judges.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Judged {
    /// The evidence field (`lastAccessedDate`), read from `pick`.
    pub(crate) field: &'static str,
    pub(crate) pick: fn(&SecretDates) -> Option<&str>,
    /// What the date means, for reasons ("last accessed").
    pub(crate) what: &'static str,
    /// What it means when the date is absent ("never accessed").
    pub(crate) never: &'static str,
    /// The parameter holding the most days allowed.
    pub(crate) parameter: &'static str,
}

/// PASSED when the judged date (or, when it never happened, the creation date) is at most the
/// parameter's days before `collectedAt`; FAILED when older.
pub(crate) fn decide(ctx: &Context<'_>, judged: Judged) -> Verdict {
    let item = ctx.item;
    let name = item
        .config_str("/Name")
        .or(item.resource_name.as_deref())
        .unwrap_or(&item.resource_id);
    let deleted_field = config_name("/Deleted");
    match flag(
        crate::item::json_pointer(&item.configuration, "/Deleted"),
        &deleted_field,
    ) {
        Err(verdict) => return verdict,
        Ok(Some(true)) => {
            return Verdict::not_applicable(format!(
                "secret {name} is scheduled for deletion ({deleted_field} is true)"
            ));
        }
        Ok(_) => {}
    }
    let dates: SecretDates =
        match evidence_with(ctx, EvidenceKind::SecretsManagerSecret, &["collectedAt"]) {
            Ok(d) => d,
            Err(verdict) => return verdict,
        };
    let field = |f: &str| format!("SecretsManagerSecret evidence {f}");
    match optional_time(dates.deleted_date.as_deref(), &field("deletedDate")) {
        Err(verdict) => return verdict,
        Ok(Some(when)) => {
            return Verdict::not_applicable(format!(
                "secret {name} is scheduled for deletion (deleted {})",
                date(when)
            ));
        }
        Ok(None) => {}
    }
    let at = match required_time(dates.collected_at.as_deref(), &field("collectedAt")) {
        Ok(t) => t,
        Err(verdict) => return verdict,
    };
    let max = ctx.int(judged.parameter);
    let (since, what) = match optional_time((judged.pick)(&dates), &field(judged.field)) {
        Err(verdict) => return verdict,
        Ok(Some(t)) => (t, judged.what.to_owned()),
        Ok(None) => match required_time(dates.created_date.as_deref(), &field("createdDate")) {
            Err(verdict) => return verdict,
            Ok(t) => (t, format!("{}, created", judged.never)),
        },
    };
    let age = at - since;
    if age > Duration::days(max) {
        Verdict::fail(format!(
            "secret {name} was {what} {} ({} days ago), more than {max} days ({})",
            date(since),
            days(age),
            judged.parameter
        ))
    } else {
        Verdict::pass(format!(
            "secret {name} was {what} {} ({} days ago), within {max} days",
            date(since),
            days(age)
        ))
    }
}
