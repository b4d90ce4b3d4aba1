//! AK/SK request signing, SDK-HMAC-SHA256, byte for byte the algorithm of the official Huawei
//! Cloud SDK cores (checked against vectors they produced: `tests/vectors/`).
//!
//! The client signs for you; this module is public for signing other Huawei Cloud requests and
//! for servers that verify signatures (such as a test fake).
//!
//! ```
//! use secmaster::signer::{Request, sign};
//!
//! let headers = [
//!     ("Content-Type", "application/json"),
//!     ("Host", "secmaster.cn-north-4.myhuaweicloud.com"),
//!     ("X-Sdk-Date", "20240101T000000Z"),
//! ];
//! let request = Request { method: "PUT", path: "/v1/p/x", query: None, headers: &headers, body: b"{}" };
//! let signature = sign(&request, "AK", "SK", "20240101T000000Z");
//! assert!(signature.authorization.starts_with("SDK-HMAC-SHA256 Access=AK, SignedHeaders=content-type;host;x-sdk-date, Signature="));
//! ```

use std::fmt::Write as _;
use std::time::SystemTime;

use hmac::{KeyInit, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha2::{Digest, Sha256};

/// The algorithm name, first word of the `Authorization` header.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// Everything but `A-Za-z0-9-_.~` is percent-encoded (upper-case hex), as in the official cores.
pub(crate) const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A source of the current time, injectable so that signatures can be tested at a fixed date.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// #[derive(Debug)]
/// struct Fixed(SystemTime);
/// impl secmaster::Clock for Fixed {
///     fn now(&self) -> SystemTime { self.0 }
/// }
/// let clock = Fixed(SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_067_200));
/// # let _ = clock;
/// ```
pub trait Clock: Send + Sync + std::fmt::Debug + 'static {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The machine's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// `X-Sdk-Date` for a time: UTC, `%Y%m%dT%H%M%SZ`.
pub fn sdk_date(now: SystemTime) -> String {
    let ts = jiff::Timestamp::try_from(now).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    ts.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// Inputs of one signature.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The HTTP method (any case).
    pub method: &'a str,
    /// The raw (still percent-encoded) path.
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: Option<&'a str>,
    /// The headers to sign, names in any case; `X-Sdk-Date` and `Host` belong among them.
    /// Names containing `_` are left out, as the official cores do.
    pub headers: &'a [(&'a str, &'a str)],
    /// The exact body bytes.
    pub body: &'a [u8],
}

/// The parts of a signature, kept apart so that each can be compared with a server's (the
/// gateway echoes its canonical request when it rejects a signature).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Signature {
    /// `METHOD\nURI\nQUERY\nCANONICAL_HEADERS\nSIGNED_HEADERS\nhex(sha256(body))`.
    pub canonical_request: String,
    /// `SDK-HMAC-SHA256\n<X-Sdk-Date>\nhex(sha256(canonical request))`.
    pub string_to_sign: String,
    /// The `;`-joined lower-case names of the signed headers.
    pub signed_headers: String,
    /// The `Authorization` header value.
    pub authorization: String,
}

