//! Workflows and their versions: each builder's own rules (mandatory fields named, nothing
//! sent), the exact bodies of the actions, the review's envelope without `success`, the version
//! view, and what a refused repeat says.

use std::time::Duration;

use secmaster::{
    AopType, ApprovalResult, Client, Credentials, Error, Label, RetryPolicy, ValidateMode,
    VersionStatus,
};
use secmaster_testkit::examples::{
    LIST_VERSIONS_200, REVIEW_200, UPDATE_200, VALIDATE_200, VERSION_200,
};
use secmaster_testkit::ids::{PROJECT, VERSION, WORKFLOW, WORKSPACE};
use secmaster_testkit::{Reply, TestServer};

const TOPOLOGY: &str = r#"{"nodes":[{"id":"start","type":"start"}],"edges":[]}"#;

fn client(server: &TestServer) -> Client {
    Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::token("versions-test-token"))
        .retry(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(2)),
        )
        .build()
        .unwrap()
}

fn body(server: &TestServer) -> serde_json::Value {
    let request = server.requests().pop().unwrap();
    serde_json::from_slice(&request.body).unwrap()
}

#[tokio::test]
async fn every_mandatory_field_missing_is_named_and_nothing_is_sent() {
    let server = TestServer::start(vec![]).await;
    let c = client(&server);
    let workflow = || {
        c.create_workflow(PROJECT, WORKSPACE)
            .name("n")
            .aop_type(AopType::Normal)
            .dataclass_id("dc")
    };
    let version = || {
        c.create_workflow_version(PROJECT, WORKSPACE, WORKFLOW)
            .name("v")
            .description("d")
            .taskflow(TOPOLOGY)
            .taskconfig("{}")
            .aop_type(AopType::Normal)
    };
    let validation = || {
        c.validate_workflow_version(PROJECT, WORKSPACE)
            .mode(ValidateMode::Basic)
            .taskflow(TOPOLOGY)
            .taskconfig("{}")
            .workflow_id(WORKFLOW)
    };
    let cases: Vec<(Error, &str)> = vec![
        (
            c.create_workflow(PROJECT, WORKSPACE)
                .send()
                .await
                .unwrap_err(),
            "name",
        ),
        (workflow().name("  ").send().await.unwrap_err(), "name"),
        (
            c.create_workflow(PROJECT, WORKSPACE)
                .name("n")
                .dataclass_id("dc")
                .send()
                .await
                .unwrap_err(),
            "aop_type",
        ),
        (
            c.create_workflow(PROJECT, WORKSPACE)
                .name("n")
                .aop_type(AopType::Ease)
                .send()
                .await
                .unwrap_err(),
            "dataclass_id",
        ),
        (
            workflow().description("").send().await.unwrap_err(),
            "description",
        ),
        (
            c.create_workflow(PROJECT, "")
                .name("n")
                .aop_type(AopType::Normal)
                .dataclass_id("dc")
                .send()
                .await
                .unwrap_err(),
            "workspace_id",
        ),
        (
            version().description("").send().await.unwrap_err(),
            "description",
        ),
        (
            c.create_workflow_version(PROJECT, WORKSPACE, WORKFLOW)
                .description("d")
                .taskflow(TOPOLOGY)
                .taskconfig("{}")
                .aop_type(AopType::Normal)
                .send()
                .await
                .unwrap_err(),
            "name",
        ),
        (
            c.create_workflow_version(PROJECT, WORKSPACE, WORKFLOW)
                .name("v")
                .taskflow(TOPOLOGY)
                .taskconfig("{}")
                .aop_type(AopType::Normal)
                .send()
                .await
                .unwrap_err(),
            "description",
        ),
        (
            c.create_workflow_version(PROJECT, WORKSPACE, WORKFLOW)
                .name("v")
                .description("d")
                .taskflow(TOPOLOGY)
                .aop_type(AopType::Normal)
                .send()
                .await
                .unwrap_err(),
            "taskconfig",
        ),
        (
            c.validate_workflow_version(PROJECT, WORKSPACE)
                .mode(ValidateMode::Basic)
                .taskconfig("{}")
                .workflow_id(WORKFLOW)
                .send()
                .await
                .unwrap_err(),
            "taskflow",
        ),
        (
            c.validate_workflow_version(PROJECT, WORKSPACE)
                .mode(ValidateMode::Basic)
                .taskflow(TOPOLOGY)
                .workflow_id(WORKFLOW)
                .send()
                .await
                .unwrap_err(),
            "taskconfig",
        ),
        (
            c.validate_workflow_version(PROJECT, WORKSPACE)
                .mode(ValidateMode::Basic)
                .taskflow(TOPOLOGY)
                .taskconfig("{}")
                .send()
                .await
                .unwrap_err(),
            "workflow_id",
        ),
        (
            c.show_workflow(PROJECT, WORKSPACE, "import")
                .send()
                .await
                .unwrap_err(),
            "workflow_id",
        ),
        (
            version()
                .taskflow("eyJub2RlcyI6W119")
                .send()
                .await
                .unwrap_err(),
            "taskflow",
        ),
        (
            version().taskconfig("").send().await.unwrap_err(),
            "taskconfig",
        ),
        (
            c.create_workflow_version(PROJECT, WORKSPACE, WORKFLOW)
                .name("v")
                .description("d")
                .taskflow(TOPOLOGY)
                .taskconfig("{}")
                .send()
                .await
                .unwrap_err(),
            "aop_type",
        ),
        (
            c.create_workflow_version(PROJECT, WORKSPACE, WORKFLOW)
                .name("v")
                .description("d")
                .taskconfig("{}")
                .send()
                .await
                .unwrap_err(),
            "taskflow",
        ),
        (
            c.create_workflow_version(PROJECT, WORKSPACE, "instances")
                .name("v")
                .description("d")
                .taskflow(TOPOLOGY)
                .taskconfig("{}")
                .aop_type(AopType::Normal)
                .send()
                .await
                .unwrap_err(),
            "workflow_id",
        ),
        (
            c.update_workflow_version(PROJECT, WORKSPACE, VERSION)
                .send()
                .await
                .unwrap_err(),
            "body",
        ),
        (
            c.update_workflow_version(PROJECT, WORKSPACE, VERSION)
                .name("x")
                .submit()
                .send()
                .await
                .unwrap_err(),
            "status",
        ),
        (
            c.update_workflow_version(PROJECT, WORKSPACE, VERSION)
                .taskflow("{not json")
                .send()
                .await
                .unwrap_err(),
            "taskflow",
        ),
        (
            c.review_workflow_version(PROJECT, WORKSPACE, VERSION)
                .send()
                .await
                .unwrap_err(),
            "result",
        ),
        (
            c.review_workflow_version(PROJECT, WORKSPACE, VERSION)
                .approve(" ")
                .send()
                .await
                .unwrap_err(),
            "content",
        ),
        (
            c.review_workflow_version(PROJECT, WORKSPACE, "versions")
                .approve("ok")
                .send()
                .await
                .unwrap_err(),
            "version_id",
        ),
        (
            c.validate_workflow_version(PROJECT, WORKSPACE)
                .taskflow(TOPOLOGY)
                .send()
                .await
                .unwrap_err(),
            "mode",
        ),
        (
            validation().taskflow(b"\xff").send().await.unwrap_err(),
            "taskflow",
        ),
        (
            validation().taskconfig("").send().await.unwrap_err(),
            "taskconfig",
        ),
        (
            validation().workflow_id(" ").send().await.unwrap_err(),
            "workflow_id",
        ),
        (
            c.show_workflow(PROJECT, WORKSPACE, "validation")
                .send()
                .await
                .unwrap_err(),
            "workflow_id",
        ),
        (
            c.delete_workflow(PROJECT, WORKSPACE, "versions")
                .send()
                .await
                .unwrap_err(),
            "workflow_id",
        ),
        (
            c.show_workflow_version(PROJECT, WORKSPACE, "..")
                .send()
                .await
                .unwrap_err(),
            "version_id",
        ),
        (
            c.delete_workflow_version(PROJECT, WORKSPACE, "")
                .send()
                .await
                .unwrap_err(),
            "version_id",
        ),
        (
            c.list_workflow_versions(PROJECT, WORKSPACE, "export")
                .send()
                .await
                .unwrap_err(),
            "workflow_id",
        ),
    ];
    for (e, field) in cases {
        assert_eq!(e.field(), Some(field), "{e}");
        assert!(e.to_string().contains("nothing was sent"), "{e}");
    }
    assert!(server.requests().is_empty(), "nothing reached the server");
}

