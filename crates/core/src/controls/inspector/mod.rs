//! Amazon Inspector controls: each scan type enabled for the account (and, in a delegated
//! administrator, for every associated member), one finding per account and Region.
//!
//! The four controls differ only in the scan type they read from the InspectorAccountStatus
//! evidence (`inspector2:BatchGetAccountStatus` → `resourceState.<type>.status`), so they share
//! `decide`.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::account;
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::{InspectorAccount, InspectorAccountStatus};
use crate::verdict::Verdict;

pub mod ec2_scan;
pub mod ecr_scan;
pub mod lambda_code_scan;
pub mod lambda_scan;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[
    &ec2_scan::CONTROL,
    &ecr_scan::CONTROL,
    &lambda_code_scan::CONTROL,
    &lambda_scan::CONTROL,
];

/// One Inspector scan type: how AWS names it in `resourceState`, and its status in an entry.
pub(crate) struct Scan {
    /// `ec2`, `ecr`, `lambda`, `lambdaCode`.
    pub(crate) name: &'static str,
    /// What people call it ("EC2 scanning").
    pub(crate) label: &'static str,
    pub(crate) status: fn(&InspectorAccount) -> Option<&str>,
}

/// The control for one scan type: the four differ only in their words and the scan they read.
/// AWS's control reference gives them no NIST SP 800-53 mapping sidewatch could confirm.
pub(crate) const fn scan_control(
    id: &'static str,
    title: &'static str,
    rationale: &'static str,
    remediation: &'static str,
    remediation_url: &'static str,
    evaluate: fn(&Context<'_>) -> Verdict,
) -> Control {
    Control {
        id,
        title,
        severity: Severity::High,
        resource_types: account::RESOURCE_TYPES,
        rationale,
        remediation,
        remediation_url,
        remediation_hook: Remediation::NotifyOnly {
            why: "activating Amazon Inspector scanning costs money and is usually an \
                  organization-level decision",
        },
        duty: Duty::OsAndPatching,
        mappings: Mappings {
            fsbp: Some(id),
            cis_v3: None,
            nist_800_53_r5: &[],
        },
        parameters: &[],
        evidence: &[EvidenceKind::InspectorAccountStatus],
        evaluate,
    }
}

/// Passes when every account in the evidence has `scan` ENABLED; fails naming the accounts that
/// do not. An account whose status for the scan type is not reported is INSUFFICIENT_DATA.
pub(crate) fn decide(ctx: &Context<'_>, scan: &Scan) -> Verdict {
    let found: InspectorAccountStatus =
        match account::evidence(ctx, EvidenceKind::InspectorAccountStatus, &["accounts"]) {
            Ok(found) => found,
            Err(verdict) => return verdict,
        };
    let region = account::region_name(ctx.item);
    if found.accounts.is_empty() {
        return Verdict::insufficient(format!(
            "the InspectorAccountStatus evidence lists no account, so Amazon Inspector {} in \
             {region} cannot be decided; collect it again",
            scan.label
        ));
    }
    let mut off = Vec::new();
    for entry in &found.accounts {
        match (scan.status)(entry)
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => {
                return Verdict::insufficient(format!(
                    "the InspectorAccountStatus evidence has no resourceState.{} status for \
                     account {}",
                    scan.name, entry.account_id
                ));
            }
            Some(status) if status.eq_ignore_ascii_case("ENABLED") => {}
            Some(status) => off.push(format!("account {} is {status}", entry.account_id)),
        }
    }
    if off.is_empty() {
        let whom = match found.accounts.len() {
            1 => format!("account {}", found.accounts[0].account_id),
            n => format!("all {n} accounts (administrator and members)"),
        };
        Verdict::pass(format!(
            "Amazon Inspector {} is ENABLED in {region} for {whom}",
            scan.label
        ))
    } else {
        Verdict::fail(format!(
            "Amazon Inspector {} is not enabled in {region}: {}",
            scan.label,
            account::join_limited(&off, 3)
        ))
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::controls::account::testing;
    use serde_json::{Value, json};

    /// The control's verdict on the home-Region account item with these `accounts`.
    pub(crate) fn run(control: &Control, accounts: Value) -> Verdict {
        testing::run(
            control,
            EvidenceKind::InspectorAccountStatus,
            json!({ "accounts": accounts }),
        )
    }

    /// Checks that `field` (`ec2`, `lambdaCode`) decides `control`, and nothing else does.
    pub(crate) fn decides_on(control: &Control, field: &str) {
        let mut on = json!({"accountId": "123456789012", "status": "ENABLED",
                            "ec2": "DISABLED", "ecr": "DISABLED", "lambda": "DISABLED",
                            "lambdaCode": "DISABLED"});
        on[field] = json!("ENABLED");
        assert!(run(control, json!([on.clone()])).is_compliant());
        let mut off = json!({"accountId": "123456789012", "status": "ENABLED",
                             "ec2": "ENABLED", "ecr": "ENABLED", "lambda": "ENABLED",
                             "lambdaCode": "ENABLED"});
        off[field] = json!("DISABLED");
        let v = run(control, json!([off.clone()]));
        assert!(
            v.is_non_compliant() && v.reason().contains("123456789012"),
            "{v}"
        );
        // A member that is off fails the administrator's account too.
        let mut member = on.clone();
        member["accountId"] = json!("210987654321");
        member[field] = json!("SUSPENDED");
        let v = run(control, json!([on.clone(), member]));
        assert!(
            v.is_non_compliant() && v.reason().contains("210987654321"),
            "{v}"
        );
        // Unreported status, no account, no evidence: never a pass.
        let mut unknown = on;
        unknown[field] = Value::Null;
        assert!(run(control, json!([unknown])).is_insufficient());
        assert!(run(control, json!([])).is_insufficient());
        assert!(
            testing::run(control, EvidenceKind::InspectorAccountStatus, json!({}))
                .is_insufficient()
        );
    }
}
