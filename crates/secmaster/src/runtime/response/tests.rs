//! Reading answers: the error shapes, decode errors that name the field, envelopes.

use super::*;

/// Any JSON object with an optional `data`: what decode errors are tested on.
#[derive(serde::Deserialize, Debug)]
#[allow(dead_code)]
struct Probe {
    success: Option<bool>,
    data: Option<secmaster_bindings::types::AopWorkflowInfo>,
}

#[test]
fn the_operations_400_shape() {
    let e = decode_error_body(
        400,
        br#"{"code":"SecMaster.1001","message":"bad version"}"#,
        None,
    );
    assert_eq!(
        (e.code.as_deref(), e.message.as_deref()),
        (Some("SecMaster.1001"), Some("bad version"))
    );
    assert_eq!(e.request_id, None);
}

#[test]
fn the_gateways_shape_with_its_request_id() {
    let body = br#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information","request_id":"r-1"}"#;
    let e = decode_error_body(401, body, None);
    assert_eq!(e.code.as_deref(), Some("APIGW.0301"));
    assert_eq!(e.request_id.as_deref(), Some("r-1"));
    let shown = e.to_string();
    assert!(shown.starts_with("SecMaster answered HTTP 401 APIGW.0301: Incorrect IAM authentication information (request id r-1)"), "{shown}");
    assert!(
        shown.contains("clock"),
        "a signature rejection says what to check: {shown}"
    );
    let e = decode_error_body(401, body, Some("from-header".into()));
    assert_eq!(
        e.request_id.as_deref(),
        Some("from-header"),
        "the header wins"
    );
}

