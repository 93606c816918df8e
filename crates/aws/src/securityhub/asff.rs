//! Conversions between the core's ASFF model ([`Finding`]) and the SDK's
//! [`AwsSecurityFinding`]: pure functions, no I/O.
//!
//! [`to_sdk`] sets every attribute the core sets, and `Region` (taken from the `ProductArn`, which
//! the core builds as `arn:<partition>:securityhub:<region>:<account>:product/<account>/default`).
//! [`from_sdk`] reads a finding back into the core model (the attributes sidewatch sends);
//! [`stored`] reads what the sweep needs ([`StoredFinding`]), workflow and record state included.

use aws_sdk_securityhub::types as sh;
use sidewatch_core::arn::Arn;
use sidewatch_core::finding::{
    Action, AwsApiCallAction, Compliance, ComplianceStatus, DomainDetails, Finding,
    FindingProviderFields, FindingSeverity, Recommendation, RecordState, Remediation,
    RemoteIpDetails, Resource,
};
use sidewatch_core::ports::StoredFinding;
use std::collections::{BTreeMap, HashMap};

/// The finding as the SDK sends it in `BatchImportFindings`.
pub fn to_sdk(finding: &Finding) -> sh::AwsSecurityFinding {
    let severity = sh::SeverityLabel::from(finding.severity.label.label());
    let provider_severity =
        sh::SeverityLabel::from(finding.finding_provider_fields.severity.label.label());
    let compliance = sh::Compliance::builder()
        .status(sh::ComplianceStatus::from(
            finding.compliance.status.as_str(),
        ))
        .set_related_requirements(non_empty(finding.compliance.related_requirements.clone()))
        .set_security_control_id(finding.compliance.security_control_id.clone())
        .build();
    sh::AwsSecurityFinding::builder()
        .schema_version(&finding.schema_version)
        .id(&finding.id)
        .product_arn(&finding.product_arn)
        .set_region(product_arn_region(&finding.product_arn).map(str::to_owned))
        .generator_id(&finding.generator_id)
        .aws_account_id(&finding.aws_account_id)
        .set_types(Some(finding.types.clone()))
        .created_at(&finding.created_at)
        .updated_at(&finding.updated_at)
        .severity(sh::Severity::builder().label(severity).build())
        .title(&finding.title)
        .description(&finding.description)
        .set_remediation(finding.remediation.as_ref().map(|r| {
            sh::Remediation::builder()
                .recommendation(
                    sh::Recommendation::builder()
                        .set_text(r.recommendation.text.clone())
                        .set_url(r.recommendation.url.clone())
                        .build(),
                )
                .build()
        }))
        .set_product_fields(non_empty_map(&finding.product_fields))
        .set_resources(Some(
            finding.resources.iter().map(resource_to_sdk).collect(),
        ))
        .compliance(compliance)
        .set_action(finding.action.as_ref().map(action_to_sdk))
        .record_state(sh::RecordState::from(finding.record_state.as_str()))
        .finding_provider_fields(
            sh::FindingProviderFields::builder()
                .severity(
                    sh::FindingProviderSeverity::builder()
                        .label(provider_severity)
                        .build(),
                )
                .set_types(Some(finding.finding_provider_fields.types.clone()))
                .build(),
        )
        .build()
}

fn action_to_sdk(action: &Action) -> sh::Action {
    sh::Action::builder()
        .action_type(&action.action_type)
        .set_aws_api_call_action(action.aws_api_call_action.as_ref().map(|call| {
            sh::AwsApiCallAction::builder()
                .set_api(call.api.clone())
                .set_service_name(call.service_name.clone())
                .set_caller_type(call.caller_type.clone())
                .set_remote_ip_details(call.remote_ip_details.as_ref().map(|ip| {
                    sh::ActionRemoteIpDetails::builder()
                        .ip_address_v4(&ip.ip_address_v4)
                        .build()
                }))
                .set_domain_details(call.domain_details.as_ref().map(|d| {
                    sh::AwsApiCallActionDomainDetails::builder()
                        .domain(&d.domain)
                        .build()
                }))
                .set_first_seen(call.first_seen.clone())
                .set_last_seen(call.last_seen.clone())
                .build()
        }))
        .build()
}

