//! The demo (`scripts/demo.sh`): detect, report, fix, resolve — no AWS account.
//!
//! The same local stand-ins as the functions' end-to-end test (`tests/tests/functions`): a private
//! moto_server on 127.0.0.1 (`sidewatch_testkit::Moto`) and the real Lambda binaries behind
//! `cargo lambda watch`'s Lambda Runtime API (the test's own `Watch`, included below, not copied).
//! The demo seeds a misconfigured account through the AWS SDK, plays AWS Config and EventBridge
//! into the functions, shows the Security Hub findings, has the remediation function plan
//! (dry-run) and apply the automatic fixes, re-evaluates, and shows the findings again. It checks
//! every step's expected result and exits 1 when one does not hold, so CI runs it.
//!
//! An example of the integration-test crate, not a binary of a shipped crate: it needs the test
//! support (moto launcher, `Watch`) and must be built by the same `cargo build --workspace`
//! feature set as the tests, so the AWS SDK crates are compiled once for both.
//!
//! moto has no Security Hub `BatchUpdateFindings` (moto-notes.md); the remediation function
//! sends its note and workflow status there. The demo puts a small stand-in in front of moto for
//! that function ([`StandIn`]): it answers `BatchUpdateFindings` (keeping the notes, which are
//! the change plans shown in the dry-run table) and passes every other request to moto untouched.
//!
//! Usage: `demo [--out DIR]` (default `target/demo`); `scripts/demo.sh` builds and runs it.

// Only part of the end-to-end test's fixture is used here.
#[allow(dead_code)]
#[path = "../tests/functions/watch.rs"]
mod watch;

use aws_sdk_securityhub::types::AwsSecurityFinding;
use aws_smithy_types::error::display::DisplayErrorContext;
use serde_json::{Value, json};
use sidewatch_aws::Inventory;
use sidewatch_aws::remediate::RemediationClients;
use sidewatch_aws::securityhub::asff;
use sidewatch_core::{ConfigurationItem, Finding, Remediation, controls};
use sidewatch_testkit::{ACCOUNT, Moto, REGION};
use std::collections::{BTreeMap, HashMap};
use std::io::{IsTerminal, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use watch::Watch;

/// The repository root (`watch.rs` runs `cargo lambda watch` there).
fn repo() -> PathBuf {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR"));
    tests.parent().unwrap_or(tests).to_path_buf()
}

/// The controls the demo's Config rule and EventBridge function evaluate: the ones the seeded
/// misconfigurations are about (a deployment chooses its controls the same way, with the rules'
/// `controls` parameter and `SIDEWATCH_CONTROLS`).
const CONTROLS: &str = "S3.1,S3.2,S3.5,S3.8,S3.17,EC2.2,EC2.7,EC2.13,EC2.14,IAM.3,IAM.5,IAM.7,\
                        IAM.15,IAM.19,CloudTrail.4,RDS.2,RDS.3,KMS.4,Lambda.X1";

const BUCKET: &str = "demo-public-assets";
const TRAIL_BUCKET: &str = "demo-trail-logs";
const TRAIL: &str = "demo-management-events";
const SECURITY_GROUP: &str = "demo-admin-access";
const USER: &str = "dana";
const DB: &str = "demo-orders-db";
const FUNCTION: &str = "demo-orders-api";

/// The resource types the demo collects from moto to play as AWS Config would.
const TYPES: [&str; 7] = [
    "AWS::S3::Bucket",
    "AWS::EC2::SecurityGroup",
    "AWS::IAM::User",
    "AWS::CloudTrail::Trail",
    "AWS::RDS::DBInstance",
    "AWS::KMS::Key",
    "AWS::Lambda::Function",
];

type Result<T, E = String> = std::result::Result<T, E>;

fn sdk_error(call: &'static str) -> impl Fn(&dyn std::error::Error) -> String {
    move |e| format!("{call}: {}", DisplayErrorContext(e))
}

macro_rules! call {
    ($name:literal, $request:expr) => {
        $request.send().await.map_err(|e| sdk_error($name)(&e))
    };
}

// ---------------------------------------------------------------------------------------------
// Progress

/// One line per step; on a terminal a spinner while the step runs.
struct Progress {
    tty: bool,
    started: Instant,
}

struct Step {
    title: String,
    started: Instant,
    spinning: Option<(Arc<AtomicBool>, std::thread::JoinHandle<()>)>,
}

impl Progress {
    fn new() -> Progress {
        Progress {
            tty: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            started: Instant::now(),
        }
    }

    fn step(&self, title: &str) -> Step {
        let spinning = self.tty.then(|| {
            let stop = Arc::new(AtomicBool::new(false));
            let flag = Arc::clone(&stop);
            let title = title.to_owned();
            let handle = std::thread::spawn(move || {
                const FRAMES: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
                let started = Instant::now();
                let mut i = 0;
                while !flag.load(Ordering::Relaxed) {
                    eprint!(
                        "\r\x1b[2K{} {title} ({:.1} s)",
                        FRAMES[i % FRAMES.len()],
                        started.elapsed().as_secs_f64()
                    );
                    let _ = std::io::stderr().flush();
                    i += 1;
                    std::thread::sleep(Duration::from_millis(80));
                }
                eprint!("\r\x1b[2K");
            });
            (stop, handle)
        });
        Step {
            title: title.to_owned(),
            started: Instant::now(),
            spinning,
        }
    }
}

impl Step {
    fn stop(&mut self) {
        if let Some((stop, handle)) = self.spinning.take() {
            stop.store(true, Ordering::Relaxed);
            let _ = handle.join();
        }
    }

    fn done(mut self, what: &str) {
        self.stop();
        eprintln!(
            "✓ {} ({:.1} s){}{what}",
            self.title,
            self.started.elapsed().as_secs_f64(),
            if what.is_empty() { "" } else { ": " }
        );
    }

    fn fail(mut self, why: &str) -> String {
        self.stop();
        eprintln!("✗ {}: {why}", self.title);
        format!("{}: {why}", self.title)
    }
}

impl Drop for Step {
    fn drop(&mut self) {
        self.stop();
    }
}

// ---------------------------------------------------------------------------------------------
// The Security Hub stand-in for what moto lacks

/// A `BatchUpdateFindings` request the stand-in answered: the finding ids, note and workflow.
#[derive(Debug, Clone)]
struct Update {
    ids: Vec<String>,
    note: String,
}

/// Answers `PATCH /findings/batchupdate` (Security Hub's BatchUpdateFindings) and relays every
/// other request to moto as it came, with `Connection: close`.
struct StandIn {
    endpoint: String,
    updates: Arc<Mutex<Vec<Update>>>,
}

impl StandIn {
    fn start(moto_port: u16) -> Result<StandIn> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| e.to_string())?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let updates = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&updates);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let kept = Arc::clone(&kept);
                std::thread::spawn(move || {
                    let _ = serve_one(stream, moto_port, &kept);
                });
            }
        });
        Ok(StandIn {
            endpoint: format!("http://127.0.0.1:{port}"),
            updates,
        })
    }

    fn updates(&self) -> Vec<Update> {
        self.updates.lock().map(|u| u.clone()).unwrap_or_default()
    }
}

