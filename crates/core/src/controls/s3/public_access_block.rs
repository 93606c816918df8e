//! S3.8 — S3 general purpose buckets should block public access (bucket level).

use crate::control::{Context, Control, Duty, Mappings, PlanKind, Remediation, Severity};
use crate::params::{ParamKind, ParamSpec};
use crate::verdict::Verdict;

pub const CONTROL: Control = Control {
    id: "S3.8",
    title: "S3 general purpose buckets should block public access",
    severity: Severity::High,
    resource_types: &["AWS::S3::Bucket"],
    rationale: "Passes when the bucket-level public access block has all four settings \
                (BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets) \
                enabled; fails when any is off or the bucket has no public access block.",
    remediation: "Turn on all four Block Public Access settings for the bucket \
                  (s3:PutPublicAccessBlock). Buckets that must stay public belong in the \
                  excludedPublicBuckets parameter.",
    remediation_url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/configuring-block-public-access-bucket.html",
    remediation_hook: Remediation::Automatic {
        plan: PlanKind::BucketPublicAccessBlock,
        does: "turns on all four bucket-level Block Public Access settings \
               (s3:PutPublicAccessBlock)",
    },
    duty: Duty::IdentityAndAccess,
    mappings: Mappings {
        fsbp: Some("S3.8"),
        cis_v3: Some("2.1.4"),
        nist_800_53_r5: &[
            "AC-3", "AC-3(7)", "AC-4", "AC-4(21)", "AC-6", "AC-21", "SC-7", "SC-7(3)",
        ],
    },
    parameters: &[ParamSpec {
        name: "excludedPublicBuckets",
        kind: ParamKind::StringList,
        default: "",
        description: "Comma-separated names of buckets that are public on purpose (static \
                      websites); they are reported NOT_APPLICABLE.",
    }],
    evidence: &[],
    evaluate,
};

/// The four flags, in the order AWS lists them, with the spelling of the configuration item.
const FLAGS: [&str; 4] = [
    "blockPublicAcls",
    "ignorePublicAcls",
    "blockPublicPolicy",
    "restrictPublicBuckets",
];

fn evaluate(ctx: &Context<'_>) -> Verdict {
    let item = ctx.item;
    let name = item
        .config_str("/name")
        .unwrap_or(item.resource_name.as_deref().unwrap_or(&item.resource_id));
    if ctx
        .str_list("excludedPublicBuckets")
        .iter()
        .any(|b| b == name)
    {
        return Verdict::not_applicable(format!(
            "bucket {name} is listed in excludedPublicBuckets"
        ));
    }
    let Some(block) = item.supplementary("PublicAccessBlockConfiguration") else {
        return Verdict::fail("the bucket has no bucket-level public access block configuration");
    };
    if !block.is_object() {
        return crate::item::Unreadable::new(
            "supplementaryConfiguration.PublicAccessBlockConfiguration",
            crate::item::found(block, "an object"),
        )
        .into();
    }
    // Absent or null is off; a flag that is there but not a boolean is unreadable, not off.
    for flag in FLAGS {
        if let Some(v) = block.get(flag).filter(|v| !v.is_null())
            && crate::item::value_as_bool(v).is_none()
        {
            return crate::item::Unreadable::new(
                format!("supplementaryConfiguration.PublicAccessBlockConfiguration.{flag}"),
                crate::item::found(v, "true or false"),
            )
            .into();
        }
    }
    let off: Vec<&str> = FLAGS
        .into_iter()
        .filter(|flag| {
            block
                .get(*flag)
                .and_then(crate::item::value_as_bool)
                .is_none_or(|on| !on)
        })
        .collect();
    if off.is_empty() {
        Verdict::pass("all four bucket-level public access block settings are enabled")
    } else {
        Verdict::fail(format!(
            "bucket-level public access block settings not enabled: {}",
            off.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ConfigurationItem;
    use crate::params::ResolvedParams;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn run(block: serde_json::Value, excluded: &str) -> Verdict {
        let item = ConfigurationItem::from_value(json!({
            "resourceType": "AWS::S3::Bucket",
            "resourceId": "site",
            "configuration": {"name": "site"},
            "supplementaryConfiguration": {"PublicAccessBlockConfiguration": block}
        }))
        .unwrap();
        let mut o = BTreeMap::new();
        o.insert("excludedPublicBuckets".to_owned(), excluded.to_owned());
        let params = ResolvedParams::resolve("S3.8", CONTROL.parameters, &o).unwrap();
        (CONTROL.evaluate)(&Context::new(&item, &params))
    }

    #[test]
    fn a_missing_flag_counts_as_off() {
        let v = run(
            json!({"blockPublicAcls": true, "ignorePublicAcls": true, "blockPublicPolicy": true}),
            "",
        );
        assert_eq!(
            v,
            Verdict::fail(
                "bucket-level public access block settings not enabled: restrictPublicBuckets"
            )
        );
    }

    #[test]
    fn excluded_buckets_are_not_applicable() {
        let v = run(json!({}), "other, site");
        assert!(v.is_not_applicable(), "{v}");
    }
}
