//! `cargo run --release -p secmaster-bench [-- --quick] [--no-build-cost] [--out BENCHMARKS.md]`
//! (`--only calls|instructions|decode|generator|memory|build` runs one section and writes nothing;
//! `--profile baseline|same-work|token|aksk N [IN_FLIGHT]` makes N calls, sequential or IN_FLIGHT at once,
//! for callgrind and perf)
//!
//! Measures, side by side in one run, what `secmaster` costs against a hand-written reqwest call
//! doing the same work, what the generator costs as specs grow, and what the crate costs to build,
//! then writes BENCHMARKS.md (machine, command, medians, ratios). Nothing here asserts a time:
//! the figures are for people to read and compare between runs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use secmaster::{Client, Credentials, RetryPolicy, Workflow};
use serde::{Deserialize, Serialize};

const PAGE_200: &str = include_str!("../../../spec/examples/update-workflow-200.json");
const PROJECT: &str = "f69081793d9e4ea8a2f479dcef961989";
const WORKSPACE: &str = "f44065f5-557b-4376-ae02-8c65ef1960f4";
const WORKFLOW: &str = "c19470f3-5eaf-4572-82e8-2ff094495919";

struct Options {
    /// Run one section only (calls, instructions, decode, generator, memory, build), writing no
    /// report.
    only: Option<String>,
    quick: bool,
    build_cost: bool,
    out: PathBuf,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!(
            "cargo run --release -p secmaster-bench [-- --quick] [--no-build-cost] [--only SECTION] [--out FILE]"
        );
        println!("  --quick          fewer rounds (a smoke run; figures are noisier)");
        println!("  --no-build-cost  skip the clean builds (they take several minutes)");
        println!(
            "  --only SECTION   run one of calls, instructions, decode, generator, memory, build; print it, write nothing"
        );
        println!(
            "  --out FILE       where to write the report (default BENCHMARKS.md at the workspace root)"
        );
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root");
    let out = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
        .map_or_else(|| root.join("BENCHMARKS.md"), PathBuf::from);
    let options = Options {
        only: args
            .iter()
            .position(|a| a == "--only")
            .and_then(|i| args.get(i + 1))
            .cloned(),
        quick: args.iter().any(|a| a == "--quick"),
        build_cost: !args.iter().any(|a| a == "--no-build-cost"),
        out,
    };
    if let Some(i) = args.iter().position(|a| a == "--profile") {
        // `--profile baseline|token|aksk N`: only N sequential calls, for valgrind/perf.
        let which = args.get(i + 1).map_or("token", String::as_str).to_owned();
        let n: usize = args.get(i + 2).and_then(|n| n.parse().ok()).unwrap_or(1000);
        let server = start_server();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let http = reqwest::Client::new();
            let url = format!(
                "{}/v1/{PROJECT}/workspaces/{WORKSPACE}/soc/workflows/{WORKFLOW}",
                server.url
            );
            let token = secmaster_client(&server, Credentials::token("token"));
            let aksk = secmaster_client(
                &server,
                Credentials::ak_sk(
                    "AKTESTEXAMPLE0000001",
                    "SKtestExampleSecretKey0000000000000000001",
                ),
            );
            eprintln!(
                "future sizes: baseline {} B, secmaster {} B",
                std::mem::size_of_val(&baseline_call(&http, &url)),
                std::mem::size_of_val(&secmaster_call(&token))
            );
            if let Some(in_flight) = args.get(i + 3).and_then(|n| n.parse::<usize>().ok()) {
                // `--profile baseline|same-work|token N IN_FLIGHT`: N calls, IN_FLIGHT at once.
                let (per_second, cpu) = if which == "baseline" || which == "same-work" {
                    let same_work = which == "same-work";
                    concurrent(n, in_flight, move || {
                        let (h, u) = (http.clone(), url.clone());
                        async move {
                            if same_work {
                                same_work_call(&h, &u).await
                            } else {
                                baseline_call(&h, &u).await
                            }
                        }
                    })
                    .await
                } else {
                    concurrent(n, in_flight, move || {
                        let c = token.clone();
                        async move { secmaster_call(&c).await }
                    })
                    .await
                };
                println!("{which}, {in_flight} in flight: {per_second:.0} calls/s, client thread CPU {cpu:.1} µs per call");
                return;
            }
            let ticks = thread_user_sys_ticks();
            let (us, cpu) = match which.as_str() {
                "baseline" => sequential_cpu(n, || baseline_call(&http, &url)).await,
                "same-work" => sequential_cpu(n, || same_work_call(&http, &url)).await,
                "aksk" => sequential_cpu(n, || secmaster_call(&aksk)).await,
                _ => sequential_cpu(n, || secmaster_call(&token)).await,
            };
            let (user, sys) = thread_user_sys_ticks();
            let (user, sys) = (user - ticks.0, sys - ticks.1);
            println!(
                "{which}: {us:.1} µs per call, client thread CPU {cpu:.1} µs per call ({:.0}% in the kernel)",
                100.0 * sys as f64 / (user + sys).max(1) as f64
            );
        });
        return;
    }
    let mut report = Report::new(&options);

    let server = start_server();
    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let run = |section: &str| options.only.as_deref().is_none_or(|only| only == section);
    if run("calls") {
        client_rt.block_on(calls(&server, &options, &mut report));
    }
    if run("instructions") {
        instructions(&options, &mut report);
    }
    if run("decode") {
        decode(&options, &mut report);
    }
    if run("generator") {
        generator(&root, &options, &mut report);
    }
    if run("memory") {
        memory(&root, &mut report);
    }
    if options.build_cost && run("build") {
        build_cost(&root, &mut report);
    }
    if options.only.is_some() {
        // A partial run prints its figures but leaves the full report alone.
        return;
    }
    std::fs::write(&options.out, report.finish()).expect("write the report");
    println!("\nwrote {}", options.out.display());
}

