//! EC2.25 — Amazon EC2 launch templates should not assign public IPs to network interfaces.
//!
//! Confirmed in the Config resource schema of `AWS::EC2::LaunchTemplate`:
//! `configuration.LaunchTemplateData.NetworkInterfaces.AssociatePublicIpAddress` (boolean) and
//! `configuration.DefaultVersionNumber`. The managed rule judges the default version; that the
//! item's `LaunchTemplateData` is the default version's is inferred (the schema does not say), and
//! sidewatch's own inventory builds it from that version (`DescribeLaunchTemplateVersions`
//! `$Default`). A template that names no network interface assigns none itself (the subnet decides,
//! which is EC2.15's matter). The rule's `exemptedLaunchTemplates` parameter is not set by
//! Security Hub, so the control declares none.

use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::item::{Unreadable, found};
use crate::verdict::Verdict;
use serde_json::Value;

pub const CONTROL: Control = Control {
    id: "EC2.25",
    title: "Amazon EC2 launch templates should not assign public IPs to network interfaces",
    severity: Severity::High,
    resource_types: &["AWS::EC2::LaunchTemplate"],
    rationale: "Fails when any network interface of the launch template's data sets \
                AssociatePublicIpAddress to true, so every instance launched from it is \
                reachable from the internet; passes otherwise (including templates that name no \
                network interface).",
    remediation: "Create a new launch template version whose network interfaces set \
                  AssociatePublicIpAddress to false and make it the default version \
                  (`aws ec2 create-launch-template-version`, `modify-launch-template \
                  --default-version`).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-25",
    remediation_hook: Remediation::NotifyOnly {
        why: "a new default version changes every launch that uses the template",
    },
    duty: Duty::NetworkConfiguration,
    mappings: Mappings {
        fsbp: Some("EC2.25"),
        cis_v3: None,
        nist_800_53_r5: crate::controls::nist::PUBLIC_ACCESS,
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    match item.read("/LaunchTemplateData") {
        Err(unreadable) => return unreadable.into(),
        Ok(None) => {
            return Verdict::insufficient(
                "the configuration item records no configuration.LaunchTemplateData",
            );
        }
        Ok(Some(Value::Object(_))) => {}
        Ok(Some(other)) => {
            return Unreadable::config("/LaunchTemplateData", found(other, "an object")).into();
        }
    }
    let interfaces = match item.read("/LaunchTemplateData/NetworkInterfaces") {
        Err(unreadable) => return unreadable.into(),
        Ok(None) => {
            return Verdict::pass("the launch template specifies no network interface");
        }
        Ok(Some(Value::Array(list))) => list,
        Ok(Some(other)) => {
            return Unreadable::config(
                "/LaunchTemplateData/NetworkInterfaces",
                found(other, "a list"),
            )
            .into();
        }
    };
    let mut public = Vec::new();
    for i in 0..interfaces.len() {
        match item.read_bool(&format!(
            "/LaunchTemplateData/NetworkInterfaces/{i}/AssociatePublicIpAddress"
        )) {
            Err(unreadable) => return unreadable.into(),
            Ok(Some(true)) => public.push(format!("#{i}")),
            Ok(_) => {}
        }
    }
    if public.is_empty() {
        Verdict::pass(format!(
            "none of the launch template's {} network interface(s) sets \
             AssociatePublicIpAddress",
            interfaces.len()
        ))
    } else {
        Verdict::fail(format!(
            "configuration.LaunchTemplateData.NetworkInterfaces {} set AssociatePublicIpAddress \
             to true",
            public.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::ec2::run;
    use serde_json::json;

    fn template(data: Value) -> Verdict {
        run(
            &CONTROL,
            json!({"LaunchTemplateName": "web", "DefaultVersionNumber": 1,
                   "LaunchTemplateData": data}),
            &[],
        )
    }

    #[test]
    fn a_public_interface_fails() {
        let v = template(json!({"NetworkInterfaces": [
            {"DeviceIndex": 0, "AssociatePublicIpAddress": false},
            {"DeviceIndex": 1, "AssociatePublicIpAddress": true}]}));
        assert!(v.is_non_compliant() && v.reason().contains("#1"), "{v}");
        assert!(
            template(json!({"NetworkInterfaces": [{"AssociatePublicIpAddress": "true"}]}))
                .is_non_compliant()
        );
    }

    #[test]
    fn private_or_unspecified_interfaces_pass() {
        assert!(template(json!({"ImageId": "ami-1"})).is_compliant());
        assert!(template(json!({"NetworkInterfaces": [{"DeviceIndex": 0}]})).is_compliant());
    }

    #[test]
    fn odd_data_is_insufficient() {
        assert!(template(json!(null)).is_insufficient());
        assert!(template(json!("data")).is_insufficient());
        assert!(template(json!({"NetworkInterfaces": {"a": 1}})).is_insufficient());
        assert!(
            template(json!({"NetworkInterfaces": [{"AssociatePublicIpAddress": "maybe"}]}))
                .is_insufficient()
        );
    }
}
