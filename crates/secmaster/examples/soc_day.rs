//! A SOC's day in SecMaster: a workflow and its activated version; a playbook whose rule picks
//! high-severity alerts and whose action is that workflow, submitted, approved and enabled; an
//! alert arrives and the playbook's instance runs the workflow; the alert becomes an incident;
//! and a call the client refuses before sending. Against a local fake started in-process by
//! default; against Huawei Cloud when the default credentials chain finds credentials
//! (read-only unless `--write`). `--help` explains both.

mod common;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use common::{Result, id, row, step, total, when};
use secmaster::bindings::open_enums::{AlertSeverity, HandleStatus, PlaybookTriggerType};
use secmaster::bindings::types;
use secmaster::search::{Condition, Operator};
use secmaster::{AopType, WorkspaceClient};

const HELP: &str = "\
soc_day: a SOC's day in SecMaster, from a workflow to a playbook that runs it on an alert.

WITHOUT CREDENTIALS (the default on a fresh machine: the credentials chain finds nothing)
  cargo run -p secmaster --example soc_day
  Starts a local fake SecMaster in-process and, in its workspace, in a few seconds:
  1. a workflow and its version, submitted, approved, activated; the workflow enabled;
  2. a playbook whose rule picks High alerts and whose action is that workflow, submitted,
     approved, enabled;
  3. a High alert (and a Low one, which the rule leaves alone);
  4. the instance the High alert started, awaited, and what it ran (topology, the run);
  5. the alert converted into an incident, and the relation;
  6. a call the client refuses before sending anything (enabling without a version).
  Each step prints a short table with its request IDs, times in UTC.

AGAINST HUAWEI CLOUD
  HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=... HUAWEICLOUD_SDK_REGION=cn-north-4 \\
    cargo run -p secmaster --example soc_day -- PROJECT_ID WORKSPACE_ID [--write]
  Read-only by default: lists the workspace's playbooks and recent instances. --write does the
  whole day in your workspace and leaves what it made there (a workflow, a playbook, two alerts,
  an incident): use a workspace meant for trying things. Credentials: the default chain
  (README, Credentials) without the ECS metadata service.
";

/// The playbook version's description.
const DESCRIPTION: &str = "High alerts, when created";

/// The workflow's topology: a start node and a notification (the crate Base64-encodes it).
const TOPOLOGY: &str = r#"{"nodes":[{"id":"start","type":"start"},{"id":"notify","type":"task","action":"Notify"}],"edges":[{"from":"start","to":"notify"}]}"#;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if common::asked_for_help(&args, HELP) {
        return ExitCode::SUCCESS;
    }
    common::exit(run(&args).await)
}

async fn run(args: &[String]) -> Result<()> {
    let places: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let place = common::huawei_cloud_or_fake(&places, HELP).await?;
    if let Some(soc) = &place {
        println!("Using SecMaster at {}\n", soc.client().endpoint());
    }
    match place {
        Some(soc) if args.iter().any(|a| a == "--write") => {
            day(&soc).await?;
            refused(&soc).await
        }
        Some(soc) => look(&soc).await,
        None => on_the_fake().await,
    }
}

async fn on_the_fake() -> Result<()> {
    let on = common::start_the_fake().await?;
    let soc = on.client.workspace(&on.project, &on.workspace);
    let started = Instant::now();
    day(&soc).await?;
    let sent_before = on.fake.journal().len();
    refused(&soc).await?;
    let sent = on.fake.journal().len() - sent_before;
    println!("  requests sent for it: {sent}");
    if sent != 0 {
        return Err("the refused call reached the service".into());
    }
    println!("\nThe day took {:.1} s.", started.elapsed().as_secs_f64());
    Ok(())
}

/// Read-only: the workspace's playbooks and recent playbook instances.
async fn look(soc: &WorkspaceClient) -> Result<()> {
    step("The workspace's playbooks");
    let page = soc.list_playbooks().offset(0).limit(10).send().await?;
    println!("  {:<38} {:<30} enabled", "id", "name");
    for p in &page.items {
        println!(
            "  {:<38} {:<30} {}",
            p.id.as_deref().unwrap_or("-"),
            p.name.as_deref().unwrap_or("-"),
            p.enabled.map_or("-".into(), |e| e.to_string())
        );
    }
    println!(
        "  {} of {}; request id {}",
        page.items.len(),
        total(page.total),
        id(&page.request_id)
    );
    step("Recent playbook instances");
    let instances = soc
        .list_playbook_instances()
        .offset(0)
        .limit(10)
        .send()
        .await?;
    print_instances(&instances.items);
    println!("  request id {}", id(&instances.request_id));
    println!("\nRead-only: nothing changed (--write walks the whole day).");
    Ok(())
}

