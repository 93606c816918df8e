//! The checks Security Hub applies to a finding, run before anything is sent.
//!
//! Limits come from the `AwsSecurityFinding` API model and the ASFF user guide: required
//! attributes present and not blank (`.*\S.*`), length limits in characters, at most 50 types,
//! 32 resources, 50 product fields, 50 tags and 32 related requirements, and at most
//! [`MAX_FINDING_BYTES`] serialized.

use super::build::{
    MAX_DESCRIPTION, MAX_PRODUCT_FIELD_VALUE, MAX_RECOMMENDATION_TEXT, MAX_RELATED_REQUIREMENTS,
    MAX_TAG_KEY, MAX_TAG_VALUE, MAX_TAGS, MAX_TITLE, is_region_name,
};
use super::model::{Action, Finding, Remediation};
use super::{FindingError, MAX_FINDING_BYTES, SCHEMA_VERSION, is_blank};
use crate::arn::Partition;
use std::collections::BTreeMap;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const MAX_ID: usize = 512;
pub(super) const MAX_GENERATOR_ID: usize = 512;
const MAX_PRODUCT_ARN: usize = 2048;
const MIN_PRODUCT_ARN: usize = 12;
const MAX_TYPES: usize = 50;
const MAX_RESOURCES: usize = 32;
const MAX_RESOURCE_TYPE: usize = 256;
const MAX_PRODUCT_FIELDS: usize = 50;
const MAX_PRODUCT_FIELD_KEY: usize = 128;
/// The namespaces ASFF accepts as the first part of a finding type.
const TYPE_NAMESPACES: [&str; 5] = [
    "Software and Configuration Checks",
    "TTPs",
    "Effects",
    "Unusual Behaviors",
    "Sensitive Data Identifications",
];

impl Finding {
    /// Checks everything Security Hub would refuse: required attributes present and not blank,
    /// enumerations, lengths, counts, tags, and the serialized size. The error names the first
    /// attribute at fault.
    pub fn validate(&self) -> Result<(), FindingError> {
        self.validated_size().map(|_| ())
    }

    /// Validates and returns the serialized size in bytes.
    pub(super) fn validated_size(&self) -> Result<usize, FindingError> {
        self.validate_fields()?;
        let bytes = self.to_json()?.len();
        self.check_size(bytes)?;
        Ok(bytes)
    }

    /// The size limit, for a finding already serialized to `bytes` bytes.
    pub(super) fn check_size(&self, bytes: usize) -> Result<(), FindingError> {
        if bytes > MAX_FINDING_BYTES {
            return Err(FindingError::TooLarge {
                id: self.id.clone(),
                bytes,
                max: MAX_FINDING_BYTES,
            });
        }
        Ok(())
    }

