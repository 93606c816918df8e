//! The `sidewatch` command line, as a library so tests and benchmarks drive the same code.
//!
//! * `sidewatch scan [FILE…|-]` evaluates AWS Config configuration items offline (snapshot files,
//!   `BatchGetResourceConfig` / `GetResourceConfigHistory` output, item arrays, single items, JSON
//!   Lines; plain or gzip) and prints a table, JSON verdicts or ASFF findings as it reads.
//!   With `--live` it also reads, with read-only AWS calls, the evidence AWS Config does not record
//!   and evaluates the account-level controls; `--live` without FILE first lists every resource
//!   of the account with the service APIs (`sidewatch_aws::Inventory`), no AWS Config needed, and
//!   `--publish` sends the findings to Security Hub.
//! * `sidewatch snapshot` writes what that inventory collects as a Config snapshot file.
//! * `sidewatch controls` lists the controls catalog (table, JSON or the Markdown of
//!   `docs/controls.md`).
//! * `sidewatch permissions` prints the read-only IAM policy `scan --live` and `snapshot` need.
//! * `sidewatch report` writes the shared responsibility report (`sidewatch_report`) of a scan, a
//!   findings file or the findings in Security Hub: Markdown, one self-contained HTML file, JSON.
//! * `--rules PATH` (scan, controls) adds the user's own controls, written in AWS CloudFormation
//!   Guard (`sidewatch_guard`); `sidewatch rules test PATH` runs their Guard unit tests.
//!
//! [`run`] takes the arguments and the standard streams and returns the exit code, so everything
//! but process wiring is testable in memory. Exit codes: 0 no control failed at or above
//! `--fail-on`, 1 one did, 2 any error (bad flag, unreadable input or item). `report` exits 0 when
//! the report is written, whatever it says, and 2 on any error.

use clap::{Args, Parser, Subcommand, ValueEnum};
use sidewatch_core::Severity;
use std::ffi::OsString;
use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

mod catalog;
pub mod docs;
mod findings;
mod global_region;
mod input;
mod inventory;
mod live;
mod output;
mod permissions;
mod publish;
mod report;
mod rules;
mod scan;
mod snapshot;
mod stats;

/// Exit code: every control passed (or failed only below `--fail-on`).
pub const EXIT_OK: u8 = 0;
/// Exit code: a control failed at or above `--fail-on`.
pub const EXIT_FAILED: u8 = 1;
/// Exit code: an error (bad flag, unreadable input or item); the rest was still reported.
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "sidewatch",
    version,
    about = "Evaluates AWS Config configuration items against security controls (AWS FSBP, CIS AWS Foundations Benchmark v3.0.0)",
    after_help = "Exit codes: 0 no control failed at or above --fail-on, 1 one did, 2 an error (the rest is still reported)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Evaluate configuration items from Config snapshot files or AWS CLI output (offline, or
    /// with --live evidence read from the account)
    #[command(after_help = SCAN_HELP)]
    Scan(ScanArgs),
    /// List the controls: severity, resource types, parameters and compliance mappings
    Controls(ControlsArgs),
    /// Print the read-only IAM policy (JSON) that `sidewatch scan --live` and `sidewatch
    /// snapshot` need
    Permissions(PermissionsArgs),
    /// Collect every resource of the account with read-only service API calls and write it as an
    /// AWS Config snapshot file, to scan offline later (`sidewatch scan FILE`) or attach to a bug
    /// report (Lambda environment values are redacted)
    Snapshot(SnapshotArgs),
    /// Write the shared responsibility report: per service in use its category, your duties for
    /// it and how sidewatch's controls find them (Markdown, HTML or JSON)
    #[command(after_help = REPORT_HELP)]
    Report(ReportArgs),
    /// Your own controls in AWS CloudFormation Guard: run their Guard unit tests
    #[command(subcommand)]
    Rules(RulesCommand),
}

#[derive(Debug, Subcommand)]
enum RulesCommand {
    /// Run the Guard unit tests kept beside the rules (Guard's own test file format,
    /// `tests/<rules file name>_tests.yaml`), as `cfn-guard test` does; exit 1 when one fails
    Test(RulesTestArgs),
}

