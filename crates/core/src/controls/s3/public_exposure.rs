//! The evaluation shared by S3.2 (public read) and S3.3 (public write): does the bucket's ACL or
//! bucket policy give the public access, once Block Public Access is taken into account?
//!
//! **ACL** (`supplementaryConfiguration.AccessControlList`, serialized twice in Config items and
//! decoded by [`crate::item`]): a grant whose grantee is the `AllUsers` group (everyone) or the
//! `AuthenticatedUsers` group (anyone with an AWS account) is public. Config writes the grantee
//! as the group name (`"grantee": "AllUsers"`) and the permission camel-cased (`Read`,
//! `FullControl`); the S3 API spellings (the group URI `http://acs.amazonaws.com/groups/global/
//! AllUsers`, `READ`, `FULL_CONTROL`) are read too. Read access is `Read` or `FullControl`; write
//! access is `Write`, `WriteAcp` or `FullControl`.
//!
//! **Bucket policy** (`supplementaryConfiguration.BucketPolicy.policyText`): an `Allow` statement
//! is public when its principal is (`"*"`, `{"AWS": "*"}`, a wildcard or policy variable, an empty
//! principal, a `NotPrincipal` or no principal) and no condition fixes the caller's account,
//! organization, network or source ([`crate::controls::policy::LIMITING_KEYS`] plus the S3 keys
//! Amazon S3 accepts: `s3:DataAccessPointAccount`, `s3:DataAccessPointArn` and
//! `s3:x-amz-server-side-encryption-aws-kms-key-id`). It gives read access when it may allow an
//! `s3:Get*` or `s3:List*` action and write access when it may allow `s3:Put*`, `s3:Delete*`,
//! `s3:AbortMultipartUpload` or `s3:RestoreObject` — Amazon S3's own "bad actions", split in two.
//! `Deny` statements are not weighed against public grants (a deny could only turn a failure into
//! a pass, never the reverse); conditions with wildcards or variables do not limit.
//!
//! **Block Public Access**: `IgnorePublicAcls` neutralises public ACL grants and
//! `RestrictPublicBuckets` public policies, at bucket level
//! (`supplementaryConfiguration.PublicAccessBlockConfiguration`) or account level (the
//! S3AccountPublicAccessBlock evidence). `BlockPublicAcls` and `BlockPublicPolicy` only refuse new
//! public grants and neutralise nothing that exists.
//!
//! **Missing account evidence**: a bucket with no public grant passes without it, and a public
//! grant the bucket level already neutralises needs it neither. A public grant (or an ACL or
//! policy that cannot be read) that only the account level could neutralise needs the evidence:
//! without it the verdict is INSUFFICIENT_DATA. A public grant that nothing neutralises fails,
//! even when another part of the bucket cannot be read.

use crate::control::Context;
use crate::controls::evidence_fields::evidence_with;
use crate::controls::policy::{
    LIMITING_KEYS, PolicyDocument, Scope, Statement, may_match_string_with_prefix,
};
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::AccountPublicAccessBlock;
use crate::item::{ConfigurationItem, Unreadable, found, json_type, value_as_bool};
use crate::verdict::Verdict;
use serde_json::{Map, Value};

/// An S3 ACL permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AclPermission {
    Read,
    Write,
    ReadAcp,
    WriteAcp,
    FullControl,
}

impl AclPermission {
    /// Reads `Read`, `READ`, `FullControl`, `FULL_CONTROL`, `WriteAcp`, `WRITE_ACP`…
    fn parse(text: &str) -> Option<AclPermission> {
        let key: String = text
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        Some(match key.as_str() {
            "read" => AclPermission::Read,
            "write" => AclPermission::Write,
            "readacp" => AclPermission::ReadAcp,
            "writeacp" => AclPermission::WriteAcp,
            "fullcontrol" => AclPermission::FullControl,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            AclPermission::Read => "Read",
            AclPermission::Write => "Write",
            AclPermission::ReadAcp => "ReadAcp",
            AclPermission::WriteAcp => "WriteAcp",
            AclPermission::FullControl => "FullControl",
        }
    }
}

/// The kind of public access a control looks for.
#[derive(Debug)]
pub(crate) struct Access {
    /// "read" or "write", for reasons.
    pub(crate) word: &'static str,
    /// The ACL permissions that give it.
    pub(crate) acl: &'static [AclPermission],
    /// Action-name prefixes (lower case) whose actions give it.
    pub(crate) action_prefixes: &'static [&'static str],
}

