//! What moto cannot show: AWS error answers (AccessDenied, throttling, NoSuchEntity), retries,
//! timeouts, refused connections, and services or states moto lacks (Config recorders, Access
//! Analyzer, a root user with MFA, Lambda's undecryptable environment). Responses are raw HTTP
//! bodies shaped like the examples in AWS's API references, so the SDK's own deserializers and
//! error parsing run.

use crate::support::*;
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use sidewatch_aws::{AwsClients, ClientOptions, EvidenceCollector};
use sidewatch_core::evidence::shapes::{
    AccessAnalyzers, CloudTrailTrails, ConfigRecorders, LoginProfile, PasswordPolicy,
};
use sidewatch_core::{ConfigurationItem, EvidenceKind};
use std::time::Duration;

pub(crate) const XML: &str = "text/xml";
pub(crate) const JSON_1_1: &str = "application/x-amz-json-1.1";
pub(crate) const REST_JSON: &str = "application/json";

pub(crate) fn fast_options() -> ClientOptions {
    ClientOptions {
        region: Some(REGION.into()),
        max_attempts: 3,
        initial_backoff: Duration::from_millis(1),
        ..ClientOptions::default()
    }
}

/// The SDK config every mocked client is built from: fake credentials, no network.
pub(crate) async fn mock_sdk() -> aws_config::SdkConfig {
    fast_options()
        .config_loader()
        .credentials_provider(fake_credentials())
        .http_client(create_mock_http_client())
        .load()
        .await
}

pub(crate) fn interceptor(rules: &[&Rule]) -> MockResponseInterceptor {
    rules.iter().fold(
        MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny),
        |i, rule| i.with_rule(rule),
    )
}

/// Replaces one service client of `clients` with one answering from `rules`.
macro_rules! mocked {
    ($clients:expr, $sdk:expr, $field:ident, $krate:ident, $rules:expr) => {
        $clients.$field = $krate::Client::from_conf(
            $krate::config::Builder::from($sdk)
                .interceptor($crate::mocked::interceptor($rules))
                .build(),
        )
    };
}
pub(crate) use mocked;

pub(crate) fn response(status: u16, content_type: &str, body: &str) -> HttpResponse {
    let mut r = HttpResponse::new(
        StatusCode::try_from(status).unwrap(),
        SdkBody::from(body.to_owned()),
    );
    r.headers_mut()
        .insert("Content-Type", content_type.to_owned());
    r
}

/// An IAM (Query protocol) error answer, as the IAM API reference shows them.
pub(crate) fn iam_error(status: u16, code: &str, message: &str) -> HttpResponse {
    response(
        status,
        XML,
        &format!(
            r#"<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>
  <RequestId>4d7b7a29-4f4c-11e6-9cb5-EXAMPLE</RequestId>
</ErrorResponse>"#
        ),
    )
}

/// An IAM success answer wrapping `result` for `operation`.
pub(crate) fn iam_ok(operation: &str, result: &str) -> HttpResponse {
    response(
        200,
        XML,
        &format!(
            r#"<{operation}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <{operation}Result>{result}</{operation}Result>
  <ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata>
</{operation}Response>"#
        ),
    )
}

const STRONG_POLICY: &str = "<PasswordPolicy>
  <AllowUsersToChangePassword>true</AllowUsersToChangePassword>
  <RequireUppercaseCharacters>true</RequireUppercaseCharacters>
  <RequireSymbols>true</RequireSymbols>
  <ExpirePasswords>true</ExpirePasswords>
  <PasswordReusePrevention>24</PasswordReusePrevention>
  <RequireLowercaseCharacters>true</RequireLowercaseCharacters>
  <MaxPasswordAge>90</MaxPasswordAge>
  <HardExpiry>false</HardExpiry>
  <RequireNumbers>true</RequireNumbers>
  <MinimumPasswordLength>14</MinimumPasswordLength>
