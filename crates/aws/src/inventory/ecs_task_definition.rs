//! `AWS::ECS::TaskDefinition` from `ecs:ListTaskDefinitions` (every ACTIVE revision, the API's
//! default) and `ecs:DescribeTaskDefinition` per revision (with tags).
//!
//! Field names: the Config resource schema's, confirmed there (`ContainerDefinitions[].Privileged`,
//! `ReadonlyRootFilesystem`, `Environment[].Name`/`Value`, `LogConfiguration.LogDriver`, `PidMode`,
//! `Status`, `Family`, `TaskDefinitionArn`). `RuntimePlatform` (`OperatingSystemFamily`,
//! `CpuArchitecture`) is not in the schema: it is written with the CloudFormation property names
//! the PascalCase shape follows, because ECS.5 needs it to leave Windows task definitions out.
//!
//! Environment values are kept as Config records them (it does, unlike a Lambda function's):
//! replacing them would turn a secret detector's hit on a value into a pass.

use super::{Ctx, ecs, port_error};
use crate::convert::{joined, json_or_null, string_or_null};
use aws_sdk_ecs::types::{ContainerDefinition, TaskDefinition, TaskDefinitionField};
use serde_json::{Value, json};
use sidewatch_core::ports::PortError;

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_ecs::Client::new(&ctx.sdk);
    let mut arns = Vec::new();
    let mut pages = client.list_task_definitions().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("ecs:ListTaskDefinitions", &e))?;
        arns.extend(page.task_definition_arns().iter().cloned());
    }
    ctx.for_each(
        arns,
        |ctx, arn| async move { task_definition(&ctx, &arn).await },
    )
    .await;
    Ok(())
}

async fn task_definition(ctx: &Ctx, arn: &str) {
    let client = aws_sdk_ecs::Client::new(&ctx.sdk);
    let out = match client
        .describe_task_definition()
        .task_definition(arn)
        .include(TaskDefinitionField::Tags)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) => {
            ctx.out
                .failure(Some(arn), port_error("ecs:DescribeTaskDefinition", &e));
            return;
        }
    };
    let Some(td) = out.task_definition() else {
        return;
    };
    // `family:revision`, the name ECS shows; the ARN is the resource id (Config's too).
    let name = arn.rsplit('/').next().unwrap_or(arn);
    let mut parts = ctx.item(arn, Some(name), Some(arn.to_owned()));
    parts.tags = ecs::tags(out.tags());
    parts.configuration = configuration(td);
    ctx.out.item(parts.build()).await;
}