/// Reads one HTTP/1.1 request (head and `Content-Length` or chunked body).
fn read_request(stream: &mut TcpStream) -> std::io::Result<(String, Vec<u8>)> {
    let mut data = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let head_end = loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let header = |name: &str| {
        head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    };
    let mut body = data[head_end..].to_vec();
    if let Some(length) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        while body.len() < length {
            let n = stream.read(&mut buf)?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&buf[..n]);
        }
    } else if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        while !body.ends_with(b"0\r\n\r\n") {
            let n = stream.read(&mut buf)?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&buf[..n]);
        }
    }
    Ok((head, body))
}

fn serve_one(
    mut client: TcpStream,
    moto_port: u16,
    updates: &Mutex<Vec<Update>>,
) -> std::io::Result<()> {
    let (head, body) = read_request(&mut client)?;
    let request_line = head.lines().next().unwrap_or_default();
    if request_line.starts_with("PATCH /findings/batchupdate") {
        let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let identifiers = request["FindingIdentifiers"].clone();
        let ids = identifiers
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|i| i["Id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let note = request["Note"]["Text"].as_str().unwrap_or_default();
        if let Ok(mut kept) = updates.lock() {
            kept.push(Update {
                ids,
                note: note.to_owned(),
            });
        }
        let answer =
            json!({"ProcessedFindings": identifiers, "UnprocessedFindings": []}).to_string();
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{answer}",
            answer.len()
        );
        return client.write_all(response.as_bytes());
    }
    let mut moto = TcpStream::connect((Ipv4Addr::LOCALHOST, moto_port))?;
    let mut relayed = String::new();
    for line in head.trim_end().lines() {
        if !line.to_ascii_lowercase().starts_with("connection:") {
            relayed.push_str(line);
            relayed.push_str("\r\n");
        }
    }
    relayed.push_str("Connection: close\r\n\r\n");
    moto.write_all(relayed.as_bytes())?;
    moto.write_all(&body)?;
    let mut response = Vec::new();
    moto.read_to_end(&mut response)?;
    client.write_all(&response)
}

// ---------------------------------------------------------------------------------------------
// Seeding

/// The ids moto gave the seeded resources.
struct Seeded {
    security_group: String,
    default_group: String,
    key: String,
}

