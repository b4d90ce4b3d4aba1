//! The fake as a stateful SecMaster for workflows and their versions, driven by the `secmaster`
//! client over real HTTP: the lifecycle, each refusal (the pages' 400, nothing changed), lists
//! with filters and paging, scoped credentials, faults per operation, and many clients at once
//! checked against a sequential model.

#[path = "common/official_sdk.rs"]
mod official_sdk;

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::TryStreamExt;
use secmaster::bindings::open_enums::NodeStatus;
use secmaster::{
    AopType, Client, Credentials, Error, RetryPolicy, SortOrder, ValidateMode, VersionStatus,
    WorkflowSortKey,
};
use secmaster_fake::{
    AccessKey, DataClass, FAKE_AK, FAKE_SK, FAKE_TOKEN, FakeSecMaster, Fault, SEQUENCE_HEADER,
    SeedWorkflow, codes,
};

const TOPOLOGY: &str = r#"{"nodes":[{"id":"start","type":"start"},{"id":"notify","type":"task","action":"Notify"}],"edges":[{"from":"start","to":"notify"}]}"#;
const DATACLASS: &str = "e410ae50-43fa-343e-807a-a2a9edb8018e";

fn page() -> (String, String, String) {
    let seed = SeedWorkflow::page_example();
    (
        seed.project_id,
        seed.workspace_id,
        seed.workflow.id.unwrap(),
    )
}

fn client(fake: &FakeSecMaster) -> Client {
    client_with(fake, Credentials::token(FAKE_TOKEN))
}

fn client_with(fake: &FakeSecMaster, credentials: Credentials) -> Client {
    Client::builder()
        .endpoint(fake.endpoint())
        .credentials(credentials)
        .retry(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
        .build()
        .unwrap()
}

async fn create_workflow(c: &Client, name: &str) -> Result<String, Error> {
    let (p, w, _) = page();
    let created = c
        .create_workflow(p, w)
        .name(name)
        .aop_type(AopType::Normal)
        .dataclass_id(DATACLASS)
        .send()
        .await?;
    Ok(created.id.clone().unwrap())
}

async fn create_version(c: &Client, workflow: &str) -> Result<String, Error> {
    let (p, w, _) = page();
    let v = c
        .create_workflow_version(p, w, workflow)
        .name("v")
        .description("a version")
        .taskflow(TOPOLOGY)
        .taskconfig("{}")
        .aop_type(AopType::Normal)
        .send()
        .await?;
    Ok(v.id.clone().unwrap())
}

fn status(fake: &FakeSecMaster, version: &str) -> String {
    let (p, w, _) = page();
    let v = fake.version(&p, &w, version).unwrap();
    v.status.unwrap().as_str().to_owned()
}

#[tokio::test]
async fn a_workflow_lives_from_create_to_enabled_and_back_to_deleted() {
    let fake = FakeSecMaster::start().await.unwrap();
    let c = client(&fake);
    let (p, w, _) = page();
    let id = create_workflow(&c, "Block attacker IPs").await.unwrap();
    let shown = c.show_workflow(&p, &w, &id).send().await.unwrap();
    assert_eq!(
        (
            shown.name.as_deref(),
            shown.enabled,
            shown.dataclass_name.as_deref()
        ),
        (Some("Block attacker IPs"), Some(false), Some("Alert"))
    );
    assert!(shown.created_at().is_some(), "{:?}", shown.create_time);

    let v = create_version(&c, &id).await.unwrap();
    assert_eq!(
        status(&fake, &v),
        "pending_submit",
        "a new version is a draft"
    );
    let decoded = c.show_workflow_version(&p, &w, &v).send().await.unwrap();
    assert_eq!(
        decoded.topology,
        Some(serde_json::from_str(TOPOLOGY).unwrap())
    );
    c.update_workflow_version(&p, &w, &v)
        .description("edited while a draft")
        .send()
        .await
        .unwrap();
    let submitted = c
        .update_workflow_version(&p, &w, &v)
        .submit()
        .send()
        .await
        .unwrap();
    assert_eq!(submitted.status, Some(VersionStatus::PendingApproval));
    let flow = c.show_workflow(&p, &w, &id).send().await.unwrap();
    assert_eq!(
        flow.current_approval_version_id.as_deref(),
        Some(v.as_str())
    );
    let review = c
        .review_workflow_version(&p, &w, &v)
        .approve("fine")
        .send()
        .await
        .unwrap();
    assert_eq!(review.content.as_deref(), Some("fine"));
    assert_eq!(status(&fake, &v), "not_activated");
    c.update_workflow_version(&p, &w, &v)
        .activate()
        .send()
        .await
        .unwrap();
    let enabled = c
        .update_workflow(&p, &w, &id)
        .enable(&v)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (enabled.enabled, enabled.version_id.as_deref()),
        (Some(true), Some(v.as_str()))
    );
    let listed = c
        .list_workflow_versions(&p, &w, &id)
        .status(VersionStatus::Activated)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.total, Some(1));

    // A run has a record per node of the activated version's topology.
    let run = c
        .run_workflow(&p, &w, &id)
        .dataclass_id(DATACLASS)
        .send()
        .await
        .unwrap();
    let instance = run.instance_id.clone().unwrap();
    let shown = c
        .show_workflow_instance(&p, &w, &instance)
        .with_topology(true)
        .send()
        .await
        .unwrap();
    let nodes = shown.topology.as_ref().unwrap().audit_logs.iter();
    let nodes: Vec<_> = nodes
        .map(|n| {
            (
                n.action_id.as_deref(),
                n.action_name.as_deref(),
                n.instance_type.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        nodes,
        [
            (Some("start"), Some("start"), Some("START")),
            (Some("notify"), Some("Notify"), Some("TASK"))
        ]
    );

    // Disabled, then deleted with its versions.
    c.update_workflow(&p, &w, &id)
        .disable()
        .send()
        .await
        .unwrap();
    let deleted = c.delete_workflow(&p, &w, &id).send().await.unwrap();
    assert_eq!(deleted.id.as_deref(), Some(id.as_str()));
    let e = c.show_workflow(&p, &w, &id).send().await.unwrap_err();
    assert_eq!(e.code(), Some(codes::UNKNOWN_WORKFLOW));
    let e = c
        .show_workflow_version(&p, &w, &v)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::UNKNOWN_VERSION_ID));
}

