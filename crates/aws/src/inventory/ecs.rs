//! What the ECS collectors share: the cluster listing (`ecs:ListClusters`), the services of a
//! cluster (`ecs:ListServices`, then `ecs:DescribeServices` ten at a time, as the API allows), and
//! ECS's `[{key, value}]` tags as an item's tag map.
//!
//! ECS items are in the CloudFormation-like PascalCase shape of the AWS Config resource schema
//! (`ClusterName`, `NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp`…).

use super::{Ctx, key_value_tags, port_error};
use aws_sdk_ecs::types::{
    AwsVpcConfiguration, CapacityProviderStrategyItem, Failure, LoadBalancer, ServiceField,
    ServiceRegistry, Tag,
};
use serde_json::{Value, json};
use sidewatch_core::ports::{FailureKind, PortError};
use std::collections::BTreeMap;

use crate::convert::{json_or_null, string_or_null};

/// DescribeServices takes at most this many services per call.
const SERVICES_PER_CALL: usize = 10;

/// Every cluster ARN in the Region.
pub(super) async fn cluster_arns(client: &aws_sdk_ecs::Client) -> Result<Vec<String>, PortError> {
    let mut arns = Vec::new();
    let mut pages = client.list_clusters().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("ecs:ListClusters", &e))?;
        arns.extend(page.cluster_arns().iter().cloned());
    }
    Ok(arns)
}

/// Every service of every cluster, with its cluster's ARN. A cluster whose services cannot be
/// listed or described is a reported failure; the other clusters' services are still returned.
pub(super) async fn every_service(
    ctx: &Ctx,
    client: &aws_sdk_ecs::Client,
) -> Result<Vec<(String, aws_sdk_ecs::types::Service)>, PortError> {
    let mut all = Vec::new();
    for cluster in cluster_arns(client).await? {
        match services(ctx, client, &cluster).await {
            Ok(list) => all.extend(list.into_iter().map(|s| (cluster.clone(), s))),
            Err(error) => ctx.out.failure(Some(&cluster), error),
        }
    }
    Ok(all)
}

/// Every service of `cluster`, described with its tags. A failed listing fails the whole
/// cluster; a service that DescribeServices names as a failure is reported and left out.
async fn services(
    ctx: &Ctx,
    client: &aws_sdk_ecs::Client,
    cluster: &str,
) -> Result<Vec<aws_sdk_ecs::types::Service>, PortError> {
    let mut arns = Vec::new();
    let mut pages = client
        .list_services()
        .cluster(cluster)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("ecs:ListServices", &e))?;
        arns.extend(page.service_arns().iter().cloned());
    }
    let mut services = Vec::new();
    for chunk in arns.chunks(SERVICES_PER_CALL) {
        let out = client
            .describe_services()
            .cluster(cluster)
            .set_services(Some(chunk.to_vec()))
            .include(ServiceField::Tags)
            .send()
            .await
            .map_err(|e| port_error("ecs:DescribeServices", &e))?;
        report_failures(ctx, "ecs:DescribeServices", out.failures());
        services.extend(out.services().iter().cloned());
    }
    Ok(services)
}

/// The per-resource failures an ECS Describe* answer lists beside what it could describe: each is
/// a reported failure (the resource gets no item).
pub(super) fn report_failures(ctx: &Ctx, operation: &str, failures: &[Failure]) {
    for f in failures {
        let arn = f.arn().unwrap_or("(unnamed)");
        let reason = f.reason().unwrap_or("no reason given");
        let kind = if reason == "MISSING" {
            FailureKind::NotFound
        } else {
            FailureKind::Other
        };
        ctx.out.failure(
            Some(arn),
            PortError::new(
                operation,
                kind,
                Some(reason.to_owned()),
                format!("{arn}: {reason}"),
            ),
        );
    }
}

/// ECS tags as an item's tag map.
pub(super) fn tags(tags: &[Tag]) -> BTreeMap<String, String> {
    key_value_tags(tags.iter().map(|t| (t.key(), t.value()))).1
}

/// `AwsvpcConfiguration` (Service) or `AwsVpcConfiguration` (TaskSet): the two Config shapes
/// spell the key differently; the content is the same.
pub(super) fn network_configuration(vpc: Option<&AwsVpcConfiguration>, key: &str) -> Value {
    let Some(vpc) = vpc else {
        return Value::Null;
    };
    let mut outer = serde_json::Map::new();
    outer.insert(
        key.to_owned(),
        json!({
            "AssignPublicIp": string_or_null(vpc.assign_public_ip().map(|x| x.as_str())),
            "SecurityGroups": vpc.security_groups(),
            "Subnets": vpc.subnets(),
        }),
    );
    Value::Object(outer)
}

pub(super) fn capacity_provider_strategy(items: &[CapacityProviderStrategyItem]) -> Value {
    items
        .iter()
        .map(|s| {
            json!({
                "Base": s.base(), "CapacityProvider": s.capacity_provider(), "Weight": s.weight()
            })
        })
        .collect()
}

pub(super) fn load_balancers(items: &[LoadBalancer]) -> Value {
    items
        .iter()
        .map(|l| {
            json!({
                "ContainerName": string_or_null(l.container_name()),
                "ContainerPort": json_or_null(l.container_port()),
                "LoadBalancerName": string_or_null(l.load_balancer_name()),
                "TargetGroupArn": string_or_null(l.target_group_arn()),
            })
        })
        .collect()
}

pub(super) fn service_registries(items: &[ServiceRegistry]) -> Value {
    items
        .iter()
        .map(|r| {
            json!({
                "ContainerName": string_or_null(r.container_name()),
                "ContainerPort": json_or_null(r.container_port()),
                "Port": json_or_null(r.port()),
                "RegistryArn": string_or_null(r.registry_arn()),
            })
        })
        .collect()
}
