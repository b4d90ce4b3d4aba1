//! What a review of the engine found: hostile imports, exports that grow without bound, changes
//! that bypass the review, disabled workflows run, and instances whose status drifts.

use reqwest::Method;
use secmaster_fake::FakeSecMaster;
use serde_json::{Value, json};

use super::{call, client, ok, page, soc, workflow};

/// An import of `file` (JSON) through the client: `Ok` or the refusal's `(status, code)`.
pub(super) async fn import(fake: &FakeSecMaster, file: &Value) -> Result<(), (u16, String)> {
    let (p, w) = page();
    client(fake)
        .import_playbook(&p, &w, "playbooks.json", file.to_string().into_bytes())
        .send()
        .await
        .map(|_| ())
        .map_err(|e| {
            (
                e.status().unwrap_or_default(),
                e.code().unwrap_or_default().to_owned(),
            )
        })
}

/// An export file holding playbook `name` with one version `version` (its action added).
pub(super) fn file(name: &str, mut version: Value) -> Value {
    version["actions"] = json!([{"name": "a", "description": "d", "action_type": "AOP_WORKFLOW",
        "action_id": workflow(), "sort_order": "0"}]);
    json!({"format": "secmaster-fake/playbooks",
        "playbooks": [{"name": name, "description": "", "versions": [version]}]})
}

/// The ID of the first playbook named `name` and of its first version.
async fn imported(fake: &FakeSecMaster, name: &str) -> (String, String) {
    let listed = ok(
        fake,
        Method::GET,
        &soc(&format!("playbooks?offset=0&limit=10&name={name}")),
        None,
    )
    .await;
    let id = listed["data"][0]["id"].as_str().unwrap().to_owned();
    let versions = ok(
        fake,
        Method::GET,
        &soc(&format!("playbooks/{id}/versions?offset=0&limit=10")),
        None,
    )
    .await;
    let version = versions["data"][0]["id"].as_str().unwrap().to_owned();
    (id, version)
}

#[tokio::test]
async fn a_version_imported_without_a_data_class_never_answers_500() {
    let fake = FakeSecMaster::start().await.unwrap();
    let f = file(
        "classless",
        json!({"trigger_type": "EVENT", "description": "no class"}),
    );
    let Ok(()) = import(&fake, &f).await else {
        // Refused whole (the descriptor's mandatory dataclass_id): nothing to enable.
        return;
    };
    let (id, version) = imported(&fake, "classless").await;
    super::submit(&fake, &version).await;
    let review = soc(&format!("playbooks/versions/{version}/approval"));
    let (status, answer) = call(
        &fake,
        Method::POST,
        &review,
        Some(json!({"result": "PASS"})),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let (status, answer) = call(
        &fake,
        Method::PUT,
        &soc(&format!("playbooks/{id}")),
        Some(json!({"enabled": true, "active_version_id": version})),
    )
    .await;
    assert!(status < 500, "{status} {answer}");
}

#[tokio::test]
async fn an_import_is_held_to_the_create_operations_descriptors_and_refused_whole() {
    let fake = FakeSecMaster::start().await.unwrap();
    let good = json!({"dataclass_id": super::alert_class(), "trigger_type": "EVENT"});
    let mut bad = good.clone();
    bad["description"] = json!(7);
    let mut f = file("fine", good.clone());
    let second = file("typed", bad)["playbooks"][0].clone();
    f["playbooks"].as_array_mut().unwrap().push(second);
    let before = fake.sequence();
    let (status, code) = import(&fake, &f).await.unwrap_err();
    assert_eq!(status, 400, "{code}");
    assert_eq!(fake.sequence(), before, "a refused import changes nothing");
    let mut long = file("long", good.clone());
    long["playbooks"][0]["name"] = json!("n".repeat(1025));
    assert_eq!(import(&fake, &long).await.unwrap_err().0, 400);
    let mut action = file("action", good.clone());
    action["playbooks"][0]["versions"][0]["actions"][0]["action_type"] = json!(["AOP_WORKFLOW"]);
    assert_eq!(import(&fake, &action).await.unwrap_err().0, 400);
    let classless = file("classless", json!({"trigger_type": "EVENT"}));
    assert_eq!(import(&fake, &classless).await.unwrap_err().0, 400);
    let listed = ok(
        &fake,
        Method::GET,
        &soc("playbooks?offset=0&limit=10"),
        None,
    )
    .await;
    assert_eq!(listed["total"], 0, "{listed}");
    import(&fake, &file("fine", good)).await.unwrap();
    let (id, _) = imported(&fake, "fine").await;
    ok(
        &fake,
        Method::GET,
        &soc(&format!("playbooks/{id}/versions?offset=0&limit=10")),
        None,
    )
    .await;
}

#[tokio::test]
async fn an_export_lists_each_playbook_once_and_refuses_more_ids_than_a_family_holds() {
    let fake = FakeSecMaster::start().await.unwrap();
    let made = super::draft(&fake, &super::Book::high_alerts("once")).await;
    let max = secmaster_fake::Limits::default().max_objects;
    let path = soc("playbooks/export");
    let ids = vec![made.playbook.clone(); max];
    let file = ok(&fake, Method::POST, &path, Some(json!({ "id": ids }))).await;
    assert_eq!(file["playbooks"].as_array().unwrap().len(), 1, "{file}");
    let ids = vec![made.playbook.clone(); max + 1];
    let (status, answer) = call(&fake, Method::POST, &path, Some(json!({ "id": ids }))).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some(secmaster_fake::codes::LIMIT_EXCEEDED)),
        "{answer}"
    );
}

