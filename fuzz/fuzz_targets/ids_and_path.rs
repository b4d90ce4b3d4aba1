//! Any three IDs: refused with the field named, or expanded into a path whose segments decode
//! back to exactly those IDs (no ID can add, remove or change a segment).
#![no_main]

use libfuzzer_sys::fuzz_target;
use secmaster::fuzz_api::{check_id, expand_path};

const TEMPLATE: &str = secmaster::bindings::operations::UPDATE_AOP_WORKFLOW.path;

fuzz_target!(|ids: (&str, &str, &str)| {
    let (p, w, f) = ids;
    let fields = [("project_id", p), ("workspace_id", w), ("workflow_id", f)];
    for (field, value) in fields {
        if let Err(e) = check_id(field, value) {
            assert_eq!(e.field(), Some(field));
            return;
        }
    }
    let path = expand_path("", TEMPLATE, &fields);
    assert!(
        path.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%/".contains(&b)),
        "{path}"
    );
    let segments: Vec<String> = path
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .expect("UTF-8 in, UTF-8 out")
                .into_owned()
        })
        .collect();
    assert_eq!(
        segments,
        ["", "v1", p, "workspaces", w, "soc", "workflows", f]
    );
});
