//! Which proxy a client's requests go through, and what of it may be shown.

/// Which proxy requests go through.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Proxy {
    /// `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` (reqwest reads them), except for a
    /// loopback endpoint, which is never proxied unless asked.
    Environment,
    /// This one, for every request (a loopback endpoint too).
    Url(String),
    /// None, whatever the environment says.
    None,
}

/// A proxy URL as the client reads it, and as reqwest gets it: a scheme it speaks, and a host.
/// Anything else (`user:password@host:3128` without a scheme, which reqwest would still take) is
/// refused, so that what is sent and what is redacted are the same URL.
pub(crate) fn proxy_url(text: &str) -> Option<reqwest::Url> {
    let url = reqwest::Url::parse(text).ok()?;
    let scheme_ok = matches!(url.scheme(), "http" | "https" | "socks5" | "socks5h");
    (scheme_ok && url.host_str().is_some_and(|h| !h.is_empty())).then_some(url)
}

impl Proxy {
    /// What Debug and errors may show: the proxy URL with its user name and password replaced by
    /// `***`, or nothing of it when it is not a proxy URL.
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::Environment => "from the environment (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY; not for loopback)".to_owned(),
            Self::None => "none".to_owned(),
            Self::Url(text) => match proxy_url(text) {
                Some(mut url) => {
                    if !url.username().is_empty() {
                        let _ = url.set_username("***");
                    }
                    if url.password().is_some() {
                        let _ = url.set_password(Some("***"));
                    }
                    url.to_string()
                }
                None => "(not a proxy URL)".to_owned(),
            },
        }
    }

    /// The proxy URL's password, decoded, for redaction (a user name is no secret: Debug hides it,
    /// but replacing it in every server message would mangle them).
    pub(crate) fn secrets(&self) -> Vec<String> {
        let Self::Url(text) = self else {
            return Vec::new();
        };
        let Some(url) = proxy_url(text) else {
            return Vec::new();
        };
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        url.password()
            .filter(|p| !p.is_empty())
            .map(decode)
            .into_iter()
            .collect()
    }
}