#[tokio::test]
async fn deleting_a_rule_or_an_action_is_reviewed_as_any_change_and_a_missing_rule_picks_nothing() {
    let fake = FakeSecMaster::start().await.unwrap();
    let made = super::enabled(&fake, &super::Book::high_alerts("reviewed")).await;
    let v = super::lifecycle::version(&fake, &made).await;
    let rule = v["rule_id"].as_str().unwrap().to_owned();
    let action = v["actions"][0]["id"].as_str().unwrap().to_owned();
    let playbook = soc(&format!("playbooks/{}", made.playbook));
    ok(
        &fake,
        Method::PUT,
        &playbook,
        Some(json!({"enabled": false})),
    )
    .await;
    let rule_path = soc(&format!("playbooks/versions/{}/rules/{rule}", made.version));
    let action_path = soc(&format!(
        "playbooks/versions/{}/actions/{action}",
        made.version
    ));
    for path in [&rule_path, &action_path] {
        let (status, code) = super::lifecycle::refused(&fake, Method::DELETE, path, None).await;
        assert_eq!(
            (status, code.as_str()),
            (400, secmaster_fake::codes::VERSION_IN_USE),
            "{path}: the active version keeps its rule and actions"
        );
    }
    super::enable(&fake, &made).await;
    super::alert(&fake, json!({"title": "low", "severity": "Low"})).await;
    assert!(
        super::instances(&fake).await.is_empty(),
        "the rule still holds"
    );

    // A version whose rule_enable is true but whose rule was deleted (while editing) picks none.
    let other = super::draft(&fake, &super::Book::high_alerts("ruleless")).await;
    let v = super::lifecycle::version(&fake, &other).await;
    let rule = v["rule_id"].as_str().unwrap();
    let path = soc(&format!(
        "playbooks/versions/{}/rules/{rule}",
        other.version
    ));
    ok(&fake, Method::DELETE, &path, None).await;
    assert_eq!(
        super::lifecycle::version(&fake, &other).await["rule_enable"],
        true
    );
    super::publish(&fake, &other.version).await;
    super::enable(&fake, &other).await;
    super::alert(&fake, json!({"title": "low", "severity": "Low"})).await;
    assert!(
        super::instances(&fake).await.is_empty(),
        "no rule picks nothing"
    );
}

