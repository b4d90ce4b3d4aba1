//! The report: its header (machine, date, method), the sections' lines as they come, and the
//! closing notes on how to read them; written to BENCHMARKS.md by a full run.

use std::fmt::Write as _;
use std::process::Command;

/// Collects the report's sections and prints each line as it comes.
pub struct Report {
    text: String,
}

impl Report {
    /// The report's header; `quick` when the run was a `--quick` one.
    pub fn new(quick: bool) -> Self {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|c| {
                c.lines()
                    .find(|l| l.starts_with("model name"))
                    .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
            })
            .unwrap_or_else(|| "unknown".into());
        let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
        let rustc = run_text("rustc", &["--version"]).unwrap_or_default();
        let mut text = String::new();
        let _ = writeln!(text, "# Benchmarks\n");
        let _ = writeln!(
            text,
            "Written by `cargo run --release -p secmaster-bench{}`; every figure below comes from that one run.\n",
            if quick { " -- --quick" } else { "" }
        );
        let _ = writeln!(text, "- machine: {cpu}, {cores} cores; {}", rustc.trim());
        let _ = writeln!(
            text,
            "- date: {}",
            run_text("date", &["-u", "+%Y-%m-%d %H:%M UTC"])
                .unwrap_or_default()
                .trim()
        );
        let _ = writeln!(
            text,
            "- method: each figure is the median over rounds; the variants of one comparison alternate round by round against the same local server (`secmaster-testkit`'s `KeepAliveServer`: one fixed answer, the page's 200 example, written on kept-alive loopback connections from a thread of its own, so that the server costs little and the same for every variant). Ratios are secmaster / baseline: below 1 is faster.\n"
        );
        print!("{text}");
        Self { text }
    }

    /// Adds a line (and prints it).
    pub fn line(&mut self, line: impl AsRef<str>) {
        println!("{}", line.as_ref());
        self.text.push_str(line.as_ref());
        self.text.push('\n');
    }

    /// The whole report, closing notes included.
    pub fn finish(mut self) -> String {
        self.text.push_str(ONE_CALL_PATH);
        self.text.push_str(READING);
        self.text
    }
}

/// The report's last section: how to read the figures and dig further (true of every run).
/// What the restructuring into one runtime cost, measured once (it compares two commits, so no
/// run of this binary can remeasure it).
const ONE_CALL_PATH: &str = "## What the one call path costs

Measured once with callgrind (client thread, token call, per call: (640 calls − 128) / 512), at
b267115 (one runtime for every operation, built from generated descriptors) against 83b21b4 (one
operation, tuned by hand): 113.1k → 119.8k instructions, +6.7k (+6.0%). By function, what went:

| removed or added | instructions per call | share of a call |
|---|---|---|
| plain-ID fast paths (ID checks and path encoding byte by byte, put back and measured: 118.9k) | +0.9k | 0.8% |
| decoding straight into the `Workflow` view, replaced by the generated `AopWorkflowInfo` and `From` (`Workflow::from` 0.5k; moving the 25 fields, memcpy +1.8k) | about +2.3k | 2.0% |
| `x-required-when` checked from the generated rules on the body as a JSON value (was a hand-written `if`) | about +0.8k | 0.7% |
| the call's span attached on every call (was only when a subscriber wanted it) | +0.4k | 0.4% |
| call plumbing: span IDs, generic answer reading, header lookups | about +1.3k | 1.1% |

Each is under the 2% of a call that a hand-tuned path had to save to stay; the decoding is at the
line, and it bought one decoder instead of two kept alike by a test, a property and a fuzz oracle.
The AK/SK call also lost its `X-Sdk-Date` cache (a date formatted per call) and presorted signing.

";

const READING: &str = "## Reading these figures

- This machine is a small VM shared with others: the same variant varies by ±10% from one round to
  the next, and the ratios themselves move by about ±0.015 from one run to the next (they depend on
  how busy the machine's caches are). That is why variants run in paired rounds with rotating order,
  each on a connection of its own, and the ratios are medians of per-round ratios; the IQR shows how
  far to trust one round. Medians of µs per call from different runs are not comparable; ratios are.
- Client CPU counts the calling thread only (user and kernel), so it isolates the client's own work
  from the server's.
- Instruction counts (their section above) are exact and repeatable where wall time is not. The
  section on what the one call path costs (above) says, removal by removal, what the restructuring
  into one runtime for every operation cost in instructions. About a fifth of every call's
  instructions, the baseline's as much as secmaster's, is reqwest parsing the URL again inside
  `send` (its redirect layer and its pending request each parse it, even with redirects off).
- What secmaster does per call that the baseline does not: check the IDs against the operation's
  descriptor and strictly encode them, check the body against the spec's `x-required-when` rules,
  send `Accept` and `User-Agent`, arm a 20 s attempt timeout, keep the raw exchange for error
  decoding, decode into the generated `AopWorkflowInfo` and turn it into the `Workflow` view
  (empty strings to `None`; timestamps are parsed when asked for), and run the call in a
  `tracing` span. The timed-baseline row shows what the timeout alone costs, the same-work
  row what the timeout and the two headers cost: a careful hand-written client would pay those too.
- The AK/SK row is compared with a hand-written call that signs too (the signing baseline): the
  same-work baseline plus the `Host`, `X-Project-Id` and `X-Sdk-Date` headers (the date made per
  call) and an `Authorization` header from a `signer::SigningKey` made once, over the same headers
  and body as the client's (the bench checks, once, that both send the same signed request). Its
  ratio is to that baseline, so that it shows secmaster's overhead, not the cost of signing.
";

/// The standard output of `program args`, when it runs and succeeds.
pub fn run_text(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