/// `Action` read back: only `AWS_API_CALL` actions, the kind sidewatch sends.
fn action_from_sdk(action: &sh::Action) -> Option<Action> {
    let action_type = action.action_type()?;
    (action_type == "AWS_API_CALL").then(|| Action {
        action_type: action_type.to_owned(),
        aws_api_call_action: action.aws_api_call_action().map(|call| AwsApiCallAction {
            api: call.api().map(str::to_owned),
            service_name: call.service_name().map(str::to_owned),
            caller_type: call.caller_type().map(str::to_owned),
            remote_ip_details: call
                .remote_ip_details()
                .and_then(|ip| ip.ip_address_v4())
                .map(|ip| RemoteIpDetails {
                    ip_address_v4: ip.to_owned(),
                }),
            domain_details: call
                .domain_details()
                .and_then(|d| d.domain())
                .map(|domain| DomainDetails {
                    domain: domain.to_owned(),
                }),
            first_seen: call.first_seen().map(str::to_owned),
            last_seen: call.last_seen().map(str::to_owned),
        }),
    })
}

fn resource_to_sdk(resource: &Resource) -> sh::Resource {
    sh::Resource::builder()
        .r#type(&resource.resource_type)
        .id(&resource.id)
        .set_partition(resource.partition.as_deref().map(sh::Partition::from))
        .set_region(resource.region.clone())
        .set_tags(non_empty_map(&resource.tags))
        .build()
}

fn non_empty(list: Vec<String>) -> Option<Vec<String>> {
    (!list.is_empty()).then_some(list)
}

