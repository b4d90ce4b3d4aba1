//! Every operation of the workflow chapter, as a table: the client and the generated bindings
//! put the same request on the wire (method, path, query, headers, body bytes) and read the
//! page's answer, and each operation is retried as its retry class says. Then each operation's
//! own rules. (Every operation of the spec is in the generated table of `spec_table.rs`.)

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use secmaster::bindings::RetryClass;
use secmaster::bindings::types::{
    AopInstanceEventData, AopInstanceUpdateDataPojo, AopworkflowVersionValidateRes,
    CreateAopWorkflowInfo, CreateAopWorkflowVersionApprovelInfo, CreateAopWorkflowVersionInfo,
    ExportAopworkflowInfo, ModifyAopWorkflowInfo, ModifyAopWorkflowVersionInfo,
};
use secmaster::{
    AopType, Client, Credentials, Error, InstanceStatus, Label, RetryPolicy, SortOrder,
    VersionStatus,
};
use secmaster_testkit::examples::{
    ACKNOWLEDGED_200, CREATE_VERSION_REQUEST, CREATE_WORKFLOW_REQUEST, EXPORT_REQUEST, IMPORT_200,
    LIST_INSTANCES_200, LIST_VERSIONS_200, LIST_WORKFLOWS_200, REVIEW_200, REVIEW_REQUEST, RUN_200,
    RUN_REQUEST, SHOW_INSTANCE_200, UPDATE_200, UPDATE_INSTANCE_REQUEST, UPDATE_REQUEST,
    UPDATE_VERSION_REQUEST, VALIDATE_200, VALIDATE_REQUEST, VERSION_200,
};
use secmaster_testkit::ids::{INSTANCE, PROJECT, VERSION, WORKFLOW, WORKSPACE};
use secmaster_testkit::{Captured, Reply, TestServer};

const TOKEN: &str = "MIIZtoken-secret-value-0123456789";

fn client(server: &TestServer) -> Client {
    Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::token(TOKEN))
        .retry(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
        .build()
        .unwrap()
}

type Sent<'a, E> = Pin<Box<dyn Future<Output = Result<(), E>> + Send + 'a>>;

/// One operation: its page answer, and the same call through the client and the bindings.
struct Row {
    id: &'static str,
    answer: fn() -> Reply,
    client: for<'a> fn(&'a Client) -> Sent<'a, Error>,
    bindings: for<'a> fn(&'a secmaster::bindings::Client) -> Sent<'a, String>,
}

fn json(body: &'static str) -> Reply {
    Reply::json(200, body).with_header("X-Request-Id", "req-ok")
}

fn ours<T>(result: Result<T, Error>) -> Result<(), Error> {
    result.map(drop)
}

fn theirs<T, E: std::fmt::Debug>(
    result: Result<T, secmaster::bindings::Error<E>>,
) -> Result<(), String> {
    result.map(drop).map_err(|e| format!("{e:?}"))
}

fn example<T: serde::de::DeserializeOwned>(text: &str) -> T {
    serde_json::from_str(text).unwrap()
}

/// The topology a request example's Base64 `taskflow` encodes (what a user passes).
fn topology(request: &str) -> Vec<u8> {
    use base64::Engine as _;
    let body: serde_json::Value = example(request);
    base64::engine::general_purpose::STANDARD
        .decode(body["taskflow"].as_str().unwrap())
        .unwrap()
}

/// A row's bindings call: `$call` on the raw client with the project and workspace set.
macro_rules! raw {
    ($b:ident, $method:ident $(. $setter:ident ($value:expr))*) => {
        Box::pin(async move {
            let call = $b.$method().project_id(PROJECT).workspace_id(WORKSPACE);
            theirs(call $(.$setter($value))* .send().await)
        })
    };
}

