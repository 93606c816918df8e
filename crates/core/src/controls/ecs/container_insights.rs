//! ECS.12 — ECS clusters should use Container Insights.
//!
//! AWS's rule (`ecs-container-insights-enabled`) passes a cluster whose
//! `configuration.ClusterSettings[]` holds `Name` `containerInsights` with `Value` `enabled`.
//! `enhanced` (Container Insights with enhanced observability, a value ECS added in December
//! 2024) turns Container Insights on too and passes; `disabled` or no such setting fails. AWS's
//! documentation does not yet say how its rule treats `enhanced`; passing it is sidewatch's
//! reading of the ECS API (both values turn Container Insights on).

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::checks;
use crate::item::{Unreadable, found};
use crate::verdict::Verdict;
use serde_json::Value;

pub const CONTROL: Control = Control {
    id: "ECS.12",
    title: "ECS clusters should use Container Insights",
    severity: Severity::Medium,
    resource_types: &["AWS::ECS::Cluster"],
    rationale: "Passes when configuration.ClusterSettings has containerInsights set to enabled \
                (or enhanced, enhanced observability); fails when it is disabled or the cluster \
                has no containerInsights setting.",
    remediation: "Turn Container Insights on for the cluster (ecs:UpdateClusterSettings with \
                  containerInsights enabled or enhanced), and set the account default \
                  (ecs:PutAccountSettingDefault containerInsights) for new clusters.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-12",
    remediation_hook: Remediation::NotifyOnly {
        why: "Container Insights adds CloudWatch metrics and logs charges its owner must accept",
    },
    duty: Duty::LoggingAndMonitoring,
    mappings: Mappings {
        fsbp: Some("ECS.12"),
        cis_v3: None,
        nist_800_53_r5: &["AU-6(3)", "AU-6(4)", "CA-7", "SI-2"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let cluster = format!("cluster {}", checks::resource_name(item, "/ClusterName"));
    let settings = match item.read("/ClusterSettings") {
        Err(unreadable) => return unreadable.into(),
        Ok(None) => &[][..],
        Ok(Some(Value::Array(list))) => list.as_slice(),
        Ok(Some(other)) => {
            return Unreadable::config("/ClusterSettings", found(other, "a list")).into();
        }
    };
    for index in 0..settings.len() {
        let name = match item.read_str(&format!("/ClusterSettings/{index}/Name")) {
            Ok(name) => name,
            Err(unreadable) => return unreadable.into(),
        };
        if name.map(str::trim) != Some("containerInsights") {
            continue;
        }
        let pointer = format!("/ClusterSettings/{index}/Value");
        return match item.read_str(&pointer) {
            Err(unreadable) => unreadable.into(),
            Ok(Some(value)) => match value.trim().to_ascii_lowercase().as_str() {
                "enabled" | "enhanced" => Verdict::pass(format!(
                    "{cluster} uses Container Insights (containerInsights is {})",
                    value.trim()
                )),
                "disabled" => Verdict::fail(format!(
                    "{cluster} does not use Container Insights (containerInsights is disabled)"
                )),
                _ => Verdict::insufficient(format!(
                    "{} is {value:?}, expected enabled, enhanced or disabled; the setting cannot \
                     be decided",
                    crate::item::config_path(&pointer)
                )),
            },
            Ok(None) => Verdict::insufficient(format!(
                "{} is missing from the configuration item, so the setting cannot be decided",
                crate::item::config_path(&pointer)
            )),
        };
    }
    Verdict::fail(format!(
        "{cluster} does not use Container Insights (configuration.ClusterSettings has no \
         containerInsights setting)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::checks::testing;
    use serde_json::{Value, json};

    fn run(settings: Value) -> Verdict {
        testing::with_configuration(
            &CONTROL,
            json!({"ClusterName": "prod", "ClusterSettings": settings}),
        )
    }

    #[test]
    fn enabled_and_enhanced_pass() {
        let v = run(json!([{"Name": "containerInsights", "Value": "enabled"}]));
        assert_eq!(
            v,
            Verdict::pass("cluster prod uses Container Insights (containerInsights is enabled)")
        );
        assert!(run(json!([{"Name": "containerInsights", "Value": "enhanced"}])).is_compliant());
    }

    #[test]
    fn disabled_or_no_setting_fails() {
        assert!(
            run(json!([{"Name": "containerInsights", "Value": "disabled"}])).is_non_compliant()
        );
        assert!(run(json!([])).is_non_compliant());
        assert!(run(json!(null)).is_non_compliant());
    }

    #[test]
    fn odd_settings_are_insufficient() {
        for settings in [
            json!({"containerInsights": "enabled"}),
            json!([{"Name": "containerInsights", "Value": true}]),
            json!([{"Name": "containerInsights", "Value": "on"}]),
            json!([{"Name": "containerInsights"}]),
            json!([{"Name": ["containerInsights"], "Value": "enabled"}]),
        ] {
            let v = run(settings);
            assert!(v.is_insufficient(), "{v}");
            assert!(v.reason().contains("configuration.ClusterSettings"), "{v}");
        }
    }
}
