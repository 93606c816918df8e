//! `sidewatch report`: the shared responsibility report (`sidewatch_report`) of a scan.
//!
//! The verdicts come from the scan's own paths — Config snapshot files and everything else
//! `scan` reads, `--live` with or without FILE — through a sink that counts them instead of
//! printing them; from JSON or ASFF files an earlier `scan --format json|asff` wrote (recognised
//! from their first element); or from the findings sidewatch put in Security Hub
//! (`--security-hub`: `GetFindings`, sidewatch's product and ACTIVE findings only). The report is
//! rendered once every verdict is in, then written to standard output or `-o FILE` (written to a
//! temporary file beside it first, so FILE is never left half-written).

use crate::input::decompressing;
use crate::live::{Live, Target};
use crate::output::{Sink, SinkError};
use crate::stats::Stats;
use crate::{
    EXIT_ERROR, EXIT_OK, FailOn, Io, ReportArgs, ReportFormat, ReportLang, ScanArgs, ScanFormat,
    error,
};
use sidewatch_aws::SecurityHubFindings;
use sidewatch_core::arn::DefaultProduct;
use sidewatch_core::ports::{FailureKind, FindingsQuery, FindingsSource};
use sidewatch_core::{ConfigurationItem, Evaluation};
use sidewatch_report::findings::{self, InputKind};
use sidewatch_report::{Lang, ReportBuilder};
use std::cell::RefCell;
use std::fs::File;
use std::io::{self, Cursor, Read, Write};
use std::path::Path;
use std::rc::Rc;

/// Bytes read to recognise an input: more than the largest ASFF finding (240 KB).
const SNIFF_BYTES: u64 = 1 << 20;
/// Unusable findings printed in full; beyond this many only their number is given.
const MAX_ERRORS_SHOWN: u64 = 20;

/// Runs the report and returns the exit code: 0 written, 2 an error (the report still covers
/// everything that could be read).
pub fn run(args: &ReportArgs, io: &mut Io<'_>) -> u8 {
    let builder = Rc::new(RefCell::new(ReportBuilder::new(args.top)));
    let mut errors = Errors::default();
    let input = match gather(args, io, &builder, &mut errors) {
        Ok(input) => input,
        Err(message) => {
            error(io.stderr, message);
            return EXIT_ERROR;
        }
    };
    errors.finish(io.stderr);
    let report = builder.replace(ReportBuilder::new(0)).build(&input);
    let lang = match args.lang {
        ReportLang::En => Lang::En,
        ReportLang::Ja => Lang::Ja,
    };
    let text = match args.format {
        ReportFormat::Markdown => sidewatch_report::markdown::render(&report, lang),
        ReportFormat::Html => sidewatch_report::html::render(&report, lang),
        ReportFormat::Json => {
            let mut text =
                serde_json::to_string_pretty(&sidewatch_report::json::render(&report, lang))
                    .unwrap_or_default();
            text.push('\n');
            text
        }
    };
    let written = match &args.output {
        Some(path) => write_file(path, &text),
        None => io
            .stdout
            .write_all(text.as_bytes())
            .and_then(|()| io.stdout.flush()),
    };
    if written.is_ok() && !args.quiet {
        let t = &report.totals;
        let _ = writeln!(
            io.stderr,
            "sidewatch: report of {} verdict(s) ({} FAILED, {} PASSED, {} INSUFFICIENT_DATA, {} \
             N/A) on {} service(s) in use{}",
            t.total(),
            t.failed,
            t.passed,
            t.insufficient,
            t.not_applicable,
            report.services.len(),
            args.output
                .as_ref()
                .map_or_else(String::new, |p| format!(", written to '{}'", p.display()))
        );
    }
    match written {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => EXIT_ERROR,
        Err(e) => {
            let target = args
                .output
                .as_ref()
                .map_or_else(|| "the output".to_owned(), |p| format!("'{}'", p.display()));
            error(io.stderr, format!("cannot write {target}: {e}"));
            EXIT_ERROR
        }
        Ok(()) if errors.seen > 0 => EXIT_ERROR,
        Ok(()) => EXIT_OK,
    }
}