fn rows() -> Vec<Row> {
    vec![
        Row {
            id: "ListWorkflows",
            answer: || json(LIST_WORKFLOWS_200),
            client: |c| {
                Box::pin(async move {
                    let call = c
                        .list_workflows(PROJECT, WORKSPACE)
                        .name("Test aop+1")
                        .limit(20)
                        .offset(0);
                    ours(
                        call.enabled(true)
                            .aop_type(AopType::Normal)
                            .order(SortOrder::Asc)
                            .send()
                            .await,
                    )
                })
            },
            bindings: |b| {
                raw!(
                    b,
                    list_workflows
                        .name("Test aop+1")
                        .limit(20)
                        .offset(0)
                        .enabled(true)
                        .aop_type(AopType::Normal)
                        .order(SortOrder::Asc)
                )
            },
        },
        Row {
            id: "CreateAopWorkflow",
            answer: || json(UPDATE_200),
            client: |c| {
                Box::pin(async move {
                    let body: CreateAopWorkflowInfo = example(CREATE_WORKFLOW_REQUEST);
                    let call = c
                        .create_workflow(PROJECT, WORKSPACE)
                        .name(body.name)
                        .description(body.description.unwrap())
                        .aop_type(body.aop_type);
                    let call = call.dataclass_id(body.dataclass_id);
                    ours(call.labels(body.labels.unwrap()).send().await)
                })
            },
            bindings: |b| {
                raw!(
                    b,
                    create_aop_workflow
                        .body(example::<CreateAopWorkflowInfo>(CREATE_WORKFLOW_REQUEST))
                )
            },
        },
        Row {
            id: "ShowAopWorkflow",
            answer: || json(UPDATE_200),
            client: |c| {
                Box::pin(
                    async move { ours(c.show_workflow(PROJECT, WORKSPACE, WORKFLOW).send().await) },
                )
            },
            bindings: |b| raw!(b, show_aop_workflow.workflow_id(WORKFLOW)),
        },
        Row {
            id: "UpdateAopWorkflow",
            answer: || json(UPDATE_200),
            client: |c| {
                Box::pin(async move {
                    let body: ModifyAopWorkflowInfo = example(UPDATE_REQUEST);
                    let call = c.update_workflow(PROJECT, WORKSPACE, WORKFLOW);
                    ours(
                        call.name(body.name.unwrap())
                            .description(body.description.unwrap())
                            .send()
                            .await,
                    )
                })
            },
            bindings: |b| {
                raw!(
                    b,
                    update_aop_workflow
                        .workflow_id(WORKFLOW)
                        .body(example::<ModifyAopWorkflowInfo>(UPDATE_REQUEST))
                )
            },
        },
        Row {
            id: "DeleteAopWorkflow",
            answer: || json(UPDATE_200),
            client: |c| {
                Box::pin(async move {
                    ours(c.delete_workflow(PROJECT, WORKSPACE, WORKFLOW).send().await)
                })
            },
            bindings: |b| raw!(b, delete_aop_workflow.workflow_id(WORKFLOW)),
        },
        Row {
            id: "ListAopWorkflowVersions",
            answer: || json(LIST_VERSIONS_200),
            client: |c| {
                Box::pin(async move {
                    let call = c.list_workflow_versions(PROJECT, WORKSPACE, WORKFLOW);
                    ours(call.status(VersionStatus::NotActivated).send().await)
                })
            },
            bindings: |b| {
                raw!(
                    b,
                    list_aop_workflow_versions
                        .workflow_id(WORKFLOW)
                        .status(VersionStatus::NotActivated)
                )
            },
        },
        Row {
            id: "CreateAopWorkflowVersion",
            answer: || json(VERSION_200),
            client: |c| {
                Box::pin(async move {
                    let body: CreateAopWorkflowVersionInfo = example(CREATE_VERSION_REQUEST);
                    let call = c
                        .create_workflow_version(PROJECT, WORKSPACE, WORKFLOW)
                        .name(body.name)
                        .description(body.description)
                        .taskflow(topology(CREATE_VERSION_REQUEST));
                    let call = call.taskconfig(body.taskconfig).aop_type(body.aop_type);
                    ours(call.send().await)
                })
            },
            bindings: |b| {
                raw!(
                    b,
                    create_aop_workflow_version
                        .workflow_id(WORKFLOW)
                        .body(example::<CreateAopWorkflowVersionInfo>(
                            CREATE_VERSION_REQUEST
                        ))
                )
            },
        },
        Row {
            id: "CreateWorkflowInstance",
            answer: || json(RUN_200),
            client: |c| {
                Box::pin(async move {
                    let body: AopInstanceEventData = example(RUN_REQUEST);
                    let object = body.playbook_context.unwrap().data_object;
                    let call = c
                        .run_workflow(PROJECT, WORKSPACE, WORKFLOW)
                        .dataclass_id(object.dataclass.unwrap().id.unwrap());
                    ours(call.context(object.content).send().await)
                })
            },
            bindings: |b| {
                raw!(
                    b,
                    create_workflow_instance
                        .workflow_id(WORKFLOW)
                        .body(example::<AopInstanceEventData>(RUN_REQUEST))
                )
            },
        },
        Row {
            id: "ShowAopWorkflowVersion",
            answer: || json(VERSION_200),
            client: |c| {
                Box::pin(async move {
                    ours(
                        c.show_workflow_version(PROJECT, WORKSPACE, VERSION)
                            .send()
                            .await,
                    )
                })
            },
            bindings: |b| raw!(b, show_aop_workflow_version.version_id(VERSION)),
        },
        Row {
            id: "UpdateAopWorkflowVersion",
            answer: || json(VERSION_200),
            client: |c| {
                Box::pin(async move {
                    let call = c.update_workflow_version(PROJECT, WORKSPACE, VERSION);
                    ours(call.submit().send().await)
                })
            },
            bindings: |b| {
                raw!(
                    b,
                    update_aop_workflow_version
                        .version_id(VERSION)
                        .body(example::<ModifyAopWorkflowVersionInfo>(
                            UPDATE_VERSION_REQUEST
                        ))
                )
            },
        },
        Row {
            id: "DeleteAopWorkflowVersion",
            answer: || json(VERSION_200),
            client: |c| {
                Box::pin(async move {
                    ours(
                        c.delete_workflow_version(PROJECT, WORKSPACE, VERSION)
                            .send()
                            .await,
                    )
                })
            },
            bindings: |b| raw!(b, delete_aop_workflow_version.version_id(VERSION)),
        },
        Row {
            id: "CreateAopWorkflowVersionApprovel",
            answer: || json(REVIEW_200),
            client: |c| {
                Box::pin(async move {
                    let body: CreateAopWorkflowVersionApprovelInfo = example(REVIEW_REQUEST);
                    let call = c.review_workflow_version(PROJECT, WORKSPACE, VERSION);
                    ours(call.approve(body.content).send().await)
                })
            },
            bindings: |b| {
                raw!(
                    b,
                    create_aop_workflow_version_approvel
                        .version_id(VERSION)
                        .body(example::<CreateAopWorkflowVersionApprovelInfo>(
                            REVIEW_REQUEST
                        ))
                )
            },
        },
        Row {
            id: "ValidateAopWorkflowVersion",
            answer: || json(VALIDATE_200),
            client: |c| {
                Box::pin(async move {
                    let body: AopworkflowVersionValidateRes = example(VALIDATE_REQUEST);
                    let call = c
                        .validate_workflow_version(PROJECT, WORKSPACE)
                        .mode(body.mode)
                        .taskflow(topology(VALIDATE_REQUEST));
                    let call = call
                        .taskconfig(body.taskconfig)
                        .workflow_id(body.aopworkflow_id);
                    ours(call.send().await)
                })
            },
            bindings: |b| {
                raw!(
                    b,
                    validate_aop_workflow_version
                        .body(example::<AopworkflowVersionValidateRes>(VALIDATE_REQUEST))
                )
            },
        },
        Row {
            id: "ExportAopworkflow",
            answer: || Reply::Full {
                status: 200,
                headers: vec![("Content-Type".into(), "application/octet-stream".into())],
                body: b"PK\x03\x04 an exported file".to_vec(),
            },
            client: |c| {
                Box::pin(async move {
                    let body: ExportAopworkflowInfo = example(EXPORT_REQUEST);
                    ours(c.export_workflows(PROJECT, WORKSPACE, body.id).send().await)
                })
            },
            bindings: |b| {
                raw!(
                    b,
                    export_aopworkflow.body(example::<ExportAopworkflowInfo>(EXPORT_REQUEST))
                )
            },
        },
        Row {
            id: "ImportAopworkflow",
            answer: || json(IMPORT_200),
            client: |c| {
                Box::pin(async move {
                    let call = c.import_workflows(PROJECT, WORKSPACE, "Test.json", FILE.to_vec());
                    ours(call.send().await)
                })
            },
            bindings: |b| {
                raw!(
                    b,
                    import_aopworkflow.body(multipart_form("Test.json", FILE))
                )
            },
        },
        Row {
            id: "ListAopWorkflowInstance",
            answer: || json(LIST_INSTANCES_200),
            client: |c| {
                Box::pin(async move {
                    let call = c
                        .list_workflow_instances(PROJECT, WORKSPACE)
                        .workflow_id(WORKFLOW)
                        .status(InstanceStatus::Finished)
                        .defence_id("d 1");
                    ours(call.sort_dir(SortOrder::Asc).limit(5).send().await)
                })
            },
            bindings: |b| {
                raw!(
                    b,
                    list_aop_workflow_instance
                        .workflow_id(WORKFLOW)
                        .status(InstanceStatus::Finished)
                        .defence_id("d 1")
                        .sort_dir(SortOrder::Asc)
                        .limit(5)
                )
            },
        },
        Row {
            id: "ShowAopWorkflowInstance",
            answer: || json(SHOW_INSTANCE_200),
            client: |c| {
                Box::pin(async move {
                    ours(
                        c.show_workflow_instance(PROJECT, WORKSPACE, INSTANCE)
                            .with_topology(true)
                            .send()
                            .await,
                    )
                })
            },
            bindings: |b| {
                raw!(
                    b,
                    show_aop_workflow_instance
                        .instance_id(INSTANCE)
                        .show_topology(true)
                )
            },
        },
        Row {
            id: "UpdateWorkflowInstance",
            answer: || json(ACKNOWLEDGED_200),
            client: |c| {
                Box::pin(async move {
                    let call = c.update_workflow_instance(PROJECT, WORKSPACE, INSTANCE);
                    ours(call.retry().send().await)
                })
            },
            bindings: |b| {
                raw!(
                    b,
                    update_workflow_instance
                        .instance_id(INSTANCE)
                        .body(example::<AopInstanceUpdateDataPojo>(
                            UPDATE_INSTANCE_REQUEST
                        ))
                )
            },
        },
    ]
}

