//! The runtime every operation goes through, tested once, against a real local HTTP server
//! (through Update a Workflow, whose answers are the page's): authentication on the wire,
//! retries, timeouts, body caps, redirects, every error shape, and what hostile servers send.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use secmaster::{AopType, Client, Clock, Credentials, EngineType, Error, Label, RetryPolicy};
use secmaster_testkit::examples::UPDATE_200 as PAGE_200;
use secmaster_testkit::{Captured, Reply, TestServer};

const TOKEN: &str = "MIIZtoken-secret-value-0123456789";
const AK: &str = "AKTESTEXAMPLE0000001";
const SK: &str = "SKtestExampleSecretKey0000000000000000001";
const SECURITY_TOKEN: &str = "security-token-secret-value";
const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const WORKSPACE: &str = "ws-11111111-2222-3333-4444-555555555555";
const WORKFLOW: &str = "c19470f3-5eaf-4572-82e8-2ff094495919";

#[derive(Debug)]
struct FixedClock(SystemTime);

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

/// 2024-01-01T00:00:00Z.
fn fixed_clock() -> Arc<FixedClock> {
    Arc::new(FixedClock(
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_067_200),
    ))
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

fn token_client(server: &TestServer) -> Client {
    Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::token(TOKEN))
        .retry(fast_retries())
        .build()
        .unwrap()
}

fn aksk_client(server: &TestServer, temporary: bool) -> Client {
    let mut credentials = Credentials::ak_sk(AK, SK);
    if temporary {
        credentials = credentials.with_security_token(SECURITY_TOKEN);
    }
    Client::builder()
        .endpoint(&server.url)
        .credentials(credentials)
        .clock(fixed_clock())
        .retry(fast_retries())
        .build()
        .unwrap()
}

async fn rename(client: &Client) -> Result<secmaster::UpdatedWorkflow, Error> {
    client
        .update_workflow(PROJECT, WORKSPACE, WORKFLOW)
        .name("Test_aop")
        .description("Aop workflow description Test")
        .send()
        .await
}

fn path() -> String {
    format!("/v1/{PROJECT}/workspaces/{WORKSPACE}/soc/workflows/{WORKFLOW}")
}

#[tokio::test]
async fn token_call_sends_the_documented_request_and_reads_the_pages_answer() {
    let server = TestServer::start(vec![]).await;
    let updated = rename(&token_client(&server)).await.unwrap();

    let [seen] = server.requests().try_into().unwrap();
    assert_eq!(seen.method, "PUT");
    assert_eq!(seen.target, path());
    assert_eq!(seen.header("X-Auth-Token"), Some(TOKEN));
    assert_eq!(
        seen.header("Content-Type"),
        Some("application/json;charset=UTF-8")
    );
    assert_eq!(seen.header("Authorization"), None);
    assert_eq!(seen.header("api-version"), None);
    assert!(
        seen.header("User-Agent")
            .unwrap()
            .starts_with("secmaster-rust/")
    );
    let body: serde_json::Value = serde_json::from_slice(&seen.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"name": "Test_aop", "description": "Aop workflow description Test"})
    );

    let w = &updated.value;
    assert_eq!(w.id.as_deref(), Some(WORKFLOW));
    assert_eq!(w.name.as_deref(), Some("Test_aop"));
    assert_eq!(w.aop_type, Some(AopType::Normal));
    assert_eq!(w.engine_type, Some(EngineType::PublicEngine));
    assert_eq!(w.labels, Some(Label::Ip));
    assert_eq!(w.version_id, None, "\"\" reads as absent");
    assert_eq!(w.created_at().unwrap().to_string(), "2025-07-18T06:44:47Z");
    assert_eq!(
        w.create_time.as_deref(),
        Some("2025-07-18T14:44:47.000Z+0800")
    );
    assert_eq!(
        updated.request_id.as_deref(),
        Some("req-ok"),
        "the body's is empty, so the header's"
    );
}

