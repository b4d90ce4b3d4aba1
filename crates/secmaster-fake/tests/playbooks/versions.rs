//! A version's rule through the client, export and import, and what a version needs to be
//! submitted or edited again.

use reqwest::Method;
use secmaster::bindings::types::{CreatePlaybookAction, PlaybookConditionItem};
use secmaster_fake::{FakeSecMaster, codes};
use serde_json::json;

use super::lifecycle::{playbook, refused, version};
use super::{
    Book, Made, alert, client, draft, enable, enabled, instances, newest_instance, ok, page,
    publish, soc,
};

/// One condition `[field, operator, value]` named `c`, as the client's rule builders take it.
fn condition(data: [&str; 3]) -> Vec<PlaybookConditionItem> {
    let item = json!({"name": "c", "detail": "one condition", "data": data});
    vec![serde_json::from_value(item).unwrap()]
}

/// A playbook drafted as `book` says, and the file ExportPlaybook makes of it.
async fn exported(fake: &FakeSecMaster, book: &Book) -> (Made, Vec<u8>) {
    let (p, w) = page();
    let made = draft(fake, book).await;
    let file = client(fake)
        .export_playbook(&p, &w)
        .id([made.playbook.as_str()])
        .send()
        .await
        .unwrap();
    (made, file.to_vec())
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
    // Disabled, the version is still active: deleting its rule is a change, refused.
    let e = c
        .delete_playbook_rule(&p, &w, &made.version, &rule_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::VERSION_IN_USE));
    ok(
        &fake,
        Method::PUT,
        &soc(&format!("playbooks/versions/{}", made.version)),
        Some(json!({"enabled": false})),
    )
    .await;
    c.delete_playbook_rule(&p, &w, &made.version, &rule_id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        version(&fake, &made).await["status"],
        "EDITING",
        "deleting the rule of a published version sends it back to review"
    );
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
    let (made, file) = exported(&fake, &Book::high_alerts("exported")).await;
    let e = c
        .import_playbook(&p, &w, "playbooks.json", file.clone())
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
    c.import_playbook(&p, &w, "playbooks.json", file)
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

