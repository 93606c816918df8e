//! What exactly to change, computed from the live configuration item.
//!
//! [`plan`] first evaluates the control on the live item with the same parameters the engine
//! uses: a resource that complies already gets [`NotRemediable::AlreadyCompliant`], so planning is
//! idempotent whatever the change. Each plan changes only what its control is about:
//!
//! * S3.5 appends ONE statement ([`TLS_SID`]) to the existing bucket policy, leaving every other
//!   statement equal as a JSON value, and never adds a second copy;
//! * EC2.13 / EC2.14 / EC2.19 / EC2.53 / EC2.54 revoke only the world-open ranges (`0.0.0.0/0`,
//!   `::/0`) of the permissions that reach the control's ports; group references, prefix lists and
//!   narrower ranges stay. EC2 revokes a permission's whole port range: a world-open `tcp 0-65535`
//!   goes entirely, and the plan's description says so;
//! * EC2.2 revokes every rule of the default group, as recorded;
//! * IAM.7 / IAM.11–17 apply the configured password policy, keeping any current setting that is
//!   stronger, and check that the result passes the control before proposing it.
//!
//! Each control declares what its remediation does ([`Control::remediation_hook`]): the
//! [`PlanKind`] of an automatic one, which [`plan`] turns into the change, or why a person must
//! act, which [`plan`] answers with [`NotRemediable::NotifyOnly`].

use super::{PasswordPolicySettings, RemediationConfig};
use serde_json::{Value, json};
pub use sidewatch_core::change::{AccountPasswordPolicy, GroupPair, IpPermission, Plan, TLS_SID};
use sidewatch_core::control::{Context, Control, PlanKind, Remediation};
use sidewatch_core::controls::account;
use sidewatch_core::controls::ec2::ingress::{
    Family, Transport, World, exposures, parse_permissions, world_family,
};
use sidewatch_core::controls::{self, catalog};
use sidewatch_core::engine::{Engine, EngineConfig};
use sidewatch_core::evidence::EvidenceKind;
use sidewatch_core::evidence::shapes::PasswordPolicy;
use sidewatch_core::item::{ConfigurationItem, json_type, value_as_i64};
use sidewatch_core::params::ResolvedParams;
use sidewatch_core::verdict::Verdict;

/// Whether sidewatch can fix a control automatically.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remediability {
    /// Yes: what it does.
    Automatic(&'static str),
    /// No: why a person must.
    NotifyOnly(&'static str),
}

/// Whether sidewatch can fix `control_id` automatically, as the control declares
/// ([`Control::remediation_hook`]).
pub fn remediability(control_id: &str) -> Remediability {
    match controls::find(control_id).map(|control| control.remediation_hook) {
        Some(Remediation::Automatic { does, .. }) => Remediability::Automatic(does),
        Some(Remediation::NotifyOnly { why }) => Remediability::NotifyOnly(why),
        None => Remediability::NotifyOnly("sidewatch defines no automatic remediation for it"),
    }
}

/// Every control of the catalog with its remediability, in catalog order (for the README table).
pub fn remediation_table() -> Vec<(&'static Control, Remediability)> {
    catalog()
        .iter()
        .map(|c| (*c, remediability(c.id)))
        .collect()
}

/// The permission at `raw` with only its protocol and ports (no peers yet).
pub(crate) fn bare_permission(raw: &Value) -> Result<IpPermission, String> {
    let ip_protocol = match raw.get("ipProtocol") {
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err("a permission has no readable ipProtocol".to_owned()),
    };
    Ok(IpPermission {
        ip_protocol,
        from_port: raw.get("fromPort").and_then(value_as_i64),
        to_port: raw.get("toPort").and_then(value_as_i64),
        ipv4_ranges: Vec::new(),
        ipv6_ranges: Vec::new(),
        user_id_group_pairs: Vec::new(),
        prefix_list_ids: Vec::new(),
    })
}

/// The whole permission as recorded.
pub(crate) fn whole_permission(raw: &Value) -> Result<IpPermission, String> {
    let mut p = bare_permission(raw)?;
    p.ipv4_ranges = cidrs(raw, Family::V4);
    p.ipv6_ranges = cidrs(raw, Family::V6);
    p.user_id_group_pairs = list(raw, "userIdGroupPairs")
        .filter_map(|pair| {
            let field = |k: &str| pair.get(k).and_then(Value::as_str).map(str::to_owned);
            let pair = GroupPair {
                group_id: field("groupId"),
                group_name: field("groupName"),
                user_id: field("userId"),
            };
            (pair.group_id.is_some() || pair.group_name.is_some()).then_some(pair)
        })
        .collect();
    p.prefix_list_ids = list(raw, "prefixListIds")
        .filter_map(|v| v.get("prefixListId").and_then(Value::as_str))
        .map(str::to_owned)
        .collect();
    Ok(p)
}

/// The entries of the list `field` of a permission (absent or not a list: none).
fn list<'a>(raw: &'a Value, field: &str) -> impl Iterator<Item = &'a Value> + 'a {
    raw.get(field)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// Every CIDR of `family` in a permission (IPv4 from `ipv4Ranges` and the legacy `ipRanges`),
/// without repeats.
fn cidrs(raw: &Value, family: Family) -> Vec<String> {
    let sources: &[(&str, &str)] = match family {
        Family::V4 => &[("ipv4Ranges", "cidrIp"), ("ipRanges", "cidrIp")],
        Family::V6 => &[("ipv6Ranges", "cidrIpv6")],
    };
    let mut out: Vec<String> = Vec::new();
    for (field, key) in sources {
        for entry in list(raw, field) {
            let text = match entry {
                Value::String(s) => Some(s.as_str()),
                other => other.get(*key).and_then(Value::as_str),
            };
            if let Some(text) = text.map(str::trim).filter(|t| !t.is_empty())
                && !out.iter().any(|c| c == text)
            {
                out.push(text.to_owned());
            }
        }
    }
    out
}

/// Why there is no plan.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotRemediable {
    /// The control has no safe automatic fix.
    #[error("notify-only: {reason}")]
    NotifyOnly { reason: String },
    /// The live resource complies: nothing to change.
    #[error("already compliant: {reason}")]
    AlreadyCompliant { reason: String },
    /// The control does not apply to the live resource.
    #[error("not applicable: {reason}")]
    NotApplicable { reason: String },
    /// The change cannot be computed safely from what the item says.
    #[error("cannot plan: {reason}")]
    CannotPlan { reason: String },
}

