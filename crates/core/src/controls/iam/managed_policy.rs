//! What the customer-managed-policy controls (IAM.1, IAM.21) share: which `AWS::IAM::Policy`
//! items they evaluate, the default version's document, and how IAM action and resource patterns
//! read.
//!
//! Scope, as AWS documents it for both managed rules: only customer managed policies are
//! evaluated (AWS managed policies, `arn:<partition>:iam::aws:policy/…`, are NOT_APPLICABLE;
//! inline policies are not `AWS::IAM::Policy` items at all), and only the default version, found by
//! `policyVersionList[].isDefaultVersion` (or, failing that, by `defaultVersionId`).
//!
//! `excludePermissionBoundaryPolicy`: AWS's managed rules take it with default `false`; Security
//! Hub runs IAM.1 and IAM.21 with `true`, and so does sidewatch. The configuration item tells a
//! boundary use by `permissionsBoundaryUsageCount`. A policy is excluded only when it is used as
//! a boundary and attached to no user, group or role (`attachmentCount` 0): a policy that is
//! also attached grants its permissions, and excluding it would hide exactly what the control
//! looks for.

use crate::control::Context;
use crate::controls::policy::{PolicyDocument, Scope, Statement, covers_every_string_with_prefix};
use crate::item::{Unreadable, found, value_as_bool};
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;

/// The parameter both controls declare, as Security Hub sets it.
pub(crate) const EXCLUDE_BOUNDARY: ParamSpec = ParamSpec {
    name: "excludePermissionBoundaryPolicy",
    kind: ParamKind::Bool,
    default: "true",
    description: "When true, a policy used only as a permissions boundary (attached to no \
                  user, group or role) is NOT_APPLICABLE. Security Hub runs the control with \
                  true; the AWS Config managed rule defaults to false.",
};

/// The default version of a customer managed policy: its id and document. Anything else (an AWS
/// managed or excluded boundary policy, a missing or unreadable document) comes back as the
/// verdict to report.
fn default_version(ctx: &Context<'_>) -> Result<(String, PolicyDocument), Verdict> {
    let item = ctx.item;
    let arn = item
        .config_str("/arn")
        .or(item.arn.as_deref())
        .unwrap_or_default();
    if arn.contains(":iam::aws:policy/") {
        return Err(Verdict::not_applicable(format!(
            "{arn} is an AWS managed policy; only customer managed policies are evaluated"
        )));
    }
    let boundary_uses = item
        .read_i64("/permissionsBoundaryUsageCount")?
        .unwrap_or(0);
    let attachments = item.read_i64("/attachmentCount")?;
    if ctx.bool(EXCLUDE_BOUNDARY.name) && boundary_uses > 0 && attachments == Some(0) {
        return Err(Verdict::not_applicable(format!(
            "the policy is used only as a permissions boundary ({boundary_uses} users or roles, \
             no attachments) and excludePermissionBoundaryPolicy is true"
        )));
    }
    let Some(versions) = item.config("/policyVersionList").and_then(|v| v.as_array()) else {
        return Err(Verdict::insufficient(
            "the configuration item has no configuration.policyVersionList to read the default \
             version from",
        ));
    };
    for (i, version) in versions.iter().enumerate() {
        if let Some(flag) = version.get("isDefaultVersion").filter(|f| !f.is_null())
            && value_as_bool(flag).is_none()
        {
            return Err(Unreadable::config(
                &format!("/policyVersionList/{i}/isDefaultVersion"),
                found(flag, "true or false"),
            )
            .into());
        }
    }
    let flagged: Vec<&serde_json::Value> = versions
        .iter()
        .filter(|v| v.get("isDefaultVersion").and_then(value_as_bool) == Some(true))
        .collect();
    let chosen = match flagged.as_slice() {
        [one] => *one,
        [] => {
            let default_id = item.config_str("/defaultVersionId");
            let by_id = default_id.and_then(|id| {
                versions
                    .iter()
                    .find(|v| v.get("versionId").and_then(|x| x.as_str()) == Some(id))
            });
            match by_id {
                Some(v) => v,
                None => {
                    return Err(Verdict::insufficient(format!(
                        "none of the {} recorded policy versions is marked as the default \
                         version{}",
                        versions.len(),
                        default_id
                            .map(|id| format!(" (defaultVersionId {id})"))
                            .unwrap_or_default()
                    )));
                }
            }
        }
        many => {
            return Err(Verdict::insufficient(format!(
                "{} policy versions are marked as the default version",
                many.len()
            )));
        }
    };
    let version_id = chosen
        .get("versionId")
        .and_then(|v| v.as_str())
        .unwrap_or("(unnamed)")
        .to_owned();
    let Some(document) = chosen.get("document").filter(|d| !d.is_null()) else {
        return Err(Verdict::insufficient(format!(
            "the default version {version_id} carries no document"
        )));
    };
    match PolicyDocument::from_value(document) {
        Ok(doc) => Ok((version_id, doc)),
        Err(e) => Err(Verdict::insufficient(format!(
            "cannot read the default version {version_id}: {e}"
        ))),
    }
}

/// The NIST SP 800-53 Rev. 5 controls Security Hub maps both IAM.1 and IAM.21 to.
pub(crate) const LEAST_PRIVILEGE_NIST: &[&str] = &[
    "AC-2", "AC-2(1)", "AC-3", "AC-3(15)", "AC-3(7)", "AC-5", "AC-6", "AC-6(10)", "AC-6(2)",
    "AC-6(3)",
];