#[tokio::test]
async fn a_deleted_version_is_no_longer_named_by_its_playbook() {
    let fake = FakeSecMaster::start().await.unwrap();
    let made = draft(&fake, &Book::high_alerts("forgotten")).await;
    let vp = soc(&format!("playbooks/versions/{}", made.version));
    super::submit(&fake, &made.version).await;
    assert_eq!(
        playbook(&fake, &made).await["unaudited_version_id"],
        made.version.as_str()
    );
    ok(&fake, Method::DELETE, &vp, None).await;
    assert_eq!(playbook(&fake, &made).await["unaudited_version_id"], "");
    let (status, _) = super::call(&fake, Method::GET, &vp, None).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn actions_are_added_changed_listed_and_deleted_through_the_client() {
    let fake = FakeSecMaster::start().await.unwrap();
    let (p, w) = page();
    let c = client(&fake);
    let made = draft(
        &fake,
        &Book {
            workflows: Vec::new(),
            ..Book::high_alerts("actions")
        },
    )
    .await;
    let actions: Vec<CreatePlaybookAction> =
        serde_json::from_value(super::actions_body(&[super::workflow(), super::workflow()]))
            .unwrap();
    let added = c
        .create_playbook_action(&p, &w, &made.version)
        .actions(actions)
        .send()
        .await
        .unwrap();
    assert_eq!(added.items.len(), 2);
    let first = added.items[0].id.clone().unwrap();
    // A workflow the workspace does not have: refused, nothing added.
    let missing: Vec<CreatePlaybookAction> = serde_json::from_value(super::actions_body(&[
        "00000000-0000-0000-0000-000000000000".to_owned(),
    ]))
    .unwrap();
    let e = c
        .create_playbook_action(&p, &w, &made.version)
        .actions(missing)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::UNKNOWN_WORKFLOW));
    c.update_playbook_action(&p, &w, &made.version, &first)
        .name("renamed")
        .send()
        .await
        .unwrap();
    let listed = c
        .list_playbook_actions(&p, &w, &made.version)
        .offset(0)
        .limit(1)
        .items()
        .try_collect_vec()
        .await
        .unwrap();
    let names: Vec<&str> = listed.iter().filter_map(|a| a.name.as_deref()).collect();
    assert_eq!(names, ["renamed", "action 1"]);
    c.delete_playbook_action(&p, &w, &made.version, &first)
        .send()
        .await
        .unwrap();
    assert_eq!(
        version(&fake, &made).await["actions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let e = c
        .delete_playbook_action(&p, &w, &made.version, &first)
        .send()
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");
}

#[tokio::test]
async fn the_clients_intent_methods_drive_a_playbook_through_its_life() {
    let fake = super::fake_with(std::time::Duration::from_secs(60), false).await;
    let (p, w) = page();
    let c = client(&fake);
    super::enable_workflow(&fake).await;
    let playbook = c
        .create_playbook(&p, &w)
        .name("intents")
        .workspace_id(&w)
        .send()
        .await
        .unwrap();
    let playbook = playbook.id.clone().unwrap();
    let version = c
        .create_playbook_version(&p, &w, &playbook)
        .workspace_id(&w)
        .dataclass_id(super::alert_class())
        .trigger_type("EVENT".into())
        .dataobject_create(true)
        .runs_workflow(super::workflow())
        .send()
        .await
        .unwrap();
    let version = version.id.clone().unwrap();
    c.update_playbook_version(&p, &w, &version)
        .submit()
        .send()
        .await
        .unwrap();
    c.review_playbook_version(&p, &w, &version)
        .approve("ok")
        .send()
        .await
        .unwrap();
    c.update_playbook(&p, &w, &playbook)
        .enable(&version)
        .send()
        .await
        .unwrap();
    alert(&fake, json!({"title": "any", "severity": "Low"})).await;
    let id = newest_instance(&fake).await;
    let stopped = c
        .change_playbook_instance(&p, &w, &id)
        .terminate()
        .send()
        .await
        .unwrap();
    assert_eq!(
        stopped.status.as_ref().map(|s| s.as_str()),
        Some("TERMINATED")
    );
    let again = c
        .change_playbook_instance(&p, &w, &id)
        .retry()
        .send()
        .await
        .unwrap();
    assert_eq!(again.status.as_ref().map(|s| s.as_str()), Some("RETRYING"));
    let e = c
        .change_playbook_instance(&p, &w, &id)
        .retry()
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::WRONG_INSTANCE_STATUS));
    c.update_playbook(&p, &w, &playbook)
        .disable()
        .send()
        .await
        .unwrap();
    alert(&fake, json!({"title": "after", "severity": "Low"})).await;
    assert_eq!(instances(&fake).await.len(), 1, "disabled: no new instance");
}

#[tokio::test]
async fn an_import_in_verify_mode_checks_the_file_and_keeps_nothing() {
    use secmaster::bindings::open_enums::PlaybookUploadModel;
    let fake = FakeSecMaster::start().await.unwrap();
    let (p, w) = page();
    let c = client(&fake);
    let (made, file) = exported(&fake, &Book::high_alerts("verified")).await;
    let verify = |file: Vec<u8>| {
        c.import_playbook(&p, &w, "playbooks.json", file)
            .upload_model(PlaybookUploadModel::Verify)
            .send()
    };
    let e = verify(file.clone()).await.unwrap_err();
    assert_eq!(e.code(), Some(codes::NAME_TAKEN), "checked as an import");
    let gone = format!("playbooks/{}", made.playbook);
    ok(&fake, Method::DELETE, &soc(&gone), None).await;
    verify(file.clone()).await.unwrap();
    let e = verify(b"{}".to_vec()).await.unwrap_err();
    assert_eq!(e.code(), Some(codes::MALFORMED_FILE));
    let named = soc("playbooks?offset=0&limit=10&name=verified");
    let listed = ok(&fake, Method::GET, &named, None).await;
    assert_eq!(listed["total"], 0, "verify imports nothing: {listed}");

    // A mode the spec does not list, or a part sent twice, is refused by the fake (the client
    // cannot send either).
    let raw = |texts: &[&str], files: usize| {
        let mut form = reqwest::multipart::Form::new();
        for text in texts {
            form = form.text("upload_model", text.to_string());
        }
        for _ in 0..files {
            let part = reqwest::multipart::Part::bytes(file.clone()).file_name("playbooks.json");
            form = form.part("uploadFile", part);
        }
        reqwest::Client::new()
            .post(format!("{}{}", fake.endpoint(), soc("playbooks/import")))
            .header("x-auth-token", secmaster_fake::FAKE_TOKEN)
            .multipart(form)
            .send()
    };
    for (texts, files, why) in [
        (
            &["overwrite"][..],
            1,
            "`overwrite` is not one of import, verify",
        ),
        (
            &["verify", "overwrite"][..],
            1,
            "upload_model is sent twice",
        ),
        (&["verify"][..], 2, "uploadFile is sent twice"),
    ] {
        let answer = raw(texts, files).await.unwrap();
        assert_eq!(answer.status().as_u16(), 400);
        let refusal: serde_json::Value = answer.json().await.unwrap();
        assert_eq!(refusal["code"], codes::INVALID_PARAMETER, "{refusal}");
        let message = refusal["message"].as_str().unwrap();
        assert!(message.contains(why), "{why}: {message}");
    }
    let listed = ok(&fake, Method::GET, &named, None).await;
    assert_eq!(listed["total"], 0, "{listed}");

    c.import_playbook(&p, &w, "playbooks.json", file)
        .upload_model(PlaybookUploadModel::Import)
        .send()
        .await
        .unwrap();
    let listed = ok(&fake, Method::GET, &named, None).await;
    assert_eq!(listed["total"], 1, "{listed}");
}

