//! The default provider chain over real local HTTP: each provider, the order, what stops the
//! chain and what passes, and the official cores' file and answer formats.

mod support;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use secmaster::{Credentials, DefaultChain, Error, ProfileProvider, ProvideCredentials, Provided};
use support::{Answer, Local, credential_json, in_secs};

/// A chain that reads `vars` as its environment, with the metadata service at `metadata` (a
/// local server, or a closed local port): never the real link-local address.
fn chain(vars: &[(&str, &str)], metadata: &str) -> DefaultChain {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Credentials::default_chain()
        .metadata_base_url(metadata)
        .with_env(move |name| vars.get(name).cloned())
}

/// A loopback port with nothing listening.
async fn closed_port() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("secmaster-cred-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &std::path::Path, name: &str, text: &str, mode: u32) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let _ = mode;
    path.to_str().unwrap().to_owned()
}

async fn found(provider: &impl ProvideCredentials) -> Credentials {
    match provider.provide().await {
        Ok(Provided::Found(c)) => c,
        other => panic!("expected credentials, got {other:?}"),
    }
}

async fn nothing(provider: &impl ProvideCredentials) -> String {
    match provider.provide().await {
        Ok(Provided::NotFound(looked)) => looked,
        other => panic!("expected nothing found, got {other:?}"),
    }
}

async fn failure(provider: &impl ProvideCredentials) -> String {
    match provider.provide().await {
        Err(e @ Error::Credentials { .. }) => e.to_string(),
        other => panic!("expected a credentials error, got {other:?}"),
    }
}

/// The official Python core's profile file: `[basic]` and `[global]`, comments, any key case.
const OFFICIAL_PROFILE: &str = "\
# written as the official SDKs' documentation shows it
[basic]
ak = AKPROFILE
SK = SKPROFILE
security_token = STPROFILE
project_id: 0123456789abcdef0123456789abcdef
iam_endpoint = https://iam.cn-north-4.myhuaweicloud.com
; a comment
[global]
ak = AKGLOBAL
sk = SKGLOBAL
";

#[tokio::test]
async fn the_chain_takes_the_first_provider_that_finds_something_in_the_official_order() {
    let dir = temp_dir("order");
    let file = write(&dir, "credentials", OFFICIAL_PROFILE, 0o600);
    let env_keys = [
        ("HUAWEICLOUD_SDK_AK", "AKENV"),
        ("HUAWEICLOUD_SDK_SK", "SKENV"),
    ];
    let none = closed_port().await;
    let mut vars = env_keys.to_vec();
    vars.push(("HUAWEICLOUD_SDK_CREDENTIALS_FILE", &file));
    let c = found(&chain(&vars, &none)).await;
    assert_eq!(c.access_key_id(), Some("AKENV"), "the environment first");

    let c = found(&chain(
        &[("HUAWEICLOUD_SDK_CREDENTIALS_FILE", &file)],
        &none,
    ))
    .await;
    assert_eq!(
        c,
        Credentials::ak_sk("AKPROFILE", "SKPROFILE")
            .with_security_token("STPROFILE")
            .with_project_id("0123456789abcdef0123456789abcdef")
            .with_iam_endpoint("https://iam.cn-north-4.myhuaweicloud.com"),
        "then the profile file's [basic] section, read as the official core reads it"
    );

    // The default file under HOME.
    std::fs::create_dir_all(dir.join(".huaweicloud")).unwrap();
    write(&dir, ".huaweicloud/credentials", OFFICIAL_PROFILE, 0o600);
    let c = found(&chain(&[("HOME", dir.to_str().unwrap())], &none)).await;
    assert_eq!(c.access_key_id(), Some("AKPROFILE"));
}

