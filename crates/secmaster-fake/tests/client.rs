//! The `secmaster` client against the fake over real HTTP: authentication, validation that sends
//! nothing, retries, timeouts, every error class, concurrency, and the official Python SDK.

use std::sync::Arc;
use std::time::{Duration, Instant};

use secmaster::{Client, Credentials, Error, Label, RetryPolicy};
use secmaster_fake::{
    AccessKey, Config, FAKE_AK, FAKE_SK, FAKE_TOKEN, FakeSecMaster, Fault, SeedWorkflow, codes,
};

fn ids() -> (String, String, String) {
    let seed = SeedWorkflow::page_example();
    (
        seed.project_id,
        seed.workspace_id,
        seed.workflow.id.unwrap(),
    )
}

fn client(fake: &FakeSecMaster, credentials: Credentials) -> Client {
    Client::builder()
        .endpoint(fake.endpoint())
        .credentials(credentials)
        .retry(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
        .build()
        .unwrap()
}

fn update(client: &Client) -> secmaster::UpdateWorkflow {
    let (p, w, f) = ids();
    client.update_workflow(p, w, f)
}

#[tokio::test]
async fn token_update_renames_enables_and_is_stored() {
    let fake = FakeSecMaster::start().await.unwrap();
    let updated = update(&client(&fake, Credentials::token(FAKE_TOKEN)))
        .name("Renamed")
        .enable("ver-0001")
        .labels(Label::Account)
        .send()
        .await
        .unwrap();
    let w = &updated.value;
    assert_eq!(
        (
            w.name.as_deref(),
            w.enabled,
            w.version_id.as_deref(),
            w.version.as_deref()
        ),
        (Some("Renamed"), Some(true), Some("ver-0001"), Some("v1"))
    );
    assert_eq!(w.labels, Some(Label::Account));
    assert!(
        w.updated_at().is_some(),
        "the fake's update_time parses: {:?}",
        w.update_time
    );
    assert!(w.update_time.as_deref().unwrap().ends_with("Z+0800"));
    assert_eq!(updated.request_id.as_deref().map(str::len), Some(32));
    let (p, ws, f) = ids();
    assert_eq!(
        fake.workflow(&p, &ws, &f).unwrap().name.as_deref(),
        Some("Renamed")
    );
    let [seen] = fake.journal().try_into().unwrap();
    assert_eq!(
        seen.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
}

#[tokio::test]
async fn aksk_and_temporary_aksk_updates_are_verified_and_accepted() {
    let fake = FakeSecMaster::start().await.unwrap();
    fake.add_key(AccessKey::new("TEMPAK", "TEMPSK").with_security_token("ST"));
    update(&client(&fake, Credentials::ak_sk(FAKE_AK, FAKE_SK)))
        .description("by AK/SK")
        .send()
        .await
        .unwrap();
    let c = client(
        &fake,
        Credentials::ak_sk("TEMPAK", "TEMPSK").with_security_token("ST"),
    );
    let updated = update(&c)
        .description("by temporary AK/SK")
        .send()
        .await
        .unwrap();
    assert_eq!(updated.modifier_id.as_deref(), Some("ak-TEMPAK"));
}

async fn rejected(fake: &FakeSecMaster, credentials: Credentials) -> Error {
    let e = update(&client(fake, credentials))
        .name("x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        fake.journal().len(),
        1,
        "an authentication failure is not retried"
    );
    fake.clear_journal();
    e
}

#[tokio::test]
async fn wrong_sk_expired_date_and_wrong_token_each_give_the_gateways_401() {
    let fake = FakeSecMaster::start().await.unwrap();
    let e = rejected(&fake, Credentials::ak_sk(FAKE_AK, "not-the-sk")).await;
    assert_eq!((e.status(), e.code()), (Some(401), Some("APIGW.0301")));
    assert!(e.message().unwrap().contains("signature mismatch"), "{e}");
    assert!(e.to_string().contains("clock"), "says what to check: {e}");
    assert!(e.request_id().is_some());

    fake.shift_clock(20 * 60);
    let e = rejected(&fake, Credentials::ak_sk(FAKE_AK, FAKE_SK)).await;
    assert_eq!((e.status(), e.code()), (Some(401), Some("APIGW.0301")));
    assert!(e.message().unwrap().contains("expired"), "{e}");
    fake.shift_clock(14 * 60);
    update(&client(&fake, Credentials::ak_sk(FAKE_AK, FAKE_SK)))
        .name("x")
        .send()
        .await
        .expect("within the window");
    fake.shift_clock(0);
    fake.clear_journal();

    let e = rejected(&fake, Credentials::token("not-a-token")).await;
    assert_eq!((e.status(), e.code()), (Some(401), Some("APIGW.0307")));
    assert!(e.to_string().contains("expired"), "{e}");
    let e = rejected(&fake, Credentials::ak_sk("UNKNOWNAK", FAKE_SK)).await;
    assert_eq!(e.code(), Some("APIGW.0301"));
}

#[tokio::test]
async fn every_validation_failure_leaves_the_journal_empty() {
    let fake = FakeSecMaster::start().await.unwrap();
    let c = client(&fake, Credentials::token(FAKE_TOKEN));
    let (p, w, f) = ids();
    let calls = [
        update(&c),
        update(&c).enable(""),
        update(&c).labels(Label::Other("HOST".into())),
        c.update_workflow("", &w, &f).name("x"),
        c.update_workflow(&p, "..", &f).name("x"),
        c.update_workflow(&p, &w, "a\nb").name("x"),
    ];
    for call in calls {
        let e = call.send().await.unwrap_err();
        assert!(matches!(e, Error::InvalidInput { .. }), "{e:?}");
    }
    assert!(fake.journal().is_empty());
}

#[tokio::test]
async fn the_service_rejects_what_only_it_can_know_in_the_pages_400_shape() {
    let fake = FakeSecMaster::start().await.unwrap();
    let c = client(&fake, Credentials::token(FAKE_TOKEN));
    let e = update(&c).enable("ver-9999").send().await.unwrap_err();
    assert_eq!(
        (e.status(), e.code()),
        (Some(400), Some(codes::UNKNOWN_VERSION))
    );
    assert_eq!(fake.journal().len(), 1, "a 400 is one attempt");
    // The built-in token is for the page's project only; a token for every project meets the
    // service's own refusal.
    let e = c
        .update_workflow("nope", "w", "f")
        .name("x")
        .send()
        .await
        .unwrap_err();
    assert_eq!((e.status(), e.code()), (Some(403), Some("APIGW.0302")));
    fake.add_token("every-project");
    let e = client(&fake, Credentials::token("every-project"))
        .update_workflow("nope", "w", "f")
        .name("x")
        .send()
        .await
        .unwrap_err();
    // A project the fake holds no workspace of: the workspace is missing (403).
    assert_eq!(
        (e.status(), e.code()),
        (Some(403), Some(codes::UNKNOWN_WORKSPACE))
    );
}

#[tokio::test]
async fn two_503s_then_success_is_three_attempts() {
    let fake = FakeSecMaster::start().await.unwrap();
    fake.inject(
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        2,
    );
    update(&client(&fake, Credentials::token(FAKE_TOKEN)))
        .name("after 503s")
        .send()
        .await
        .unwrap();
    assert_eq!(fake.journal().len(), 3);
}

#[tokio::test]
async fn retry_after_from_a_429_is_honoured() {
    let fake = FakeSecMaster::start().await.unwrap();
    fake.inject(
        Fault::Status {
            status: 429,
            retry_after: Some(1),
        },
        1,
    );
    let started = Instant::now();
    update(&client(&fake, Credentials::token(FAKE_TOKEN)))
        .name("later")
        .send()
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(fake.journal().len(), 2);
}

#[tokio::test]
async fn a_delay_past_the_timeout_is_a_timeout_error() {
    let fake = FakeSecMaster::start().await.unwrap();
    fake.inject(Fault::Delay(Duration::from_secs(5)), 2);
    let c = Client::builder()
        .endpoint(fake.endpoint())
        .credentials(Credentials::token(FAKE_TOKEN))
        .attempt_timeout(Duration::from_millis(200))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let e = update(&c).name("slow").send().await.unwrap_err();
    assert!(matches!(e, Error::Timeout { attempts: 1, .. }), "{e:?}");
}

#[tokio::test]
async fn success_false_html_502_and_a_cut_body_give_their_typed_errors() {
    let fake = FakeSecMaster::start().await.unwrap();
    let c = client(&fake, Credentials::token(FAKE_TOKEN));

    fake.inject(Fault::SuccessFalse, 1);
    let e = update(&c).name("x").send().await.unwrap_err();
    assert!(matches!(&e, Error::Service(s) if s.status == 200), "{e:?}");
    assert_eq!(e.code(), Some("SecMaster.00040001"));

    fake.inject(Fault::Html502, 3);
    let e = update(&c).name("x").send().await.unwrap_err();
    assert_eq!(
        (e.status(), e.message()),
        (Some(502), Some("502 Bad Gateway"))
    );

    fake.inject(Fault::CutMidBody, 3);
    let e = update(&c).name("x").send().await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Transport {
                connect: false,
                attempts: 3,
                ..
            }
        ),
        "{e:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_updates_lose_nothing_and_tear_nothing() {
    let fake = FakeSecMaster::start().await.unwrap();
    let c = client(&fake, Credentials::token(FAKE_TOKEN));
    let calls = (0..64).map(|i| {
        let call = update(&c)
            .name(format!("name-{i}"))
            .description(format!("description-{i}"));
        tokio::spawn(call.send())
    });
    for (i, call) in calls.enumerate() {
        let w = call.await.unwrap().unwrap().value;
        let n = w.name.unwrap();
        assert_eq!(
            n.strip_prefix("name-"),
            w.description.unwrap().strip_prefix("description-"),
            "call {i}: one update's fields together"
        );
    }
    assert_eq!(fake.journal().len(), 64);
    let (p, ws, f) = ids();
    let stored = fake.workflow(&p, &ws, &f).unwrap();
    let n = stored.name.unwrap();
    assert_eq!(
        n.strip_prefix("name-"),
        stored.description.unwrap().strip_prefix("description-")
    );
}

#[tokio::test]
async fn a_seed_file_configures_tokens_keys_and_workflows() {
    let config = Config::from_json(
        r#"{"tokens":["t1"],"keys":[{"ak":"A1","sk":"S1"}],
            "workflows":[{"project_id":"p1","workspace_id":"w1","workflow":{"id":"f1","name":"seeded"},"versions":[{"id":"v1","name":"one","status":"activated"}]}]}"#,
    )
    .unwrap();
    let fake = FakeSecMaster::start_with(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let c = client(&fake, Credentials::token("t1"));
    let w = c
        .update_workflow("p1", "w1", "f1")
        .enable("v1")
        .send()
        .await
        .unwrap()
        .value;
    assert_eq!(
        (w.name.as_deref(), w.version.as_deref()),
        (Some("seeded"), Some("one"))
    );
    let e = client(&fake, Credentials::token(FAKE_TOKEN))
        .update_workflow("p1", "w1", "f1")
        .disable()
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(401), "only the seed file's token");
}

