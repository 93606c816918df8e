//! EKS.2 — EKS clusters should run on a supported Kubernetes version.
//!
//! AWS's rule (`eks-cluster-supported-version`) fails a cluster whose `configuration.Version` is
//! below its `oldestVersionSupported` parameter, which Security Hub sets (not customizable) and
//! moves with the EKS release calendar. Versions compare as numbers, major then minor (`1.9` is
//! below `1.35`).
//!
//! The default is the oldest Kubernetes version in EKS *standard* support on 2026-12-06, from the
//! release calendar of <https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html>
//! (as mirrored by endoflife.date/amazon-eks): 1.34's standard support ended on 2026-12-02, 1.35's
//! runs to 2027-03-27, so the default is `1.35`. A cluster in paid extended support (1.34 until
//! 2027-12-02) therefore fails. Move the parameter (`EKS.2.oldestVersionSupported=1.36`) as the
//! calendar moves.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;

const OLDEST_VERSION_SUPPORTED: &str = "oldestVersionSupported";

pub const CONTROL: Control = Control {
    id: "EKS.2",
    title: "EKS clusters should run on a supported Kubernetes version",
    severity: Severity::High,
    resource_types: &["AWS::EKS::Cluster"],
    rationale: "Fails when configuration.Version (major.minor) is below the \
                oldestVersionSupported parameter, the oldest Kubernetes version in EKS standard \
                support (1.35 on 2026-12-06); passes otherwise. An item without a readable \
                version is INSUFFICIENT_DATA.",
    remediation: "Upgrade the cluster one minor version at a time (eks:UpdateClusterVersion) \
                  after checking the upgrade insights for deprecated APIs, then upgrade node \
                  groups and add-ons.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/eks-controls.html#eks-2",
    remediation_hook: Remediation::NotifyOnly {
        why: "a Kubernetes upgrade can break workloads using removed APIs: its owner must test \
              and schedule it",
    },
    duty: Duty::OsAndPatching,
    mappings: Mappings {
        fsbp: Some("EKS.2"),
        cis_v3: None,
        nist_800_53_r5: &["CA-9(1)", "CM-2", "SI-2", "SI-2(2)", "SI-2(4)", "SI-2(5)"],
    },
    parameters: &[ParamSpec {
        name: OLDEST_VERSION_SUPPORTED,
        kind: ParamKind::StringList,
        default: "1.35",
        description: "The oldest Kubernetes version (major.minor) that counts as supported. The \
                      default is the oldest version in EKS standard support on 2026-12-06.",
    }],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let cluster = super::cluster_name(item);
    let oldest = match ctx.str_list(OLDEST_VERSION_SUPPORTED) {
        [only] => match major_minor(only) {
            Some(version) => version,
            None => return bad_parameter(only),
        },
        other => return bad_parameter(&other.join(",")),
    };
    let version = match item.read_str("/Version") {
        Err(unreadable) => return unreadable.into(),
        Ok(None) => {
            return Verdict::insufficient(format!(
                "configuration.Version is missing from the configuration item of cluster \
                 {cluster}, so its Kubernetes version cannot be judged"
            ));
        }
        Ok(Some(version)) => version.trim(),
    };
    let Some(running) = major_minor(version) else {
        return Verdict::insufficient(format!(
            "configuration.Version is {version:?}, not a Kubernetes version such as 1.35; the \
             setting cannot be decided"
        ));
    };
    let (major, minor) = oldest;
    if running >= oldest {
        Verdict::pass(format!(
            "cluster {cluster} runs Kubernetes {version}, at or above the oldest supported \
             version {major}.{minor}"
        ))
    } else {
        Verdict::fail(format!(
            "cluster {cluster} runs Kubernetes {version}, below the oldest supported version \
             {major}.{minor}"
        ))
    }
}

/// `1.35` (also `v1.35`, `1.35.2`, `1.35-eks-3`) as (1, 35).
fn major_minor(text: &str) -> Option<(u32, u32)> {
    let text = text.trim();
    let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
    let mut parts = text.split(['.', '-']);
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// INSUFFICIENT_DATA for a parameter that is not one major.minor version.
fn bad_parameter(value: &str) -> Verdict {
    Verdict::insufficient(format!(
        "the {OLDEST_VERSION_SUPPORTED} parameter is {value:?}, not one Kubernetes version such \
         as 1.35, so no cluster can be judged"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::{Value, json};

    fn run(version: Value, overrides: &[(&str, &str)]) -> Verdict {
        testing::with_parts(
            &CONTROL,
            json!({"Name": "platform", "Version": version}),
            json!({}),
            overrides,
        )
    }

    #[test]
    fn versions_compare_as_numbers() {
        assert_eq!(
            run(json!("1.34"), &[]),
            Verdict::fail(
                "cluster platform runs Kubernetes 1.34, below the oldest supported version 1.35"
            )
        );
        assert!(run(json!("1.35"), &[]).is_compliant());
        assert!(run(json!("1.36"), &[]).is_compliant());
        assert!(run(json!("1.9"), &[]).is_non_compliant());
        assert!(run(json!("1.100"), &[]).is_compliant());
        assert!(run(json!("2.0"), &[]).is_compliant());
    }

    #[test]
    fn the_parameter_moves_the_threshold() {
        let v = run(json!("1.35"), &[(OLDEST_VERSION_SUPPORTED, "1.36")]);
        assert!(v.is_non_compliant(), "{v}");
    }

    #[test]
    fn a_bad_parameter_judges_nothing() {
        for bad in ["latest", "1.35,1.36", "1"] {
            let v = run(json!("1.35"), &[(OLDEST_VERSION_SUPPORTED, bad)]);
            assert!(v.is_insufficient(), "{bad}: {v}");
        }
    }

    #[test]
    fn absent_or_odd_versions_are_insufficient() {
        for version in [json!(null), json!(1.35), json!("latest"), json!("1")] {
            let v = run(version, &[]);
            assert!(v.is_insufficient(), "{v}");
            assert!(v.reason().contains("configuration.Version"), "{v}");
        }
    }

    #[test]
    fn version_forms() {
        assert_eq!(major_minor("v1.35"), Some((1, 35)));
        assert_eq!(major_minor("1.35.2"), Some((1, 35)));
        assert_eq!(major_minor("1.35-eks-3"), Some((1, 35)));
        assert_eq!(major_minor("1"), None);
        assert_eq!(major_minor("x.y"), None);
    }
}
