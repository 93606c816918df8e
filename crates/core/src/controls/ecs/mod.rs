//! Amazon ECS controls on task definitions (`AWS::ECS::TaskDefinition`), services
//! (`AWS::ECS::Service`), task sets (`AWS::ECS::TaskSet`) and clusters (`AWS::ECS::Cluster`).
//!
//! These types use the PascalCase, CloudFormation-like configuration shape. Every field read here
//! is listed in the AWS Config resource schema (awslabs/aws-config-resource-schema,
//! `config/properties/resource-types/AWS::ECS::*.properties.json`, read on 2026-12-06):
//! `ContainerDefinitions[].{Name, Privileged, ReadonlyRootFilesystem, LogConfiguration.LogDriver,
//! Environment[].Name, Environment[].Value}`, `Family`, `PidMode`, `Status`,
//! `TaskDefinitionArn`; the service's `NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp`
//! (lower-case `v`) and the task set's `NetworkConfiguration.AwsVpcConfiguration.AssignPublicIp`
//! (upper-case `V`); the cluster's `ClusterSettings[].{Name, Value}`. The one exception is
//! `RuntimePlatform.OperatingSystemFamily` (ECS.5's Windows exclusion), which the schema does not
//! list: it is read when present, under its CloudFormation name.
//!
//! # Which task definition revisions are judged
//!
//! AWS's task-definition controls judge only the latest ACTIVE revision of each family. One
//! configuration item cannot tell whether a later ACTIVE revision of its family exists, so
//! sidewatch judges every ACTIVE revision and names the revision (`web:7`) in the reason: an older
//! revision that is still ACTIVE can get a finding AWS would not give. Deregister revisions that
//! are no longer used; deregistered (INACTIVE) revisions are not applicable. This never passes
//! anything on a guess: each verdict is about the revision the item records.

use crate::arn::Arn;
use crate::control::Control;
use crate::item::{ConfigurationItem, Unreadable, found, member, value_as_bool};
use crate::verdict::Verdict;
use serde_json::{Map, Value};

pub mod container_insights;
pub mod environment_secrets;
pub mod log_configuration;
pub mod no_environment_credentials;
pub mod nonprivileged;
pub mod pid_mode;
pub mod readonly_root;
pub mod service_public_ip;
pub mod task_set_public_ip;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[
    &service_public_ip::CONTROL,
    &pid_mode::CONTROL,
    &nonprivileged::CONTROL,
    &readonly_root::CONTROL,
    &no_environment_credentials::CONTROL,
    &environment_secrets::CONTROL,
    &log_configuration::CONTROL,
    &container_insights::CONTROL,
    &task_set_public_ip::CONTROL,
];

/// The revision of a task definition a configuration item records, with its containers.
pub(crate) struct TaskDefinition<'a> {
    /// `task definition web:7`, for reasons.
    pub label: String,
    /// `ContainerDefinitions`, in order.
    pub containers: Vec<Container<'a>>,
}

/// One entry of `configuration.ContainerDefinitions`.
///
/// Its fields are read as [`ConfigurationItem::read`] reads them at the field's JSON pointer
/// ([`Container::pointer`]), which is built only to name a field that cannot be read: every
/// check reads every container of every task definition of a scan.
pub(crate) struct Container<'a> {
    /// Position in `ContainerDefinitions`.
    pub index: usize,
    /// `Name`, or `#<position>` when the item records none.
    pub name: String,
    /// The container's object (a task definition with an entry that is not an object is
    /// unreadable as a whole).
    fields: &'a Map<String, Value>,
}

impl<'a> Container<'a> {
    /// The JSON pointer of a field of this container inside `configuration`.
    pub fn pointer(&self, field: &str) -> String {
        format!("/ContainerDefinitions/{}/{field}", self.index)
    }

    /// A field; `None` when absent or null.
    pub fn field(&self, field: &str) -> Option<&'a Value> {
        member(self.fields, field).filter(|v| !v.is_null())
    }

    /// A boolean field, strictly (as [`ConfigurationItem::read_bool`]).
    pub fn read_bool(&self, field: &str) -> Result<Option<bool>, Unreadable> {
        match self.field(field) {
            None => Ok(None),
            Some(v) => value_as_bool(v)
                .map(Some)
                .ok_or_else(|| Unreadable::config(&self.pointer(field), found(v, "true or false"))),
        }
    }

    /// `Environment`: empty when absent, [`Unreadable`] when not a list.
    pub fn environment(&self) -> Result<&'a [Value], Unreadable> {
        match self.field("Environment") {
            None => Ok(&[]),
            Some(Value::Array(list)) => Ok(list),
            Some(other) => Err(Unreadable::config(
                &self.pointer("Environment"),
                found(other, "a list"),
            )),
        }
    }

    /// A string field (`Name`, `Value`) of `variable`, the `index`-th entry of
    /// [`Container::environment`], strictly (as [`ConfigurationItem::read_str`]); `None` when
    /// absent or null, or when the entry is not an object.
    pub fn variable_str(
        &self,
        index: usize,
        variable: &'a Value,
        field: &str,
    ) -> Result<Option<&'a str>, Unreadable> {
        let value = match variable {
            Value::Object(variable) => member(variable, field).filter(|v| !v.is_null()),
            _ => None,
        };
        match value {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(Unreadable::config(
                &format!("{}/{index}/{field}", self.pointer("Environment")),
                found(other, "a string"),
            )),
        }
    }
}

