//! A hostile server echoes the client's secrets wherever it can put them: the `X-Request-Id`
//! of an undecodable or oversized answer, a JSON map key, a run's status. None reaches an
//! error (Display or Debug), a result, or the trace log; a provider's keys no more than fixed
//! ones.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use secmaster::{Client, Credentials, CredentialsFuture, ProvideCredentials, Provided};
use support::{Answer, Local};

const SK: &str = "SKSECRET0123456789abcdefghij";
const ST: &str = "STSECRET0123456789abcdefghij";
const INSTANCE: &str = include_str!("../../../spec/examples/show-workflow-instance-200.json");

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

/// Temporary keys from a provider: redacted from the first answer on.
#[derive(Debug)]
struct Vault;

impl ProvideCredentials for Vault {
    fn provide(&self) -> CredentialsFuture<'_> {
        Box::pin(async {
            let at = secmaster::jiff::Timestamp::now() + Duration::from_secs(7200);
            let c = Credentials::ak_sk("AKVAULT", SK).with_security_token(ST);
            Ok(Provided::Found(c.with_expiry(at)))
        })
    }
}

fn instance_with(status: &str, content_key: &str) -> String {
    let mut value: serde_json::Value = serde_json::from_str(INSTANCE).unwrap();
    value["status"] = status.into();
    value["data_object"] = serde_json::json!({"content": {content_key: "x"}});
    value.to_string()
}

async fn exercise(client: &Client, too_large: bool, shown: &mut Vec<String>) {
    let (p, w) = ("p", "w");
    let e = client.show_workflow(p, w, "f").send().await.unwrap_err();
    shown.push(format!("{e} {e:?} {:?}", e.request_id()));
    if too_large {
        return;
    }
    let shown_instance = client
        .show_workflow_instance(p, w, "i")
        .send()
        .await
        .unwrap();
    shown.push(format!("{shown_instance:?}"));
    let e = client
        .show_workflow_instance(p, w, "i")
        .wait_until_done(Duration::from_millis(300))
        .await
        .unwrap_err();
    assert!(matches!(e, secmaster::Error::WaitTimedOut { .. }), "{e:?}");
    shown.push(format!("{e} {e:?}"));
}

#[tokio::test]
async fn a_hostile_server_cannot_put_a_secret_in_an_error_a_result_or_the_log() {
    let echo = format!("{SK}-{ST}");
    let server = Local::start(move |seen| {
        if seen.path.ends_with("/soc/workflows/f") {
            // An undecodable 200, then an oversized one, each with the secrets as request id.
            // Undecodable under the default limit, too large under 1024 bytes.
            let body = format!("{{{}", "x".repeat(2048));
            Answer::json(200, body).header("X-Request-Id", &echo)
        } else {
            Answer::json(200, instance_with(&echo, &echo)).header("X-Request-Id", &echo)
        }
    })
    .await;
    let logs = Buffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let mut shown = Vec::new();
    for too_large in [false, true] {
        let client = Client::builder()
            .endpoint(&server.url)
            .credentials_provider(Vault)
            .max_response_bytes(if too_large { 1024 } else { 4 << 20 })
            .build()
            .unwrap();
        exercise(&client, too_large, &mut shown).await;
    }
    let shown = shown.join("\n");
    assert!(
        shown.contains("could not decode") && shown.contains("ResponseTooLarge"),
        "{shown}"
    );
    assert!(
        shown.contains("WaitTimedOut") && shown.contains("***"),
        "{shown}"
    );
    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("request_id=***") || logs.contains("request_id=\"***"),
        "{logs}"
    );
    for secret in [SK, ST] {
        assert!(!shown.contains(secret), "{secret} shown:\n{shown}");
        assert!(!logs.contains(secret), "{secret} logged:\n{logs}");
    }
}
