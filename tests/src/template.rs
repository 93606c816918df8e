//! The SAM template (`template.yaml`) as data.
//!
//! * [`load`] reads it with short-form tags (`!Ref`, `!Sub`, `!GetAtt`, …) turned into their
//!   long form (`{"Ref": …}`, `{"Fn::Sub": …}`), as CloudFormation reads them;
//! * [`Deployment`] evaluates it for a set of parameter values: conditions, `Fn::If`,
//!   `AWS::NoValue`, `Fn::Sub`, `Fn::Join`, `Fn::Split`, `Ref` and `Fn::GetAtt` (resources get
//!   deterministic stand-in names and ARNs), so a test sees what a stack would hold — and
//!   [`Deployment::role_policy`] gives the IAM policy document of a function's role, ready to be
//!   created in moto for the least-privilege proof;
//! * [`generated_conditions`] and [`generated_resources`] write the template's Config rules from
//!   the controls catalog (one per control, per service, or one for all), spliced between the
//!   `GENERATED` markers by [`splice`].

use serde_json::{Map, Value, json};
use sidewatch_core::{ACCOUNT_RESOURCE_TYPE, Control, catalog};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Reads a CloudFormation / SAM YAML template into JSON with intrinsic functions in long form.
pub fn load(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&text)
}

/// Parses template text (see [`load`]).
pub fn parse(text: &str) -> Result<Value, String> {
    let yaml: serde_norway::Value = serde_norway::from_str(text).map_err(|e| e.to_string())?;
    to_json(yaml)
}

fn to_json(yaml: serde_norway::Value) -> Result<Value, String> {
    use serde_norway::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => serde_json::to_value(&n).map_err(|e| e.to_string())?,
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(to_json)
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                let key = match key {
                    Y::String(s) => s,
                    other => serde_norway::to_string(&other)
                        .map_err(|e| e.to_string())?
                        .trim()
                        .to_owned(),
                };
                out.insert(key, to_json(value)?);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let name = tag.trim_start_matches('!');
            let value = to_json(tagged.value)?;
            let value = match (name, value) {
                // `!GetAtt Resource.Attribute` is the string form of `[Resource, Attribute]`.
                ("GetAtt", Value::String(s)) => {
                    let (resource, attribute) = s
                        .split_once('.')
                        .ok_or_else(|| format!("!GetAtt {s} has no attribute"))?;
                    json!([resource, attribute])
                }
                (_, value) => value,
            };
            let key = match name {
                "Ref" | "Condition" => name.to_owned(),
                _ => format!("Fn::{name}"),
            };
            json!({ key: value })
        }
    })
}

/// The template's `Resources`.
pub fn resources(template: &Value) -> &Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    template["Resources"]
        .as_object()
        .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
}

/// The template evaluated for one set of parameter values in a stand-in account and Region.
#[derive(Debug)]
pub struct Deployment<'a> {
    template: &'a Value,
    parameters: BTreeMap<String, String>,
    pub account: String,
    pub region: String,
    pub partition: String,
}

