//! Several endpoints for one region (`HUAWEICLOUD_SDK_REGION_SECMASTER_<REGION>` or the regions
//! file list them): an attempt moves to the next when one refuses the connection or the TLS
//! handshake, as the official clients do, and later calls start where the last one succeeded.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::header::HeaderValue;

use super::attempt::{Exchange, attempt, refused_connection};
use super::request::Prepared;
use crate::Error;
use crate::client::Inner;
use crate::endpoint::Endpoint;

/// A client's endpoints: the first is the one calls are prepared for.
pub(crate) struct Endpoints {
    pub list: Vec<Endpoint>,
    current: AtomicUsize,
}

impl Endpoints {
    pub(crate) fn new(list: Vec<Endpoint>) -> Self {
        Self {
            list,
            current: AtomicUsize::new(0),
        }
    }
}

/// `prepared` sent to `to` instead of `from`, the endpoint it was prepared for.
fn rebase(prepared: &Prepared, from: &Endpoint, to: &Endpoint) -> Prepared {
    let path = prepared.url.path();
    let rest = path
        .strip_prefix(from.url.path().trim_end_matches('/'))
        .unwrap_or(path);
    let mut url = to.url.clone();
    url.set_path(&format!("{}{rest}", to.url.path().trim_end_matches('/')));
    url.set_query(prepared.url.query());
    Prepared {
        url,
        ..prepared.clone()
    }
}

/// One attempt, on the current endpoint, then on each other one while they refuse.
pub(super) async fn send(
    inner: &Inner,
    prepared: &Prepared,
    timeout: Duration,
    limit: usize,
    attempt_no: u32,
) -> Result<Exchange, Error> {
    let endpoints = &inner.endpoints;
    let n = endpoints.list.len();
    if n <= 1 {
        return attempt(inner, prepared, None, timeout, limit, attempt_no).await;
    }
    let start = endpoints.current.load(Ordering::Relaxed) % n;
    let mut last = None;
    for k in 0..n {
        let i = (start + k) % n;
        let to = &endpoints.list[i];
        let rebased = (i != 0).then(|| rebase(prepared, &endpoints.list[0], to));
        let host = HeaderValue::from_str(&to.host).expect("a URL's host");
        let result = attempt(
            inner,
            rebased.as_ref().unwrap_or(prepared),
            Some(&host),
            timeout,
            limit,
            attempt_no,
        )
        .await;
        match result {
            Err(Error::Transport { ref source, .. }) if refused_connection(source) => {
                tracing::warn!(endpoint = %to.base, "the endpoint refused; trying the next one");
                last = result.err();
            }
            other => {
                endpoints.current.store(i, Ordering::Relaxed);
                return other;
            }
        }
    }
    Err(Error::AllEndpointsFailed {
        endpoints: endpoints.list.iter().map(|e| e.base.clone()).collect(),
        source: Box::new(last.expect("at least two endpoints were tried")),
    })
}

#[cfg(test)]
mod tests {
    use secmaster_testkit::TestServer;

    use crate::{Client, Credentials, Error};

    /// A loopback port with nothing listening.
    async fn closed() -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        url
    }

    fn client(endpoints: String) -> Client {
        let lookup = move |name: &str| {
            (name == "HUAWEICLOUD_SDK_REGION_SECMASTER_XX_1").then(|| endpoints.clone())
        };
        Client::builder()
            .region("xx-1")
            .credentials(Credentials::ak_sk("AK", "SK"))
            .retry(crate::RetryPolicy::none())
            .build_with_env(lookup)
            .unwrap()
    }

    #[tokio::test]
    async fn a_refused_connection_or_tls_handshake_moves_to_the_next_endpoint() {
        let live = TestServer::start(vec![]).await;
        // An https endpoint whose server answers the TLS hello in plain HTTP: the handshake fails.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let not_tls = format!("https://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            while let Ok((mut socket, _)) = listener.accept().await {
                let _ = socket.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
            }
        });
        let c = client(format!(
            "{}, {not_tls}, {}/prefix",
            closed().await,
            live.url
        ));
        for _ in 0..2 {
            let result = c.show_workflow("p", "w", "f").send().await;
            assert!(
                !matches!(
                    result,
                    Err(Error::Transport { .. } | Error::AllEndpointsFailed { .. })
                ),
                "{result:?}"
            );
        }
        let paths: Vec<String> = live.requests().iter().map(|r| r.target.clone()).collect();
        assert_eq!(paths.len(), 2, "both calls reached the third endpoint");
        assert!(
            paths[0].starts_with("/prefix/v1/p/workspaces/w/"),
            "{paths:?}"
        );
        assert_eq!(
            live.requests()[0].header("host"),
            Some(live.url.trim_start_matches("http://")),
            "the signed Host is the endpoint's own"
        );
    }

    #[tokio::test]
    async fn when_every_endpoint_refuses_the_error_says_so() {
        let (a, b) = (closed().await, closed().await);
        let e = client(format!("{a},{b}"))
            .show_workflow("p", "w", "f")
            .send()
            .await
            .unwrap_err();
        let shown = e.to_string();
        assert!(matches!(e, Error::AllEndpointsFailed { .. }), "{e:?}");
        assert!(shown.contains(&a) && shown.contains(&b), "{shown}");
        assert!(e.is_retryable());
    }

    #[test]
    fn the_regions_file_lists_a_regions_endpoints() {
        let dir = std::env::temp_dir().join(format!("secmaster-regions-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("regions.yaml");
        std::fs::write(
            &file,
            "SECMASTER:\n  - id: xx-1\n    endpoint: https://a.example.com\n  - id: xx-2\n    endpoints: [https://b.example.com, https://c.example.com]\nIAM:\n  - id: xx-1\n    endpoint: https://iam.example.com\n",
        )
        .unwrap();
        let path = file.to_str().unwrap().to_owned();
        let lookup = |name: &str| (name == "HUAWEICLOUD_SDK_REGIONS_FILE").then(|| path.clone());
        let found = |region| crate::endpoint::for_region(region, lookup);
        assert_eq!(found("xx-1").unwrap(), ["https://a.example.com"]);
        assert_eq!(
            found("xx-2").unwrap(),
            ["https://b.example.com", "https://c.example.com"]
        );
        assert_eq!(
            found("cn-north-4").unwrap(),
            ["https://secmaster.cn-north-4.myhuaweicloud.com"],
            "the table after the file"
        );
        std::fs::write(&file, "SECMASTER: [oops").unwrap();
        let e = found("xx-1").unwrap_err().to_string();
        assert!(e.contains("regions file") && e.contains(&path), "{e}");
    }
}
