//! Control parameters: the thresholds users tune, with documented defaults.
//!
//! A control declares its parameters as [`ParamSpec`]s. Users override them as
//! `CONTROL.NAME=VALUE` strings (`EC2.19.blockedPorts=22,3389`, `RDS.11.backupRetentionMinimum=14`)
//! from CLI flags, a file or Lambda environment. Every value is parsed and checked once, when the
//! engine is built, so evaluation never parses text.

use std::collections::BTreeMap;
use std::fmt;

/// The type of a parameter, with its bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// A whole number within `min..=max`.
    Int { min: i64, max: i64 },
    /// Comma-separated whole numbers within `min..=max` (ports: 0..=65535).
    IntList { min: i64, max: i64 },
    /// Comma-separated strings.
    StringList,
    /// `true` or `false`.
    Bool,
}

impl ParamKind {
    /// A short name for docs (`integer 1..=365`).
    pub fn describe(&self) -> String {
        match self {
            ParamKind::Int { min, max } => format!("integer {min}..={max}"),
            ParamKind::IntList { min, max } => format!("list of integers {min}..={max}"),
            ParamKind::StringList => "list of strings".to_owned(),
            ParamKind::Bool => "boolean".to_owned(),
        }
    }

    /// Parses a raw value, explaining what was expected when it does not fit.
    pub fn parse(&self, raw: &str) -> Result<ParamValue, String> {
        let raw = raw.trim();
        match *self {
            ParamKind::Int { min, max } => {
                let n: i64 = raw
                    .parse()
                    .map_err(|_| format!("expected an integer, got '{raw}'"))?;
                check_range(n, min, max)?;
                Ok(ParamValue::Int(n))
            }
            ParamKind::IntList { min, max } => {
                let mut out = Vec::new();
                for part in split_list(raw) {
                    let (from, to) = int_or_range(part)?;
                    check_range(from, min, max)?;
                    check_range(to, min, max)?;
                    out.extend(from..=to);
                }
                out.sort_unstable();
                out.dedup();
                Ok(ParamValue::IntList(out))
            }
            ParamKind::StringList => Ok(ParamValue::StringList(
                split_list(raw).map(str::to_owned).collect(),
            )),
            ParamKind::Bool => match raw.to_ascii_lowercase().as_str() {
                "true" => Ok(ParamValue::Bool(true)),
                "false" => Ok(ParamValue::Bool(false)),
                _ => Err(format!("expected true or false, got '{raw}'")),
            },
        }
    }
}

/// The most values one range in a list may expand to (every port: 0-65535).
const MAX_RANGE_LEN: i64 = 65536;

/// One element of an integer list: a number (`443`, `-1`) or an inclusive range written with a
/// dash (`1020-1025`), the way AWS Config managed rules write port lists.
fn int_or_range(part: &str) -> Result<(i64, i64), String> {
    if let Ok(n) = part.parse::<i64>() {
        return Ok((n, n));
    }
    let bad =
        || format!("expected comma-separated integers or ranges such as 1020-1025, got '{part}'");
    let (from, to) = part.split_once('-').ok_or_else(bad)?;
    let from: i64 = from.trim().parse().map_err(|_| bad())?;
    let to: i64 = to.trim().parse().map_err(|_| bad())?;
    if from > to {
        return Err(format!("the range '{part}' ends before it starts"));
    }
    if to - from >= MAX_RANGE_LEN {
        return Err(format!(
            "the range '{part}' is longer than {MAX_RANGE_LEN} values"
        ));
    }
    Ok((from, to))
}

fn split_list(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(',').map(str::trim).filter(|s| !s.is_empty())
}

fn check_range(n: i64, min: i64, max: i64) -> Result<(), String> {
    if (min..=max).contains(&n) {
        Ok(())
    } else {
        Err(format!("{n} is outside the allowed range {min}..={max}"))
    }
}

/// A parameter a control declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamSpec {
    /// Name, camelCase as AWS Config managed rules spell their parameters (`maxAccessKeyAge`).
    pub name: &'static str,
    /// Type and bounds.
    pub kind: ParamKind,
    /// The default, written as a user would write an override.
    pub default: &'static str,
    /// What it tunes.
    pub description: &'static str,
}

