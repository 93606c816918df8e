//! EC2.3 — Attached Amazon EBS volumes should be encrypted at-rest.

use super::state_name;
use crate::control::{Context, Control, Duty, Mappings, Remediation, Severity};
use crate::controls::nist;
use crate::item::{Unreadable, found};
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;
use serde_json::Value;

pub const CONTROL: Control = Control {
    id: "EC2.3",
    title: "Attached Amazon EBS volumes should be encrypted at-rest",
    severity: Severity::Medium,
    resource_types: &["AWS::EC2::Volume"],
    rationale: "Applies to volumes in use: state in-use, or an attachment that is not detached; \
                other volumes are not applicable. Passes when configuration.encrypted is true \
                and, if kmsId lists keys, kmsKeyId is one of them; fails when encrypted is \
                false or the key is not listed.",
    remediation: "EBS cannot encrypt a volume in place: snapshot it, copy the snapshot with \
                  encryption on, create a volume from the copy and swap it in. Turn on EBS \
                  encryption by default (EC2.7) so new volumes are encrypted.",
    remediation_url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-3",
    remediation_hook: Remediation::NotifyOnly {
        why: "an attached volume cannot be encrypted in place: it must be copied and swapped",
    },
    duty: Duty::DataProtection,
    mappings: Mappings {
        fsbp: Some("EC2.3"),
        cis_v3: None,
        nist_800_53_r5: nist::ENCRYPTION_AT_REST,
    },
    parameters: &[ParamSpec {
        name: "kmsId",
        kind: ParamKind::StringList,
        default: "",
        description: "Comma-separated KMS key ids or ARNs the volumes must be encrypted with \
                      (as the encrypted-volumes rule's kmsId); empty accepts any key.",
    }],
    evidence: &[],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let state = match item.read("/state") {
        Ok(None) => None,
        Ok(Some(value)) => match state_name(value) {
            Some(state) => Some(state),
            None => {
                return Unreadable::config("/state", found(value, "a state name")).into();
            }
        },
        Err(unreadable) => return unreadable.into(),
    };
    let attachments = match item.config("/attachments") {
        None => None,
        Some(Value::Array(list)) => Some(list.as_slice()),
        Some(_) => return Verdict::insufficient("the volume's attachments are not a list"),
    };
    let instances: Vec<&str> = attachments
        .unwrap_or_default()
        .iter()
        .filter(|a| a.get("state").and_then(Value::as_str) != Some("detached"))
        .map(|a| {
            a.get("instanceId")
                .and_then(Value::as_str)
                .unwrap_or("an unnamed instance")
        })
        .collect();
    if state != Some("in-use") && instances.is_empty() {
        return match (state, attachments) {
            (None, None) => Verdict::insufficient(
                "the configuration item records neither state nor attachments",
            ),
            (state, _) => Verdict::not_applicable(format!(
                "the volume is not attached (state {})",
                state.unwrap_or("not recorded")
            )),
        };
    }
    let attached_to = if instances.is_empty() {
        "in use".to_owned()
    } else {
        format!("attached to {}", instances.join(", "))
    };
    match item.read_bool("/encrypted") {
        Err(unreadable) => unreadable.into(),
        Ok(None) => Verdict::insufficient(
            "the configuration item does not record whether the volume is encrypted",
        ),
        Ok(Some(false)) => Verdict::fail(format!(
            "the volume is {attached_to} and not encrypted (encrypted false)"
        )),
        Ok(Some(true)) => match item.read_str("/kmsKeyId") {
            Ok(key) => check_key(ctx.str_list("kmsId"), key, &attached_to),
            Err(unreadable) => unreadable.into(),
        },
    }
}

