//! The scan's output formats. JSON, ASFF and OCSF are written as the verdicts arrive; the table,
//! which a person reads from the top, is ordered (failures first, by severity) through
//! [`Spool`]s that keep memory flat on any size of input.

use crate::findings::Findings;
use crate::stats::{EXCEPTED_WORD, STATUSES, Stats, status_word};
use serde::Serialize;
use sidewatch_core::actor::Actor;
use sidewatch_core::exceptions::Excepted;
use sidewatch_core::finding::AsffEncoder;
use sidewatch_core::finding::ocsf::ComplianceFinding;
use sidewatch_core::{ComplianceType, ConfigurationItem, Control, Evaluation, Finding, Severity};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};

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

    /// Writes one FAILED verdict an exception covers (`scan --exceptions`): still reported,
    /// marked as accepted. Formats without a place for it write the plain verdict.
    fn excepted(
        &mut self,
        out: &mut dyn Write,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
        _excepted: &Excepted,
    ) -> Result<(), SinkError> {
        self.verdict(out, item, evaluation)
    }

    /// Writes one verdict of a resource whose last change `actor` made (`scan --live
    /// --lookup-changes`). Formats without a place for it write the plain verdict.
    fn changed(
        &mut self,
        out: &mut dyn Write,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
        _actor: &Actor,
    ) -> Result<(), SinkError> {
        self.verdict(out, item, evaluation)
    }

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
    // Printable ASCII (almost every cell): a character is a byte, so the cell is one copy. Only
    // the bytes that can be shown are looked at: a longer text is cut there whatever follows.
    let head = &text.as_bytes()[..text.len().min(width)];
    // Without stopping at the first other byte, so that the check runs on whole vectors.
    let printable = head
        .iter()
        .fold(true, |all, &b| all & (b' '..=b'~').contains(&b));
    if printable {
        let fits = text.len() <= width;
        let shown = if fits {
            text
        } else {
            &text[..width.saturating_sub(1)]
        };
        line.push_str(shown);
        let mut written = shown.len();
        if !fits {
            line.push('…');
            written += 1;
        }
        if pad {
            push_spaces(line, width.saturating_sub(written));
        }
        return;
    }
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
        push_spaces(line, width.saturating_sub(written));
    }
}

/// Appends `count` spaces with one copy (a row pads five cells).
fn push_spaces(line: &mut String, mut count: usize) {
    const SPACES: &str = "                                                                ";
    while count > 0 {
        let now = count.min(SPACES.len());
        line.push_str(&SPACES[..now]);
        count -= now;
    }
}

/// Column widths of the table (the reason is last and only cut, never padded).
const COLUMNS: [(&str, usize); 6] = [
    ("STATUS", 12),
    ("SEVERITY", 13),
    ("CONTROL", 16),
    ("RESOURCE TYPE", 28),
    ("RESOURCE ID", 36),
    ("REASON", 120),
];

/// [`COLUMNS`] with who changed the resource before the reason (`--lookup-changes`).
const COLUMNS_CHANGED: [(&str, usize); 7] = [
    COLUMNS[0],
    COLUMNS[1],
    COLUMNS[2],
    COLUMNS[3],
    COLUMNS[4],
    ("CHANGED BY", 28),
    COLUMNS[5],
];

/// How the table is shown.
#[derive(Debug, Clone, Copy, Default)]
pub struct TableOptions {
    /// Colour the status (a terminal, and `NO_COLOR` not set).
    pub colour: bool,
    /// List the INSUFFICIENT_DATA verdicts that only `--live` evidence would decide instead of
    /// counting them in one line.
    pub show_insufficient: bool,
    /// The scan reads live evidence: no verdict waits for `--live`.
    pub live: bool,
    /// The scan looks up who changed each FAILED resource (`--lookup-changes`): a CHANGED BY
    /// column, the short principal (`user/alice`, `assumed-role/Admin/jdoe`) or empty.
    pub changed_by: bool,
}

/// Whether the table is coloured: only on a terminal, and not when `NO_COLOR` is set to
/// anything but the empty string (as no-color.org defines it).
pub fn colour_wanted(stdout_is_terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    stdout_is_terminal && no_color.is_none_or(|v| v.is_empty())
}