    /// Every check of [`Finding::validate`] except the serialized size, which costs a
    /// serialization: [`Finding::encode_into`] checks it on the bytes it writes anyway.
    pub fn validate_fields(&self) -> Result<(), FindingError> {
        let check = Check {
            id: if is_blank(&self.id) {
                "<without Id>"
            } else {
                &self.id
            },
        };
        if self.schema_version != SCHEMA_VERSION {
            return Err(check.fail(
                "SchemaVersion",
                format!("is '{}', not {SCHEMA_VERSION}", self.schema_version),
            ));
        }
        check.text("Id", &self.id, 1, MAX_ID)?;
        check.text(
            "ProductArn",
            &self.product_arn,
            MIN_PRODUCT_ARN,
            MAX_PRODUCT_ARN,
        )?;
        if !self.product_arn.starts_with("arn:") || !self.product_arn.contains(":product/") {
            return Err(check.fail(
                "ProductArn",
                format!("'{}' is not a Security Hub product ARN", self.product_arn),
            ));
        }
        check.text("GeneratorId", &self.generator_id, 1, MAX_GENERATOR_ID)?;
        if self.aws_account_id.len() != 12
            || !self.aws_account_id.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(check.fail(
                "AwsAccountId",
                format!("'{}' is not 12 digits", self.aws_account_id),
            ));
        }
        check.types("Types", &self.types)?;
        check.types(
            "FindingProviderFields.Types",
            &self.finding_provider_fields.types,
        )?;
        let created = check.timestamp("CreatedAt", &self.created_at)?;
        let updated = check.timestamp("UpdatedAt", &self.updated_at)?;
        if updated < created {
            return Err(check.fail("UpdatedAt", "is before CreatedAt"));
        }
        check.text("Title", &self.title, 1, MAX_TITLE)?;
        check.text("Description", &self.description, 1, MAX_DESCRIPTION)?;
        check.remediation(self.remediation.as_ref())?;
        check.map(
            "ProductFields",
            &self.product_fields,
            MAX_PRODUCT_FIELDS,
            MAX_PRODUCT_FIELD_KEY,
            MAX_PRODUCT_FIELD_VALUE,
        )?;
        check.resources(self)?;
        let compliance = &self.compliance;
        check.count(
            "Compliance.RelatedRequirements",
            compliance.related_requirements.len(),
            0,
            MAX_RELATED_REQUIREMENTS,
        )?;
        for (i, requirement) in compliance.related_requirements.iter().enumerate() {
            // The field name is formatted only on failure: this runs for every finding.
            check
                .text("Compliance.RelatedRequirements", requirement, 1, usize::MAX)
                .map_err(|e| e.at_index(i))?;
        }
        if let Some(control) = &compliance.security_control_id {
            check.text("Compliance.SecurityControlId", control, 1, usize::MAX)?;
        }
        if let Some(action) = &self.action {
            check.action(action)?;
        }
        Ok(())
    }
}

/// Builds errors that name the finding.
/// The checks, for the finding `id` names (in messages).
pub(super) struct Check<'a> {
    id: &'a str,
}

impl<'a> Check<'a> {
    pub(super) fn new(id: &'a str) -> Self {
        Check { id }
    }

    /// `Remediation.Recommendation`'s text and URL.
    pub(super) fn remediation(
        &self,
        remediation: Option<&Remediation>,
    ) -> Result<(), FindingError> {
        if let Some(remediation) = remediation {
            let r = &remediation.recommendation;
            if let Some(text) = &r.text {
                self.text(
                    "Remediation.Recommendation.Text",
                    text,
                    1,
                    MAX_RECOMMENDATION_TEXT,
                )?;
            }
            if let Some(url) = &r.url {
                self.text("Remediation.Recommendation.Url", url, 1, usize::MAX)?;
            }
        }
        Ok(())
    }

    /// `ProductFields`, borrowed.
    pub(super) fn product_fields(&self, fields: &BTreeMap<&str, &str>) -> Result<(), FindingError> {
        self.count("ProductFields", fields.len(), 0, MAX_PRODUCT_FIELDS)?;
        for (key, value) in fields {
            self.text("ProductFields key", key, 1, MAX_PRODUCT_FIELD_KEY)?;
            self.text("ProductFields", value, 1, MAX_PRODUCT_FIELD_VALUE)?;
        }
        Ok(())
    }

    /// One resource's `Tags`.
    pub(super) fn tags(&self, tags: &BTreeMap<String, String>) -> Result<(), FindingError> {
        self.map(
            "Resources[0].Tags",
            tags,
            MAX_TAGS,
            MAX_TAG_KEY,
            MAX_TAG_VALUE,
        )
    }

    /// `Action`: the one action type sidewatch sends, what `AwsApiCallAction` allows.
    fn action(&self, action: &Action) -> Result<(), FindingError> {
        if action.action_type != "AWS_API_CALL" {
            return Err(self.fail(
                "Action.ActionType",
                format!("is '{}', not AWS_API_CALL", action.action_type),
            ));
        }
        let Some(call) = &action.aws_api_call_action else {
            return Ok(());
        };
        if let Some(caller) = &call.caller_type
            && caller != "remoteip"
            && caller != "domain"
        {
            return Err(self.fail(
                "Action.AwsApiCallAction.CallerType",
                format!("is '{caller}', not remoteip or domain"),
            ));
        }
        if let Some(ip) = &call.remote_ip_details
            && ip.ip_address_v4.parse::<std::net::Ipv4Addr>().is_err()
        {
            return Err(self.fail(
                "Action.AwsApiCallAction.RemoteIpDetails.IpAddressV4",
                format!("'{}' is not an IPv4 address", ip.ip_address_v4),
            ));
        }
        for (field, seen) in [
            ("Action.AwsApiCallAction.FirstSeen", &call.first_seen),
            ("Action.AwsApiCallAction.LastSeen", &call.last_seen),
        ] {
            if let Some(seen) = seen {
                self.timestamp(field, seen)?;
            }
        }
        Ok(())
    }

