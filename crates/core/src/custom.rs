//! Controls the user writes: rule sets evaluated beside the built-in catalog, in the same engine,
//! with the same verdicts, Config evaluations and findings.
//!
//! The core knows no rule language. A [`RuleSet`] (the port; `sidewatch-guard` implements it for
//! AWS CloudFormation Guard files) declares its controls and gives one verdict per control on an
//! item. Its controls are made with [`custom_control`] when the rules are loaded — once per
//! process (a CLI run, a Lambda cold start) — and live for the rest of it, so they are
//! `&'static Control` like the built-in ones and every door handles both alike. Each remembers
//! where it comes from ([`origin`]): findings name the rules file and the rule.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::engine::Evaluation;
use crate::item::ConfigurationItem;
use crate::verdict::Verdict;
use std::fmt;
use std::sync::Mutex;

/// The id prefix of custom controls when their rules file names none: built-in ids never start
/// with it, so the two never collide.
pub const DEFAULT_NAMESPACE: &str = "Custom";

/// The names the exceptions file may have in a rules location (one of them at most).
pub const EXCEPTIONS_FILE_NAMES: [&str; 3] =
    ["exceptions.yaml", "exceptions.yml", "exceptions.json"];

/// The extension of rules files in a rules location.
pub const RULES_FILE_EXTENSION: &str = ".guard";

/// Where the deployed functions read the user's rules and exceptions: an S3 URI prefix,
/// `s3://BUCKET/` or `s3://BUCKET/FOLDER/`. Every `.guard` object under it is a rules file, an
/// [`EXCEPTIONS_FILE_NAMES`] object directly in it is the exceptions file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesLocation {
    pub bucket: String,
    /// Empty (the whole bucket) or ending with `/`: the exact prefix the functions list, which
    /// their `s3:prefix` condition allows and nothing else.
    pub prefix: String,
}

impl RulesLocation {
    /// Parses `s3://BUCKET/PREFIX/`; the message says what fits.
    pub fn parse(uri: &str) -> Result<Self, String> {
        let fits = "write it s3://BUCKET/ or s3://BUCKET/FOLDER/ (the folder ends with /)";
        let rest = uri
            .trim()
            .strip_prefix("s3://")
            .ok_or_else(|| format!("'{uri}' is not an S3 URI; {fits}"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
            && !bucket.starts_with(['.', '-'])
            && !bucket.ends_with(['.', '-']);
        if !bucket_ok {
            return Err(format!("'{uri}' does not name a valid S3 bucket; {fits}"));
        }
        if !prefix.is_empty() && !prefix.ends_with('/') {
            return Err(format!("'{uri}' does not end with /; {fits}"));
        }
        if prefix.contains("//") || prefix.starts_with('/') {
            return Err(format!("'{uri}' has an empty folder name; {fits}"));
        }
        Ok(RulesLocation {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
        })
    }

    /// `s3://BUCKET/PREFIX`.
    pub fn uri(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.prefix)
    }

    /// What an object of the location is, by its name relative to the location.
    pub fn kind_of(name: &str) -> ObjectKind {
        if EXCEPTIONS_FILE_NAMES.contains(&name) {
            ObjectKind::Exceptions
        } else if name.ends_with(RULES_FILE_EXTENSION) {
            ObjectKind::Rules
        } else {
            ObjectKind::Other
        }
    }
}

/// What an object of a rules location is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    /// A `.guard` rules file (at any depth under the location).
    Rules,
    /// The exceptions file (directly in the location).
    Exceptions,
    /// Anything else (Guard's unit tests, notes): ignored.
    Other,
}

/// Where a custom control is written: the rules file (as the user named it: a path, an S3 key)
/// and the rule in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleOrigin {
    pub file: String,
    pub rule: String,
}

/// What a custom control declares. Everything but the id has a default in the rule language's
/// loader; the resource types are empty for a rule that evaluates every resource type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomSpec {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    /// Empty: every resource type (the rule decides, SKIP being NOT_APPLICABLE).
    pub resource_types: Vec<String>,
    pub rationale: String,
    pub remediation: String,
    pub remediation_url: String,
    pub duty: Duty,
}