impl NotRemediable {
    /// Stable code for logs: `notify-only`, `already-compliant`, `not-applicable`, `cannot-plan`.
    pub fn code(&self) -> &'static str {
        match self {
            NotRemediable::NotifyOnly { .. } => "notify-only",
            NotRemediable::AlreadyCompliant { .. } => "already-compliant",
            NotRemediable::NotApplicable { .. } => "not-applicable",
            NotRemediable::CannotPlan { .. } => "cannot-plan",
        }
    }
}

fn cannot(reason: impl Into<String>) -> NotRemediable {
    NotRemediable::CannotPlan {
        reason: reason.into(),
    }
}

/// The control's verdict on the live item, with the parameters the engine runs with — what
/// [`super::guard::confirm`] takes.
pub fn evaluate_live(
    control: &Control,
    item: &ConfigurationItem,
    config: &RemediationConfig,
) -> Result<Verdict, String> {
    let engine = control_engine(control, config)?;
    Ok(engine
        .evaluate(item)
        .into_iter()
        .find(|e| e.control.id == control.id)
        .map_or_else(
            || {
                Verdict::not_applicable(format!(
                    "{} does not evaluate {}",
                    control.id, item.resource_type
                ))
            },
            |e| e.verdict,
        ))
}

/// The engine of `control` alone, with the remediation's parameter overrides.
pub fn control_engine(control: &Control, config: &RemediationConfig) -> Result<Engine, String> {
    Engine::new(&EngineConfig {
        select: vec![control.id.to_owned()],
        exclude: Vec::new(),
        overrides: config.overrides.clone(),
    })
    .map_err(|e| e.to_string())
}

