//! Data classes: the built-in ones (Alert, Incident, Indicator) with the spec's fields of their
//! objects, named by those objects; their types created, enabled and deleted; refusals in the
//! chapter's `{error_code, error_msg}`.

use reqwest::Method;
use secmaster_fake::{FakeSecMaster, codes};
use serde_json::{Value, json};

use super::{alert, call, soc};

/// The built-in Alert class (the API page's workflow's data class).
const ALERT_CLASS: &str = "e410ae50-43fa-343e-807a-a2a9edb8018e";

async fn classes(fake: &FakeSecMaster) -> Value {
    let (status, listed) = call(
        fake,
        Method::GET,
        &soc("dataclasses?offset=0&limit=10"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{listed}");
    listed
}

fn type_num(listed: &Value, name: &str) -> Value {
    let all = listed["dataclass_details"].as_array().unwrap();
    all.iter().find(|c| c["name"] == name).unwrap()["type_num"].clone()
}

#[tokio::test]
async fn built_in_classes_have_their_objects_fields_and_are_named_by_them() {
    let fake = FakeSecMaster::start().await.unwrap();
    let listed = classes(&fake).await;
    let names: Vec<&str> = listed["dataclass_details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Alert", "Incident", "Indicator"], "{listed}");
    assert_eq!(listed["total"], 3);
    assert_eq!(listed["dataclass_details"][0]["is_built_in"], true);
    let (_, shown) = call(
        &fake,
        Method::GET,
        &soc(&format!("dataclasses/{ALERT_CLASS}")),
        None,
    )
    .await;
    assert_eq!(
        (&shown["id"], &shown["name"]),
        (&json!(ALERT_CLASS), &json!("Alert"))
    );

    let (status, fields) = call(
        &fake,
        Method::GET,
        &soc(&format!("dataclasses/{ALERT_CLASS}/fields?limit=100")),
        None,
    )
    .await;
    assert_eq!(status, 200, "{fields}");
    let all = fields["field_details"].as_array().unwrap();
    let field = |name: &str| {
        all.iter()
            .find(|f| f["name"] == name)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(field("title")["field_type"], "String");
    assert_eq!(field("count")["field_type"], "Integer");
    assert_eq!(fields["total"], all.len());
    let (_, two) = call(
        &fake,
        Method::GET,
        &soc(&format!(
            "dataclasses/{ALERT_CLASS}/fields?offset=1&limit=2"
        )),
        None,
    )
    .await;
    assert_eq!(
        (
            two["field_details"].as_array().unwrap().len(),
            &two["total"]
        ),
        (2, &fields["total"])
    );

    let id = alert(&fake, json!({"title": "t"})).await;
    let (_, shown) = call(&fake, Method::GET, &soc(&format!("alerts/{id}")), None).await;
    assert_eq!(
        shown["data"]["dataclass_ref"],
        json!({"id": ALERT_CLASS, "name": "Alert"})
    );

    for (path, code) in [
        ("dataclasses/dc-404".to_owned(), codes::UNKNOWN_DATACLASS),
        (
            format!("dataclasses/{ALERT_CLASS}/fields?limit=101"),
            codes::INVALID_PARAMETER,
        ),
    ] {
        let (status, body) = call(&fake, Method::GET, &soc(&path), None).await;
        assert_eq!(
            (status, &body["error_code"]),
            (400, &json!(code)),
            "{path}: {body}"
        );
        assert!(
            body["error_msg"].is_string() && body.get("code").is_none(),
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_classs_types_are_created_enabled_and_deleted() {
    let fake = FakeSecMaster::start().await.unwrap();
    let types = soc(&format!("dataclasses/{ALERT_CLASS}/types"));
    let before = fake.sequence();
    let (status, body) = call(&fake, Method::POST, &types, Some(json!({"enabled": true}))).await;
    assert_eq!(
        (status, &body["error_code"]),
        (400, &json!(codes::MISSING_FIELD)),
        "{body}"
    );
    assert_eq!(fake.sequence(), before);
    let made =
        json!({"enabled": true, "sla": 60, "category": "DDoS attack", "sub_category": "ACK Flood"});
    let (status, made) = call(&fake, Method::POST, &types, Some(made)).await;
    assert_eq!(status, 200, "{made}");
    assert_eq!(
        (&made["dataclass_id"], &made["enabled"]),
        (&json!(ALERT_CLASS), &json!(true))
    );
    let t = made["id"].as_str().unwrap().to_owned();
    assert_eq!(type_num(&classes(&fake).await, "Alert"), 1);

    let (status, body) = call(
        &fake,
        Method::POST,
        &format!("{types}/enable"),
        Some(json!({"enable": false, "ids": [t]})),
    )
    .await;
    assert_eq!(
        (status, &body["code"], &body["success"]),
        (200, &json!("00000000"), &json!(true)),
        "{body}"
    );
    let (status, body) = call(
        &fake,
        Method::POST,
        &format!("{types}/enable"),
        Some(json!({"enable": true, "ids": ["nope"]})),
    )
    .await;
    assert_eq!(
        (status, &body["error_code"]),
        (400, &json!(codes::UNKNOWN_OBJECT)),
        "{body}"
    );

    let (status, body) = call(
        &fake,
        Method::DELETE,
        &types,
        Some(json!({"is_delete": false, "ids": [t]})),
    )
    .await;
    assert_eq!((status, body), (200, json!([])));
    assert_eq!(
        type_num(&classes(&fake).await, "Alert"),
        1,
        "is_delete false deletes nothing"
    );
    let (status, body) = call(
        &fake,
        Method::DELETE,
        &types,
        Some(json!({"is_delete": true, "ids": [t]})),
    )
    .await;
    assert_eq!((status, body), (200, json!([])));
    assert_eq!(type_num(&classes(&fake).await, "Alert"), 0);
}