/// Signs `request` with the access key `ak` and secret key `sk`; `sdk_date` is the request's
/// `X-Sdk-Date` header value.
pub fn sign(request: &Request<'_>, ak: &str, sk: &str, sdk_date: &str) -> Signature {
    let (canonical_headers, signed_headers) = canonical_headers(request.headers);
    let canonical_request = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        request.method.to_ascii_uppercase(),
        canonical_uri(request.path),
        canonical_query(request.query.unwrap_or("")),
        canonical_headers,
        signed_headers,
        hex::encode(Sha256::digest(request.body)),
    );
    let string_to_sign = format!(
        "{ALGORITHM}\n{sdk_date}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    let mut mac =
        hmac::Hmac::<Sha256>::new_from_slice(sk.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(string_to_sign.as_bytes());
    let signature = hex::encode(mac.finalize().into_bytes());
    let authorization =
        format!("{ALGORITHM} Access={ak}, SignedHeaders={signed_headers}, Signature={signature}");
    Signature {
        canonical_request,
        string_to_sign,
        signed_headers,
        authorization,
    }
}

/// Percent-decode the path, split on `/`, encode each segment keeping `A-Za-z0-9-_.~`, join,
/// always end with `/`.
pub fn canonical_uri(path: &str) -> String {
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let mut out = String::with_capacity(decoded.len() + 1);
    for (i, segment) in decoded.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.extend(utf8_percent_encode(segment, UNRESERVED));
    }
    if !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// `key=value` pairs sorted on their decoded text (as the cores sort before encoding), then
/// each encoded keeping `A-Za-z0-9-_.~`, joined by `&`.
pub fn canonical_query(query: &str) -> String {
    let decode = |s: &str| {
        percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    pairs.sort();
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        let _ = write!(
            out,
            "{}={}",
            utf8_percent_encode(k, UNRESERVED),
            utf8_percent_encode(v, UNRESERVED)
        );
    }
    out
}

/// `name:trimmed value\n` per header (lower-cased names without `_`, sorted) and the `;`-joined list.
fn canonical_headers(headers: &[(&str, &str)]) -> (String, String) {
    let mut lowered: Vec<(String, &str)> = headers
        .iter()
        .filter(|(name, _)| !name.contains('_'))
        .map(|(name, value)| (name.to_ascii_lowercase(), value.trim()))
        .collect();
    // A later value of the same name wins, as in the official cores' header dictionary.
    lowered.reverse();
    lowered.sort_by(|a, b| a.0.cmp(&b.0));
    lowered.dedup_by(|later, earlier| later.0 == earlier.0);
    let mut canonical = String::new();
    let mut signed = String::new();
    for (i, (name, value)) in lowered.iter().enumerate() {
        let _ = writeln!(canonical, "{name}:{value}");
        if i > 0 {
            signed.push(';');
        }
        signed.push_str(name);
    }
    (canonical, signed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vector of `shared/reference/official-sdk.md`, produced by the official Python core.
    #[test]
    fn the_documented_official_vector() {
        let headers = [
            ("Content-Type", "application/json"),
            (
                "User-Agent",
                "huaweicloud-usdk-python/3.0; rust-anchor-test",
            ),
            ("X-Project-Id", "0123456789abcdef0123456789abcdef"),
            ("X-Sdk-Date", "20240101T000000Z"),
            ("Host", "secmaster.cn-north-4.myhuaweicloud.com"),
        ];
        let body = br#"{"name": "my-workflow", "description": "updated by test", "enabled": true, "version_id": "ver-0001", "labels": "IP"}"#;
        let request = Request {
            method: "PUT",
            path: "/v1/0123456789abcdef0123456789abcdef/workspaces/ws-11111111-2222-3333-4444-555555555555/soc/workflows/wf-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
            query: None,
            headers: &headers,
            body,
        };
        let sig = sign(
            &request,
            "AKTESTEXAMPLE0000001",
            "SKtestExampleSecretKey0000000000000000001",
            "20240101T000000Z",
        );
        assert_eq!(
            sig.authorization,
            "SDK-HMAC-SHA256 Access=AKTESTEXAMPLE0000001, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, \
             Signature=f225334e759850db1d93f5d601a0c140cad0579cbedeef396e6d2f4caffb30f2"
        );
    }

    /// Every vector `tests/vectors/make_signing_vectors.py` made with the official Python core.
    #[test]
    fn the_official_python_cores_vectors() {
        let file: serde_json::Value =
            serde_json::from_str(include_str!("../tests/vectors/signing_vectors.json")).unwrap();
        let vectors = file["vectors"].as_array().unwrap();
        assert!(vectors.len() >= 20, "the checked-in vectors are all there");
        for v in vectors {
            let name = v["name"].as_str().unwrap();
            let text = |key: &str| v[key].as_str().unwrap();
            let expected = |key: &str| v["expected"][key].as_str().unwrap();
            let url = reqwest::Url::parse(text("url")).unwrap();
            let mut headers: Vec<(&str, &str)> = v["headers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| (h[0].as_str().unwrap(), h[1].as_str().unwrap()))
                .collect();
            headers.push(("X-Sdk-Date", text("sdk_date")));
            headers.push(("Host", expected("host")));
            let request = Request {
                method: text("method"),
                path: url.path(),
                query: url.query(),
                headers: &headers,
                body: text("body").as_bytes(),
            };
            let sig = sign(&request, text("ak"), text("sk"), text("sdk_date"));
            assert_eq!(
                sig.canonical_request,
                expected("canonical_request"),
                "{name}: canonical request"
            );
            assert_eq!(
                sig.string_to_sign,
                expected("string_to_sign"),
                "{name}: string to sign"
            );
            assert_eq!(
                sig.signed_headers,
                expected("signed_headers"),
                "{name}: signed headers"
            );
            assert_eq!(
                sig.authorization,
                expected("authorization"),
                "{name}: authorization"
            );
        }
    }

    #[test]
    fn canonical_uri_decodes_then_encodes_each_segment_and_ends_with_a_slash() {
        assert_eq!(canonical_uri("/v1/a%20b/c"), "/v1/a%20b/c/");
        assert_eq!(canonical_uri("/v1/x/"), "/v1/x/");
        assert_eq!(canonical_uri("/v1/%E4%B8%AD~._-"), "/v1/%E4%B8%AD~._-/");
        assert_eq!(
            canonical_uri("/v1/a%2Fb"),
            "/v1/a/b/",
            "decoding first makes %2F a separator, as the cores do"
        );
    }

    #[test]
    fn canonical_query_sorts_and_encodes() {
        assert_eq!(canonical_query("b=2&a=1&a=0"), "a=0&a=1&b=2");
        assert_eq!(canonical_query("q=a b&x"), "q=a%20b&x=");
        assert_eq!(canonical_query(""), "");
    }

    #[test]
    fn headers_are_trimmed_lowercased_sorted_and_underscores_skipped() {
        let (canonical, signed) = canonical_headers(&[("X-B", " 2 "), ("a_b", "x"), ("X-A", "1")]);
        assert_eq!(canonical, "x-a:1\nx-b:2\n");
        assert_eq!(signed, "x-a;x-b");
    }

    #[test]
    fn sdk_date_is_utc_basic_format() {
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_704_067_200);
        assert_eq!(sdk_date(t), "20240101T000000Z");
    }
}
