//! ECR.2 — ECR private repositories should have tag immutability configured.
//!
//! AWS's rule (`ecr-private-tag-immutability-enabled`) passes only when
//! `configuration.ImageTagMutability` is `IMMUTABLE`. ECR's newer `IMMUTABLE_WITH_EXCLUSION` keeps
//! the tags matching its exclusion filters mutable; AWS does not document how its rule treats it,
//! and sidewatch fails it, saying why (some tags can still be moved to another image), rather than
//! pass a repository whose tags are not all immutable. `MUTABLE` and `MUTABLE_WITH_EXCLUSION`
//! fail.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "ECR.2",
    title: "ECR private repositories should have tag immutability configured",
    severity: Severity::Medium,
    resource_types: &["AWS::ECR::Repository"],
    rationale: "Passes when configuration.ImageTagMutability is IMMUTABLE; fails for MUTABLE \
                and for the _WITH_EXCLUSION variants (tags matching an exclusion filter stay \
                mutable). An item without the field is INSUFFICIENT_DATA.",
    remediation: "Make the repository's tags immutable (ecr:PutImageTagMutability \
                  --image-tag-mutability IMMUTABLE) and publish each build under a new tag \
                  instead of moving tags such as latest.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-2",
    remediation_hook: Remediation::NotifyOnly {
        why: "pipelines that re-push a tag (latest) break once tags are immutable: the owner \
              must change them first",
    },
    duty: Duty::OsAndPatching,
    mappings: Mappings {
        fsbp: Some("ECR.2"),
        cis_v3: None,
        nist_800_53_r5: &["CA-9(1)", "CM-2", "CM-8(1)"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let repository = repository_name(item);
    match item.read_str("/ImageTagMutability") {
        Err(unreadable) => unreadable.into(),
        Ok(None) => Verdict::insufficient(format!(
            "configuration.ImageTagMutability is missing from the configuration item of \
             repository {repository}, so tag immutability cannot be decided"
        )),
        Ok(Some(value)) => match value.trim().to_ascii_uppercase().as_str() {
            "IMMUTABLE" => Verdict::pass(format!(
                "repository {repository} has immutable image tags (configuration.\
                 ImageTagMutability is IMMUTABLE)"
            )),
            "IMMUTABLE_WITH_EXCLUSION" => Verdict::fail(format!(
                "repository {repository} keeps the tags matching its exclusion filters mutable \
                 (configuration.ImageTagMutability is IMMUTABLE_WITH_EXCLUSION)"
            )),
            "MUTABLE" | "MUTABLE_WITH_EXCLUSION" => Verdict::fail(format!(
                "repository {repository} has mutable image tags (configuration.\
                 ImageTagMutability is {})",
                value.trim()
            )),
            _ => Verdict::insufficient(format!(
                "configuration.ImageTagMutability is {value:?}, expected IMMUTABLE or MUTABLE; \
                 the setting cannot be decided"
            )),
        },
    }
}

/// The repository's name for reasons.
pub(crate) fn repository_name(item: &crate::item::ConfigurationItem) -> &str {
    crate::controls::checks::resource_name(item, "/RepositoryName")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::{Value, json};

    fn run(mutability: Value) -> Verdict {
        testing::with_configuration(
            &CONTROL,
            json!({"RepositoryName": "billing/api", "ImageTagMutability": mutability}),
        )
    }

    #[test]
    fn only_immutable_passes() {
        assert_eq!(
            run(json!("IMMUTABLE")),
            Verdict::pass(
                "repository billing/api has immutable image tags (configuration.\
                 ImageTagMutability is IMMUTABLE)"
            )
        );
        for value in [
            "MUTABLE",
            "IMMUTABLE_WITH_EXCLUSION",
            "MUTABLE_WITH_EXCLUSION",
        ] {
            let v = run(json!(value));
            assert!(v.is_non_compliant(), "{value}: {v}");
        }
    }

    #[test]
    fn absent_or_odd_values_are_insufficient() {
        for value in [json!(null), json!(true), json!("FROZEN")] {
            let v = run(value);
            assert!(v.is_insufficient(), "{v}");
            assert!(
                v.reason().contains("configuration.ImageTagMutability"),
                "{v}"
            );
        }
    }
}
