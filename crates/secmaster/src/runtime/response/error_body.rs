//! An error answer's body, in whichever shape SecMaster or its gateway chose.

use serde::Deserialize;

use crate::error::ServiceError;

/// The error shapes seen from SecMaster and its gateway, any of whose fields may be missing.
#[derive(Deserialize, Default)]
struct ErrorBody {
    code: Option<serde_json::Value>,
    message: Option<serde_json::Value>,
    error_code: Option<serde_json::Value>,
    error_msg: Option<serde_json::Value>,
    #[serde(rename = "errorCode")]
    error_code_camel: Option<serde_json::Value>,
    #[serde(rename = "errorMsg")]
    error_msg_camel: Option<serde_json::Value>,
    request_id: Option<serde_json::Value>,
    error: Option<Box<ErrorBody>>,
}

fn json_text(value: Option<serde_json::Value>) -> Option<String> {
    match value? {
        serde_json::Value::String(s) if s.is_empty() => None,
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// Reads an error body in any of its shapes: `{code, message}` (the operations' 400),
/// `{error_code, error_msg}` (the API gateway's), `{errorCode, errorMsg}`, `{error: {...}}`,
/// or not JSON at all (an HTML 502), whose text becomes the message.
pub fn decode_error_body(
    status: u16,
    body: &[u8],
    header_request_id: Option<String>,
) -> ServiceError {
    let mut error = ServiceError {
        status,
        code: None,
        message: None,
        request_id: header_request_id,
        attempts: 1,
        earlier_attempt_may_have_succeeded: false,
        operation: None,
    };
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(mut parsed) => {
            if let Some(inner) = parsed.error.take() {
                let inner = *inner;
                parsed.code = parsed.code.or(inner.code).or(inner.error_code);
                parsed.message = parsed.message.or(inner.message).or(inner.error_msg);
            }
            error.code = json_text(parsed.error_code)
                .or(json_text(parsed.error_code_camel))
                .or(json_text(parsed.code))
                .map(|c| bounded(c, MAX_MESSAGE_CHARS));
            error.message = json_text(parsed.error_msg)
                .or(json_text(parsed.error_msg_camel))
                .or(json_text(parsed.message))
                .map(|m| bounded(m, MAX_MESSAGE_CHARS));
            if error.request_id.is_none() {
                error.request_id =
                    json_text(parsed.request_id).map(|r| bounded(r, MAX_MESSAGE_CHARS));
            }
        }
        Err(_) => error.message = text_summary(body),
    }
    error
}

/// The longest code or message kept from an error body, in characters.
const MAX_MESSAGE_CHARS: usize = 1024;

/// `text` cut to `max` characters, marked with `…` when cut.
fn bounded(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

/// The `<title>` of an HTML page, else the start of the body as text; `None` for an empty body.
fn text_summary(body: &[u8]) -> Option<String> {
    const MAX_CHARS: usize = 200;
    let text = String::from_utf8_lossy(&body[..body.len().min(64 * 1024)]);
    let lower = text.to_ascii_lowercase();
    let title = lower.find("<title>").and_then(|start| {
        let start = start + "<title>".len();
        lower[start..]
            .find("</title>")
            .map(|len| &text[start..start + len])
    });
    let summary: String = crate::error::one_line(title.unwrap_or(&text))
        .chars()
        .take(MAX_CHARS)
        .collect();
    (!summary.is_empty()).then_some(summary)
}
