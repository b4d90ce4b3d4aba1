//! The playbook chapter on the fake, over real HTTP: a SOAR engine. Playbooks, versions, rules,
//! actions and approvals with their lifecycle refusals (`lifecycle.rs`); what triggers an
//! instance, what it runs and how it ends (`engine.rs`); what the chapter reports from what ran
//! (`reports.rs`); a version's rule, export and import, submitting and editing again
//! (`versions.rs`); the official Python SDK against the binary (`official.rs`). Bodies are the
//! pages' JSON; the `secmaster` client drives the calls where it has them.
#![allow(deprecated)]

mod engine;
mod lifecycle;
mod official;
#[path = "../common/official_sdk.rs"]
mod official_sdk;
#[path = "../common/page.rs"]
mod page;
mod reports;
mod review;
mod versions;

use std::time::Duration;

use secmaster::bindings::types::{CreatePlaybookAction, CreatePlaybookRuleInfo};
use secmaster_fake::{Config, FakeSecMaster, SeedWorkflow};
use serde_json::{Value, json};

pub use page::{alert, call, client, ok, page, soc};

/// The seeded workflow, which actions run.
pub fn workflow() -> String {
    SeedWorkflow::page_example().workflow.id.unwrap()
}

/// The Alert data class (the seeded workflow's).
pub fn alert_class() -> String {
    SeedWorkflow::page_example().workflow.dataclass_id.unwrap()
}