</PasswordPolicy>";

pub(crate) async fn collector_with(
    setup: impl FnOnce(&mut AwsClients, &aws_config::SdkConfig),
) -> EvidenceCollector {
    let sdk = mock_sdk().await;
    let mut clients = AwsClients::new(&sdk);
    setup(&mut clients, &sdk);
    EvidenceCollector::new(clients)
}

#[tokio::test]
async fn access_denied_is_stored_with_aws_code_and_message_and_never_passes() {
    let denied = mock!(aws_sdk_iam::Client::list_mfa_devices).then_http_response(|| {
        iam_error(
            403,
            "AccessDenied",
            "User: arn:aws:sts::123456789012:assumed-role/sidewatch/collector is not \
                 authorized to perform: iam:ListMFADevices on resource: user dana",
        )
    });
    let collector = collector_with(|c, sdk| mocked!(c, sdk, iam, aws_sdk_iam, &[&denied])).await;
    let mut user = user_item("dana", "AIDAQ3EGRZTX5DANA001");
    collector
        .collect(&mut user, &[EvidenceKind::IamUserMfaDevices])
        .await;
    let error = evidence_error(&user, EvidenceKind::IamUserMfaDevices);
    assert_eq!(error.code, "AccessDenied");
    assert!(error.message.contains("iam:ListMFADevices"), "{error}");
    let reason = assert_insufficient(&user, "IAM.19");
    assert!(reason.contains("AccessDenied"), "{reason}");
    assert_eq!(denied.num_calls(), 1, "AccessDenied is not retried");
}

#[tokio::test]
async fn throttling_is_retried_and_then_succeeds() {
    let throttled_then_ok = mock!(aws_sdk_iam::Client::get_account_password_policy)
        .sequence()
        .http_response(|| iam_error(400, "Throttling", "Rate exceeded"))
        .times(2)
        .http_response(|| iam_ok("GetAccountPasswordPolicy", STRONG_POLICY))
        .build();
    let collector = collector_with(|c, sdk| {
        mocked!(c, sdk, iam, aws_sdk_iam, &[&throttled_then_ok]);
    })
    .await;
    let mut account = account_item();
    collector
        .collect(&mut account, &[EvidenceKind::IamPasswordPolicy])
        .await;
    let policy: PasswordPolicy = evidence(&account, EvidenceKind::IamPasswordPolicy);
    assert!(policy.present && policy.require_symbols);
    assert_eq!(policy.minimum_password_length, Some(14));
    assert_eq!(throttled_then_ok.num_calls(), 3);
    assert_pass(&account, "IAM.7");
}

#[tokio::test]
async fn throttling_that_outlasts_the_retries_is_stored_as_throttling() {
    let throttled = mock!(aws_sdk_iam::Client::get_account_password_policy)
        .sequence()
        .http_response(|| iam_error(400, "Throttling", "Rate exceeded"))
        .repeatedly()
        .build();
    let collector = collector_with(|c, sdk| mocked!(c, sdk, iam, aws_sdk_iam, &[&throttled])).await;
    let mut account = account_item();
    collector
        .collect(&mut account, &[EvidenceKind::IamPasswordPolicy])
        .await;
    let error = evidence_error(&account, EvidenceKind::IamPasswordPolicy);
    assert_eq!(
        (error.code.as_str(), error.message.as_str()),
        ("Throttling", "Rate exceeded")
    );
    assert_eq!(throttled.num_calls(), 3, "max_attempts");
    for id in ["IAM.7", "IAM.15"] {
        assert_insufficient(&account, id);
    }
}

