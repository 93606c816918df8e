//! What a rules file holds, read from Guard's own parse tree: its named rules, and the resource
//! types each selects with a `resourceType` clause.

use crate::LoadError;
use cfn_guard::CommandBuilder;
use cfn_guard::commands::Executable;
use cfn_guard::utils::reader::{ReadBuffer, Reader};
use cfn_guard::utils::writer::{WriteBuffer, Writer};
use regex::Regex;
use serde::Deserialize;
use serde_json::Value;
use std::io::Cursor;
use std::sync::LazyLock;

/// One named rule and the resource types its `resourceType` clauses name (empty: every type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParsedRule {
    pub(crate) name: String,
    pub(crate) resource_types: Vec<String>,
}

/// The parts of Guard's parse tree (`cfn-guard parse-tree --print-json`) read here.
#[derive(Debug, Deserialize)]
struct Tree {
    #[serde(default)]
    guard_rules: Vec<TreeRule>,
}

#[derive(Debug, Deserialize)]
struct TreeRule {
    rule_name: String,
    #[serde(default)]
    conditions: Value,
    #[serde(default)]
    block: Value,
}

/// Guard's parse-error position: `… at line 3 at column 7, …`.
static POSITION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"line (\d+) at column (\d+)").expect("the position pattern is valid")
});

/// What Guard expected, inside its wrapped message: `… when handling <this>, fragment <rest>`.
static EXPECTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"when handling (.*?)(?:, fragment|`*$)").expect("the expectation pattern is valid")
});

/// The longest part of Guard's message quoted in an error: it ends with the rest of the file.
const MAX_MESSAGE: usize = 300;

/// Parses `text` with Guard; a file that does not parse is a [`LoadError::Parse`] naming the
/// file, line and column.
pub(crate) fn parse(file: &str, text: &str) -> Result<Vec<ParsedRule>, LoadError> {
    let command = cfn_guard::ParseTreeBuilder::default()
        .print_json(true)
        .try_build()
        .map_err(|e| parse_error(file, &e.to_string()))?;
    let mut writer =
        Writer::new(WriteBuffer::Vec(Vec::new())).map_err(|e| parse_error(file, &e.to_string()))?;
    let mut reader = Reader::new(ReadBuffer::Cursor(Cursor::new(text.as_bytes().to_vec())));
    command
        .execute(&mut writer, &mut reader)
        .map_err(|e| parse_error(file, &e.to_string()))?;
    let json = writer
        .into_string()
        .map_err(|e| parse_error(file, &e.to_string()))?;
    // A file of comments only parses to nothing: `null`.
    let tree: Option<Tree> = serde_json::from_str(&json)
        .map_err(|e| parse_error(file, &format!("Guard's parse tree could not be read ({e})")))?;
    Ok(tree
        .map(|t| t.guard_rules)
        .unwrap_or_default()
        .into_iter()
        .map(|rule| {
            // The `when` conditions say what the rule selects; without any there, its body may.
            let mut types = resource_types(&rule.conditions);
            if types.is_none() {
                types = resource_types(&rule.block);
            }
            ParsedRule {
                name: rule.rule_name,
                resource_types: types.unwrap_or_default(),
            }
        })
        .collect())
}

fn parse_error(file: &str, message: &str) -> LoadError {
    let message = cut(message);
    let position = POSITION.captures(&message).and_then(|c| {
        let line = c.get(1)?.as_str().parse().ok()?;
        let column = c.get(2)?.as_str().parse().ok()?;
        Some((line, column))
    });
    // Guard wraps its parser's words twice ("Parser Error when parsing `Parsing Error …`"):
    // only what it expected is said, after the position.
    let message = match EXPECTED.captures(&message).and_then(|c| c.get(1)) {
        Some(expected) => expected.as_str().trim().to_owned(),
        None => message,
    };
    match position {
        Some((line, column)) => LoadError::Parse {
            file: file.to_owned(),
            line,
            column,
            message,
        },
        None => LoadError::ParseWithoutPosition {
            file: file.to_owned(),
            message,
        },
    }
}

