//! APIGateway.1 — API Gateway REST and WebSocket API execution logging should be enabled.
//!
//! AWS's rule `api-gw-execution-logging-enabled` (parameter `loggingLevel`, `ERROR` and / or
//! `INFO`; with none given either level passes).
//!
//! * REST stages (`AWS::ApiGateway::Stage`): every entry of `configuration.methodSettings` (the
//!   stage-wide `*/*` and per-method `~1path/METHOD` overrides) must log at an accepted level. A
//!   stage that never had settings records `{}`, which fails: nothing is logged. The map is not in
//!   the Config schema; an item without it is INSUFFICIENT_DATA.
//! * v2 stages (`AWS::ApiGatewayV2::Stage`): `configuration.defaultRouteSettings.loggingLevel`
//!   (schema-confirmed) and any per-route `routeSettings.<route>.loggingLevel` (inferred). Only
//!   WebSocket APIs have execution logging; an HTTP API stage records no `loggingLevel`, and as the
//!   stage item does not say which protocol its API uses, such a stage is INSUFFICIENT_DATA with
//!   that reason rather than guessed out of scope.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;
use serde_json::Value;

pub const CONTROL: Control = Control {
    id: "APIGateway.1",
    title: "API Gateway REST and WebSocket API execution logging should be enabled",
    severity: Severity::Medium,
    resource_types: &["AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage"],
    rationale: "A REST API stage passes when every entry of configuration.methodSettings logs at \
                ERROR or INFO (or the loggingLevel parameter's levels) and fails when any entry \
                is OFF or the map is empty. A WebSocket stage is judged on \
                defaultRouteSettings.loggingLevel and any per-route routeSettings. A stage \
                without the recorded settings is INSUFFICIENT_DATA.",
    remediation: "Turn on CloudWatch execution logging at ERROR or INFO for all methods of the \
                  stage (apigateway:UpdateStage, /*/*/logging/loglevel; for WebSocket APIs \
                  apigatewayv2:UpdateStage DefaultRouteSettings.LoggingLevel), after setting the \
                  account's CloudWatch Logs role (apigateway:UpdateAccount).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html#apigateway-1",
    remediation_hook: Remediation::NotifyOnly {
        why: "execution logging needs an account-level CloudWatch Logs role and can log request \
              data; the owner chooses the level",
    },
    duty: Duty::LoggingAndMonitoring,
    mappings: Mappings {
        fsbp: Some("APIGateway.1"),
        cis_v3: None,
        nist_800_53_r5: crate::controls::nist::REQUEST_LOGGING,
    },
    parameters: &[ParamSpec {
        name: "loggingLevel",
        kind: ParamKind::StringList,
        default: "",
        description: "Comma-separated accepted logging levels, ERROR and / or INFO (the \
                      api-gw-execution-logging-enabled rule's loggingLevel). Empty, the default, \
                      accepts either.",
    }],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let accepted: Vec<String> = match ctx.str_list("loggingLevel") {
        [] => vec!["ERROR".to_owned(), "INFO".to_owned()],
        levels => levels
            .iter()
            .map(|l| l.trim().to_ascii_uppercase())
            .collect(),
    };
    if let Some(odd) = accepted.iter().find(|l| *l != "ERROR" && *l != "INFO") {
        return Verdict::insufficient(format!(
            "the loggingLevel parameter holds {odd}; AWS's rule accepts only ERROR and INFO"
        ));
    }
    let item = ctx.item;
    let settings = if item.resource_type == "AWS::ApiGatewayV2::Stage" {
        websocket_levels(item)
    } else {
        rest_levels(item)
    };
    let settings = match settings {
        Ok(settings) => settings,
        Err(verdict) => return verdict,
    };
    let stage = super::stage(item);
    if settings.is_empty() {
        return Verdict::fail(format!(
            "stage {stage} has no method settings (configuration.methodSettings is empty), so \
             execution logging is off"
        ));
    }
    for (key, level) in &settings {
        if !accepted.iter().any(|a| a.eq_ignore_ascii_case(level)) {
            return Verdict::fail(format!(
                "stage {stage} logs {key} at {level}, not {}",
                accepted.join(" or ")
            ));
        }
    }
    let levels: Vec<String> = settings.iter().map(|(k, l)| format!("{k} {l}")).collect();
    Verdict::pass(format!(
        "stage {stage} has execution logging on ({})",
        levels.join(", ")
    ))
}

/// `(method key, logging level)` for every entry of a REST stage's `methodSettings`.
fn rest_levels(item: &ConfigurationItem) -> Result<Vec<(String, String)>, Verdict> {
    const FIELD: &str = "configuration.methodSettings";
    let settings = match item.read("/methodSettings") {
        Err(unreadable) => return Err(unreadable.into()),
        Ok(None) => return Err(checks::missing(FIELD)),
        Ok(Some(Value::Object(settings))) => settings,
        Ok(Some(other)) => {
            return Err(Verdict::insufficient(format!(
                "{FIELD} is {}, expected a map of method settings",
                crate::item::json_type(other)
            )));
        }
    };
    settings
        .iter()
        .map(|(key, setting)| {
            let field = format!("{FIELD}.{key}.loggingLevel");
            match checks::text(setting.get("loggingLevel"), &field)? {
                Some(level) => Ok((key.clone(), level.to_owned())),
                None => Err(checks::missing(&field)),
            }
        })
        .collect()
}

