//! Verdicts read back from what sidewatch wrote earlier: the JSON of `sidewatch scan --format
//! json`, the ASFF findings of `sidewatch scan --format asff`, and findings read from Security Hub
//! ([`StoredFinding`]). Each becomes a [`VerdictRow`] for the [`ReportBuilder`](crate::ReportBuilder).
//!
//! The status of an ASFF finding is its `ProductFields["sidewatch/ComplianceType"]` (the AWS
//! Config compliance type sidewatch wrote), else `Compliance.Status` with `RecordState`
//! (`NOT_AVAILABLE` and `ARCHIVED` is NOT_APPLICABLE, `NOT_AVAILABLE` and `ACTIVE`
//! INSUFFICIENT_DATA). Its reason is the `Description` without the resource label sidewatch puts
//! before it. A finding that is not sidewatch's, or names a control this sidewatch does not have,
//! is an error naming the finding — never guessed into a duty.

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, SeqAccess, Visitor};
use serde_json::Value;
use sidewatch_core::ports::StoredFinding;
use sidewatch_core::{ComplianceType, Control, controls};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;

/// What an input holds, recognised from its first element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// The verdicts of `sidewatch scan --format json`.
    Verdicts,
    /// ASFF findings (`sidewatch scan --format asff`).
    AsffFindings,
    /// Anything else: configuration items for the scan's reader, which says what is wrong with
    /// input that is none of these.
    ConfigurationItems,
}

/// One verdict, wherever it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerdictRow {
    pub control: &'static Control,
    pub resource_type: String,
    pub resource_id: String,
    pub status: ComplianceType,
    pub reason: String,
}

/// Why an element of a findings input is not a verdict the report can use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}: {problem}")]
pub struct FindingError {
    /// Which element: `element 3` or the finding's `Id`.
    pub what: String,
    pub problem: String,
}

/// Recognises the input from its first bytes (a megabyte is plenty: a finding is at most 240 KB):
/// a JSON array whose first element has `controlId` holds verdicts, one whose first element has
/// `SchemaVersion` and `ProductFields` holds ASFF findings; anything else is for the scan.
pub fn sniff(prefix: &[u8]) -> InputKind {
    let kind = Cell::new(InputKind::ConfigurationItems);
    let mut de = serde_json::Deserializer::from_slice(prefix);
    // The visitor stops after the first element by failing on purpose; what it saw is in `kind`.
    let _ = FirstElement(&kind).deserialize(&mut de);
    kind.get()
}

#[derive(Deserialize)]
struct FirstKeys {
    #[serde(rename = "controlId")]
    control_id: Option<IgnoredAny>,
    #[serde(rename = "SchemaVersion")]
    schema_version: Option<IgnoredAny>,
    #[serde(rename = "ProductFields")]
    product_fields: Option<IgnoredAny>,
}

struct FirstElement<'a>(&'a Cell<InputKind>);

impl<'de> DeserializeSeed<'de> for FirstElement<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FirstElement<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if let Some(keys) = seq.next_element::<FirstKeys>()? {
            if keys.control_id.is_some() {
                self.0.set(InputKind::Verdicts);
            } else if keys.schema_version.is_some() && keys.product_fields.is_some() {
                self.0.set(InputKind::AsffFindings);
            }
        }
        Err(de::Error::custom("stop after the first element"))
    }
}

/// One element of `scan --format json`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VerdictRecord {
    control_id: String,
    status: String,
    reason: String,
    resource_type: String,
    resource_id: String,
}

/// The fields of an ASFF finding the report reads.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AsffRecord {
    id: String,
    #[serde(default)]
    generator_id: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    product_fields: BTreeMap<String, String>,
    compliance: Option<AsffCompliance>,
    record_state: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AsffCompliance {
    status: Option<String>,
}

