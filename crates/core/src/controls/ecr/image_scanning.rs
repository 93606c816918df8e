//! ECR.1 — ECR private repositories should have image scanning configured.
//!
//! AWS's rule (`ecr-private-image-scanning-enabled`, periodic, no parameters) fails a private
//! repository whose scan frequency is neither scan on push nor continuous scan. Two settings
//! decide it:
//! * the repository's own `configuration.ImageScanningConfiguration.ScanOnPush` (confirmed in the
//!   AWS Config resource schema for `AWS::ECR::Repository`, a boolean);
//! * the registry scanning configuration (EcrRegistryScanning evidence,
//!   `ecr:GetRegistryScanningConfiguration`): its rules give a scan frequency (`SCAN_ON_PUSH`,
//!   `CONTINUOUS_SCAN`, `MANUAL`) to the repositories whose names match their wildcard filters.
//!
//! Under `ENHANCED` scanning ECR ignores the repository-level flag and scans only what the
//! registry rules cover, so only the rules count; under `BASIC` scanning either the flag or a
//! `SCAN_ON_PUSH` rule covering the repository passes. (Which one wins under enhanced scanning is
//! inferred from ECR's documentation of the repository flag as superseded by registry rules.)

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks::{config_name, flag};
use crate::controls::evidence_fields::evidence_with;
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::RegistryScanning;
use crate::verdict::Verdict;

const SCAN_ON_PUSH: &str = "/ImageScanningConfiguration/ScanOnPush";

pub const CONTROL: Control = Control {
    id: "ECR.1",
    title: "ECR private repositories should have image scanning configured",
    severity: Severity::High,
    resource_types: &["AWS::ECR::Repository"],
    rationale: "Passes when the registry scanning configuration (EcrRegistryScanning evidence) has \
                a SCAN_ON_PUSH or CONTINUOUS_SCAN rule whose filter matches the repository name, \
                or, under BASIC scanning, when the repository's own \
                ImageScanningConfiguration.ScanOnPush is true; fails otherwise. Under ENHANCED \
                scanning the repository flag is ignored, as ECR ignores it.",
    remediation: "Scan the repository's images on push or continuously: add a registry scanning \
                  rule covering the repository (ecr:PutRegistryScanningConfiguration, scan \
                  frequency SCAN_ON_PUSH or CONTINUOUS_SCAN), or under basic scanning turn on \
                  scan on push for the repository (ecr:PutImageScanningConfiguration).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-1",
    remediation_hook: Remediation::NotifyOnly {
        why: "scanning costs money under enhanced scanning and the registry rules are shared by \
              every repository: the owner chooses the scan type and filters",
    },
    duty: Duty::OsAndPatching,
    mappings: Mappings {
        fsbp: Some("ECR.1"),
        cis_v3: None,
        nist_800_53_r5: &["RA-5"],
    },
    parameters: &[],
    evidence: &[EvidenceKind::EcrRegistryScanning],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let name = item
        .config_str("/RepositoryName")
        .or(item.resource_name.as_deref())
        .unwrap_or(&item.resource_id);
    let field = config_name(SCAN_ON_PUSH);
    let repo_flag = match flag(
        crate::item::json_pointer(&item.configuration, SCAN_ON_PUSH),
        &field,
    ) {
        Ok(f) => f,
        Err(verdict) => return verdict,
    };
    let registry: RegistryScanning =
        match evidence_with(ctx, EvidenceKind::EcrRegistryScanning, &["scanType"]) {
            Ok(r) => r,
            Err(verdict) => return verdict,
        };
    let scan_type = registry.scan_type.as_deref().unwrap_or_default().trim();
    let enhanced = scan_type.eq_ignore_ascii_case("ENHANCED");
    if !enhanced && !scan_type.eq_ignore_ascii_case("BASIC") {
        return Verdict::insufficient(format!(
            "the registry scan type is '{scan_type}', neither BASIC nor ENHANCED, so which \
             setting scans repository {name} is unknown"
        ));
    }
    let accepted: &[&str] = if enhanced {
        &["SCAN_ON_PUSH", "CONTINUOUS_SCAN"]
    } else {
        &["SCAN_ON_PUSH"]
    };
    let covering = registry.rules.iter().find(|rule| {
        accepted
            .iter()
            .any(|f| rule.scan_frequency.trim().eq_ignore_ascii_case(f))
            && rule
                .repository_filters
                .iter()
                .any(|filter| wildcard_match(filter.filter.trim(), name))
    });
    if let Some(rule) = covering {
        return Verdict::pass(format!(
            "repository {name} is covered by a {scan_type} registry scanning rule with scan \
             frequency {}",
            rule.scan_frequency.trim()
        ));
    }
    if enhanced {
        return Verdict::fail(format!(
            "repository {name} is not matched by any SCAN_ON_PUSH or CONTINUOUS_SCAN rule of \
             the registry's ENHANCED scanning configuration (the repository's own ScanOnPush is \
             ignored under enhanced scanning)"
        ));
    }
    match repo_flag {
        Some(true) => Verdict::pass(format!(
            "repository {name} scans images on push ({field} is true, registry scan type BASIC)"
        )),
        Some(false) => Verdict::fail(format!(
            "repository {name} does not scan images on push ({field} is false) and no \
             SCAN_ON_PUSH registry rule matches it"
        )),
        None => Verdict::insufficient(format!(
            "{field} is missing from the configuration item and no registry rule covers \
             repository {name}, so whether it is scanned on push is unknown"
        )),
    }
}