/// The file the import row sends.
const FILE: &[u8] = br#"{"format":"secmaster-fake/workflows","version":1,"workflows":[]}"#;

/// `file` as a multipart form, encoded by reqwest (for the raw client, which takes the bytes).
fn multipart_form(name: &str, file: &[u8]) -> Vec<u8> {
    use futures_util::{FutureExt, TryStreamExt};
    let part = reqwest::multipart::Part::bytes(file.to_vec()).file_name(name.to_owned());
    let form = reqwest::multipart::Form::new().part("uploadFile", part);
    let chunks: Vec<bytes::Bytes> = form
        .into_stream()
        .try_collect()
        .now_or_never()
        .unwrap()
        .unwrap();
    chunks.concat()
}

/// A request with its multipart boundary (random per form) replaced by `BOUNDARY`, in the body
/// and in the Content-Type, so that two encodings of one form compare equal.
fn without_boundary(mut c: Captured) -> Captured {
    let boundary = c
        .header("content-type")
        .and_then(|v| v.split_once("boundary="))
        .map(|(_, b)| b.to_owned());
    if let Some(boundary) = boundary {
        let body = String::from_utf8_lossy(&c.body).replace(&boundary, "BOUNDARY");
        c.body = body.into_bytes();
        for (_, value) in &mut c.headers {
            *value = value.replace(&boundary, "BOUNDARY");
        }
    }
    c
}

