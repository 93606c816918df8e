//! Who made the change behind a finding: the CloudTrail record of the API call.
//!
//! An [`Actor`] is only ever taken from a CloudTrail record that is tied to the evaluated
//! resource: the API call that triggered the evaluation (the events door), or an event id the
//! configuration item lists in `relatedEvents` (looked up with CloudTrail `LookupEvents`). Nothing
//! is inferred: a record without an identity gives no actor, and an item without related events
//! gets none.
//!
//! The same record shape arrives twice: as an EventBridge event's `detail`, and as the
//! `CloudTrailEvent` JSON text of a `LookupEvents` result ([`Actor::from_cloudtrail_event`]).

use crate::arn::Arn;
use crate::doors::DoorError;
use crate::doors::cloudtrail::{Record, lenient_text};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// The caller of one API call, as CloudTrail recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    /// `eventSource` (`s3.amazonaws.com`).
    pub event_source: String,
    /// `eventName` (`PutBucketPolicy`).
    pub event_name: String,
    /// `eventID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// `eventTime` (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_time: Option<String>,
    /// `userIdentity.type` (`IAMUser`, `AssumedRole`, `Root`, `AWSService`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_type: Option<String>,
    /// `userIdentity.arn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_arn: Option<String>,
    /// `userIdentity.principalId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    /// `userIdentity.sessionContext.sessionIssuer.arn`: the role behind temporary credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_issuer_arn: Option<String>,
    /// `userIdentity.invokedBy`: the AWS service that called on the principal's behalf.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoked_by: Option<String>,
    /// `sourceIPAddress`: an IP address, or an AWS service's domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ip_address: Option<String>,
    /// `userAgent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
}

/// Where a call came from, as ASFF's `AwsApiCallAction.CallerType` distinguishes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller<'a> {
    /// An IP address (`remoteip`).
    Ip(IpAddr),
    /// A domain: an AWS service calling on the principal's behalf (`domain`).
    Domain(&'a str),
}

impl Actor {
    /// The actor of a parsed CloudTrail record: `None` when the record does not name the call
    /// (`eventSource`, `eventName`) or carries no identity at all (neither `userIdentity.arn`
    /// nor `userIdentity.type`).
    pub(crate) fn from_record(record: &Record) -> Option<Actor> {
        let text = |field: &crate::doors::cloudtrail::Lenient<String>| {
            lenient_text(field).map(str::to_owned)
        };
        let identity = record.user_identity.get();
        let principal_arn = identity.and_then(|i| text(&i.arn));
        let principal_type = identity.and_then(|i| text(&i.kind));
        if principal_arn.is_none() && principal_type.is_none() {
            return None;
        }
        Some(Actor {
            event_source: record.event_source.clone()?.trim().to_owned(),
            event_name: record.event_name.clone()?.trim().to_owned(),
            event_id: text(&record.event_id),
            event_time: text(&record.event_time),
            principal_type,
            principal_arn,
            principal_id: identity.and_then(|i| text(&i.principal_id)),
            session_issuer_arn: identity
                .and_then(|i| i.session_context.get())
                .and_then(|c| c.session_issuer.get())
                .and_then(|s| text(&s.arn)),
            invoked_by: identity.and_then(|i| text(&i.invoked_by)),
            source_ip_address: text(&record.source_ip_address),
            user_agent: text(&record.user_agent),
        })
        .filter(|a| !a.event_source.is_empty() && !a.event_name.is_empty())
    }

    /// The actor of a `LookupEvents` result's `CloudTrailEvent` (the record as JSON text).
    /// `Ok(None)` when the record names no call or no identity; `Err` when it is not a JSON
    /// object.
    pub fn from_cloudtrail_event(json: &str) -> Result<Option<Actor>, DoorError> {
        const EVENT: &str = "CloudTrail event";
        let value = crate::doors::parse_json(EVENT, json)?;
        let record: Record = crate::doors::decode(EVENT, "", value)?;
        Ok(Actor::from_record(&record))
    }

    /// Who, in one string: the principal's ARN, else its type (and the service that called for
    /// it).
    pub fn who(&self) -> String {
        match (&self.principal_arn, &self.principal_type, &self.invoked_by) {
            (Some(arn), _, _) => arn.clone(),
            (None, Some(kind), Some(service)) => format!("{kind} {service}"),
            (None, Some(kind), None) => kind.clone(),
            (None, None, _) => "unknown principal".to_owned(),
        }
    }

    /// Who, in short, for a Config annotation: the ARN's resource part (`user/alice`,
    /// `assumed-role/Admin/jdoe`, `root`), else [`Actor::who`].
    pub fn short(&self) -> String {
        self.principal_arn
            .as_deref()
            .and_then(Arn::parse)
            .map(|arn| arn.resource.to_owned())
            .unwrap_or_else(|| self.who())
    }

