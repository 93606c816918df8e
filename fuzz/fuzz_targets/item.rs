//! A configuration item in either shape, then every control on it: no input may panic a parser or
//! a control.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sidewatch_core::{ConfigurationItem, Engine};
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(item) = ConfigurationItem::from_json_str(text) {
        let engine = ENGINE.get_or_init(Engine::with_defaults);
        for evaluation in engine.evaluate(&item) {
            // Every verdict says why.
            assert!(
                !evaluation.verdict.reason().is_empty(),
                "{}",
                evaluation.control.id
            );
        }
    }
});
