//! Writing many findings as `BatchImportFindings` JSON, fast: [`AsffEncoder`].
//!
//! A scan writes one finding per verdict, and most of a finding is the same for every finding of
//! its control (title, types, remediation text and URL, related requirements, generator id) or of
//! the whole scan (schema version, times, product ARN). [`FindingBuilder::build`] builds and
//! checks all of it for every finding; the encoder renders and checks the constant parts once per
//! control and writes only the rest per finding, straight into the output buffer. The bytes are
//! exactly those of [`Finding::encode_into`] of [`FindingBuilder::build`] (a test compares them for
//! every fixture); whenever a finding might not be valid, it is left to that slower path, which
//! says why.

use super::build::{
    FindingBuilder, MAX_DESCRIPTION, MAX_PRODUCT_FIELD_VALUE, MAX_RELATED_REQUIREMENTS,
    asff_resource_type, finding_id, finding_types, generator_id, is_region_name, outcome,
    partition, remediation, resource_id, resource_label, resource_tags,
};
use super::model::Finding;
use super::validate::Check;
use super::{FindingError, MAX_FINDING_BYTES, SCHEMA_VERSION, is_blank, truncate_chars};
use crate::arn::{DefaultProduct, Partition};
use crate::control::Control;
use crate::engine::Evaluation;
use crate::item::ConfigurationItem;
use crate::verdict::truncate_with_ellipsis;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Writes findings as [`Finding::encode_into`] of [`FindingBuilder::build`] would, with what is
/// constant per control rendered once.
#[derive(Debug)]
pub struct AsffEncoder {
    builder: FindingBuilder,
    /// `"CreatedAt":"…","UpdatedAt":"…",`, or `None` when the clock reading is not a valid time.
    times: Option<Vec<u8>>,
    /// Per control (by address): its rendered parts, or `None` when they do not validate.
    controls: HashMap<usize, Option<ControlParts>>,
    /// The last product ARN written, for its (partition, Region, account), as JSON; `None` when it
    /// did not validate.
    product: Option<(String, String, String, Option<Vec<u8>>)>,
}

/// A control's parts of every finding, as JSON text.
#[derive(Debug)]
struct ControlParts {
    id: &'static str,
    /// `"GeneratorId":"…",`
    generator_id: Vec<u8>,
    /// The `Types` list.
    types: Vec<u8>,
    /// `"Title":"…",`
    title: Vec<u8>,
    /// `"Remediation":{…},` or nothing.
    remediation: Vec<u8>,
    /// `"RelatedRequirements":[…],` or nothing, then `"SecurityControlId":"…"}`.
    compliance_tail: Vec<u8>,
    /// Product fields of a custom control's rule (`sidewatch/RulesFile`, `sidewatch/Rule`).
    rule_fields: Vec<(&'static str, &'static str)>,
}

/// The resource as [`super::model::Resource`] serializes it, borrowed.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ResourceRef<'a> {
    #[serde(rename = "Type")]
    resource_type: &'a str,
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    partition: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    #[serde(skip_serializing_if = "no_tags")]
    tags: &'a BTreeMap<String, String>,
}

fn no_tags(tags: &&BTreeMap<String, String>) -> bool {
    tags.is_empty()
}

/// Appends `value` as JSON; serializing strings, lists and maps of strings into a `Vec` cannot
/// fail.
fn json(buf: &mut Vec<u8>, value: &(impl Serialize + ?Sized)) {
    let _ = serde_json::to_writer(&mut *buf, value);
}

impl AsffEncoder {
    pub fn new(builder: FindingBuilder) -> Self {
        let times = builder
            .now_text()
            .filter(|now| Check::new("").timestamp("CreatedAt", now).is_ok())
            .map(|now| {
                let mut times = b"\"CreatedAt\":".to_vec();
                json(&mut times, now);
                times.extend_from_slice(b",\"UpdatedAt\":");
                json(&mut times, now);
                times.push(b',');
                times
            });
        AsffEncoder {
            builder,
            times,
            controls: HashMap::new(),
            product: None,
        }
    }

    /// The builder findings are made with.
    pub fn builder(&self) -> &FindingBuilder {
        &self.builder
    }

