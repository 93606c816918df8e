//! The streaming reader of `sidewatch scan` (every input shape, JSON Lines with broken lines):
//! no panic, and every element is accounted for.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sidewatch_core::snapshot::read_items;

fuzz_target!(|data: &[u8]| {
    let (mut items, mut unreadable) = (0u64, 0u64);
    if let Ok(summary) = read_items(data, |outcome| match outcome {
        Ok(_) => items += 1,
        Err(_) => unreadable += 1,
    }) {
        assert_eq!((summary.items, summary.unreadable), (items, unreadable));
    }
});