#[tokio::test]
async fn creates_and_actions_send_exactly_their_fields() {
    let replies = vec![
        Reply::json(200, UPDATE_200),
        Reply::json(200, VERSION_200),
        Reply::json(200, VERSION_200),
        Reply::json(200, VERSION_200),
        Reply::json(200, VERSION_200),
        Reply::json(200, REVIEW_200),
        Reply::json(200, REVIEW_200),
    ];
    let server = TestServer::start(replies).await;
    let c = client(&server);
    let created = c
        .create_workflow(PROJECT, WORKSPACE)
        .name("Block IPs")
        .aop_type(AopType::Hemostasis)
        .dataclass_id("dc")
        .send()
        .await
        .unwrap();
    assert_eq!(
        created.id.as_deref(),
        Some(WORKFLOW),
        "Output derefs to the workflow"
    );
    assert_eq!(
        body(&server),
        serde_json::json!({"name": "Block IPs", "engine_type": "public_engine", "aop_type": "HEMOSTASIS", "dataclass_id": "dc"}),
        "engine_type without a setter, unset optional fields left out"
    );
    let v = |c: &Client| c.update_workflow_version(PROJECT, WORKSPACE, VERSION);
    for (call, status) in [
        (v(&c).submit(), "pending_approval"),
        (v(&c).activate(), "activated"),
        (v(&c).deactivate(), "not_activated"),
    ] {
        call.send().await.unwrap();
        assert_eq!(body(&server), serde_json::json!({"status": status}));
    }
    v(&c).taskflow(TOPOLOGY).name("v3").send().await.unwrap();
    assert_eq!(
        body(&server),
        serde_json::json!({"name": "v3", "taskflow": "eyJub2RlcyI6W3siaWQiOiJzdGFydCIsInR5cGUiOiJzdGFydCJ9XSwiZWRnZXMiOltdfQ==", "taskflow_type": "JSON"})
    );
    let r = |c: &Client| c.review_workflow_version(PROJECT, WORKSPACE, VERSION);
    let review = r(&c).approve("fine").send().await.unwrap();
    assert_eq!(review.result, Some(ApprovalResult::Pass));
    assert_eq!(
        body(&server),
        serde_json::json!({"content": "fine", "result": "PASS"})
    );
    r(&c).reject("no").send().await.unwrap();
    assert_eq!(
        body(&server),
        serde_json::json!({"content": "no", "result": "UN_PASS"})
    );
    let methods: Vec<String> = server.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(
        methods,
        ["POST", "PUT", "PUT", "PUT", "PUT", "POST", "POST"]
    );
}

