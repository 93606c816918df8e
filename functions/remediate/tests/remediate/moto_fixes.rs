//! moto answers GetBucketVersioning with the root element `GetBucketVersioningResponse` where S3
//! sends `VersioningConfiguration`, which the Rust SDK refuses (see shared moto notes). For the
//! S3.14 test only, this interceptor reads moto's answer itself and hands the SDK the output S3
//! would have produced: the bucket's state stays moto's, only the XML root is forgiven. Shipped
//! code has no such interceptor.

use aws_sdk_s3::operation::get_bucket_versioning::GetBucketVersioningOutput;
use aws_sdk_s3::types::{BucketVersioningStatus, MfaDeleteStatus};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    FinalizerInterceptorContextMut, Output,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use sidewatch_aws::remediate::RemediationClients;

#[derive(Debug)]
struct MotoVersioningRoot;

fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    xml.split(&format!("<{name}>"))
        .nth(1)?
        .split(&format!("</{name}>"))
        .next()
}

impl Intercept for MotoVersioningRoot {
    fn name(&self) -> &'static str {
        "MotoVersioningRoot"
    }

    fn modify_before_attempt_completion(
        &self,
        context: &mut FinalizerInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        forgive(context);
        Ok(())
    }

    fn modify_before_completion(
        &self,
        context: &mut FinalizerInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        forgive(context);
        Ok(())
    }
}

/// Replaces the SDK's error with the output S3 would have given.
fn forgive(context: &mut FinalizerInterceptorContextMut<'_>) {
    let is_versioning_get = context
        .request()
        .is_some_and(|r| r.method() == "GET" && r.uri().contains("versioning"));
    let failed = matches!(context.output_or_error(), Some(Err(_)));
    if !is_versioning_get || !failed {
        return;
    }
    let Some(body) = context
        .response()
        .and_then(|r| r.body().bytes())
        .map(|b| String::from_utf8_lossy(b).into_owned())
    else {
        return;
    };
    if !body.contains("GetBucketVersioningResponse") {
        return;
    }
    let output = GetBucketVersioningOutput::builder()
        .set_status(element(&body, "Status").map(BucketVersioningStatus::from))
        .set_mfa_delete(element(&body, "MfaDelete").map(MfaDeleteStatus::from))
        .build();
    if let Some(slot) = context.output_or_error_mut() {
        *slot = Ok(Output::erase(output));
    }
}

/// The clients with an S3 client that forgives moto's versioning XML root.
pub fn versioning_reader(clients: RemediationClients) -> RemediationClients {
    let config = clients
        .s3
        .config()
        .to_builder()
        .interceptor(MotoVersioningRoot)
        .build();
    RemediationClients {
        s3: aws_sdk_s3::Client::from_conf(config),
        ..clients
    }
}
