//! Every operation from its spec entry and examples, with no row written by hand: the rows
//! (`generated/spec_rows.rs`, written by `cargo xtask generate`) call each operation with its
//! request example's fields through the generated setters; the server answers the 2xx example.
//! Each call must put the operation's method, path, the pages' Content-Type, the token and the
//! example as its body on the wire, read the answer, and be retried as its retry class says.
//! An operation whose example needs an intent method is tested by its customisation's tests.
//! A deprecated operation is answered with the service's deprecation headers, which its result
//! must keep, naming it and the replacement the spec names.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use secmaster::{Client, Credentials, Deprecation, Error, RetryPolicy};
use secmaster_testkit::{Reply, TestServer};

#[rustfmt::skip]
#[path = "generated/spec_rows.rs"]
#[allow(deprecated)] // The deprecated operations have their rows too.
mod spec_rows;

const TOKEN: &str = "spec-table-token";

/// A row's call: the operation sent through the generated builder; of its result, the
/// deprecation notice.
type Call = for<'a> fn(
    &'a Client,
) -> Pin<
    Box<dyn Future<Output = Result<Option<Deprecation>, Error>> + Send + 'a>,
>;

/// One operation's call and what it must send and read.
pub struct Row {
    id: &'static str,
    method: &'static str,
    /// The path with the row's IDs.
    target: &'static str,
    /// The 2xx example (empty for a file, or for a success without a body).
    answer: &'static str,
    binary: bool,
    /// The body the call must send, as JSON, when it sends one.
    body: Option<&'static str>,
    not_idempotent: bool,
    /// Whether the spec marks it deprecated.
    deprecated: bool,
    call: Call,
}

fn client(server: &TestServer) -> Client {
    Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::token(TOKEN))
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap()
}

/// The row's 2xx answer, with the deprecation headers when the operation is deprecated.
fn answer(row: &Row) -> Reply {
    let reply = plain_answer(row);
    if !row.deprecated {
        return reply;
    }
    reply
        .with_header("X-API-Deprecation-Info", "retired; see the replacement")
        .with_header("X-API-Deprecation-Date", "2026-06-30")
}

fn plain_answer(row: &Row) -> Reply {
    if row.binary {
        Reply::Full {
            status: 200,
            headers: vec![("Content-Type".into(), "application/octet-stream".into())],
            body: b"PK\x03\x04 an exported file".to_vec(),
        }
    } else if row.answer.is_empty() {
        // A success without a body.
        Reply::Full {
            status: 204,
            headers: vec![],
            body: vec![],
        }
    } else {
        Reply::json(200, row.answer)
    }
}

#[tokio::test]
async fn every_operation_sends_its_example_and_reads_its_answer() {
    let rows = spec_rows::rows();
    assert!(
        rows.len() >= 10,
        "the rows cover the spec's plain operations"
    );
    for row in rows {
        let server = TestServer::start(vec![answer(&row)]).await;
        let result = (row.call)(&client(&server)).await;
        let notice = match result {
            Ok(notice) => notice,
            Err(e) => panic!("{}: {e:?}", row.id),
        };
        let op = secmaster::bindings::operations::ALL
            .iter()
            .find(|op| op.id == row.id)
            .unwrap();
        match notice {
            Some(notice) => {
                assert!(row.deprecated, "{}: a notice only when sent", row.id);
                assert_eq!(
                    (notice.operation, notice.replaced_by, notice.date.as_deref()),
                    (row.id, op.replaced_by, Some("2026-06-30")),
                    "{}",
                    row.id
                );
            }
            None => assert!(!row.deprecated, "{}: its notice is kept", row.id),
        }
        let [seen] = server.requests().try_into().unwrap();
        assert_eq!(
            (seen.method.as_str(), seen.target.as_str()),
            (row.method, row.target),
            "{}",
            row.id
        );
        assert_eq!(seen.header("x-auth-token"), Some(TOKEN), "{}", row.id);
        match row.body {
            Some(body) => {
                assert_eq!(
                    seen.header("content-type"),
                    Some("application/json;charset=UTF-8"),
                    "{}",
                    row.id
                );
                let sent: serde_json::Value = serde_json::from_slice(&seen.body).unwrap();
                let example: serde_json::Value = serde_json::from_str(body).unwrap();
                assert_eq!(sent, example, "{}: the example's fields, as set", row.id);
            }
            None if row.method == "GET" || row.method == "DELETE" => {
                assert!(seen.body.is_empty(), "{}", row.id);
            }
            None => {}
        }
    }
}

/// Failures after which a call may have acted: a 503, a connection lost mid-answer, an attempt
/// that timed out (with the attempt timeout that makes it one).
fn ambiguous_faults() -> Vec<(&'static str, Reply, Option<Duration>)> {
    let busy = Reply::json(503, r#"{"code":"SecMaster.50300000","message":"busy"}"#);
    let cut = Reply::CutShort {
        status: 200,
        declared: 64,
        body: br#"{"code":"#.to_vec(),
    };
    let slow = Reply::Delay(Duration::from_secs(30), Box::new(Reply::json(200, "{}")));
    vec![
        ("a 503", busy, None),
        ("a cut answer", cut, None),
        ("a timeout", slow, Some(Duration::from_secs(2))),
    ]
}

/// One row's call after `fault`, then its example answer: never sent twice, its outcome
/// unknown, when not idempotent; else retried to success.
async fn check_retry(row: Row, fault: &'static str, reply: Reply, timeout: Option<Duration>) {
    let server = TestServer::start(vec![reply, answer(&row)]).await;
    let mut client = Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::token(TOKEN))
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)));
    if let Some(timeout) = timeout {
        client = client.attempt_timeout(timeout);
    }
    let result = (row.call)(&client.build().unwrap()).await;
    let sent = server.requests().len();
    if row.not_idempotent {
        let e = result.unwrap_err();
        assert!(e.is_outcome_unknown(), "{} after {fault}: {e}", row.id);
        // (Under a heavy load a timed-out attempt may not even have been read: 0.)
        let expected = if timeout.is_some() { 0..=1 } else { 1..=1 };
        assert!(
            expected.contains(&sent),
            "{} after {fault}: sent {sent} times",
            row.id
        );
    } else {
        assert!(result.is_ok(), "{} after {fault}: {result:?}", row.id);
        assert!(
            sent >= 2 || timeout.is_some(),
            "{} after {fault}: retried",
            row.id
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_is_retried_as_its_retry_class_says() {
    for (fault, reply, timeout) in ambiguous_faults() {
        // The rows at once: the timeout is waited for once in all.
        let checks = spec_rows::rows()
            .into_iter()
            .map(|row| tokio::spawn(check_retry(row, fault, reply.clone(), timeout)));
        for check in checks.collect::<Vec<_>>() {
            check.await.unwrap();
        }
    }
}