/// Headers both send, names lower-cased, sorted: all but the client's own (the token, its user
/// agent) and reqwest's `accept-encoding`, which neither asks for.
fn comparable(c: &Captured) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = c
        .headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
        .filter(|(n, _)| !matches!(n.as_str(), "user-agent" | "x-auth-token"))
        .collect();
    headers.sort();
    headers
}

#[tokio::test]
async fn every_operation_goes_out_as_the_bindings_send_it_and_is_retried_by_its_class() {
    let rows = rows();
    let ids: Vec<&str> = rows.iter().map(|r| r.id).collect();
    // The workflow chapter's, written by hand when the client's layer was; every operation of
    // the spec, the SOC chapters' too, is in the generated table of tests/spec_table.rs.
    let spec: Vec<&str> = secmaster::bindings::operations::ALL
        .iter()
        .filter(|op| op.path.contains("/soc/workflows"))
        .map(|op| op.id)
        .collect();
    assert_eq!(
        ids, spec,
        "one row per operation of the workflow chapter, in its order"
    );
    for row in rows {
        let op = secmaster::bindings::Operation::find(row.id).unwrap();
        let busy = || Reply::json(503, r#"{"error_code":"APIGW.0202","error_msg":"busy"}"#);
        let throttled = Reply::json(
            429,
            r#"{"error_code":"APIGW.0308","error_msg":"slow down"}"#,
        );
        let ok = || (row.answer)();
        let c;
        let server = match op.retry {
            // A repeat cannot act twice: a 503 is retried, then the page's answer read.
            RetryClass::Idempotent => {
                let server = TestServer::start(vec![busy(), ok(), ok()]).await;
                c = client(&server);
                (row.client)(&c)
                    .await
                    .unwrap_or_else(|e| panic!("{}: {e}", row.id));
                server
            }
            // A repeat could act twice: a 503 may have acted, so it is not sent again and the
            // outcome is unknown; a 429 surely did not act, so that one is retried.
            RetryClass::NotIdempotent => {
                let server = TestServer::start(vec![busy(), throttled, ok(), ok()]).await;
                c = client(&server);
                let e = (row.client)(&c).await.unwrap_err();
                assert!(e.is_outcome_unknown(), "{}: {e}", row.id);
                assert!(!e.is_retryable(), "{}: {e}", row.id);
                assert_eq!(e.status(), Some(503), "{}", row.id);
                assert_eq!(e.code(), Some("APIGW.0202"), "{}", row.id);
                assert!(e.to_string().contains("outcome is unknown"), "{e}");
                assert_eq!(server.requests().len(), 1, "{}: sent once", row.id);
                (row.client)(&c)
                    .await
                    .unwrap_or_else(|e| panic!("{}: {e}", row.id));
                let sent: Vec<Captured> = server
                    .requests()
                    .into_iter()
                    .map(without_boundary)
                    .collect();
                assert_eq!(sent[0].body, sent[1].body, "{}: the same call", row.id);
                server
            }
        };
        let bindings = secmaster::bindings::Client::new(&server.url, Default::default());
        (row.bindings)(&bindings)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", row.id));

        let raw = server.requests();
        let [.., raw_first, raw_retried, _] = &raw[..] else {
            panic!("{}: {} requests", row.id, raw.len())
        };
        assert_eq!(
            raw_first, raw_retried,
            "{}: the retry sends the very same bytes",
            row.id
        );
        let requests: Vec<Captured> = raw.iter().cloned().map(without_boundary).collect();
        let [.., first, retried, generated] = &requests[..] else {
            panic!("{}: {} requests", row.id, requests.len())
        };
        assert_eq!(first, retried, "{}: the retry is the same request", row.id);
        assert_eq!(retried.method, op.method, "{}", row.id);
        assert_eq!(
            (&retried.method, &retried.target),
            (&generated.method, &generated.target),
            "{}",
            row.id
        );
        assert_eq!(
            retried.body, generated.body,
            "{}: body byte for byte",
            row.id
        );
        assert_eq!(comparable(retried), comparable(generated), "{}", row.id);
        let content_type = match op.request.map(|r| r.media_type) {
            Some("multipart/form-data") => "multipart/form-data; boundary=BOUNDARY",
            _ => "application/json;charset=UTF-8",
        };
        assert_eq!(
            retried.header("content-type"),
            Some(content_type),
            "{}",
            row.id
        );
        assert_eq!(retried.header("x-auth-token"), Some(TOKEN), "{}", row.id);
    }
}

#[tokio::test]
async fn a_list_sends_only_what_was_set_and_reads_its_page() {
    let server = TestServer::start(vec![json(LIST_WORKFLOWS_200)]).await;
    let c = client(&server);
    let page = c
        .list_workflows(PROJECT, WORKSPACE)
        .name("a b")
        .enabled(false)
        .send()
        .await
        .unwrap();
    let [seen] = server.requests().try_into().unwrap();
    assert_eq!(
        seen.target,
        format!("/v1/{PROJECT}/workspaces/{WORKSPACE}/soc/workflows?enabled=false&name=a%20b")
    );
    assert_eq!(seen.header("content-length"), None, "a GET carries no body");
    assert_eq!((page.items.len(), page.total), (1, Some(1)));
    assert_eq!(page.items[0].id.as_deref(), Some(WORKFLOW));
    assert_eq!(page.items[0].labels, Some(Label::Ip));
    assert_eq!(page.request_id.as_deref(), Some("req-ok"));
}

#[tokio::test]
async fn a_lists_bounds_come_from_the_spec_and_nothing_is_sent() {
    let server = TestServer::start(vec![]).await;
    let c = client(&server);
    let list = || c.list_workflows(PROJECT, WORKSPACE);
    for (call, field) in [
        (list().limit(0), "limit"),
        (list().limit(101), "limit"),
        (list().offset(10_001), "offset"),
    ] {
        let e = call.send().await.unwrap_err();
        assert_eq!(e.field(), Some(field), "{e}");
    }
    let e = c.list_workflows(PROJECT, "..").send().await.unwrap_err();
    assert_eq!(e.field(), Some("workspace_id"));
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_success_without_the_data_its_operation_documents_is_a_decode_error() {
    for body in [
        r#"{"success":true}"#,
        r#"{"success":true,"data":null}"#,
        r#"{"code":"00000000","total":3}"#,
    ] {
        let server = TestServer::start(vec![Reply::json(200, body), Reply::json(200, body)]).await;
        let c = client(&server);
        let e = c
            .update_workflow(PROJECT, WORKSPACE, WORKFLOW)
            .disable()
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&e, Error::Decode { path, .. } if path == "data"),
            "{body}: {e:?}"
        );
        assert!(e.to_string().contains("`data`"), "{e}");
        let e = c
            .list_workflows(PROJECT, WORKSPACE)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&e, Error::Decode { path, .. } if path == "data"),
            "{body}: {e:?}"
        );
    }
    // Missing optional fields inside `data` stay lenient.
    let server = TestServer::start(vec![Reply::json(200, r#"{"success":true,"data":{}}"#)]).await;
    let ok = client(&server)
        .update_workflow(PROJECT, WORKSPACE, WORKFLOW)
        .disable()
        .send()
        .await
        .unwrap();
    assert_eq!(ok.value, secmaster::Workflow::default());
}

#[tokio::test]
async fn an_instance_is_read_bare_and_a_refusal_in_its_place_is_an_error() {
    let server = TestServer::start(vec![
        json(SHOW_INSTANCE_200),
        Reply::json(
            200,
            r#"{"code":"SecMaster.1","message":"no","success":false}"#,
        ),
    ])
    .await;
    let c = client(&server);
    let shown = c
        .show_workflow_instance(PROJECT, WORKSPACE, INSTANCE)
        .send()
        .await
        .unwrap();
    assert_eq!(shown.status, Some(InstanceStatus::Finished));
    assert_eq!(
        shown
            .workflow
            .as_ref()
            .and_then(|w| w.version_id.as_deref()),
        Some("ver-0001")
    );
    assert_eq!(shown.topology.as_ref().map(|t| t.audit_logs.len()), Some(1));
    assert_eq!(shown.request_id.as_deref(), Some("req-ok"));
    let e = c
        .show_workflow_instance(PROJECT, WORKSPACE, INSTANCE)
        .send()
        .await
        .unwrap_err();
    assert_eq!((e.status(), e.code()), (Some(200), Some("SecMaster.1")));
    // Nothing of an instance, or the gateway's error shape, is no instance either.
    let empty = TestServer::start(vec![
        Reply::json(200, "{}"),
        Reply::json(200, r#"{"error_code":"APIGW.0101","error_msg":"gone"}"#),
    ])
    .await;
    let c2 = client(&empty);
    let e = c2
        .show_workflow_instance(PROJECT, WORKSPACE, INSTANCE)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Decode { reason, .. } if reason.contains("none of")),
        "{e:?}"
    );
    let e = c2
        .show_workflow_instance(PROJECT, WORKSPACE, INSTANCE)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        (e.status(), e.code(), e.message()),
        (Some(200), Some("APIGW.0101"), Some("gone"))
    );
    assert_eq!(
        server.requests()[0].target,
        format!("/v1/{PROJECT}/workspaces/{WORKSPACE}/soc/workflows/instances/{INSTANCE}")
    );
}

