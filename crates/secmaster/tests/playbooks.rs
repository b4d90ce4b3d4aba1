//! The playbook chapters through the generated client: the intent methods (enable with an
//! active version, disable, submit, approve, reject, an instance's commands) and what they send,
//! the checks made before anything is sent, the mandatory paging of the lists, waiting for an
//! instance, and the service's deprecation notices.

#![allow(deprecated)] // The deprecated operations are called on purpose.

use std::time::Duration;

use secmaster::{Client, Credentials, RetryPolicy};
use secmaster_testkit::ids::{PROJECT, WORKSPACE};
use secmaster_testkit::{Captured, Reply, TestServer};
use serde_json::{Value, json};

const TOKEN: &str = "playbook-test-token-0123456789abcdef";
const PLAYBOOK: &str = "pb-00000000000000000000000000000001";
const VERSION: &str = "pv-00000000000000000000000000000001";

fn client(server: &TestServer) -> Client {
    Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::token(TOKEN))
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap()
}

fn ok(data: Value) -> Reply {
    let body = json!({"code": "00000000", "message": "", "success": true, "data": data});
    Reply::json(200, &body.to_string())
}

fn body(seen: &Captured) -> Value {
    serde_json::from_slice(&seen.body).unwrap()
}

#[tokio::test]
async fn enabling_sends_the_active_version_and_disabling_sends_enabled_false() {
    let playbook = json!({"id": PLAYBOOK, "enabled": true, "version_id": VERSION});
    let server = TestServer::start(vec![ok(playbook.clone()), ok(playbook)]).await;
    let soc = client(&server).workspace(PROJECT, WORKSPACE);
    let enabled = soc
        .update_playbook(PLAYBOOK)
        .enable(VERSION)
        .send()
        .await
        .unwrap();
    assert_eq!(enabled.enabled, Some(true));
    soc.update_playbook(PLAYBOOK)
        .disable()
        .send()
        .await
        .unwrap();
    let seen = server.requests();
    assert_eq!(seen[0].method, "PUT");
    let path = format!("/v1/{PROJECT}/workspaces/{WORKSPACE}/soc/playbooks/{PLAYBOOK}");
    assert_eq!(seen[0].target, path);
    assert_eq!(
        body(&seen[0]),
        json!({"enabled": true, "active_version_id": VERSION})
    );
    assert_eq!(body(&seen[1]), json!({"enabled": false}));
}

#[tokio::test]
async fn the_fields_terraform_sends_beside_an_intent_go_with_it() {
    let replies = vec![ok(json!({"id": PLAYBOOK})), ok(json!({"id": VERSION}))];
    let server = TestServer::start(replies).await;
    let soc = client(&server).workspace(PROJECT, WORKSPACE);
    let enable = soc.update_playbook(PLAYBOOK).name("block").enable(VERSION);
    enable.send().await.unwrap();
    let submit = soc
        .update_playbook_version(VERSION)
        .description("v1")
        .submit();
    submit.send().await.unwrap();
    let seen = server.requests();
    assert_eq!(
        body(&seen[0]),
        json!({"name": "block", "enabled": true, "active_version_id": VERSION})
    );
    assert_eq!(
        body(&seen[1]),
        json!({"description": "v1", "status": "APPROVING"})
    );
}

