//! Test support: an inventory pointed at a private moto_server, verdicts, fixtures.

#![allow(dead_code)]

use sidewatch_aws::{AwsClients, ClientOptions, EvidenceCollector, Inventory, InventoryReport};
use sidewatch_core::{ConfigurationItem, Engine};
use std::collections::BTreeMap;

pub use sidewatch_testkit::{ACCOUNT, Moto, REGION, fake_credentials};

/// A moto_server with the SDK configuration and clients pointed at it.
pub struct Env {
    pub moto: Moto,
    pub sdk: aws_config::SdkConfig,
    pub clients: AwsClients,
}

impl Env {
    pub async fn start() -> Env {
        Env::start_with(&[]).await
    }

    pub async fn start_with(env: &[(&str, &str)]) -> Env {
        let moto = Moto::start_with(env);
        let sdk = ClientOptions {
            endpoint_url: Some(moto.endpoint.clone()),
            region: Some(REGION.into()),
            ..ClientOptions::default()
        }
        .config_loader()
        .credentials_provider(fake_credentials())
        .load()
        .await;
        let clients = AwsClients::new(&sdk);
        Env { moto, sdk, clients }
    }

    /// An S3 client (path style: moto has no per-bucket host names).
    pub fn s3(&self) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::config::Builder::from(&self.sdk)
            .force_path_style(true)
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }

    pub fn rds(&self) -> aws_sdk_rds::Client {
        aws_sdk_rds::Client::new(&self.sdk)
    }

    /// Collects `types` in the home Region, then fetches the evidence the engine asks for, as
    /// the sweep does for a Config item.
    pub async fn collect(&self, types: &[&str]) -> (Vec<ConfigurationItem>, InventoryReport) {
        self.collect_using(Inventory::new(self.sdk.clone()), types)
            .await
    }

    /// [`Env::collect`] with a prepared inventory.
    pub async fn collect_using(
        &self,
        inventory: Inventory,
        types: &[&str],
    ) -> (Vec<ConfigurationItem>, InventoryReport) {
        let (mut items, report) = inventory.collect_all(types, &[REGION.to_owned()]).await;
        let engine = Engine::with_defaults();
        let collector = EvidenceCollector::new(self.clients.clone());
        for item in &mut items {
            collector.collect_needed(&engine, item).await;
        }
        assert_eq!(report.items, items.len());
        (items, report)
    }
}

/// The item of `resource_type` whose id or name is `key`.
pub fn find<'a>(
    items: &'a [ConfigurationItem],
    resource_type: &str,
    key: &str,
) -> &'a ConfigurationItem {
    items
        .iter()
        .find(|i| {
            i.resource_type == resource_type
                && (i.resource_id == key || i.resource_name.as_deref() == Some(key))
        })
        .unwrap_or_else(|| panic!("no {resource_type} {key} among {} items", items.len()))
}

/// Control id → compliance type of every control the engine runs on `item`.
pub fn verdicts(item: &ConfigurationItem) -> BTreeMap<&'static str, String> {
    Engine::with_defaults()
        .evaluate(item)
        .into_iter()
        .map(|e| {
            (
                e.control.id,
                e.verdict.compliance_type().as_str().to_owned(),
            )
        })
        .collect()
}

/// The reasons, for failure messages.
pub fn reasons(item: &ConfigurationItem) -> String {
    Engine::with_defaults()
        .evaluate(item)
        .into_iter()
        .map(|e| {
            format!(
                "{} {}: {}",
                e.control.id,
                e.verdict.compliance_type().as_str(),
                e.verdict.reason()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn verdict(item: &ConfigurationItem, control: &str) -> String {
    verdicts(item)
        .get(control)
        .cloned()
        .unwrap_or_else(|| panic!("{control} does not evaluate {}", item.resource_type))
}

#[track_caller]
pub fn assert_verdict(item: &ConfigurationItem, control: &str, expected: &str) {
    let got = verdict(item, control);
    assert_eq!(
        got,
        expected,
        "{control} on {}:\n{}",
        item.resource_id,
        reasons(item)
    );
}

/// No control fails `item`.
#[track_caller]
pub fn assert_nothing_fails(item: &ConfigurationItem) {
    let failing: Vec<_> = verdicts(item)
        .into_iter()
        .filter(|(_, v)| v == "NON_COMPLIANT")
        .collect();
    assert!(
        failing.is_empty(),
        "{} fails {failing:?}:\n{}",
        item.resource_id,
        reasons(item)
    );
}

/// A fixture of the core (path under `crates/core/src/controls/`).
pub fn fixture(path: &str) -> ConfigurationItem {
    let full = format!("{}/../core/src/controls/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    ConfigurationItem::from_json_str(&text).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// The equivalence check: the control a fixture documents (`<service>/fixtures/<ID>/…`) gives the
/// collected item and the documented-shape item of the same resource the same compliance type.
/// Only that control: a fixture records the fields its control reads as the seeded resource has
/// them, while its other fields (Multi-AZ, log exports…) are whatever its author wrote, so the
/// catalog's other controls would compare the fixture's invention, not the collector. Evidence (`sidewatch:*` entries, fetched the same
/// way whoever built the item) is taken from the collected item for both, so what is compared is
/// exactly the Config-shaped part.
#[track_caller]
pub fn assert_same_verdicts(collected: &ConfigurationItem, fixture_path: &str) {
    let mut documented = fixture(fixture_path);
    documented
        .supplementary
        .retain(|key, _| !key.starts_with("sidewatch:"));
    for (key, value) in &collected.supplementary {
        if key.starts_with("sidewatch:") {
            documented.supplementary.insert(key.clone(), value.clone());
        }
    }
    let control = fixture_path
        .split('/')
        .nth(2)
        .unwrap_or_else(|| panic!("{fixture_path} is not <service>/fixtures/<ID>/<file>"));
    let only = |item: &ConfigurationItem| {
        let mut all = verdicts(item);
        all.retain(|id, _| *id == control);
        all
    };
    let (a, b) = (only(collected), only(&documented));
    assert!(
        !a.is_empty(),
        "{control} does not evaluate {}",
        collected.resource_type
    );
    assert_eq!(
        a,
        b,
        "collected {} and {fixture_path} differ\ncollected:\n{}\ndocumented:\n{}",
        collected.resource_id,
        reasons(collected),
        reasons(&documented)
    );
}