impl<'a> Deployment<'a> {
    /// The template with its parameters' defaults, overridden by `overrides`.
    pub fn new(template: &'a Value, overrides: &[(&str, &str)]) -> Self {
        let mut parameters = BTreeMap::new();
        if let Some(declared) = template["Parameters"].as_object() {
            for (name, spec) in declared {
                let default = match &spec["Default"] {
                    Value::String(s) => s.clone(),
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                parameters.insert(name.clone(), default);
            }
        }
        for (name, value) in overrides {
            assert!(
                parameters.contains_key(*name),
                "the template has no parameter {name}"
            );
            parameters.insert((*name).to_owned(), (*value).to_owned());
        }
        Deployment {
            template,
            parameters,
            account: "123456789012".to_owned(),
            region: "eu-west-1".to_owned(),
            partition: "aws".to_owned(),
        }
    }

    /// The value of a template condition.
    pub fn condition(&self, name: &str) -> bool {
        let expression = &self.template["Conditions"][name];
        assert!(
            !expression.is_null(),
            "the template has no condition {name}"
        );
        self.truth(expression)
    }

    fn truth(&self, expression: &Value) -> bool {
        let Some((function, args)) = single(expression) else {
            panic!("not a condition expression: {expression}");
        };
        let list = || args.as_array().cloned().unwrap_or_default();
        match function {
            "Condition" => self.condition(args.as_str().unwrap_or_default()),
            "Fn::Equals" => {
                let items = list();
                assert_eq!(items.len(), 2, "Fn::Equals takes two values: {expression}");
                self.resolve(&items[0]) == self.resolve(&items[1])
            }
            "Fn::Not" => !self.truth(&list()[0]),
            "Fn::And" => list().iter().all(|c| self.truth(c)),
            "Fn::Or" => list().iter().any(|c| self.truth(c)),
            other => panic!("unsupported condition function {other}"),
        }
    }

    /// Whether the resource exists in this deployment (no condition, or a true one).
    pub fn exists(&self, logical_id: &str) -> bool {
        let resource = &resources(self.template)[logical_id];
        resource["Condition"]
            .as_str()
            .is_none_or(|c| self.condition(c))
    }

    /// The resources that exist, with their properties evaluated.
    pub fn resources(&self) -> BTreeMap<String, Value> {
        resources(self.template)
            .iter()
            .filter(|(id, _)| self.exists(id))
            .map(|(id, r)| (id.clone(), self.resolve(r).unwrap_or(Value::Null)))
            .collect()
    }

    /// The existing resources of one type, evaluated.
    pub fn resources_of_type(&self, resource_type: &str) -> BTreeMap<String, Value> {
        self.resources()
            .into_iter()
            .filter(|(_, r)| r["Type"] == resource_type)
            .collect()
    }

    /// A value with every intrinsic function evaluated; `None` for `AWS::NoValue`.
    pub fn resolve(&self, value: &Value) -> Option<Value> {
        if let Some((function, args)) = single(value) {
            return self.function(function, args);
        }
        Some(match value {
            Value::Array(items) => {
                Value::Array(items.iter().filter_map(|v| self.resolve(v)).collect())
            }
            Value::Object(map) => Value::Object(
                map.iter()
                    .filter_map(|(k, v)| self.resolve(v).map(|v| (k.clone(), v)))
                    .collect(),
            ),
            other => other.clone(),
        })
    }

    fn text(&self, value: &Value) -> String {
        match self.resolve(value) {
            Some(Value::String(s)) => s,
            Some(other) => other.to_string(),
            None => String::new(),
        }
    }

    fn function(&self, function: &str, args: &Value) -> Option<Value> {
        let items = || args.as_array().cloned().unwrap_or_default();
        Some(match function {
            "Ref" => return self.reference(args.as_str().unwrap_or_default()),
            "Condition" => return Some(args.clone()),
            "Fn::If" => {
                let items = items();
                let branch = if self.condition(items[0].as_str().unwrap_or_default()) {
                    &items[1]
                } else {
                    &items[2]
                };
                return self.resolve(branch);
            }
            "Fn::Sub" => Value::String(self.substitute(args.as_str().unwrap_or_default())),
            "Fn::Join" => {
                let items = items();
                let separator = items[0].as_str().unwrap_or_default().to_owned();
                let parts = match self.resolve(&items[1]) {
                    Some(Value::Array(parts)) => parts,
                    _ => Vec::new(),
                };
                let parts: Vec<String> = parts
                    .iter()
                    .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_owned))
                    .collect();
                Value::String(parts.join(&separator))
            }
            "Fn::Split" => {
                let items = items();
                let separator = items[0].as_str().unwrap_or_default().to_owned();
                let text = self.text(&items[1]);
                Value::Array(
                    text.split(separator.as_str())
                        .map(|s| Value::String(s.to_owned()))
                        .collect(),
                )
            }
            "Fn::Select" => {
                let items = items();
                let index = items[0]
                    .as_u64()
                    .or_else(|| items[0].as_str().and_then(|s| s.parse().ok()))
                    .unwrap_or_else(|| panic!("Fn::Select index: {args}"));
                match self.resolve(&items[1]) {
                    Some(Value::Array(list)) => list
                        .get(index as usize)
                        .cloned()
                        .unwrap_or_else(|| panic!("Fn::Select {index} out of range: {args}")),
                    other => panic!("Fn::Select of a non-list {other:?}"),
                }
            }
            "Fn::GetAtt" => {
                let items = items();
                let resource = items[0].as_str().unwrap_or_default();
                let attribute = items[1].as_str().unwrap_or_default();
                Value::String(self.attribute(resource, attribute))
            }
            "Fn::Equals" | "Fn::Not" | "Fn::And" | "Fn::Or" => {
                Value::Bool(self.truth(&json!({ function: args })))
            }
            // A key that merely looks like a function (there is none such in the template).
            other => panic!("unsupported intrinsic function {other}"),
        })
    }

    fn substitute(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after.find('}').unwrap_or(after.len());
            let name = &after[..end];
            match name.split_once('.') {
                Some((resource, attribute)) if !name.starts_with("AWS::") => {
                    out.push_str(&self.attribute(resource, attribute))
                }
                _ => {
                    let value = self.reference(name).unwrap_or(Value::Null);
                    out.push_str(value.as_str().unwrap_or_default());
                }
            }
            rest = &after[(end + 1).min(after.len())..];
        }
        out.push_str(rest);
        out
    }

    fn reference(&self, name: &str) -> Option<Value> {
        let text = match name {
            "AWS::NoValue" => return None,
            "AWS::AccountId" => self.account.clone(),
            "AWS::Region" => self.region.clone(),
            "AWS::Partition" => self.partition.clone(),
            "AWS::StackName" => "sidewatch".to_owned(),
            "AWS::URLSuffix" => "amazonaws.com".to_owned(),
            _ => {
                if let Some(value) = self.parameters.get(name) {
                    value.clone()
                } else {
                    let resource = &resources(self.template)[name];
                    assert!(!resource.is_null(), "Ref to unknown {name}");
                    self.ref_value(name, resource["Type"].as_str().unwrap_or_default())
                }
            }
        };
        Some(Value::String(text))
    }

    /// What `Ref` returns for a resource of the template, as a stand-in.
    fn ref_value(&self, id: &str, resource_type: &str) -> String {
        match resource_type {
            "AWS::SQS::Queue" => format!(
                "https://sqs.{}.amazonaws.com/{}/{id}",
                self.region, self.account
            ),
            "AWS::IAM::ManagedPolicy" | "AWS::SNS::Topic" => self.arn_of(id, resource_type),
            _ => id.to_owned(),
        }
    }

    fn attribute(&self, id: &str, attribute: &str) -> String {
        let resource = &resources(self.template)[id];
        assert!(!resource.is_null(), "GetAtt of unknown {id}");
        let resource_type = resource["Type"].as_str().unwrap_or_default();
        match attribute {
            "Arn" => self.arn_of(id, resource_type),
            "QueueName" => id.to_owned(),
            other => format!("{id}.{other}"),
        }
    }

    /// The stand-in ARN of a template resource, shaped as AWS shapes that type's ARNs.
    pub fn arn_of(&self, id: &str, resource_type: &str) -> String {
        let (p, r, a) = (&self.partition, &self.region, &self.account);
        match resource_type {
            "AWS::SQS::Queue" => format!("arn:{p}:sqs:{r}:{a}:{id}"),
            "AWS::Logs::LogGroup" => format!("arn:{p}:logs:{r}:{a}:log-group:{id}:*"),
            "AWS::Serverless::Function" | "AWS::Lambda::Function" => {
                format!("arn:{p}:lambda:{r}:{a}:function:{id}")
            }
            "AWS::IAM::Role" => format!("arn:{p}:iam::{a}:role/{id}"),
            "AWS::IAM::ManagedPolicy" => format!("arn:{p}:iam::{a}:policy/{id}"),
            "AWS::SNS::Topic" => format!("arn:{p}:sns:{r}:{a}:{id}"),
            "AWS::Events::Rule" => format!("arn:{p}:events:{r}:{a}:rule/{id}"),
            "AWS::SecurityHub::ActionTarget" => {
                format!("arn:{p}:securityhub:{r}:{a}:action/custom/{id}")
            }
            other => format!("arn:{p}:{other}:{r}:{a}:{id}"),
        }
    }

    /// The IAM policy document the role `role_id` grants: its inline policies (in the role and as
    /// `AWS::IAM::RolePolicy` resources) and the template's managed policies it attaches, as one
    /// document of statements (each `Sid` kept).
    pub fn role_policy(&self, role_id: &str) -> Value {
        let role = self
            .resources()
            .remove(role_id)
            .unwrap_or_else(|| panic!("no role {role_id} in this deployment"));
        let mut statements = Vec::new();
        for policy in role["Properties"]["Policies"]
            .as_array()
            .into_iter()
            .flatten()
        {
            statements.extend(statement_list(&policy["PolicyDocument"]));
        }
        // Inline policies declared as resources of their own (each with its own condition).
        for policy in self.resources_of_type("AWS::IAM::RolePolicy").values() {
            if policy["Properties"]["RoleName"].as_str() == Some(role_id) {
                statements.extend(statement_list(&policy["Properties"]["PolicyDocument"]));
            }
        }
        let managed = self.resources_of_type("AWS::IAM::ManagedPolicy");
        for arn in role["Properties"]["ManagedPolicyArns"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let found = managed.iter().find(|(id, _)| {
                Some(self.arn_of(id, "AWS::IAM::ManagedPolicy").as_str()) == arn.as_str()
            });
            match found {
                Some((_, policy)) => {
                    statements.extend(statement_list(&policy["Properties"]["PolicyDocument"]))
                }
                None => panic!("{role_id} attaches {arn}, which is not a policy of the template"),
            }
        }
        json!({"Version": "2012-10-17", "Statement": statements})
    }

    /// The logical id of the role a function runs with (`Role: !GetAtt X.Arn`).
    pub fn function_role(&self, function_id: &str) -> String {
        let function = &resources(self.template)[function_id];
        function["Properties"]["Role"]["Fn::GetAtt"][0]
            .as_str()
            .unwrap_or_else(|| panic!("{function_id} has no Role: !GetAtt <role>.Arn"))
            .to_owned()
    }
}