/// Public read: S3.2.
pub(crate) const READ: Access = Access {
    word: "read",
    acl: &[AclPermission::Read, AclPermission::FullControl],
    action_prefixes: &["s3:get", "s3:list"],
};

/// Public write: S3.3.
pub(crate) const WRITE: Access = Access {
    word: "write",
    acl: &[
        AclPermission::Write,
        AclPermission::WriteAcp,
        AclPermission::FullControl,
    ],
    action_prefixes: &[
        "s3:put",
        "s3:delete",
        "s3:abortmultipartupload",
        "s3:restoreobject",
    ],
};

/// The NIST SP 800-53 Rev. 5 controls AWS maps both S3.2 and S3.3 to.
pub(crate) const NIST_800_53_R5: &[&str] = crate::controls::nist::PUBLIC_ACCESS;

/// Condition keys Amazon S3 accepts, beyond the common ones, as making a grant non-public.
const S3_LIMITING_KEYS: &[&str] = &[
    "s3:DataAccessPointAccount",
    "s3:DataAccessPointArn",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
];

/// What one source of access (the ACL or the policy) gives the public, before Block Public Access.
#[derive(Debug, Default)]
struct Grants {
    /// One sentence per public grant.
    public: Vec<String>,
    /// Why the source could not be read, if it could not.
    unreadable: Option<String>,
}

impl Grants {
    fn unreadable(why: String) -> Grants {
        Grants {
            public: Vec::new(),
            unreadable: Some(why),
        }
    }
}

/// What one source comes to once Block Public Access is applied.
enum Outcome {
    Clear(String),
    Public(String),
    Unknown(String),
}

/// The verdict of S3.2 or S3.3 on a bucket item.
pub(crate) fn evaluate(ctx: &Context<'_>, access: &Access) -> Verdict {
    let item = ctx.item;
    let bucket = match bucket_block(item) {
        Ok(b) => b,
        Err(verdict) => return verdict,
    };
    let account: Result<AccountPublicAccessBlock, Verdict> =
        evidence_with(ctx, EvidenceKind::S3AccountPublicAccessBlock, &["present"]);
    let account_flag = |flag: fn(&AccountPublicAccessBlock) -> bool| match &account {
        Ok(a) => Ok(a.present && flag(a)),
        Err(verdict) => Err(verdict.reason().to_owned()),
    };
    let outcomes = [
        settle(
            acl_grants(item, access),
            &format!("the bucket ACL grants no public {} access", access.word),
            "IgnorePublicAcls",
            bucket.ignore_public_acls,
            account_flag(|a| a.ignore_public_acls),
        ),
        settle(
            policy_grants(item, access),
            &format!("the bucket policy allows no public {} access", access.word),
            "RestrictPublicBuckets",
            bucket.restrict_public_buckets,
            account_flag(|a| a.restrict_public_buckets),
        ),
    ];
    let (mut clear, mut public, mut unknown) = (Vec::new(), Vec::new(), Vec::new());
    for outcome in outcomes {
        match outcome {
            Outcome::Clear(why) => clear.push(why),
            Outcome::Public(why) => public.push(why),
            Outcome::Unknown(why) => unknown.push(why),
        }
    }
    if !public.is_empty() {
        Verdict::fail(public.join("; "))
    } else if !unknown.is_empty() {
        Verdict::insufficient(unknown.join("; "))
    } else {
        Verdict::pass(clear.join("; "))
    }
}

