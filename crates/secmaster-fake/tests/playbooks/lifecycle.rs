//! Playbooks, versions, rules, actions and approvals: their lifecycle, and every refusal in the
//! chapter's shape and code, changing nothing.

use reqwest::Method;
use secmaster_fake::{Config, FakeSecMaster, Limits, codes};
use serde_json::{Value, json};

use secmaster::bindings::types::PlaybookConditionItem;

use super::{
    Book, Made, alert, call, client, draft, enable, enabled, instances, ok, page, publish, soc,
};

/// A refused call: its status and code, with the body's shape checked (`{code, message}`) and
/// the store unchanged (no change numbered: no run is under way where this is called).
async fn refused(
    fake: &FakeSecMaster,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, String) {
    let before = fake.sequence();
    let (status, answer) = call(fake, method, path, body).await;
    assert!(answer["message"].is_string(), "{path}: {answer}");
    assert_eq!(fake.sequence(), before, "{path}: a refusal changes nothing");
    (
        status,
        answer["code"].as_str().unwrap_or_default().to_owned(),
    )
}

async fn playbook(fake: &FakeSecMaster, made: &Made) -> Value {
    ok(
        fake,
        Method::GET,
        &soc(&format!("playbooks/{}", made.playbook)),
        None,
    )
    .await["data"]
        .clone()
}

async fn version(fake: &FakeSecMaster, made: &Made) -> Value {
    ok(
        fake,
        Method::GET,
        &soc(&format!("playbooks/versions/{}", made.version)),
        None,
    )
    .await["data"]
        .clone()
}

#[tokio::test]
async fn a_playbooks_life_goes_through_review_to_enabled_and_back() {
    let fake = FakeSecMaster::start().await.unwrap();
    let made = draft(&fake, &Book::high_alerts("life")).await;
    let v = version(&fake, &made).await;
    assert_eq!(
        (v["status"].as_str(), v["enabled"].as_bool()),
        (Some("EDITING"), Some(false))
    );
    assert_eq!(v["actions"].as_array().unwrap().len(), 1);
    assert!(
        v["rules"]["rule"].as_str().unwrap().contains("severity"),
        "{v}"
    );
    let path = soc(&format!("playbooks/versions/{}", made.version));
    ok(
        &fake,
        Method::PUT,
        &path,
        Some(json!({"status": "APPROVING"})),
    )
    .await;
    assert_eq!(
        playbook(&fake, &made).await["unaudited_version_id"],
        made.version.as_str()
    );
    let rejected = json!({"result": "UN_PASS", "content": "not yet"});
    ok(
        &fake,
        Method::POST,
        &format!("{path}/approval"),
        Some(rejected),
    )
    .await;
    assert_eq!(version(&fake, &made).await["status"], "UNPASSED");
    assert_eq!(
        playbook(&fake, &made).await["reject_version_id"],
        made.version.as_str()
    );
    ok(
        &fake,
        Method::PUT,
        &path,
        Some(json!({"description": "fixed"})),
    )
    .await;
    publish(&fake, &made.version).await;
    assert_eq!(version(&fake, &made).await["status"], "PUBLISHED");
    let approvals = ok(
        &fake,
        Method::GET,
        &soc(&format!(
            "playbooks/versions/approval?resource_id={}",
            made.version
        )),
        None,
    )
    .await;
    assert_eq!(
        approvals["data"].as_array().unwrap().len(),
        2,
        "{approvals}"
    );
    enable(&fake, &made).await;
    let p = playbook(&fake, &made).await;
    assert_eq!(
        (p["enabled"].as_bool(), p["version_id"].as_str()),
        (Some(true), Some(made.version.as_str()))
    );
    assert_eq!(
        (p["dataclass_name"].as_str(), p["version"].as_str()),
        (Some("Alert"), Some("v1"))
    );
    assert_eq!(version(&fake, &made).await["enabled"], true);
    let stats = ok(&fake, Method::GET, &soc("playbooks/statistics"), None).await;
    assert_eq!(
        stats["data"],
        json!({"unapproved_num": 0, "disabled_num": 0, "enabled_num": 1})
    );
    // Disabled, the version deactivated, then deleted with everything under it.
    let pb = soc(&format!("playbooks/{}", made.playbook));
    ok(
        &fake,
        Method::PUT,
        &pb,
        Some(json!({"enabled": false, "name": "life, renamed"})),
    )
    .await;
    ok(&fake, Method::PUT, &path, Some(json!({"enabled": false}))).await;
    ok(&fake, Method::DELETE, &path, None).await;
    ok(&fake, Method::DELETE, &pb, None).await;
    let (status, code) = refused(&fake, Method::GET, &pb, None).await;
    assert_eq!(status, 400);
    assert_ne!(code, "");
    let listed = ok(
        &fake,
        Method::GET,
        &soc("playbooks?offset=0&limit=10"),
        None,
    )
    .await;
    assert_eq!(listed["total"], 0);
}

