//! A search by shape: ListAlerts, a POST whose body carries the condition and the page
//! (`{condition, limit, offset}`), answered with a page of 20 alerts in the SOC's list envelope.
//! secmaster (token, the typed `Condition`) against hand-written reqwest doing the same work:
//! the body serialized from a struct, the page decoded into the same alert type, the success
//! check.

use secmaster::bindings::types::ListAlertDetail;
use secmaster::search::{Condition, Operator};
use secmaster::{Client, Credentials};
use secmaster_testkit::KeepAliveServer;
use secmaster_testkit::ids::{PROJECT, WORKSPACE};
use serde::{Deserialize, Serialize};

use crate::Options;
use crate::measure::{median, sequential_cpu, spread};
use crate::report::Report;
use crate::variants::secmaster_client;

const CONTENT_TYPE: &str = "application/json;charset=UTF-8";
/// Alerts on the page answered.
const PAGE: usize = 20;

#[derive(Serialize)]
struct Expression {
    name: &'static str,
    data: [&'static str; 3],
}

#[derive(Serialize)]
struct SearchCondition {
    conditions: [Expression; 2],
    logics: [&'static str; 3],
}

/// The body the hand-written call sends: the same bytes as secmaster's.
#[derive(Serialize)]
struct SearchBody {
    condition: SearchCondition,
    limit: u32,
    offset: u32,
}

#[derive(Deserialize)]
struct BaselinePage {
    success: Option<bool>,
    data: Option<Vec<ListAlertDetail>>,
}

/// A page of `PAGE` alerts, each with the fields a SOC engineer reads.
fn page() -> String {
    let alerts: Vec<serde_json::Value> = (0..PAGE)
        .map(|i| {
            serde_json::json!({
                "id": format!("909494e3-558e-46b6-a9eb-07a8e18c{i:04}"),
                "create_time": "2025-06-24T10:12:00.000Z+0800",
                "update_time": "2025-06-24T10:12:00.000Z+0800",
                "project_id": PROJECT,
                "type": "MANUAL",
                "format_version": 1,
                "data_object": {
                    "id": format!("909494e3-558e-46b6-a9eb-07a8e18c{i:04}"),
                    "title": "DDoS on the web tier",
                    "description": "ACK flood against 203.0.113.10",
                    "severity": "High",
                    "handle_status": "Open",
                    "verification_state": "Unknown",
                    "ipdrr_phase": "Preparation",
                    "confidence": 80,
                    "criticality": 80,
                    "count": 4,
                    "first_observed_time": "2025-06-24T10:12:00.000Z+0800",
                    "workspace_id": WORKSPACE,
                    "alert_type": {"category": "DDoS attack", "alert_type": "ACK Flood"},
                    "data_source": {"source_type": 1, "product_name": "secmaster"},
                    "network_list": [{"direction": "IN", "src_ip": "198.51.100.7", "dest_ip": "203.0.113.10", "src_port": 443}],
                }
            })
        })
        .collect();
    serde_json::json!({"code": "00000000", "message": "", "total": 2000, "size": PAGE,
        "page": 0, "success": true, "data": alerts})
    .to_string()
}

fn condition() -> Condition {
    Condition::field("handle_status", Operator::Eq, "Open").and("severity", Operator::Eq, "High")
}

async fn baseline(http: &reqwest::Client, base: &str) -> String {
    let body = SearchBody {
        condition: SearchCondition {
            conditions: [
                Expression {
                    name: "c0",
                    data: ["handle_status", "=", "Open"],
                },
                Expression {
                    name: "c1",
                    data: ["severity", "=", "High"],
                },
            ],
            logics: ["c0", "AND", "c1"],
        },
        limit: PAGE as u32,
        offset: 0,
    };
    let url = format!("{base}/v1/{PROJECT}/workspaces/{WORKSPACE}/soc/alerts/search");
    let response = http
        .post(url)
        .header("content-type", CONTENT_TYPE)
        .header("x-auth-token", "token")
        .body(serde_json::to_vec(&body).expect("serialize"))
        .send()
        .await
        .expect("baseline search");
    let ok = response.status().is_success();
    let bytes = response.bytes().await.expect("body");
    let page: BaselinePage = serde_json::from_slice(&bytes).expect("decode");
    assert!(ok && page.success == Some(true));
    let mut alerts = page.data.expect("data");
    alerts.pop().and_then(|a| a.id).unwrap_or_default()
}

async fn ours(client: &Client) -> String {
    let search = client
        .list_alerts(PROJECT, WORKSPACE)
        .condition(condition());
    let page = search
        .limit(PAGE as u32)
        .offset(0)
        .send()
        .await
        .expect("search");
    let mut alerts = page.items;
    alerts.pop().and_then(|a| a.id).unwrap_or_default()
}

/// The search's row: its per-call cost against the hand-written call, in paired rounds.
pub async fn search(options: &Options, report: &mut Report) {
    let body: &'static str = Box::leak(page().into_boxed_str());
    let server = KeepAliveServer::start(200, body);
    let (rounds, per_round) = if options.quick { (4, 100) } else { (40, 100) };
    let http = reqwest::Client::new();
    let client = secmaster_client(&server.url, Credentials::token("token"));
    assert_eq!(baseline(&http, &server.url).await, ours(&client).await);
    sequential_cpu(per_round, || baseline(&http, &server.url)).await;
    sequential_cpu(per_round, || ours(&client)).await;
    let (mut b, mut s, mut r) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (tb, ts) = if round % 2 == 0 {
            let tb = sequential_cpu(per_round, || baseline(&http, &server.url)).await;
            (tb, sequential_cpu(per_round, || ours(&client)).await)
        } else {
            let ts = sequential_cpu(per_round, || ours(&client)).await;
            (
                sequential_cpu(per_round, || baseline(&http, &server.url)).await,
                ts,
            )
        };
        b.push(tb.0);
        s.push(ts.0);
        r.push(ts.0 / tb.0);
    }
    let (ratio, q1, q3) = spread(r);
    report.line("## A search (POST, the condition and the page in the body; token)\n");
    report.line(format!(
        "ListAlerts with a two-expression condition, `limit` 20, answered with a page of {PAGE} alerts in the SOC's list envelope. {rounds} paired rounds of {per_round} calls; the hand-written call serializes the same body from a struct and decodes the page into the same alert type.\n"
    ));
    report.line(
        "| operation | baseline µs per call | secmaster µs per call | ratio (IQR) | target |",
    );
    report.line("|---|---|---|---|---|");
    report.line(format!(
        "| ListAlerts: POST search, a page of {PAGE} | {:.1} | {:.1} | **{ratio:.3}** ({q1:.3}–{q3:.3}) | ≤ 1.10 |",
        median(b),
        median(s)
    ));
    report.line("");
}
