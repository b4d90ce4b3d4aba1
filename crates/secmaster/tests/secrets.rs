//! Secrets never leak: Debug, Display and the trace log of full calls (success, service error,
//! retries, timeout) never contain the token, the SK or the security token. And the call's span
//! sits where the call is awaited.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use secmaster::{Client, Credentials, RetryPolicy};
use secmaster_testkit::{Reply, TestServer};

const TOKEN: &str = "TOKEN-SECRET-aaaaaaaaaaaaaaaa";
const SK: &str = "SK-SECRET-bbbbbbbbbbbbbbbbbbbb";
const SECURITY_TOKEN: &str = "ST-SECRET-cccccccccccccccccc";

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn exercise(credentials: Credentials, its_secrets: &[&str], shown: &mut Vec<String>) {
    let server = TestServer::start(vec![
        Reply::ok(),
        Reply::json(401, r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information","request_id":"r"}"#),
        Reply::json(503, "{}"),
        Reply::ok(),
        Reply::ok().delayed(Duration::from_secs(3)),
        Reply::ok().delayed(Duration::from_secs(3)),
        Reply::ok().delayed(Duration::from_secs(3)),
    ])
    .await;
    let builder = Client::builder()
        .endpoint(&server.url)
        .credentials(credentials.clone())
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        // Long enough for a busy machine's server to read each request before it times out.
        .attempt_timeout(Duration::from_millis(1000));
    shown.push(format!("{builder:?} {credentials:?} {credentials:#?}"));
    let credentials_for_echo = credentials.clone();
    let client = builder.build().unwrap();
    shown.push(format!("{client:?}"));
    let call = || client.update_workflow("p", "w", "f").name("n");
    shown.push(format!("{:?}", call()));
    let ok = call().send().await.unwrap();
    shown.push(format!("{ok:?}"));
    for _ in 0..2 {
        match call().send().await {
            Ok(v) => shown.push(format!("{v:?}")),
            Err(e) => shown.push(format!("{e} {e:?}")),
        }
    }
    let e = call().send().await.unwrap_err();
    shown.push(format!("{e} {e:?} {:?}", std::error::Error::source(&e)));
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        7,
        "the script ran: ok, 401, 503 + ok, 3 timeouts"
    );

    // A server that echoes this client's secrets, in an error, a success: false and a bad 200.
    let echo = format!("canonical request: {}", its_secrets.join(" "));
    let error_body =
        serde_json::json!({"error_code": "APIGW.0301", "error_msg": echo, "request_id": echo})
            .to_string();
    let false_body =
        serde_json::json!({"success": false, "code": echo, "message": echo}).to_string();
    let bad_200 = serde_json::json!({"success": true, "data": {"enabled": echo}}).to_string();
    let echoing = TestServer::start(vec![
        Reply::json(401, &error_body),
        Reply::json(200, &false_body),
        Reply::json(200, &bad_200),
    ])
    .await;
    let client = Client::builder()
        .endpoint(&echoing.url)
        .credentials(credentials_for_echo)
        .build()
        .unwrap();
    for _ in 0..3 {
        let e = client
            .update_workflow("p", "w", "f")
            .name("n")
            .send()
            .await
            .unwrap_err();
        assert!(
            e.to_string().contains("***"),
            "the echo was redacted, not dropped: {e}"
        );
        shown.push(format!(
            "{e} {e:?} {:?} {:?} {:?}",
            e.message(),
            e.code(),
            e.request_id()
        ));
    }
}

#[tokio::test]
async fn no_secret_in_debug_display_or_trace_logs() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut shown = Vec::new();
    exercise(Credentials::token(TOKEN), &[TOKEN], &mut shown).await;
    exercise(
        Credentials::ak_sk("AKID", SK).with_security_token(SECURITY_TOKEN),
        &[SK, SECURITY_TOKEN],
        &mut shown,
    )
    .await;

    let log = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("secmaster.call")
            && log.contains("attempt failed")
            && log.contains("retrying"),
        "the log is real: {log}"
    );
    assert!(
        log.contains("request_id=\"r\""),
        "request ids are logged: {log}"
    );
    let everything = format!("{}\n{log}", shown.join("\n"));
    for secret in [TOKEN, SK, SECURITY_TOKEN] {
        assert!(
            !everything.contains(secret),
            "{secret} leaked:\n{everything}"
        );
    }
}

#[tokio::test]
async fn the_calls_span_is_made_where_it_is_awaited_and_not_for_invalid_input() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::NEW)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let server = TestServer::start(vec![Reply::ok()]).await;
    let client = Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::token(TOKEN))
        .build()
        .unwrap();

    // Refused before anything is sent: no span (its fields would hold the rejected input).
    let e = client
        .update_workflow("p", "w", "f")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("body"));
    // Made outside the request's span, awaited inside it: the call's span is the request's child,
    // as an `async fn`'s would be.
    use tracing::Instrument;
    let call = client.update_workflow("p", "ws-1", "wf-1").disable().send();
    call.instrument(tracing::info_span!("request", id = 7))
        .await
        .unwrap();

    let log = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert_eq!(
        log.matches("secmaster.call{").count(),
        2,
        "one span, made once (its `new` line and the event inside it): {log}"
    );
    assert!(
        log.contains("request{id=7}:secmaster.call{operation=\"UpdateAopWorkflow\" workspace_id=\"ws-1\" id=\"wf-1\"}: secmaster::runtime: call succeeded"),
        "{log}"
    );
}