/// The exact change that makes `live_item` comply with `control_id`.
pub fn plan(
    control_id: &str,
    live_item: &ConfigurationItem,
    config: &RemediationConfig,
) -> Result<Plan, NotRemediable> {
    let control =
        controls::find(control_id).ok_or_else(|| cannot(format!("no control {control_id}")))?;
    let kind = match control.remediation_hook {
        Remediation::Automatic { plan, .. } => plan,
        Remediation::NotifyOnly { why } => {
            return Err(NotRemediable::NotifyOnly {
                reason: why.to_owned(),
            });
        }
    };
    match evaluate_live(control, live_item, config).map_err(cannot)? {
        Verdict::NonCompliant(_) => {}
        Verdict::Compliant(reason) => return Err(NotRemediable::AlreadyCompliant { reason }),
        Verdict::NotApplicable(reason) => return Err(NotRemediable::NotApplicable { reason }),
        Verdict::InsufficientData(reason) => return Err(cannot(reason)),
    }
    let params = ResolvedParams::resolve(
        control.id,
        control.parameters,
        config.overrides.for_control(control.id),
    )
    .map_err(|e| cannot(e.to_string()))?;
    let ctx = Context::new(live_item, &params);
    let item = live_item;
    match kind {
        PlanKind::BucketPublicAccessBlock => Ok(Plan::PutBucketPublicAccessBlock {
            bucket: bucket_name(item),
        }),
        PlanKind::AccountPublicAccessBlock => Ok(Plan::PutAccountPublicAccessBlock {
            account_id: item
                .account_id
                .clone()
                .unwrap_or_else(|| item.resource_id.clone()),
        }),
        PlanKind::BucketTlsOnlyStatement => tls_policy(item),
        PlanKind::BucketVersioning => Ok(Plan::PutBucketVersioning {
            bucket: bucket_name(item),
        }),
        PlanKind::BucketDefaultEncryption => bucket_encryption(&ctx, config),
        PlanKind::RevokeAllSecurityGroupRules => Ok(Plan::RevokeSecurityGroupRules {
            group_id: group_id(item),
            ingress: all_permissions(item, "ipPermissions")?,
            egress: all_permissions(item, "ipPermissionsEgress")?,
        }),
        PlanKind::RevokeWorldOpenIngress(open_ports) => {
            let open = open_ports(&ctx);
            world_open(item, open.ports, open.transports, open.world)
        }
        PlanKind::RequireImdsv2 => Ok(Plan::RequireImdsv2 {
            instance_id: config_or_id(item, "/instanceId"),
        }),
        PlanKind::EbsEncryptionByDefault => Ok(Plan::EnableEbsEncryptionByDefault {
            region: account::region(item)
                .ok_or_else(|| cannot("the account item names no Region"))?
                .to_owned(),
        }),
        PlanKind::KeyRotation => Ok(Plan::EnableKeyRotation {
            key_id: config_or_id(item, "/keyId"),
        }),
        PlanKind::LogFileValidation => Ok(Plan::EnableLogFileValidation {
            trail: item
                .config_str("/trailARN")
                .or_else(|| item.config_str("/name"))
                .unwrap_or(&item.resource_id)
                .to_owned(),
        }),
        PlanKind::AccountPasswordPolicy => password_policy(control, &ctx, config),
        PlanKind::DbBackupRetention => {
            if let Some(cluster) = item.config_str("/dBClusterIdentifier") {
                return Err(cannot(format!(
                    "the instance takes backup retention from DB cluster {cluster}: change it there"
                )));
            }
            Ok(Plan::ModifyDbInstance {
                db_instance_identifier: db_instance(item)?,
                backup_retention_period: Some(ctx.int("backupRetentionMinimum")),
                auto_minor_version_upgrade: None,
                apply_immediately: false,
            })
        }
        PlanKind::DbAutoMinorVersionUpgrade => Ok(Plan::ModifyDbInstance {
            db_instance_identifier: db_instance(item)?,
            backup_retention_period: None,
            auto_minor_version_upgrade: Some(true),
            apply_immediately: false,
        }),
    }
}

fn bucket_name(item: &ConfigurationItem) -> String {
    item.config_str("/name")
        .or(item.resource_name.as_deref())
        .unwrap_or(&item.resource_id)
        .to_owned()
}

fn group_id(item: &ConfigurationItem) -> String {
    config_or_id(item, "/groupId")
}

fn config_or_id(item: &ConfigurationItem, pointer: &str) -> String {
    item.config_str(pointer)
        .unwrap_or(&item.resource_id)
        .to_owned()
}

fn db_instance(item: &ConfigurationItem) -> Result<String, NotRemediable> {
    // The Config resourceId of a DB instance is its DbiResourceId (db-…), which ModifyDBInstance
    // does not take.
    item.config_str("/dBInstanceIdentifier")
        .or(item.resource_name.as_deref())
        .map(str::to_owned)
        .ok_or_else(|| cannot("the item names no dBInstanceIdentifier"))
}