#[derive(Debug, Args)]
struct RulesTestArgs {
    /// A folder of .guard files with their tests in its tests/ folder, or one .guard file
    #[arg(value_name = "PATH")]
    path: PathBuf,
}

const REPORT_HELP: &str = "\
INPUT is anything `sidewatch scan` reads (a Config snapshot file, AWS CLI output, items; plain or
gzip; - for standard input), or a findings file an earlier `sidewatch scan --format json` or
`--format asff` wrote (recognised from its content). --live scans the account as `scan --live`
does (with INPUT: reads the evidence of its items); --security-hub reads the ACTIVE findings
sidewatch put in Security Hub (securityhub:GetFindings) in --region (default: the profile's).

Per service in use: its category in the shared responsibility model (infrastructure, container,
abstracted), your duties for it, per duty the controls with PASSED / FAILED / INSUFFICIENT_DATA /
N/A counts and the failing resources (--top per duty). A duty no control checks is listed as not
checked by sidewatch, never as passed. Account-level duties have their own section.

Examples:
  sidewatch report examples/config-snapshot.json
  sidewatch report snapshot.json.gz --format html -o report.html
  sidewatch scan --format asff snapshot.json > findings.json; sidewatch report findings.json --lang ja
  sidewatch report --live --format json -o report.json
  sidewatch report --security-hub --region eu-west-1,us-east-1

Exit codes: 0 the report was written (whatever it says), 2 an error (an unreadable input, item or
finding, a failed read); the report still covers everything that could be read.";

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("remote").args(["live", "security_hub"]).multiple(false)))]
struct ReportArgs {
    /// Config snapshot files (anything `sidewatch scan` reads) or findings files of
    /// `sidewatch scan --format json|asff`; - reads standard input
    #[arg(value_name = "INPUT", conflicts_with = "security_hub")]
    files: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    format: ReportFormat,
    /// Write the report to FILE instead of standard output
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Language of the headings, duty and category names
    #[arg(long, value_enum, default_value_t = ReportLang::En)]
    lang: ReportLang,
    /// Failing resources listed per duty (the worst first)
    #[arg(long, value_name = "N", default_value_t = sidewatch_report::DEFAULT_TOP)]
    top: usize,
    /// Scan with evidence read from the account, as `sidewatch scan --live` (without INPUT: the
    /// whole account)
    #[arg(long)]
    live: bool,
    /// Report the findings sidewatch put in AWS Security Hub (ACTIVE ones, securityhub:GetFindings)
    #[arg(long)]
    security_hub: bool,
    /// With --live, as for `sidewatch scan`; with --security-hub, the Regions to read
    /// (repeatable or comma-separated; default: the profile's Region or AWS_REGION)
    #[arg(long, value_name = "REGION", value_delimiter = ',', value_parser = parse_region_or_all, requires = "remote")]
    region: Vec<String>,
    /// With --live and no INPUT: collect only these resource types
    #[arg(long, value_name = "TYPES", value_delimiter = ',', requires = "live")]
    resource_types: Vec<String>,
    /// Send every AWS call to this endpoint (a local stand-in such as moto)
    #[arg(long, value_name = "URL", requires = "remote")]
    endpoint_url: Option<String>,
    /// The AWS profile whose credentials and Region to use (default: AWS_PROFILE)
    #[arg(long, value_name = "NAME", requires = "remote")]
    profile: Option<String>,
    /// Scan only these controls or services (comma-separated or repeated: S3,EC2.19)
    #[arg(
        long,
        value_name = "IDS",
        value_delimiter = ',',
        conflicts_with = "security_hub"
    )]
    controls: Vec<String>,
    /// Leave out these controls or services
    #[arg(
        long,
        value_name = "IDS",
        value_delimiter = ',',
        conflicts_with = "security_hub"
    )]
    exclude: Vec<String>,
    /// Set a control parameter for the scan (repeatable), e.g. --param EC2.19.blockedPorts=22
    #[arg(
        long = "param",
        value_name = "CONTROL.NAME=VALUE",
        conflicts_with = "security_hub"
    )]
    params: Vec<String>,
    /// Read the scan's parameters from a file
    #[arg(long, value_name = "FILE", conflicts_with = "security_hub")]
    params_file: Option<PathBuf>,
    /// Also evaluate your own controls in AWS CloudFormation Guard (a .guard file or a folder of
    /// them; repeatable), as `scan --rules` does
    #[arg(long = "rules", value_name = "PATH", conflicts_with = "security_hub")]
    rules: Vec<PathBuf>,
    /// Accepted risks, as `scan --exceptions`: an excepted failure is reported with its
    /// exception (reason, expiry, ticket) beside the failure's reason
    #[arg(long, value_name = "FILE", conflicts_with = "security_hub")]
    exceptions: Option<PathBuf>,
    /// Print no summary or progress on standard error (errors are still printed)
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    Markdown,
    Html,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportLang {
    En,
    Ja,
}

