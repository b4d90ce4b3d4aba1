//! OIDC federation, the first provider of the default chain, against a local STS on 127.0.0.1:
//! the official core's request, its answer read, what stops the chain, the ID token kept
//! secret, and a client that goes from the ID token to the fake.

mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use secmaster::jiff::Timestamp;
use secmaster::{Client, Credentials, DefaultChain, Error, ProvideCredentials, Provided};
use secmaster_fake::{AccessKey, FakeSecMaster, SeedWorkflow};
use serde_json::{Value, json};
use support::{Answer, Local, in_secs};

const ASSUME: &str = "/v5/agencies/assume-with-oidc";
const ID_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.the-oidc-id-token.signature";
const PROVIDER_URN: &str = "iam::0123456789abcdef:identityprovider:github";
const AGENCY_URN: &str = "iam::0123456789abcdef:agency:deployer";

/// An answer of STS's `assume-with-oidc`.
fn sts_answer(ak: &str, sk: &str, token: &str, at: &str) -> String {
    json!({"credentials": {"access_key_id": ak, "secret_access_key": sk, "security_token": token, "expiration": at}})
        .to_string()
}

/// The default chain reading `vars` as its environment (the metadata service left out: never
/// the real link-local address).
fn chain(vars: &[(&str, &str)]) -> DefaultChain {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Credentials::default_chain()
        .without_metadata()
        .with_env(move |name| vars.get(name).cloned())
}

