//! Workspaces: a project's workspaces listed (offset and limit mandatory), created, shown,
//! updated and deleted; each scopes what it holds, and a missing one is 403
//! `SecMaster.20010001` on every operation under it.

use reqwest::Method;
use secmaster_fake::{FakeSecMaster, codes};
use serde_json::json;

use super::{alert, call, client, page, search};

#[tokio::test]
async fn a_workspace_scopes_what_it_holds_and_takes_it_when_deleted() {
    let fake = FakeSecMaster::start().await.unwrap();
    let (p, page_ws) = page();
    let made =
        json!({"region_id": "ap-southeast-1", "name": "soc-a", "project_name": "ap-southeast-1"});
    let (status, created) = call(
        &fake,
        Method::POST,
        &format!("/v1/{p}/workspaces"),
        Some(made),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["name"], "soc-a");
    assert_eq!(created["project_id"], p.as_str());
    let w = created["id"].as_str().unwrap().to_owned();

    let (status, shown) = call(&fake, Method::GET, &format!("/v1/{p}/workspaces/{w}"), None).await;
    assert_eq!(
        (status, &shown["workspace"]["name"]),
        (200, &json!("soc-a"))
    );
    let listed = client(&fake)
        .list_workspaces(&p)
        .offset(0)
        .limit(10)
        .send()
        .await
        .unwrap();
    let names: Vec<_> = listed
        .items
        .iter()
        .map(|w| w.name.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        listed.total,
        Some(2),
        "the page's and the new one: {names:?}"
    );
    assert!(names.contains(&"soc-a".to_owned()));
    let (_, renamed) = call(
        &fake,
        Method::PUT,
        &format!("/v1/{p}/workspaces/{w}"),
        Some(json!({"name": "soc-b"})),
    )
    .await;
    assert_eq!(renamed["name"], "soc-b");

    // An alert made in the new workspace lives there alone.
    let in_new = format!("/v1/{p}/workspaces/{w}/soc/alerts");
    let (status, made) = call(
        &fake,
        Method::POST,
        &in_new,
        Some(json!({"data_object": {"title": "t"}})),
    )
    .await;
    assert_eq!(status, 200, "{made}");
    assert_eq!(made["data"]["workspace_id"], w.as_str());
    let (_, found) = call(
        &fake,
        Method::POST,
        &format!("{in_new}/search"),
        Some(json!({})),
    )
    .await;
    assert_eq!(found["total"], 1);
    assert_eq!(
        search(&fake, "alerts", json!({})).await["total"],
        0,
        "not in {page_ws}"
    );
    alert(&fake, json!({"title": "in the page's"})).await;

    let (status, gone) = call(
        &fake,
        Method::DELETE,
        &format!("/v1/{p}/workspaces/{w}"),
        None,
    )
    .await;
    assert_eq!((status, gone), (200, serde_json::Value::Null));
    for (method, path, shape) in [
        (Method::GET, format!("/v1/{p}/workspaces/{w}"), "error_code"),
        (Method::POST, format!("{in_new}/search"), "code"),
        (
            Method::GET,
            format!("/v1/{p}/workspaces/{w}/soc/dataclasses"),
            "error_code",
        ),
    ] {
        let (status, body) = call(&fake, method, &path, Some(json!({}))).await;
        assert_eq!(
            (status, &body[shape]),
            (403, &json!(codes::UNKNOWN_WORKSPACE)),
            "{path}: {body}"
        );
    }
    assert_eq!(
        search(&fake, "alerts", json!({})).await["total"],
        1,
        "the page's workspace kept its own"
    );
}

