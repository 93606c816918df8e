//! The bad-input catalog: malformed and hostile inputs at every door sidewatch reads (the
//! configuration item in both shapes, the AWS Config rule event, EventBridge events, the Security
//! Hub finding event of the remediation function, policy documents, and `sidewatch scan`), each
//! with the exact outcome it must have: refused with an error naming the problem, or read and
//! answered NOT_APPLICABLE / INSUFFICIENT_DATA (or FAILED where the input shows a failure) with
//! the reason. For every case: no panic, no PASSED, and no write: the parsers and the engine have
//! no AWS client, the remediation guards give no `Act`, and the CLI runs without `--live` or
//! `--publish`.

use serde_json::{Value, json};
use sidewatch_core::boundary::AccountBoundary;
use sidewatch_core::controls::policy::PolicyDocument;
use sidewatch_core::doors::config_rule::{ConfigRuleEvent, InvokingEvent};
use sidewatch_core::doors::eventbridge::{Detail, EventBridgeEvent};
use sidewatch_core::{ComplianceType, ConfigurationItem, Engine, Evaluation};
use sidewatch_remediation::RemediationConfig;
use sidewatch_remediation::guard::{Decision, SkipCode, decide_event};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

const ACCOUNT: &str = "123456789012";
const OTHER_ACCOUNT: &str = "999988887777";
/// Whatever the input, a door answers within this (debug build, shared machine).
const TIME_LIMIT: Duration = Duration::from_secs(20);

/// Where a case enters.
#[derive(Debug, Clone, Copy)]
enum Door {
    /// `ConfigurationItem::from_json_str`, then every control.
    Item,
    /// `ConfigRuleEvent::from_json_str`, the account boundary, then the rule's controls.
    ConfigRule,
    /// `EventBridgeEvent::from_json_str`, the account boundary, then every control on its item.
    EventBridge,
    /// `decide_event` of the remediation function (account 123456789012, everything allowed).
    Finding,
    /// `PolicyDocument::from_text`.
    Policy,
    /// `sidewatch scan --format json -` with the input on standard input.
    Scan,
}

