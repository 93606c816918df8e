//! What a control is: its metadata beside a pure evaluation function.

use crate::controls::ec2::ingress::{Transport, World};
use crate::evidence::{self, EvidenceKind};
use crate::item::ConfigurationItem;
use crate::params::{ParamSpec, ParamValue, ResolvedParams};
use crate::verdict::Verdict;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// The customer's duty under the AWS shared responsibility model that a control checks: AWS
/// secures the cloud, the customer what is in it. Each control declares one, so a report can say
/// per service which duties are checked and how they stand — and which no control covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Duty {
    /// Data protection and encryption: at rest, in transit, secrets kept out of configuration.
    DataProtection,
    /// Identity and access: users, credentials, MFA, policies, who can reach a resource.
    IdentityAndAccess,
    /// Network configuration: security groups, NACLs, public addresses and endpoints.
    NetworkConfiguration,
    /// Operating system and patching: the customer's software kept current and hardened.
    OsAndPatching,
    /// Logging and monitoring: recording what happens and watching for threats.
    LoggingAndMonitoring,
    /// Resilience: backups, versioning, redundancy, protection from deletion.
    Resilience,
}

impl Duty {
    /// Every duty, in the order reports list them.
    pub const ALL: [Duty; 6] = [
        Duty::DataProtection,
        Duty::IdentityAndAccess,
        Duty::NetworkConfiguration,
        Duty::OsAndPatching,
        Duty::LoggingAndMonitoring,
        Duty::Resilience,
    ];

    /// The duty's name for people ("Data protection and encryption").
    pub fn title(self) -> &'static str {
        match self {
            Duty::DataProtection => "Data protection and encryption",
            Duty::IdentityAndAccess => "Identity and access",
            Duty::NetworkConfiguration => "Network configuration",
            Duty::OsAndPatching => "OS and patching",
            Duty::LoggingAndMonitoring => "Logging and monitoring",
            Duty::Resilience => "Resilience",
        }
    }

    /// A stable machine name (`data-protection`), for JSON and command lines.
    pub fn slug(self) -> &'static str {
        match self {
            Duty::DataProtection => "data-protection",
            Duty::IdentityAndAccess => "identity-and-access",
            Duty::NetworkConfiguration => "network-configuration",
            Duty::OsAndPatching => "os-and-patching",
            Duty::LoggingAndMonitoring => "logging-and-monitoring",
            Duty::Resilience => "resilience",
        }
    }
}

/// Severity of a failed control, as Security Hub labels it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// All severities, lowest first.
    pub const ALL: [Severity; 5] = [
        Severity::Informational,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The ASFF `Severity.Label` spelling.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Informational => "INFORMATIONAL",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }

    /// The ASFF `Severity.Normalized` value Security Hub derives from the label.
    pub fn normalized(self) -> u8 {
        match self {
            Severity::Informational => 0,
            Severity::Low => 1,
            Severity::Medium => 40,
            Severity::High => 70,
            Severity::Critical => 90,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|sev| sev.label().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!(
                    "unknown severity '{s}'; use one of informational, low, medium, high, critical"
                )
            })
    }
}

/// The standards of [`Mappings`], as Security Hub spells them in `RelatedRequirements`.
pub const FSBP_STANDARD: &str = "AWS Foundational Security Best Practices v1.0.0";
pub const CIS_STANDARD: &str = "CIS AWS Foundations Benchmark v3.0.0";
pub const NIST_STANDARD: &str = "NIST.800-53.r5";
/// Every standard a control can be mapped to, in the order of its requirements.
pub const STANDARDS: [&str; 3] = [FSBP_STANDARD, CIS_STANDARD, NIST_STANDARD];

/// The compliance frameworks a control answers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mappings {
    /// AWS Foundational Security Best Practices v1.0.0 control id (`S3.8`), when one exists.
    pub fsbp: Option<&'static str>,
    /// CIS AWS Foundations Benchmark v3.0.0 recommendation (`2.1.4`), when one exists.
    pub cis_v3: Option<&'static str>,
    /// NIST SP 800-53 Rev. 5 controls (`AC-21`, `SC-7(3)`), where known.
    pub nist_800_53_r5: &'static [&'static str],
}

impl Mappings {
    /// No mapping: for controls sidewatch adds beyond the standards.
    pub const NONE: Mappings = Mappings {
        fsbp: None,
        cis_v3: None,
        nist_800_53_r5: &[],
    };