    fn fail(&self, field: &str, problem: impl Into<String>) -> FindingError {
        FindingError::Invalid {
            id: self.id.to_owned(),
            field: field.to_owned(),
            problem: problem.into(),
        }
    }

    /// Not blank, and `min..=max` characters long.
    pub(super) fn text(
        &self,
        field: &str,
        value: &str,
        min: usize,
        max: usize,
    ) -> Result<(), FindingError> {
        self.text_lazy(|| field.to_owned(), value, min, max)
    }

    /// Like [`Check::text`], naming the field only when the check fails: the names of map keys
    /// and list elements are formatted, and this runs for every field of every finding.
    fn text_lazy(
        &self,
        field: impl FnOnce() -> String,
        value: &str,
        min: usize,
        max: usize,
    ) -> Result<(), FindingError> {
        if is_blank(value) {
            return Err(self.fail(&field(), "is empty"));
        }
        // A text has at most as many characters as bytes and at least a quarter as many: most
        // are decided without counting.
        if value.len() <= max && value.len().div_ceil(4) >= min {
            return Ok(());
        }
        let len = value.chars().count();
        if len < min {
            return Err(self.fail(
                &field(),
                format!("is {len} characters long, shorter than the {min} required"),
            ));
        }
        if len > max {
            return Err(self.fail(
                &field(),
                format!("is {len} characters long, over the {max} allowed"),
            ));
        }
        Ok(())
    }

    pub(super) fn count(
        &self,
        field: &str,
        n: usize,
        min: usize,
        max: usize,
    ) -> Result<(), FindingError> {
        if n < min {
            Err(self.fail(
                field,
                format!("has {n} entries, at least {min} are required"),
            ))
        } else if n > max {
            Err(self.fail(field, format!("has {n} entries, over the {max} allowed")))
        } else {
            Ok(())
        }
    }