#[tokio::test]
async fn an_export_is_its_bytes_under_a_limit_of_its_own() {
    let file: Vec<u8> = (0..5 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    let reply = Reply::Full {
        status: 200,
        headers: vec![("Content-Type".into(), "application/octet-stream".into())],
        body: file.clone(),
    };
    let server = TestServer::start(vec![reply.clone(), reply]).await;
    let c = client(&server);
    let exported = c
        .export_workflows(PROJECT, WORKSPACE, [WORKFLOW])
        .send()
        .await
        .unwrap();
    assert_eq!(
        exported.len(),
        file.len(),
        "5 MiB: over the 4 MiB JSON cap, under the download cap"
    );
    assert_eq!(&exported[..], &file[..]);
    assert_eq!(
        server.requests()[0].body,
        br#"{"id":["c19470f3-5eaf-4572-82e8-2ff094495919"]}"#
    );
    let small = Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::token(TOKEN))
        .max_download_bytes(1024)
        .build()
        .unwrap();
    let e = small
        .export_workflows(PROJECT, WORKSPACE, vec![WORKFLOW.to_owned()])
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::ResponseTooLarge { limit: 1024, .. }),
        "{e:?}"
    );
    let e = c
        .export_workflows(PROJECT, WORKSPACE, Vec::<String>::new())
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("id"), "{e}");
    assert_eq!(server.requests().len(), 2, "the empty export sent nothing");
}

