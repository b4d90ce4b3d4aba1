//! An import leaves the store in a state the version rules allow, or is refused whole: 400 with
//! the rule's code, nothing stored, no sequence number taken.

use secmaster::{Client, Credentials, RetryPolicy};
use secmaster_fake::{FAKE_TOKEN, FakeSecMaster, SeedWorkflow, codes};
use serde_json::{Value, json};

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
    Client::builder()
        .endpoint(fake.endpoint())
        .credentials(Credentials::token(FAKE_TOKEN))
        .retry(RetryPolicy::default().max_attempts(1))
        .build()
        .unwrap()
}

fn version(id: &str, status: &str) -> Value {
    json!({"id": id, "version": id, "name": "v", "status": status, "taskflow": "e30=", "taskconfig": "{}"})
}

fn workflow(name: &str, version_id: &str, versions: Vec<Value>) -> Value {
    json!({"workflow": {"name": name, "dataclass_id": DATACLASS, "version_id": version_id}, "versions": versions})
}

fn file(workflows: Vec<Value>) -> Vec<u8> {
    json!({"format": "secmaster-fake/workflows", "version": 1, "workflows": workflows})
        .to_string()
        .into_bytes()
}

#[tokio::test]
async fn an_import_that_breaks_a_version_rule_is_refused_whole() {
    let fake = FakeSecMaster::start().await.unwrap();
    let c = client(&fake);
    let (p, w, _) = page();
    let good = || workflow("good", "", vec![version("a", "not_activated")]);
    let mut unknown_class = workflow("classless", "", vec![]);
    unknown_class["workflow"]["dataclass_id"] = json!("no-such-class");
    let cases = [
        (
            workflow(
                "two-active",
                "a",
                vec![version("a", "activated"), version("b", "activated")],
            ),
            codes::WRONG_VERSION_STATUS,
        ),
        (
            workflow(
                "two-pending",
                "",
                vec![
                    version("a", "pending_approval"),
                    version("b", "pending_approval"),
                ],
            ),
            codes::WRONG_VERSION_STATUS,
        ),
        (
            workflow("hacked", "", vec![version("a", "hacked-status")]),
            codes::INVALID_LABELS,
        ),
        (
            workflow("no-status", "", vec![json!({"id": "a"})]),
            codes::MISSING_FIELD,
        ),
        (
            workflow(
                "twins",
                "",
                vec![version("a", "rejected"), version("a", "rejected")],
            ),
            codes::WRONG_VERSION_STATUS,
        ),
        (
            workflow("foreign", "ver-0001", vec![version("a", "activated")]),
            codes::UNKNOWN_VERSION,
        ),
        (
            workflow("inactive", "a", vec![version("a", "not_activated")]),
            codes::VERSION_NOT_ACTIVATED,
        ),
        (
            workflow(
                "bad-flow",
                "",
                vec![json!({"id": "a", "status": "rejected", "taskflow": "%%"})],
            ),
            codes::INVALID_TASKFLOW,
        ),
        (unknown_class, codes::UNKNOWN_DATACLASS),
    ];
    let seq = fake.sequence();
    for (bad, code) in cases {
        let name = bad["workflow"]["name"].clone();
        // The good workflow first: a refusal stores none of the file.
        let import = c
            .import_workflows(&p, &w, "f.json", file(vec![good(), bad]))
            .send()
            .await;
        let e = import.unwrap_err();
        assert_eq!(
            (e.status(), e.code()),
            (Some(400), Some(code)),
            "{name}: {e}"
        );
        assert_eq!(fake.sequence(), seq, "{name}");
        assert_eq!(
            c.list_workflows(&p, &w).send().await.unwrap().total,
            Some(1),
            "{name}"
        );
    }
}

/// What follows from the versions is set from them: the workflow's activated version and the one
/// pending approval, each version's `enabled`, its data class.
#[tokio::test]
async fn an_import_within_the_rules_is_stored_as_they_say() {
    let fake = FakeSecMaster::start().await.unwrap();
    let c = client(&fake);
    let (p, w, _) = page();
    let mut versions = vec![
        version("a", "activated"),
        version("b", "pending_approval"),
        version("c", "rejected"),
    ];
    versions[0]["enabled"] = json!(false);
    versions[2]["enabled"] = json!(true);
    let imported = workflow("kept", "", versions);
    c.import_workflows(&p, &w, "f.json", file(vec![imported]))
        .send()
        .await
        .unwrap();
    let listed = c.list_workflows(&p, &w).name("kept").send().await.unwrap();
    let info = &listed.items[0];
    let id = info.id.clone().unwrap();
    let versions = c
        .list_workflow_versions(&p, &w, &id)
        .send()
        .await
        .unwrap()
        .items;
    let by_label = |label: &str| {
        versions
            .iter()
            .find(|v| v.version.as_deref() == Some(label))
            .unwrap()
    };
    let (a, b, v_c) = (by_label("a"), by_label("b"), by_label("c"));
    assert_eq!(info.version_id, a.id, "its activated version");
    assert_eq!(info.version.as_deref(), Some("a"));
    let raw = fake.workflow(&p, &w, &id).unwrap();
    assert_eq!(raw.current_approval_version_id, b.id);
    assert_eq!(
        (a.enabled, b.enabled, v_c.enabled),
        (Some(true), Some(false), Some(false))
    );
    assert_eq!(a.dataclass_id.as_deref(), Some(DATACLASS));
    // The lifecycle goes on from there: one version waits for review, so no other is submitted.
    let e = c
        .update_workflow_version(&p, &w, v_c.id.clone().unwrap())
        .submit()
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::WRONG_VERSION_STATUS), "{e}");
}
