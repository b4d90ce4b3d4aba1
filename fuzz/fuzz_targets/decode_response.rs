//! A 200 body from a hostile server: decoding either fails with a field path or yields a
//! workflow view (a decode error shows on one line); never a panic. The client decodes `data` straight into the view; the bindings'
//! generated types, converted with `Workflow::from`, must agree on every body whose `data` is not
//! a JSON array (serde reads a struct from an array by position, and the two structs list their
//! fields in different orders: the view in the API page's, the bindings alphabetically).
#![no_main]

use libfuzzer_sys::fuzz_target;
use secmaster::bindings::types::UpdateAopWorkflowResponse;
use secmaster::fuzz_api::{Workflow, decode_with_path};

fn data_is_an_array(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body).is_ok_and(|v| v["data"].is_array())
}

fuzz_target!(|body: &[u8]| {
    let generated = serde_json::from_slice::<UpdateAopWorkflowResponse>(body);
    match decode_with_path(body) {
        Ok(response) => {
            if let Ok(generated) = generated {
                let same = response.data == generated.data.map(Workflow::from)
                    && (&response.code, &response.message, &response.request_id, response.success)
                        == (&generated.code, &generated.message, &generated.request_id, generated.success);
                assert!(same || data_is_an_array(body), "the client and the bindings read it differently");
            } else {
                assert!(data_is_an_array(body), "the client decoded what the bindings refuse");
            }
            if let Some(view) = response.data {
                // Timestamps parse or read as None, never panic; a parsed one had wire text.
                assert!(view.created_at().is_none() || view.create_time.is_some());
                assert!(view.updated_at().is_none() || view.update_time.is_some());
            }
        }
        Err((path, reason)) => {
            assert!(!path.is_empty() && !reason.is_empty());
            // The error the client returns shows on one line, whatever keys the body held.
            let shown = secmaster::Error::Decode {
                status: 200,
                path,
                reason,
                request_id: None,
            }
            .to_string();
            assert!(!shown.contains(['\n', '\r']), "{shown:?}");
            assert!(
                generated.is_err() || data_is_an_array(body),
                "the client refused what the bindings decode"
            );
        }
    }
});
