//! The ASFF findings of a scan, for `--format asff` and `--publish` alike. A finding lives in a
//! real Region; global resources (IAM, `awsRegion` `global`) are placed in one before they get
//! here, by the core's Region rule ([`crate::global_region`]).

use sidewatch_core::actor::Actor;
use sidewatch_core::finding::AsffEncoder;
use sidewatch_core::{
    ConfigurationItem, Evaluation, Finding, FindingBuilder, FindingContext, Source,
};
use time::OffsetDateTime;

/// Builds the findings of one scan. Global items arrive already placed in their reporting Region
/// ([`crate::global_region`]).
#[derive(Debug, Clone)]
pub struct Findings {
    builder: FindingBuilder,
}

impl Findings {
    /// Findings with `--account` / `--region` overrides.
    pub fn new(account_override: Option<String>, region_override: Option<String>) -> Self {
        Findings {
            builder: FindingBuilder::new(FindingContext {
                account_override,
                region_override,
                source: Source::Cli,
                now: OffsetDateTime::now_utc(),
            }),
        }
    }

    /// A writer of these findings' JSON, for many of them (`--format asff`).
    pub fn encoder(&self) -> AsffEncoder {
        AsffEncoder::new(self.builder.clone())
    }

    /// The finding of one verdict (naming who changed the resource, when known), or why it
    /// cannot be written as ASFF.
    pub fn build(
        &self,
        item: &ConfigurationItem,
        evaluation: &Evaluation,
        actor: Option<&Actor>,
    ) -> Result<Finding, String> {
        self.builder
            .build_changed(item, evaluation, actor)
            .map_err(|e| format!("no ASFF finding: {e}"))
    }
}

/// The Region of a finding: the one in its `ProductArn`
/// (`arn:<partition>:securityhub:<region>:…`), where Security Hub must receive it.
pub fn region_of(finding: &Finding) -> Option<&str> {
    sidewatch_aws::securityhub::asff::product_arn_region(&finding.product_arn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sidewatch_core::{Engine, finding_id};

    #[test]
    fn a_placed_global_item_gets_the_id_the_functions_give_in_that_region() {
        let engine = Engine::with_defaults();
        let mut user = ConfigurationItem::new("AWS::IAM::User", "AIDAEXAMPLE");
        user.account_id = Some("123456789012".into());
        user.region = Some("eu-west-1".into());
        user.arn = Some("arn:aws:iam::123456789012:user/dana".into());
        let evaluation = engine
            .evaluate(&user)
            .into_iter()
            .next()
            .expect("IAM users have controls");
        let finding = Findings::new(None, None)
            .build(&user, &evaluation, None)
            .unwrap();
        assert_eq!(region_of(&finding), Some("eu-west-1"));
        assert_eq!(
            finding.id,
            finding_id(
                "aws",
                "123456789012",
                "eu-west-1",
                evaluation.control.id,
                "AIDAEXAMPLE"
            )
        );
    }
}
