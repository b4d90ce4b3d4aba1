//! Secrets a server may echo back (a gateway may echo the canonical request, which holds the
//! signed `X-Security-Token`) are replaced by `***` before they reach an error.

use std::sync::RwLock;

use bytes::Bytes;
use reqwest::header::HeaderValue;

use crate::Error;
use crate::credentials::Credential;
use crate::error::ServiceError;
use crate::runtime::Exchange;

/// The shortest secret replaced in answers themselves (bodies, headers) before they are read.
const MIN_BODY_SECRET: usize = 8;

/// The secrets of one client: its token, or its SK and security token, and a proxy's password;
/// and every secret its credentials provider has given since (added as they arrive).
#[derive(Default)]
pub(crate) struct Redactor {
    secrets: RwLock<Vec<String>>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Redactor(***)")
    }
}

impl Redactor {
    pub(crate) fn new(credential: &Credential, proxy_secrets: Vec<String>) -> Self {
        let mut secrets: Vec<String> = match credential {
            Credential::Token(t) => vec![t.expose().to_owned()],
            Credential::AkSk {
                sk, security_token, ..
            } => std::iter::once(sk.expose())
                .chain(security_token.as_ref().map(|t| t.expose()))
                .map(str::to_owned)
                .collect(),
        };
        secrets.extend(proxy_secrets);
        secrets.retain(|s| !s.is_empty());
        Self {
            secrets: RwLock::new(secrets),
        }
    }

    /// The proxy's secrets only, for a client whose credentials come from a provider.
    pub(crate) fn for_proxy(proxy_secrets: Vec<String>) -> Self {
        Self::of(proxy_secrets)
    }

    /// These secrets (a provider's own, such as an OIDC ID token, for the errors it makes).
    pub(crate) fn of(mut secrets: Vec<String>) -> Self {
        secrets.retain(|s| !s.is_empty());
        Self {
            secrets: RwLock::new(secrets),
        }
    }

    /// Adds secrets a provider gave (the old ones stay: an old key is still a secret).
    pub(crate) fn add<'a>(&self, new: impl IntoIterator<Item = &'a str>) {
        let mut secrets = self.secrets.write().expect("never poisoned");
        for secret in new {
            if !secret.is_empty() && !secrets.iter().any(|s| s == secret) {
                secrets.push(secret.to_owned());
            }
        }
    }

    /// `text` with every secret replaced by `***`.
    pub(crate) fn text(&self, text: String) -> String {
        let secrets = self.secrets.read().expect("never poisoned");
        secrets.iter().fold(text, |text, secret| {
            if text.contains(secret.as_str()) {
                text.replace(secret.as_str(), "***")
            } else {
                text
            }
        })
    }

    /// An answer as read from the wire, with every secret in its body (when it is text) and its
    /// header values replaced: what every decoder then reads, so that no field, map key, status
    /// or request id of any answer can carry one.
    pub(crate) fn exchange(&self, exchange: &mut Exchange) {
        let secrets = self.secrets.read().expect("never poisoned");
        // Only secrets long enough not to be any answer's ordinary text (real keys and tokens
        // are tens of characters and more; a test's token `t` is not replaced in a body).
        let long: Vec<&str> = secrets
            .iter()
            .map(String::as_str)
            .filter(|s| s.len() >= MIN_BODY_SECRET)
            .collect();
        if long.is_empty() {
            return;
        }
        let replace = |text: &str| -> Option<String> {
            long.iter().any(|s| text.contains(s)).then(|| {
                long.iter()
                    .fold(text.to_owned(), |text, secret| text.replace(secret, "***"))
            })
        };
        // The body is searched as bytes first (SIMD, no UTF-8 pass): most answers hold no
        // secret, and a page of a list is tens of KiB read on every call.
        let holds_one = long
            .iter()
            .any(|s| memchr::memmem::find(&exchange.body, s.as_bytes()).is_some());
        if holds_one && let Some(body) = std::str::from_utf8(&exchange.body).ok().and_then(replace)
        {
            exchange.body = Bytes::from(body);
        }
        for value in exchange.headers.values_mut() {
            if let Some(text) = value.to_str().ok().and_then(replace) {
                *value = HeaderValue::from_str(&text).expect("was a header value");
            }
        }
    }

    /// `error` with every secret in any text it holds replaced: the one place every error of a
    /// call passes (the attempt loop), whatever its variant.
    pub(crate) fn error(&self, error: Error) -> Error {
        let text = |t: String| self.text(t);
        let some = |t: Option<String>| t.map(|t| self.text(t));
        match error {
            Error::Service(mut e) => {
                self.service_error(&mut e);
                Error::Service(e)
            }
            Error::Decode {
                status,
                path,
                reason,
                request_id,
            } => Error::Decode {
                status,
                path: text(path),
                reason: text(reason),
                request_id: some(request_id),
            },
            Error::ResponseTooLarge {
                status,
                limit,
                setter,
                request_id,
            } => Error::ResponseTooLarge {
                status,
                limit,
                setter,
                request_id: some(request_id),
            },
            Error::OutcomeUnknown {
                operation,
                how_to_check,
                source,
            } => Error::OutcomeUnknown {
                operation,
                how_to_check,
                source: Box::new(self.error(*source)),
            },
            Error::WaitTimedOut {
                what,
                waited,
                last_status,
            } => Error::WaitTimedOut {
                what,
                waited,
                last_status: some(last_status),
            },
            Error::Credentials { provider, reason } => Error::Credentials {
                provider: text(provider),
                reason: text(reason),
            },
            Error::Config(reason) => Error::Config(text(reason)),
            Error::InvalidInput { field, reason } => Error::InvalidInput {
                field,
                reason: text(reason),
            },
            // No server text (a transport failure's causes are the client's own), or none at all.
            other => other,
        }
    }

    pub(crate) fn service_error(&self, error: &mut ServiceError) {
        for field in [&mut error.code, &mut error.message, &mut error.request_id] {
            if let Some(text) = field.take() {
                *field = Some(self.text(text));
            }
        }
    }
}

/// Collapses whitespace runs (an HTML error page's newlines) so Display stays on one line, and
/// writes control characters (ESC, BEL, ...) and bidirectional formatting characters (U+202E,
/// ...) as escapes, so that text a server chose cannot drive a terminal or reorder a log line.
pub(crate) fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        for c in word.chars() {
            if c.is_control() || is_bidi_control(c) {
                out.extend(c.escape_unicode());
            } else {
                out.push(c);
            }
        }
    }
    out
}

/// The characters that change the direction of the text around them (Unicode's bidi controls).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}