/// `(route, logging level)` for a v2 stage: the default route settings and any per-route ones.
fn websocket_levels(item: &ConfigurationItem) -> Result<Vec<(String, String)>, Verdict> {
    const DEFAULT: &str = "configuration.defaultRouteSettings.loggingLevel";
    let default = match item.read_str("/defaultRouteSettings/loggingLevel") {
        Err(unreadable) => return Err(unreadable.into()),
        Ok(None) => {
            return Err(Verdict::insufficient(format!(
                "{DEFAULT} is not recorded: WebSocket stages record OFF, ERROR or INFO there and \
                 HTTP API stages (which have no execution logging) record nothing, and the stage \
                 item does not say which protocol its API uses"
            )));
        }
        Ok(Some(level)) => level.trim().to_owned(),
    };
    let mut out = vec![("the default route".to_owned(), default)];
    match item.read("/routeSettings") {
        Err(unreadable) => return Err(unreadable.into()),
        Ok(None) => {}
        Ok(Some(Value::Object(routes))) => {
            for (route, setting) in routes {
                let field = format!("configuration.routeSettings.{route}.loggingLevel");
                if let Some(level) = checks::text(setting.get("loggingLevel"), &field)? {
                    out.push((format!("route {route}"), level.to_owned()));
                }
            }
        }
        Ok(Some(other)) => {
            return Err(Verdict::insufficient(format!(
                "configuration.routeSettings is {}, expected a map of route settings",
                crate::item::json_type(other)
            )));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::test_support;
    use serde_json::json;

    fn rest(settings: Value, overrides: &[(&str, &str)]) -> Verdict {
        let raw = test_support::item(
            "AWS::ApiGateway::Stage",
            json!({"stageName": "prod", "methodSettings": settings}),
        );
        test_support::run(&CONTROL, raw, overrides)
    }

    fn websocket(configuration: Value) -> Verdict {
        let raw = test_support::item("AWS::ApiGatewayV2::Stage", configuration);
        test_support::run(&CONTROL, raw, &[])
    }

    fn method(level: &str) -> Value {
        json!({"metricsEnabled": false, "loggingLevel": level, "dataTraceEnabled": false,
            "throttlingBurstLimit": 5000, "throttlingRateLimit": 10000.0, "cachingEnabled": false})
    }

    #[test]
    fn every_rest_method_setting_must_log() {
        assert!(rest(json!({"*/*": method("ERROR")}), &[]).is_compliant());
        let v = rest(
            json!({"*/*": method("INFO"), "~1pets/GET": method("OFF")}),
            &[],
        );
        assert!(
            v.is_non_compliant() && v.reason().contains("~1pets/GET"),
            "{v}"
        );
        let v = rest(json!({}), &[]);
        assert!(v.is_non_compliant() && v.reason().contains("empty"), "{v}");
    }

    #[test]
    fn the_parameter_narrows_the_levels() {
        let error = json!({"*/*": method("ERROR")});
        assert!(rest(error.clone(), &[("loggingLevel", "INFO")]).is_non_compliant());
        assert!(rest(error.clone(), &[("loggingLevel", "error")]).is_compliant());
        assert!(rest(error, &[("loggingLevel", "DEBUG")]).is_insufficient());
    }

    #[test]
    fn rest_gaps_are_insufficient() {
        assert!(rest(json!(null), &[]).is_insufficient());
        assert!(rest(json!([]), &[]).is_insufficient());
        assert!(rest(json!({"*/*": {"metricsEnabled": true}}), &[]).is_insufficient());
    }

    #[test]
    fn websocket_stages() {
        let v = websocket(json!({"stageName": "prod",
            "defaultRouteSettings": {"loggingLevel": "INFO", "dataTraceEnabled": false}}));
        assert!(v.is_compliant(), "{v}");
        let v = websocket(json!({"stageName": "prod",
            "defaultRouteSettings": {"loggingLevel": "OFF"}}));
        assert!(v.is_non_compliant(), "{v}");
        let v = websocket(json!({"stageName": "prod",
            "defaultRouteSettings": {"loggingLevel": "ERROR"},
            "routeSettings": {"$connect": {"loggingLevel": "OFF"}}}));
        assert!(
            v.is_non_compliant() && v.reason().contains("$connect"),
            "{v}"
        );
        let v = websocket(json!({"stageName": "$default",
            "defaultRouteSettings": {"detailedMetricsEnabled": false}}));
        assert!(
            v.is_insufficient() && v.reason().contains("HTTP API"),
            "{v}"
        );
        assert!(
            websocket(json!({"defaultRouteSettings": {"loggingLevel": "INFO"},
            "routeSettings": []}))
            .is_insufficient()
        );
    }
}