/// Reads a JSON array of `kind` ([`InputKind::Verdicts`] or [`InputKind::AsffFindings`]) one
/// element at a time, handing each verdict (or why an element is not one) to `each`. `Err` when
/// the input is not a JSON array; the elements handed over before stay handed over.
pub fn read(
    reader: impl Read,
    kind: InputKind,
    mut each: impl FnMut(Result<VerdictRow, FindingError>),
) -> Result<u64, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut handle = |index: u64, value: Value| {
        let what = || format!("element {} (index {index})", index + 1);
        let row = match kind {
            InputKind::Verdicts => serde_json::from_value::<VerdictRecord>(value)
                .map_err(|e| FindingError {
                    what: what(),
                    problem: format!("not a sidewatch verdict: {e}"),
                })
                .and_then(|r| from_verdict(&r, &what())),
            _ => serde_json::from_value::<AsffRecord>(value)
                .map_err(|e| FindingError {
                    what: what(),
                    problem: format!("not an ASFF finding: {e}"),
                })
                .and_then(|f| {
                    from_finding(&Fields {
                        id: &f.id,
                        generator_id: &f.generator_id,
                        description: &f.description,
                        product_field: &|key| f.product_fields.get(key).map(String::as_str),
                        compliance_status: f.compliance.as_ref().and_then(|c| c.status.as_deref()),
                        record_state: f.record_state.as_deref().unwrap_or("ACTIVE"),
                    })
                }),
        };
        each(row);
    };
    let elements = EachElement(&mut handle).deserialize(&mut de)?;
    de.end()?;
    Ok(elements)
}

struct EachElement<'f, F>(&'f mut F);

impl<'de, F: FnMut(u64, Value)> DeserializeSeed<'de> for EachElement<'_, F> {
    type Value = u64;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<u64, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(u64, Value)> Visitor<'de> for EachElement<'_, F> {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array of sidewatch verdicts or ASFF findings")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
        let mut index = 0;
        while let Some(value) = seq.next_element::<Value>()? {
            (self.0)(index, value);
            index += 1;
        }
        Ok(index)
    }
}

/// A finding read back from Security Hub as a verdict.
pub fn from_stored(f: &StoredFinding) -> Result<VerdictRow, FindingError> {
    from_finding(&Fields {
        id: &f.id,
        generator_id: &f.generator_id,
        description: &f.description,
        product_field: &|key| {
            f.product_fields
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        },
        compliance_status: f.compliance_status.as_deref(),
        record_state: &f.record_state,
    })
}

/// What the report reads of a finding, from a file or from Security Hub.
struct Fields<'a> {
    id: &'a str,
    generator_id: &'a str,
    description: &'a str,
    product_field: &'a dyn Fn(&str) -> Option<&'a str>,
    compliance_status: Option<&'a str>,
    record_state: &'a str,
}

fn from_finding(f: &Fields<'_>) -> Result<VerdictRow, FindingError> {
    let fail = |problem: String| FindingError {
        what: format!("finding {}", f.id),
        problem,
    };
    let field = |key: &str| (f.product_field)(key).filter(|v| !v.trim().is_empty());
    let control_id = field("sidewatch/ControlId")
        .or_else(|| f.generator_id.strip_prefix("sidewatch/"))
        .ok_or_else(|| {
            fail(format!(
                "not a sidewatch finding (GeneratorId '{}', no ProductFields sidewatch/ControlId)",
                f.generator_id
            ))
        })?;
    let control = known_control(control_id).map_err(fail)?;
    let resource_type = field("sidewatch/ResourceType")
        .ok_or_else(|| fail("no ProductFields sidewatch/ResourceType".to_owned()))?;
    let resource_id = field("sidewatch/ResourceId")
        .ok_or_else(|| fail("no ProductFields sidewatch/ResourceId".to_owned()))?;
    let status = match field("sidewatch/ComplianceType") {
        Some(text) => compliance_type(text).map_err(fail)?,
        None => match (f.compliance_status, f.record_state) {
            (Some("PASSED"), _) => ComplianceType::Compliant,
            (Some("FAILED"), _) => ComplianceType::NonCompliant,
            (Some("NOT_AVAILABLE"), "ARCHIVED") => ComplianceType::NotApplicable,
            (Some("NOT_AVAILABLE"), _) => ComplianceType::InsufficientData,
            (other, _) => {
                return Err(fail(format!(
                    "Compliance.Status {} is not one sidewatch writes (PASSED, FAILED, NOT_AVAILABLE)",
                    other.unwrap_or("(none)")
                )));
            }
        },
    };
    Ok(VerdictRow {
        control,
        resource_type: resource_type.to_owned(),
        resource_id: resource_id.to_owned(),
        status,
        reason: reason_of(f.description, resource_type, resource_id).to_owned(),
    })
}

