//! `cargo run --release -p secmaster-bench [-- --quick] [--no-build-cost] [--out BENCHMARKS.md]`
//! (`--only calls|shapes|search|instructions|decode|generator|memory|build` runs one section and writes nothing;
//! `--profile baseline|timed|same-work|token|aksk|aksk-baseline N [IN_FLIGHT]` makes N calls,
//! sequential or IN_FLIGHT at once, for callgrind and perf)
//!
//! Measures, side by side in one run, what `secmaster` costs against a hand-written reqwest call
//! doing the same work, what the generator costs as specs grow, and what the crate costs to build,
//! then writes BENCHMARKS.md (machine, command, medians, ratios). Nothing here asserts a time:
//! the figures are for people to read and compare between runs.
//!
//! One module per section (`calls`, `shapes`, `search`, `instructions`, `decode`, `generator`, `memory`,
//! `build_cost`), over `variants` (the calls compared), `measure`, `signing` and `report`.

mod build_cost;
mod calls;
mod decode;
mod generator;
mod instructions;
mod measure;
mod memory;
mod profile;
mod report;
mod search;
mod shapes;
mod signing;
mod variants;

use std::path::{Path, PathBuf};

use secmaster_testkit::KeepAliveServer;
use secmaster_testkit::examples::UPDATE_200;

use report::Report;

pub struct Options {
    /// Run one section only (calls, instructions, decode, generator, memory, build), writing no
    /// report.
    pub only: Option<String>,
    pub quick: bool,
    pub build_cost: bool,
    pub out: PathBuf,
}

const HELP: &str = "cargo run --release -p secmaster-bench [-- --quick] [--no-build-cost] [--only SECTION] [--out FILE]
  --quick          fewer rounds (a smoke run; figures are noisier)
  --no-build-cost  skip the clean builds (they take several minutes)
  --only SECTION   run one of calls, shapes, search, instructions, decode, generator, memory, build; print it, write nothing
  --out FILE       where to write the report (default BENCHMARKS.md at the workspace root)
  --profile VARIANT N [IN_FLIGHT]
                   only N calls of VARIANT (baseline, timed, same-work, token, aksk, aksk-baseline),
                   sequential or IN_FLIGHT at once, for callgrind and perf
  --walk ours|baseline|collect
                   only one walk through 10,000 workflows (for the peak RSS of the paging section)";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{HELP}");
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--walk") {
        shapes::walk_alone(args.get(i + 1).map_or("", String::as_str));
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--profile") {
        profile::profile(&args[i + 1..]);
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root");
    let value = |flag: &str| {
        let i = args.iter().position(|a| a == flag)?;
        args.get(i + 1).cloned()
    };
    let options = Options {
        only: value("--only"),
        quick: args.iter().any(|a| a == "--quick"),
        build_cost: !args.iter().any(|a| a == "--no-build-cost"),
        out: value("--out").map_or_else(|| root.join("BENCHMARKS.md"), PathBuf::from),
    };
    let mut report = Report::new(options.quick);
    run(&root, &options, &mut report);
    if options.only.is_some() {
        // A partial run prints its figures but leaves the full report alone.
        return;
    }
    std::fs::write(&options.out, report.finish()).expect("write the report");
    println!("\nwrote {}", options.out.display());
}

/// Runs the sections `options` selects, in the report's order.
fn run(root: &Path, options: &Options, report: &mut Report) {
    let run = |section: &str| options.only.as_deref().is_none_or(|only| only == section);
    if run("calls") {
        let server = KeepAliveServer::start(200, UPDATE_200);
        let client_rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        client_rt.block_on(calls::calls(&server.url, options, report));
    }
    if run("shapes") {
        let client_rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        client_rt.block_on(shapes::shapes(options, report));
    }
    if run("search") {
        let client_rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        client_rt.block_on(search::search(options, report));
    }
    if run("instructions") {
        instructions::instructions(options, report);
    }
    if run("decode") {
        decode::decode(options, report);
    }
    if run("generator") {
        generator::generator(root, options, report);
    }
    if run("memory") {
        memory::memory(root, report);
    }
    if options.build_cost && run("build") {
        build_cost::build_cost(root, report);
        build_cost::growth(root, report);
    }
}
