//! IAM.3 — IAM users' access keys should be rotated every 90 days or less.
//!
//! AWS's rule (`access-keys-rotated`, parameter `maxAccessKeyAge`, default 90) fails a user with an
//! *active* access key created more than `maxAccessKeyAge` days ago. The keys are not in the
//! `AWS::IAM::User` configuration item; the IamUserAccessKeys evidence lists them
//! (`iam:ListAccessKeys`) with the moment of listing (`collectedAt`), and each key's age is taken
//! at that moment. Inactive keys do not count. A key whose status is neither `Active` nor
//! `Inactive`, or an active key without a readable creation date, is INSUFFICIENT_DATA: it might
//! be old. Evidence without `collectedAt` is INSUFFICIENT_DATA too — falling back to the item's
//! capture time could understate an age.

use super::user_evidence::{date, days, required_time, user_name};
use crate::control::{Context, Control, Duty, Mappings, Severity};
use crate::controls::evidence_fields::evidence_with;
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::AccessKeys;
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;
use time::Duration;

const MAX_AGE: &str = "maxAccessKeyAge";

pub const CONTROL: Control = Control {
    id: "IAM.3",
    title: "IAM users' access keys should be rotated every 90 days or less",
    severity: Severity::Medium,
    resource_types: &["AWS::IAM::User"],
    rationale: "Fails when an Active access key of the user was created more than \
                maxAccessKeyAge days before the keys were listed (IamUserAccessKeys evidence, \
                age taken at its collectedAt); inactive keys do not count. Passes when the user \
                has no active key older than that.",
    remediation: "Create a second access key (iam:CreateAccessKey), move every application to \
                  it, deactivate the old key (iam:UpdateAccessKey --status Inactive) and delete it \
                  once nothing breaks (iam:DeleteAccessKey). Better still, replace long-lived \
                  user keys with IAM roles or IAM Identity Center.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-3",
    remediation_hook: super::CREDENTIALS_BELONG_TO_PEOPLE,
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("IAM.3"),
        cis_v3: Some("1.14"),
        nist_800_53_r5: &["AC-2(1)", "AC-2(3)", "AC-3(15)"],
    },
    parameters: &[ParamSpec {
        name: MAX_AGE,
        kind: ParamKind::Int { min: 1, max: 365 },
        default: "90",
        description: "Days an active access key may exist before it must be rotated.",
    }],
    evidence: &[EvidenceKind::IamUserAccessKeys],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    // Without `keys` the evidence would read as a user with no key at all: a pass on a guess.
    let keys: AccessKeys = match evidence_with(ctx, EvidenceKind::IamUserAccessKeys, &["keys"]) {
        Ok(k) => k,
        Err(verdict) => return verdict,
    };
    let user = user_name(ctx.item);
    let max = ctx.int(MAX_AGE);
    let listed_at = match required_time(
        keys.collected_at.as_deref(),
        "IamUserAccessKeys evidence collectedAt",
    ) {
        Ok(t) => t,
        Err(verdict) => return verdict,
    };
    let mut active = 0;
    let mut old = Vec::new();
    for (i, key) in keys.keys.iter().enumerate() {
        let id = match key.access_key_id.trim() {
            "" => format!("#{}", i + 1),
            id => id.to_owned(),
        };
        let status = key.status.trim();
        if status.eq_ignore_ascii_case("inactive") {
            continue;
        }
        if !status.eq_ignore_ascii_case("active") {
            return Verdict::insufficient(format!(
                "access key {id} of user {user} has status '{status}', neither Active nor \
                 Inactive, so it may be an old key in use"
            ));
        }
        active += 1;
        let created = match required_time(
            key.create_date.as_deref(),
            &format!("IamUserAccessKeys evidence keys[{i}].createDate"),
        ) {
            Ok(t) => t,
            Err(verdict) => return verdict,
        };
        let age = listed_at - created;
        if age > Duration::days(max) {
            old.push(format!(
                "access key {id} is active and {} days old (created {})",
                days(age),
                date(created)
            ));
        }
    }
    if !old.is_empty() {
        return Verdict::fail(format!(
            "user {user}: {}; keys must be rotated within {max} days (maxAccessKeyAge)",
            old.join("; ")
        ));
    }
    match active {
        0 => Verdict::pass(format!("user {user} has no active access key")),
        n => Verdict::pass(format!(
            "user {user} has {n} active access key(s), none older than {max} days"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::evidence_fields::run_with_evidence;
    use serde_json::{Value, json};

    fn run(evidence: Value, max: &str) -> Verdict {
        let user = json!({"userName": "ci-deployer"});
        let kind = EvidenceKind::IamUserAccessKeys;
        run_with_evidence(&CONTROL, user, kind, Some(evidence), &[(MAX_AGE, max)])
    }

    fn key(id: &str, status: &str, created: &str) -> Value {
        json!({"accessKeyId": id, "status": status, "createDate": created})
    }

    const AT: &str = "2026-06-01T00:00:00Z";

    /// Found by the fail-safe property test: evidence without `keys` passed as "no active key".
    #[test]
    fn evidence_without_its_key_list_is_insufficient() {
        let v = run(json!({"collectedAt": AT}), "90");
        assert!(v.is_insufficient(), "{v}");
        assert!(v.reason().contains("`keys`"), "{v}");
        assert!(run(json!({"collectedAt": AT, "keys": []}), "90").is_compliant());
    }

    #[test]
    fn an_old_active_key_fails_and_is_named() {
        let v = run(
            json!({"collectedAt": AT, "keys": [
                key("AKIAOLD", "Active", "2026-01-01T00:00:00Z"),
                key("AKIANEW", "Active", "2026-05-01T00:00:00Z")]}),
            "90",
        );
        assert_eq!(
            v,
            Verdict::fail(
                "user ci-deployer: access key AKIAOLD is active and 151 days old (created \
                 2026-01-01); keys must be rotated within 90 days (maxAccessKeyAge)"
            )
        );
    }

    #[test]
    fn the_boundary_is_more_than_max_days() {
        let exactly =
            json!({"collectedAt": AT, "keys": [key("A", "Active", "2026-03-03T00:00:00Z")]});
        assert!(run(exactly, "90").is_compliant());
        let one_second_more =
            json!({"collectedAt": AT, "keys": [key("A", "Active", "2026-03-02T23:59:59Z")]});
        assert!(run(one_second_more, "90").is_non_compliant());
    }

    #[test]
    fn inactive_keys_and_no_keys_pass() {
        let v = run(
            json!({"collectedAt": AT, "keys": [key("A", "Inactive", "2020-01-01T00:00:00Z")]}),
            "90",
        );
        assert_eq!(
            v,
            Verdict::pass("user ci-deployer has no active access key")
        );
        assert!(run(json!({"collectedAt": AT, "keys": []}), "90").is_compliant());
    }

    #[test]
    fn the_parameter_tightens_the_limit() {
        let ev = json!({"collectedAt": AT, "keys": [key("A", "active", "2026-04-01T00:00:00Z")]});
        assert!(run(ev.clone(), "90").is_compliant());
        assert!(run(ev, "30").is_non_compliant());
    }

    #[test]
    fn what_cannot_be_dated_is_insufficient() {
        for ev in [
            json!({"keys": [key("A", "Active", "2026-04-01T00:00:00Z")]}),
            json!({"collectedAt": "yesterday", "keys": []}),
            json!({"collectedAt": AT, "keys": [{"accessKeyId": "A", "status": "Active"}]}),
            json!({"collectedAt": AT, "keys": [key("A", "Active", "01/04/2026")]}),
            json!({"collectedAt": AT, "keys": [key("A", "", "2026-04-01T00:00:00Z")]}),
            json!({"collectedAt": AT, "keys": "AKIA"}),
        ] {
            let v = run(ev.clone(), "90");
            assert!(v.is_insufficient(), "{ev}: {v}");
        }
        let v = run(
            json!({"collectedAt": AT, "keys": [{"status": "Active"}]}),
            "90",
        );
        assert!(v.reason().contains("keys[0].createDate"), "{v}");
    }
}
