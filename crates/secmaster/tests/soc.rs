//! The SOC chapters' wire details through the generated client: searches that page in their
//! body, the typed search condition, batch results that name failed IDs, "not found" as the
//! spec declares it per operation, bodies that wrap `data_object` beside `batch_ids`, and the
//! checks made before anything is sent (empty batches, closing without a reason).

use std::time::Duration;

use secmaster::bindings::open_enums::HandleStatus;
use secmaster::search::{Condition, Operator};
use secmaster::{Client, Credentials, Error, RetryPolicy};
use secmaster_testkit::ids::{PROJECT, WORKSPACE};
use secmaster_testkit::{Reply, TestServer};
use serde_json::{Value, json};

fn client(server: &TestServer) -> Client {
    Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::token("soc-test-token"))
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap()
}

/// A page of a search: `n` alerts from `first`, `total` in all.
fn alerts_page(first: usize, n: usize, total: u64) -> Reply {
    let data: Vec<Value> = (first..first + n)
        .map(|i| json!({"id": format!("alert-{i}"), "data_object": {"title": format!("a{i}")}}))
        .collect();
    let body = json!({"code": "00000000", "message": "", "total": total, "size": n,
        "page": 0, "success": true, "data": data});
    Reply::json(200, &body.to_string())
}

fn body(seen: &secmaster_testkit::Captured) -> Value {
    serde_json::from_slice(&seen.body).unwrap()
}

#[tokio::test]
async fn a_search_pages_in_its_body_with_its_condition_on_every_page() {
    let server = TestServer::start(vec![
        alerts_page(0, 2, 5),
        alerts_page(2, 2, 5),
        alerts_page(4, 1, 5),
    ])
    .await;
    let open_high = Condition::field("handle_status", Operator::Eq, "Open").and(
        "severity",
        Operator::Eq,
        "High",
    );
    let alerts = client(&server)
        .list_alerts(PROJECT, WORKSPACE)
        .limit(2)
        .condition(open_high.clone())
        .items()
        .try_collect_vec()
        .await
        .unwrap();
    let ids: Vec<_> = alerts.iter().filter_map(|a| a.id.as_deref()).collect();
    assert_eq!(ids, ["alert-0", "alert-1", "alert-2", "alert-3", "alert-4"]);
    let seen = server.requests();
    assert_eq!(seen.len(), 3, "three pages, ended by the total");
    for (i, request) in seen.iter().enumerate() {
        assert_eq!(request.method, "POST");
        let path = format!("/v1/{PROJECT}/workspaces/{WORKSPACE}/soc/alerts/search");
        assert_eq!(request.target, path, "paging is in the body, not the query");
        let sent = body(request);
        assert_eq!(sent["limit"], 2);
        assert_eq!(sent["condition"], open_high.to_json());
        let offset = (i > 0).then(|| json!(i * 2));
        assert_eq!(sent.get("offset").cloned(), offset, "page {i}");
    }
}

#[tokio::test]
async fn a_search_whose_offset_is_mandatory_sends_it_on_the_first_page() {
    let page = json!({"code": "00000000", "total": 1, "data": [{"id": "ind-1"}]});
    let server = TestServer::start(vec![Reply::json(200, &page.to_string())]).await;
    let all = client(&server)
        .list_indicators(PROJECT, WORKSPACE)
        .condition(Condition::field("verdict", Operator::Eq, "Black"))
        .items()
        .try_collect_vec()
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    let sent = body(&server.requests()[0]);
    assert_eq!(
        (sent["offset"].clone(), sent["limit"].clone()),
        (json!(0), json!(100))
    );
}

#[tokio::test]
async fn the_condition_is_typed() {
    assert_eq!(
        Condition::field("title", Operator::Contains, "ddos")
            .or("severity", Operator::In, "High,Fatal")
            .to_json(),
        json!({
            "conditions": [
                {"name": "c0", "data": ["title", "contains", "ddos"]},
                {"name": "c1", "data": ["severity", "in", "High,Fatal"]}
            ],
            "logics": ["c0", "OR", "c1"]
        })
    );
    // The bindings' type takes it as is (their types carry no bounds: answers are read
    // whatever their lengths).
    let typed = secmaster::bindings::types::DataobjectSearchCondition::from(Condition::field(
        "handle_status",
        Operator::NotEq,
        "Closed",
    ));
    assert_eq!(typed.logics.len(), 0);
    assert_eq!(typed.conditions[0].data, ["handle_status", "!=", "Closed"]);
    // The spec's bounds inside the condition are checked before sending, the path named.
    let server = TestServer::start(vec![]).await;
    let too_long = Condition::field("handle_status", Operator::Eq, "Open").and(
        "title",
        Operator::Eq,
        "x".repeat(101),
    );
    let error = client(&server)
        .list_alerts(PROJECT, WORKSPACE)
        .condition(too_long)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.field(), Some("condition"), "{error}");
    assert!(
        error
            .to_string()
            .contains("at `.conditions[1].data[2]`: has 101 characters, more than 100"),
        "{error}"
    );
    assert!(server.requests().is_empty(), "nothing sent");
}

