//! `sidewatch scan`: read every input as a stream, evaluate each item once with one engine, write
//! each verdict as it comes, then summarise and choose the exit code.

use crate::findings::Findings;
use crate::global_region::GlobalRegion;
use crate::input::{Source, Stoppable, decompressing};
use crate::inventory::{self, Regions};
use crate::live::{Live, RESOURCES_AT_ONCE, Target};
use crate::output::{
    FindingFormat, FindingSink, JsonSink, Sink, SinkError, TableOptions, TableSink, colour_wanted,
    needs_live_evidence,
};
use crate::publish::Publish;
use crate::stats::{ChangeStats, InventoryStats, LiveStats, Stats};
use crate::{EXIT_ERROR, Io, ScanArgs, ScanFormat, error, warning};
use sidewatch_core::actor::Actor;
use sidewatch_core::exceptions::{self, Excepted, Exceptions, Subject};
use sidewatch_core::snapshot::{Element, ItemOutcome, ReadSummary, SnapshotError, read_elements};
use sidewatch_core::{
    ACCOUNT_RESOURCE_TYPE, ComplianceType, ConfigurationItem, Engine, EngineConfig, Evaluation,
    Overrides,
};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// Item-level errors printed in full; beyond this many only their number is given.
const MAX_ITEM_ERRORS_SHOWN: u64 = 20;
/// Items between two updates of the progress line.
const PROGRESS_EVERY: u64 = 10_000;
/// Items the reader thread hands over at once, and batches it reads ahead of the evaluation at
/// most (it waits beyond): memory stays flat whatever the input's size.
const BATCH: usize = 64;
const BATCHES_AHEAD: usize = 4;

/// Prints item-level errors up to a limit, then counts them.
#[derive(Debug, Default)]
struct ItemErrors {
    seen: u64,
}

impl ItemErrors {
    fn report(&mut self, stderr: &mut dyn Write, progress: &mut Progress, message: String) {
        self.seen += 1;
        if self.seen <= MAX_ITEM_ERRORS_SHOWN {
            progress.clear(stderr);
            let _ = writeln!(stderr, "error: {message}");
        }
    }

    fn finish(&self, stderr: &mut dyn Write) {
        if self.seen > MAX_ITEM_ERRORS_SHOWN {
            let _ = writeln!(
                stderr,
                "error: {} more item error(s) not shown (the first {MAX_ITEM_ERRORS_SHOWN} are above)",
                self.seen - MAX_ITEM_ERRORS_SHOWN
            );
        }
    }
}

/// The `\r`-updated progress line on standard error, for large inputs on a terminal.
#[derive(Debug, Default)]
struct Progress {
    enabled: bool,
    shown: bool,
}

impl Progress {
    fn update(&mut self, stderr: &mut dyn Write, stats: &Stats) {
        if self.enabled && stats.items > 0 && stats.items.is_multiple_of(PROGRESS_EVERY) {
            self.shown = true;
            let _ = write!(
                stderr,
                "\rsidewatch: {} items read, {} failed verdicts",
                stats.items,
                stats.count(ComplianceType::NonCompliant)
            );
            let _ = stderr.flush();
        }
    }

    fn clear(&mut self, stderr: &mut dyn Write) {
        if self.shown {
            self.shown = false;
            let _ = write!(stderr, "\r{:72}\r", "");
        }
    }
}

/// The engine configuration from the flags and the parameters file.
fn engine_config(args: &ScanArgs) -> Result<EngineConfig, String> {
    let mut overrides = Overrides::new();
    if let Some(path) = &args.params_file {
        let text = std::fs::read_to_string(path).map_err(|e| {
            format!(
                "cannot read the parameters file '{}': {e}. Check the path given to --params-file.",
                path.display()
            )
        })?;
        overrides
            .parse_text(&text)
            .map_err(|(line, e)| format!("'{}' line {line}: {e}", path.display()))?;
    }
    for assignment in &args.params {
        overrides
            .parse_assignment(assignment)
            .map_err(|e| format!("--param: {e}"))?;
    }
    let ids = |list: &[String]| -> Vec<String> {
        list.iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    };
    Ok(EngineConfig {
        select: ids(&args.controls),
        exclude: ids(&args.exclude),
        overrides,
    })
}