#[tokio::test]
async fn activating_a_version_deactivates_the_previous_one() {
    let fake = FakeSecMaster::start().await.unwrap();
    let c = client(&fake);
    let (p, w, f) = page();
    assert_eq!(status(&fake, "ver-0001"), "activated");
    c.update_workflow_version(&p, &w, "ver-0002")
        .activate()
        .send()
        .await
        .unwrap();
    assert_eq!(status(&fake, "ver-0001"), "not_activated");
    assert_eq!(status(&fake, "ver-0002"), "activated");
    let flow = fake.workflow(&p, &w, &f).unwrap();
    assert_eq!(
        (flow.version_id.as_deref(), flow.version.as_deref()),
        (Some("ver-0002"), Some("v2"))
    );
    let e = c
        .update_workflow(&p, &w, &f)
        .enable("ver-0001")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::VERSION_NOT_ACTIVATED));
}

/// Each refusal: the pages' 400 with the fake's code, and the store as it was.
#[tokio::test]
async fn every_refusal_is_a_400_with_its_code_and_changes_nothing() {
    let fake = FakeSecMaster::start().await.unwrap();
    let c = client(&fake);
    let (p, w, f) = page();
    let draft = create_version(&c, &f).await.unwrap();
    let before = fake.sequence();
    let snapshot = || {
        (
            serde_json::to_value(fake.workflow(&p, &w, &f)).unwrap(),
            ["ver-0001", "ver-0002", draft.as_str()].map(|v| status(&fake, v)),
        )
    };
    let kept = snapshot();
    let version = |v: &str| c.update_workflow_version(&p, &w, v);
    let cases: Vec<(Result<(), Error>, &str)> = vec![
        (
            create_workflow(&c, "Test_aop").await.map(drop),
            codes::NAME_TAKEN,
        ),
        (
            c.create_workflow(&p, &w)
                .name("n")
                .aop_type(AopType::Normal)
                .dataclass_id("dc-404")
                .send()
                .await
                .map(drop),
            codes::UNKNOWN_DATACLASS,
        ),
        (
            version("ver-0001").description("x").send().await.map(drop),
            codes::WRONG_VERSION_STATUS,
        ),
        (
            version("ver-0002").submit().send().await.map(drop),
            codes::WRONG_VERSION_STATUS,
        ),
        (
            version(&draft).activate().send().await.map(drop),
            codes::WRONG_VERSION_STATUS,
        ),
        (
            version("ver-0002").deactivate().send().await.map(drop),
            codes::WRONG_VERSION_STATUS,
        ),
        (
            c.review_workflow_version(&p, &w, &draft)
                .approve("x")
                .send()
                .await
                .map(drop),
            codes::WRONG_VERSION_STATUS,
        ),
        (
            c.delete_workflow_version(&p, &w, "ver-0001")
                .send()
                .await
                .map(drop),
            codes::VERSION_IN_USE,
        ),
        (
            c.update_workflow(&p, &w, &f)
                .enable("ver-0002")
                .send()
                .await
                .map(drop),
            codes::VERSION_NOT_ACTIVATED,
        ),
        (
            c.update_workflow(&p, &w, &f)
                .enable("ver-9999")
                .send()
                .await
                .map(drop),
            codes::UNKNOWN_VERSION,
        ),
        (
            c.show_workflow_version(&p, &w, "ver-9999")
                .send()
                .await
                .map(drop),
            codes::UNKNOWN_VERSION_ID,
        ),
        (
            c.list_workflow_versions(&p, &w, "wf-404")
                .send()
                .await
                .map(drop),
            codes::UNKNOWN_WORKFLOW,
        ),
    ];
    for (result, code) in cases {
        let e = result.unwrap_err();
        assert_eq!((e.status(), e.code()), (Some(400), Some(code)), "{e}");
    }
    // A missing workspace is the service's 403, not a 400.
    let e = c.show_workflow(&p, "ws-404", &f).send().await.unwrap_err();
    assert_eq!(
        (e.status(), e.code()),
        (Some(403), Some(codes::UNKNOWN_WORKSPACE)),
        "{e}"
    );
    // The client refuses a value its spec does not list before sending; the fake refuses one
    // that another client sends.
    let e = c
        .update_workflow_version(&p, &w, &draft)
        .aop_type(AopType::from("ODD"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("aop_type"), "{e}");
    let odd = reqwest::Client::new()
        .put(format!(
            "{}/v1/{p}/workspaces/{w}/soc/workflows/versions/{draft}",
            fake.endpoint()
        ))
        .header("x-auth-token", FAKE_TOKEN)
        .header("content-type", "application/json;charset=UTF-8")
        .body(r#"{"aop_type":"ODD"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(odd.status(), 400);
    let body: serde_json::Value = odd.json().await.unwrap();
    assert_eq!(body["code"], codes::INVALID_LABELS);
    assert_eq!(snapshot(), kept, "nothing changed");
    assert_eq!(fake.sequence(), before, "no change was applied");
    // Deactivating the version an enabled workflow runs, deleting an enabled workflow.
    c.update_workflow(&p, &w, &f)
        .enable("ver-0001")
        .send()
        .await
        .unwrap();
    let e = version("ver-0001").deactivate().send().await.unwrap_err();
    assert_eq!(e.code(), Some(codes::VERSION_IN_USE));
    let e = c.delete_workflow(&p, &w, &f).send().await.unwrap_err();
    assert_eq!(e.code(), Some(codes::WORKFLOW_ENABLED));
    // A rejected version goes back to being editable, and a deleted one is gone.
    version(&draft).submit().send().await.unwrap();
    c.review_workflow_version(&p, &w, &draft)
        .reject("no")
        .send()
        .await
        .unwrap();
    assert_eq!(status(&fake, &draft), "rejected");
    let flow = fake.workflow(&p, &w, &f).unwrap();
    assert_eq!(
        flow.current_rejected_version_id.as_deref(),
        Some(draft.as_str())
    );
    version(&draft).name("again").send().await.unwrap();
    c.delete_workflow_version(&p, &w, &draft)
        .send()
        .await
        .unwrap();
    assert!(fake.version(&p, &w, &draft).is_none());
}

#[tokio::test]
async fn lists_filter_sort_and_page_with_total_counting_all_matches() {
    let fake = FakeSecMaster::start().await.unwrap();
    let c = client(&fake);
    let (p, w, _) = page();
    for i in 0..25 {
        create_workflow(&c, &format!("batch-{i:02}")).await.unwrap();
    }
    let list = || c.list_workflows(&p, &w).name("batch-");
    let first = list().limit(10).order(SortOrder::Asc).send().await.unwrap();
    assert_eq!((first.items.len(), first.total), (10, Some(25)));
    assert_eq!(first.items[0].name.as_deref(), Some("batch-00"));
    let last = list()
        .limit(10)
        .offset(20)
        .order(SortOrder::Asc)
        .send()
        .await
        .unwrap();
    assert_eq!(last.items.len(), 5);
    assert_eq!(last.items[4].name.as_deref(), Some("batch-24"));
    let newest = list()
        .limit(1)
        .sortby(WorkflowSortKey::CreateTime)
        .send()
        .await
        .unwrap();
    assert_eq!(
        newest.items[0].name.as_deref(),
        Some("batch-24"),
        "DESC by default"
    );
    let all: Vec<_> = list().limit(7).items().try_collect().await.unwrap();
    assert_eq!(all.len(), 25);
    let every = c
        .list_workflows(&p, &w)
        .items()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(every.len(), 26, "and the page's workflow");
    let disabled = c.list_workflows(&p, &w).enabled(true).send().await.unwrap();
    assert_eq!(
        (disabled.items.len(), disabled.total),
        (0, Some(0)),
        "an empty page has data: []"
    );
    let none = c
        .list_workflows(&p, &w)
        .aop_type(AopType::Survey)
        .dataclass_id(DATACLASS)
        .send()
        .await
        .unwrap();
    assert_eq!(none.total, Some(0));
}

#[tokio::test]
async fn credentials_act_only_on_their_projects() {
    let fake = FakeSecMaster::start().await.unwrap();
    let (p, w, f) = page();
    fake.add_dataclass(DataClass {
        project_id: "other-project".into(),
        workspace_id: "other-ws".into(),
        id: "dc".into(),
        name: "Other".into(),
    });
    for credentials in [
        Credentials::token(FAKE_TOKEN),
        Credentials::ak_sk(FAKE_AK, FAKE_SK),
    ] {
        let e = client_with(&fake, credentials)
            .create_workflow("other-project", "other-ws")
            .name("n")
            .aop_type(AopType::Normal)
            .dataclass_id("dc")
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            (e.status(), e.code()),
            (Some(403), Some("APIGW.0302")),
            "{e}"
        );
    }
    assert_eq!(fake.sequence(), 0, "nothing created");
    // A key for every project, signing with the X-Project-Id of another project.
    fake.add_key(AccessKey::new("ALLAK", "ALLSK"));
    // Signed by hand, as another SDK might: X-Project-Id names another project than the path.
    let path = format!("/v1/{p}/workspaces/{w}/soc/workflows/{f}");
    let date = secmaster::signer::sdk_date(std::time::SystemTime::now());
    let host = fake.endpoint().trim_start_matches("http://").to_owned();
    let body = br#"{"name":"x"}"#;
    let headers = [
        ("content-type", "application/json;charset=UTF-8"),
        ("host", host.as_str()),
        ("x-project-id", "other-project"),
        ("x-sdk-date", date.as_str()),
    ];
    let request = secmaster::signer::Request {
        method: "PUT",
        path: &path,
        query: None,
        headers: &headers,
        body,
    };
    let signature = secmaster::signer::sign(&request, "ALLAK", "ALLSK", &date);
    let mut put = reqwest::Client::new().put(format!("{}{path}", fake.endpoint()));
    for (name, value) in headers.iter().filter(|(n, _)| *n != "host") {
        put = put.header(*name, *value);
    }
    let response = put
        .header("authorization", signature.authorization)
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let refusal: serde_json::Value = response.json().await.unwrap();
    assert_eq!(refusal["error_code"], "APIGW.0302");
    assert!(
        refusal["error_msg"]
            .as_str()
            .unwrap()
            .contains("X-Project-Id"),
        "{refusal}"
    );
    assert_eq!(
        fake.workflow(&p, &w, &f).unwrap().name.as_deref(),
        Some("Test_aop")
    );
    let ok = client_with(&fake, Credentials::ak_sk("ALLAK", "ALLSK"));
    ok.update_workflow(&p, &w, &f)
        .name("by a key for all")
        .send()
        .await
        .unwrap();
    let created = ok
        .create_workflow("other-project", "other-ws")
        .name("n")
        .aop_type(AopType::Normal)
        .dataclass_id("dc")
        .send()
        .await
        .unwrap();
    assert_eq!(created.project_id.as_deref(), Some("other-project"));
}

#[tokio::test]
async fn a_create_whose_answer_is_lost_is_not_repeated_and_exists_once() {
    let fake = FakeSecMaster::start().await.unwrap();
    let c = client(&fake);
    let (p, w, f) = page();
    fake.inject_into("CreateAopWorkflow", Fault::ClosedAfterProcessing, 1);
    let e = create_workflow(&c, "lost answer").await.unwrap_err();
    assert!(e.is_outcome_unknown(), "{e:?}");
    let found = c
        .list_workflows(&p, &w)
        .name("lost answer")
        .send()
        .await
        .unwrap();
    assert_eq!(found.total, Some(1), "created once, not repeated");
    // Closed before processing: nothing was created, and the client cannot know either.
    fake.inject_into("CreateAopWorkflow", Fault::ClosedBeforeProcessing, 1);
    let e = create_workflow(&c, "never made").await.unwrap_err();
    assert!(e.is_outcome_unknown(), "{e:?}");
    let found = c
        .list_workflows(&p, &w)
        .name("never made")
        .send()
        .await
        .unwrap();
    assert_eq!(found.total, Some(0));
    // A fault for one operation leaves the others alone; an idempotent one is retried.
    fake.inject_into(
        "ShowAopWorkflow",
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        1,
    );
    c.list_workflows(&p, &w).send().await.unwrap();
    c.show_workflow(&p, &w, &f).send().await.unwrap();
    let shows = fake
        .journal()
        .iter()
        .filter(|e| e.method == "GET" && e.path.ends_with(&f))
        .count();
    assert_eq!(shows, 2, "503, then the retry");
}

#[tokio::test]
async fn validation_and_export_answer_in_their_shapes() {
    let fake = FakeSecMaster::start().await.unwrap();
    let c = client(&fake);
    let (p, w, f) = page();
    let check = |mode, topology: &'static str| {
        c.validate_workflow_version(&p, &w)
            .mode(mode)
            .taskflow(topology)
            .taskconfig("{}")
            .workflow_id(&f)
            .send()
    };
    let ok = check(ValidateMode::Basic, TOPOLOGY).await.unwrap();
    assert_eq!(ok.value["passed"], true);
    let looped = r#"{"nodes":[],"edges":[{"from":"a","to":"b"},{"from":"b","to":"a"}]}"#;
    let bad = check(ValidateMode::Circle, looped).await.unwrap();
    assert_eq!(bad.value["passed"], false, "{}", bad.value);
    let file = c
        .export_workflows(&p, &w, [f.as_str()])
        .send()
        .await
        .unwrap();
    let file: serde_json::Value = serde_json::from_slice(&file).unwrap();
    assert_eq!(file["format"], "secmaster-fake/workflows");
    assert_eq!(file["workflows"][0]["workflow"]["id"], f.as_str());
    assert_eq!(
        file["workflows"][0]["versions"].as_array().unwrap().len(),
        2
    );
    let e = c
        .export_workflows(&p, &w, ["wf-404"])
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::UNKNOWN_WORKFLOW));
}

