//! AWS SDK client setup: one [`SdkConfig`], built once per process, and one struct holding every
//! client the adapters use.
//!
//! Credentials come from the SDK's default chain (environment, profile, web identity, the Lambda
//! execution role, IMDS). An endpoint override (for a local stand-in such as moto) comes from
//! [`ClientOptions::endpoint_url`] or the standard `AWS_ENDPOINT_URL` variable. Retries use the
//! SDK's *standard* mode, which retries throttling and transient errors with exponential backoff
//! and jitter; every call also has attempt and operation timeouts, so a hung connection becomes a
//! `Timeout` evidence error instead of a stuck Lambda.

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader, Region, SdkConfig};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use std::time::Duration;

/// The environment variable the SDK (and sidewatch) read for an endpoint override.
pub const ENDPOINT_URL_ENV: &str = "AWS_ENDPOINT_URL";

/// How the SDK configuration is built. [`ClientOptions::default`] suits a Lambda function;
/// [`ClientOptions::from_env`] adds `AWS_ENDPOINT_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOptions {
    /// Send every call to this endpoint (a local stand-in) instead of AWS's.
    pub endpoint_url: Option<String>,
    /// The Region; `None` takes it from the environment / profile as the SDK does.
    pub region: Option<String>,
    /// Attempts per call, the first included (standard retry mode).
    pub max_attempts: u32,
    /// The first retry's backoff; later ones grow exponentially with jitter.
    pub initial_backoff: Duration,
    /// Time limit of one attempt.
    pub attempt_timeout: Duration,
    /// Time limit of one call, retries included.
    pub operation_timeout: Duration,
    /// Time limit to establish a connection.
    pub connect_timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            endpoint_url: None,
            region: None,
            max_attempts: 5,
            initial_backoff: Duration::from_millis(200),
            attempt_timeout: Duration::from_secs(10),
            operation_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(3),
        }
    }
}

impl ClientOptions {
    /// The defaults, with the endpoint override from `AWS_ENDPOINT_URL` when it is set.
    pub fn from_env() -> Self {
        ClientOptions {
            endpoint_url: std::env::var(ENDPOINT_URL_ENV)
                .ok()
                .map(|url| url.trim().to_owned())
                .filter(|url| !url.is_empty()),
            ..ClientOptions::default()
        }
    }

    /// The SDK config loader with these options applied; callers may set more (credentials, an
    /// HTTP client) before `load()`.
    pub fn config_loader(&self) -> ConfigLoader {
        let retry = RetryConfig::standard()
            .with_max_attempts(self.max_attempts.max(1))
            .with_initial_backoff(self.initial_backoff);
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(self.connect_timeout)
            .operation_attempt_timeout(self.attempt_timeout)
            .operation_timeout(self.operation_timeout)
            .build();
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(retry)
            .timeout_config(timeouts);
        if let Some(url) = &self.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some(region) = &self.region {
            loader = loader.region(Region::new(region.clone()));
        }
        loader
    }

    /// Loads the SDK configuration (resolves the Region and the credential chain).
    pub async fn load(&self) -> SdkConfig {
        self.config_loader().load().await
    }
}

/// The Region of AWS WAF Classic's global endpoint (web ACLs for CloudFront).
pub const WAF_CLASSIC_GLOBAL_REGION: &str = "us-east-1";

/// Every AWS client the adapters use, built once from one [`SdkConfig`]. Clients are cheap to
/// clone (they share their connection pool).
#[derive(Debug, Clone)]
pub struct AwsClients {
    pub iam: aws_sdk_iam::Client,
    pub kms: aws_sdk_kms::Client,
    pub lambda: aws_sdk_lambda::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub s3control: aws_sdk_s3control::Client,
    pub cloudtrail: aws_sdk_cloudtrail::Client,
    pub guardduty: aws_sdk_guardduty::Client,
    pub accessanalyzer: aws_sdk_accessanalyzer::Client,
    pub account: aws_sdk_account::Client,
    pub config: aws_sdk_config::Client,
    pub ssm: aws_sdk_ssm::Client,
    pub inspector2: aws_sdk_inspector2::Client,
    pub ecr: aws_sdk_ecr::Client,
    pub elbv2: aws_sdk_elasticloadbalancingv2::Client,
    /// AWS WAF Classic, global web ACLs: always the us-east-1 endpoint, where AWS serves them.
    pub waf: aws_sdk_waf::Client,
    pub wafv2: aws_sdk_wafv2::Client,
    pub secretsmanager: aws_sdk_secretsmanager::Client,
    pub autoscaling: aws_sdk_applicationautoscaling::Client,
    /// The Region the clients call, when known.
    pub region: Option<String>,
}

