//! Call overhead by shape (a list with a query, a create, a show, a delete), and a walk through
//! 10,000 workflows with `.items()`: secmaster (token) against hand-written reqwest doing the
//! same work, in paired rounds, with the peak memory of each walk (run alone, in a process of
//! its own, under `/usr/bin/time`).

use futures_util::TryStreamExt;
use secmaster::{AopType, Client, Credentials, Label};
use secmaster_testkit::KeepAliveServer;
use secmaster_testkit::examples::{LIST_WORKFLOWS_200, UPDATE_200};
use secmaster_testkit::ids::{PROJECT, WORKFLOW, WORKSPACE};
use serde::{Deserialize, Serialize};

use crate::Options;
use crate::measure::{median, sequential_cpu, spread};
use crate::report::Report;
use crate::variants::{BaselineResponse, BaselineWorkflow, secmaster_client};

const CONTENT_TYPE: &str = "application/json;charset=UTF-8";
/// Workflows in the paging walk, and per page.
const WALK: usize = 10_000;
const PAGE: usize = 100;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    List,
    Create,
    Show,
    Delete,
}

const SHAPES: [(Shape, &str); 4] = [
    (
        Shape::List,
        "ListWorkflows: GET with a query (4 parameters), a page of 1",
    ),
    (Shape::Create, "CreateAopWorkflow: POST with a body"),
    (Shape::Show, "ShowAopWorkflow: GET"),
    (Shape::Delete, "DeleteAopWorkflow: DELETE"),
];

/// The create body, its fields in the bindings' order (the same bytes secmaster sends).
#[derive(Serialize)]
struct CreateBody {
    aop_type: &'static str,
    dataclass_id: &'static str,
    description: &'static str,
    engine_type: &'static str,
    labels: &'static str,
    name: &'static str,
}

const CREATE: CreateBody = CreateBody {
    aop_type: "NORMAL",
    dataclass_id: "e410ae50-43fa-343e-807a-a2a9edb8018e",
    description: "Aop workflow description Test",
    engine_type: "public_engine",
    labels: "IP",
    name: "Test_aop",
};

#[derive(Deserialize)]
struct BaselinePage {
    success: Option<bool>,
    total: Option<u64>,
    data: Option<Vec<BaselineWorkflow>>,
}

fn workflows(base: &str) -> String {
    format!("{base}/v1/{PROJECT}/workspaces/{WORKSPACE}/soc/workflows")
}

/// A careful hand-written call of `shape`: the page's headers, typed body out and in, the
/// success check.
async fn baseline(http: &reqwest::Client, base: &str, shape: Shape) -> String {
    let request = match shape {
        Shape::List => http.get(format!(
            "{}?enabled=true&limit=20&name=Test%20aop&offset=0",
            workflows(base)
        )),
        Shape::Create => http
            .post(workflows(base))
            .body(serde_json::to_vec(&CREATE).expect("serialize")),
        Shape::Show => http.get(format!("{}/{WORKFLOW}", workflows(base))),
        Shape::Delete => http.delete(format!("{}/{WORKFLOW}", workflows(base))),
    };
    let request = request
        .header("content-type", CONTENT_TYPE)
        .header("x-auth-token", "token");
    let response = request.send().await.expect("baseline call");
    let ok = response.status().is_success();
    let bytes = response.bytes().await.expect("body");
    if shape == Shape::List {
        let page: BaselinePage = serde_json::from_slice(&bytes).expect("decode");
        assert!(ok && page.success == Some(true));
        let mut items = page.data.expect("data");
        return items.pop().and_then(|w| w.name).unwrap_or_default();
    }
    let decoded: BaselineResponse = serde_json::from_slice(&bytes).expect("decode");
    assert!(ok && decoded.success == Some(true));
    decoded.data.and_then(|d| d.name).unwrap_or_default()
}