/// A workflow that does not exist is the service's `SecMaster.20040611`, whatever asks for it.
#[tokio::test]
async fn a_missing_workflow_has_the_services_code() {
    let fake = FakeSecMaster::start().await.unwrap();
    let c = client(&fake);
    let (p, w, _) = page();
    let shown = c.show_workflow(&p, &w, "wf-404").send().await.unwrap_err();
    let updated = c
        .update_workflow(&p, &w, "wf-404")
        .description("d")
        .send()
        .await
        .unwrap_err();
    let versioned = create_version(&c, "wf-404").await.unwrap_err();
    for e in [shown, updated, versioned] {
        assert_eq!(
            (e.status(), e.code()),
            (Some(400), Some("SecMaster.20040611")),
            "{e}"
        );
    }
}

/// What a change did, as the sequential model replays it.
#[derive(Debug)]
enum Step {
    Created(String),
    Described(String),
    Versioned,
    Ran,
    Read,
}

/// Hundreds of calls at once across operations; every change the store applied is replayed in
/// its `X-Fake-Sequence` order on a sequential model, which must end where the fake did.
#[tokio::test]
async fn many_clients_at_once_lose_no_update_and_tear_no_state() {
    let fake = running_fake(Duration::from_secs(60), false).await;
    let (p, w, f) = page();
    let before = fake.sequence();
    let http = reqwest::Client::new();
    let base = format!("{}/v1/{p}/workspaces/{w}/soc/workflows", fake.endpoint());
    let mut calls = Vec::new();
    for i in 0..300 {
        let (http, base, f) = (http.clone(), base.clone(), f.clone());
        calls.push(tokio::spawn(async move {
            let (request, step) = match i % 5 {
                // Creates under 9 names for 60 calls: most find their name taken.
                0 => {
                    let name = format!("wf-{}", i % 45);
                    let body = serde_json::json!({"name": name, "engine_type": "public_engine", "aop_type": "NORMAL", "dataclass_id": DATACLASS});
                    (http.post(&base).json(&body), Step::Created(name))
                }
                1 => {
                    let text = format!("description {i}");
                    let body = serde_json::json!({"description": text});
                    (http.put(format!("{base}/{f}")).json(&body), Step::Described(text))
                }
                2 => {
                    let topology = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, TOPOLOGY);
                    let body = serde_json::json!({"name": "v", "description": "d", "taskconfig": "{}", "taskflow": topology, "taskflow_type": "JSON", "aop_type": "NORMAL"});
                    (http.post(format!("{base}/{f}/versions")).json(&body), Step::Versioned)
                }
                3 => {
                    let body = serde_json::json!({"command_type": "ActionInstanceRunCommand", "action_type": "workflow"});
                    (http.post(format!("{base}/{f}/instances")).json(&body), Step::Ran)
                }
                _ => (http.get(&base), Step::Read),
            };
            let response = request.header("x-auth-token", FAKE_TOKEN).send().await.unwrap();
            let seq = response
                .headers()
                .get(SEQUENCE_HEADER)
                .map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
            let status = response.status().as_u16();
            let body: serde_json::Value = response.json().await.unwrap();
            (seq, status, body, step)
        }));
    }
    let mut applied = BTreeMap::new();
    for call in calls {
        let (seq, status, body, step) = call.await.unwrap();
        match (seq, &step) {
            (Some(seq), _) => {
                assert_eq!(status, 200, "{body}");
                assert!(applied.insert(seq, step).is_none(), "one change per number");
            }
            (None, Step::Created(_)) => assert_eq!(body["code"], codes::NAME_TAKEN, "{body}"),
            (None, _) => assert_eq!(status, 200, "a read: {body}"),
        }
    }
    // The numbers run without a gap: every change applied is accounted for.
    assert_eq!(
        applied.keys().copied().collect::<Vec<_>>(),
        (before + 1..=fake.sequence()).collect::<Vec<_>>()
    );
    let mut names = vec!["Test_aop".to_owned()];
    let mut description = String::new();
    let (mut versions, mut runs) = (2, 0);
    for step in applied.into_values() {
        match step {
            Step::Created(name) => {
                assert!(!names.contains(&name), "a name taken twice: {name}");
                names.push(name);
            }
            Step::Described(text) => description = text,
            Step::Versioned => versions += 1,
            Step::Ran => runs += 1,
            Step::Read => panic!("a read took a change's number"),
        }
    }
    let c = client(&fake);
    let stored_versions = c.list_workflow_versions(&p, &w, &f).send().await.unwrap();
    assert_eq!(
        stored_versions.items.len(),
        versions,
        "every version created, once"
    );
    let labels: std::collections::BTreeSet<_> = stored_versions
        .items
        .iter()
        .map(|v| v.version.clone())
        .collect();
    assert_eq!(labels.len(), versions, "no label given twice");
    let stored_runs = c
        .list_workflow_instances(&p, &w)
        .workflow_id(&f)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (stored_runs.total, runs),
        (Some(60), 60),
        "every run started, once"
    );
    let mut stored: Vec<String> = c
        .list_workflows(&p, &w)
        .items()
        .map_ok(|w| w.name.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    stored.sort();
    names.sort();
    assert_eq!(
        stored, names,
        "every create the store applied, and only those"
    );
    assert_eq!(
        fake.workflow(&p, &w, &f).unwrap().description,
        Some(description),
        "the last update wins"
    );
}

