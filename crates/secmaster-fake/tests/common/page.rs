//! What the chapter test binaries (`soc`, `playbooks`) share: the page's project and workspace,
//! a client of the fake, raw calls with its token, and objects made in the page's workspace.

use reqwest::Method;
use secmaster::{Client, Credentials};
use secmaster_fake::{FAKE_TOKEN, FakeSecMaster, SeedWorkflow};
use serde_json::{Value, json};

/// The page's project and workspace (seeded by default).
pub fn page() -> (String, String) {
    let seed = SeedWorkflow::page_example();
    (seed.project_id, seed.workspace_id)
}

/// The path of the page's workspace, followed by `rest`.
pub fn soc(rest: &str) -> String {
    let (p, w) = page();
    format!("/v1/{p}/workspaces/{w}/soc/{rest}")
}

/// A client of the fake with its token.
pub fn client(fake: &FakeSecMaster) -> Client {
    Client::builder()
        .endpoint(fake.endpoint())
        .credentials(Credentials::token(FAKE_TOKEN))
        .build()
        .unwrap()
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

/// A call that must succeed: its answer.
pub async fn ok(fake: &FakeSecMaster, method: Method, path: &str, body: Option<Value>) -> Value {
    let (status, answer) = call(fake, method, path, body).await;
    assert_eq!(status, 200, "{path}: {answer}");
    answer
}

/// Creates an object of `class` (alerts, incidents, indicators) with `fields` in the page's
/// workspace; its ID.
pub async fn create(fake: &FakeSecMaster, class: &str, fields: Value) -> String {
    let body = Some(json!({"data_object": fields}));
    let answer = ok(fake, Method::POST, &soc(class), body).await;
    answer["data"]["id"].as_str().unwrap().to_owned()
}

/// Creates an alert with `fields` in the page's workspace; its ID.
pub async fn alert(fake: &FakeSecMaster, fields: Value) -> String {
    create(fake, "alerts", fields).await
}
