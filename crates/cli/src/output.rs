//! The scan's output formats, written as the verdicts arrive (nothing is collected).

use crate::findings::Findings;
use crate::stats::{STATUSES, Stats, status_word};
use serde::Serialize;
use sidewatch_core::{ConfigurationItem, Evaluation, Finding, Severity};
use std::io::{self, Write};

/// Why a verdict could not be written.
#[derive(Debug)]
pub enum SinkError {
    /// The output failed (closed pipe, full disk): the scan stops.
    Io(io::Error),
    /// This verdict cannot be expressed in the format (e.g. an ASFF finding without an account
    /// id); the scan reports it and goes on.
    Item(String),
}

impl From<io::Error> for SinkError {
    fn from(e: io::Error) -> Self {
        SinkError::Io(e)
    }
}

/// An output format.
pub trait Sink {
    /// Writes one verdict.
    fn verdict(
        &mut self,
        out: &mut dyn Write,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
    ) -> Result<(), SinkError>;

    /// Completes the output (closes the JSON array, prints the table's summary).
    fn finish(&mut self, out: &mut dyn Write, stats: &Stats) -> io::Result<()>;
}

/// `text` on one line, cut to `width` characters (ending in "…" when cut) and padded to it.
pub fn cell(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(width);
    push_cell(&mut out, text, width, true);
    out
}

/// Appends [`cell`]`(text, width)` to `line` without allocating; `pad` false leaves it unpadded.
fn push_cell(line: &mut String, text: &str, width: usize, pad: bool) {
    let fits = text.chars().nth(width).is_none();
    let keep = if fits { width } else { width.saturating_sub(1) };
    let mut written = 0;
    for c in text.chars().take(keep) {
        line.push(if c.is_control() { ' ' } else { c });
        written += 1;
    }
    if !fits {
        line.push('…');
        written += 1;
    }
    if pad {
        line.extend(std::iter::repeat_n(' ', width.saturating_sub(written)));
    }
}

/// Column widths of the table (the reason is last and only cut, never padded).
const COLUMNS: [(&str, usize); 6] = [
    ("STATUS", 12),
    ("SEVERITY", 13),
    ("CONTROL", 12),
    ("RESOURCE TYPE", 28),
    ("RESOURCE ID", 36),
    ("REASON", 120),
];

/// The readable table, then a summary.
#[derive(Debug, Default)]
pub struct TableSink {
    rows: u64,
    /// The line being built, reused for every row.
    line: String,
}

impl TableSink {
    fn row(&mut self, out: &mut dyn Write, cells: [&str; 6]) -> io::Result<()> {
        let line = &mut self.line;
        line.clear();
        for (i, (text, (_, width))) in cells.iter().zip(COLUMNS).enumerate() {
            let last = i + 1 == COLUMNS.len();
            push_cell(line, text, width, !last);
            if !last {
                line.push_str("  ");
            }
        }
        let trimmed = line.trim_end().len();
        line.truncate(trimmed);
        line.push('\n');
        out.write_all(line.as_bytes())
    }
}

impl Sink for TableSink {
    fn verdict(
        &mut self,
        out: &mut dyn Write,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
    ) -> Result<(), SinkError> {
        if self.rows == 0 {
            self.row(out, COLUMNS.map(|(name, _)| name))?;
        }
        self.rows += 1;
        let control = evaluation.control;
        self.row(
            out,
            [
                status_word(evaluation.verdict.compliance_type()),
                control.severity.label(),
                control.id,
                &item.resource_type,
                &item.resource_id,
                evaluation.verdict.reason(),
            ],
        )?;
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, stats: &Stats) -> io::Result<()> {
        if self.rows == 0 {
            let what = if stats.failed_only {
                "No failed verdicts."
            } else {
                "No verdicts."
            };
            writeln!(out, "{what}")?;
        }
        writeln!(out)?;
        writeln!(out, "Summary")?;
        let line = |out: &mut dyn Write, label: &str, value: String| {
            writeln!(out, "  {label:<34} {value}")
        };
        line(out, "inputs read", stats.inputs.to_string())?;
        line(out, "items read", stats.items.to_string())?;
        line(out, "verdicts", stats.verdicts().to_string())?;
        for status in STATUSES {
            line(
                out,
                &format!("  {}", status_word(status)),
                stats.count(status).to_string(),
            )?;
        }
        let by_severity: Vec<String> = Severity::ALL
            .iter()
            .rev()
            .map(|s| format!("{} {}", s.label(), stats.failed_with(*s)))
            .collect();
        line(out, "failures by severity", by_severity.join(", "))?;
        line(
            out,
            "items with no applicable control",
            stats.no_control.to_string(),
        )?;
        line(out, "unreadable items", stats.unreadable.to_string())?;
        if let Some(live) = &stats.live {
            line(
                out,
                "live evidence reads",
                format!(
                    "{} for {} resource(s), {} failed",
                    live.reads, live.resources, live.failed
                ),
            )?;
        }
        if let Some(collected) = &stats.inventory {
            line(
                out,
                "collected from the service APIs",
                format!(
                    "{} item(s) in {} Region(s), {} failed read(s)",
                    collected.items, collected.regions, collected.failed
                ),
            )?;
        }
        if let Some(published) = &stats.published {
            line(
                out,
                "sent to Security Hub",
                format!(
                    "{} finding(s) delivered, {} failed",
                    published.delivered, published.failed
                ),
            )?;
        }
        if !stats.needs_live.is_empty() {
            line(
                out,
                "need --live evidence",
                format!(
                    "{} control(s): sidewatch scan --live reads their evidence from AWS",
                    stats.needs_live.len()
                ),
            )?;
        }
        if stats.inputs_failed > 0 {
            line(out, "unreadable inputs", stats.inputs_failed.to_string())?;
        }
        if stats.finding_errors > 0 {
            line(out, "findings not built", stats.finding_errors.to_string())?;
        }
        line(out, "result", stats.outcome())?;
        Ok(())
    }
}