/// A fake whose runs take `run_time`, its page workflow enabled with its activated version.
async fn running_fake(run_time: Duration, fail_runs: bool) -> FakeSecMaster {
    let mut config = secmaster_fake::Config::default();
    config.run_time = run_time;
    config.workflows[0].fail_runs = fail_runs;
    started(config).await
}

/// A fake of `config`, its page workflow enabled with its activated version.
async fn started(config: secmaster_fake::Config) -> FakeSecMaster {
    let fake = FakeSecMaster::start_with(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let (p, w, f) = page();
    client(&fake)
        .update_workflow(p, w, f)
        .enable("ver-0001")
        .send()
        .await
        .unwrap();
    fake
}

#[tokio::test]
async fn a_terminated_run_is_terminating_for_the_terminate_time_its_nodes_still_running() {
    let mut config = secmaster_fake::Config::default();
    config.run_time = Duration::from_secs(60);
    config.terminate_time = Duration::from_secs(30);
    let fake = started(config).await;
    let c = client(&fake);
    let (p, w, f) = page();
    let run = c.run_workflow(&p, &w, &f).dataclass_id(DATACLASS).send();
    let id = run.await.unwrap().instance_id.clone().unwrap();
    let command = || c.update_workflow_instance(&p, &w, &id);
    command().terminate().send().await.unwrap();
    let show = || c.show_workflow_instance(&p, &w, &id).with_topology(true);
    let stopping = show().send().await.unwrap();
    assert_eq!(
        stopping.status,
        Some(secmaster::InstanceStatus::Terminating)
    );
    let node = &stopping.topology.as_ref().unwrap().audit_logs[0];
    assert_eq!(node.status, Some(NodeStatus::Running), "not stopped yet");
    for e in [
        command().terminate().send().await.unwrap_err(),
        command().retry().send().await.unwrap_err(),
    ] {
        assert_eq!(e.code(), Some(codes::WRONG_INSTANCE_STATUS), "{e}");
    }
    // The waiter goes on through TERMINATING and ends when the clock passes it.
    let (done, ()) = tokio::join!(show().wait_until_done(Duration::from_secs(10)), async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        fake.shift_clock(31);
    });
    let done = done.unwrap();
    assert_eq!(done.status, Some(secmaster::InstanceStatus::Terminated));
    let node = &done.topology.as_ref().unwrap().audit_logs[0];
    assert_eq!(
        (node.status.clone(), node.error_msg.as_deref()),
        (Some(NodeStatus::Failed), Some("terminated by a command"))
    );
    command().retry().send().await.unwrap();
}