/// Collects the report's sections and prints each line as it comes.
struct Report {
    text: String,
}

impl Report {
    fn new(options: &Options) -> Self {
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
            if options.quick { " -- --quick" } else { "" }
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
            "- method: each figure is the median over rounds; the variants of one comparison alternate round by round against the same local server (axum, keep-alive, loopback; server and client on separate threads). Ratios are secmaster / baseline: below 1 is faster.\n"
        );
        print!("{text}");
        Self { text }
    }

    fn line(&mut self, line: impl AsRef<str>) {
        println!("{}", line.as_ref());
        self.text.push_str(line.as_ref());
        self.text.push('\n');
    }

    fn finish(mut self) -> String {
        self.text.push_str(READING);
        self.text
    }
}

/// The report's last section: how to read the figures and dig further (true of every run).
const READING: &str = "## Reading these figures

- This machine is a small VM shared with others: the same variant varies by ±10% from one round to
  the next, and the ratios themselves move by about ±0.015 from one run to the next (they depend on
  how busy the machine's caches are). That is why variants run in paired rounds with rotating order,
  each on a connection of its own, and the ratios are medians of per-round ratios; the IQR shows how
  far to trust one round. Medians of µs per call from different runs are not comparable; ratios are.
- Client CPU counts the calling thread only (user and kernel), so it isolates the client's own work
  from the server's.
- Instruction counts (their section above) are exact and repeatable where wall time is not.
  secmaster's token call runs fewer instructions than the baseline (ARCHITECTURE.md); what is left
  of its wall-time overhead is the timer and the larger amount of code a call runs, which costs
  cache misses that instruction counts do not show. About a fifth of every call's instructions,
  the baseline's as much as secmaster's, is reqwest parsing the URL again inside `send` (its
  redirect layer and its pending request each parse it, even with redirects off).
- What secmaster does per call that the baseline does not: check and strictly encode the IDs,
  send `Accept` and `User-Agent`, arm a 20 s attempt timeout, keep the raw exchange for error
  decoding, and turn the body into the `Workflow` view (empty strings to `None`; timestamps are
  parsed when asked for). The timed-baseline row shows what the timeout alone costs, the same-work
  row what the timeout and the two headers cost: a careful hand-written client would pay those too.
";

fn run_text(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

// ---------------------------------------------------------------------------------------------
// The minimal server and the hand-written baseline.

struct Server {
    url: String,
}

/// A server that answers every request with the page's 200 example, on its own thread.
fn start_server() -> Server {
    let (tx, rx) = std::sync::mpsc::channel();
    // Named, so that profilers tell its samples from the client's.
    let spawned = std::thread::Builder::new()
        .name("bench-server".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                tx.send(listener.local_addr().expect("addr")).expect("send");
                let app = axum::Router::new().fallback(|| async {
                    (
                        [
                            ("content-type", "application/json;charset=UTF-8"),
                            ("x-request-id", "0123456789abcdef0123456789abcdef"),
                        ],
                        PAGE_200,
                    )
                });
                axum::serve(listener, app).await.expect("serve");
            });
        });
    spawned.expect("server thread");
    Server {
        url: format!("http://{}", rx.recv().expect("server address")),
    }
}

