//! Turning SDK errors into the [`EvidenceError`] stored in place of evidence.
//!
//! The code is the AWS error code when the service sent one (`AccessDenied`, `Throttling`,
//! `NoSuchEntity`), or a short sidewatch code for failures that never reached a service answer:
//! `Timeout`, `ConnectionError`, `DispatchFailure`, `InvalidResponse`, `InvalidRequest`. Messages are
//! AWS's own (cut to [`MAX_MESSAGE_CHARS`]) or describe the failure; they never quote a response
//! body, so no evidence value can leak into an error.

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use sidewatch_core::EvidenceError;
use sidewatch_core::ports::{FailureKind, PortError};
use std::error::Error;

/// Longest message kept: the verdict reason (a Config annotation) has 256 characters in all.
pub const MAX_MESSAGE_CHARS: usize = 200;

/// The evidence error for a failed SDK call.
pub fn from_sdk<E>(err: &SdkError<E, HttpResponse>) -> EvidenceError
where
    E: ProvideErrorMetadata + Error + 'static,
{
    match err {
        SdkError::ServiceError(context) => {
            let status = context.raw().status().as_u16();
            let service = context.err();
            match service.code() {
                Some(code) if !code.is_empty() => {
                    EvidenceError::new(code, truncate(service.message().unwrap_or("(no message)")))
                }
                _ => EvidenceError::new(
                    "ServiceError",
                    format!("the service answered HTTP {status} without an AWS error code"),
                ),
            }
        }
        SdkError::TimeoutError(_) => EvidenceError::new(
            "Timeout",
            "the call did not complete within the configured timeout",
        ),
        SdkError::DispatchFailure(failure) => {
            let (code, what) = if failure.is_timeout() {
                ("Timeout", "the connection timed out")
            } else if failure.is_io() {
                ("ConnectionError", "the connection to the endpoint failed")
            } else {
                ("DispatchFailure", "the request could not be sent")
            };
            EvidenceError::new(code, truncate(&format!("{what}: {}", source_chain(err))))
        }
        SdkError::ResponseError(context) => EvidenceError::new(
            "InvalidResponse",
            format!(
                "the HTTP {} response could not be read as the API's answer",
                context.raw().status().as_u16()
            ),
        ),
        SdkError::ConstructionFailure(_) => EvidenceError::new(
            "InvalidRequest",
            truncate(&format!(
                "the request could not be built: {}",
                source_chain(err)
            )),
        ),
        _ => EvidenceError::new("SdkError", truncate(&source_chain(err))),
    }
}

/// `.or_evidence_error()` on an SDK call's result: the evidence error for a failed call.
pub trait SdkResultExt<T> {
    fn or_evidence_error(self) -> Result<T, EvidenceError>;
}

impl<T, E> SdkResultExt<T> for Result<T, SdkError<E, HttpResponse>>
where
    E: ProvideErrorMetadata + Error + 'static,
{
    fn or_evidence_error(self) -> Result<T, EvidenceError> {
        self.map_err(|e| from_sdk(&e))
    }
}

/// The error for an answer that lacks something the evidence needs.
pub fn incomplete(what: impl Into<String>) -> EvidenceError {
    EvidenceError::new("IncompleteResponse", truncate(&what.into()))
}

/// `.or_port_error(operation)` on an SDK call's result: the [`PortError`] for a failed call.
pub trait PortResultExt<T> {
    fn or_port_error(self, operation: &str) -> Result<T, PortError>;
}

impl<T, E> PortResultExt<T> for Result<T, SdkError<E, HttpResponse>>
where
    E: ProvideErrorMetadata + Error + 'static,
{
    fn or_port_error(self, operation: &str) -> Result<T, PortError> {
        self.map_err(|e| port_error(operation, &e))
    }
}

