//! [`ConfigItems`]: the [`ItemSource`] that reads configuration items from AWS Config
//! (`GetResourceConfigHistory`, `ListDiscoveredResources`, `BatchGetResourceConfig`).
//!
//! The SDK answers with typed structs; they are written back into the API's JSON shape
//! (`configuration` and each `supplementaryConfiguration` value as JSON strings, times as epoch
//! seconds) and parsed by [`ConfigurationItem::from_value`], so the core stays the only parser of
//! configuration items.

use crate::error::PortResultExt;
use crate::retry::{RetryPolicy, adapter_basics, with_retries, without_sdk_retries};
use aws_sdk_config::types::{self as cfg, ResourceType};
use aws_smithy_types::DateTime;
use serde_json::{Map, Value, json};
use sidewatch_core::ConfigurationItem;
use sidewatch_core::ports::{FailureKind, ItemBatch, ItemSource, PortError, ResourceKey};
use std::collections::HashMap;

/// Operation names in errors and logs.
pub const HISTORY_OPERATION: &str = "config:GetResourceConfigHistory";
pub const LIST_OPERATION: &str = "config:ListDiscoveredResources";
pub const BATCH_GET_OPERATION: &str = "config:BatchGetResourceConfig";

/// Keys one `BatchGetResourceConfig` call takes.
pub const MAX_KEYS_PER_BATCH_GET: usize = 100;

/// Reads configuration items from AWS Config. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ConfigItems {
    client: aws_sdk_config::Client,
    policy: RetryPolicy,
}

adapter_basics!(ConfigItems, aws_sdk_config);

impl ConfigItems {
    /// A reader calling through `client` (SDK retries off: the [`RetryPolicy`] decides).
    pub fn new(client: &aws_sdk_config::Client) -> Self {
        ConfigItems {
            client: without_sdk_retries!(aws_sdk_config, client),
            policy: RetryPolicy::default(),
        }
    }
}

/// The parts of a configuration item both SDK item types carry.
struct Parts<'a> {
    version: Option<&'a str>,
    account_id: Option<&'a str>,
    capture_time: Option<&'a DateTime>,
    status: Option<&'a str>,
    state_id: Option<&'a str>,
    arn: Option<&'a str>,
    resource_type: Option<&'a str>,
    resource_id: Option<&'a str>,
    resource_name: Option<&'a str>,
    region: Option<&'a str>,
    availability_zone: Option<&'a str>,
    creation_time: Option<&'a DateTime>,
    tags: Option<&'a HashMap<String, String>>,
    configuration: Option<&'a str>,
    supplementary: Option<&'a HashMap<String, String>>,
    /// CloudTrail event ids (`GetResourceConfigHistory` only: `BaseConfigurationItem` has none).
    related_events: &'a [String],
}

impl<'a> Parts<'a> {
    fn history(item: &'a cfg::ConfigurationItem) -> Self {
        Parts {
            version: item.version(),
            account_id: item.account_id(),
            capture_time: item.configuration_item_capture_time(),
            status: item.configuration_item_status().map(|s| s.as_str()),
            state_id: item.configuration_state_id(),
            arn: item.arn(),
            resource_type: item.resource_type().map(|t| t.as_str()),
            resource_id: item.resource_id(),
            resource_name: item.resource_name(),
            region: item.aws_region(),
            availability_zone: item.availability_zone(),
            creation_time: item.resource_creation_time(),
            tags: item.tags(),
            configuration: item.configuration(),
            supplementary: item.supplementary_configuration(),
            related_events: item.related_events(),
        }
    }

    fn base(item: &'a cfg::BaseConfigurationItem) -> Self {
        Parts {
            version: item.version(),
            account_id: item.account_id(),
            capture_time: item.configuration_item_capture_time(),
            status: item.configuration_item_status().map(|s| s.as_str()),
            state_id: item.configuration_state_id(),
            arn: item.arn(),
            resource_type: item.resource_type().map(|t| t.as_str()),
            resource_id: item.resource_id(),
            resource_name: item.resource_name(),
            region: item.aws_region(),
            availability_zone: item.availability_zone(),
            creation_time: item.resource_creation_time(),
            tags: None,
            configuration: item.configuration(),
            supplementary: item.supplementary_configuration(),
            related_events: &[],
        }
    }

    /// The item in the API's JSON shape (what `aws configservice get-resource-config-history`
    /// prints), absent parts left out.
    fn api_shape(&self) -> Value {
        let mut map = Map::new();
        let mut put = |key: &str, value: Option<Value>| {
            if let Some(value) = value {
                map.insert(key.to_owned(), value);
            }
        };
        let text = |v: Option<&str>| v.map(|s| Value::String(s.to_owned()));
        let epoch = |t: Option<&DateTime>| t.map(|t| json!(t.as_secs_f64()));
        let strings = |m: Option<&HashMap<String, String>>| {
            m.map(|m| {
                Value::Object(
                    m.iter()
                        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                        .collect(),
                )
            })
        };
        put("version", text(self.version));
        put("accountId", text(self.account_id));
        put("configurationItemCaptureTime", epoch(self.capture_time));
        put("configurationItemStatus", text(self.status));
        put("configurationStateId", text(self.state_id));
        put("arn", text(self.arn));
        put("resourceType", text(self.resource_type));
        put("resourceId", text(self.resource_id));
        put("resourceName", text(self.resource_name));
        put("awsRegion", text(self.region));
        put("availabilityZone", text(self.availability_zone));
        put("resourceCreationTime", epoch(self.creation_time));
        put("tags", strings(self.tags));
        put("configuration", text(self.configuration));
        put("supplementaryConfiguration", strings(self.supplementary));
        if !self.related_events.is_empty() {
            put("relatedEvents", Some(json!(self.related_events)));
        }
        Value::Object(map)
    }