/// Runs the scan and returns the exit code.
pub fn run(args: &ScanArgs, io: &mut Io<'_>) -> u8 {
    run_into(args, io, None)
}

/// Runs the scan with `sink` in place of the output `--format` names (`sidewatch report` collects
/// the verdicts this way) and returns the exit code.
pub fn run_into(args: &ScanArgs, io: &mut Io<'_>, sink: Option<Box<dyn Sink>>) -> u8 {
    let engine = match engine_config(args).and_then(|c| {
        let rule_sets = crate::rules::load(&args.rules)?;
        Engine::with_rules(&c, rule_sets).map_err(|e| e.to_string())
    }) {
        Ok(engine) => engine,
        Err(message) => {
            error(io.stderr, message);
            return EXIT_ERROR;
        }
    };
    let today = exceptions::today(time::OffsetDateTime::now_utc());
    let exceptions = match &args.exceptions {
        None => None,
        Some(path) => match read_exceptions(path, today) {
            Ok(exceptions) => Some(exceptions),
            Err(message) => {
                error(io.stderr, message);
                return EXIT_ERROR;
            }
        },
    };
    // `--live` without FILE collects the account's resources itself; `-` reads standard input.
    let collects = args.files.is_empty() && args.live;
    let plan = match plan(args, collects, &engine) {
        Ok(plan) => plan,
        Err(message) => {
            error(io.stderr, message);
            return EXIT_ERROR;
        }
    };
    let sources: Vec<Source> = if collects {
        Vec::new()
    } else if args.files.is_empty() {
        if io.stdin_is_terminal {
            error(
                io.stderr,
                "no input: name the files to scan (sidewatch scan snapshot.json.gz), or pipe the \
                 items in and pass - to read standard input",
            );
            return EXIT_ERROR;
        }
        vec![Source::Stdin]
    } else {
        args.files.iter().map(|p| Source::from_arg(p)).collect()
    };
    if sources.iter().filter(|s| **s == Source::Stdin).count() > 1 {
        error(io.stderr, "- (standard input) can be named only once");
        return EXIT_ERROR;
    }
    let live = if args.live {
        let target = Target {
            region: plan.client_region(),
            profile: args.profile.as_deref(),
            endpoint_url: args.endpoint_url.as_deref(),
        };
        match Live::connect(target) {
            Ok(mut live) => {
                if args.lookup_changes {
                    live.look_up_changes();
                }
                Some(live)
            }
            Err(message) => {
                error(io.stderr, message);
                return EXIT_ERROR;
            }
        }
    } else {
        None
    };
    // Global items (IAM) of an inventory scan are reported in the Region their services were
    // called in; from a file, in the Region the core's rule chooses per input.
    let inventory_region = match (&plan, &live) {
        (Plan::Collect { .. }, Some(live)) => Some(live.home_region().to_owned()),
        _ => None,
    };
    let findings = Findings::new(
        args.account.clone(),
        plan.region_override().map(str::to_owned),
    );
    let publish = args.publish.then(|| Publish::new(findings.clone()));
    let global = GlobalRegion::new(
        matches!(args.format, ScanFormat::Asff | ScanFormat::Ocsf) || publish.is_some(),
        inventory_region,
        args.profile.clone(),
    );
    let sink: Box<dyn Sink> = match (sink, args.format) {
        (Some(sink), _) => sink,
        (None, ScanFormat::Table) => Box::new(TableSink::new(TableOptions {
            colour: colour_wanted(io.stdout_is_terminal, std::env::var_os("NO_COLOR")),
            show_insufficient: args.show_insufficient,
            live: args.live,
            changed_by: args.lookup_changes,
        })),
        (None, ScanFormat::Json) => Box::new(JsonSink::default()),
        (None, ScanFormat::Asff) => Box::new(FindingSink::new(findings, FindingFormat::Asff)),
        (None, ScanFormat::Ocsf) => Box::new(FindingSink::new(findings, FindingFormat::Ocsf)),
    };
    let mut scan = Scan {
        engine: &engine,
        args,
        sink,
        stats: Stats::new(args.fail_on.0, args.failed_only),
        evaluations: Vec::new(),
        item_errors: ItemErrors::default(),
        progress: Progress {
            // The table is written at the end, so the line is cleared before it; JSON and ASFF
            // stream their verdicts, which the line would garble on a terminal.
            enabled: io.stderr_is_terminal
                && (args.format == ScanFormat::Table || !io.stdout_is_terminal)
                && !args.quiet,
            shown: false,
        },
        stop: Arc::new(AtomicBool::new(false)),
        live,
        pending: Vec::new(),
        pending_sources: Vec::new(),
        region_override: plan.region_override().map(str::to_owned),
        publish,
        global,
        exceptions,
        exceptions_used: BTreeSet::new(),
        today,
    };
    if let Plan::Collect { regions, types } = &plan {
        scan.collect(regions, types, io);
    }
    for source in &sources {
        if scan.stats.output_failed {
            break;
        }
        scan.source(source, io);
    }
    scan.finish(io)
}

