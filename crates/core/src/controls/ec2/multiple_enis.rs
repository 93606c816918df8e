//! EC2.17 — Amazon EC2 instances should not use multiple ENIs.
//!
//! Decided on `configuration.networkInterfaces[]` of `AWS::EC2::Instance` (confirmed in the Config
//! resource schema: `networkInterfaces.networkInterfaceId`, `networkInterfaces.interfaceType`).
//! Elastic Fabric Adapters are network interfaces too and count. The managed rule's optional
//! allow-list parameter is not set by Security Hub, so the control declares none.

use super::ending_instance;
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::item::{Unreadable, found};
use crate::verdict::Verdict;
use serde_json::Value;

pub const CONTROL: Control = Control {
    id: "EC2.17",
    title: "Amazon EC2 instances should not use multiple ENIs",
    severity: Severity::Low,
    resource_types: &["AWS::EC2::Instance"],
    rationale: "Fails when the instance has more than one network interface attached \
                (configuration.networkInterfaces, EFAs included), which can make it dual-homed \
                across subnets; passes with exactly one. EKS worker nodes with extra ENIs fail \
                too (suppress those findings). Terminated instances are not applicable.",
    remediation: "Detach the network interfaces the instance does not need \
                  (`aws ec2 detach-network-interface`), or suppress the finding where several \
                  interfaces are intended (EKS worker nodes, appliances).",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-17",
    remediation_hook: Remediation::NotifyOnly {
        why: "detaching an interface cuts the instance's traffic on that network",
    },
    duty: Duty::NetworkConfiguration,
    mappings: Mappings {
        fsbp: Some("EC2.17"),
        cis_v3: None,
        nist_800_53_r5: &["AC-4(21)"],
    },
    parameters: &[],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    if let Some(not_applicable) = ending_instance(ctx.item) {
        return not_applicable;
    }
    let interfaces = match ctx.item.read("/networkInterfaces") {
        Err(unreadable) => return unreadable.into(),
        Ok(None) => {
            return Verdict::insufficient(
                "the configuration item records no configuration.networkInterfaces",
            );
        }
        Ok(Some(Value::Array(list))) => list,
        Ok(Some(other)) => {
            return Unreadable::config("/networkInterfaces", found(other, "a list")).into();
        }
    };
    let ids: Vec<String> = interfaces
        .iter()
        .enumerate()
        .map(|(i, eni)| {
            eni.get("networkInterfaceId")
                .and_then(Value::as_str)
                .map_or_else(|| format!("#{}", i + 1), str::to_owned)
        })
        .collect();
    match ids.len() {
        0 => Verdict::insufficient(
            "configuration.networkInterfaces is empty, but an instance always has a primary \
             network interface; the item is incomplete",
        ),
        1 => Verdict::pass(format!(
            "the instance uses one network interface ({})",
            ids[0]
        )),
        n => Verdict::fail(format!(
            "the instance uses {n} network interfaces: {}",
            ids.join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::ec2::run;
    use serde_json::json;

    fn instance(interfaces: Value) -> Verdict {
        run(
            &CONTROL,
            json!({"instanceId": "i-1", "state": {"code": 16, "name": "running"},
                   "networkInterfaces": interfaces}),
            &[],
        )
    }

    #[test]
    fn more_than_one_interface_fails() {
        let one = json!([{"networkInterfaceId": "eni-1"}]);
        assert!(instance(one).is_compliant());
        let two = json!([{"networkInterfaceId": "eni-1"},
                         {"networkInterfaceId": "eni-2", "interfaceType": "efa"}]);
        assert_eq!(
            instance(two),
            Verdict::fail("the instance uses 2 network interfaces: eni-1, eni-2")
        );
    }

    #[test]
    fn missing_empty_or_odd_lists_are_insufficient() {
        for odd in [json!(null), json!([]), json!("eni-1"), json!({"a": 1})] {
            assert!(instance(odd.clone()).is_insufficient(), "{odd}");
        }
    }

    #[test]
    fn terminated_instances_are_not_applicable() {
        let v = run(
            &CONTROL,
            json!({"state": {"name": "terminated"}, "networkInterfaces": []}),
            &[],
        );
        assert!(v.is_not_applicable(), "{v}");
    }
}