/// The Config `configuration` of a task definition revision.
pub(super) fn configuration(t: &TaskDefinition) -> Value {
    json!({
        "TaskDefinitionArn": string_or_null(t.task_definition_arn()),
        "Family": string_or_null(t.family()),
        "Status": string_or_null(t.status().map(|x| x.as_str())),
        "ContainerDefinitions": t.container_definitions().iter().map(container).collect::<Vec<_>>(),
        "Cpu": string_or_null(t.cpu()),
        "Memory": string_or_null(t.memory()),
        "ExecutionRoleArn": string_or_null(t.execution_role_arn()),
        "TaskRoleArn": string_or_null(t.task_role_arn()),
        "NetworkMode": string_or_null(t.network_mode().map(|x| x.as_str())),
        "PidMode": string_or_null(t.pid_mode().map(|x| x.as_str())),
        "IpcMode": string_or_null(t.ipc_mode().map(|x| x.as_str())),
        "RequiresCompatibilities": t.requires_compatibilities().iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "RuntimePlatform": t.runtime_platform().map_or(Value::Null, |r| json!({
            "CpuArchitecture": string_or_null(r.cpu_architecture().map(|x| x.as_str())),
            "OperatingSystemFamily": string_or_null(r.operating_system_family().map(|x| x.as_str())),
        })),
        "InferenceAccelerators": t.inference_accelerators().iter().map(|a| json!({
            "DeviceName": a.device_name(), "DeviceType": a.device_type()
        })).collect::<Vec<_>>(),
        "PlacementConstraints": t.placement_constraints().iter().map(|p| json!({
            "Expression": string_or_null(p.expression()),
            "Type": string_or_null(p.r#type().map(|x| x.as_str())),
        })).collect::<Vec<_>>(),
        "ProxyConfiguration": t.proxy_configuration().map_or(Value::Null, |p| json!({
            "ContainerName": p.container_name(),
            "Type": string_or_null(p.r#type().map(|x| x.as_str())),
            "Properties": p.properties().iter().map(|kv| json!({
                "Name": string_or_null(kv.name()), "Value": string_or_null(kv.value())
            })).collect::<Vec<_>>(),
        })),
        "Volumes": t.volumes().iter().map(|v| json!({
            "Name": string_or_null(v.name()),
            "Host": v.host().map_or(Value::Null, |h| json!({"SourcePath": string_or_null(h.source_path())})),
            "DockerVolumeConfiguration": v.docker_volume_configuration().map_or(Value::Null, |d| json!({
                "Autoprovision": json_or_null(d.autoprovision()),
                "Driver": string_or_null(d.driver()),
                "Scope": string_or_null(d.scope().map(|x| x.as_str())),
            })),
            "EfsVolumeConfiguration": v.efs_volume_configuration().map_or(Value::Null, |e| json!({
                "FileSystemId": e.file_system_id(),
                "RootDirectory": string_or_null(e.root_directory()),
                "TransitEncryption": string_or_null(e.transit_encryption().map(|x| x.as_str())),
                "TransitEncryptionPort": json_or_null(e.transit_encryption_port()),
            })),
        })).collect::<Vec<_>>(),
    })
}

fn container(c: &ContainerDefinition) -> Value {
    joined([
        json!({
            "Name": string_or_null(c.name()),
            "Image": string_or_null(c.image()),
            "Command": c.command(),
            "EntryPoint": c.entry_point(),
            "Cpu": c.cpu(),
            "Memory": json_or_null(c.memory()),
            "MemoryReservation": json_or_null(c.memory_reservation()),
            "Essential": json_or_null(c.essential()),
            "Privileged": json_or_null(c.privileged()),
            "ReadonlyRootFilesystem": json_or_null(c.readonly_root_filesystem()),
            "User": string_or_null(c.user()),
            "WorkingDirectory": string_or_null(c.working_directory()),
            "Hostname": string_or_null(c.hostname()),
            "DisableNetworking": json_or_null(c.disable_networking()),
            "Interactive": json_or_null(c.interactive()),
            "PseudoTerminal": json_or_null(c.pseudo_terminal()),
            "StartTimeout": json_or_null(c.start_timeout()),
            "StopTimeout": json_or_null(c.stop_timeout()),
            "Links": c.links(),
            "DnsServers": c.dns_servers(),
            "DnsSearchDomains": c.dns_search_domains(),
            "DockerSecurityOptions": c.docker_security_options(),
            "Environment": c.environment().iter().map(|kv| json!({
                "Name": string_or_null(kv.name()), "Value": string_or_null(kv.value())
            })).collect::<Vec<_>>(),
            "EnvironmentFiles": c.environment_files().iter().map(|f| json!({
                "Type": f.r#type().as_str(), "Value": f.value()
            })).collect::<Vec<_>>(),
            "Secrets": c.secrets().iter().map(|s| json!({
                "Name": s.name(), "ValueFrom": s.value_from()
            })).collect::<Vec<_>>(),
            "LogConfiguration": c.log_configuration().map_or(Value::Null, |l| json!({
                "LogDriver": l.log_driver().as_str(),
                "Options": l.options(),
                "SecretOptions": l.secret_options().iter().map(|s| json!({
                    "Name": s.name(), "ValueFrom": s.value_from()
                })).collect::<Vec<_>>(),
            })),
        }),
        json!({
            "PortMappings": c.port_mappings().iter().map(|p| json!({
                "ContainerPort": json_or_null(p.container_port()),
                "HostPort": json_or_null(p.host_port()),
                "Protocol": string_or_null(p.protocol().map(|x| x.as_str())),
            })).collect::<Vec<_>>(),
            "MountPoints": c.mount_points().iter().map(|m| json!({
                "ContainerPath": string_or_null(m.container_path()),
                "ReadOnly": json_or_null(m.read_only()),
                "SourceVolume": string_or_null(m.source_volume()),
            })).collect::<Vec<_>>(),
            "VolumesFrom": c.volumes_from().iter().map(|v| json!({
                "ReadOnly": json_or_null(v.read_only()),
                "SourceContainer": string_or_null(v.source_container()),
            })).collect::<Vec<_>>(),
            "LinuxParameters": c.linux_parameters().map_or(Value::Null, |l| json!({
                "Capabilities": l.capabilities().map_or(Value::Null, |k| json!({"Add": k.add(), "Drop": k.drop()})),
                "InitProcessEnabled": json_or_null(l.init_process_enabled()),
                "SharedMemorySize": json_or_null(l.shared_memory_size()),
                "MaxSwap": json_or_null(l.max_swap()),
                "Swappiness": json_or_null(l.swappiness()),
            })),
            "HealthCheck": c.health_check().map_or(Value::Null, |h| json!({
                "Command": h.command(),
                "Interval": json_or_null(h.interval()),
                "Retries": json_or_null(h.retries()),
                "StartPeriod": json_or_null(h.start_period()),
                "Timeout": json_or_null(h.timeout()),
            })),
            "RepositoryCredentials": c.repository_credentials().map_or(Value::Null, |r| json!({
                "CredentialsParameter": r.credentials_parameter()
            })),
            "ResourceRequirements": c.resource_requirements().iter().map(|r| json!({
                "Type": r.r#type().as_str(), "Value": r.value()
            })).collect::<Vec<_>>(),
            "DependsOn": c.depends_on().iter().map(|d| json!({
                "ContainerName": d.container_name(), "Condition": d.condition().as_str()
            })).collect::<Vec<_>>(),
            "ExtraHosts": c.extra_hosts().iter().map(|h| json!({
                "Hostname": h.hostname(), "IpAddress": h.ip_address()
            })).collect::<Vec<_>>(),
            "FirelensConfiguration": c.firelens_configuration().map_or(Value::Null, |f| json!({
                "Type": f.r#type().as_str()
            })),
            "SystemControls": c.system_controls().iter().map(|s| json!({
                "Namespace": string_or_null(s.namespace()), "Value": string_or_null(s.value())
            })).collect::<Vec<_>>(),
            "Ulimits": c.ulimits().iter().map(|u| json!({
                "Name": u.name().as_str(), "SoftLimit": u.soft_limit(), "HardLimit": u.hard_limit()
            })).collect::<Vec<_>>(),
        }),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ecs::types::{
        KeyValuePair, LogConfiguration, LogDriver, PidMode, TaskDefinitionStatus,
    };

    #[test]
    fn container_fields_follow_config() {
        let t = TaskDefinition::builder()
            .family("web")
            .status(TaskDefinitionStatus::Active)
            .pid_mode(PidMode::Host)
            .container_definitions(
                ContainerDefinition::builder()
                    .name("app")
                    .privileged(true)
                    .environment(
                        KeyValuePair::builder()
                            .name("AWS_SECRET_ACCESS_KEY")
                            .value("x")
                            .build(),
                    )
                    .log_configuration(
                        LogConfiguration::builder()
                            .log_driver(LogDriver::Awslogs)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .container_definitions(ContainerDefinition::builder().name("sidecar").build())
            .build();
        let v = configuration(&t);
        assert_eq!(v["Status"], "ACTIVE");
        assert_eq!(v["PidMode"], "host");
        let app = &v["ContainerDefinitions"][0];
        assert_eq!(app["Privileged"], true);
        assert_eq!(app["Environment"][0]["Name"], "AWS_SECRET_ACCESS_KEY");
        assert_eq!(app["LogConfiguration"]["LogDriver"], "awslogs");
        let sidecar = &v["ContainerDefinitions"][1];
        assert!(sidecar["LogConfiguration"].is_null());
        assert!(sidecar["ReadonlyRootFilesystem"].is_null());
        assert!(v["RuntimePlatform"].is_null());
    }
}