/// `{"Fn::X": args}` → `("Fn::X", args)` when the object is a single intrinsic function.
fn single(value: &Value) -> Option<(&str, &Value)> {
    let map = value.as_object()?;
    if map.len() != 1 {
        return None;
    }
    let (key, args) = map.iter().next()?;
    (key == "Ref" || key == "Condition" || key.starts_with("Fn::")).then_some((key.as_str(), args))
}

fn statement_list(document: &Value) -> Vec<Value> {
    match &document["Statement"] {
        Value::Array(items) => items.clone(),
        Value::Null => Vec::new(),
        one => vec![one.clone()],
    }
}

/// A statement's `Action` or `Resource` as a list.
pub fn string_list(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// Every action a policy document allows.
pub fn allowed_actions(policy: &Value) -> BTreeSet<String> {
    statement_list(policy)
        .iter()
        .filter(|s| s["Effect"] == "Allow")
        .flat_map(|s| string_list(&s["Action"]))
        .collect()
}

// ----- generation of the Config rules ----------------------------------------------------------

/// The comment lines around a generated block (indented as the block).
pub fn markers(block: &str) -> (String, String) {
    (
        format!("# --- BEGIN GENERATED {block} (tests/tests/template.rs from the code) ---"),
        format!("# --- END GENERATED {block} ---"),
    )
}

/// `text` with the lines between the marker lines of `block` replaced by `content`.
pub fn splice(text: &str, block: &str, content: &str) -> Result<String, String> {
    let (begin, end) = markers(block);
    let found = text
        .find(&begin)
        .ok_or_else(|| format!("no line `{begin}` in the template"))?;
    let start = text[found..]
        .find('\n')
        .map_or(text.len(), |n| found + n + 1);
    let stop = text[start..]
        .find(&end)
        .ok_or_else(|| format!("no line `{end}` in the template"))?
        + start;
    let stop = text[..stop].rfind('\n').map_or(stop, |n| n + 1);
    Ok(format!("{}{content}{}", &text[..start], &text[stop..]))
}

/// The EventBridge pattern of the CloudTrail API calls,
/// `sidewatch_core::doors::cloudtrail::event_pattern()`, as the `Pattern` of the events function's
/// rule (indented for its place in the template).
pub fn generated_cloudtrail_pattern() -> String {
    let pattern = sidewatch_core::doors::cloudtrail::event_pattern();
    let list = |value: &Value, indent: &str| -> String {
        value
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| format!("{indent}- {}\n", v.as_str().unwrap_or_default()))
            .collect()
    };
    let mut out = String::from("            Pattern:\n");
    let _ = write!(
        out,
        "              source:\n{}",
        list(&pattern["source"], "                ")
    );
    let _ = write!(
        out,
        "              detail-type:\n{}",
        list(&pattern["detail-type"], "                ")
    );
    out.push_str("              detail:\n");
    for key in ["eventSource", "eventName"] {
        let _ = write!(
            out,
            "                {key}:\n{}",
            list(&pattern["detail"][key], "                  ")
        );
    }
    out
}

