//! Hostile input, in both directions: IDs built to escape the path, and responses built to break
//! the client. Each gives a typed result, never a panic or a hang.

use std::time::Duration;

use secmaster::{Client, Credentials, Error, RetryPolicy};
use secmaster_testkit::{Reply, TestServer};

fn client(server: &TestServer) -> Client {
    Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::token("t"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

/// A client without retries whose response bodies may be `limit` bytes long.
fn client_with_limit(server: &TestServer, limit: usize) -> Client {
    Client::builder()
        .endpoint(&server.url)
        // Not "t": secrets are redacted from error text, and "t" is in every message.
        .credentials(Credentials::token("a-token-not-in-the-body"))
        .retry(RetryPolicy::none())
        .max_response_bytes(limit)
        .build()
        .unwrap()
}

/// Runs a call with an outer bound, so a hang fails the test instead of stalling it.
async fn bounded<T>(call: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), call)
        .await
        .expect("the call finished")
}

fn decode_segment(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

#[tokio::test]
async fn hostile_ids_are_refused_or_arrive_as_exactly_themselves() {
    let long = "x".repeat(1024 * 1024);
    let ids: Vec<&str> = vec![
        "a/b",
        ".",
        "..",
        "../..",
        "%2F",
        "..%2F",
        "%2e%2e",
        "?x=1",
        "#frag",
        "a\r\nX-Injected: 1",
        "a\nb",
        "a\0b",
        "a b",
        " ",
        "é",
        "中文",
        "🦀",
        "a\\b",
        "a;b=c",
        "a+b",
        "~._-",
        &long,
        "\u{7f}",
        "\u{202e}rtl",
    ];
    let server = TestServer::start(vec![]).await;
    let c = client(&server);
    for id in ids {
        for position in 0..3 {
            let mut three = ["p", "w", "f"];
            three[position] = id;
            let before = server.requests().len();
            let result = bounded(
                c.update_workflow(three[0], three[1], three[2])
                    .disable()
                    .send(),
            )
            .await;
            let shown: String = id.chars().take(20).collect();
            match result {
                Err(Error::InvalidInput { field, .. }) => {
                    assert_eq!(
                        field,
                        ["project_id", "workspace_id", "workflow_id"][position],
                        "{shown:?}"
                    );
                    assert_eq!(
                        server.requests().len(),
                        before,
                        "{shown:?}: refused, so nothing was sent"
                    );
                }
                Ok(_) => {
                    let sent = server.requests().pop().unwrap();
                    let segments: Vec<String> =
                        sent.target.split('/').map(decode_segment).collect();
                    let expected = [
                        "",
                        "v1",
                        three[0],
                        "workspaces",
                        three[1],
                        "soc",
                        "workflows",
                        three[2],
                    ];
                    assert_eq!(
                        segments, expected,
                        "{shown:?}: the path's segments decode back to the IDs"
                    );
                }
                Err(other) => panic!("{shown:?} at {position}: unexpected {other:?}"),
            }
        }
    }
}

#[tokio::test]
async fn a_64_mib_body_is_capped_declared_or_chunked() {
    let huge = Reply::Full {
        status: 200,
        headers: vec![],
        body: vec![b' '; 64 * 1024 * 1024],
    };
    let chunked = Reply::Chunked {
        status: 200,
        chunk: vec![b' '; 1024 * 1024],
        chunks: 64,
    };
    let server = TestServer::start(vec![huge, chunked]).await;
    let c = client(&server);
    for _ in 0..2 {
        let e = bounded(c.update_workflow("p", "w", "f").disable().send())
            .await
            .unwrap_err();
        assert!(
            matches!(
                e,
                Error::ResponseTooLarge {
                    limit: secmaster::DEFAULT_MAX_RESPONSE_BYTES,
                    ..
                }
            ),
            "{e:?}"
        );
    }
}

#[tokio::test]
async fn bodies_in_many_chunks_are_read_whole_and_capped_at_the_limit() {
    let page = secmaster_testkit::examples::UPDATE_200.as_bytes().to_vec();
    let limit = page.len();
    let error = format!(
        r#"{{"code":"SecMaster.0001","message":"{}"}}"#,
        "m".repeat(2 * limit)
    );
    let server = TestServer::start(vec![
        // The page in 7-byte chunks, exactly at the limit: read whole and decoded.
        Reply::Split {
            status: 200,
            body: page.clone(),
            piece: 7,
        },
        // One byte over the limit: refused, not decoded from a prefix.
        Reply::Split {
            status: 200,
            body: [page.as_slice(), b" "].concat(),
            piece: 7,
        },
        // An error body twice the limit: its first `limit` bytes still give the status.
        Reply::Split {
            status: 400,
            body: error.into_bytes(),
            piece: 100,
        },
    ])
    .await;
    let c = client_with_limit(&server, limit);
    let call = || c.update_workflow("p", "w", "f").disable().send();
    let updated = bounded(call()).await.unwrap();
    assert_eq!(updated.name.as_deref(), Some("Test_aop"));
    let e = bounded(call()).await.unwrap_err();
    assert!(
        matches!(e, Error::ResponseTooLarge { status: 200, limit: l, .. } if l == limit),
        "{e:?}"
    );
    let e = bounded(call()).await.unwrap_err();
    assert_eq!(e.status(), Some(400), "{e:?}");
    let Error::Service(service) = &e else {
        panic!("{e:?}")
    };
    // A cut JSON body is no longer JSON: its text is kept, bounded, as the message.
    let message = service.message.as_deref().unwrap_or_default();
    assert!(
        message.starts_with(r#"{"code":"SecMaster.0001","message":"mmm"#),
        "{message}"
    );
}

#[tokio::test]
async fn a_declared_length_is_a_hint_for_reading_not_an_allocation() {
    let page = secmaster_testkit::examples::UPDATE_200.as_bytes().to_vec();
    let server = TestServer::start(vec![
        // The length declared and sent, in pieces that arrive apart: read whole.
        Reply::Trickle {
            status: 200,
            declared: page.len(),
            body: page.clone(),
            piece: 300,
        },
        // A length no memory holds, under a limit that allows it, then the connection closes:
        // an error, not an abort trying to reserve it.
        Reply::Trickle {
            status: 200,
            declared: 9_223_372_036_854_775_000,
            body: page.clone(),
            piece: 300,
        },
    ])
    .await;
    let c = client_with_limit(&server, usize::MAX);
    let call = || c.update_workflow("p", "w", "f").disable().send();
    let updated = bounded(call()).await.unwrap();
    assert_eq!(updated.name.as_deref(), Some("Test_aop"));
    let e = bounded(call()).await.unwrap_err();
    assert!(
        matches!(e, Error::Transport { connect: false, .. }),
        "{e:?}"
    );
}

#[tokio::test]
async fn broken_200_bodies_are_decode_errors() {
    let deep = format!("{}{}", "{\"data\":".repeat(100_000), "}".repeat(100_000));
    let cases: Vec<(Reply, &str)> = vec![
        (Reply::json(200, &deep), "deeply nested JSON"),
        (
            Reply::Full {
                status: 200,
                headers: vec![],
                body: vec![b'{', b'"', 0xff, 0xfe, b'"', b'}'],
            },
            "invalid UTF-8",
        ),
        (Reply::json(200, ""), "an empty body"),
        (Reply::json(200, "null"), "null"),
        (Reply::json(200, "[]"), "an array"),
        (
            Reply::json(200, r#"{"success":true,"data":"not an object"}"#),
            "data of the wrong type",
        ),
        (
            Reply::json(200, "{\"success\":true,\"data\":{\"name\":\""),
            "a truncated document",
        ),
    ];
    let server = TestServer::start(cases.iter().map(|(r, _)| r.clone()).collect()).await;
    let c = client(&server);
    for (_, what) in &cases {
        let e = bounded(c.update_workflow("p", "w", "f").disable().send())
            .await
            .unwrap_err();
        assert!(
            matches!(e, Error::Decode { status: 200, .. }),
            "{what}: {e:?}"
        );
    }
}

#[tokio::test]
async fn a_wrong_content_type_does_not_turn_a_success_into_a_failure() {
    let page = secmaster_testkit::examples::UPDATE_200;
    let reply = Reply::Full {
        status: 200,
        headers: vec![("Content-Type".into(), "text/plain".into())],
        body: page.into(),
    };
    let server = TestServer::start(vec![reply]).await;
    let ok = bounded(
        client(&server)
            .update_workflow("p", "w", "f")
            .disable()
            .send(),
    )
    .await
    .unwrap();
    assert_eq!(ok.name.as_deref(), Some("Test_aop"));
}

#[tokio::test]
async fn hostile_error_bodies_are_service_errors_with_bounded_messages() {
    let long_message = format!(r#"{{"code":"X","message":"{}"}}"#, "m".repeat(100_000));
    let cases = vec![
        Reply::json(
            400,
            &format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
        ),
        Reply::Full {
            status: 400,
            headers: vec![],
            body: vec![0xff; 1000],
        },
        Reply::json(400, &long_message),
        Reply::html(400, &"<p>".repeat(50_000)),
    ];
    let server = TestServer::start(cases.clone()).await;
    let c = client(&server);
    for _ in &cases {
        let e = bounded(c.update_workflow("p", "w", "f").disable().send())
            .await
            .unwrap_err();
        assert_eq!(e.status(), Some(400), "{e:?}");
        let shown = e.to_string();
        assert!(
            !shown.contains('\n') && shown.chars().count() < 1500,
            "one bounded line: {} chars",
            shown.len()
        );
    }
}

#[tokio::test]
async fn hostile_version_ids_and_query_values_arrive_as_exactly_themselves() {
    let values = [
        "a/b",
        "?x=1",
        "#frag",
        "a&b=c",
        "a=b",
        "a b",
        "a+b",
        "%20",
        "é",
        "\u{202e}rtl",
        "~._-",
    ];
    let server = TestServer::start(vec![]).await;
    let c = client(&server);
    for value in values {
        // As a version ID (a path with no workflow ID): refused or exactly itself.
        match bounded(c.show_workflow_version("p", "w", value).send()).await {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "version_id", "{value:?}"),
            _ => {
                let sent = server.requests().pop().unwrap();
                let segments: Vec<String> = sent.target.split('/').map(decode_segment).collect();
                assert_eq!(
                    segments,
                    [
                        "",
                        "v1",
                        "p",
                        "workspaces",
                        "w",
                        "soc",
                        "workflows",
                        "versions",
                        value
                    ],
                    "{value:?}"
                );
            }
        }
        // As a query value: one parameter, decoding back to itself, spaces as %20.
        let _ = bounded(c.list_workflows("p", "w").name(value).send()).await;
        let sent = server.requests().pop().unwrap();
        let query = sent.target.split_once('?').unwrap().1;
        assert!(!query.contains('+') && !query.contains(' '), "{query}");
        let (name, encoded) = query.split_once('=').unwrap();
        assert_eq!(
            (name, decode_segment(encoded).as_str()),
            ("name", value),
            "{query}"
        );
    }
}

#[tokio::test]
async fn broken_pages_and_versions_are_decode_errors_and_odd_totals_read_as_unknown() {
    let broken = [
        r#"{"success":true,"data":{"id":"not a list"}}"#,
        r#"{"success":true,"data":[{"status":7}]}"#,
        r#"{"success":true,"data":[1,2,3]}"#,
        r#"{"success":true,"total":3}"#,
    ];
    let server = TestServer::start(broken.iter().map(|b| Reply::json(200, b)).collect()).await;
    let c = client(&server);
    for body in broken {
        let e = bounded(c.list_workflow_versions("p", "w", "f").send())
            .await
            .unwrap_err();
        assert!(
            matches!(e, Error::Decode { status: 200, .. }),
            "{body}: {e:?}"
        );
    }
    let odd = [
        "-1",
        "1.5",
        "\"12\"",
        "null",
        "1e400",
        "{}",
        "18446744073709551616",
    ];
    let replies = odd
        .iter()
        .map(|total| {
            Reply::json(
                200,
                &format!(r#"{{"success":true,"total":{total},"data":[]}}"#),
            )
        })
        .collect();
    let server = TestServer::start(replies).await;
    let c = client(&server);
    for total in odd {
        let page = bounded(c.list_workflows("p", "w").send()).await;
        let expected = match total {
            "\"12\"" => Some(Some(12)),
            // Not a number serde_json can hold: the body is not JSON it reads.
            "1e400" => None,
            _ => Some(None),
        };
        assert_eq!(page.map(|p| p.total).ok(), expected, "total {total}");
    }
    // A version whose topology is not Base64 JSON keeps its text and has no topology.
    let server = TestServer::start(vec![Reply::json(
        200,
        r#"{"success":true,"data":{"id":"v","taskflow":"%%%not-base64","status":"retired"}}"#,
    )])
    .await;
    let v = bounded(client(&server).show_workflow_version("p", "w", "v").send())
        .await
        .unwrap();
    assert_eq!(
        (v.taskflow.as_deref(), v.topology.as_ref()),
        (Some("%%%not-base64"), None)
    );
    assert_eq!(v.status.as_ref().map(|s| s.as_str()), Some("retired"));
}

#[tokio::test]
async fn broken_bare_instance_bodies_are_errors_never_empty_results() {
    let broken = [
        (r#"{"count":"x","instances":[]}"#, "decode"),
        (r#"{"count":1,"instances":{}}"#, "decode"),
        (r#"{"instances":[{"status":7}]}"#, "decode"),
        ("[]", "decode"),
        ("{}", "decode"),
        (
            r#"{"error_code":"APIGW.0101","error_msg":"gone"}"#,
            "service",
        ),
        (
            r#"{"success":false,"code":"SecMaster.1","message":"no"}"#,
            "service",
        ),
    ];
    let replies = broken.iter().map(|(b, _)| Reply::json(200, b)).collect();
    let server = TestServer::start(replies).await;
    let c = client(&server);
    for (body, kind) in broken {
        let e = bounded(c.list_workflow_instances("p", "w").send())
            .await
            .unwrap_err();
        match kind {
            "decode" => assert!(
                matches!(e, Error::Decode { status: 200, .. }),
                "{body}: {e:?}"
            ),
            _ => assert!(matches!(e, Error::Service(_)), "{body}: {e:?}"),
        }
    }
    // A run's answer with none of its fields, a command's without success or code: a 2xx that
    // most likely took effect but cannot be read, so for these operations (never sent twice)
    // an outcome to check, with the decode error kept.
    let server = TestServer::start(vec![Reply::json(200, "{}"), Reply::json(200, "{}")]).await;
    let c = client(&server);
    let e = bounded(c.run_workflow("p", "w", "f").send())
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::OutcomeUnknown { source, .. } if matches!(**source, Error::Decode { .. })),
        "{e:?}"
    );
    let e = bounded(c.update_workflow_instance("p", "w", "i").retry().send())
        .await
        .unwrap_err();
    assert!(e.is_outcome_unknown(), "{e:?}");
    assert_eq!(e.status(), Some(200));
    // The gateway's error shape in a 200 is a refusal, not an unreadable success.
    let server = TestServer::start(vec![Reply::json(
        200,
        r#"{"error_code":"APIGW.0308","error_msg":"throttled"}"#,
    )])
    .await;
    let e = bounded(
        client(&server)
            .update_workflow_instance("p", "w", "i")
            .terminate()
            .send(),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), Some("APIGW.0308"), "{e:?}");
    assert!(!e.is_outcome_unknown());
}