/// The account as a newcomer's often is: a public bucket without a TLS-only policy or KMS
/// encryption (only the SSE-S3 default every bucket has), SSH and RDP open to the world, the default security group's rules, a console user
/// without MFA with an access key, a weak password policy, a trail without log file validation, a
/// public unencrypted database, a key without rotation, a function with a secret in its
/// environment. EBS encryption by default and the account's S3 Block Public Access are off, as
/// in a new account.
async fn seed(clients: &RemediationClients) -> Result<Seeded> {
    let (s3, aws) = (&clients.s3, &clients.aws);
    call!("CreateBucket", s3.create_bucket().bucket(BUCKET))?;
    let public_read = json!({"Version": "2012-10-17", "Statement": [{
        "Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{BUCKET}/*")}]});
    // SSE-S3, what every bucket has had since January 2023 (moto's have none): encrypted, but not
    // with a KMS key (S3.17).
    let sse_s3 = aws_sdk_s3::types::ServerSideEncryptionByDefault::builder()
        .sse_algorithm(aws_sdk_s3::types::ServerSideEncryption::Aes256)
        .build()
        .map_err(|e| e.to_string())?;
    let encryption = aws_sdk_s3::types::ServerSideEncryptionConfiguration::builder()
        .rules(
            aws_sdk_s3::types::ServerSideEncryptionRule::builder()
                .apply_server_side_encryption_by_default(sse_s3)
                .build(),
        )
        .build()
        .map_err(|e| e.to_string())?;
    call!(
        "PutBucketEncryption",
        s3.put_bucket_encryption()
            .bucket(BUCKET)
            .server_side_encryption_configuration(encryption)
    )?;
    call!(
        "PutBucketPolicy",
        s3.put_bucket_policy()
            .bucket(BUCKET)
            .policy(public_read.to_string())
    )?;

    let group = call!(
        "CreateSecurityGroup",
        aws.ec2
            .create_security_group()
            .group_name(SECURITY_GROUP)
            .description("admin access for the demo")
    )?;
    let security_group = group.group_id().unwrap_or_default().to_owned();
    for port in [22, 3389] {
        call!(
            "AuthorizeSecurityGroupIngress",
            aws.ec2
                .authorize_security_group_ingress()
                .group_id(&security_group)
                .ip_protocol("tcp")
                .from_port(port)
                .to_port(port)
                .cidr_ip("0.0.0.0/0")
        )?;
    }
    let groups = call!(
        "DescribeSecurityGroups",
        aws.ec2.describe_security_groups().filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("group-name")
                .values("default")
                .build()
        )
    )?;
    let default_group = groups
        .security_groups()
        .first()
        .and_then(|g| g.group_id())
        .ok_or("moto has no default security group")?
        .to_owned();

    call!("CreateUser", aws.iam.create_user().user_name(USER))?;
    call!(
        "CreateLoginProfile",
        aws.iam
            .create_login_profile()
            .user_name(USER)
            .password("Correct-Horse-9")
    )?;
    call!(
        "CreateAccessKey",
        aws.iam.create_access_key().user_name(USER)
    )?;
    call!(
        "UpdateAccountPasswordPolicy",
        aws.iam
            .update_account_password_policy()
            .minimum_password_length(8)
            .require_symbols(false)
            .require_numbers(true)
            .require_uppercase_characters(true)
            .require_lowercase_characters(true)
    )?;

    call!("CreateBucket", s3.create_bucket().bucket(TRAIL_BUCKET))?;
    call!(
        "CreateTrail",
        aws.cloudtrail
            .create_trail()
            .name(TRAIL)
            .s3_bucket_name(TRAIL_BUCKET)
            .is_multi_region_trail(true)
            .enable_log_file_validation(false)
    )?;
    call!("StartLogging", aws.cloudtrail.start_logging().name(TRAIL))?;

    call!(
        "CreateDBInstance",
        clients
            .rds
            .create_db_instance()
            .db_instance_identifier(DB)
            .db_instance_class("db.t3.micro")
            .engine("postgres")
            .master_username("orders")
            .master_user_password("Demo-Password-1")
            .allocated_storage(20)
            .publicly_accessible(true)
            .storage_encrypted(false)
    )?;

    let key = call!(
        "CreateKey",
        aws.kms.create_key().description("orders data key")
    )?;
    let key = key
        .key_metadata()
        .map(|m| m.key_id().to_owned())
        .unwrap_or_default();

    let role = call!(
        "CreateRole",
        aws.iam
            .create_role()
            .role_name("demo-orders-api")
            .assume_role_policy_document(
                json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole"}]})
                .to_string()
            )
    )?;
    let role_arn = role.role().map(|r| r.arn().to_owned()).unwrap_or_default();
    // An empty zip archive: moto stores the code, never runs it.
    let mut empty_zip = b"PK\x05\x06".to_vec();
    empty_zip.resize(22, 0);
    // A made-up secret access key (the shape the secrets detector knows), split so no scanner
    // mistakes this file for a leak.
    let secret = concat!("wJalrXUtnFEMI/K7MDENG/", "bPxRfiCYDEMOKEY0000");
    call!(
        "CreateFunction",
        aws.lambda
            .create_function()
            .function_name(FUNCTION)
            .runtime(aws_sdk_lambda::types::Runtime::Python312)
            .role(role_arn)
            .handler("app.handler")
            .code(
                aws_sdk_lambda::types::FunctionCode::builder()
                    .zip_file(aws_smithy_types::Blob::new(empty_zip))
                    .build()
            )
            .environment(
                aws_sdk_lambda::types::Environment::builder()
                    .variables("TABLE_NAME", "orders")
                    .variables("AWS_SECRET_ACCESS_KEY", secret)
                    .build()
            )
    )?;
    Ok(Seeded {
        security_group,
        default_group,
        key,
    })
}