/// `S3.8` → `S38`: a control id as part of a logical id or condition name.
pub fn logical(id: &str) -> String {
    id.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// The services of the catalog, in catalog order.
pub fn services() -> Vec<&'static str> {
    let mut seen = Vec::new();
    for control in catalog() {
        if !seen.contains(&control.service()) {
            seen.push(control.service());
        }
    }
    seen
}

fn controls_of(service: &str) -> Vec<&'static Control> {
    catalog()
        .iter()
        .copied()
        .filter(|c| c.service() == service)
        .collect()
}

/// The Config resource types of `controls` (the account pseudo-type is evaluated by the periodic
/// run instead), sorted.
pub fn scope_types(controls: &[&Control]) -> Vec<&'static str> {
    let types: BTreeSet<&'static str> = controls
        .iter()
        .flat_map(|c| c.resource_types.iter().copied())
        .filter(|t| *t != ACCOUNT_RESOURCE_TYPE)
        .collect();
    types.into_iter().collect()
}

fn has_account_level(controls: &[&Control]) -> bool {
    controls
        .iter()
        .any(|c| c.resource_types.contains(&ACCOUNT_RESOURCE_TYPE))
}

/// The condition "`parameter` (a comma-separated list) names `value`", in CloudFormation:
/// `,LIST,` split on `,VALUE,` and joined with nothing differs from the same pieces joined with
/// `,VALUE,` (which is `,LIST,` again) exactly when it holds it.
///
/// Both sides name `value`: cfn-lint takes two `Fn::Equals` with a side in common for
/// comparisons of one parameter with different values, which cannot both hold, and adds a clause
/// for every such pair. With `,LIST,` itself as a side, the hundreds of membership tests of
/// `Controls` made that quadratic, and `cfn-lint template.yaml` took two minutes.
fn member(parameter: &str, value: &str) -> String {
    let pieces = format!(r#"!Split [",{value},", !Join ["", [",", !Ref {parameter}, ","]]]"#);
    format!(r#"!Not [!Equals [!Join ["", {pieces}], !Join [",{value},", {pieces}]]]"#)
}

/// `Fn::Or` over `terms` (at most 10 per call: nested beyond that).
fn any(terms: &[String]) -> String {
    match terms {
        [] => panic!("an empty Fn::Or"),
        [one] => one.clone(),
        _ if terms.len() <= 10 => format!("!Or [{}]", terms.join(", ")),
        _ => format!("!Or [{}, {}]", terms[..9].join(", "), any(&terms[9..])),
    }
}

/// The automatically remediable controls, in catalog order.
pub fn remediable() -> Vec<&'static Control> {
    use sidewatch_remediation::plan::{Remediability, remediability};
    catalog()
        .iter()
        .copied()
        .filter(|c| matches!(remediability(c.id), Remediability::Automatic(_)))
        .collect()
}

/// The generated `Conditions` entries.
pub fn generated_conditions() -> String {
    let mut out = String::new();
    out.push_str(
        "  # Remediates<control>: apply mode and the control, its service or * in RemediationControls.\n",
    );
    for control in remediable() {
        let terms = [
            member("RemediationControls", "*"),
            member("RemediationControls", control.id),
            member("RemediationControls", control.service()),
        ];
        let _ = writeln!(
            out,
            "  Remediates{}: !And [!Condition RemediationApplies, {}]",
            logical(control.id),
            any(&terms)
        );
    }
    out.push_str(
        "  # Selects<service>: Controls is empty or names the service or one of its controls;\n  \
         # Excludes<service>: ExcludedControls names the service.\n",
    );
    for service in services() {
        let mut terms = vec![
            "!Condition AllControls".to_owned(),
            member("Controls", service),
        ];
        terms.extend(
            controls_of(service)
                .iter()
                .map(|c| member("Controls", c.id)),
        );
        let _ = writeln!(out, "  Selects{service}: {}", any(&terms));
        let _ = writeln!(
            out,
            "  Excludes{service}: {}",
            member("ExcludedControls", service)
        );
        let _ = writeln!(
            out,
            "  ServiceRule{service}: !And [!Condition PerServiceRules, !Condition Selects{service}, !Not [!Condition Excludes{service}]]"
        );
    }
    out.push_str(
        "  # ControlRule<control>: per-control rules, the control selected and not excluded.\n",
    );
    for control in catalog() {
        let service = control.service();
        let selected = any(&[
            "!Condition AllControls".to_owned(),
            member("Controls", control.id),
            member("Controls", service),
        ]);
        let excluded = any(&[
            member("ExcludedControls", control.id),
            format!("!Condition Excludes{service}"),
        ]);
        let _ = writeln!(
            out,
            "  ControlRule{}: !And [!Condition PerControlRules, {selected}, !Not [{excluded}]]",
            logical(control.id)
        );
    }
    out
}

/// One `AWS::Config::ConfigRule` resource.
struct Rule<'a> {
    logical_id: String,
    condition: String,
    name_suffix: String,
    description: String,
    controls: String,
    exclude: String,
    members: &'a [&'a Control],
}