/// Applies Block Public Access (`flag` at bucket level, then account level) to one source.
fn settle(
    grants: Grants,
    none: &str,
    flag: &str,
    bucket_flag: bool,
    account_flag: Result<bool, String>,
) -> Outcome {
    let what = match (&grants.unreadable, grants.public.as_slice()) {
        (_, [_, ..]) => grants.public.join("; "),
        (Some(why), []) => why.clone(),
        (None, []) => return Outcome::Clear(none.to_owned()),
    };
    if bucket_flag {
        return Outcome::Clear(format!(
            "{what}, but the bucket-level {flag} setting neutralises it"
        ));
    }
    match account_flag {
        Ok(true) => Outcome::Clear(format!(
            "{what}, but the account-level {flag} setting neutralises it"
        )),
        Ok(false) if !grants.public.is_empty() => Outcome::Public(format!(
            "{what}, and neither the bucket nor the account public access block sets {flag}"
        )),
        Ok(false) => Outcome::Unknown(what),
        Err(evidence) => Outcome::Unknown(format!(
            "{what}; the bucket does not set {flag} and the account level is unknown: {evidence}"
        )),
    }
}

/// The two bucket-level flags that neutralise existing public grants.
#[derive(Debug, Default)]
struct BucketBlock {
    ignore_public_acls: bool,
    restrict_public_buckets: bool,
}

/// The bucket-level public access block; absent means no flag is set.
fn bucket_block(item: &ConfigurationItem) -> Result<BucketBlock, Verdict> {
    // Absent or null is off; a flag that is there but not a boolean is unreadable, not off.
    let flag = |block: &Map<String, Value>, name: &str| -> Result<bool, Verdict> {
        match block.get(name) {
            None | Some(Value::Null) => Ok(false),
            Some(v) => value_as_bool(v).ok_or_else(|| {
                Unreadable::new(
                    format!("supplementaryConfiguration.PublicAccessBlockConfiguration.{name}"),
                    found(v, "true or false"),
                )
                .into()
            }),
        }
    };
    match item.supplementary("PublicAccessBlockConfiguration") {
        None => Ok(BucketBlock::default()),
        Some(Value::Object(block)) => Ok(BucketBlock {
            ignore_public_acls: flag(block, "ignorePublicAcls")?,
            restrict_public_buckets: flag(block, "restrictPublicBuckets")?,
        }),
        Some(other) => Err(Verdict::insufficient(format!(
            "supplementaryConfiguration.PublicAccessBlockConfiguration is {}, not an object",
            json_type(other)
        ))),
    }
}

/// A public ACL group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PublicGroup {
    AllUsers,
    AuthenticatedUsers,
}

impl PublicGroup {
    /// The group a grantee names (group name, group URI, or an object holding either), if public.
    fn of(grantee: &Value) -> Option<PublicGroup> {
        match grantee {
            Value::String(text) => Self::from_text(text),
            Value::Object(fields) => fields
                .values()
                .filter_map(Value::as_str)
                .find_map(Self::from_text),
            _ => None,
        }
    }

    fn from_text(text: &str) -> Option<PublicGroup> {
        let last = text.trim().rsplit('/').next().unwrap_or_default();
        if last.eq_ignore_ascii_case("AllUsers") {
            Some(PublicGroup::AllUsers)
        } else if last.eq_ignore_ascii_case("AuthenticatedUsers") {
            Some(PublicGroup::AuthenticatedUsers)
        } else {
            None
        }
    }

    fn describe(self) -> &'static str {
        match self {
            PublicGroup::AllUsers => "AllUsers (everyone)",
            PublicGroup::AuthenticatedUsers => "AuthenticatedUsers (any AWS account)",
        }
    }
}