/// The table's sections in the order a person reads them: failures by severity, highest first,
/// then excepted failures, passes, not applicable, and undecided.
const SECTIONS: usize = Severity::ALL.len() + 4;
const EXCEPTED_SECTION: usize = Severity::ALL.len();
const PASSED_SECTION: usize = EXCEPTED_SECTION + 1;
const NOT_APPLICABLE_SECTION: usize = PASSED_SECTION + 1;
const INSUFFICIENT_SECTION: usize = PASSED_SECTION + 2;

fn section(evaluation: &Evaluation) -> usize {
    match evaluation.verdict.compliance_type() {
        ComplianceType::NonCompliant => Severity::ALL
            .iter()
            .rev()
            .position(|s| *s == evaluation.control.severity)
            .unwrap_or_default(),
        ComplianceType::Compliant => PASSED_SECTION,
        ComplianceType::NotApplicable => NOT_APPLICABLE_SECTION,
        ComplianceType::InsufficientData => INSUFFICIENT_SECTION,
    }
}

/// The readable table, failures first, then a summary.
#[derive(Debug, Default)]
pub struct TableSink {
    options: TableOptions,
    rows: u64,
    /// INSUFFICIENT_DATA verdicts left out because only `--live` evidence decides them, and
    /// their controls.
    waiting_for_live: u64,
    waiting_controls: std::collections::BTreeSet<&'static str>,
    sections: [Spool; SECTIONS],
    /// The line being built, reused for every row.
    line: String,
}

impl TableSink {
    pub fn new(options: TableOptions) -> Self {
        TableSink {
            options,
            ..TableSink::default()
        }
    }

    fn columns(&self) -> &'static [(&'static str, usize)] {
        if self.options.changed_by {
            &COLUMNS_CHANGED
        } else {
            &COLUMNS
        }
    }

    /// Formats one row into `self.line` (`changed_by` is left out unless the table has its
    /// column); the status cell is coloured when asked.
    fn format_row(&mut self, cells: [&str; 6], changed_by: &str, status: Option<ComplianceType>) {
        let colour = status.filter(|_| self.options.colour).map(status_colour);
        let columns = self.columns();
        let [
            status_cell,
            severity,
            control,
            resource_type,
            resource_id,
            reason,
        ] = cells;
        let with_actor = [
            status_cell,
            severity,
            control,
            resource_type,
            resource_id,
            changed_by,
            reason,
        ];
        let cells: &[&str] = if self.options.changed_by {
            &with_actor
        } else {
            &cells
        };
        let line = &mut self.line;
        line.clear();
        for (i, (text, (_, width))) in cells.iter().zip(columns).enumerate() {
            let width = *width;
            let last = i + 1 == columns.len();
            match colour.filter(|_| i == 0) {
                Some(code) => {
                    line.push_str(code);
                    push_cell(line, text, width, false);
                    line.push_str(RESET);
                    let shown = text.chars().count().min(width);
                    push_spaces(line, width - shown);
                }
                None => push_cell(line, text, width, !last),
            }
            if !last {
                line.push_str("  ");
            }
        }
        let trimmed = line.trim_end().len();
        line.truncate(trimmed);
        line.push('\n');
    }
}

/// ANSI SGR codes of each status: failures red, passes green, undecided yellow, not applicable
/// dim.
fn status_colour(status: ComplianceType) -> &'static str {
    match status {
        ComplianceType::NonCompliant => "\x1b[1;31m",
        ComplianceType::Compliant => "\x1b[32m",
        ComplianceType::InsufficientData => "\x1b[33m",
        ComplianceType::NotApplicable => "\x1b[2m",
    }
}

const RESET: &str = "\x1b[0m";

impl TableSink {
    /// Spools one verdict's row in its section.
    fn row(
        &mut self,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
        changed_by: &str,
    ) -> Result<(), SinkError> {
        if !self.options.live
            && !self.options.show_insufficient
            && needs_live_evidence(item, evaluation)
        {
            self.waiting_for_live += 1;
            self.waiting_controls.insert(evaluation.control.id);
            return Ok(());
        }
        self.rows += 1;
        let control = evaluation.control;
        let status = evaluation.verdict.compliance_type();
        self.format_row(
            [
                status_word(status),
                control.severity.label(),
                control.id,
                &item.resource_type,
                &item.resource_id,
                evaluation.verdict.reason(),
            ],
            changed_by,
            Some(status),
        );
        self.sections[section(evaluation)].push(self.line.as_bytes())?;
        Ok(())
    }
}

