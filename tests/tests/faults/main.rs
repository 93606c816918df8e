//! Injected faults through the real pipeline: the config-rule handler (a plain async function)
//! with the real adapters and the real AWS SDK, talking to a private moto_server through a
//! fault-injecting proxy ([`proxy`]: resets, hangs, 5xx and throttling on the wire), or to
//! `aws-smithy-mocks` clients emulating Security Hub and Config ([`emulated`]: what moto cannot
//! answer, such as partial `FailedFindings` / `FailedEvaluations` and documented error codes).
//!
//! Every case ends one of two ways: each finding delivered (read back from moto's Security Hub,
//! or held by the emulation), or the invocation fails, so Lambda retries the event and the
//! dead-letter queue finally keeps it. A finding is lost when neither holds; the matrix prints
//! one summary line and asserts none is.
//!
//! Also here: two evaluations of one resource racing ([`race`]).
//!
//! Needs moto (`$SIDEWATCH_MOTO_SERVER`, see `sidewatch-testkit`).

mod emulated;
mod proxy;
mod race;

use emulated::{Emulated, Fault as Scripted};
use proxy::{Action, FaultProxy, Rule};
use serde_json::{Value, json};
use sidewatch_aws::{
    AwsClients, ClientOptions, CloudTrailChanges, ConfigItems, ConfigReporter, EvidenceCollector,
    RetryPolicy, SecurityHubPublisher,
};
use sidewatch_core::boundary::AccountBoundary;
use sidewatch_core::doors::config_rule::ConfigRuleEvent;
use sidewatch_core::{ConfigurationItem, Engine, EngineConfig};
use sidewatch_lambda::{Clock, HandlerError, Invocation, Metrics, Ports, Settings, SystemClock};
use sidewatch_testkit::{ACCOUNT, Moto, REGION, fake_credentials};
use std::path::Path;
use std::time::Duration;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The ports of the config-rule function, as its binary builds them.
pub type RulePorts = Ports<
    SecurityHubPublisher,
    (),
    ConfigReporter,
    ConfigItems,
    EvidenceCollector,
    (),
    (),
    (),
    CloudTrailChanges,
>;

/// The outbound adapters' retries in these tests: the production shape (jittered exponential
/// backoff), milliseconds instead of seconds.
pub fn test_policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(40),
        max_total: Duration::from_secs(8),
    }
}

/// The SDK configuration of the function (`ClientOptions`: standard retries, attempt and
/// operation timeouts) with test-sized times, pointed at `endpoint`.
async fn sdk_config(endpoint: &str) -> aws_config::SdkConfig {
    let options = ClientOptions {
        endpoint_url: Some(endpoint.to_owned()),
        region: Some(REGION.to_owned()),
        max_attempts: 3,
        initial_backoff: Duration::from_millis(10),
        attempt_timeout: Duration::from_millis(1500),
        operation_timeout: Duration::from_secs(8),
        connect_timeout: Duration::from_secs(1),
    };
    options
        .config_loader()
        .credentials_provider(fake_credentials())
        .load()
        .await
}

/// The function's settings: every change looked up in CloudTrail (the LookupEvents case needs
/// it), findings published.
pub fn settings() -> Settings {
    Settings {
        engine: EngineConfig::default(),
        publish_findings: true,
        evaluate_global_resources: true,
        lookup_changes: true,
        sweep_lookup_changes: false,
        sweep_queue_url: None,
        region: REGION.to_owned(),
        rules_location: None,
    }
}