/// The fake verifies signatures made by the official Huawei Python SDK. `.ci/run` installs it,
/// sets SECMASTER_OFFICIAL_PYTHON and runs the ignored tests; run with `--include-ignored`
/// without it, the test fails.
#[tokio::test]
#[ignore = "needs the official Huawei Python SDK: set SECMASTER_OFFICIAL_PYTHON"]
async fn requests_signed_by_the_official_python_sdk_are_accepted() {
    let python = std::env::var_os("SECMASTER_OFFICIAL_PYTHON").expect(
        "SECMASTER_OFFICIAL_PYTHON must name a python with huaweicloudsdksecmaster installed",
    );
    let fake = Arc::new(FakeSecMaster::start().await.unwrap());
    let (p, w, f) = ids();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/python/official_sdk_update.py"
    );
    let home = std::env::temp_dir().join("secmaster-official-sdk-home");
    let run = |sk: &'static str| {
        let (endpoint, p, w, f, python, home) = (
            fake.endpoint(),
            p.clone(),
            w.clone(),
            f.clone(),
            python.clone(),
            home.clone(),
        );
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(python)
                .arg(script)
                .args([&endpoint, FAKE_AK, sk, &p, &w, &f])
                .env("HOME", home)
                .output()
                .unwrap()
        })
    };
    let out = run(FAKE_SK).await.unwrap();
    assert!(
        out.status.success(),
        "official SDK call failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let data: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(data["name"], "renamed by the official SDK");
    assert_eq!(data["version"], "v1");
    let [seen] = fake.journal().try_into().unwrap();
    assert!(
        seen.header("user-agent")
            .unwrap()
            .starts_with("huaweicloud-usdk-python")
    );
    assert!(
        seen.header("authorization")
            .unwrap()
            .starts_with("SDK-HMAC-SHA256 Access=FAKEAK")
    );

    let out = run("a-wrong-secret-key").await.unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("APIGW.0301"));
}
