//! The outcome of one control on one resource.

use std::fmt;

/// What one control concluded about one resource, with the reason a person needs to act on it.
///
/// The reason names the offending (or satisfying) setting, e.g. "ingress tcp 22 from 0.0.0.0/0".
/// It becomes the AWS Config annotation (cut to 256 characters) and the finding's description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The resource satisfies the control.
    Compliant(String),
    /// The resource violates the control.
    NonCompliant(String),
    /// The control does not apply: wrong kind of resource, resource deleted, or out of scope.
    NotApplicable(String),
    /// The control cannot decide: evidence is missing or could not be read. Never a pass.
    InsufficientData(String),
}

/// The AWS Config compliance type of a verdict (`PutEvaluations`' `ComplianceType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ComplianceType {
    Compliant,
    NonCompliant,
    NotApplicable,
    InsufficientData,
}

impl ComplianceType {
    /// The spelling AWS Config uses.
    pub fn as_str(self) -> &'static str {
        match self {
            ComplianceType::Compliant => "COMPLIANT",
            ComplianceType::NonCompliant => "NON_COMPLIANT",
            ComplianceType::NotApplicable => "NOT_APPLICABLE",
            ComplianceType::InsufficientData => "INSUFFICIENT_DATA",
        }
    }
}

impl fmt::Display for ComplianceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Verdict {
    /// A pass, with what made it pass.
    pub fn pass(reason: impl Into<String>) -> Self {
        Verdict::Compliant(reason.into())
    }

    /// A failure, naming the offending setting.
    pub fn fail(reason: impl Into<String>) -> Self {
        Verdict::NonCompliant(reason.into())
    }

    /// The control does not apply to this resource.
    pub fn not_applicable(reason: impl Into<String>) -> Self {
        Verdict::NotApplicable(reason.into())
    }

    /// The control cannot decide from what it was given.
    pub fn insufficient(reason: impl Into<String>) -> Self {
        Verdict::InsufficientData(reason.into())
    }

    /// The AWS Config compliance type.
    pub fn compliance_type(&self) -> ComplianceType {
        match self {
            Verdict::Compliant(_) => ComplianceType::Compliant,
            Verdict::NonCompliant(_) => ComplianceType::NonCompliant,
            Verdict::NotApplicable(_) => ComplianceType::NotApplicable,
            Verdict::InsufficientData(_) => ComplianceType::InsufficientData,
        }
    }

    /// Why the control concluded what it did.
    pub fn reason(&self) -> &str {
        match self {
            Verdict::Compliant(r)
            | Verdict::NonCompliant(r)
            | Verdict::NotApplicable(r)
            | Verdict::InsufficientData(r) => r,
        }
    }

    pub fn is_compliant(&self) -> bool {
        matches!(self, Verdict::Compliant(_))
    }

    pub fn is_non_compliant(&self) -> bool {
        matches!(self, Verdict::NonCompliant(_))
    }

    pub fn is_not_applicable(&self) -> bool {
        matches!(self, Verdict::NotApplicable(_))
    }

    pub fn is_insufficient(&self) -> bool {
        matches!(self, Verdict::InsufficientData(_))
    }

    /// The reason cut to at most `max` bytes on a character boundary, with an ellipsis when cut.
    /// AWS Config annotations take 256 characters at most.
    pub fn annotation(&self, max: usize) -> String {
        truncate_with_ellipsis(self.reason(), max)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.compliance_type(), self.reason())
    }
}

/// Cuts `text` to at most `max` bytes without splitting a character, ending with "…" when cut.
pub fn truncate_with_ellipsis(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    const ELLIPSIS: &str = "…";
    let budget = max.saturating_sub(ELLIPSIS.len());
    let mut end = budget;
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = String::with_capacity(end + ELLIPSIS.len());
    out.push_str(&text[..end]);
    if max >= ELLIPSIS.len() {
        out.push_str(ELLIPSIS);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotation_is_cut_on_a_char_boundary() {
        let v = Verdict::fail("é".repeat(200));
        let a = v.annotation(256);
        assert!(a.len() <= 256);
        assert!(a.ends_with('…'));
        assert_eq!(Verdict::fail("short").annotation(256), "short");
    }

    #[test]
    fn compliance_types_use_config_spelling() {
        assert_eq!(Verdict::pass("").compliance_type().as_str(), "COMPLIANT");
        assert_eq!(
            Verdict::fail("").compliance_type().as_str(),
            "NON_COMPLIANT"
        );
        assert_eq!(
            Verdict::not_applicable("").compliance_type().as_str(),
            "NOT_APPLICABLE"
        );
        assert_eq!(
            Verdict::insufficient("").compliance_type().as_str(),
            "INSUFFICIENT_DATA"
        );
    }
}
