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

use std::borrow::Cow;
use std::fmt::Write as _;
use std::time::SystemTime;

use hmac::{KeyInit, Mac};
use percent_encoding::{percent_decode_str, utf8_percent_encode};
// Everything but `A-Za-z0-9-_.~` is percent-encoded (upper-case hex), as in the official cores.
use secmaster_bindings::STRICT as UNRESERVED;
use sha2::{Digest, Sha256};

/// The algorithm name, first word of the `Authorization` header.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

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

/// `X-Sdk-Date` for a time: UTC, `%Y%m%dT%H%M%SZ` (a time before 1970 reads as 1970).
pub fn sdk_date(now: SystemTime) -> String {
    let ts = jiff::Timestamp::try_from(now)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .max(jiff::Timestamp::UNIX_EPOCH);
    let t = jiff::tz::Offset::UTC.to_datetime(ts);
    let mut out = String::with_capacity(16);
    let fields = [
        (i32::from(t.year()), 4),
        (t.month().into(), 2),
        (t.day().into(), 2),
        (t.hour().into(), 2),
        (t.minute().into(), 2),
        (t.second().into(), 2),
    ];
    for (i, (value, width)) in fields.into_iter().enumerate() {
        if i == 3 {
            out.push('T');
        }
        for place in (0..width).rev() {
            let digit = (value / 10i32.pow(place)) % 10;
            out.push(char::from(b'0' + digit as u8));
        }
    }
    out.push('Z');
    out
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
    let key = SigningKey::new(ak, sk);
    let canonical = Canonical::new(request);
    let string_to_sign = format!(
        "{ALGORITHM}\n{sdk_date}\n{}",
        std::str::from_utf8(&canonical.hash_hex()).expect("hex")
    );
    let signature = hmac_hex(&key.mac, &[string_to_sign.as_bytes()]);
    let signed_headers = canonical.signed_headers().to_owned();
    Signature {
        authorization: authorization_header(ak, &signed_headers, &signature),
        canonical_request: canonical.text,
        string_to_sign,
        signed_headers,
    }
}

/// The `Authorization` header value of [`sign`], without keeping the intermediate texts: what a
/// client sends on every request.
pub fn authorization(request: &Request<'_>, ak: &str, sk: &str, sdk_date: &str) -> String {
    SigningKey::new(ak, sk).authorization(request, sdk_date)
}

/// An AK/SK pair made ready to sign many requests: the HMAC key schedule (the secret key's inner
/// and outer padded blocks, hashed) is computed once, not on every request. What the client keeps
/// per `Client`; [`authorization`] makes one per call.
///
/// Its `Debug` shows the AK only.
///
/// ```
/// use secmaster::signer::{Request, SigningKey, authorization};
///
/// let headers = [("host", "secmaster.cn-north-4.myhuaweicloud.com"), ("x-sdk-date", "20240101T000000Z")];
/// let request = Request { method: "PUT", path: "/v1/p/x", query: None, headers: &headers, body: b"{}" };
/// let key = SigningKey::new("AK", "SK");
/// assert_eq!(
///     key.authorization(&request, "20240101T000000Z"),
///     authorization(&request, "AK", "SK", "20240101T000000Z"),
/// );
/// ```
#[derive(Clone)]
pub struct SigningKey {
    ak: String,
    mac: hmac::Hmac<Sha256>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The HMAC state is derived from the secret key: never shown.
        f.debug_struct("SigningKey")
            .field("ak", &self.ak)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// The key for access key `ak` and secret key `sk`.
    pub fn new(ak: &str, sk: &str) -> Self {
        Self {
            ak: ak.to_owned(),
            mac: hmac::Hmac::<Sha256>::new_from_slice(sk.as_bytes())
                .expect("HMAC takes keys of any length"),
        }
    }

    /// The `Authorization` header value for `request` sent at `sdk_date` (its `X-Sdk-Date`), as
    /// [`authorization`] computes it.
    pub fn authorization(&self, request: &Request<'_>, sdk_date: &str) -> String {
        let canonical = Canonical::new(request);
        let signature = hmac_hex(
            &self.mac,
            &[
                ALGORITHM.as_bytes(),
                b"\n",
                sdk_date.as_bytes(),
                b"\n",
                &canonical.hash_hex(),
            ],
        );
        authorization_header(&self.ak, canonical.signed_headers(), &signature)
    }
}

fn authorization_header(ak: &str, signed_headers: &str, signature: &[u8; 64]) -> String {
    let signature = std::str::from_utf8(signature).expect("hex");
    let mut out = String::with_capacity(
        ALGORITHM.len() + ak.len() + signed_headers.len() + signature.len() + 40,
    );
    for part in [
        ALGORITHM,
        " Access=",
        ak,
        ", SignedHeaders=",
        signed_headers,
        ", Signature=",
        signature,
    ] {
        out.push_str(part);
    }
    out
}

/// Lower-case hex of HMAC-SHA256 under the key `mac` was made with, of the concatenated `parts`.
fn hmac_hex(mac: &hmac::Hmac<Sha256>, parts: &[&[u8]]) -> [u8; 64] {
    let mut mac = mac.clone();
    for part in parts {
        mac.update(part);
    }
    hex_64(&mac.finalize().into_bytes())
}

fn sha256_hex(data: &[u8]) -> [u8; 64] {
    hex_64(&Sha256::digest(data))
}

fn hex_64(digest: &[u8]) -> [u8; 64] {
    let mut out = [0u8; 64];
    hex::encode_to_slice(digest, &mut out).expect("32 bytes make 64 hex digits");
    out
}

/// `hex(sha256(body))`, as the canonical request carries a body.
pub fn payload_hash(body: &[u8]) -> String {
    String::from_utf8(sha256_hex(body).to_vec()).expect("hex")
}