fn cut(message: &str) -> String {
    let one_line = message.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(MAX_MESSAGE) {
        Some((at, _)) => format!("{}…", &one_line[..at]),
        None => one_line,
    }
}

/// The resource types named by the `resourceType == "…"` and `resourceType IN [...]` clauses
/// under `node`; `None` when it has none. A `resourceType` clause of another form (negated, a
/// variable, another operator) means the rule may select any type: every type, and the rule
/// decides (SKIP being NOT_APPLICABLE).
fn resource_types(node: &Value) -> Option<Vec<String>> {
    let mut found = Vec::new();
    let mut open_ended = false;
    visit(node, &mut |clause| {
        let access = &clause["access_clause"];
        let query = &access["query"]["query"];
        if query.as_array().map(Vec::len) != Some(1) || query[0]["Key"] != "resourceType" {
            return;
        }
        let operator = access["comparator"][0].as_str();
        let positive = access["comparator"][1] == false && clause["negation"] == false;
        let value = &access["compare_with"]["Value"]["value"];
        let names: Option<Vec<&str>> = match value {
            Value::String(s) => Some(vec![s.as_str()]),
            Value::Array(list) => list.iter().map(Value::as_str).collect(),
            _ => None,
        };
        match (operator, positive, names) {
            (Some("Eq" | "In"), true, Some(names)) => {
                found.extend(names.into_iter().map(str::to_owned));
            }
            _ => open_ended = true,
        }
    });
    if open_ended || found.is_empty() {
        return (open_ended).then(Vec::new);
    }
    found.sort();
    found.dedup();
    Some(found)
}

/// Calls `on_clause` on every access clause (`{"access_clause": …, "negation": …}`) under `node`.
fn visit(node: &Value, on_clause: &mut dyn FnMut(&Value)) {
    match node {
        Value::Object(map) => {
            if map.contains_key("access_clause") {
                on_clause(node);
            }
            for inner in map.values() {
                visit(inner, on_clause);
            }
        }
        Value::Array(items) => {
            for inner in items {
                visit(inner, on_clause);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> Vec<ParsedRule> {
        parse("t.guard", text).unwrap()
    }

    #[test]
    fn named_rules_with_their_resource_types() {
        let parsed = rules(
            r#"
            rule one when resourceType == "AWS::S3::Bucket" { configuration.name exists }
            rule two when resourceType IN ["AWS::EC2::Volume", "AWS::EC2::Instance"] {
                configuration.encrypted == true
            }
            rule three { configuration exists }
            rule four when resourceType != "AWS::S3::Bucket" { configuration exists }
            "#,
        );
        let got: Vec<(&str, Vec<&str>)> = parsed
            .iter()
            .map(|r| {
                (
                    r.name.as_str(),
                    r.resource_types.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("one", vec!["AWS::S3::Bucket"]),
                ("two", vec!["AWS::EC2::Instance", "AWS::EC2::Volume"]),
                ("three", vec![]),
                ("four", vec![]),
            ]
        );
    }

    #[test]
    fn a_syntax_error_names_file_line_and_column() {
        let err = parse("bad.guard", "rule ok { a exists }\nrule broken {\n  a ==\n").unwrap_err();
        match err {
            LoadError::Parse {
                file,
                line,
                column,
                message,
            } => {
                assert!(message.starts_with("expecting"), "{message}");
                assert_eq!(file, "bad.guard");
                assert!(line >= 2, "{line}");
                assert!(column >= 1, "{column}");
            }
            other => panic!("{other:?}"),
        }
    }

    /// Inputs that made earlier cfn-guard releases panic (cloudformation-guard issue #210, found
    /// by fuzzing; unterminated strings and regexes like the one fixed in PR #426). The release
    /// profile aborts on a panic, so a rules file must never reach one: each is a parse error.
    #[test]
    fn rules_that_crashed_guard_before_are_parse_errors() {
        for text in [
            "\"\">/\\",
            "rule r { a == /abc",
            "rule r { a == \"abc",
            "/",
            "rule",
            "let x = [/",
        ] {
            assert!(parse("crash.guard", text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn comments_only_is_no_rule() {
        assert!(rules("# nothing yet\n").is_empty());
    }
}