    /// The core's item, parsed from the API shape.
    fn item(&self, operation: &str) -> Result<ConfigurationItem, PortError> {
        ConfigurationItem::from_value(self.api_shape()).map_err(|e| {
            PortError::new(
                operation,
                FailureKind::Invalid,
                None,
                format!(
                    "the configuration item of {} {} could not be read: {e}",
                    self.resource_type.unwrap_or("?"),
                    self.resource_id.unwrap_or("?")
                ),
            )
        })
    }
}

/// The API-shape JSON of an item read with `GetResourceConfigHistory`.
pub fn history_item_json(item: &cfg::ConfigurationItem) -> Value {
    Parts::history(item).api_shape()
}

/// The API-shape JSON of an item read with `BatchGetResourceConfig`.
pub fn base_item_json(item: &cfg::BaseConfigurationItem) -> Value {
    Parts::base(item).api_shape()
}

impl ItemSource for ConfigItems {
    async fn latest_item(&self, key: &ResourceKey) -> Result<Option<ConfigurationItem>, PortError> {
        let client = &self.client;
        let answer = with_retries(&self.policy, || async move {
            client
                .get_resource_config_history()
                .resource_type(ResourceType::from(key.resource_type.as_str()))
                .resource_id(&key.resource_id)
                .limit(1)
                .send()
                .await
                .or_port_error(HISTORY_OPERATION)
        })
        .await;
        let output = match answer {
            Ok(output) => output,
            // ResourceNotDiscoveredException: Config has no item for the resource.
            Err(e) if e.kind == FailureKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        output
            .configuration_items()
            .first()
            .map(|item| Parts::history(item).item(HISTORY_OPERATION))
            .transpose()
    }

    async fn list_resources(&self, resource_type: &str) -> Result<Vec<ResourceKey>, PortError> {
        let client = &self.client;
        let mut keys = Vec::new();
        let (mut deleted, mut pages) = (0usize, 0usize);
        let mut next_token: Option<String> = None;
        loop {
            let token = next_token.as_deref();
            let page = with_retries(&self.policy, || async move {
                client
                    .list_discovered_resources()
                    .resource_type(ResourceType::from(resource_type))
                    .include_deleted_resources(false)
                    .set_next_token(token.map(str::to_owned))
                    .send()
                    .await
                    .or_port_error(LIST_OPERATION)
            })
            .await?;
            pages += 1;
            for resource in page.resource_identifiers() {
                let Some(id) = resource.resource_id() else {
                    continue;
                };
                if resource.resource_deletion_time().is_some() {
                    deleted += 1;
                    continue;
                }
                keys.push(ResourceKey {
                    resource_type: resource
                        .resource_type()
                        .map_or(resource_type, |t| t.as_str())
                        .to_owned(),
                    resource_id: id.to_owned(),
                });
            }
            let next = page.next_token().filter(|t| !t.is_empty());
            if next.is_none() || next == token {
                break;
            }
            next_token = next.map(str::to_owned);
        }
        tracing::info!(
            operation = LIST_OPERATION,
            resource_type,
            pages,
            resources = keys.len(),
            deleted_skipped = deleted,
            "resources listed"
        );
        Ok(keys)
    }

    async fn batch_items(&self, keys: &[ResourceKey]) -> Result<ItemBatch, PortError> {
        let mut batch = ItemBatch::default();
        for chunk in keys.chunks(MAX_KEYS_PER_BATCH_GET) {
            let sdk_keys = chunk
                .iter()
                .map(|k| {
                    cfg::ResourceKey::builder()
                        .resource_type(ResourceType::from(k.resource_type.as_str()))
                        .resource_id(&k.resource_id)
                        .build()
                        .map_err(|e| {
                            PortError::new(
                                BATCH_GET_OPERATION,
                                FailureKind::Invalid,
                                None,
                                e.to_string(),
                            )
                        })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let (client, sdk_keys) = (&self.client, &sdk_keys);
            let output = with_retries(&self.policy, || async move {
                client
                    .batch_get_resource_config()
                    .set_resource_keys(Some(sdk_keys.clone()))
                    .send()
                    .await
                    .or_port_error(BATCH_GET_OPERATION)
            })
            .await?;
            for item in output.base_configuration_items() {
                batch
                    .items
                    .push(Parts::base(item).item(BATCH_GET_OPERATION)?);
            }
            batch
                .unprocessed
                .extend(
                    output
                        .unprocessed_resource_keys()
                        .iter()
                        .map(|k| ResourceKey {
                            resource_type: k.resource_type().as_str().to_owned(),
                            resource_id: k.resource_id().to_owned(),
                        }),
                );
        }
        tracing::info!(
            operation = BATCH_GET_OPERATION,
            keys = keys.len(),
            items = batch.items.len(),
            unprocessed = batch.unprocessed.len(),
            "items read"
        );
        Ok(batch)
    }
}
