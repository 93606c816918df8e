//! The ASFF findings of a scan, for `--format asff` and `--publish` alike.
//!
//! A finding lives in a real Region, but global resources (IAM users, roles and policies) are in
//! `awsRegion` `global`. From a file, only `--region` can say which Region to report them in; an
//! inventory scan (`--live` without FILE) knows: the Region its global services were called in,
//! as Security Hub's own IAM controls report in the Region that evaluates global resources.

use sidewatch_core::{
    ConfigurationItem, Evaluation, Finding, FindingBuilder, FindingContext, Source,
};
use time::OffsetDateTime;

/// Builds the findings of one scan.
#[derive(Debug, Clone)]
pub struct Findings {
    builder: FindingBuilder,
    /// For items in `global` when the scan knows the Region to report them in.
    global: Option<FindingBuilder>,
}

impl Findings {
    /// Findings with `--account` / `--region` overrides; `global_region` is where items in
    /// `global` are reported when no `--region` override applies.
    pub fn new(
        account_override: Option<String>,
        region_override: Option<String>,
        global_region: Option<String>,
    ) -> Self {
        let now = OffsetDateTime::now_utc();
        let global = match (&region_override, global_region) {
            (None, Some(region)) => Some(FindingBuilder::new(FindingContext {
                account_override: account_override.clone(),
                region_override: Some(region),
                source: Source::Cli,
                now,
            })),
            _ => None,
        };
        Findings {
            builder: FindingBuilder::new(FindingContext {
                account_override,
                region_override,
                source: Source::Cli,
                now,
            }),
            global,
        }
    }

    /// The finding of one verdict, or why it cannot be written as ASFF.
    pub fn build(
        &self,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
    ) -> Result<Finding, String> {
        let in_global = item
            .region
            .as_deref()
            .is_none_or(|r| r.trim().is_empty() || r.eq_ignore_ascii_case("global"));
        let builder = match &self.global {
            Some(global) if in_global => global,
            _ => &self.builder,
        };
        builder
            .build(item, evaluation)
            .map_err(|e| format!("no ASFF finding: {e}"))
    }
}

/// The Region of a finding: the one in its `ProductArn`
/// (`arn:<partition>:securityhub:<region>:…`), where Security Hub must receive it.
pub fn region_of(finding: &Finding) -> Option<&str> {
    finding
        .product_arn
        .split(':')
        .nth(3)
        .filter(|r| !r.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sidewatch_core::Engine;

    #[test]
    fn global_items_are_reported_in_the_global_region_unless_overridden() {
        let engine = Engine::with_defaults();
        let mut user = ConfigurationItem::new("AWS::IAM::User", "AIDAEXAMPLE");
        user.account_id = Some("123456789012".into());
        user.region = Some("global".into());
        user.arn = Some("arn:aws:iam::123456789012:user/dana".into());
        let evaluation = engine
            .evaluate(&user)
            .into_iter()
            .next()
            .expect("IAM users have controls");
        let without = Findings::new(None, None, None);
        assert!(without.build(&user, &evaluation).is_err());
        let with = Findings::new(None, None, Some("eu-west-1".into()));
        let finding = with.build(&user, &evaluation).unwrap();
        assert_eq!(region_of(&finding), Some("eu-west-1"));
        let overridden = Findings::new(None, Some("us-east-2".into()), Some("eu-west-1".into()));
        let finding = overridden.build(&user, &evaluation).unwrap();
        assert_eq!(region_of(&finding), Some("us-east-2"));
    }
}