    /// The ASFF `Compliance.RelatedRequirements` strings.
    pub fn related_requirements(&self) -> Vec<String> {
        let mut out = Vec::with_capacity(2 + self.nist_800_53_r5.len());
        if let Some(id) = self.fsbp {
            out.push(format!("{FSBP_STANDARD}/{id}"));
        }
        if let Some(id) = self.cis_v3 {
            out.push(format!("{CIS_STANDARD}/{id}"));
        }
        for id in self.nist_800_53_r5 {
            out.push(format!("{NIST_STANDARD} {id}"));
        }
        out
    }
}

/// One security control: metadata beside a pure evaluation function.
///
/// A control is a `const` in its own file (`controls/s3/public_access_block.rs`), listed in its
/// service's `CONTROLS`. The id is the AWS Security Hub control id when Security Hub has the
/// control (`S3.8` from FSBP, `IAM.22` from the CIS standard); controls Security Hub does not have
/// are `<Service>.X<n>`.
pub struct Control {
    /// `S3.8`, `EC2.19`, `IAM.22`, `Lambda.X1`.
    pub id: &'static str,
    /// One line, phrased as the requirement ("S3 general purpose buckets should block public access").
    pub title: &'static str,
    /// What a failure of this control is worth.
    pub severity: Severity,
    /// The AWS Config resource types it evaluates (`AWS::S3::Bucket`).
    pub resource_types: &'static [&'static str],
    /// What decides pass or fail, in a sentence or two, for the docs.
    pub rationale: &'static str,
    /// What to do when it fails.
    pub remediation: &'static str,
    /// Where to read more (AWS documentation).
    pub remediation_url: &'static str,
    /// What the remediation hook offers when the control fails: an automatic change, or a
    /// notification only and why a person must act.
    pub remediation_hook: Remediation,
    /// The customer duty of the shared responsibility model it checks.
    pub duty: Duty,
    /// FSBP / CIS / NIST ids.
    pub mappings: Mappings,
    /// Tunable thresholds with their defaults.
    pub parameters: &'static [ParamSpec],
    /// What the control needs beyond the configuration item; fetched once per resource by an
    /// adapter and read with [`Context::evidence`]. Empty for controls the item alone decides.
    pub evidence: &'static [EvidenceKind],
    /// The evaluation. Pure: reads the context, returns a verdict, never panics on odd input.
    pub evaluate: fn(&Context<'_>) -> Verdict,
}

impl fmt::Debug for Control {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Control")
            .field("id", &self.id)
            .field("severity", &self.severity)
            .field("resource_types", &self.resource_types)
            .finish_non_exhaustive()
    }
}

/// Controls are identified by id: two controls with one id cannot both be in the catalog.
impl PartialEq for Control {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for Control {}

impl Control {
    /// The service part of the id (`S3` for `S3.8`).
    pub fn service(&self) -> &'static str {
        self.id.split('.').next().unwrap_or(self.id)
    }

    /// Whether the control evaluates this resource type. No type listed means every type: a
    /// custom rule written without a `resourceType` clause (built-in controls always list theirs).
    pub fn applies_to(&self, resource_type: &str) -> bool {
        self.resource_types.is_empty() || self.resource_types.contains(&resource_type)
    }

    /// The declared parameter called `name`.
    pub fn parameter(&self, name: &str) -> Option<&'static ParamSpec> {
        self.parameters.iter().find(|p| p.name == name)
    }
}