const SCAN_HELP: &str = "\
Inputs (plain or gzip, detected from the content): an AWS Config snapshot file as delivered to S3,
the output of `aws configservice batch-get-resource-config` or `get-resource-config-history`, a JSON
array of configuration items, one item, or JSON Lines of them.

Examples:
  sidewatch scan config-snapshot.json.gz
  aws configservice get-resource-config-history --resource-type AWS::S3::Bucket \\
      --resource-id my-bucket --limit 1 | sidewatch scan --format json -
  sidewatch scan --controls S3,EC2.19 --param S3.8.excludedPublicBuckets=my-site \\
      --fail-on high --format asff snapshot.json > findings.json
  sidewatch scan --format ocsf snapshot.json > findings.ocsf.json   # OCSF 1.7.0, class 2003

Scan your account (--live without FILE): sidewatch lists every resource it has controls for
(S3 buckets, security groups, network ACLs, VPCs, instances, volumes, IAM users, policies and
roles, CloudTrail trails, RDS instances, KMS keys, Lambda functions) with read-only service API
calls, builds their configuration items itself (no AWS Config needed), and evaluates them and the
account. --region is repeatable or comma-separated (the first is where global services such as
IAM are called and reported) or `all` (every Region enabled for the account); default: the
profile's Region or AWS_REGION. --resource-types limits what is collected. --publish also sends
every finding to Security Hub (BatchImportFindings, the only write). A read that fails is reported
with what to do, and the exit code is 2. `sidewatch snapshot` writes the same items to a file.
  sidewatch scan --live
  sidewatch scan --live --region eu-west-1,us-east-1 --resource-types AWS::S3::Bucket
  sidewatch scan --live --region all --format asff --publish

Live evidence (--live with FILE): some controls need what AWS Config does not record (an IAM
user's MFA devices, a KMS key's rotation, the password policy, CloudTrail, GuardDuty…). Offline
they are INSUFFICIENT_DATA and the summary counts them. With --live, sidewatch reads that evidence
with read-only calls and the default AWS credential chain (--profile or AWS_PROFILE, environment
variables, the shared config and credentials files, instance and container roles; it never
writes to the account unless --publish), for the items read and for the account itself (one
account-level item per account and Region of the items). With FILE, --region is one Region to
report instead of the items' own. `sidewatch permissions` prints the IAM policy --live needs.
  sidewatch scan --live snapshot.json.gz
  sidewatch scan --live --endpoint-url http://127.0.0.1:5000 items.json   # a local stand-in

Exit codes: 0 no control failed at or above --fail-on, 1 one did, 2 an error (unreadable file or
item, bad flag value, a live read denied or unanswered, a finding --publish could not deliver);
the scan still reports everything it could read.";

