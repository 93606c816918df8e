//! moto with its IAM enforcement on, shared by the least-privilege tests (`least_privilege.rs`)
//! and the functions' end-to-end run under the template's roles (`functions/enforced.rs`).
//!
//! [`EnforcedMoto`] starts moto with `INITIAL_NO_AUTH_ACTION_COUNT` set to exactly the four calls
//! that create an administrator (a user with an `*` policy); from then on moto checks the
//! signature and the policies of every call, the test's own seeding included (it runs as that
//! administrator). [`EnforcedMoto::user`] creates a user holding one policy document and returns
//! its keys; [`EnforcedMoto::denials`] reads moto's request log for calls it refused.
//!
//! [`role_policy`] is the policy `template.yaml` gives a role, resolved for moto's account and
//! Region; [`moto_view`] states in one place how moto 5.2.5 must be told that policy (measured,
//! see its comments): the actions stay exactly the template's.

#![allow(dead_code)] // each test binary uses part of this module

use aws_credential_types::Credentials;
use serde_json::{Value, json};
use sidewatch_aws::ClientOptions;
use sidewatch_testkit::{ACCOUNT, Moto, REGION};
use sidewatch_tests::template::{Deployment, load, repo_root, string_list};

/// moto's setup calls made before enforcement starts: CreatePolicy, CreateUser,
/// AttachUserPolicy, CreateAccessKey of the administrator.
const ADMIN_SETUP_CALLS: &str = "4";

/// Services whose calls moto authorizes against the real resource ARN (S3 computes the bucket or
/// object ARN, SQS the queue's). Every other service's calls are authorized against the resource
/// `*`, so a statement scoped to an ARN never matches there — measured with moto 5.2.5: a user
/// allowed `securityhub:BatchImportFindings` on the product ARN, or `ec2:RevokeSecurityGroupIngress`
/// on `security-group/*`, is denied; the same actions on `*` are allowed.
const RESOURCE_AWARE_SERVICES: [&str; 2] = ["s3", "sqs"];

/// Actions AWS authorizes under another action's name, or that moto names differently, as
/// `(action in the template, name moto checks)`. moto's name is granted only where the template
/// grants the action, so removing the action removes both.
///
/// * `sqs:SendMessageBatch` / `sqs:DeleteMessageBatch` / `sqs:ChangeMessageVisibilityBatch`: AWS
///   has no such IAM actions, the batch calls are authorized by the single-message action (SQS
///   API reference, "Batch actions"); moto checks the call's own name.
/// * S3 bucket requests moto's action table misses (its keys `public_access_block` and
///   `encryption` never match the query strings `publicAccessBlock` / `encryption`), so they fall
///   to the bucket's default action: PUT → `s3:CreateBucket`, GET → `s3:ListBucket`. moto then
///   cannot tell these requests apart: a proof for them is a proof that *one of* them is granted.
/// * S3 Control's account public access block: S3 Control signs as `s3` and moto checks the
///   operation's name (`s3:GetPublicAccessBlock`), where IAM names it
///   `s3:GetAccountPublicAccessBlock` (likewise Put).
const MOTO_ACTION_NAMES: [(&str, &str); 9] = [
    ("sqs:SendMessage", "sqs:SendMessageBatch"),
    ("sqs:DeleteMessage", "sqs:DeleteMessageBatch"),
    (
        "sqs:ChangeMessageVisibility",
        "sqs:ChangeMessageVisibilityBatch",
    ),
    ("s3:PutBucketPublicAccessBlock", "s3:CreateBucket"),
    ("s3:PutEncryptionConfiguration", "s3:CreateBucket"),
    ("s3:GetBucketPublicAccessBlock", "s3:ListBucket"),
    ("s3:GetEncryptionConfiguration", "s3:ListBucket"),
    ("s3:GetAccountPublicAccessBlock", "s3:GetPublicAccessBlock"),
    ("s3:PutAccountPublicAccessBlock", "s3:PutPublicAccessBlock"),
];