fn fixture(path: &str) -> Value {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/events")
        .join(path);
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full:?}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// A Config rule event of the fixture `path` for `bucket` in moto's account and Region, captured
/// at `captured`, with the `TESTMODE` token (moto's PutEvaluations needs `TestMode`), the rule's
/// own parameters kept, and `related_events` as the item's `relatedEvents`.
pub fn rule_event(
    path: &str,
    bucket: &str,
    captured: OffsetDateTime,
    related_events: &[&str],
) -> Value {
    let mut event = fixture(path);
    let mut invoking: Value =
        serde_json::from_str(event["invokingEvent"].as_str().unwrap()).unwrap();
    let item = &mut invoking["configurationItem"];
    item["resourceId"] = json!(bucket);
    item["resourceName"] = json!(bucket);
    item["ARN"] = json!(format!("arn:aws:s3:::{bucket}"));
    item["awsAccountId"] = json!(ACCOUNT);
    item["awsRegion"] = json!(REGION);
    item["configuration"]["name"] = json!(bucket);
    item["configurationItemCaptureTime"] = json!(captured.format(&Rfc3339).unwrap());
    item["relatedEvents"] = json!(related_events);
    event["invokingEvent"] = json!(invoking.to_string());
    event["resultToken"] = json!("TESTMODE");
    event["accountId"] = json!(ACCOUNT);
    event["configRuleArn"] = json!(format!(
        "arn:aws:config:{REGION}:{ACCOUNT}:config-rule/config-rule-7hq2mx"
    ));
    event
}

/// How many findings the event must produce: one per control of the rule's selection that
/// applies to the item, counted by the engine alone (no port involved).
fn findings_expected(event: &Value) -> usize {
    let rule = ConfigRuleEvent::from_value(event.clone()).unwrap();
    let engine: Engine = rule.parameters.engine().unwrap();
    let invoking: Value = serde_json::from_str(event["invokingEvent"].as_str().unwrap()).unwrap();
    let item = ConfigurationItem::from_value(invoking["configurationItem"].clone()).unwrap();
    engine.evaluate(&item).len()
}

/// The function's context for one invocation.
#[derive(Debug)]
pub struct Function {
    pub settings: Settings,
    pub engine: Engine,
    pub account: AccountBoundary,
    /// No rules location: the built-in controls only.
    pub custom: sidewatch_lambda::custom::Customisation,
}

impl Function {
    pub fn standard() -> Function {
        let settings = settings();
        Function {
            engine: Engine::new(&settings.engine).unwrap(),
            settings,
            account: AccountBoundary::new(ACCOUNT).unwrap(),
            custom: sidewatch_lambda::custom::Customisation::default(),
        }
    }

    pub async fn invoke(
        &self,
        clock: &dyn Clock,
        ports: &RulePorts,
        event: Value,
    ) -> Result<Metrics, HandlerError> {
        let inv = Invocation {
            settings: &self.settings,
            engine: &self.engine,
            clock,
            account: &self.account,
            custom: &self.custom,
        };
        sidewatch_lambda::config_rule::handle(inv, ports, event).await
    }
}

/// Where a case injects its faults.
enum Faults {
    /// On the wire, between the SDK and moto.
    Wire(Vec<Rule>),
    /// In Security Hub (emulated), the rest through the proxy to moto.
    SecurityHub(Vec<Scripted>),
    /// In AWS Config's PutEvaluations (emulated), the rest through the proxy to moto.
    Config(Vec<Scripted>),
}

/// What a case must end with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// The invocation succeeds and every finding is delivered.
    Delivered,
    /// Delivered, and the findings of these controls are NOT_AVAILABLE (their evidence could not
    /// be read: never a pass on missing evidence).
    DeliveredNotAvailable(&'static [&'static str]),
    /// The invocation fails: Lambda retries the event, the dead-letter queue keeps it.
    Kept,
}

struct Case {
    name: &'static str,
    faults: Faults,
    /// The item's `relatedEvents` (a CloudTrail lookup per id).
    related_events: &'static [&'static str],
    /// A change to the event's configuration item.
    edit: Option<fn(&mut Value)>,
    expect: Expect,
}

/// The bucket readable by everyone through its ACL, its own public access block off: only the
/// account's public access block (evidence) can make S3.2 pass.
fn public_read_acl(item: &mut Value) {
    let supplementary = &mut item["supplementaryConfiguration"];
    let mut acl: Value =
        serde_json::from_str(supplementary["AccessControlList"].as_str().unwrap()).unwrap();
    acl["grantList"]
        .as_array_mut()
        .unwrap()
        .push(json!({"grantee": "AllUsers", "permission": "Read"}));
    supplementary["AccessControlList"] = json!(acl.to_string());
    supplementary["PublicAccessBlockConfiguration"] = json!({
        "blockPublicAcls": false, "ignorePublicAcls": false,
        "blockPublicPolicy": false, "restrictPublicBuckets": false
    });
}