    /// Where the call came from, when `sourceIPAddress` says: an IP address, or a domain (an AWS
    /// service's, like `cloudformation.amazonaws.com`).
    pub fn caller(&self) -> Option<Caller<'_>> {
        let source = self.source_ip_address.as_deref()?;
        match source.parse::<IpAddr>() {
            Ok(ip) => Some(Caller::Ip(ip)),
            Err(_) if is_domain(source) => Some(Caller::Domain(source)),
            Err(_) => None,
        }
    }

    /// The service's name in ASFF's terms: the `eventSource` (`s3.amazonaws.com`).
    pub fn service_name(&self) -> &str {
        &self.event_source
    }
}

/// A DNS name: dot-separated labels of letters, digits and `-`.
fn is_domain(text: &str) -> bool {
    text.len() <= 253
        && text.contains('.')
        && text.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn actor(record: serde_json::Value) -> Option<Actor> {
        Actor::from_cloudtrail_event(&record.to_string()).unwrap()
    }

    #[test]
    fn an_assumed_role_call_names_the_session_and_its_issuer() {
        let a = actor(json!({
            "eventVersion": "1.09",
            "userIdentity": {
                "type": "AssumedRole",
                "principalId": "AROAEXAMPLE:jdoe",
                "arn": "arn:aws:sts::111122223333:assumed-role/Admin/jdoe",
                "sessionContext": {"sessionIssuer": {"type": "Role",
                    "arn": "arn:aws:iam::111122223333:role/Admin"}}
            },
            "eventTime": "2026-12-06T10:00:00Z",
            "eventSource": "s3.amazonaws.com",
            "eventName": "PutBucketPolicy",
            "sourceIPAddress": "203.0.113.7",
            "userAgent": "aws-cli/2.15",
            "eventID": "5b1c0e8e-0000-4000-8000-000000000001"
        }))
        .unwrap();
        assert_eq!(a.who(), "arn:aws:sts::111122223333:assumed-role/Admin/jdoe");
        assert_eq!(a.short(), "assumed-role/Admin/jdoe");
        assert_eq!(
            a.session_issuer_arn.as_deref(),
            Some("arn:aws:iam::111122223333:role/Admin")
        );
        assert_eq!(a.caller(), Some(Caller::Ip("203.0.113.7".parse().unwrap())));
        assert_eq!(
            a.event_id.as_deref(),
            Some("5b1c0e8e-0000-4000-8000-000000000001")
        );
    }

    #[test]
    fn a_service_call_is_a_domain_caller() {
        let a = actor(json!({
            "userIdentity": {"type": "AWSService", "invokedBy": "cloudformation.amazonaws.com"},
            "eventSource": "ec2.amazonaws.com",
            "eventName": "AuthorizeSecurityGroupIngress",
            "sourceIPAddress": "cloudformation.amazonaws.com"
        }))
        .unwrap();
        assert_eq!(a.who(), "AWSService cloudformation.amazonaws.com");
        assert_eq!(a.short(), a.who());
        assert_eq!(
            a.caller(),
            Some(Caller::Domain("cloudformation.amazonaws.com"))
        );
    }

    #[test]
    fn no_identity_or_no_call_gives_no_actor() {
        assert_eq!(
            actor(json!({"eventSource": "s3.amazonaws.com", "eventName": "PutBucketPolicy"})),
            None
        );
        assert_eq!(
            actor(json!({"userIdentity": {"type": "Root"}, "eventName": "X"})),
            None
        );
        assert_eq!(
            actor(json!({"userIdentity": {"arn": " "}, "eventSource": "s", "eventName": "X"})),
            None
        );
    }

    #[test]
    fn garbage_in_the_source_address_gives_no_caller() {
        let mut a = actor(json!({"userIdentity": {"type": "Root",
            "arn": "arn:aws:iam::111122223333:root"},
            "eventSource": "iam.amazonaws.com", "eventName": "DeleteAccountPasswordPolicy",
            "sourceIPAddress": "not an address"}))
        .unwrap();
        assert_eq!(a.caller(), None);
        assert_eq!(a.short(), "root");
        a.source_ip_address = Some("2001:db8::1".into());
        assert!(matches!(a.caller(), Some(Caller::Ip(IpAddr::V6(_)))));
    }

    #[test]
    fn a_record_that_is_not_an_object_is_an_error() {
        assert!(Actor::from_cloudtrail_event("[1]").is_err());
        assert!(Actor::from_cloudtrail_event("{").is_err());
    }
}
