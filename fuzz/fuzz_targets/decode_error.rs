//! An error body from a hostile server, any status: always a service error with bounded,
//! single-line Display; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use secmaster::fuzz_api::decode_error_body;

fuzz_target!(|input: (u16, &[u8])| {
    let (status, body) = input;
    let error = decode_error_body(status, body, None);
    assert_eq!(error.status, status);
    let shown = error.to_string();
    assert!(!shown.contains('\n'), "{shown:?}");
    assert!(
        shown.chars().count() < 4 * 1024,
        "{} chars",
        shown.chars().count()
    );
});