fn wire(matches: &'static str, action: Action, times: usize) -> Faults {
    Faults::Wire(vec![Rule {
        matches,
        action,
        times,
    }])
}

const IMPORT: &str = "/findings/import";
const PUT_EVALUATIONS: &str = "StarlingDoveService.PutEvaluations";
const LOOKUP_EVENTS: &str = "CloudTrail_20131101.LookupEvents";
const ACCOUNT_PUBLIC_ACCESS_BLOCK: &str = "/v20180820/configuration/publicAccessBlock";
const HANG: Duration = Duration::from_secs(3);

fn cases() -> Vec<Case> {
    let case = |name, faults, expect| Case {
        name,
        faults,
        related_events: &[],
        edit: None,
        expect,
    };
    use Expect::*;
    vec![
        case("no fault", Faults::Wire(vec![]), Delivered),
        case(
            "BatchImportFindings 503 once",
            wire(
                IMPORT,
                Action::rest_json_error(503, "ServiceUnavailableException"),
                1,
            ),
            Delivered,
        ),
        case(
            "BatchImportFindings 500 InternalException twice",
            wire(IMPORT, Action::rest_json_error(500, "InternalException"), 2),
            Delivered,
        ),
        case(
            "BatchImportFindings 429 TooManyRequestsException twice",
            wire(
                IMPORT,
                Action::rest_json_error(429, "TooManyRequestsException"),
                2,
            ),
            Delivered,
        ),
        case(
            "BatchImportFindings connection reset",
            wire(IMPORT, Action::Reset, 1),
            Delivered,
        ),
        case(
            "BatchImportFindings timeout",
            wire(IMPORT, Action::Hang(HANG), 1),
            Delivered,
        ),
        case(
            "BatchImportFindings 503 on every attempt",
            wire(
                IMPORT,
                Action::rest_json_error(503, "ServiceUnavailableException"),
                usize::MAX,
            ),
            Kept,
        ),
        case(
            "PutEvaluations 500 InternalFailure",
            wire(
                PUT_EVALUATIONS,
                Action::json_error(500, "InternalFailure"),
                1,
            ),
            Delivered,
        ),
        case(
            "PutEvaluations connection reset",
            wire(PUT_EVALUATIONS, Action::Reset, 1),
            Delivered,
        ),
        case(
            "PutEvaluations timeout",
            wire(PUT_EVALUATIONS, Action::Hang(HANG), 1),
            Delivered,
        ),
        case(
            "evidence GetPublicAccessBlock connection reset",
            wire(ACCOUNT_PUBLIC_ACCESS_BLOCK, Action::Reset, 1),
            Delivered,
        ),
        case(
            "evidence GetPublicAccessBlock timeout",
            wire(ACCOUNT_PUBLIC_ACCESS_BLOCK, Action::Hang(HANG), 1),
            Delivered,
        ),
        case(
            "evidence GetPublicAccessBlock 503 SlowDown twice",
            wire(
                ACCOUNT_PUBLIC_ACCESS_BLOCK,
                Action::rest_xml_error(503, "SlowDown"),
                2,
            ),
            Delivered,
        ),
        case(
            "evidence GetPublicAccessBlock 500 without a body",
            wire(
                ACCOUNT_PUBLIC_ACCESS_BLOCK,
                Action::Respond {
                    status: 500,
                    headers: vec![],
                    body: String::new(),
                },
                1,
            ),
            Delivered,
        ),
        Case {
            name: "evidence GetPublicAccessBlock AccessDenied",
            faults: wire(
                ACCOUNT_PUBLIC_ACCESS_BLOCK,
                Action::rest_xml_error(403, "AccessDenied"),
                usize::MAX,
            ),
            related_events: &[],
            edit: Some(public_read_acl),
            expect: DeliveredNotAvailable(&["S3.2"]),
        },
        Case {
            name: "enrichment LookupEvents AccessDenied",
            faults: wire(
                LOOKUP_EVENTS,
                Action::json_error(400, "AccessDeniedException"),
                usize::MAX,
            ),
            related_events: &["6f1c2a9e-4b6d-4e5f-9a3b-2c1d0e9f8a7b"],
            edit: None,
            expect: Delivered,
        },
        case(
            "BatchImportFindings TooManyRequestsException twice (SDK)",
            Faults::SecurityHub(vec![Scripted::Error(429, "TooManyRequestsException"); 2]),
            Delivered,
        ),
        case(
            "FailedFindings InternalException for 3 (SDK)",
            Faults::SecurityHub(vec![Scripted::Refuse {
                code: "InternalException",
                count: 3,
            }]),
            Delivered,
        ),
        case(
            "FailedFindings InvalidInput for 2 (SDK)",
            Faults::SecurityHub(vec![Scripted::Refuse {
                code: "InvalidInput",
                count: 2,
            }]),
            Kept,
        ),
        case(
            "BatchImportFindings AccessDeniedException (SDK)",
            Faults::SecurityHub(vec![Scripted::Error(403, "AccessDeniedException"); 10]),
            Kept,
        ),
        case(
            "PutEvaluations ThrottlingException twice (SDK)",
            Faults::Config(vec![Scripted::Error(400, "ThrottlingException"); 2]),
            Delivered,
        ),
        case(
            "FailedEvaluations once (SDK)",
            Faults::Config(vec![Scripted::Refuse { code: "", count: 1 }]),
            Delivered,
        ),
        case(
            "FailedEvaluations on every attempt (SDK)",
            Faults::Config(vec![Scripted::Refuse { code: "", count: 1 }; 10]),
            Kept,
        ),
    ]
}