#[tokio::test]
async fn a_disabled_workflow_does_not_run_as_an_action_and_the_instance_fails() {
    let fake = FakeSecMaster::start().await.unwrap();
    let made = super::enabled(&fake, &super::Book::high_alerts("disabled flow")).await;
    let (p, w) = page();
    client(&fake)
        .update_workflow(&p, &w, workflow())
        .disable()
        .send()
        .await
        .unwrap();
    let runs = soc("workflows/instances?offset=0&limit=100");
    let count = |v: Value| v["instances"].as_array().map_or(0, Vec::len);
    let before = count(ok(&fake, Method::GET, &runs, None).await);
    super::alert(&fake, json!({"title": "high", "severity": "High"})).await;
    let listed = super::instances(&fake).await;
    assert_eq!(listed.len(), 1);
    let id = listed[0]["id"].as_str().unwrap();
    let done = super::ended(&fake, id).await;
    assert_eq!(done["status"], "FAILED", "{done}");
    assert_eq!(
        count(ok(&fake, Method::GET, &runs, None).await),
        before,
        "no run of the disabled workflow"
    );
    let topology = soc(&format!("playbooks/instances/{id}/topology"));
    let nodes = ok(&fake, Method::GET, &topology, None).await;
    let log = &nodes["action_instances"][0]["instance_log"];
    assert_eq!(log["status"], "FAILED", "{nodes}");
    assert!(
        log["error_msg"].as_str().unwrap().contains("disabled"),
        "{nodes}"
    );
    let _ = made;
}