/// ECR's repository filter: `*` matches any run of characters (including none), everything else
/// matches itself.
fn wildcard_match(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, rest) = match parts.split_first() {
        Some(split) => split,
        None => return false,
    };
    let Some(mut remaining) = name.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return remaining.is_empty();
    };
    for part in middle {
        match remaining.find(part) {
            Some(at) => remaining = &remaining[at + part.len()..],
            None => return false,
        }
    }
    remaining.len() >= last.len() && remaining.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::evidence_fields::run_with_evidence;
    use serde_json::{Value, json};

    fn run(scan_on_push: Value, evidence: Option<Value>) -> Verdict {
        let config = json!({"RepositoryName": "team/orders-api",
            "ImageScanningConfiguration": {"ScanOnPush": scan_on_push}});
        run_with_evidence(
            &CONTROL,
            config,
            EvidenceKind::EcrRegistryScanning,
            evidence,
            &[],
        )
    }

    fn registry(scan_type: &str, rules: Value) -> Option<Value> {
        Some(json!({"scanType": scan_type, "rules": rules}))
    }

    fn rule(frequency: &str, filter: &str) -> Value {
        json!({"scanFrequency": frequency,
            "repositoryFilters": [{"filter": filter, "filterType": "WILDCARD"}]})
    }

    #[test]
    fn wildcards_match_like_ecr() {
        assert!(wildcard_match("*", "team/orders-api"));
        assert!(wildcard_match("team/*", "team/orders-api"));
        assert!(wildcard_match("*api", "team/orders-api"));
        assert!(wildcard_match("t*/*-a*", "team/orders-api"));
        assert!(wildcard_match("team/orders-api", "team/orders-api"));
        assert!(!wildcard_match("prod/*", "team/orders-api"));
        assert!(!wildcard_match("team", "team/orders-api"));
        assert!(!wildcard_match("*x*", "team/orders-api"));
        assert!(!wildcard_match("a*a", "a"));
    }

    #[test]
    fn basic_scanning_accepts_the_repository_flag_or_a_push_rule() {
        assert!(run(json!(true), registry("BASIC", json!([]))).is_compliant());
        assert!(run(json!(false), registry("BASIC", json!([]))).is_non_compliant());
        let v = run(
            json!(false),
            registry("BASIC", json!([rule("SCAN_ON_PUSH", "team/*")])),
        );
        assert!(v.is_compliant(), "{v}");
        let v = run(json!(null), registry("BASIC", json!([])));
        assert!(
            v.is_insufficient() && v.reason().contains("ScanOnPush"),
            "{v}"
        );
    }

    #[test]
    fn enhanced_scanning_follows_the_rules_only() {
        let v = run(json!(true), registry("ENHANCED", json!([])));
        assert!(v.is_non_compliant(), "{v}");
        let v = run(
            json!(false),
            registry("ENHANCED", json!([rule("CONTINUOUS_SCAN", "*")])),
        );
        assert!(v.is_compliant(), "{v}");
        let v = run(
            json!(true),
            registry("ENHANCED", json!([rule("MANUAL", "*")])),
        );
        assert!(v.is_non_compliant(), "{v}");
        let v = run(
            json!(true),
            registry("ENHANCED", json!([rule("SCAN_ON_PUSH", "prod/*")])),
        );
        assert!(v.is_non_compliant(), "{v}");
    }

    #[test]
    fn missing_or_odd_input_is_insufficient() {
        assert!(run(json!(true), None).is_insufficient());
        let denied = json!({"sidewatchError": {"code": "AccessDeniedException", "message": "no"}});
        assert!(run(json!(true), Some(denied)).is_insufficient());
        assert!(run(json!(true), Some(json!({"rules": []}))).is_insufficient());
        assert!(run(json!(true), registry("FANCY", json!([]))).is_insufficient());
        assert!(run(json!("maybe"), registry("BASIC", json!([]))).is_insufficient());
        assert!(run(json!(true), Some(json!({"scanType": 7}))).is_insufficient());
    }
}
