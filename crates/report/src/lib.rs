//! The shared responsibility report: how an account stands on the customer's side of the AWS
//! shared responsibility model, per service in use and per duty.
//!
//! Verdicts go in (control, resource, status, reason) from wherever they came — a scan of a Config
//! snapshot, `scan --live`, a JSON or ASFF findings file, Security Hub — and a [`Report`] comes
//! out: per service in use its category ([`sidewatch_core::responsibility`]), the customer's
//! duties for it, and per duty the controls that check it with their PASSED / FAILED /
//! INSUFFICIENT_DATA / NOT_APPLICABLE counts and the failing resources (the worst
//! [`ReportBuilder::new`]`(top)` of them, with reasons). A duty that no control of the catalog
//! checks is said to be "not checked by sidewatch" — never counted as passed. The account-level
//! settings (root user, CloudTrail, Config, GuardDuty, password policy) are their own section.
//!
//! Memory stays flat however many verdicts arrive: the builder keeps counts and the top failing
//! resources of each duty, not the verdicts.
//!
//! Renderers: [`markdown`], [`html`] (one self-contained file: inline CSS and SVG, no URL) and
//! [`json`]; each in English or Japanese ([`Lang`]).
//!
//! ```
//! use sidewatch_core::{ComplianceType, controls};
//! use sidewatch_report::ReportBuilder;
//!
//! let mut builder = ReportBuilder::new(10);
//! let s3_8 = controls::find("S3.8").unwrap();
//! builder
//!     .add(s3_8, "AWS::S3::Bucket", "logs", ComplianceType::NonCompliant, "blockPublicPolicy is false")
//!     .unwrap();
//! let report = builder.build("example");
//! let s3 = &report.services[0];
//! assert_eq!(s3.service.slug, "s3");
//! let access = s3.duties.iter().find(|d| d.duty.slug() == "identity-and-access").unwrap();
//! assert_eq!(access.counts.failed, 1);
//! assert_eq!(access.failing[0].resource_id, "logs");
//! ```

use sidewatch_core::control::compare_ids;
use sidewatch_core::responsibility::{Category, SERVICES, Service, service_of};
use sidewatch_core::{ComplianceType, Control, Duty, Severity, catalog};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub mod findings;
pub mod html;
pub mod json;
mod lang;
pub mod markdown;

pub use lang::Lang;

/// Failing resources listed per duty unless the caller asks for another number.
pub const DEFAULT_TOP: usize = 10;

/// Why a verdict cannot be placed in the report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// The resource type belongs to no service sidewatch has controls for.
    #[error("{control}: resource type {resource_type} belongs to no service sidewatch knows")]
    UnknownResourceType {
        control: String,
        resource_type: String,
    },
    /// The control does not evaluate this resource type: the verdict did not come from it.
    #[error("{control} does not evaluate {resource_type}")]
    NotTheControlsType {
        control: String,
        resource_type: String,
    },
}

/// Verdicts by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
    pub insufficient: u64,
    pub not_applicable: u64,
}

impl Counts {
    fn add(&mut self, status: ComplianceType) {
        match status {
            ComplianceType::Compliant => self.passed += 1,
            ComplianceType::NonCompliant => self.failed += 1,
            ComplianceType::InsufficientData => self.insufficient += 1,
            ComplianceType::NotApplicable => self.not_applicable += 1,
        }
    }

    fn merge(&mut self, other: &Counts) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.insufficient += other.insufficient;
        self.not_applicable += other.not_applicable;
    }

    /// Every verdict counted.
    pub fn total(&self) -> u64 {
        self.passed + self.failed + self.insufficient + self.not_applicable
    }
}

/// The report of one input.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// What the verdicts came from, for people ("examples/config-snapshot.json").
    pub input: String,
    /// Every verdict of the report.
    pub totals: Counts,
    /// The services in use (with at least one verdict), by category then name; the account is
    /// not among them.
    pub services: Vec<ServiceReport>,
    /// The account-level settings, when any verdict is about them.
    pub account: Option<ServiceReport>,
    /// How many failing resources each duty lists at most.
    pub top: usize,
    /// Items read that no control evaluates (only known when the report scanned them).
    pub items_without_control: Option<u64>,
}

impl Report {
    /// The services in use, then the account section.
    pub fn sections(&self) -> impl Iterator<Item = &ServiceReport> {
        self.services.iter().chain(self.account.as_ref())
    }
}

/// One service in use.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceReport {
    pub service: &'static Service,
    /// The AWS Config resource types of the service seen in the verdicts.
    pub resource_types: Vec<String>,
    pub counts: Counts,
    /// Every duty of the service, in [`Duty::ALL`] order.
    pub duties: Vec<DutyReport>,
}