impl Rule<'_> {
    fn write(&self, out: &mut String) {
        let types = scope_types(self.members);
        let periodic = has_account_level(self.members);
        let _ = writeln!(out, "  {}:", self.logical_id);
        out.push_str("    Type: AWS::Config::ConfigRule\n");
        let _ = writeln!(out, "    Condition: {}", self.condition);
        out.push_str("    DependsOn: ConfigRulePermission\n    Properties:\n");
        let _ = writeln!(
            out,
            "      ConfigRuleName: !Sub \"${{AWS::StackName}}-{}\"",
            self.name_suffix
        );
        let _ = writeln!(out, "      Description: {}", self.description);
        out.push_str("      InputParameters:\n");
        let _ = writeln!(out, "        controls: {}", self.controls);
        if !self.exclude.is_empty() {
            let _ = writeln!(out, "        exclude: {}", self.exclude);
        }
        if !types.is_empty() {
            let _ = writeln!(
                out,
                "      Scope:\n        ComplianceResourceTypes: [{}]",
                types.join(", ")
            );
        }
        out.push_str(
            "      Source:\n        Owner: CUSTOM_LAMBDA\n        SourceIdentifier: !GetAtt ConfigRuleFunction.Arn\n        SourceDetails:\n",
        );
        if !types.is_empty() {
            out.push_str("          - { EventSource: aws.config, MessageType: ConfigurationItemChangeNotification }\n");
            out.push_str("          - { EventSource: aws.config, MessageType: OversizedConfigurationItemChangeNotification }\n");
        }
        if periodic {
            out.push_str("          - { EventSource: aws.config, MessageType: ScheduledNotification, MaximumExecutionFrequency: !Ref ConfigRuleFrequency }\n");
        }
    }
}