/// Reads every input into `builder`; returns what the report says it came from.
fn gather(
    args: &ReportArgs,
    io: &mut Io<'_>,
    builder: &Rc<RefCell<ReportBuilder>>,
    errors: &mut Errors,
) -> Result<String, String> {
    if args.security_hub {
        return security_hub(args, builder, errors, io.stderr);
    }
    if args.files.is_empty() && !args.live {
        return Err(
            "no input: name a Config snapshot or a findings file of `sidewatch scan \
                    --format json|asff` (sidewatch report snapshot.json), or pass --live or \
                    --security-hub"
                .to_owned(),
        );
    }
    // Standard input is read once: kept in a temporary file, it is read like any other file.
    let mut stdin_copy = None;
    let mut snapshots = Vec::new();
    for path in &args.files {
        let path = if path.as_os_str() == "-" {
            let mut file = tempfile::NamedTempFile::new()
                .map_err(|e| format!("cannot keep standard input in a temporary file: {e}"))?;
            io::copy(&mut *io.stdin, &mut file)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            let kept = file.path().to_path_buf();
            stdin_copy = Some(file);
            kept
        } else {
            path.clone()
        };
        match read_findings_file(&path, builder, errors, io.stderr) {
            Ok(true) => {}
            Ok(false) => snapshots.push(path),
            Err(message) => errors.report(io.stderr, message),
        }
    }
    if !snapshots.is_empty() || args.live {
        let scan = ScanArgs {
            files: snapshots,
            format: ScanFormat::Json,
            failed_only: false,
            show_insufficient: false,
            fail_on: FailOn(None),
            account: None,
            region: args.region.clone(),
            live: args.live,
            resource_types: args.resource_types.clone(),
            publish: false,
            lookup_changes: false,
            endpoint_url: args.endpoint_url.clone(),
            profile: args.profile.clone(),
            controls: args.controls.clone(),
            exclude: args.exclude.clone(),
            params: args.params.clone(),
            params_file: args.params_file.clone(),
            rules: args.rules.clone(),
            exceptions: args.exceptions.clone(),
            // The scan's own summary speaks of its exit code and --fail-on; the report says its
            // own line at the end.
            quiet: true,
        };
        let sink: Box<dyn Sink> = Box::new(ReportSink {
            builder: Rc::clone(builder),
        });
        // The scan reports its own errors (unreadable items, failed reads) as it goes.
        if crate::scan::run_into(&scan, io, Some(sink)) == EXIT_ERROR {
            errors.seen += 1;
        }
    }
    drop(stdin_copy);
    let mut names: Vec<String> = args
        .files
        .iter()
        .map(|p| {
            if p.as_os_str() == "-" {
                "standard input".to_owned()
            } else {
                p.display().to_string()
            }
        })
        .collect();
    if args.live {
        names.push("--live".to_owned());
    }
    Ok(names.join(", "))
}

/// Reads `path` as a findings file when it is one (`Ok(true)`); `Ok(false)` leaves it to the scan.
fn read_findings_file(
    path: &Path,
    builder: &Rc<RefCell<ReportBuilder>>,
    errors: &mut Errors,
    stderr: &mut dyn Write,
) -> Result<bool, String> {
    let name = format!("'{}'", path.display());
    let opened = File::open(path).map_err(|e| format!("cannot read {name}: {e}"))?;
    let (mut reader, _) =
        decompressing(Box::new(opened)).map_err(|e| format!("cannot read {name}: {e}"))?;
    let mut prefix = Vec::new();
    (&mut reader)
        .take(SNIFF_BYTES)
        .read_to_end(&mut prefix)
        .map_err(|e| format!("cannot read {name}: {e}"))?;
    let kind = findings::sniff(&prefix);
    if kind == InputKind::ConfigurationItems {
        return Ok(false);
    }
    let whole = Cursor::new(prefix).chain(reader);
    let mut builder = builder.borrow_mut();
    findings::read(whole, kind, |row| {
        if let Err(message) = place(&mut builder, row) {
            errors.report(stderr, format!("{name}: {message}"));
        }
    })
    .map_err(|e| format!("{name}: not a JSON array of sidewatch verdicts or findings: {e}"))?;
    Ok(true)
}

/// Counts a verdict read back, or says why it cannot be.
fn place(
    builder: &mut ReportBuilder,
    row: Result<findings::VerdictRow, findings::FindingError>,
) -> Result<(), String> {
    let row = row.map_err(|e| e.to_string())?;
    builder.add_row(&row).map_err(|e| e.to_string())
}