#[tokio::test]
async fn pod_identity_posts_with_its_token_and_reads_the_official_answer() {
    let dir = temp_dir("pod");
    let token_file = write(&dir, "token", "pod-token-value\n", 0o600);
    let pod = Local::start(|_| {
        Answer::json(
            200,
            credential_json("AKPOD", "SKPOD", "STPOD", "2030-01-01T00:00:00.000000Z"),
        )
    })
    .await;
    let uri = format!("{}/v1/credentials", pod.url);
    let vars = [
        ("HC_CONTAINER_CREDENTIALS_FULL_URI", uri.as_str()),
        ("HC_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file.as_str()),
        ("HOME", dir.to_str().unwrap()),
    ];
    let metadata = Local::start(|_| Answer::json(500, "{}")).await;
    let c = found(&chain(&vars, &metadata.url)).await;
    assert_eq!(c.access_key_id(), Some("AKPOD"));
    assert_eq!(
        c.expires_at(),
        Some("2030-01-01T00:00:00Z".parse().unwrap())
    );
    let seen = &pod.requests()[0];
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("POST", "/v1/credentials")
    );
    assert_eq!(seen.header("authorization"), Some("pod-token-value"));
    assert_eq!(seen.body, b"{}");
    assert!(
        metadata.requests().is_empty(),
        "pod identity before the metadata service"
    );

    // Once its variable is set, a failure stops the chain, naming the source.
    let broken = Local::start(|_| Answer::json(200, r#"{"credential":{"access":"A"}}"#)).await;
    let uri = format!("{}/x", broken.url);
    let e = failure(&chain(
        &[("HC_CONTAINER_CREDENTIALS_FULL_URI", &uri)],
        &metadata.url,
    ))
    .await;
    assert!(
        e.contains("pod identity") && e.contains("no `secret`"),
        "{e}"
    );
}

#[tokio::test]
async fn the_metadata_service_with_a_session_token_and_without() {
    let with_token = Local::start(|seen| match seen.path.as_str() {
        "/meta-data/latest/api/token" => Answer::json(200, "session-token"),
        _ if seen.header("x-metadata-token") == Some("session-token") => Answer::json(
            200,
            credential_json("AKECS", "SKECS", "STECS", &in_secs(3600)),
        ),
        _ => Answer::json(401, "{}"),
    })
    .await;
    let c = found(&chain(&[], &with_token.url)).await;
    assert_eq!(c.access_key_id(), Some("AKECS"));
    let put = &with_token.requests()[0];
    assert_eq!(put.method, "PUT");
    assert_eq!(put.header("x-metadata-token-ttl-seconds"), Some("21600"));

    // The official fallback: no session token served (404, 405, 503), the tokenless GET.
    for status in [404, 405, 503] {
        let tokenless = Local::start(move |seen| match seen.path.as_str() {
            "/meta-data/latest/api/token" => Answer::json(status, "{}"),
            _ => Answer::json(
                200,
                credential_json("AKOLD", "SKOLD", "STOLD", &in_secs(3600)),
            ),
        })
        .await;
        let c = found(&chain(&[], &tokenless.url)).await;
        assert_eq!(c.access_key_id(), Some("AKOLD"), "{status}");
        assert_eq!(tokenless.requests()[1].header("x-metadata-token"), None);
    }

    let malformed = Local::start(|seen| match seen.path.as_str() {
        "/meta-data/latest/api/token" => Answer::json(404, "{}"),
        _ => Answer::json(
            200,
            r#"{"credential":{"access":"A","secret":"S","securitytoken":"T","expires_at":"soon"}}"#,
        ),
    })
    .await;
    let e = failure(&chain(&[], &malformed.url)).await;
    assert!(e.contains("ECS metadata") && e.contains("`soon`"), "{e}");
}

#[tokio::test]
async fn something_broken_stops_the_chain_and_nothing_anywhere_lists_what_was_looked_at() {
    let none = closed_port().await;
    let e = failure(&chain(&[("HUAWEICLOUD_SDK_AK", "AKONLY")], &none)).await;
    assert!(
        e.contains("the environment")
            && e.contains("HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not"),
        "{e}"
    );
    let dir = temp_dir("nothing");
    let e = nothing(&chain(&[("HOME", dir.to_str().unwrap())], &none)).await;
    for looked in [
        "environment: none of HUAWEICLOUD_SDK_AK",
        "profile file: ",
        "/.huaweicloud/credentials does not exist",
        "pod identity: HC_CONTAINER_CREDENTIALS_FULL_URI is not set",
        "ECS metadata: no answer from http://127.0.0.1",
    ] {
        assert!(e.contains(looked), "{looked}: {e}");
    }
    let e = nothing(
        &Credentials::default_chain()
            .without_metadata()
            .with_env(|_| None),
    )
    .await;
    assert!(e.contains("ECS metadata: not asked"), "{e}");
}

#[tokio::test]
async fn a_profile_file_with_wrong_syntax_permissions_or_half_a_pair_is_an_error_naming_it() {
    let dir = temp_dir("profile");
    let cases = [
        (
            "syntax",
            "[basic]\nak = A\nthis line is not a pair\n",
            0o600,
            "line 3: neither",
        ),
        (
            "twice",
            "[basic]\nak = A\nak = B\n",
            0o600,
            "key `ak` appears twice",
        ),
        ("half", "[basic]\nak = A\n", 0o600, "has `ak` but no `sk`"),
        (
            "open",
            "[basic]\nak = A\nsk = S\n",
            0o666,
            "anyone on this machine may write it",
        ),
    ];
    for (name, text, mode, expected) in cases {
        let path = write(&dir, name, text, mode);
        let e = failure(&ProfileProvider::file(&path)).await;
        assert!(e.contains(&path) && e.contains(expected), "{name}: {e}");
    }
    // A directory where the file should be cannot be read (as root, mode 000 can).
    let e = failure(&ProfileProvider::file(&dir)).await;
    assert!(e.contains("cannot be read"), "{e}");
    let missing = dir.join("missing");
    let e = failure(&ProfileProvider::file(&missing)).await;
    assert!(
        e.contains("cannot be read"),
        "a file named explicitly must exist: {e}"
    );
    // Readable by others is only warned about: the official SDKs accept it.
    let path = write(&dir, "readable", "[basic]\nak = A\nsk = S\n", 0o644);
    assert_eq!(
        found(&ProfileProvider::file(&path)).await.access_key_id(),
        Some("A")
    );
}

/// What each provider costs a call when it has nothing to offer: the time to pass to the next.
#[tokio::test]
async fn what_each_provider_costs_when_it_has_nothing() {
    let dir = temp_dir("cost");
    let home = dir.to_str().unwrap().to_owned();
    let refused = closed_port().await;
    let silent = Local::start(|_| Answer::never()).await;
    let measure = |label: &'static str, provider: DefaultChain| async move {
        let started = Instant::now();
        let _ = provider.provide().await;
        let took = started.elapsed();
        println!("{label}: {took:?}");
        took
    };
    let vars = move |h: String| move |name: &str| (name == "HOME").then(|| h.clone());
    let all_but_metadata = Credentials::default_chain()
        .without_metadata()
        .with_env(vars(home.clone()));
    let took = measure(
        "OIDC + environment + profile + pod identity, nothing",
        all_but_metadata,
    )
    .await;
    // Figures are measured (printed above), not asserted: the bounds only say that nothing waits
    // for a timeout when a source has nothing to offer.
    assert!(took < Duration::from_secs(1), "{took:?}");
    let refused_chain = Credentials::default_chain()
        .metadata_base_url(&refused)
        .with_env(vars(home.clone()));
    let took = measure(
        "... + metadata refused (its HTTP client made)",
        refused_chain.clone(),
    )
    .await;
    assert!(
        took < Duration::from_millis(1500),
        "a refused connection waits for no timeout: {took:?}"
    );
    let started = Instant::now();
    let _ = refused_chain.provide().await;
    let again = started.elapsed();
    println!("... + metadata refused, its HTTP client made already: {again:?}");
    assert!(again < Duration::from_millis(1500), "{again:?}");
    let silent_chain = Credentials::default_chain()
        .metadata_base_url(&silent.url)
        .with_env(vars(home));
    let took = measure(
        "... + metadata silent (the official 3 s timeout)",
        silent_chain,
    )
    .await;
    assert!(
        took >= Duration::from_secs(3) && took < Duration::from_secs(5),
        "a dead metadata service is given up after its 3 s: {took:?}"
    );
}
