//! From a provider to the fake: temporary keys and their security tokens, handed out by a local
//! pod identity endpoint, used by a client against the fake SecMaster over real HTTP. The fake
//! accepts a temporary key only with its own security token, signed, and not after its expiry.

mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use secmaster::jiff::Timestamp;
use secmaster::{Client, Credentials, DefaultChain, Error};
use secmaster_fake::{AccessKey, FakeSecMaster, SeedWorkflow};
use support::{Answer, Local, credential_json, in_secs};

/// What the pod identity endpoint hands out: `TMPAK{n}`, `TMPSK{n}`, a security token, and an
/// expiry `lifetime` seconds away. The fake learns each key as it is handed out, with the
/// security token `token_for_fake(n)` (the one handed out, unless a test wants them to differ).
struct Pod {
    local: Local,
    _dir: TempDir,
    chain: DefaultChain,
}

fn token(n: usize) -> String {
    format!("temporary-security-token-{n:04}")
}

async fn pod(fake: &Arc<FakeSecMaster>, lifetime: i64, token_for_fake: fn(usize) -> String) -> Pod {
    let fake = fake.clone();
    let served = AtomicUsize::new(0);
    let local = Local::start(move |_| {
        let n = served.fetch_add(1, Ordering::SeqCst) + 1;
        let (ak, sk, expires) = (format!("TMPAK{n}"), format!("TMPSK{n}"), in_secs(lifetime));
        let at: Timestamp = expires.parse().unwrap();
        fake.add_key(
            AccessKey::new(&ak, &sk)
                .with_security_token(token_for_fake(n))
                .with_expiry(at),
        );
        Answer::json(200, credential_json(&ak, &sk, &token(n), &expires))
    })
    .await;
    let dir = TempDir::new("pod");
    let token_file = dir.0.join("token");
    std::fs::write(&token_file, "pod-identity-token").unwrap();
    let vars: HashMap<String, String> = [
        (
            "HC_CONTAINER_CREDENTIALS_FULL_URI",
            format!("{}/v1/credentials", local.url),
        ),
        (
            "HC_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            token_file.to_str().unwrap().to_owned(),
        ),
        // No profile file to find: an empty home of the test's own.
        ("HOME", dir.0.to_str().unwrap().to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let chain = Credentials::default_chain()
        .without_metadata()
        .with_env(move |name| vars.get(name).cloned());
    Pod {
        local,
        _dir: dir,
        chain,
    }
}

struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "secmaster-tmpkeys-{name}-{}-{}",
            std::process::id(),
            unique()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

fn client(fake: &FakeSecMaster, pod: &Pod) -> Client {
    Client::builder()
        .endpoint(fake.endpoint())
        .credentials_provider(pod.chain.clone())
        .build()
        .unwrap()
}

async fn list(client: &Client) -> Result<(), Error> {
    let seed = SeedWorkflow::page_example();
    client
        .list_workflows(seed.project_id, seed.workspace_id)
        .send()
        .await
        .map(|_| ())
}

/// The access key and security token of each request the fake received, and whether it let
/// the request through.
fn seen(fake: &FakeSecMaster) -> Vec<(String, String, bool)> {
    fake.journal()
        .iter()
        .map(|entry| {
            let authorization = entry.header("authorization").unwrap_or("");
            let ak = authorization
                .split("Access=")
                .nth(1)
                .and_then(|rest| rest.split(',').next())
                .unwrap_or("")
                .to_owned();
            let st = entry.header("x-security-token").unwrap_or("").to_owned();
            (ak, st, entry.admitted)
        })
        .collect()
}

#[tokio::test]
async fn temporary_keys_from_pod_identity_are_accepted_by_the_fake() {
    let fake = Arc::new(FakeSecMaster::start().await.unwrap());
    let pod = pod(&fake, 2 * 3600, token).await;
    let client = client(&fake, &pod);
    list(&client).await.unwrap();
    list(&client).await.unwrap();
    let signed = (String::from("TMPAK1"), token(1), true);
    assert_eq!(seen(&fake), [signed.clone(), signed]);
    assert_eq!(pod.local.counts()["/v1/credentials"], 1, "asked once");
    let entry = &fake.journal()[0];
    let signed_headers = entry.header("authorization").unwrap();
    assert!(
        signed_headers.contains("x-security-token"),
        "{signed_headers}"
    );
}

#[tokio::test]
async fn a_security_token_the_fake_did_not_issue_is_refused_like_the_gateway() {
    let fake = Arc::new(FakeSecMaster::start().await.unwrap());
    let pod = pod(&fake, 2 * 3600, |n| format!("another-security-token-{n}")).await;
    let e = list(&client(&fake, &pod)).await.unwrap_err();
    assert_eq!((e.status(), e.code()), (Some(401), Some("APIGW.0301")));
    let message = e.message().unwrap();
    assert!(
        message.contains("security token is not the one issued"),
        "{message}"
    );
    let shown = format!("{e} {e:?}");
    assert!(
        !shown.contains(&token(1)) && !shown.contains("TMPSK1"),
        "{shown}"
    );
    assert!(
        shown.contains("security token"),
        "the hint names it: {shown}"
    );
    assert_eq!(
        seen(&fake),
        [(String::new(), String::new(), false)],
        "refused before an operation, not retried"
    );
}

fn fixed(fake: &FakeSecMaster, credentials: Credentials) -> Client {
    Client::builder()
        .endpoint(fake.endpoint())
        .credentials(credentials)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_temporary_key_without_its_token_or_after_its_expiry_is_refused() {
    let fake = FakeSecMaster::start().await.unwrap();
    let past = Timestamp::now() - Duration::from_secs(1);
    let soon = Timestamp::now() + Duration::from_secs(600);
    fake.add_key(
        AccessKey::new("TMPAKLIVE", "TMPSKLIVE")
            .with_security_token(token(1))
            .with_expiry(soon),
    );
    fake.add_key(
        AccessKey::new("TMPAKOLD", "TMPSKOLD")
            .with_security_token(token(2))
            .with_expiry(past),
    );
    // No security token with a temporary key.
    let e = list(&fixed(&fake, Credentials::ak_sk("TMPAKLIVE", "TMPSKLIVE")))
        .await
        .unwrap_err();
    assert_eq!((e.status(), e.code()), (Some(401), Some("APIGW.0301")));
    assert!(e.message().unwrap().contains("missing"), "{e}");
    // Credentials that do not know their expiry (so the client sends them): the fake's clock
    // decides.
    let old = Credentials::ak_sk("TMPAKOLD", "TMPSKOLD").with_security_token(token(2));
    let e = list(&fixed(&fake, old)).await.unwrap_err();
    assert_eq!((e.status(), e.code()), (Some(401), Some("APIGW.0301")));
    assert!(e.message().unwrap().contains("expired"), "{e}");
    let live = Credentials::ak_sk("TMPAKLIVE", "TMPSKLIVE").with_security_token(token(1));
    list(&fixed(&fake, live.clone())).await.unwrap();
    // The same key 11 minutes later by the fake's clock: past the key's expiry, within the
    // signature's 15-minute window.
    fake.shift_clock(11 * 60);
    let e = list(&fixed(&fake, live)).await.unwrap_err();
    let message = e.message().unwrap();
    assert!(message.contains("security token has expired"), "{message}");
    assert!(e.to_string().contains("temporary"), "the hint: {e}");
}

#[tokio::test]
async fn a_key_that_expires_in_seconds_is_replaced_before_the_next_call_and_the_fake_sees_it() {
    let fake = Arc::new(FakeSecMaster::start().await.unwrap());
    // Seconds of life: a busy machine still signs and sends before the first key expires.
    let pod = pod(&fake, 3, token).await;
    let client = client(&fake, &pod);
    list(&client).await.unwrap();
    tokio::time::sleep(Duration::from_millis(3100)).await;
    list(&client).await.unwrap();
    assert_eq!(
        seen(&fake),
        [
            ("TMPAK1".into(), token(1), true),
            ("TMPAK2".into(), token(2), true)
        ],
        "the second call signs with the new key and its token"
    );
    assert_eq!(pod.local.counts()["/v1/credentials"], 2);
}
