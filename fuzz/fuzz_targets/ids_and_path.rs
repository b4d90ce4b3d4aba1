//! Any three IDs, through the runtime's own path expansion of Update a Workflow: refused with the
//! field named, or expanded into a path whose segments decode back to exactly those IDs (no ID
//! can add, remove or change a segment, nor be a literal segment of another operation there).
#![no_main]

use libfuzzer_sys::fuzz_target;
use secmaster::bindings::operations::UPDATE_AOP_WORKFLOW;
use secmaster::fuzz_api::expand_path;

fuzz_target!(|ids: (&str, &str, &str)| {
    let (p, w, f) = ids;
    let path = match expand_path(&UPDATE_AOP_WORKFLOW, &[p, w, f]) {
        Ok(path) => path,
        Err(e) => {
            assert!(
                matches!(e.field(), Some("project_id" | "workspace_id" | "workflow_id")),
                "{e}"
            );
            return;
        }
    };
    assert!(
        path.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%/".contains(&b)),
        "{path}"
    );
    assert!(UPDATE_AOP_WORKFLOW.fits(&path), "{path}");
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
    assert!(!["export", "instances"].contains(&f));
});
