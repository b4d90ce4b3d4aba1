//! `secmaster` against a real local HTTP server: authentication on the wire, retries, timeouts,
//! every error shape, and validation that sends nothing.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use common::{Captured, PAGE_200, Reply, TestServer};
use secmaster::{AopType, Client, Clock, Credentials, EngineType, Error, Label, RetryPolicy};

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

    let w = &updated.workflow;
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
async fn enable_sends_enabled_and_version_id_together_and_labels_as_text() {
    let server = TestServer::start(vec![]).await;
    token_client(&server)
        .update_workflow(PROJECT, WORKSPACE, WORKFLOW)
        .enable("ver-0001")
        .labels(Label::Domain)
        .send()
        .await
        .unwrap();
    let [seen] = server.requests().try_into().unwrap();
    assert_eq!(
        seen.body,
        br#"{"enabled":true,"labels":"DOMAIN","version_id":"ver-0001"}"#
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
    assert_eq!(updated.workflow.name.as_deref(), Some("Test_aop"));
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
        "SecMaster answered HTTP 200 with success: false SecMaster.00040001: workflow is being edited (request id req-sf)"
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
    assert_eq!(
        updated.workflow.aop_type,
        Some(AopType::Other("CONTAINMENT".into()))
    );
}

#[tokio::test]
async fn an_attempt_past_its_timeout_is_a_timeout_error_and_is_retried() {
    let slow = Reply::ok().delayed(Duration::from_secs(3));
    let server = TestServer::start(vec![slow.clone(), slow]).await;
    let client = Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::token(TOKEN))
        .attempt_timeout(Duration::from_millis(200))
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
async fn every_validation_failure_names_its_field_and_sends_nothing() {
    let server = TestServer::start(vec![]).await;
    let client = token_client(&server);
    let u = || client.update_workflow(PROJECT, WORKSPACE, WORKFLOW);
    let cases: Vec<(secmaster::UpdateWorkflow, &str)> = vec![
        (u().enable(""), "version_id"),
        (u().enable("  "), "version_id"),
        (u().version_id("v\n1"), "version_id"),
        (u(), "body"),
        (u().labels(Label::Other("URL".into())), "labels"),
        (
            client.update_workflow("", WORKSPACE, WORKFLOW).name("x"),
            "project_id",
        ),
        (
            client.update_workflow(PROJECT, "..", WORKFLOW).name("x"),
            "workspace_id",
        ),
        (
            client.update_workflow(PROJECT, WORKSPACE, ".").name("x"),
            "workflow_id",
        ),
        (
            client
                .update_workflow(PROJECT, WORKSPACE, "a\r\nb")
                .name("x"),
            "workflow_id",
        ),
        (
            client.update_workflow(PROJECT, "w\0", WORKFLOW).name("x"),
            "workspace_id",
        ),
    ];
    for (call, field) in cases {
        let e = call.send().await.unwrap_err();
        assert_eq!(e.field(), Some(field), "{e}");
        assert!(
            e.to_string().starts_with(&format!("invalid {field}: ")),
            "{e}"
        );
        assert!(e.to_string().ends_with("(nothing was sent)"), "{e}");
        assert!(!e.is_retryable());
    }
    let aksk = aksk_client(&server, false);
    let e = aksk
        .update_workflow("proj é", WORKSPACE, WORKFLOW)
        .name("x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("project_id"), "{e}");
    assert!(server.requests().is_empty(), "nothing reached the server");
}

#[tokio::test]
async fn disable_and_version_id_never_set_enabled_true() {
    // `enable` takes the version; `disable` and `version_id` never set enabled = true.
    let server = TestServer::start(vec![]).await;
    let client = token_client(&server);
    let b = client
        .update_workflow(PROJECT, WORKSPACE, WORKFLOW)
        .disable()
        .version_id("v2");
    assert_eq!(b.body().enabled, Some(false));
    b.send().await.unwrap();
    assert_eq!(
        server.requests()[0].body,
        br#"{"enabled":false,"version_id":"v2"}"#
    );
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
        matches!(&e, Error::Decode { path, reason, .. } if path == "." && reason.contains("neither")),
        "{e:?}"
    );
    let server = TestServer::start(vec![Reply::json(200, r#"{"data":{"name":"n"}}"#)]).await;
    let ok = rename(&token_client(&server)).await.unwrap();
    assert_eq!(
        ok.workflow.name.as_deref(),
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

/// The client builds its requests from the spec's operation table instead of through the
/// generated builder (BENCHMARKS.md: it costs less); this keeps the two on the same wire.
#[tokio::test]
async fn the_client_and_the_generated_bindings_send_the_same_request() {
    use secmaster::bindings::types::ModifyAopWorkflowInfo;

    let server = TestServer::start(vec![]).await;
    let client = token_client(&server);
    let bindings = secmaster::bindings::Client::new(&server.url, Default::default());
    let bodies = [
        ModifyAopWorkflowInfo {
            name: Some("Test_aop".into()),
            description: Some("Aop workflow description Test".into()),
            ..Default::default()
        },
        ModifyAopWorkflowInfo {
            enabled: Some(true),
            version_id: Some("ver-0001".into()),
            labels: Some(Label::Account),
            ..Default::default()
        },
        ModifyAopWorkflowInfo {
            enabled: Some(false),
            name: Some("名前 \"quoted\" \\ back".into()),
            ..Default::default()
        },
    ];
    for body in bodies {
        let mut call = client.update_workflow(PROJECT, WORKSPACE, WORKFLOW);
        if let Some(name) = &body.name {
            call = call.name(name);
        }
        if let Some(description) = &body.description {
            call = call.description(description);
        }
        match (body.enabled, &body.version_id) {
            (Some(true), Some(version)) => call = call.enable(version),
            (Some(false), _) => call = call.disable(),
            _ => {}
        }
        if let Some(labels) = &body.labels {
            call = call.labels(labels.clone());
        }
        assert_eq!(
            serde_json::to_value(call.body()).unwrap(),
            serde_json::to_value(&body).unwrap()
        );
        call.send().await.unwrap();
        bindings
            .update_aop_workflow()
            .project_id(PROJECT)
            .workspace_id(WORKSPACE)
            .workflow_id(WORKFLOW)
            .body(body.clone())
            .send()
            .await
            .unwrap();
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 6);
    for pair in requests.chunks(2) {
        let (ours, generated) = (&pair[0], &pair[1]);
        assert_eq!(ours.method, generated.method);
        assert_eq!(ours.target, generated.target);
        assert_eq!(ours.body, generated.body, "byte for byte");
        let comparable = |c: &Captured| {
            let mut headers: Vec<(String, String)> = c
                .headers
                .iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
                .filter(|(n, _)| n != "user-agent" && n != "x-auth-token")
                .collect();
            headers.sort();
            headers
        };
        assert_eq!(comparable(ours), comparable(generated));
        assert!(ours.header("x-auth-token").is_some() && ours.header("user-agent").is_some());
    }
}