/// With no `kmsId` any key passes; otherwise the recorded key must be one of them, by id or ARN.
fn check_key(allowed: &[String], key: Option<&str>, attached_to: &str) -> Verdict {
    if allowed.is_empty() {
        return Verdict::pass(format!("the volume is {attached_to} and encrypted"));
    }
    let Some(key) = key else {
        return Verdict::insufficient(
            "the volume is encrypted but records no kmsKeyId to compare with kmsId",
        );
    };
    let same = |a: &str, b: &str| a == b || a.ends_with(&format!("/{b}"));
    if allowed.iter().any(|k| same(key, k) || same(k, key)) {
        Verdict::pass(format!(
            "the volume is {attached_to} and encrypted with listed key {key}"
        ))
    } else {
        Verdict::fail(format!(
            "the volume is encrypted with {key}, which is not in kmsId"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::ec2::run;
    use serde_json::json;

    const KEY: &str = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    fn volume(state: Value, attachments: Value, encrypted: Value) -> Value {
        json!({"volumeId": "vol-1", "state": state, "attachments": attachments,
               "encrypted": encrypted, "kmsKeyId": KEY})
    }

    fn attached() -> Value {
        json!([{"instanceId": "i-1", "state": "attached", "device": "/dev/xvda"}])
    }

    #[test]
    fn an_attached_unencrypted_volume_fails() {
        let v = run(
            &CONTROL,
            volume(json!({"value": "in-use"}), attached(), json!(false)),
            &[],
        );
        assert_eq!(
            v,
            Verdict::fail("the volume is attached to i-1 and not encrypted (encrypted false)")
        );
    }

    #[test]
    fn an_attached_encrypted_volume_passes() {
        let v = run(
            &CONTROL,
            volume(json!("in-use"), attached(), json!(true)),
            &[],
        );
        assert_eq!(
            v,
            Verdict::pass("the volume is attached to i-1 and encrypted")
        );
    }

    #[test]
    fn volumes_not_in_use_are_not_applicable() {
        for (state, attachments) in [
            (json!({"value": "available"}), json!([])),
            (json!("available"), json!(null)),
            (json!(null), json!([])),
            (
                json!("available"),
                json!([{"instanceId": "i-1", "state": "detached"}]),
            ),
        ] {
            let v = run(
                &CONTROL,
                volume(state.clone(), attachments, json!(false)),
                &[],
            );
            assert!(v.is_not_applicable(), "{state}: {v}");
        }
    }

    #[test]
    fn either_in_use_state_or_an_attachment_makes_it_apply() {
        let v = run(
            &CONTROL,
            volume(json!("in-use"), json!([]), json!(false)),
            &[],
        );
        assert_eq!(
            v,
            Verdict::fail("the volume is in use and not encrypted (encrypted false)")
        );
        let v = run(&CONTROL, volume(json!(null), attached(), json!(false)), &[]);
        assert!(v.is_non_compliant(), "{v}");
    }

    #[test]
    fn unknown_state_or_encryption_is_insufficient() {
        let v = run(
            &CONTROL,
            json!({"volumeId": "vol-1", "encrypted": false}),
            &[],
        );
        assert!(v.is_insufficient(), "{v}");
        let v = run(
            &CONTROL,
            volume(json!("in-use"), attached(), json!(null)),
            &[],
        );
        assert!(v.is_insufficient(), "{v}");
        let v = run(
            &CONTROL,
            volume(json!("in-use"), json!("i-1"), json!(true)),
            &[],
        );
        assert!(v.is_insufficient(), "{v}");
    }

    #[test]
    fn kms_id_accepts_the_key_by_id_or_arn_and_rejects_others() {
        let config = volume(json!("in-use"), attached(), json!(true));
        let by_id = run(
            &CONTROL,
            config.clone(),
            &[("kmsId", "1234abcd-12ab-34cd-56ef-1234567890ab")],
        );
        assert!(by_id.is_compliant(), "{by_id}");
        let by_arn = run(&CONTROL, config.clone(), &[("kmsId", KEY)]);
        assert!(by_arn.is_compliant(), "{by_arn}");
        let other = run(
            &CONTROL,
            config,
            &[("kmsId", "ffffffff-0000-0000-0000-000000000000")],
        );
        assert!(other.is_non_compliant(), "{other}");
        assert!(other.reason().contains("not in kmsId"), "{other}");
    }
}