async fn ours(client: &Client, shape: Shape) -> String {
    let workflow = match shape {
        Shape::List => {
            let call = client.list_workflows(PROJECT, WORKSPACE).enabled(true);
            let page = call.limit(20).name("Test aop").offset(0).send().await;
            let mut items = page.expect("list").items;
            return items.pop().and_then(|w| w.name).unwrap_or_default();
        }
        Shape::Create => client
            .create_workflow(PROJECT, WORKSPACE)
            .name(CREATE.name)
            .description(CREATE.description)
            .aop_type(AopType::Normal)
            .dataclass_id(CREATE.dataclass_id)
            .labels(Label::Ip)
            .send()
            .await
            .expect("create"),
        Shape::Show => client
            .show_workflow(PROJECT, WORKSPACE, WORKFLOW)
            .send()
            .await
            .expect("show"),
        Shape::Delete => client
            .delete_workflow(PROJECT, WORKSPACE, WORKFLOW)
            .send()
            .await
            .expect("delete"),
    };
    workflow.into_inner().name.unwrap_or_default()
}

pub async fn shapes(options: &Options, report: &mut Report) {
    let workflow_server = KeepAliveServer::start(200, UPDATE_200);
    let list_server = KeepAliveServer::start(200, LIST_WORKFLOWS_200);
    let (rounds, per_round) = if options.quick { (4, 200) } else { (60, 100) };
    report.line("## Call overhead by shape (sequential, keep-alive loopback, token)\n");
    report.line(format!(
        "One operation of each shape. {rounds} paired rounds of {per_round} calls (order alternating); the ratio is the median of the rounds' ratios to the hand-written reqwest call of the same round (the page's headers, typed body out and in, the success check), with the interquartile range.\n"
    ));
    report.line(
        "| operation | baseline µs per call | secmaster µs per call | ratio (IQR) | target |",
    );
    report.line("|---|---|---|---|---|");
    for (shape, name) in SHAPES {
        let server = match shape {
            Shape::List => &list_server.url,
            _ => &workflow_server.url,
        };
        let http = reqwest::Client::new();
        let client = secmaster_client(server, Credentials::token("token"));
        // Warm up both connections.
        sequential_cpu(per_round, || baseline(&http, server, shape)).await;
        sequential_cpu(per_round, || ours(&client, shape)).await;
        let (mut b, mut s, mut r) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            let (tb, ts) = if round % 2 == 0 {
                let tb = sequential_cpu(per_round, || baseline(&http, server, shape)).await;
                (tb, sequential_cpu(per_round, || ours(&client, shape)).await)
            } else {
                let ts = sequential_cpu(per_round, || ours(&client, shape)).await;
                (
                    sequential_cpu(per_round, || baseline(&http, server, shape)).await,
                    ts,
                )
            };
            b.push(tb.0);
            s.push(ts.0);
            r.push(ts.0 / tb.0);
        }
        let (ratio, q1, q3) = spread(r);
        report.line(format!(
            "| {name} | {:.1} | {:.1} | **{ratio:.3}** ({q1:.3}–{q3:.3}) | ≤ 1.10 |",
            median(b),
            median(s)
        ));
    }
    report.line("");
    paging(options, report).await;
}

/// A page of `PAGE` workflows (the page's example workflow, numbered) that says `total` is `WALK`.
fn page_body() -> &'static str {
    let one: serde_json::Value = serde_json::from_str(UPDATE_200).expect("example");
    let items: Vec<serde_json::Value> = (0..PAGE)
        .map(|i| {
            let mut w = one["data"].clone();
            w["id"] = format!("wf-{i:05}").into();
            w
        })
        .collect();
    let body = serde_json::json!({"code": "00000000", "message": "", "success": true, "request_id": "", "total": WALK, "data": items});
    Box::leak(body.to_string().into_boxed_str())
}

/// The hand-written paging loop: pages of `PAGE` until `total`, typed decode, the success check.
async fn baseline_walk(http: &reqwest::Client, base: &str) -> usize {
    let mut seen = 0;
    loop {
        let url = format!("{}?limit={PAGE}&offset={seen}", workflows(base));
        let response = http
            .get(url)
            .header("content-type", CONTENT_TYPE)
            .header("x-auth-token", "token")
            .send()
            .await
            .expect("page");
        let bytes = response.bytes().await.expect("body");
        let page: BaselinePage = serde_json::from_slice(&bytes).expect("decode");
        assert_eq!(page.success, Some(true));
        let got = page.data.map_or(0, |d| std::hint::black_box(d).len());
        seen += got;
        if got < PAGE || page.total.is_some_and(|t| seen as u64 >= t) {
            return seen;
        }
    }
}

