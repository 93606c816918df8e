//! IAM and bucket policy documents (JSON, JSON in strings, URL-encoded), then the questions the
//! controls ask of them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sidewatch_core::controls::policy::PolicyDocument;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(document) = PolicyDocument::from_text(&text) {
        for statement in document.allows().chain(document.denies()) {
            let _ = statement.label();
            let _ = statement.covers_every_action_of("s3");
            let _ = statement.resource_covers("arn:aws:s3:::bucket/key");
            let _ = statement.resource_covers_prefix("arn:aws:s3:::bucket");
            let _ = statement.public_grantee();
            let _ = statement.may_allow_action_with_prefix("s3:Get");
        }
    }
});