#[derive(Serialize)]
struct BaselineBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<&'a str>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct BaselineResponse {
    code: Option<String>,
    message: Option<String>,
    success: Option<bool>,
    request_id: Option<String>,
    data: Option<BaselineWorkflow>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct BaselineWorkflow {
    id: Option<String>,
    name: Option<String>,
    description: Option<String>,
    project_id: Option<String>,
    owner_id: Option<String>,
    creator_id: Option<String>,
    creator_name: Option<String>,
    create_time: Option<String>,
    modifier_id: Option<String>,
    modifier_name: Option<String>,
    update_time: Option<String>,
    edit_role: Option<String>,
    use_role: Option<String>,
    approve_role: Option<String>,
    enabled: Option<bool>,
    workspace_id: Option<String>,
    version_id: Option<String>,
    current_approval_version_id: Option<String>,
    current_rejected_version_id: Option<String>,
    aop_type: Option<String>,
    engine_type: Option<String>,
    dataclass_id: Option<String>,
    dataclass_name: Option<String>,
    labels: Option<String>,
    version: Option<String>,
}

/// What a careful hand-written reqwest call does: typed body out, the page's headers, typed body
/// in, the success check.
async fn baseline_call(http: &reqwest::Client, url: &str) -> String {
    baseline_call_with(http, url, false).await
}

/// The baseline call; with `like_secmaster`, it also sends the two headers secmaster adds to the
/// page's (`Accept: application/json`, its `User-Agent`).
async fn baseline_call_with(http: &reqwest::Client, url: &str, like_secmaster: bool) -> String {
    let body = BaselineBody {
        name: Some("Test_aop"),
        description: Some("Aop workflow description Test"),
        enabled: None,
        version_id: None,
        labels: None,
    };
    let mut request = http.put(url);
    if like_secmaster {
        request = request
            .header("accept", "application/json")
            .header("user-agent", "secmaster-rust/0.1.0");
    }
    let response = request
        .header("content-type", "application/json;charset=UTF-8")
        .header("x-auth-token", "token")
        .body(serde_json::to_vec(&body).expect("serialize"))
        .send()
        .await
        .expect("baseline call");
    let status = response.status();
    let bytes = response.bytes().await.expect("body");
    let decoded: BaselineResponse = serde_json::from_slice(&bytes).expect("decode");
    assert!(status.is_success() && decoded.success == Some(true));
    decoded.data.and_then(|d| d.name).unwrap_or_default()
}

/// The same-work baseline: the baseline call with secmaster's two extra headers, inside the
/// same 20 s `tokio::time::timeout` as secmaster's attempts.
async fn same_work_call(http: &reqwest::Client, url: &str) -> String {
    tokio::time::timeout(
        secmaster::DEFAULT_ATTEMPT_TIMEOUT,
        baseline_call_with(http, url, true),
    )
    .await
    .expect("within the timeout")
}

async fn secmaster_call(client: &Client) -> String {
    let updated = client
        .update_workflow(PROJECT, WORKSPACE, WORKFLOW)
        .name("Test_aop")
        .description("Aop workflow description Test")
        .send()
        .await
        .expect("secmaster call");
    updated.workflow.name.unwrap_or_default()
}

fn secmaster_client(server: &Server, credentials: Credentials) -> Client {
    Client::builder()
        .endpoint(&server.url)
        .credentials(credentials)
        .retry(RetryPolicy::default())
        .build()
        .expect("client")
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// CPU time this thread has run, in ns (Linux's schedstat; 0 where it is missing).
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// This thread's user and kernel CPU time so far, in clock ticks (Linux; zeros elsewhere).
fn thread_user_sys_ticks() -> (u64, u64) {
    std::fs::read_to_string("/proc/thread-self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the parenthesized command name; utime and stime are the 14th and 15th.
            let rest = &s[s.rfind(')')? + 2..];
            let mut fields = rest.split_whitespace().skip(11);
            Some((fields.next()?.parse().ok()?, fields.next()?.parse().ok()?))
        })
        .unwrap_or((0, 0))
}