/// A JSON array written one element per line as the elements arrive. Each element is serialized
/// into a reused buffer and written with one call, not many small ones through `dyn Write`.
#[derive(Debug, Default)]
pub struct JsonArray {
    elements: u64,
    buffer: Vec<u8>,
}

impl JsonArray {
    pub fn push(&mut self, out: &mut dyn Write, element: &impl Serialize) -> io::Result<()> {
        self.start_element();
        serde_json::to_writer(&mut self.buffer, element)?;
        self.write_element(out)
    }

    /// Adds an ASFF finding, checking its size limit on the bytes written.
    pub fn push_finding(
        &mut self,
        out: &mut dyn Write,
        finding: &Finding,
    ) -> Result<(), SinkError> {
        self.start_element();
        finding
            .encode_into(&mut self.buffer)
            .map_err(|e| SinkError::Item(format!("no ASFF finding: {e}")))?;
        self.write_element(out)?;
        Ok(())
    }

    /// Clears the buffer and puts the separator that precedes the next element in it.
    fn start_element(&mut self) {
        self.buffer.clear();
        self.buffer
            .extend_from_slice(if self.elements == 0 { b"[\n" } else { b",\n" });
    }

    /// Writes the buffered element; an element that failed to serialize is never counted, so
    /// the array stays valid JSON around it.
    fn write_element(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&self.buffer)?;
        self.elements += 1;
        Ok(())
    }

    pub fn close(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(if self.elements == 0 {
            b"[]\n"
        } else {
            b"\n]\n"
        })
    }
}

/// One verdict as `--format json` writes it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct VerdictRecord<'a> {
    control_id: &'a str,
    title: &'a str,
    /// The control's severity (what a failure is worth), whatever the status.
    severity: &'a str,
    /// The AWS Config compliance type.
    status: &'a str,
    reason: &'a str,
    resource_type: &'a str,
    resource_id: &'a str,
    resource_name: Option<&'a str>,
    resource_arn: Option<&'a str>,
    account_id: Option<&'a str>,
    region: Option<&'a str>,
    capture_time: Option<&'a str>,
}

/// `--format json`: an array of verdicts.
#[derive(Debug, Default)]
pub struct JsonSink {
    array: JsonArray,
}

impl Sink for JsonSink {
    fn verdict(
        &mut self,
        out: &mut dyn Write,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
    ) -> Result<(), SinkError> {
        let control = evaluation.control;
        let record = VerdictRecord {
            control_id: control.id,
            title: control.title,
            severity: control.severity.label(),
            status: evaluation.verdict.compliance_type().as_str(),
            reason: evaluation.verdict.reason(),
            resource_type: &item.resource_type,
            resource_id: &item.resource_id,
            resource_name: item.resource_name.as_deref(),
            resource_arn: item.arn.as_deref(),
            account_id: item.account_id.as_deref(),
            region: item.region.as_deref(),
            capture_time: item.capture_time.as_deref(),
        };
        self.array.push(out, &record)?;
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _stats: &Stats) -> io::Result<()> {
        self.array.close(out)
    }
}

/// `--format asff`: an array of ASFF findings exactly as `BatchImportFindings` takes them, one per
/// control and resource (passed ones included, so a fix resolves the earlier finding).
#[derive(Debug)]
pub struct AsffSink {
    builder: Findings,
    array: JsonArray,
}

impl AsffSink {
    pub fn new(builder: Findings) -> Self {
        AsffSink {
            builder,
            array: JsonArray::default(),
        }
    }
}

impl Sink for AsffSink {
    fn verdict(
        &mut self,
        out: &mut dyn Write,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
    ) -> Result<(), SinkError> {
        let finding = self
            .builder
            .build(item, evaluation)
            .map_err(SinkError::Item)?;
        self.array.push_finding(out, &finding)
    }

    fn finish(&mut self, out: &mut dyn Write, _stats: &Stats) -> io::Result<()> {
        self.array.close(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_cut_and_padded_by_characters() {
        assert_eq!(cell("abc", 5), "abc  ");
        assert_eq!(cell("abcdef", 5), "abcd…");
        assert_eq!(cell("ééééé", 5), "ééééé");
        assert_eq!(cell("éééééé", 5), "éééé…");
        assert_eq!(cell("a\nb", 3), "a b");
    }

    #[test]
    fn json_arrays_are_valid_when_empty_or_not() {
        let mut out = Vec::new();
        let mut array = JsonArray::default();
        array.close(&mut out).unwrap();
        assert_eq!(out, b"[]\n");
        let mut out = Vec::new();
        let mut array = JsonArray::default();
        array.push(&mut out, &1).unwrap();
        array.push(&mut out, &"two").unwrap();
        array.close(&mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "[\n1,\n\"two\"\n]\n");
    }
}