#[tokio::test]
async fn no_such_entity_means_absent_only_where_aws_documents_it() {
    let no_profile = mock!(aws_sdk_iam::Client::get_login_profile).then_http_response(|| {
        iam_error(
            404,
            "NoSuchEntity",
            "Login Profile for User dana cannot be found.",
        )
    });
    let no_user = mock!(aws_sdk_iam::Client::list_access_keys).then_http_response(|| {
        iam_error(
            404,
            "NoSuchEntity",
            "The user with name dana cannot be found.",
        )
    });
    let collector = collector_with(|c, sdk| {
        mocked!(c, sdk, iam, aws_sdk_iam, &[&no_profile, &no_user]);
    })
    .await;
    let mut user = user_item("dana", "AIDAQ3EGRZTX5DANA001");
    collector
        .collect(
            &mut user,
            &[
                EvidenceKind::IamUserLoginProfile,
                EvidenceKind::IamUserAccessKeys,
            ],
        )
        .await;
    let profile: LoginProfile = evidence(&user, EvidenceKind::IamUserLoginProfile);
    assert!(!profile.present);
    let error = evidence_error(&user, EvidenceKind::IamUserAccessKeys);
    assert_eq!(error.code, "NoSuchEntity");
    assert_insufficient(&user, "IAM.3");

    // The same code about the user itself is a failed read: a vanished user is not "no password".
    let no_user = mock!(aws_sdk_iam::Client::get_login_profile).then_http_response(|| {
        iam_error(
            404,
            "NoSuchEntity",
            "The user with name dana cannot be found.",
        )
    });
    let collector = collector_with(|c, sdk| mocked!(c, sdk, iam, aws_sdk_iam, &[&no_user])).await;
    let mut user = user_item("dana", "AIDAQ3EGRZTX5DANA001");
    collector
        .collect(&mut user, &[EvidenceKind::IamUserLoginProfile])
        .await;
    let error = evidence_error(&user, EvidenceKind::IamUserLoginProfile);
    assert_eq!(error.code, "NoSuchEntity");
    assert!(error.message.contains("user with name"), "{error}");
}

pub(crate) fn summary(mfa: u8, root_keys: u8) -> HttpResponse {
    iam_ok(
        "GetAccountSummary",
        &format!(
            "<SummaryMap>
  <entry><key>Users</key><value>27</value></entry>
  <entry><key>AccountMFAEnabled</key><value>{mfa}</value></entry>
  <entry><key>AccountAccessKeysPresent</key><value>{root_keys}</value></entry>
  <entry><key>AccountSigningCertificatesPresent</key><value>0</value></entry>
</SummaryMap>"
        ),
    )
}

pub(crate) fn virtual_devices(members: &str) -> HttpResponse {
    iam_ok(
        "ListVirtualMFADevices",
        &format!(
            "<IsTruncated>false</IsTruncated><VirtualMFADevices>{members}</VirtualMFADevices>"
        ),
    )
}

pub(crate) const ROOT_VIRTUAL_DEVICE: &str = "<member>
  <SerialNumber>arn:aws:iam::123456789012:mfa/root-account-mfa-device</SerialNumber>
  <User>
    <Path>/</Path><UserName>root</UserName><UserId>123456789012</UserId>
    <Arn>arn:aws:iam::123456789012:root</Arn><CreateDate>2009-10-13T22:00:36Z</CreateDate>
  </User>
  <EnableDate>2011-10-17T20:20:48Z</EnableDate>
</member>";

#[tokio::test]
async fn root_mfa_states_moto_cannot_make() {
    for (virtual_members, iam_6_passes) in [("", true), (ROOT_VIRTUAL_DEVICE, false)] {
        let summary_rule =
            mock!(aws_sdk_iam::Client::get_account_summary).then_http_response(|| summary(1, 0));
        let members = virtual_members.to_owned();
        let devices = mock!(aws_sdk_iam::Client::list_virtual_mfa_devices)
            .then_http_response(move || virtual_devices(&members));
        let collector = collector_with(|c, sdk| {
            mocked!(c, sdk, iam, aws_sdk_iam, &[&summary_rule, &devices]);
        })
        .await;
        let mut account = account_item();
        collector
            .collect(
                &mut account,
                &[
                    EvidenceKind::IamAccountSummary,
                    EvidenceKind::IamRootVirtualMfa,
                ],
            )
            .await;
        assert_pass(&account, "IAM.9");
        assert_pass(&account, "IAM.4");
        if iam_6_passes {
            assert_pass(&account, "IAM.6");
        } else {
            let reason = assert_fail(&account, "IAM.6");
            assert!(reason.to_lowercase().contains("virtual"), "{reason}");
        }
    }
}