/// What the remediation hook offers for a failing control, declared beside the control. The
/// planner (`sidewatch-remediation`) computes the exact change from the live item; the
/// generated `docs/remediation.md` lists `does` and `why`.
#[derive(Debug, Clone, Copy)]
pub enum Remediation {
    /// sidewatch can fix it: the change, and what it does in words.
    Automatic { plan: PlanKind, does: &'static str },
    /// sidewatch only notifies: why a person must act.
    NotifyOnly { why: &'static str },
}

/// The change an automatic remediation makes. Each control changes only what it is about.
#[derive(Debug, Clone, Copy)]
pub enum PlanKind {
    /// `s3:PutPublicAccessBlock` with all four settings on.
    BucketPublicAccessBlock,
    /// `s3control:PutPublicAccessBlock` with all four settings on.
    AccountPublicAccessBlock,
    /// `s3:PutBucketPolicy`: the bucket policy plus one Deny statement for insecure transport.
    BucketTlsOnlyStatement,
    /// `s3:PutBucketVersioning` with `Status: Enabled` (MFA delete untouched).
    BucketVersioning,
    /// `s3:PutBucketEncryption`: SSE-KMS with the configured or allowed key, or `aws/s3`.
    BucketDefaultEncryption,
    /// Revoke every inbound and outbound rule of the group, as recorded.
    RevokeAllSecurityGroupRules,
    /// Revoke only the world-open ranges of the inbound rules that reach the traffic this
    /// function reads from the control's parameters: the traffic the control checks.
    RevokeWorldOpenIngress(for<'a> fn(&Context<'a>) -> OpenPorts<'a>),
    /// `ec2:ModifyInstanceMetadataOptions` with `HttpTokens: required`.
    RequireImdsv2,
    /// `ec2:EnableEbsEncryptionByDefault` in the item's Region.
    EbsEncryptionByDefault,
    /// `kms:EnableKeyRotation`.
    KeyRotation,
    /// `cloudtrail:UpdateTrail` with `EnableLogFileValidation: true`.
    LogFileValidation,
    /// `iam:UpdateAccountPasswordPolicy` with the configured policy, keeping stronger settings.
    AccountPasswordPolicy,
    /// `rds:ModifyDBInstance`: backup retention to the control's `backupRetentionMinimum`.
    DbBackupRetention,
    /// `rds:ModifyDBInstance`: automatic minor version upgrades on.
    DbAutoMinorVersionUpgrade,
}

/// The inbound traffic a "no world-open ingress to these ports" control checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenPorts<'a> {
    pub ports: &'a [i64],
    pub transports: &'static [Transport],
    pub world: World,
}

/// Orders control ids the way people read them: by service, then number (`EC2.9` < `EC2.13`),
/// with sidewatch's own `X` controls after the standard ones.
pub fn compare_ids(a: &str, b: &str) -> Ordering {
    fn key(id: &str) -> (&str, bool, u32, &str) {
        let (service, number) = id.split_once('.').unwrap_or((id, ""));
        let extended = number.starts_with('X');
        let digits = number.trim_start_matches('X');
        let n: u32 = digits
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap_or(u32::MAX);
        (service, extended, n, number)
    }
    key(a).cmp(&key(b))
}

/// What a control's evaluation function sees: the item and the control's resolved parameters.
#[derive(Debug)]
pub struct Context<'a> {
    /// The configuration item under evaluation.
    pub item: &'a ConfigurationItem,
    pub(crate) params: &'a ResolvedParams,
    /// The views of the item the controls evaluated before this one derived, when the engine
    /// evaluates several controls of the item.
    views: Option<&'a Views>,
}

/// A view of an item that several controls read the same way (a security group's parsed rules):
/// derived by the first control that asks for it ([`Context::view`]) while the engine evaluates
/// the item, then shared by the others. It depends on the item alone, never on a control's
/// parameters.
pub trait View: 'static {
    /// What the view holds; a `Result` when the item may not hold it readably (each control
    /// says what that means for it). Each control that asks gets a clone: keep it cheap to clone
    /// (the derived value behind an `Rc`).
    type Output: Clone + 'static;

    fn derive(item: &ConfigurationItem) -> Self::Output;
}

/// The views derived so far of the item the engine is evaluating, dropped with its evaluation.
#[derive(Default)]
pub struct Views(RefCell<Vec<(TypeId, Box<dyn Any>)>>);

impl fmt::Debug for Views {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Views({} derived)", self.0.borrow().len())
    }
}

impl Views {
    fn get<V: View>(&self, item: &ConfigurationItem) -> V::Output {
        let id = TypeId::of::<V>();
        let derived = self
            .0
            .borrow()
            .iter()
            .find(|(view, _)| *view == id)
            .and_then(|(_, output)| output.downcast_ref::<V::Output>().cloned());
        derived.unwrap_or_else(|| {
            let output = V::derive(item);
            self.0.borrow_mut().push((id, Box::new(output.clone())));
            output
        })
    }
}

impl<'a> Context<'a> {
    /// A context with the given resolved parameters (used by the engine and in tests); each
    /// [`Context::view`] is derived afresh.
    pub fn new(item: &'a ConfigurationItem, params: &'a ResolvedParams) -> Self {
        Context {
            item,
            params,
            views: None,
        }
    }

    /// A context whose [`Context::view`]s are shared through `views` with the other controls
    /// evaluating the same item.
    pub(crate) fn sharing(
        item: &'a ConfigurationItem,
        params: &'a ResolvedParams,
        views: &'a Views,
    ) -> Self {
        Context {
            item,
            params,
            views: Some(views),
        }
    }

    /// The item's view `V`, derived once per item however many controls ask.
    pub fn view<V: View>(&self) -> V::Output {
        match self.views {
            Some(views) => views.get::<V>(self.item),
            None => V::derive(self.item),
        }
    }