#[tokio::test]
async fn a_run_finishes_by_itself_and_commands_change_it_as_they_say() {
    // A run that ends only when the clock is moved past it: the commands do not race its end.
    let fake = running_fake(Duration::from_secs(60), false).await;
    let c = client(&fake);
    let (p, w, f) = page();
    let run = c
        .run_workflow(&p, &w, &f)
        .dataclass_id(DATACLASS)
        .context(serde_json::json!({"alert": 1}))
        .send()
        .await
        .unwrap();
    let id = run.instance_id.clone().unwrap();
    let shown = c.show_workflow_instance(&p, &w, &id).send().await.unwrap();
    assert_eq!(shown.status, Some(secmaster::InstanceStatus::Running));
    assert!(shown.topology.is_none(), "only when asked");
    // Terminated right after it started, then retried, then left to finish.
    let command = || c.update_workflow_instance(&p, &w, &id);
    command().terminate().send().await.unwrap();
    let e = command().terminate().send().await.unwrap_err();
    assert_eq!(e.code(), Some(codes::WRONG_INSTANCE_STATUS));
    command().retry().send().await.unwrap();
    let retried = c.show_workflow_instance(&p, &w, &id).send().await.unwrap();
    assert_eq!(
        (retried.status.clone(), retried.retry_count),
        (Some(secmaster::InstanceStatus::Retrying), Some(1))
    );
    command().debug("start", "{\"k\":1}").send().await.unwrap();
    // Looked at 100 s on, the run ended when it was due: 60 s after its retry.
    fake.shift_clock(100);
    let done = c
        .show_workflow_instance(&p, &w, &id)
        .with_topology(true)
        .wait_until_done(Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(done.status, Some(secmaster::InstanceStatus::Finished));
    let at = |t: &Option<String>| secmaster::parse_timestamp(t.as_deref().unwrap()).unwrap();
    let took = at(&done.end_time).duration_since(at(&done.start_time));
    let took = took.as_secs();
    assert!((60..90).contains(&took), "ended {took} s after its start");
    let node = &done.topology.as_ref().unwrap().audit_logs[0];
    assert_eq!(
        (node.input.as_deref(), node.succeed),
        (Some("{\"k\":1}"), Some(true))
    );
    let listed = c
        .list_workflow_instances(&p, &w)
        .workflow_id(&f)
        .status(secmaster::InstanceStatus::Finished)
        .send()
        .await
        .unwrap();
    assert_eq!((listed.items.len(), listed.total), (1, Some(1)));
    // A disabled workflow does not run.
    c.update_workflow(&p, &w, &f)
        .disable()
        .send()
        .await
        .unwrap();
    let e = c.run_workflow(&p, &w, &f).send().await.unwrap_err();
    assert_eq!(e.code(), Some(codes::WORKFLOW_DISABLED));
}

#[tokio::test]
async fn a_seeded_failing_workflow_fails_its_runs_and_a_lost_run_answer_is_not_repeated() {
    let fake = running_fake(Duration::from_millis(200), true).await;
    let c = client(&fake);
    let (p, w, f) = page();
    fake.inject_into("CreateWorkflowInstance", Fault::ClosedAfterProcessing, 1);
    let e = c.run_workflow(&p, &w, &f).send().await.unwrap_err();
    assert!(e.is_outcome_unknown(), "{e:?}");
    let runs = c
        .list_workflow_instances(&p, &w)
        .workflow_id(&f)
        .send()
        .await
        .unwrap();
    assert_eq!(runs.total, Some(1), "started once, not repeated");
    let id = runs.items[0].id.clone().unwrap();
    let done = c
        .show_workflow_instance(&p, &w, &id)
        .wait_until_done(Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(done.status, Some(secmaster::InstanceStatus::Failed));
    // Retried, it fails again: its workflow's runs fail.
    c.update_workflow_instance(&p, &w, &id)
        .retry()
        .send()
        .await
        .unwrap();
    let again = c
        .show_workflow_instance(&p, &w, &id)
        .wait_until_done(Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(
        (again.status.clone(), again.retry_count),
        (Some(secmaster::InstanceStatus::Failed), Some(1))
    );
    let e = c
        .run_workflow(&p, &w, &f)
        .dataclass_id("dc-404")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::UNKNOWN_DATACLASS));
    // Deleting the workflow takes its runs.
    c.update_workflow(&p, &w, &f)
        .disable()
        .send()
        .await
        .unwrap();
    c.delete_workflow(&p, &w, &f).send().await.unwrap();
    let e = c
        .show_workflow_instance(&p, &w, &id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::UNKNOWN_INSTANCE));
}

