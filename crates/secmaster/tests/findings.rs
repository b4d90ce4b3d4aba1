//! The smaller findings of the hostile-server review: a read that meets a 503 then a 404 did
//! not act; an export over its cap names `max_download_bytes`; transient poll failures do not
//! end a wait; a refused token's hint says what the answer proves.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use secmaster::{Client, Credentials, Error, RetryPolicy, ValidateMode};
use support::{Answer, Local};

const TOKEN: &str = "a-token-of-some-length";
const INSTANCE: &str = include_str!("../../../spec/examples/show-workflow-instance-200.json");
const NOT_FOUND: &str = r#"{"code":"SecMaster.20040611","message":"not found"}"#;

fn client(url: &str) -> Client {
    Client::builder()
        .endpoint(url)
        .credentials(Credentials::token(TOKEN))
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .max_download_bytes(1024)
        .build()
        .unwrap()
}

/// A server answering 503 to the first request, then 404.
async fn unavailable_then_missing() -> Local {
    let n = AtomicUsize::new(0);
    Local::start(move |_| match n.fetch_add(1, Ordering::SeqCst) {
        0 => Answer::json(503, "{}"),
        _ => Answer::json(404, NOT_FOUND),
    })
    .await
}

fn earlier_may_have_succeeded(e: &Error) -> bool {
    let said = e.to_string().contains("may have succeeded");
    let flagged = e
        .service()
        .is_some_and(|s| s.earlier_attempt_may_have_succeeded);
    assert_eq!(said, flagged, "{e}");
    said
}

#[tokio::test]
async fn a_read_that_meets_a_503_then_a_404_did_not_act() {
    let server = unavailable_then_missing().await;
    let e = client(&server.url)
        .show_workflow("p", "w", "f")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(404));
    assert!(
        !earlier_may_have_succeeded(&e),
        "a GET cannot have acted: {e}"
    );

    let server = unavailable_then_missing().await;
    let e = client(&server.url)
        .validate_workflow_version("p", "w")
        .mode(ValidateMode::Basic)
        .taskflow(r#"{"nodes":[]}"#)
        .taskconfig("{}")
        .workflow_id("f")
        .send()
        .await
        .unwrap_err();
    assert!(
        !earlier_may_have_succeeded(&e),
        "a validation cannot have acted: {e}"
    );

    // An update can: the same answers still say so.
    let server = unavailable_then_missing().await;
    let e = client(&server.url)
        .update_workflow("p", "w", "f")
        .name("n")
        .send()
        .await
        .unwrap_err();
    assert!(earlier_may_have_succeeded(&e), "{e}");
}

#[tokio::test]
async fn an_export_over_its_cap_names_max_download_bytes() {
    let server = Local::start(|_| Answer::json(200, "x".repeat(4096))).await;
    let e = client(&server.url)
        .export_workflows("p", "w", vec!["f".to_owned()])
        .send()
        .await
        .unwrap_err();
    let shown = e.to_string();
    assert!(
        shown.contains("max_download_bytes") && !shown.contains("max_response_bytes"),
        "{shown}"
    );
    let server = Local::start(|_| Answer::json(200, "x".repeat(5 << 20))).await;
    let e = client(&server.url)
        .show_workflow("p", "w", "f")
        .send()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("max_response_bytes"), "{e}");
}

fn finished_after(failures: usize, failure: fn() -> Answer) -> impl Fn(&support::Seen) -> Answer {
    let n = AtomicUsize::new(0);
    move |_| {
        if n.fetch_add(1, Ordering::SeqCst) < failures {
            failure()
        } else {
            Answer::json(200, INSTANCE)
        }
    }
}

#[tokio::test]
async fn transient_poll_failures_within_a_wait_are_waited_out() {
    // 429s with Retry-After: 0, more than the client's own retries take.
    let throttled = || Answer::json(429, "{}").header("Retry-After", "0");
    let server = Local::start(finished_after(4, throttled)).await;
    let c = Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::token(TOKEN))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let done = c
        .show_workflow_instance("p", "w", "i")
        .wait_until_done(Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(
        done.status.as_ref().map(ToString::to_string).as_deref(),
        Some("FINISHED")
    );
    assert_eq!(server.requests().len(), 5, "polled through four 429s");

    // A refusal still ends the wait at once.
    let server = Local::start(finished_after(8, || Answer::json(404, NOT_FOUND))).await;
    let c = client(&server.url);
    let e = c
        .show_workflow_instance("p", "w", "i")
        .wait_until_done(Duration::from_secs(20))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(404));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_refused_token_hint_says_what_the_answer_proves() {
    let body = r#"{"error_code":"APIGW.0307","error_msg":"The token must be updated."}"#;
    let server = Local::start(move |_| Answer::json(401, body)).await;
    let e = client(&server.url)
        .show_workflow("p", "w", "f")
        .send()
        .await
        .unwrap_err();
    let shown = e.to_string();
    assert!(shown.contains("does not accept this token"), "{shown}");
    assert!(
        !shown.contains("has expired"),
        "a wrong token is not an expired one: {shown}"
    );
}