#[derive(Debug, Args)]
struct ScanArgs {
    /// Files to read; `-` or none reads standard input
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Output format: a table with a summary, JSON verdicts, ASFF findings for BatchImportFindings,
    /// or OCSF 1.7.0 Compliance Findings (class 2003) made from the same findings
    #[arg(long, value_enum, default_value_t = ScanFormat::Table)]
    format: ScanFormat,
    /// Output only failed verdicts (NON_COMPLIANT), in every format
    #[arg(long)]
    failed_only: bool,
    /// Table: also list the INSUFFICIENT_DATA verdicts that only --live evidence would decide
    /// (by default one line counts them)
    #[arg(long)]
    show_insufficient: bool,
    /// Severity at or above which a failure makes the exit code 1: informational, low, medium,
    /// high, critical, or none to never exit 1
    #[arg(long, value_name = "SEVERITY", default_value = "low", value_parser = parse_fail_on)]
    fail_on: FailOn,
    /// Account id to report instead of what the items say (12 digits)
    #[arg(long, value_name = "ACCOUNT_ID", value_parser = parse_account)]
    account: Option<String>,
    /// With FILE: the Region to report instead of what the items say (one; with --live also the
    /// Region the AWS clients call). With --live and no FILE: the Regions to collect (repeatable
    /// or comma-separated; the first is where global services are called), or `all` for every
    /// Region enabled for the account
    #[arg(long, value_name = "REGION", value_delimiter = ',', value_parser = parse_region_or_all)]
    region: Vec<String>,
    /// Read the evidence AWS Config does not record from the account (read-only calls) and
    /// evaluate the account-level controls; without FILE, first list every resource of the
    /// account with the service APIs (no AWS Config needed) and evaluate it all
    #[arg(long)]
    live: bool,
    /// With --live and no FILE: collect only these resource types (comma-separated or repeated,
    /// e.g. AWS::S3::Bucket,AWS::IAM::User)
    #[arg(long, value_name = "TYPES", value_delimiter = ',', requires = "live")]
    resource_types: Vec<String>,
    /// With --live: also send every finding (PASSED ones too, so earlier failures are resolved)
    /// to AWS Security Hub with BatchImportFindings, in each finding's Region. The only call
    /// that writes to the account
    #[arg(long, requires = "live")]
    publish: bool,
    /// With --live: name who made the change behind each FAILED verdict: the item's
    /// relatedEvents (an item without them: its latest AWS Config history entry) looked up with
    /// CloudTrail LookupEvents in the item's Region, at most 3 lookups for every 8 resources
    /// (read-only). The table gets a CHANGED BY column, JSON a changedBy object, ASFF an Action
    #[arg(long, requires = "live")]
    lookup_changes: bool,
    /// With --live: send every AWS call to this endpoint (a local stand-in such as moto);
    /// default: AWS_ENDPOINT_URL, else AWS's endpoints
    #[arg(long, value_name = "URL", requires = "live")]
    endpoint_url: Option<String>,
    /// With --live: the AWS profile whose credentials and Region to use (default: AWS_PROFILE)
    #[arg(long, value_name = "NAME", requires = "live")]
    profile: Option<String>,
    /// Run only these controls or services (comma-separated or repeated: S3,EC2.19)
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    controls: Vec<String>,
    /// Leave out these controls or services (applied after --controls)
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    exclude: Vec<String>,
    /// Set a control parameter (repeatable), e.g. --param EC2.19.blockedPorts=22,3389
    #[arg(long = "param", value_name = "CONTROL.NAME=VALUE")]
    params: Vec<String>,
    /// Read parameters from a file: one CONTROL.NAME=VALUE per line, # comments; --param wins
    #[arg(long, value_name = "FILE")]
    params_file: Option<PathBuf>,
    /// Accepted risks (YAML or JSON; see "Exceptions" in the README): matching failures are
    /// reported as EXCEPTED with their reason and do not fail the scan
    #[arg(long, value_name = "FILE")]
    exceptions: Option<PathBuf>,
    /// Also evaluate your own controls, written in AWS CloudFormation Guard: a .guard file or a
    /// folder of them (repeatable). A file that does not parse stops the scan before it starts
    #[arg(long = "rules", value_name = "PATH")]
    rules: Vec<PathBuf>,
    /// Print no summary or progress on standard error (errors are still printed)
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ScanFormat {
    Table,
    Json,
    Asff,
    Ocsf,
}

/// The lowest severity whose failure makes the exit code 1; `None` never does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FailOn(Option<Severity>);

fn parse_fail_on(text: &str) -> Result<FailOn, String> {
    if text.trim().eq_ignore_ascii_case("none") {
        return Ok(FailOn(None));
    }
    text.parse::<Severity>()
        .map(|s| FailOn(Some(s)))
        .map_err(|e| format!("{e}, or none"))
}

fn parse_account(text: &str) -> Result<String, String> {
    let text = text.trim();
    if sidewatch_core::boundary::is_account_id(text) {
        Ok(text.to_owned())
    } else {
        Err("an AWS account id is 12 digits, e.g. 123456789012".to_owned())
    }
}

fn parse_region(text: &str) -> Result<String, String> {
    let text = text.trim();
    let parts: Vec<&str> = text.split('-').collect();
    let well_formed = parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if well_formed {
        Ok(text.to_owned())
    } else {
        Err("a Region looks like us-east-1 or eu-west-2".to_owned())
    }
}

/// A Region, or `all` (every Region enabled for the account).
fn parse_region_or_all(text: &str) -> Result<String, String> {
    if text.trim().eq_ignore_ascii_case(ALL_REGIONS) {
        Ok(ALL_REGIONS.to_owned())
    } else {
        parse_region(text).map_err(|e| format!("{e}, or all"))
    }
}

/// The `--region` value meaning every Region enabled for the account.
const ALL_REGIONS: &str = "all";

#[derive(Debug, Args)]
struct SnapshotArgs {
    /// Where to write the snapshot: a file, or - for standard output
    #[arg(long, short, value_name = "FILE", default_value = "-")]
    output: PathBuf,
    /// The Regions to collect (repeatable or comma-separated; the first is where global services
    /// are called), or `all` for every Region enabled for the account; default: the profile's or
    /// AWS_REGION
    #[arg(long, value_name = "REGION", value_delimiter = ',', value_parser = parse_region_or_all)]
    region: Vec<String>,
    /// Collect only these resource types (comma-separated or repeated)
    #[arg(long, value_name = "TYPES", value_delimiter = ',')]
    resource_types: Vec<String>,
    /// The AWS profile whose credentials and Region to use (default: AWS_PROFILE)
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// Send every AWS call to this endpoint (a local stand-in such as moto); default:
    /// AWS_ENDPOINT_URL, else AWS's endpoints
    #[arg(long, value_name = "URL")]
    endpoint_url: Option<String>,
    /// Print no progress or summary on standard error (errors are still printed)
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Debug, Args)]
struct ControlsArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = ControlsFormat::Table)]
    format: ControlsFormat,
    /// Also list your own controls from these AWS CloudFormation Guard rules (a .guard file or a
    /// folder of them; repeatable)
    #[arg(long = "rules", value_name = "PATH")]
    rules: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ControlsFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
