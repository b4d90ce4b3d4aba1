//! What starts an instance, what it runs and how it ends.

use std::time::Duration;

use reqwest::Method;
use secmaster_fake::{Config, FAKE_TOKEN, FakeSecMaster, codes};
use serde_json::json;

use super::{
    Book, alert, call, draft, enable, enabled, ended, fake_with, instances, newest_instance, ok,
    page, publish, soc, workflow,
};

#[tokio::test]
async fn a_rule_that_picks_high_alerts_starts_an_instance_for_a_high_alert_and_none_for_a_low_one()
{
    let fake = FakeSecMaster::start().await.unwrap();
    let made = enabled(&fake, &Book::high_alerts("high")).await;
    alert(&fake, json!({"title": "a port scan", "severity": "Low"})).await;
    assert!(instances(&fake).await.is_empty());
    let high = alert(&fake, json!({"title": "brute force", "severity": "High"})).await;
    let all = instances(&fake).await;
    assert_eq!(all.len(), 1, "{all:?}");
    let i = &all[0];
    assert_eq!(i["playbook"]["id"], made.playbook.as_str());
    assert_eq!(i["playbook"]["version_id"], made.version.as_str());
    assert_eq!(i["dataobject"]["id"], high.as_str());
    assert_eq!(i["dataobject"]["name"], "brute force");
    assert_eq!(i["dataclass"]["name"], "Alert");
    assert_eq!(
        (i["trigger_type"].as_str(), i["status"].as_str()),
        (Some("EVENT"), Some("RUNNING"))
    );
    // An incident is of another class: the Alert playbook does not run for it.
    let incident = json!({"data_object": {"title": "an incident", "severity": "High"}});
    ok(&fake, Method::POST, &soc("incidents"), Some(incident)).await;
    assert_eq!(instances(&fake).await.len(), 1);
}

#[tokio::test]
async fn dataobject_create_and_dataobject_update_pick_creations_and_changes() {
    let fake = FakeSecMaster::start().await.unwrap();
    let on_update = Book {
        on_create: false,
        on_update: true,
        ..Book::high_alerts("on update")
    };
    enabled(&fake, &on_update).await;
    let id = alert(&fake, json!({"title": "made high", "severity": "High"})).await;
    assert!(
        instances(&fake).await.is_empty(),
        "a creation is not an update"
    );
    let change = json!({"data_object": {"description": "looked at"}});
    ok(
        &fake,
        Method::PUT,
        &soc(&format!("alerts/{id}")),
        Some(change),
    )
    .await;
    let all = instances(&fake).await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["dataobject"]["id"], id.as_str());
    // A change that makes the alert Low: the rule no longer picks it.
    let low = json!({"data_object": {"severity": "Low"}});
    ok(&fake, Method::PUT, &soc(&format!("alerts/{id}")), Some(low)).await;
    assert_eq!(instances(&fake).await.len(), 1);

    let fake = FakeSecMaster::start().await.unwrap();
    enabled(&fake, &Book::high_alerts("on create")).await;
    let id = alert(&fake, json!({"title": "high", "severity": "High"})).await;
    let change = json!({"data_object": {"description": "looked at"}});
    ok(
        &fake,
        Method::PUT,
        &soc(&format!("alerts/{id}")),
        Some(change),
    )
    .await;
    assert_eq!(
        instances(&fake).await.len(),
        1,
        "a change is not a creation"
    );
}

#[tokio::test]
async fn a_disabled_playbook_or_one_without_a_rule_filter_behaves_as_it_says() {
    let fake = FakeSecMaster::start().await.unwrap();
    let made = draft(&fake, &Book::high_alerts("never enabled")).await;
    publish(&fake, &made.version).await;
    alert(&fake, json!({"title": "high", "severity": "High"})).await;
    assert!(
        instances(&fake).await.is_empty(),
        "published but not enabled"
    );
    enable(&fake, &made).await;
    let off = json!({"enabled": false});
    ok(
        &fake,
        Method::PUT,
        &soc(&format!("playbooks/{}", made.playbook)),
        Some(off),
    )
    .await;
    alert(&fake, json!({"title": "high", "severity": "High"})).await;
    assert!(instances(&fake).await.is_empty(), "disabled again");

    let every = Book {
        rule: None,
        ..Book::high_alerts("every alert")
    };
    enabled(&fake, &every).await;
    alert(&fake, json!({"title": "low", "severity": "Low"})).await;
    assert_eq!(instances(&fake).await.len(), 1, "no rule picks every alert");
}

