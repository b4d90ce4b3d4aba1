//! Exports, imports and templates in the fake's CSV: a template is the create body's columns,
//! an export the matching objects in the columns asked for, and an import of an export gives
//! the objects back; a bad row refuses the whole file.

use reqwest::Method;
use secmaster_fake::{FAKE_TOKEN, FakeSecMaster, codes};
use serde_json::{Value, json};

use super::alerts::indicator_fields;
use super::{alert, call, create, page, raw, search, soc};

/// Uploads `file` as a multipart form's `uploadFile` to `path`.
async fn upload(fake: &FakeSecMaster, path: &str, file: &[u8]) -> (u16, Value) {
    let boundary = "fake-soc-boundary-7d1f";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"uploadFile\"; filename=\"objects.csv\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let answer = reqwest::Client::new()
        .post(format!("{}{path}", fake.endpoint()))
        .header("x-auth-token", FAKE_TOKEN)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap())
}

fn lines(file: &[u8]) -> Vec<String> {
    String::from_utf8(file.to_vec())
        .unwrap()
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn a_template_is_the_columns_and_an_export_picks_rows_and_columns() {
    let fake = FakeSecMaster::start().await.unwrap();
    let (status, template) = raw(&fake, Method::GET, &soc("alerts/template/download"), None).await;
    assert_eq!(status, 200);
    let template = lines(&template);
    assert_eq!(template.len(), 1, "{template:?}");
    for column in ["title", "severity", "handle_status", "alert_type"] {
        assert!(
            template[0].split(',').any(|c| c == column),
            "{column}: {template:?}"
        );
    }
    alert(&fake, json!({"title": "a, \"quoted\"", "severity": "High", "alert_type": {"category": "DDoS attack", "alert_type": "ACK Flood"}})).await;
    alert(&fake, json!({"title": "b", "severity": "Low"})).await;
    let asked = json!({"title": ["title", "severity", "alert_type"], "data_object_filters_form": {"condition": {"conditions": [{"name": "c1", "data": ["severity", "!=", "Low"]}]}}});
    let (status, export) = raw(&fake, Method::POST, &soc("alerts/export"), Some(asked)).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&export));
    assert_eq!(
        lines(&export),
        [
            "title,severity,alert_type",
            r#""a, ""quoted""",High,"{""alert_type"":""ACK Flood"",""category"":""DDoS attack""}""#
        ]
    );
    let (status, body) = call(
        &fake,
        Method::POST,
        &soc("alerts/export"),
        Some(json!({"title": ["nope"]})),
    )
    .await;
    assert_eq!(
        (status, &body["code"]),
        (400, &json!(codes::INVALID_PARAMETER)),
        "{body}"
    );
}

#[tokio::test]
async fn an_export_imports_back_and_a_bad_row_refuses_the_file() {
    let fake = FakeSecMaster::start().await.unwrap();
    alert(&fake, json!({"title": "a", "severity": "High", "count": 3, "alert_type": {"category": "DDoS attack", "alert_type": "ACK Flood"}})).await;
    alert(
        &fake,
        json!({"title": "b", "handle_status": "Closed", "close_reason": "Resolved"}),
    )
    .await;
    let (_, export) = raw(&fake, Method::POST, &soc("alerts/export"), Some(json!({}))).await;
    let before = search(&fake, "alerts", json!({})).await["data"].clone();
    let ids: Vec<Value> = before
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].clone())
        .collect();
    call(
        &fake,
        Method::DELETE,
        &soc("alerts"),
        Some(json!({"batch_ids": ids})),
    )
    .await;

    let (status, imported) = upload(&fake, &soc("alerts/import"), &export).await;
    assert_eq!(status, 200, "{imported}");
    assert_eq!(imported["data"]["ids"].as_array().unwrap().len(), 2);
    let after = search(&fake, "alerts", json!({})).await["data"].clone();
    for (old, new) in before
        .as_array()
        .unwrap()
        .iter()
        .zip(after.as_array().unwrap())
    {
        assert_ne!(old["id"], new["id"]);
        for field in [
            "title",
            "severity",
            "count",
            "alert_type",
            "handle_status",
            "close_reason",
        ] {
            assert_eq!(
                old["data_object"][field], new["data_object"][field],
                "{field}"
            );
        }
    }

    let seq = fake.sequence();
    let bad_column = b"title,colour\r\nx,blue\r\n";
    let bad_row = b"title,severity\r\nfine,High\r\nodd,Huge\r\n";
    let unclosed = b"title,handle_status\r\nx,Closed\r\n";
    for (file, code, row) in [
        (&bad_column[..], codes::MALFORMED_FILE, ""),
        (&bad_row[..], codes::INVALID_PARAMETER, "row 3"),
        (&unclosed[..], codes::MISSING_FIELD, "row 2"),
        (&b"title\r\n"[..], codes::MALFORMED_FILE, ""),
    ] {
        let (status, body) = upload(&fake, &soc("alerts/import"), file).await;
        assert_eq!((status, &body["code"]), (400, &json!(code)), "{body}");
        assert!(body["message"].as_str().unwrap().contains(row), "{body}");
    }
    assert_eq!(fake.sequence(), seq, "a refused file imports nothing");
}

#[tokio::test]
async fn indicators_move_between_workspaces_through_a_file() {
    let fake = FakeSecMaster::start().await.unwrap();
    create(&fake, "indicators", indicator_fields("192.0.2.1")).await;
    let (_, export) = raw(
        &fake,
        Method::POST,
        &soc("indicators/export"),
        Some(json!({})),
    )
    .await;
    let (p, _) = page();
    let made = json!({"region_id": "r", "name": "other", "project_name": "p"});
    let (_, ws) = call(
        &fake,
        Method::POST,
        &format!("/v1/{p}/workspaces"),
        Some(made),
    )
    .await;
    let w = ws["id"].as_str().unwrap();
    let (status, imported) = upload(
        &fake,
        &format!("/v1/{p}/workspaces/{w}/soc/indicators/import"),
        &export,
    )
    .await;
    assert_eq!(status, 200, "{imported}");
    let id = imported["data"]["ids"][0].as_str().unwrap();
    let (_, shown) = call(
        &fake,
        Method::GET,
        &format!("/v1/{p}/workspaces/{w}/soc/indicators/{id}"),
        None,
    )
    .await;
    let object = &shown["data"]["data_object"];
    assert_eq!(
        (
            &object["value"],
            &object["workspace_id"],
            &object["verdict"]
        ),
        (&json!("192.0.2.1"), &json!(w), &json!("Black"))
    );
    assert_eq!(object["indicator_type"]["indicator_type"], "IPv4");
}