/// The day itself, on the fake or (with `--write`) on Huawei Cloud.
async fn day(soc: &WorkspaceClient) -> Result<()> {
    let alert_class = alert_class(soc).await?;
    let workflow = workflow(soc, &alert_class).await?;
    playbook(soc, &alert_class, &workflow).await?;
    let (high, low) = alerts(soc).await?;
    instance(soc, (&high, &low), &workflow).await?;
    incident(soc, &high.id).await
}

/// The ID of the Alert data class, which the workflow and the playbook work on.
async fn alert_class(soc: &WorkspaceClient) -> Result<String> {
    let classes = soc.list_dataclass().name("Alert").limit(10).send().await?;
    let alert = classes
        .items
        .iter()
        .find(|c| c.name.as_deref() == Some("Alert"));
    alert
        .and_then(|c| c.id.clone())
        .ok_or_else(|| "the workspace has no Alert data class".into())
}

/// Step 1: a workflow with an activated version, enabled.
async fn workflow(soc: &WorkspaceClient, alert_class: &str) -> Result<String> {
    step("1. A workflow, its version activated, the workflow enabled");
    let made = soc
        .create_workflow()
        .name("Notify the on-call engineer")
        .description("made by the soc_day example")
        .aop_type(AopType::Normal)
        .dataclass_id(alert_class)
        .send()
        .await?;
    let workflow = made.id.clone().ok_or("the new workflow has no ID")?;
    row("workflow", &workflow, "created", &made.request_id);
    let version = common::activated_version(soc, &workflow, TOPOLOGY).await?;
    let enabled = soc
        .update_workflow(&workflow)
        .enable(&version)
        .send()
        .await?;
    row("workflow", &workflow, "enabled", &enabled.request_id);
    Ok(workflow)
}

/// Step 2: a playbook whose rule picks High alerts and whose action is `workflow`, enabled.
async fn playbook(soc: &WorkspaceClient, alert_class: &str, workflow: &str) -> Result<()> {
    step("2. A playbook: High alerts run the workflow; submitted, approved, enabled");
    let made = soc
        .create_playbook()
        .name("Page on high alerts")
        .description("made by the soc_day example")
        .send()
        .await?;
    let playbook = made.id.clone().ok_or("the new playbook has no ID")?;
    row("playbook", &playbook, "created", &made.request_id);
    let draft = soc
        .create_playbook_version(&playbook)
        .description(DESCRIPTION)
        .dataclass_id(alert_class)
        .trigger_type(PlaybookTriggerType::Event)
        .dataobject_create(true)
        .rule_enable(true)
        .rule(Condition::field("severity", Operator::Eq, "High"))
        .runs_workflow(workflow)
        .send()
        .await?;
    let version = draft
        .id
        .clone()
        .ok_or("the new playbook version has no ID")?;
    row("version", &version, "created", &draft.request_id);
    // Submitted with the version's fields again, as Terraform submits one.
    let submitted = soc
        .update_playbook_version(&version)
        .description(DESCRIPTION)
        .dataclass_id(alert_class)
        .trigger_type(PlaybookTriggerType::Event)
        .dataobject_create(true)
        .rule_enable(true)
        .submit()
        .send()
        .await?;
    row("version", &version, "submitted", &submitted.request_id);
    let review = soc
        .review_playbook_version(&version)
        .approve("fine")
        .send()
        .await?;
    row("version", &version, "approved", &review.request_id);
    let enabled = soc
        .update_playbook(&playbook)
        .enable(&version)
        .send()
        .await?;
    row("playbook", &playbook, "enabled", &enabled.request_id);
    Ok(())
}

/// An alert as the day follows it: its ID and its title (the instances' data object name).
struct Alert {
    id: String,
    title: String,
}

/// Step 3: a High alert and a Low one, their titles this run's own.
async fn alerts(soc: &WorkspaceClient) -> Result<(Alert, Alert)> {
    step("3. Alerts arrive");
    let mut made = Vec::new();
    for (title, severity) in [
        ("Brute force on ssh from 203.0.113.7", "High"),
        ("Port scan from 198.51.100.4", "Low"),
    ] {
        let title = common::stamped(title);
        let alert = soc
            .create_alert()
            .title(&title)
            .severity(AlertSeverity::from(severity))
            .handle_status(HandleStatus::Open)
            .send()
            .await?;
        let id = alert.id.clone().ok_or("the new alert has no ID")?;
        row("alert", &id, severity, &alert.request_id);
        made.push(Alert { id, title });
    }
    let low = made.pop().ok_or("no Low alert")?;
    let high = made.pop().ok_or("no High alert")?;
    Ok((high, low))
}

