//! Authentication like the API gateway: `X-Auth-Token`, or an SDK-HMAC-SHA256 signature.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use axum::http::HeaderMap;

pub use crate::keys::{AccessKey, Token};

/// How far `X-Sdk-Date` may be from the fake's clock, like the gateway.
pub const CLOCK_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Who a request authenticated as, and what it may act on.
pub(crate) struct Identity {
    pub id: String,
    pub name: String,
    /// The projects the credentials may act on (`None`: all).
    pub projects: Option<Vec<String>>,
    /// For a signed request: the project its `X-Project-Id` names, which must be the path's.
    pub project_header: Option<String>,
}

impl Identity {
    /// Whether these credentials may see what was sent to `project` (anything sent to no
    /// project: a path that names none).
    pub(crate) fn sees(&self, project: Option<&str>) -> bool {
        match (&self.projects, project) {
            (Some(projects), Some(project)) => projects.iter().any(|p| p == project),
            _ => true,
        }
    }

    /// Why these credentials may not act on `project`, if they may not.
    pub(crate) fn refuses(&self, project: &str) -> Option<String> {
        if let Some(header) = self.project_header.as_deref().filter(|h| *h != project) {
            return Some(format!(
                "X-Project-Id {header} is not the project of the path ({project})"
            ));
        }
        match &self.projects {
            Some(projects) if !projects.iter().any(|p| p == project) => Some(format!(
                "the credentials are not authorized for project {project}"
            )),
            _ => None,
        }
    }
}

#[derive(Default)]
pub(crate) struct Keyring {
    pub tokens: Vec<Token>,
    pub keys: HashMap<String, AccessKey>,
}

/// A refusal, answered as 401 `{"error_code":"APIGW.0301",...}`.
pub(crate) struct Refusal {
    pub code: &'static str,
    pub message: String,
}

fn refuse(code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal {
        code,
        message: message.into(),
    }
}

/// What a request's headers prove before its body is read: a known token (the whole check),
/// or a signature whose form, key, date and security token are right (the signature itself
/// needs the body's hash).
pub(crate) enum Pending {
    Token(Identity),
    Signed(Presigned),
}

/// A signed request's `Authorization`, checked as far as it can be without the body.
pub(crate) struct Presigned {
    ak: String,
    sk: String,
    signed_headers: String,
    signature: String,
    date: String,
    projects: Option<Vec<String>>,
}

fn bad(why: &str) -> Refusal {
    refuse(
        "APIGW.0301",
        format!("Incorrect IAM authentication information: {why}"),
    )
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

impl Keyring {
    /// Checks what the headers alone can prove, before any byte of body is read: a token
    /// whole; for a signature, the header's form, the access key, `X-Sdk-Date` (present,
    /// signed, within [`CLOCK_WINDOW`]) and the security token of a temporary key.
    pub(crate) fn precheck(
        &self,
        headers: &HeaderMap,
        now: SystemTime,
    ) -> Result<Pending, Refusal> {
        if let Some(authorization) = header(headers, "authorization") {
            return self
                .presign(authorization, headers, now)
                .map(Pending::Signed);
        }
        let token = header(headers, "x-auth-token");
        match token.and_then(|token| self.tokens.iter().find(|t| t.token == token)) {
            Some(known) => Ok(Pending::Token(Identity {
                id: "fake-token-user".into(),
                name: "token user".into(),
                projects: known.projects.clone(),
                project_header: None,
            })),
            None if token.is_some() => Err(refuse("APIGW.0307", "The token must be updated.")),
            None => Err(refuse(
                "APIGW.0301",
                "Incorrect IAM authentication information: no X-Auth-Token and no Authorization header",
            )),
        }
    }

    fn presign(
        &self,
        authorization: &str,
        headers: &HeaderMap,
        now: SystemTime,
    ) -> Result<Presigned, Refusal> {
        let rest = authorization
            .strip_prefix(secmaster::signer::ALGORITHM)
            .and_then(|r| r.strip_prefix(' '))
            .ok_or_else(|| bad("the Authorization header is not SDK-HMAC-SHA256"))?;
        let mut access = None;
        let mut signed_headers = None;
        let mut signature = None;
        for part in rest.split(',') {
            match part.trim().split_once('=') {
                Some(("Access", v)) => access = Some(v),
                Some(("SignedHeaders", v)) => signed_headers = Some(v),
                Some(("Signature", v)) => signature = Some(v),
                _ => {}
            }
        }
        let (Some(ak), Some(signed_headers), Some(signature)) = (access, signed_headers, signature)
        else {
            return Err(bad(
                "the Authorization header lacks Access, SignedHeaders or Signature",
            ));
        };
        let key = self.keys.get(ak).ok_or_else(|| bad("unknown access key"))?;
        let date = header(headers, "x-sdk-date").ok_or_else(|| bad("X-Sdk-Date is missing"))?;
        check_date(date, now)?;
        if !signed_headers.split(';').any(|h| h == "x-sdk-date") {
            return Err(bad("x-sdk-date is not among the signed headers"));
        }
        check_temporary(key, headers, signed_headers, now)?;
        Ok(Presigned {
            ak: ak.to_owned(),
            sk: key.sk.clone(),
            signed_headers: signed_headers.to_owned(),
            signature: signature.to_owned(),
            date: date.to_owned(),
            projects: key.projects.clone(),
        })
    }
}

/// For a temporary key: its security token sent and signed, and the key not expired. (Neither
/// the token nor the key's secret is ever put in a refusal.)
fn check_temporary(
    key: &AccessKey,
    headers: &HeaderMap,
    signed_headers: &str,
    now: SystemTime,
) -> Result<(), Refusal> {
    let Some(expected) = key.security_token.as_deref() else {
        return Ok(());
    };
    match header(headers, "x-security-token") {
        None => {
            return Err(bad(
                "the security token is missing: this access key is temporary and needs X-Security-Token",
            ));
        }
        Some(sent) if sent != expected => {
            return Err(bad(
                "the security token is not the one issued with this temporary access key",
            ));
        }
        Some(_) => {}
    }
    if !signed_headers.split(';').any(|h| h == "x-security-token") {
        return Err(bad("x-security-token is not among the signed headers"));
    }
    let now = jiff::Timestamp::try_from(now).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    match key.expires_at {
        Some(at) if at <= now => Err(bad(&format!(
            "the security token has expired (the temporary access key expired at {at})"
        ))),
        _ => Ok(()),
    }
}

/// `X-Sdk-Date` in its format and within [`CLOCK_WINDOW`] of `now`.
fn check_date(date: &str, now: SystemTime) -> Result<(), Refusal> {
    let signed_at = jiff::fmt::strtime::parse("%Y%m%dT%H%M%SZ", date)
        .and_then(|t| t.to_datetime())
        .and_then(|dt| jiff::tz::Offset::UTC.to_timestamp(dt))
        .map_err(|_| bad("X-Sdk-Date is not %Y%m%dT%H%M%SZ"))?;
    let now = jiff::Timestamp::try_from(now).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let skew = now.as_second().abs_diff(signed_at.as_second());
    if skew > CLOCK_WINDOW.as_secs() {
        return Err(bad(
            "the signature has expired: X-Sdk-Date is more than 15 minutes from the server's time",
        ));
    }
    Ok(())
}

/// The request line a signature covers.
pub(crate) struct Line<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
}