/// The nodes of the one workflow run of the fake (the workflow chapter's topology).
async fn nodes(fake: &FakeSecMaster) -> Vec<Value> {
    let runs = ok(
        fake,
        Method::GET,
        &soc("workflows/instances?offset=0&limit=10"),
        None,
    )
    .await;
    let run = runs["instances"][0]["id"].as_str().unwrap().to_owned();
    let path = soc(&format!("workflows/instances/{run}?show_topology=true"));
    let shown = ok(fake, Method::GET, &path, None).await;
    let data = if shown["data"].is_object() {
        &shown["data"]
    } else {
        &shown
    };
    data["topology"]["audit_logs"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn a_commands_run_takes_its_nodes_with_it() {
    let fake = super::fake_with(std::time::Duration::from_secs(60), false).await;
    super::enabled(&fake, &super::Book::high_alerts("nodes")).await;
    super::alert(&fake, json!({"title": "high", "severity": "High"})).await;
    let id = super::newest_instance(&fake).await;
    let path = soc(&format!("playbooks/instances/{id}/operation"));
    ok(
        &fake,
        Method::POST,
        &path,
        Some(json!({"operation": "TERMINATE"})),
    )
    .await;
    let ended = nodes(&fake).await;
    assert!(!ended.is_empty());
    for node in &ended {
        assert_ne!(node["status"], "RUNNING", "{node}");
        assert_ne!(node["end_time"], "", "{node}");
    }
    ok(
        &fake,
        Method::POST,
        &path,
        Some(json!({"operation": "RETRY"})),
    )
    .await;
    for node in &nodes(&fake).await {
        assert_eq!(node["status"], "RUNNING", "{node}");
        assert_eq!(node["end_time"], "", "{node}");
    }
}

#[tokio::test]
async fn an_ended_instance_keeps_its_status_when_its_runs_go() {
    let fake = super::fake_with(std::time::Duration::from_millis(100), true).await;
    super::enabled(&fake, &super::Book::high_alerts("kept")).await;
    super::alert(&fake, json!({"title": "high", "severity": "High"})).await;
    let id = super::newest_instance(&fake).await;
    let done = super::ended(&fake, &id).await;
    assert_eq!(done["status"], "FAILED", "{done}");
    // Disabling the playbook does not delete the workflow's runs; deleting the workflow does.
    super::delete_workflow(&fake).await;
    let shown = super::shown_instance(&fake, &id).await;
    assert_eq!(
        (&shown["status"], &shown["end_time"]),
        (&done["status"], &done["end_time"]),
        "{shown}"
    );
}

#[tokio::test]
async fn a_terminated_instance_is_terminated_though_an_action_had_failed() {
    for terminate_time in [0, 30] {
        terminated_though_an_action_had_failed(terminate_time).await;
    }
}

/// One action fails (its workflow is disabled), the other runs; TERMINATE, at once or after
/// `terminate_secs` of TERMINATING, ends the instance TERMINATED. Its workflow deleted while
/// terminating, the instance still ends at the command's time, not before.
async fn terminated_though_an_action_had_failed(terminate_secs: u64) {
    let mut config = secmaster_fake::Config::default();
    config.run_time = std::time::Duration::from_secs(60);
    config.terminate_time = std::time::Duration::from_secs(terminate_secs);
    let mut other = secmaster_fake::SeedWorkflow::page_example();
    other.workflow.id = Some("a-disabled-workflow".into());
    other.workflow.name = Some("disabled".into());
    config.workflows.push(other);
    let fake = FakeSecMaster::start_with(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let mut book = super::Book::high_alerts("stopped");
    book.workflows = vec![workflow(), "a-disabled-workflow".into()];
    super::enabled(&fake, &book).await;
    super::alert(&fake, json!({"title": "high", "severity": "High"})).await;
    let id = super::newest_instance(&fake).await;
    let path = soc(&format!("playbooks/instances/{id}/operation"));
    fake.shift_clock(10);
    let stopped = ok(
        &fake,
        Method::POST,
        &path,
        Some(json!({"operation": "TERMINATE"})),
    )
    .await;
    if terminate_secs == 0 {
        assert_eq!(stopped["status"], "TERMINATED", "{stopped}");
        return;
    }
    assert_eq!(stopped["status"], "TERMINATING", "{stopped}");
    // The workflow whose run is terminating goes, its run with it.
    super::delete_workflow(&fake).await;
    let shown = super::shown_instance(&fake, &id).await;
    assert_eq!(shown["status"], "TERMINATED", "{shown}");
    let (start, end) = (shown["start_time"].as_str(), shown["end_time"].as_str());
    assert!(
        end > start,
        "ended at the command, 10 s after the start: {shown}"
    );
}

#[tokio::test]
async fn the_approval_list_holds_the_workflows_reviews_under_aop_workflow() {
    let mut config = secmaster_fake::Config::default();
    let waiting = secmaster_fake::Version::new("ver-0002", "v2").with_status("pending_approval");
    config.workflows[0].versions[1] = waiting;
    let fake = FakeSecMaster::start_with(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let (p, w) = page();
    let c = client(&fake);
    c.review_workflow_version(&p, &w, "ver-0002")
        .approve("fine")
        .send()
        .await
        .unwrap();
    let made = super::draft(&fake, &super::Book::high_alerts("reviews")).await;
    super::publish(&fake, &made.version).await;
    let list = |q: String| soc(&format!("playbooks/versions/approval?{q}"));
    let flows = ok(
        &fake,
        Method::GET,
        &list("resource_id=ver-0002&approve_type=AOP_WORKFLOW".into()),
        None,
    )
    .await;
    assert_eq!(flows["data"][0]["content"], "fine", "{flows}");
    assert_eq!(flows["data"].as_array().unwrap().len(), 1, "{flows}");
    let none = ok(
        &fake,
        Method::GET,
        &list("resource_id=ver-0002&approve_type=PLAYBOOK".into()),
        None,
    )
    .await;
    assert_eq!(none["data"].as_array().map_or(0, Vec::len), 0, "{none}");
    let q = format!("resource_id={}&approve_type=PLAYBOOK", made.version);
    let books = ok(&fake, Method::GET, &list(q), None).await;
    assert_eq!(books["data"].as_array().unwrap().len(), 1, "{books}");
    let q = format!("resource_id={}&approve_type=AOP_WORKFLOW", made.version);
    let none = ok(&fake, Method::GET, &list(q), None).await;
    assert_eq!(none["data"].as_array().map_or(0, Vec::len), 0, "{none}");
}