fn batch_answer(succeeded: &[&str], failed: &[&str]) -> Reply {
    let body = json!({"code": "00000000", "message": "", "data":
        {"success_ids": succeeded, "error_ids": failed}});
    Reply::json(200, &body.to_string()).with_header("X-Request-Id", "req-batch")
}

#[tokio::test]
async fn a_batch_that_failed_for_some_ids_is_an_error_naming_them() {
    let server = TestServer::start(vec![batch_answer(&["a-1", "a-3"], &["a-2"])]).await;
    let error = client(&server)
        .delete_alerts(PROJECT, WORKSPACE)
        .batch_ids(["a-1", "a-2", "a-3"])
        .send()
        .await
        .unwrap_err();
    let Error::PartialFailure {
        operation,
        succeeded,
        failed,
        earlier_attempt_may_have_succeeded,
        request_id,
    } = &error
    else {
        panic!("not a partial failure: {error:?}");
    };
    assert_eq!(*operation, "DeleteAlerts");
    assert_eq!(
        (succeeded.as_slice(), failed.as_slice()),
        (
            &["a-1".to_owned(), "a-3".to_owned()][..],
            &["a-2".to_owned()][..]
        )
    );
    assert_eq!(request_id.as_deref(), Some("req-batch"));
    assert!(!earlier_attempt_may_have_succeeded);
    assert_eq!(
        error.to_string(),
        "DeleteAlerts did not act on 1 of 3 IDs: a-2 (request id req-batch)"
    );
    assert!(!error.is_retryable() && !error.is_outcome_unknown());

    let server = TestServer::start(vec![batch_answer(&["a-1"], &[])]).await;
    let done = client(&server)
        .delete_alerts(PROJECT, WORKSPACE)
        .batch_ids(["a-1"])
        .send()
        .await
        .unwrap();
    assert_eq!(done.value.success_ids, ["a-1"]);
}

#[tokio::test]
async fn not_found_is_what_the_spec_declares_for_the_operation() {
    let refusal = |status, code: &str| {
        Reply::json(status, &json!({"code": code, "message": "no"}).to_string())
    };
    let gateway = |status, code: &str| {
        let body = json!({"error_code": code, "error_msg": "no"});
        Reply::json(status, &body.to_string())
    };
    let server = TestServer::start(vec![
        refusal(400, "SecMaster.20030005"),
        gateway(403, "SecMaster.20010001"),
        refusal(400, "SecMaster.20010001"),
        refusal(400, "SecMaster.20030006"),
        refusal(400, "SecMaster.20030005"),
    ])
    .await;
    let c = client(&server);
    let show = || c.show_alert(PROJECT, WORKSPACE, "alert-x").send();
    assert!(
        show().await.unwrap_err().is_not_found(),
        "a missing alert: 400 20030005"
    );
    assert!(
        show().await.unwrap_err().is_not_found(),
        "a missing workspace: 403 20010001"
    );
    assert!(
        !show().await.unwrap_err().is_not_found(),
        "400 20010001 is a malformed body"
    );
    assert!(!show().await.unwrap_err().is_not_found(), "another code");
    // An operation that names no object declares no such answer.
    let search = c.list_workspaces(PROJECT).offset(0).limit(10).send().await;
    assert!(!search.unwrap_err().is_not_found());
    assert_eq!(server.requests().len(), 5);
}

#[tokio::test]
async fn a_change_sets_the_objects_fields_beside_the_batch_ids() {
    let answer = json!({"code": "00000000", "message": "", "data": {"id": "a-1"}});
    let server = TestServer::start(vec![Reply::json(200, &answer.to_string())]).await;
    client(&server)
        .change_alerts(PROJECT, WORKSPACE)
        .batch_ids(["a-1", "a-2"])
        .handle_status(HandleStatus::Closed)
        .close_reason("Resolved")
        .close_comment("Blocked at the WAF.")
        .send()
        .await
        .unwrap();
    let sent = &server.requests()[0];
    assert_eq!(
        sent.body,
        br#"{"batch_ids":["a-1","a-2"],"data_object":{"close_comment":"Blocked at the WAF.","close_reason":"Resolved","handle_status":"Closed"}}"#
    );
}

