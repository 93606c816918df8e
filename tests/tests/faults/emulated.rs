//! Security Hub and AWS Config where moto cannot stand in: `aws-smithy-mocks` clients answering
//! from a small in-memory service with the documented semantics, and a script of faults shaped
//! like the API references (throttling, 5xx, AccessDenied, partial `FailedFindings` /
//! `FailedEvaluations`).
//!
//! Security Hub's `BatchImportFindings` ("Determining whether to create or update a finding" in
//! the Security Hub user guide): a new `Id` creates a finding; for an existing one, an update
//! whose `UpdatedAt` is before the stored one is ignored, a later one replaces it. The guide
//! says nothing of an equal `UpdatedAt`; the emulation ignores it too (the stricter reading).
//! An ignored update is not a failure: it is not listed in `FailedFindings`.

use aws_sdk_config::operation::put_evaluations::PutEvaluationsInput;
use aws_sdk_securityhub::operation::batch_import_findings::BatchImportFindingsInput;
use aws_smithy_mocks::{MockResponse, MockResponseInterceptor, RuleMode, mock};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use sidewatch_testkit::{REGION, fake_credentials};
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// One scripted answer, used by the next call instead of the normal one.
#[derive(Debug, Clone)]
pub enum Fault {
    /// The whole call fails: HTTP status and AWS error code.
    Error(u16, &'static str),
    /// The first `count` items of the call are refused with `code` (Security Hub's
    /// `FailedFindings`; Config's `FailedEvaluations` carry no code), the rest accepted.
    Refuse { code: &'static str, count: usize },
}

/// What Security Hub holds for one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub generator: String,
    pub updated_at: String,
    pub status: String,
}

#[derive(Debug, Default)]
struct State {
    held: BTreeMap<String, Held>,
    script: VecDeque<Fault>,
    /// Scripted answers given.
    injected: usize,
    calls: usize,
    /// Items accepted in all (Config keeps no state: evaluations are only counted).
    accepted: usize,
}

/// An emulated service: its state, script and counters, shared with the mock rule.
#[derive(Debug, Clone, Default)]
pub struct Emulated {
    state: Arc<Mutex<State>>,
}

impl Emulated {
    /// A service that answers the next calls with `script`, then normally.
    pub fn with_script(script: Vec<Fault>) -> Self {
        let emulated = Emulated::default();
        emulated.state.lock().unwrap().script = script.into();
        emulated
    }

    /// Scripted answers given so far.
    pub fn injected(&self) -> usize {
        self.state.lock().unwrap().injected
    }

    pub fn calls(&self) -> usize {
        self.state.lock().unwrap().calls
    }

    /// Items accepted so far.
    pub fn accepted(&self) -> usize {
        self.state.lock().unwrap().accepted
    }

    /// Every finding held, by Id.
    pub fn held(&self) -> BTreeMap<String, Held> {
        self.state.lock().unwrap().held.clone()
    }

    /// The next scripted fault, counted.
    fn next_fault(&self) -> Option<Fault> {
        let mut state = self.state.lock().unwrap();
        state.calls += 1;
        let fault = state.script.pop_front();
        if fault.is_some() {
            state.injected += 1;
        }
        fault
    }

    /// A Security Hub client served by this emulation.
    pub async fn securityhub(&self) -> aws_sdk_securityhub::Client {
        let this = self.clone();
        let rule = mock!(aws_sdk_securityhub::Client::batch_import_findings)
            .then_compute_response(move |input| MockResponse::Http(this.import(input)));
        let sdk = mock_sdk().await;
        aws_sdk_securityhub::Client::from_conf(
            aws_sdk_securityhub::config::Builder::from(&sdk)
                .interceptor(
                    MockResponseInterceptor::new()
                        .rule_mode(RuleMode::MatchAny)
                        .with_rule(&rule),
                )
                .build(),
        )
    }

    /// A Config client served by this emulation (`PutEvaluations`).
    pub async fn config(&self) -> aws_sdk_config::Client {
        let this = self.clone();
        let rule = mock!(aws_sdk_config::Client::put_evaluations)
            .then_compute_response(move |input| MockResponse::Http(this.put(input)));
        let sdk = mock_sdk().await;
        aws_sdk_config::Client::from_conf(
            aws_sdk_config::config::Builder::from(&sdk)
                .interceptor(
                    MockResponseInterceptor::new()
                        .rule_mode(RuleMode::MatchAny)
                        .with_rule(&rule),
                )
                .build(),
        )
    }

