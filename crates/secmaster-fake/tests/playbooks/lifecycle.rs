//! Playbooks, versions, rules, actions and approvals: their lifecycle, and every refusal in the
//! chapter's shape and code, changing nothing.

use reqwest::Method;
use secmaster_fake::{Config, FakeSecMaster, Limits, codes};
use serde_json::{Value, json};

use super::{Book, Made, call, draft, enable, enabled, ok, page, publish, soc, submit};

/// A refused call: its status and code, with the body's shape checked (`{code, message}`) and
/// the store unchanged (no change numbered: no run is under way where this is called).
pub(super) async fn refused(
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

pub(super) async fn playbook(fake: &FakeSecMaster, made: &Made) -> Value {
    ok(
        fake,
        Method::GET,
        &soc(&format!("playbooks/{}", made.playbook)),
        None,
    )
    .await["data"]
        .clone()
}

pub(super) async fn version(fake: &FakeSecMaster, made: &Made) -> Value {
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
    submit(&fake, &made.version).await;
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
    submit(&fake, &made.version).await;
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
