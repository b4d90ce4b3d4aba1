//! The network a company has: `HTTP_PROXY` and its kin in the environment are used for remote
//! endpoints and never for a loopback one (the local fake) unless asked; `.proxy(url)` and
//! `.no_proxy()` say so explicitly; a proxy's password never shows. Against a local proxy that
//! reads absolute-form requests (CONNECT for HTTPS is in `tests/tls.rs`).
//!
//! Tests that need a proxy in the environment run in a child process (this test binary again,
//! with the variables set), since the environment cannot be changed safely in a running test.

use std::process::Command;
use std::sync::{Arc, Mutex};

use secmaster::{Client, Credentials, Error, RetryPolicy};
use secmaster_testkit::examples::UPDATE_200;
use secmaster_testkit::ids::{PROJECT, WORKFLOW, WORKSPACE};
use secmaster_testkit::{Reply, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Set in the child process: which case to run.
const CHILD_CASE: &str = "SECMASTER_PROXY_TEST_CASE";
/// Set in the child process: the endpoint to call.
const CHILD_ENDPOINT: &str = "SECMASTER_PROXY_TEST_ENDPOINT";
const REMOTE: &str = "http://secmaster.test.invalid";

/// What a proxy saw of each request: its request line and its `Proxy-Authorization`.
type Seen = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// A proxy that answers every absolute-form request itself with the page's 200, recording each
/// request line and its `Proxy-Authorization`.
struct Proxy {
    url: String,
    seen: Seen,
}

impl Proxy {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen: Seen = Arc::default();
        let log = seen.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let log = log.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        if socket.read(&mut byte).await.unwrap_or(0) == 0 {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    let head = String::from_utf8_lossy(&head).into_owned();
                    let line = head.lines().next().unwrap_or_default().to_owned();
                    let auth = head
                        .lines()
                        .find_map(|l| l.strip_prefix("proxy-authorization: "))
                        .map(str::to_owned);
                    let length: usize = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length: ")
                                .map(str::to_owned)
                        })
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    let mut body = vec![0u8; length];
                    let _ = socket.read_exact(&mut body).await;
                    log.lock().unwrap().push((line, auth));
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{UPDATE_200}",
                        UPDATE_200.len()
                    );
                    let _ = socket.write_all(answer.as_bytes()).await;
                });
            }
        });
        Self { url, seen }
    }

    fn seen(&self) -> Vec<(String, Option<String>)> {
        self.seen.lock().unwrap().clone()
    }
}

fn builder(endpoint: &str) -> secmaster::ClientBuilder {
    Client::builder()
        .endpoint(endpoint)
        .allow_insecure_http(true)
        .credentials(Credentials::token("t"))
        .retry(RetryPolicy::none())
}

async fn rename(client: &Client) -> Result<(), Error> {
    let call = client
        .update_workflow(PROJECT, WORKSPACE, WORKFLOW)
        .name("n");
    call.send().await.map(drop)
}

/// Runs `case` of [`child`] in a child process with `HTTP_PROXY` set (and no other proxy
/// variable), calling `endpoint`; panics with its output when it fails.
async fn in_child(case: &str, proxy: &str, endpoint: &str) {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args(["child", "--exact", "--nocapture", "--test-threads=1"]);
    for var in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "NO_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "no_proxy",
    ] {
        command.env_remove(var);
    }
    command
        .env("HTTP_PROXY", proxy)
        .env(CHILD_CASE, case)
        .env(CHILD_ENDPOINT, endpoint);
    let out = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && said.contains("1 passed"),
        "child `{case}` failed:\n{said}"
    );
}

/// The child's side: does nothing unless run by [`in_child`].
#[tokio::test]
async fn child() {
    let (Ok(case), Ok(endpoint)) = (std::env::var(CHILD_CASE), std::env::var(CHILD_ENDPOINT))
    else {
        return;
    };
    match case.as_str() {
        "default" => rename(&builder(&endpoint).build().unwrap()).await.unwrap(),
        "no-proxy" => {
            let e = rename(&builder(&endpoint).no_proxy().build().unwrap())
                .await
                .unwrap_err();
            assert!(
                matches!(e, Error::Transport { connect: true, .. }),
                "reached directly, and there is no such host: {e}"
            );
        }
        other => panic!("no case {other}"),
    }
}

#[tokio::test]
async fn the_environments_proxy_serves_remote_endpoints_and_never_the_loopback_one() {
    let proxy = Proxy::start().await;
    let server = TestServer::start(vec![Reply::ok()]).await;

    in_child("default", &proxy.url, &server.url).await;
    assert_eq!(
        server.requests().len(),
        1,
        "the local endpoint was reached directly"
    );
    assert!(proxy.seen().is_empty(), "{:?}", proxy.seen());

    in_child("default", &proxy.url, REMOTE).await;
    let [(line, _)] = proxy.seen().try_into().unwrap();
    assert_eq!(
        line,
        format!(
            "PUT {REMOTE}/v1/{PROJECT}/workspaces/{WORKSPACE}/soc/workflows/{WORKFLOW} HTTP/1.1"
        ),
        "absolute form, through the proxy"
    );

    in_child("no-proxy", &proxy.url, REMOTE).await;
    assert_eq!(proxy.seen().len(), 1, ".no_proxy() ignores the environment");
}

#[tokio::test]
async fn an_explicit_proxy_serves_even_loopback_and_its_password_never_shows() {
    let proxy = Proxy::start().await;
    let server = TestServer::start(vec![]).await;
    let with_password = proxy.url.replace("http://", "http://ops:s3cret@");
    let client = builder(&server.url).proxy(&with_password).build().unwrap();
    rename(&client).await.unwrap();
    assert!(
        server.requests().is_empty(),
        "asked for: the proxy, not the endpoint"
    );
    let [(line, auth)] = proxy.seen().try_into().unwrap();
    assert!(
        line.starts_with(&format!("PUT {}/v1/", server.url)),
        "{line}"
    );
    // "ops:s3cret" in Base64.
    assert_eq!(auth.as_deref(), Some("Basic b3BzOnMzY3JldA=="));
    let shown = format!("{client:?}");
    assert!(
        !shown.contains("s3cret") && shown.contains("***:***@"),
        "{shown}"
    );

    // A proxy that is not there: the error says so, without the password.
    let gone = with_password.replace(&proxy.url["http://".len()..], "127.0.0.1:1");
    let e = rename(&builder(&server.url).proxy(&gone).build().unwrap())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Transport { connect: true, .. }), "{e:?}");
    assert!(!format!("{e} {e:?}").contains("s3cret"), "{e:?}");

    // Without a scheme reqwest would still send the password; it is refused, and never shown.
    for bad in [
        "not a url",
        "ops:s3cret@proxy.corp.example:3128",
        "ftp://ops:s3cret@proxy",
    ] {
        let b = builder(&server.url).proxy(bad);
        assert!(!format!("{b:?}").contains("s3cret"), "{b:?}");
        let e = b.build().unwrap_err();
        assert!(matches!(e, Error::Config(_)), "{e}");
        assert!(!e.to_string().contains("s3cret"), "{e}");
    }
}