#[tokio::test]
async fn an_envelope_without_success_is_refused_only_for_an_error_code() {
    let refusal = r#"{"code":"SecMaster.20048001","message":"the version is not pending approval","data":null}"#;
    let server = TestServer::start(vec![
        Reply::json(200, REVIEW_200),
        Reply::json(
            200,
            r#"{"code":"","message":"","data":{"result":"UN_PASS","content":"x"}}"#,
        ),
        Reply::json(200, refusal),
    ])
    .await;
    let c = client(&server);
    let review = || {
        c.review_workflow_version(PROJECT, WORKSPACE, VERSION)
            .approve("ok")
            .send()
    };
    assert_eq!(
        review().await.unwrap().content.as_deref(),
        Some("Checked the notification node")
    );
    assert_eq!(review().await.unwrap().result, Some(ApprovalResult::UnPass));
    let e = review().await.unwrap_err();
    assert_eq!(
        (e.status(), e.code()),
        (Some(200), Some("SecMaster.20048001"))
    );
    assert!(!e.is_outcome_unknown(), "a refusal is a known outcome");
    assert!(!e.is_retryable(), "{e}");
    assert!(
        e.to_string().contains("answered HTTP 200 with an error"),
        "{e}"
    );
}

#[tokio::test]
async fn versions_read_with_their_status_and_topology() {
    let odd = VERSION_200.replace("not_activated", "archived");
    let server = TestServer::start(vec![
        Reply::json(200, LIST_VERSIONS_200),
        Reply::json(200, &odd),
        Reply::json(200, VALIDATE_200),
    ])
    .await;
    let c = client(&server);
    let page = c
        .list_workflow_versions(PROJECT, WORKSPACE, WORKFLOW)
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].target,
        format!("/v1/{PROJECT}/workspaces/{WORKSPACE}/soc/workflows/{WORKFLOW}/versions"),
        "no status: no query"
    );
    let statuses: Vec<_> = page
        .items
        .iter()
        .map(|v| v.status.clone().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [VersionStatus::Activated, VersionStatus::NotActivated]
    );
    assert_eq!(page.total, Some(2));
    let first = &page.items[0];
    assert_eq!(first.workflow_id.as_deref(), Some(WORKFLOW));
    assert_eq!(
        first.topology.as_ref().unwrap()["nodes"][1]["action"],
        "Notify"
    );
    assert_eq!(
        first.created_at().unwrap().to_string(),
        "2025-07-18T06:45:02Z"
    );
    let shown = c
        .show_workflow_version(PROJECT, WORKSPACE, VERSION)
        .send()
        .await
        .unwrap();
    assert_eq!(shown.status, Some(VersionStatus::Other("archived".into())));
    assert!(
        format!("{shown:?}").contains("archived"),
        "Debug shows unknown values as received"
    );
    assert!(format!("{shown:?}").contains(VERSION), "and the IDs");
    let result = c
        .validate_workflow_version(PROJECT, WORKSPACE)
        .mode(ValidateMode::Circle)
        .taskflow(TOPOLOGY)
        .taskconfig("{}")
        .workflow_id(WORKFLOW)
        .send()
        .await
        .unwrap();
    assert_eq!(result.value["passed"], true);
}

