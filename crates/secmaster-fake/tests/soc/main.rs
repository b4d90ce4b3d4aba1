//! The SOC's chapters on the fake, over real HTTP: workspaces, alerts, incidents, indicators,
//! searches, conversion and relations, data classes, exports and imports. Most calls are raw
//! JSON (the pages' bodies and answers, byte for byte what the service would see); some go
//! through the `secmaster` client.

mod alerts;
mod dataclasses;
mod files;
mod official;
#[path = "../common/official_sdk.rs"]
mod official_sdk;
mod relations;
mod searches;
mod workspaces;

use reqwest::Method;
use secmaster::{Client, Credentials};
use secmaster_fake::{FAKE_TOKEN, FakeSecMaster, SeedWorkflow};
use serde_json::{Value, json};

/// The page's project and workspace (seeded by default).
pub fn page() -> (String, String) {
    let seed = SeedWorkflow::page_example();
    (seed.project_id, seed.workspace_id)
}

/// A client of the fake with its token.
pub fn client(fake: &FakeSecMaster) -> Client {
    Client::builder()
        .endpoint(fake.endpoint())
        .credentials(Credentials::token(FAKE_TOKEN))
        .build()
        .unwrap()
}

/// One call: the status and the JSON answer (`null` when the body is empty).
pub async fn call(
    fake: &FakeSecMaster,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let (status, bytes) = raw(fake, method, path, body).await;
    let value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{path}: {e}: {bytes:?}"))
    };
    (status, value)
}

/// One call: the status and the answer's bytes.
pub async fn raw(
    fake: &FakeSecMaster,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Vec<u8>) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", fake.endpoint()))
        .header("x-auth-token", FAKE_TOKEN)
        .header("content-type", "application/json;charset=UTF-8");
    if let Some(body) = body {
        request = request.body(body.to_string());
    }
    let answer = request.send().await.unwrap();
    let status = answer.status().as_u16();
    (status, answer.bytes().await.unwrap().to_vec())
}

/// The path of the page's workspace, followed by `rest`.
pub fn soc(rest: &str) -> String {
    let (p, w) = page();
    format!("/v1/{p}/workspaces/{w}/soc/{rest}")
}

/// Creates an alert with `fields` in the page's workspace; its ID.
pub async fn alert(fake: &FakeSecMaster, fields: Value) -> String {
    create(fake, "alerts", fields).await
}

/// Creates an object of `class` (alerts, incidents, indicators) with `fields`; its ID.
pub async fn create(fake: &FakeSecMaster, class: &str, fields: Value) -> String {
    let (status, body) = call(
        fake,
        Method::POST,
        &soc(class),
        Some(json!({"data_object": fields})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["data"]["id"].as_str().unwrap().to_owned()
}

/// A search of `class` with `body`: the answer.
pub async fn search(fake: &FakeSecMaster, class: &str, body: Value) -> Value {
    let (status, answer) = call(
        fake,
        Method::POST,
        &soc(&format!("{class}/search")),
        Some(body),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    answer
}

/// The IDs of a list answer's `data`.
pub fn ids(answer: &Value) -> Vec<String> {
    answer["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect()
}