#[tokio::test]
async fn workspace_refusals_are_the_chapters_shape_and_change_nothing() {
    let fake = FakeSecMaster::start().await.unwrap();
    let (p, _) = page();
    let before = fake.sequence();
    // Offset and limit are mandatory; a create lacks its mandatory name.
    let (status, body) = call(
        &fake,
        Method::GET,
        &format!("/v1/{p}/workspaces?limit=10"),
        None,
    )
    .await;
    assert_eq!(
        (status, &body["error_code"]),
        (400, &json!(codes::MISSING_FIELD)),
        "{body}"
    );
    assert!(body.get("code").is_none(), "{body}");
    let lacking = json!({"region_id": "r", "project_name": "p"});
    let (status, body) = call(
        &fake,
        Method::POST,
        &format!("/v1/{p}/workspaces"),
        Some(lacking),
    )
    .await;
    assert_eq!(
        (status, &body["error_code"]),
        (400, &json!(codes::MISSING_FIELD)),
        "{body}"
    );
    let (status, body) = call(
        &fake,
        Method::DELETE,
        &format!("/v1/{p}/workspaces/ws-404"),
        None,
    )
    .await;
    assert_eq!(
        (status, &body["error_code"]),
        (403, &json!(codes::UNKNOWN_WORKSPACE)),
        "{body}"
    );
    assert_eq!(fake.sequence(), before, "nothing changed");
    let (_, listed) = call(
        &fake,
        Method::GET,
        &format!("/v1/{p}/workspaces?offset=0&limit=10"),
        None,
    )
    .await;
    assert_eq!(listed["count"], 1, "{listed}");
    // Through the client: the typed error carries the status and the code.
    let e = client(&fake)
        .show_alert(&p, "ws-404", "a")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        (e.status(), e.code()),
        (Some(403), Some(codes::UNKNOWN_WORKSPACE)),
        "{e}"
    );
}

/// Every operation under a workspace, called in one that does not exist, answers what its spec
/// entry declares as "not found" (`x-not-found`): the service's 403 `SecMaster.20010001`, in
/// its chapter's shape, before its body is read.
#[tokio::test]
async fn every_operation_in_a_missing_workspace_answers_the_specs_not_found() {
    let fake = FakeSecMaster::start().await.unwrap();
    let (p, _) = page();
    let mut checked = 0;
    for op in secmaster::bindings::operations::ALL {
        if !op.path_params().any(|name| name == "workspace_id") {
            continue;
        }
        let path = op
            .path
            .replace("{project_id}", &p)
            .replace("{workspace_id}", "ws-404");
        let path = path
            .replace("{dataclass_type}", "incidents")
            .replace("{related_dataclass_type}", "alerts");
        let path = other_params(&path);
        let method = reqwest::Method::from_bytes(op.method.as_bytes()).unwrap();
        let body = (op.method != "GET").then(|| json!({}));
        let (status, answer) = call(&fake, method, &path, body).await;
        let code = answer
            .get("code")
            .or_else(|| answer.get("error_code"))
            .and_then(|c| c.as_str());
        assert_eq!(
            (status, code),
            (403, Some(codes::UNKNOWN_WORKSPACE)),
            "{} {path}: {answer}",
            op.id
        );
        assert!(
            op.is_not_found(status, code),
            "{}: the spec does not declare {status} {code:?}",
            op.id
        );
        checked += 1;
    }
    assert!(checked >= 60, "{checked}");
}

/// `path` with each remaining `{param}` replaced by `x1`.
fn other_params(path: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with('{') { "x1" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// Workspaces are bounded in all (`--max-workspaces`), and so is what one says of itself.
#[tokio::test]
async fn workspaces_are_bounded_in_number_and_size() {
    let mut config = secmaster_fake::Config::default();
    config.limits.max_workspaces = 2;
    config.limits.max_object_bytes = 4096;
    let fake = FakeSecMaster::start_with(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let (p, _) = page();
    let path = format!("/v1/{p}/workspaces");
    let big = json!({"region_id": "r", "name": "big", "project_name": "p", "description": "d".repeat(5000)});
    let (status, body) = call(&fake, Method::POST, &path, Some(big)).await;
    assert_eq!(
        (status, &body["error_code"]),
        (400, &json!(codes::LIMIT_EXCEEDED)),
        "{body}"
    );
    let made = json!({"region_id": "r", "name": "second", "project_name": "p"});
    let (status, _) = call(&fake, Method::POST, &path, Some(made.clone())).await;
    assert_eq!(status, 200);
    let (status, body) = call(&fake, Method::POST, &path, Some(made)).await;
    assert_eq!(
        (status, &body["error_code"]),
        (400, &json!(codes::LIMIT_EXCEEDED)),
        "{body}"
    );
    let (_, listed) = call(
        &fake,
        Method::GET,
        &format!("{path}?offset=0&limit=10"),
        None,
    )
    .await;
    assert_eq!(listed["count"], 2);
}
