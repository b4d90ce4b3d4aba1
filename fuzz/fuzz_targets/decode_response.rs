//! A 200 body from a hostile server: decoding either fails with a field path or yields a
//! workflow view; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use secmaster::fuzz_api::{Workflow, decode_with_path};

fuzz_target!(|body: &[u8]| {
    match decode_with_path(body) {
        Ok(response) => {
            if let Some(data) = response.data {
                let view = Workflow::from(data);
                // Timestamps parse or stay None, with the raw text kept.
                assert!(view.create_time.is_none() || view.create_time_raw.is_some());
            }
        }
        Err((path, reason)) => assert!(!path.is_empty() && !reason.is_empty()),
    }
});
