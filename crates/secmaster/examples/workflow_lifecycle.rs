//! A workflow's life in SecMaster: find it, look at its versions, create, submit, approve and
//! activate a new one, enable the workflow with it, run it and wait for the run. Against a
//! local fake started in-process by default; against Huawei Cloud when the default credentials
//! chain finds credentials (read-only unless `--write`). `--help` explains both.

mod common;

use std::process::ExitCode;
use std::time::Duration;

use common::{Result, id, step, total, when};
use secmaster::{Client, Credentials, DefaultChain, ProvideCredentials, Provided};
use secmaster::{Workflow, WorkflowVersion};

const HELP: &str = "\
workflow_lifecycle: walk a SecMaster workflow through its life.

WITHOUT CREDENTIALS (the default on a fresh machine: the credentials chain finds nothing)
  cargo run -p secmaster --example workflow_lifecycle
  Starts a local fake SecMaster in-process and, on its seeded workflow (the API page's example):
  lists the workflows, shows the workflow's versions, creates a new version and submits it,
  approves and activates it, enables the workflow with it, runs the workflow and waits for the
  run, then shows a call the client refuses before sending anything (enabling without a version).

AGAINST HUAWEI CLOUD
  HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=... HUAWEICLOUD_SDK_REGION=cn-north-4 \\
    cargo run -p secmaster --example workflow_lifecycle -- PROJECT_ID WORKSPACE_ID [WORKFLOW_ID] [--write]
    cargo run -p secmaster --example workflow_lifecycle -- WORKSPACE_ID      (the project from the credentials)
  Read-only by default: lists the workspace's workflows and, given WORKFLOW_ID, its versions and
  recent runs. With --write it walks the whole life on WORKFLOW_ID as above, which creates a
  version, changes which one is activated, enables the workflow and runs it: do this on a
  workflow meant for trying things.
  Credentials from the default chain (README, Credentials): OIDC federation
  (HUAWEICLOUD_OIDC_PROVIDER_URN + HUAWEICLOUD_OIDC_AGENCY_URN with HUAWEICLOUD_OIDC_ID_TOKEN or
  HUAWEICLOUD_OIDC_TOKEN_FILE), else HUAWEICLOUD_SDK_AK + HUAWEICLOUD_SDK_SK
  (+ HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary keys) or SECMASTER_AUTH_TOKEN, else the profile
  file ~/.huaweicloud/credentials (or $HUAWEICLOUD_SDK_CREDENTIALS_FILE), else a CCE pod's identity
  (HC_CONTAINER_CREDENTIALS_FULL_URI). The ECS metadata service is asked only with --ecs-metadata,
  so that a machine with nothing configured starts the fake at once instead of waiting on
  169.254.169.254. The region comes from HUAWEICLOUD_SDK_REGION (read by the client builder); an
  endpoint override from HUAWEICLOUD_SDK_REGION_SECMASTER_<REGION>. With one argument it is the
  workspace, and the project is the credentials' (HUAWEICLOUD_SDK_PROJECT_ID, the profile's
  project_id) or IAM's for the region; with two or three the first is always the project.
";

/// A small topology for the new version (the crate Base64-encodes it).
const TOPOLOGY: &str = r#"{"nodes":[{"id":"start","type":"start"},{"id":"notify","type":"task","action":"Notify"}],"edges":[{"from":"start","to":"notify"}]}"#;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if common::asked_for_help(&args, HELP) {
        return ExitCode::SUCCESS;
    }
    // The default chain, without the metadata service unless asked (see HELP).
    let chain = if args.iter().any(|a| a == "--ecs-metadata") {
        Credentials::default_chain()
    } else {
        Credentials::default_chain().without_metadata()
    };
    let result = match chain.provide().await {
        Ok(Provided::Found(_)) => against_huawei_cloud(chain, &args).await,
        Ok(Provided::NotFound(_)) if args.is_empty() => against_the_fake().await,
        Ok(Provided::NotFound(looked)) => {
            Err(format!("no credentials found ({looked})\n\n{HELP}").into())
        }
        // Something broken (an AK without its SK, an unreadable file): said, never the fake.
        Err(e) => Err(e.into()),
    };
    common::exit(result)
}

/// Where the walk happens.
struct Place<'a> {
    client: &'a Client,
    project: &'a str,
    workspace: &'a str,
}

async fn against_the_fake() -> Result<()> {
    let on = common::start_the_fake().await?;
    let (fake, client) = (&on.fake, &on.client);
    let place = Place {
        client,
        project: &on.project,
        workspace: &on.workspace,
    };
    let workflow = find(&place).await?;
    walk(&place, &workflow).await?;

    step("A call the client refuses: enabling without a version");
    let sent_before = fake.journal().len();
    match client
        .update_workflow(place.project, place.workspace, &workflow)
        .enable("")
        .send()
        .await
    {
        Ok(_) => return Err("the client accepted enabling without a version".into()),
        Err(e) => println!("  refused: {e}"),
    }
    println!(
        "  requests sent for it: {}",
        fake.journal().len() - sent_before
    );
    Ok(())
}