struct Scan<'a> {
    engine: &'a Engine,
    args: &'a ScanArgs,
    sink: Box<dyn Sink>,
    stats: Stats,
    evaluations: Vec<Evaluation>,
    item_errors: ItemErrors,
    progress: Progress,
    /// Set when the output fails: the input reader then stops.
    stop: Arc<AtomicBool>,
    /// `--live`: the session, and the items waiting for their evidence with their inputs' names.
    live: Option<Live>,
    pending: Vec<ConfigurationItem>,
    pending_sources: Vec<Rc<str>>,
    /// `--region` of a file scan: the Region reported instead of the items'.
    region_override: Option<String>,
    /// `--publish`: the findings on their way to Security Hub.
    publish: Option<Publish>,
    /// The Region of global items' findings.
    global: GlobalRegion,
    /// `--exceptions`: the accepted risks, the entries that matched a verdict, and the day they
    /// were read on.
    exceptions: Option<Exceptions>,
    exceptions_used: BTreeSet<usize>,
    today: time::Date,
}

/// Reads and checks the exceptions file: any entry not understood refuses the whole file.
fn read_exceptions(path: &std::path::Path, today: time::Date) -> Result<Exceptions, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the exceptions file {}: {e}", path.display()))?;
    Exceptions::parse(&text, today).map_err(|e| {
        format!(
            "{}: {e}. Nothing was scanned: fix the entry, or leave --exceptions out",
            path.display()
        )
    })
}

/// The exception covering `evaluation` on `item`, if any.
fn exception_for(
    exceptions: Option<&Exceptions>,
    item: &ConfigurationItem,
    evaluation: &Evaluation,
) -> Option<Excepted> {
    exceptions?.matching(
        &Subject {
            control: evaluation.control.id,
            arn: item.arn.as_deref(),
            resource_id: &item.resource_id,
            account: item.account_id.as_deref(),
            region: item.region.as_deref(),
            tags: &item.tags,
        },
        &evaluation.verdict,
    )
}

/// What the flags ask of the scan.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Plan {
    /// Read FILE (or standard input); `--region` is at most one Region to report instead of the
    /// items' (with `--live`, also the clients' Region).
    Files { region: Option<String> },
    /// `--live` without FILE: collect these types in these Regions, then evaluate.
    Collect {
        regions: Regions,
        types: Vec<&'static str>,
    },
}

impl Plan {
    fn client_region(&self) -> Option<&str> {
        match self {
            Plan::Files { region } => region.as_deref(),
            Plan::Collect { regions, .. } => regions.home(),
        }
    }

    fn region_override(&self) -> Option<&str> {
        match self {
            Plan::Files { region } => region.as_deref(),
            Plan::Collect { .. } => None,
        }
    }
}