/// The seeded resources' configuration items, read from moto with sidewatch's inventory (what
/// AWS Config would have recorded).
async fn items(sdk: &aws_config::SdkConfig, seeded: &Seeded) -> Result<Vec<ConfigurationItem>> {
    let (items, report) = Inventory::new(sdk.clone()).collect_all(&TYPES, &[]).await;
    if !report.is_complete() {
        return Err(format!("inventory failures: {:?}", report.failures));
    }
    let wanted = [
        BUCKET,
        seeded.security_group.as_str(),
        seeded.default_group.as_str(),
        TRAIL,
        DB,
        seeded.key.as_str(),
        FUNCTION,
    ];
    Ok(items
        .into_iter()
        .filter(|i| {
            wanted.contains(&i.resource_id.as_str())
                || [USER, DB].contains(&i.resource_name.as_deref().unwrap_or_default())
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Events, shaped as AWS Config and EventBridge send them (the checked-in fixtures, retargeted)

fn fixture(path: &str) -> Result<Value> {
    let file = repo().join("tests/fixtures/events").join(path);
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))
}

fn now_rfc3339() -> String {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// The Config rule envelope of the fixture, in moto's account, with the demo's controls and the
/// `TESTMODE` token (moto's PutEvaluations needs `TestMode`).
fn rule_envelope(invoking: &Value) -> Result<Value> {
    let mut event = fixture("config-rule/change-s3-bucket.json")?;
    event["invokingEvent"] = json!(invoking.to_string());
    event["ruleParameters"] = json!(json!({ "controls": CONTROLS }).to_string());
    event["resultToken"] = json!("TESTMODE");
    event["accountId"] = json!(ACCOUNT);
    event["configRuleName"] = json!("sidewatch-demo");
    event["configRuleArn"] = json!(format!(
        "arn:aws:config:{REGION}:{ACCOUNT}:config-rule/config-rule-7hq2mx"
    ));
    Ok(event)
}

/// A Config rule "ConfigurationItemChangeNotification" for `item`.
fn rule_change(item: &ConfigurationItem) -> Result<Value> {
    rule_envelope(&json!({
        "configurationItemDiff": null,
        "configurationItem": item.to_notification_json(),
        "notificationCreationTime": now_rfc3339(),
        "messageType": "ConfigurationItemChangeNotification",
        "recordVersion": "1.3"
    }))
}

/// The Config rule's periodic "ScheduledNotification": the account-level controls.
fn rule_scheduled() -> Result<Value> {
    rule_envelope(&json!({
        "awsAccountId": ACCOUNT,
        "notificationCreationTime": now_rfc3339(),
        "messageType": "ScheduledNotification",
        "recordVersion": "1.0"
    }))
}

/// EventBridge's "Config Configuration Item Change" for `item`, recaptured now: EventBridge
/// sends this event because the resource changed, so its item is newer than the one the Config
/// rule saw. (The finding's UpdatedAt is the item's capture time: the same item again would
/// rightly leave the finding as it is.)
fn config_item_change(item: &ConfigurationItem) -> Result<Value> {
    let mut event = fixture("eventbridge/config-item-change-s3-bucket.json")?;
    let now = now_rfc3339();
    event["account"] = json!(ACCOUNT);
    event["region"] = json!(REGION);
    event["time"] = json!(now);
    event["resources"] = json!(item.arn.iter().collect::<Vec<_>>());
    event["detail"]["configurationItem"] = item.to_notification_json();
    event["detail"]["configurationItem"]["configurationItemCaptureTime"] = json!(now);
    event["detail"]["configurationItemDiff"] =
        json!({"changedProperties": {}, "changeType": "UPDATE"});
    Ok(event)
}

/// EventBridge's "AWS API Call via CloudTrail" of the fixture `name`, in moto's account.
fn api_call(name: &str) -> Result<Value> {
    let mut event = fixture(&format!("eventbridge/{name}"))?;
    event["account"] = json!(ACCOUNT);
    event["region"] = json!(REGION);
    event["detail"]["awsRegion"] = json!(REGION);
    event["detail"]["recipientAccountId"] = json!(ACCOUNT);
    Ok(event)
}

/// Security Hub's event for `findings`: "Findings - Imported" (new findings) or the custom action
/// a person chooses on findings already notified.
fn securityhub_event(findings: &[&Finding], custom_action: bool) -> Result<Value> {
    let (path, workflow) = if custom_action {
        ("securityhub/custom-action-ec2-13-notified.json", "NOTIFIED")
    } else {
        ("securityhub/imported-ec2-13-new.json", "NEW")
    };
    let mut event = fixture(path)?;
    event["account"] = json!(ACCOUNT);
    event["region"] = json!(REGION);
    event["time"] = json!(now_rfc3339());
    let mut list = Vec::new();
    for finding in findings {
        // As Security Hub delivers them: what was imported plus the attributes it adds.
        let mut value = serde_json::to_value(finding).map_err(|e| e.to_string())?;
        value["Region"] = json!(REGION);
        value["Workflow"] = json!({ "Status": workflow });
        value["WorkflowState"] = json!(workflow);
        value["ProductName"] = json!("Default");
        value["CompanyName"] = json!("Personal");
        list.push(value);
    }
    if !custom_action {
        event["resources"] = json!(
            findings
                .iter()
                .map(|f| format!("{}/{}", f.product_arn, f.id))
                .collect::<Vec<_>>()
        );
    }
    event["detail"]["findings"] = json!(list);
    Ok(event)
}

// ---------------------------------------------------------------------------------------------
// Security Hub read back

/// Every finding sidewatch imported into moto's Security Hub (GetFindings, all pages), in the
/// core model.
async fn findings(securityhub: &aws_sdk_securityhub::Client) -> Result<Vec<Finding>> {
    let mut all: Vec<AwsSecurityFinding> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = call!(
            "GetFindings",
            securityhub
                .get_findings()
                .max_results(100)
                .set_next_token(token.clone())
        )?;
        all.extend(page.findings().iter().cloned());
        token = page
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    all.iter()
        .filter(|f| {
            f.generator_id()
                .is_some_and(|g| g.starts_with("sidewatch/"))
        })
        .map(asff::from_sdk)
        .collect()
}

fn control_of(finding: &Finding) -> &str {
    finding
        .generator_id
        .strip_prefix("sidewatch/")
        .unwrap_or(&finding.generator_id)
}

/// The resource by the name a person knows it by: the last part of its ARN (the database's
/// name, not its `db-…` resource id), else its resource id (the account).
fn resource_of(finding: &Finding) -> &str {
    let id = finding
        .product_fields
        .get("sidewatch/ResourceId")
        .map(String::as_str)
        .unwrap_or_default();
    finding
        .resources
        .first()
        .map(|r| r.id.as_str())
        .filter(|arn| arn.starts_with("arn:"))
        .and_then(|arn| arn.rsplit([':', '/']).next())
        .filter(|name| !name.is_empty())
        .unwrap_or(id)
}

/// The finding's reason: its description after the resource name.
fn reason_of(finding: &Finding) -> &str {
    finding
        .description
        .split_once(": ")
        .map_or(finding.description.as_str(), |(_, r)| r)
}

fn automatic(control: &str) -> Option<bool> {
    controls::find(control).map(|c| matches!(c.remediation_hook, Remediation::Automatic { .. }))
}

fn notify_only_why(control: &str) -> &'static str {
    match controls::find(control).map(|c| c.remediation_hook) {
        Some(Remediation::NotifyOnly { why }) => why,
        _ => "",
    }
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(width - 1).collect();
        format!("{cut}…")
    }
}

/// The active findings as a table, FAILED first by severity; `extra`, when not empty, takes the
/// reason column's place (the after-table says why a finding stays FAILED).
fn print_table(title: &str, findings: &[Finding], extra: impl Fn(&Finding) -> String) {
    let mut rows: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.record_state.as_str() == "ACTIVE")
        .collect();
    rows.sort_by(|a, b| {
        (a.compliance_status() != "FAILED")
            .cmp(&(b.compliance_status() != "FAILED"))
            .then(
                b.severity
                    .label
                    .normalized()
                    .cmp(&a.severity.label.normalized()),
            )
            .then(control_of(a).cmp(control_of(b)))
            .then(resource_of(a).cmp(resource_of(b)))
    });
    println!("\n{title}");
    println!(
        "{:<13} {:<13} {:<13} {:<26} REASON",
        "STATUS", "SEVERITY", "CONTROL", "RESOURCE"
    );
    for f in rows {
        let reason = match extra(f) {
            e if e.is_empty() => reason_of(f).to_owned(),
            e => e,
        };
        println!(
            "{:<13} {:<13} {:<13} {:<26} {}",
            f.compliance_status(),
            f.severity.label.label(),
            control_of(f),
            truncate(resource_of(f), 26),
            truncate(&reason, 90)
        );
    }
}