    fn param(&self, name: &str) -> Option<&'a ParamValue> {
        let value = self.params.get(name);
        debug_assert!(
            value.is_some(),
            "control asked for parameter `{name}` that it does not declare"
        );
        value
    }

    /// The evidence of `kind` stored in the item, or the INSUFFICIENT_DATA verdict that says why it
    /// is missing (not collected, or the read failed). A control returns that verdict as is:
    /// missing evidence is never a pass.
    pub fn evidence(&self, kind: EvidenceKind) -> Result<&'a Value, Verdict> {
        evidence::lookup(&self.item.supplementary, kind).map_err(Verdict::insufficient)
    }

    /// Like [`Context::evidence`], deserialized into the typed shape the adapters write.
    pub fn evidence_as<T: DeserializeOwned>(&self, kind: EvidenceKind) -> Result<T, Verdict> {
        let value = self.evidence(kind)?;
        T::deserialize(value)
            .map_err(|e| Verdict::insufficient(format!("the {kind} evidence is malformed: {e}")))
    }

    /// An integer parameter the control declares.
    pub fn int(&self, name: &str) -> i64 {
        match self.param(name) {
            Some(ParamValue::Int(n)) => *n,
            _ => 0,
        }
    }

    /// A list-of-integers parameter the control declares (ports).
    pub fn int_list(&self, name: &str) -> &'a [i64] {
        match self.param(name) {
            Some(ParamValue::IntList(v)) => v,
            _ => &[],
        }
    }

    /// A list-of-strings parameter the control declares.
    pub fn str_list(&self, name: &str) -> &'a [String] {
        match self.param(name) {
            Some(ParamValue::StringList(v)) => v,
            _ => &[],
        }
    }

    /// A boolean parameter the control declares.
    pub fn bool(&self, name: &str) -> bool {
        matches!(self.param(name), Some(ParamValue::Bool(true)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    thread_local! {
        static DERIVED: Cell<usize> = const { Cell::new(0) };
    }

    /// A view that counts how often it is derived.
    struct Counted;

    impl View for Counted {
        type Output = String;

        fn derive(item: &ConfigurationItem) -> String {
            DERIVED.set(DERIVED.get() + 1);
            item.resource_id.clone()
        }
    }

    /// Another view of the same type of output: kept apart from [`Counted`].
    struct Shouted;

    impl View for Shouted {
        type Output = String;

        fn derive(item: &ConfigurationItem) -> String {
            item.resource_id.to_uppercase()
        }
    }

    #[test]
    fn a_view_is_derived_once_per_shared_evaluation_and_kept_apart_from_others() {
        let item = ConfigurationItem::new("AWS::EC2::SecurityGroup", "sg-1");
        let params = ResolvedParams::default();
        DERIVED.set(0);
        let views = Views::default();
        for _ in 0..3 {
            let ctx = Context::sharing(&item, &params, &views);
            assert_eq!(ctx.view::<Counted>(), "sg-1");
            assert_eq!(ctx.view::<Shouted>(), "SG-1");
        }
        assert_eq!(
            DERIVED.get(),
            1,
            "derived once for the controls sharing the views"
        );
        for _ in 0..2 {
            assert_eq!(Context::new(&item, &params).view::<Counted>(), "sg-1");
        }
        assert_eq!(DERIVED.get(), 3, "derived afresh without shared views");
    }

    #[test]
    fn ids_sort_numerically_within_a_service() {
        let mut ids = vec![
            "EC2.13",
            "EC2.9",
            "EC2.X1",
            "EC2.2",
            "CloudTrail.4",
            "S3.17",
            "S3.5",
        ];
        ids.sort_by(|a, b| compare_ids(a, b));
        assert_eq!(
            ids,
            [
                "CloudTrail.4",
                "EC2.2",
                "EC2.9",
                "EC2.13",
                "EC2.X1",
                "S3.5",
                "S3.17"
            ]
        );
    }

    #[test]
    fn severity_parses_any_case_and_explains_errors() {
        assert_eq!("high".parse::<Severity>(), Ok(Severity::High));
        assert_eq!("CRITICAL".parse::<Severity>(), Ok(Severity::Critical));
        assert!(
            "severe"
                .parse::<Severity>()
                .unwrap_err()
                .contains("informational")
        );
        assert!(Severity::Critical > Severity::Low);
    }

    #[test]
    fn related_requirements_follow_securityhub_spelling() {
        let m = Mappings {
            fsbp: Some("S3.8"),
            cis_v3: Some("2.1.4"),
            nist_800_53_r5: &["AC-21"],
        };
        assert_eq!(
            m.related_requirements(),
            [
                "AWS Foundational Security Best Practices v1.0.0/S3.8",
                "CIS AWS Foundations Benchmark v3.0.0/2.1.4",
                "NIST.800-53.r5 AC-21"
            ]
        );
    }
}