/// A fake whose runs take `run_time`; its seeded workflow's runs fail when `fail_runs`.
pub async fn fake_with(run_time: Duration, fail_runs: bool) -> FakeSecMaster {
    let mut config = Config::default();
    config.run_time = run_time;
    config.workflows[0].fail_runs = fail_runs;
    FakeSecMaster::start_with(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

/// What a playbook is made with: its version's trigger and flags, its rule, its actions'
/// workflows.
pub struct Book {
    pub name: &'static str,
    pub trigger: &'static str,
    pub on_create: bool,
    pub on_update: bool,
    /// `[field, operator, value]` of the one condition, or no rule.
    pub rule: Option<[&'static str; 3]>,
    pub workflows: Vec<String>,
}

impl Book {
    /// A playbook for alerts created, whose rule picks High ones, running the seeded workflow.
    pub fn high_alerts(name: &'static str) -> Self {
        Self {
            name,
            trigger: "EVENT",
            on_create: true,
            on_update: false,
            rule: Some(["severity", "==", "High"]),
            workflows: vec![workflow()],
        }
    }
}

/// A playbook and its version.
pub struct Made {
    pub playbook: String,
    pub version: String,
}

/// The rule of `book`'s version, as CreatePlaybookRule's body (`{"rule": {..}}`).
pub fn rule_body(data: [&str; 3]) -> Value {
    json!({"rule": {"expression_type": "common", "logics": ["c"],
        "conditions": [{"name": "c", "detail": "the book's rule", "data": data}]}})
}

/// The actions running `workflows`, as CreatePlaybookAction's body.
pub fn actions_body(workflows: &[String]) -> Value {
    let actions = workflows.iter().enumerate().map(|(i, w)| {
        json!({"name": format!("action {i}"), "description": "runs a workflow",
            "action_type": "AOP_WORKFLOW", "action_id": w, "sort_order": i.to_string()})
    });
    Value::Array(actions.collect())
}

/// Makes `book` up to a version that is still being edited, its rule and actions inline (the
/// newest page's CreatePlaybookVersion), through the client.
pub async fn draft(fake: &FakeSecMaster, book: &Book) -> Made {
    let (p, w) = page();
    let c = client(fake);
    if book.workflows.contains(&workflow()) {
        enable_workflow(fake).await;
    }
    let made = c
        .create_playbook(&p, &w)
        .name(book.name)
        .workspace_id(&w)
        .send()
        .await
        .unwrap();
    let playbook = made.id.clone().unwrap();
    let actions: Vec<CreatePlaybookAction> =
        serde_json::from_value(actions_body(&book.workflows)).unwrap();
    let mut version = c
        .create_playbook_version(&p, &w, &playbook)
        .description("v1")
        .workspace_id(&w)
        .playbook_id(&playbook)
        .dataclass_id(alert_class())
        .rule_enable(book.rule.is_some())
        .trigger_type(book.trigger.into())
        .dataobject_create(book.on_create)
        .dataobject_update(book.on_update)
        .action_strategy("ASYNC".into())
        .actions(actions);
    if let Some(data) = book.rule {
        let rule: CreatePlaybookRuleInfo = serde_json::from_value(rule_body(data)).unwrap();
        version = version.rule(rule);
    }
    let version = version.send().await.unwrap().id.clone().unwrap();
    Made { playbook, version }
}

/// Enables the seeded workflow on its activated version (a disabled workflow's action fails).
pub async fn enable_workflow(fake: &FakeSecMaster) {
    let (p, w) = page();
    client(fake)
        .update_workflow(&p, &w, workflow())
        .enable("ver-0001")
        .send()
        .await
        .unwrap();
}

/// Submits `version` for review: it is APPROVING.
pub async fn submit(fake: &FakeSecMaster, version: &str) {
    let (p, w) = page();
    let submitted = client(fake)
        .update_playbook_version(&p, &w, version)
        .submit()
        .send()
        .await
        .unwrap();
    assert_eq!(
        submitted.status.as_ref().map(|s| s.as_str()),
        Some("APPROVING")
    );
}

/// Submits and approves version `version` through the client's intent methods.
pub async fn publish(fake: &FakeSecMaster, version: &str) {
    submit(fake, version).await;
    let (p, w) = page();
    client(fake)
        .review_playbook_version(&p, &w, version)
        .approve("fine")
        .send()
        .await
        .unwrap();
}

/// Enables playbook `made` on its version, through the client's intent method.
pub async fn enable(fake: &FakeSecMaster, made: &Made) {
    let (p, w) = page();
    client(fake)
        .update_playbook(&p, &w, &made.playbook)
        .enable(&made.version)
        .send()
        .await
        .unwrap();
}

/// Makes `book` enabled on a published version.
pub async fn enabled(fake: &FakeSecMaster, book: &Book) -> Made {
    let made = draft(fake, book).await;
    publish(fake, &made.version).await;
    enable(fake, &made).await;
    made
}

/// Disables and deletes the seeded workflow: its runs go with it.
pub async fn delete_workflow(fake: &FakeSecMaster) {
    let (p, w) = page();
    let c = client(fake);
    let update = c.update_workflow(&p, &w, workflow());
    update.disable().send().await.unwrap();
    c.delete_workflow(&p, &w, workflow()).send().await.unwrap();
}

/// Playbook instance `id` as ShowPlaybookInstance answers it.
pub async fn shown_instance(fake: &FakeSecMaster, id: &str) -> Value {
    let path = soc(&format!("playbooks/instances/{id}"));
    ok(fake, reqwest::Method::GET, &path, None).await
}

/// The ID of the newest playbook instance.
pub async fn newest_instance(fake: &FakeSecMaster) -> String {
    instances(fake).await[0]["id"].as_str().unwrap().to_owned()
}

/// The playbook instances (every one, newest first), paged through by the client.
pub async fn instances(fake: &FakeSecMaster) -> Vec<Value> {
    let (p, w) = page();
    let all = client(fake)
        .list_playbook_instances(&p, &w)
        .offset(0)
        .limit(2)
        .items()
        .try_collect_vec()
        .await
        .unwrap();
    all.iter()
        .map(|i| serde_json::to_value(i).unwrap())
        .collect()
}

/// Waits (the client's waiter) until instance `id` is no longer RUNNING; its last state.
pub async fn ended(fake: &FakeSecMaster, id: &str) -> Value {
    let (p, w) = page();
    let done = client(fake)
        .show_playbook_instance(&p, &w, id)
        .wait_until_done(Duration::from_secs(20))
        .await
        .unwrap();
    serde_json::to_value(&*done).unwrap()
}
