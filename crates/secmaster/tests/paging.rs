//! `list_workflows(..).items()`: page after page from the builder's offset, one page in memory,
//! ending on `total`, on a short page, and with an error item (never silently) at the service's
//! offset cap.

use std::time::Duration;

use futures_util::TryStreamExt;
use secmaster::{Client, Credentials, Error, RetryPolicy, Workflow};
use secmaster_testkit::ids::{PROJECT, WORKSPACE};
use secmaster_testkit::{Reply, TestServer};

fn client(server: &TestServer) -> Client {
    Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::token("paging-test-token"))
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap()
}

/// A page of `n` workflows named from `first`, with `total` when given.
fn page(first: usize, n: usize, total: Option<u64>) -> Reply {
    let items: Vec<serde_json::Value> = (first..first + n)
        .map(|i| serde_json::json!({"id": format!("wf-{i}"), "name": format!("w{i}")}))
        .collect();
    let mut body = serde_json::json!({"code": "00000000", "success": true, "data": items});
    if let Some(total) = total {
        body["total"] = total.into();
    }
    Reply::json(200, &body.to_string())
}

/// Reads a walk that must end with an error item: how many items came first, and the error.
async fn read_until_error<T>(items: &mut secmaster::Items<T>) -> (usize, Error) {
    let mut read = 0;
    loop {
        match items.try_next().await {
            Ok(Some(_)) => read += 1,
            Ok(None) => panic!("ended silently after {read}"),
            Err(e) => return (read, e),
        }
    }
}

fn names(items: &[Workflow]) -> Vec<String> {
    items.iter().map(|w| w.name.clone().unwrap()).collect()
}

/// The `offset` and `limit` of each request the server saw.
fn asked(server: &TestServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| {
            r.target
                .split_once('?')
                .map(|(_, q)| q.to_owned())
                .unwrap_or_default()
        })
        .collect()
}

#[tokio::test]
async fn pages_until_offset_plus_items_reaches_total() {
    // Full pages only: `total` alone ends the walk (a third request would get the test server's
    // default answer, a workflow, which no page decodes from).
    let server = TestServer::start(vec![page(5, 2, Some(9)), page(7, 2, Some(9))]).await;
    let all: Vec<Workflow> = client(&server)
        .list_workflows(PROJECT, WORKSPACE)
        .name("a b")
        .offset(5)
        .limit(2)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names(&all), ["w5", "w6", "w7", "w8"]);
    assert_eq!(
        asked(&server),
        ["limit=2&name=a%20b&offset=5", "limit=2&name=a%20b&offset=7"],
        "the filters go with every page"
    );
}

