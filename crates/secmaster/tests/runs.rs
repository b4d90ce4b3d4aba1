//! Runs, their commands, imports and waiting: each builder's exact body, its validation (nothing
//! sent), the multipart form, and the waiters against runs that finish, fail and never finish.

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use secmaster::{Client, Credentials, Error, InstanceStatus, RetryPolicy, TriggerType};
use secmaster_testkit::examples::{ACKNOWLEDGED_200, IMPORT_200, RUN_200, VERSION_200};
use secmaster_testkit::ids::{INSTANCE, PROJECT, VERSION, WORKFLOW, WORKSPACE};
use secmaster_testkit::{Reply, TestServer};

fn client(server: &TestServer) -> Client {
    Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::token("runs-test-token"))
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap()
}

fn last_body(server: &TestServer) -> serde_json::Value {
    serde_json::from_slice(&server.requests().pop().unwrap().body).unwrap()
}

fn instance(status: &str) -> Reply {
    let body = serde_json::json!({"id": INSTANCE, "status": status, "retry_count": 0});
    Reply::json(200, &body.to_string())
}

#[tokio::test]
async fn a_run_sends_the_pages_constants_the_workflow_and_its_context() {
    let server =
        TestServer::start(vec![Reply::json(200, RUN_200), Reply::json(200, RUN_200)]).await;
    let c = client(&server);
    let run = c
        .run_workflow(PROJECT, WORKSPACE, WORKFLOW)
        .dataclass_id("dc-1")
        .context(serde_json::json!({"alert": {"id": 7}}))
        .send()
        .await
        .unwrap();
    assert_eq!(run.instance_id.as_deref(), Some(INSTANCE));
    assert_eq!(
        last_body(&server),
        serde_json::json!({"action_id": WORKFLOW, "action_type": "workflow", "command_type": "ActionInstanceRunCommand", "playbook_context": {"data_object": {"content": {"alert": {"id": 7}}, "dataclass": {"id": "dc-1"}}}})
    );
    c.run_workflow(PROJECT, WORKSPACE, WORKFLOW)
        .send()
        .await
        .unwrap();
    assert_eq!(
        last_body(&server),
        serde_json::json!({"action_id": WORKFLOW, "action_type": "workflow", "command_type": "ActionInstanceRunCommand", "playbook_context": {"data_object": {}}}),
        "no context, no data class: the data object the page requires, empty"
    );
    assert_eq!(
        server.requests()[0].target,
        format!("/v1/{PROJECT}/workspaces/{WORKSPACE}/soc/workflows/{WORKFLOW}/instances")
    );
}

#[tokio::test]
async fn commands_send_exactly_their_fields_and_get_the_envelope_without_data() {
    let replies = (0..3).map(|_| Reply::json(200, ACKNOWLEDGED_200)).collect();
    let server = TestServer::start(replies).await;
    let c = client(&server);
    let command = || c.update_workflow_instance(PROJECT, WORKSPACE, INSTANCE);
    for (call, body) in [
        (
            command().terminate(),
            serde_json::json!({"command_type": "ActionInstanceTerminateCommand"}),
        ),
        (
            command().retry(),
            serde_json::json!({"command_type": "ActionInstanceRetryCommand"}),
        ),
        (
            command().debug("node-1", "{\"k\":1}"),
            serde_json::json!({"command_type": "ActionInstanceDebugCommand", "task_id": "node-1", "input_dataobject": "{\"k\":1}"}),
        ),
    ] {
        call.send().await.unwrap();
        assert_eq!(last_body(&server), body);
        assert_eq!(server.requests().last().unwrap().method, "PUT");
    }
}