/// The header with which a request says what stands for its body's hash in the signature
/// (`UNSIGNED-PAYLOAD` for the official SDKs' uploads).
pub const CONTENT_SHA256: &str = "x-sdk-content-sha256";

/// The canonical request, built in one buffer.
struct Canonical {
    /// `METHOD\nURI\nQUERY\nCANONICAL_HEADERS\nSIGNED_HEADERS\nhex(sha256(body))`.
    text: String,
    /// Where the signed headers list lies in `text`.
    signed: std::ops::Range<usize>,
}

impl Canonical {
    fn new(request: &Request<'_>) -> Self {
        let mut text = String::with_capacity(
            256 + request.path.len()
                + request.query.map_or(0, str::len)
                + request
                    .headers
                    .iter()
                    .map(|(n, v)| n.len() + v.len() + 2)
                    .sum::<usize>(),
        );
        text.extend(request.method.chars().map(|c| c.to_ascii_uppercase()));
        text.push('\n');
        push_canonical_uri(&mut text, request.path);
        text.push('\n');
        text.push_str(&canonical_query(request.query.unwrap_or("")));
        text.push('\n');
        let signed = push_headers(&mut text, &sorted_headers(request.headers));
        text.push('\n');
        // As the official cores do: a body's hash, unless `X-Sdk-Content-Sha256` gives the text
        // to sign in its place (`UNSIGNED-PAYLOAD`, which they send with uploads).
        let declared = request
            .headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(CONTENT_SHA256))
            .map(|(_, value)| value.trim())
            .filter(|value| !value.is_empty() && !request.body.is_empty());
        match declared {
            Some(value) => text.push_str(value),
            None => text.push_str(std::str::from_utf8(&sha256_hex(request.body)).expect("hex")),
        }
        Self { text, signed }
    }

    fn signed_headers(&self) -> &str {
        &self.text[self.signed.clone()]
    }

    fn hash_hex(&self) -> [u8; 64] {
        sha256_hex(self.text.as_bytes())
    }
}

/// Percent-decode the path, split on `/`, encode each segment keeping `A-Za-z0-9-_.~`, join,
/// always end with `/`.
pub fn canonical_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 1);
    push_canonical_uri(&mut out, path);
    out
}

fn push_canonical_uri(out: &mut String, path: &str) {
    let start = out.len();
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    for (i, segment) in decoded.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.extend(utf8_percent_encode(segment, UNRESERVED));
    }
    if !out[start..].ends_with('/') {
        out.push('/');
    }
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

/// Appends the canonical header lines, a blank line and the signed headers list; returns where
/// the list lies in `text`.
fn push_headers<N: AsRef<str>>(text: &mut String, headers: &[(N, &str)]) -> std::ops::Range<usize> {
    for (name, value) in headers {
        for part in [name.as_ref(), ":", value, "\n"] {
            text.push_str(part);
        }
    }
    text.push('\n');
    let start = text.len();
    for (i, (name, _)) in headers.iter().enumerate() {
        if i > 0 {
            text.push(';');
        }
        text.push_str(name.as_ref());
    }
    start..text.len()
}

/// The headers to sign: names lower-cased, those with `_` left out, sorted, values trimmed; of
/// two headers of one name the later wins, as in the official cores' header dictionary.
fn sorted_headers<'a>(headers: &[(&'a str, &'a str)]) -> Vec<(Cow<'a, str>, &'a str)> {
    let mut lowered: Vec<(Cow<'a, str>, &'a str)> = headers
        .iter()
        .rev()
        .filter(|(name, _)| !name.contains('_'))
        .map(|&(name, value)| {
            let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(name.to_ascii_lowercase())
            } else {
                Cow::Borrowed(name)
            };
            (name, value.trim())
        })
        .collect();
    // Stable: of equal names the later header (first after `rev`) stays first, and dedup keeps it.
    lowered.sort_by(|a, b| a.0.cmp(&b.0));
    lowered.dedup_by(|later, earlier| later.0 == earlier.0);
    lowered
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
            assert_eq!(
                authorization(&request, text("ak"), text("sk"), text("sdk_date")),
                expected("authorization"),
                "{name}: the client's header-only path"
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
        let sorted = sorted_headers(&[("X-B", " 2 "), ("a_b", "x"), ("X-A", "1"), ("x-a", "3")]);
        let sorted: Vec<(&str, &str)> = sorted.iter().map(|(n, v)| (n.as_ref(), *v)).collect();
        assert_eq!(sorted, [("x-a", "3"), ("x-b", "2")], "the later x-a wins");
    }

    #[test]
    fn the_signing_key_never_shows_its_secret() {
        let shown = format!("{:?}", SigningKey::new("AK-1", "very-secret-key"));
        assert!(
            shown.contains("AK-1") && !shown.contains("very-secret"),
            "{shown}"
        );
    }

    #[test]
    fn sdk_date_is_utc_basic_format() {
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_704_067_200);
        assert_eq!(sdk_date(t), "20240101T000000Z");
        for secs in [
            0,
            951_782_400,
            1_709_251_199,
            1_735_689_599,
            4_102_444_800,
            32_503_679_999,
        ] {
            let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs);
            let by_jiff = jiff::Timestamp::try_from(t)
                .unwrap()
                .strftime("%Y%m%dT%H%M%SZ")
                .to_string();
            assert_eq!(sdk_date(t), by_jiff, "{secs}");
        }
        let before_1970 = SystemTime::UNIX_EPOCH - std::time::Duration::from_secs(86_400);
        assert_eq!(sdk_date(before_1970), "19700101T000000Z");
    }
}