#[tokio::test]
async fn an_id_equal_to_a_literal_segment_never_reaches_another_operation() {
    let server = TestServer::start(vec![]).await;
    let c = client(&server);
    for literal in ["export", "instances"] {
        let e = c
            .update_workflow(PROJECT, WORKSPACE, literal)
            .disable()
            .send()
            .await
            .unwrap_err();
        assert_eq!(e.field(), Some("workflow_id"), "{e}");
    }
    assert!(server.requests().is_empty());
    // The bindings refuse the same, against the caller's own operation.
    let bindings = secmaster::bindings::Client::new(&server.url, Default::default());
    let call = bindings
        .update_aop_workflow()
        .project_id(PROJECT)
        .workspace_id(WORKSPACE)
        .workflow_id("export");
    let e = call
        .body(ModifyAopWorkflowInfo::default())
        .send()
        .await
        .unwrap_err();
    assert!(format!("{e:?}").contains("not PUT"), "{e:?}");
    assert!(server.requests().is_empty());
}

// Update a Workflow's own rules, and its bodies of every kind.

#[tokio::test]
async fn every_validation_failure_names_its_field_and_sends_nothing() {
    let server = TestServer::start(vec![]).await;
    let client = client(&server);
    let u = || client.update_workflow(PROJECT, WORKSPACE, WORKFLOW);
    let cases: Vec<(secmaster::UpdateWorkflow, &str)> = vec![
        (u().enable(""), "version_id"),
        (u().enable("  "), "version_id"),
        (u().version_id("v\n1"), "version_id"),
        (u(), "body"),
        (u().labels(Label::Other("URL".into())), "labels"),
        (
            client.update_workflow("", WORKSPACE, WORKFLOW).name("x"),
            "project_id",
        ),
        (
            client.update_workflow(PROJECT, "..", WORKFLOW).name("x"),
            "workspace_id",
        ),
        (
            client.update_workflow(PROJECT, WORKSPACE, ".").name("x"),
            "workflow_id",
        ),
        (
            client
                .update_workflow(PROJECT, WORKSPACE, "a\r\nb")
                .name("x"),
            "workflow_id",
        ),
        (
            client.update_workflow(PROJECT, "w\0", WORKFLOW).name("x"),
            "workspace_id",
        ),
    ];
    for (call, field) in cases {
        let e = call.send().await.unwrap_err();
        assert_eq!(e.field(), Some(field), "{e}");
        assert!(
            e.to_string().starts_with(&format!("invalid {field}: ")),
            "{e}"
        );
        assert!(e.to_string().ends_with("(nothing was sent)"), "{e}");
        assert!(!e.is_retryable());
    }
    let aksk = Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::ak_sk("AK", "SK"))
        .build()
        .unwrap();
    let e = aksk
        .update_workflow("proj é", WORKSPACE, WORKFLOW)
        .name("x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("project_id"), "{e}");
    assert!(server.requests().is_empty(), "nothing reached the server");
}