/// The generated `Resources` entries: the Config rules of every granularity.
pub fn generated_resources() -> String {
    let all: Vec<&Control> = catalog().to_vec();
    let mut out = String::new();
    out.push_str("  # ConfigRuleGranularity single: one rule for every selected control.\n");
    Rule {
        logical_id: "ConfigRuleAll".to_owned(),
        condition: "SingleRule".to_owned(),
        name_suffix: "all".to_owned(),
        description: "sidewatch - every selected control".to_owned(),
        controls: "!If [AllControls, !Ref AWS::NoValue, !Ref Controls]".to_owned(),
        exclude: "!If [HasExcludedControls, !Ref ExcludedControls, !Ref AWS::NoValue]".to_owned(),
        members: &all,
    }
    .write(&mut out);
    out.push_str(
        "  # ConfigRuleGranularity per-service: the selection, less every other service.\n",
    );
    let services = services();
    for service in &services {
        let members = controls_of(service);
        let others: Vec<&str> = services.iter().copied().filter(|s| s != service).collect();
        Rule {
            logical_id: format!("ConfigRule{service}"),
            condition: format!("ServiceRule{service}"),
            name_suffix: (*service).to_owned(),
            description: format!("sidewatch - the selected {service} controls"),
            controls: format!("!If [AllControls, {service}, !Ref Controls]"),
            exclude: format!(
                "!Join [\",\", [{}, !Ref ExcludedControls]]",
                others.join(", ")
            ),
            members: &members,
        }
        .write(&mut out);
    }
    out.push_str(
        "  # RulesUri set, per-service or per-control: one rule for your own rules (every built-in\n  \
         # service left out; no scope: a Guard rule may evaluate any recorded type).\n",
    );
    let _ = write!(
        out,
        "  ConfigRuleCustom:\n    Type: AWS::Config::ConfigRule\n    Condition: CustomRulesConfigRule\n    \
         DependsOn: ConfigRulePermission\n    Properties:\n      \
         ConfigRuleName: !Sub \"${{AWS::StackName}}-custom\"\n      \
         Description: sidewatch - your own rules (RulesUri)\n      InputParameters:\n        \
         exclude: !Join [\",\", [{}, !Ref ExcludedControls]]\n      Source:\n        \
         Owner: CUSTOM_LAMBDA\n        SourceIdentifier: !GetAtt ConfigRuleFunction.Arn\n        \
         SourceDetails:\n          \
         - {{ EventSource: aws.config, MessageType: ConfigurationItemChangeNotification }}\n          \
         - {{ EventSource: aws.config, MessageType: OversizedConfigurationItemChangeNotification }}\n",
        services.join(", ")
    );
    out.push_str("  # ConfigRuleGranularity per-control: one rule per selected control.\n");
    for control in catalog() {
        let members = [*control];
        Rule {
            logical_id: format!("ConfigRule{}", logical(control.id)),
            condition: format!("ControlRule{}", logical(control.id)),
            name_suffix: control.id.replace('.', "-"),
            description: yaml_quote(&format!("sidewatch {} - {}", control.id, control.title)),
            controls: control.id.to_owned(),
            exclude: String::new(),
            members: &members,
        }
        .write(&mut out);
    }
    out
}

