//! The account boundary: every door acts only inside its own account.
//!
//! A function knows its account from the ARN Lambda invoked it under; `scan --live` from one STS
//! `GetCallerIdentity` at start. Whatever arrives claiming another account — a Config rule event,
//! an EventBridge event, a configuration item, a sweep message, a Security Hub finding — is refused
//! before any read or write. Reading evidence for another account's item would read THIS
//! account's same-named resource (an IAM user `dana` here is not `dana` there) and pass a control
//! on a resource nobody looked at; writing a finding or an evaluation for another account puts
//! our verdict into its compliance record.
//!
//! The doors list the account ids they carry as [`Claim`]s (the field that holds each, for the
//! message); [`AccountBoundary::check`] is the one rule:
//!
//! ```
//! use sidewatch_core::boundary::{AccountBoundary, Claim};
//!
//! let own = AccountBoundary::new("123456789012").unwrap();
//! assert!(own.check([Claim::new("accountId", "123456789012")]).is_ok());
//! let refused = own
//!     .check([
//!         Claim::new("accountId", "123456789012"),
//!         Claim::new("invokingEvent.configurationItem.awsAccountId", "210987654321"),
//!     ])
//!     .unwrap_err();
//! assert_eq!(refused.field, "invokingEvent.configurationItem.awsAccountId");
//! assert_eq!(refused.found, "210987654321");
//! assert!(refused.to_string().contains("123456789012"));
//! ```

use crate::evidence::EvidenceError;
use crate::item::ConfigurationItem;
use std::fmt;

/// The evidence error code stored for an item of another account: its evidence is not read.
pub const FOREIGN_ACCOUNT_CODE: &str = "ForeignAccount";

/// One account id an input carries, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim<'a> {
    /// The field's path in the input (`detail.configurationItem.awsAccountId`).
    pub field: String,
    /// The account id it holds, as written.
    pub account: &'a str,
}

impl<'a> Claim<'a> {
    pub fn new(field: impl Into<String>, account: &'a str) -> Self {
        Claim {
            field: field.into(),
            account,
        }
    }
}

/// An input of another account than the door's own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{field} is account {found}, but this runs in account {own}: refused before any read or \
     write (sidewatch evaluates and reports only its own account; deploy it in {found} to cover \
     that account)"
)]
pub struct ForeignAccount {
    /// The field that named the other account.
    pub field: String,
    /// The account it named.
    pub found: String,
    /// This door's account.
    pub own: String,
}

/// An account id that is not twelve digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an AWS account id (12 digits)")]
pub struct InvalidAccountId(pub String);

/// The account a door runs in.
#[derive(Clone, PartialEq, Eq)]
pub struct AccountBoundary {
    own: String,
}

impl fmt::Debug for AccountBoundary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountBoundary({})", self.own)
    }
}

impl AccountBoundary {
    /// The boundary of account `own` (12 digits).
    pub fn new(own: &str) -> Result<Self, InvalidAccountId> {
        if is_account_id(own) {
            Ok(AccountBoundary {
                own: own.to_owned(),
            })
        } else {
            Err(InvalidAccountId(own.to_owned()))
        }
    }

    /// The account of the Lambda function invoked as `arn`
    /// (`arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`).
    pub fn of_function_arn(arn: &str) -> Result<Self, InvalidAccountId> {
        match crate::arn::Arn::parse(arn).filter(|a| a.lambda_function().is_some()) {
            Some(function) => Self::new(function.account),
            None => Err(InvalidAccountId(format!(
                "{arn} (not a Lambda function ARN, which names the account)"
            ))),
        }
    }

    /// This door's account id.
    pub fn account(&self) -> &str {
        &self.own
    }