/// A parsed parameter value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamValue {
    Int(i64),
    IntList(Vec<i64>),
    StringList(Vec<String>),
    Bool(bool),
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Int(n) => write!(f, "{n}"),
            ParamValue::IntList(v) => {
                let parts: Vec<String> = v.iter().map(i64::to_string).collect();
                f.write_str(&parts.join(","))
            }
            ParamValue::StringList(v) => f.write_str(&v.join(",")),
            ParamValue::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// One control's parameters, resolved: defaults with the user's overrides applied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolvedParams {
    values: Vec<(&'static str, ParamValue)>,
}

impl ResolvedParams {
    /// Resolves `specs` with `overrides` (name → raw value) for the control `control_id`.
    pub fn resolve(
        control_id: &str,
        specs: &'static [ParamSpec],
        overrides: &BTreeMap<String, String>,
    ) -> Result<Self, ParamError> {
        for name in overrides.keys() {
            if !specs.iter().any(|s| s.name == name) {
                return Err(ParamError::Unknown {
                    control: control_id.to_owned(),
                    name: name.clone(),
                    known: specs.iter().map(|s| s.name).collect::<Vec<_>>().join(", "),
                });
            }
        }
        let mut values = Vec::with_capacity(specs.len());
        for spec in specs {
            let (raw, is_default) = match overrides.get(spec.name) {
                Some(raw) => (raw.as_str(), false),
                None => (spec.default, true),
            };
            let value = spec.kind.parse(raw).map_err(|reason| ParamError::Invalid {
                control: control_id.to_owned(),
                name: spec.name.to_owned(),
                reason: if is_default {
                    format!("the built-in default is invalid: {reason}")
                } else {
                    reason
                },
            })?;
            values.push((spec.name, value));
        }
        Ok(ResolvedParams { values })
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.values.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// All values in declaration order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &ParamValue)> {
        self.values.iter().map(|(n, v)| (*n, v))
    }
}

/// User overrides for any control: `control id → parameter name → raw value`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    by_control: BTreeMap<String, BTreeMap<String, String>>,
}

impl Overrides {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets one override.
    pub fn set(&mut self, control: &str, name: &str, value: &str) {
        self.by_control
            .entry(control.to_owned())
            .or_default()
            .insert(name.to_owned(), value.to_owned());
    }

    /// Parses `CONTROL.NAME=VALUE` (the control id itself contains a dot: the name is what
    /// follows the last dot before `=`).
    pub fn parse_assignment(&mut self, text: &str) -> Result<(), ParamError> {
        let bad = || ParamError::Syntax(text.to_owned());
        let (key, value) = text.split_once('=').ok_or_else(bad)?;
        let (control, name) = key.trim().rsplit_once('.').ok_or_else(bad)?;
        if control.is_empty() || name.is_empty() || !control.contains('.') {
            return Err(bad());
        }
        self.set(control, name, value.trim());
        Ok(())
    }

    /// Parses a parameters text: one `CONTROL.NAME=VALUE` per line, or several on one line
    /// separated by `;` (the form an environment variable can carry); blank entries and `#`
    /// comment lines are skipped. The error gives the 1-based line of the bad entry.
    pub fn parse_text(&mut self, text: &str) -> Result<(), (usize, ParamError)> {
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.starts_with('#') {
                continue;
            }
            for entry in line.split(';').map(str::trim).filter(|e| !e.is_empty()) {
                self.parse_assignment(entry).map_err(|e| (n + 1, e))?;
            }
        }
        Ok(())
    }

    /// The overrides for one control (empty when none).
    pub fn for_control(&self, control: &str) -> &BTreeMap<String, String> {
        static EMPTY: BTreeMap<String, String> = BTreeMap::new();
        self.by_control.get(control).unwrap_or(&EMPTY)
    }

    /// The control ids that have overrides.
    pub fn controls(&self) -> impl Iterator<Item = &str> {
        self.by_control.keys().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.by_control.is_empty()
    }
}

