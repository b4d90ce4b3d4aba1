//! Instructions per call, counted by callgrind on this binary's `--profile` mode.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Options;
use crate::report::{Report, run_text};

/// The table's rows: `--profile` variant, name, whether it also runs 64 in flight, and the row
/// (an index) its ratios are to.
const ROWS: [(&str, &str, bool, usize); 5] = [
    ("baseline", "hand-written reqwest (baseline)", true, 0),
    (
        "same-work",
        "hand-written reqwest + the timeout + the two headers",
        true,
        0,
    ),
    ("token", "secmaster, token", true, 0),
    (
        "aksk-baseline",
        "hand-written reqwest signing with AK/SK (the signing baseline)",
        false,
        0,
    ),
    (
        "aksk",
        "secmaster, AK/SK signed (ratio to the signing baseline)",
        false,
        3,
    ),
];

/// Instructions the client thread runs per call, counted by callgrind (exact and repeatable where
/// wall time is not): this binary's `--profile` mode run under valgrind with two numbers of calls,
/// the difference divided by the difference in calls (so start-up and connecting cancel out).
pub fn instructions(options: &Options, report: &mut Report) {
    report.line("## Instructions per call (callgrind)\n");
    if run_text("valgrind", &["--version"]).is_none() {
        report.line("Skipped: valgrind is not installed (`apt-get install valgrind`).\n");
        return;
    }
    let callgrind = Callgrind::new();
    let (low, high) = if options.quick {
        (128, 640)
    } else {
        (640, 2560)
    };
    let per_call = |variant: &str, in_flight: Option<usize>| -> Option<f64> {
        Some(
            (callgrind.count(variant, high, in_flight)?
                - callgrind.count(variant, low, in_flight)?)
                / (high - low) as f64,
        )
    };
    report.line(format!(
        "Client thread only, per call: (instructions for {high} calls − for {low}) / {}. `secmaster-bench --profile VARIANT N [IN_FLIGHT]` under `valgrind --tool=callgrind --separate-threads=yes`; valgrind runs SHA-256 in software, so the AK/SK rows overstate hashing (the signing baseline's as much as secmaster's).\n",
        high - low
    ));
    report.line("| variant | sequential | ratio | 64 in flight | ratio |");
    report.line("|---|---|---|---|---|");
    let mut figures: Vec<[Option<f64>; 2]> = Vec::new();
    for (variant, name, concurrent, against) in ROWS {
        let row = [
            per_call(variant, None),
            concurrent.then(|| per_call(variant, Some(64))).flatten(),
        ];
        let base = figures.get(against).copied().unwrap_or(row);
        figures.push(row);
        let cell = |i: usize| match (row[i], base[i]) {
            (Some(n), Some(b)) => (format!("{:.1}k", n / 1e3), format!("{:.3}", n / b)),
            (Some(n), None) => (format!("{:.1}k", n / 1e3), String::new()),
            _ => ("–".to_owned(), String::new()),
        };
        let ((s, sr), (c, cr)) = (cell(0), cell(1));
        report.line(format!("| {name} | {s} | {sr} | {c} | {cr} |"));
    }
    report.line("");
}

/// Runs of this binary's `--profile` mode under callgrind, their outputs in a folder of their own.
struct Callgrind {
    exe: PathBuf,
    dir: PathBuf,
}

impl Callgrind {
    fn new() -> Self {
        let dir =
            std::env::temp_dir().join(format!("secmaster-bench-callgrind-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("callgrind output directory");
        Self {
            exe: std::env::current_exe().expect("this binary"),
            dir,
        }
    }

    /// The client thread's instructions for `calls` calls: valgrind names each thread's file
    /// `<out>-NN`, the main thread (the client's current-thread runtime) `-01`.
    fn count(&self, variant: &str, calls: usize, in_flight: Option<usize>) -> Option<f64> {
        let out = self
            .dir
            .join(format!("{variant}-{}-{calls}", in_flight.unwrap_or(1)));
        let mut command = Command::new("valgrind");
        command
            .args(["--tool=callgrind", "--separate-threads=yes"])
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(&self.exe)
            .args(["--profile", variant, &calls.to_string()]);
        if let Some(n) = in_flight {
            command.arg(n.to_string());
        }
        let output = command.output().ok()?;
        let text = match std::fs::read_to_string(thread_file(&out, 1)) {
            Ok(text) if output.status.success() => text,
            _ => {
                let stderr = String::from_utf8_lossy(&output.stderr);
                let tail: Vec<_> = stderr.lines().rev().take(5).collect();
                eprintln!("callgrind run of {variant} ({calls} calls) failed: {tail:?}");
                return None;
            }
        };
        text.lines()
            .find_map(|l| l.strip_prefix("summary: "))?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    }
}

impl Drop for Callgrind {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Callgrind's output file for thread `n` of a run written to `out`.
fn thread_file(out: &Path, n: usize) -> PathBuf {
    PathBuf::from(format!("{}-{n:02}", out.display()))
}
