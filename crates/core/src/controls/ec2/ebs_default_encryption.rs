//! EC2.7 — EBS default encryption should be enabled.

use crate::control::{Context, Control, Duty, Mappings, PlanKind, Remediation, Severity};
use crate::controls::account;
use crate::controls::nist;
use crate::evidence::EvidenceKind;
use crate::evidence::shapes::EbsEncryptionByDefault;
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "EC2.7",
    title: "EBS default encryption should be enabled",
    severity: Severity::Medium,
    resource_types: account::RESOURCE_TYPES,
    rationale: "Passes when EBS encryption by default is on in the Region \
                (ec2:GetEbsEncryptionByDefault), so every new volume and snapshot copy is \
                encrypted at rest; fails when it is off. The setting is regional, so every \
                Region is evaluated.",
    remediation: "Turn on EBS encryption by default in every Region you use (EC2 console, \
                  Settings, or `aws ec2 enable-ebs-encryption-by-default`), optionally with a \
                  customer managed KMS key (`aws ec2 modify-ebs-default-kms-key-id`).",
    remediation_url: "https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html",
    remediation_hook: Remediation::Automatic {
        plan: PlanKind::EbsEncryptionByDefault,
        does: "turns on EBS encryption by default in the Region \
               (ec2:EnableEbsEncryptionByDefault)",
    },
    duty: Duty::DataProtection,
    mappings: Mappings {
        fsbp: Some("EC2.7"),
        cis_v3: Some("2.2.1"),
        nist_800_53_r5: nist::ENCRYPTION_AT_REST,
    },
    parameters: &[],
    evidence: &[EvidenceKind::EbsEncryptionByDefault],
    evaluate,
};

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let setting: EbsEncryptionByDefault = match account::evidence(
        ctx,
        EvidenceKind::EbsEncryptionByDefault,
        &["ebsEncryptionByDefault"],
    ) {
        Ok(setting) => setting,
        Err(verdict) => return verdict,
    };
    let region = account::region_name(ctx.item);
    if setting.ebs_encryption_by_default {
        Verdict::pass(format!("EBS encryption by default is enabled in {region}"))
    } else {
        Verdict::fail(format!("EBS encryption by default is disabled in {region}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account::testing;
    use serde_json::json;

    #[test]
    fn the_regional_setting_decides() {
        let run = |v| testing::run(&CONTROL, EvidenceKind::EbsEncryptionByDefault, v);
        assert_eq!(
            run(json!({"ebsEncryptionByDefault": false})),
            Verdict::fail("EBS encryption by default is disabled in eu-west-1")
        );
        assert!(run(json!({"ebsEncryptionByDefault": true})).is_compliant());
        assert!(run(json!({})).is_insufficient());
    }
}
