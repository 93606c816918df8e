//! A tolerant model of IAM policy documents, shared by every control that reads a policy: S3
//! bucket policies, Lambda function policies and IAM identity policies.
//!
//! Policy documents reach a configuration item in several dresses, and [`PolicyDocument::from_value`]
//! accepts all of them:
//!
//! * a JSON object (already decoded by [`crate::item`]);
//! * a JSON string holding the document (`BucketPolicy.policyText`, Lambda's `Policy`), possibly
//!   serialized more than once;
//! * a URL-encoded JSON string (`%7B%22Version%22…`), the way IAM returns policy versions and the
//!   way AWS Config records `AWS::IAM::Policy` and `AWS::IAM::User` documents. Decoding follows
//!   RFC 3986 as IAM does: `%XX` escapes only, a `+` stays a `+`.
//!
//! The grammar is read tolerantly where tolerance cannot hide a permission: element names are
//! matched without regard to case, `Statement`, `Action`, `Resource` and friends may be a single
//! value or a list, `Principal` may be `"*"` or a map of principal types, and condition values may
//! be strings, booleans, numbers or lists of them. What cannot be read with certainty — an unknown
//! `Effect`, a statement with both `Action` and `NotAction`, an element holding the wrong JSON type —
//! is a [`PolicyError`] that names the statement and element, so a control answers
//! INSUFFICIENT_DATA instead of guessing.
//!
//! Matching follows IAM: `*` matches any run of characters (including none), `?` exactly one;
//! actions compare without regard to case, resources (ARNs) with it; condition keys compare
//! without regard to case.

use crate::item::json_type;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};
use std::fmt;

/// How many layers of string encoding (JSON string literal or URL encoding) are peeled off before
/// a document is declared unreadable.
const MAX_DECODE_ROUNDS: usize = 4;

/// Why a policy document could not be read. The message names the statement and element.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("the policy document must be a JSON object, found {0}")]
    NotADocument(&'static str),
    #[error("the policy document is not readable JSON: {0}")]
    Unreadable(String),
    #[error("the policy document {0}")]
    Document(String),
    #[error("statement {index} of the policy document {problem}")]
    Statement { index: usize, problem: String },
}

/// `Allow` or `Deny`. AWS stores no other value, so any other spelling is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    Allow,
    Deny,
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        })
    }
}

/// The `Principal` (or `NotPrincipal`) element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// `"Principal": "*"`: everyone, signed or anonymous.
    Any,
    /// `{"AWS": …, "Service": …, "Federated": …, "CanonicalUser": …}`: principal type (as written)
    /// to its values. An empty list means an empty principal element.
    Typed(Vec<(String, Vec<String>)>),
}

impl Principal {
    /// The values given for one principal type (`AWS`, `Service`, …), matched without case.
    pub fn values_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let entries: &[(String, Vec<String>)] = match self {
            Principal::Any => &[],
            Principal::Typed(entries) => entries,
        };
        entries
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(kind))
            .flat_map(|(_, values)| values.iter().map(|v| v.trim()))
    }

    /// Every principal: `"*"` or an `AWS` principal of `"*"`, the two spellings AWS treats as
    /// "everyone".
    pub fn is_everyone(&self) -> bool {
        matches!(self, Principal::Any) || self.values_of("AWS").any(|v| v == "*")
    }

    /// No principal at all (`{}` or only empty lists).
    pub fn is_empty(&self) -> bool {
        match self {
            Principal::Any => false,
            Principal::Typed(entries) => entries.iter().all(|(_, values)| values.is_empty()),
        }
    }

    /// All `(type, value)` pairs, `("*", "*")` for [`Principal::Any`].
    pub fn entries(&self) -> Vec<(&str, &str)> {
        match self {
            Principal::Any => vec![("*", "*")],
            Principal::Typed(entries) => entries
                .iter()
                .flat_map(|(k, values)| values.iter().map(move |v| (k.as_str(), v.as_str())))
                .collect(),
        }
    }
}

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Principal::Any => f.write_str("*"),
            Principal::Typed(entries) => {
                let parts: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", v.join(", ")))
                    .collect();
                write!(f, "{{{}}}", parts.join("; "))
            }
        }
    }
}

/// One condition test: `"Condition": {operator: {key: values}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The operator as written (`StringEquals`, `ForAnyValue:StringLike`, `BoolIfExists`).
    pub operator: String,
    /// The condition key as written (`aws:SecureTransport`, `AWS:SourceAccount`).
    pub key: String,
    /// The values, booleans and numbers written as text (`"false"`, `"12"`).
    pub values: Vec<String>,
}

impl Condition {
    /// Whether the key is `key` (condition keys are case-insensitive in AWS).
    pub fn key_is(&self, key: &str) -> bool {
        self.key.trim().eq_ignore_ascii_case(key)
    }