/// A parameter override that cannot be used. The message says which and what would fit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    #[error(
        "parameter override '{0}' is not of the form CONTROL.NAME=VALUE (for example EC2.19.blockedPorts=22,3389)"
    )]
    Syntax(String),
    #[error(
        "control {control} has no parameter '{name}'; its parameters are: {known} (run `sidewatch controls` to list them)"
    )]
    Unknown {
        control: String,
        name: String,
        known: String,
    },
    #[error("parameter {control}.{name}: {reason}")]
    Invalid {
        control: String,
        name: String,
        reason: String,
    },
    #[error(
        "parameters are set for control '{0}', which is not in the catalog (run `sidewatch controls` to list them)"
    )]
    UnknownControl(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    static SPECS: &[ParamSpec] = &[
        ParamSpec {
            name: "maxAge",
            kind: ParamKind::Int { min: 1, max: 365 },
            default: "90",
            description: "",
        },
        ParamSpec {
            name: "ports",
            kind: ParamKind::IntList { min: 0, max: 65535 },
            default: "22, 3389",
            description: "",
        },
    ];

    #[test]
    fn defaults_resolve_and_overrides_win() {
        let none = BTreeMap::new();
        let p = ResolvedParams::resolve("X.1", SPECS, &none).unwrap();
        assert_eq!(p.get("maxAge"), Some(&ParamValue::Int(90)));
        assert_eq!(p.get("ports"), Some(&ParamValue::IntList(vec![22, 3389])));
        let mut o = BTreeMap::new();
        o.insert("maxAge".to_owned(), "45".to_owned());
        let p = ResolvedParams::resolve("X.1", SPECS, &o).unwrap();
        assert_eq!(p.get("maxAge"), Some(&ParamValue::Int(45)));
    }

    #[test]
    fn bad_overrides_are_explained() {
        let mut o = BTreeMap::new();
        o.insert("maxAge".to_owned(), "0".to_owned());
        let err = ResolvedParams::resolve("X.1", SPECS, &o).unwrap_err();
        assert!(
            err.to_string()
                .contains("outside the allowed range 1..=365"),
            "{err}"
        );
        let mut o = BTreeMap::new();
        o.insert("maxage".to_owned(), "3".to_owned());
        let err = ResolvedParams::resolve("X.1", SPECS, &o).unwrap_err();
        assert!(err.to_string().contains("maxAge, ports"), "{err}");
    }

    #[test]
    fn integer_lists_take_dash_ranges() {
        let kind = ParamKind::IntList { min: 0, max: 65535 };
        assert_eq!(
            kind.parse("443, 1020-1023,80"),
            Ok(ParamValue::IntList(vec![80, 443, 1020, 1021, 1022, 1023]))
        );
        assert_eq!(
            kind.parse("0-65535").map(|v| match v {
                ParamValue::IntList(l) => l.len(),
                _ => 0,
            }),
            Ok(65536)
        );
        assert!(kind.parse("25-20").unwrap_err().contains("ends before"));
        assert!(kind.parse("1-65536").unwrap_err().contains("outside"));
        assert!(kind.parse("a-b").unwrap_err().contains("ranges such as"));
        assert!(kind.parse("-5").unwrap_err().contains("outside"));
    }

    #[test]
    fn texts_take_lines_semicolons_and_comments() {
        let mut o = Overrides::new();
        o.parse_text(
            "# tuned for prod\nEC2.19.blockedPorts=22,3389; RDS.11.backupRetentionMinimum=14\n\n",
        )
        .unwrap();
        assert_eq!(
            o.for_control("EC2.19").get("blockedPorts").unwrap(),
            "22,3389"
        );
        assert_eq!(
            o.for_control("RDS.11")
                .get("backupRetentionMinimum")
                .unwrap(),
            "14"
        );
        let err = Overrides::new()
            .parse_text("S3.8.excludedPublicBuckets=a\noops")
            .unwrap_err();
        assert_eq!(err.0, 2);
    }

    #[test]
    fn assignments_split_at_the_last_dot() {
        let mut o = Overrides::new();
        o.parse_assignment("EC2.19.blockedPorts=22,3389").unwrap();
        assert_eq!(
            o.for_control("EC2.19").get("blockedPorts").unwrap(),
            "22,3389"
        );
        assert!(o.parse_assignment("blockedPorts=22").is_err());
        assert!(o.parse_assignment("EC2.19.blockedPorts").is_err());
    }
}