#[tokio::test]
async fn the_playbook_rules_are_checked_before_sending() {
    let server = TestServer::start(vec![]).await;
    let soc = client(&server).workspace(PROJECT, WORKSPACE);
    let cases = [
        (
            soc.update_playbook(PLAYBOOK)
                .enable("")
                .send()
                .await
                .map(drop),
            "active_version_id",
        ),
        (
            soc.update_playbook(PLAYBOOK)
                .name(" ")
                .disable()
                .send()
                .await
                .map(drop),
            "name",
        ),
        (soc.update_playbook(PLAYBOOK).send().await.map(drop), "body"),
        (
            soc.update_playbook_version(VERSION).send().await.map(drop),
            "body",
        ),
        (
            soc.review_playbook_version(VERSION).send().await.map(drop),
            "result",
        ),
        (
            soc.create_playbook_action(VERSION)
                .actions(Vec::new())
                .send()
                .await
                .map(drop),
            "actions",
        ),
        (
            soc.list_playbooks().limit(10).send().await.map(drop),
            "offset",
        ),
        (
            soc.list_playbooks().offset(0).send().await.map(drop),
            "limit",
        ),
    ];
    for (i, (result, field)) in cases.into_iter().enumerate() {
        let error = result.unwrap_err();
        assert_eq!(error.field(), Some(field), "case {i}: {error}");
        assert!(
            error.to_string().contains("nothing was sent"),
            "case {i}: {error}"
        );
    }
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_version_is_submitted_alone_and_reviewed_with_a_comment() {
    let version = json!({"id": VERSION, "status": "APPROVING"});
    let review = json!({"result": "PASS", "content": "looks right"});
    let replies = vec![ok(version), ok(review.clone()), ok(review)];
    let server = TestServer::start(replies).await;
    let soc = client(&server).workspace(PROJECT, WORKSPACE);
    soc.update_playbook_version(VERSION)
        .submit()
        .send()
        .await
        .unwrap();
    let approved = soc
        .review_playbook_version(VERSION)
        .approve("looks right")
        .send()
        .await
        .unwrap();
    assert_eq!(approved.content.as_deref(), Some("looks right"));
    soc.review_playbook_version(VERSION)
        .reject("no action")
        .send()
        .await
        .unwrap();
    let seen = server.requests();
    let version_path =
        format!("/v1/{PROJECT}/workspaces/{WORKSPACE}/soc/playbooks/versions/{VERSION}");
    assert_eq!(
        (seen[0].method.as_str(), seen[0].target.as_str()),
        ("PUT", version_path.as_str())
    );
    assert_eq!(body(&seen[0]), json!({"status": "APPROVING"}));
    assert_eq!(seen[1].target, format!("{version_path}/approval"));
    assert_eq!(
        body(&seen[1]),
        json!({"result": "PASS", "content": "looks right"})
    );
    assert_eq!(
        body(&seen[2]),
        json!({"result": "UN_PASS", "content": "no action"})
    );
}

#[tokio::test]
async fn the_playbook_list_walks_from_offset_zero() {
    let page = |ids: &[&str], total: u64| {
        let data: Vec<Value> = ids.iter().map(|id| json!({"id": id})).collect();
        let body = json!({"code": "00000000", "total": total, "data": data});
        Reply::json(200, &body.to_string())
    };
    let server = TestServer::start(vec![page(&["p1", "p2"], 3), page(&["p3"], 3)]).await;
    let all = client(&server)
        .list_playbooks(PROJECT, WORKSPACE)
        .limit(2)
        .items()
        .try_collect_vec()
        .await
        .unwrap();
    let ids: Vec<_> = all.iter().filter_map(|p| p.id.as_deref()).collect();
    assert_eq!(ids, ["p1", "p2", "p3"]);
    let targets: Vec<_> = server.requests().iter().map(|r| r.target.clone()).collect();
    assert!(targets[0].ends_with("?limit=2&offset=0"), "{targets:?}");
    assert!(targets[1].ends_with("?limit=2&offset=2"), "{targets:?}");
}

#[tokio::test]
async fn a_deprecated_operations_notice_reaches_the_result_without_secrets() {
    let statistics = json!({"code": "00000000", "data": {}});
    let notice = Reply::json(200, &statistics.to_string())
        .with_header(
            "X-API-Deprecation-Info",
            &format!("retired; token {TOKEN} seen"),
        )
        .with_header("X-API-Deprecation-Date", "2026-06-30");
    let plain = Reply::json(200, &statistics.to_string());
    let server = TestServer::start(vec![notice, plain]).await;
    let soc = client(&server).workspace(PROJECT, WORKSPACE);
    let shown = soc.show_playbook_statistics().send().await.unwrap();
    let deprecation = shown.deprecation.clone().expect("the notice is kept");
    assert_eq!(deprecation.operation, "ShowPlaybookStatistics");
    assert_eq!(deprecation.date.as_deref(), Some("2026-06-30"));
    let info = deprecation.info.as_deref().unwrap();
    assert!(!info.contains(TOKEN), "{info}");
    assert!(info.contains("***"), "{info}");
    assert!(!format!("{deprecation} {deprecation:?}").contains(TOKEN));
    let again = soc.show_playbook_statistics().send().await.unwrap();
    assert_eq!(
        again.deprecation, None,
        "an answer without the headers has none"
    );
}

#[tokio::test]
async fn a_version_carries_its_typed_rule_and_the_workflows_it_runs() {
    use secmaster::bindings::open_enums::PlaybookTriggerType;
    use secmaster::search::{Condition, Operator};
    let server = TestServer::start(vec![ok(json!({"id": VERSION}))]).await;
    let soc = client(&server).workspace(PROJECT, WORKSPACE);
    let high = Condition::field("severity", Operator::Eq, "High");
    soc.create_playbook_version(PLAYBOOK)
        .dataclass_id("dc-alert")
        .trigger_type(PlaybookTriggerType::Event)
        .dataobject_create(true)
        .rule_enable(true)
        .rule(high)
        .runs_workflow("wf-1")
        .runs_workflow("wf-2")
        .send()
        .await
        .unwrap();
    let sent = body(&server.requests()[0]);
    assert_eq!(
        sent["rule"],
        json!({"rule": {"expression_type": "common",
            "conditions": [{"name": "c0", "data": ["severity", "=", "High"]}],
            "logics": ["c0"]}})
    );
    assert_eq!(
        sent["actions"],
        json!([{"action_type": "AOP_WORKFLOW", "action_id": "wf-1"},
               {"action_type": "AOP_WORKFLOW", "action_id": "wf-2"}])
    );
}

const INSTANCE: &str = "pi-00000000000000000000000000000001";

fn instance(status: &str) -> Reply {
    let body = json!({"id": INSTANCE, "status": status, "trigger_type": "EVENT",
        "playbook": {"id": PLAYBOOK, "name": "block"}});
    Reply::json(200, &body.to_string())
}

#[tokio::test]
async fn an_instance_is_awaited_until_a_final_status_of_the_spec() {
    let replies = vec![
        instance("RUNNING"),
        instance("RETRYING"),
        instance("TERMINATING"),
        instance("TERMINATED"),
    ];
    let server = TestServer::start(replies).await;
    let soc = client(&server).workspace(PROJECT, WORKSPACE);
    let done = soc
        .show_playbook_instance(INSTANCE)
        .wait_until_done(Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(done.status.as_ref().map(|s| s.as_str()), Some("TERMINATED"));
    assert_eq!(server.requests().len(), 4, "TERMINATING is not final");
}

#[tokio::test]
async fn an_instance_command_is_sent_once_and_refused_without_one() {
    let replies = vec![instance("RETRYING"), instance("TERMINATING")];
    let server = TestServer::start(replies).await;
    let soc = client(&server).workspace(PROJECT, WORKSPACE);
    let error = soc
        .change_playbook_instance(INSTANCE)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.field(), Some("operation"), "{error}");
    assert!(server.requests().is_empty(), "nothing was sent");
    soc.change_playbook_instance(INSTANCE)
        .retry()
        .send()
        .await
        .unwrap();
    soc.change_playbook_instance(INSTANCE)
        .terminate()
        .send()
        .await
        .unwrap();
    let seen = server.requests();
    let path = format!(
        "/v1/{PROJECT}/workspaces/{WORKSPACE}/soc/playbooks/instances/{INSTANCE}/operation"
    );
    assert_eq!(
        (seen[0].method.as_str(), seen[0].target.as_str()),
        ("POST", path.as_str())
    );
    assert_eq!(body(&seen[0]), json!({"operation": "RETRY"}));
    assert_eq!(body(&seen[1]), json!({"operation": "TERMINATE"}));
}

#[tokio::test]
async fn the_instance_list_walks_its_bare_pages_from_offset_zero() {
    let page = |ids: &[&str]| {
        let instances: Vec<Value> = ids.iter().map(|id| json!({"id": id})).collect();
        Reply::json(
            200,
            &json!({"count": 3, "instances": instances}).to_string(),
        )
    };
    let server = TestServer::start(vec![page(&["i1", "i2"]), page(&["i3"])]).await;
    let soc = client(&server).workspace(PROJECT, WORKSPACE);
    let error = soc.list_playbook_instances().send().await.unwrap_err();
    assert_eq!(error.field(), Some("limit"), "{error}");
    let all = soc
        .list_playbook_instances()
        .limit(2)
        .items()
        .try_collect_vec()
        .await
        .unwrap();
    let ids: Vec<_> = all.iter().filter_map(|i| i.id.as_deref()).collect();
    assert_eq!(ids, ["i1", "i2", "i3"]);
    let first = &server.requests()[0].target;
    assert!(first.ends_with("?limit=2&offset=0"), "{first}");
}

#[tokio::test]
async fn a_playbook_is_made_in_the_paths_workspace() {
    let server = TestServer::start(vec![ok(json!({"id": PLAYBOOK, "name": "block"}))]).await;
    let soc = client(&server).workspace(PROJECT, WORKSPACE);
    let elsewhere = soc.create_playbook().name("block").workspace_id("ws-other");
    let error = elsewhere.send().await.unwrap_err();
    assert_eq!(error.field(), Some("workspace_id"), "{error}");
    assert!(server.requests().is_empty(), "nothing was sent");
    soc.create_playbook().name("block").send().await.unwrap();
    let sent = body(&server.requests()[0]);
    assert_eq!(sent, json!({"name": "block", "workspace_id": WORKSPACE}));
}

#[tokio::test]
async fn a_version_names_the_paths_playbook_or_none_and_runs_named_workflows() {
    let server = TestServer::start(vec![ok(json!({"id": VERSION}))]).await;
    let soc = client(&server).workspace(PROJECT, WORKSPACE);
    let version = || {
        soc.create_playbook_version(PLAYBOOK)
            .dataclass_id("dc-alert")
    };
    for (refused, field) in [
        (version().playbook_id("pb-other"), "playbook_id"),
        (version().workspace_id("ws-other"), "workspace_id"),
        (version().runs_workflow(" "), "actions"),
    ] {
        let error = refused.send().await.unwrap_err();
        assert_eq!(error.field(), Some(field), "{error}");
    }
    assert!(server.requests().is_empty(), "nothing was sent");
    version().playbook_id(PLAYBOOK).send().await.unwrap();
    let sent = body(&server.requests()[0]);
    assert_eq!(
        sent["playbook_id"], PLAYBOOK,
        "the path's, accepted: {sent}"
    );
    assert!(
        sent.get("workspace_id").is_none(),
        "optional, unset, unsent: {sent}"
    );
}

#[tokio::test]
async fn the_intents_are_retried_as_their_operations_retry_class_says() {
    let busy = || Reply::json(503, r#"{"code":"SecMaster.50300000","message":"busy"}"#);
    // A submission is an idempotent PUT: retried to success after a 503.
    let version = ok(json!({"id": VERSION, "status": "APPROVING"}));
    let server = TestServer::start(vec![busy(), version]).await;
    let soc = client(&server).workspace(PROJECT, WORKSPACE);
    soc.update_playbook_version(VERSION)
        .submit()
        .send()
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 2, "retried");
    // A review and an instance's command could act twice: sent once, the outcome unknown.
    let server = TestServer::start(vec![busy(), busy()]).await;
    let soc = client(&server).workspace(PROJECT, WORKSPACE);
    let review = soc
        .review_playbook_version(VERSION)
        .approve("ok")
        .send()
        .await;
    let error = review.unwrap_err();
    assert!(error.is_outcome_unknown(), "{error}");
    let command = soc.change_playbook_instance(INSTANCE).retry().send().await;
    let error = command.unwrap_err();
    assert!(error.is_outcome_unknown(), "{error}");
    assert!(error.to_string().contains("show the instance"), "{error}");
    assert_eq!(server.requests().len(), 2, "each sent once");
}

#[tokio::test]
async fn a_deprecated_list_keeps_its_notice_on_the_page() {
    let page = json!({"code": "00000000", "total": 1, "data": [{"id": "action-1"}]});
    let reply = Reply::json(200, &page.to_string())
        .with_header("X-API-Deprecation-Info", "use the version's actions")
        .with_header("X-API-Deprecation-Date", "2026-06-30");
    let server = TestServer::start(vec![reply]).await;
    let soc = client(&server).workspace(PROJECT, WORKSPACE);
    let page = soc
        .list_playbook_actions(VERSION)
        .offset(0)
        .limit(10)
        .send()
        .await
        .unwrap();
    let notice = page.deprecation.expect("the page keeps the notice");
    assert_eq!(
        (notice.operation, notice.replaced_by),
        ("ListPlaybookActions", Some("ShowPlaybookVersion"))
    );
    assert_eq!(notice.info.as_deref(), Some("use the version's actions"));
}

/// What a test's subscriber wrote.
#[derive(Clone, Default)]
struct Logged(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Logged {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_deprecation_is_logged_once_per_operation() {
    let logged = Logged::default();
    let writer = logged.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    // Global: the other tests of this binary run on other threads, and a callsite they reach
    // first must not cache "no interest" (they log nothing of these two operations).
    tracing::subscriber::set_global_default(subscriber).unwrap();
    let noticed = |data: Value| {
        Reply::json(200, &json!({"code": "00000000", "data": data}).to_string())
            .with_header("X-API-Deprecation-Info", "retired")
    };
    let monitors = json!({"total_instance_num": 1});
    let copied = json!({"id": "pv-copy"});
    let replies = vec![
        noticed(monitors.clone()),
        noticed(monitors),
        noticed(copied.clone()),
        noticed(copied),
    ];
    let server = TestServer::start(replies).await;
    let soc = client(&server).workspace(PROJECT, WORKSPACE);
    for _ in 0..2 {
        let monitors = soc
            .show_playbook_monitors(PLAYBOOK)
            .start_time("2026-12-01T00:00:00.000Z+0800")
            .end_time("2026-12-02T00:00:00.000Z+0800")
            .version_query_type("ALL".into());
        assert!(monitors.send().await.unwrap().deprecation.is_some());
    }
    for _ in 0..2 {
        let copy = soc.copy_playbook_version(VERSION).send().await;
        assert!(copy.unwrap().deprecation.is_some());
    }
    let text = String::from_utf8(logged.0.lock().unwrap().clone()).unwrap();
    // The subscriber is global: another test's operation may be logged beside these two.
    for operation in ["ShowPlaybookMonitors", "CopyPlaybookVersion"] {
        let mark = format!("operation=\"{operation}\"");
        let lines = text
            .lines()
            .filter(|l| l.contains("the service deprecates this operation") && l.contains(&mark))
            .count();
        assert_eq!(lines, 1, "{operation} logged once: {text}");
    }
}

#[tokio::test]
async fn an_import_sends_its_upload_model_as_a_text_part_before_the_file() {
    use secmaster::bindings::open_enums::PlaybookUploadModel;
    let acknowledged = json!({"code": "00000000", "message": ""}).to_string();
    let replies = vec![
        Reply::json(200, &acknowledged),
        Reply::json(200, &acknowledged),
    ];
    let server = TestServer::start(replies).await;
    let soc = client(&server).workspace(PROJECT, WORKSPACE);
    let file = br#"[{"name":"pb"}]"#.to_vec();
    let refused = soc
        .import_playbook("playbooks.json", file.clone())
        .upload_model(PlaybookUploadModel::Other("overwrite".into()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.field(), Some("upload_model"), "{refused}");
    assert!(refused.to_string().contains("verify"), "{refused}");
    assert!(server.requests().is_empty(), "nothing was sent");
    soc.import_playbook("playbooks.json", file.clone())
        .upload_model(PlaybookUploadModel::Verify)
        .send()
        .await
        .unwrap();
    soc.import_playbook("playbooks.json", file)
        .send()
        .await
        .unwrap();
    let seen = server.requests();
    let boundary = |c: &Captured| {
        let content_type = c.header("content-type").unwrap().to_owned();
        content_type.split_once("boundary=").unwrap().1.to_owned()
    };
    let (b, body) = (boundary(&seen[0]), String::from_utf8_lossy(&seen[0].body));
    // The official SDK's order: the text fields, then the file.
    let expected = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"upload_model\"\r\n\r\nverify\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"uploadFile\"; filename=\"playbooks.json\"\r\n\r\n\
         [{{\"name\":\"pb\"}}]\r\n--{b}--\r\n"
    );
    assert_eq!(body, expected);
    let plain = String::from_utf8_lossy(&seen[1].body);
    assert!(
        !plain.contains("upload_model"),
        "an unset field is no part: {plain}"
    );
}