#[tokio::test]
async fn a_summary_without_the_root_entries_is_not_read_as_zero() {
    let partial = mock!(aws_sdk_iam::Client::get_account_summary).then_http_response(|| {
        iam_ok(
            "GetAccountSummary",
            "<SummaryMap><entry><key>Users</key><value>3</value></entry></SummaryMap>",
        )
    });
    let collector = collector_with(|c, sdk| mocked!(c, sdk, iam, aws_sdk_iam, &[&partial])).await;
    let mut account = account_item();
    collector
        .collect(&mut account, &[EvidenceKind::IamAccountSummary])
        .await;
    let error = evidence_error(&account, EvidenceKind::IamAccountSummary);
    assert_eq!(error.code, "IncompleteResponse");
    assert!(error.message.contains("AccountMFAEnabled"), "{error}");
    assert_insufficient(&account, "IAM.4");
}

pub(crate) const RECORDERS: &str = r#"{"ConfigurationRecorders": [{
  "name": "default",
  "roleARN": "arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
  "recordingGroup": {
    "allSupported": true, "includeGlobalResourceTypes": true, "resourceTypes": [],
    "exclusionByResourceTypes": {"resourceTypes": []},
    "recordingStrategy": {"useOnly": "ALL_SUPPORTED_RESOURCE_TYPES"}
  },
  "recordingMode": {"recordingFrequency": "CONTINUOUS", "recordingModeOverrides": []}
}]}"#;

pub(crate) fn recorder_status(recording: bool) -> String {
    format!(
        r#"{{"ConfigurationRecordersStatus": [{{
  "name": "default", "lastStartTime": 1717171717.123, "recording": {recording},
  "lastStatus": "SUCCESS", "lastStatusChangeTime": 1717175317.456
}}]}}"#
    )
}

#[tokio::test]
async fn config_recorders_with_timestamps_decide_config_1() {
    for recording in [true, false] {
        let recorders = mock!(aws_sdk_config::Client::describe_configuration_recorders)
            .then_http_response(|| response(200, JSON_1_1, RECORDERS));
        let status = mock!(aws_sdk_config::Client::describe_configuration_recorder_status)
            .then_http_response(move || response(200, JSON_1_1, &recorder_status(recording)));
        let collector = collector_with(|c, sdk| {
            mocked!(c, sdk, config, aws_sdk_config, &[&recorders, &status]);
        })
        .await;
        let mut account = account_item();
        collector
            .collect(&mut account, &[EvidenceKind::ConfigRecorders])
            .await;
        let shape: ConfigRecorders = evidence(&account, EvidenceKind::ConfigRecorders);
        let recorder = &shape.recorders[0];
        assert_eq!(recorder.name, "default");
        assert!(recorder.all_supported && recorder.include_global_resource_types);
        assert_eq!(recorder.recording, recording);
        assert_eq!(recorder.last_status.as_deref(), Some("SUCCESS"));
        assert_eq!(
            recorder.recording_strategy.as_deref(),
            Some("ALL_SUPPORTED_RESOURCE_TYPES")
        );
        if recording {
            assert_pass(&account, "Config.1");
        } else {
            assert_fail(&account, "Config.1");
        }
    }
}

