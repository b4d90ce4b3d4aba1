//! The hooks that make the generated client send what the API pages ask for.

use heck::ToSnakeCase;
use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{CONTENT_TYPE, HeaderValue};

use crate::{CONTENT_TYPE_JSON_UTF8, Client, Operation, encode, operations};

/// The generated client's extension point (its progenitor "inner" value). It carries nothing
/// today; its hooks (see [`fix_wire`] and [`check_path_shape`]) apply to every client.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Hooks {}

/// Makes a request of `operation` exactly what the API pages call for, undoing progenitor's
/// defaults:
/// - `Content-Type: application/json;charset=UTF-8` on JSON and bodiless requests alike
///   (progenitor sends `application/json`, and nothing without a body);
/// - query values encoded as the pages and the official SDKs do (a space is `%20`, not
///   progenitor's `+`; only `A-Za-z0-9-_.~` unencoded), sorted by name as the SDKs send them;
/// - no `api-version` header (progenitor's own; the pages do not call for it);
/// - for a `multipart/form-data` operation (an import), whose body the raw client takes as the
///   encoded form's bytes: `Content-Type: multipart/form-data; boundary=...`, the boundary read
///   off the body's first line.
///
/// HTTP's own headers stay: `Host`, `Content-Length`, and `Accept`.
pub fn fix_wire(request: &mut reqwest::Request, operation: &Operation) {
    let multipart = operation
        .request
        .is_some_and(|body| body.media_type.starts_with("multipart/"));
    if multipart && let Some(value) = request.body().and_then(|b| multipart_type(b.as_bytes()?)) {
        request.headers_mut().insert(CONTENT_TYPE, value);
    }
    let headers = request.headers_mut();
    headers.remove("api-version");
    let json = operation
        .request
        .is_none_or(|body| body.media_type.starts_with("application/json"));
    if json {
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static(CONTENT_TYPE_JSON_UTF8),
        );
    }
    if let Some(query) = request.url().query().filter(|q| !q.is_empty()) {
        let mut pairs: Vec<(String, String)> = form_pairs(query);
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let strict: Vec<String> = pairs
            .iter()
            .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
            .collect();
        request.url_mut().set_query(Some(&strict.join("&")));
    }
}

/// `multipart/form-data; boundary=B` for an encoded form that starts with `--B` and a line
/// break, as every multipart body does.
fn multipart_type(body: &[u8]) -> Option<HeaderValue> {
    let first = body.split(|b| *b == b'\n').next()?;
    let line = first.strip_prefix(b"--")?;
    let boundary = line.strip_suffix(b"\r").unwrap_or(line);
    let boundary = std::str::from_utf8(boundary).ok()?;
    // RFC 2046: 1 to 70 characters of a restricted set, not ending in a space.
    let allowed = |c: char| c.is_ascii_alphanumeric() || "'()+_,-./:=? ".contains(c);
    if boundary.is_empty()
        || boundary.len() > 70
        || boundary.ends_with(' ')
        || !boundary.chars().all(allowed)
    {
        return None;
    }
    // A boundary with characters a token cannot hold is quoted (RFC 2045).
    let token = |c: char| c.is_ascii_alphanumeric() || "'+_-.".contains(c);
    let value = if boundary.chars().all(token) {
        format!("multipart/form-data; boundary={boundary}")
    } else {
        format!("multipart/form-data; boundary=\"{boundary}\"")
    };
    HeaderValue::from_str(&value).ok()
}

/// `application/x-www-form-urlencoded` pairs (progenitor's query encoding) decoded.
fn form_pairs(query: &str) -> Vec<(String, String)> {
    let decode = |text: &str| {
        let spaced = text.replace('+', " ");
        percent_encoding::percent_decode_str(&spaced)
            .decode_utf8_lossy()
            .into_owned()
    };
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

/// Checks that the request's path still has the shape of the operation it was built for.
///
/// progenitor percent-encodes `/`, `?`, `#` and `%` in path parameters but not `.` or `\`, and the
/// URL parser then resolves a `..` parameter and reads `\` as `/`; and a parameter equal to a
/// literal segment (`export`, `instances`) would turn the request into another operation's. Such
/// a request is refused here, before anything is sent.
pub fn check_path_shape(request: &reqwest::Request, operation: &Operation) -> Result<(), String> {
    let path = request.url().path();
    if request.method().as_str() == operation.method && operation.fits(path) {
        Ok(())
    } else {
        Err(format!(
            "a path parameter changed the request path to `{path}`, which is not {} {} \
             (`.`, `..`, `\\` and the path's literal segments are not allowed as IDs)",
            operation.method, operation.path
        ))
    }
}

impl ClientHooks<Hooks> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        // progenitor names an operation by its method: the operationId in snake case, by heck,
        // as progenitor itself converts it.
        let operation = operations::ALL
            .iter()
            .find(|op| op.id.to_snake_case() == info.operation_id)
            .ok_or_else(|| {
                progenitor_client::Error::InvalidRequest(format!(
                    "{} is not an operation of the spec",
                    info.operation_id
                ))
            })?;
        check_path_shape(request, operation).map_err(progenitor_client::Error::InvalidRequest)?;
        fix_wire(request, operation);
        let multipart = operation
            .request
            .is_some_and(|body| body.media_type.starts_with("multipart/"));
        let typed = request
            .headers()
            .get(CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"multipart/form-data; boundary="));
        if multipart && !typed {
            return Err(progenitor_client::Error::InvalidRequest(format!(
                "{} takes a multipart/form-data body: the encoded form's bytes, starting with --BOUNDARY",
                operation.id
            )));
        }
        Ok(())
    }
}