#[tokio::test]
async fn refusals_are_the_chapters_shape_and_change_nothing() {
    let fake = FakeSecMaster::start().await.unwrap();
    let made = draft(&fake, &Book::high_alerts("refusals")).await;
    let pb = soc(&format!("playbooks/{}", made.playbook));
    let vp = soc(&format!("playbooks/versions/{}", made.version));
    // Enabling needs an active version, and a published one.
    let before = playbook(&fake, &made).await;
    let e = refused(&fake, Method::PUT, &pb, Some(json!({"enabled": true}))).await;
    assert_eq!(e, (400, codes::VERSION_REQUIRED.to_owned()));
    let e = refused(
        &fake,
        Method::PUT,
        &pb,
        Some(json!({"enabled": true, "active_version_id": made.version})),
    )
    .await;
    assert_eq!(e, (400, codes::WRONG_VERSION_STATUS.to_owned()));
    assert_eq!(playbook(&fake, &made).await, before);
    // Approving a version not under review.
    let e = refused(
        &fake,
        Method::POST,
        &format!("{vp}/approval"),
        Some(json!({"result": "PASS", "content": "?"})),
    )
    .await;
    assert_eq!(e, (400, codes::WRONG_VERSION_STATUS.to_owned()));
    assert_eq!(version(&fake, &made).await["status"], "EDITING");
    // An action naming a workflow the workspace does not have: changed, or in a new version.
    let missing = "00000000-0000-0000-0000-000000000000";
    let action = version(&fake, &made).await["actions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let change = json!({"action_id": missing});
    let e = refused(
        &fake,
        Method::PUT,
        &format!("{vp}/actions/{action}"),
        Some(change),
    )
    .await;
    assert_eq!(e, (400, codes::UNKNOWN_WORKFLOW.to_owned()));
    let v = version(&fake, &made).await;
    assert_eq!(v["actions"][0]["action_id"], super::workflow().as_str());
    let (_, w) = page();
    let inline = json!({"description": "v2", "workspace_id": w, "dataclass_id": super::alert_class(),
        "actions": super::actions_body(&[missing.to_owned()])});
    let versions = soc(&format!("playbooks/{}/versions", made.playbook));
    let e = refused(&fake, Method::POST, &versions, Some(inline)).await;
    assert_eq!(e, (400, codes::UNKNOWN_WORKFLOW.to_owned()));
    let listed = ok(
        &fake,
        Method::GET,
        &format!("{versions}?offset=0&limit=10"),
        None,
    )
    .await;
    assert_eq!(listed["total"], 1);
    // A submitted version is not edited.
    ok(
        &fake,
        Method::PUT,
        &vp,
        Some(json!({"status": "APPROVING"})),
    )
    .await;
    let e = refused(
        &fake,
        Method::PUT,
        &vp,
        Some(json!({"trigger_type": "TIMER"})),
    )
    .await;
    assert_eq!(e, (400, codes::WRONG_VERSION_STATUS.to_owned()));
    let rule = json!({"rule": {"expression_type": "common", "conditions": [], "logics": []}});
    let e = refused(&fake, Method::POST, &format!("{vp}/rules"), Some(rule)).await;
    assert_eq!(e, (400, codes::WRONG_VERSION_STATUS.to_owned()));
    assert_eq!(version(&fake, &made).await["trigger_type"], "EVENT");
    // Enabled: no change but disabling, no deletion of it or of its active version.
    let approval = json!({"result": "PASS", "content": "ok"});
    ok(
        &fake,
        Method::POST,
        &format!("{vp}/approval"),
        Some(approval),
    )
    .await;
    enable(&fake, &made).await;
    let before = playbook(&fake, &made).await;
    let e = refused(&fake, Method::PUT, &pb, Some(json!({"name": "renamed"}))).await;
    assert_eq!(e, (400, codes::PLAYBOOK_ENABLED.to_owned()));
    let e = refused(&fake, Method::DELETE, &pb, None).await;
    assert_eq!(e, (400, codes::PLAYBOOK_ENABLED.to_owned()));
    let e = refused(&fake, Method::DELETE, &vp, None).await;
    assert_eq!(e, (400, codes::VERSION_IN_USE.to_owned()));
    let e = refused(&fake, Method::PUT, &vp, Some(json!({"enabled": false}))).await;
    assert_eq!(e, (400, codes::VERSION_IN_USE.to_owned()));
    assert_eq!(playbook(&fake, &made).await, before);
    // A version of another playbook is not this one's to activate.
    let other = enabled(&fake, &Book::high_alerts("other")).await;
    let foreign = json!({"active_version_id": other.version});
    let e = refused(&fake, Method::PUT, &pb, Some(foreign)).await;
    assert_eq!(e, (400, codes::UNKNOWN_VERSION.to_owned()));
    // A second playbook of the same name.
    let e = refused(
        &fake,
        Method::POST,
        &soc("playbooks"),
        Some(json!({"name": "other", "workspace_id": w})),
    )
    .await;
    assert_eq!(e, (400, codes::NAME_TAKEN.to_owned()));
}

#[tokio::test]
async fn the_spec_bounds_bodies_and_the_fake_bounds_what_a_workspace_holds() {
    let mut config = Config::default();
    let mut limits = Limits::default();
    limits.max_objects = 3;
    config.limits = limits;
    let fake = FakeSecMaster::start_with(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let (_, w) = page();
    // What the spec states is enforced from its descriptors: a mandatory name.
    let (status, answer) = call(
        &fake,
        Method::POST,
        &soc("playbooks"),
        Some(json!({"workspace_id": w})),
    )
    .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some(codes::MISSING_FIELD)),
        "{answer}"
    );
    for i in 0..3 {
        ok(
            &fake,
            Method::POST,
            &soc("playbooks"),
            Some(json!({"name": format!("p{i}"), "workspace_id": w})),
        )
        .await;
    }
    let e = refused(
        &fake,
        Method::POST,
        &soc("playbooks"),
        Some(json!({"name": "p3", "workspace_id": w})),
    )
    .await;
    assert_eq!(e, (400, codes::LIMIT_EXCEEDED.to_owned()));
    let listed = ok(
        &fake,
        Method::GET,
        &soc("playbooks?offset=0&limit=10"),
        None,
    )
    .await;
    assert_eq!(listed["total"], 3);
}