/// Checks the flags that mean different things with and without FILE. Without
/// `--resource-types`, an inventory scan collects only the types the selected controls evaluate.
fn plan(args: &ScanArgs, collects: bool, engine: &Engine) -> Result<Plan, String> {
    if collects {
        let mut types = inventory::resource_types(&args.resource_types)?;
        if args.resource_types.is_empty() {
            types.retain(|t| engine.covers(t));
        }
        return Ok(Plan::Collect {
            regions: Regions::parse(&args.region)?,
            types,
        });
    }
    if !args.resource_types.is_empty() {
        return Err(
            "--resource-types chooses what `scan --live` collects without FILE; with FILE the \
             items are the file's (use --controls to choose the controls)"
                .to_owned(),
        );
    }
    match args.region.as_slice() {
        [] => Ok(Plan::Files { region: None }),
        [region] if region != crate::ALL_REGIONS => Ok(Plan::Files {
            region: Some(region.clone()),
        }),
        _ => Err(
            "with FILE, --region is the one Region to report instead of the items' own; several \
             Regions (or all) are for `scan --live` without FILE, which collects them"
                .to_owned(),
        ),
    }
}

impl Scan<'_> {
    /// Reads one input to its end (or its first fatal error).
    fn source(&mut self, source: &Source, io: &mut Io<'_>) {
        let name = source.name();
        let opened: io::Result<Box<dyn Read + Send + '_>> = match source {
            Source::Stdin => Ok(Box::new(&mut *io.stdin)),
            Source::File(path) => open_file(path).map(|f| Box::new(f) as Box<dyn Read + Send>),
        };
        let reader = opened.and_then(decompressing);
        let (reader, gzip) = match reader {
            Ok(r) => r,
            Err(e) => {
                self.stats.inputs_failed += 1;
                self.progress.clear(io.stderr);
                let _ = writeln!(
                    io.stderr,
                    "error: cannot read {name}: {e}. {}",
                    open_hint(&e)
                );
                return;
            }
        };
        self.stats.inputs += 1;
        self.global.start_input(&name, io.stderr);
        let reader = Stoppable::new(reader, Arc::clone(&self.stop));
        let (stdout, stderr) = (&mut *io.stdout, &mut *io.stderr);
        let result = read_in_pipeline(reader, |outcome| {
            self.outcome(outcome, &name, stdout, stderr)
        });
        match result {
            Ok(summary) => {
                if summary.unprocessed_resource_keys > 0 {
                    warning(
                        io.stderr,
                        format!(
                            "{name}: the response lists {} unprocessedResourceKeys that AWS Config \
                             did not return, so they were not evaluated; call \
                             batch-get-resource-config again for them",
                            summary.unprocessed_resource_keys
                        ),
                    );
                }
                if summary.next_token.is_some() {
                    warning(
                        io.stderr,
                        format!(
                            "{name}: the response has a nextToken: the history has more pages \
                             than this input holds, and they were not evaluated; fetch them too \
                             (the AWS CLI fetches every page unless --max-items or \
                             --no-paginate stops it)"
                        ),
                    );
                }
            }
            Err(_) if self.stats.output_failed => {}
            Err(e) => {
                self.stats.inputs_failed += 1;
                self.progress.clear(io.stderr);
                let hint = match &e {
                    SnapshotError::Io(_) if gzip => {
                        " The content starts like gzip but does not decompress: download it again."
                    }
                    _ => "",
                };
                error(io.stderr, format!("{name}: {e}.{hint}"));
            }
        }
        self.end_input(io.stdout, io.stderr);
    }

    /// The input ended: its items still waiting for evidence, then its global items waiting for
    /// their Region.
    fn end_input(&mut self, stdout: &mut dyn Write, stderr: &mut dyn Write) {
        self.flush_live(stdout, stderr);
        for (item, evaluations, source, actor) in self.global.end_input(stderr) {
            if self.stats.output_failed {
                break;
            }
            self.emit(&item, &evaluations, actor.as_ref(), &source, stdout, stderr);
        }
    }

    /// Handles one item (or unreadable element) of the input; hands the item back when done
    /// with it (see [`read_in_pipeline`]).
    fn outcome(
        &mut self,
        outcome: ItemOutcome,
        source: &str,
        stdout: &mut dyn Write,
        stderr: &mut dyn Write,
    ) -> Option<ConfigurationItem> {
        if self.stats.output_failed {
            return None;
        }
        let mut item = match outcome {
            Ok(item) => item,
            Err(unreadable) => {
                self.stats.unreadable += 1;
                self.item_errors.report(
                    stderr,
                    &mut self.progress,
                    format!("{source}: {unreadable}"),
                );
                return None;
            }
        };
        self.stats.items += 1;
        let done = if let Some(live) = &mut self.live {
            // Evidence is read for the account and Region the item records; `--account` /
            // `--region` change only where its findings are reported, after the read.
            live.note(&item);
            self.pending.push(item);
            let same = self
                .pending_sources
                .last()
                .filter(|s| ***s == *source)
                .cloned();
            self.pending_sources
                .push(same.unwrap_or_else(|| Rc::from(source)));
            if self.pending.len() >= RESOURCES_AT_ONCE {
                self.flush_live(stdout, stderr);
            }
            None
        } else {
            self.apply_overrides(&mut item);
            self.evaluate(&item, source, stdout, stderr);
            Some(item)
        };
        self.progress.update(stderr, &self.stats);
        done
    }

    /// `--live`: reads the evidence of the waiting items, then evaluates them in input order.
    fn flush_live(&mut self, stdout: &mut dyn Write, stderr: &mut dyn Write) {
        let Some(live) = &mut self.live else { return };
        let items = std::mem::take(&mut self.pending);
        if items.is_empty() {
            return;
        }
        let evaluated = live.evaluate(self.engine, items);
        let sources = std::mem::take(&mut self.pending_sources);
        for (evaluated, source) in evaluated.into_iter().zip(sources) {
            if self.stats.output_failed {
                break;
            }
            let mut item = evaluated.item;
            self.apply_overrides(&mut item);
            let actor = evaluated.changed_by;
            self.report(
                &item,
                evaluated.evaluations,
                actor.as_ref(),
                &source,
                stdout,
                stderr,
            );
        }
    }

    /// Evaluates one item and writes its verdicts.
    fn evaluate(
        &mut self,
        item: &ConfigurationItem,
        source: &str,
        stdout: &mut dyn Write,
        stderr: &mut dyn Write,
    ) {
        let mut evaluations = std::mem::take(&mut self.evaluations);
        evaluations.clear();
        self.engine.evaluate_into(item, &mut evaluations);
        let evaluations = self.report(item, evaluations, None, source, stdout, stderr);
        self.evaluations = evaluations;
    }

    /// Counts one item's verdicts and writes them, naming `actor` as who changed the item when
    /// it is known (global items may wait for their Region); hands the verdicts' buffer back for
    /// reuse.
    fn report(
        &mut self,
        item: &ConfigurationItem,
        evaluations: Vec<Evaluation>,
        actor: Option<&Actor>,
        source: &str,
        stdout: &mut dyn Write,
        stderr: &mut dyn Write,
    ) -> Vec<Evaluation> {
        if evaluations.is_empty() {
            self.stats.no_control += 1;
        }
        for evaluation in &evaluations {
            let excepted = exception_for(self.exceptions.as_ref(), item, evaluation);
            if let Some(e) = &excepted {
                self.exceptions_used.insert(e.entry);
            }
            self.stats.record(evaluation, excepted.is_some());
            if self.live.is_none() && needs_live_evidence(item, evaluation) {
                self.stats.needs_live.insert(evaluation.control.id);
            }
        }
        if let Some(placed) = self.global.place(item, &evaluations, actor, source) {
            self.emit(&placed, &evaluations, actor, source, stdout, stderr);
        }
        evaluations
    }

    /// Writes the verdicts of one item (and sends them with `--publish`), with who changed it
    /// when known.
    fn emit(
        &mut self,
        item: &ConfigurationItem,
        evaluations: &[Evaluation],
        actor: Option<&Actor>,
        source: &str,
        stdout: &mut dyn Write,
        stderr: &mut dyn Write,
    ) {
        for evaluation in evaluations {
            if let (Some(publish), Some(live)) = (&mut self.publish, &self.live) {
                publish.verdict(live, item, evaluation, actor);
            }
            if self.args.failed_only && !evaluation.verdict.is_non_compliant() {
                continue;
            }
            let written = match (
                exception_for(self.exceptions.as_ref(), item, evaluation),
                actor,
            ) {
                (Some(excepted), _) => self.sink.excepted(stdout, item, evaluation, &excepted),
                (None, Some(actor)) => self.sink.changed(stdout, item, evaluation, actor),
                (None, None) => self.sink.verdict(stdout, item, evaluation),
            };
            match written {
                Ok(()) => {}
                Err(SinkError::Item(message)) => {
                    self.stats.finding_errors += 1;
                    self.item_errors.report(
                        stderr,
                        &mut self.progress,
                        format!(
                            "{source}: {} {} / {}: {message}",
                            item.resource_type, item.resource_id, evaluation.control.id
                        ),
                    );
                }
                Err(SinkError::Io(e)) => {
                    self.output_failed(stderr, &e);
                    break;
                }
            }
        }
    }

    fn apply_overrides(&self, item: &mut ConfigurationItem) {
        if let Some(account) = &self.args.account {
            item.account_id = Some(account.clone());
        }
        if let Some(region) = &self.region_override {
            item.region = Some(region.clone());
        }
    }

    /// `--live` without FILE: collects the account's resources, reports the failed reads, then
    /// evaluates the items like items read from a file (evidence read, verdicts written).
    fn collect(&mut self, regions: &Regions, types: &[&'static str], io: &mut Io<'_>) {
        let Some(live) = &mut self.live else { return };
        let regions = match regions.resolve(live) {
            Ok(regions) => regions,
            Err(message) => {
                error(io.stderr, message);
                self.stats.other_errors += 1;
                return;
            }
        };
        let progress = io.stderr_is_terminal && !self.args.quiet;
        let mut items = Vec::new();
        let report = inventory::collect(live, types, &regions, progress, io.stderr, |item| {
            items.push(item);
        });
        live.note_regions(&regions);
        self.stats.collection_errors = inventory::report_failures(&report.failures, io.stderr);
        self.stats.inventory = Some(InventoryStats {
            items: report.items as u64,
            regions: regions.len() as u64,
            failed: report.failures.len() as u64,
        });
        self.global.start_input("--live", io.stderr);
        for item in items {
            if self.stats.output_failed {
                break;
            }
            self.outcome(Ok(item), "--live", io.stdout, io.stderr);
        }
        self.end_input(io.stdout, io.stderr);
    }

    /// The output cannot be written: stop reading. A closed pipe (`| head`) is not worth a message.
    fn output_failed(&mut self, stderr: &mut dyn Write, e: &io::Error) {
        self.stats.output_failed = true;
        self.stop.store(true, Ordering::Relaxed);
        if e.kind() != io::ErrorKind::BrokenPipe {
            self.progress.clear(stderr);
            let _ = writeln!(
                stderr,
                "error: cannot write the output: {e}. Check the disk space or where the output goes."
            );
        }
    }

    /// Completes the output and returns the exit code.
    fn finish(mut self, io: &mut Io<'_>) -> u8 {
        if self.live.is_some() && !self.stats.output_failed {
            self.finish_live(io);
        } else if self.live.is_none() {
            // Offline, the account-level controls are never evaluated: only --live reads them.
            let account_controls = self
                .engine
                .controls()
                .filter(|c| c.resource_types.contains(&ACCOUNT_RESOURCE_TYPE));
            self.stats.needs_live.extend(account_controls.map(|c| c.id));
        }
        self.progress.clear(io.stderr);
        self.item_errors.finish(io.stderr);
        if let Some(exceptions) = &self.exceptions {
            for message in exceptions.warnings(self.today, &self.exceptions_used) {
                warning(io.stderr, message);
            }
        }
        if !self.stats.output_failed {
            let written = self
                .sink
                .finish(io.stdout, &self.stats)
                .and_then(|()| io.stdout.flush());
            if let Err(e) = written {
                self.output_failed(io.stderr, &e);
            }
        }
        if !self.args.quiet && self.args.format != ScanFormat::Table && !self.stats.output_failed {
            let _ = writeln!(io.stderr, "{}", self.stats.one_line());
        }
        self.stats.exit_code()
    }
}

