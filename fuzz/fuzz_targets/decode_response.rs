//! A 2xx body from a hostile server, read as every shape the operations have (an envelope with
//! a workflow, with a page of workflows, a bare instance): a result or a typed error (a decode
//! error with the field's path, or `success: false` as a service error) whose Display is one
//! line; never a panic. Update a Workflow's reading, exactly as a call does it, must keep its
//! promises: a success carries its `data`, and timestamps parse or read as absent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use secmaster::Error;

fuzz_target!(|body: &[u8]| {
    let body = bytes::Bytes::copy_from_slice(body);
    for read in secmaster::fuzz_api::read_every_shape(body.clone()) {
        if let Err(e) = read {
            assert!(
                matches!(e, Error::Decode { .. } | Error::Service(_)),
                "{e:?}"
            );
            let shown = e.to_string();
            assert!(!shown.contains(['\n', '\r']), "{shown:?}");
            if let Error::Decode { path, reason, .. } = &e {
                assert!(!path.is_empty() && !reason.is_empty());
            }
        }
    }
    if let Ok(updated) = secmaster::internals::read_update_answer(body) {
        let view = updated.value;
        assert!(view.created_at().is_none() || view.create_time.is_some());
        assert!(view.updated_at().is_none() || view.update_time.is_some());
    }
});