fn temp_file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("secmaster-oidc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

async fn failure(provider: &impl ProvideCredentials) -> String {
    match provider.provide().await {
        Err(e @ Error::Credentials { .. }) => {
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains("the-oidc-id-token"), "{shown}");
            e.to_string()
        }
        other => panic!("expected a credentials error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_id_token_is_exchanged_at_sts_as_the_official_core_does_before_any_other_source() {
    let sts = Local::start(|_| {
        Answer::json(
            200,
            sts_answer("AKOIDC", "SKOIDC", "STOIDC", "2030-01-01T00:00:00.000Z"),
        )
    })
    .await;
    let file = temp_file("token", &format!("{ID_TOKEN}\n"));
    let vars = [
        ("HUAWEICLOUD_OIDC_PROVIDER_URN", PROVIDER_URN),
        ("HUAWEICLOUD_OIDC_AGENCY_URN", AGENCY_URN),
        ("HUAWEICLOUD_OIDC_TOKEN_FILE", file.as_str()),
        ("HUAWEICLOUD_SDK_STS_ENDPOINT", sts.url.as_str()),
        (
            "HUAWEICLOUD_SDK_PROJECT_ID",
            "0123456789abcdef0123456789abcdef",
        ),
        // The environment's keys come after OIDC federation, as in the official chain.
        ("HUAWEICLOUD_SDK_AK", "AKENV"),
        ("HUAWEICLOUD_SDK_SK", "SKENV"),
    ];
    let found = match chain(&vars).provide().await.unwrap() {
        Provided::Found(c) => c,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        found,
        Credentials::ak_sk("AKOIDC", "SKOIDC")
            .with_security_token("STOIDC")
            .with_project_id("0123456789abcdef0123456789abcdef")
            .with_expiry("2030-01-01T00:00:00Z".parse().unwrap())
    );
    let [seen] = sts.requests().try_into().unwrap();
    assert_eq!((seen.method.as_str(), seen.path.as_str()), ("POST", ASSUME));
    assert_eq!(
        seen.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    assert_eq!(
        seen.header("authorization"),
        None,
        "unsigned: the token is the proof"
    );
    let body = String::from_utf8(seen.body.clone()).unwrap();
    assert!(
        body.starts_with(r#"{"provider_urn":"#),
        "the official order: {body}"
    );
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"provider_urn": PROVIDER_URN, "agency_urn": AGENCY_URN,
               "agency_session_name": "oidc-sts-session", "id_token": ID_TOKEN,
               "duration_seconds": 3600})
    );
}

#[tokio::test]
async fn the_token_variable_session_duration_and_policies_go_into_the_request() {
    let sts =
        Local::start(|_| Answer::json(200, sts_answer("A", "S", "T", "2030-01-01T00:00:00.000Z")))
            .await;
    let file = temp_file("ignored", "not-this-one");
    let vars = [
        ("HUAWEICLOUD_OIDC_PROVIDER_URN", PROVIDER_URN),
        ("HUAWEICLOUD_OIDC_AGENCY_URN", AGENCY_URN),
        ("HUAWEICLOUD_OIDC_ID_TOKEN", ID_TOKEN),
        ("HUAWEICLOUD_OIDC_TOKEN_FILE", file.as_str()),
        ("HUAWEICLOUD_OIDC_SESSION_NAME", "ci-run-42"),
        ("HUAWEICLOUD_OIDC_DURATION_SECONDS", "900"),
        ("HUAWEICLOUD_OIDC_POLICY", r#"{"Version":"5.0"}"#),
        ("HUAWEICLOUD_OIDC_POLICY_IDS", "p1, p2,"),
        ("HUAWEICLOUD_SDK_STS_ENDPOINT", sts.url.as_str()),
    ];
    chain(&vars).provide().await.unwrap();
    let body: Value = serde_json::from_slice(&sts.requests()[0].body).unwrap();
    assert_eq!(
        body,
        json!({"provider_urn": PROVIDER_URN, "agency_urn": AGENCY_URN,
               "agency_session_name": "ci-run-42", "id_token": ID_TOKEN,
               "duration_seconds": 900, "policy": r#"{"Version":"5.0"}"#,
               "policy_ids": ["p1", "p2"]})
    );
}

#[tokio::test]
async fn a_urn_without_its_pieces_stops_the_chain_naming_the_variable() {
    let urns = [
        ("HUAWEICLOUD_OIDC_PROVIDER_URN", PROVIDER_URN),
        ("HUAWEICLOUD_OIDC_AGENCY_URN", AGENCY_URN),
    ];
    let e = failure(&chain(&urns)).await;
    assert!(
        e.contains("OIDC federation")
            && e.contains("HUAWEICLOUD_OIDC_ID_TOKEN")
            && e.contains("HUAWEICLOUD_OIDC_TOKEN_FILE"),
        "{e}"
    );
    let e = failure(&chain(&urns[..1])).await;
    assert!(e.contains("HUAWEICLOUD_OIDC_AGENCY_URN is not"), "{e}");
    let e = failure(&chain(&urns[1..])).await;
    assert!(e.contains("HUAWEICLOUD_OIDC_PROVIDER_URN is not"), "{e}");
    let missing = std::env::temp_dir().join("secmaster-oidc-no-such-file");
    let empty = temp_file("empty", " \n");
    for (var, value, says) in [
        (
            "HUAWEICLOUD_OIDC_TOKEN_FILE",
            missing.to_str().unwrap(),
            "cannot be read",
        ),
        ("HUAWEICLOUD_OIDC_TOKEN_FILE", empty.as_str(), "is empty"),
        (
            "HUAWEICLOUD_OIDC_DURATION_SECONDS",
            "an hour",
            "`an hour`: expected whole seconds",
        ),
        (
            "HUAWEICLOUD_SDK_STS_ENDPOINT",
            "http://sts.example.com",
            "plain http",
        ),
    ] {
        let mut vars = urns.to_vec();
        vars.push((var, value));
        if var != "HUAWEICLOUD_OIDC_TOKEN_FILE" {
            vars.push(("HUAWEICLOUD_OIDC_ID_TOKEN", ID_TOKEN));
        }
        let e = failure(&chain(&vars)).await;
        assert!(e.contains(says) && e.contains(var), "{var}: {e}");
    }
    // Nothing set: nothing found, and the chain says what it looked at, OIDC first.
    let Provided::NotFound(looked) = chain(&[("HOME", "/nonexistent")]).provide().await.unwrap()
    else {
        panic!("found something");
    };
    assert!(
        looked.starts_with("OIDC federation: HUAWEICLOUD_OIDC_PROVIDER_URN and"),
        "{looked}"
    );
}

#[tokio::test]
async fn an_sts_that_echoes_the_id_token_cannot_put_it_in_an_error() {
    let refusing = Local::start(|_| {
        let body = json!({"error_code": "IAM.0001", "error_msg": format!("bad token {ID_TOKEN}")});
        Answer::json(401, body.to_string()).header("X-Echo", ID_TOKEN)
    })
    .await;
    let hostile = Local::start(|_| Answer::json(200, sts_answer("A", "S", "T", ID_TOKEN))).await;
    for (sts, says) in [
        (&refusing, "STS answered HTTP 401 (IAM.0001)"),
        (&hostile, "is not a UTC time"),
    ] {
        let vars = [
            ("HUAWEICLOUD_OIDC_PROVIDER_URN", PROVIDER_URN),
            ("HUAWEICLOUD_OIDC_AGENCY_URN", AGENCY_URN),
            ("HUAWEICLOUD_OIDC_ID_TOKEN", ID_TOKEN),
            ("HUAWEICLOUD_SDK_STS_ENDPOINT", sts.url.as_str()),
        ];
        let chain = chain(&vars);
        let e = failure(&chain).await;
        assert!(e.contains(says), "{e}");
        assert!(!format!("{chain:?}").contains("the-oidc-id-token"));
        // Through a client too: the call fails with the provider's error, and its logs hold
        // no token either.
        let logs = support::Logs::capture();
        let client = Client::builder()
            .endpoint("http://127.0.0.1:9")
            .credentials_provider(chain)
            .build()
            .unwrap();
        let e = client.list_workflows("p", "w").send().await.unwrap_err();
        let shown = format!("{e} {e:?} {client:?} {}", logs.text());
        assert!(matches!(e, Error::Credentials { .. }), "{e:?}");
        assert!(!shown.contains("the-oidc-id-token"), "{shown}");
    }
}

#[tokio::test]
async fn a_client_goes_from_an_id_token_to_the_fake() {
    let fake = Arc::new(FakeSecMaster::start().await.unwrap());
    let minted = Arc::new(AtomicUsize::new(0));
    let sts = {
        let (fake, minted) = (fake.clone(), minted.clone());
        Local::start(move |seen| {
            let body: Value = serde_json::from_slice(&seen.body).unwrap();
            assert_eq!(body["id_token"], ID_TOKEN);
            let n = minted.fetch_add(1, Ordering::SeqCst) + 1;
            let (ak, sk, st) = (
                format!("OIDCAK{n}"),
                format!("OIDCSK{n}"),
                format!("oidc-security-token-{n}"),
            );
            let expires = in_secs(3600);
            let at: Timestamp = expires.parse().unwrap();
            fake.add_key(
                AccessKey::new(&ak, &sk)
                    .with_security_token(&st)
                    .with_expiry(at),
            );
            Answer::json(200, sts_answer(&ak, &sk, &st, &expires))
        })
        .await
    };
    let vars = [
        ("HUAWEICLOUD_OIDC_PROVIDER_URN", PROVIDER_URN),
        ("HUAWEICLOUD_OIDC_AGENCY_URN", AGENCY_URN),
        ("HUAWEICLOUD_OIDC_ID_TOKEN", ID_TOKEN),
        ("HUAWEICLOUD_SDK_STS_ENDPOINT", sts.url.as_str()),
    ];
    let client = Client::builder()
        .endpoint(fake.endpoint())
        .credentials_provider(chain(&vars))
        .build()
        .unwrap();
    let seed = SeedWorkflow::page_example();
    for _ in 0..2 {
        client
            .list_workflows(&seed.project_id, &seed.workspace_id)
            .send()
            .await
            .unwrap();
    }
    assert_eq!(
        minted.load(Ordering::SeqCst),
        1,
        "one exchange for both calls"
    );
    for entry in fake.journal() {
        assert!(entry.admitted);
        assert!(
            entry
                .header("authorization")
                .unwrap()
                .contains("Access=OIDCAK1,")
        );
        assert_eq!(
            entry.header("x-security-token"),
            Some("oidc-security-token-1")
        );
    }
}

#[tokio::test]
async fn keys_expiring_in_seconds_are_exchanged_again_with_the_token_file_read_anew() {
    let fake = Arc::new(FakeSecMaster::start().await.unwrap());
    let sts = {
        let fake = fake.clone();
        let minted = AtomicUsize::new(0);
        Local::start(move |_| {
            let n = minted.fetch_add(1, Ordering::SeqCst) + 1;
            let (ak, sk) = (format!("OIDCAK{n}"), format!("OIDCSK{n}"));
            let st = format!("oidc-security-token-{n}");
            // Seconds of life: a busy machine still signs and sends before they expire.
            let expires = in_secs(3);
            let at: Timestamp = expires.parse().unwrap();
            fake.add_key(
                AccessKey::new(&ak, &sk)
                    .with_security_token(&st)
                    .with_expiry(at),
            );
            Answer::json(200, sts_answer(&ak, &sk, &st, &expires))
        })
        .await
    };
    // A CI system or Kubernetes rewrites the file as the ID token turns over.
    let file = temp_file("rotating", "first-id-token");
    let vars = [
        ("HUAWEICLOUD_OIDC_PROVIDER_URN", PROVIDER_URN),
        ("HUAWEICLOUD_OIDC_AGENCY_URN", AGENCY_URN),
        ("HUAWEICLOUD_OIDC_TOKEN_FILE", file.as_str()),
        ("HUAWEICLOUD_SDK_STS_ENDPOINT", sts.url.as_str()),
    ];
    let client = Client::builder()
        .endpoint(fake.endpoint())
        .credentials_provider(chain(&vars))
        .build()
        .unwrap();
    let seed = SeedWorkflow::page_example();
    let list = || {
        client
            .list_workflows(&seed.project_id, &seed.workspace_id)
            .send()
    };
    list().await.unwrap();
    std::fs::write(&file, "second-id-token\n").unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    list().await.unwrap();
    let tokens: Vec<Value> = sts
        .requests()
        .iter()
        .map(|seen| serde_json::from_slice::<Value>(&seen.body).unwrap()["id_token"].clone())
        .collect();
    assert_eq!(tokens, [json!("first-id-token"), json!("second-id-token")]);
    let used: Vec<bool> = fake
        .journal()
        .iter()
        .zip(["Access=OIDCAK1,", "Access=OIDCAK2,"])
        .map(|(entry, ak)| entry.admitted && entry.header("authorization").unwrap().contains(ak))
        .collect();
    assert_eq!(used, [true, true], "the fake saw the new key");
}