/// The [`PortError`] for a failed SDK call of `operation` (`service:Action`): the same code and
/// message as the evidence error ([`from_sdk`]: AWS's code, or sidewatch's own for a call that
/// got no usable answer, such as `Timeout`), classified by [`failure_kind`].
pub fn port_error<E>(operation: &str, err: &SdkError<E, HttpResponse>) -> PortError
where
    E: ProvideErrorMetadata + Error + 'static,
{
    let evidence = from_sdk(err);
    let kind = match err {
        SdkError::ServiceError(context) => {
            let status = context.raw().status().as_u16();
            let code = context.err().code().filter(|c| !c.is_empty());
            failure_kind(code, Some(status))
        }
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => FailureKind::Unavailable,
        SdkError::ResponseError(context) => {
            failure_kind(None, Some(context.raw().status().as_u16()))
        }
        SdkError::ConstructionFailure(_) => FailureKind::Invalid,
        _ => FailureKind::Other,
    };
    PortError::new(operation, kind, Some(evidence.code), evidence.message)
}

/// Error codes that mean "too many requests": the service will accept the call later. Codes
/// containing `throttl` or `toomanyrequests` (any case) count too.
const THROTTLING_CODES: &[&str] = &[
    "RequestLimitExceeded",
    "ProvisionedThroughputExceededException",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "SlowDown",
    "PriorRequestNotComplete",
];

/// Codes of a failure that a later call can get past: the service failed or was unavailable,
/// or (sidewatch's own codes, [`from_sdk`]) the call timed out or never reached it. Codes
/// containing `internal` or `unavailable` (any case) count too.
const TRANSIENT_CODES: &[&str] = &[
    "ServiceFailure",
    "RequestTimeout",
    "RequestTimeoutException",
];

/// sidewatch's codes ([`from_sdk`]) for a call that got no answer at all.
const NO_ANSWER_CODES: &[&str] = &["Timeout", "ConnectionError", "DispatchFailure"];

/// Codes that reject the credentials themselves (unknown, expired or wrongly signed), rather
/// than a missing permission. Classified as [`FailureKind::AccessDenied`]: retrying cannot help.
const CREDENTIAL_CODES: &[&str] = &[
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "AuthFailure",
    "InvalidAccessKeyId",
];

/// Codes that refuse a permission. Codes containing `accessdenied` or `unauthorized` (any case)
/// count too.
const ACCESS_DENIED_CODES: &[&str] = &["AuthorizationError", "InvalidAccessException", "Forbidden"];

/// Codes that say the named resource does not exist. Codes containing `notfound` or starting
/// with `nosuch` (any case) count too, and EC2's malformed resource ids (`InvalidGroupId.Malformed`,
/// `InvalidInstanceID.Malformed`): no resource can have them.
const NOT_FOUND_CODES: &[&str] = &["ResourceNotDiscoveredException"];

/// Whether `code` is one of sidewatch's codes for a call that got no answer (`Timeout`,
/// `ConnectionError`, `DispatchFailure`): the network or the endpoint, not the service.
pub fn got_no_answer(code: &str) -> bool {
    NO_ANSWER_CODES.contains(&code)
}

/// Whether `code` rejects the credentials themselves (expired, unknown, wrongly signed): a
/// [`FailureKind::AccessDenied`] that no policy change fixes, only new credentials.
pub fn rejects_credentials(code: &str) -> bool {
    CREDENTIAL_CODES
        .iter()
        .any(|c| c.eq_ignore_ascii_case(code.trim()))
}

