//! IAM.28 — IAM Access Analyzer external access analyzer should be enabled.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::account;
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::{AccessAnalyzer, AccessAnalyzers};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "IAM.28",
    title: "IAM Access Analyzer external access analyzer should be enabled",
    severity: Severity::High,
    resource_types: account::RESOURCE_TYPES,
    rationale: "Passes when the Region has an ACTIVE IAM Access Analyzer analyzer of type \
                ACCOUNT or ORGANIZATION (access-analyzer:ListAnalyzers), the external access \
                analyzers; fails when it has none, or only unused-access analyzers or analyzers \
                that are not ACTIVE. Access Analyzer is regional, so every Region is evaluated. \
                AWS evaluates this on the analyzer; sidewatch on the account item of each \
                Region. An organization analyzer owned by another account is not listed in \
                member accounts, as in Security Hub.",
    remediation: "Create an external access analyzer (zone of trust: the account, or the \
                  organization from the management or delegated administrator account) in \
                  every Region you use: `aws accessanalyzer create-analyzer --type ACCOUNT`.",
    remediation_url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-getting-started.html",
    remediation_hook: Remediation::NotifyOnly {
        why: "an analyzer's zone of trust (account or organization) is a person's choice",
    },
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: None,
        cis_v3: Some("1.20"),
        nist_800_53_r5: &[],
    },
    parameters: &[],
    evidence: &[EvidenceKind::AccessAnalyzers],
    evaluate,
};

/// The analyzer types that look for external access (the others look for unused access).
const EXTERNAL_ACCESS_TYPES: [&str; 2] = ["ACCOUNT", "ORGANIZATION"];

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let found: AccessAnalyzers =
        match account::evidence(ctx, EvidenceKind::AccessAnalyzers, &["analyzers"]) {
            Ok(found) => found,
            Err(verdict) => return verdict,
        };
    let region = account::region_name(ctx.item);
    let mut problems = Vec::new();
    for analyzer in &found.analyzers {
        match why_not(analyzer) {
            None => {
                return Verdict::pass(format!(
                    "external access analyzer {} ({}) is ACTIVE in {region}",
                    analyzer.name,
                    analyzer.analyzer_type.trim()
                ));
            }
            Some(why) => problems.push(format!("analyzer {}: {why}", analyzer.name)),
        }
    }
    if problems.is_empty() {
        Verdict::fail(format!(
            "no IAM Access Analyzer analyzer exists in {region}"
        ))
    } else {
        Verdict::fail(format!(
            "no ACTIVE external access analyzer in {region}: {}",
            account::join_limited(&problems, 3)
        ))
    }
}

/// Why an analyzer does not count, or `None` when it is an active external access analyzer.
fn why_not(analyzer: &AccessAnalyzer) -> Option<String> {
    let kind = analyzer.analyzer_type.trim();
    let status = analyzer.status.trim();
    if !EXTERNAL_ACCESS_TYPES
        .iter()
        .any(|t| t.eq_ignore_ascii_case(kind))
    {
        Some(format!("type {kind} does not analyze external access"))
    } else if !status.eq_ignore_ascii_case("ACTIVE") {
        Some(format!("status is {status}, not ACTIVE"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account::testing;
    use serde_json::json;

    fn run(analyzers: serde_json::Value) -> Verdict {
        testing::run(
            &CONTROL,
            EvidenceKind::AccessAnalyzers,
            json!({ "analyzers": analyzers }),
        )
    }

    #[test]
    fn only_active_external_access_analyzers_count() {
        let unused = json!({"name": "unused", "arn": "a", "type": "ACCOUNT_UNUSED_ACCESS", "status": "ACTIVE"});
        let creating = json!({"name": "new", "arn": "b", "type": "ACCOUNT", "status": "CREATING"});
        let org = json!({"name": "org", "arn": "c", "type": "ORGANIZATION", "status": "ACTIVE"});
        let v = run(json!([unused.clone(), creating.clone()]));
        assert_eq!(
            v,
            Verdict::fail(
                "no ACTIVE external access analyzer in eu-west-1: analyzer unused: type \
                 ACCOUNT_UNUSED_ACCESS does not analyze external access; analyzer new: status \
                 is CREATING, not ACTIVE"
            )
        );
        assert!(run(json!([unused, creating, org])).is_compliant());
        assert!(
            run(json!([]))
                .reason()
                .contains("no IAM Access Analyzer analyzer exists")
        );
    }
}