/// The public grants of the bucket ACL that give `access`.
fn acl_grants(item: &ConfigurationItem, access: &Access) -> Grants {
    const NAME: &str = "supplementaryConfiguration.AccessControlList";
    let acl = match item.supplementary("AccessControlList") {
        Some(Value::Object(acl)) => acl,
        Some(other) => {
            return Grants::unreadable(format!(
                "{NAME} is {}, not an object, so public ACL grants cannot be ruled out",
                json_type(other)
            ));
        }
        None => {
            return Grants::unreadable(format!(
                "{NAME} is missing, so public ACL grants cannot be ruled out"
            ));
        }
    };
    let list = ["grantList", "grantSet"]
        .iter()
        .find_map(|key| acl.get(*key).filter(|v| !v.is_null()));
    let grants = match list {
        Some(Value::Array(grants)) => grants,
        Some(other) => {
            return Grants::unreadable(format!(
                "{NAME} holds grants as {}, not a list",
                json_type(other)
            ));
        }
        None => {
            return Grants::unreadable(format!("{NAME} has no grantList"));
        }
    };
    let mut out = Grants::default();
    for (i, grant) in grants.iter().enumerate() {
        // A grant whose grantee cannot be read may be a public one.
        let grantee = grant
            .get("grantee")
            .filter(|g| g.is_string() || g.is_object());
        let Some(grantee) = grantee else {
            out.unreadable.get_or_insert_with(|| {
                if grant.is_object() {
                    format!("{NAME} grant {} has no readable grantee", i + 1)
                } else {
                    format!("{NAME} grant {} is not an object", i + 1)
                }
            });
            continue;
        };
        let Some(group) = PublicGroup::of(grantee) else {
            continue;
        };
        let text = grant.get("permission").and_then(Value::as_str);
        match text.and_then(AclPermission::parse) {
            Some(permission) if access.acl.contains(&permission) => out.public.push(format!(
                "the bucket ACL grants {} {}",
                group.describe(),
                permission.name()
            )),
            Some(_) => {}
            None => {
                out.unreadable.get_or_insert_with(|| {
                    format!(
                        "{NAME} grant {} to {} has an unreadable permission",
                        i + 1,
                        group.describe()
                    )
                });
            }
        }
    }
    out
}

/// The public statements of the bucket policy that give `access`.
fn policy_grants(item: &ConfigurationItem, access: &Access) -> Grants {
    let text = match item.supplementary("BucketPolicy") {
        None => return Grants::default(),
        Some(Value::Object(bp)) => match bp.get("policyText").filter(|v| !v.is_null()) {
            Some(text) => text,
            None => return Grants::default(),
        },
        Some(other) => {
            return Grants::unreadable(format!(
                "supplementaryConfiguration.BucketPolicy is {}, not an object with policyText",
                json_type(other)
            ));
        }
    };
    let policy = match PolicyDocument::from_value(text) {
        Ok(p) => p,
        Err(e) => return Grants::unreadable(format!("the bucket policy cannot be read: {e}")),
    };
    let public = policy
        .allows()
        .filter_map(|s| public_statement(s, access))
        .collect();
    Grants {
        public,
        unreadable: None,
    }
}

