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
        let w = updated.workflow;
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
}