impl Pending {
    /// The identity, once the body is read: for a signature, checked over the request's
    /// signed headers and the body's hash.
    pub(crate) fn finish(
        self,
        line: &Line<'_>,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Identity, Refusal> {
        let p = match self {
            Self::Token(identity) => return Ok(identity),
            Self::Signed(p) => p,
        };
        let mut pairs = Vec::new();
        for name in p.signed_headers.split(';') {
            let value = header(headers, name)
                .ok_or_else(|| bad(&format!("signed header {name} is missing")))?;
            pairs.push((name, value));
        }
        check_content_sha256(&pairs, header(headers, "content-type"), body).map_err(bad)?;
        let request = secmaster::signer::Request {
            method: line.method,
            path: line.path,
            query: line.query,
            headers: &pairs,
            body,
        };
        let expected = secmaster::signer::sign(&request, &p.ak, &p.sk, &p.date);
        let sent = format!("Signature={}", p.signature);
        if !expected.authorization.ends_with(&sent) {
            // The gateway echoes its canonical request so that clients can compare.
            return Err(bad(&format!(
                "signature mismatch; canonical request: {:?}",
                expected.canonical_request
            )));
        }
        Ok(Identity {
            id: format!("ak-{}", p.ak),
            name: format!("AK {}", p.ak),
            projects: p.projects,
            project_header: header(headers, "x-project-id").map(str::to_owned),
        })
    }
}

/// What stands for the body's hash, when the signed headers say: its real hash, or, for an
/// upload (not JSON), `UNSIGNED-PAYLOAD` as the official cores send it. Anything else would let
/// a body through unsigned.
fn check_content_sha256(
    signed: &[(&str, &str)],
    content_type: Option<&str>,
    body: &[u8],
) -> Result<(), &'static str> {
    let Some((_, declared)) = signed
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(secmaster::signer::CONTENT_SHA256))
    else {
        return Ok(());
    };
    let declared = declared.trim();
    let json = content_type.is_some_and(|c| {
        c.trim_start()
            .to_ascii_lowercase()
            .starts_with("application/json")
    });
    let upload = declared == "UNSIGNED-PAYLOAD" && !json;
    if upload || declared == secmaster::signer::payload_hash(body) {
        Ok(())
    } else {
        Err(
            "X-Sdk-Content-Sha256 must be the body's SHA-256, or UNSIGNED-PAYLOAD for an upload that is not JSON",
        )
    }
}