#[tokio::test]
async fn export_delete_import_gives_the_workflows_back_under_their_names() {
    let fake = FakeSecMaster::start().await.unwrap();
    let c = client(&fake);
    let (p, w, f) = page();
    let file = c
        .export_workflows(&p, &w, [f.as_str()])
        .send()
        .await
        .unwrap();
    let e = c
        .import_workflows(&p, &w, "workflows.json", file.to_vec())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        e.code(),
        Some(codes::NAME_TAKEN),
        "the original is still there"
    );
    c.delete_workflow(&p, &w, &f).send().await.unwrap();
    c.import_workflows(&p, &w, "workflows.json", file.to_vec())
        .send()
        .await
        .unwrap();
    let back = c
        .list_workflows(&p, &w)
        .name("Test_aop")
        .send()
        .await
        .unwrap();
    assert_eq!(back.total, Some(1));
    let again = &back.items[0];
    assert_ne!(again.id.as_deref(), Some(f.as_str()), "made anew");
    assert_eq!(again.enabled, Some(false));
    let versions = c
        .list_workflow_versions(&p, &w, again.id.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(versions.items.len(), 2, "with its versions");
    assert_eq!(
        again.version_id, versions.items[0].id,
        "its activated version, renamed"
    );
    for (file, code) in [
        (b"not json".to_vec(), codes::MALFORMED_FILE),
        (
            br#"{"format":"other","version":1,"workflows":[]}"#.to_vec(),
            codes::MALFORMED_FILE,
        ),
        (vec![b' '; 5 * 1024 * 1024], codes::FILE_TOO_LARGE),
    ] {
        let e = c
            .import_workflows(&p, &w, "f.json", file)
            .send()
            .await
            .unwrap_err();
        assert_eq!((e.status(), e.code()), (Some(400), Some(code)), "{e}");
    }
}