/// The playbook instances of `alert`: every page of those whose data object has its title,
/// kept when it is the alert itself.
async fn instances_of(
    soc: &WorkspaceClient,
    alert: &Alert,
) -> Result<Vec<types::PlaybookInstanceInfo>> {
    let named = soc.list_playbook_instances().dataobject_name(&alert.title);
    let all = named.items().try_collect_vec().await?;
    let about = |i: &types::PlaybookInstanceInfo| {
        i.dataobject.as_ref().and_then(|o| o.id.as_deref()) == Some(alert.id.as_str())
    };
    Ok(all.into_iter().filter(about).collect())
}

/// Step 4: the instance the High alert started, awaited, and what it ran; none for the Low.
async fn instance(
    soc: &WorkspaceClient,
    (high, low): (&Alert, &Alert),
    workflow: &str,
) -> Result<()> {
    step("4. The playbook's instance runs the workflow");
    let deadline = Instant::now() + Duration::from_secs(60);
    let started = loop {
        if let Some(found) = instances_of(soc, high).await?.into_iter().next() {
            break found;
        }
        if Instant::now() > deadline {
            return Err("no playbook instance started for the High alert within 60 s".into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let for_low = instances_of(soc, low).await?.len();
    println!("  instances: one for the High alert; {for_low} for the Low one, as its rule says");
    if for_low > 0 {
        return Err("the rule picks High alerts, yet the Low one started an instance".into());
    }
    let instance = started.id.clone().ok_or("the instance has no ID")?;
    let done = soc
        .show_playbook_instance(&instance)
        .wait_until_done(Duration::from_secs(300))
        .await?;
    print_instances(std::slice::from_ref(&done.value));
    println!("  request id {}", id(&done.request_id));
    let topology = soc.show_playbook_topology(&instance).send().await?;
    for node in &topology.items {
        let log = node.instance_log.as_ref();
        let action = node.action.as_ref();
        println!(
            "  ran workflow {:<38} {:<10} ended {}",
            action.and_then(|a| a.action_id.as_deref()).unwrap_or("-"),
            log.and_then(|l| l.status.as_ref())
                .map_or("-".into(), ToString::to_string),
            when(log.and_then(|l| l.end_time.as_deref()))
        );
    }
    println!("  topology request id {}", id(&topology.request_id));
    let runs = soc
        .list_workflow_instances()
        .workflow_id(workflow)
        .limit(10)
        .send()
        .await?;
    println!("  workflow runs request id {}", id(&runs.request_id));
    for listed in &runs.items {
        let run_id = listed.id.as_deref().ok_or("a run without an ID")?;
        let run = soc
            .show_workflow_instance(run_id)
            .with_topology(true)
            .send()
            .await?;
        common::run_ended(&format!("its run {run_id:<38}"), &run);
    }
    Ok(())
}

/// Step 5: the alert converted into an incident, and the relation shown.
async fn incident(soc: &WorkspaceClient, alert: &str) -> Result<()> {
    step("5. The alert becomes an incident");
    let title = common::stamped("Brute force on ssh");
    let incident = common::convert(soc, vec![alert.to_owned()], &title, "Brute force").await?;
    let related = soc
        .list_dataobject_relations("incidents", &incident, "alerts")
        .send()
        .await?;
    for r in &related.items {
        let alert = r.id.as_deref().unwrap_or("-");
        println!(
            "  related   {alert:<38} its alert  {}",
            id(&related.request_id)
        );
    }
    Ok(())
}

/// Step 6: a call the client refuses before sending.
async fn refused(soc: &WorkspaceClient) -> Result<()> {
    step("6. A call the client refuses: enabling a playbook without a version");
    match soc.update_playbook("any-playbook").enable("").send().await {
        Err(e) if e.field() == Some("active_version_id") => {
            println!("  refused: {e}");
            Ok(())
        }
        Err(e) => Err(format!("expected a refusal naming active_version_id, got: {e}").into()),
        Ok(_) => Err("the client accepted enabling without a version".into()),
    }
}

fn print_instances(instances: &[types::PlaybookInstanceInfo]) {
    println!(
        "  {:<38} {:<24} {:<10} {:<23} ended",
        "instance", "playbook", "status", "started"
    );
    for i in instances {
        println!(
            "  {:<38} {:<24} {:<10} {:<23} {}",
            i.id.as_deref().unwrap_or("-"),
            i.playbook
                .as_ref()
                .and_then(|p| p.name.as_deref())
                .unwrap_or("-"),
            i.status.as_ref().map_or("-".into(), ToString::to_string),
            when(i.start_time.as_deref()),
            when(i.end_time.as_deref())
        );
    }
}