/// One condition `[field, operator, value]` named `c`, as the client's rule builders take it.
fn condition(data: [&str; 3]) -> Vec<PlaybookConditionItem> {
    let item = json!({"name": "c", "detail": "one condition", "data": data});
    vec![serde_json::from_value(item).unwrap()]
}

#[tokio::test]
async fn a_versions_rule_is_made_shown_changed_and_deleted_through_the_client() {
    let fake = FakeSecMaster::start().await.unwrap();
    let (p, w) = page();
    let c = client(&fake);
    let made = draft(
        &fake,
        &Book {
            rule: None,
            ..Book::high_alerts("rules")
        },
    )
    .await;
    c.update_playbook_version(&p, &w, &made.version)
        .rule_enable(true)
        .send()
        .await
        .unwrap();
    let rule = c
        .create_playbook_rule(&p, &w, &made.version)
        .expression_type("common".into())
        .conditions(condition(["severity", "==", "High"]))
        .logics(["c"])
        .send()
        .await
        .unwrap();
    let rule_id = rule.id.clone().unwrap();
    assert_eq!(version(&fake, &made).await["rule_id"], rule_id.as_str());
    let shown = c
        .show_playbook_rule(&p, &w, &made.version, &rule_id)
        .send()
        .await
        .unwrap();
    assert!(
        shown.rule.as_deref().unwrap().contains("High"),
        "{:?}",
        shown.rule
    );
    c.update_playbook_rule(&p, &w, &made.version, &rule_id)
        .expression_type("common".into())
        .conditions(condition(["severity", "==", "Low"]))
        .logics(["c"])
        .send()
        .await
        .unwrap();
    publish(&fake, &made.version).await;
    enable(&fake, &made).await;
    alert(&fake, json!({"title": "high", "severity": "High"})).await;
    assert!(
        instances(&fake).await.is_empty(),
        "the rule now picks Low alerts"
    );
    alert(&fake, json!({"title": "low", "severity": "Low"})).await;
    assert_eq!(instances(&fake).await.len(), 1);
    // Active on an enabled playbook: the rule neither changes nor goes.
    let e = c
        .update_playbook_rule(&p, &w, &made.version, &rule_id)
        .expression_type("common".into())
        .conditions(condition(["severity", "==", "High"]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::VERSION_IN_USE));
    let e = c
        .delete_playbook_rule(&p, &w, &made.version, &rule_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::VERSION_IN_USE));
    let off = json!({"enabled": false});
    ok(
        &fake,
        Method::PUT,
        &soc(&format!("playbooks/{}", made.playbook)),
        Some(off),
    )
    .await;
    c.delete_playbook_rule(&p, &w, &made.version, &rule_id)
        .send()
        .await
        .unwrap();
    let e = c
        .show_playbook_rule(&p, &w, &made.version, &rule_id)
        .send()
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");
    assert_eq!(version(&fake, &made).await["rule_id"], "");
}

