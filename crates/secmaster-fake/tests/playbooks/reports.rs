//! What the chapter reports, from what really ran: the instance list and its filters, an
//! instance's topology, the audit logs, a playbook's monitor.

use std::time::Duration;

use reqwest::Method;
use secmaster_fake::codes;
use serde_json::json;

use super::{
    Book, alert, call, enabled, ended, fake_with, instances, newest_instance, ok, soc, workflow,
};

/// A monitor's window wide enough for any test's instances, of every version.
pub(super) const WINDOW: &str = "start_time=2000-01-01T00:00:00.000Z%2B0800&end_time=2100-01-01T00:00:00.000Z%2B0800&version_query_type=ALL";

#[tokio::test]
async fn topology_audit_logs_and_monitor_tell_what_ran() {
    // Runs that end only when the clock is moved past them: the checks of what is running
    // do not race the runs' end on a busy machine.
    let fake = fake_with(Duration::from_secs(60), false).await;
    let two = Book {
        workflows: vec![workflow(), workflow()],
        ..Book::high_alerts("reported")
    };
    let made = enabled(&fake, &two).await;
    alert(&fake, json!({"title": "high one", "severity": "High"})).await;
    let id = newest_instance(&fake).await;
    let topology = ok(
        &fake,
        Method::GET,
        &soc(&format!("playbooks/instances/{id}/topology")),
        None,
    )
    .await;
    assert_eq!(topology["count"], 2, "{topology}");
    let nodes = topology["action_instances"].as_array().unwrap();
    let names: Vec<&str> = nodes
        .iter()
        .map(|n| n["action"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["action 0", "action 1"]);
    for node in nodes {
        assert_eq!(node["action"]["action_id"], workflow().as_str());
        assert_eq!(node["instance_log"]["parent_instance_id"], id.as_str());
        assert_eq!(node["instance_log"]["status"], "RUNNING");
        assert!(
            node["instance_log"]["input"]
                .as_str()
                .unwrap()
                .contains("high one")
        );
    }
    fake.shift_clock(61);
    ended(&fake, &id).await;
    let topology = ok(
        &fake,
        Method::GET,
        &soc(&format!("playbooks/instances/{id}/topology")),
        None,
    )
    .await;
    assert!(
        topology["action_instances"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["instance_log"]["status"] == "FINISHED")
    );

    let logs = ok(
        &fake,
        Method::POST,
        &soc("playbooks/instances/auditlogs?offset=0&limit=50"),
        Some(json!({})),
    )
    .await;
    assert_eq!(
        logs["count"], 3,
        "one for the playbook, one per action: {logs}"
    );
    let only = json!({"instance_type": "PLAYBOOK"});
    let logs = ok(
        &fake,
        Method::POST,
        &soc("playbooks/instances/auditlogs?offset=0&limit=50"),
        Some(only),
    )
    .await;
    assert_eq!(logs["audit_logs"][0]["instance_id"], id.as_str());
    let sorted = "playbooks/instances/auditlogs?offset=0&limit=10&sort_key=end_time&sort_dir=asc";
    let logs = ok(&fake, Method::POST, &soc(sorted), Some(json!({}))).await;
    let ends: Vec<&str> = logs["audit_logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["end_time"].as_str().unwrap())
        .collect();
    assert!(ends.windows(2).all(|w| w[0] <= w[1]), "{ends:?}");

    let monitor = ok(
        &fake,
        Method::GET,
        &soc(&format!("playbooks/{}/monitor?{WINDOW}", made.playbook)),
        None,
    )
    .await;
    let m = &monitor["data"];
    assert_eq!(
        (
            m["total_instance_num"].as_u64(),
            m["success_instance_num"].as_u64()
        ),
        (Some(1), Some(1)),
        "{monitor}"
    );
    assert_eq!(
        (
            m["event_instance_run_num"].as_u64(),
            m["fail_instance_num"].as_u64()
        ),
        (Some(1), Some(0))
    );
    assert_eq!(
        m["min_run_time_instance"]["playbook_instance_id"],
        id.as_str()
    );
    let deleted = WINDOW.replace("=ALL", "=DELETED");
    let path = soc(&format!("playbooks/{}/monitor?{deleted}", made.playbook));
    let none = ok(&fake, Method::GET, &path, None).await;
    assert_eq!(
        none["data"]["total_instance_num"], 0,
        "its version still exists"
    );
}

#[tokio::test]
async fn the_instance_list_filters_and_pages_as_the_page_says() {
    let fake = fake_with(Duration::from_secs(60), false).await;
    enabled(&fake, &Book::high_alerts("first")).await;
    enabled(
        &fake,
        &Book {
            rule: None,
            ..Book::high_alerts("second")
        },
    )
    .await;
    alert(&fake, json!({"title": "high", "severity": "High"})).await;
    alert(&fake, json!({"title": "low", "severity": "Low"})).await;
    assert_eq!(instances(&fake).await.len(), 3);
    let list = |q: &str| soc(&format!("playbooks/instances?offset=0&limit=10&{q}"));
    let first = ok(&fake, Method::GET, &list("playbook_name=first"), None).await;
    assert_eq!(first["count"], 1);
    let low = ok(&fake, Method::GET, &list("dataobject_name=low"), None).await;
    assert_eq!(low["count"], 1);
    assert_eq!(low["instances"][0]["playbook"]["name"], "second");
    let running = ok(
        &fake,
        Method::GET,
        &list("status=RUNNING&trigger_type=EVENT"),
        None,
    )
    .await;
    assert_eq!(running["count"], 3);
    let page = ok(
        &fake,
        Method::GET,
        &soc("playbooks/instances?offset=2&limit=2"),
        None,
    )
    .await;
    assert_eq!(
        (
            page["count"].as_u64(),
            page["instances"].as_array().unwrap().len()
        ),
        (Some(3), 1)
    );
    // offset and limit are mandatory.
    let (status, _) = call(&fake, Method::GET, &soc("playbooks/instances"), None).await;
    assert_eq!(status, 400);
    // offset + limit stay below 10,000 (the spec's x-paging-window), here and in audit logs.
    let (status, answer) = call(
        &fake,
        Method::GET,
        &soc("playbooks/instances?offset=9950&limit=50"),
        None,
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["code"], codes::INVALID_PARAMETER, "{answer}");
    let said = answer["message"].as_str().unwrap();
    assert!(said.starts_with("query parameter limit "), "{answer}");
    let last = soc("playbooks/instances?offset=9950&limit=49");
    assert_eq!(ok(&fake, Method::GET, &last, None).await["count"], 3);
    // Audit logs take 10 to 50 a page: from 9,990 none fits, so the offset is named.
    let logs = soc("playbooks/instances/auditlogs?offset=9990&limit=10");
    let (status, answer) = call(&fake, Method::POST, &logs, Some(json!({}))).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["code"], codes::INVALID_PARAMETER, "{answer}");
    let said = answer["message"].as_str().unwrap();
    assert!(said.starts_with("query parameter offset "), "{answer}");
}
