//! Searches (`POST …/search`): the documented condition with its operators, both forms of
//! `logics`, a time window, a sort and paging in the body, answered in the list envelope
//! `{code, message, total, size, page, success, data}`; bounds from the spec; a hostile
//! condition stays cheap. A condition's `data` items are text (the spec's schema), so numbers
//! are compared from their text.

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use reqwest::Method;
use secmaster::search::{Condition, Operator};
use secmaster_fake::{FakeSecMaster, codes};
use serde_json::{Value, json};

use super::{alert, call, client, ids, page, search, soc};

/// Five alerts a second apart: (title, severity, count).
async fn five(fake: &FakeSecMaster) -> Vec<String> {
    let mut made = Vec::new();
    let alerts = [
        ("ACK flood", "High", 5),
        ("SYN flood", "High", 50),
        ("Port scan", "Low", 1),
        ("Brute force", "Medium", 12),
        ("ACK storm", "Fatal", 500),
    ];
    for (second, (title, severity, count)) in (1..).zip(alerts) {
        made.push(
            alert(
                fake,
                json!({"title": title, "severity": severity, "count": count}),
            )
            .await,
        );
        // The clock's offset is absolute: each alert a second after the one before.
        fake.shift_clock(second);
    }
    made
}

fn condition(conditions: &[(&str, &str, Value)], logics: Value) -> Value {
    let conditions: Vec<Value> = conditions
        .iter()
        .enumerate()
        .map(|(i, (f, o, v))| json!({"name": format!("c{}", i + 1), "data": [f, o, v]}))
        .collect();
    json!({"condition": {"conditions": conditions, "logics": logics}})
}

#[tokio::test]
async fn conditions_and_both_forms_of_logics_select_what_they_say() {
    let fake = FakeSecMaster::start().await.unwrap();
    let a = five(&fake).await;
    let cases = [
        (
            condition(&[("severity", "=", json!("High"))], json!([])),
            vec![0, 1],
        ),
        (
            condition(
                &[
                    ("severity", "==", json!("High")),
                    ("title", "contains", json!("ACK")),
                ],
                json!(["c1", "AND", "c2"]),
            ),
            vec![0],
        ),
        (
            condition(
                &[
                    ("severity", "=", json!("High")),
                    ("title", "contains", json!("ACK")),
                ],
                json!(["c1", "c2"]),
            ),
            vec![0],
        ),
        (
            condition(
                &[
                    ("severity", "=", json!("Low")),
                    ("severity", "=", json!("Fatal")),
                ],
                json!(["c1", "OR", "c2"]),
            ),
            vec![2, 4],
        ),
        (
            condition(
                &[
                    ("severity", "=", json!("Low")),
                    ("count", ">", json!("10")),
                    ("title", "contains", json!("flood")),
                ],
                json!(["c1", "OR", "c2", "AND", "c3"]),
            ),
            vec![1, 2],
        ),
        (
            condition(&[("severity", "!=", json!("High"))], json!([])),
            vec![2, 3, 4],
        ),
        (
            condition(&[("severity", "in", json!("Low, Medium"))], json!([])),
            vec![2, 3],
        ),
        (
            condition(&[("count", "<=", json!("12"))], json!([])),
            vec![0, 2, 3],
        ),
        (
            condition(
                &[("data_object.title", "not contains", json!("flood"))],
                json!([]),
            ),
            vec![2, 3, 4],
        ),
        (
            condition(&[("handle_status", "=", json!("Open"))], json!([])),
            vec![0, 1, 2, 3, 4],
        ),
    ];
    for (body, want) in cases {
        let found = search(&fake, "alerts", body.clone()).await;
        let want: Vec<String> = want.iter().map(|&i| a[i].clone()).collect();
        assert_eq!(ids(&found), want, "{body}");
        assert_eq!(found["total"], want.len(), "{body}");
    }
}