#[tokio::test]
async fn playbooks_export_and_import_back_through_the_client() {
    let fake = FakeSecMaster::start().await.unwrap();
    let (p, w) = page();
    let c = client(&fake);
    let made = draft(&fake, &Book::high_alerts("exported")).await;
    let file = c
        .export_playbook(&p, &w)
        .id([made.playbook.as_str()])
        .send()
        .await
        .unwrap();
    let e = c
        .import_playbook(&p, &w, "playbooks.json", file.to_vec())
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::NAME_TAKEN), "the name is taken");
    ok(
        &fake,
        Method::DELETE,
        &soc(&format!("playbooks/{}", made.playbook)),
        None,
    )
    .await;
    c.import_playbook(&p, &w, "playbooks.json", file.to_vec())
        .send()
        .await
        .unwrap();
    let listed = ok(
        &fake,
        Method::GET,
        &soc("playbooks?offset=0&limit=10&name=exported"),
        None,
    )
    .await;
    let id = listed["data"][0]["id"].as_str().unwrap().to_owned();
    let versions = ok(
        &fake,
        Method::GET,
        &soc(&format!("playbooks/{id}/versions?offset=0&limit=10")),
        None,
    )
    .await;
    let version = versions["data"][0]["id"].as_str().unwrap();
    let v = ok(
        &fake,
        Method::GET,
        &soc(&format!("playbooks/versions/{version}")),
        None,
    )
    .await;
    assert_eq!(v["data"]["status"], "EDITING");
    assert_eq!(
        v["data"]["actions"][0]["action_id"],
        super::workflow().as_str()
    );
    assert!(
        v["data"]["rules"]["rule"]
            .as_str()
            .unwrap()
            .contains("High")
    );
    let e = c
        .import_playbook(&p, &w, "x.json", b"{}".to_vec())
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::MALFORMED_FILE));
}

#[tokio::test]
async fn a_version_without_actions_is_not_submitted_and_an_inactive_published_one_is_edited_again()
{
    let fake = FakeSecMaster::start().await.unwrap();
    let empty = Book {
        workflows: Vec::new(),
        ..Book::high_alerts("empty")
    };
    let made = draft(&fake, &empty).await;
    let vp = soc(&format!("playbooks/versions/{}", made.version));
    let e = refused(
        &fake,
        Method::PUT,
        &vp,
        Some(json!({"status": "APPROVING"})),
    )
    .await;
    assert_eq!(e, (400, codes::MISSING_FIELD.to_owned()));
    assert_eq!(version(&fake, &made).await["status"], "EDITING");

    let made = enabled(&fake, &Book::high_alerts("edited again")).await;
    let vp = soc(&format!("playbooks/versions/{}", made.version));
    let e = refused(
        &fake,
        Method::PUT,
        &vp,
        Some(json!({"description": "while active"})),
    )
    .await;
    assert_eq!(e, (400, codes::VERSION_IN_USE.to_owned()));
    let pb = soc(&format!("playbooks/{}", made.playbook));
    ok(&fake, Method::PUT, &pb, Some(json!({"enabled": false}))).await;
    ok(&fake, Method::PUT, &vp, Some(json!({"enabled": false}))).await;
    let edited = ok(
        &fake,
        Method::PUT,
        &vp,
        Some(json!({"description": "v1.1", "status": "APPROVING"})),
    )
    .await;
    assert_eq!(
        edited["data"]["status"], "APPROVING",
        "edited, then submitted again"
    );
    let e = refused(
        &fake,
        Method::PUT,
        &pb,
        Some(json!({"enabled": true, "active_version_id": made.version})),
    )
    .await;
    assert_eq!(e, (400, codes::WRONG_VERSION_STATUS.to_owned()));
}