#[tokio::test]
async fn an_upload_signed_as_the_official_sdks_sign_it_is_accepted() {
    let fake = FakeSecMaster::start().await.unwrap();
    let (p, w, f) = page();
    let file = client(&fake)
        .export_workflows(&p, &w, [f.as_str()])
        .send()
        .await
        .unwrap();
    client(&fake)
        .delete_workflow(&p, &w, &f)
        .send()
        .await
        .unwrap();
    // The core signs `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` in place of the body's hash.
    let boundary = "b0undary";
    let body = [
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"uploadFile\"; filename=\"w.json\"\r\n\r\n").as_bytes(),
        &file,
        format!("\r\n--{boundary}--\r\n").as_bytes(),
    ]
    .concat();
    let path = format!("/v1/{p}/workspaces/{w}/soc/workflows/import");
    let date = secmaster::signer::sdk_date(std::time::SystemTime::now());
    let host = fake.endpoint().trim_start_matches("http://").to_owned();
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let headers = [
        ("content-type", content_type.as_str()),
        ("host", host.as_str()),
        ("x-project-id", p.as_str()),
        ("x-sdk-content-sha256", "UNSIGNED-PAYLOAD"),
        ("x-sdk-date", date.as_str()),
    ];
    let request = secmaster::signer::Request {
        method: "POST",
        path: &path,
        query: None,
        headers: &headers,
        body: &body,
    };
    let signature = secmaster::signer::sign(&request, FAKE_AK, FAKE_SK, &date);
    let mut post = reqwest::Client::new().post(format!("{}{path}", fake.endpoint()));
    for (name, value) in headers.iter().filter(|(n, _)| *n != "host") {
        post = post.header(*name, *value);
    }
    let response = post
        .header("authorization", signature.authorization)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let answer: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        (status.as_u16(), &answer["code"]),
        (200, &serde_json::json!("00000000")),
        "{answer}"
    );
    let back = client(&fake)
        .list_workflows(&p, &w)
        .name("Test_aop")
        .send()
        .await
        .unwrap();
    assert_eq!(back.total, Some(1));
}

/// The official Huawei Python SDK drives a workflow's whole life against the fake's binary, and
/// reads every answer through its own models. Ignored without the SDK (`common/official_sdk.rs`
/// says how CI runs it).
#[test]
#[ignore = "needs the official Huawei Python SDK: set SECMASTER_OFFICIAL_PYTHON"]
fn the_official_python_sdk_walks_a_workflows_life_against_the_binary() {
    let (p, w, _) = page();
    let seen = official_sdk::walk("official_sdk_lifecycle.py", &[&p, &w, DATACLASS]);
    assert_eq!(
        seen,
        serde_json::json!({"activated": "activated", "back": ["made by the official SDK"], "created_version": "pending_submit", "enabled": true, "export_bytes": seen["export_bytes"], "imported": "00000000", "instances": 1, "nodes": 1, "review": "PASS", "running": "RUNNING", "submitted": "pending_approval", "terminated": "TERMINATED"})
    );
    assert!(seen["export_bytes"].as_u64().unwrap() > 100);
}