/// What a case must give.
#[derive(Debug, Clone)]
enum Expect {
    /// Refused; the message contains this.
    Refused(&'static str),
    /// Read; `control` answers `status` with a reason containing `reason`; no verdict passes.
    Verdict {
        control: &'static str,
        status: ComplianceType,
        reason: &'static str,
    },
    /// Read; no control evaluates it (and so nothing passes).
    NoVerdict,
    /// Remediation: every finding skipped with this code.
    Skip(SkipCode),
    /// `sidewatch scan`: the exit code, standard error containing this, and the number of verdicts.
    Exit {
        code: u8,
        stderr: &'static str,
        verdicts: usize,
    },
}

/// What a case gave.
#[derive(Debug)]
enum Outcome {
    Refused(String),
    Verdicts(Vec<Evaluation>),
    Decisions(Vec<Decision>),
    Exit {
        code: u8,
        stdout: String,
        stderr: String,
    },
}

struct Case {
    name: &'static str,
    door: Door,
    input: Vec<u8>,
    expect: Expect,
}

fn case(name: &'static str, door: Door, input: impl Into<Vec<u8>>, expect: Expect) -> Case {
    Case {
        name,
        door,
        input: input.into(),
        expect,
    }
}

fn fixture(relative: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/events")
        .join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// An S3 bucket in the notification shape whose settings are all missing, changed by `edit`.
fn bucket(edit: impl FnOnce(&mut Value)) -> String {
    let mut item = json!({
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": "2026-11-20T09:15:02.114Z",
        "configurationItemStatus": "OK",
        "awsAccountId": ACCOUNT,
        "resourceType": "AWS::S3::Bucket",
        "resourceId": "example-bucket",
        "resourceName": "example-bucket",
        "ARN": "arn:aws:s3:::example-bucket",
        "awsRegion": "eu-west-1",
        "configuration": {"name": "example-bucket"},
        "supplementaryConfiguration": {}
    });
    edit(&mut item);
    item.to_string()
}

/// A security group with `rules` as its ingress permissions.
fn security_group(rules: Value) -> String {
    json!({
        "configurationItemStatus": "OK",
        "awsAccountId": ACCOUNT,
        "resourceType": "AWS::EC2::SecurityGroup",
        "resourceId": "sg-0123456789abcdef0",
        "awsRegion": "eu-west-1",
        "configuration": {"groupId": "sg-0123456789abcdef0", "ipPermissions": rules, "ipPermissionsEgress": []}
    })
    .to_string()
}

/// The Config rule event of `change-s3-bucket.json` with its invoking event changed by `edit`.
fn rule_event(edit: impl FnOnce(&mut Value)) -> String {
    let mut event = fixture("config-rule/change-s3-bucket.json");
    let mut invoking: Value =
        serde_json::from_str(event["invokingEvent"].as_str().unwrap()).unwrap();
    edit(&mut invoking);
    event["invokingEvent"] = Value::String(invoking.to_string());
    event.to_string()
}

/// The Config rule event of `change-s3-bucket.json` changed by `edit`.
fn rule_envelope(edit: impl FnOnce(&mut Value)) -> String {
    let mut event = fixture("config-rule/change-s3-bucket.json");
    edit(&mut event);
    event.to_string()
}

fn bridge_event(name: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut event = fixture(&format!("eventbridge/{name}.json"));
    edit(&mut event);
    event.to_string()
}

/// A Security Hub finding event of sidewatch's own, for account 123456789012, changed by `edit`.
fn finding_event(edit: impl FnOnce(&mut Value)) -> String {
    let text = fixture("securityhub/imported-s3-5-new.json")
        .to_string()
        .replace("111122223333", ACCOUNT);
    let mut event: Value = serde_json::from_str(&text).unwrap();
    edit(&mut event);
    event.to_string()
}

fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

fn cases() -> Vec<Case> {
    use ComplianceType::{InsufficientData, NonCompliant, NotApplicable};
    use Door::*;
    use Expect::*;
    let ten_megabytes = "x".repeat(10 << 20);
    vec![
        // The configuration item.
        case("item: truncated", Item, &bucket(|_| {})[..60], Refused("configuration item is not valid JSON: EOF while parsing")),
        case("item: an array", Item, "[1, 2]", Refused("a configuration item must be a JSON object, found an array")),
        // Numbers are read as text (some producers write ids as numbers): type "7" is no known type.
        case("item: resourceType a number", Item, bucket(|i| i["resourceType"] = json!(7)), NoVerdict),
        case("item: no resourceId", Item, bucket(|i| { i.as_object_mut().unwrap().remove("resourceId"); }), Refused("has no `resourceId`")),
        case("item: tags a string", Item, bucket(|i| i["tags"] = json!("team=data")), Refused("`tags`")),
        case("item: configuration a string that is not JSON", Item, bucket(|i| i["configuration"] = json!("{\"name\": ")), Verdict { control: "S3.8", status: InsufficientData, reason: "configuration is a string that is not JSON" }),
        case("item: API shape, configuration not JSON", Item, json!({"version": "1.3", "accountId": ACCOUNT, "resourceType": "AWS::EC2::SecurityGroup", "resourceId": "sg-1", "configuration": "{\"ipPermissions\": [", "supplementaryConfiguration": {}}).to_string(), Verdict { control: "EC2.19", status: InsufficientData, reason: "configuration is a string that is not JSON" }),
        case("item: API shape, capture time a word", Item, json!({"version": "1.3", "resourceType": "AWS::S3::Bucket", "resourceId": "b", "configurationItemCaptureTime": "yesterday", "configuration": "{}"}).to_string(), Refused("`configurationItemCaptureTime` must be a timestamp, found a string that is not an RFC 3339 time")),
        case("item: every setting of the wrong type", Item, bucket(|i| i["supplementaryConfiguration"] = json!({
            "PublicAccessBlockConfiguration": {"blockPublicAcls": "yes", "ignorePublicAcls": 1, "blockPublicPolicy": [], "restrictPublicBuckets": {}},
            "BucketPolicy": {"policyText": 5}, "AccessControlList": 5, "BucketVersioningConfiguration": "on",
            "BucketLoggingConfiguration": [], "ServerSideEncryptionConfiguration": 7,
            "BucketLifecycleConfiguration": true, "BucketNotificationConfiguration": 1})), Verdict { control: "S3.8", status: InsufficientData, reason: "PublicAccessBlockConfiguration" }),
        case("item: bucket policy URL-encoded but not JSON", Item, bucket(|i| i["supplementaryConfiguration"]["BucketPolicy"] = json!({"policyText": "%7B%22Statement%22%3A%20%5B"})), Verdict { control: "S3.5", status: InsufficientData, reason: "policy" }),
        case("item: bucket policy with an unknown Effect", Item, bucket(|i| i["supplementaryConfiguration"]["BucketPolicy"] = json!({"policyText": "{\"Statement\":[{\"Effect\":\"Maybe\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"})), Verdict { control: "S3.5", status: InsufficientData, reason: "Effect" }),
        case("item: 10 MB", Item, bucket(|i| i["configuration"]["padding"] = json!(ten_megabytes)), Verdict { control: "S3.8", status: NonCompliant, reason: BARE_BUCKET }),
        case("item: nested 10 000 deep", Item, format!("{{\"resourceType\": \"AWS::S3::Bucket\", \"resourceId\": \"b\", \"configuration\": {}}}", nested(10_000)), Refused("recursion limit exceeded")),
        case("item: unknown resource type", Item, bucket(|i| i["resourceType"] = json!("AWS::Made::Up")), NoVerdict),
        case("item: no account id", Item, bucket(|i| { i.as_object_mut().unwrap().remove("awsAccountId"); }), Verdict { control: "S3.8", status: NonCompliant, reason: BARE_BUCKET }),
        case("item: an ARN that is not one", Item, bucket(|i| i["ARN"] = json!("arn:::::::::::")), Verdict { control: "S3.8", status: NonCompliant, reason: BARE_BUCKET }),
        case("item: unicode and control characters in names", Item, bucket(|i| { i["resourceId"] = json!("bücket-🚀\u{202e}\u{0}"); i["resourceName"] = json!("\u{feff}名前"); i["tags"] = json!({"ключ": "\u{1f4a5}"}); }), Verdict { control: "S3.8", status: NonCompliant, reason: BARE_BUCKET }),
        case("item: status deleted, configuration garbage", Item, bucket(|i| { i["configurationItemStatus"] = json!("ResourceDeleted"); i["configuration"] = json!(42); }), Verdict { control: "S3.8", status: NotApplicable, reason: "ResourceDeleted" }),
        case("item: 20 000 ingress rules, one open to the world on every port", Item, security_group(Value::Array((0..20_000).map(|n| json!({"ipProtocol": "tcp", "fromPort": n % 60000 + 1024, "toPort": n % 60000 + 1024, "ipRanges": [], "ipv4Ranges": [{"cidrIp": "10.0.0.0/8"}]})).chain([json!({"ipProtocol": "tcp", "fromPort": 0, "toPort": 65535, "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipv6Ranges": [{"cidrIpv6": "::/0"}]})]).collect())), Verdict { control: "EC2.13", status: NonCompliant, reason: "22" }),
        case("item: ingress rules an object", Item, security_group(json!({"ipProtocol": "-1"})), Verdict { control: "EC2.19", status: InsufficientData, reason: "ipPermissions" }),
        // Policy documents.
        case("policy: URL-encoded, not JSON", Policy, "%7B%22Version%22%3A%222012-10-17%22%2C", Refused("the policy document is not readable JSON")),
        case("policy: invalid percent-encoding and bytes", Policy, "%7B%FF%FE%22Statement%22%3A%5B%5D%7D", Refused("the policy document")),
        case("policy: encoded five times", Policy, {
            let mut text = json!({"Statement": []}).to_string();
            for _ in 0..5 {
                text = Value::String(text).to_string();
            }
            text
        }, Refused("the policy document")),
        case("policy: Action and NotAction", Policy, r#"{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "NotAction": "s3:PutObject", "Resource": "*"}}"#, Refused("statement 1 of the policy document has both Action and NotAction")),
        case("policy: Statement a number", Policy, r#"{"Statement": 5}"#, Refused("the policy document")),
        case("policy: Principal a number", Policy, r#"{"Statement": [{"Effect": "Allow", "Principal": 5, "Action": "*", "Resource": "*"}]}"#, Refused("statement 1 of the policy document has a Principal that is a number")),
        // The AWS Config rule event.
        case("config rule: not JSON", ConfigRule, "{\"invokingEvent\": ", Refused("the AWS Config rule event is not valid JSON")),
        case("config rule: invokingEvent not JSON", ConfigRule, rule_envelope(|e| e["invokingEvent"] = json!("{\"configurationItem\": {")), Refused("`invokingEvent` of the AWS Config rule event must hold JSON")),
        case("config rule: ruleParameters not JSON", ConfigRule, rule_envelope(|e| e["ruleParameters"] = json!("controls=S3")), Refused("`ruleParameters` of the AWS Config rule event must hold JSON")),
        case("config rule: ruleParameters naming no control", ConfigRule, rule_envelope(|e| e["ruleParameters"] = json!("{\"controls\": \"NOPE.1\"}")), Refused("NOPE.1")),
        case("config rule: item of another account", ConfigRule, rule_event(|i| i["configurationItem"]["awsAccountId"] = json!(OTHER_ACCOUNT)), Refused("invokingEvent.configurationItem.awsAccountId is account 999988887777")),
        case("config rule: accountId of another account", ConfigRule, rule_envelope(|e| e["accountId"] = json!(OTHER_ACCOUNT)), Refused("accountId is account 999988887777")),
        case("config rule: item without resourceType", ConfigRule, rule_event(|i| { i["configurationItem"].as_object_mut().unwrap().remove("resourceType"); }), Refused("has no `resourceType`")),
        case("config rule: configuration a number", ConfigRule, rule_event(|i| i["configurationItem"]["configuration"] = json!(3)), Verdict { control: "S3.8", status: InsufficientData, reason: "configuration is a number, not an object, so no control can read it" }),
        case("config rule: supplementary configuration emptied", ConfigRule, rule_event(|i| i["configurationItem"]["supplementaryConfiguration"] = json!({})), Verdict { control: "S3.8", status: NonCompliant, reason: BARE_BUCKET }),
        // EventBridge events.
        case("eventbridge: an array", EventBridge, "[]", Refused("the EventBridge event must be a JSON object, found an array")),
        case("eventbridge: no account", EventBridge, bridge_event("config-item-change-s3-bucket", |e| { e.as_object_mut().unwrap().remove("account"); }), Refused("has no `account`")),
        case("eventbridge: item of another account", EventBridge, bridge_event("config-item-change-s3-bucket", |e| e["detail"]["configurationItem"]["awsAccountId"] = json!(OTHER_ACCOUNT)), Refused("is account 999988887777")),
        case("eventbridge: detail a string", EventBridge, bridge_event("config-item-change-s3-bucket", |e| e["detail"] = json!("{}")), Refused("`detail`")),
        case("eventbridge: time not a time", EventBridge, bridge_event("scheduled", |e| e["time"] = json!("tomorrow")), Refused("'tomorrow'")),
        case("eventbridge: API call without requestParameters", EventBridge, bridge_event("cloudtrail-put-bucket-policy", |e| { e["detail"].as_object_mut().unwrap().remove("requestParameters"); }), Refused("requestParameters")),
        // The Security Hub finding event of the remediation function.
        case("finding: not JSON", Finding, "{\"detail-type\": ", Skip(SkipCode::MalformedEvent)),
        case("finding: claims another account", Finding, finding_event(|e| e["detail"]["findings"][0]["AwsAccountId"] = json!(OTHER_ACCOUNT)), Skip(SkipCode::OtherAccount)),
        case("finding: another product", Finding, finding_event(|e| e["detail"]["findings"][0]["ProductArn"] = json!("arn:aws:securityhub:eu-west-1::product/aws/guardduty")), Skip(SkipCode::ForeignProduct)),
        case("finding: not from Security Hub", Finding, finding_event(|e| e["source"] = json!("my.app")), Skip(SkipCode::MalformedEvent)),
        case("finding: no findings", Finding, finding_event(|e| e["detail"]["findings"] = json!([])), Skip(SkipCode::MalformedEvent)),
        case("finding: Resources a string", Finding, finding_event(|e| e["detail"]["findings"][0]["Resources"] = json!("arn:aws:s3:::x")), Skip(SkipCode::MalformedFinding)),
        case("finding: forged generator", Finding, finding_event(|e| e["detail"]["findings"][0]["GeneratorId"] = json!("sidewatch/NOPE.1")), Skip(SkipCode::ForgedGenerator)),
        case("finding: resource of another account", Finding, finding_event(|e| e["detail"]["findings"][0]["Resources"][0]["Id"] = json!("arn:aws:s3:::other-bucket")), Skip(SkipCode::InconsistentFinding)),
        // `sidewatch scan`.
        case("scan: binary garbage", Scan, vec![0u8, 159, 146, 150, 255, 0, 1], Exit { code: 2, stderr: "not valid JSON at line 1, column 1", verdicts: 0 }),
        case("scan: nested 100 000 deep", Scan, nested(100_000), Exit { code: 2, stderr: "recursion limit exceeded", verdicts: 0 }),
        case("scan: invalid UTF-8 inside a string", Scan, [br#"{"resourceType": "AWS::S3::Bucket", "resourceId": "b"#.as_slice(), &[0xff, 0xfe], br#""}"#].concat(), Exit { code: 2, stderr: "invalid unicode", verdicts: 0 }),
        case("scan: JSON Lines with a broken line", Scan, format!("{}\n{{\"resourceType\": tru\n{}\n", bucket(|_| {}), bucket(|i| i["resourceId"] = json!("second"))), Exit { code: 2, stderr: "item 2 (index 1, line 2): configuration item is not valid JSON", verdicts: 2 * S3_CONTROLS_ON_A_BARE_BUCKET }),
        case("scan: a byte-order mark", Scan, format!("\u{feff}{}", bucket(|_| {})), Exit { code: 1, stderr: "1 item(s) read, 1 verdict(s) (1 FAILED", verdicts: S3_CONTROLS_ON_A_BARE_BUCKET }),
        case("scan: a snapshot whose items are strings", Scan, json!({"fileVersion": "1.0", "configurationItems": ["{}", "x"]}).to_string(), Exit { code: 2, stderr: "item 1 (index 0): a configuration item must be a JSON object, found a string", verdicts: 0 }),
    ]
}

/// S3.8's reason on a bucket item that records no public access block.
const BARE_BUCKET: &str = "the bucket has no bucket-level public access block configuration";

/// The verdicts `sidewatch scan --controls S3.8` gives one bucket item.
const S3_CONTROLS_ON_A_BARE_BUCKET: usize = 1;

fn run(door: Door, input: &[u8]) -> Outcome {
    let text = || String::from_utf8_lossy(input).into_owned();
    let engine = Engine::with_defaults();
    let boundary = AccountBoundary::new(ACCOUNT).unwrap();
    match door {
        Door::Item => match ConfigurationItem::from_json_str(&text()) {
            Ok(item) => Outcome::Verdicts(engine.evaluate(&item)),
            Err(e) => Outcome::Refused(e.to_string()),
        },
        Door::Policy => match PolicyDocument::from_text(&text()) {
            Ok(document) => Outcome::Refused(format!("read as {document:?}")),
            Err(e) => Outcome::Refused(e.to_string()),
        },
        Door::ConfigRule => {
            let event = match ConfigRuleEvent::from_json_str(&text()) {
                Ok(event) => event,
                Err(e) => return Outcome::Refused(e.to_string()),
            };
            if let Err(e) = boundary.check(event.account_claims()) {
                return Outcome::Refused(e.to_string());
            }
            let engine = match event.parameters.engine() {
                Ok(engine) => engine,
                Err(e) => return Outcome::Refused(e.to_string()),
            };
            match &event.invoking_event {
                InvokingEvent::ConfigurationItemChange { item, .. } => {
                    Outcome::Verdicts(event.evaluate(&engine, item))
                }
                other => Outcome::Refused(format!("not a change: {other:?}")),
            }
        }
        Door::EventBridge => {
            let event = match EventBridgeEvent::from_json_str(&text()) {
                Ok(event) => event,
                Err(e) => return Outcome::Refused(e.to_string()),
            };
            if let Err(e) = boundary.check(event.account_claims()) {
                return Outcome::Refused(e.to_string());
            }
            match &event.detail {
                Detail::ConfigurationItemChange { item, .. } => {
                    Outcome::Verdicts(engine.evaluate(item))
                }
                other => Outcome::Refused(format!("not a change: {other:?}")),
            }
        }
        Door::Finding => {
            let mut config = RemediationConfig::new(ACCOUNT);
            config.allow_list = vec!["*".to_owned()];
            config.region = Some("eu-west-1".to_owned());
            let text = text();
            Outcome::Decisions(decide_event(&text, &config))
        }
        Door::Scan => {
            let mut stdin = input;
            let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
            let mut io = sidewatch_cli::Io::piped(&mut stdin, &mut stdout, &mut stderr);
            let code = sidewatch_cli::run(
                [
                    "sidewatch",
                    "scan",
                    "--controls",
                    "S3.8",
                    "--format",
                    "json",
                    "-",
                ],
                &mut io,
            );
            Outcome::Exit {
                code,
                stdout: String::from_utf8_lossy(&stdout).into_owned(),
                stderr: String::from_utf8_lossy(&stderr).into_owned(),
            }
        }
    }
}

/// Whether `outcome` is what `expect` says; the mismatch otherwise.
fn check(outcome: &Outcome, expect: &Expect) -> Result<(), String> {
    let passed = |evaluations: &[Evaluation]| {
        evaluations
            .iter()
            .find(|e| e.verdict.compliance_type() == ComplianceType::Compliant)
            .map(|e| format!("{} PASSED: {}", e.control.id, e.verdict.reason()))
    };
    match (outcome, expect) {
        (Outcome::Refused(message), Expect::Refused(expected)) if message.contains(expected) => {
            Ok(())
        }
        (Outcome::Verdicts(evaluations), Expect::NoVerdict) if evaluations.is_empty() => Ok(()),
        (
            Outcome::Verdicts(evaluations),
            Expect::Verdict {
                control,
                status,
                reason,
            },
        ) => {
            if let Some(pass) = passed(evaluations) {
                return Err(pass);
            }
            let found = evaluations
                .iter()
                .find(|e| e.control.id == *control)
                .ok_or_else(|| format!("no verdict of {control}"))?;
            if found.verdict.compliance_type() == *status && found.verdict.reason().contains(reason)
            {
                Ok(())
            } else {
                Err(format!(
                    "{control}: {} {}",
                    found.verdict.compliance_type(),
                    found.verdict.reason()
                ))
            }
        }
        (Outcome::Decisions(decisions), Expect::Skip(code)) => {
            if !decisions.is_empty() && decisions.iter().all(|d| d.skip_code() == Some(*code)) {
                Ok(())
            } else {
                Err(format!("{decisions:?}"))
            }
        }
        (
            Outcome::Exit {
                code,
                stdout,
                stderr,
            },
            Expect::Exit {
                code: expected_code,
                stderr: expected_stderr,
                verdicts,
            },
        ) => {
            let written: Vec<Value> = serde_json::from_str(stdout)
                .map_err(|e| format!("stdout is not a JSON array ({e}): {stdout}"))?;
            if let Some(pass) = written.iter().find(|v| v["status"] == "COMPLIANT") {
                return Err(format!("PASSED: {pass}"));
            }
            if code == expected_code
                && stderr.contains(expected_stderr)
                && written.len() == *verdicts
            {
                Ok(())
            } else {
                Err(format!(
                    "exit {code}, {} verdict(s), stderr: {stderr}",
                    written.len()
                ))
            }
        }
        (other, _) => Err(format!("{other:?}")),
    }
}

#[test]
fn every_bad_input_has_its_exact_outcome() {
    let cases = cases();
    assert!(cases.len() >= 30, "{} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let started = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| run(case.door, &case.input)));
        let elapsed = started.elapsed();
        let result = match outcome {
            Err(_) => Err("PANICKED".to_owned()),
            Ok(_) if elapsed > TIME_LIMIT => Err(format!("took {elapsed:?}")),
            Ok(outcome) => check(&outcome, &case.expect),
        };
        if let Err(problem) = result {
            let mut problem = problem;
            problem.truncate(600);
            failures.push(format!("{} ({:?}): {problem}", case.name, case.door));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} case(s) wrong:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