fn non_empty_map(map: &BTreeMap<String, String>) -> Option<HashMap<String, String>> {
    (!map.is_empty()).then(|| map.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}

fn sorted_map(map: Option<&HashMap<String, String>>) -> BTreeMap<String, String> {
    map.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

/// The Region of a Security Hub product ARN (`arn:aws:securityhub:eu-west-1:…`).
pub fn product_arn_region(product_arn: &str) -> Option<&str> {
    Arn::parse(product_arn)
        .map(|arn| arn.region)
        .filter(|region| !region.is_empty())
}

/// A finding read back (`GetFindings`) in the core model. Fails, naming the attribute, when a
/// required attribute is missing or has a value the core does not know.
pub fn from_sdk(finding: &sh::AwsSecurityFinding) -> Result<Finding, String> {
    let id = required(finding.id(), "Id", "?")?;
    let need = |value: Option<&str>, name: &str| required(value, name, &id);
    let severity = finding
        .severity()
        .and_then(|s| s.label())
        .ok_or_else(|| missing(&id, "Severity.Label"))?;
    let provider = finding
        .finding_provider_fields()
        .ok_or_else(|| missing(&id, "FindingProviderFields"))?;
    let provider_severity = provider
        .severity()
        .and_then(|s| s.label())
        .ok_or_else(|| missing(&id, "FindingProviderFields.Severity.Label"))?;
    let compliance = finding
        .compliance()
        .ok_or_else(|| missing(&id, "Compliance"))?;
    let status = compliance
        .status()
        .ok_or_else(|| missing(&id, "Compliance.Status"))?;
    let record_state = finding
        .record_state()
        .ok_or_else(|| missing(&id, "RecordState"))?;
    Ok(Finding {
        schema_version: need(finding.schema_version(), "SchemaVersion")?,
        product_arn: need(finding.product_arn(), "ProductArn")?,
        generator_id: need(finding.generator_id(), "GeneratorId")?,
        aws_account_id: need(finding.aws_account_id(), "AwsAccountId")?,
        types: finding.types().to_vec(),
        created_at: need(finding.created_at(), "CreatedAt")?,
        updated_at: need(finding.updated_at(), "UpdatedAt")?,
        severity: FindingSeverity {
            label: parse_label(severity, &id)?,
        },
        title: need(finding.title(), "Title")?,
        description: need(finding.description(), "Description")?,
        remediation: finding
            .remediation()
            .and_then(|r| r.recommendation())
            .map(|r| Remediation {
                recommendation: Recommendation {
                    text: r.text().map(str::to_owned),
                    url: r.url().map(str::to_owned),
                },
            }),
        product_fields: sorted_map(finding.product_fields()),
        resources: finding
            .resources()
            .iter()
            .map(|r| {
                Ok(Resource {
                    resource_type: need(r.r#type(), "Resources[].Type")?,
                    id: need(r.id(), "Resources[].Id")?,
                    partition: r.partition().map(|p| p.as_str().to_owned()),
                    region: r.region().map(str::to_owned),
                    tags: sorted_map(r.tags()),
                })
            })
            .collect::<Result<_, String>>()?,
        compliance: Compliance {
            status: parse_compliance(status.as_str(), &id)?,
            related_requirements: compliance.related_requirements().to_vec(),
            security_control_id: compliance.security_control_id().map(str::to_owned),
        },
        action: finding.action().and_then(action_from_sdk),
        record_state: match record_state {
            sh::RecordState::Active => RecordState::Active,
            sh::RecordState::Archived => RecordState::Archived,
            other => {
                return Err(format!(
                    "finding {id}: unknown RecordState {}",
                    other.as_str()
                ));
            }
        },
        finding_provider_fields: FindingProviderFields {
            severity: FindingSeverity {
                label: parse_label(provider_severity, &id)?,
            },
            types: provider.types().to_vec(),
        },
        id,
    })
}

/// What the sweep needs of a finding read back; `None` when it lacks an `Id` or `ProductArn`
/// (nothing could act on it).
pub fn stored(finding: &sh::AwsSecurityFinding) -> Option<StoredFinding> {
    let text = |value: Option<&str>| value.unwrap_or_default().to_owned();
    let product_arn = finding.product_arn()?.to_owned();
    let region = finding
        .region()
        .or_else(|| product_arn_region(&product_arn))
        .unwrap_or_default()
        .to_owned();
    Some(StoredFinding {
        id: finding.id()?.to_owned(),
        generator_id: text(finding.generator_id()),
        account_id: text(finding.aws_account_id()),
        region,
        resource_id: text(finding.resources().first().and_then(|r| r.id())),
        compliance_status: finding
            .compliance()
            .and_then(|c| c.status())
            .map(|s| s.as_str().to_owned()),
        record_state: finding
            .record_state()
            .map_or_else(|| "ACTIVE".to_owned(), |s| s.as_str().to_owned()),
        workflow_status: finding
            .workflow()
            .and_then(|w| w.status())
            .map(|s| s.as_str().to_owned()),
        description: text(finding.description()),
        product_fields: sorted_map(finding.product_fields()).into_iter().collect(),
        updated_at: text(finding.updated_at()),
        product_arn,
    })
}

fn required(value: Option<&str>, name: &str, id: &str) -> Result<String, String> {
    value.map(str::to_owned).ok_or_else(|| missing(id, name))
}

fn missing(id: &str, name: &str) -> String {
    format!("finding {id}: no {name}")
}

fn parse_label(label: &sh::SeverityLabel, id: &str) -> Result<sidewatch_core::Severity, String> {
    label
        .as_str()
        .parse()
        .map_err(|e| format!("finding {id}: severity: {e}"))
}

fn parse_compliance(status: &str, id: &str) -> Result<ComplianceStatus, String> {
    [
        ComplianceStatus::Passed,
        ComplianceStatus::Warning,
        ComplianceStatus::Failed,
        ComplianceStatus::NotAvailable,
    ]
    .into_iter()
    .find(|s| s.as_str() == status)
    .ok_or_else(|| format!("finding {id}: unknown Compliance.Status {status}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sidewatch_core::{ConfigurationItem, Engine, FindingBuilder, FindingContext, Source};
    use time::macros::datetime;

    /// Real findings: an S3 bucket (with tags, so `Resources[].Tags` is exercised) through the
    /// engine, one finding per control that evaluates buckets.
    fn real_findings() -> Vec<Finding> {
        let item = ConfigurationItem::from_json_str(
            r#"{
            "resourceType": "AWS::S3::Bucket", "resourceId": "example-bucket",
            "ARN": "arn:aws:s3:::example-bucket", "awsAccountId": "123456789012",
            "awsRegion": "eu-west-1", "configurationItemCaptureTime": "2024-06-01T09:00:00.000Z",
            "tags": {"team": "security", "env": "prod"},
            "configuration": {"name": "example-bucket"}
        }"#,
        )
        .unwrap();
        let builder = FindingBuilder::new(FindingContext {
            account_override: None,
            region_override: None,
            source: Source::Sweep,
            now: datetime!(2024-06-01 10:00 UTC),
        });
        let findings: Vec<Finding> = Engine::with_defaults()
            .evaluate(&item)
            .iter()
            .map(|e| builder.build(&item, e).unwrap())
            .collect();
        assert!(findings.len() > 3);
        findings
    }

    #[test]
    fn every_field_of_a_real_finding_survives_the_round_trip() {
        for finding in real_findings() {
            let sdk = to_sdk(&finding);
            assert_eq!(from_sdk(&sdk).unwrap(), finding);
            assert_eq!(sdk.region(), Some("eu-west-1"));
        }
        let failing = real_findings()
            .into_iter()
            .find(|f| f.compliance.status == ComplianceStatus::Failed)
            .unwrap();
        let sdk = to_sdk(&failing);
        // The parts most likely to go wrong, spelled out.
        assert_eq!(
            sdk.compliance().unwrap().status().unwrap().as_str(),
            "FAILED"
        );
        assert!(!sdk.compliance().unwrap().related_requirements().is_empty());
        assert_eq!(sdk.resources()[0].tags().unwrap()["team"], "security");
        assert_eq!(sdk.resources()[0].partition().unwrap().as_str(), "aws");
        assert_eq!(sdk.record_state().unwrap().as_str(), "ACTIVE");
        assert!(
            sdk.product_fields()
                .unwrap()
                .contains_key("sidewatch/Source")
        );
        assert_eq!(
            sdk.severity().unwrap().label(),
            sdk.finding_provider_fields()
                .unwrap()
                .severity()
                .unwrap()
                .label()
        );
    }

    #[test]
    fn the_change_s_caller_survives_the_round_trip() {
        let item = ConfigurationItem::from_json_str(
            r#"{"resourceType": "AWS::S3::Bucket", "resourceId": "b",
            "ARN": "arn:aws:s3:::b", "awsAccountId": "123456789012", "awsRegion": "eu-west-1",
            "configuration": {"name": "b"}}"#,
        )
        .unwrap();
        let actor = sidewatch_core::actor::Actor::from_cloudtrail_event(
            r#"{"userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/alice"},
            "eventSource": "s3.amazonaws.com", "eventName": "DeleteBucketEncryption",
            "eventTime": "2024-06-01T09:59:00Z", "sourceIPAddress": "198.51.100.4",
            "eventID": "e-1"}"#,
        )
        .unwrap()
        .unwrap();
        let builder = FindingBuilder::new(FindingContext {
            account_override: None,
            region_override: None,
            source: Source::Event,
            now: datetime!(2024-06-01 10:00 UTC),
        });
        for evaluation in Engine::with_defaults().evaluate(&item) {
            let finding = builder
                .build_changed(&item, &evaluation, Some(&actor))
                .unwrap();
            let sdk = to_sdk(&finding);
            let call = sdk.action().unwrap().aws_api_call_action().unwrap();
            assert_eq!(call.api(), Some("DeleteBucketEncryption"));
            assert_eq!(
                call.remote_ip_details().unwrap().ip_address_v4(),
                Some("198.51.100.4")
            );
            assert_eq!(from_sdk(&sdk).unwrap(), finding);
        }
    }

    #[test]
    fn the_stored_view_names_what_the_sweep_compares() {
        let finding = real_findings().remove(0);
        let mut sdk = to_sdk(&finding);
        sdk.workflow = Some(
            sh::Workflow::builder()
                .status(sh::WorkflowStatus::Notified)
                .build(),
        );
        let view = stored(&sdk).unwrap();
        assert_eq!(view.id, finding.id);
        assert_eq!(view.region, "eu-west-1");
        assert_eq!(view.resource_id, finding.resources[0].id);
        assert_eq!(view.workflow_status.as_deref(), Some("NOTIFIED"));
        assert_eq!(view.record_state, "ACTIVE");
        assert_eq!(view.description, finding.description);
        assert_eq!(
            view.product_fields,
            finding.product_fields.into_iter().collect::<Vec<_>>()
        );
        assert!(stored(&sh::AwsSecurityFinding::builder().id("x").build()).is_none());
    }

    #[test]
    fn missing_or_unknown_attributes_are_named() {
        let finding = real_findings().remove(0);
        let mut no_status = to_sdk(&finding);
        no_status.compliance = Some(sh::Compliance::builder().build());
        assert!(
            from_sdk(&no_status)
                .unwrap_err()
                .contains("Compliance.Status")
        );
        let mut odd = to_sdk(&finding);
        odd.severity = Some(
            sh::Severity::builder()
                .label(sh::SeverityLabel::from("SEVERE"))
                .build(),
        );
        assert!(from_sdk(&odd).unwrap_err().contains("severity"));
    }
}
