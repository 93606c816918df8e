//! `AWS::EKS::Cluster` from `eks:ListClusters` and `eks:DescribeCluster` per cluster (tags come
//! with it). Field names: the Config resource schema's, confirmed there
//! (`ResourcesVpcConfig.EndpointPublicAccess`, `Version`, `Logging.ClusterLogging.EnabledTypes[].Type`).
//!
//! Config lists only the enabled log types; the API answers with groups of types, each enabled
//! or not, so the item's `EnabledTypes` is the union of the enabled groups. EKS always answers
//! `endpointPublicAccess` and `endpointPrivateAccess`; the SDK would read a missing one as `false`.

use super::{Ctx, port_error};
use crate::convert::{rfc3339_or_null, string_or_null};
use aws_sdk_eks::types::Cluster;
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_eks::Client::new(&ctx.sdk);
    let mut names = Vec::new();
    let mut pages = client.list_clusters().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("eks:ListClusters", &e))?;
        names.extend(page.clusters().iter().cloned());
    }
    ctx.for_each(names, |ctx, name| async move { cluster(&ctx, &name).await })
        .await;
    Ok(())
}

async fn cluster(ctx: &Ctx, name: &str) {
    let client = aws_sdk_eks::Client::new(&ctx.sdk);
    let out = match client.describe_cluster().name(name).send().await {
        Ok(out) => out,
        Err(e) => {
            ctx.out
                .failure(Some(name), port_error("eks:DescribeCluster", &e));
            return;
        }
    };
    let Some(c) = out.cluster() else {
        return;
    };
    let arn = c
        .arn()
        .map_or_else(|| ctx.arn("eks", &format!("cluster/{name}")), str::to_owned);
    // Config's resource id of a cluster is its name.
    let mut parts = ctx.item(name, Some(name), Some(arn));
    if let Some(tags) = c.tags() {
        parts.tags = tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    }
    parts.configuration = configuration(c);
    ctx.out.item(parts.build()).await;
}

/// The Config `configuration` of a cluster. `EncryptionConfig[].Resources` is deprecated in the
/// API (EKS now encrypts all Kubernetes API data) but still in the Config schema.
#[allow(deprecated)]
pub(super) fn configuration(c: &Cluster) -> Value {
    let enabled_types: Vec<Value> = c
        .logging()
        .map(|l| l.cluster_logging())
        .unwrap_or_default()
        .iter()
        .filter(|setup| setup.enabled() == Some(true))
        .flat_map(|setup| setup.types())
        .map(|t| json!({"Type": t.as_str()}))
        .collect();
    let encryption = c.encryption_config();
    json!({
        "Name": string_or_null(c.name()),
        "Arn": string_or_null(c.arn()),
        "Version": string_or_null(c.version()),
        "Endpoint": string_or_null(c.endpoint()),
        "RoleArn": string_or_null(c.role_arn()),
        "ClusterStatus": string_or_null(c.status().map(|x| x.as_str())),
        "CertificateAuthorityData": string_or_null(c.certificate_authority().and_then(|a| a.data())),
        "OpenIdConnectIssuerUrl": string_or_null(c.identity().and_then(|i| i.oidc()).and_then(|o| o.issuer())),
        "ResourcesVpcConfig": c.resources_vpc_config().map_or(Value::Null, |v| json!({
            "EndpointPublicAccess": v.endpoint_public_access(),
            "EndpointPrivateAccess": v.endpoint_private_access(),
            "PublicAccessCidrs": v.public_access_cidrs(),
            "SecurityGroupIds": v.security_group_ids(),
            "SubnetIds": v.subnet_ids(),
        })),
        "KubernetesNetworkConfig": c.kubernetes_network_config().map_or(Value::Null, |k| json!({
            "IpFamily": string_or_null(k.ip_family().map(|x| x.as_str())),
            "ServiceIpv4Cidr": string_or_null(k.service_ipv4_cidr()),
            "ServiceIpv6Cidr": string_or_null(k.service_ipv6_cidr()),
        })),
        "Logging": {"ClusterLogging": {"EnabledTypes": enabled_types}},
        "EncryptionConfig": encryption.iter().map(|e| json!({
            "Resources": e.resources(),
            "Provider": e.provider().map_or(Value::Null, |p| json!({"KeyArn": string_or_null(p.key_arn())})),
        })).collect::<Vec<_>>(),
        "EncryptionConfigKeyArn": string_or_null(
            encryption.iter().find_map(|e| e.provider().and_then(|p| p.key_arn()))
        ),
        "CreatedAt": rfc3339_or_null(c.created_at()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_eks::types::{LogSetup, LogType, Logging, VpcConfigResponse};

    #[test]
    fn only_enabled_log_types_are_listed() {
        let c = Cluster::builder()
            .name("platform")
            .version("1.29")
            .resources_vpc_config(
                VpcConfigResponse::builder()
                    .endpoint_public_access(true)
                    .endpoint_private_access(false)
                    .build(),
            )
            .logging(
                Logging::builder()
                    .cluster_logging(
                        LogSetup::builder()
                            .types(LogType::Api)
                            .types(LogType::Audit)
                            .enabled(false)
                            .build(),
                    )
                    .cluster_logging(
                        LogSetup::builder()
                            .types(LogType::Authenticator)
                            .enabled(true)
                            .build(),
                    )
                    .build(),
            )
            .build();
        let v = configuration(&c);
        assert_eq!(v["Version"], "1.29");
        assert_eq!(v["ResourcesVpcConfig"]["EndpointPublicAccess"], true);
        assert_eq!(
            v["Logging"]["ClusterLogging"]["EnabledTypes"],
            json!([{"Type": "authenticator"}])
        );
    }
}