impl Scan<'_> {
    /// `--live`: the last waiting items, then the account-level items; then the failed reads.
    fn finish_live(&mut self, io: &mut Io<'_>) {
        self.flush_live(io.stdout, io.stderr);
        let Some(live) = &mut self.live else { return };
        // No selected control evaluates the account: no account-level item to read or count.
        let accounts = if self.engine.covers(ACCOUNT_RESOURCE_TYPE) {
            live.account_items(self.args)
        } else {
            Vec::new()
        };
        for evaluated in live.evaluate(self.engine, accounts) {
            if self.stats.output_failed {
                break;
            }
            self.report(
                &evaluated.item,
                evaluated.evaluations,
                evaluated.changed_by.as_ref(),
                "--live",
                io.stdout,
                io.stderr,
            );
        }
        let Some(live) = &self.live else { return };
        self.progress.clear(io.stderr);
        self.stats.evidence_errors = live.report(io.stderr);
        if let Some(publish) = &mut self.publish {
            publish.send(live);
            self.stats.publish_errors = publish.report(io.stderr, self.args.quiet);
            self.stats.published = Some(publish.stats);
        }
        self.stats.live = Some(LiveStats {
            resources: live.resources,
            reads: live.reads,
            failed: live.failed_reads(),
        });
        if let Some(changes) = &live.changes {
            report_unattributed(io.stderr, &changes.unattributed, self.args.quiet);
            self.stats.changes = Some(ChangeStats {
                attributed: changes.attributed,
                unattributed: changes.unattributed.len() as u64,
            });
        }
    }
}