/// A set of user rules, evaluated on every item its controls apply to.
pub trait RuleSet: Send + Sync + fmt::Debug {
    /// Its controls, each made with [`custom_control`].
    fn controls(&self) -> &[&'static Control];

    /// The verdict of each of its controls that applies to `item` (see
    /// [`Control::applies_to`]). The engine has already answered for items that no rule can
    /// read (deleted, without configuration); a control the result leaves out is
    /// INSUFFICIENT_DATA.
    fn evaluate(&self, item: &ConfigurationItem) -> Vec<Evaluation>;
}

/// Custom controls made in this process, with where each is written: looked up by identity.
static ORIGINS: Mutex<Vec<(&'static Control, &'static RuleOrigin)>> = Mutex::new(Vec::new());

/// Makes the control of one user rule. It lives for the rest of the process (a run loads its
/// rules once), which lets every door handle it as it handles the built-in controls.
pub fn custom_control(spec: CustomSpec, origin: RuleOrigin) -> &'static Control {
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let resource_types: Vec<&'static str> = spec.resource_types.into_iter().map(leak).collect();
    let control: &'static Control = Box::leak(Box::new(Control {
        id: leak(spec.id),
        title: leak(spec.title),
        severity: spec.severity,
        resource_types: Box::leak(resource_types.into_boxed_slice()),
        rationale: leak(spec.rationale),
        remediation: leak(spec.remediation),
        remediation_url: leak(spec.remediation_url),
        remediation_hook: Remediation::NotifyOnly {
            why: "a custom rule: sidewatch changes nothing for rules it did not write",
        },
        duty: spec.duty,
        mappings: Mappings::NONE,
        parameters: &[],
        evidence: &[],
        evaluate: evaluated_by_rule_set,
    }));
    let origin: &'static RuleOrigin = Box::leak(Box::new(origin));
    ORIGINS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .push((control, origin));
    control
}

/// Where a custom control is written; `None` for a built-in control.
pub fn origin(control: &Control) -> Option<&'static RuleOrigin> {
    ORIGINS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .iter()
        .find(|(c, _)| std::ptr::eq(*c, control))
        .map(|(_, origin)| *origin)
}