#[tokio::test]
async fn a_short_page_ends_the_walk_whatever_total_says() {
    // No total at all, then a total that lies (says more than there is).
    for total in [None, Some(1_000)] {
        let server = TestServer::start(vec![page(0, 100, total), page(100, 3, total)]).await;
        let all: Vec<Workflow> = client(&server)
            .list_workflows(PROJECT, WORKSPACE)
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(all.len(), 103, "{total:?}");
        assert_eq!(
            asked(&server),
            ["limit=100", "limit=100&offset=100"],
            "100 per page when no limit is set, and no offset until one is needed"
        );
    }
    // An empty page ends it too.
    let server = TestServer::start(vec![page(0, 2, None), page(2, 0, None)]).await;
    let all: Vec<Workflow> = client(&server)
        .list_workflows(PROJECT, WORKSPACE)
        .limit(2)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn an_invalid_bound_is_the_first_item_and_nothing_is_sent() {
    let server = TestServer::start(vec![]).await;
    let c = client(&server);
    for (items, field) in [
        (
            c.list_workflows(PROJECT, WORKSPACE).limit(0).items(),
            "limit",
        ),
        (
            c.list_workflows(PROJECT, WORKSPACE).limit(101).items(),
            "limit",
        ),
        (
            c.list_workflows(PROJECT, WORKSPACE).offset(10_001).items(),
            "offset",
        ),
    ] {
        let mut items = items;
        let e = items.try_next().await.unwrap_err();
        assert_eq!(e.field(), Some(field), "{e}");
        assert!(
            items.try_next().await.unwrap().is_none(),
            "the error ends it"
        );
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn reaching_the_offset_cap_with_items_left_is_an_error_item() {
    // From offset 9,900 in pages of 100: 9,900 and 10,000 are reachable, 10,100 is not.
    let server = TestServer::start(vec![
        page(9_900, 100, Some(20_000)),
        page(10_000, 100, Some(20_000)),
    ])
    .await;
    let mut items = client(&server)
        .list_workflows(PROJECT, WORKSPACE)
        .offset(9_900)
        .items();
    let (read, e) = read_until_error(&mut items).await;
    assert_eq!(read, 200, "every reachable item first");
    assert!(
        matches!(
            e,
            Error::PagingLimit {
                max_offset: 10_000,
                yielded: 200,
                total: Some(20_000)
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("10000"), "{e}");
    assert_eq!(items.total(), Some(20_000));
    assert!(items.try_next().await.unwrap().is_none());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_failed_page_is_an_error_item_after_the_items_before_it() {
    let refused = Reply::json(400, r#"{"code":"SecMaster.1001","message":"bad filter"}"#);
    let server = TestServer::start(vec![page(0, 2, Some(5)), refused]).await;
    let mut items = client(&server)
        .list_workflows(PROJECT, WORKSPACE)
        .limit(2)
        .items();
    assert!(items.try_next().await.unwrap().is_some());
    assert!(items.try_next().await.unwrap().is_some());
    let e = items.try_next().await.unwrap_err();
    assert_eq!(e.code(), Some("SecMaster.1001"));
    assert!(items.try_next().await.unwrap().is_none());
}

#[tokio::test]
async fn only_one_page_is_held_at_a_time() {
    // The second page is asked for only once the first is drained.
    let server = TestServer::start(vec![page(0, 3, Some(6)), page(3, 3, Some(6))]).await;
    let mut items = client(&server)
        .list_workflows(PROJECT, WORKSPACE)
        .limit(3)
        .items();
    for _ in 0..3 {
        items.try_next().await.unwrap().unwrap();
    }
    assert_eq!(server.requests().len(), 1);
    items.try_next().await.unwrap().unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_page_longer_than_asked_for_is_not_read_twice() {
    let server = TestServer::start(vec![page(0, 3, Some(5)), page(3, 2, Some(5))]).await;
    let all: Vec<Workflow> = client(&server)
        .list_workflows(PROJECT, WORKSPACE)
        .limit(2)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names(&all), ["w0", "w1", "w2", "w3", "w4"]);
    assert_eq!(asked(&server), ["limit=2", "limit=2&offset=3"]);
}

#[tokio::test]
async fn items_have_try_next_and_try_collect_vec_of_their_own() {
    // No stream helper crate: `Items` walks with its own methods.
    let server = TestServer::start(vec![
        page(0, 2, Some(3)),
        page(2, 1, Some(3)),
        page(0, 2, Some(3)),
        page(2, 1, Some(3)),
    ])
    .await;
    let c = client(&server);
    let mut items = c.list_workflows(PROJECT, WORKSPACE).limit(2).items();
    let mut seen = Vec::new();
    while let Some(workflow) = items.try_next().await.unwrap() {
        seen.push(workflow);
    }
    assert_eq!(names(&seen), ["w0", "w1", "w2"]);
    let all = c
        .list_workflows(PROJECT, WORKSPACE)
        .limit(2)
        .items()
        .try_collect_vec()
        .await
        .unwrap();
    assert_eq!(names(&all), ["w0", "w1", "w2"]);
    assert_eq!(server.requests().len(), 4);
}

/// A page of `n` playbook instances (`{count, instances}`, no envelope) from `first`.
fn instances(first: usize, n: usize, count: u64) -> Reply {
    let items: Vec<serde_json::Value> = (first..first + n)
        .map(|i| serde_json::json!({"id": format!("pi-{i}"), "name": format!("i{i}")}))
        .collect();
    let body = serde_json::json!({"count": count, "instances": items});
    Reply::json(200, &body.to_string())
}

#[tokio::test]
async fn a_walk_inside_a_paging_window_shrinks_its_last_page_then_says_it_cannot_go_on() {
    // ListPlaybookInstances reads pages only while offset + limit < 10,000 (the spec's
    // x-paging-window): from 9,800 in pages of 100, the page at 9,900 asks for 99, and the
    // 9,999th item is as far as paging reaches.
    let server = TestServer::start(vec![
        instances(9_800, 100, 20_000),
        instances(9_900, 99, 20_000),
    ])
    .await;
    let mut items = client(&server)
        .list_playbook_instances(PROJECT, WORKSPACE)
        .offset(9_800)
        .limit(100)
        .items();
    let (read, e) = read_until_error(&mut items).await;
    assert_eq!(read, 199, "every reachable item first");
    assert!(
        matches!(
            e,
            Error::PagingLimit {
                max_offset: 9_998,
                yielded: 199,
                total: Some(20_000)
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        asked(&server),
        ["limit=100&offset=9800", "limit=99&offset=9900"]
    );
    // A page set past the window by hand is refused before sending, naming the field.
    let e = client(&server)
        .list_playbook_instances(PROJECT, WORKSPACE)
        .offset(9_950)
        .limit(100)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("limit"), "{e}");
    let mut items = client(&server)
        .list_playbook_instances(PROJECT, WORKSPACE)
        .offset(9_999)
        .limit(10)
        .items();
    let e = items.try_next().await.unwrap_err();
    assert_eq!(e.field(), Some("offset"), "{e}");
    assert_eq!(server.requests().len(), 2, "nothing more was sent");
}

#[tokio::test]
async fn a_walk_never_shrinks_a_page_below_the_smallest_limit_nor_starts_where_none_fits() {
    // ListPlaybookAuditLogs takes limit 10..50 inside the same window: from 9,950 the page asks
    // for 49, and the next offset (9,999) has no room for 10, so the walk says so.
    let logs = |first: usize, n: usize| {
        let items: Vec<serde_json::Value> = (first..first + n)
            .map(|i| serde_json::json!({"instance_id": format!("pi-{i}")}))
            .collect();
        Reply::json(
            200,
            &serde_json::json!({"count": 20_000, "audit_logs": items}).to_string(),
        )
    };
    let server = TestServer::start(vec![logs(9_950, 49)]).await;
    let mut items = client(&server)
        .list_playbook_audit_logs(PROJECT, WORKSPACE)
        .offset(9_950)
        .limit(50)
        .items();
    let (read, e) = read_until_error(&mut items).await;
    assert_eq!(read, 49);
    assert!(
        matches!(
            e,
            Error::PagingLimit {
                max_offset: 9_989,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(asked(&server), ["limit=49&offset=9950"]);
    // A first page set where no page of 10 fits is refused naming `offset`, nothing sent.
    let mut items = client(&server)
        .list_playbook_audit_logs(PROJECT, WORKSPACE)
        .offset(9_995)
        .limit(50)
        .items();
    let e = items.try_next().await.unwrap_err();
    assert_eq!(e.field(), Some("offset"), "{e}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_walk_without_a_limit_asks_pages_the_spec_allows() {
    // 100 a page, unless the spec says less: audit logs take at most 50.
    let logs = serde_json::json!({"count": 0, "audit_logs": []}).to_string();
    let server = TestServer::start(vec![Reply::json(200, &logs), page(0, 0, Some(0))]).await;
    let none = client(&server)
        .list_playbook_audit_logs(PROJECT, WORKSPACE)
        .items()
        .try_collect_vec()
        .await
        .unwrap();
    assert!(none.is_empty());
    let none = client(&server)
        .list_workflows(PROJECT, WORKSPACE)
        .items()
        .try_collect_vec()
        .await
        .unwrap();
    assert!(none.is_empty());
    assert_eq!(asked(&server), ["limit=50&offset=0", "limit=100"]);
}
