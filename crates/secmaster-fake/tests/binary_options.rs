//! The binary's `--fault`, `--key`, `--run-time-ms` and `--terminate-time-ms`, on 127.0.0.1:0: what they set, and what
//! they refuse.

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use secmaster_fake::{FAKE_TOKEN, SeedWorkflow};
use serde_json::{Value, json};

const DATACLASS: &str = "e410ae50-43fa-343e-807a-a2a9edb8018e";

struct Binary {
    child: Child,
    endpoint: String,
}

impl Binary {
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_secmaster-fake"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let endpoint = line
            .trim()
            .strip_prefix("secmaster-fake listening on ")
            .unwrap_or_else(|| panic!("first line: {line:?}"))
            .to_owned();
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        Self { child, endpoint }
    }

    fn url(&self, rest: &str) -> String {
        let seed = SeedWorkflow::page_example();
        format!(
            "{}/v1/{}/workspaces/{}/soc/workflows{rest}",
            self.endpoint, seed.project_id, seed.workspace_id
        )
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the binary says, and its exit code, when it refuses its arguments.
fn refused(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_secmaster-fake"))
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    (code, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn workflow_id() -> String {
    SeedWorkflow::page_example().workflow.id.unwrap()
}

/// The JSON answer to `request`, sent with the fake's token.
async fn answer(request: reqwest::RequestBuilder) -> Value {
    let sent = request.header("X-Auth-Token", FAKE_TOKEN).send().await;
    sent.unwrap().json().await.unwrap()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

#[tokio::test]
async fn faults_given_on_the_command_line_hit_their_operation_as_many_times_as_said() {
    let fake = Binary::start(&[
        "--fault",
        r#"{"operation":"ShowAopWorkflow","times":2,"fault":{"status":{"status":503,"retry_after":1}}}"#,
        "--fault",
        r#"{"operation":"UpdateAopWorkflow","fault":"closed_after_processing"}"#,
    ]);
    let (http, show) = (http(), fake.url(&format!("/{}", workflow_id())));
    let get = || http.get(&show).header("X-Auth-Token", FAKE_TOKEN).send();
    for _ in 0..2 {
        let answer = get().await.unwrap();
        assert_eq!(answer.status(), 503);
        assert_eq!(answer.headers()["retry-after"], "1");
    }
    assert_eq!(get().await.unwrap().status(), 200, "twice, then served");
    let listed = http
        .get(fake.url(""))
        .header("X-Auth-Token", FAKE_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200, "another operation is not hit");

    // Processed, then the connection is lost before the answer.
    let update = http
        .put(&show)
        .header("X-Auth-Token", FAKE_TOKEN)
        .header("Content-Type", "application/json")
        .body(r#"{"description":"changed, answer lost"}"#)
        .send()
        .await;
    let lost = match update {
        Err(_) => true,
        Ok(answer) => answer.bytes().await.is_err(),
    };
    assert!(lost, "the answer is cut");
    let shown: Value = get().await.unwrap().json().await.unwrap();
    assert_eq!(shown["data"]["description"], "changed, answer lost");
}

#[tokio::test]
async fn a_run_lasts_what_run_time_ms_says_and_a_terminated_one_what_terminate_time_ms_says() {
    // Longer than the default (2 s), with seconds of margin either way on a busy machine.
    let fake = Binary::start(&["--run-time-ms", "5000", "--terminate-time-ms", "60000"]);
    let http = http();
    let id = workflow_id();
    let enabled = http
        .put(fake.url(&format!("/{id}")))
        .header("X-Auth-Token", FAKE_TOKEN)
        .json(&json!({"enabled": true, "version_id": "ver-0001"}))
        .send()
        .await
        .unwrap();
    assert_eq!(enabled.status(), 200);
    let body = json!({"command_type": "ActionInstanceRunCommand", "action_type": "workflow", "action_id": id, "playbook_context": {"data_object": {"dataclass": {"id": DATACLASS}, "content": {}}}});
    let (http, fake) = (&http, &fake);
    let start = || async {
        let run = http.post(fake.url(&format!("/{id}/instances"))).json(&body);
        let started = answer(run).await;
        let instance = started["action_instance_id"].as_str();
        instance.unwrap_or_else(|| panic!("{started}")).to_owned()
    };
    let instance = start().await;
    let status_of = |instance: String| async move {
        let shown = answer(http.get(fake.url(&format!("/instances/{instance}")))).await;
        shown["status"].as_str().unwrap_or_default().to_owned()
    };
    let status = || status_of(instance.clone());
    assert_eq!(status().await, "RUNNING");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(status().await, "RUNNING", "the default 2 s did not end it");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while status().await != "FINISHED" {
        assert!(
            std::time::Instant::now() < deadline,
            "ended after 5 s, not never"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Terminated, a run is TERMINATING for a minute.
    let stopped = start().await;
    let terminated = http
        .put(fake.url(&format!("/instances/{stopped}")))
        .header("X-Auth-Token", FAKE_TOKEN)
        .json(&json!({"command_type": "ActionInstanceTerminateCommand"}))
        .send()
        .await
        .unwrap();
    assert_eq!(terminated.status(), 200);
    assert_eq!(status_of(stopped).await, "TERMINATING");
}

#[test]
fn bad_fault_and_run_time_options_are_refused_with_a_reason() {
    for (args, says) in [
        (&["--fault", "{not json"][..], "--fault {not json"),
        (&["--fault", r#"{"fault":"melt_down"}"#][..], "--fault"),
        (
            &["--run-time-ms", "soon"][..],
            "--run-time-ms soon: expected milliseconds",
        ),
        (&["--run-time-ms", "86400001"][..], "at most a day"),
        (&["--run-time-ms"][..], "--run-time-ms needs a value"),
        (
            &["--terminate-time-ms", "-1"][..],
            "--terminate-time-ms -1: expected milliseconds",
        ),
    ] {
        let (code, stderr) = refused(args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

fn client(fake: &Binary, credentials: secmaster::Credentials) -> secmaster::Client {
    secmaster::Client::builder()
        .endpoint(&fake.endpoint)
        .credentials(credentials)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_temporary_key_given_on_the_command_line_needs_its_security_token() {
    let fake = Binary::start(&[
        "--key",
        r#"{"ak":"TMPAKCLI","sk":"TMPSKCLI","security_token":"security-token-cli","expires_at":"2099-01-01T00:00:00Z"}"#,
        "--key",
        r#"{"ak":"OLDAKCLI","sk":"OLDSKCLI","security_token":"security-token-old","expires_at":"2001-01-01T00:00:00Z"}"#,
    ]);
    let seed = SeedWorkflow::page_example();
    let list = |credentials| {
        let client = client(&fake, credentials);
        let (p, w) = (seed.project_id.clone(), seed.workspace_id.clone());
        async move { client.list_workflows(p, w).send().await.map(|_| ()) }
    };
    let temporary = secmaster::Credentials::ak_sk("TMPAKCLI", "TMPSKCLI");
    list(temporary.clone().with_security_token("security-token-cli"))
        .await
        .unwrap();
    for (credentials, says) in [
        (temporary.clone(), "missing"),
        (
            temporary.with_security_token("security-token-xxx"),
            "not the one issued",
        ),
        (
            secmaster::Credentials::ak_sk("OLDAKCLI", "OLDSKCLI")
                .with_security_token("security-token-old"),
            "has expired",
        ),
    ] {
        let e = list(credentials).await.unwrap_err();
        assert_eq!((e.status(), e.code()), (Some(401), Some("APIGW.0301")));
        assert!(e.message().unwrap().contains(says), "{says}: {e}");
    }
    // The built-in key is still accepted beside them.
    list(secmaster::Credentials::ak_sk(
        secmaster_fake::FAKE_AK,
        secmaster_fake::FAKE_SK,
    ))
    .await
    .unwrap();
}

#[test]
fn a_bad_key_option_is_refused_without_echoing_its_strings() {
    let (code, stderr) = refused(&[
        "--key",
        r#"{"ak":"A","sk":"S","projects":"the-secret-in-the-wrong-place"}"#,
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--key: invalid type") && !stderr.contains("the-secret"),
        "{stderr}"
    );
    let (_, stderr) = refused(&["--key", r#"{"ak":"A"}"#]);
    assert!(stderr.contains("missing field `sk`"), "{stderr}");
}