/// Evaluates the default version of a customer managed policy: `finding` says what is wrong with
/// an Allow statement; no finding in any Allow statement is a pass described by `clean`.
pub(crate) fn evaluate_allows(
    ctx: &Context<'_>,
    finding: fn(&Statement) -> Option<String>,
    clean: &str,
) -> Verdict {
    let (version, policy) = match default_version(ctx) {
        Ok(found) => found,
        Err(verdict) => return verdict,
    };
    let findings: Vec<String> = policy.allows().filter_map(finding).collect();
    if findings.is_empty() {
        Verdict::pass(format!("default version {version}: {clean}"))
    } else {
        Verdict::fail(format!(
            "default version {version}: {}",
            findings.join("; ")
        ))
    }
}

/// An action pattern that matches every action of every service: `*`, `**`, `*:*`.
pub(crate) fn is_every_action(pattern: &str) -> bool {
    let t = pattern.trim();
    let rest: String = t.chars().filter(|c| *c != '*').collect();
    !t.is_empty() && (rest.is_empty() || (rest == ":" && t.starts_with('*') && t.ends_with('*')))
}

/// An action pattern that grants every action of at least one service: `ec2:*`, `ec2:**`,
/// `ec2*`, `*`. A prefixed wildcard such as `ec2:Describe*` does not.
pub(crate) fn is_service_wildcard(pattern: &str) -> bool {
    let t = pattern.trim();
    match t.split_once(':') {
        Some((_, action)) => {
            !action.is_empty()
                && action.contains('*')
                && action.chars().all(|c| c == '*' || c == '?')
        }
        None => t.ends_with('*'),
    }
}

/// A resource pattern that matches every resource: `*`, `arn:*`, `arn:aws:*`, `arn:*:*:*:*:*`.
pub(crate) fn is_every_resource(pattern: &str) -> bool {
    let t = pattern.trim();
    let stars = |s: &str| !s.is_empty() && s.chars().all(|c| c == '*');
    if stars(t) {
        return true;
    }
    let Some(rest) = t.strip_prefix("arn:") else {
        return false;
    };
    let segments: Vec<&str> = rest.split(':').collect();
    let Some((partition, services_on)) = segments.split_first() else {
        return false;
    };
    // A partition written out (`aws`) or with wildcards (`*`, `aws*`) reaches the policy's own
    // partition; the policy cannot name resources in another one.
    let partition_like = !partition.is_empty()
        && partition
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '*' | '?'));
    if services_on.is_empty() {
        return stars(partition);
    }
    partition_like && services_on.iter().all(|s| stars(s))
}

/// How an Allow statement's resources read when they reach every resource, or `None`.
/// `NotResource` (everything except a few) and a missing element count as every resource.
pub(crate) fn every_resource(s: &Statement) -> Option<String> {
    match &s.resource {
        Some(Scope::Only(list)) => list
            .iter()
            .find(|p| is_every_resource(p))
            .map(|p| format!("Resource {}", p.trim())),
        Some(Scope::AllBut(list)) => Some(format!(
            "every resource except NotResource {}",
            list.join(", ")
        )),
        None => Some("every resource (the statement has no Resource)".to_owned()),
    }
}

/// Whether a list of `NotAction` patterns withholds every IAM action (`iam:*`).
pub(crate) fn withholds_all_of_iam(not_actions: &[String]) -> bool {
    not_actions
        .iter()
        .any(|p| covers_every_string_with_prefix(&p.trim().to_lowercase(), "iam:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_patterns() {
        for p in ["*", " * ", "**", "*:*", "**:**"] {
            assert!(is_every_action(p), "{p}");
        }
        for p in ["", "s3:*", "*:Get*", ":*", "*:", "iam:PassRole", "*?"] {
            assert!(!is_every_action(p), "{p}");
        }
    }

    #[test]
    fn service_wildcards() {
        for p in [
            "ec2:*", "EC2:*", "ec2:**", "ec2:?*", "ec2*", "*", "e*", "*:*",
        ] {
            assert!(is_service_wildcard(p), "{p}");
        }
        for p in [
            "ec2:Describe*",
            "ec2:*Instances",
            "ec2:RunInstances",
            "ec2:",
            "*ec2",
            "*:Get*",
        ] {
            assert!(!is_service_wildcard(p), "{p}");
        }
    }

    #[test]
    fn every_resource_patterns() {
        for p in [
            "*",
            "**",
            "arn:*",
            "arn:aws:*",
            "arn:aws:*:*:*:*",
            "arn:*:*:*:*:*",
            "arn:aws-cn:*",
            "arn:a*s:*",
        ] {
            assert!(is_every_resource(p), "{p}");
        }
        for p in [
            "arn:aws:s3:::*",
            "arn:aws:iam::123456789012:*",
            "arn:aws",
            "arn:",
            "arn:aws:*:*:*:x",
            "arn:a.s:*",
            "",
            "arn:aws:*:",
        ] {
            assert!(!is_every_resource(p), "{p}");
        }
    }

    #[test]
    fn withholding_iam() {
        assert!(withholds_all_of_iam(&["iam:*".to_owned()]));
        assert!(withholds_all_of_iam(&[
            "s3:*".to_owned(),
            "IAM:*".to_owned()
        ]));
        assert!(!withholds_all_of_iam(&["iam:Create*".to_owned()]));
        assert!(!withholds_all_of_iam(&[]));
    }
}
