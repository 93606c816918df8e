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
/// message as the evidence error ([`from_sdk`]), classified by [`failure_kind`]. The code is set
/// only when AWS sent one.
pub fn port_error<E>(operation: &str, err: &SdkError<E, HttpResponse>) -> PortError
where
    E: ProvideErrorMetadata + Error + 'static,
{
    let evidence = from_sdk(err);
    let (kind, code) = match err {
        SdkError::ServiceError(context) => {
            let status = context.raw().status().as_u16();
            let code = context.err().code().filter(|c| !c.is_empty());
            (failure_kind(code, Some(status)), code.map(str::to_owned))
        }
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => {
            (FailureKind::Unavailable, None)
        }
        SdkError::ResponseError(context) => {
            let status = context.raw().status().as_u16();
            (failure_kind(None, Some(status)), None)
        }
        SdkError::ConstructionFailure(_) => (FailureKind::Invalid, None),
        _ => (FailureKind::Other, None),
    };
    PortError::new(operation, kind, code, evidence.message)
}

/// Error codes that mean "too many requests": the service will accept the call later.
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "RequestThrottled",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "ProvisionedThroughputExceededException",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Error codes of a service-side failure that a later call can get past.
const TRANSIENT_CODES: &[&str] = &[
    "InternalException",
    "InternalError",
    "InternalFailure",
    "InternalServerError",
    "InternalServerException",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "ServiceFailure",
    "RequestTimeout",
    "RequestTimeoutException",
];

/// Classifies an AWS error code (and the HTTP status, when known) in the terms of
/// [`FailureKind`]: throttling codes (and 429) → `Throttled`; internal errors, unavailability and
/// 5xx → `Unavailable`; `AccessDenied*`, `UnauthorizedOperation`, `InvalidAccessException` →
/// `AccessDenied`; `*NotFound*`, `NoSuch*`, `ResourceNotDiscoveredException` → `NotFound`;
/// validation and `Invalid*` codes → `Invalid`; anything else → `Other`. Used both for whole calls
/// and for the per-item codes of batch answers (`FailedFindings`).
pub fn failure_kind(code: Option<&str>, status: Option<u16>) -> FailureKind {
    if let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) {
        let is = |list: &[&str]| list.iter().any(|c| c.eq_ignore_ascii_case(code));
        if is(THROTTLING_CODES) {
            return FailureKind::Throttled;
        }
        if is(TRANSIENT_CODES) {
            return FailureKind::Unavailable;
        }
        if code.starts_with("AccessDenied")
            || code == "UnauthorizedOperation"
            || code == "UnauthorizedAccess"
            || code == "InvalidAccessException"
            || code == "UnrecognizedClientException"
            || code == "InvalidClientTokenId"
            || code == "ExpiredToken"
            || code == "ExpiredTokenException"
        {
            return FailureKind::AccessDenied;
        }
        if code.contains("NotFound")
            || code.starts_with("NoSuch")
            || code == "ResourceNotDiscoveredException"
        {
            return FailureKind::NotFound;
        }
        if code.starts_with("Invalid")
            || code.contains("Validation")
            || code.starts_with("Malformed")
            || code == "MissingParameter"
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
            (Some("ThrottlingException"), Some(400), Throttled),
            (Some("TooManyRequestsException"), Some(429), Throttled),
            (Some("LimitExceededException"), Some(429), Throttled),
            (Some("InternalException"), Some(500), Unavailable),
            (Some("ServiceUnavailableException"), Some(503), Unavailable),
            (None, Some(502), Unavailable),
            (Some("AccessDeniedException"), Some(403), AccessDenied),
            (Some("AccessDenied"), Some(403), AccessDenied),
            (Some("InvalidAccessException"), Some(401), AccessDenied),
            (Some("InvalidInputException"), Some(400), Invalid),
            (Some("InvalidInput"), None, Invalid),
            (Some("ValidationException"), Some(400), Invalid),
            (Some("ResourceNotFoundException"), Some(404), NotFound),
            (Some("ResourceNotDiscoveredException"), Some(400), NotFound),
            (Some("NoSuchEntity"), Some(404), NotFound),
            (Some("SomethingElse"), Some(400), Other),
            (None, None, Other),
        ];
        for (code, status, kind) in cases {
            assert_eq!(failure_kind(code, status), kind, "{code:?} {status:?}");
        }
    }
}
