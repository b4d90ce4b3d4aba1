//! Temporary credentials through a client, over real local HTTP: refreshed ahead of expiry,
//! once for many concurrent calls, never used after expiry, bounded when the source hangs.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use secmaster::jiff::{SignedDuration, Timestamp};
use secmaster::{Client, Credentials, CredentialsFuture, EcsMetadataProvider, Error};
use secmaster::{ProvideCredentials, Provided};
use support::{Answer, Local, credential_json, in_secs};

const LIST: &str = include_str!("../../../spec/examples/list-workflows-200.json");
const SECURITY_KEY: &str = "/openstack/latest/securitykey";

/// A local SecMaster answering every list, and a client of it whose keys come from `provider`.
async fn client_with(provider: impl ProvideCredentials) -> (Client, Local) {
    let secmaster = Local::start(|_| Answer::json(200, LIST)).await;
    let client = Client::builder()
        .endpoint(&secmaster.url)
        .credentials_provider(provider)
        .build()
        .unwrap();
    (client, secmaster)
}

async fn list(client: &Client) -> Result<(), Error> {
    client.list_workflows("p", "w").send().await.map(|_| ())
}

/// A metadata service whose keys (`AK1`, `AK2`, ... with security tokens `ST1`, ...) expire
/// `lifetime` seconds after they are served, answered after `delay`.
async fn metadata(lifetime: i64, delay: Duration) -> (Local, EcsMetadataProvider) {
    let served = AtomicUsize::new(0);
    let local = Local::start(move |seen| {
        if seen.path == SECURITY_KEY {
            let n = served.fetch_add(1, Ordering::SeqCst) + 1;
            let (ak, sk, st) = (format!("AK{n}"), format!("SK{n}"), format!("ST{n}"));
            Answer::json(200, credential_json(&ak, &sk, &st, &in_secs(lifetime))).after(delay)
        } else {
            Answer::json(200, "session")
        }
    })
    .await;
    let provider = EcsMetadataProvider::new().base_url(&local.url);
    (local, provider)
}

fn security_tokens(secmaster: &Local) -> Vec<String> {
    let requests = secmaster.requests();
    let token = |r: &support::Seen| r.header("x-security-token").unwrap_or("").to_owned();
    requests.iter().map(token).collect()
}

#[tokio::test]
async fn a_credential_that_expires_in_seconds_is_fetched_again_before_the_next_call() {
    // Seconds of life: a busy machine still signs and sends before the first key expires.
    let (meta, provider) = metadata(3, Duration::ZERO).await;
    let (client, secmaster) = client_with(provider).await;
    list(&client).await.unwrap();
    tokio::time::sleep(Duration::from_millis(3100)).await;
    list(&client).await.unwrap();
    assert_eq!(security_tokens(&secmaster), ["ST1", "ST2"]);
    assert_eq!(meta.counts()[SECURITY_KEY], 2);
    let signed = secmaster.requests()[1]
        .header("authorization")
        .unwrap()
        .to_owned();
    assert!(signed.contains("Access=AK2,"), "{signed}");
}

/// 100 calls at once; returns how long they took, and how long the fastest took.
async fn hundred_at_once(client: &Client) -> (Duration, Duration) {
    let started = Instant::now();
    let calls = (0..100).map(|_| {
        let client = client.clone();
        tokio::spawn(async move {
            let t = Instant::now();
            list(&client).await.unwrap();
            t.elapsed()
        })
    });
    let mut fastest = Duration::MAX;
    for call in calls.collect::<Vec<_>>() {
        fastest = fastest.min(call.await.unwrap());
    }
    (started.elapsed(), fastest)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_calls_share_one_refresh() {
    // Long enough that all 100 tasks have asked for keys before the fetch ends, on a busy machine.
    let delay = Duration::from_millis(1000);
    // No keys yet: every call waits for the one fetch.
    let (meta, provider) = metadata(2 * 3600, delay).await;
    let (client, secmaster) = client_with(provider).await;
    let (took, fastest) = hundred_at_once(&client).await;
    println!("100 calls, no keys yet: {took:?} in all, the fastest {fastest:?}");
    assert_eq!(meta.counts()[SECURITY_KEY], 1, "one fetch for 100 calls");
    assert_eq!(meta.counts()["/meta-data/latest/api/token"], 1);
    assert!(fastest >= delay, "all waited for it: {fastest:?}");
    assert!(security_tokens(&secmaster).iter().all(|t| t == "ST1"));

    // Keys within 40 minutes of their expiry: one call refreshes, the others sign with the
    // current keys meanwhile and do not wait.
    let (meta, provider) = metadata(20 * 60, delay).await;
    let (client, _secmaster) = client_with(provider).await;
    list(&client).await.unwrap();
    let (took, fastest) = hundred_at_once(&client).await;
    println!("100 calls, keys near expiry: {took:?} in all, the fastest {fastest:?}");
    assert_eq!(meta.counts()[SECURITY_KEY], 2, "one refresh for 100 calls");
    assert!(fastest < delay, "the others did not wait: {fastest:?}");

    // Expired keys: all wait for one refresh. (They live 2 s from being served, a delay
    // before they arrive: past their expiry once the call has ended and 2 s more have passed.)
    let (meta, provider) = metadata(2, delay).await;
    let (client, _secmaster) = client_with(provider).await;
    list(&client).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (took, _) = hundred_at_once(&client).await;
    println!("100 calls, keys expired: {took:?} in all");
    assert!(meta.counts()[SECURITY_KEY] <= 3, "{:?}", meta.counts());
}

/// Gives keys valid for `lifetime` on its first lookup, then fails.
#[derive(Debug)]
struct OnceThenFails {
    lifetime: SignedDuration,
    asked: AtomicUsize,
}

impl ProvideCredentials for OnceThenFails {
    fn provide(&self) -> CredentialsFuture<'_> {
        let n = self.asked.fetch_add(1, Ordering::SeqCst);
        let at = Timestamp::now() + self.lifetime;
        Box::pin(async move {
            if n == 0 {
                let c = Credentials::ak_sk("AKV", "SKV").with_security_token("STV");
                Ok(Provided::Found(c.with_expiry(at)))
            } else {
                Err(Error::Credentials {
                    provider: "the vault".into(),
                    reason: "sealed".into(),
                })
            }
        })
    }
}