    /// 1..=50 types, each `namespace/category/classifier` with a namespace ASFF defines.
    pub(super) fn types(&self, field: &str, types: &[String]) -> Result<(), FindingError> {
        self.count(field, types.len(), 1, MAX_TYPES)?;
        for (i, t) in types.iter().enumerate() {
            let field = format!("{field}[{i}]");
            self.text(&field, t, 1, usize::MAX)?;
            let namespace = t.split('/').next().unwrap_or_default();
            if !TYPE_NAMESPACES.contains(&namespace) {
                return Err(self.fail(
                    &field,
                    format!(
                        "'{t}' does not start with an ASFF namespace ({})",
                        TYPE_NAMESPACES.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    pub(super) fn timestamp(
        &self,
        field: &str,
        value: &str,
    ) -> Result<OffsetDateTime, FindingError> {
        OffsetDateTime::parse(value, &Rfc3339)
            .map_err(|_| self.fail(field, format!("'{value}' is not an RFC 3339 timestamp")))
    }

    /// A `FieldMap`: at most `max_entries`, keys and values not blank and within their limits.
    fn map(
        &self,
        field: &str,
        map: &BTreeMap<String, String>,
        max_entries: usize,
        max_key: usize,
        max_value: usize,
    ) -> Result<(), FindingError> {
        self.count(field, map.len(), 0, max_entries)?;
        for (key, value) in map {
            self.text_lazy(|| format!("{field} key '{key}'"), key, 1, max_key)?;
            self.text_lazy(|| format!("{field}['{key}']"), value, 1, max_value)?;
        }
        Ok(())
    }

    fn resources(&self, finding: &Finding) -> Result<(), FindingError> {
        self.count("Resources", finding.resources.len(), 1, MAX_RESOURCES)?;
        for (i, resource) in finding.resources.iter().enumerate() {
            let field = |name: &str| format!("Resources[{i}].{name}");
            self.text_lazy(
                || field("Type"),
                &resource.resource_type,
                1,
                MAX_RESOURCE_TYPE,
            )?;
            self.text_lazy(|| field("Id"), &resource.id, 1, usize::MAX)?;
            if let Some(partition) = &resource.partition
                && !Partition::asff_accepts(partition)
            {
                return Err(self.fail(
                    &field("Partition"),
                    format!("'{partition}' is not one of aws, aws-cn, aws-us-gov"),
                ));
            }
            if let Some(region) = &resource.region
                && !is_region_name(region)
            {
                return Err(self.fail(
                    &field("Region"),
                    format!("'{region}' is not a Region name of at most 16 characters"),
                ));
            }
            self.map(
                &field("Tags"),
                &resource.tags,
                MAX_TAGS,
                MAX_TAG_KEY,
                MAX_TAG_VALUE,
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Severity;
    use crate::finding::model::{
        Compliance, ComplianceStatus, FindingProviderFields, FindingSeverity, Recommendation,
        RecordState, Remediation, Resource,
    };

    fn valid() -> Finding {
        let types =
            vec!["Software and Configuration Checks/AWS Security Best Practices".to_owned()];
        Finding {
            schema_version: SCHEMA_VERSION.into(),
            id: "arn:aws:securityhub:us-east-1:123456789012:sidewatch/S3.8/00".into(),
            product_arn: "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default"
                .into(),
            generator_id: "sidewatch/S3.8".into(),
            aws_account_id: "123456789012".into(),
            types: types.clone(),
            created_at: "2024-06-01T10:05:00Z".into(),
            updated_at: "2024-06-01T10:05:00Z".into(),
            severity: FindingSeverity {
                label: Severity::High,
            },
            title: "S3.8 title".into(),
            description: "AWS::S3::Bucket b: reason".into(),
            remediation: Some(Remediation {
                recommendation: Recommendation {
                    text: Some("do it".into()),
                    url: Some("https://docs.aws.amazon.com/".into()),
                },
            }),
            product_fields: BTreeMap::from([("sidewatch/ControlId".into(), "S3.8".into())]),
            resources: vec![Resource {
                resource_type: "AwsS3Bucket".into(),
                id: "arn:aws:s3:::b".into(),
                partition: Some("aws".into()),
                region: Some("us-east-1".into()),
                tags: BTreeMap::from([("team".into(), "web".into())]),
            }],
            compliance: Compliance {
                status: ComplianceStatus::Failed,
                related_requirements: vec![
                    "AWS Foundational Security Best Practices v1.0.0/S3.8".into(),
                ],
                security_control_id: Some("S3.8".into()),
            },
            action: None,
            record_state: RecordState::Active,
            finding_provider_fields: FindingProviderFields {
                severity: FindingSeverity {
                    label: Severity::High,
                },
                types,
            },
        }
    }

    fn action(kind: &str, caller: &str, ip: &str) -> Action {
        Action {
            action_type: kind.into(),
            aws_api_call_action: Some(crate::finding::AwsApiCallAction {
                api: Some("PutBucketPolicy".into()),
                service_name: Some("s3.amazonaws.com".into()),
                caller_type: Some(caller.into()),
                remote_ip_details: Some(crate::finding::RemoteIpDetails {
                    ip_address_v4: ip.into(),
                }),
                domain_details: None,
                first_seen: Some("2024-06-01T10:04:00Z".into()),
                last_seen: Some("2024-06-01T10:04:00Z".into()),
            }),
        }
    }

    #[test]
    fn a_well_formed_action_is_valid() {
        let mut f = valid();
        f.action = Some(action("AWS_API_CALL", "remoteip", "203.0.113.7"));
        f.validate().unwrap();
    }

    /// One way to break a valid finding.
    type Change = Box<dyn FnOnce(&mut Finding)>;

    /// Applies `change` to a valid finding and returns the field the validation blames.
    fn blamed(change: impl FnOnce(&mut Finding)) -> String {
        let mut f = valid();
        change(&mut f);
        match f.validate() {
            Err(FindingError::Invalid { field, .. }) => field,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn the_reference_finding_is_valid() {
        valid().validate().unwrap();
    }

    #[test]
    fn each_rule_is_enforced() {
        let long_key_field = format!("ProductFields key '{}'", "k".repeat(129));
        let cases: Vec<(&str, Change)> = vec![
            (
                "SchemaVersion",
                Box::new(|f| f.schema_version = "2020-01-01".into()),
            ),
            ("Id", Box::new(|f| f.id = " ".into())),
            (
                "Action.ActionType",
                Box::new(|f| f.action = Some(action("PORT_PROBE", "remoteip", "203.0.113.7"))),
            ),
            (
                "Action.AwsApiCallAction.CallerType",
                Box::new(|f| f.action = Some(action("AWS_API_CALL", "ip", "203.0.113.7"))),
            ),
            (
                "Action.AwsApiCallAction.RemoteIpDetails.IpAddressV4",
                Box::new(|f| f.action = Some(action("AWS_API_CALL", "remoteip", "2001:db8::1"))),
            ),
            (
                "Action.AwsApiCallAction.FirstSeen",
                Box::new(|f| {
                    let mut a = action("AWS_API_CALL", "remoteip", "203.0.113.7");
                    if let Some(call) = a.aws_api_call_action.as_mut() {
                        call.first_seen = Some("yesterday".into());
                    }
                    f.action = Some(a);
                }),
            ),
            ("Id", Box::new(|f| f.id = "x".repeat(513))),
            ("ProductArn", Box::new(|f| f.product_arn = String::new())),
            (
                "ProductArn",
                Box::new(|f| f.product_arn = "arn:aws:s3:::bucket/x".into()),
            ),
            ("GeneratorId", Box::new(|f| f.generator_id = String::new())),
            (
                "AwsAccountId",
                Box::new(|f| f.aws_account_id = "12345678901a".into()),
            ),
            (
                "AwsAccountId",
                Box::new(|f| f.aws_account_id = "1234".into()),
            ),
            ("Types", Box::new(|f| f.types.clear())),
            (
                "Types",
                Box::new(|f| f.types = vec!["Software and Configuration Checks".into(); 51]),
            ),
            (
                "Types[0]",
                Box::new(|f| f.types = vec!["Compliance/Whatever".into()]),
            ),
            (
                "FindingProviderFields.Types",
                Box::new(|f| f.finding_provider_fields.types.clear()),
            ),
            ("CreatedAt", Box::new(|f| f.created_at = "yesterday".into())),
            (
                "UpdatedAt",
                Box::new(|f| f.updated_at = "2024-06-01 10:05:00".into()),
            ),
            (
                "UpdatedAt",
                Box::new(|f| f.updated_at = "2024-06-01T10:04:59Z".into()),
            ),
            ("Title", Box::new(|f| f.title = String::new())),
            ("Title", Box::new(|f| f.title = "t".repeat(257))),
            ("Description", Box::new(|f| f.description = "\n".into())),
            (
                "Description",
                Box::new(|f| f.description = "é".repeat(1025)),
            ),
            (
                "Remediation.Recommendation.Text",
                Box::new(|f| {
                    f.remediation.as_mut().unwrap().recommendation.text = Some("x".repeat(513))
                }),
            ),
            (
                "Remediation.Recommendation.Url",
                Box::new(|f| f.remediation.as_mut().unwrap().recommendation.url = Some("".into())),
            ),
            (
                "ProductFields",
                Box::new(|f| {
                    for i in 0..51 {
                        f.product_fields.insert(format!("k{i}"), "v".into());
                    }
                }),
            ),
            (
                "ProductFields['sidewatch/Source']",
                Box::new(|f| {
                    f.product_fields
                        .insert("sidewatch/Source".into(), String::new());
                }),
            ),
            (
                "ProductFields['k']",
                Box::new(|f| {
                    f.product_fields.insert("k".into(), "v".repeat(2049));
                }),
            ),
            (
                &long_key_field,
                Box::new(|f| {
                    f.product_fields.insert("k".repeat(129), "v".into());
                }),
            ),
            ("Resources", Box::new(|f| f.resources.clear())),
            (
                "Resources",
                Box::new(|f| f.resources = vec![f.resources[0].clone(); 33]),
            ),
            (
                "Resources[0].Type",
                Box::new(|f| f.resources[0].resource_type = String::new()),
            ),
            (
                "Resources[0].Id",
                Box::new(|f| f.resources[0].id = " ".into()),
            ),
            (
                "Resources[0].Partition",
                Box::new(|f| f.resources[0].partition = Some("aws-iso".into())),
            ),
            (
                "Resources[0].Region",
                Box::new(|f| f.resources[0].region = Some("global".into())),
            ),
            (
                "Resources[0].Region",
                Box::new(|f| f.resources[0].region = Some("ap-southeast-99-extra".into())),
            ),
            (
                "Resources[0].Tags",
                Box::new(|f| {
                    for i in 0..51 {
                        f.resources[0].tags.insert(format!("k{i}"), "v".into());
                    }
                }),
            ),
            (
                "Resources[0].Tags['empty']",
                Box::new(|f| {
                    f.resources[0].tags.insert("empty".into(), String::new());
                }),
            ),
            (
                "Resources[0].Tags['long']",
                Box::new(|f| {
                    f.resources[0].tags.insert("long".into(), "v".repeat(257));
                }),
            ),
            (
                "Compliance.RelatedRequirements",
                Box::new(|f| f.compliance.related_requirements = vec!["r".into(); 33]),
            ),
            (
                "Compliance.RelatedRequirements[1]",
                Box::new(|f| f.compliance.related_requirements.push(" ".into())),
            ),
            (
                "Compliance.SecurityControlId",
                Box::new(|f| f.compliance.security_control_id = Some(String::new())),
            ),
        ];
        for (field, change) in cases {
            assert_eq!(blamed(change), field);
        }
    }

    #[test]
    fn errors_name_the_finding_and_the_problem() {
        let mut f = valid();
        f.title = "t".repeat(300);
        let err = f.validate().unwrap_err().to_string();
        assert!(err.contains(&f.id), "{err}");
        assert!(
            err.contains("Title is 300 characters long, over the 256 allowed"),
            "{err}"
        );
        f.id = String::new();
        assert!(
            f.validate()
                .unwrap_err()
                .to_string()
                .contains("<without Id>")
        );
    }

    #[test]
    fn oversized_findings_are_refused() {
        let mut f = valid();
        // Valid piece by piece (32 resources of 50 tags of 256 characters), too big as a whole.
        let tags: BTreeMap<String, String> = (0..50)
            .map(|i| (format!("{i:0>120}"), "v".repeat(256)))
            .collect();
        f.resources = vec![
            Resource {
                tags,
                ..f.resources[0].clone()
            };
            32
        ];
        match f.validate() {
            Err(FindingError::TooLarge { bytes, max, .. }) => {
                assert!(bytes > max);
                assert_eq!(max, MAX_FINDING_BYTES);
            }
            other => panic!("expected TooLarge, got {other:?}"),
        }
        // Encoding checks the same limit on the bytes it writes, and leaves the buffer as it was.
        assert!(f.validate_fields().is_ok());
        let mut buf = b"[".to_vec();
        assert!(matches!(
            f.encode_into(&mut buf),
            Err(FindingError::TooLarge { .. })
        ));
        assert_eq!(buf, b"[");
        let ok = valid();
        let n = ok.encode_into(&mut buf).unwrap();
        assert_eq!(n, ok.to_json().unwrap().len());
        assert_eq!(&buf[1..], ok.to_json().unwrap().as_bytes());
    }

    #[test]
    fn unicode_lengths_count_characters_not_bytes() {
        let mut f = valid();
        f.title = "é".repeat(256);
        f.validate().unwrap();
    }
}
