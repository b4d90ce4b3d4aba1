//! The variants every call comparison runs: hand-written reqwest calls (the baseline, with a
//! timeout, with secmaster's two extra headers too, and signing with AK/SK as the client does)
//! and secmaster's calls (token, AK/SK), each with a connection pool of its own.

use std::sync::Arc;
use std::time::SystemTime;

use secmaster::signer::{self, SigningKey};
use secmaster::{Client, Credentials, RetryPolicy};
use secmaster_testkit::ids::{PROJECT, WORKFLOW, WORKSPACE};
use serde::{Deserialize, Serialize};

use crate::measure::{concurrent, sequential_cpu};

/// The AK/SK pair of the benchmarks (the server checks nothing).
pub const AK: &str = "AKTESTEXAMPLE0000001";
pub const SK: &str = "SKtestExampleSecretKey0000000000000000001";
/// secmaster's `User-Agent` (the signing baseline sends and signs it too).
const USER_AGENT: &str = "secmaster-rust/0.1.0";
const CONTENT_TYPE: &str = "application/json;charset=UTF-8";

/// One way of making the page's call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// Hand-written reqwest: typed body out, the page's headers, typed body in.
    Baseline,
    /// The baseline inside a 20 s `tokio::time::timeout`, like secmaster's attempts.
    Timed,
    /// The timed baseline also sending secmaster's `Accept` and `User-Agent`.
    SameWork,
    /// secmaster with a token.
    Token,
    /// secmaster with AK/SK.
    AkSk,
    /// The same-work baseline signing with AK/SK as secmaster does (no token header).
    AkSkBaseline,
}

impl Variant {
    /// Every variant, with its `--profile` name.
    pub const NAMED: [(&'static str, Self); 6] = [
        ("baseline", Self::Baseline),
        ("timed", Self::Timed),
        ("same-work", Self::SameWork),
        ("token", Self::Token),
        ("aksk", Self::AkSk),
        ("aksk-baseline", Self::AkSkBaseline),
    ];

    pub fn from_name(name: &str) -> Option<Self> {
        Self::NAMED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    }
}

/// Where the calls go, and what the signing baseline signs with (its key made once).
pub struct Target {
    pub url: String,
    path: String,
    host: String,
    key: SigningKey,
}

impl Target {
    /// The page's workflow on the server at `base` (`http://HOST:PORT`).
    pub fn new(base: &str) -> Arc<Self> {
        let path = format!("/v1/{PROJECT}/workspaces/{WORKSPACE}/soc/workflows/{WORKFLOW}");
        let host = base
            .split_once("://")
            .map_or(base, |(_, rest)| rest)
            .trim_end_matches('/')
            .to_owned();
        Arc::new(Self {
            url: format!("{}{path}", base.trim_end_matches('/')),
            path,
            host,
            key: SigningKey::new(AK, SK),
        })
    }
}

/// A variant ready to call: its own connection pool (a reqwest client, or a secmaster client).
#[derive(Clone)]
pub struct Caller {
    variant: Variant,
    target: Arc<Target>,
    http: reqwest::Client,
    client: Option<Client>,
}

impl Caller {
    pub fn new(variant: Variant, target: &Arc<Target>, server: &str) -> Self {
        let client = match variant {
            Variant::Token => Some(secmaster_client(server, Credentials::token("token"))),
            Variant::AkSk => Some(secmaster_client(server, Credentials::ak_sk(AK, SK))),
            _ => None,
        };
        Self {
            variant,
            target: target.clone(),
            http: reqwest::Client::new(),
            client,
        }
    }

    /// Per-call wall time and client thread CPU time in µs of `calls` sequential calls. The
    /// match is outside the loop: each variant's calls are its own futures, not one enum.
    pub async fn sequential(&self, calls: usize) -> (f64, f64) {
        let (http, target) = (&self.http, &*self.target);
        match self.variant {
            Variant::Baseline => sequential_cpu(calls, || baseline_call(http, &target.url)).await,
            Variant::Timed => sequential_cpu(calls, || timed_call(http, &target.url)).await,
            Variant::SameWork => sequential_cpu(calls, || same_work_call(http, &target.url)).await,
            Variant::Token | Variant::AkSk => {
                let client = self.client.as_ref().expect("a secmaster variant");
                sequential_cpu(calls, || secmaster_call(client)).await
            }
            Variant::AkSkBaseline => {
                sequential_cpu(calls, || aksk_baseline_call(http, target)).await
            }
        }
    }

    /// Calls per second and client thread CPU µs per call, `in_flight` at once, `total` in all.
    pub async fn concurrent(&self, total: usize, in_flight: usize) -> (f64, f64) {
        macro_rules! each {
            ($caller:expr, |$c:ident| $call:expr) => {{
                let caller = $caller.clone();
                concurrent(total, in_flight, move || {
                    let $c = caller.clone();
                    async move { $call.await }
                })
                .await
            }};
        }
        match self.variant {
            Variant::Baseline => each!(self, |c| baseline_call(&c.http, &c.target.url)),
            Variant::Timed => each!(self, |c| timed_call(&c.http, &c.target.url)),
            Variant::SameWork => each!(self, |c| same_work_call(&c.http, &c.target.url)),
            Variant::Token | Variant::AkSk => {
                each!(self, |c| secmaster_call(
                    c.client.as_ref().expect("a secmaster variant")
                ))
            }
            Variant::AkSkBaseline => each!(self, |c| aksk_baseline_call(&c.http, &c.target)),
        }
    }
}

/// The sizes of a call's future, baseline and secmaster's, for `--profile`.
pub fn future_sizes(target: &Arc<Target>, server: &str) -> String {
    let http = reqwest::Client::new();
    let client = secmaster_client(server, Credentials::token("token"));
    format!(
        "baseline {} B, signing baseline {} B, secmaster {} B",
        std::mem::size_of_val(&baseline_call(&http, &target.url)),
        std::mem::size_of_val(&aksk_baseline_call(&http, target)),
        std::mem::size_of_val(&secmaster_call(&client))
    )
}

/// The page's body; its fields in the bindings' order, so that every variant sends the bytes
/// secmaster sends.
#[derive(Serialize)]
struct BaselineBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_id: Option<&'a str>,
}