fn assert_signed_like_the_official_cores(seen: &Captured, with_security_token: bool) {
    assert_eq!(seen.header("X-Sdk-Date"), Some("20240101T000000Z"));
    assert_eq!(seen.header("X-Project-Id"), Some(PROJECT));
    assert_eq!(
        seen.header("X-Auth-Token"),
        None,
        "AK/SK calls carry no token"
    );
    assert_eq!(
        seen.header("X-Security-Token"),
        with_security_token.then_some(SECURITY_TOKEN)
    );
    let host = seen.header("Host").unwrap();
    assert!(host.starts_with("127.0.0.1:"), "{host}");

    let authorization = seen.header("Authorization").unwrap();
    let expected_signed = if with_security_token {
        "accept;content-type;host;user-agent;x-project-id;x-sdk-date;x-security-token"
    } else {
        "accept;content-type;host;user-agent;x-project-id;x-sdk-date"
    };
    let prefix =
        format!("SDK-HMAC-SHA256 Access={AK}, SignedHeaders={expected_signed}, Signature=");
    assert!(authorization.starts_with(&prefix), "{authorization}");

    // Recompute from what arrived: the server-side view of the signature.
    let signed: Vec<(&str, &str)> = expected_signed
        .split(';')
        .map(|n| (n, seen.header(n).unwrap()))
        .collect();
    let request = secmaster::signer::Request {
        method: &seen.method,
        path: &seen.target,
        query: None,
        headers: &signed,
        body: &seen.body,
    };
    let recomputed = secmaster::signer::sign(&request, AK, SK, "20240101T000000Z");
    assert_eq!(authorization, recomputed.authorization);
}

#[tokio::test]
async fn aksk_call_is_signed_with_date_host_and_project_id() {
    let server = TestServer::start(vec![]).await;
    rename(&aksk_client(&server, false)).await.unwrap();
    let [seen] = server.requests().try_into().unwrap();
    assert_signed_like_the_official_cores(&seen, false);
}

#[tokio::test]
async fn temporary_aksk_sends_and_signs_the_security_token() {
    let server = TestServer::start(vec![]).await;
    rename(&aksk_client(&server, true)).await.unwrap();
    let [seen] = server.requests().try_into().unwrap();
    assert_signed_like_the_official_cores(&seen, true);
}

#[tokio::test]
async fn ids_are_percent_encoded_so_the_path_cannot_change() {
    let server = TestServer::start(vec![]).await;
    token_client(&server)
        .update_workflow("a/b", "..%2F", "x\\y?z#w")
        .disable()
        .send()
        .await
        .unwrap();
    let [seen] = server.requests().try_into().unwrap();
    assert_eq!(
        seen.target,
        "/v1/a%2Fb/workspaces/..%252F/soc/workflows/x%5Cy%3Fz%23w"
    );
}