#[test]
fn camel_case_nested_and_non_string_shapes() {
    let e = decode_error_body(500, br#"{"errorCode":"X.1","errorMsg":"m"}"#, None);
    assert_eq!(
        (e.code.as_deref(), e.message.as_deref()),
        (Some("X.1"), Some("m"))
    );
    let e = decode_error_body(500, br#"{"error":{"code":"Y.2","message":"n"}}"#, None);
    assert_eq!(
        (e.code.as_deref(), e.message.as_deref()),
        (Some("Y.2"), Some("n"))
    );
    let e = decode_error_body(500, br#"{"code":42,"message":null}"#, None);
    assert_eq!(
        (e.code.as_deref(), e.message.as_deref()),
        (Some("42"), None)
    );
    let e = decode_error_body(500, br#"[1,2]"#, None);
    assert_eq!(e.code, None);
}

/// Found by the decode_error fuzz target: a code (or request id) whose JSON string holds a
/// newline still gives a one-line Display.
#[test]
fn codes_and_request_ids_with_newlines_display_on_one_line() {
    let e = decode_error_body(
        400,
        br#"{"code":"Serr\nuth","message":"a\r\nb","request_id":"r\n1"}"#,
        None,
    );
    assert_eq!(
        e.code.as_deref(),
        Some("Serr\nuth"),
        "the field keeps what was sent"
    );
    assert_eq!(
        e.to_string(),
        "SecMaster answered HTTP 400 Serr uth: a b (request id r 1)"
    );
    // A decode error's path may hold a hostile key with a newline too.
    let (path, reason) =
        decode_tracking::<Probe>(br#"{"data": {"a\nb": {"x": tru}}}"#).unwrap_err();
    assert_eq!(path, "data.a\nb");
    let e = Error::Decode {
        status: 200,
        path,
        reason,
        request_id: Some("r\n2".into()),
    };
    assert!(!e.to_string().contains('\n'), "{e}");
    assert!(e.to_string().contains("at `data.a b`"), "{e}");
}

#[test]
fn an_html_502_becomes_its_title_on_one_line() {
    let body =
        b"<html>\n<head><title>502 Bad\n Gateway</title></head><body><h1>nginx</h1></body></html>";
    let e = decode_error_body(502, body, Some("abc".into()));
    assert_eq!(e.message.as_deref(), Some("502 Bad Gateway"));
    assert_eq!(
        e.to_string(),
        "SecMaster answered HTTP 502: 502 Bad Gateway (request id abc)"
    );
    let e = decode_error_body(503, b"upstream\r\nconnect error", None);
    assert_eq!(e.message.as_deref(), Some("upstream connect error"));
    let e = decode_error_body(503, b"", None);
    assert_eq!(e.to_string(), "SecMaster answered HTTP 503");
    let e = decode_error_body(500, &[0xff, 0xfe, b'o', b'k'], None);
    assert_eq!(e.message.as_deref(), Some("\u{fffd}\u{fffd}ok"));
}

#[test]
fn decode_errors_name_the_field_path() {
    let (path, reason) =
        decode_tracking::<Probe>(br#"{"success":true,"data":{"enabled":"yes"}}"#).unwrap_err();
    assert_eq!(path, "data.enabled");
    assert!(reason.contains("invalid type"), "{reason}");
    let (path, reason) = decode_tracking::<Probe>(b"").unwrap_err();
    assert_eq!((path.as_str(), reason.as_str()), (".", "the body is empty"));
    let (path, _) = decode_tracking::<Probe>(br#"{"success":true} trailing"#).unwrap_err();
    assert_eq!(path, ".");
    // Found by the decode_response fuzz target: a syntax error inside an unknown "" key.
    let (path, reason) = decode_tracking::<Probe>(
        b"{\n  \"\" : {\n  \"code\" : \"00000000  \"ap0000000\"c08ab,\n  \"data\" : 8b68\"",
    )
    .unwrap_err();
    assert!(
        !path.is_empty() && !reason.is_empty(),
        "{path:?} {reason:?}"
    );
}

fn exchange(body: &str) -> Exchange {
    Exchange::ok(Bytes::from(body.to_owned()))
}

#[test]
fn an_envelope_gives_its_data_total_and_request_id() {
    let r = Redactor::default();
    let (data, meta) = envelope::<Vec<u8>>(
        &exchange(r#"{"success":true,"request_id":"r","total":7,"data":[1,2]}"#),
        &r,
    )
    .unwrap();
    assert_eq!(
        (data, meta.total, meta.request_id.as_deref()),
        (vec![1, 2], Some(7), Some("r"))
    );
    let (_, meta) =
        envelope::<Vec<u8>>(&exchange(r#"{"data":[],"total":-1,"request_id":""}"#), &r).unwrap();
    assert_eq!(
        (meta.total, meta.request_id),
        (None, None),
        "a negative total or an empty id is none"
    );
}

#[test]
fn success_false_is_refused_and_a_missing_data_is_named() {
    let r = Redactor::default();
    let (e, _) = envelope::<Vec<u8>>(
        &exchange(r#"{"success":false,"code":"C","message":"m","data":[]}"#),
        &r,
    )
    .unwrap_err();
    assert_eq!(
        (e.status(), e.code(), e.message()),
        (Some(200), Some("C"), Some("m"))
    );
    for body in [r#"{"success":true}"#, r#"{"success":true,"data":null}"#] {
        let (e, _) = envelope::<Vec<u8>>(&exchange(body), &r).unwrap_err();
        assert!(
            matches!(&e, Error::Decode { path, reason, .. } if path == "data" && reason.contains("says success")),
            "{e:?}"
        );
    }
    let (e, _) = bare::<Vec<u8>>(&exchange(r#"{"success":false,"code":"C"}"#), &r).unwrap_err();
    assert!(
        matches!(&e, Error::Decode { .. }),
        "not the bare type: a decode error first: {e:?}"
    );
}

#[test]
fn hostile_text_is_escaped_in_display_and_kept_in_the_fields() {
    let body = "{\"code\":\"X\\u001b[2J\",\"message\":\"bell\\u0007 \\u202eevil\\u202c end\"}";
    let e = decode_error_body(400, body.as_bytes(), None);
    assert_eq!(
        e.message.as_deref(),
        Some("bell\u{7} \u{202e}evil\u{202c} end")
    );
    let shown = e.to_string();
    assert!(
        !shown
            .chars()
            .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
        "{shown:?}"
    );
    assert!(
        shown.contains(r"X\u{1b}[2J") && shown.contains(r"bell\u{7} \u{202e}evil\u{202c} end"),
        "{shown}"
    );
}