/// The policy document `template.yaml` gives `role` with `parameters` (the others at their
/// defaults), resolved for moto's account and Region.
pub fn role_policy(role: &str, parameters: &[(&str, &str)]) -> Value {
    let template = load(&repo_root().join("template.yaml")).unwrap();
    let mut deployment = Deployment::new(&template, parameters);
    deployment.account = ACCOUNT.to_owned();
    deployment.region = REGION.to_owned();
    deployment.role_policy(role)
}

/// `policy` without `action` (which must be in it as an entry of an `Action` list or as the
/// whole `Action`; a statement left without actions is dropped).
pub fn without(policy: &Value, action: &str) -> Value {
    let mut policy = policy.clone();
    let statements = policy["Statement"].as_array_mut().unwrap();
    let before: usize = statements
        .iter()
        .map(|s| string_list(&s["Action"]).len())
        .sum();
    for statement in statements.iter_mut() {
        let kept: Vec<String> = string_list(&statement["Action"])
            .into_iter()
            .filter(|a| a != action)
            .collect();
        statement["Action"] = json!(kept);
    }
    statements.retain(|s| !string_list(&s["Action"]).is_empty());
    let after: usize = statements
        .iter()
        .map(|s| string_list(&s["Action"]).len())
        .sum();
    assert!(after < before, "{action} is not in the policy: {policy}");
    policy
}

/// The policy as moto 5.2.5 must be told it: the same actions (plus moto's names of the
/// [`MOTO_ACTION_NAMES`]), with the resource `*` on the statements of services moto authorizes
/// only against `*` (their resource scoping is checked by `tests/tests/template.rs`, not here).
pub fn moto_view(policy: &Value) -> Value {
    let mut policy = policy.clone();
    for statement in policy["Statement"].as_array_mut().unwrap() {
        let actions = string_list(&statement["Action"]);
        let resource_aware = actions.iter().all(|a| {
            RESOURCE_AWARE_SERVICES
                .iter()
                .any(|s| a.starts_with(&format!("{s}:")))
        });
        if !resource_aware {
            statement["Resource"] = json!("*");
        }
        let mut named = actions.clone();
        for (action, moto_name) in MOTO_ACTION_NAMES {
            if actions.iter().any(|a| a == action) && !named.iter().any(|a| a == moto_name) {
                named.push(moto_name.to_owned());
            }
        }
        statement["Action"] = json!(named);
    }
    policy
}

/// A private moto with IAM enforcement on and an administrator to seed it.
#[derive(Debug)]
pub struct EnforcedMoto {
    pub moto: Moto,
    /// Keys of the administrator (`*` on `*`).
    pub admin: Credentials,
}

impl EnforcedMoto {
    pub async fn start() -> EnforcedMoto {
        let moto = Moto::start_with(&[("INITIAL_NO_AUTH_ACTION_COUNT", ADMIN_SETUP_CALLS)]);
        let iam = aws_sdk_iam::Client::new(&moto.sdk_config().await);
        let admin = create_user(
            &iam,
            "sidewatch-admin",
            &json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"}
            ]}),
        )
        .await;
        EnforcedMoto { moto, admin }
    }

    /// An SDK configuration for this moto signed with `credentials`, one attempt per call.
    pub async fn sdk_config(&self, credentials: &Credentials) -> aws_config::SdkConfig {
        ClientOptions {
            endpoint_url: Some(self.moto.endpoint.clone()),
            region: Some(REGION.into()),
            max_attempts: 1,
            ..ClientOptions::default()
        }
        .config_loader()
        .credentials_provider(credentials.clone())
        .load()
        .await
    }

    /// The administrator's SDK configuration.
    pub async fn admin_config(&self) -> aws_config::SdkConfig {
        self.sdk_config(&self.admin).await
    }

    /// Creates the user `name` holding exactly `policy` (a managed policy of the same name) and
    /// returns its keys.
    pub async fn user(&self, name: &str, policy: &Value) -> Credentials {
        let iam = aws_sdk_iam::Client::new(&self.admin_config().await);
        create_user(&iam, name, policy).await
    }

    /// The environment of a child process (a Lambda binary) signing with `credentials`.
    pub fn env(&self, credentials: &Credentials) -> Vec<(&'static str, String)> {
        let mut env: Vec<(&'static str, String)> = self
            .moto
            .env()
            .into_iter()
            .filter(|(k, _)| *k != "AWS_ACCESS_KEY_ID" && *k != "AWS_SECRET_ACCESS_KEY")
            .collect();
        env.push(("AWS_ACCESS_KEY_ID", credentials.access_key_id().to_owned()));
        env.push((
            "AWS_SECRET_ACCESS_KEY",
            credentials.secret_access_key().to_owned(),
        ));
        env
    }

    /// The requests moto refused on authorization grounds (HTTP 401 / 403 in its request log),
    /// as `METHOD path`: a denied action, an unknown key or a bad signature.
    pub fn denials(&self) -> Vec<String> {
        let log = self.moto.log_path();
        let text = std::fs::read_to_string(log).unwrap_or_else(|e| {
            panic!(
                "moto's request log {} is not readable ({e}): has sidewatch_testkit::Moto moved it?",
                log.display()
            )
        });
        text.lines().filter_map(refused_request).collect()
    }
}

