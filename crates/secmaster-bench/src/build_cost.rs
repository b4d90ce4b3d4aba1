//! Build cost: clean debug builds of secmaster and of a bare crate with the same floor.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::report::Report;

/// A clean debug build of `manifest_dir`'s package `package` in a fresh target folder: seconds.
fn clean_build(manifest_dir: &Path, package: &str, extra: &[&str]) -> Option<f64> {
    let target = std::env::temp_dir().join(format!(
        "secmaster-bench-build-{package}-{}",
        extra.join("-").replace(['=', ','], "_")
    ));
    let _ = std::fs::remove_dir_all(&target);
    let started = Instant::now();
    let ok = Command::new("cargo")
        .args(["build", "-q", "-p", package])
        .args(extra)
        .env("CARGO_TARGET_DIR", &target)
        .env("CARGO_INCREMENTAL", "0")
        .current_dir(manifest_dir)
        .status()
        .is_ok_and(|s| s.success());
    let secs = started.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&target);
    ok.then_some(secs)
}

fn package_count(manifest_dir: &Path, package: &str, extra: &[&str]) -> Option<usize> {
    let out = Command::new("cargo")
        .args(["tree", "-e", "normal", "--prefix", "none", "-p", package])
        .args(extra)
        .current_dir(manifest_dir)
        .output()
        .ok()?;
    let mut names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split(" (").next().map(str::trim).map(str::to_owned))
        .filter(|l| !l.is_empty())
        .collect();
    names.sort();
    names.dedup();
    Some(names.len())
}

/// A crate depending only on progenitor-client + reqwest + tokio, the floor any generated client
/// starts from; `tls` selects reqwest's TLS features.
fn bare_crate(dir: &Path, reqwest_features: &str, extra_deps: &str) -> PathBuf {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("src")).expect("bare crate folder");
    let reqwest = format!(
        "reqwest = {{ version = \"0.13\", default-features = false, features = [{reqwest_features}] }}"
    );
    let manifest = [
        "[package]",
        "name = \"bare\"",
        "version = \"0.0.0\"",
        "edition = \"2024\"",
        "",
        "[dependencies]",
        "progenitor-client = \"=0.15.1\"",
        &reqwest,
        "tokio = { version = \"1\", features = [\"time\"] }",
        extra_deps,
        "[workspace]",
        "",
    ];
    std::fs::write(dir.join("Cargo.toml"), manifest.join("\n")).expect("bare Cargo.toml");
    std::fs::write(
        dir.join("src/lib.rs"),
        "pub use progenitor_client; pub use reqwest; pub use tokio;\n",
    )
    .expect("bare lib.rs");
    dir.to_path_buf()
}

pub fn build_cost(root: &Path, report: &mut Report) {
    report.line("## Build cost (clean debug builds, one after another, same machine, same run)\n");
    report.line("| crate | packages (`cargo tree -e normal`) | clean build, s | ratio to bare (aws-lc-rs) | ratio to bare on ring |");
    report.line("|---|---|---|---|---|");
    let tmp = std::env::temp_dir();
    // Fetch everything first, so that the timings are builds, not downloads.
    let bare_aws = bare_crate(
        &tmp.join("secmaster-bench-bare-aws"),
        "\"json\", \"rustls\"",
        "",
    );
    let bare_ring = bare_crate(
        &tmp.join("secmaster-bench-bare-ring"),
        "\"json\", \"rustls-no-provider\"",
        "rustls = { version = \"0.23\", default-features = false, features = [\"ring\", \"std\", \"tls12\"] }\n",
    );
    for dir in [&bare_aws, &bare_ring] {
        let _ = Command::new("cargo")
            .args(["fetch", "-q"])
            .current_dir(dir)
            .status();
    }
    let ring_features: &[&str] = &["--no-default-features", "--features", "tls-ring"];
    let bare_aws_secs = clean_build(&bare_aws, "bare", &[]);
    let ours_secs = clean_build(root, "secmaster", &[]);
    let bare_ring_secs = clean_build(&bare_ring, "bare", &[]);
    let ours_ring_secs = clean_build(root, "secmaster", ring_features);
    let fmt = |s: Option<f64>| s.map_or("failed".to_owned(), |s| format!("{s:.1}"));
    let ratio = |s: Option<f64>, to: Option<f64>| match (s, to) {
        (Some(s), Some(b)) => format!("{:.2}", s / b),
        _ => "-".to_owned(),
    };
    let count = |dir: &Path, p: &str, extra: &[&str]| {
        package_count(dir, p, extra).map_or("-".to_owned(), |n| n.to_string())
    };
    report.line(format!(
        "| bare, reqwest's default TLS: progenitor-client + reqwest (rustls, aws-lc-rs) + tokio | {} | {} | 1.00 | |",
        count(&bare_aws, "bare", &[]),
        fmt(bare_aws_secs)
    ));
    report.line(format!(
        "| bare on ring: the same with rustls on ring | {} | {} | {} | 1.00 |",
        count(&bare_ring, "bare", &[]),
        fmt(bare_ring_secs),
        ratio(bare_ring_secs, bare_aws_secs)
    ));
    report.line(format!(
        "| **secmaster** (default features: `tls-aws-lc`) | {} | {} | **{}** | {} |",
        count(root, "secmaster", &[]),
        fmt(ours_secs),
        ratio(ours_secs, bare_aws_secs),
        ratio(ours_secs, bare_ring_secs)
    ));
    report.line(format!(
        "| secmaster with `tls-ring` instead | {} | {} | {} | **{}** |",
        count(root, "secmaster", ring_features),
        fmt(ours_ring_secs),
        ratio(ours_ring_secs, bare_aws_secs),
        ratio(ours_ring_secs, bare_ring_secs)
    ));
    report.line("\nTargets: secmaster ≤ 130 packages and ≤ 1.2 × the bare crate on the same TLS provider (bold).\nBuilds of one crate vary by up to ±8% between runs here. Why the default stays on aws-lc-rs although\nring builds faster: ARCHITECTURE.md, TLS.\n");
}
