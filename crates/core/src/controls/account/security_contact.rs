//! Account.1 — Security contact information should be provided for an AWS account.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::account;
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::SecurityContact;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "Account.1",
    title: "Security contact information should be provided for an AWS account",
    severity: Severity::Medium,
    resource_types: account::RESOURCE_TYPES,
    rationale: "Passes when the account has a security alternate contact with an email address \
                (account:GetAlternateContact for SECURITY), so AWS can reach the people who \
                handle security notices; fails when no security contact is registered or it has \
                no email address. Account-wide: evaluated once, in the Region that evaluates \
                global resources.",
    remediation: "Register a security alternate contact (name, title, email, phone) for the \
                  account in the console's Account page or with `aws account \
                  put-alternate-contact --alternate-contact-type SECURITY`; use a monitored \
                  team address rather than a person's mailbox.",
    remediation_url: "https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-contact-alternate.html",
    remediation_hook: Remediation::NotifyOnly {
        why: "a person must provide the security contact's details",
    },
    duty: Duty::LoggingAndMonitoring,
    mappings: Mappings {
        fsbp: Some("Account.1"),
        cis_v3: Some("1.2"),
        nist_800_53_r5: &["CM-2", "CM-2(2)"],
    },
    parameters: &[],
    evidence: &[EvidenceKind::SecurityContact],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let contact: SecurityContact =
        match account::evidence(ctx, EvidenceKind::SecurityContact, &["present"]) {
            Ok(contact) => contact,
            Err(verdict) => return verdict,
        };
    if !contact.present {
        Verdict::fail("no security alternate contact is registered for the account")
    } else if !contact.has_email_address {
        Verdict::fail("the security alternate contact has no email address")
    } else {
        Verdict::pass("a security alternate contact with an email address is registered")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account::testing;
    use serde_json::json;

    fn run(evidence: serde_json::Value) -> Verdict {
        testing::run(&CONTROL, EvidenceKind::SecurityContact, evidence)
    }

    #[test]
    fn a_contact_needs_an_email_address() {
        assert!(run(json!({"present": true, "hasEmailAddress": true})).is_compliant());
        let v = run(json!({"present": true, "hasEmailAddress": false, "hasName": true}));
        assert_eq!(
            v,
            Verdict::fail("the security alternate contact has no email address")
        );
        assert!(run(json!({"present": false})).is_non_compliant());
        assert!(run(json!({"hasEmailAddress": true})).is_insufficient());
    }
}
