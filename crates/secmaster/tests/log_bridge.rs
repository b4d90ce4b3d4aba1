//! Applications that read logs through the `log` crate (tracing's `log` feature, no tracing
//! subscriber) get the client's events too: a successful call's "call succeeded" and a retried
//! attempt's warning. This binary installs a `log` logger and never a tracing subscriber.

use std::sync::Mutex;
use std::time::Duration;

use secmaster::{Client, Credentials, RetryPolicy};
use secmaster_testkit::{Reply, TestServer};

static RECORDS: Mutex<Vec<(log::Level, String, String)>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::Level::Info
    }
    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            RECORDS.lock().unwrap().push((
                record.level(),
                record.target().to_owned(),
                record.args().to_string(),
            ));
        }
    }
    fn flush(&self) {}
}

static LOGGER: Capture = Capture;

#[tokio::test]
async fn events_reach_a_log_logger_when_no_tracing_subscriber_is_set()
-> Result<(), Box<dyn std::error::Error>> {
    log::set_logger(&LOGGER).unwrap();
    log::set_max_level(log::LevelFilter::Info);
    let server = TestServer::start(vec![Reply::json(503, "{}"), Reply::ok()]).await;
    let client = Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::token("TOKEN-SECRET-dddddddddddddddd"))
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()?;
    client
        .update_workflow("p", "ws-1", "wf-1")
        .disable()
        .send()
        .await?;

    let records = RECORDS.lock().unwrap().clone();
    let from_runtime: Vec<_> = records
        .iter()
        .filter(|(_, target, _)| target == "secmaster::runtime")
        .collect();
    assert!(
        from_runtime
            .iter()
            .any(|(level, _, text)| *level == log::Level::Info && text.contains("call succeeded")),
        "{records:#?}"
    );
    assert!(
        from_runtime
            .iter()
            .any(|(level, _, text)| *level == log::Level::Warn
                && text.contains("attempt failed")
                && text.contains("status=503")),
        "{records:#?}"
    );
    assert!(
        !records
            .iter()
            .any(|(_, _, text)| text.contains("TOKEN-SECRET")),
        "{records:#?}"
    );
    Ok(())
}