fn as_json(findings: &[Finding]) -> Result<Value> {
    serde_json::to_value(findings).map_err(|e| e.to_string())
}

fn write_json(dir: &Path, name: &str, value: &Value) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join(name);
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    std::fs::write(&path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

// ---------------------------------------------------------------------------------------------
// Measurements

#[derive(Default)]
struct Timings {
    /// Per function: the handler durations (EMF `DurationMs`) of its warm invocations.
    durations: BTreeMap<String, Vec<f64>>,
    /// Event sent → the finding it changed readable with GetFindings, per door, in ms.
    latency: BTreeMap<String, Vec<f64>>,
}

impl Timings {
    /// The function's EMF durations from the log of `watch`, leaving out its first (cold)
    /// invocation.
    fn collect(&mut self, watch: &Watch, function: &str) {
        let durations: Vec<f64> = watch
            .lines(function)
            .iter()
            .filter_map(|l| l["DurationMs"].as_f64())
            .skip(1)
            .collect();
        self.durations
            .entry(function.to_owned())
            .or_default()
            .extend(durations);
    }
}

/// (median, p99) by the nearest-rank method.
fn median_p99(values: &[f64]) -> (f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = |p: f64| {
        let i = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        sorted[i - 1]
    };
    if sorted.is_empty() {
        (f64::NAN, f64::NAN)
    } else {
        (rank(0.5), rank(0.99))
    }
}

// ---------------------------------------------------------------------------------------------
// The flow

/// What the demo expects of a (control, resource) after the fixes: the automatic fix made it
/// PASSED, or it stays FAILED because only a person can fix it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum After {
    Passed,
    StillFailed,
}

struct Demo {
    moto: Moto,
    sdk: aws_config::SdkConfig,
    securityhub: aws_sdk_securityhub::Client,
    standin: StandIn,
    progress: Progress,
    timings: Timings,
    out: PathBuf,
}