#[tokio::test]
async fn a_repeat_refused_after_a_lost_answer_says_the_first_may_have_succeeded() {
    let gone = r#"{"code":"SecMaster.20040404","message":"workflow not found"}"#;
    let server = TestServer::start(vec![
        Reply::json(502, "bad gateway"),
        Reply::json(400, gone),
        Reply::json(400, gone),
    ])
    .await;
    let c = client(&server);
    let e = c
        .delete_workflow(PROJECT, WORKSPACE, WORKFLOW)
        .send()
        .await
        .unwrap_err();
    assert!(
        e.service().unwrap().earlier_attempt_may_have_succeeded,
        "{e}"
    );
    assert!(e.to_string().contains("earlier attempt"), "{e}");
    assert_eq!(
        (e.status(), e.code()),
        (Some(400), Some("SecMaster.20040404"))
    );
    // A status change refused after a lost answer, in a 200 body: the same.
    let server = TestServer::start(vec![
        Reply::json(503, "busy"),
        Reply::json(
            200,
            r#"{"success":false,"code":"SecMaster.20048002","message":"already activated"}"#,
        ),
    ])
    .await;
    let e = client(&server)
        .update_workflow_version(PROJECT, WORKSPACE, VERSION)
        .activate()
        .send()
        .await
        .unwrap_err();
    assert!(
        e.service().unwrap().earlier_attempt_may_have_succeeded,
        "{e}"
    );
    // A refusal of the credentials says nothing of the kind, even after a lost answer.
    let server = TestServer::start(vec![
        Reply::json(503, "busy"),
        Reply::json(
            403,
            r#"{"error_code":"APIGW.0302","error_msg":"forbidden"}"#,
        ),
    ])
    .await;
    let e = client(&server)
        .delete_workflow(PROJECT, WORKSPACE, WORKFLOW)
        .send()
        .await
        .unwrap_err();
    assert!(
        !e.service().unwrap().earlier_attempt_may_have_succeeded,
        "{e}"
    );
    // The same refusal on a first attempt says nothing of the kind.
    let e = c
        .delete_workflow(PROJECT, WORKSPACE, WORKFLOW)
        .send()
        .await
        .unwrap_err();
    assert!(!e.service().unwrap().earlier_attempt_may_have_succeeded);
    assert!(!e.to_string().contains("earlier attempt"), "{e}");
}