/// The task definition revision the item records, or the verdict that ends the evaluation:
/// NOT_APPLICABLE for a deregistered (INACTIVE) revision, INSUFFICIENT_DATA when the status or the
/// container definitions cannot be read.
///
/// A task definition always has at least one container, so an absent or empty
/// `ContainerDefinitions` means the item is incomplete, not that there is nothing to check.
pub(crate) fn task_definition(item: &ConfigurationItem) -> Result<TaskDefinition<'_>, Verdict> {
    let label = revision_label(item)?;
    match item.read_str("/Status")? {
        Some(status) if !status.trim().eq_ignore_ascii_case("ACTIVE") => {
            return Err(Verdict::not_applicable(format!(
                "{label} has status {}: only ACTIVE task definition revisions are evaluated",
                status.trim()
            )));
        }
        _ => {}
    }
    let list = match item.read("/ContainerDefinitions")? {
        None => {
            return Err(Verdict::insufficient(format!(
                "configuration.ContainerDefinitions is missing from the configuration item of \
                 {label}, so its containers cannot be checked"
            )));
        }
        Some(Value::Array(list)) if !list.is_empty() => list,
        Some(Value::Array(_)) => {
            return Err(Verdict::insufficient(format!(
                "configuration.ContainerDefinitions of {label} is empty; a task definition has \
                 at least one container, so the item is incomplete"
            )));
        }
        Some(other) => {
            return Err(Unreadable::config("/ContainerDefinitions", found(other, "a list")).into());
        }
    };
    let mut containers = Vec::with_capacity(list.len());
    for (index, entry) in list.iter().enumerate() {
        let Value::Object(fields) = entry else {
            let pointer = format!("/ContainerDefinitions/{index}");
            return Err(Unreadable::config(&pointer, found(entry, "an object")).into());
        };
        let name = match member(fields, "Name") {
            Some(Value::String(name)) if !name.trim().is_empty() => name.trim().to_owned(),
            _ => format!("#{}", index + 1),
        };
        containers.push(Container {
            index,
            name,
            fields,
        });
    }
    Ok(TaskDefinition { label, containers })
}

/// `task definition web:7`: the family (`Family`, else the one in `TaskDefinitionArn`, else the
/// resource name or id) and the revision from `TaskDefinitionArn`, when it holds one.
fn revision_label(item: &ConfigurationItem) -> Result<String, Verdict> {
    let family = item
        .read_str("/Family")?
        .map(str::trim)
        .filter(|f| !f.is_empty());
    let from_arn = item
        .read_str("/TaskDefinitionArn")?
        .and_then(|arn| Arn::parse(arn.trim()))
        .and_then(|arn| arn.ecs_task_definition());
    let label = match (family, from_arn) {
        (Some(family), Some((_, revision))) => format!("{family}:{revision}"),
        (None, Some((family, revision))) => format!("{family}:{revision}"),
        (Some(family), None) => family.to_owned(),
        (None, None) => item
            .resource_name
            .clone()
            .unwrap_or_else(|| item.resource_id.clone()),
    };
    Ok(format!("task definition {label}"))
}

/// What one container's check found.
pub(crate) enum Finding {
    /// The container complies.
    Complies,
    /// The container fails; the text says why ("Privileged is true").
    Fails(String),
}

/// Decides a task-definition control that fails when any container fails `check`.
///
/// A definite failure of one container fails the control even when another container cannot be
/// read; otherwise an unreadable container is INSUFFICIENT_DATA naming its field, and the control
/// passes only when every container complies. `pass` says in words what every container does.
pub(crate) fn each_container(
    item: &ConfigurationItem,
    check: impl Fn(&Container) -> Result<Finding, Verdict>,
    pass: &str,
) -> Verdict {
    let task = match task_definition(item) {
        Ok(task) => task,
        Err(verdict) => return verdict,
    };
    let mut failures = Vec::new();
    let mut unreadable = None;
    for container in &task.containers {
        match check(container) {
            Ok(Finding::Complies) => {}
            Ok(Finding::Fails(why)) => {
                failures.push(format!("container {}: {why}", container.name))
            }
            Err(verdict) => {
                unreadable.get_or_insert(verdict);
            }
        }
    }
    if !failures.is_empty() {
        return Verdict::fail(format!("{}: {}", task.label, failures.join("; ")));
    }
    if let Some(verdict) = unreadable {
        return verdict;
    }
    let count = task.containers.len();
    let noun = if count == 1 {
        "container"
    } else {
        "containers"
    };
    Verdict::pass(format!("{}: {pass} ({count} {noun})", task.label))
}