#[tokio::test]
async fn two_503s_then_200_is_three_attempts_and_a_success() {
    let server = TestServer::start(vec![
        Reply::json(
            503,
            r#"{"error_code":"APIGW.0202","error_msg":"busy"}"#
        );
        2
    ])
    .await;
    let updated = rename(&token_client(&server)).await.unwrap();
    assert_eq!(updated.name.as_deref(), Some("Test_aop"));
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_400_is_not_retried_and_carries_code_message_and_request_id() {
    let reply = Reply::json(
        400,
        r#"{"code":"SecMaster.20010001","message":"version does not exist"}"#,
    )
    .with_header("X-Request-Id", "req-400");
    let server = TestServer::start(vec![reply]).await;
    let e = rename(&token_client(&server)).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert_eq!(e.status(), Some(400));
    assert_eq!(e.code(), Some("SecMaster.20010001"));
    assert_eq!(e.message(), Some("version does not exist"));
    assert_eq!(e.request_id(), Some("req-400"));
    assert!(!e.is_retryable());
    assert_eq!(
        e.to_string(),
        "SecMaster answered HTTP 400 SecMaster.20010001: version does not exist (request id req-400)"
    );
}

#[tokio::test]
async fn retries_stop_at_max_attempts_and_the_error_says_how_many() {
    let server = TestServer::start(vec![
        Reply::json(500, r#"{"code":"X","message":"boom"}"#);
        5
    ])
    .await;
    let e = rename(&token_client(&server)).await.unwrap_err();
    assert_eq!(server.requests().len(), 3);
    assert_eq!(e.status(), Some(500));
    assert!(e.is_retryable());
    assert!(e.to_string().ends_with("after 3 attempts"), "{e}");
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let server = TestServer::start(vec![Reply::json(503, "{}")]).await;
    let client = Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::token(TOKEN))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let e = rename(&client).await.unwrap_err();
    assert_eq!((e.status(), server.requests().len()), (Some(503), 1));
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = TestServer::start(vec![
        Reply::json(
            429,
            r#"{"error_code":"APIGW.0308","error_msg":"throttled"}"#,
        )
        .with_header("Retry-After", "1"),
    ])
    .await;
    let started = Instant::now();
    rename(&token_client(&server)).await.unwrap();
    assert_eq!(server.requests().len(), 2);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited as asked: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_budget_gives_up_at_once() {
    let server = TestServer::start(vec![
        Reply::json(429, "{}").with_header("Retry-After", "3600"),
    ])
    .await;
    let started = Instant::now();
    let e = rename(&token_client(&server)).await.unwrap_err();
    assert_eq!((e.status(), server.requests().len()), (Some(429), 1));
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[tokio::test]
async fn success_false_on_http_200_is_an_error_and_not_retried() {
    let body = r#"{"code":"SecMaster.00040001","message":"workflow is being edited","success":false,"request_id":"req-sf"}"#;
    let server = TestServer::start(vec![Reply::json(200, body)]).await;
    let e = rename(&token_client(&server)).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert_eq!(
        (e.status(), e.code(), e.request_id()),
        (Some(200), Some("SecMaster.00040001"), Some("req-sf"))
    );
    assert!(!e.is_retryable());
    assert_eq!(
        e.to_string(),
        "SecMaster answered HTTP 200 with an error SecMaster.00040001: workflow is being edited (request id req-sf)"
    );
}

#[tokio::test]
async fn the_gateways_signature_rejection_says_what_to_check() {
    let body = r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: verify aksk signature fail","request_id":"gw-1"}"#;
    let server = TestServer::start(vec![Reply::json(401, body)]).await;
    let e = rename(&aksk_client(&server, false)).await.unwrap_err();
    assert_eq!(
        (e.status(), e.code(), e.request_id()),
        (Some(401), Some("APIGW.0301"), Some("gw-1"))
    );
    let shown = e.to_string();
    assert!(
        shown.contains("clock") && shown.contains("SK") && shown.contains("project id"),
        "{shown}"
    );
    assert!(!shown.contains('\n'));
}

#[tokio::test]
async fn an_html_502_is_a_service_error_with_the_pages_title() {
    let page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let server = TestServer::start(vec![
        Reply::html(502, page)
            .with_header("X-Request-Id", "r502");
        3
    ])
    .await;
    let e = rename(&token_client(&server)).await.unwrap_err();
    assert_eq!(server.requests().len(), 3, "502 is retried");
    assert_eq!(
        (e.status(), e.message(), e.request_id()),
        (Some(502), Some("502 Bad Gateway"), Some("r502"))
    );
}

#[tokio::test]
async fn an_undecodable_200_names_the_field() {
    let server = TestServer::start(vec![
        Reply::json(200, r#"{"success":true,"data":{"enabled":"yes"}}"#)
            .with_header("X-Request-Id", "rd"),
    ])
    .await;
    let e = rename(&token_client(&server)).await.unwrap_err();
    assert!(
        matches!(&e, Error::Decode { path, .. } if path == "data.enabled"),
        "{e:?}"
    );
    assert_eq!((e.status(), e.request_id()), (Some(200), Some("rd")));
    assert!(!e.is_retryable());
    let server = TestServer::start(vec![Reply::html(200, "<html>maintenance</html>")]).await;
    let e = rename(&token_client(&server)).await.unwrap_err();
    assert!(matches!(e, Error::Decode { .. }), "{e:?}");
}

#[tokio::test]
async fn unknown_enum_values_and_extra_fields_do_not_fail_a_success() {
    let body = PAGE_200.replace(
        r#""aop_type" : "NORMAL""#,
        r#""aop_type" : "CONTAINMENT", "extra" : [1]"#,
    );
    let server = TestServer::start(vec![Reply::json(200, &body)]).await;
    let updated = rename(&token_client(&server)).await.unwrap();
    assert_eq!(updated.aop_type, Some(AopType::Other("CONTAINMENT".into())));
}

#[tokio::test]
async fn an_attempt_past_its_timeout_is_a_timeout_error_and_is_retried() {
    let slow = Reply::ok().delayed(Duration::from_secs(3));
    let server = TestServer::start(vec![slow.clone(), slow]).await;
    let client = Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::token(TOKEN))
        // Long enough for a busy machine's server to read each request before it times out.
        .attempt_timeout(Duration::from_millis(1000))
        .retry(fast_retries().max_attempts(2))
        .build()
        .unwrap();
    let e = rename(&client).await.unwrap_err();
    assert!(matches!(e, Error::Timeout { attempts: 2, .. }), "{e:?}");
    assert!(e.is_retryable());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error_after_every_attempt() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .endpoint(format!("http://127.0.0.1:{port}"))
        .credentials(Credentials::token(TOKEN))
        .retry(fast_retries())
        .build()
        .unwrap();
    let e = rename(&client).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Transport {
                connect: true,
                attempts: 3,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .starts_with("could not connect after 3 attempts"),
        "{e}"
    );
}

#[tokio::test]
async fn a_connection_cut_mid_body_is_a_transport_error() {
    let cut = Reply::CutShort {
        status: 200,
        declared: 1000,
        body: b"{\"code\":\"0000".to_vec(),
    };
    let server = TestServer::start(vec![cut; 3]).await;
    let e = rename(&token_client(&server)).await.unwrap_err();
    assert!(
        matches!(e, Error::Transport { connect: false, .. }),
        "{e:?}"
    );
    assert_eq!(server.requests().len(), 3, "PUT is idempotent: retried");
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_declared_or_chunked() {
    let big = Reply::Full {
        status: 200,
        headers: vec![],
        body: vec![b' '; 2048],
    }
    .with_header("X-Request-Id", "big");
    let chunked = Reply::Chunked {
        status: 200,
        chunk: vec![b' '; 512],
        chunks: 64,
    };
    let server = TestServer::start(vec![big, chunked]).await;
    let client = Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::token(TOKEN))
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let e = rename(&client).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::ResponseTooLarge {
                limit: 1024,
                status: 200,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.request_id(), Some("big"));
    let e = rename(&client).await.unwrap_err();
    assert!(matches!(e, Error::ResponseTooLarge { .. }), "{e:?}");
    assert_eq!(server.requests().len(), 2, "not retried");
}

#[tokio::test]
async fn a_redirect_is_an_error_and_credentials_never_follow_it() {
    let elsewhere = TestServer::start(vec![]).await;
    let location = format!("{}{}", elsewhere.url, path());
    let redirect = Reply::Full {
        status: 307,
        headers: vec![("Location".into(), location)],
        body: vec![],
    };
    let server = TestServer::start(vec![redirect]).await;
    let e = rename(&token_client(&server)).await.unwrap_err();
    assert_eq!(e.status(), Some(307));
    assert!(!e.is_retryable());
    assert!(
        elsewhere.requests().is_empty(),
        "nothing, and no token, went to the redirect target"
    );
}

#[tokio::test]
async fn an_oversized_error_body_still_tells_its_status_and_is_retried() {
    let page = format!(
        "<html><head><title>503 Service Unavailable</title></head><body>{}</body></html>",
        "x".repeat(4096)
    );
    let server = TestServer::start(vec![Reply::html(503, &page), Reply::html(503, &page)]).await;
    let client = Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::token(TOKEN))
        .retry(fast_retries())
        .max_response_bytes(2048)
        .build()
        .unwrap();
    rename(&client).await.unwrap();
    assert_eq!(server.requests().len(), 3);
    let server = TestServer::start(vec![Reply::html(400, &page)]).await;
    let client = Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::token(TOKEN))
        .max_response_bytes(2048)
        .build()
        .unwrap();
    let e = rename(&client).await.unwrap_err();
    assert_eq!(
        (e.status(), e.message()),
        (Some(400), Some("503 Service Unavailable"))
    );
}

#[tokio::test]
async fn a_200_with_neither_success_nor_data_is_a_decode_error() {
    let server = TestServer::start(vec![Reply::json(200, "{}")]).await;
    let e = rename(&token_client(&server)).await.unwrap_err();
    assert!(
        matches!(&e, Error::Decode { path, reason, .. } if path == "data" && reason.contains("neither")),
        "{e:?}"
    );
    let server = TestServer::start(vec![Reply::json(200, r#"{"data":{"name":"n"}}"#)]).await;
    let ok = rename(&token_client(&server)).await.unwrap();
    assert_eq!(
        ok.name.as_deref(),
        Some("n"),
        "data without success is accepted"
    );
}

#[tokio::test]
async fn an_endpoint_with_a_path_prefix_keeps_it() {
    let server = TestServer::start(vec![]).await;
    let client = Client::builder()
        .endpoint(format!("{}/gateway/", server.url))
        .credentials(Credentials::token(TOKEN))
        .build()
        .unwrap();
    rename(&client).await.unwrap();
    assert_eq!(server.requests()[0].target, format!("/gateway{}", path()));
}

#[tokio::test]
async fn an_answer_that_breaks_http_says_why_and_is_not_retried() {
    let many_headers = format!(
        "HTTP/1.1 200 OK\r\n{}content-length: 2\r\n\r\n{{}}",
        "x-a: 1\r\n".repeat(1000)
    );
    let huge_header = format!(
        "HTTP/1.1 200 OK\r\nx-big: {}\r\ncontent-length: 2\r\n\r\n{{}}",
        "h".repeat(1024 * 1024)
    );
    let http09 = r#"{"success":true,"data":{}}"#.to_owned();
    for (raw, cause) in [
        (many_headers, "message head is too large"),
        (huge_header, "message head is too large"),
        (http09, "invalid HTTP version"),
    ] {
        let server = TestServer::start(vec![Reply::Raw(raw.into_bytes()); 3]).await;
        let e = rename(&token_client(&server)).await.unwrap_err();
        assert!(
            matches!(
                e,
                Error::Transport {
                    connect: false,
                    attempts: 1,
                    ..
                }
            ),
            "{e:?}"
        );
        assert_eq!(
            server.requests().len(),
            1,
            "not retried: the same server would answer the same"
        );
        assert!(!e.is_retryable());
        assert!(e.to_string().contains(cause), "the cause is said: {e}");
    }
}

#[tokio::test]
async fn a_dns_failure_says_so() {
    let client = Client::builder()
        .endpoint("https://secmaster.nonexistent.invalid")
        .credentials(Credentials::token(TOKEN))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let e = rename(&client).await.unwrap_err();
    assert!(matches!(e, Error::Transport { connect: true, .. }), "{e:?}");
    assert!(e.to_string().contains("dns error"), "{e}");
    assert!(e.is_retryable(), "a resolver can fail for a moment");
}