async fn our_walk(client: &Client) -> usize {
    client
        .list_workflows(PROJECT, WORKSPACE)
        .items()
        .try_fold(0, |n, w| {
            std::hint::black_box(w);
            std::future::ready(Ok(n + 1))
        })
        .await
        .expect("walk")
}

/// Workflows per second of one walk.
async fn rate(walk: impl Future<Output = usize>) -> f64 {
    let started = std::time::Instant::now();
    let n = walk.await;
    n as f64 / started.elapsed().as_secs_f64()
}

async fn paging(options: &Options, report: &mut Report) {
    let body = page_body();
    let server = KeepAliveServer::start(200, body);
    let http = reqwest::Client::new();
    let client = secmaster_client(&server.url, Credentials::token("token"));
    assert_eq!(baseline_walk(&http, &server.url).await, WALK);
    assert_eq!(our_walk(&client).await, WALK);
    let rounds = if options.quick { 3 } else { 20 };
    let (mut b, mut s, mut r) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (tb, ts) = if round % 2 == 0 {
            let tb = rate(baseline_walk(&http, &server.url)).await;
            (tb, rate(our_walk(&client)).await)
        } else {
            let ts = rate(our_walk(&client)).await;
            (rate(baseline_walk(&http, &server.url)).await, ts)
        };
        b.push(tb);
        s.push(ts);
        r.push(ts / tb);
    }
    let (ratio, q1, q3) = spread(r);
    let rss = |walk: &str| {
        peak_rss(walk).map_or("-".to_owned(), |kib| {
            format!("{:.1} MiB", kib as f64 / 1024.0)
        })
    };
    report.line("## Paging through 10,000 workflows\n");
    report.line(format!(
        "`list_workflows(..).items()` against a hand-written reqwest loop doing the same: pages of {PAGE} (`limit={PAGE}&offset=N`), typed decode, the success check, until `total` ({WALK}); every page is a {:.0} KiB body of {PAGE} workflows (the page's example, numbered). {rounds} paired rounds, order alternating. Peak RSS: each walk alone in a process of its own (`--walk`, which also runs the server), under `/usr/bin/time -v`; the last row collects all 10,000 workflows into a `Vec` instead, what the walk would hold if it were not a stream.\n",
        body.len() as f64 / 1024.0
    ));
    report.line("| | workflows/s (median) | ratio (IQR) | target | peak RSS of the walk alone |");
    report.line("|---|---|---|---|---|");
    report.line(format!(
        "| hand-written reqwest loop | {:.0} | 1.00 | | {} |",
        median(b),
        rss("baseline")
    ));
    report.line(format!(
        "| secmaster `.items()` | {:.0} | **{ratio:.3}** ({q1:.3}–{q3:.3}) | ≥ 0.95 | {} |",
        median(s),
        rss("ours")
    ));
    report.line(format!(
        "| secmaster `.items()` collected into a `Vec` (for scale) | | | | {} |",
        rss("collect")
    ));
    report.line("");
}

/// One walk, alone: what `--walk ours|baseline|collect` runs.
pub fn walk_alone(which: &str) {
    let server = KeepAliveServer::start(200, page_body());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let http = reqwest::Client::new();
    let client = secmaster_client(&server.url, Credentials::token("token"));
    let n = rt.block_on(async {
        match which {
            "baseline" => baseline_walk(&http, &server.url).await,
            "ours" => our_walk(&client).await,
            "collect" => {
                let all: Vec<secmaster::Workflow> = client
                    .list_workflows(PROJECT, WORKSPACE)
                    .items()
                    .try_collect()
                    .await
                    .expect("walk");
                all.len()
            }
            other => panic!("--walk ours|baseline|collect, not {other:?}"),
        }
    });
    println!("{n}");
}

/// The peak RSS in KiB of `--walk which` in a process of its own.
fn peak_rss(which: &str) -> Option<u64> {
    let exe = std::env::current_exe().ok()?;
    let out = std::process::Command::new("/usr/bin/time")
        .arg("-v")
        .arg(exe)
        .args(["--walk", which])
        .output()
        .ok()?;
    if String::from_utf8_lossy(&out.stdout).trim() != WALK.to_string() {
        return None;
    }
    String::from_utf8_lossy(&out.stderr).lines().find_map(|l| {
        l.trim()
            .strip_prefix("Maximum resident set size (kbytes):")
            .and_then(|v| v.trim().parse().ok())
    })
}