/// A plain scalar made safe for YAML: quoted when it holds characters YAML would read otherwise.
fn yaml_quote(text: &str) -> String {
    let text: String = text.chars().take(200).collect();
    if text.contains([
        ':', '#', '"', '\'', '[', ']', '{', '}', ',', '&', '*', '!', '|', '>', '%', '@', '`',
    ]) {
        format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        text
    }
}

/// The template text with both generated blocks rewritten from the catalog.
pub fn regenerate(text: &str) -> Result<String, String> {
    let text = splice(text, "conditions", &generated_conditions())?;
    let text = splice(&text, "cloudtrail-pattern", &generated_cloudtrail_pattern())?;
    splice(&text, "resources", &generated_resources())
}

// ----- the README's parameters table -----------------------------------------------------------

/// The markers around the README's generated parameters table.
pub const README_TABLE_BEGIN: &str =
    "<!-- BEGIN GENERATED parameters (from template.yaml by tests/tests/template.rs) -->";
pub const README_TABLE_END: &str = "<!-- END GENERATED parameters -->";

/// The template's parameters as a Markdown table: name, default, allowed values, description.
pub fn parameters_markdown(template: &Value) -> String {
    let mut out =
        String::from("| Parameter | Default | Allowed | What it does |\n|---|---|---|---|\n");
    for (name, spec) in template["Parameters"].as_object().into_iter().flatten() {
        let default = match &spec["Default"] {
            Value::String(s) if s.is_empty() => "(empty)".to_owned(),
            Value::String(s) => format!("`{s}`"),
            Value::Null => "(required)".to_owned(),
            other => format!("`{other}`"),
        };
        let allowed = match &spec["AllowedValues"] {
            Value::Array(values) if values.len() <= 6 => values
                .iter()
                .map(|v| {
                    format!(
                        "`{}`",
                        v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                    )
                })
                .collect::<Vec<_>>()
                .join(", "),
            Value::Array(values) => format!("{} values", values.len()),
            _ => String::new(),
        };
        let description = spec["Description"]
            .as_str()
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace('|', "\\|");
        let _ = writeln!(out, "| `{name}` | {default} | {allowed} | {description} |");
    }
    out
}