fn from_verdict(r: &VerdictRecord, what: &str) -> Result<VerdictRow, FindingError> {
    let fail = |problem: String| FindingError {
        what: what.to_owned(),
        problem,
    };
    Ok(VerdictRow {
        control: known_control(&r.control_id).map_err(fail)?,
        resource_type: r.resource_type.clone(),
        resource_id: r.resource_id.clone(),
        status: compliance_type(&r.status).map_err(fail)?,
        reason: r.reason.clone(),
    })
}

fn known_control(id: &str) -> Result<&'static Control, String> {
    controls::find(id).ok_or_else(|| {
        format!(
            "control {id} is not in this sidewatch's catalog (written by another version?); \
             `sidewatch controls` lists the ones it has"
        )
    })
}

/// The AWS Config compliance type spelled `text`.
fn compliance_type(text: &str) -> Result<ComplianceType, String> {
    [
        ComplianceType::Compliant,
        ComplianceType::NonCompliant,
        ComplianceType::NotApplicable,
        ComplianceType::InsufficientData,
    ]
    .into_iter()
    .find(|c| c.as_str() == text)
    .ok_or_else(|| {
        format!(
            "status '{text}' is not an AWS Config compliance type (COMPLIANT, NON_COMPLIANT, \
             NOT_APPLICABLE, INSUFFICIENT_DATA)"
        )
    })
}