struct PermissionsArgs {
    /// Only what these controls or services need (comma-separated or repeated: IAM,KMS.4)
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    controls: Vec<String>,
    /// Leave out these controls or services (applied after --controls)
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    exclude: Vec<String>,
    /// Also what `scan --live --lookup-changes` reads: CloudTrail's event history and AWS
    /// Config's resource history
    #[arg(long)]
    lookup_changes: bool,
}

/// The standard streams (or stand-ins) a run uses, and whether each is a terminal.
pub struct Io<'a> {
    /// `Send`: a scan reads its input on a thread of its own.
    pub stdin: &'a mut (dyn Read + Send),
    pub stdin_is_terminal: bool,
    pub stdout: &'a mut dyn Write,
    pub stdout_is_terminal: bool,
    pub stderr: &'a mut dyn Write,
    pub stderr_is_terminal: bool,
}

impl<'a> Io<'a> {
    /// Streams none of which is a terminal, as in a pipeline (tests and benchmarks use buffers).
    pub fn piped(
        stdin: &'a mut (dyn Read + Send),
        stdout: &'a mut dyn Write,
        stderr: &'a mut dyn Write,
    ) -> Self {
        Io {
            stdin,
            stdin_is_terminal: false,
            stdout,
            stdout_is_terminal: false,
            stderr,
            stderr_is_terminal: false,
        }
    }
}