/// `--security-hub`: sidewatch's ACTIVE findings in each Region, read with `GetFindings`.
fn security_hub(
    args: &ReportArgs,
    builder: &Rc<RefCell<ReportBuilder>>,
    errors: &mut Errors,
    stderr: &mut dyn Write,
) -> Result<String, String> {
    if args.region.iter().any(|r| r == crate::ALL_REGIONS) {
        return Err(
            "--security-hub reads the Regions you name (--region eu-west-1,us-east-1), not all"
                .to_owned(),
        );
    }
    let live = Live::connect(Target {
        region: args.region.first().map(String::as_str),
        profile: args.profile.as_deref(),
        endpoint_url: args.endpoint_url.as_deref(),
    })?;
    let account = live.caller_account().to_owned();
    let regions = if args.region.is_empty() {
        vec![live.home_region().to_owned()]
    } else {
        args.region.clone()
    };
    let mut builder = builder.borrow_mut();
    for region in &regions {
        let query = FindingsQuery {
            product_arn: DefaultProduct::in_region(region, &account).to_string(),
            generator_prefix: "sidewatch/".to_owned(),
            active_only: true,
        };
        let reader = SecurityHubFindings::from_sdk_config(&live.sdk_in(region));
        match live.block_on(reader.findings(&query)) {
            Ok(stored) => {
                for finding in &stored {
                    if let Err(message) = place(&mut builder, findings::from_stored(finding)) {
                        errors.report(stderr, format!("Security Hub in {region}: {message}"));
                    }
                }
            }
            Err(e) => {
                let advice = match e.kind {
                    FailureKind::AccessDenied => {
                        "allow securityhub:GetFindings to the credentials' identity"
                    }
                    FailureKind::Throttled | FailureKind::Unavailable => {
                        "run the report again later"
                    }
                    _ => "check that Security Hub is enabled in that Region",
                };
                errors.report(
                    stderr,
                    format!("cannot read the findings in {region} ({e}): {advice}"),
                );
            }
        }
    }
    Ok(format!(
        "Security Hub, account {account}, {}",
        regions.join(", ")
    ))
}

/// Errors printed up to a limit, then counted; any makes the exit code 2.
#[derive(Debug, Default)]
struct Errors {
    seen: u64,
}

impl Errors {
    fn report(&mut self, stderr: &mut dyn Write, message: String) {
        self.seen += 1;
        if self.seen <= MAX_ERRORS_SHOWN {
            error(stderr, message);
        }
    }

    fn finish(&self, stderr: &mut dyn Write) {
        if self.seen > MAX_ERRORS_SHOWN {
            error(
                stderr,
                format!(
                    "{} more error(s) not shown (the first {MAX_ERRORS_SHOWN} are above)",
                    self.seen - MAX_ERRORS_SHOWN
                ),
            );
        }
    }
}

/// The scan's verdicts counted into the report instead of printed.
struct ReportSink {
    builder: Rc<RefCell<ReportBuilder>>,
}

impl Sink for ReportSink {
    fn verdict(
        &mut self,
        _out: &mut dyn Write,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
    ) -> Result<(), SinkError> {
        self.builder
            .borrow_mut()
            .add(
                evaluation.control,
                &item.resource_type,
                &item.resource_id,
                evaluation.verdict.compliance_type(),
                evaluation.verdict.reason(),
            )
            .map_err(|e| SinkError::Item(e.to_string()))
    }

    /// An accepted risk still fails its control: the report lists it with its exception.
    fn excepted(
        &mut self,
        _out: &mut dyn Write,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
        excepted: &sidewatch_core::exceptions::Excepted,
    ) -> Result<(), SinkError> {
        self.builder
            .borrow_mut()
            .add(
                evaluation.control,
                &item.resource_type,
                &item.resource_id,
                evaluation.verdict.compliance_type(),
                &format!("{}: {}", excepted.note(), evaluation.verdict.reason()),
            )
            .map_err(|e| SinkError::Item(e.to_string()))
    }

    fn finish(&mut self, _out: &mut dyn Write, stats: &Stats) -> io::Result<()> {
        self.builder
            .borrow_mut()
            .items_without_control(stats.no_control);
        Ok(())
    }
}

/// Writes `text` to `path` through a temporary file beside it, renamed into place (created with
/// the usual permissions, not a private temporary file's).
fn write_file(path: &Path, text: &str) -> io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "-o names no file"))?;
    let mut temporary = name.to_os_string();
    temporary.push(".sidewatch-partial");
    let temporary = path.with_file_name(temporary);
    let written = File::create(&temporary)
        .and_then(|mut file| {
            file.write_all(text.as_bytes())
                .and_then(|()| file.sync_all())
        })
        .and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}