#[tokio::test]
async fn a_timer_playbook_is_fired_by_the_admin_call_and_the_handle() {
    let fake = FakeSecMaster::start().await.unwrap();
    let (p, w) = page();
    let timer = Book {
        trigger: "TIMER",
        rule: None,
        ..Book::high_alerts("nightly")
    };
    let made = enabled(&fake, &timer).await;
    alert(&fake, json!({"title": "high", "severity": "High"})).await;
    assert!(
        instances(&fake).await.is_empty(),
        "a TIMER playbook ignores events"
    );
    let first = fake.fire_playbook(&p, &w, &made.playbook).unwrap();
    let answer = reqwest::Client::new()
        .post(format!(
            "{}/_fake/playbooks/{}/fire",
            fake.endpoint(),
            made.playbook
        ))
        .header("x-auth-token", FAKE_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let second: serde_json::Value = answer.json().await.unwrap();
    let all = instances(&fake).await;
    assert_eq!(all.len(), 2);
    assert_eq!(all[0]["id"], second["instance_id"]);
    assert_eq!(all[1]["id"], first.as_str());
    assert!(all.iter().all(|i| i["trigger_type"] == "TIMER"));
    // An EVENT playbook, a disabled one and a missing one are not fired.
    let event = enabled(&fake, &Book::high_alerts("events")).await;
    let e = fake.fire_playbook(&p, &w, &event.playbook).unwrap_err();
    assert_eq!(e.code, codes::WRONG_VERSION_STATUS);
    let off = json!({"enabled": false});
    ok(
        &fake,
        Method::PUT,
        &soc(&format!("playbooks/{}", made.playbook)),
        Some(off),
    )
    .await;
    let e = fake.fire_playbook(&p, &w, &made.playbook).unwrap_err();
    assert_eq!(e.code, codes::PLAYBOOK_ENABLED);
    let missing = reqwest::Client::new()
        .post(format!("{}/_fake/playbooks/nope/fire", fake.endpoint()))
        .header("x-auth-token", FAKE_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let anonymous = reqwest::Client::new()
        .post(format!(
            "{}/_fake/playbooks/{}/fire",
            fake.endpoint(),
            made.playbook
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(instances(&fake).await.len(), 2);
}

#[tokio::test]
async fn an_instance_runs_each_actions_workflow_and_ends_when_its_runs_end() {
    // Runs that end only when the clock is moved past them (no race with a busy machine).
    let fake = fake_with(Duration::from_secs(60), false).await;
    let two = Book {
        workflows: vec![workflow(), workflow()],
        ..Book::high_alerts("twice")
    };
    let made = enabled(&fake, &two).await;
    let id = alert(&fake, json!({"title": "high", "severity": "High"})).await;
    let instance = instances(&fake).await[0].clone();
    assert_eq!(instance["status"], "RUNNING");
    let runs = ok(
        &fake,
        Method::GET,
        &soc("workflows/instances?offset=0&limit=100"),
        None,
    )
    .await;
    let runs = runs["instances"].as_array().unwrap();
    assert_eq!(runs.len(), 2, "{runs:?}");
    for run in runs {
        assert_eq!(run["playbook"]["id"], made.playbook.as_str());
        assert_eq!(run["dataobject_id"], id.as_str());
        assert_eq!(run["workflow"]["id"], workflow().as_str());
        assert_eq!(run["trigger_type"], "EVENT");
    }
    fake.shift_clock(61);
    let done = ended(&fake, instance["id"].as_str().unwrap()).await;
    assert_eq!(done["status"], "FINISHED");
    assert!(done["end_time"].as_str().unwrap() >= done["start_time"].as_str().unwrap());

    let fake = fake_with(Duration::from_millis(100), true).await;
    enabled(&fake, &Book::high_alerts("fails")).await;
    alert(&fake, json!({"title": "high", "severity": "High"})).await;
    let instance = instances(&fake).await[0].clone();
    assert_eq!(
        ended(&fake, instance["id"].as_str().unwrap()).await["status"],
        "FAILED"
    );
}

#[tokio::test]
async fn terminate_and_retry_command_the_instance_and_its_runs() {
    let fake = fake_with(Duration::from_secs(60), false).await;
    enabled(&fake, &Book::high_alerts("commanded")).await;
    alert(&fake, json!({"title": "high", "severity": "High"})).await;
    let id = newest_instance(&fake).await;
    let path = soc(&format!("playbooks/instances/{id}/operation"));
    let retry = json!({"operation": "RETRY"});
    let (status, answer) = call(&fake, Method::POST, &path, Some(retry.clone())).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some(codes::WRONG_INSTANCE_STATUS)),
        "{answer}"
    );
    let stopped = ok(
        &fake,
        Method::POST,
        &path,
        Some(json!({"operation": "TERMINATE"})),
    )
    .await;
    assert_eq!(stopped["status"], "TERMINATED");
    let runs = ok(
        &fake,
        Method::GET,
        &soc("workflows/instances?offset=0&limit=100"),
        None,
    )
    .await;
    assert_eq!(runs["instances"][0]["status"], "TERMINATED");
    let (status, _) = call(
        &fake,
        Method::POST,
        &path,
        Some(json!({"operation": "TERMINATE"})),
    )
    .await;
    assert_eq!(status, 400, "a terminated instance is not terminated again");
    let again = ok(&fake, Method::POST, &path, Some(retry)).await;
    assert_eq!(again["status"], "RETRYING");
    let runs = ok(
        &fake,
        Method::GET,
        &soc("workflows/instances?offset=0&limit=100"),
        None,
    )
    .await;
    assert_eq!(runs["instances"][0]["status"], "RETRYING");
    assert_eq!(runs["instances"][0]["retry_count"], 1);
    let retrying = soc("playbooks/instances?offset=0&limit=10&status=RETRYING");
    assert_eq!(ok(&fake, Method::GET, &retrying, None).await["count"], 1);
    let stopped = ok(
        &fake,
        Method::POST,
        &path,
        Some(json!({"operation": "TERMINATE"})),
    )
    .await;
    assert_eq!(
        stopped["status"], "TERMINATED",
        "a retrying instance is terminated too"
    );
    let (status, answer) = call(
        &fake,
        Method::POST,
        &soc("playbooks/instances/nope/operation"),
        Some(json!({"operation": "RETRY"})),
    )
    .await;
    assert_eq!(status, 400, "{answer}");
}

#[tokio::test]
async fn instances_stop_at_the_workspaces_run_limit_and_the_alert_is_still_made() {
    let mut config = secmaster_fake::Config::default();
    let mut limits = secmaster_fake::Limits::default();
    limits.max_runs = 2;
    config.limits = limits;
    config.run_time = Duration::from_secs(60);
    let fake = FakeSecMaster::start_with(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let (p, w) = page();
    enabled(&fake, &Book::high_alerts("bounded")).await;
    for i in 0..3 {
        alert(
            &fake,
            json!({"title": format!("high {i}"), "severity": "High"}),
        )
        .await;
    }
    assert_eq!(
        instances(&fake).await.len(),
        2,
        "the third would pass the runs a workspace holds"
    );
    let alerts = ok(
        &fake,
        Method::POST,
        &soc("alerts/search"),
        Some(json!({"limit": 10, "offset": 0})),
    )
    .await;
    assert_eq!(alerts["total"], 3);
    let timer = Book {
        trigger: "TIMER",
        rule: None,
        ..Book::high_alerts("timer")
    };
    let made = enabled(&fake, &timer).await;
    let e = fake.fire_playbook(&p, &w, &made.playbook).unwrap_err();
    assert_eq!(e.code, codes::LIMIT_EXCEEDED);
}

#[tokio::test]
async fn dataobject_delete_picks_deletions() {
    let fake = FakeSecMaster::start().await.unwrap();
    let (p, w) = page();
    let book = Book {
        on_create: false,
        ..Book::high_alerts("on delete")
    };
    let made = draft(&fake, &book).await;
    super::client(&fake)
        .update_playbook_version(&p, &w, &made.version)
        .dataobject_delete(true)
        .send()
        .await
        .unwrap();
    publish(&fake, &made.version).await;
    enable(&fake, &made).await;
    let low = alert(&fake, json!({"title": "low", "severity": "Low"})).await;
    let high = alert(&fake, json!({"title": "high", "severity": "High"})).await;
    assert!(instances(&fake).await.is_empty());
    let batch = json!({"batch_ids": [low, high]});
    ok(&fake, Method::DELETE, &soc("alerts"), Some(batch)).await;
    let all = instances(&fake).await;
    assert_eq!(all.len(), 1, "the rule picks the High one deleted: {all:?}");
    assert_eq!(all[0]["dataobject"]["id"], high.as_str());
}

#[tokio::test]
async fn an_incident_made_from_alerts_triggers_the_incident_playbooks() {
    let fake = FakeSecMaster::start().await.unwrap();
    let (p, w) = page();
    let book = Book {
        rule: None,
        ..Book::high_alerts("incidents")
    };
    let made = draft(&fake, &book).await;
    super::client(&fake)
        .update_playbook_version(&p, &w, &made.version)
        .dataclass_id(INCIDENT_CLASS)
        .send()
        .await
        .unwrap();
    publish(&fake, &made.version).await;
    enable(&fake, &made).await;
    let a = alert(&fake, json!({"title": "one", "severity": "High"})).await;
    assert!(
        instances(&fake).await.is_empty(),
        "an alert is not an incident"
    );
    let content = json!({"title": "made of alerts", "incident_type": {"category": "c", "incident_type": "t"}});
    let order = json!({"ids": [a], "incident_content": content});
    ok(&fake, Method::POST, &soc("alerts/batch-order"), Some(order)).await;
    let all = instances(&fake).await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["dataclass"]["name"], "Incident");
    assert_eq!(all[0]["dataobject"]["name"], "made of alerts");
}

/// The built-in Incident data class.
const INCIDENT_CLASS: &str = "5f2c8a1e-9b3d-3c47-a6e0-1d4b7f9c2e81";

#[tokio::test]
async fn a_terminated_instance_is_terminating_for_the_fakes_terminate_time() {
    let mut config = Config::default();
    config.run_time = Duration::from_secs(60);
    config.terminate_time = Duration::from_secs(30);
    let fake = FakeSecMaster::start_with(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let made = enabled(&fake, &Book::high_alerts("stopping")).await;
    alert(&fake, json!({"title": "high", "severity": "High"})).await;
    let id = newest_instance(&fake).await;
    let path = soc(&format!("playbooks/instances/{id}/operation"));
    let stopping = ok(
        &fake,
        Method::POST,
        &path,
        Some(json!({"operation": "TERMINATE"})),
    )
    .await;
    assert_eq!(stopping["status"], "TERMINATING", "{stopping}");
    assert_eq!(stopping["end_time"], "", "not ended yet: {stopping}");
    assert!(stopping.get("_terminated").is_none(), "{stopping}");
    for operation in ["TERMINATE", "RETRY"] {
        let (status, answer) = call(
            &fake,
            Method::POST,
            &path,
            Some(json!({"operation": operation})),
        )
        .await;
        assert_eq!(
            (status, answer["code"].as_str()),
            (400, Some(codes::WRONG_INSTANCE_STATUS)),
            "{operation} while terminating: {answer}"
        );
    }
    let runs = soc("workflows/instances?offset=0&limit=100");
    let run = &ok(&fake, Method::GET, &runs, None).await["instances"][0];
    assert_eq!(run["status"], "TERMINATING", "{run}");
    let listed = soc("playbooks/instances?offset=0&limit=10&status=TERMINATING");
    assert_eq!(ok(&fake, Method::GET, &listed, None).await["count"], 1);
    let window = super::reports::WINDOW;
    let monitor = soc(&format!("playbooks/{}/monitor?{window}", made.playbook));
    let m = &ok(&fake, Method::GET, &monitor, None).await["data"];
    assert_eq!(
        (
            m["total_instance_num"].as_u64(),
            m["running_instance_num"].as_u64()
        ),
        (Some(1), Some(1)),
        "not ended, so counted running: {m}"
    );
    // The client's waiter goes on through TERMINATING and ends when the clock passes it.
    let (done, ()) = tokio::join!(ended(&fake, &id), async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        fake.shift_clock(31);
    });
    assert_eq!(done["status"], "TERMINATED", "{done}");
    assert_ne!(done["end_time"], "", "{done}");
    let run = &ok(&fake, Method::GET, &runs, None).await["instances"][0];
    assert_eq!(run["status"], "TERMINATED", "{run}");
    let shown = super::shown_instance(&fake, &id).await;
    assert_eq!(shown["status"], "TERMINATED", "kept: {shown}");
}
