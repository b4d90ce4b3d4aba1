//! Conversion of alerts into an incident, and relations: listed from either end, removed with
//! either end, refused with `SecMaster.20030005` for an unknown subject, per ID otherwise.

use reqwest::Method;
use secmaster_fake::{FakeSecMaster, codes};
use serde_json::{Value, json};

use super::alerts::indicator_fields;
use super::{alert, call, create, ids, search, soc};

async fn related(fake: &FakeSecMaster, path: &str) -> Vec<String> {
    ids(&search(fake, path, json!({})).await)
}

async fn post(fake: &FakeSecMaster, path: &str, body: Value) -> (u16, Value) {
    call(fake, Method::POST, &soc(path), Some(body)).await
}

#[tokio::test]
async fn converting_alerts_makes_one_incident_related_both_ways() {
    let fake = FakeSecMaster::start().await.unwrap();
    let (a1, a2) = (
        alert(&fake, json!({"title": "a1"})).await,
        alert(&fake, json!({"title": "a2"})).await,
    );
    let content = json!({"title": "DDoS on web", "incident_type": {"id": "t1", "category": "DDoS attack", "incident_type": "ACK Flood"}});
    let (status, converted) = post(
        &fake,
        "alerts/batch-order",
        json!({"ids": [a1, a2, "nope"], "incident_content": content}),
    )
    .await;
    assert_eq!(status, 200, "{converted}");
    assert_eq!(
        converted["data"],
        json!({"success_ids": [a1, a2], "error_ids": ["nope"]})
    );
    let found = search(&fake, "incidents", json!({"condition": {"conditions": [{"name": "c1", "data": ["title", "=", "DDoS on web"]}]}})).await;
    assert_eq!(found["total"], 1, "{found}");
    let incident = &found["data"][0];
    assert_eq!(
        incident["data_object"]["incident_type"],
        json!({"category": "DDoS attack", "incident_type": "ACK Flood"})
    );
    assert_eq!(incident["data_object"]["handle_status"], "Open");
    let i = incident["id"].as_str().unwrap().to_owned();
    assert_eq!(
        related(&fake, &format!("incidents/{i}/alerts")).await,
        vec![a1.clone(), a2.clone()]
    );
    assert_eq!(
        related(&fake, &format!("alerts/{a1}/incidents")).await,
        vec![i.clone()]
    );
    // Deleting an alert removes its relations.
    call(
        &fake,
        Method::DELETE,
        &soc("alerts"),
        Some(json!({"batch_ids": [a1]})),
    )
    .await;
    assert_eq!(
        related(&fake, &format!("incidents/{i}/alerts")).await,
        vec![a2.clone()]
    );
    // Converting no alert that exists creates nothing.
    let before = search(&fake, "incidents", json!({})).await["total"].clone();
    let (_, none) = post(
        &fake,
        "alerts/batch-order",
        json!({"ids": ["x"], "incident_content": content}),
    )
    .await;
    assert_eq!(none["data"], json!({"success_ids": [], "error_ids": ["x"]}));
    assert_eq!(search(&fake, "incidents", json!({})).await["total"], before);
}

#[tokio::test]
async fn relations_are_made_listed_and_removed_per_id() {
    let fake = FakeSecMaster::start().await.unwrap();
    let i = create(&fake, "incidents", json!({"title": "i"})).await;
    let ind = create(&fake, "indicators", indicator_fields("198.51.100.7")).await;
    let (status, made) = post(
        &fake,
        &format!("incidents/{i}/indicators"),
        json!({"ids": [ind, "nope"]}),
    )
    .await;
    assert_eq!(status, 200, "{made}");
    assert_eq!(
        made["data"],
        json!({"success_ids": [ind], "error_ids": ["nope"]})
    );
    assert_eq!(made["success"], true);
    let listed = search(&fake, &format!("indicators/{ind}/incidents"), json!({})).await;
    assert_eq!(
        (ids(&listed), &listed["total"]),
        (vec![i.clone()], &json!(1))
    );
    assert_eq!(listed["data"][0]["data_object"]["title"], "i");

    let before = fake.sequence();
    for path in [
        "incidents/nope/indicators".to_owned(),
        format!("widgets/{i}/indicators"),
    ] {
        let (status, body) = post(&fake, &path, json!({"ids": [ind]})).await;
        assert_eq!(
            (status, &body["code"]),
            (400, &json!(codes::UNKNOWN_OBJECT)),
            "{path}: {body}"
        );
        let (status, body) = post(&fake, &format!("{path}/search"), json!({})).await;
        assert_eq!(
            (status, &body["code"]),
            (400, &json!(codes::UNKNOWN_OBJECT)),
            "{path}: {body}"
        );
    }
    assert_eq!(fake.sequence(), before, "refusals change nothing");

    let path = soc(&format!("incidents/{i}/indicators"));
    let (status, gone) = call(
        &fake,
        Method::DELETE,
        &path,
        Some(json!({"ids": [ind, "other"]})),
    )
    .await;
    assert_eq!(status, 200, "{gone}");
    assert_eq!(
        gone["data"],
        json!({"success_ids": [ind], "error_ids": ["other"]})
    );
    assert!(
        related(&fake, &format!("incidents/{i}/indicators"))
            .await
            .is_empty()
    );

    let batch = json!({"dataobject_ids": [i, "ghost"], "related_dataobject_ids": [ind, "x"]});
    let (status, made) = post(&fake, "incidents/indicators/batch-create", batch).await;
    assert_eq!(status, 200, "{made}");
    assert_eq!(
        made["data"],
        json!({"success_ids": [ind], "error_ids": ["ghost", "x"]})
    );
    assert_eq!(
        related(&fake, &format!("indicators/{ind}/incidents")).await,
        vec![i.clone()]
    );
    // Deleting the indicator removes the relation from the incident's side too.
    call(
        &fake,
        Method::DELETE,
        &soc("indicators"),
        Some(json!({"batch_ids": [ind]})),
    )
    .await;
    assert!(
        related(&fake, &format!("incidents/{i}/indicators"))
            .await
            .is_empty()
    );
}