#[tokio::test]
async fn a_create_is_retried_only_when_it_surely_never_arrived() {
    // A timeout after the request was written: not sent again, outcome unknown.
    let server = TestServer::start(vec![
        Reply::json(200, UPDATE_200).delayed(Duration::from_secs(5)),
    ])
    .await;
    let c = client(&server);
    let e = c
        .create_workflow(PROJECT, WORKSPACE)
        .name("n")
        .aop_type(AopType::Normal)
        .dataclass_id("dc")
        .labels(Label::Ip)
        // Long enough for a busy machine's server to read the request before it times out.
        .attempt_timeout(Duration::from_millis(1000))
        .send()
        .await
        .unwrap_err();
    assert!(e.is_outcome_unknown(), "{e}");
    assert!(
        matches!(&e, Error::OutcomeUnknown { operation: "CreateAopWorkflow", source, .. } if matches!(**source, Error::Timeout { .. })),
        "{e:?}"
    );
    assert!(
        e.to_string().contains(".name(..)"),
        "says how to find out: {e}"
    );
    assert_eq!(server.requests().len(), 1);
    // A refused connection surely never arrived: retried (and here refused again).
    let closed = Client::builder()
        .endpoint("http://127.0.0.1:1")
        .credentials(Credentials::token("versions-test-token"))
        .retry(
            RetryPolicy::default()
                .max_attempts(2)
                .initial_backoff(Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    let e = closed
        .create_workflow(PROJECT, WORKSPACE)
        .name("n")
        .aop_type(AopType::Normal)
        .dataclass_id("dc")
        .send()
        .await
        .unwrap_err();
    assert!(!e.is_outcome_unknown(), "{e}");
    assert!(e.is_retryable(), "{e}");
    assert!(e.to_string().contains("2 attempts"), "{e}");
}

#[tokio::test]
async fn a_connection_lost_after_a_create_was_sent_leaves_its_outcome_unknown() {
    let cut = Reply::CutShort {
        status: 200,
        declared: 1000,
        body: br#"{"code":"00000000","succ"#.to_vec(),
    };
    let server = TestServer::start(vec![cut]).await;
    let e = client(&server)
        .create_workflow_version(PROJECT, WORKSPACE, WORKFLOW)
        .name("v")
        .description("d")
        .taskflow(TOPOLOGY)
        .taskconfig("{}")
        .aop_type(AopType::Normal)
        .send()
        .await
        .unwrap_err();
    assert!(e.is_outcome_unknown(), "{e:?}");
    assert!(
        matches!(&e, Error::OutcomeUnknown { source, .. } if matches!(**source, Error::Transport { connect: false, .. })),
        "{e:?}"
    );
    assert!(
        e.to_string().contains("list the workflow's versions"),
        "{e}"
    );
    assert_eq!(server.requests().len(), 1, "not sent again");
}