impl ServiceReport {
    /// The service's duties that no control of the catalog checks.
    pub fn unchecked(&self) -> impl Iterator<Item = Duty> + '_ {
        self.duties
            .iter()
            .filter(|d| d.coverage == Coverage::NotChecked)
            .map(|d| d.duty)
    }
}

/// Whether sidewatch checks a duty of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    /// Controls checked it: their verdicts are counted.
    Checked,
    /// The catalog has controls for it, but none gave a verdict in this input (no resource of
    /// their types, or they were not run).
    NoVerdicts,
    /// No control of the catalog checks it: the duty is the customer's all the same.
    NotChecked,
}

impl Coverage {
    /// A stable machine name, for JSON.
    pub fn slug(self) -> &'static str {
        match self {
            Coverage::Checked => "checked",
            Coverage::NoVerdicts => "no-verdicts",
            Coverage::NotChecked => "not-checked",
        }
    }
}

/// One duty of one service.
#[derive(Debug, Clone, PartialEq)]
pub struct DutyReport {
    pub duty: Duty,
    pub coverage: Coverage,
    pub counts: Counts,
    /// The controls that gave verdicts, in id order.
    pub controls: Vec<ControlReport>,
    /// The catalog's controls for this duty and service that gave no verdict.
    pub silent_controls: Vec<&'static Control>,
    /// The worst failing verdicts: highest severity first, then control id, resource type and id.
    pub failing: Vec<FailingResource>,
}

/// One control's verdicts within a duty.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlReport {
    pub control: &'static Control,
    pub counts: Counts,
}

/// A failed verdict, as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailingResource {
    pub control: &'static Control,
    pub resource_type: String,
    pub resource_id: String,
    pub reason: String,
}

impl FailingResource {
    fn key(&self) -> (std::cmp::Reverse<Severity>, &str, &str, &str, &str) {
        (
            std::cmp::Reverse(self.control.severity),
            self.control.id,
            &self.resource_type,
            &self.resource_id,
            &self.reason,
        )
    }
}

impl Ord for FailingResource {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (self.key(), other.key());
        a.0.cmp(&b.0)
            .then_with(|| compare_ids(a.1, b.1))
            .then_with(|| (a.2, a.3, a.4).cmp(&(b.2, b.3, b.4)))
    }
}

impl PartialOrd for FailingResource {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Collects verdicts into a [`Report`], keeping counts and the top failing resources only.
#[derive(Debug, Clone)]
pub struct ReportBuilder {
    top: usize,
    /// By index in [`SERVICES`].
    services: BTreeMap<usize, ServiceTally>,
    items_without_control: Option<u64>,
}

#[derive(Debug, Clone, Default)]
struct ServiceTally {
    resource_types: BTreeSet<String>,
    duties: BTreeMap<Duty, DutyTally>,
}

#[derive(Debug, Clone, Default)]
struct DutyTally {
    controls: HashMap<&'static str, (&'static Control, Counts)>,
    failing: BTreeSet<FailingResource>,
}

impl ReportBuilder {
    /// A builder listing at most `top` failing resources per duty.
    pub fn new(top: usize) -> Self {
        ReportBuilder {
            top,
            services: BTreeMap::new(),
            items_without_control: None,
        }
    }

    /// Counts one verdict of `control` on a resource.
    pub fn add(
        &mut self,
        control: &'static Control,
        resource_type: &str,
        resource_id: &str,
        status: ComplianceType,
        reason: &str,
    ) -> Result<(), ReportError> {
        let index = service_of(resource_type)
            .and_then(|s| SERVICES.iter().position(|known| known == s))
            .ok_or_else(|| ReportError::UnknownResourceType {
                control: control.id.to_owned(),
                resource_type: resource_type.to_owned(),
            })?;
        if !control.applies_to(resource_type) {
            return Err(ReportError::NotTheControlsType {
                control: control.id.to_owned(),
                resource_type: resource_type.to_owned(),
            });
        }
        let tally = self.services.entry(index).or_default();
        if !tally.resource_types.contains(resource_type) {
            tally.resource_types.insert(resource_type.to_owned());
        }
        let duty = tally.duties.entry(control.duty).or_default();
        duty.controls
            .entry(control.id)
            .or_insert((control, Counts::default()))
            .1
            .add(status);
        if status == ComplianceType::NonCompliant && self.top > 0 {
            let failing = FailingResource {
                control,
                resource_type: resource_type.to_owned(),
                resource_id: resource_id.to_owned(),
                reason: reason.to_owned(),
            };
            let full = duty.failing.len() >= self.top;
            if !full || duty.failing.last().is_some_and(|worst| failing < *worst) {
                duty.failing.insert(failing);
                if duty.failing.len() > self.top {
                    duty.failing.pop_last();
                }
            }
        }
        Ok(())
    }

