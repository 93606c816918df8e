//! `AWS::Lambda::Function` from `lambda:ListFunctions`, with `lambda:GetPolicy` (the
//! `Policy` supplementary entry, as Config records it) and `lambda:ListTags` per function.
//!
//! Environment variable values never leave this module: each is replaced by [`REDACTED`].

use super::{Ctx, REDACTED, port_error, unreadable};
use crate::convert::{json_or_null, string_or_null};
use aws_sdk_lambda::types::FunctionConfiguration;
use serde_json::{Map, Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_lambda::Client::new(&ctx.sdk);
    let mut functions = Vec::new();
    let mut pages = client.list_functions().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("lambda:ListFunctions", &e))?;
        functions.extend(page.functions().iter().cloned());
    }
    ctx.for_each(functions, |ctx, f| async move { function(&ctx, &f).await })
        .await;
    Ok(())
}

async fn function(ctx: &Ctx, f: &FunctionConfiguration) {
    let Some(name) = f.function_name() else {
        return;
    };
    let client = aws_sdk_lambda::Client::new(&ctx.sdk);
    let arn = f.function_arn().map_or_else(
        || ctx.arn("lambda", &format!("function:{name}")),
        str::to_owned,
    );
    let mut parts = ctx.item(name, Some(name), Some(arn.clone()));
    parts.configuration = configuration(f);
    match client.get_policy().function_name(name).send().await {
        Ok(out) => {
            if let Some(policy) = out.policy() {
                parts
                    .supplementary
                    .insert("Policy".to_owned(), Value::String(policy.to_owned()));
            }
        }
        // No resource-based policy: a real state (the function cannot be invoked from outside).
        Err(e)
            if e.as_service_error()
                .is_some_and(|se| se.is_resource_not_found_exception()) => {}
        Err(e) => {
            // Absence would read as "no policy" (a pass): store the failed read instead.
            let error = port_error("lambda:GetPolicy", &e);
            parts
                .supplementary
                .insert("Policy".to_owned(), unreadable(&error));
            ctx.out.failure(Some(name), error);
        }
    }
    match client.list_tags().resource(&arn).send().await {
        Ok(out) => {
            if let Some(tags) = out.tags() {
                parts.tags = tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            }
        }
        Err(e) => ctx
            .out
            .failure(Some(name), port_error("lambda:ListTags", &e)),
    }
    ctx.out.item(parts.build()).await;
}

/// The Config `configuration` of a function, environment values redacted.
pub(super) fn configuration(f: &FunctionConfiguration) -> Value {
    let environment = f.environment().map_or(Value::Null, |env| {
        let variables: Map<String, Value> = env
            .variables()
            .into_iter()
            .flatten()
            .map(|(k, _)| (k.clone(), Value::String(REDACTED.to_owned())))
            .collect();
        json!({
            "variables": variables,
            "error": env.error().map_or(Value::Null, |e| json!({
                "errorCode": string_or_null(e.error_code()), "message": string_or_null(e.message())
            })),
        })
    });
    json!({
        "functionName": string_or_null(f.function_name()),
        "functionArn": string_or_null(f.function_arn()),
        "runtime": string_or_null(f.runtime().map(|x| x.as_str())),
        "role": string_or_null(f.role()),
        "handler": string_or_null(f.handler()),
        "codeSize": f.code_size(),
        "description": string_or_null(f.description()),
        "timeout": json_or_null(f.timeout()),
        "memorySize": json_or_null(f.memory_size()),
        "lastModified": string_or_null(f.last_modified()),
        "codeSha256": string_or_null(f.code_sha256()),
        "version": string_or_null(f.version()),
        "vpcConfig": f.vpc_config().map_or(Value::Null, |v| json!({
            "subnetIds": v.subnet_ids(), "securityGroupIds": v.security_group_ids()
        })),
        "environment": environment,
        "kmskeyArn": string_or_null(f.kms_key_arn()),
        "tracingConfig": f.tracing_config().map_or(Value::Null, |t| json!({
            "mode": string_or_null(t.mode().map(|x| x.as_str()))
        })),
        "masterArn": string_or_null(f.master_arn()),
        "revisionId": string_or_null(f.revision_id()),
        "layers": f.layers().iter().map(|l| json!({"arn": string_or_null(l.arn()), "codeSize": l.code_size()})).collect::<Vec<_>>(),
        "state": f.state().map_or(Value::Null, |st| json!({"value": st.as_str()})),
        "lastUpdateStatus": string_or_null(f.last_update_status().map(|x| x.as_str())),
        "packageType": string_or_null(f.package_type().map(|x| x.as_str())),
        "architectures": f.architectures().iter().map(|a| a.as_str()).collect::<Vec<_>>(),
        "ephemeralStorage": f.ephemeral_storage().map_or(Value::Null, |e| json!({"size": e.size()})),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_lambda::types::{EnvironmentResponse, PackageType, Runtime};

    #[test]
    fn function_fields_follow_config_and_values_are_redacted() {
        let f = FunctionConfiguration::builder()
            .function_name("orders")
            .runtime(Runtime::Python27)
            .package_type(PackageType::Zip)
            .environment(
                EnvironmentResponse::builder()
                    .variables("DB_PASSWORD", "hunter2-very-secret")
                    .build(),
            )
            .build();
        let c = configuration(&f);
        assert_eq!(c["functionName"], "orders");
        assert_eq!(c["runtime"], "python2.7");
        assert_eq!(c["packageType"], "Zip");
        assert_eq!(c["environment"]["variables"]["DB_PASSWORD"], REDACTED);
        assert!(!c.to_string().contains("hunter2"));
    }

    #[test]
    fn an_unreadable_function_policy_is_never_a_pass() {
        let error = PortError::new(
            "lambda:GetPolicy",
            sidewatch_core::ports::FailureKind::AccessDenied,
            Some("AccessDeniedException".to_owned()),
            "not allowed",
        );
        let item = sidewatch_core::ConfigurationItem::from_value(json!({
            "resourceType": "AWS::Lambda::Function", "resourceId": "orders",
            "configuration": {"functionName": "orders", "runtime": "python3.13", "packageType": "Zip"},
            "supplementaryConfiguration": {"Policy": unreadable(&error)}
        }))
        .unwrap();
        let engine = sidewatch_core::Engine::with_defaults();
        let verdict = engine
            .evaluate(&item)
            .into_iter()
            .find(|e| e.control.id == "Lambda.1")
            .unwrap()
            .verdict;
        assert!(verdict.is_insufficient(), "{verdict:?}");
    }
}