/// Notes on standard error why FAILED resources have no caller named (`--lookup-changes`): the
/// first few, then how many more. Not an error: the verdicts stand without it.
fn report_unattributed(stderr: &mut dyn Write, notes: &[String], quiet: bool) {
    const SHOWN: usize = 5;
    if quiet {
        return;
    }
    for note in notes.iter().take(SHOWN) {
        let _ = writeln!(stderr, "note: who changed it is not known: {note}");
    }
    if notes.len() > SHOWN {
        let _ = writeln!(
            stderr,
            "note: … and {} more resource(s) whose change is not attributed",
            notes.len() - SHOWN
        );
    }
}

/// `read_items` with the reading and parsing on a thread of its own ([`read_elements`]), while
/// turning each element into an item and `on_item` run on this one, in the input's order: parsing
/// an element takes about as long as converting and evaluating it and writing its verdicts, so two
/// cores scan about twice as fast.
///
/// Items go over in batches (a hand-over per item would cost more than a small item's parse);
/// the batch so far is handed over before every read of the input, so items that arrive slowly
/// (a pipe) are evaluated as soon as they are read, not when a batch fills.
///
/// The items `on_item` hands back (done with) go back to the reader thread to be dropped there:
/// their memory was allocated there, and the allocator frees memory on the thread that allocated
/// it several times faster than on another (the scan benchmark spent a tenth of this thread's
/// time freeing the reader's allocations).
fn read_in_pipeline(
    reader: impl Read + Send,
    mut on_item: impl FnMut(ItemOutcome) -> Option<ConfigurationItem>,
) -> Result<ReadSummary, SnapshotError> {
    let (batches, arriving) = mpsc::sync_channel::<Vec<Element>>(BATCHES_AHEAD);
    let (spent, to_drop) = mpsc::channel::<Vec<ConfigurationItem>>();
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let pending = RefCell::new(Vec::with_capacity(BATCH));
            // The receiver is dropped only after the loop below ends, which needs this sender
            // gone: a send cannot fail while anything is left to hand over.
            let hand_over = || {
                let mut batch =
                    std::mem::replace(&mut *pending.borrow_mut(), Vec::with_capacity(BATCH));
                // While the evaluation is behind, the items it is done with are dropped as they
                // come back, not after: memory stays that of the batches ahead.
                while !batch.is_empty() {
                    match batches.try_send(batch) {
                        Err(mpsc::TrySendError::Full(back)) => {
                            batch = back;
                            if let Ok(done) = to_drop.recv_timeout(Duration::from_millis(1)) {
                                drop(done);
                            }
                        }
                        Ok(()) | Err(mpsc::TrySendError::Disconnected(_)) => break,
                    }
                }
                to_drop.try_iter().for_each(drop);
            };
            let flushing = HandingOver {
                inner: reader,
                hand_over: &hand_over,
            };
            let result = read_elements(flushing, |element| {
                let full = {
                    let mut pending = pending.borrow_mut();
                    pending.push(element);
                    pending.len() >= BATCH
                };
                if full {
                    hand_over();
                }
            });
            hand_over();
            result
        });
        for batch in arriving {
            let done: Vec<ConfigurationItem> = batch
                .into_iter()
                .filter_map(|element| on_item(element.into_outcome()))
                .collect();
            // Fails once the reader has finished: then they are dropped here.
            let _ = spent.send(done);
        }
        reader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// The input of [`read_in_pipeline`]'s reader: hands the items read so far over before each