async fn against_huawei_cloud(chain: DefaultChain, args: &[String]) -> Result<()> {
    let write = args.iter().any(|a| a == "--write");
    let positional: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    // The region from HUAWEICLOUD_SDK_REGION, read by the builder.
    let client = Client::builder().credentials_provider(chain).build()?;
    let (project, workspace, workflow) = match positional.as_slice() {
        [p, w, f] => ((*p).clone(), (*w).clone(), Some((*f).clone())),
        [p, w] => ((*p).clone(), (*w).clone(), None),
        [w] => (client.discover_project_id().await?, (*w).clone(), None),
        _ => {
            return Err(format!(
                "credentials found: give PROJECT_ID WORKSPACE_ID [WORKFLOW_ID], or WORKSPACE_ID\n\n{HELP}"
            )
            .into());
        }
    };
    if write && workflow.is_none() {
        return Err(format!("--write needs PROJECT_ID WORKSPACE_ID WORKFLOW_ID\n\n{HELP}").into());
    }
    println!("Using SecMaster at {}\n", client.endpoint());
    let place = Place {
        client: &client,
        project: &project,
        workspace: &workspace,
    };
    list(&place).await?;
    let Some(workflow) = workflow else {
        return Ok(());
    };
    if write {
        walk(&place, &workflow).await
    } else {
        versions(&place, &workflow).await?;
        step("Its recent runs (read-only; --write walks its whole life)");
        let runs = client
            .list_workflow_instances(&project, &workspace)
            .workflow_id(&workflow)
            .limit(10)
            .send()
            .await?;
        for run in &runs.items {
            println!(
                "  {:<38} {:<12} {}",
                run.id.as_deref().unwrap_or("-"),
                run.status.as_ref().map_or("-".into(), ToString::to_string),
                when(run.start_time.as_deref())
            );
        }
        println!(
            "  {} of {}; request id {}",
            runs.items.len(),
            total(runs.total),
            id(&runs.request_id)
        );
        Ok(())
    }
}

/// Lists the workspace's workflows and returns the first one's ID.
async fn find(place: &Place<'_>) -> Result<String> {
    let first = list(place).await?;
    first.ok_or_else(|| "the workspace has no workflow".into())
}

async fn list(place: &Place<'_>) -> Result<Option<String>> {
    step("The workspace's workflows");
    let page = place
        .client
        .list_workflows(place.project, place.workspace)
        .limit(10)
        .send()
        .await?;
    println!("  {:<38} {:<24} {:<8} version", "id", "name", "enabled");
    for w in &page.items {
        print_workflow(w);
    }
    println!(
        "  {} of {}; request id {}",
        page.items.len(),
        total(page.total),
        id(&page.request_id)
    );
    Ok(page.items.first().and_then(|w| w.id.clone()))
}

fn print_workflow(w: &Workflow) {
    println!(
        "  {:<38} {:<24} {:<8} {}",
        w.id.as_deref().unwrap_or("-"),
        w.name.as_deref().unwrap_or("-"),
        w.enabled.map_or("-".to_owned(), |e| e.to_string()),
        w.version.as_deref().unwrap_or("-")
    );
}

async fn versions(place: &Place<'_>, workflow: &str) -> Result<()> {
    step(&format!("The versions of {workflow}"));
    let versions = place
        .client
        .list_workflow_versions(place.project, place.workspace, workflow)
        .send()
        .await?;
    println!(
        "  {:<10}{:<38} {:<8} {:<17} request id",
        "", "id", "label", "status"
    );
    for v in &versions.items {
        print_version("", v, &None);
    }
    println!("  request id {}", id(&versions.request_id));
    Ok(())
}

/// A version's line; `request_id` is the call's that answered it (none in a list's lines).
fn print_version(label: &str, v: &WorkflowVersion, request_id: &Option<String>) {
    let request_id = if request_id.is_some() {
        id(request_id)
    } else {
        ""
    };
    println!(
        "  {label:<10}{:<38} {:<8} {:<17} {request_id}",
        v.id.as_deref().unwrap_or("-"),
        v.version.as_deref().unwrap_or("-"),
        v.status.as_ref().map_or("-".into(), ToString::to_string)
    );
}

/// The life of `workflow`: versions, a new version through review to activation, enabling,
/// a run and its end.
async fn walk(place: &Place<'_>, workflow: &str) -> Result<()> {
    let (c, p, w) = (place.client, place.project, place.workspace);
    versions(place, workflow).await?;

    step("A new version: created, submitted, approved, activated");
    let version = common::activated_version(&c.workspace(p, w), workflow, TOPOLOGY).await?;

    step("The workflow enabled with it");
    let enabled = c
        .update_workflow(p, w, workflow)
        .enable(&version)
        .send()
        .await?;
    print_workflow(&enabled.value);
    println!("  request id {}", id(&enabled.request_id));

    step("A run, and its end");
    let run = c
        .run_workflow(p, w, workflow)
        .context(serde_json::json!({"source": "secmaster example"}))
        .send()
        .await?;
    let instance = run
        .instance_id
        .clone()
        .ok_or("the run's answer names no instance")?;
    println!(
        "  started   {instance} (request id {})",
        id(&run.request_id)
    );
    let done = c
        .show_workflow_instance(p, w, &instance)
        .with_topology(true)
        .wait_until_done(Duration::from_secs(300))
        .await?;
    common::run_ended(&format!("run       {instance:<38}"), &done);
    Ok(())
}
