//! TLS for the client's reqwest: the selected feature's provider (ARCHITECTURE.md, TLS), and the
//! extra root certificates of `ClientBuilder::add_root_certificate`.

#[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc")))]
use std::sync::Arc;

use crate::Error;

/// What `add_root_certificate` was given holds no certificate.
#[cfg(any(feature = "tls-ring", feature = "tls-aws-lc"))]
fn no_certificate() -> Error {
    Error::Config(
        "a root certificate given to add_root_certificate holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
            .into(),
    )
}

/// The TLS set-up of reqwest's own rustls (aws-lc-rs), with the extra root certificates merged
/// into the platform's.
#[cfg(feature = "tls-aws-lc")]
pub(crate) fn configure(
    http: reqwest::ClientBuilder,
    roots: &[Vec<u8>],
) -> Result<reqwest::ClientBuilder, Error> {
    #[cfg(feature = "tls-ring")]
    aws_lc_as_default_provider();
    let mut certs = Vec::new();
    for pem in roots {
        let bundle = reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|e| Error::Config(format!("a root certificate is not PEM: {e}")))?;
        if bundle.is_empty() {
            return Err(no_certificate());
        }
        certs.extend(bundle);
    }
    Ok(if certs.is_empty() {
        http
    } else {
        http.tls_certs_merge(certs)
    })
}

/// The TLS set-up of `tls-ring`: this crate's own rustls configuration.
#[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc")))]
pub(crate) fn configure(
    http: reqwest::ClientBuilder,
    roots: &[Vec<u8>],
) -> Result<reqwest::ClientBuilder, Error> {
    Ok(http.tls_backend_preconfigured(ring_tls_config(roots)?))
}

/// No TLS feature: `http://` endpoints only, so extra roots have nothing to go into.
#[cfg(not(any(feature = "tls-ring", feature = "tls-aws-lc")))]
pub(crate) fn configure(
    http: reqwest::ClientBuilder,
    roots: &[Vec<u8>],
) -> Result<reqwest::ClientBuilder, Error> {
    if roots.is_empty() {
        Ok(http)
    } else {
        Err(Error::Config(
            "add_root_certificate needs a TLS feature (tls-aws-lc or tls-ring); this build has none"
                .into(),
        ))
    }
}

/// rustls on the ring crypto provider, verifying servers as reqwest's default does (the
/// platform's verifier and roots), for TLS 1.2 and 1.3; this client uses it whatever the
/// process-wide default provider is.
///
/// `tls-ring` turns on reqwest's `rustls-no-provider`, under which any reqwest client built while
/// rustls has no process-wide default provider panics. So that the application's own reqwest
/// clients keep working, ring becomes that default here when none is set (an application's
/// choice, made before, stands).
#[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc")))]
fn ring_tls_config(roots: &[Vec<u8>]) -> Result<rustls::ClientConfig, Error> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let tls_error = |e: rustls::Error| Error::Config(format!("cannot set up TLS: {e}"));
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Err only when another thread installed one first: that one stands.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut extra = Vec::new();
    for pem in roots {
        let before = extra.len();
        for cert in CertificateDer::pem_slice_iter(pem) {
            extra.push(
                cert.map_err(|e| Error::Config(format!("a root certificate is not PEM: {e}")))?,
            );
        }
        if extra.len() == before {
            return Err(no_certificate());
        }
    }
    let verifier = if extra.is_empty() {
        rustls_platform_verifier::Verifier::new(provider.clone())
    } else {
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone())
    }
    .map_err(tls_error)?;
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

/// With both TLS features, rustls has both providers compiled in and picks no process-wide
/// default by itself, so any rustls code asking for one would panic; reqwest (and this client)
/// use aws-lc-rs, which becomes that default here when none is set.
#[cfg(all(feature = "tls-ring", feature = "tls-aws-lc"))]
fn aws_lc_as_default_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Err only when another thread installed one first: that one stands.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    }
}