    /// The operator without a `ForAnyValue:` / `ForAllValues:` qualifier or `IfExists` suffix.
    pub fn base_operator(&self) -> &str {
        let op = self.operator.trim();
        let op = strip_prefix_ignore_case(op, "ForAnyValue:")
            .or_else(|| strip_prefix_ignore_case(op, "ForAllValues:"))
            .unwrap_or(op);
        strip_suffix_ignore_case(op, "IfExists").unwrap_or(op)
    }

    /// `…IfExists`: the test also passes when the request does not carry the key.
    pub fn if_exists(&self) -> bool {
        strip_suffix_ignore_case(self.operator.trim(), "IfExists").is_some()
    }

    /// The set qualifier, lower case (`foranyvalue`, `forallvalues`), if any.
    pub fn qualifier(&self) -> Option<&'static str> {
        let op = self.operator.trim();
        if strip_prefix_ignore_case(op, "ForAnyValue:").is_some() {
            Some("foranyvalue")
        } else if strip_prefix_ignore_case(op, "ForAllValues:").is_some() {
            Some("forallvalues")
        } else {
            None
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.operator,
            self.key,
            self.values.join("|")
        )
    }
}

/// `Action` or `NotAction`, `Resource` or `NotResource`, `Principal` or `NotPrincipal`: the
/// positive list or its negation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope<T> {
    Only(T),
    AllBut(T),
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// 1-based position in the document, for reasons ("statement 2").
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    /// `Principal` / `NotPrincipal`; `None` in identity policies.
    pub principal: Option<Scope<Principal>>,
    /// `Action` / `NotAction`; every statement has exactly one.
    pub action: Scope<Vec<String>>,
    /// `Resource` / `NotResource`; `None` when the statement has neither.
    pub resource: Option<Scope<Vec<String>>>,
    pub conditions: Vec<Condition>,
}

impl Statement {
    /// "statement 2" or "statement 2 (Sid AllowAll)", for reasons.
    pub fn label(&self) -> String {
        match self.sid.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(sid) => format!("statement {} (Sid {sid})", self.index),
            None => format!("statement {}", self.index),
        }
    }

    pub fn is_allow(&self) -> bool {
        self.effect == Effect::Allow
    }

    pub fn is_deny(&self) -> bool {
        self.effect == Effect::Deny
    }

    /// The conditions on `key` (case-insensitive).
    pub fn conditions_on<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Condition> + 'a {
        self.conditions.iter().filter(move |c| c.key_is(key))
    }

    /// Whether the statement applies to every S3-style action of `service` (`s3`): an `Action`
    /// pattern covering `service:*`, or a `NotAction` none of whose patterns can match any action
    /// of the service. Conservative: `false` when unsure.
    pub fn covers_every_action_of(&self, service: &str) -> bool {
        let prefix = format!("{}:", service.to_ascii_lowercase());
        match &self.action {
            Scope::Only(patterns) => patterns
                .iter()
                .any(|p| covers_every_string_with_prefix(&p.to_lowercase(), &prefix)),
            Scope::AllBut(patterns) => patterns
                .iter()
                .all(|p| !may_match_string_with_prefix(&p.to_lowercase(), &prefix)),
        }
    }

    /// Whether the statement's `Resource` covers the exact ARN `arn`. `NotResource` and a missing
    /// resource element answer `false` (conservative for checks that need coverage).
    pub fn resource_covers(&self, arn: &str) -> bool {
        match &self.resource {
            Some(Scope::Only(patterns)) => patterns.iter().any(|p| resource_matches(p, arn)),
            _ => false,
        }
    }

    /// Whether the statement's `Resource` covers every ARN that starts with `prefix`
    /// (`arn:aws:s3:::bucket/` for every object of a bucket). Conservative like
    /// [`Statement::resource_covers`].
    pub fn resource_covers_prefix(&self, prefix: &str) -> bool {
        match &self.resource {
            Some(Scope::Only(patterns)) => patterns
                .iter()
                .any(|p| covers_every_string_with_prefix(p.trim(), prefix)),
            _ => false,
        }
    }
}

/// A parsed policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDocument {
    pub version: Option<String>,
    pub statements: Vec<Statement>,
}

impl PolicyDocument {
    /// Reads a document from a JSON object, a JSON string holding one, or a URL-encoded JSON
    /// string.
    pub fn from_value(value: &Value) -> Result<Self, PolicyError> {
        match value {
            Value::Object(map) => Self::from_map(map),
            Value::String(text) => Self::from_text(text),
            other => Err(PolicyError::NotADocument(json_type(other))),
        }
    }