impl AwsClients {
    /// Builds every client from one SDK configuration.
    pub fn new(sdk: &SdkConfig) -> Self {
        AwsClients {
            iam: aws_sdk_iam::Client::new(sdk),
            kms: aws_sdk_kms::Client::new(sdk),
            lambda: aws_sdk_lambda::Client::new(sdk),
            ec2: aws_sdk_ec2::Client::new(sdk),
            s3control: s3control_client(sdk),
            cloudtrail: aws_sdk_cloudtrail::Client::new(sdk),
            guardduty: aws_sdk_guardduty::Client::new(sdk),
            accessanalyzer: aws_sdk_accessanalyzer::Client::new(sdk),
            account: aws_sdk_account::Client::new(sdk),
            config: aws_sdk_config::Client::new(sdk),
            ssm: aws_sdk_ssm::Client::new(sdk),
            inspector2: aws_sdk_inspector2::Client::new(sdk),
            ecr: aws_sdk_ecr::Client::new(sdk),
            elbv2: aws_sdk_elasticloadbalancingv2::Client::new(sdk),
            waf: aws_sdk_waf::Client::from_conf(
                aws_sdk_waf::config::Builder::from(sdk)
                    .region(Region::new(WAF_CLASSIC_GLOBAL_REGION))
                    .build(),
            ),
            wafv2: aws_sdk_wafv2::Client::new(sdk),
            secretsmanager: aws_sdk_secretsmanager::Client::new(sdk),
            autoscaling: aws_sdk_applicationautoscaling::Client::new(sdk),
            region: sdk.region().map(|r| r.to_string()),
        }
    }

    /// Loads the SDK configuration for `options` and builds every client.
    pub async fn load(options: &ClientOptions) -> Self {
        AwsClients::new(&options.load().await)
    }
}

/// The S3 Control client. S3 Control puts the account id in front of the host
/// (`123456789012.s3-control.us-east-1.amazonaws.com`); with an endpoint override whose host is an
/// IP address or `localhost` (a local stand-in) that name cannot resolve, so the prefix is taken off
/// again before the request is signed. Real AWS endpoints are left alone.
fn s3control_client(sdk: &SdkConfig) -> aws_sdk_s3control::Client {
    let mut builder = aws_sdk_s3control::config::Builder::from(sdk);
    if let Some(authority) = sdk.endpoint_url().and_then(local_authority) {
        builder = builder.interceptor(StripAccountHostPrefix { authority });
    }
    aws_sdk_s3control::Client::from_conf(builder.build())
}

/// The `host[:port]` of an endpoint URL whose host is an IP literal or `localhost`.
pub(crate) fn local_authority(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or(rest);
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or(v6)
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    let local = host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok();
    (local && !authority.is_empty()).then(|| authority.to_owned())
}

/// Rewrites `scheme://<prefix>.<authority>/…` to `scheme://<authority>/…`.
#[derive(Debug)]
struct StripAccountHostPrefix {
    authority: String,
}

impl StripAccountHostPrefix {
    fn rewrite(&self, uri: &str) -> Option<String> {
        let (scheme, rest) = uri.split_once("://")?;
        let (prefix, after) = rest.split_once('.')?;
        let valid_prefix = !prefix.is_empty() && !prefix.contains('/') && !prefix.contains(':');
        let tail = after.strip_prefix(self.authority.as_str())?;
        let whole_authority = tail.is_empty() || tail.starts_with('/') || tail.starts_with('?');
        (valid_prefix && whole_authority).then(|| format!("{scheme}://{after}"))
    }
}

impl Intercept for StripAccountHostPrefix {
    fn name(&self) -> &'static str {
        "StripAccountHostPrefix"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        if let Some(uri) = self.rewrite(request.uri()) {
            request.set_uri(uri)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_endpoints_get_the_host_rewrite() {
        assert_eq!(
            local_authority("http://127.0.0.1:5000"),
            Some("127.0.0.1:5000".into())
        );
        assert_eq!(
            local_authority("http://localhost:4566/"),
            Some("localhost:4566".into())
        );
        assert_eq!(local_authority("http://[::1]:80"), Some("[::1]:80".into()));
        assert_eq!(local_authority("https://s3-control.example.com"), None);
        assert_eq!(
            local_authority("https://vpce-1.s3-control.us-east-1.vpce.amazonaws.com"),
            None
        );
    }

    #[test]
    fn the_account_prefix_is_stripped_only_before_the_configured_authority() {
        let strip = StripAccountHostPrefix {
            authority: "127.0.0.1:5000".into(),
        };
        assert_eq!(
            strip
                .rewrite(
                    "http://123456789012.127.0.0.1:5000/v20180820/configuration/publicAccessBlock"
                )
                .as_deref(),
            Some("http://127.0.0.1:5000/v20180820/configuration/publicAccessBlock")
        );
        assert_eq!(strip.rewrite("http://127.0.0.1:5000/v20180820"), None);
        assert_eq!(strip.rewrite("http://10.0.0.1:5000/x"), None);
        assert_eq!(strip.rewrite("http://1.127.0.0.1:50001/x"), None);
    }

    #[test]
    fn options_read_the_endpoint_from_the_environment_shape() {
        let options = ClientOptions::default();
        assert_eq!(options.endpoint_url, None);
        assert!(options.max_attempts >= 3, "throttling needs retries");
        assert!(options.attempt_timeout <= options.operation_timeout);
    }
}
