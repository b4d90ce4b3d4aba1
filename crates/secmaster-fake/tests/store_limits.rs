//! The store's limits per workspace ([`Limits`]): workflows, versions of a workflow, runs, the
//! size of one object, of a workspace and of a run's context. Past each, the pages' 400 with
//! `LIMIT_EXCEEDED`, and nothing changed (no sequence number taken). And a run's end takes a
//! sequence number of its own.

use std::time::Duration;

use secmaster::{AopType, Client, Credentials, Error, RetryPolicy};
use secmaster_fake::{
    Config, FAKE_TOKEN, FakeSecMaster, Limits, SEQUENCE_HEADER, SeedWorkflow, codes,
};

const DATACLASS: &str = "e410ae50-43fa-343e-807a-a2a9edb8018e";
const TOPOLOGY: &str = r#"{"nodes":[{"id":"start","type":"start"}],"edges":[]}"#;

fn page() -> (String, String, String) {
    let seed = SeedWorkflow::page_example();
    (
        seed.project_id,
        seed.workspace_id,
        seed.workflow.id.unwrap(),
    )
}

async fn start(change: impl FnOnce(&mut Limits)) -> FakeSecMaster {
    let mut config = Config::default();
    change(&mut config.limits);
    config.run_time = Duration::from_millis(200);
    FakeSecMaster::start_with(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

fn client(fake: &FakeSecMaster) -> Client {
    Client::builder()
        .endpoint(fake.endpoint())
        .credentials(Credentials::token(FAKE_TOKEN))
        .retry(RetryPolicy::default().max_attempts(1))
        .build()
        .unwrap()
}

/// A refusal for a limit, after which the store is as it was.
fn over_limit(fake: &FakeSecMaster, seq: u64, result: Result<impl std::fmt::Debug, Error>) {
    let e = result.unwrap_err();
    assert_eq!(
        (e.status(), e.code()),
        (Some(400), Some(codes::LIMIT_EXCEEDED)),
        "{e}"
    );
    assert_eq!(fake.sequence(), seq, "a refusal takes no sequence number");
}

async fn create(c: &Client, name: &str) -> Result<String, Error> {
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

async fn version(c: &Client, workflow: &str, taskconfig: &str) -> Result<String, Error> {
    let (p, w, _) = page();
    let v = c
        .create_workflow_version(p, w, workflow)
        .name("v")
        .description("a version")
        .taskflow(TOPOLOGY)
        .taskconfig(taskconfig)
        .aop_type(AopType::Normal)
        .send()
        .await?;
    Ok(v.id.clone().unwrap())
}

#[tokio::test]
async fn workflows_versions_and_objects_past_their_limits_are_refused() {
    let fake = start(|l| {
        l.max_workflows = 3;
        l.max_versions = 3;
        l.max_object_bytes = 64 * 1024;
    })
    .await;
    let c = client(&fake);
    let (p, w, f) = page();
    create(&c, "second").await.unwrap();
    let third = create(&c, "third").await.unwrap();
    let seq = fake.sequence();
    over_limit(&fake, seq, create(&c, "fourth").await);

    version(&c, &f, "{}").await.unwrap();
    let seq = fake.sequence();
    over_limit(&fake, seq, version(&c, &f, "{}").await);

    let big = format!("{{\"a\":\"{}\"}}", "x".repeat(70 * 1024));
    over_limit(&fake, seq, version(&c, &third, &big).await);
    let long = "d".repeat(70 * 1024);
    let update = c
        .update_workflow(&p, &w, &third)
        .description(long)
        .send()
        .await;
    over_limit(&fake, seq, update);
    assert_eq!(
        fake.workflow(&p, &w, &third)
            .unwrap()
            .description
            .as_deref(),
        Some("")
    );

    // Deleting makes room again.
    c.delete_workflow(&p, &w, &third).send().await.unwrap();
    create(&c, "fourth").await.unwrap();
}

#[tokio::test]
async fn a_workspace_past_its_bytes_is_refused() {
    let fake = start(|l| l.max_workspace_bytes = 256 * 1024).await;
    let c = client(&fake);
    let (_, _, f) = page();
    let config = format!("{{\"a\":\"{}\"}}", "x".repeat(80 * 1024));
    for _ in 0..3 {
        version(&c, &f, &config).await.unwrap();
    }
    let seq = fake.sequence();
    over_limit(&fake, seq, version(&c, &f, &config).await);
}

#[tokio::test]
async fn runs_and_their_context_past_their_limits_are_refused() {
    let fake = start(|l| {
        l.max_runs = 2;
        l.max_run_context_bytes = 1024;
    })
    .await;
    let c = client(&fake);
    let (p, w, f) = page();
    c.update_workflow(&p, &w, &f)
        .enable("ver-0001")
        .send()
        .await
        .unwrap();
    let run = |context: serde_json::Value| {
        c.run_workflow(&p, &w, &f)
            .dataclass_id(DATACLASS)
            .context(context)
            .send()
    };
    let seq = fake.sequence();
    over_limit(
        &fake,
        seq,
        run(serde_json::json!({"big": "x".repeat(2000)})).await,
    );
    run(serde_json::json!({"alert": 1})).await.unwrap();
    run(serde_json::json!({"alert": 2})).await.unwrap();
    let seq = fake.sequence();
    over_limit(&fake, seq, run(serde_json::json!({"alert": 3})).await);
}

/// A run that ends by itself takes the next sequence number, given in the answer of the
/// request that saw it end.
#[tokio::test]
async fn a_runs_end_takes_a_sequence_number() {
    let fake = start(|_| {}).await;
    let c = client(&fake);
    let (p, w, f) = page();
    c.update_workflow(&p, &w, &f)
        .enable("ver-0001")
        .send()
        .await
        .unwrap();
    c.run_workflow(&p, &w, &f)
        .dataclass_id(DATACLASS)
        .send()
        .await
        .unwrap();
    let started = fake.sequence();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let url = format!(
        "{}/v1/{p}/workspaces/{w}/soc/workflows/instances",
        fake.endpoint()
    );
    let answer = reqwest::Client::new()
        .get(&url)
        .header("X-Auth-Token", FAKE_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let seq = answer
        .headers()
        .get(SEQUENCE_HEADER)
        .map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(seq, Some((started + 1).to_string()), "the end's number");
    assert_eq!(fake.sequence(), started + 1);
    let again = reqwest::Client::new()
        .get(&url)
        .header("X-Auth-Token", FAKE_TOKEN)
        .send()
        .await
        .unwrap();
    assert!(
        again.headers().get(SEQUENCE_HEADER).is_none(),
        "nothing ended this time"
    );
}

/// An import past the limits is refused whole, before the file is read whole: a file of more
/// workflows than a workspace holds, and one workflow with 4 MB of `{}` versions.
#[tokio::test]
async fn an_import_past_the_limits_is_refused_whole() {
    let fake = start(|l| l.max_workflows = 3).await;
    let c = client(&fake);
    let (p, w, _) = page();
    let workflows: Vec<_> = (0..5)
        .map(|i| serde_json::json!({"workflow": {"name": format!("w{i}"), "dataclass_id": DATACLASS}, "versions": []}))
        .collect();
    let file = serde_json::json!({"format": "secmaster-fake/workflows", "version": 1, "workflows": workflows});
    let seq = fake.sequence();
    let import = c
        .import_workflows(&p, &w, "f.json", file.to_string().into_bytes())
        .send()
        .await;
    over_limit(&fake, seq, import);

    let mut file = br#"{"format":"secmaster-fake/workflows","version":1,"workflows":[{"workflow":{"name":"many"},"versions":["#.to_vec();
    while file.len() < 4 * 1024 * 1024 - 100 {
        file.extend_from_slice(b"{},");
    }
    file.extend_from_slice(b"{}]}]}");
    let started = std::time::Instant::now();
    let import = c.import_workflows(&p, &w, "f.json", file).send().await;
    over_limit(&fake, seq, import);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        c.list_workflows(&p, &w).send().await.unwrap().total,
        Some(1)
    );
}
