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
}