    fn import(&self, input: &BatchImportFindingsInput) -> HttpResponse {
        let refused = match self.next_fault() {
            Some(Fault::Error(status, code)) => return rest_json_error(status, code),
            Some(Fault::Refuse { code, count }) => Some((code, count)),
            None => None,
        };
        let mut failed = Vec::new();
        let mut state = self.state.lock().unwrap();
        for (n, finding) in input.findings().iter().enumerate() {
            let id = finding.id().unwrap_or_default().to_owned();
            if let Some((code, count)) = refused
                && n < count
            {
                failed.push(format!(
                    r#"{{"Id":"{id}","ErrorCode":"{code}","ErrorMessage":"refused by the emulation"}}"#
                ));
                continue;
            }
            state.accepted += 1;
            let update = Held {
                generator: finding.generator_id().unwrap_or_default().to_owned(),
                updated_at: finding.updated_at().unwrap_or_default().to_owned(),
                status: finding
                    .compliance()
                    .and_then(|c| c.status())
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
            };
            let newer = state
                .held
                .get(&id)
                .is_none_or(|old| time_of(&update.updated_at) > time_of(&old.updated_at));
            if newer {
                state.held.insert(id, update);
            }
        }
        let total = input.findings().len();
        ok(
            "application/json",
            &format!(
                r#"{{"FailedCount":{},"SuccessCount":{},"FailedFindings":[{}]}}"#,
                failed.len(),
                total - failed.len(),
                failed.join(",")
            ),
        )
    }

    fn put(&self, input: &PutEvaluationsInput) -> HttpResponse {
        let refused = match self.next_fault() {
            Some(Fault::Error(status, code)) => return json_error(status, code),
            Some(Fault::Refuse { count, .. }) => count,
            None => 0,
        };
        let evaluations = input.evaluations();
        let failed: Vec<String> = evaluations
            .iter()
            .take(refused)
            .map(|e| {
                format!(
                    r#"{{"ComplianceResourceType":"{}","ComplianceResourceId":"{}","ComplianceType":"{}","OrderingTimestamp":{}}}"#,
                    e.compliance_resource_type(),
                    e.compliance_resource_id(),
                    e.compliance_type().as_str(),
                    e.ordering_timestamp().secs()
                )
            })
            .collect();
        self.state.lock().unwrap().accepted += evaluations.len() - failed.len();
        ok(
            JSON_1_1,
            &format!(r#"{{"FailedEvaluations":[{}]}}"#, failed.join(",")),
        )
    }
}

fn time_of(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

/// An SDK config with fake credentials and the mock HTTP client: nothing leaves the process.
async fn mock_sdk() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(REGION))
        .credentials_provider(fake_credentials())
        .http_client(aws_smithy_mocks::create_mock_http_client())
        .load()
        .await
}

const JSON_1_1: &str = "application/x-amz-json-1.1";

fn response(status: u16, content_type: &str, body: &str) -> HttpResponse {
    let mut r = HttpResponse::new(
        StatusCode::try_from(status).unwrap(),
        SdkBody::from(body.to_owned()),
    );
    r.headers_mut()
        .insert("Content-Type", content_type.to_owned());
    r.headers_mut()
        .insert("x-amzn-RequestId", "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111");
    r
}

fn ok(content_type: &str, body: &str) -> HttpResponse {
    response(200, content_type, body)
}

/// A Security Hub (REST-JSON) error: `Code`, `Message` and the error type header.
fn rest_json_error(status: u16, code: &str) -> HttpResponse {
    let mut r = response(
        status,
        "application/json",
        &format!(r#"{{"Code":"{code}","Message":"injected by the emulation"}}"#),
    );
    r.headers_mut().insert("x-amzn-ErrorType", code.to_owned());
    r
}

/// A Config (JSON 1.1) error.
fn json_error(status: u16, code: &str) -> HttpResponse {
    response(
        status,
        JSON_1_1,
        &format!(r#"{{"__type":"{code}","message":"injected by the emulation"}}"#),
    )
}