/// The one classifier of a failed AWS call: its AWS error code (or sidewatch's own code for a
/// call that got no answer, see [`from_sdk`]) and its HTTP status, when known, in the terms of
/// [`FailureKind`]. Codes are compared without regard to case; a known code wins over the
/// status. In order:
///
/// - throttling codes → `Throttled`;
/// - credentials rejected (`ExpiredToken`, `InvalidClientTokenId`…, [`rejects_credentials`]) and
///   permissions refused (`AccessDenied*`, `*Unauthorized*`, `AuthorizationError`,
///   `InvalidAccessException`…) → `AccessDenied`;
/// - internal errors, unavailability, timeouts, connection and dispatch failures →
///   `Unavailable` (retryable);
/// - `*NotFound*`, `NoSuch*`, `ResourceNotDiscoveredException`, EC2's `Invalid*Id.Malformed` →
///   `NotFound`;
/// - `Invalid*`, `*Validation*`, `Malformed*`, `MissingParameter` → `Invalid`;
/// - else by status: 429 → `Throttled`, 5xx → `Unavailable`, 401/403 → `AccessDenied`, 404 →
///   `NotFound`; anything else → `Other`.
///
/// Used for whole calls ([`port_error`]) and for the per-item codes of batch answers
/// (`FailedFindings`).
pub fn failure_kind(code: Option<&str>, status: Option<u16>) -> FailureKind {
    if let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) {
        let lower = code.to_ascii_lowercase();
        let is = |list: &[&str]| list.iter().any(|c| c.eq_ignore_ascii_case(code));
        if is(THROTTLING_CODES) || lower.contains("throttl") || lower.contains("toomanyrequests") {
            return FailureKind::Throttled;
        }
        if rejects_credentials(code)
            || is(ACCESS_DENIED_CODES)
            || lower.contains("accessdenied")
            || lower.contains("unauthorized")
        {
            return FailureKind::AccessDenied;
        }
        if is(TRANSIENT_CODES)
            || got_no_answer(code)
            || lower.contains("internal")
            || lower.contains("unavailable")
        {
            return FailureKind::Unavailable;
        }
        let malformed_id = lower.starts_with("invalid") && lower.ends_with("id.malformed");
        if is(NOT_FOUND_CODES)
            || lower.contains("notfound")
            || lower.starts_with("nosuch")
            || malformed_id
        {
            return FailureKind::NotFound;
        }
        if lower.starts_with("invalid")
            || lower.contains("validation")
            || lower.starts_with("malformed")
            || lower == "missingparameter"
        {
            return FailureKind::Invalid;
        }
    }
    match status {
        Some(429) => FailureKind::Throttled,
        Some(s) if s >= 500 => FailureKind::Unavailable,
        Some(401 | 403) => FailureKind::AccessDenied,
        Some(404) => FailureKind::NotFound,
        _ => FailureKind::Other,
    }
}