#[tokio::test]
async fn every_bad_input_is_named_and_nothing_is_sent() {
    let server = TestServer::start(vec![]).await;
    let c = client(&server);
    let cases: Vec<(Error, &str)> = vec![
        (
            c.run_workflow(PROJECT, WORKSPACE, WORKFLOW)
                .context(serde_json::json!([1]))
                .send()
                .await
                .unwrap_err(),
            "context",
        ),
        (
            c.run_workflow(PROJECT, WORKSPACE, WORKFLOW)
                .dataclass_id(" ")
                .send()
                .await
                .unwrap_err(),
            "dataclass_id",
        ),
        (
            c.run_workflow(PROJECT, WORKSPACE, "versions")
                .send()
                .await
                .unwrap_err(),
            "workflow_id",
        ),
        (
            c.update_workflow_instance(PROJECT, WORKSPACE, INSTANCE)
                .send()
                .await
                .unwrap_err(),
            "command_type",
        ),
        (
            c.update_workflow_instance(PROJECT, WORKSPACE, INSTANCE)
                .debug("", "{}")
                .send()
                .await
                .unwrap_err(),
            "task_id",
        ),
        (
            c.update_workflow_instance(PROJECT, WORKSPACE, "..")
                .retry()
                .send()
                .await
                .unwrap_err(),
            "instance_id",
        ),
        (
            c.import_workflows(PROJECT, WORKSPACE, "a.json", Vec::new())
                .send()
                .await
                .unwrap_err(),
            "uploadFile",
        ),
        (
            c.import_workflows(PROJECT, WORKSPACE, "a\".json", b"{}".to_vec())
                .send()
                .await
                .unwrap_err(),
            "file_name",
        ),
        (
            c.import_workflows(PROJECT, WORKSPACE, "a\r\n.json", b"{}".to_vec())
                .send()
                .await
                .unwrap_err(),
            "file_name",
        ),
        (
            c.import_workflows(PROJECT, WORKSPACE, " ", b"{}".to_vec())
                .send()
                .await
                .unwrap_err(),
            "file_name",
        ),
        (
            c.list_workflow_instances(PROJECT, WORKSPACE)
                .limit(0)
                .send()
                .await
                .unwrap_err(),
            "limit",
        ),
        (
            c.list_workflow_instances(PROJECT, WORKSPACE)
                .offset(10_001)
                .send()
                .await
                .unwrap_err(),
            "offset",
        ),
    ];
    for (e, field) in cases {
        assert_eq!(e.field(), Some(field), "{e}");
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn an_import_is_one_multipart_part_with_the_file_as_given() {
    let server = TestServer::start(vec![Reply::json(200, IMPORT_200)]).await;
    let file = b"{\"format\":\"x\"}\r\n--not-a-boundary\r\n\x00\xff".to_vec();
    client(&server)
        .import_workflows(PROJECT, WORKSPACE, "Flux été.json", file.clone())
        .send()
        .await
        .unwrap();
    let [sent] = server.requests().try_into().unwrap();
    assert_eq!(sent.method, "POST");
    assert!(
        sent.target.ends_with("/soc/workflows/import"),
        "{}",
        sent.target
    );
    let content_type = sent.header("content-type").unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("{content_type}"));
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"uploadFile\"; filename=\"Flux été.json\"\r\n\r\n"
    );
    let tail = format!("\r\n--{boundary}--\r\n");
    let expected = [head.as_bytes(), &file, tail.as_bytes()].concat();
    assert_eq!(
        sent.body, expected,
        "one part, the name as given, the bytes unchanged"
    );
    assert_eq!(
        sent.header("content-length"),
        Some(expected.len().to_string().as_str())
    );
}

#[tokio::test]
async fn instances_page_with_count_as_total_and_every_filter_by_its_wire_name() {
    let page = |n: usize, count: u64| {
        let items: Vec<serde_json::Value> = (0..n)
            .map(|i| serde_json::json!({"id": format!("i-{i}"), "status": "FINISHED"}))
            .collect();
        Reply::json(
            200,
            &serde_json::json!({"count": count, "instances": items}).to_string(),
        )
    };
    let server = TestServer::start(vec![page(2, 3), page(1, 3), page(0, 0)]).await;
    let c = client(&server);
    let all: Vec<_> = c
        .list_workflow_instances(PROJECT, WORKSPACE)
        .limit(2)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    let page = c
        .list_workflow_instances(PROJECT, WORKSPACE)
        .defence_id("d 1")
        .trigger_type(TriggerType::Manual)
        .status(InstanceStatus::Running)
        .from_date("2025-07-18T00:00:00Z")
        .send()
        .await
        .unwrap();
    assert_eq!(page.total, Some(0));
    let target = &server.requests()[2].target;
    assert!(
        target.ends_with("instances?defence_id=d%201&from_date=2025-07-18T00%3A00%3A00Z&status=RUNNING&trigger_type=MANUAL"),
        "{target}"
    );
}

