//! AK/SK signing: what signing alone costs, and the check that the signing baseline sends the
//! request secmaster sends.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use secmaster::Credentials;
use secmaster::signer::{self, SigningKey};
use secmaster_testkit::ids::{PROJECT, WORKFLOW, WORKSPACE};
use secmaster_testkit::{Captured, TestServer};

use crate::measure::batched;
use crate::variants::{AK, SK, Target, aksk_request, secmaster_call, secmaster_client_builder};

/// µs per `signer::sign`, per `signer::authorization` (a new key each time) and per
/// `SigningKey::authorization` over headers as the client sends them (what it computes per
/// request).
pub fn signing_cost(iterations: usize) -> (f64, f64, f64) {
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
    let request = signer::Request {
        method: "PUT",
        path: &path,
        query: None,
        headers: &headers,
        body,
    };
    let client_request = signer::Request {
        headers: &client_headers,
        ..request
    };
    let date = "20240101T000000Z";
    let key = SigningKey::new(AK, SK);
    let per_batch = iterations / 5;
    let sign = batched(5, per_batch, &|| {
        black_box(signer::sign(black_box(&request), AK, SK, date));
    });
    let header = batched(5, per_batch, &|| {
        black_box(signer::authorization(black_box(&request), AK, SK, date));
    });
    let client = batched(5, per_batch, &|| {
        black_box(key.authorization(black_box(&client_request), date));
    });
    assert_eq!(
        key.authorization(&client_request, date),
        signer::authorization(&request, AK, SK, date),
        "the client's path signs the same"
    );
    (sign, header, client)
}

/// A clock stopped at one time, so that two signatures can be compared.
#[derive(Debug)]
struct Stopped(SystemTime);

impl secmaster::Clock for Stopped {
    fn now(&self) -> SystemTime {
        self.0
    }
}

/// Checks, once, that the signing baseline sends the request secmaster sends with AK/SK: the same
/// method, target, body and headers, `Authorization` included (both signing at one date), so
/// that the comparison is of the same work.
pub async fn check_signing_baseline() {
    let server = TestServer::start(Vec::new()).await;
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_067_200);
    let client = secmaster_client_builder(&server.url, Credentials::ak_sk(AK, SK))
        .clock(Arc::new(Stopped(at)))
        .build()
        .expect("client");
    secmaster_call(&client).await;
    let target = Target::new(&server.url);
    let response = aksk_request(&reqwest::Client::new(), &target, &signer::sdk_date(at))
        .send()
        .await
        .expect("the signing baseline's request");
    assert!(response.status().is_success());
    let requests = server.requests();
    let [ours, baseline] = [&requests[0], &requests[1]].map(comparable);
    assert_eq!(
        ours, baseline,
        "the signing baseline sends what secmaster sends with AK/SK"
    );
}

/// A captured request with its headers' names lower-case, sorted.
fn comparable(request: &Captured) -> Captured {
    let mut request = request.clone();
    for (name, _) in &mut request.headers {
        name.make_ascii_lowercase();
    }
    request.headers.sort();
    request
}
