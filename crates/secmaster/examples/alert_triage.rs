//! Alert triage in SecMaster, as a SOC engineer automates it: search the open alerts of a
//! severity, convert them into one incident, relate an indicator to it, close the alerts with a
//! reason. Against a local fake started in-process by default (it creates a few alerts to work
//! on); against Huawei Cloud when the default credentials chain finds credentials, read-only
//! (the search) unless `--write`. `--help` explains both.

mod common;

use std::process::ExitCode;

use common::Result;
use secmaster::WorkspaceClient;
use secmaster::bindings::open_enums::{AlertSeverity, HandleStatus, IndicatorVerdict};
use secmaster::bindings::types;
use secmaster::search::{Condition, Operator};

const HELP: &str = "\
alert_triage: search open alerts, convert them into an incident, relate an indicator, close them.

WITHOUT CREDENTIALS (the default on a fresh machine: the credentials chain finds nothing)
  cargo run -p secmaster --example alert_triage [-- --severity High]
  Starts a local fake SecMaster in-process, creates five alerts in its workspace, then: searches
  the open alerts of the severity (High unless --severity says otherwise), converts them into one
  incident, finds the incident, creates an indicator and relates it to the incident, lists the
  incident's relations, and closes the alerts with a reason. Each step prints a short table and
  its request ID.

AGAINST HUAWEI CLOUD
  HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=... HUAWEICLOUD_SDK_REGION=cn-north-4 \\
    cargo run -p secmaster --example alert_triage -- PROJECT_ID WORKSPACE_ID [--severity S] [--write]
  Read-only by default: searches the workspace's open alerts of the severity and prints them.
  With --write it does the whole triage above on those alerts: it creates an incident and an
  indicator and closes the alerts, in your workspace. Credentials come from the default chain
  (README, Credentials); the ECS metadata service is not asked.
";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if common::asked_for_help(&args, HELP) {
        return ExitCode::SUCCESS;
    }
    common::exit(run(&args).await)
}

async fn run(args: &[String]) -> Result<()> {
    let severity = match args.iter().position(|a| a == "--severity") {
        Some(i) => args.get(i + 1).ok_or("--severity takes a value")?.clone(),
        None => "High".to_owned(),
    };
    let places: Vec<&String> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| !a.starts_with("--") && (*i == 0 || args[i - 1] != "--severity"))
        .map(|(_, a)| a)
        .collect();
    match common::huawei_cloud_or_fake(&places, HELP).await? {
        Some(soc) => triage(&soc, &severity, args.iter().any(|a| a == "--write")).await,
        None => on_the_fake(&severity).await,
    }
}

async fn on_the_fake(severity: &str) -> Result<()> {
    let on = common::start_the_fake().await?;
    let soc = on.client.workspace(&on.project, &on.workspace);
    for (title, level) in [
        ("Brute force on ssh", "High"),
        ("DDoS on the web tier", "High"),
        ("Port scan", "Low"),
        ("Web shell uploaded", "High"),
        ("Unusual login hour", "Medium"),
    ] {
        soc.create_alert()
            .title(title)
            .severity(AlertSeverity::from(level))
            .handle_status(HandleStatus::Open)
            .send()
            .await?;
    }
    println!("Created five alerts to work on.\n");
    triage(&soc, severity, true).await
}

/// The triage itself, on Huawei Cloud or the fake.
async fn triage(soc: &WorkspaceClient, severity: &str, write: bool) -> Result<()> {
    let ids = search(soc, severity).await?;
    if !write || ids.is_empty() {
        println!("\nRead-only: nothing changed (--write does the triage).");
        return Ok(());
    }
    // 2. One incident from them, found again by a title of this run's own.
    println!();
    let title = common::stamped(&format!("Triage of {} {severity} alerts", ids.len()));
    let incident = common::convert(soc, ids.clone(), &title, "DDoS attack").await?;
    // 4. An indicator, related to the incident.
    let indicator = create_indicator(soc).await?;
    let relate = soc.create_dataobject_relation("incidents", &incident, "indicators");
    let related = relate.ids([indicator.clone()]).send().await?;
    println!(
        "  related indicator {indicator} ({})",
        request(&related.request_id)
    );
    for kind in ["alerts", "indicators"] {
        let listed = soc
            .list_dataobject_relations("incidents", &incident, kind)
            .send()
            .await?;
        let ends: Vec<_> = listed.items.iter().filter_map(|r| r.id.clone()).collect();
        println!(
            "  its {kind}: {} ({})",
            ends.join(", "),
            request(&listed.request_id)
        );
    }
    // 5. The alerts closed, with a reason.
    let closed = soc
        .change_alerts()
        .batch_ids(ids)
        .handle_status(HandleStatus::Closed)
        .close_reason("Resolved")
        .close_comment(format!("Handled in incident {incident}"))
        .send()
        .await?;
    println!("\nClosed the alerts ({})", request(&closed.request_id));
    Ok(())
}

/// The open alerts of `severity`, every page, printed; their IDs.
async fn search(soc: &WorkspaceClient, severity: &str) -> Result<Vec<String>> {
    let open = Condition::field("handle_status", Operator::Eq, "Open").and(
        "severity",
        Operator::Eq,
        severity,
    );
    let alerts = soc
        .list_alerts()
        .condition(open)
        .items()
        .try_collect_vec()
        .await?;
    println!("Open alerts of severity {severity}: {}", alerts.len());
    println!("  {:<38} {:<28} STATUS", "ID", "TITLE");
    let mut ids = Vec::new();
    for alert in &alerts {
        let object = alert.data_object.as_ref();
        let title = object.and_then(|o| o.title.as_deref()).unwrap_or("");
        let status = object
            .and_then(|o| o.handle_status.as_ref())
            .map(|s| s.as_str());
        let id = alert.id.clone().unwrap_or_default();
        println!("  {id:<38} {title:<28} {}", status.unwrap_or(""));
        ids.push(id);
    }
    Ok(ids)
}

async fn create_indicator(soc: &WorkspaceClient) -> Result<String> {
    let (project, workspace) = (soc.project_id(), soc.workspace_id());
    let created = soc
        .create_indicator()
        .name("c2-server-203.0.113.10")
        .value("203.0.113.10")
        .verdict(IndicatorVerdict::Black)
        .indicator_type(types::CreateIndicatorDetailIndicatorType {
            indicator_type: "IPv4".into(),
            id: "ipv4".into(),
        })
        .data_source(types::CreateIndicatorDetailDataSource {
            source_type: 1,
            domain_id: "domain".into(),
            project_id: project.into(),
            region_id: "cn-north-4".into(),
            product_name: "secmaster".into(),
            product_feature: "indicator".into(),
        })
        .environment(types::CreateIndicatorDetailEnvironment {
            vendor_type: "HWC".into(),
            domain_id: "domain".into(),
            region_id: "cn-north-4".into(),
            project_id: project.into(),
        })
        .granular_marking("1")
        .defanged(false)
        .first_report_time("2026-12-06T10:00:00.000Z+0800")
        .workspace_id(workspace)
        .send()
        .await?;
    Ok(created.value.id.clone().unwrap_or_default())
}

fn request(id: &Option<String>) -> String {
    format!("request {}", id.as_deref().unwrap_or("-"))
}