impl std::fmt::Debug for Io<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Io")
            .field("stdin_is_terminal", &self.stdin_is_terminal)
            .field("stdout_is_terminal", &self.stdout_is_terminal)
            .field("stderr_is_terminal", &self.stderr_is_terminal)
            .finish_non_exhaustive()
    }
}

/// Runs `sidewatch` with `args` (the first is the program name) and returns the exit code.
pub fn run<I, T>(args: I, io: &mut Io<'_>) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let text = e.render().to_string();
            return if e.use_stderr() {
                let _ = write!(io.stderr, "{text}");
                EXIT_ERROR
            } else {
                // --help and --version.
                match write!(io.stdout, "{text}").and_then(|()| io.stdout.flush()) {
                    Ok(()) => EXIT_OK,
                    Err(_) => EXIT_ERROR,
                }
            };
        }
    };
    match cli.command {
        Command::Scan(args) => scan::run(&args, io),
        Command::Controls(args) => catalog::run(&args, io),
        Command::Permissions(args) => permissions::run(&args, io),
        Command::Snapshot(args) => snapshot::run(&args, io),
        Command::Report(args) => report::run(&args, io),
        Command::Rules(RulesCommand::Test(args)) => rules::test(&args, io),
    }
}

/// The binary's `main`: wires the process's standard streams to [`run`].
pub fn main() -> ExitCode {
    let stdin = io::stdin();
    let stdout = io::stdout();
    let stderr = io::stderr();
    let stdout_is_terminal = stdout.is_terminal();
    // Not locked: a lock cannot move to the thread a scan reads on (the reader buffers anyway).
    let mut stdin_handle = stdin;
    // Rows appear line by line on a terminal; through a pipe, in large writes.
    let mut out: Box<dyn Write> = if stdout_is_terminal {
        Box::new(io::LineWriter::new(stdout.lock()))
    } else {
        Box::new(io::BufWriter::with_capacity(64 * 1024, stdout.lock()))
    };
    let mut err = stderr.lock();
    let mut io = Io {
        stdin_is_terminal: io::stdin().is_terminal(),
        stdin: &mut stdin_handle,
        stdout_is_terminal,
        stdout: &mut out,
        stderr_is_terminal: io::stderr().is_terminal(),
        stderr: &mut err,
    };
    let code = run(std::env::args_os(), &mut io);
    ExitCode::from(code)
}

/// Writes `error: {message}` to standard error (a failure to write it cannot be reported).
fn error(stderr: &mut dyn Write, message: impl std::fmt::Display) {
    let _ = writeln!(stderr, "error: {message}");
}