/// sidewatch's findings of `bucket` in moto's Security Hub: (Id, Compliance.Status, GeneratorId).
async fn findings_in_moto(
    securityhub: &aws_sdk_securityhub::Client,
    bucket: &str,
) -> Vec<(String, String, String)> {
    let arn = format!("arn:aws:s3:::{bucket}");
    let mut found = Vec::new();
    let mut token = None;
    loop {
        let out = securityhub
            .get_findings()
            .max_results(100)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        for f in out.findings() {
            let generator = f.generator_id().unwrap_or_default();
            if generator.starts_with("sidewatch/")
                && f.resources().first().and_then(|r| r.id()) == Some(arn.as_str())
            {
                found.push((
                    f.id().unwrap_or_default().to_owned(),
                    f.compliance()
                        .and_then(|c| c.status())
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default(),
                    generator.to_owned(),
                ));
            }
        }
        token = out
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        if token.is_none() {
            return found;
        }
    }
}

#[derive(Debug, Default)]
struct Tally {
    faults: usize,
    expected: usize,
    delivered: usize,
    kept: usize,
    lost: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_matrix_loses_no_finding() {
    let moto = Moto::start();
    let proxy = FaultProxy::start(moto.port);
    let direct = aws_sdk_securityhub::Client::new(&moto.sdk_config().await);
    let sdk = sdk_config(&proxy.endpoint).await;
    let clients = AwsClients::new(&sdk);
    let securityhub = aws_sdk_securityhub::Client::new(&sdk);
    let function = Function::standard();
    let mut tally = Tally::default();
    let mut failures = Vec::new();

    for (n, case) in cases().into_iter().enumerate() {
        let bucket = format!("sidewatch-faults-{n}");
        let captured = OffsetDateTime::now_utc() - time::Duration::minutes(1);
        let mut event = rule_event(
            "config-rule/change-s3-bucket.json",
            &bucket,
            captured,
            case.related_events,
        );
        if let Some(edit) = case.edit {
            let mut invoking: Value =
                serde_json::from_str(event["invokingEvent"].as_str().unwrap()).unwrap();
            edit(&mut invoking["configurationItem"]);
            event["invokingEvent"] = json!(invoking.to_string());
        }
        let expected = findings_expected(&event);
        assert!(expected >= 5, "{}: {expected} findings", case.name);

        let injected_before = proxy.injected();
        let (sh, config) = match &case.faults {
            Faults::Wire(rules) => {
                proxy.set_rules(rules.clone());
                (None, None)
            }
            Faults::SecurityHub(script) => {
                proxy.set_rules(vec![]);
                (Some(Emulated::with_script(script.clone())), None)
            }
            Faults::Config(script) => {
                proxy.set_rules(vec![]);
                (None, Some(Emulated::with_script(script.clone())))
            }
        };
        let findings = match &sh {
            Some(emulated) => SecurityHubPublisher::new(&emulated.securityhub().await),
            None => SecurityHubPublisher::new(&securityhub),
        }
        .with_retry_policy(test_policy());
        let evaluations = match &config {
            Some(emulated) => ConfigReporter::new(&emulated.config().await),
            None => ConfigReporter::new(&clients.config),
        }
        .with_retry_policy(test_policy());
        let ports = Ports {
            findings,
            stored: (),
            evaluations,
            items: ConfigItems::new(&clients.config).with_retry_policy(test_policy()),
            evidence: EvidenceCollector::new(clients.clone()),
            queue: (),
            recorders: (),
            inventory: (),
            changes: CloudTrailChanges::new(&clients.cloudtrail).with_retry_policy(test_policy()),
            workflow: (),
        };

        let result = function.invoke(&SystemClock, &ports, event).await;
        proxy.set_rules(vec![]);
        let faults = proxy.injected() - injected_before
            + sh.as_ref().map_or(0, Emulated::injected)
            + config.as_ref().map_or(0, Emulated::injected);

        let (delivered, statuses) = match &sh {
            Some(emulated) => {
                let held = emulated.held();
                let statuses: Vec<(String, String)> = held
                    .values()
                    .map(|h| (h.generator.clone(), h.status.clone()))
                    .collect();
                (held.len(), statuses)
            }
            None => {
                let found = findings_in_moto(&direct, &bucket).await;
                let statuses = found
                    .iter()
                    .map(|(_, status, generator)| (generator.clone(), status.clone()))
                    .collect();
                (found.len(), statuses)
            }
        };
        let kept = result.is_err();
        let lost = if kept {
            0
        } else {
            expected - delivered.min(expected)
        };
        tally.faults += faults;
        tally.expected += expected;
        tally.delivered += delivered;
        tally.kept += usize::from(kept);
        tally.lost += lost;

        let mut problems = Vec::new();
        if faults == 0 && case.name != "no fault" {
            problems.push("no fault was injected".to_owned());
        }
        match case.expect {
            Expect::Delivered | Expect::DeliveredNotAvailable(_) => {
                if let Err(error) = &result {
                    problems.push(format!("the invocation failed: {error}"));
                }
                if delivered != expected {
                    problems.push(format!("{delivered} of {expected} findings delivered"));
                }
            }
            Expect::Kept => {
                if result.is_ok() {
                    problems.push("the invocation succeeded: nothing keeps the event".into());
                }
            }
        }
        if let Expect::DeliveredNotAvailable(controls) = case.expect {
            for control in controls {
                let generator = format!("sidewatch/{control}");
                let status = statuses.iter().find(|(g, _)| *g == generator);
                if status.map(|(_, s)| s.as_str()) != Some("NOT_AVAILABLE") {
                    problems.push(format!("{control}: {status:?}, not NOT_AVAILABLE"));
                }
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {}", case.name, problems.join("; ")));
        }
    }

    eprintln!(
        "fault matrix: {} faults injected, {} findings expected, {} delivered, {} events kept for retry, {} findings lost",
        tally.faults, tally.expected, tally.delivered, tally.kept, tally.lost
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(tally.lost, 0, "{tally:?}");
}