impl Demo {
    /// Sends `event` to `function`, then reads GetFindings until a finding changed: the time
    /// from sending to readable.
    async fn play(
        &mut self,
        watch: &Watch,
        function: &str,
        door: &str,
        event: &Value,
        seen: &mut HashMap<String, String>,
    ) -> Result<usize> {
        let started = Instant::now();
        let (status, body) = watch.invoke(function, event);
        if status != 200 {
            return Err(format!("{function} answered {status}: {body}"));
        }
        loop {
            let now = findings(&self.securityhub).await?;
            let changed = now
                .iter()
                .filter(|f| seen.get(&f.id) != Some(&f.updated_at))
                .count();
            if changed > 0 {
                self.timings
                    .latency
                    .entry(door.to_owned())
                    .or_default()
                    .push(started.elapsed().as_secs_f64() * 1000.0);
                seen.extend(now.into_iter().map(|f| (f.id, f.updated_at)));
                return Ok(changed);
            }
            if started.elapsed() > Duration::from_secs(10) {
                return Err(format!(
                    "{function}: no finding changed within 10 s of the event: {body}"
                ));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn watch(&self, functions: &[(&str, Vec<(&'static str, String)>)]) -> Watch {
        Watch::start_quiet(functions)
    }

    fn function_env(&self) -> Vec<(&'static str, String)> {
        let mut env = self.moto.env();
        env.push(("SIDEWATCH_CONTROLS", CONTROLS.to_owned()));
        env
    }

    fn remediate_env(&self, mode: &str) -> Vec<(&'static str, String)> {
        let mut env: Vec<(&'static str, String)> = self
            .moto
            .env()
            .into_iter()
            .filter(|(k, _)| *k != "AWS_ENDPOINT_URL")
            .collect();
        env.push(("AWS_ENDPOINT_URL", self.standin.endpoint.clone()));
        env.push(("SIDEWATCH_REMEDIATION_MODE", mode.to_owned()));
        env.push(("SIDEWATCH_REMEDIATION_CONTROLS", "*".to_owned()));
        env
    }

    /// Plays AWS Config (a rule event per item and the periodic account check) and, when
    /// `eventbridge`, EventBridge (item changes and CloudTrail calls) into the functions.
    async fn evaluate(&mut self, seeded: &Seeded, eventbridge: bool) -> Result<usize> {
        let items = items(&self.sdk, seeded).await?;
        if items.len() < 8 {
            return Err(format!(
                "expected the 8 seeded resources in the inventory, got {}: {:?}",
                items.len(),
                items
                    .iter()
                    .map(|i| format!("{} {}", i.resource_type, i.resource_id))
                    .collect::<Vec<_>>()
            ));
        }
        let rule_env = self.function_env();
        let events_env = self.function_env();
        let watch = self.watch(&[
            ("sidewatch-config-rule", rule_env),
            ("sidewatch-events", events_env),
        ]);
        let mut seen: HashMap<String, String> = findings(&self.securityhub)
            .await?
            .into_iter()
            .map(|f| (f.id, f.updated_at))
            .collect();
        let mut events = 0;
        for item in &items {
            self.play(
                &watch,
                "sidewatch-config-rule",
                "Config rule event",
                &rule_change(item)?,
                &mut seen,
            )
            .await?;
            events += 1;
        }
        self.play(
            &watch,
            "sidewatch-config-rule",
            "Config rule event",
            &rule_scheduled()?,
            &mut seen,
        )
        .await?;
        events += 1;
        if eventbridge {
            for item in &items {
                self.play(
                    &watch,
                    "sidewatch-events",
                    "EventBridge Config change",
                    &config_item_change(item)?,
                    &mut seen,
                )
                .await?;
                events += 1;
            }
            for call in [
                "cloudtrail-update-account-password-policy.json",
                "cloudtrail-disable-ebs-encryption-by-default.json",
            ] {
                self.play(
                    &watch,
                    "sidewatch-events",
                    "EventBridge CloudTrail call",
                    &api_call(call)?,
                    &mut seen,
                )
                .await?;
                events += 1;
            }
        }
        self.timings.collect(&watch, "sidewatch-config-rule");
        self.timings.collect(&watch, "sidewatch-events");
        Ok(events)
    }

    /// The scheduled sweep, twice, as its schedule and SQS queue would run it: the first
    /// reconciles what the events never covered (the trail's bucket, moto's other security
    /// groups), the second finds the estate unchanged. Returns the findings each imported.
    async fn sweep(&mut self) -> Result<[u64; 2]> {
        let sqs = aws_sdk_sqs::Client::new(&self.sdk);
        let queue = call!("CreateQueue", sqs.create_queue().queue_name("SweepQueue"))?;
        let queue_url = queue.queue_url().unwrap_or_default().to_owned();
        let mut env = self.function_env();
        env.push(("SIDEWATCH_SWEEP_QUEUE_URL", queue_url.clone()));
        let watch = self.watch(&[("sidewatch-sweep", env)]);
        let imported = |watch: &Watch| -> u64 {
            watch
                .lines("sidewatch-sweep")
                .iter()
                .filter_map(|l| l["FindingsImported"].as_u64())
                .sum()
        };
        let mut rounds = [0; 2];
        for round in &mut rounds {
            let before = imported(&watch);
            let mut scheduled = fixture("eventbridge/scheduled.json")?;
            scheduled["account"] = json!(ACCOUNT);
            scheduled["region"] = json!(REGION);
            scheduled["time"] = json!(now_rfc3339());
            let (status, body) = watch.invoke("sidewatch-sweep", &scheduled);
            if status != 200 {
                return Err(format!(
                    "sidewatch-sweep (schedule) answered {status}: {body}"
                ));
            }
            loop {
                let received = call!(
                    "ReceiveMessage",
                    sqs.receive_message()
                        .queue_url(&queue_url)
                        .max_number_of_messages(10)
                )?;
                if received.messages().is_empty() {
                    break;
                }
                for message in received.messages() {
                    // The template's event source mapping: one message per invocation.
                    let event = json!({"Records": [{
                        "messageId": message.message_id(),
                        "receiptHandle": message.receipt_handle(),
                        "body": message.body(),
                        "attributes": {"ApproximateReceiveCount": "1"},
                        "messageAttributes": {},
                        "eventSource": "aws:sqs",
                        "eventSourceARN": format!("arn:aws:sqs:{REGION}:{ACCOUNT}:SweepQueue"),
                        "awsRegion": REGION
                    }]});
                    let (status, body) = watch.invoke("sidewatch-sweep", &event);
                    let answer: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
                    if status != 200 || answer["batchItemFailures"] != json!([]) {
                        return Err(format!(
                            "sidewatch-sweep did not consume {}: {status} {body}",
                            message.body().unwrap_or_default()
                        ));
                    }
                    call!(
                        "DeleteMessage",
                        sqs.delete_message()
                            .queue_url(&queue_url)
                            .receipt_handle(message.receipt_handle().unwrap_or_default())
                    )?;
                }
            }
            *round = imported(&watch) - before;
        }
        self.timings.collect(&watch, "sidewatch-sweep");
        Ok(rounds)
    }

    /// Sends one Security Hub event per finding to the remediation function in `mode`; returns
    /// the notes it wrote (BatchUpdateFindings), by finding Id.
    async fn remediate(
        &mut self,
        failed: &[&Finding],
        mode: &str,
    ) -> Result<HashMap<String, String>> {
        let before = self.standin.updates().len();
        let watch = self.watch(&[("sidewatch-remediate", self.remediate_env(mode))]);
        for finding in failed {
            let event = securityhub_event(&[finding], mode == "apply")?;
            let (status, body) = watch.invoke("sidewatch-remediate", &event);
            if status != 200 {
                return Err(format!(
                    "sidewatch-remediate ({mode}) answered {status} for {} {}: {body}",
                    control_of(finding),
                    resource_of(finding)
                ));
            }
        }
        self.timings.collect(&watch, "sidewatch-remediate");
        Ok(self.standin.updates()[before..]
            .iter()
            .flat_map(|u| u.ids.iter().map(|id| (id.clone(), u.note.clone())))
            .collect())
    }
}

/// The demo's expectations: (control, resource id) → what holds after the fixes.
fn expectations(seeded: &Seeded) -> Vec<(&'static str, String, After)> {
    use After::{Passed, StillFailed};
    let bucket = BUCKET.to_owned();
    let account = ACCOUNT.to_owned();
    vec![
        ("S3.1", account.clone(), Passed),
        ("S3.5", bucket.clone(), Passed),
        ("S3.8", bucket.clone(), Passed),
        ("S3.17", bucket.clone(), Passed),
        ("EC2.2", seeded.default_group.clone(), Passed),
        ("EC2.7", account.clone(), Passed),
        ("EC2.13", seeded.security_group.clone(), Passed),
        ("EC2.14", seeded.security_group.clone(), Passed),
        ("IAM.7", account.clone(), Passed),
        ("IAM.15", account.clone(), Passed),
        ("CloudTrail.4", TRAIL.to_owned(), Passed),
        ("KMS.4", seeded.key.clone(), Passed),
        ("IAM.5", USER.to_owned(), StillFailed),
        ("IAM.19", USER.to_owned(), StillFailed),
        ("RDS.2", DB.to_owned(), StillFailed),
        ("RDS.3", DB.to_owned(), StillFailed),
        ("Lambda.X1", FUNCTION.to_owned(), StillFailed),
    ]
}

/// The finding of `control` on a resource whose id or name is `resource`.
fn find<'a>(findings: &'a [Finding], control: &str, resource: &str) -> Option<&'a Finding> {
    findings
        .iter()
        .find(|f| control_of(f) == control && resource_of(f) == resource)
}

async fn run(out: PathBuf) -> Result<()> {
    let progress = Progress::new();
    let step = progress.step("Starting moto on 127.0.0.1");
    let moto = Moto::start();
    let sdk = moto.sdk_config().await;
    let securityhub = aws_sdk_securityhub::Client::new(&sdk);
    let standin = StandIn::start(moto.port)?;
    step.done(&moto.endpoint);
    let mut demo = Demo {
        moto,
        sdk,
        securityhub,
        standin,
        progress,
        timings: Timings::default(),
        out,
    };
    let mut problems: Vec<String> = Vec::new();

    let step = demo
        .progress
        .step("Seeding a misconfigured account through the AWS SDK");
    let clients = RemediationClients::new(&demo.sdk, ACCOUNT);
    let seeded = match seed(&clients).await {
        Ok(s) => s,
        Err(e) => return Err(step.fail(&e)),
    };
    step.done(&format!(
        "bucket {BUCKET}, security groups {} and {} (default), user {USER}, password policy, \
         trail {TRAIL}, database {DB}, key {}, function {FUNCTION}",
        seeded.security_group, seeded.default_group, seeded.key
    ));

    let step = demo
        .progress
        .step("Playing AWS Config and EventBridge into sidewatch-config-rule and sidewatch-events");
    let events = match demo.evaluate(&seeded, true).await {
        Ok(n) => n,
        Err(e) => return Err(step.fail(&e)),
    };
    let before = findings(&demo.securityhub).await?;
    let failed_count = before
        .iter()
        .filter(|f| f.compliance_status() == "FAILED")
        .count();
    step.done(&format!(
        "{events} events, {} findings in Security Hub ({failed_count} FAILED)",
        before.len()
    ));
    print_table("Security Hub findings (GetFindings)", &before, |_| {
        String::new()
    });
    let path = write_json(&demo.out, "findings-before.json", &as_json(&before)?)?;
    println!("(written to {})", path.display());

    let expected = expectations(&seeded);
    for (control, resource, _) in &expected {
        match find(&before, control, resource) {
            Some(f) if f.compliance_status() == "FAILED" => {}
            Some(f) => problems.push(format!(
                "{control} {resource}: expected FAILED after seeding, got {}: {}",
                f.compliance_status(),
                f.description
            )),
            None => problems.push(format!("{control} {resource}: no finding after seeding")),
        }
    }

    let failed: Vec<&Finding> = before
        .iter()
        .filter(|f| f.compliance_status() == "FAILED" && f.record_state.as_str() == "ACTIVE")
        .collect();
    let step = demo
        .progress
        .step("Remediation, dry-run: the change plans (Security Hub Findings - Imported)");
    let plans = match demo.remediate(&failed, "dry-run").await {
        Ok(p) => p,
        Err(e) => return Err(step.fail(&e)),
    };
    let planned = failed
        .iter()
        .filter(|f| automatic(control_of(f)) == Some(true))
        .count();
    step.done(&format!(
        "{planned} findings with an automatic fix planned, {} notify only",
        failed.len() - planned
    ));
    println!("\nChange plans (dry-run: nothing changed yet)");
    for f in &failed {
        if automatic(control_of(f)) == Some(true) {
            match plans.get(&f.id) {
                Some(note) => println!(
                    "  {:<13} {:<26} {}",
                    control_of(f),
                    truncate(resource_of(f), 26),
                    note
                ),
                None => problems.push(format!(
                    "{} {}: the dry-run wrote no plan",
                    control_of(f),
                    resource_of(f)
                )),
            }
        }
    }

    let step = demo
        .progress
        .step("Remediation, apply (Security Hub custom action on the notified findings)");
    let remediable: Vec<&Finding> = failed
        .iter()
        .copied()
        .filter(|f| automatic(control_of(f)) == Some(true))
        .collect();
    if let Err(e) = demo.remediate(&remediable, "apply").await {
        return Err(step.fail(&e));
    }
    step.done(&format!("{} fixes applied", remediable.len()));

    let step = demo
        .progress
        .step("Re-evaluating: AWS Config records the changes, sidewatch-config-rule evaluates");
    if let Err(e) = demo.evaluate(&seeded, false).await {
        return Err(step.fail(&e));
    }
    let after = findings(&demo.securityhub).await?;
    step.done(&format!("{} findings in Security Hub", after.len()));
    print_table("After the fixes", &after, |f| {
        if f.compliance_status() == "FAILED" {
            format!("notify only: {}", notify_only_why(control_of(f)))
        } else {
            String::new()
        }
    });
    let path = write_json(&demo.out, "findings-after.json", &as_json(&after)?)?;
    println!("(written to {})", path.display());

    for (control, resource, want) in &expected {
        let (Some(old), Some(new)) = (
            find(&before, control, resource),
            find(&after, control, resource),
        ) else {
            continue;
        };
        let status = new.compliance_status();
        let ok = match want {
            After::Passed => status == "PASSED" && new.id == old.id,
            After::StillFailed => status == "FAILED",
        };
        if !ok {
            problems.push(format!(
                "{control} {resource}: expected {want:?} on Id {}, got {status} on {}: {}",
                old.id, new.id, new.description
            ));
        }
    }
    let duplicates = after.len() != before.len();
    if duplicates {
        problems.push(format!(
            "the fixes changed the number of findings ({} → {}): a finding Id was not reused",
            before.len(),
            after.len()
        ));
    }

    let step = demo
        .progress
        .step("The daily sweep (sidewatch-sweep: schedule, then its SQS messages), twice");
    match demo.sweep().await {
        Ok([first, second]) => {
            step.done(&format!(
                "the first reconciled {first} findings of resources no event had covered, \
                 the second (nothing changed) imported {second}"
            ));
            if second != 0 {
                problems.push(format!(
                    "the sweep of an unchanged estate imported {second} findings, expected 0"
                ));
            }
        }
        Err(e) => return Err(step.fail(&e)),
    }

    report(&demo)?;
    if problems.is_empty() {
        println!(
            "\nEvery step gave the expected result. Total {:.1} s.",
            demo.progress.started.elapsed().as_secs_f64()
        );
        Ok(())
    } else {
        Err(format!(
            "{} expectation(s) did not hold:\n  {}",
            problems.len(),
            problems.join("\n  ")
        ))
    }
}

/// Prints (and writes) the measurements.
fn report(demo: &Demo) -> Result<()> {
    println!(
        "\nWarm invocation duration per event (handler time, EMF DurationMs; first invocation of each process left out)"
    );
    let mut out = serde_json::Map::new();
    for (function, values) in &demo.timings.durations {
        let (median, p99) = median_p99(values);
        println!(
            "  {function:<22} median {median:>6.1} ms   p99 {p99:>6.1} ms   ({} events)",
            values.len()
        );
        out.insert(
            function.clone(),
            json!({"medianMs": median, "p99Ms": p99, "events": values.len()}),
        );
    }
    println!("Event in → finding readable with GetFindings");
    let mut latency = serde_json::Map::new();
    for (door, values) in &demo.timings.latency {
        let (median, p99) = median_p99(values);
        println!(
            "  {door:<28} median {median:>6.1} ms   p99 {p99:>6.1} ms   ({} events)",
            values.len()
        );
        latency.insert(
            door.clone(),
            json!({"medianMs": median, "p99Ms": p99, "events": values.len()}),
        );
    }
    let path = write_json(
        &demo.out,
        "measurements.json",
        &json!({"durations": out, "eventToFinding": latency,
                "totalSeconds": demo.progress.started.elapsed().as_secs_f64()}),
    )?;
    println!("(written to {})", path.display());
    Ok(())
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut out = repo().join("target/demo");
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--out", Some(dir)) => out = PathBuf::from(dir),
            _ => {
                eprintln!("usage: demo [--out DIR]");
                return ExitCode::from(2);
            }
        }
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("demo: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\ndemo failed: {e}");
            ExitCode::FAILURE
        }
    }
}