/// read, which may wait for more input.
struct HandingOver<'h, R> {
    inner: R,
    hand_over: &'h dyn Fn(),
}

impl<R: Read> Read for HandingOver<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (self.hand_over)();
        self.inner.read(buf)
    }
}

fn open_file(path: &Path) -> io::Result<File> {
    if path.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a directory",
        ));
    }
    File::open(path)
}

fn open_hint(e: &io::Error) -> &'static str {
    match e.kind() {
        io::ErrorKind::PermissionDenied => "Check the file's permissions.",
        io::ErrorKind::IsADirectory => {
            "Name the files inside it instead (for example DIR/*.json.gz)."
        }
        _ => "Check the path, or pass - to read standard input.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JSON array of `n` bucket items, `b0`, `b1`, ….
    fn items(n: usize) -> Vec<u8> {
        let items: Vec<serde_json::Value> = (0..n)
            .map(|i| {
                serde_json::json!({
                    "resourceType": "AWS::S3::Bucket",
                    "resourceId": format!("b{i}"),
                    "awsRegion": "us-east-1",
                    "configuration": {"name": format!("b{i}")}
                })
            })
            .collect();
        serde_json::to_vec(&items).unwrap()
    }

    #[test]
    fn every_item_arrives_in_order_when_the_evaluation_is_behind() {
        // Many more items than the batches the reader may read ahead, and an evaluation slower
        // than the reading, so the reader waits for room (dropping what comes back meanwhile).
        let n = BATCH * BATCHES_AHEAD * 6 + 5;
        let mut seen = Vec::new();
        let summary = read_in_pipeline(&items(n)[..], |outcome| {
            let item = outcome.expect("an item");
            seen.push(item.resource_id.clone());
            if seen.len() % BATCH == 0 {
                std::thread::sleep(Duration::from_millis(2));
            }
            // Items handed back and items kept (as `--live` keeps them) both work.
            (seen.len() % 3 != 0).then_some(item)
        })
        .unwrap();
        let expected: Vec<String> = (0..n).map(|i| format!("b{i}")).collect();
        assert_eq!(seen, expected);
        assert_eq!(summary.items, n as u64);
    }

    #[test]
    fn an_error_after_some_items_keeps_those_items() {
        let mut input = items(BATCH * 3);
        input.truncate(input.len() - 40);
        let mut seen = 0;
        let result = read_in_pipeline(&input[..], |outcome| {
            seen += 1;
            outcome.ok()
        });
        assert!(result.is_err(), "a truncated array is an error");
        assert!(
            seen >= BATCH * 2,
            "the items before the break were handed over: {seen}"
        );
    }
}