#[tokio::test]
async fn disable_and_version_id_never_set_enabled_true() {
    // `enable` takes the version; `disable` and `version_id` never set enabled = true.
    let server = TestServer::start(vec![]).await;
    let client = client(&server);
    let b = client
        .update_workflow(PROJECT, WORKSPACE, WORKFLOW)
        .disable()
        .version_id("v2");
    assert_eq!(b.body()["enabled"], false);
    b.send().await.unwrap();
    assert_eq!(
        server.requests()[0].body,
        br#"{"enabled":false,"version_id":"v2"}"#
    );
}

#[tokio::test]
async fn enable_sends_enabled_and_version_id_together_and_labels_as_text() {
    let server = TestServer::start(vec![]).await;
    client(&server)
        .update_workflow(PROJECT, WORKSPACE, WORKFLOW)
        .enable("ver-0001")
        .labels(Label::Domain)
        .send()
        .await
        .unwrap();
    let [seen] = server.requests().try_into().unwrap();
    assert_eq!(
        seen.body,
        br#"{"enabled":true,"labels":"DOMAIN","version_id":"ver-0001"}"#
    );
}

#[tokio::test]
async fn updates_of_every_kind_go_out_as_the_bindings_send_them() {
    use secmaster::bindings::types::ModifyAopWorkflowInfo;

    let server = TestServer::start(vec![]).await;
    let client = client(&server);
    let bindings = secmaster::bindings::Client::new(&server.url, Default::default());
    let bodies = [
        ModifyAopWorkflowInfo {
            name: Some("Test_aop".into()),
            description: Some("Aop workflow description Test".into()),
            ..Default::default()
        },
        ModifyAopWorkflowInfo {
            enabled: Some(true),
            version_id: Some("ver-0001".into()),
            labels: Some(Label::Account),
            ..Default::default()
        },
        ModifyAopWorkflowInfo {
            enabled: Some(false),
            name: Some("名前 \"quoted\" \\ back".into()),
            ..Default::default()
        },
    ];
    for body in bodies {
        let mut call = client.update_workflow(PROJECT, WORKSPACE, WORKFLOW);
        if let Some(name) = &body.name {
            call = call.name(name);
        }
        if let Some(description) = &body.description {
            call = call.description(description);
        }
        match (body.enabled, &body.version_id) {
            (Some(true), Some(version)) => call = call.enable(version),
            (Some(false), _) => call = call.disable(),
            _ => {}
        }
        if let Some(labels) = &body.labels {
            call = call.labels(labels.clone());
        }
        assert_eq!(
            serde_json::to_value(call.body()).unwrap(),
            serde_json::to_value(&body).unwrap()
        );
        call.send().await.unwrap();
        bindings
            .update_aop_workflow()
            .project_id(PROJECT)
            .workspace_id(WORKSPACE)
            .workflow_id(WORKFLOW)
            .body(body.clone())
            .send()
            .await
            .unwrap();
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 6);
    for pair in requests.chunks(2) {
        let (ours, generated) = (&pair[0], &pair[1]);
        assert_eq!(ours.method, generated.method);
        assert_eq!(ours.target, generated.target);
        assert_eq!(ours.body, generated.body, "byte for byte");
        let comparable = |c: &Captured| {
            let mut headers: Vec<(String, String)> = c
                .headers
                .iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
                .filter(|(n, _)| n != "user-agent" && n != "x-auth-token")
                .collect();
            headers.sort();
            headers
        };
        assert_eq!(comparable(ours), comparable(generated));
        assert!(ours.header("x-auth-token").is_some() && ours.header("user-agent").is_some());
    }
}