#[tokio::test]
async fn access_analyzers_decide_iam_28() {
    let listed = r#"{"analyzers": [
      {"arn": "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/unused",
       "name": "unused", "type": "ACCOUNT_UNUSED_ACCESS",
       "createdAt": "2024-03-01T10:00:00Z", "status": "ACTIVE"},
      {"arn": "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/ConsoleAnalyzer-1",
       "name": "ConsoleAnalyzer-1", "type": "ACCOUNT",
       "createdAt": "2024-03-01T10:00:00Z", "status": "ACTIVE"}
    ]}"#;
    let only_unused = r#"{"analyzers": [
      {"arn": "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/unused",
       "name": "unused", "type": "ACCOUNT_UNUSED_ACCESS",
       "createdAt": "2024-03-01T10:00:00Z", "status": "ACTIVE"}
    ]}"#;
    for (body, passes) in [(listed, true), (only_unused, false)] {
        let rule = mock!(aws_sdk_accessanalyzer::Client::list_analyzers)
            .then_http_response(move || response(200, REST_JSON, body));
        let collector = collector_with(|c, sdk| {
            mocked!(c, sdk, accessanalyzer, aws_sdk_accessanalyzer, &[&rule]);
        })
        .await;
        let mut account = account_item();
        collector
            .collect(&mut account, &[EvidenceKind::AccessAnalyzers])
            .await;
        let shape: AccessAnalyzers = evidence(&account, EvidenceKind::AccessAnalyzers);
        assert_eq!(shape.analyzers[0].analyzer_type, "ACCOUNT_UNUSED_ACCESS");
        if passes {
            assert_eq!(shape.analyzers[1].status, "ACTIVE");
            assert_pass(&account, "IAM.28");
        } else {
            assert_fail(&account, "IAM.28");
        }
    }
}

#[tokio::test]
async fn an_undecryptable_lambda_environment_is_a_failed_read_not_zero_variables() {
    let rule = mock!(aws_sdk_lambda::Client::get_function_configuration).then_http_response(|| {
        response(
            200,
            REST_JSON,
            r#"{"FunctionName": "orders", "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:orders",
                "Runtime": "python3.12", "Environment": {"Error": {
                  "ErrorCode": "KMSAccessDeniedException",
                  "Message": "Lambda was unable to decrypt the environment variables because KMS access was denied."}}}"#,
        )
    });
    let collector =
        collector_with(|c, sdk| mocked!(c, sdk, lambda, aws_sdk_lambda, &[&rule])).await;
    let mut function = item(serde_json::json!({
        "resourceType": "AWS::Lambda::Function", "resourceId": "orders", "resourceName": "orders",
        "configuration": {"functionName": "orders"}
    }));
    collector
        .collect(&mut function, &[EvidenceKind::LambdaEnvironmentSecrets])
        .await;
    let error = evidence_error(&function, EvidenceKind::LambdaEnvironmentSecrets);
    assert_eq!(error.code, "KMSAccessDeniedException");
    assert_insufficient(&function, "Lambda.X1");
}

#[tokio::test]
async fn a_failed_detector_read_fails_the_whole_guardduty_evidence() {
    let list = mock!(aws_sdk_guardduty::Client::list_detectors).then_http_response(|| {
        response(
            200,
            REST_JSON,
            r#"{"detectorIds": ["12abc34d567e8fa901bc2d34e56789f0"]}"#,
        )
    });
    let get = mock!(aws_sdk_guardduty::Client::get_detector).then_http_response(|| {
        let mut r = response(
            403,
            REST_JSON,
            r#"{"message": "User is not authorized to perform: guardduty:GetDetector", "__type": "AccessDeniedException"}"#,
        );
        r.headers_mut()
            .insert("x-amzn-ErrorType", "AccessDeniedException");
        r
    });
    let collector = collector_with(|c, sdk| {
        mocked!(c, sdk, guardduty, aws_sdk_guardduty, &[&list, &get]);
    })
    .await;
    let mut account = account_item();
    collector
        .collect(&mut account, &[EvidenceKind::GuardDutyDetectors])
        .await;
    let error = evidence_error(&account, EvidenceKind::GuardDutyDetectors);
    assert_eq!(error.code, "AccessDeniedException");
    assert_insufficient(&account, "GuardDuty.1");
}