/// The verdict's reason: the description without the `<type> <id>[ (<name>)]: ` label the
/// finding builder puts before it; the whole description when it has no such label.
fn reason_of<'a>(description: &'a str, resource_type: &str, resource_id: &str) -> &'a str {
    let Some(rest) = description
        .strip_prefix(resource_type)
        .and_then(|r| r.strip_prefix(' '))
        .and_then(|r| r.strip_prefix(resource_id))
    else {
        return description;
    };
    if let Some(reason) = rest.strip_prefix(": ") {
        return reason;
    }
    rest.strip_prefix(" (")
        .and_then(|named| named.split_once("): "))
        .map_or(description, |(_, reason)| reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_recognised_from_their_first_element() {
        assert_eq!(
            sniff(br#"[{"controlId": "S3.8", "status": "COMPLIANT"}, {"contr"#),
            InputKind::Verdicts
        );
        assert_eq!(
            sniff(b"[\n{\"SchemaVersion\":\"2018-10-08\",\"Id\":\"x\",\"ProductFields\":{}}"),
            InputKind::AsffFindings
        );
        for other in [
            &br#"{"fileVersion": "1.0", "configurationItems": []}"#[..],
            br#"[{"resourceType": "AWS::S3::Bucket"}]"#,
            br#"[]"#,
            b"not json",
            br#"[{"controlI"#,
        ] {
            assert_eq!(sniff(other), InputKind::ConfigurationItems);
        }
    }

    #[test]
    fn reasons_lose_the_resource_label() {
        let t = "AWS::S3::Bucket";
        assert_eq!(
            reason_of("AWS::S3::Bucket b: no policy", t, "b"),
            "no policy"
        );
        assert_eq!(reason_of("AWS::S3::Bucket b (name): x: y", t, "b"), "x: y");
        assert_eq!(reason_of("something else", t, "b"), "something else");
    }

    #[test]
    fn findings_and_verdicts_become_rows_or_say_why_not() {
        let input = br#"[
          {"SchemaVersion": "2018-10-08", "Id": "f1", "GeneratorId": "sidewatch/S3.8",
           "Description": "AWS::S3::Bucket b: blockPublicPolicy is false",
           "ProductFields": {"sidewatch/ControlId": "S3.8", "sidewatch/ResourceType": "AWS::S3::Bucket",
                             "sidewatch/ResourceId": "b", "sidewatch/ComplianceType": "NON_COMPLIANT"},
           "Compliance": {"Status": "FAILED"}, "RecordState": "ACTIVE"},
          {"SchemaVersion": "2018-10-08", "Id": "f2", "GeneratorId": "sidewatch/S3.8",
           "Description": "AWS::S3::Bucket gone: deleted",
           "ProductFields": {"sidewatch/ResourceType": "AWS::S3::Bucket", "sidewatch/ResourceId": "gone"},
           "Compliance": {"Status": "NOT_AVAILABLE"}, "RecordState": "ARCHIVED"},
          {"SchemaVersion": "2018-10-08", "Id": "f3", "GeneratorId": "aws-foundational/S3.8",
           "ProductFields": {}},
          {"SchemaVersion": "2018-10-08", "Id": "f4", "ProductFields": {"sidewatch/ControlId": "S3.99"}},
          17
        ]"#;
        let mut rows = Vec::new();
        let n = read(&input[..], InputKind::AsffFindings, |r| rows.push(r)).unwrap();
        assert_eq!(n, 5);
        let first = rows[0].as_ref().unwrap();
        assert_eq!(
            (first.control.id, first.status, first.reason.as_str()),
            (
                "S3.8",
                ComplianceType::NonCompliant,
                "blockPublicPolicy is false"
            )
        );
        assert_eq!(
            rows[1].as_ref().unwrap().status,
            ComplianceType::NotApplicable
        );
        let errors: Vec<String> = rows[2..]
            .iter()
            .map(|r| r.as_ref().unwrap_err().to_string())
            .collect();
        assert!(
            errors[0].starts_with("finding f3: not a sidewatch finding"),
            "{errors:?}"
        );
        assert!(
            errors[1].contains("S3.99 is not in this sidewatch's catalog"),
            "{errors:?}"
        );
        assert!(
            errors[2].starts_with("element 5 (index 4): not an ASFF finding"),
            "{errors:?}"
        );

        let verdicts = br#"[{"controlId": "EC2.19", "title": "t", "severity": "HIGH",
            "status": "INSUFFICIENT_DATA", "reason": "r", "resourceType": "AWS::EC2::SecurityGroup",
            "resourceId": "sg-1"}, {"controlId": "EC2.19", "status": "MAYBE", "reason": "",
            "resourceType": "", "resourceId": ""}]"#;
        let mut rows = Vec::new();
        read(&verdicts[..], InputKind::Verdicts, |r| rows.push(r)).unwrap();
        assert_eq!(
            rows[0].as_ref().unwrap().status,
            ComplianceType::InsufficientData
        );
        assert!(
            rows[1]
                .as_ref()
                .unwrap_err()
                .problem
                .contains("status 'MAYBE'")
        );
        assert!(read(&b"{}"[..], InputKind::Verdicts, |_| {}).is_err());
    }

    #[test]
    fn stored_findings_read_like_files() {
        let stored = StoredFinding {
            id: "f".into(),
            product_arn: "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default"
                .into(),
            generator_id: "sidewatch/KMS.4".into(),
            account_id: "123456789012".into(),
            region: "us-east-1".into(),
            resource_id: "arn:aws:kms:us-east-1:123456789012:key/k".into(),
            compliance_status: Some("FAILED".into()),
            record_state: "ACTIVE".into(),
            workflow_status: None,
            description: "AWS::KMS::Key k: rotation is off".into(),
            product_fields: vec![
                ("sidewatch/ResourceType".into(), "AWS::KMS::Key".into()),
                ("sidewatch/ResourceId".into(), "k".into()),
            ],
            updated_at: String::new(),
        };
        let row = from_stored(&stored).unwrap();
        assert_eq!(
            (row.control.id, row.status, row.reason.as_str()),
            ("KMS.4", ComplianceType::NonCompliant, "rotation is off")
        );
    }
}