    /// Reads a document from text: JSON, a JSON string literal holding JSON, or URL-encoded JSON,
    /// peeling at most a few layers.
    pub fn from_text(text: &str) -> Result<Self, PolicyError> {
        let mut current = text.trim().to_owned();
        for _ in 0..MAX_DECODE_ROUNDS {
            if current.starts_with('{') || current.starts_with('[') || current.starts_with('"') {
                let value: Value = serde_json::from_str(&current)
                    .map_err(|e| PolicyError::Unreadable(e.to_string()))?;
                match value {
                    Value::Object(map) => return Self::from_map(&map),
                    Value::String(inner) => current = inner.trim().to_owned(),
                    other => return Err(PolicyError::NotADocument(json_type(&other))),
                }
            } else if current.contains('%') {
                current = percent_decode_str(&current)
                    .decode_utf8()
                    .map_err(|_| {
                        PolicyError::Unreadable(
                            "the URL-encoded document does not decode to UTF-8 text".to_owned(),
                        )
                    })?
                    .trim()
                    .to_owned();
            } else {
                break;
            }
        }
        let shown: String = current.chars().take(40).collect();
        Err(PolicyError::Unreadable(format!(
            "expected JSON or URL-encoded JSON, found text starting '{shown}'"
        )))
    }

    fn from_map(map: &Map<String, Value>) -> Result<Self, PolicyError> {
        let version = match element(map, "Version").map_err(PolicyError::Document)? {
            None | Some(Value::Null) => None,
            Some(Value::String(v)) => Some(v.clone()),
            Some(other) => {
                return Err(PolicyError::Document(format!(
                    "has a Version that is {}, not a string",
                    json_type(other)
                )));
            }
        };
        let raw: Vec<&Map<String, Value>> =
            match element(map, "Statement").map_err(PolicyError::Document)? {
                Some(Value::Object(one)) => vec![one],
                Some(Value::Array(many)) => {
                    let mut out = Vec::with_capacity(many.len());
                    for (i, s) in many.iter().enumerate() {
                        match s {
                            Value::Object(m) => out.push(m),
                            other => {
                                return Err(PolicyError::Statement {
                                    index: i + 1,
                                    problem: format!("is {}, not an object", json_type(other)),
                                });
                            }
                        }
                    }
                    out
                }
                None | Some(Value::Null) => {
                    return Err(PolicyError::Document("has no Statement".to_owned()));
                }
                Some(other) => {
                    return Err(PolicyError::Document(format!(
                        "has a Statement that is {}, not an object or a list",
                        json_type(other)
                    )));
                }
            };
        let statements = raw
            .into_iter()
            .enumerate()
            .map(|(i, m)| {
                parse_statement(i + 1, m).map_err(|problem| PolicyError::Statement {
                    index: i + 1,
                    problem,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(PolicyDocument {
            version,
            statements,
        })
    }

    /// The `Allow` statements.
    pub fn allows(&self) -> impl Iterator<Item = &Statement> {
        self.statements.iter().filter(|s| s.is_allow())
    }

    /// The `Deny` statements.
    pub fn denies(&self) -> impl Iterator<Item = &Statement> {
        self.statements.iter().filter(|s| s.is_deny())
    }
}

/// The value of an element, matched without regard to case; an error when it appears twice.
fn element<'a>(map: &'a Map<String, Value>, name: &str) -> Result<Option<&'a Value>, String> {
    let mut found = None;
    for (key, value) in map {
        if key.trim().eq_ignore_ascii_case(name) {
            if found.is_some() {
                return Err(format!("has `{name}` more than once"));
            }
            found = Some(value);
        }
    }
    Ok(found)
}

/// The positive element (`Action`) or its negation (`NotAction`), parsed; at most one of them.
fn scoped<T>(
    map: &Map<String, Value>,
    positive: &'static str,
    negative: &'static str,
    parse: fn(&Value) -> Result<T, String>,
) -> Result<Option<Scope<T>>, String> {
    let only = element(map, positive)?.filter(|v| !v.is_null());
    let all_but = element(map, negative)?.filter(|v| !v.is_null());
    let read = |name: &str, value| parse(value).map_err(|e| format!("has a {name} that {e}"));
    match (only, all_but) {
        (Some(_), Some(_)) => Err(format!("has both {positive} and {negative}")),
        (Some(v), None) => Ok(Some(Scope::Only(read(positive, v)?))),
        (None, Some(v)) => Ok(Some(Scope::AllBut(read(negative, v)?))),
        (None, None) => Ok(None),
    }
}

fn parse_statement(index: usize, map: &Map<String, Value>) -> Result<Statement, String> {
    let sid = match element(map, "Sid")? {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let effect = match element(map, "Effect")? {
        Some(Value::String(e)) if e.trim().eq_ignore_ascii_case("allow") => Effect::Allow,
        Some(Value::String(e)) if e.trim().eq_ignore_ascii_case("deny") => Effect::Deny,
        Some(Value::String(e)) => {
            return Err(format!("has Effect '{e}', which is neither Allow nor Deny"));
        }
        None | Some(Value::Null) => return Err("has no Effect".to_owned()),
        Some(other) => return Err(format!("has an Effect that is {}", json_type(other))),
    };
    let principal = scoped(map, "Principal", "NotPrincipal", parse_principal)?;
    let action = scoped(map, "Action", "NotAction", string_list)?
        .ok_or_else(|| "has neither Action nor NotAction".to_owned())?;
    let resource = scoped(map, "Resource", "NotResource", string_list)?;
    let conditions = match element(map, "Condition")? {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(ops)) => parse_conditions(ops)?,
        Some(other) => {
            return Err(format!(
                "has a Condition that is {}, not an object",
                json_type(other)
            ));
        }
    };
    Ok(Statement {
        index,
        sid,
        effect,
        principal,
        action,
        resource,
        conditions,
    })
}

fn string_list(value: &Value) -> Result<Vec<String>, String> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(format!("lists {}, not a string", json_type(other))),
            })
            .collect(),
        other => Err(format!("is {}, not a string or a list", json_type(other))),
    }
}