const TRAILS: &str = r#"{"trailList": [{
  "Name": "org-audit", "S3BucketName": "trail-logs", "IncludeGlobalServiceEvents": true,
  "IsMultiRegionTrail": true, "HomeRegion": "eu-west-1",
  "TrailARN": "arn:aws:cloudtrail:eu-west-1:123456789012:trail/org-audit",
  "LogFileValidationEnabled": true, "HasCustomEventSelectors": false,
  "HasInsightSelectors": false, "IsOrganizationTrail": false
}]}"#;

const ALL_MANAGEMENT_EVENTS: &str = r#"{
  "TrailARN": "arn:aws:cloudtrail:eu-west-1:123456789012:trail/org-audit",
  "EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true,
                      "DataResources": [], "ExcludeManagementEventSources": []}]
}"#;

fn cloudtrail_error(code: &str) -> HttpResponse {
    response(
        400,
        JSON_1_1,
        &format!(r#"{{"__type": "{code}", "message": "not authorized for trail org-audit"}}"#),
    )
}

/// The account item after collecting CloudTrailTrails from mocked answers to GetTrailStatus and
/// GetEventSelectors (DescribeTrails lists one multi-Region trail homed in eu-west-1).
async fn trails_with(
    status: fn() -> HttpResponse,
    selectors: fn() -> HttpResponse,
) -> ConfigurationItem {
    let described = mock!(aws_sdk_cloudtrail::Client::describe_trails)
        .then_http_response(|| response(200, JSON_1_1, TRAILS));
    let status = mock!(aws_sdk_cloudtrail::Client::get_trail_status).then_http_response(status);
    let selectors =
        mock!(aws_sdk_cloudtrail::Client::get_event_selectors).then_http_response(selectors);
    let rules = [&described, &status, &selectors];
    let collector =
        collector_with(|c, sdk| mocked!(c, sdk, cloudtrail, aws_sdk_cloudtrail, &rules)).await;
    let mut account = account_item();
    collector
        .collect(&mut account, &[EvidenceKind::CloudTrailTrails])
        .await;
    account
}

#[tokio::test]
async fn unreadable_trail_status_or_selectors_never_pass_cloudtrail_1() {
    // Status unreadable: the trail is stored with isLogging unknown.
    let account = trails_with(
        || cloudtrail_error("AccessDeniedException"),
        || response(200, JSON_1_1, ALL_MANAGEMENT_EVENTS),
    )
    .await;
    let shape: CloudTrailTrails = evidence(&account, EvidenceKind::CloudTrailTrails);
    assert_eq!(shape.trails[0].is_logging, None);
    assert_eq!(shape.trails[0].home_region.as_deref(), Some("eu-west-1"));
    let verdict = verdict(&account, "CloudTrail.1");
    assert!(!verdict.is_compliant(), "{verdict:?}");

    // Both readable: the same trail passes, so the test above failed for the status alone.
    let account = trails_with(
        || response(200, JSON_1_1, r#"{"IsLogging": true}"#),
        || response(200, JSON_1_1, ALL_MANAGEMENT_EVENTS),
    )
    .await;
    assert_pass(&account, "CloudTrail.1");

    // Selectors unreadable: the whole kind is a failed read naming the trail.
    let account = trails_with(
        || response(200, JSON_1_1, r#"{"IsLogging": true}"#),
        || cloudtrail_error("AccessDeniedException"),
    )
    .await;
    let error = evidence_error(&account, EvidenceKind::CloudTrailTrails);
    assert_eq!(error.code, "AccessDeniedException");
    assert!(error.message.contains("trail/org-audit"), "{error}");
    assert_insufficient(&account, "CloudTrail.1");
    assert_insufficient(&account, "S3.22");
}

#[tokio::test]
async fn an_answer_without_an_error_code_is_a_service_error() {
    let html = mock!(aws_sdk_iam::Client::get_account_password_policy)
        .sequence()
        .http_response(|| {
            response(
                500,
                "text/html",
                "<!doctype html><title>500 Internal Server Error</title>",
            )
        })
        .repeatedly()
        .build();
    let collector = collector_with(|c, sdk| mocked!(c, sdk, iam, aws_sdk_iam, &[&html])).await;
    let mut account = account_item();
    collector
        .collect(&mut account, &[EvidenceKind::IamPasswordPolicy])
        .await;
    let error = evidence_error(&account, EvidenceKind::IamPasswordPolicy);
    assert!(
        ["ServiceError", "InvalidResponse"].contains(&error.code.as_str()),
        "{error}"
    );
    assert!(error.message.contains("500"), "{error}");
    assert_insufficient(&account, "IAM.7");
}

/// Clients whose every call goes to `endpoint`, with short timeouts.
async fn clients_at(endpoint: String) -> AwsClients {
    let options = ClientOptions {
        endpoint_url: Some(endpoint),
        max_attempts: 2,
        attempt_timeout: Duration::from_millis(300),
        operation_timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_millis(500),
        ..fast_options()
    };
    AwsClients::new(
        &options
            .config_loader()
            .credentials_provider(fake_credentials())
            .load()
            .await,
    )
}

#[tokio::test]
async fn a_server_that_never_answers_is_a_timeout() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accept connections and hold them open without answering, for a bounded time.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        listener.set_nonblocking(true).unwrap();
        let until = std::time::Instant::now() + Duration::from_secs(10);
        while std::time::Instant::now() < until {
            if let Ok((stream, _)) = listener.accept() {
                held.push(stream);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    });
    let collector = EvidenceCollector::new(clients_at(format!("http://127.0.0.1:{port}")).await);
    let mut account = account_item();
    collector
        .collect(&mut account, &[EvidenceKind::EbsEncryptionByDefault])
        .await;
    let error = evidence_error(&account, EvidenceKind::EbsEncryptionByDefault);
    assert_eq!(error.code, "Timeout", "{error}");
    assert_insufficient(&account, "EC2.7");
}

#[tokio::test]
async fn a_refused_connection_is_a_connection_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let collector = EvidenceCollector::new(clients_at(format!("http://127.0.0.1:{port}")).await);
    let mut account = account_item();
    collector
        .collect(&mut account, &[EvidenceKind::GuardDutyDetectors])
        .await;
    let error = evidence_error(&account, EvidenceKind::GuardDutyDetectors);
    assert_eq!(error.code, "ConnectionError", "{error}");
    assert_insufficient(&account, "GuardDuty.1");
}

#[tokio::test]
async fn every_requested_kind_gets_an_entry_even_when_all_fail() {
    // No rule matches: the mock HTTP client answers 418 to everything.
    let collector = collector_with(|_, _| {}).await;
    let mut account: ConfigurationItem = account_item();
    let kinds: Vec<EvidenceKind> = EvidenceKind::ALL.to_vec();
    collector.collect(&mut account, &kinds).await;
    for kind in kinds {
        let value = account.supplementary.get(&kind.key()).unwrap();
        assert!(
            sidewatch_core::EvidenceError::from_entry(value).is_some(),
            "{kind} stored {value} from a failed read"
        );
    }
    let engine = sidewatch_core::Engine::with_defaults();
    for evaluation in engine.evaluate(&account) {
        if !evaluation.control.evidence.is_empty() {
            assert!(
                !evaluation.verdict.is_compliant(),
                "{} passed without evidence: {:?}",
                evaluation.control.id,
                evaluation.verdict
            );
        }
    }
}