/// S3.5: the bucket policy plus one TLS-only Deny statement.
fn tls_policy(item: &ConfigurationItem) -> Result<Plan, NotRemediable> {
    let bucket = bucket_name(item);
    let arn = format!("arn:{}:s3:::{bucket}", item.partition());
    let ours = json!({
        "Sid": TLS_SID,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn.clone(), format!("{arn}/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    });
    let existing = match item.supplementary("BucketPolicy") {
        None => None,
        Some(Value::Object(bp)) => bp.get("policyText").filter(|v| !v.is_null()).cloned(),
        Some(other) => {
            return Err(cannot(format!(
                "supplementaryConfiguration.BucketPolicy is {}, not an object",
                json_type(other)
            )));
        }
    };
    let policy = match existing {
        None => json!({"Version": "2012-10-17", "Statement": [ours]}),
        Some(Value::String(text)) => {
            let parsed: Value = serde_json::from_str(&text)
                .map_err(|e| cannot(format!("the bucket policy is not JSON: {e}")))?;
            append_statement(parsed, ours)?
        }
        Some(document) => append_statement(document, ours)?,
    };
    Ok(Plan::PutBucketPolicy { bucket, policy })
}

/// Appends `ours` to the document's statements, changing nothing else. A statement with our Sid
/// already there means someone changed it: a person must look.
fn append_statement(mut document: Value, ours: Value) -> Result<Value, NotRemediable> {
    let Value::Object(map) = &mut document else {
        return Err(cannot(format!(
            "the bucket policy is {}, not a JSON object",
            json_type(&document)
        )));
    };
    let statements = match map.remove("Statement") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list,
        Some(single @ Value::Object(_)) => vec![single],
        Some(other) => {
            return Err(cannot(format!(
                "the bucket policy's Statement is {}",
                json_type(&other)
            )));
        }
    };
    if statements
        .iter()
        .any(|s| s.get("Sid").and_then(Value::as_str) == Some(TLS_SID))
    {
        return Err(cannot(format!(
            "the bucket policy already has a statement {TLS_SID} that no longer denies \
             insecure transport: someone changed it, a person must look"
        )));
    }
    let mut statements = statements;
    statements.push(ours);
    map.insert("Statement".to_owned(), Value::Array(statements));
    Ok(document)
}

/// S3.17: SSE-KMS with the configured key, the control's first allowed key, or aws/s3.
fn bucket_encryption(ctx: &Context<'_>, config: &RemediationConfig) -> Result<Plan, NotRemediable> {
    let allowed = ctx.str_list("kmsKeyArns");
    let key = config
        .s3_kms_key_id
        .clone()
        .or_else(|| allowed.first().cloned());
    if !allowed.is_empty()
        && let Some(k) = &key
        && !allowed.contains(k)
    {
        return Err(cannot(format!(
            "the configured key {k} is not in S3.17's kmsKeyArns, so the fix would still fail"
        )));
    }
    Ok(Plan::PutBucketEncryption {
        bucket: bucket_name(ctx.item),
        kms_master_key_id: key,
        bucket_key_enabled: true,
    })
}

/// EC2.2: every rule as recorded.
fn all_permissions(
    item: &ConfigurationItem,
    field: &str,
) -> Result<Vec<IpPermission>, NotRemediable> {
    match item.config(&format!("/{field}")) {
        None => Ok(Vec::new()),
        Some(Value::Array(list)) => list
            .iter()
            .map(|raw| whole_permission(raw).map_err(cannot))
            .collect(),
        Some(other) => Err(cannot(format!("{field} is {}", json_type(other)))),
    }
}

/// EC2.13/14/19/53/54: the world-open ranges of each permission that reaches `ports`.
fn world_open(
    item: &ConfigurationItem,
    ports: &[i64],
    transports: &[Transport],
    world: World,
) -> Result<Plan, NotRemediable> {
    let raw = item
        .config("/ipPermissions")
        .ok_or_else(|| cannot("the item records no ipPermissions"))?;
    let raw_list = raw
        .as_array()
        .ok_or_else(|| cannot("ipPermissions is not a list"))?;
    let permissions =
        parse_permissions(raw, "configuration.ipPermissions").map_err(|u| cannot(u.to_string()))?;
    // As before the split into readable and unreadable permissions: a plan is only made from a
    // list that could be read whole.
    if let Some(unreadable) = permissions.unreadable.first() {
        return Err(cannot(unreadable.to_string()));
    }
    let found = exposures(&permissions.readable, ports, transports, world);
    let mut ingress: Vec<IpPermission> = Vec::new();
    let mut done: Vec<usize> = Vec::new();
    for exposure in &found {
        let number = exposure.permission.number;
        if done.contains(&number) {
            continue;
        }
        done.push(number);
        let families: Vec<Family> = found
            .iter()
            .filter(|e| e.permission.number == number)
            .filter_map(|e| world_family(e.source))
            .collect();
        let source = raw_list
            .get(number.saturating_sub(1))
            .ok_or_else(|| cannot(format!("permission #{number} is missing")))?;
        let mut p = bare_permission(source).map_err(cannot)?;
        for family in families {
            let open: Vec<String> = cidrs(source, family)
                .into_iter()
                .filter(|c| world_family(c) == Some(family))
                .collect();
            match family {
                Family::V4 => p.ipv4_ranges = open,
                Family::V6 => p.ipv6_ranges = open,
            }
        }
        ingress.push(p);
    }
    if ingress.is_empty() {
        return Err(cannot(
            "no world-open permission reaches the control's ports, yet the control fails",
        ));
    }
    Ok(Plan::RevokeSecurityGroupRules {
        group_id: group_id(item),
        ingress,
        egress: Vec::new(),
    })
}

/// IAM.7 / IAM.11–17: the configured policy, keeping stronger current settings, checked against
/// the control before it is proposed.
fn password_policy(
    control: &Control,
    ctx: &Context<'_>,
    config: &RemediationConfig,
) -> Result<Plan, NotRemediable> {
    let current: PasswordPolicy = ctx
        .evidence_as(EvidenceKind::IamPasswordPolicy)
        .map_err(|v| cannot(v.reason().to_owned()))?;
    let policy = merge_password_policy(&config.password_policy, &current);
    let mut after = ctx.item.clone();
    let evidence = PasswordPolicy {
        present: true,
        minimum_password_length: Some(policy.minimum_password_length),
        require_symbols: policy.require_symbols,
        require_numbers: policy.require_numbers,
        require_uppercase_characters: policy.require_uppercase_characters,
        require_lowercase_characters: policy.require_lowercase_characters,
        allow_users_to_change_password: policy.allow_users_to_change_password,
        expire_passwords: policy.max_password_age.is_some(),
        max_password_age: policy.max_password_age,
        password_reuse_prevention: policy.password_reuse_prevention,
        hard_expiry: Some(policy.hard_expiry),
    };
    let value = serde_json::to_value(&evidence).map_err(|e| cannot(e.to_string()))?;
    after.insert_evidence(EvidenceKind::IamPasswordPolicy, value);
    match evaluate_live(control, &after, config).map_err(cannot)? {
        Verdict::Compliant(_) => Ok(Plan::UpdateAccountPasswordPolicy { policy }),
        other => Err(cannot(format!(
            "the configured password policy would not satisfy {}: {}",
            control.id,
            other.reason()
        ))),
    }
}

/// The configured settings, or the current ones where they are stronger.
fn merge_password_policy(
    wanted: &PasswordPolicySettings,
    current: &PasswordPolicy,
) -> AccountPasswordPolicy {
    let present = current.present;
    let keep = |flag: bool| present && flag;
    let stronger_max = |a: Option<i64>, b: Option<i64>| match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    };
    let current_age = current
        .max_password_age
        .filter(|d| present && *d > 0 && current.expire_passwords);
    let max_password_age = match (wanted.max_password_age, current_age) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    };
    AccountPasswordPolicy {
        minimum_password_length: wanted.minimum_password_length.max(
            current
                .minimum_password_length
                .filter(|_| present)
                .unwrap_or(0),
        ),
        require_symbols: wanted.require_symbols || keep(current.require_symbols),
        require_numbers: wanted.require_numbers || keep(current.require_numbers),
        require_uppercase_characters: wanted.require_uppercase_characters
            || keep(current.require_uppercase_characters),
        require_lowercase_characters: wanted.require_lowercase_characters
            || keep(current.require_lowercase_characters),
        allow_users_to_change_password: !present || current.allow_users_to_change_password,
        max_password_age,
        password_reuse_prevention: stronger_max(
            wanted.password_reuse_prevention,
            current.password_reuse_prevention.filter(|_| present),
        ),
        hard_expiry: present && current.hard_expiry.unwrap_or(false),
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