fn parse_principal(value: &Value) -> Result<Principal, String> {
    match value {
        Value::String(s) if s.trim() == "*" => Ok(Principal::Any),
        // Not in the grammar, but some old policies carry a bare account or ARN.
        Value::String(s) => Ok(Principal::Typed(vec![("AWS".to_owned(), vec![s.clone()])])),
        Value::Object(types) => types
            .iter()
            .map(|(kind, values)| Ok((kind.trim().to_owned(), string_list(values)?)))
            .collect::<Result<Vec<_>, String>>()
            .map(Principal::Typed),
        other => Err(format!("is {}", json_type(other))),
    }
}

fn parse_conditions(ops: &Map<String, Value>) -> Result<Vec<Condition>, String> {
    let mut out = Vec::new();
    for (operator, tests) in ops {
        let Value::Object(tests) = tests else {
            return Err(format!(
                "has a Condition operator {operator} holding {}, not an object",
                json_type(tests)
            ));
        };
        for (key, values) in tests {
            let values = match values {
                Value::Array(items) => items.iter().map(scalar_text).collect::<Option<Vec<_>>>(),
                single => scalar_text(single).map(|v| vec![v]),
            }
            .ok_or_else(|| {
                format!(
                    "has a Condition {operator} {key} whose value is not a string, boolean, \
                     number or list of them"
                )
            })?;
            out.push(Condition {
                operator: operator.clone(),
                key: key.clone(),
                values,
            });
        }
    }
    Ok(out)
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text.get(prefix.len()..))
        .flatten()
}

fn strip_suffix_ignore_case<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = text.len().checked_sub(suffix.len())?;
    let tail = text.get(cut..)?;
    tail.eq_ignore_ascii_case(suffix)
        .then(|| text.get(..cut))
        .flatten()
}

/// IAM wildcard matching: `*` matches any run of characters (none included), `?` exactly one.
/// Case-sensitive; see [`action_matches`] for actions.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    // Where the last `*` was seen in the pattern, and the text position it currently covers up to.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi.min(p.len())..].iter().all(|&c| c == '*')
}

/// Whether an action pattern (`s3:Get*`, `*`) matches an action, without regard to case.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    glob_match(
        &pattern.trim().to_lowercase(),
        &action.trim().to_lowercase(),
    )
}

/// Whether a resource pattern matches an ARN; ARNs compare with regard to case.
pub fn resource_matches(pattern: &str, arn: &str) -> bool {
    glob_match(pattern.trim(), arn.trim())
}

/// Whether `pattern` matches every string that starts with `prefix` (case-sensitive; lower-case
/// both sides first for actions). Sound but not complete: it recognises a pattern ending in `*`
/// whose remainder matches some leading part of `prefix` (`s3:*`, `s3*`, `*`, `*:*` for the
/// prefix `s3:`), which covers every way people write such patterns.
pub fn covers_every_string_with_prefix(pattern: &str, prefix: &str) -> bool {
    let Some(rest) = pattern.strip_suffix('*') else {
        return false;
    };
    let rest = rest.trim_end_matches('*');
    prefix
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(prefix.len()))
        .any(|cut| prefix.get(..cut).is_some_and(|head| glob_match(rest, head)))
}

/// Whether `pattern` might match some string that starts with `prefix`. Over-approximates: only
/// a literal start that departs from `prefix` before the first wildcard rules a match out.
pub fn may_match_string_with_prefix(pattern: &str, prefix: &str) -> bool {
    for (pc, xc) in pattern.chars().zip(prefix.chars()) {
        if pc == '*' || pc == '?' {
            return true;
        }
        if pc != xc {
            return false;
        }
    }
    // One is a prefix of the other: the pattern either extends `prefix` or is shorter than it
    // (and then only matches strings shorter than `prefix`, unless it ends in a wildcard).
    pattern.chars().count() >= prefix.chars().count()
}

/// Condition keys that tie a grant to a public principal to an account, organization, network or
/// source: a positive test with fixed values on one of them makes the grant non-public, the way
/// Amazon S3 ("the meaning of public") and IAM Access Analyzer define it.
pub const LIMITING_KEYS: &[&str] = &[
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOwner",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceIp",
    "aws:userid",
    "lambda:EventSourceToken",
];

