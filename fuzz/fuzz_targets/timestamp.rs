//! Any text as a timestamp: parsed or None, never a panic; a parsed one round-trips as RFC 3339.
#![no_main]

use libfuzzer_sys::fuzz_target;
use secmaster::parse_timestamp;

fuzz_target!(|text: &str| {
    if let Some(t) = parse_timestamp(text) {
        assert_eq!(parse_timestamp(&t.to_string()), Some(t));
    }
});
