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
                // Timestamps parse or read as None, never panic; a parsed one had wire text.
                assert!(view.created_at().is_none() || view.create_time.is_some());
                assert!(view.updated_at().is_none() || view.update_time.is_some());
            }
        }
        Err((path, reason)) => assert!(!path.is_empty() && !reason.is_empty()),
    }
});