impl Statement {
    /// How the statement's grantee reads when it is public, or `None` when it names fixed
    /// principals only: no `Principal` at all, a `NotPrincipal` (everyone but a few), or a
    /// wildcard, variable or empty principal ("allows Principal *").
    pub fn public_grantee(&self) -> Option<String> {
        match &self.principal {
            None => Some("has no Principal".to_owned()),
            Some(Scope::AllBut(p)) => Some(format!("allows everyone except NotPrincipal {p}")),
            Some(Scope::Only(p)) => wildcard_principal(p).map(|w| format!("allows Principal {w}")),
        }
    }

    /// Whether some condition of the statement is a positive test with fixed values on one of
    /// `keys`: `StringEquals`, `StringLike`, `ArnEquals`, `ArnLike` or `IpAddress` (optionally
    /// `ForAnyValue:`), never `…IfExists`, with values free of wildcards and variables; a
    /// `0.0.0.0/0` or `::/0` source address and a bucket ARN as `aws:SourceArn` limit nothing.
    pub fn limited_by(&self, keys: &[&str]) -> bool {
        self.conditions
            .iter()
            .any(|c| keys.iter().any(|k| c.key_is(k)) && limits(c))
    }

    /// Whether the statement's `Action` (or `NotAction`) may admit some action whose name starts
    /// with `prefix` (lower case, `s3:put`). Over-approximates: `false` only when no such action
    /// can be admitted.
    pub fn may_allow_action_with_prefix(&self, prefix: &str) -> bool {
        match &self.action {
            Scope::Only(patterns) => patterns
                .iter()
                .any(|p| may_match_string_with_prefix(&p.trim().to_lowercase(), prefix)),
            Scope::AllBut(patterns) => !patterns
                .iter()
                .any(|p| covers_every_string_with_prefix(&p.trim().to_lowercase(), prefix)),
        }
    }
}

/// How a principal reads when it is public (a wildcard, variable or empty principal), or `None`.
pub fn wildcard_principal(p: &Principal) -> Option<String> {
    if matches!(p, Principal::Any) {
        return Some("*".to_owned());
    }
    if p.is_empty() {
        return Some("{} (empty)".to_owned());
    }
    p.entries()
        .into_iter()
        .find(|(_, v)| !is_fixed(v))
        .map(|(kind, v)| format!("{kind}: {}", v.trim()))
}

/// A value without wildcards or policy variables.
pub fn is_fixed(value: &str) -> bool {
    let v = value.trim();
    !v.is_empty() && !v.contains('*') && !v.contains('?') && !v.contains("${")
}

fn limits(c: &Condition) -> bool {
    const POSITIVE: &[&str] = &[
        "StringEquals",
        "StringEqualsIgnoreCase",
        "StringLike",
        "ArnEquals",
        "ArnLike",
        "IpAddress",
    ];
    let op = c.base_operator();
    let positive = POSITIVE.iter().any(|p| op.eq_ignore_ascii_case(p));
    let qualifier_ok = matches!(c.qualifier(), None | Some("foranyvalue"));
    let values_ok = !c.values.is_empty()
        && c.values.iter().all(|v| {
            let v = v.trim();
            is_fixed(v)
                && !(c.key_is("aws:SourceIp") && (v == "0.0.0.0/0" || v == "::/0"))
                && !(c.key_is("aws:SourceArn") && is_bucket_arn(v))
        });
    positive && !c.if_exists() && qualifier_ok && values_ok
}