/// Per-call wall time in µs of `calls` sequential calls, and the calling thread's CPU time per
/// call in µs (the client's own work; the server runs on another thread).
async fn sequential_cpu<F, Fut>(calls: usize, mut call: F) -> (f64, f64)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = String>,
{
    let cpu = thread_cpu_ns();
    let started = Instant::now();
    for _ in 0..calls {
        std::hint::black_box(call().await);
    }
    let wall = started.elapsed().as_secs_f64() * 1e6 / calls as f64;
    let cpu = thread_cpu_ns().saturating_sub(cpu) as f64 / 1e3 / calls as f64;
    (wall, cpu)
}

/// Per-call time in µs of `calls` sequential calls.
async fn sequential<F, Fut>(calls: usize, call: F) -> f64
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = String>,
{
    sequential_cpu(calls, call).await.0
}

/// Calls per second with `in_flight` calls at once, `total` in all, and the client thread's CPU
/// time per call in µs (every task runs on this thread: the runtime is current-thread).
async fn concurrent<F, Fut>(total: usize, in_flight: usize, call: F) -> (f64, f64)
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = String> + Send,
{
    let call = Arc::new(call);
    let cpu = thread_cpu_ns();
    let started = Instant::now();
    let tasks: Vec<_> = (0..in_flight)
        .map(|_| {
            let call = call.clone();
            tokio::spawn(async move {
                for _ in 0..total / in_flight {
                    std::hint::black_box(call().await);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("task");
    }
    let calls = (total / in_flight * in_flight) as f64;
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = thread_cpu_ns().saturating_sub(cpu) as f64 / 1e3 / calls;
    (calls / elapsed, cpu)
}

/// The median and the interquartile range of `values`.
fn spread(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.25), at(0.75))
}

async fn calls(server: &Server, options: &Options, report: &mut Report) {
    let (rounds, per_round) = if options.quick { (6, 300) } else { (200, 100) };
    // Each variant has a client, and so a keep-alive connection, of its own: a connection shared
    // by several variants would stay warmer (its buffers, its server task) than one used by a
    // single variant, and favour the variants that share it.
    let http = reqwest::Client::new();
    let http_timed = reqwest::Client::new();
    let http_same_work = reqwest::Client::new();
    let url = format!(
        "{}/v1/{PROJECT}/workspaces/{WORKSPACE}/soc/workflows/{WORKFLOW}",
        server.url
    );
    let token = secmaster_client(server, Credentials::token("token"));
    let aksk = secmaster_client(
        server,
        Credentials::ak_sk(
            "AKTESTEXAMPLE0000001",
            "SKtestExampleSecretKey0000000000000000001",
        ),
    );

    // Warm up connections and caches.
    sequential(per_round, || baseline_call(&http, &url)).await;
    sequential(per_round, || baseline_call(&http_timed, &url)).await;
    sequential(per_round, || {
        baseline_call_with(&http_same_work, &url, true)
    })
    .await;
    sequential(per_round, || secmaster_call(&token)).await;
    sequential(per_round, || secmaster_call(&aksk)).await;

    // Paired rounds: each round runs the three variants back to back (in an order that rotates,
    // so none always goes first), and each variant is compared with the baseline of its own round,
    // so that the machine's slow drifts cancel out.
    // Variant 3 is the baseline with the one thing a careful hand-written call would add and
    // secmaster always has: a timeout per attempt (a tokio timer, 20 s like the client's).
    let timed_baseline = || async {
        tokio::time::timeout(
            secmaster::DEFAULT_ATTEMPT_TIMEOUT,
            baseline_call(&http_timed, &url),
        )
        .await
        .expect("within the timeout")
    };
    // Variant 4: the timed baseline also sending secmaster's two extra headers: the same work on
    // the wire as secmaster's token call.
    let same_work_baseline = || same_work_call(&http_same_work, &url);
    const VARIANTS: usize = 5;
    let mut per_call: [Vec<f64>; VARIANTS] = Default::default();
    let mut cpu: [Vec<f64>; VARIANTS] = Default::default();
    let mut ratios: [Vec<f64>; VARIANTS] = Default::default();
    for round in 0..rounds {
        let mut t = [(0.0, 0.0); VARIANTS];
        for k in 0..VARIANTS {
            let variant = (round + k) % VARIANTS;
            t[variant] = match variant {
                0 => sequential_cpu(per_round, || baseline_call(&http, &url)).await,
                1 => sequential_cpu(per_round, || secmaster_call(&token)).await,
                2 => sequential_cpu(per_round, || secmaster_call(&aksk)).await,
                3 => sequential_cpu(per_round, timed_baseline).await,
                _ => sequential_cpu(per_round, same_work_baseline).await,
            };
        }
        for (v, (wall, thread)) in t.into_iter().enumerate() {
            per_call[v].push(wall);
            cpu[v].push(thread);
            ratios[v].push(wall / t[0].0);
        }
    }
    let wall = per_call.map(median);
    let cpu = cpu.map(median);
    let ratios = ratios.map(spread);
    report.line("## Call overhead (sequential, keep-alive loopback)\n");
    report.line(format!(
        "{rounds} paired rounds of {per_round} calls per variant (order rotating); a variant's ratio is the median of its rounds' ratios to the baseline of the same round, with the interquartile range. Client CPU is the calling thread's CPU time per call, user and kernel (the server runs on another thread).\n"
    ));
    report.line(
        "| variant | µs per call (median) | ratio to baseline (IQR) | target | client CPU µs per call | CPU ratio |",
    );
    report.line("|---|---|---|---|---|---|");
    let names = [
        ("hand-written reqwest (baseline)", ""),
        ("secmaster, token", "≤ 1.05"),
        ("secmaster, AK/SK signed", "≤ 1.10"),
        (
            "hand-written reqwest + a 20 s `tokio::time::timeout` per call",
            "",
        ),
        (
            "hand-written reqwest + the timeout + secmaster's `Accept` and `User-Agent` headers",
            "",
        ),
    ];
    for (v, (name, target)) in names.into_iter().enumerate() {
        let (ratio, q1, q3) = ratios[v];
        let ratio = if v == 0 {
            "1.00".to_owned()
        } else {
            format!("**{ratio:.3}** ({q1:.3}–{q3:.3})")
        };
        report.line(format!(
            "| {name} | {:.1} | {ratio} | {target} | {:.1} | {:.3} |",
            wall[v],
            cpu[v],
            cpu[v] / cpu[0]
        ));
    }

    let iterations = if options.quick { 20_000 } else { 200_000 };
    let (sign_us, header_us, client_us) = signing_cost(iterations);
    report.line(format!("\nSigning alone, median of 5 batches (target ≤ 5 µs): **{client_us:.2} µs** for the `Authorization` header as the client computes it per request (`SigningKey::authorization`, its key made once per client, over headers it sends in signing order: canonical request, SHA-256, HMAC); {header_us:.2} µs for `signer::authorization`, which makes the key each time and sorts mixed-case headers; {sign_us:.2} µs for `signer::sign`, which also returns the intermediate texts.\n"));

    report.line("## Concurrency (one shared client)\n");
    let concurrency_rounds = if options.quick { 4 } else { 60 };
    // Calls per call in flight in one round: 64 at 64 in flight, 32 at 256 (the 256 round was
    // the long one).
    let per_task = |in_flight: usize| {
        if options.quick {
            8
        } else if in_flight > 64 {
            32
        } else {
            64
        }
    };
    report.line(format!(
        "{concurrency_rounds} paired rounds for each variant (order rotating) of {} calls per call in flight at 64, {} at 256; a ratio is the median of the rounds' ratios to the baseline of the same round. The last column is the same-work baseline of the table above (the timeout and the two headers), for reference.\n",
        per_task(64),
        per_task(256)
    ));
    report.line(
        "| in flight | baseline calls/s | secmaster calls/s | ratio (IQR) | target | secmaster client CPU per call, ratio | same-work baseline ratio (IQR) |",
    );
    report.line("|---|---|---|---|---|---|---|");
    for in_flight in [64, 256] {
        let total = in_flight * per_task(in_flight);
        let mut rate: [Vec<f64>; 3] = Default::default();
        let mut ratio: [Vec<f64>; 3] = Default::default();
        let mut cpu_ratio: [Vec<f64>; 3] = Default::default();
        for round in 0..concurrency_rounds {
            let mut t = [(0.0, 0.0); 3];
            for k in 0..3 {
                let variant = (round + k) % 3;
                t[variant] = match variant {
                    0 | 2 => {
                        let h = if variant == 0 { &http } else { &http_same_work };
                        let (h, u) = (h.clone(), url.clone());
                        concurrent(total, in_flight, move || {
                            let (h, u) = (h.clone(), u.clone());
                            async move {
                                if variant == 0 {
                                    baseline_call(&h, &u).await
                                } else {
                                    same_work_call(&h, &u).await
                                }
                            }
                        })
                        .await
                    }
                    _ => {
                        let c = token.clone();
                        concurrent(total, in_flight, move || {
                            let c = c.clone();
                            async move { secmaster_call(&c).await }
                        })
                        .await
                    }
                };
            }
            for v in 0..3 {
                rate[v].push(t[v].0);
                ratio[v].push(t[v].0 / t[0].0);
                cpu_ratio[v].push(t[v].1 / t[0].1);
            }
        }
        let [b, s, _] = rate.map(median);
        let [_, r, w] = ratio.map(spread);
        let [_, c, _] = cpu_ratio.map(median);
        report.line(format!(
            "| {in_flight} | {b:.0} | {s:.0} | **{:.3}** ({:.3}–{:.3}) | ≥ 0.95 | {c:.3} | {:.3} ({:.3}–{:.3}) |",
            r.0, r.1, r.2, w.0, w.1, w.2
        ));
    }
    report.line("");
}

/// Instructions the client thread runs per call, counted by callgrind (exact and repeatable where
/// wall time is not): this binary's `--profile` mode run under valgrind with two numbers of calls,
/// the difference divided by the difference in calls (so start-up and connecting cancel out).
fn instructions(options: &Options, report: &mut Report) {
    report.line("## Instructions per call (callgrind)\n");
    if run_text("valgrind", &["--version"]).is_none() {
        report.line("Skipped: valgrind is not installed (`apt-get install valgrind`).\n");
        return;
    }
    let exe = std::env::current_exe().expect("this binary");
    let dir =
        std::env::temp_dir().join(format!("secmaster-bench-callgrind-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("callgrind output directory");
    // The client thread's instructions for `calls` calls: valgrind names each thread's file
    // `<out>-NN`, the main thread (the client's current-thread runtime) `-01`.
    let count = |variant: &str, calls: usize, in_flight: Option<usize>| -> Option<f64> {
        let out = dir.join(format!("{variant}-{}-{calls}", in_flight.unwrap_or(1)));
        let mut command = Command::new("valgrind");
        command
            .args(["--tool=callgrind", "--separate-threads=yes"])
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(&exe)
            .args(["--profile", variant, &calls.to_string()]);
        if let Some(n) = in_flight {
            command.arg(n.to_string());
        }
        let output = command.output().ok()?;
        let text = match std::fs::read_to_string(format!("{}-01", out.display())) {
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
    };
    let (low, high) = if options.quick {
        (128, 640)
    } else {
        (640, 2560)
    };
    let per_call = |variant: &str, in_flight: Option<usize>| -> Option<f64> {
        Some(
            (count(variant, high, in_flight)? - count(variant, low, in_flight)?)
                / (high - low) as f64,
        )
    };
    report.line(format!(
        "Client thread only, per call: (instructions for {high} calls − for {low}) / {}. `secmaster-bench --profile VARIANT N [IN_FLIGHT]` under `valgrind --tool=callgrind --separate-threads=yes`; valgrind runs SHA-256 in software, so the AK/SK row overstates hashing.\n",
        high - low
    ));
    report.line("| variant | sequential | ratio | 64 in flight | ratio |");
    report.line("|---|---|---|---|---|");
    let variants = [
        ("baseline", "hand-written reqwest (baseline)", true),
        (
            "same-work",
            "hand-written reqwest + the timeout + the two headers",
            true,
        ),
        ("token", "secmaster, token", true),
        ("aksk", "secmaster, AK/SK signed", false),
    ];
    let mut base: [Option<f64>; 2] = [None, None];
    for (variant, name, concurrent) in variants {
        let figures = [
            per_call(variant, None),
            concurrent.then(|| per_call(variant, Some(64))).flatten(),
        ];
        if variant == "baseline" {
            base = figures;
        }
        let cell = |i: usize| match (figures[i], base[i]) {
            (Some(n), Some(b)) => (format!("{:.1}k", n / 1e3), format!("{:.3}", n / b)),
            (Some(n), None) => (format!("{:.1}k", n / 1e3), String::new()),
            _ => ("–".to_owned(), String::new()),
        };
        let ((s, sr), (c, cr)) = (cell(0), cell(1));
        report.line(format!("| {name} | {s} | {sr} | {c} | {cr} |"));
    }
    report.line("");
    let _ = std::fs::remove_dir_all(&dir);
}

/// µs per `signer::sign`, per `signer::authorization` (a new key each time) and per
/// `SigningKey::authorization` over headers as the client sends them (what it computes per
/// request).
fn signing_cost(iterations: usize) -> (f64, f64, f64) {
    let headers = [
        ("Accept", "application/json"),
        ("Content-Type", "application/json;charset=UTF-8"),
        ("Host", "secmaster.cn-north-4.myhuaweicloud.com"),
        ("User-Agent", "secmaster-rust/0.1.0"),
        ("X-Project-Id", PROJECT),
        ("X-Sdk-Date", "20240101T000000Z"),
    ];
    // The client's: lower-case names in the order it signs them, so no sort is needed.
    let lower: Vec<String> = headers
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .collect();
    let client_headers: Vec<(&str, &str)> = lower
        .iter()
        .zip(&headers)
        .map(|(n, (_, v))| (n.as_str(), *v))
        .collect();
    let body = br#"{"description":"Aop workflow description Test","name":"Test_aop"}"#;
    let path = format!("/v1/{PROJECT}/workspaces/{WORKSPACE}/soc/workflows/{WORKFLOW}");
    let request = secmaster::signer::Request {
        method: "PUT",
        path: &path,
        query: None,
        headers: &headers,
        body,
    };
    let client_request = secmaster::signer::Request {
        headers: &client_headers,
        ..request
    };
    let time = |f: &dyn Fn()| {
        let batches: Vec<f64> = (0..5)
            .map(|_| {
                let started = Instant::now();
                for _ in 0..iterations / 5 {
                    f();
                }
                started.elapsed().as_secs_f64() * 1e6 / (iterations / 5) as f64
            })
            .collect();
        median(batches)
    };
    let (ak, sk, date) = (
        "AKTESTEXAMPLE0000001",
        "SKtestExampleSecretKey0000000000000000001",
        "20240101T000000Z",
    );
    let key = secmaster::signer::SigningKey::new(ak, sk);
    use std::hint::black_box;
    let sign = time(&|| {
        black_box(secmaster::signer::sign(black_box(&request), ak, sk, date));
    });
    let header = time(&|| {
        black_box(secmaster::signer::authorization(
            black_box(&request),
            ak,
            sk,
            date,
        ));
    });
    let client = time(&|| {
        black_box(key.authorization(black_box(&client_request), date));
    });
    assert_eq!(
        key.authorization(&client_request, date),
        secmaster::signer::authorization(&request, ak, sk, date),
        "the client's path signs the same"
    );
    (sign, header, client)
}

// ---------------------------------------------------------------------------------------------

/// The body as the client decodes it (its `ResponseBody`): `data` read straight into the view.
#[derive(Deserialize)]
#[allow(dead_code)]
struct ClientBody {
    code: Option<String>,
    data: Option<Workflow>,
    message: Option<String>,
    request_id: Option<String>,
    success: Option<bool>,
}

fn decode(options: &Options, report: &mut Report) {
    let iterations = if options.quick { 20_000 } else { 200_000 };
    let bytes = PAGE_200.as_bytes();
    // The view parses timestamps on demand; both are parsed, as a reader of them would.
    let direct = || {
        let r: ClientBody = serde_json::from_slice(bytes).expect("typed");
        let w = r.data.expect("data");
        (w.created_at(), w.updated_at(), w)
    };
    let through_bindings = || {
        let r: secmaster::bindings::types::UpdateAopWorkflowResponse =
            serde_json::from_slice(bytes).expect("typed");
        let w = Workflow::from(r.data.expect("data"));
        (w.created_at(), w.updated_at(), w)
    };
    assert_eq!(
        direct().2,
        through_bindings().2,
        "both ways read the same view"
    );
    let value = || serde_json::from_slice::<serde_json::Value>(bytes).expect("value");
    let (mut d, mut b, mut v) = (Vec::new(), Vec::new(), Vec::new());
    let per_batch = iterations / 7;
    let time = |f: &dyn Fn()| {
        let started = Instant::now();
        for _ in 0..per_batch {
            f();
        }
        started.elapsed().as_secs_f64() * 1e6 / per_batch as f64
    };
    for _ in 0..7 {
        d.push(time(&|| {
            std::hint::black_box(direct());
        }));
        b.push(time(&|| {
            std::hint::black_box(through_bindings());
        }));
        v.push(time(&|| {
            std::hint::black_box(value());
        }));
    }
    let (d, b, v) = (median(d), median(b), median(v));
    report.line("## Decoding the page's 200 example\n");
    report.line("| into | µs (median) | ratio | target |");
    report.line("|---|---|---|---|");
    report.line(format!("| `serde_json::Value` | {v:.2} | 1.00 | |"));
    report.line(format!("| typed view as the client decodes it (`data` straight into `Workflow`, timestamps parsed) | {d:.2} | **{:.3}** | ≤ 1.0 |", d / v));
    report.line(format!("| typed view through the bindings (`UpdateAopWorkflowResponse`, then `Workflow::from`) | {b:.2} | {:.3} | |\n", b / v));
}

// ---------------------------------------------------------------------------------------------

/// The real spec with its one path item copied `n` times under new paths and operationIds.
fn synthetic_spec(real: &str, n: usize) -> String {
    let mut spec: serde_norway::Value = serde_norway::from_str(real).expect("spec");
    let paths = spec
        .get_mut("paths")
        .and_then(|p| p.as_mapping_mut())
        .expect("paths");
    let (_, item) = paths
        .iter()
        .next()
        .map(|(k, v)| (k.clone(), v.clone()))
        .expect("one path");
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

fn generator(root: &Path, options: &Options, report: &mut Report) {
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
    report.line(format!(
        "| spec/secmaster.yaml | 1 | {real_ms:.1} | {real_ms:.1} |"
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

// ---------------------------------------------------------------------------------------------

fn memory(root: &Path, report: &mut Report) {
    report.line("## Memory\n");
    let built = Command::new("cargo")
        .args([
            "build",
            "--release",
            "-q",
            "-p",
            "secmaster",
            "--example",
            "update_workflow",
        ])
        .current_dir(root)
        .status()
        .is_ok_and(|s| s.success());
    let example = root.join("target/release/examples/update_workflow");
    let out = built
        .then(|| {
            Command::new("/usr/bin/time")
                .arg("-v")
                .arg(&example)
                .env_remove("HUAWEICLOUD_SDK_AK")
                .env_remove("SECMASTER_AUTH_TOKEN")
                .output()
                .ok()
        })
        .flatten();
    let rss = out.as_ref().and_then(|o| {
        String::from_utf8_lossy(&o.stderr).lines().find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes):")
                .map(|v| v.trim().to_owned())
        })
    });
    match rss {
        Some(kb) => report.line(format!(
            "Peak RSS of the example (`target/release/examples/update_workflow`: fake server in-process, two calls): **{:.1} MiB**\n",
            kb.parse::<f64>().unwrap_or(0.0) / 1024.0
        )),
        None => report.line("Peak RSS of the example: not measured (`/usr/bin/time -v` unavailable or the build failed)\n"),
    }
}

// ---------------------------------------------------------------------------------------------

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
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"bare\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]\nprogenitor-client = \"=0.15.1\"\n\
             reqwest = {{ version = \"0.13\", default-features = false, features = [{reqwest_features}] }}\n\
             tokio = {{ version = \"1\", features = [\"time\"] }}\n{extra_deps}\n[workspace]\n"
        ),
    )
    .expect("bare Cargo.toml");
    std::fs::write(
        dir.join("src/lib.rs"),
        "pub use progenitor_client; pub use reqwest; pub use tokio;\n",
    )
    .expect("bare lib.rs");
    dir.to_path_buf()
}

fn build_cost(root: &Path, report: &mut Report) {
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