    /// Appends the finding of `evaluation` on `item` to `buf` and returns its length: the bytes
    /// of [`Finding::encode_into`] of [`FindingBuilder::build`], and its error when it fails
    /// (nothing is appended then).
    pub fn encode_into(
        &mut self,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
        buf: &mut Vec<u8>,
    ) -> Result<usize, FindingError> {
        let start = buf.len();
        if self.fast(item, evaluation, buf).is_some() {
            return Ok(buf.len() - start);
        }
        buf.truncate(start);
        let finding: Finding = self.builder.build(item, evaluation)?;
        finding.encode_into(buf)
    }

    /// The finding written from the rendered parts; `None` (with anything in `buf` after its
    /// start to be dropped) when any check might fail, so the slow path gives the error.
    fn fast(
        &mut self,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
        buf: &mut Vec<u8>,
    ) -> Option<()> {
        let start = buf.len();
        let control = evaluation.control;
        let verdict = &evaluation.verdict;
        let account = self.builder.account(item).ok()?;
        let region = self.builder.region(item).ok()?;
        let partition = partition(item, &region);
        let (status, severity, record_state) = outcome(verdict, control.severity);
        // `CreatedAt` / `UpdatedAt` are when the item's state was observed
        // ([`FindingBuilder::observed_at`]): the rendered run time unless the item says otherwise.
        let observed = self.builder.observed_at(item);
        let rendered = self.times.as_ref()?;
        let own_times;
        let times = if observed == self.builder.context().now {
            rendered
        } else {
            let text = super::build::rfc3339(observed).ok()?;
            Check::new("").timestamp("CreatedAt", &text).ok()?;
            let mut out = b"\"CreatedAt\":".to_vec();
            json(&mut out, &text);
            out.extend_from_slice(b",\"UpdatedAt\":");
            json(&mut out, &text);
            out.push(b',');
            own_times = out;
            &own_times
        };
        let key = std::ptr::from_ref(control) as usize;
        let parts = self
            .controls
            .entry(key)
            .or_insert_with(|| ControlParts::render(control));
        let parts = parts.as_ref().filter(|p| p.id == control.id)?;
        let product = match &self.product {
            Some((p, r, a, json)) if p == partition && *r == region && *a == account => json,
            _ => {
                let arn = DefaultProduct {
                    partition,
                    region: &region,
                    account: &account,
                }
                .to_string();
                let check = Check::new("");
                let valid = check.text("ProductArn", &arn, 12, 2048).is_ok()
                    && arn.starts_with("arn:")
                    && arn.contains(":product/");
                let rendered = valid.then(|| {
                    let mut out = b"\"ProductArn\":".to_vec();
                    json(&mut out, &arn);
                    out.push(b',');
                    out
                });
                self.product = Some((
                    partition.to_owned(),
                    region.clone(),
                    account.clone(),
                    rendered,
                ));
                &self.product.as_ref()?.3
            }
        };
        let product = product.as_ref()?;

        let id = finding_id(partition, &account, &region, control.id, &item.resource_id);
        let description = truncate_with_ellipsis(
            &format!("{}: {}", resource_label(item), verdict.reason()),
            MAX_DESCRIPTION,
        );
        let product_fields: BTreeMap<&str, &str> = [
            ("sidewatch/ControlId", control.id),
            ("sidewatch/Version", crate::VERSION),
            ("sidewatch/Source", self.builder.context().source.as_str()),
            (
                "sidewatch/ComplianceType",
                verdict.compliance_type().as_str(),
            ),
            ("sidewatch/ResourceType", item.resource_type.as_str()),
            ("sidewatch/ResourceId", item.resource_id.as_str()),
        ]
        .into_iter()
        .chain(parts.rule_fields.iter().copied())
        .filter(|(_, value)| !is_blank(value))
        .map(|(key, value)| (key, truncate_chars(value, MAX_PRODUCT_FIELD_VALUE)))
        .collect();
        let resource_type = asff_resource_type(&item.resource_type);
        let resource_id = resource_id(item, partition, &account, &region);
        let tags = resource_tags(&item.tags);
        let resource_partition = Partition::asff_accepts(partition).then_some(partition);

        let check = Check::new(&id);
        let valid = check.text("Id", &id, 1, 512).is_ok()
            && account.len() == 12
            && account.bytes().all(|b| b.is_ascii_digit())
            && check
                .text("Description", &description, 1, MAX_DESCRIPTION)
                .is_ok()
            && check.product_fields(&product_fields).is_ok()
            && check
                .text("Resources[0].Type", resource_type, 1, 256)
                .is_ok()
            && check
                .text("Resources[0].Id", &resource_id, 1, usize::MAX)
                .is_ok()
            && is_region_name(&region)
            && check.tags(&tags).is_ok();
        if !valid {
            return None;
        }
        // Every field in the order of `Finding`'s declaration, as serde_json writes it.
        buf.extend_from_slice(b"{\"SchemaVersion\":");
        json(buf, SCHEMA_VERSION);
        buf.extend_from_slice(b",\"Id\":");
        json(buf, &id);
        buf.push(b',');
        buf.extend_from_slice(product);
        buf.extend_from_slice(&parts.generator_id);
        buf.extend_from_slice(b"\"AwsAccountId\":");
        json(buf, &account);
        buf.extend_from_slice(b",\"Types\":");
        buf.extend_from_slice(&parts.types);
        buf.push(b',');
        buf.extend_from_slice(times);
        buf.extend_from_slice(b"\"Severity\":{\"Label\":");
        json(buf, severity.label());
        buf.extend_from_slice(b"},");
        buf.extend_from_slice(&parts.title);
        buf.extend_from_slice(b"\"Description\":");
        json(buf, &description);
        buf.push(b',');
        buf.extend_from_slice(&parts.remediation);
        if !product_fields.is_empty() {
            buf.extend_from_slice(b"\"ProductFields\":");
            json(buf, &product_fields);
            buf.push(b',');
        }
        buf.extend_from_slice(b"\"Resources\":[");
        json(
            buf,
            &ResourceRef {
                resource_type,
                id: &resource_id,
                partition: resource_partition,
                region: Some(&region),
                tags: &tags,
            },
        );
        buf.extend_from_slice(b"],\"Compliance\":{\"Status\":");
        json(buf, status.as_str());
        buf.push(b',');
        buf.extend_from_slice(&parts.compliance_tail);
        buf.extend_from_slice(b",\"RecordState\":");
        json(buf, record_state.as_str());
        buf.extend_from_slice(b",\"FindingProviderFields\":{\"Severity\":{\"Label\":");
        json(buf, severity.label());
        buf.extend_from_slice(b"},\"Types\":");
        buf.extend_from_slice(&parts.types);
        buf.extend_from_slice(b"}}");
        (buf.len() - start <= MAX_FINDING_BYTES).then_some(())
    }
}

