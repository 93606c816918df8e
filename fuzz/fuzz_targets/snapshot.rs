//! The streaming reader of `sidewatch scan` (every input shape, JSON Lines with broken lines):
//! no panic, every element is accounted for, and the input read at once (elements parsed where
//! they lie in the read buffer) gives exactly what it gives read a byte at a time (each element
//! cut out across reads, or left to the streaming parser): the same items, unreadable elements,
//! summary and error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sidewatch_core::snapshot::read_items;
use std::io::Read;

/// Hands over one byte per read, as a slow pipe may.
struct ByteAtATime<'a>(&'a [u8]);

impl Read for ByteAtATime<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match (self.0.split_first(), buf.first_mut()) {
            (Some((&byte, rest)), Some(slot)) => {
                *slot = byte;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

/// Everything a read hands over and returns, as text.
fn read_all(input: impl Read) -> (Vec<String>, Result<String, String>) {
    let (mut outcomes, mut items, mut unreadable) = (Vec::new(), 0, 0);
    let result = read_items(input, |outcome| {
        match &outcome {
            Ok(_) => items += 1,
            Err(_) => unreadable += 1,
        }
        outcomes.push(format!("{outcome:?}"));
    });
    if let Ok(summary) = &result {
        assert_eq!((summary.items, summary.unreadable), (items, unreadable));
    }
    (
        outcomes,
        result
            .map(|summary| format!("{summary:?}"))
            .map_err(|e| e.to_string()),
    )
}

fuzz_target!(|data: &[u8]| {
    let at_once = read_all(data);
    let byte_at_a_time = read_all(ByteAtATime(data));
    assert_eq!(at_once, byte_at_a_time);
});