/// A custom control's own evaluation function: never the way it is evaluated (the engine asks
/// its rule set), so reaching it is a verdict on nothing.
fn evaluated_by_rule_set(_: &Context<'_>) -> Verdict {
    Verdict::insufficient("a custom rule is evaluated by its rule set, which was not loaded")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(id: &str) -> CustomSpec {
        CustomSpec {
            id: id.to_owned(),
            title: "t".to_owned(),
            severity: Severity::Medium,
            resource_types: vec!["AWS::S3::Bucket".to_owned()],
            rationale: String::new(),
            remediation: String::new(),
            remediation_url: String::new(),
            duty: Duty::DataProtection,
        }
    }

    #[test]
    fn a_rules_location_is_a_bucket_and_a_folder_ending_with_a_slash() {
        let l = RulesLocation::parse("s3://team-rules/sidewatch/").unwrap();
        assert_eq!(
            (l.bucket.as_str(), l.prefix.as_str()),
            ("team-rules", "sidewatch/")
        );
        assert_eq!(l.uri(), "s3://team-rules/sidewatch/");
        let root = RulesLocation::parse("s3://team-rules").unwrap();
        assert_eq!(
            (root.bucket.as_str(), root.prefix.as_str()),
            ("team-rules", "")
        );
        for bad in [
            "team-rules/x/",
            "s3://Team/x/",
            "s3://ab/",
            "s3://team-rules/x",
            "s3://team-rules//x/",
            "https://team-rules.s3.amazonaws.com/x/",
        ] {
            let err = RulesLocation::parse(bad).unwrap_err();
            assert!(err.contains(bad) && err.contains("s3://BUCKET/"), "{err}");
        }
        assert_eq!(
            RulesLocation::kind_of("exceptions.yaml"),
            ObjectKind::Exceptions
        );
        assert_eq!(
            RulesLocation::kind_of("team/exceptions.yaml"),
            ObjectKind::Other
        );
        assert_eq!(
            RulesLocation::kind_of("team/buckets.guard"),
            ObjectKind::Rules
        );
        assert_eq!(
            RulesLocation::kind_of("tests/buckets_tests.yaml"),
            ObjectKind::Other
        );
    }

    #[test]
    fn each_custom_control_knows_its_origin_and_built_ins_have_none() {
        let origin = |rule: &str| RuleOrigin {
            file: "team.guard".to_owned(),
            rule: rule.to_owned(),
        };
        let a = custom_control(spec("Custom.a"), origin("a"));
        // Same id, other file: identity, not the id, tells them apart.
        let b = custom_control(spec("Custom.a"), origin("b"));
        assert_eq!(super::origin(a).unwrap().rule, "a");
        assert_eq!(super::origin(b).unwrap().rule, "b");
        assert!(super::origin(crate::catalog()[0]).is_none());
        assert_eq!(a.service(), "Custom");
        assert!(a.applies_to("AWS::S3::Bucket"));
    }

    /// A rule set that fails every item it is asked about, except that it forgets `Custom.lost`.
    #[derive(Debug)]
    struct Fails(Vec<&'static Control>);

    impl RuleSet for Fails {
        fn controls(&self) -> &[&'static Control] {
            &self.0
        }
        fn evaluate(&self, _: &ConfigurationItem) -> Vec<Evaluation> {
            self.0
                .iter()
                .filter(|c| c.id != "Custom.lost")
                .map(|&control| Evaluation {
                    control,
                    verdict: Verdict::fail("by the rule"),
                })
                .collect()
        }
    }

    fn engine_with_rules(
        config: &crate::EngineConfig,
    ) -> Result<crate::Engine, crate::EngineError> {
        let origin = RuleOrigin {
            file: "f.guard".to_owned(),
            rule: "r".to_owned(),
        };
        let mut every_type = spec("Custom.everywhere");
        every_type.resource_types.clear();
        let set = Fails(vec![
            custom_control(spec("Custom.bucket"), origin.clone()),
            custom_control(every_type, origin.clone()),
            custom_control(spec("Custom.lost"), origin),
        ]);
        crate::Engine::with_rules(config, vec![std::sync::Arc::new(set)])
    }

    fn custom_verdicts(engine: &crate::Engine, item: &ConfigurationItem) -> Vec<(String, Verdict)> {
        engine
            .evaluate(item)
            .into_iter()
            .filter(|e| e.control.service() == "Custom")
            .map(|e| (e.control.id.to_owned(), e.verdict))
            .collect()
    }

    #[test]
    fn the_engine_asks_the_rule_set_and_never_guesses() {
        let engine = engine_with_rules(&crate::EngineConfig::default()).unwrap();
        let mut bucket = ConfigurationItem::new("AWS::S3::Bucket", "b");
        bucket.configuration = serde_json::json!({"name": "b"});
        let v = custom_verdicts(&engine, &bucket);
        assert_eq!(
            v[0],
            ("Custom.bucket".to_owned(), Verdict::fail("by the rule"))
        );
        assert_eq!(v[1].0, "Custom.everywhere");
        assert!(v[2].1.is_insufficient() && v[2].1.reason().contains("Custom.lost"));
        // Every type: a queue gets the every-type control only; the engine covers any type.
        let mut queue = ConfigurationItem::new("AWS::SQS::Queue", "q");
        queue.configuration = serde_json::json!({});
        let v = custom_verdicts(&engine, &queue);
        assert_eq!(
            v.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(),
            ["Custom.everywhere"]
        );
        assert!(engine.covers("AWS::Nothing::Here"));
        // Items no rule can read are answered by the engine, as for built-in controls.
        bucket.configuration = serde_json::Value::Null;
        assert!(
            custom_verdicts(&engine, &bucket)
                .iter()
                .all(|(_, v)| v.is_insufficient())
        );
        bucket.status = crate::ItemStatus::ResourceDeleted;
        assert!(
            custom_verdicts(&engine, &bucket)
                .iter()
                .all(|(_, v)| v.is_not_applicable())
        );
    }

    #[test]
    fn custom_controls_are_selected_like_built_in_ones() {
        let only = crate::EngineConfig {
            select: vec!["Custom".to_owned()],
            exclude: vec!["Custom.lost".to_owned()],
            ..Default::default()
        };
        let engine = engine_with_rules(&only).unwrap();
        assert_eq!(
            engine.controls().map(|c| c.id).collect::<Vec<_>>(),
            ["Custom.bucket", "Custom.everywhere"]
        );
        let mut overrides = crate::Overrides::new();
        overrides.set("Custom.bucket", "x", "1");
        let with_param = crate::EngineConfig {
            overrides,
            ..Default::default()
        };
        assert!(matches!(
            engine_with_rules(&with_param),
            Err(crate::EngineError::Param(_))
        ));
    }
}