impl ControlParts {
    /// The control's parts, or `None` when any of them would not validate.
    fn render(control: &Control) -> Option<ControlParts> {
        let generator_id = generator_id(control);
        let types = finding_types(&control.mappings);
        let title = truncate_with_ellipsis(
            &format!("{} {}", control.id, control.title),
            super::build::MAX_TITLE,
        );
        let remediation = remediation(control);
        let mut related = control.mappings.related_requirements();
        related.truncate(MAX_RELATED_REQUIREMENTS);
        let check = Check::new("");
        let valid = check
            .text(
                "GeneratorId",
                &generator_id,
                1,
                super::validate::MAX_GENERATOR_ID,
            )
            .is_ok()
            && check.types("Types", &types).is_ok()
            && check
                .text("Title", &title, 1, super::build::MAX_TITLE)
                .is_ok()
            && check.remediation(remediation.as_ref()).is_ok()
            && related.iter().all(|r| {
                check
                    .text("Compliance.RelatedRequirements", r, 1, usize::MAX)
                    .is_ok()
            })
            && check
                .text("Compliance.SecurityControlId", control.id, 1, usize::MAX)
                .is_ok();
        if !valid {
            return None;
        }
        let field = |name: &str, value: &dyn erased::Json| {
            let mut out = format!("\"{name}\":").into_bytes();
            value.write(&mut out);
            out.push(b',');
            out
        };
        let mut types_json = Vec::new();
        json(&mut types_json, &types);
        let mut compliance_tail = Vec::new();
        if !related.is_empty() {
            compliance_tail = field("RelatedRequirements", &related);
        }
        compliance_tail.extend_from_slice(b"\"SecurityControlId\":");
        json(&mut compliance_tail, control.id);
        compliance_tail.push(b'}');
        let rule_fields = crate::custom::origin(control)
            .map(|origin| {
                vec![
                    ("sidewatch/RulesFile", origin.file.as_str()),
                    ("sidewatch/Rule", origin.rule.as_str()),
                ]
            })
            .unwrap_or_default();
        Some(ControlParts {
            id: control.id,
            generator_id: field("GeneratorId", &generator_id),
            types: types_json,
            title: field("Title", &title),
            remediation: remediation
                .as_ref()
                .map(|r| field("Remediation", r))
                .unwrap_or_default(),
            compliance_tail,
            rule_fields,
        })
    }
}