/// The error's sources, innermost last, without the outer `SdkError` wording.
fn source_chain(err: &(dyn Error + 'static)) -> String {
    let mut parts = Vec::new();
    let mut next = err.source();
    while let Some(e) = next {
        parts.push(e.to_string());
        next = e.source();
    }
    if parts.is_empty() {
        err.to_string()
    } else {
        parts.join(": ")
    }
}

/// Cuts `text` to at most [`MAX_MESSAGE_CHARS`] characters, marking the cut.
pub fn truncate(text: &str) -> String {
    if text.chars().count() <= MAX_MESSAGE_CHARS {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(MAX_MESSAGE_CHARS - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_cut_on_a_character_boundary() {
        let long = "é".repeat(500);
        let cut = truncate(&long);
        assert_eq!(cut.chars().count(), MAX_MESSAGE_CHARS);
        assert!(cut.ends_with('…'));
        assert_eq!(truncate("short"), "short");
    }

    #[test]
    fn codes_map_to_what_a_door_can_act_on() {
        use FailureKind::*;
        let cases = [
            // Throttling, whatever the service calls it.
            (Some("Throttling"), Some(400), Throttled),
            (Some("ThrottlingException"), Some(400), Throttled),
            (Some("ThrottledException"), None, Throttled),
            (Some("RequestThrottledException"), None, Throttled),
            (Some("RequestThrottled"), None, Throttled),
            (Some("EC2ThrottledException"), None, Throttled),
            (Some("TooManyRequestsException"), Some(429), Throttled),
            (Some("RequestLimitExceeded"), Some(503), Throttled),
            (
                Some("ProvisionedThroughputExceededException"),
                None,
                Throttled,
            ),
            (Some("BandwidthLimitExceeded"), None, Throttled),
            (Some("LimitExceededException"), Some(429), Throttled),
            (Some("SlowDown"), Some(503), Throttled),
            (Some("PriorRequestNotComplete"), None, Throttled),
            (Some("throttlingexception"), None, Throttled),
            (None, Some(429), Throttled),
            // Permissions refused.
            (Some("AccessDenied"), Some(403), AccessDenied),
            (Some("AccessDeniedException"), Some(403), AccessDenied),
            (Some("KMSAccessDeniedException"), Some(400), AccessDenied),
            (Some("UnauthorizedOperation"), Some(403), AccessDenied),
            (Some("UnauthorizedAccess"), None, AccessDenied),
            (Some("UnauthorizedException"), None, AccessDenied),
            (Some("AuthorizationError"), Some(403), AccessDenied),
            (Some("InvalidAccessException"), Some(401), AccessDenied),
            (Some("Forbidden"), Some(403), AccessDenied),
            (None, Some(403), AccessDenied),
            (None, Some(401), AccessDenied),
            // Credentials rejected.
            (Some("ExpiredToken"), Some(400), AccessDenied),
            (Some("ExpiredTokenException"), Some(403), AccessDenied),
            (Some("InvalidClientTokenId"), Some(403), AccessDenied),
            (Some("UnrecognizedClientException"), Some(400), AccessDenied),
            (Some("SignatureDoesNotMatch"), Some(403), AccessDenied),
            (Some("AuthFailure"), Some(401), AccessDenied),
            (Some("InvalidAccessKeyId"), Some(403), AccessDenied),
            // Retryable: the service failed, or the call got no answer.
            (Some("InternalException"), Some(500), Unavailable),
            (Some("InternalError"), Some(500), Unavailable),
            (Some("InternalFailure"), Some(500), Unavailable),
            (Some("InternalServerError"), Some(500), Unavailable),
            (Some("InternalServerException"), Some(500), Unavailable),
            (Some("KMSInternalException"), Some(500), Unavailable),
            (Some("ServiceUnavailable"), Some(503), Unavailable),
            (Some("ServiceUnavailableException"), Some(503), Unavailable),
            (Some("ServiceFailure"), Some(500), Unavailable),
            (Some("RequestTimeout"), Some(400), Unavailable),
            (Some("RequestTimeoutException"), Some(408), Unavailable),
            (Some("Timeout"), None, Unavailable),
            (Some("ConnectionError"), None, Unavailable),
            (Some("DispatchFailure"), None, Unavailable),
            (None, Some(500), Unavailable),
            (None, Some(502), Unavailable),
            (Some("SomethingElse"), Some(503), Unavailable),
            // The resource does not exist.
            (Some("ResourceNotFoundException"), Some(404), NotFound),
            (Some("NotFoundException"), Some(404), NotFound),
            (Some("NotFound"), Some(404), NotFound),
            (Some("TrailNotFoundException"), Some(400), NotFound),
            (Some("DBInstanceNotFound"), Some(404), NotFound),
            (Some("DBInstanceNotFoundFault"), Some(404), NotFound),
            (Some("InvalidGroup.NotFound"), Some(400), NotFound),
            (Some("InvalidInstanceID.NotFound"), Some(400), NotFound),
            (Some("InvalidGroupId.Malformed"), Some(400), NotFound),
            (Some("InvalidInstanceID.Malformed"), Some(400), NotFound),
            (Some("NoSuchEntity"), Some(404), NotFound),
            (Some("NoSuchBucket"), Some(404), NotFound),
            (Some("ResourceNotDiscoveredException"), Some(400), NotFound),
            (None, Some(404), NotFound),
            // The request was refused as invalid.
            (Some("InvalidInputException"), Some(400), Invalid),
            (Some("InvalidInput"), None, Invalid),
            (Some("InvalidParameterValue"), Some(400), Invalid),
            (Some("ValidationException"), Some(400), Invalid),
            (Some("ValidationError"), Some(400), Invalid),
            (Some("MalformedPolicyDocument"), Some(400), Invalid),
            (Some("MissingParameter"), Some(400), Invalid),
            (Some("InvalidRequest"), None, Invalid),
            // Anything else.
            (Some("SomethingElse"), Some(400), Other),
            (Some("  "), Some(400), Other),
            (None, Some(400), Other),
            (None, None, Other),
        ];
        for (code, status, kind) in cases {
            assert_eq!(failure_kind(code, status), kind, "{code:?} {status:?}");
        }
        assert!(rejects_credentials("ExpiredToken"));
        assert!(rejects_credentials("invalidclienttokenid"));
        assert!(!rejects_credentials("AccessDenied"));
        assert!(got_no_answer("Timeout") && !got_no_answer("InternalError"));
    }
}
