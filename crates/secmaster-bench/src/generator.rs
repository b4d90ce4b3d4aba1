//! The generator as specs grow: the real spec, and synthetic ones with its Update a Workflow
//! path item copied.

use std::path::Path;
use std::time::Instant;

use crate::Options;
use crate::measure::median;
use crate::report::Report;

/// The HTTP methods a path item may hold operations under.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// How many operations the spec `text` has.
fn operation_count(text: &str) -> usize {
    let spec: serde_norway::Value = serde_norway::from_str(text).expect("spec");
    let paths = spec.get("paths").and_then(|p| p.as_mapping());
    paths
        .into_iter()
        .flat_map(|paths| paths.values())
        .map(|item| METHODS.iter().filter(|m| item.get(**m).is_some()).count())
        .sum()
}

/// The real spec with only its Update a Workflow operation (the path item's `put`, the item's
/// other operations left out), copied `n` times under new paths and operationIds: `n`
/// operations (the spec's schemas all stay).
fn synthetic_spec(real: &str, n: usize) -> String {
    let mut spec: serde_norway::Value = serde_norway::from_str(real).expect("spec");
    let paths = spec
        .get_mut("paths")
        .and_then(|p| p.as_mapping_mut())
        .expect("paths");
    let item = paths
        .values()
        .find(|item| item.get("put").is_some())
        .cloned()
        .expect("the Update a Workflow path item");
    let mut item = item;
    for method in METHODS.iter().filter(|m| **m != "put") {
        if let Some(map) = item.as_mapping_mut() {
            map.remove(*method);
        }
    }
    paths.clear();
    for i in 0..n {
        let mut item = item.clone();
        item["put"]["operationId"] = format!("UpdateAopWorkflow{i}").into();
        paths.insert(
            format!(
                "/v1/{{project_id}}/workspaces/{{workspace_id}}/soc/workflows{i}/{{workflow_id}}"
            )
            .into(),
            item,
        );
    }
    serde_norway::to_string(&spec).expect("yaml")
}

pub fn generator(root: &Path, options: &Options, report: &mut Report) {
    let real = std::fs::read_to_string(root.join(xtask::SPEC_PATH)).expect("spec");
    let time = |text: &str, runs: usize| {
        median(
            (0..runs)
                .map(|_| {
                    let started = Instant::now();
                    xtask::generate_from_str(text, Path::new("bench.yaml"), "bench.yaml")
                        .expect("generates");
                    started.elapsed().as_secs_f64() * 1e3
                })
                .collect(),
        )
    };
    report.line("## Generator (`cargo xtask generate` without process start-up and file I/O)\n");
    report.line("| spec | operations | ms (median) | ms per operation |");
    report.line("|---|---|---|---|");
    let real_ms = time(&real, 5);
    let operations = operation_count(&real);
    report.line(format!(
        "| spec/secmaster.yaml | {operations} | {real_ms:.1} | {:.1} |",
        real_ms / operations.max(1) as f64
    ));
    let sizes: &[usize] = if options.quick {
        &[10, 100]
    } else {
        &[10, 100, 1000]
    };
    for &n in sizes {
        let text = synthetic_spec(&real, n);
        let ms = time(&text, if n >= 1000 { 1 } else { 3 });
        report.line(format!(
            "| synthetic | {n} | {ms:.1} | {:.2} |",
            ms / n as f64
        ));
    }
    report.line("\nTarget: the real spec under 1 s; cost growing no worse than linearly (flat ms per operation).\n");
}
