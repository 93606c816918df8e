//! The event AWS Config sends a custom Lambda rule, then its rule parameters and account claims.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sidewatch_core::doors::config_rule::ConfigRuleEvent;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(event) = ConfigRuleEvent::from_json_str(text) {
        let _ = event.account_claims();
        let _ = event.region();
        let _ = event.parameters.engine();
    }
});