impl Sink for TableSink {
    fn verdict(
        &mut self,
        _out: &mut dyn Write,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
    ) -> Result<(), SinkError> {
        self.row(item, evaluation, "")
    }

    fn changed(
        &mut self,
        _out: &mut dyn Write,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
        actor: &Actor,
    ) -> Result<(), SinkError> {
        self.row(item, evaluation, &actor.short())
    }

    fn excepted(
        &mut self,
        _out: &mut dyn Write,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
        excepted: &Excepted,
    ) -> Result<(), SinkError> {
        self.rows += 1;
        let control = evaluation.control;
        let reason = format!("{}: {}", excepted.note(), evaluation.verdict.reason());
        self.format_row(
            [
                EXCEPTED_WORD,
                control.severity.label(),
                control.id,
                &item.resource_type,
                &item.resource_id,
                &reason,
            ],
            "",
            Some(ComplianceType::NotApplicable),
        );
        self.sections[EXCEPTED_SECTION].push(self.line.as_bytes())?;
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
        } else {
            self.format_row(COLUMNS.map(|(name, _)| name), COLUMNS_CHANGED[5].0, None);
            out.write_all(self.line.as_bytes())?;
            for section in &mut self.sections {
                section.drain_into(out)?;
            }
        }
        if self.waiting_for_live > 0 {
            writeln!(
                out,
                "… and {} INSUFFICIENT_DATA verdict(s) of {} control(s) that need evidence AWS \
                 Config does not record: sidewatch scan --live reads it, --show-insufficient \
                 lists them.",
                self.waiting_for_live,
                self.waiting_controls.len()
            )?;
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
        if stats.excepted > 0 {
            line(
                out,
                &format!("  {EXCEPTED_WORD} (accepted risks)"),
                stats.excepted.to_string(),
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
        if let Some(changes) = &stats.changes {
            line(
                out,
                "who changed it (CloudTrail)",
                format!(
                    "{} failed resource(s) attributed, {} not",
                    changes.attributed, changes.unattributed
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
        writeln!(out, "{}", stats.counts_line())?;
        Ok(())
    }
}

/// Whether the verdict is INSUFFICIENT_DATA for want of evidence the item does not carry (which
/// `--live` would read).
pub fn needs_live_evidence(item: &ConfigurationItem, evaluation: &Evaluation) -> bool {
    evaluation.verdict.is_insufficient()
        && evaluation
            .control
            .evidence
            .iter()
            .any(|kind| kind.entry(&item.supplementary).is_none())
}

/// Rows of one table section: in memory while small, then in an unnamed temporary file (removed
/// by the OS when closed), so ordering the table never holds a large scan in memory.
#[derive(Debug, Default)]
struct Spool {
    memory: Vec<u8>,
    file: Option<BufWriter<File>>,
}

/// Bytes a section keeps in memory before it moves to a temporary file.
const SPOOL_MEMORY: usize = 256 << 10;

impl Spool {
    fn push(&mut self, row: &[u8]) -> io::Result<()> {
        if let Some(file) = &mut self.file {
            return file.write_all(row);
        }
        self.memory.extend_from_slice(row);
        if self.memory.len() > SPOOL_MEMORY {
            let mut file = BufWriter::new(tempfile::tempfile()?);
            file.write_all(&self.memory)?;
            self.memory = Vec::new();
            self.file = Some(file);
        }
        Ok(())
    }

    /// Writes the rows in the order they came and empties the spool.
    fn drain_into(&mut self, out: &mut dyn Write) -> io::Result<()> {
        match self.file.take() {
            Some(file) => {
                let mut file = file.into_inner().map_err(io::IntoInnerError::into_error)?;
                file.seek(SeekFrom::Start(0))?;
                io::copy(&mut file, out)?;
            }
            None => out.write_all(&self.memory)?,
        }
        self.memory = Vec::new();
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

    /// Adds the element `write` puts in the buffer.
    fn push_with(
        &mut self,
        out: &mut dyn Write,
        write: impl FnOnce(&mut Vec<u8>) -> io::Result<()>,
    ) -> io::Result<()> {
        self.start_element();
        write(&mut self.buffer)?;
        self.write_element(out)
    }

    /// Adds a built ASFF finding, checking its size limit on the bytes written.
    pub fn push_built(&mut self, out: &mut dyn Write, finding: &Finding) -> Result<(), SinkError> {
        self.start_element();
        finding
            .encode_into(&mut self.buffer)
            .map_err(|e| SinkError::Item(format!("no ASFF finding: {e}")))?;
        self.write_element(out)?;
        Ok(())
    }

    /// Adds an ASFF finding, checking its size limit on the bytes written.
    pub fn push_finding(
        &mut self,
        out: &mut dyn Write,
        encoder: &mut AsffEncoder,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
    ) -> Result<(), SinkError> {
        self.start_element();
        encoder
            .encode_into(item, evaluation, &mut self.buffer)
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
    #[serde(flatten)]
    control: ControlPart<'a>,
    /// The AWS Config compliance type.
    status: &'a str,
    reason: &'a str,
    #[serde(flatten)]
    item: ItemPart<'a>,
    /// The exception that accepts this failure (`scan --exceptions`).
    #[serde(skip_serializing_if = "Option::is_none")]
    exception: Option<ExceptionRecord<'a>>,
    /// Who made the resource's last change, as CloudTrail recorded it (`--lookup-changes`).
    #[serde(skip_serializing_if = "Option::is_none")]
    changed_by: Option<&'a Actor>,
}

impl<'a> VerdictRecord<'a> {
    fn new(
        item: &'a ConfigurationItem,
        evaluation: &'a Evaluation,
        excepted: Option<&'a Excepted>,
        changed_by: Option<&'a Actor>,
    ) -> Self {
        VerdictRecord {
            control: ControlPart::of(evaluation.control),
            status: evaluation.verdict.compliance_type().as_str(),
            reason: evaluation.verdict.reason(),
            item: ItemPart::of(item),
            exception: excepted.map(|e| ExceptionRecord {
                entry: e.entry,
                reason: &e.reason,
                expires: e.expires.to_string(),
                ticket: e.ticket.as_deref(),
            }),
            changed_by,
        }
    }
}

/// An exception as `--format json` writes it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ExceptionRecord<'a> {
    /// Its position in the exceptions file (1-based).
    entry: usize,
    reason: &'a str,
    expires: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    ticket: Option<&'a str>,
}

/// What a control's verdict records share (the start of each [`VerdictRecord`]).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ControlPart<'a> {
    control_id: &'a str,
    title: &'a str,
    /// The control's severity (what a failure is worth), whatever the status.
    severity: &'a str,
}

impl<'a> ControlPart<'a> {
    fn of(control: &'a Control) -> Self {
        ControlPart {
            control_id: control.id,
            title: control.title,
            severity: control.severity.label(),
        }
    }
}

/// What an item's verdict records share (the middle of each [`VerdictRecord`]).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ItemPart<'a> {
    resource_type: &'a str,
    resource_id: &'a str,
    resource_name: Option<&'a str>,
    resource_arn: Option<&'a str>,
    account_id: Option<&'a str>,
    region: Option<&'a str>,
    capture_time: Option<&'a str>,
}

impl<'a> ItemPart<'a> {
    /// Its fields in order (the required ones always `Some`).
    fn fields(&self) -> [Option<&'a str>; 7] {
        [
            Some(self.resource_type),
            Some(self.resource_id),
            self.resource_name,
            self.resource_arn,
            self.account_id,
            self.region,
            self.capture_time,
        ]
    }

    fn of(item: &'a ConfigurationItem) -> Self {
        ItemPart {
            resource_type: &item.resource_type,
            resource_id: &item.resource_id,
            resource_name: item.resource_name.as_deref(),
            resource_arn: item.arn.as_deref(),
            account_id: item.account_id.as_deref(),
            region: item.region.as_deref(),
            capture_time: item.capture_time.as_deref(),
        }
    }
}

/// A verdict record's repeated parts, serialized once: each control's (`{"controlId":…,
/// "severity":…,`) and the last item's (`"resourceType":…,"captureTime":…`), so a record costs
/// the escaping of its status and reason only. Half the bytes of `--format json` are these parts.
#[derive(Debug, Default)]
struct RecordParts {
    /// By the control's address: controls live as long as the program, and two of them (your own
    /// rules beside the catalog) never share one, whatever their ids.
    controls: HashMap<usize, Vec<u8>>,
    item: Vec<u8>,
    /// The fields `item` was made from.
    item_fields: Option<[Option<String>; 7]>,
}

impl RecordParts {
    /// Writes the record of a verdict with neither an exception nor an actor: the bytes
    /// serializing its [`VerdictRecord`] writes.
    fn write(
        &mut self,
        buffer: &mut Vec<u8>,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
    ) -> io::Result<()> {
        let part = ItemPart::of(item);
        if !self.holds(&part) {
            self.item.clear();
            serde_json::to_writer(&mut self.item, &part)?;
            // `{…}` becomes `…`: the middle of the record.
            self.item.pop();
            self.item.remove(0);
            self.item_fields = Some(part.fields().map(|field| field.map(str::to_owned)));
        }
        let control = evaluation.control;
        let head = match self.controls.entry(std::ptr::from_ref(control) as usize) {
            Entry::Occupied(head) => head.into_mut(),
            Entry::Vacant(slot) => {
                let mut head = serde_json::to_vec(&ControlPart::of(control))?;
                // `{…}` becomes `{…,`: the record goes on.
                head.pop();
                head.push(b',');
                slot.insert(head)
            }
        };
        buffer.extend_from_slice(head);
        buffer.extend_from_slice(b"\"status\":");
        serde_json::to_writer(&mut *buffer, evaluation.verdict.compliance_type().as_str())?;
        buffer.extend_from_slice(b",\"reason\":");
        serde_json::to_writer(&mut *buffer, evaluation.verdict.reason())?;
        buffer.push(b',');
        buffer.extend_from_slice(&self.item);
        buffer.push(b'}');
        Ok(())
    }

    /// Whether `part` is the one serialized in `item`.
    fn holds(&self, part: &ItemPart<'_>) -> bool {
        self.item_fields
            .as_ref()
            .is_some_and(|fields| fields.iter().map(Option::as_deref).eq(part.fields()))
    }
}

/// `--format json`: an array of verdicts.
#[derive(Debug, Default)]
pub struct JsonSink {
    array: JsonArray,
    parts: RecordParts,
}

impl Sink for JsonSink {
    fn verdict(
        &mut self,
        out: &mut dyn Write,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
    ) -> Result<(), SinkError> {
        self.record(out, item, evaluation, None, None)
    }

    fn changed(
        &mut self,
        out: &mut dyn Write,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
        actor: &Actor,
    ) -> Result<(), SinkError> {
        self.record(out, item, evaluation, None, Some(actor))
    }

    fn excepted(
        &mut self,
        out: &mut dyn Write,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
        excepted: &Excepted,
    ) -> Result<(), SinkError> {
        self.record(out, item, evaluation, Some(excepted), None)
    }

    fn finish(&mut self, out: &mut dyn Write, _stats: &Stats) -> io::Result<()> {
        self.array.close(out)
    }
}

impl JsonSink {
    fn record(
        &mut self,
        out: &mut dyn Write,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
        excepted: Option<&Excepted>,
        changed_by: Option<&Actor>,
    ) -> Result<(), SinkError> {
        if excepted.is_none() && changed_by.is_none() {
            let (array, parts) = (&mut self.array, &mut self.parts);
            array.push_with(out, |buffer| parts.write(buffer, item, evaluation))?;
            return Ok(());
        }
        let record = VerdictRecord::new(item, evaluation, excepted, changed_by);
        self.array.push(out, &record)?;
        Ok(())
    }
}

/// The finding formats: ASFF, and OCSF made from the same ASFF finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingFormat {
    /// `--format asff`: exactly as `BatchImportFindings` takes them.
    Asff,
    /// `--format ocsf`: OCSF Compliance Findings
    /// ([`sidewatch_core::finding::ocsf::ComplianceFinding`]).
    Ocsf,
}

/// `--format asff` and `--format ocsf`: an array of findings, one per control and resource
/// (passed ones included, so a fix resolves the earlier finding), written as they arrive.
#[derive(Debug)]
pub struct FindingSink {
    builder: Findings,
    /// ASFF's writer, which renders what every finding of a control shares once.
    encoder: AsffEncoder,
    format: FindingFormat,
    array: JsonArray,
}

impl FindingSink {
    pub fn new(builder: Findings, format: FindingFormat) -> Self {
        FindingSink {
            encoder: builder.encoder(),
            builder,
            format,
            array: JsonArray::default(),
        }
    }
}

impl FindingSink {
    fn write(
        &mut self,
        out: &mut dyn Write,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
        actor: Option<&Actor>,
    ) -> Result<(), SinkError> {
        // The encoder writes ASFF findings without an actor, the common case, fast; the others
        // are built once.
        if self.format == FindingFormat::Asff && actor.is_none() {
            return self
                .array
                .push_finding(out, &mut self.encoder, item, evaluation);
        }
        let finding = self
            .builder
            .build(item, evaluation, actor)
            .map_err(SinkError::Item)?;
        match self.format {
            FindingFormat::Asff => self.array.push_built(out, &finding),
            FindingFormat::Ocsf => {
                let ocsf = ComplianceFinding::from_finding(&finding)
                    .map_err(|e| SinkError::Item(format!("no OCSF finding: {e}")))?;
                Ok(self.array.push(out, &ocsf)?)
            }
        }
    }
}

impl Sink for FindingSink {
    fn verdict(
        &mut self,
        out: &mut dyn Write,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
    ) -> Result<(), SinkError> {
        self.write(out, item, evaluation, None)
    }

    /// The finding names the caller in `Action` and the `sidewatch/ChangedBy` product fields.
    fn changed(
        &mut self,
        out: &mut dyn Write,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
        actor: &Actor,
    ) -> Result<(), SinkError> {
        self.write(out, item, evaluation, Some(actor))
    }

    fn finish(&mut self, out: &mut dyn Write, _stats: &Stats) -> io::Result<()> {
        self.array.close(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A FAILED S3.8 verdict on bucket `logs`, and the caller of the change behind it.
    fn failed_bucket() -> (ConfigurationItem, Evaluation, Actor) {
        let engine = sidewatch_core::Engine::with_defaults();
        let control = engine.controls().find(|c| c.id == "S3.8").unwrap();
        let evaluation = Evaluation {
            control,
            verdict: sidewatch_core::Verdict::NonCompliant("public access is not blocked".into()),
        };
        let item = ConfigurationItem::new("AWS::S3::Bucket", "logs");
        let record = r#"{"eventSource":"s3.amazonaws.com","eventName":"DeletePublicAccessBlock",
            "eventID":"e-1","userIdentity":{"type":"IAMUser",
            "arn":"arn:aws:iam::123456789012:user/dana"},"sourceIPAddress":"203.0.113.7"}"#;
        let actor = Actor::from_cloudtrail_event(record).unwrap().unwrap();
        (item, evaluation, actor)
    }

    fn table(options: TableOptions, write: impl Fn(&mut TableSink, &mut Vec<u8>)) -> String {
        let mut sink = TableSink::new(options);
        let mut out = Vec::new();
        write(&mut sink, &mut out);
        sink.finish(&mut out, &Stats::default()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_changed_by_column_is_there_only_when_changes_are_looked_up() {
        let (item, evaluation, actor) = failed_bucket();
        let looked_up = TableOptions {
            changed_by: true,
            ..TableOptions::default()
        };
        let shown = table(looked_up, |sink, out| {
            sink.changed(out, &item, &evaluation, &actor).unwrap();
            sink.verdict(out, &item, &evaluation).unwrap();
        });
        let lines: Vec<&str> = shown.lines().collect();
        assert!(lines[0].contains("RESOURCE ID") && lines[0].contains("CHANGED BY  "));
        let column = lines[0].find("CHANGED BY").unwrap();
        assert_eq!(&lines[1][column..column + 10], "user/dana ", "{shown}");
        assert_eq!(&lines[2][column..column + 10], "          ", "{shown}");
        assert!(lines[1].ends_with("public access is not blocked"));

        let plain = table(TableOptions::default(), |sink, out| {
            sink.changed(out, &item, &evaluation, &actor).unwrap();
        });
        assert!(
            !plain.contains("CHANGED BY") && !plain.contains("user/dana"),
            "{plain}"
        );
    }

    /// A record as serializing its [`VerdictRecord`] writes it (the slow path).
    fn serialized_record(item: &ConfigurationItem, evaluation: &Evaluation) -> Vec<u8> {
        serde_json::to_vec(&VerdictRecord::new(item, evaluation, None, None)).unwrap()
    }

    #[test]
    fn json_records_from_their_parts_are_the_serialized_records() {
        let engine = sidewatch_core::Engine::with_defaults();
        let snapshot = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../examples/config-snapshot.json"),
        )
        .unwrap();
        let mut items = Vec::new();
        sidewatch_core::snapshot::read_items(&snapshot[..], |outcome| items.push(outcome.unwrap()))
            .unwrap();
        // Text to escape in every field, no optional field, and the same resource again with one
        // field changed (the cached item part must not be reused).
        let mut odd = items[0].clone();
        odd.resource_id = "quote \" backslash \\ newline \n tab \t é \u{1}".into();
        odd.resource_name = Some("\u{7f}</script>".into());
        let mut bare = odd.clone();
        (
            bare.resource_name,
            bare.arn,
            bare.account_id,
            bare.region,
            bare.capture_time,
        ) = (None, None, None, None, None);
        let mut moved = bare.clone();
        moved.region = Some("eu-west-1".into());
        items.extend([odd, bare, moved]);
        let mut parts = RecordParts::default();
        let mut compared = 0;
        for item in &items {
            for evaluation in engine.evaluate(item) {
                let mut fast = Vec::new();
                parts.write(&mut fast, item, &evaluation).unwrap();
                assert_eq!(
                    String::from_utf8(fast).unwrap(),
                    String::from_utf8(serialized_record(item, &evaluation)).unwrap()
                );
                compared += 1;
            }
        }
        assert!(compared > 100, "{compared} records compared");
    }

    #[test]
    fn json_and_asff_name_the_caller_only_when_known() {
        let (mut item, evaluation, actor) = failed_bucket();
        item.account_id = Some("123456789012".into());
        item.region = Some("eu-west-1".into());
        let mut json = JsonSink::default();
        let mut out = Vec::new();
        json.changed(&mut out, &item, &evaluation, &actor).unwrap();
        json.verdict(&mut out, &item, &evaluation).unwrap();
        json.finish(&mut out, &Stats::default()).unwrap();
        let records: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            records[0]["changedBy"]["principalArn"],
            "arn:aws:iam::123456789012:user/dana"
        );
        assert_eq!(records[0]["changedBy"]["eventId"], "e-1");
        assert!(records[1].get("changedBy").is_none(), "{records}");

        let mut asff = FindingSink::new(Findings::new(None, None), FindingFormat::Asff);
        let mut out = Vec::new();
        asff.changed(&mut out, &item, &evaluation, &actor).unwrap();
        asff.verdict(&mut out, &item, &evaluation).unwrap();
        asff.finish(&mut out, &Stats::default()).unwrap();
        let findings: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let call = &findings[0]["Action"]["AwsApiCallAction"];
        assert_eq!(call["Api"], "DeletePublicAccessBlock");
        assert_eq!(
            findings[0]["ProductFields"]["sidewatch/ChangedBy"],
            "arn:aws:iam::123456789012:user/dana"
        );
        assert!(findings[1].get("Action").is_none(), "{findings}");
        assert_eq!(findings[0]["Id"], findings[1]["Id"], "the same finding");
    }

    #[test]
    fn cells_are_cut_and_padded_by_characters() {
        assert_eq!(cell("abc", 5), "abc  ");
        assert_eq!(cell("abcdef", 5), "abcd…");
        assert_eq!(cell("ééééé", 5), "ééééé");
        assert_eq!(cell("éééééé", 5), "éééé…");
        assert_eq!(cell("a\nb", 3), "a b");
        // The printable-ASCII path and the general one agree at the edges.
        assert_eq!(cell("abcde", 5), "abcde");
        assert_eq!(cell("ab", 0), "…");
        assert_eq!(cell("a\x7fb", 3), "a b");
        assert_eq!(cell("aé", 1), "…");
        assert_eq!(cell("~ ", 3), "~  ");
    }

    #[test]
    fn colour_needs_a_terminal_and_no_no_color() {
        assert!(colour_wanted(true, None));
        assert!(colour_wanted(true, Some("".into())));
        assert!(!colour_wanted(true, Some("1".into())));
        assert!(!colour_wanted(false, None));
    }

    #[test]
    fn spools_keep_their_order_in_memory_and_on_disk() {
        let mut small = Spool::default();
        small.push(b"a\n").unwrap();
        small.push(b"b\n").unwrap();
        let mut out = Vec::new();
        small.drain_into(&mut out).unwrap();
        assert_eq!(out, b"a\nb\n");
        let mut large = Spool::default();
        let rows: Vec<String> = (0..40_000).map(|i| format!("row {i:>40}\n")).collect();
        for row in &rows {
            large.push(row.as_bytes()).unwrap();
        }
        assert!(
            large.file.is_some(),
            "over {SPOOL_MEMORY} bytes the rows go to a file"
        );
        assert!(large.memory.is_empty());
        let mut out = Vec::new();
        large.drain_into(&mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), rows.concat());
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