/// Writes `warning: {message}` to standard error.
fn warning(stderr: &mut dyn Write, message: impl std::fmt::Display) {
    let _ = writeln!(stderr, "warning: {message}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_on_accepts_severities_and_none() {
        assert_eq!(parse_fail_on("HIGH"), Ok(FailOn(Some(Severity::High))));
        assert_eq!(parse_fail_on("none"), Ok(FailOn(None)));
        assert!(parse_fail_on("severe").unwrap_err().contains("or none"));
    }

    #[test]
    fn account_and_region_are_checked() {
        assert!(parse_account("123456789012").is_ok());
        assert!(parse_account("12345").is_err());
        assert!(parse_account("12345678901a").is_err());
        for ok in ["us-east-1", "eu-west-2", "us-gov-west-1", "ap-southeast-5"] {
            assert!(parse_region(ok).is_ok(), "{ok}");
        }
        for bad in ["useast1", "US-EAST-1", "us-east-", "us-east-x", ""] {
            assert!(parse_region(bad).is_err(), "{bad}");
        }
    }

    /// Runs with in-memory streams; `terminals` says which of stdin, stdout, stderr are terminals.
    fn run_in_memory(args: &[&str], stdin: &[u8], terminals: [bool; 3]) -> (u8, String, String) {
        let mut input = stdin;
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut io = Io {
            stdin: &mut input,
            stdin_is_terminal: terminals[0],
            stdout: &mut out,
            stdout_is_terminal: terminals[1],
            stderr: &mut err,
            stderr_is_terminal: terminals[2],
        };
        let mut argv = vec!["sidewatch"];
        argv.extend_from_slice(args);
        let code = run(argv, &mut io);
        let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
        (code, text(out), text(err))
    }

    #[test]
    fn no_input_on_a_terminal_says_what_to_pass() {
        let (code, out, err) = run_in_memory(&["scan"], b"", [true, true, true]);
        assert_eq!((code, out.as_str()), (EXIT_ERROR, ""));
        assert!(err.starts_with("error: no input: name the files"), "{err}");
        // `-` reads the terminal on purpose.
        let (code, _, err) = run_in_memory(&["scan", "-"], b"[]", [true, false, false]);
        assert_eq!(code, EXIT_OK, "{err}");
    }

    fn many_items(n: usize) -> Vec<u8> {
        let mut text = String::new();
        for i in 0..n {
            text.push_str(&format!(
                "{{\"resourceType\":\"AWS::Unknown::Thing\",\"resourceId\":\"t-{i}\"}}\n"
            ));
        }
        text.into_bytes()
    }

    #[test]
    fn progress_shows_on_a_terminal_for_large_inputs_only() {
        let input = many_items(20_001);
        let (code, _, err) = run_in_memory(&["scan", "-"], &input, [false, false, true]);
        assert_eq!(code, EXIT_OK, "{err}");
        assert!(
            err.contains("\rsidewatch: 10000 items read, 0 failed verdicts"),
            "{err:?}"
        );
        assert!(err.contains("\rsidewatch: 20000 items read"), "{err:?}");
        assert!(
            err.ends_with('\r'),
            "the line is cleared at the end: {err:?}"
        );
        let (_, _, err) = run_in_memory(&["scan", "-"], &many_items(9_999), [false, false, true]);
        assert_eq!(err, "", "small inputs show no progress");
        let (_, _, err) = run_in_memory(&["scan", "-"], &input, [false, false, false]);
        assert_eq!(err, "", "no terminal, no progress");
        // The table is written at the end, after the line is cleared: it shows on a terminal.
        let (_, out, err) = run_in_memory(&["scan", "-"], &input, [false, true, true]);
        assert!(err.contains("\rsidewatch: 20000 items read") && err.ends_with('\r'));
        assert!(out.starts_with("No verdicts."), "{out}");
        // JSON streams to the terminal: the line would garble it.
        let (_, _, err) = run_in_memory(
            &["scan", "--format", "json", "-"],
            &input,
            [false, true, true],
        );
        assert!(!err.contains("\rsidewatch:"), "only the summary: {err:?}");
        let (_, _, err) = run_in_memory(&["scan", "-q", "-"], &input, [false, false, true]);
        assert_eq!(err, "", "--quiet");
    }

    #[test]
    fn the_table_is_coloured_only_on_a_terminal() {
        let item = br#"{"resourceType":"AWS::EC2::Instance","resourceId":"i-1","awsRegion":"eu-west-1","accountId":"111122223333","configurationItemStatus":"ResourceDeleted"}"#;
        let (_, out, _) = run_in_memory(&["scan", "-"], item, [false, true, false]);
        // NO_COLOR in the environment of the test run turns colour off, as for a person.
        if crate::output::colour_wanted(true, std::env::var_os("NO_COLOR")) {
            assert!(out.contains("\x1b[2mN/A"), "{out:?}");
        } else {
            assert!(!out.contains('\x1b'), "{out:?}");
        }
        let (_, out, _) = run_in_memory(&["scan", "-"], item, [false, false, false]);
        assert!(out.contains("N/A") && !out.contains('\x1b'), "{out:?}");
    }

    #[test]
    fn the_command_line_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