/// ECS.2 and ECS.16: fails when `AssignPublicIp` under the awsvpc configuration at `awsvpc` is
/// `ENABLED`, passes when it is `DISABLED`.
///
/// `what` names the resource ("service orders"). Without any network configuration the resource
/// does not use the awsvpc network mode, so ECS assigns its tasks no public IP and the control is
/// not applicable. An awsvpc configuration without `AssignPublicIp` is INSUFFICIENT_DATA: ECS
/// always reports the value, so its absence says the item is incomplete.
pub(crate) fn assign_public_ip(item: &ConfigurationItem, awsvpc: &str, what: &str) -> Verdict {
    match item.read("/NetworkConfiguration") {
        Err(unreadable) => return unreadable.into(),
        Ok(None) => {
            return Verdict::not_applicable(format!(
                "{what} has no network configuration: it does not use the awsvpc network mode, \
                 so ECS assigns its tasks no public IP address"
            ));
        }
        Ok(Some(_)) => {}
    }
    let pointer = format!("/NetworkConfiguration/{awsvpc}/AssignPublicIp");
    let name = crate::item::config_path(&pointer);
    match item.read_str(&pointer) {
        Err(unreadable) => unreadable.into(),
        Ok(None) => Verdict::insufficient(format!(
            "{name} is missing from the configuration item of {what}, so automatic public IP \
             assignment cannot be decided"
        )),
        Ok(Some(value)) if value.trim().eq_ignore_ascii_case("ENABLED") => Verdict::fail(format!(
            "{what} assigns public IP addresses to its tasks automatically ({name} is ENABLED)"
        )),
        Ok(Some(value)) if value.trim().eq_ignore_ascii_case("DISABLED") => Verdict::pass(format!(
            "{what} does not assign public IP addresses to its tasks ({name} is DISABLED)"
        )),
        Ok(Some(other)) => Verdict::insufficient(format!(
            "{name} is {other:?}, expected ENABLED or DISABLED; the setting cannot be decided"
        )),
    }
}

/// Test support: a control's verdict on an ACTIVE revision of task definition family `web` with
/// these container definitions.
#[cfg(test)]
pub(crate) fn run_containers(control: &Control, containers: Value) -> Verdict {
    crate::controls::checks::testing::with_configuration(
        control,
        serde_json::json!({"Family": "web", "Status": "ACTIVE", "ContainerDefinitions": containers}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(configuration: Value) -> ConfigurationItem {
        let mut item = ConfigurationItem::new("AWS::ECS::TaskDefinition", "web:7");
        item.configuration = configuration;
        item
    }

    #[test]
    fn the_revision_comes_from_the_arn() {
        let item = item(json!({
            "Family": "web",
            "Status": "ACTIVE",
            "TaskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:7",
            "ContainerDefinitions": [{"Name": "app"}, {}]
        }));
        let task = task_definition(&item).unwrap_or_else(|v| panic!("{v}"));
        assert_eq!(task.label, "task definition web:7");
        assert_eq!(task.containers[0].name, "app");
        assert_eq!(task.containers[1].name, "#2");
        assert_eq!(
            task.containers[1].pointer("Privileged"),
            "/ContainerDefinitions/1/Privileged"
        );
    }

    #[test]
    fn inactive_revisions_are_not_applicable() {
        let v = task_definition(&item(json!({"Family": "web", "Status": "INACTIVE",
            "ContainerDefinitions": [{"Name": "app"}]})))
        .err()
        .unwrap();
        assert!(v.is_not_applicable(), "{v}");
        assert!(v.reason().contains("INACTIVE"), "{v}");
    }

    #[test]
    fn odd_container_lists_are_insufficient() {
        for configuration in [
            json!({"Family": "web"}),
            json!({"Family": "web", "ContainerDefinitions": []}),
            json!({"Family": "web", "ContainerDefinitions": "app"}),
            json!({"Family": "web", "ContainerDefinitions": ["app"]}),
            json!({"Family": 7, "ContainerDefinitions": [{}]}),
            json!({"Status": ["ACTIVE"], "ContainerDefinitions": [{}]}),
        ] {
            let v = task_definition(&item(configuration)).err().unwrap();
            assert!(v.is_insufficient(), "{v}");
            assert!(v.reason().contains("configuration."), "{v}");
        }
        let mut odd = item(json!(null));
        odd.configuration = json!("{not json");
        assert!(task_definition(&odd).err().unwrap().is_insufficient());
    }

    #[test]
    fn a_definite_failure_wins_over_an_unreadable_container() {
        let item = item(json!({"Family": "web", "ContainerDefinitions": [
            {"Name": "a", "Privileged": "maybe"}, {"Name": "b", "Privileged": true}]}));
        let check = |c: &Container| {
            Ok(match c.read_bool("Privileged")? {
                Some(true) => Finding::Fails("privileged".into()),
                _ => Finding::Complies,
            })
        };
        let v = each_container(&item, check, "ok");
        assert_eq!(
            v,
            Verdict::fail("task definition web: container b: privileged")
        );
    }
}
