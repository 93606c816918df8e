//! EventBridge events (Config item changes, CloudTrail API calls, schedules), then what they ask
//! to re-evaluate.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sidewatch_core::Engine;
use sidewatch_core::doors::eventbridge::{Detail, EventBridgeEvent};
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(event) = EventBridgeEvent::from_json_str(text) {
        let _ = event.account_claims();
        let _ = event.account_item(true);
        let engine = ENGINE.get_or_init(Engine::with_defaults);
        if let Detail::ApiCall(call) = &event.detail {
            let _ = call.target.affected_controls(engine);
        }
    }
});