#[tokio::test]
async fn an_aksk_signed_import_is_verified_over_its_bytes_and_an_unsigned_json_body_is_not() {
    let fake = FakeSecMaster::start().await.unwrap();
    let (p, w, f) = page();
    let signed = client_with(&fake, Credentials::ak_sk(FAKE_AK, FAKE_SK));
    let file = signed
        .export_workflows(&p, &w, [f.as_str()])
        .send()
        .await
        .unwrap();
    signed.delete_workflow(&p, &w, &f).send().await.unwrap();
    signed
        .import_workflows(&p, &w, "été.json", file.to_vec())
        .send()
        .await
        .unwrap();
    // UNSIGNED-PAYLOAD stands for an upload's body, never for a JSON one.
    let path = format!("/v1/{p}/workspaces/{w}/soc/workflows");
    let date = secmaster::signer::sdk_date(std::time::SystemTime::now());
    let host = fake.endpoint().trim_start_matches("http://").to_owned();
    let body = br#"{"name":"unsigned","engine_type":"public_engine","aop_type":"NORMAL","dataclass_id":"e410ae50-43fa-343e-807a-a2a9edb8018e"}"#;
    for declared in ["UNSIGNED-PAYLOAD", "0000"] {
        let headers = [
            ("content-type", "application/json;charset=UTF-8"),
            ("host", host.as_str()),
            ("x-project-id", p.as_str()),
            ("x-sdk-content-sha256", declared),
            ("x-sdk-date", date.as_str()),
        ];
        let request = secmaster::signer::Request {
            method: "POST",
            path: &path,
            query: None,
            headers: &headers,
            body,
        };
        let signature = secmaster::signer::sign(&request, FAKE_AK, FAKE_SK, &date);
        let mut post = reqwest::Client::new().post(format!("{}{path}", fake.endpoint()));
        for (name, value) in headers.iter().filter(|(n, _)| *n != "host") {
            post = post.header(*name, *value);
        }
        let response = post
            .header("authorization", signature.authorization)
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{declared}");
    }
    let created = client(&fake)
        .list_workflows(&p, &w)
        .name("unsigned")
        .send()
        .await
        .unwrap();
    assert_eq!(created.total, Some(0));
}

#[tokio::test]
async fn faults_can_be_seeded_per_operation() {
    let seeded = r#"{"faults": [
        {"operation": "ShowAopWorkflow", "times": 2, "fault": {"status": {"status": 503, "retry_after": null}}},
        {"operation": "ListWorkflows", "fault": "success_false"}
    ]}"#;
    let mut config = secmaster_fake::Config::from_json(seeded).unwrap();
    let default = secmaster_fake::Config::default();
    config.tokens = default.tokens;
    config.workflows = default.workflows;
    let fake = FakeSecMaster::start_with(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let c = client(&fake);
    let (p, w, f) = page();
    let e = c.list_workflows(&p, &w).send().await.unwrap_err();
    assert_eq!(e.code(), Some("SecMaster.00040001"), "{e}");
    c.list_workflows(&p, &w).send().await.unwrap();
    c.show_workflow(&p, &w, &f).send().await.unwrap();
    let shows = fake
        .journal()
        .iter()
        .filter(|e| e.path.ends_with(&f))
        .count();
    assert_eq!(shows, 3, "two 503s, then the workflow");
    let fault: secmaster_fake::SeedFault =
        serde_json::from_str(r#"{"fault": {"delay_ms": 250}}"#).unwrap();
    assert_eq!(fault.fault, Fault::Delay(Duration::from_millis(250)));
    assert_eq!((fault.operation, fault.times), (None, 1));
}

#[tokio::test]
async fn a_query_enum_value_the_spec_does_not_list_is_refused_on_every_list() {
    let fake = FakeSecMaster::start().await.unwrap();
    let (p, w, f) = page();
    let get = |rest: String| {
        let url = format!("{}/v1/{p}/workspaces/{w}/soc/{rest}", fake.endpoint());
        async move {
            let answer = reqwest::Client::new()
                .get(url)
                .header("x-auth-token", FAKE_TOKEN)
                .send()
                .await
                .unwrap();
            let status = answer.status().as_u16();
            let body: serde_json::Value = answer.json().await.unwrap();
            (status, body)
        }
    };
    for (rest, name) in [
        ("workflows?sortby=ODD".to_owned(), "sortby"),
        ("workflows/instances?sort_dir=ODD".to_owned(), "sort_dir"),
        (format!("workflows/{f}/versions?status=ODD"), "status"),
        (
            "playbooks/instances?offset=0&limit=1&date_type=ODD".to_owned(),
            "date_type",
        ),
    ] {
        let (status, body) = get(rest.clone()).await;
        assert_eq!(
            (status, &body["code"]),
            (400, &serde_json::json!(codes::INVALID_LABELS)),
            "{rest}: {body}"
        );
        let message = body["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("{name} must be one of ")),
            "{rest}: {message}"
        );
        assert!(message.ends_with(r#"not "ODD""#), "{rest}: {message}");
    }
    let (status, body) = get("workflows?sortby=create_time".to_owned()).await;
    assert_eq!(status, 200, "a listed value passes: {body}");
}
