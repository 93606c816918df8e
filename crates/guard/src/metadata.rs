//! The metadata header of a rules file: optional, in Guard comments, so the file stays a plain
//! Guard file that AWS Config and `cfn-guard` read as it is.
//!
//! The header starts at a comment line `# sidewatch:`; the comment lines after it that are
//! indented (`#   …`) or empty (`#`) are YAML under that key:
//!
//! ```text
//! # sidewatch:
//! #   namespace: Payments            # id prefix of every rule of the file (default: Custom)
//! #   rules:
//! #     bucket_uses_payments_key:    # a rule of this file
//! #       id: Payments.S3Key         # default: <namespace>.<rule name>
//! #       title: Payments buckets use the payments KMS key
//! #       severity: high             # informational, low, medium (default), high, critical
//! #       resource_types: [AWS::S3::Bucket]   # default: from the rule's resourceType clause
//! #       duty: data-protection      # default: data-protection
//! #       rationale: …
//! #       remediation: …
//! #       remediation_url: https://…
//! ```
//!
//! Unknown keys, a rule the file does not have, an id that could be taken for a built-in
//! control's: all refused when the file is loaded, naming the file.

use serde::Deserialize;
use sidewatch_core::Duty;
use std::collections::BTreeMap;

/// The duty of a rule whose header names none.
pub const DEFAULT_DUTY: Duty = Duty::DataProtection;

/// The header line that opens the metadata.
const HEADER: &str = "# sidewatch:";

/// The metadata of one file.
#[derive(Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FileMeta {
    pub namespace: Option<String>,
    #[serde(default)]
    pub rules: BTreeMap<String, RuleMeta>,
}

/// The metadata of one rule; every field is optional.
#[derive(Debug, Default, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    pub id: Option<String>,
    pub title: Option<String>,
    pub severity: Option<String>,
    pub resource_types: Option<Vec<String>>,
    pub duty: Option<String>,
    pub rationale: Option<String>,
    pub remediation: Option<String>,
    pub remediation_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    sidewatch: Option<FileMeta>,
}

/// The header of `text`; the defaults when it has none.
pub fn read(text: &str) -> Result<FileMeta, String> {
    let mut lines = text.lines();
    if !lines.any(|l| l.trim_end() == HEADER) {
        return Ok(FileMeta::default());
    }
    let mut yaml = String::from("sidewatch:\n");
    for line in lines {
        let Some(rest) = line.strip_prefix('#') else {
            break;
        };
        if !rest.trim().is_empty() && !rest.starts_with("  ") {
            break;
        }
        yaml.push_str(rest);
        yaml.push('\n');
    }
    let doc: Document = serde_norway::from_str(&yaml).map_err(|e| e.to_string())?;
    Ok(doc.sidewatch.unwrap_or_default())
}

/// An id must look like the built-in ones (`Namespace.Name`) without being taken for one: its
/// namespace is no built-in control's service, so `--controls S3` never selects a user's rule.
pub fn check_id(id: &str) -> Result<(), String> {
    let Some((namespace, name)) = id.split_once('.') else {
        return Err(format!(
            "id '{id}' has no namespace; write it NAMESPACE.NAME (Custom.{id})"
        ));
    };
    let valid = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    };
    if !valid(namespace) || !valid(name) {
        return Err(format!(
            "id '{id}' may hold only letters, digits, '_', '-' and '.'"
        ));
    }
    if let Some(builtin) = sidewatch_core::catalog()
        .iter()
        .find(|c| c.service().eq_ignore_ascii_case(namespace))
    {
        return Err(format!(
            "id '{id}' is in the namespace of the built-in control {}; pick another namespace \
             (the default is Custom)",
            builtin.id
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_read_and_other_comments_are_not() {
        let meta = read(
            "# Our bucket rules.\n\
             # sidewatch:\n\
             #   namespace: Payments\n\
             #   rules:\n\
             #     one:\n\
             #\n\
             #       severity: high\n\
             #       resource_types: [AWS::S3::Bucket]\n\
             # Written by the platform team.\n\
             rule one { configuration exists }\n",
        )
        .unwrap();
        assert_eq!(meta.namespace.as_deref(), Some("Payments"));
        let one = &meta.rules["one"];
        assert_eq!(one.severity.as_deref(), Some("high"));
        assert_eq!(
            one.resource_types.as_deref(),
            Some(&["AWS::S3::Bucket".to_owned()][..])
        );
        assert_eq!(read("rule x { a exists }").unwrap(), FileMeta::default());
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err =
            read("# sidewatch:\n#   rules:\n#     one:\n#       sevrity: high\n").unwrap_err();
        assert!(err.contains("sevrity"), "{err}");
    }

    #[test]
    fn ids_never_look_like_built_in_ones() {
        assert!(check_id("Custom.tableisactive").is_ok());
        assert!(check_id("Payments.S3-key").is_ok());
        assert!(check_id("s3.mine").unwrap_err().contains("S3."));
        assert!(
            check_id("nonamespace")
                .unwrap_err()
                .contains("Custom.nonamespace")
        );
        assert!(check_id("Custom.a b").is_err());
    }
}