    /// Counts one verdict read back from a findings file or Security Hub.
    pub fn add_row(&mut self, row: &findings::VerdictRow) -> Result<(), ReportError> {
        self.add(
            row.control,
            &row.resource_type,
            &row.resource_id,
            row.status,
            &row.reason,
        )
    }

    /// Records how many items were read that no control evaluates.
    pub fn items_without_control(&mut self, count: u64) {
        self.items_without_control = Some(count);
    }

    /// The report; `input` says what the verdicts came from.
    pub fn build(self, input: &str) -> Report {
        let mut totals = Counts::default();
        let mut services = Vec::new();
        let mut account = None;
        for (index, tally) in self.services {
            let service = &SERVICES[index];
            let section = service_report(service, tally);
            totals.merge(&section.counts);
            if service.category == Category::Account {
                account = Some(section);
            } else {
                services.push(section);
            }
        }
        // Infrastructure first, as the model is taught; `SERVICES` orders within a category.
        services.sort_by_key(|s| s.service.category);
        Report {
            input: input.to_owned(),
            totals,
            services,
            account,
            top: self.top,
            items_without_control: self.items_without_control,
        }
    }
}

fn service_report(service: &'static Service, mut tally: ServiceTally) -> ServiceReport {
    let mut counts = Counts::default();
    let duties = service
        .duties
        .iter()
        .map(|&duty| {
            let DutyTally {
                controls: seen,
                failing,
            } = tally.duties.remove(&duty).unwrap_or_default();
            let mut controls: Vec<ControlReport> = seen
                .into_values()
                .map(|(control, counts)| ControlReport { control, counts })
                .collect();
            controls.sort_by(|a, b| compare_ids(a.control.id, b.control.id));
            let mut duty_counts = Counts::default();
            for c in &controls {
                duty_counts.merge(&c.counts);
            }
            counts.merge(&duty_counts);
            let silent_controls: Vec<&'static Control> = controls_of(service, duty)
                .filter(|c| !controls.iter().any(|seen| seen.control.id == c.id))
                .collect();
            let coverage = if !controls.is_empty() {
                Coverage::Checked
            } else if silent_controls.is_empty() {
                Coverage::NotChecked
            } else {
                Coverage::NoVerdicts
            };
            DutyReport {
                duty,
                coverage,
                counts: duty_counts,
                controls,
                silent_controls,
                failing: failing.into_iter().collect(),
            }
        })
        .collect();
    ServiceReport {
        service,
        resource_types: tally.resource_types.into_iter().collect(),
        counts,
        duties,
    }
}