#[tokio::test]
async fn searches_sort_page_and_window_in_the_body() {
    let fake = FakeSecMaster::start().await.unwrap();
    let a = five(&fake).await;
    let found = search(
        &fake,
        "alerts",
        json!({"sort_by": "create_time", "order": "DESC", "offset": 1, "limit": 2}),
    )
    .await;
    assert_eq!(ids(&found), vec![a[3].clone(), a[2].clone()]);
    let envelope: Vec<&str> = [
        "code", "message", "total", "size", "page", "success", "data",
    ]
    .into_iter()
    .filter(|k| found.get(*k).is_none())
    .collect();
    assert!(envelope.is_empty(), "missing {envelope:?}: {found}");
    assert_eq!(
        (&found["total"], &found["size"], &found["code"]),
        (&json!(5), &json!(2), &json!("00000000"))
    );
    let (_, first) = call(&fake, Method::GET, &soc(&format!("alerts/{}", a[1])), None).await;
    let from = first["data"]["create_time"].as_str().unwrap();
    let window = search(&fake, "alerts", json!({"from_date": from})).await;
    assert_eq!(ids(&window), a[1..].to_vec());
    // Through the client: every match, page after page.
    let (p, w) = page();
    let cond = Condition::field("severity", Operator::NotEq, "Low");
    let stream = client(&fake)
        .list_alerts(&p, &w)
        .condition(cond)
        .limit(2)
        .items();
    let all: Vec<_> = stream.try_collect().await.unwrap();
    let got: Vec<String> = all
        .iter()
        .map(|d| d.id.as_deref().map(|s| s.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(
        got,
        vec![a[0].clone(), a[1].clone(), a[3].clone(), a[4].clone()]
    );
}

#[tokio::test]
async fn bad_searches_are_refused_and_a_huge_condition_stays_cheap() {
    let fake = FakeSecMaster::start().await.unwrap();
    five(&fake).await;
    for (body, code) in [
        (json!({"limit": 10000}), codes::INVALID_PARAMETER),
        (json!({"sort_by": "title"}), codes::INVALID_PARAMETER),
        (
            condition(&[("severity", "~", json!("High"))], json!([])),
            codes::INVALID_PARAMETER,
        ),
        (
            condition(&[("severity", "=", json!("High"))], json!(["c9"])),
            codes::INVALID_PARAMETER,
        ),
        (
            condition(&[("severity", "=", json!("High"))], json!(["c1", "AND"])),
            codes::INVALID_PARAMETER,
        ),
        (
            json!({"condition": {"conditions": [{"name": "c1", "data": ["severity"]}]}}),
            codes::INVALID_PARAMETER,
        ),
        (
            condition(&[("title", "contains", json!("x".repeat(101)))], json!([])),
            codes::INVALID_PARAMETER,
        ),
    ] {
        let (status, answer) = call(
            &fake,
            Method::POST,
            &soc("alerts/search"),
            Some(body.clone()),
        )
        .await;
        assert_eq!(
            (status, &answer["code"]),
            (400, &json!(code)),
            "{body}: {answer}"
        );
    }
    // ListIndicators makes condition, offset and limit mandatory.
    let (status, answer) = call(
        &fake,
        Method::POST,
        &soc("indicators/search"),
        Some(json!({"condition": {}, "offset": 0})),
    )
    .await;
    assert_eq!(
        (status, &answer["code"]),
        (400, &json!(codes::MISSING_FIELD)),
        "{answer}"
    );
    let (status, answer) = call(
        &fake,
        Method::POST,
        &soc("indicators/search"),
        Some(json!({"condition": {}, "offset": 0, "limit": 10})),
    )
    .await;
    assert_eq!((status, &answer["total"]), (200, &json!(0)), "{answer}");
    // Its `ids` pick the indicators named.
    let one = super::create(
        &fake,
        "indicators",
        super::alerts::indicator_fields("192.0.2.9"),
    )
    .await;
    super::create(
        &fake,
        "indicators",
        super::alerts::indicator_fields("192.0.2.10"),
    )
    .await;
    let picked = search(
        &fake,
        "indicators",
        json!({"condition": {}, "offset": 0, "limit": 10, "ids": [one]}),
    )
    .await;
    assert_eq!(ids(&picked), vec![one]);
    // 999 conditions ANDed and ORed: answered, quickly; 1000 are refused.
    let many: Vec<(String, Value)> = (0..999)
        .map(|i| (format!("c{}", i + 1), json!(i.to_string())))
        .collect();
    let conds: Vec<(&str, &str, Value)> = many
        .iter()
        .map(|(_, v)| ("count", ">=", v.clone()))
        .collect();
    // The first 500 of them ANDed and ORed: 999 `logics` items, the most allowed.
    let logics: Vec<Value> = many
        .iter()
        .take(500)
        .enumerate()
        .flat_map(|(i, (n, _))| {
            let op = if i % 2 == 0 { "OR" } else { "AND" };
            if i == 0 {
                vec![json!(n)]
            } else {
                vec![json!(op), json!(n)]
            }
        })
        .collect();
    let started = Instant::now();
    assert_eq!(logics.len(), 999);
    let found = search(&fake, "alerts", condition(&conds, Value::Array(logics))).await;
    assert!(found["total"].as_u64().is_some(), "{found}");
    let found = search(&fake, "alerts", condition(&conds, json!([]))).await;
    assert_eq!(found["total"], 0, "count >= 998 matches none");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let mut too_many = conds.clone();
    too_many.push(("count", "=", json!("1")));
    let (status, answer) = call(
        &fake,
        Method::POST,
        &soc("alerts/search"),
        Some(condition(&too_many, json!([]))),
    )
    .await;
    assert_eq!(
        (status, &answer["code"]),
        (400, &json!(codes::INVALID_PARAMETER)),
        "{answer}"
    );
}
