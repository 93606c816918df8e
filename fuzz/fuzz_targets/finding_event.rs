//! The Security Hub finding event the remediation function reads, through every guard: no panic,
//! and nothing is ever acted on outside the function's own account.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sidewatch_remediation::RemediationConfig;
use sidewatch_remediation::event::SecurityHubEvent;
use sidewatch_remediation::guard::{Decision, decide_event};

const ACCOUNT: &str = "111122223333";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut config = RemediationConfig::new(ACCOUNT);
    config.allow_list = vec!["*".to_owned()];
    config.region = Some("eu-west-1".to_owned());
    let decisions = decide_event(text, &config);
    if decisions.iter().any(|d| matches!(d, Decision::Act { .. })) {
        let event = SecurityHubEvent::from_json_str(text).expect("an acted-on event reads");
        for finding in event.findings.iter().flatten() {
            if let Some(account) = &finding.aws_account_id {
                assert_eq!(account, ACCOUNT, "acted on a finding of another account");
            }
        }
    }
});