/// A value written as JSON behind a trait object (one closure renders every part).
mod erased {
    pub trait Json {
        fn write(&self, out: &mut Vec<u8>);
    }

    impl<T: serde::Serialize> Json for T {
        fn write(&self, out: &mut Vec<u8>) {
            super::json(out, self);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Engine;
    use crate::finding::{FindingContext, Source};
    use std::path::{Path, PathBuf};
    use time::macros::datetime;

    fn fixtures(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                fixtures(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }

    /// Every fixture item, and variants with what the slow path refuses or cuts: no account, a
    /// bad Region, long and odd tags, a long name, a resource id no ARN is built from.
    fn items() -> Vec<ConfigurationItem> {
        let mut paths = Vec::new();
        fixtures(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/controls"),
            &mut paths,
        );
        paths.sort();
        let mut items = Vec::new();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            let Ok(item) = ConfigurationItem::from_json_str(&text) else {
                continue;
            };
            let mut odd = item.clone();
            odd.tags.insert("sidewatch:exempt".into(), "x".repeat(300));
            odd.tags.insert(" ".into(), "blank key".into());
            odd.tags.insert("bad*chars".into(), "v".into());
            odd.resource_name = Some(format!("{} \"quoted\" \u{e9}", "n".repeat(1100)));
            items.push(odd.clone());
            odd.account_id = None;
            items.push(odd.clone());
            odd.account_id = Some("123456789012".into());
            odd.region = Some("Not A Region".into());
            items.push(odd.clone());
            odd.region = Some("global".into());
            items.push(odd);
            items.push(item);
        }
        assert!(items.len() > 500, "the fixtures were found");
        items
    }

    #[test]
    fn the_encoder_writes_exactly_what_the_builder_builds() {
        let engine = Engine::with_defaults();
        let contexts = [(None, None), (Some("210987654321"), Some("cn-north-1"))];
        let mut findings = 0;
        let mut errors = 0;
        for (account, region) in contexts {
            let builder = FindingBuilder::new(FindingContext {
                account_override: account.map(str::to_owned),
                region_override: region.map(str::to_owned),
                source: Source::Cli,
                now: datetime!(2024-06-01 10:05:00.25 UTC),
            });
            let mut encoder = AsffEncoder::new(builder.clone());
            for item in items() {
                for evaluation in engine.evaluate(&item) {
                    let mut slow = b"prefix".to_vec();
                    let expected = builder
                        .build(&item, &evaluation)
                        .and_then(|f| f.encode_into(&mut slow));
                    let mut fast = b"prefix".to_vec();
                    let actual = encoder.encode_into(&item, &evaluation, &mut fast);
                    match (expected, actual) {
                        (Ok(a), Ok(b)) => {
                            findings += 1;
                            assert_eq!(a, b);
                            assert_eq!(
                                String::from_utf8_lossy(&slow),
                                String::from_utf8_lossy(&fast),
                                "{} {}",
                                item.resource_id,
                                evaluation.control.id
                            );
                        }
                        (Err(a), Err(b)) => {
                            errors += 1;
                            assert_eq!(a.to_string(), b.to_string());
                            assert_eq!(fast, b"prefix");
                        }
                        (a, b) => panic!("{a:?} against {b:?} for {}", item.resource_id),
                    }
                }
            }
        }
        assert!(
            findings > 1000 && errors > 100,
            "{findings} findings, {errors} errors"
        );
    }
}
