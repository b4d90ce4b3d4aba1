//! A 200 body from a hostile server: decoding either fails with a field path or yields a
//! workflow view (a decode error shows on one line); never a panic. The client decodes `data`
//! straight into the view; the bindings' generated types, converted with `Workflow::from`, must
//! agree on every body that is not, and whose `data` is not, a JSON array, down to a failure's
//! path and reason (serde reads a struct from an array by position, the two structs list their
//! fields in different orders, the view in the API page's, the bindings alphabetically, and its
//! messages then count elements differently).
#![no_main]

use libfuzzer_sys::fuzz_target;
use secmaster::bindings::types::UpdateAopWorkflowResponse;
use secmaster::fuzz_api::{Workflow, decode_tracking, decode_with_path};

/// The body, or its `data`, is a JSON array: read by position, where the two decodings differ.
fn positional(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body)
        .is_ok_and(|v| v.is_array() || v["data"].is_array())
}

/// A failure inside an array read as a struct (`[1]`, `data[3]`), or at its length: the body
/// need not be JSON past the failure, so `positional` cannot always tell.
fn read_by_position(path: &str, reason: &str) -> bool {
    path.contains('[') || reason.starts_with("invalid length")
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
