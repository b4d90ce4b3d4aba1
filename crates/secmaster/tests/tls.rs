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