#[tokio::test]
async fn an_import_verified_is_held_to_the_workspaces_limits_as_an_import() {
    use secmaster::bindings::open_enums::PlaybookUploadModel;
    let mut config = secmaster_fake::Config::default();
    config.limits.max_objects = 1;
    let fake = FakeSecMaster::start_with(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let (p, w) = page();
    let c = client(&fake);
    let (made, file) = exported(&fake, &Book::high_alerts("limited")).await;
    let gone = format!("playbooks/{}", made.playbook);
    ok(&fake, Method::DELETE, &soc(&gone), None).await;
    // The one playbook the workspace may hold is another one now.
    c.create_playbook(&p, &w)
        .name("the one")
        .workspace_id(&w)
        .send()
        .await
        .unwrap();
    let import = |mode: PlaybookUploadModel| {
        c.import_playbook(&p, &w, "playbooks.json", file.clone())
            .upload_model(mode)
            .send()
    };
    let verified = import(PlaybookUploadModel::Verify).await.unwrap_err();
    let imported = import(PlaybookUploadModel::Import).await.unwrap_err();
    assert_eq!(verified.code(), Some(codes::LIMIT_EXCEEDED), "{verified}");
    assert_eq!(imported.code(), verified.code(), "{imported}");
}

#[tokio::test]
async fn an_update_with_a_rule_and_actions_replaces_them_and_answers_the_whole_version() {
    let fake = FakeSecMaster::start().await.unwrap();
    let made = draft(&fake, &Book::high_alerts("inline")).await;
    let vp = soc(&format!("playbooks/versions/{}", made.version));
    let low = super::rule_body(["severity", "==", "Low"]);
    let two = super::actions_body(&[super::workflow(), super::workflow()]);
    let answer = ok(
        &fake,
        Method::PUT,
        &vp,
        Some(json!({"rule": low, "actions": two})),
    )
    .await;
    let rule = |v: &serde_json::Value| v["rules"]["rule"].as_str().unwrap_or("").to_owned();
    for shown in [&answer["data"], &version(&fake, &made).await] {
        assert!(rule(shown).contains("Low"), "the rule replaced: {shown}");
        assert_eq!(
            shown["actions"].as_array().map(Vec::len),
            Some(2),
            "{shown}"
        );
    }
    // The same rule and actions again change nothing: a submission may carry them (Terraform).
    let same = json!({"rule": low, "actions": two, "status": "APPROVING"});
    let submitted = ok(&fake, Method::PUT, &vp, Some(same)).await;
    assert_eq!(submitted["data"]["status"], "APPROVING", "{submitted}");
    // Under review, a different rule is an edit, refused.
    let high = super::rule_body(["severity", "==", "High"]);
    let e = refused(&fake, Method::PUT, &vp, Some(json!({"rule": high}))).await;
    assert_eq!(e.0, 400, "{e:?}");
    assert!(rule(&version(&fake, &made).await).contains("Low"));
}