    /// The one rule: every account id the input carries must be this one. The first that is not
    /// is the refusal, naming its field and both accounts. Blank claims are not claims (AWS leaves
    /// some fields empty); a door that needs an account requires the field itself.
    pub fn check<'a>(
        &self,
        claims: impl IntoIterator<Item = Claim<'a>>,
    ) -> Result<(), ForeignAccount> {
        for claim in claims {
            let found = claim.account.trim();
            if !found.is_empty() && found != self.own {
                return Err(ForeignAccount {
                    field: claim.field,
                    found: found.to_owned(),
                    own: self.own.clone(),
                });
            }
        }
        Ok(())
    }

    /// [`AccountBoundary::check`] of a configuration item's `awsAccountId`; `field` is where the
    /// item sits in its input (`configurationItem`), empty at the top.
    pub fn check_item(&self, field: &str, item: &ConfigurationItem) -> Result<(), ForeignAccount> {
        let path = if field.is_empty() {
            "awsAccountId".to_owned()
        } else {
            format!("{field}.awsAccountId")
        };
        self.check(item.account_id.as_deref().map(|a| Claim::new(path, a)))
    }

    /// The evidence error to store, instead of reading, for an item of another account: its
    /// evidence-based controls are then INSUFFICIENT_DATA with a reason naming both accounts.
    /// `None` for an item of this account (or of none).
    pub fn evidence_refusal(&self, item: &ConfigurationItem) -> Option<EvidenceError> {
        self.check_item("", item).err().map(|foreign| {
            EvidenceError::new(
                FOREIGN_ACCOUNT_CODE,
                format!(
                    "the item is in account {} but the credentials are for account {}; its \
                     evidence was not read (it would be this account's); scan it with \
                     credentials of {}",
                    foreign.found, foreign.own, foreign.found
                ),
            )
        })
    }
}

/// True for twelve ASCII digits.
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_are_twelve_digits() {
        assert!(AccountBoundary::new("123456789012").is_ok());
        for bad in [
            "",
            "12345678901",
            "1234567890123",
            "12345678901a",
            " 123456789012",
        ] {
            assert!(AccountBoundary::new(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_account_comes_from_the_function_arn() {
        let own = AccountBoundary::of_function_arn(
            "arn:aws:lambda:eu-west-1:123456789012:function:sidewatch-config-rule",
        )
        .unwrap();
        assert_eq!(own.account(), "123456789012");
        let qualified = AccountBoundary::of_function_arn(
            "arn:aws-cn:lambda:cn-north-1:123456789012:function:f:live",
        )
        .unwrap();
        assert_eq!(qualified.account(), "123456789012");
        for bad in [
            "",
            "arn:aws:lambda:eu-west-1::function:f",
            "arn:aws:s3:::bucket",
            "arn:aws:lambda:eu-west-1:123456789012:layer:l",
        ] {
            assert!(AccountBoundary::of_function_arn(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_first_foreign_claim_is_refused_with_its_field() {
        let own = AccountBoundary::new("123456789012").unwrap();
        assert!(own.check([]).is_ok());
        assert!(own.check([Claim::new("account", " ")]).is_ok());
        let err = own
            .check([
                Claim::new("account", "123456789012"),
                Claim::new("detail.configurationItem.awsAccountId", "999999999999"),
                Claim::new("resources", "888888888888"),
            ])
            .unwrap_err();
        assert_eq!(err.field, "detail.configurationItem.awsAccountId");
        assert_eq!(err.found, "999999999999");
        assert_eq!(err.own, "123456789012");
        let message = err.to_string();
        assert!(message.contains("999999999999") && message.contains("123456789012"));
    }

    #[test]
    fn items_of_another_account_get_no_evidence() {
        let own = AccountBoundary::new("123456789012").unwrap();
        let mut item = ConfigurationItem::new("AWS::IAM::User", "AIDAEXAMPLE");
        assert!(own.evidence_refusal(&item).is_none());
        item.account_id = Some("123456789012".into());
        assert!(own.evidence_refusal(&item).is_none());
        item.account_id = Some("999999999999".into());
        let refusal = own.evidence_refusal(&item).unwrap();
        assert_eq!(refusal.code, FOREIGN_ACCOUNT_CODE);
        assert!(refusal.message.contains("999999999999"));
        assert_eq!(
            own.check_item("configurationItem", &item)
                .unwrap_err()
                .field,
            "configurationItem.awsAccountId"
        );
    }
}