/// `METHOD path` of a werkzeug request line (`… "\e[31mPOST /findings HTTP/1.1\e[0m" 403 -`)
/// with status 401 or 403.
fn refused_request(line: &str) -> Option<String> {
    let (request, status) = line.rsplit_once('"')?;
    let status = status.split_whitespace().next()?;
    if status != "403" && status != "401" {
        return None;
    }
    let request = request.rsplit_once('"')?.1;
    let plain: String = strip_ansi(request);
    let mut parts = plain.split_whitespace();
    Some(format!("{} {}", parts.next()?, parts.next()?))
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

async fn create_user(iam: &aws_sdk_iam::Client, name: &str, policy: &Value) -> Credentials {
    let created = iam
        .create_policy()
        .policy_name(name)
        .policy_document(policy.to_string())
        .send()
        .await
        .unwrap_or_else(|e| panic!("moto refuses the policy of {name}: {e:?}"));
    let arn = created.policy().and_then(|p| p.arn()).unwrap().to_owned();
    iam.create_user().user_name(name).send().await.unwrap();
    iam.attach_user_policy()
        .user_name(name)
        .policy_arn(arn)
        .send()
        .await
        .unwrap();
    let key = iam
        .create_access_key()
        .user_name(name)
        .send()
        .await
        .unwrap();
    let key = key.access_key().unwrap();
    Credentials::new(
        key.access_key_id(),
        key.secret_access_key(),
        None,
        None,
        "moto-iam-user",
    )
}

/// True when a failed call (`code: message`) was a denial. moto answers the JSON-protocol
/// services (KMS, CloudTrail, Config, Security Hub) with an XML error body the SDK cannot read,
/// so those arrive as a code-less HTTP 403 (`ServiceError`, or `InvalidResponse` for Config);
/// AWS itself always names the code.
pub fn is_denial(failure: &str) -> bool {
    [
        "AccessDenied",
        "Unauthorized",
        "AuthorizationError",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
    ]
    .iter()
    .any(|d| failure.contains(d))
        || ((failure.contains("ServiceError") || failure.contains("InvalidResponse"))
            && failure.contains("HTTP 403"))
}

#[test]
fn refused_requests_are_read_from_werkzeug_lines() {
    let line = "127.0.0.1 - - [23/Nov/2026 16:46:29] \"\u{1b}[31m\u{1b}[1mPOST /findings/import HTTP/1.1\u{1b}[0m\" 403 -";
    assert_eq!(
        refused_request(line).as_deref(),
        Some("POST /findings/import")
    );
    let ok = "127.0.0.1 - - [23/Nov/2026 16:46:29] \"POST / HTTP/1.1\" 200 -";
    assert_eq!(refused_request(ok), None);
    let missing = "127.0.0.1 - - [x] \"\u{1b}[33mGET /b?policy HTTP/1.1\u{1b}[0m\" 404 -";
    assert_eq!(refused_request(missing), None);
}
