//! A 200 body from a hostile server: decoding either fails with a field path or yields a
//! workflow view (a decode error shows on one line); never a panic. The client decodes `data`
//! straight into the view; the bindings' generated types, converted with `Workflow::from`, must
//! agree on every body, down to a failure's path and reason, but where `data` is a JSON array
//! (serde reads a struct from an array by position, and the view lists its fields in the API
//! page's order, the bindings alphabetically) and for array-length errors (the view's
//! `#[serde(expecting)]`, which names the wire type, drops serde's "with N elements").
#![no_main]

use libfuzzer_sys::fuzz_target;
use secmaster::bindings::types::UpdateAopWorkflowResponse;
use secmaster::fuzz_api::{Workflow, decode_tracking, decode_with_path};

/// `data` is a JSON array, in the body's object or in its place in a body that is an array
/// (element 1): read by position, where the two decodings differ.
fn positional(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body)
        .is_ok_and(|v| v["data"].is_array() || v[1].is_array())
}

/// A failure inside an array read as a struct in place of `data` (`data[3]`, `[1][3]`), or at an
/// array's length (`#[serde(expecting)]` drops serde's "with N elements"): the body need not be
/// JSON past the failure, so `positional` cannot always tell.
fn read_by_position(path: &str, reason: &str) -> bool {
    path.starts_with("data[") || path.starts_with("[1][") || reason.starts_with("invalid length")
}

fuzz_target!(|body: &[u8]| {
    let generated = decode_tracking::<UpdateAopWorkflowResponse>(body);
    match decode_with_path(body) {
        Ok(response) => {
            if let Ok(generated) = generated {
                let same = response.data == generated.data.map(Workflow::from)
                    && (
                        &response.code,
                        &response.message,
                        &response.request_id,
                        response.success,
                    ) == (
                        &generated.code,
                        &generated.message,
                        &generated.request_id,
                        generated.success,
                    );
                assert!(
                    same || positional(body),
                    "the client and the bindings read it differently"
                );
            } else {
                assert!(
                    positional(body),
                    "the client decoded what the bindings refuse"
                );
            }
            if let Some(view) = response.data {
                // Timestamps parse or read as None, never panic; a parsed one had wire text.
                assert!(view.created_at().is_none() || view.create_time.is_some());
                assert!(view.updated_at().is_none() || view.update_time.is_some());
            }
        }
        Err((path, reason)) => {
            assert!(!path.is_empty() && !reason.is_empty());
            match &generated {
                Err(theirs) => assert!(
                    (&path, &reason) == (&theirs.0, &theirs.1)
                        || positional(body)
                        || read_by_position(&path, &reason)
                        || read_by_position(&theirs.0, &theirs.1),
                    "the client and the bindings refuse it differently: {path} {reason} / {theirs:?}"
                ),
                Ok(_) => assert!(
                    positional(body),
                    "the client refused what the bindings decode"
                ),
            }
            // The error the client returns shows on one line, whatever keys the body held.
            let shown = secmaster::Error::Decode {
                status: 200,
                path,
                reason,
                request_id: None,
            }
            .to_string();
            assert!(!shown.contains(['\n', '\r']), "{shown:?}");
        }
    }
});
