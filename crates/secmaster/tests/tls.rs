//! `https://` endpoints go through TLS with either TLS feature (`tls-aws-lc`, the default, or
//! `tls-ring`), and a failed handshake is a typed connection error, not a panic.

#![cfg(any(feature = "tls-ring", feature = "tls-aws-lc"))]

use secmaster::{Client, Credentials, Error, RetryPolicy};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

#[tokio::test]
async fn an_https_endpoint_gets_a_tls_client_hello_and_a_failed_handshake_is_a_connect_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    // Reads the first bytes the client sends, then hangs up without answering the handshake.
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut first = [0u8; 3];
        socket.read_exact(&mut first).await.unwrap();
        first
    });

    let client = Client::builder()
        .endpoint(format!("https://127.0.0.1:{port}"))
        .credentials(Credentials::token("t"))
        .retry(RetryPolicy::none())
        .build()
        .expect("TLS is set up without the application installing a crypto provider");
    let error = client
        .update_workflow("p", "w", "f")
        .disable()
        .send()
        .await
        .unwrap_err();

    let first = tokio::time::timeout(std::time::Duration::from_secs(10), server)
        .await
        .expect("the client connected and spoke first")
        .unwrap();
    assert_eq!(first[0], 0x16, "a TLS handshake record");
    assert_eq!(first[1], 0x03, "TLS major version 3");
    assert!(
        matches!(
            error,
            Error::Transport {
                connect: true,
                attempts: 1,
                ..
            }
        ),
        "{error:?}"
    );
}

/// `tls-ring` turns on reqwest's `rustls-no-provider`, under which any reqwest client built
/// without a process-wide crypto provider panics; with both TLS features (two crates of one build
/// choosing differently) rustls has two providers and picks no default itself. Either way,
/// building a secmaster client leaves rustls with a default, so the application's own rustls and
/// reqwest clients (and the generated bindings' `Client::new`) keep working.
#[cfg(feature = "tls-ring")]
#[test]
fn after_a_client_is_built_other_rustls_and_reqwest_clients_have_a_crypto_provider() {
    Client::builder()
        .endpoint("https://secmaster.cn-north-4.myhuaweicloud.com")
        .credentials(Credentials::token("t"))
        .build()
        .unwrap();
    assert!(rustls::crypto::CryptoProvider::get_default().is_some());
    let _ = rustls::ClientConfig::builder();
    reqwest::Client::new();
    secmaster::bindings::Client::new("https://example.com", Default::default());
}

mod private_ca {
    //! A TLS-inspecting gateway's private CA: trusted once added with `add_root_certificate`,
    //! under either TLS feature; and HTTPS through a proxy (CONNECT). The certificates are
    //! `tests/certs/` (`make.sh` there made them): a CA, and a server certificate it signs for
    //! `secmaster.test.invalid` and 127.0.0.1.

    use std::net::SocketAddr;
    use std::sync::{Arc, Mutex};

    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use secmaster::{Client, Credentials, Error, RetryPolicy};
    use secmaster_testkit::examples::UPDATE_200;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    const CA: &str = include_str!("certs/ca.pem");
    const CERT: &str = include_str!("certs/server.pem");
    const KEY: &str = include_str!("certs/server.key");

    fn provider() -> Arc<rustls::crypto::CryptoProvider> {
        #[cfg(feature = "tls-aws-lc")]
        let provider = rustls::crypto::aws_lc_rs::default_provider();
        #[cfg(not(feature = "tls-aws-lc"))]
        let provider = rustls::crypto::ring::default_provider();
        Arc::new(provider)
    }

    /// A TLS server answering every request with the page's 200.
    async fn tls_server() -> SocketAddr {
        let certs = vec![CertificateDer::from_pem_slice(CERT.as_bytes()).unwrap()];
        let key = PrivateKeyDer::from_pem_slice(KEY.as_bytes()).unwrap();
        let config = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(socket).await else {
                        return;
                    };
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        if tls.read(&mut byte).await.unwrap_or(0) == 0 {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
                    let length: usize = text
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length: "))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    let mut body = vec![0u8; length];
                    let _ = tls.read_exact(&mut body).await;
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{UPDATE_200}",
                        UPDATE_200.len()
                    );
                    let _ = tls.write_all(answer.as_bytes()).await;
                    let _ = tls.shutdown().await;
                });
            }
        });
        addr
    }

    fn builder(endpoint: &str) -> secmaster::ClientBuilder {
        Client::builder()
            .endpoint(endpoint)
            .credentials(Credentials::token("t"))
            .retry(RetryPolicy::none())
            .no_proxy()
    }

    async fn rename(client: &Client) -> Result<(), Error> {
        let call = client.update_workflow("p", "w", "f").name("n");
        call.send().await.map(drop)
    }

    #[tokio::test]
    async fn a_private_ca_is_trusted_once_added() {
        let addr = tls_server().await;
        let endpoint = format!("https://127.0.0.1:{}", addr.port());
        let e = rename(&builder(&endpoint).build().unwrap())
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Transport { connect: true, .. }), "{e:?}");
        assert!(
            e.to_string().to_ascii_lowercase().contains("certificate"),
            "says why: {e}"
        );
        assert!(
            !e.is_retryable(),
            "a refused certificate is refused again: {e:?}"
        );
        // Nor is it retried, whatever the operation's retry class: a create (sent again only when
        // it surely never arrived) makes one attempt too.
        let retrying = builder(&endpoint)
            .retry(RetryPolicy::default().initial_backoff(std::time::Duration::from_millis(1)))
            .build()
            .unwrap();
        for create in [false, true] {
            let e = if create {
                let call = retrying
                    .create_workflow("p", "w")
                    .name("n")
                    .dataclass_id("d");
                call.aop_type(secmaster::AopType::Normal)
                    .send()
                    .await
                    .map(drop)
            } else {
                rename(&retrying).await
            }
            .unwrap_err();
            assert!(
                matches!(e, Error::Transport { attempts: 1, .. }),
                "create {create}: {e:?}"
            );
        }
        let trusting = builder(&endpoint).add_root_certificate(CA).build().unwrap();
        rename(&trusting).await.unwrap();
        let e = builder(&endpoint).add_root_certificate("not PEM").build();
        assert!(e.is_err(), "a root that is not PEM is refused at build");
    }

    #[tokio::test]
    async fn https_goes_through_a_proxy_with_connect() {
        let server = tls_server().await;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if socket.read(&mut byte).await.unwrap_or(0) == 0 {
                        break;
                    }
                    head.push(byte[0]);
                }
                let line = String::from_utf8_lossy(&head)
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                log.lock().unwrap().push(line);
                // Whatever host was asked for, the tunnel leads to the local TLS server.
                let mut upstream = tokio::net::TcpStream::connect(server).await.unwrap();
                socket
                    .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
                    .await
                    .unwrap();
                tokio::spawn(async move {
                    let _ = tokio::io::copy_bidirectional(&mut socket, &mut upstream).await;
                });
            }
        });
        let client = builder("https://secmaster.test.invalid")
            .proxy(&proxy)
            .add_root_certificate(CA)
            .build()
            .unwrap();
        rename(&client).await.unwrap();
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen, ["CONNECT secmaster.test.invalid:443 HTTP/1.1"]);
    }
}
