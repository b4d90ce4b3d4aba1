//! The generated client against a real local HTTP server: what goes on the wire is exactly what the
//! API page documents, and the page's responses (plus a future server's) decode.

use secmaster_bindings::open_enums::{AopType, EngineType, WorkflowLabel};
use secmaster_bindings::types::{ErrorResponse, ModifyAopWorkflowInfo, UpdateAopWorkflowResponse};
use secmaster_bindings::{Client, Error, Hooks, ResponseValue};
use tokio::net::TcpListener;

use secmaster_testkit::examples::{UPDATE_200 as EXAMPLE_200, UPDATE_REQUEST as EXAMPLE_REQUEST};
use secmaster_testkit::{Captured, Reply, TestServer};

/// A server that answers `status` with `body` (of `content_type`), and its base URL.
async fn serve_once(status: u16, content_type: &str, body: &str) -> (String, TestServer) {
    let reply = Reply::Full {
        status,
        headers: vec![("Content-Type".into(), content_type.into())],
        body: body.as_bytes().to_vec(),
    };
    let server = TestServer::start(vec![reply]).await;
    (server.url.clone(), server)
}

/// The one request `server` received.
fn only(server: &TestServer) -> Captured {
    let [seen] = server.requests().try_into().unwrap();
    seen
}

fn request_line(seen: &Captured) -> String {
    format!("{} {} HTTP/1.1", seen.method, seen.target)
}

/// Sends one update through the generated client with the bindings' own hooks.
async fn send(
    base: &str,
    (project, workspace, workflow): (&str, &str, &str),
    body: ModifyAopWorkflowInfo,
) -> Result<ResponseValue<UpdateAopWorkflowResponse>, Error<ErrorResponse>> {
    Client::new(base, Hooks::default())
        .update_aop_workflow()
        .project_id(project)
        .workspace_id(workspace)
        .workflow_id(workflow)
        .body(body)
        .send()
        .await
}

fn example_body() -> ModifyAopWorkflowInfo {
    serde_json::from_str(EXAMPLE_REQUEST).unwrap()
}

#[tokio::test]
async fn the_pages_example_request_goes_out_exactly_as_documented() {
    let (base, server) = serve_once(200, "application/json", EXAMPLE_200).await;
    let ids = (
        "f69081793d9e4ea8a2f479dcef961989",
        "f44065f5-557b-4376-ae02-8c65ef1960f4",
        "c19470f3-5eaf-4572-82e8-2ff094495919",
    );
    send(&base, ids, example_body()).await.unwrap();
    let seen = only(&server);

    assert_eq!(
        request_line(&seen),
        "PUT /v1/f69081793d9e4ea8a2f479dcef961989/workspaces/f44065f5-557b-4376-ae02-8c65ef1960f4\
         /soc/workflows/c19470f3-5eaf-4572-82e8-2ff094495919 HTTP/1.1"
    );
    assert_eq!(
        seen.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    let names: Vec<String> = seen
        .headers
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .collect();
    assert_eq!(
        names.iter().filter(|n| *n == "content-type").count(),
        1,
        "one Content-Type: {names:?}"
    );
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        ["accept", "content-length", "content-type", "host"],
        "no header the page does not call for"
    );
    assert_eq!(seen.header("accept"), Some("application/json"));

    let sent: serde_json::Value = serde_json::from_slice(&seen.body).unwrap();
    let page: serde_json::Value = serde_json::from_str(EXAMPLE_REQUEST).unwrap();
    assert_eq!(sent, page, "the body is the page's example request");
    assert_eq!(
        seen.header("content-length"),
        Some(seen.body.len().to_string().as_str())
    );
}

#[tokio::test]
async fn unset_fields_are_omitted_never_null() {
    let (base, server) = serve_once(200, "application/json", EXAMPLE_200).await;
    let body = ModifyAopWorkflowInfo {
        enabled: Some(false),
        ..Default::default()
    };
    send(&base, ("p", "w", "f"), body).await.unwrap();
    let seen = only(&server);
    assert_eq!(seen.body, br#"{"enabled":false}"#);
}

#[tokio::test]
async fn path_parameters_are_percent_encoded_so_they_cannot_change_the_path() {
    let (base, server) = serve_once(200, "application/json", EXAMPLE_200).await;
    send(&base, ("a/b", "x?y=1", "c#d e%2F"), example_body())
        .await
        .unwrap();
    let seen = only(&server);
    assert_eq!(
        request_line(&seen),
        "PUT /v1/a%2Fb/workspaces/x%3Fy=1/soc/workflows/c%23d%20e%252F HTTP/1.1"
    );
}

#[tokio::test]
async fn the_pages_example_200_decodes_with_every_field() {
    let (base, _server) = serve_once(200, "application/json;charset=UTF-8", EXAMPLE_200).await;
    let response = send(&base, ("p", "w", "f"), example_body())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.code.as_deref(), Some("00000000"));
    assert_eq!(response.success, Some(true));
    assert_eq!(response.request_id.as_deref(), Some(""));
    let data = response.data.unwrap();
    assert_eq!(
        data.id.as_deref(),
        Some("c19470f3-5eaf-4572-82e8-2ff094495919")
    );
    assert_eq!(data.name.as_deref(), Some("Test_aop"));
    assert_eq!(data.aop_type, Some(AopType::Normal));
    assert_eq!(data.engine_type, Some(EngineType::PublicEngine));
    assert_eq!(data.labels, Some(WorkflowLabel::Ip));
    assert_eq!(data.enabled, Some(false));
    assert_eq!(
        data.create_time.as_deref(),
        Some("2025-07-18T14:44:47.000Z+0800")
    );
    assert_eq!(
        data.update_time.as_deref(),
        Some("2025-07-18T14:47:16.939Z+0800")
    );
    // All 25 fields of the page's example are set, so re-serializing gives the page's example back.
    let again = serde_json::to_value(&data).unwrap();
    let page: serde_json::Value = serde_json::from_str(EXAMPLE_200).unwrap();
    assert_eq!(again, page["data"]);
    assert_eq!(again.as_object().unwrap().len(), 25);
}

