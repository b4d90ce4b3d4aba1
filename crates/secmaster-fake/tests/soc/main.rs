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
#[path = "../common/page.rs"]
mod page;
mod relations;
mod searches;
mod workspaces;

use reqwest::Method;
use secmaster_fake::FakeSecMaster;
use serde_json::Value;

pub use page::{alert, call, client, create, ok, page, raw, soc};

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