/// An S3 bucket or object ARN (`arn:aws:s3:::name`): it names no account.
fn is_bucket_arn(value: &str) -> bool {
    crate::arn::Arn::parse(value).is_some_and(|arn| {
        arn.service.eq_ignore_ascii_case("s3") && arn.region.is_empty() && arn.account.is_empty()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(value: Value) -> PolicyDocument {
        PolicyDocument::from_value(&value).unwrap()
    }

    fn err(value: Value) -> String {
        PolicyDocument::from_value(&value).unwrap_err().to_string()
    }

    #[test]
    fn the_three_dresses_read_the_same() {
        let object = json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]});
        let text = object.to_string();
        let encoded: String =
            percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        assert!(encoded.starts_with("%7B%22"), "{encoded}");
        let twice = Value::String(text.clone()).to_string();
        let a = doc(object.clone());
        assert_eq!(a, doc(Value::String(text)));
        assert_eq!(a, doc(Value::String(encoded.clone())));
        assert_eq!(a, doc(Value::String(twice)));
        // URL-encoded twice, with surrounding whitespace.
        let double: String =
            percent_encoding::utf8_percent_encode(&encoded, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        assert_eq!(a, doc(Value::String(format!("  {double}\n"))));
        assert_eq!(a.version.as_deref(), Some("2012-10-17"));
    }

    #[test]
    fn url_decoding_keeps_plus_signs() {
        // IAM encodes per RFC 3986: a literal `+` in a resource is not a space.
        let d = doc(json!(
            "%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Aa+b%2F%2A%22%7D%7D"
        ));
        assert_eq!(
            d.statements[0].resource,
            Some(Scope::Only(vec!["arn:aws:s3:::a+b/*".to_owned()]))
        );
    }

    #[test]
    fn a_real_config_policy_version_document_parses() {
        // Shape of `policyVersionList[].document` in an AWS::IAM::Policy configuration item.
        let d = doc(json!(
            "%7B%0A%20%20%22Version%22%3A%20%222012-10-17%22%2C%0A%20%20%22Statement%22%3A%20%5B%0A%20%20%20%20%7B%0A%20%20%20%20%20%20%22Effect%22%3A%20%22Allow%22%2C%0A%20%20%20%20%20%20%22Action%22%3A%20%5B%22logs%3ACreateLogStream%22%2C%20%22logs%3APutLogEvents%22%5D%2C%0A%20%20%20%20%20%20%22Resource%22%3A%20%22arn%3Aaws%3Alogs%3Aeu-west-1%3A123456789012%3Alog-group%3A%2Faws%2Fcodebuild%2Fapi%3A%2A%22%0A%20%20%20%20%7D%0A%20%20%5D%0A%7D"
        ));
        let s = &d.statements[0];
        assert_eq!(s.effect, Effect::Allow);
        assert_eq!(
            s.action,
            Scope::Only(vec![
                "logs:CreateLogStream".to_owned(),
                "logs:PutLogEvents".to_owned()
            ])
        );
    }

    #[test]
    fn statement_and_values_may_be_single_or_lists() {
        let d = doc(
            json!({"Statement": {"Effect": "Deny", "NotAction": ["iam:*", "sts:*"],
            "NotResource": "arn:aws:s3:::x"}}),
        );
        assert_eq!(d.statements.len(), 1);
        let s = &d.statements[0];
        assert!(s.is_deny());
        assert_eq!(
            s.action,
            Scope::AllBut(vec!["iam:*".to_owned(), "sts:*".to_owned()])
        );
        assert_eq!(
            s.resource,
            Some(Scope::AllBut(vec!["arn:aws:s3:::x".to_owned()]))
        );
        assert_eq!(d.allows().count(), 0);
        assert_eq!(d.denies().count(), 1);
    }

    #[test]
    fn element_names_and_effects_ignore_case() {
        let d = doc(
            json!({"statement": [{"effect": "allow", "action": "*", "resource": "*"},
            {"EFFECT": " DENY ", "Action": "s3:*"}]}),
        );
        assert!(d.statements[0].is_allow());
        assert!(d.statements[1].is_deny());
        assert_eq!(d.statements[1].index, 2);
    }

    #[test]
    fn principals_in_every_form() {
        let p = |v: Value| match doc(
            json!({"Statement": {"Effect": "Allow", "Action": "*", "Principal": v}}),
        )
        .statements
        .remove(0)
        .principal
        {
            Some(Scope::Only(p)) => p,
            other => panic!("{other:?}"),
        };
        assert_eq!(p(json!("*")), Principal::Any);
        assert!(p(json!("*")).is_everyone());
        assert!(p(json!({"AWS": "*"})).is_everyone());
        assert!(p(json!({"AWS": ["arn:aws:iam::111122223333:root", " * "]})).is_everyone());
        assert!(!p(json!({"AWS": "arn:aws:iam::111122223333:root"})).is_everyone());
        let svc = p(json!({"Service": ["s3.amazonaws.com", "sns.amazonaws.com"]}));
        assert!(!svc.is_everyone());
        assert_eq!(
            svc.values_of("service").collect::<Vec<_>>(),
            ["s3.amazonaws.com", "sns.amazonaws.com"]
        );
        assert!(!p(json!({"Federated": "cognito-identity.amazonaws.com"})).is_everyone());
        assert!(!p(json!({"CanonicalUser": "79a59df900b949e55d96a1e698fbaced"})).is_everyone());
        assert!(p(json!({})).is_empty());
        assert!(p(json!({"AWS": []})).is_empty());
        assert!(!p(json!("*")).is_empty());
        // A bare account id is read as an AWS principal.
        assert_eq!(
            p(json!("111122223333"))
                .values_of("AWS")
                .collect::<Vec<_>>(),
            ["111122223333"]
        );
        let np = doc(json!({"Statement": {"Effect": "Deny", "Action": "*",
            "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}}}));
        assert!(matches!(np.statements[0].principal, Some(Scope::AllBut(_))));
    }

    #[test]
    fn conditions_keep_operators_keys_and_every_value_type() {
        let d = doc(
            json!({"Statement": {"Effect": "Deny", "Action": "s3:*", "Condition": {
            "Bool": {"aws:SecureTransport": false},
            "BoolIfExists": {"AWS:SecureTransport": ["false", true]},
            "NumericLessThan": {"s3:TlsVersion": 1.2},
            "ForAnyValue:StringEqualsIfExists": {"aws:PrincipalOrgID": "o-1"}}}}),
        );
        let s = &d.statements[0];
        let st: Vec<&Condition> = s.conditions_on("aws:securetransport").collect();
        assert_eq!(st.len(), 2);
        assert_eq!(st[0].values, ["false"]);
        assert_eq!(st[1].values, ["false", "true"]);
        assert!(st[1].if_exists());
        assert_eq!(st[1].base_operator(), "Bool");
        let tls = s.conditions_on("S3:TLSVERSION").next().unwrap();
        assert_eq!(tls.values, ["1.2"]);
        let org = s.conditions_on("aws:principalorgid").next().unwrap();
        assert_eq!(org.base_operator(), "StringEquals");
        assert_eq!(org.qualifier(), Some("foranyvalue"));
        assert!(org.if_exists());
    }

    #[test]
    fn what_cannot_be_read_is_an_error_naming_the_statement() {
        assert!(
            err(json!({"Statement": [{"Effect": "Allow", "Action": "*"},
            {"Effect": "Permit", "Action": "*"}]}))
            .contains("statement 2 of the policy document has Effect 'Permit'")
        );
        assert!(err(json!({"Statement": {"Action": "*"}})).contains("has no Effect"));
        assert!(err(json!({"Statement": {"Effect": "Allow"}})).contains("neither Action"));
        assert!(
            err(json!({"Statement": {"Effect": "Allow", "Action": "*", "NotAction": "s3:*"}}))
                .contains("both Action and NotAction")
        );
        assert!(err(json!({"Statement": {"Effect": "Allow", "Action": 7}})).contains("a number"));
        assert!(
            err(json!({"Statement": {"Effect": "Allow", "Action": ["s3:*", null]}}))
                .contains("null")
        );
        assert!(
            err(json!({"Statement": {"Effect": "Allow", "Action": "*",
            "Condition": {"Bool": {"aws:SecureTransport": {"x": 1}}}}}))
            .contains("Condition Bool aws:SecureTransport")
        );
        assert!(
            err(json!({"Statement": {"Effect": "Allow", "Action": "*",
            "Condition": {"Bool": "x"}}}))
            .contains("Condition operator Bool")
        );
        assert!(
            err(json!({"Statement": {"Effect": "Allow", "Action": "*", "action": "s3:*"}}))
                .contains("more than once")
        );
        assert!(err(json!({"Version": "2012-10-17"})).contains("no Statement"));
        assert!(err(json!({"Statement": "x"})).contains("Statement that is a string"));
        assert!(err(json!({"Statement": [1]})).contains("statement 1"));
        assert!(err(json!([1])).contains("must be a JSON object"));
        assert!(err(json!("not a policy")).contains("not readable"));
        assert!(err(json!("{broken")).contains("not readable"));
        assert!(err(json!("%7B%22a")).contains("not readable"));
        assert!(err(json!("%FF%FE")).contains("UTF-8"));
        assert!(err(json!("\"[1]\"")).contains("must be a JSON object"));
    }

    #[test]
    fn glob_matching_follows_iam() {
        assert!(glob_match("*", ""));
        assert!(glob_match("*", "anything:at all"));
        assert!(glob_match("s3:Get*", "s3:GetObject"));
        assert!(!glob_match("s3:Get*", "s3:PutObject"));
        assert!(glob_match("s3:Get*Acl", "s3:GetObjectAcl"));
        assert!(glob_match("s3:Get*Acl", "s3:GetAcl"));
        assert!(!glob_match("s3:Get*Acl", "s3:GetObjectAclX"));
        assert!(glob_match("s3:?etObject", "s3:GetObject"));
        assert!(!glob_match("s3:?etObject", "s3:etObject"));
        assert!(glob_match("a*b*c", "aXXbYYbZZc"));
        assert!(!glob_match("a*b*c", "aXXbYY"));
        assert!(glob_match("**", "x"));
        assert!(!glob_match("", "x"));
        assert!(glob_match("", ""));
        assert!(glob_match("é*", "éà"));
        assert!(action_matches("S3:get*", "s3:GetObject"));
        assert!(action_matches("*", "iam:PassRole"));
        assert!(!action_matches("ec2:Describe*", "ec2:RunInstances"));
        assert!(resource_matches("arn:aws:s3:::b/*", "arn:aws:s3:::b/k"));
        assert!(!resource_matches("arn:aws:s3:::B/*", "arn:aws:s3:::b/k"));
    }

    #[test]
    fn prefix_coverage_is_sound() {
        for p in ["*", "s3:*", "s3*", "s*", "*:*", "s3:**", "*3:*", "?3:*"] {
            assert!(covers_every_string_with_prefix(p, "s3:"), "{p}");
        }
        for p in ["s3:Get*", "s3:*Object", "s3", "ec2:*", "s3:?", "", "s3:"] {
            assert!(!covers_every_string_with_prefix(p, "s3:"), "{p}");
        }
        let objects = "arn:aws:s3:::my-bucket/";
        for p in [
            "arn:aws:s3:::my-bucket/*",
            "arn:aws:s3:::my-bucket*",
            "*",
            "arn:aws:s3:::*",
        ] {
            assert!(covers_every_string_with_prefix(p, objects), "{p}");
        }
        for p in [
            "arn:aws:s3:::my-bucket/logs/*",
            "arn:aws:s3:::my-bucket",
            "arn:aws:s3:::other/*",
        ] {
            assert!(!covers_every_string_with_prefix(p, objects), "{p}");
        }
    }

    #[test]
    fn may_match_over_approximates() {
        for p in ["*", "s3:Get*", "s*", "s3:", "?3", "s3:PutObject"] {
            assert!(may_match_string_with_prefix(p, "s3:"), "{p}");
        }
        for p in ["ec2:*", "iam:PassRole", "s4:*", "s3"] {
            assert!(!may_match_string_with_prefix(p, "s3:"), "{p}");
        }
    }

    #[test]
    fn statements_cover_services_and_resources() {
        let d = doc(json!({"Statement": [
            {"Effect": "Deny", "Action": ["s3:GetObject", "S3:*"], "Resource": [
                "arn:aws:s3:::b", "arn:aws:s3:::b/*"]},
            {"Effect": "Deny", "NotAction": "ec2:*", "NotResource": "arn:aws:s3:::b"},
            {"Effect": "Deny", "NotAction": "s3:Put*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:Get*"}]}));
        let s = &d.statements;
        assert!(s[0].covers_every_action_of("s3"));
        assert!(s[0].resource_covers("arn:aws:s3:::b"));
        assert!(s[0].resource_covers_prefix("arn:aws:s3:::b/"));
        assert!(!s[0].resource_covers("arn:aws:s3:::c"));
        assert!(s[1].covers_every_action_of("s3"));
        assert!(!s[1].resource_covers("arn:aws:s3:::b"));
        assert!(!s[1].resource_covers_prefix("arn:aws:s3:::b/"));
        assert!(!s[2].covers_every_action_of("s3"));
        assert!(s[2].resource_covers("arn:aws:s3:::b"));
        assert!(!s[3].covers_every_action_of("s3"));
        assert!(!s[3].resource_covers("arn:aws:s3:::b"));
        assert_eq!(s[0].label(), "statement 1");
    }

    #[test]
    fn labels_name_the_sid() {
        let d = doc(
            json!({"Statement": [{"Sid": "DenyHttp", "Effect": "Deny", "Action": "*"},
            {"Sid": "  ", "Effect": "Deny", "Action": "*"}]}),
        );
        assert_eq!(d.statements[0].label(), "statement 1 (Sid DenyHttp)");
        assert_eq!(d.statements[1].label(), "statement 2");
    }

    #[test]
    fn odd_operators_do_not_panic() {
        let c = Condition {
            operator: "é".to_owned(),
            key: "k".to_owned(),
            values: vec![],
        };
        assert_eq!(c.base_operator(), "é");
        assert!(!c.if_exists());
        assert_eq!(c.qualifier(), None);
        let c = Condition {
            operator: "xIfExistsé".to_owned(),
            ..c
        };
        assert!(!c.if_exists());
        assert_eq!(c.to_string(), "xIfExistsé k ");
    }

    #[test]
    fn bucket_arns_are_recognised() {
        assert!(is_bucket_arn("arn:aws:s3:::b"));
        assert!(is_bucket_arn("arn:aws-cn:s3:::b/key"));
        assert!(!is_bucket_arn("arn:aws:sns:us-east-1:1:t"));
        assert!(!is_bucket_arn("s3:::b"));
    }

    #[test]
    fn public_grantees_and_actions() {
        let d = doc(json!({"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:Get*"},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
             "NotAction": ["s3:Delete*", "s3:Put*"]},
            {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}, "Action": "*"},
            {"Effect": "Allow", "Action": "s3:GetObject",
             "Condition": {"StringEquals": {"AWS:SourceVpce": "vpce-1a2b3c4d"}}}]}));
        let s = &d.statements;
        assert_eq!(s[0].public_grantee().as_deref(), Some("allows Principal *"));
        assert_eq!(s[1].public_grantee(), None);
        assert!(s[2].public_grantee().unwrap().contains("NotPrincipal"));
        assert_eq!(s[3].public_grantee().as_deref(), Some("has no Principal"));
        assert!(s[0].may_allow_action_with_prefix("s3:get"));
        assert!(!s[0].may_allow_action_with_prefix("s3:put"));
        assert!(s[1].may_allow_action_with_prefix("s3:get"));
        assert!(!s[1].may_allow_action_with_prefix("s3:put"));
        assert!(!s[1].may_allow_action_with_prefix("s3:delete"));
        assert!(s[2].may_allow_action_with_prefix("s3:delete"));
        assert!(s[3].may_allow_action_with_prefix("s3:get"));
        assert!(!s[3].may_allow_action_with_prefix("s3:list"));
        assert!(!s[0].limited_by(LIMITING_KEYS));
        assert!(s[3].limited_by(LIMITING_KEYS));
        assert!(!s[3].limited_by(&["aws:SourceIp"]));
    }
}