#[tokio::test]
async fn a_failed_refresh_keeps_valid_keys_and_after_expiry_fails_the_call_saying_so() {
    let provider = Arc::new(OnceThenFails {
        lifetime: SignedDuration::from_mins(20),
        asked: AtomicUsize::new(0),
    });
    let (client, secmaster) = client_with(ProviderRef(provider.clone())).await;
    let logs = support::Logs::capture();
    list(&client).await.unwrap();
    list(&client).await.unwrap();
    let logged = logs.text();
    assert!(
        logged.contains("refreshing the credentials failed") && logged.contains("sealed"),
        "the failure is logged: {logged}"
    );
    assert_eq!(
        provider.asked.load(Ordering::SeqCst),
        2,
        "a refresh was tried"
    );
    assert_eq!(
        security_tokens(&secmaster),
        ["STV", "STV"],
        "and the valid keys kept"
    );

    let provider = Arc::new(OnceThenFails {
        lifetime: SignedDuration::from_secs(1),
        asked: AtomicUsize::new(0),
    });
    let (client, secmaster) = client_with(ProviderRef(provider)).await;
    list(&client).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let e = list(&client).await.unwrap_err();
    let shown = e.to_string();
    assert!(matches!(e, Error::Credentials { .. }), "{e:?}");
    assert!(
        shown.contains("the vault") && shown.contains("expired at") && shown.contains("sealed"),
        "{shown}"
    );
    assert_eq!(
        secmaster.requests().len(),
        1,
        "nothing signed with expired keys"
    );
}

#[derive(Debug)]
struct ProviderRef(Arc<OnceThenFails>);

/// IAM tokens `T1`, `T2`, ... each valid for a second: a token provider refreshes the same way.
#[derive(Debug, Default)]
struct Tokens(AtomicUsize);

impl ProvideCredentials for Tokens {
    fn provide(&self) -> CredentialsFuture<'_> {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        let at = Timestamp::now() + SignedDuration::from_secs(1);
        let token = Credentials::token(format!("token-number-{n}")).with_expiry(at);
        Box::pin(async move { Ok(Provided::Found(token)) })
    }
}

#[tokio::test]
async fn a_token_provider_refreshes_the_same_way() {
    let (client, secmaster) = client_with(Tokens::default()).await;
    list(&client).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    list(&client).await.unwrap();
    let tokens: Vec<String> = secmaster
        .requests()
        .iter()
        .map(|r| r.header("x-auth-token").unwrap_or("").to_owned())
        .collect();
    assert_eq!(tokens, ["token-number-1", "token-number-2"]);
}

impl ProvideCredentials for ProviderRef {
    fn provide(&self) -> CredentialsFuture<'_> {
        self.0.provide()
    }
}

#[tokio::test]
async fn a_source_that_hangs_is_bounded_by_its_timeout() {
    let silent = Local::start(|_| Answer::never()).await;
    let (client, secmaster) = client_with(EcsMetadataProvider::new().base_url(&silent.url)).await;
    let started = Instant::now();
    let e = list(&client).await.unwrap_err().to_string();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "the official 3 s: {took:?}");
    assert!(e.contains("no answer") && e.contains("3s"), "{e}");
    assert!(secmaster.requests().is_empty());

    let quick = EcsMetadataProvider::new()
        .base_url(&silent.url)
        .timeout(Duration::from_millis(200));
    let started = Instant::now();
    let _ = quick.provide().await;
    // Bounded by its own timeout, well before the official 3 s.
    assert!(started.elapsed() < Duration::from_millis(2500));
}
