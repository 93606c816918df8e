//! The controls catalog: one file per control, grouped by service.
//!
//! Each service module lists its controls in `CONTROLS`; [`catalog`] joins them in id order.
//! Each control's pass / fail / not-applicable fixtures live beside it in
//! `<service>/fixtures/<control id>/`, named `pass-….json`, `fail-….json`, `na-….json` or
//! `insufficient-….json`, and `tests/fixtures.rs` runs them all.

use crate::control::{Control, compare_ids};
use std::sync::LazyLock;

pub mod account;
pub mod apigateway;
pub(crate) mod checks;
pub mod cloudfront;
pub mod cloudtrail;
pub mod config;
pub mod dynamodb;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod efs;
pub mod eks;
pub mod elb;
pub(crate) mod evidence_fields;
pub mod guardduty;
pub mod iam;
pub mod inspector;
pub mod kms;
pub mod lambda;
pub(crate) mod nist;
pub mod policy;
pub mod rds;
pub mod s3;
pub mod secretsmanager;
pub mod sns;
pub mod sqs;
pub mod ssm;
#[cfg(test)]
mod test_support;
pub mod waf;

/// Every control sidewatch knows, ordered by id (`CloudTrail.2` … `S3.20`).
pub fn catalog() -> &'static [&'static Control] {
    static CATALOG: LazyLock<Vec<&'static Control>> = LazyLock::new(|| {
        let mut all: Vec<&'static Control> = [
            account::CONTROLS,
            apigateway::CONTROLS,
            cloudfront::CONTROLS,
            cloudtrail::CONTROLS,
            config::CONTROLS,
            dynamodb::CONTROLS,
            ec2::CONTROLS,
            efs::CONTROLS,
            ecr::CONTROLS,
            ecs::CONTROLS,
            eks::CONTROLS,
            elb::CONTROLS,
            guardduty::CONTROLS,
            iam::CONTROLS,
            inspector::CONTROLS,
            kms::CONTROLS,
            lambda::CONTROLS,
            rds::CONTROLS,
            s3::CONTROLS,
            secretsmanager::CONTROLS,
            sns::CONTROLS,
            sqs::CONTROLS,
            ssm::CONTROLS,
            waf::CONTROLS,
        ]
        .concat();
        all.sort_by(|a, b| compare_ids(a.id, b.id));
        all
    });
    &CATALOG
}

/// The control with this id (exact match).
pub fn find(id: &str) -> Option<&'static Control> {
    catalog().iter().copied().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::ResolvedParams;
    use std::collections::{BTreeMap, HashSet};

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for c in catalog() {
            assert!(seen.insert(c.id), "duplicate control id {}", c.id);
            let (service, number) = c.id.split_once('.').expect("ids are SERVICE.N");
            assert!(!service.is_empty() && !number.is_empty(), "{}", c.id);
            // Ids are Security Hub control ids (`S3.8`, `IAM.22`), whatever standard Security Hub
            // files them under; the FSBP mapping is set only for members of the FSBP standard, and
            // then equals the id. A control Security Hub does not have is `SERVICE.Xn` and maps to
            // no AWS standard.
            if let Some(fsbp) = c.mappings.fsbp {
                assert_eq!(fsbp, c.id, "an FSBP control carries its FSBP id");
            }
            if number.starts_with('X') {
                assert!(
                    c.mappings.fsbp.is_none() && c.mappings.cis_v3.is_none(),
                    "{}: SERVICE.Xn controls have no Security Hub counterpart",
                    c.id
                );
            } else {
                assert!(
                    number.chars().all(|ch| ch.is_ascii_digit()),
                    "{}: Security Hub control ids are SERVICE.<number>",
                    c.id
                );
            }
        }
    }

    #[test]
    fn metadata_is_complete() {
        for c in catalog() {
            assert!(
                !c.title.is_empty() && c.title.len() <= 256,
                "{}: title",
                c.id
            );
            assert!(!c.rationale.is_empty(), "{}: rationale", c.id);
            assert!(
                !c.remediation.is_empty() && c.remediation.len() <= 512,
                "{}",
                c.id
            );
            assert!(c.remediation_url.starts_with("https://"), "{}: url", c.id);
            assert!(!c.resource_types.is_empty(), "{}: resource types", c.id);
            for t in c.resource_types {
                assert!(t.starts_with("AWS::"), "{}: resource type {t}", c.id);
            }
            for p in c.parameters {
                assert!(
                    !p.description.is_empty(),
                    "{}.{}: description",
                    c.id,
                    p.name
                );
            }
            ResolvedParams::resolve(c.id, c.parameters, &BTreeMap::new())
                .unwrap_or_else(|e| panic!("{}: default parameters invalid: {e}", c.id));
        }
    }
}