#[tokio::test]
async fn bad_input_is_refused_before_sending_and_names_the_field() {
    let server = TestServer::start(vec![]).await;
    let c = client(&server);
    let empty = c
        .delete_alerts(PROJECT, WORKSPACE)
        .batch_ids(Vec::<String>::new());
    let error = empty.send().await.unwrap_err();
    assert_eq!(error.field(), Some("batch_ids"), "{error}");
    assert!(error.to_string().contains("fewer than 1"), "{error}");

    let closing = c
        .change_alert(PROJECT, WORKSPACE, "alert-1")
        .handle_status(HandleStatus::Closed);
    let error = closing.send().await.unwrap_err();
    assert_eq!(error.field(), Some("close_reason"), "{error}");

    let error = c
        .list_workspaces(PROJECT)
        .offset(0)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.field(), Some("limit"), "{error}");

    let order = c
        .create_batch_order_alerts(PROJECT, WORKSPACE)
        .ids(["a"; 1000]);
    let error = order.send().await.unwrap_err();
    assert_eq!(error.field(), Some("ids"), "{error}");

    // An alert or indicator that names another workspace or project than its path (the
    // spec's x-from-path): refused naming the field and the path's value.
    let alert = c
        .create_alert(PROJECT, WORKSPACE)
        .title("t")
        .workspace_id("another-workspace")
        .send();
    let indicator = c
        .update_indicator(PROJECT, WORKSPACE, "indicator-1")
        .project_id("another-project")
        .send();
    for (error, field, path) in [
        (alert.await.unwrap_err(), "workspace_id", WORKSPACE),
        (indicator.await.unwrap_err(), "project_id", PROJECT),
    ] {
        assert_eq!(error.field(), Some(field), "{error}");
        assert!(
            error.to_string().contains(path),
            "names the path's: {error}"
        );
    }
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_retried_batch_says_an_earlier_attempt_may_have_acted() {
    let busy = Reply::json(503, r#"{"code":"SecMaster.50300000","message":"busy"}"#);
    let server = TestServer::start(vec![busy, batch_answer(&[], &["a-1", "a-2"])]).await;
    let error = client(&server)
        .delete_alerts(PROJECT, WORKSPACE)
        .batch_ids(["a-1", "a-2"])
        .send()
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 2, "a delete is retried");
    assert!(
        matches!(
            error,
            Error::PartialFailure {
                earlier_attempt_may_have_succeeded: true,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("may have acted on them"),
        "{error}"
    );
}

#[tokio::test]
async fn a_list_whose_offset_is_mandatory_in_its_query_walks_from_zero() {
    let page = json!({"count": 1, "workspaces": [{"id": "ws-1", "name": "soc"}]});
    let server = TestServer::start(vec![Reply::json(200, &page.to_string())]).await;
    let all = client(&server)
        .list_workspaces(PROJECT)
        .items()
        .try_collect_vec()
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    let target = &server.requests()[0].target;
    assert!(target.ends_with("?limit=100&offset=0"), "{target}");
}

#[tokio::test]
async fn a_walk_with_a_limit_of_zero_ends_on_its_empty_page() {
    let empty = json!({"code": "00000000", "total": 5, "data": []});
    let replies = vec![Reply::json(200, &empty.to_string()); 3];
    let server = TestServer::start(replies).await;
    let all = client(&server)
        .list_alerts(PROJECT, WORKSPACE)
        .limit(0)
        .items()
        .try_collect_vec()
        .await
        .unwrap();
    assert!(all.is_empty());
    assert_eq!(server.requests().len(), 1, "one empty page, then the end");
}

#[test]
fn an_array_where_an_object_belongs_is_refused() {
    // What the client checks before sending (and the fake on receiving), from the descriptor.
    let field = secmaster::bindings::operations::CREATE_INCIDENT
        .request
        .unwrap()
        .fields
        .iter()
        .find(|f| f.name == "network_list")
        .unwrap();
    assert_eq!(
        field.problem(&json!([[1]])).as_deref(),
        Some("at `[0]`: is not an object")
    );
    assert!(field.problem(&json!([{"direction": "IN"}])).is_none());
    assert!(
        field.problem(&json!([{"direction": null}])).is_some(),
        "not nullable"
    );
    // The environment's project is nullable ("null for global services"): taken.
    let environment = secmaster::bindings::operations::CREATE_ALERT
        .request
        .unwrap()
        .fields
        .iter()
        .find(|f| f.name == "environment")
        .unwrap();
    assert!(environment.problem(&json!({"project_id": null})).is_none());
}
