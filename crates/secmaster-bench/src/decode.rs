//! Decoding the page's 200 example: the client's own reading of an answer against
//! `serde_json::Value`.

use std::hint::black_box;

use bytes::Bytes;
use secmaster_testkit::examples::UPDATE_200;

use crate::Options;
use crate::measure::{median, time_batch};
use crate::report::Report;

pub fn decode(options: &Options, report: &mut Report) {
    let iterations = if options.quick { 20_000 } else { 200_000 };
    let bytes = Bytes::from_static(UPDATE_200.as_bytes());
    // What a call does with a 200 answer's body; the view parses timestamps on demand, and both
    // are parsed here, as a reader of them would.
    let client = || {
        let updated =
            secmaster::internals::read_update_answer(bytes.clone()).expect("the client reads it");
        let w = updated.value;
        (w.created_at(), w.updated_at(), w)
    };
    let (created, updated, workflow) = client();
    assert!(
        created.is_some() && updated.is_some() && workflow.name.is_some(),
        "the page's workflow, timestamps and all: {workflow:?}"
    );
    let value = || serde_json::from_slice::<serde_json::Value>(&bytes).expect("value");
    let (mut c, mut v) = (Vec::new(), Vec::new());
    let per_batch = iterations / 7;
    for _ in 0..7 {
        c.push(time_batch(per_batch, &|| {
            black_box(client());
        }));
        v.push(time_batch(per_batch, &|| {
            black_box(value());
        }));
    }
    let (c, v) = (median(c), median(v));
    report.line("## Decoding the page's 200 example\n");
    report.line("| into | µs (median) | ratio | target |");
    report.line("|---|---|---|---|");
    report.line(format!("| `serde_json::Value` | {v:.2} | 1.00 | |"));
    report.line(format!("| typed view as the client decodes it (`secmaster::internals::read_update_answer`: the envelope, `data` required, the bindings' `AopWorkflowInfo`, then `Workflow::from`; timestamps parsed) | {c:.2} | **{:.3}** | ≤ 1.0 |", c / v));
    report.line("\nThe client decodes through the bindings' generated types, so its row is also the cost of decoding through the bindings and `Workflow::from` (the separate row earlier reports had for that is gone: it measured the same thing).\n");
    page(iterations / 50, report);
}

/// A ListWorkflows page of 100 workflows (the page's example, numbered): the client's reading
/// against `serde_json::Value`.
fn page(iterations: usize, report: &mut Report) {
    let one: serde_json::Value = serde_json::from_str(UPDATE_200).expect("example");
    let items: Vec<serde_json::Value> = (0..100)
        .map(|i| {
            let mut w = one["data"].clone();
            w["id"] = format!("wf-{i:05}").into();
            w
        })
        .collect();
    let body =
        serde_json::json!({"code": "00000000", "success": true, "total": 10_000, "data": items});
    let bytes = Bytes::from(body.to_string());
    let client = || secmaster::internals::read_list_answer(bytes.clone()).expect("a page");
    assert_eq!(client().items.len(), 100);
    let value = || serde_json::from_slice::<serde_json::Value>(&bytes).expect("value");
    let (mut c, mut v) = (Vec::new(), Vec::new());
    let per_batch = (iterations / 7).max(1);
    for _ in 0..7 {
        c.push(time_batch(per_batch, &|| {
            black_box(client());
        }));
        v.push(time_batch(per_batch, &|| {
            black_box(value());
        }));
    }
    let (c, v) = (median(c), median(v));
    report.line(format!(
        "## Decoding a page of 100 workflows ({:.0} KiB)\n",
        bytes.len() as f64 / 1024.0
    ));
    report.line("| into | µs (median) | ratio | target |");
    report.line("|---|---|---|---|");
    report.line(format!("| `serde_json::Value` | {v:.1} | 1.00 | |"));
    report.line(format!("| `Page<Workflow>` as the client reads it (`secmaster::internals::read_list_answer`: the envelope, `data` required, `total`, the bindings' `AopWorkflowInfo`, then `Workflow::from` each) | {c:.1} | **{:.3}** | ≤ 1.0 |\n", c / v));
}
