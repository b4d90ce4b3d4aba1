//! Alerts, incidents and indicators: created through `{"data_object": {..}}` with the
//! documented defaults, shown, changed (closing asks for a close reason: the spec's
//! `x-required-when`), changed and deleted in batches answered per ID; an unknown object is
//! 400 `SecMaster.20030005` in `{code, message}`; every refusal changes nothing.

use reqwest::Method;
use secmaster_fake::{FakeSecMaster, codes};
use serde_json::{Value, json};

use super::{alert, call, create, soc};

async fn show(fake: &FakeSecMaster, class: &str, id: &str) -> (u16, Value) {
    call(fake, Method::GET, &soc(&format!("{class}/{id}")), None).await
}

async fn change(fake: &FakeSecMaster, class: &str, id: &str, fields: Value) -> (u16, Value) {
    let body = json!({"data_object": fields});
    call(
        fake,
        Method::PUT,
        &soc(&format!("{class}/{id}")),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn an_alert_opens_by_default_and_closes_only_with_a_reason() {
    let fake = FakeSecMaster::start().await.unwrap();
    for class in ["alerts", "incidents"] {
        let id = create(
            &fake,
            class,
            json!({"title": "ACK flood", "severity": "High"}),
        )
        .await;
        let (status, shown) = show(&fake, class, &id).await;
        assert_eq!(status, 200, "{shown}");
        let object = &shown["data"]["data_object"];
        assert_eq!(
            (&object["handle_status"], &object["verification_state"]),
            (&json!("Open"), &json!("Unknown"))
        );
        assert_eq!(
            (&shown["data"]["id"], &object["title"]),
            (&json!(id), &json!("ACK flood"))
        );
        assert!(shown["data"]["create_time"].is_string(), "{shown}");

        let before = fake.sequence();
        let (status, refused) = change(&fake, class, &id, json!({"handle_status": "Closed"})).await;
        assert_eq!(
            (status, &refused["code"]),
            (400, &json!(codes::MISSING_FIELD)),
            "{refused}"
        );
        assert!(
            refused["message"]
                .as_str()
                .unwrap()
                .contains("close_reason"),
            "{refused}"
        );
        let (status, refused) = change(&fake, class, &id, json!({"severity": "Huge"})).await;
        assert_eq!(
            (status, &refused["code"]),
            (400, &json!(codes::INVALID_PARAMETER)),
            "{refused}"
        );
        assert_eq!(fake.sequence(), before, "refusals change nothing");
        assert_eq!(show(&fake, class, &id).await.1["data"], shown["data"]);

        let closing =
            json!({"handle_status": "Closed", "close_reason": "Resolved", "close_comment": "done"});
        let (status, closed) = change(&fake, class, &id, closing).await;
        assert_eq!(status, 200, "{closed}");
        let object = &closed["data"]["data_object"];
        assert_eq!(
            (&object["handle_status"], &object["close_reason"]),
            (&json!("Closed"), &json!("Resolved"))
        );
        assert_eq!(
            object["title"], "ACK flood",
            "a change keeps the fields it does not name"
        );
        assert!(object["close_time"].is_string(), "{closed}");
        // Reopening needs no reason and clears the closing.
        let (_, reopened) = change(&fake, class, &id, json!({"handle_status": "Open"})).await;
        assert_eq!(reopened["data"]["data_object"]["handle_status"], "Open");
        assert!(
            reopened["data"]["data_object"]
                .get("close_reason")
                .is_none(),
            "{reopened}"
        );
    }
}

#[tokio::test]
async fn an_unknown_object_is_the_services_400_and_batches_answer_per_id() {
    let fake = FakeSecMaster::start().await.unwrap();
    let (a, b) = (
        alert(&fake, json!({"title": "a"})).await,
        alert(&fake, json!({"title": "b"})).await,
    );
    for (status, body) in [
        show(&fake, "alerts", "nope").await,
        change(&fake, "alerts", "nope", json!({"title": "x"})).await,
        show(&fake, "incidents", "nope").await,
        show(&fake, "indicators", "nope").await,
    ] {
        assert_eq!(
            (status, &body["code"]),
            (400, &json!(codes::UNKNOWN_OBJECT)),
            "{body}"
        );
        assert!(body["message"].is_string());
    }
    // A batch update names an unknown alert: it has no room to say which, so nothing changes.
    let before = fake.sequence();
    let batch = json!({"batch_ids": [a, "nope"], "data_object": {"severity": "Low"}});
    let (status, body) = call(
        &fake,
        Method::POST,
        &soc("alerts/batch-update"),
        Some(batch),
    )
    .await;
    assert_eq!(
        (status, &body["code"]),
        (400, &json!(codes::UNKNOWN_OBJECT)),
        "{body}"
    );
    assert_eq!(fake.sequence(), before);
    let batch = json!({"batch_ids": [a, b], "data_object": {"severity": "Low"}});
    let (status, body) = call(
        &fake,
        Method::POST,
        &soc("alerts/batch-update"),
        Some(batch),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    for id in [&a, &b] {
        assert_eq!(
            show(&fake, "alerts", id).await.1["data"]["data_object"]["severity"],
            "Low"
        );
    }
    // DeleteAlert is a DELETE with a JSON body; an unknown ID goes to error_ids, the others go.
    let (status, body) = call(
        &fake,
        Method::DELETE,
        &soc("alerts"),
        Some(json!({"batch_ids": [a, "nope"]})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"],
        json!({"success_ids": [a], "error_ids": ["nope"]})
    );
    assert_eq!(show(&fake, "alerts", &a).await.0, 400);
    let (_, body) = call(
        &fake,
        Method::POST,
        &soc("alerts/batch-delete"),
        Some(json!({"batch_ids": [b]})),
    )
    .await;
    assert_eq!(body["data"], json!({"success_ids": [b], "error_ids": []}));
    // An empty batch breaks the spec's minItems; one larger than a family holds is refused.
    let (status, body) = call(
        &fake,
        Method::DELETE,
        &soc("alerts"),
        Some(json!({"batch_ids": []})),
    )
    .await;
    assert_eq!(
        (status, &body["code"]),
        (400, &json!(codes::INVALID_PARAMETER)),
        "{body}"
    );
    let many: Vec<String> = (0..1001).map(|i| format!("id-{i}")).collect();
    let (status, body) = call(
        &fake,
        Method::POST,
        &soc("alerts/batch-delete"),
        Some(json!({"batch_ids": many})),
    )
    .await;
    assert_eq!(
        (status, &body["code"]),
        (400, &json!(codes::LIMIT_EXCEEDED)),
        "{body}"
    );
}

/// The spec's example indicator (CreateIndicator's request).
pub fn indicator_fields(value: &str) -> Value {
    json!({
        "name": format!("c2-server-{value}"), "value": value, "verdict": "Black", "confidence": 90,
        "labels": "c2", "granular_marking": "1", "defanged": false,
        "first_report_time": "2025-06-24T10:12:00.000Z+0800",
        "workspace_id": "f44065f5-557b-4376-ae02-8c65ef1960f4",
        "indicator_type": {"indicator_type": "IPv4", "id": "a1b2c3d4e5f60718293a4b5c6d7e8f90"},
        "data_source": {"source_type": 1, "domain_id": "d", "project_id": "p", "region_id": "cn-north-4", "product_name": "secmaster", "product_feature": "indicator"},
        "environment": {"vendor_type": "HWC", "domain_id": "d", "region_id": "cn-north-4", "project_id": "p"}
    })
}

#[tokio::test]
async fn indicators_have_their_enums_status_and_validity() {
    let fake = FakeSecMaster::start().await.unwrap();
    let id = create(&fake, "indicators", indicator_fields("203.0.113.10")).await;
    let (_, shown) = show(&fake, "indicators", &id).await;
    let object = &shown["data"]["data_object"];
    assert_eq!(
        (&object["status"], &object["revoked"], &object["defanged"]),
        (&json!("Open"), &json!(false), &json!(false))
    );
    assert_eq!(object["indicator_type"]["indicator_type"], "IPv4");

    let before = fake.sequence();
    let mut odd = indicator_fields("203.0.113.11");
    odd["verdict"] = json!("Purple");
    let (status, body) = call(
        &fake,
        Method::POST,
        &soc("indicators"),
        Some(json!({"data_object": odd})),
    )
    .await;
    assert_eq!(
        (status, &body["code"]),
        (400, &json!(codes::INVALID_PARAMETER)),
        "{body}"
    );
    // granular_marking is text on create, held to the answers' integer bounds (1 to 4); a
    // null anywhere is refused.
    for (field, value) in [
        ("granular_marking", json!("0")),
        ("granular_marking", json!("one")),
        ("labels", Value::Null),
    ] {
        let mut odd = indicator_fields("203.0.113.14");
        odd[field] = value;
        let (status, body) = call(
            &fake,
            Method::POST,
            &soc("indicators"),
            Some(json!({"data_object": odd})),
        )
        .await;
        assert_eq!(status, 400, "{body}");
        assert!(body["message"].as_str().unwrap().contains(field), "{body}");
    }
    // A mandatory field inside the object (data_source.product_name).
    let mut nested = indicator_fields("203.0.113.13");
    nested["data_source"]
        .as_object_mut()
        .unwrap()
        .remove("product_name");
    let (status, body) = call(
        &fake,
        Method::POST,
        &soc("indicators"),
        Some(json!({"data_object": nested})),
    )
    .await;
    assert_eq!(
        (status, &body["code"]),
        (400, &json!(codes::MISSING_FIELD)),
        "{body}"
    );
    assert!(
        body["message"].as_str().unwrap().contains("product_name"),
        "{body}"
    );
    let mut lacking = indicator_fields("203.0.113.12");
    lacking.as_object_mut().unwrap().remove("value");
    let (status, body) = call(
        &fake,
        Method::POST,
        &soc("indicators"),
        Some(json!({"data_object": lacking})),
    )
    .await;
    assert_eq!(
        (status, &body["code"]),
        (400, &json!(codes::MISSING_FIELD)),
        "{body}"
    );
    let (status, body) = change(&fake, "indicators", &id, json!({"status": "Gone"})).await;
    assert_eq!(
        (status, &body["code"]),
        (400, &json!(codes::INVALID_PARAMETER)),
        "{body}"
    );
    assert_eq!(fake.sequence(), before);

    let (status, revoked) = change(&fake, "indicators", &id, json!({"status": "Revoked"})).await;
    assert_eq!(status, 200, "{revoked}");
    let object = &revoked["data"]["data_object"];
    assert_eq!(
        (&object["status"], &object["revoked"], &object["value"]),
        (&json!("Revoked"), &json!(true), &json!("203.0.113.10"))
    );
    let (_, body) = call(
        &fake,
        Method::DELETE,
        &soc("indicators"),
        Some(json!({"batch_ids": [id, "nope"]})),
    )
    .await;
    assert_eq!(
        body["data"],
        json!({"success_ids": [id], "error_ids": ["nope"]})
    );
}

/// Every operation whose spec entry declares the SOC's 400 "not found" (`x-not-found`:
/// `SecMaster.20030005`), called on an object that does not exist, answers it.
#[tokio::test]
async fn every_declared_not_found_is_what_the_fake_answers() {
    let fake = FakeSecMaster::start().await.unwrap();
    let (p, w) = super::page();
    let mut checked = Vec::new();
    for op in secmaster::bindings::operations::ALL {
        if !op.not_found.iter().any(|n| n.code == codes::UNKNOWN_OBJECT) {
            continue;
        }
        let path = op
            .path
            .replace("{project_id}", &p)
            .replace("{workspace_id}", &w);
        let path: Vec<&str> = path
            .split('/')
            .map(|s| if s.starts_with('{') { "nope" } else { s })
            .collect();
        let path = path.join("/");
        let method = Method::from_bytes(op.method.as_bytes()).unwrap();
        let body =
            (op.method != "GET").then(|| json!({"data_object": {"title": "t"}, "name": "n"}));
        let (status, answer) = call(&fake, method, &path, body).await;
        let code = answer["code"].as_str();
        assert!(
            op.is_not_found(status, code),
            "{} {path}: {status} {answer}",
            op.id
        );
        checked.push(op.id);
    }
    assert!(checked.len() >= 6, "{checked:?}");
}

/// Through the `secmaster` client: a create's answer reads as its type, a batch delete that
/// misses an ID is the client's typed partial failure, a missing alert is `is_not_found`.
#[tokio::test]
async fn the_client_reads_the_fakes_answers_and_batch_results() {
    let fake = FakeSecMaster::start().await.unwrap();
    let (p, w) = super::page();
    let c = super::client(&fake);
    let made = c
        .create_alert(&p, &w)
        .title("from the client")
        .send()
        .await
        .unwrap();
    let id = made
        .id
        .as_deref()
        .map(|s| s.to_string())
        .unwrap_or_default();
    let shown = c.show_alert(&p, &w, &id).send().await.unwrap();
    let object = shown.data_object.clone().unwrap_or_default();
    assert_eq!(
        object.title.as_deref().map(|s| s.to_string()),
        Some("from the client".to_owned())
    );
    let e = c
        .delete_alert(&p, &w)
        .batch_ids([id.as_str(), "nope"])
        .send()
        .await
        .unwrap_err();
    match e {
        secmaster::Error::PartialFailure {
            succeeded, failed, ..
        } => {
            assert_eq!(
                (succeeded, failed),
                (vec![id.clone()], vec!["nope".to_owned()])
            );
        }
        other => panic!("{other}"),
    }
    let e = c.show_alert(&p, &w, &id).send().await.unwrap_err();
    assert!(e.is_not_found(), "{e}");
    assert_eq!(
        (e.status(), e.code()),
        (Some(400), Some(codes::UNKNOWN_OBJECT))
    );
}