const BODY: BaselineBody<'static> = BaselineBody {
    description: Some("Aop workflow description Test"),
    enabled: None,
    labels: None,
    name: Some("Test_aop"),
    version_id: None,
};

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct BaselineResponse {
    code: Option<String>,
    message: Option<String>,
    pub success: Option<bool>,
    request_id: Option<String>,
    pub data: Option<BaselineWorkflow>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct BaselineWorkflow {
    id: Option<String>,
    pub name: Option<String>,
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

/// Sends `request` and decodes the answer as the baseline does: typed body in, the success check.
async fn send_and_decode(request: reqwest::RequestBuilder) -> String {
    let response = request.send().await.expect("baseline call");
    let status = response.status();
    let bytes = response.bytes().await.expect("body");
    let decoded: BaselineResponse = serde_json::from_slice(&bytes).expect("decode");
    assert!(status.is_success() && decoded.success == Some(true));
    decoded.data.and_then(|d| d.name).unwrap_or_default()
}

/// What a careful hand-written reqwest call does: typed body out, the page's headers, typed body
/// in, the success check.
pub async fn baseline_call(http: &reqwest::Client, url: &str) -> String {
    baseline_call_with(http, url, false).await
}

/// The baseline call; with `like_secmaster`, it also sends the two headers secmaster adds to the
/// page's (`Accept: application/json`, its `User-Agent`).
async fn baseline_call_with(http: &reqwest::Client, url: &str, like_secmaster: bool) -> String {
    let mut request = http.put(url);
    if like_secmaster {
        request = request
            .header("accept", "application/json")
            .header("user-agent", USER_AGENT);
    }
    let request = request
        .header("content-type", CONTENT_TYPE)
        .header("x-auth-token", "token")
        .body(serde_json::to_vec(&BODY).expect("serialize"));
    send_and_decode(request).await
}

/// `call` within the same 20 s `tokio::time::timeout` as secmaster's attempts.
async fn within_timeout(call: impl Future<Output = String>) -> String {
    tokio::time::timeout(secmaster::DEFAULT_ATTEMPT_TIMEOUT, call)
        .await
        .expect("within the timeout")
}

/// The baseline with the one thing a careful hand-written call would add and secmaster always
/// has: a timeout per attempt.
async fn timed_call(http: &reqwest::Client, url: &str) -> String {
    within_timeout(baseline_call(http, url)).await
}

/// The same-work baseline: the baseline call with secmaster's two extra headers, inside the
/// same 20 s timeout as secmaster's attempts.
pub async fn same_work_call(http: &reqwest::Client, url: &str) -> String {
    within_timeout(baseline_call_with(http, url, true)).await
}

/// The signing baseline: what an AK/SK call does by hand, within the same timeout.
pub async fn aksk_baseline_call(http: &reqwest::Client, target: &Target) -> String {
    let date = signer::sdk_date(SystemTime::now());
    within_timeout(send_and_decode(aksk_request(http, target, &date))).await
}

/// The signing baseline's request at `date` (its `X-Sdk-Date`): the headers secmaster sends with
/// AK/SK (names lower-case and sorted, as the signer wants them), signed with the target's key.
pub fn aksk_request(
    http: &reqwest::Client,
    target: &Target,
    date: &str,
) -> reqwest::RequestBuilder {
    let body = serde_json::to_vec(&BODY).expect("serialize");
    let headers = [
        ("accept", "application/json"),
        ("content-type", CONTENT_TYPE),
        ("host", target.host.as_str()),
        ("user-agent", USER_AGENT),
        ("x-project-id", PROJECT),
        ("x-sdk-date", date),
    ];
    let authorization = target.key.authorization(
        &signer::Request {
            method: "PUT",
            path: &target.path,
            query: None,
            headers: &headers,
            body: &body,
        },
        date,
    );
    let mut request = http.put(&target.url);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    request.header("authorization", authorization).body(body)
}

pub async fn secmaster_call(client: &Client) -> String {
    let updated = client
        .update_workflow(PROJECT, WORKSPACE, WORKFLOW)
        .name("Test_aop")
        .description("Aop workflow description Test")
        .send()
        .await
        .expect("secmaster call");
    updated.value.name.unwrap_or_default()
}

pub fn secmaster_client(server: &str, credentials: Credentials) -> Client {
    secmaster_client_builder(server, credentials)
        .build()
        .expect("client")
}

pub fn secmaster_client_builder(
    server: &str,
    credentials: Credentials,
) -> secmaster::ClientBuilder {
    Client::builder()
        .endpoint(server)
        .credentials(credentials)
        .retry(RetryPolicy::default())
}