#[tokio::test]
async fn waiting_ends_on_a_finished_or_failed_run_and_gives_up_with_the_last_status() {
    for last in ["FINISHED", "FAILED", "TERMINATED"] {
        let server = TestServer::start(vec![
            instance("RUNNING"),
            instance("RETRYING"),
            instance(last),
        ])
        .await;
        let done = client(&server)
            .show_workflow_instance(PROJECT, WORKSPACE, INSTANCE)
            .wait_until_done(Duration::from_secs(30))
            .await
            .unwrap();
        assert_eq!(done.status.as_ref().unwrap().as_str(), last);
        assert_eq!(server.requests().len(), 3, "polled until it ended");
    }
    let running: Vec<Reply> = (0..50).map(|_| instance("RUNNING")).collect();
    let server = TestServer::start(running).await;
    let started = Instant::now();
    let e = client(&server)
        .show_workflow_instance(PROJECT, WORKSPACE, INSTANCE)
        .wait_until_done(Duration::from_millis(900))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::WaitTimedOut { last_status: Some(s), .. } if s == "RUNNING"),
        "{e:?}"
    );
    assert!(e.to_string().contains("RUNNING"), "{e}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "within its timeout"
    );
    let polls = server.requests().len();
    assert!(
        (2..=5).contains(&polls),
        "backoff, not a busy loop: {polls} polls"
    );
}

#[tokio::test]
async fn waiting_for_a_version_ends_when_it_leaves_publishing() {
    let publishing = VERSION_200.replace("not_activated", "publishing");
    let server = TestServer::start(vec![
        Reply::json(200, &publishing),
        Reply::json(200, VERSION_200),
    ])
    .await;
    let v = client(&server)
        .show_workflow_version(PROJECT, WORKSPACE, VERSION)
        .wait_until_published(Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(v.status.as_ref().unwrap().as_str(), "not_activated");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_slow_poll_does_not_outlast_the_wait() {
    let slow = instance("RUNNING").delayed(Duration::from_secs(20));
    let server = TestServer::start(vec![instance("RUNNING"), slow]).await;
    let started = Instant::now();
    let e = client(&server)
        .show_workflow_instance(PROJECT, WORKSPACE, INSTANCE)
        .wait_until_done(Duration::from_millis(800))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::WaitTimedOut { last_status: Some(s), .. } if s == "RUNNING"),
        "{e:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_instance_reads_empty_text_and_empty_objects_as_absent() {
    let body = serde_json::json!({
        "id": INSTANCE, "status": "RUNNING", "end_time": "", "name": "",
        "playbook": {"id": "", "name": "", "version_id": ""},
        "workflow": {"id": WORKFLOW, "name": "", "version_id": ""},
        "trigger_type": ""
    });
    let server = TestServer::start(vec![Reply::json(200, &body.to_string())]).await;
    let shown = client(&server)
        .show_workflow_instance(PROJECT, WORKSPACE, INSTANCE)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (shown.end_time.as_deref(), shown.name.as_deref()),
        (None, None)
    );
    assert_eq!(shown.playbook, None, "an object with nothing in it");
    assert_eq!(shown.trigger_type, None);
    let workflow = shown.workflow.as_ref().unwrap();
    assert_eq!(
        (workflow.id.as_deref(), workflow.name.as_deref()),
        (Some(WORKFLOW), None)
    );
    assert_eq!(shown.id.as_deref(), Some(INSTANCE));
}