/// Why an Allow statement gives the public `access`, or `None`.
fn public_statement(s: &Statement, access: &Access) -> Option<String> {
    let who = s.public_grantee()?;
    if s.limited_by(LIMITING_KEYS) || s.limited_by(S3_LIMITING_KEYS) {
        return None;
    }
    let prefixes = access.action_prefixes;
    if !prefixes.iter().any(|p| s.may_allow_action_with_prefix(p)) {
        return None;
    }
    let what = match &s.action {
        Scope::AllBut(excluded) => format!("every action except {}", excluded.join(", ")),
        Scope::Only(patterns) => patterns
            .iter()
            .filter(|pattern| {
                let pattern = pattern.trim().to_lowercase();
                prefixes
                    .iter()
                    .any(|p| may_match_string_with_prefix(&pattern, p))
            })
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", "),
    };
    Some(format!(
        "bucket policy {} {who} to use {what} without a condition fixing the caller's \
         account, network or source",
        s.label()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::ResolvedParams;
    use serde_json::json;

    fn item(supplementary: Value) -> ConfigurationItem {
        ConfigurationItem::from_value(json!({
            "resourceType": "AWS::S3::Bucket",
            "resourceId": "site",
            "configuration": {"name": "site"},
            "supplementaryConfiguration": supplementary
        }))
        .unwrap()
    }

    fn run(supplementary: Value, access: &Access) -> Verdict {
        let item = item(supplementary);
        let params = ResolvedParams::default();
        evaluate(&Context::new(&item, &params), access)
    }

    fn acl(grants: Value) -> Value {
        let acl = json!({"grantSet": null, "grantList": grants,
            "owner": {"displayName": null, "id": "owner"}, "isRequesterCharged": false});
        // As Config records it: serialized twice.
        Value::String(Value::String(acl.to_string()).to_string())
    }

    fn owner_only() -> Value {
        acl(json!([{"grantee": {"id": "owner", "displayName": null}, "permission": "FullControl"}]))
    }

    fn policy(statements: Value) -> Value {
        json!({"policyText": json!({"Version": "2012-10-17", "Statement": statements}).to_string()})
    }

    const ACCOUNT_OFF: fn() -> Value = || {
        json!({"present": true, "blockPublicAcls": false, "ignorePublicAcls": false,
               "blockPublicPolicy": false, "restrictPublicBuckets": false})
    };

    #[test]
    fn a_private_bucket_passes_without_account_evidence() {
        let v = run(json!({"AccessControlList": owner_only()}), &READ);
        assert_eq!(
            v,
            Verdict::pass(
                "the bucket ACL grants no public read access; the bucket policy allows no public \
                 read access"
            )
        );
    }

    #[test]
    fn public_acl_grants_in_every_spelling_fail() {
        for grant in [
            json!({"grantee": "AllUsers", "permission": "Read"}),
            json!({"grantee": "AuthenticatedUsers", "permission": "FullControl"}),
            json!({"grantee": {"uri": "http://acs.amazonaws.com/groups/global/AllUsers"}, "permission": "READ"}),
            json!({"grantee": {"typeIdentifier": "uri", "identifier": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}, "permission": "FULL_CONTROL"}),
        ] {
            let sup = json!({"AccessControlList": acl(json!([grant.clone()])),
                             "sidewatch:S3AccountPublicAccessBlock": ACCOUNT_OFF()});
            let v = run(sup, &READ);
            assert!(v.is_non_compliant(), "{grant}: {v}");
            assert!(
                v.reason().contains("neither the bucket nor the account"),
                "{v}"
            );
        }
        let v = run(
            json!({"AccessControlList": acl(json!([{"grantee": "AllUsers", "permission": "Read"}])),
                   "sidewatch:S3AccountPublicAccessBlock": ACCOUNT_OFF()}),
            &READ,
        );
        assert_eq!(
            v,
            Verdict::fail(
                "the bucket ACL grants AllUsers (everyone) Read, and neither the bucket nor the \
                 account public access block sets IgnorePublicAcls"
            )
        );
    }

    #[test]
    fn read_and_write_permissions_are_told_apart() {
        let sup = |permission: &str| {
            json!({"AccessControlList": acl(json!([{"grantee": "AllUsers", "permission": permission}])),
                   "sidewatch:S3AccountPublicAccessBlock": ACCOUNT_OFF()})
        };
        assert!(run(sup("Read"), &READ).is_non_compliant());
        assert!(run(sup("Read"), &WRITE).is_compliant());
        assert!(run(sup("Write"), &WRITE).is_non_compliant());
        assert!(run(sup("WriteAcp"), &WRITE).is_non_compliant());
        assert!(run(sup("Write"), &READ).is_compliant());
        assert!(run(sup("ReadAcp"), &READ).is_compliant());
        assert!(run(sup("FullControl"), &WRITE).is_non_compliant());
        // Other grantees are not public.
        let log = json!({"AccessControlList": acl(json!([{"grantee": "LogDelivery", "permission": "Write"}]))});
        assert!(run(log, &WRITE).is_compliant());
    }

    #[test]
    fn ignore_public_acls_neutralises_at_either_level() {
        let grant = acl(json!([{"grantee": "AllUsers", "permission": "Read"}]));
        let v = run(
            json!({"AccessControlList": grant.clone(),
                   "PublicAccessBlockConfiguration": {"ignorePublicAcls": true}}),
            &READ,
        );
        assert!(
            v.is_compliant() && v.reason().contains("bucket-level IgnorePublicAcls"),
            "{v}"
        );
        let v = run(
            json!({"AccessControlList": grant.clone(),
                   "sidewatch:S3AccountPublicAccessBlock": {"present": true, "ignorePublicAcls": true}}),
            &READ,
        );
        assert!(
            v.is_compliant() && v.reason().contains("account-level IgnorePublicAcls"),
            "{v}"
        );
        // BlockPublicAcls does not neutralise an existing grant; an absent account block neither.
        let v = run(
            json!({"AccessControlList": grant.clone(),
                   "PublicAccessBlockConfiguration": {"blockPublicAcls": true, "restrictPublicBuckets": true},
                   "sidewatch:S3AccountPublicAccessBlock": {"present": false, "ignorePublicAcls": true}}),
            &READ,
        );
        assert!(v.is_non_compliant(), "{v}");
    }

    #[test]
    fn without_account_evidence_a_grant_the_bucket_does_not_neutralise_is_insufficient() {
        let grant = acl(json!([{"grantee": "AllUsers", "permission": "Read"}]));
        let v = run(json!({"AccessControlList": grant.clone()}), &READ);
        assert!(v.is_insufficient(), "{v}");
        assert!(
            v.reason().contains("grants AllUsers (everyone) Read")
                && v.reason().contains("S3AccountPublicAccessBlock"),
            "{v}"
        );
        let v = run(
            json!({"AccessControlList": grant.clone(), "sidewatch:S3AccountPublicAccessBlock": {}}),
            &READ,
        );
        assert!(
            v.is_insufficient() && v.reason().contains("`present`"),
            "{v}"
        );
        let failed = json!({"sidewatchError": {"code": "AccessDenied", "message": "denied"}});
        let v = run(
            json!({"AccessControlList": grant, "sidewatch:S3AccountPublicAccessBlock": failed}),
            &READ,
        );
        assert!(
            v.is_insufficient() && v.reason().contains("AccessDenied"),
            "{v}"
        );
    }

    #[test]
    fn public_policy_statements_fail_by_access_kind() {
        let statements = json!([{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
            "Action": ["s3:GetObject", "s3:GetObjectVersion"], "Resource": "arn:aws:s3:::site/*"}]);
        let sup = json!({"AccessControlList": owner_only(), "BucketPolicy": policy(statements),
                         "sidewatch:S3AccountPublicAccessBlock": ACCOUNT_OFF()});
        let v = run(sup.clone(), &READ);
        assert_eq!(
            v,
            Verdict::fail(
                "bucket policy statement 1 (Sid PublicRead) allows Principal * to use \
                 s3:GetObject, s3:GetObjectVersion without a condition fixing the caller's \
                 account, network or source, and neither the bucket nor the account public access \
                 block sets RestrictPublicBuckets"
            )
        );
        assert!(run(sup, &WRITE).is_compliant());
        let put = json!([{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:*",
            "Resource": "arn:aws:s3:::site/*"}]);
        let sup = json!({"AccessControlList": owner_only(), "BucketPolicy": policy(put),
                         "sidewatch:S3AccountPublicAccessBlock": ACCOUNT_OFF()});
        assert!(run(sup.clone(), &WRITE).is_non_compliant());
        assert!(run(sup, &READ).is_non_compliant());
        let not_action = json!([{"Effect": "Allow", "Principal": "*",
            "NotAction": ["s3:Get*", "s3:List*"], "Resource": "arn:aws:s3:::site/*"}]);
        let sup = json!({"AccessControlList": owner_only(), "BucketPolicy": policy(not_action),
                         "sidewatch:S3AccountPublicAccessBlock": ACCOUNT_OFF()});
        assert!(run(sup.clone(), &READ).is_compliant());
        let v = run(sup, &WRITE);
        assert!(
            v.reason()
                .contains("to use every action except s3:Get*, s3:List*"),
            "{v}"
        );
    }

    #[test]
    fn limited_or_fixed_principal_statements_are_not_public() {
        for statement in [
            json!({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                   "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}),
            json!({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                   "Condition": {"StringEquals": {"s3:DataAccessPointAccount": "123456789012"}}}),
            json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                   "Action": "s3:*"}),
            json!({"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
                   "Action": "s3:PutObject"}),
            json!({"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                   "Condition": {"Bool": {"aws:SecureTransport": "false"}}}),
        ] {
            let sup = json!({"AccessControlList": owner_only(),
                             "BucketPolicy": policy(json!([statement.clone()]))});
            assert!(run(sup.clone(), &READ).is_compliant(), "{statement}");
            assert!(run(sup, &WRITE).is_compliant(), "{statement}");
        }
        let wide = json!({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}});
        let sup = json!({"AccessControlList": owner_only(), "BucketPolicy": policy(json!([wide])),
                         "sidewatch:S3AccountPublicAccessBlock": ACCOUNT_OFF()});
        assert!(run(sup, &READ).is_non_compliant());
    }

    #[test]
    fn restrict_public_buckets_neutralises_policies_not_acls() {
        let statements = json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}]);
        let sup = json!({"AccessControlList": acl(json!([{"grantee": "AllUsers", "permission": "Read"}])),
            "BucketPolicy": policy(statements),
            "PublicAccessBlockConfiguration": {"restrictPublicBuckets": true},
            "sidewatch:S3AccountPublicAccessBlock": ACCOUNT_OFF()});
        let v = run(sup, &READ);
        assert!(v.is_non_compliant(), "{v}");
        assert!(
            v.reason().contains("ACL") && !v.reason().contains("bucket policy statement"),
            "{v}"
        );
    }

    #[test]
    fn a_definite_public_grant_beats_an_unreadable_part() {
        let sup = json!({"AccessControlList": acl(json!([{"grantee": "AllUsers", "permission": "Read"}])),
            "BucketPolicy": {"policyText": "{broken"},
            "sidewatch:S3AccountPublicAccessBlock": ACCOUNT_OFF()});
        assert!(run(sup, &READ).is_non_compliant());
    }

    #[test]
    fn unreadable_parts_are_insufficient_unless_neutralised() {
        for sup in [
            json!({}),
            json!({"AccessControlList": "not json"}),
            json!({"AccessControlList": {"grantList": "x"}}),
            json!({"AccessControlList": {"grantSet": null, "grantList": null}}),
            json!({"AccessControlList": acl(json!([{"grantee": "AllUsers", "permission": "Everything"}]))}),
            // Found by the fail-safe property test: a grant without a readable grantee was skipped.
            json!({"AccessControlList": acl(json!([{"permission": "Read"}]))}),
            json!({"AccessControlList": acl(json!([{"grantee": 7, "permission": "Read"}]))}),
            json!({"AccessControlList": owner_only(), "BucketPolicy": {"policyText": "{broken"}}),
            json!({"AccessControlList": owner_only(), "BucketPolicy": "x"}),
            json!({"AccessControlList": owner_only(), "PublicAccessBlockConfiguration": true}),
        ] {
            let mut with_account = sup.clone();
            with_account["sidewatch:S3AccountPublicAccessBlock"] = ACCOUNT_OFF();
            assert!(run(sup.clone(), &READ).is_insufficient(), "{sup}");
            assert!(run(with_account, &READ).is_insufficient(), "{sup}");
        }
        let v = run(
            json!({"PublicAccessBlockConfiguration": {"ignorePublicAcls": true}}),
            &READ,
        );
        assert!(v.is_compliant(), "{v}");
    }
}