#[tokio::test]
async fn a_400_decodes_into_the_documented_error_schema() {
    let body = r#"{"code":"SecMaster.20010001","message":"version_id is mandatory when enabled"}"#;
    let (base, _server) = serve_once(400, "application/json", body).await;
    let err = send(
        &base,
        ("p", "w", "f"),
        ModifyAopWorkflowInfo {
            enabled: Some(true),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    let Error::ErrorResponse(rv) = err else {
        panic!("expected the documented 400, got {err:?}")
    };
    assert_eq!(rv.status(), 400);
    let ErrorResponse { code, message } = rv.into_inner();
    assert_eq!(code.as_deref(), Some("SecMaster.20010001"));
    assert_eq!(
        message.as_deref(),
        Some("version_id is mandatory when enabled")
    );
}

#[tokio::test]
async fn a_200_with_unknown_enum_values_and_extra_fields_still_decodes() {
    let body = EXAMPLE_200
        .replace(r#""aop_type" : "NORMAL""#, r#""aop_type" : "CONTAINMENT""#)
        .replace(r#""labels" : "IP""#, r#""labels" : "URL""#)
        .replace(
            r#""engine_type" : "public_engine""#,
            r#""engine_type" : "private_engine", "new_field" : {"a": [1, 2]}"#,
        )
        .replace(
            r#""code" : "00000000","#,
            r#""code" : "00000000", "trace" : null,"#,
        );
    let (base, _server) = serve_once(200, "application/json", &body).await;
    let response = send(&base, ("p", "w", "f"), example_body())
        .await
        .unwrap()
        .into_inner();
    let data = response.data.unwrap();
    assert_eq!(data.aop_type, Some(AopType::Other("CONTAINMENT".into())));
    assert_eq!(data.labels, Some(WorkflowLabel::Other("URL".into())));
    assert_eq!(
        data.engine_type,
        Some(EngineType::Other("private_engine".into()))
    );
    assert_eq!(data.aop_type.unwrap().as_str(), "CONTAINMENT");
}

#[test]
fn open_enums_read_lent_owned_escaped_and_byte_text_and_refuse_the_rest() {
    use serde::Deserialize;
    use serde::de::value::{BytesDeserializer, Error as ValueError};
    // Lent (no escape), from the parser's scratch buffer (an escape), owned (a `Value`).
    assert_eq!(
        serde_json::from_str::<AopType>(r#""EASE""#).unwrap(),
        AopType::Ease
    );
    assert_eq!(
        serde_json::from_str::<AopType>(r#""\u0045ASE""#).unwrap(),
        AopType::Ease
    );
    assert_eq!(
        serde_json::from_str::<AopType>(r#""NEW\tONE""#).unwrap(),
        AopType::Other("NEW\tONE".into())
    );
    assert_eq!(
        serde_json::from_value::<WorkflowLabel>(serde_json::json!("DOMAIN")).unwrap(),
        WorkflowLabel::Domain
    );
    assert_eq!(
        serde_json::from_value::<WorkflowLabel>(serde_json::json!("URL")).unwrap(),
        WorkflowLabel::Other("URL".into())
    );
    // Bytes, as `String` takes them: UTF-8 only.
    let bytes = |b: &'static [u8]| EngineType::deserialize(BytesDeserializer::<ValueError>::new(b));
    assert_eq!(bytes(b"public_engine").unwrap(), EngineType::PublicEngine);
    assert!(
        bytes(b"\xff")
            .unwrap_err()
            .to_string()
            .contains("expected a string")
    );
    // Anything but text is refused with `String`'s message.
    for bad in ["5", "true", "{}", "[]"] {
        let e = serde_json::from_str::<AopType>(bad)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("invalid type") && e.contains("expected a string"),
            "{bad}: {e}"
        );
    }
    assert_eq!(
        serde_json::from_str::<Option<AopType>>("null").unwrap(),
        None
    );
}

#[test]
fn open_enums_round_trip_their_wire_text() {
    for label in WorkflowLabel::KNOWN {
        let text = serde_json::to_string(label).unwrap();
        assert_eq!(
            &serde_json::from_str::<WorkflowLabel>(&text).unwrap(),
            label
        );
        assert!(label.is_known());
    }
    assert_eq!(
        WorkflowLabel::KNOWN
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>(),
        ["IP", "ACCOUNT", "DOMAIN"]
    );
    assert_eq!(
        AopType::KNOWN
            .iter()
            .map(|l| l.to_string())
            .collect::<Vec<_>>(),
        ["NORMAL", "SURVEY", "HEMOSTASIS", "EASE"]
    );
    assert_eq!(
        serde_json::to_string(&WorkflowLabel::Other("X".into())).unwrap(),
        r#""X""#
    );
    assert!(
        !"ip".parse::<WorkflowLabel>().unwrap().is_known(),
        "wire values are case-sensitive"
    );
}

#[tokio::test]
async fn ids_that_would_move_the_request_to_another_path_are_refused_before_sending() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    for (p, w, f) in [
        ("p", "..", "f"),
        ("p", "w", ".."),
        ("..", "w", "f"),
        ("p", "w", "."),
        ("p", "a\\b", "f"),
    ] {
        let err = send(&base, (p, w, f), example_body()).await.unwrap_err();
        let Error::InvalidRequest(message) = err else {
            panic!("{p}/{w}/{f}: expected InvalidRequest, got {err:?}")
        };
        assert!(message.contains("changed the request path"), "{message}");
    }
    let nothing =
        tokio::time::timeout(std::time::Duration::from_millis(100), listener.accept()).await;
    assert!(nothing.is_err(), "no connection was made");
}

#[tokio::test]
async fn a_base_url_with_a_path_prefix_is_kept() {
    let (base, server) = serve_once(200, "application/json", EXAMPLE_200).await;
    send(&format!("{base}/gateway"), ("p", "w", "f"), example_body())
        .await
        .unwrap();
    assert_eq!(
        request_line(&only(&server)),
        "PUT /gateway/v1/p/workspaces/w/soc/workflows/f HTTP/1.1"
    );
}

#[tokio::test]
async fn a_get_carries_the_pages_content_type_and_its_query_encoded_as_the_sdks_do() {
    let (base, server) = serve_once(
        200,
        "application/json",
        secmaster_testkit::examples::LIST_WORKFLOWS_200,
    )
    .await;
    let page = Client::new(&base, Hooks::default())
        .list_workflows()
        .project_id("p")
        .workspace_id("w")
        .name("a b+c")
        .limit(20)
        .enabled(true)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.total, Some(1));
    let seen = only(&server);
    assert_eq!(
        request_line(&seen),
        "GET /v1/p/workspaces/w/soc/workflows?enabled=true&limit=20&name=a%20b%2Bc HTTP/1.1",
        "a space is %20 (progenitor writes +), parameters sorted by name"
    );
    assert_eq!(
        seen.header("content-type"),
        Some("application/json;charset=UTF-8"),
        "on a GET too"
    );
    assert_eq!(seen.header("api-version"), None);
}

#[tokio::test]
async fn an_import_takes_an_encoded_form_and_goes_out_as_multipart_with_its_boundary() {
    let (base, server) = serve_once(
        200,
        "application/json",
        r#"{"code":"00000000","message":""}"#,
    )
    .await;
    let client = Client::new(&base, Hooks::default());
    let form = b"--xYz'()+_,-./:=?\r\nContent-Disposition: form-data; name=\"uploadFile\"; filename=\"t.json\"\r\n\r\n{}\r\n--xYz'()+_,-./:=?--\r\n";
    client
        .import_aopworkflow()
        .project_id("p")
        .workspace_id("w")
        .body(form.to_vec())
        .send()
        .await
        .unwrap();
    let seen = only(&server);
    assert_eq!(
        seen.header("content-type"),
        Some("multipart/form-data; boundary=\"xYz'()+_,-./:=?\""),
        "a boundary a token cannot hold is quoted"
    );
    assert_eq!(seen.body, form.to_vec(), "the bytes as given");
    // Bytes that are not an encoded form are refused before sending.
    for body in [
        b"{}".to_vec(),
        b"--\r\n".to_vec(),
        b"--a\"b\r\n".to_vec(),
        b"--ab \r\n".to_vec(),
    ] {
        let e = client
            .import_aopworkflow()
            .project_id("p")
            .workspace_id("w")
            .body(body)
            .send()
            .await
            .unwrap_err();
        assert!(matches!(e, Error::InvalidRequest(_)), "{e:?}");
    }
    assert_eq!(server.requests().len(), 1);
}
