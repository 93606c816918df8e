//! Items evaluated per second on one core, over the control fixtures (every resource type, both
//! verdicts), beside the cost of parsing the same items. Run with `cargo bench -p sidewatch-core`.

use sidewatch_core::{ConfigurationItem, Engine};
use std::path::Path;

fn main() {
    divan::main();
}

/// The text of every fixture item, in a stable order.
fn fixture_texts() -> Vec<String> {
    let mut paths = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src/controls")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// Evaluates every fixture item once per iteration; throughput is in items.
#[divan::bench]
fn evaluate_fixture_items(bencher: divan::Bencher) {
    let engine = Engine::with_defaults();
    let items: Vec<ConfigurationItem> = fixture_texts()
        .iter()
        .map(|t| ConfigurationItem::from_json_str(t).unwrap())
        .collect();
    let mut out = Vec::new();
    bencher
        .counter(divan::counter::ItemsCount::new(items.len()))
        .bench_local(|| {
            let mut verdicts = 0;
            for item in &items {
                out.clear();
                engine.evaluate_into(divan::black_box(item), &mut out);
                verdicts += out.len();
            }
            verdicts
        });
}

/// Parsing the same items from text, for comparison.
#[divan::bench]
fn parse_fixture_items(bencher: divan::Bencher) {
    let texts = fixture_texts();
    bencher
        .counter(divan::counter::ItemsCount::new(texts.len()))
        .bench_local(|| {
            let mut ids = 0;
            for text in &texts {
                let item = ConfigurationItem::from_json_str(divan::black_box(text)).unwrap();
                ids += item.resource_id.len();
            }
            ids
        });
}
