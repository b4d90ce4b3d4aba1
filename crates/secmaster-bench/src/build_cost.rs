//! Build cost: clean debug builds of secmaster and of a bare crate with the same floor.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::report::Report;

/// The last commit whose spec had one operation (Update a Workflow): what the build cost of the
/// grown API is compared with.
const ONE_OPERATION_REV: &str = "83b21b4";

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

/// The checkout at `rev` (its files only, from `git archive`), in a fresh folder.
fn checkout(root: &Path, rev: &str, dir: &Path) -> Option<PathBuf> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).ok()?;
    let archive = Command::new("git")
        .args(["archive", "--format=tar", rev])
        .current_dir(root)
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let mut tar = Command::new("tar")
        .args(["-x", "-C"])
        .arg(dir)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    std::io::Write::write_all(tar.stdin.as_mut()?, &archive.stdout).ok()?;
    tar.wait().ok()?.success().then(|| dir.to_path_buf())
}

/// Seconds to rebuild `secmaster` (dev profile, incremental on, as a maintainer works) after the
/// generated bindings change, in a target folder already built: the edit-generate-build loop.
fn incremental_build(dir: &Path) -> Option<f64> {
    let target = std::env::temp_dir().join("secmaster-bench-incremental");
    let _ = std::fs::remove_dir_all(&target);
    let build = || {
        Command::new("cargo")
            .args(["build", "-q", "-p", "secmaster"])
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("CARGO_INCREMENTAL")
            .current_dir(dir)
            .status()
            .is_ok_and(|s| s.success())
    };
    if !build() {
        return None;
    }
    let generated = dir.join("generated/src/generated.rs");
    let text = std::fs::read_to_string(&generated).ok()?;
    std::fs::write(
        &generated,
        format!("{text}\n#[doc(hidden)]\npub const BENCH_TOUCHED: u32 = 1;\n"),
    )
    .ok()?;
    let started = Instant::now();
    let ok = build();
    let secs = started.elapsed().as_secs_f64();
    std::fs::write(&generated, text).ok()?;
    let _ = std::fs::remove_dir_all(&target);
    ok.then_some(secs)
}

/// Build cost as the API grows: the bindings and the client now against the one-operation
/// build, per added operation.
pub fn growth(root: &Path, report: &mut Report) {
    report.line(format!(
        "## Build cost as the API grows ({} operations against 1)\n",
        secmaster::bindings::operations::ALL.len()
    ));
    let then_dir = std::env::temp_dir().join("secmaster-bench-one-operation");
    let Some(then) = checkout(root, ONE_OPERATION_REV, &then_dir) else {
        report.line(format!(
            "(skipped: `git archive {ONE_OPERATION_REV}` failed; the history is needed)\n"
        ));
        return;
    };
    let _ = Command::new("cargo")
        .args(["fetch", "-q"])
        .current_dir(&then)
        .status();
    let added = (secmaster::bindings::operations::ALL.len() - 1) as f64;
    let rows = [
        (
            "`secmaster-bindings`, clean",
            clean_build(&then, "secmaster-bindings", &[]),
            clean_build(root, "secmaster-bindings", &[]),
        ),
        (
            "`secmaster`, clean (its dependencies included)",
            clean_build(&then, "secmaster", &[]),
            clean_build(root, "secmaster", &[]),
        ),
        (
            "`secmaster` after the bindings change (incremental, dev profile)",
            incremental_build(&then),
            incremental_build(root),
        ),
    ];
    let _ = std::fs::remove_dir_all(&then_dir);
    let lines = |dir: &Path| {
        std::fs::read_to_string(dir.join("generated/src/generated.rs"))
            .map_or(0, |t| t.lines().count())
    };
    report.line(format!(
        "Debug builds, one after another. The one-operation build is commit {ONE_OPERATION_REV} (the spec's last one-operation state, built from `git archive`). Generated code: {} lines now.\n",
        lines(root)
    ));
    report.line("| build | 1 operation, s | now, s | added per operation, s |");
    report.line("|---|---|---|---|");
    for (name, then, now) in rows {
        let fmt = |s: Option<f64>| s.map_or("failed".to_owned(), |s| format!("{s:.1}"));
        let per = match (then, now) {
            (Some(a), Some(b)) => format!("{:+.2}", (b - a) / added),
            _ => "-".to_owned(),
        };
        report.line(format!("| {name} | {} | {} | {per} |", fmt(then), fmt(now)));
    }
    report.line("");
}