/// The catalog's controls that check `duty` on resource types of `service`, in id order.
pub fn controls_of(service: &Service, duty: Duty) -> impl Iterator<Item = &'static Control> + '_ {
    catalog().iter().copied().filter(move |c| {
        c.duty == duty
            && c.resource_types
                .iter()
                .any(|t| service_of(t).is_some_and(|s| s == service))
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use sidewatch_core::controls::find;

    /// A small report over S3, EC2 and the account, for the renderers' tests.
    pub fn sample(top: usize) -> Report {
        let mut b = ReportBuilder::new(top);
        let add = |b: &mut ReportBuilder, id: &str, t: &str, r: &str, s, why: &str| {
            b.add(find(id).unwrap(), t, r, s, why).unwrap();
        };
        use ComplianceType::*;
        add(
            &mut b,
            "S3.8",
            "AWS::S3::Bucket",
            "logs",
            NonCompliant,
            "blockPublicPolicy is false <&> | x",
        );
        add(
            &mut b,
            "S3.8",
            "AWS::S3::Bucket",
            "site",
            Compliant,
            "all four on",
        );
        add(
            &mut b,
            "S3.5",
            "AWS::S3::Bucket",
            "logs",
            NonCompliant,
            "no TLS-only statement",
        );
        add(
            &mut b,
            "S3.3",
            "AWS::S3::Bucket",
            "logs",
            InsufficientData,
            "no ACL recorded",
        );
        add(
            &mut b,
            "EC2.19",
            "AWS::EC2::SecurityGroup",
            "sg-1",
            NonCompliant,
            "tcp 22 from 0.0.0.0/0",
        );
        add(
            &mut b,
            "EC2.2",
            "AWS::EC2::SecurityGroup",
            "sg-2",
            NotApplicable,
            "not a default group",
        );
        add(
            &mut b,
            "IAM.6",
            sidewatch_core::ACCOUNT_RESOURCE_TYPE,
            "123456789012",
            NonCompliant,
            "root has no hardware MFA",
        );
        b.build("sample")
    }

    #[test]
    fn verdicts_land_in_their_service_and_duty_and_add_up() {
        let report = sample(10);
        assert_eq!(report.totals.total(), 7);
        assert_eq!(
            (
                report.totals.passed,
                report.totals.failed,
                report.totals.insufficient,
                report.totals.not_applicable
            ),
            (1, 4, 1, 1)
        );
        let slugs: Vec<&str> = report.services.iter().map(|s| s.service.slug).collect();
        assert_eq!(slugs, ["ec2", "s3"], "infrastructure before abstracted");
        let sum: u64 = report
            .sections()
            .flat_map(|s| &s.duties)
            .map(|d| d.counts.total())
            .sum();
        assert_eq!(sum, 7, "every verdict in exactly one duty");
        let s3 = &report.services[1];
        let access = s3
            .duties
            .iter()
            .find(|d| d.duty == Duty::IdentityAndAccess)
            .unwrap();
        assert_eq!(access.coverage, Coverage::Checked);
        assert_eq!(
            access
                .controls
                .iter()
                .map(|c| c.control.id)
                .collect::<Vec<_>>(),
            ["S3.3", "S3.8"]
        );
        assert!(access.silent_controls.iter().any(|c| c.id == "S3.2"));
        let account = report.account.as_ref().unwrap();
        assert_eq!(account.service.category, Category::Account);
        assert_eq!(account.counts.failed, 1);
    }

    #[test]
    fn a_duty_without_controls_is_not_checked_and_never_passed() {
        let report = sample(10);
        let ec2 = &report.services[0];
        let os = ec2
            .duties
            .iter()
            .find(|d| d.duty == Duty::OsAndPatching)
            .unwrap();
        assert_eq!(
            os.coverage,
            Coverage::NoVerdicts,
            "SSM.1 checks EC2 instances"
        );
        let sqs = SERVICES.iter().find(|s| s.slug == "sqs").unwrap();
        assert!(
            controls_of(sqs, Duty::LoggingAndMonitoring)
                .next()
                .is_none()
        );
        let mut b = ReportBuilder::new(3);
        b.add(
            find("SQS.1").unwrap(),
            "AWS::SQS::Queue",
            "q",
            ComplianceType::Compliant,
            "encrypted",
        )
        .unwrap();
        let report = b.build("x");
        let logging = report.services[0]
            .duties
            .iter()
            .find(|d| d.duty == Duty::LoggingAndMonitoring)
            .unwrap();
        assert_eq!(
            (logging.coverage, logging.counts.passed),
            (Coverage::NotChecked, 0)
        );
        assert_eq!(report.services[0].unchecked().count(), 2);
    }

    #[test]
    fn only_the_worst_failures_are_kept_whatever_their_order() {
        let sg = "AWS::EC2::SecurityGroup";
        let verdicts = [
            ("EC2.2", "sg-a"),
            ("EC2.19", "sg-b"),
            ("EC2.13", "sg-c"),
            ("EC2.19", "sg-a"),
        ];
        let build = |order: &[usize]| {
            let mut b = ReportBuilder::new(2);
            for &i in order {
                let (id, r) = verdicts[i];
                b.add(
                    find(id).unwrap(),
                    sg,
                    r,
                    ComplianceType::NonCompliant,
                    "open",
                )
                .unwrap();
            }
            b.build("x")
        };
        let a = build(&[0, 1, 2, 3]);
        assert_eq!(a, build(&[3, 2, 1, 0]));
        let network = &a.services[0]
            .duties
            .iter()
            .find(|d| d.duty == Duty::NetworkConfiguration)
            .unwrap();
        assert_eq!(network.counts.failed, 4);
        let kept: Vec<(&str, &str)> = network
            .failing
            .iter()
            .map(|f| (f.control.id, f.resource_id.as_str()))
            .collect();
        // EC2.19 is CRITICAL, EC2.2 and EC2.13 HIGH.
        assert_eq!(kept, [("EC2.19", "sg-a"), ("EC2.19", "sg-b")]);
    }

    #[test]
    fn verdicts_that_cannot_be_placed_are_errors() {
        let mut b = ReportBuilder::new(1);
        let s3_8 = find("S3.8").unwrap();
        assert!(matches!(
            b.add(
                s3_8,
                "AWS::Athena::WorkGroup",
                "w",
                ComplianceType::Compliant,
                ""
            ),
            Err(ReportError::UnknownResourceType { .. })
        ));
        assert!(matches!(
            b.add(s3_8, "AWS::SQS::Queue", "q", ComplianceType::Compliant, ""),
            Err(ReportError::NotTheControlsType { .. })
        ));
        assert_eq!(b.build("x").totals.total(), 0);
    }
}
