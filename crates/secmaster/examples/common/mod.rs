//! What the examples share: starting the local fake, the exit code, and how a step, a request
//! ID and a time are printed. (Not an example itself: a module each example includes.)

#![allow(dead_code)] // Each example uses some of it.

use std::process::ExitCode;

use secmaster::{AopType, Client, Credentials, ProvideCredentials, Provided, WorkspaceClient};
use secmaster_fake::{FAKE_TOKEN, FakeSecMaster, SeedWorkflow};

pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Whether the arguments ask for help (`-h`, `--help`): then `help` is printed.
pub fn asked_for_help(args: &[String], help: &str) -> bool {
    let asked = args.iter().any(|a| a == "-h" || a == "--help");
    if asked {
        print!("{help}");
    }
    asked
}

/// The process's exit code for `result`, its error printed.
pub fn exit(result: Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Where an example works: `Some` workspace of Huawei Cloud when the credentials chain (without
/// the ECS metadata service) finds credentials and `places` are `PROJECT_ID WORKSPACE_ID`;
/// `None` (the local fake) when it finds none and no place is given; an error (with `help`)
/// otherwise.
pub async fn huawei_cloud_or_fake(
    places: &[&String],
    help: &str,
) -> Result<Option<WorkspaceClient>> {
    let chain = Credentials::default_chain().without_metadata();
    match (chain.provide().await?, places) {
        (Provided::Found(_), [project, workspace]) => {
            let client = Client::builder().credentials_provider(chain).build()?;
            Ok(Some(client.workspace(project.as_str(), workspace.as_str())))
        }
        (Provided::Found(_), _) => Err(format!("give PROJECT_ID WORKSPACE_ID\n\n{help}").into()),
        (Provided::NotFound(_), []) => Ok(None),
        (Provided::NotFound(looked), _) => Err(format!("no credentials found ({looked})").into()),
    }
}

/// The local fake, started in-process, and a client of it with its project and workspace.
pub struct OnTheFake {
    pub fake: FakeSecMaster,
    pub client: Client,
    pub project: String,
    pub workspace: String,
}

/// Starts the local fake and says so.
pub async fn start_the_fake() -> Result<OnTheFake> {
    let fake = FakeSecMaster::start().await?;
    println!(
        "No credentials in the environment: using a local fake SecMaster at {}\n",
        fake.endpoint()
    );
    let seed = SeedWorkflow::page_example();
    let client = Client::builder()
        .endpoint(fake.endpoint())
        .credentials(Credentials::token(FAKE_TOKEN))
        .build()?;
    Ok(OnTheFake {
        fake,
        client,
        project: seed.project_id,
        workspace: seed.workspace_id,
    })
}

/// A step's title.
pub fn step(title: &str) {
    println!("\n== {title}");
}

/// A request ID as printed (`-` when the answer had none).
pub fn id(request_id: &Option<String>) -> &str {
    request_id.as_deref().unwrap_or("-")
}

/// A list's total as printed (`?` when the service did not say).
pub fn total(total: Option<u64>) -> String {
    total.map_or("?".to_owned(), |n| n.to_string())
}

/// A time of the service as a person reads it, in UTC (`2026-12-02 18:22:11 UTC`): the pages'
/// `2026-12-03T02:22:11.086Z+0800` is local time with its offset after a `Z`, read by the
/// crate's own [`secmaster::parse_timestamp`]. Text that is no time is shown as sent; none is
/// `-`.
pub fn when(time: Option<&str>) -> String {
    match time.map(str::trim).filter(|t| !t.is_empty()) {
        None => "-".to_owned(),
        Some(text) => match secmaster::parse_timestamp(text) {
            Some(at) => at.strftime("%Y-%m-%d %H:%M:%S UTC").to_string(),
            None => text.to_owned(),
        },
    }
}

/// One line of a step's table: what, its ID, what happened, the request ID.
pub fn row(what: &str, object: &str, done: &str, request_id: &Option<String>) {
    println!("  {what:<9} {object:<38} {done:<10} {}", id(request_id));
}

/// A new version of `workflow` running `topology` (JSON; the crate Base64-encodes it),
/// created, submitted, approved and activated, a line each; its ID.
pub async fn activated_version(
    soc: &WorkspaceClient,
    workflow: &str,
    topology: &str,
) -> Result<String> {
    let draft = soc
        .create_workflow_version(workflow)
        .name("Notify on new alerts")
        .description("made by the secmaster examples")
        .taskflow(topology)
        .taskconfig("{}")
        .aop_type(AopType::Normal)
        .send()
        .await?;
    let version = draft.id.clone().ok_or("the new version has no ID")?;
    row("version", &version, "created", &draft.request_id);
    let submitted = soc
        .update_workflow_version(&version)
        .submit()
        .send()
        .await?;
    row("version", &version, "submitted", &submitted.request_id);
    let review = soc.review_workflow_version(&version);
    let review = review.approve("checked by the example").send().await?;
    row("version", &version, "approved", &review.request_id);
    let active = soc
        .update_workflow_version(&version)
        .activate()
        .send()
        .await?;
    row("version", &version, "activated", &active.request_id);
    Ok(version)
}

/// A workflow run as it ended: `label`, its status, end time and nodes, the request ID.
pub fn run_ended(label: &str, run: &secmaster::ShownInstance) {
    let nodes = run.topology.as_ref().map_or(0, |t| t.audit_logs.len());
    println!(
        "  {label} {:<10} ended {} ({nodes} node{}; request id {})",
        run.status.as_ref().map_or("-".into(), ToString::to_string),
        when(run.end_time.as_deref()),
        if nodes == 1 { "" } else { "s" },
        id(&run.request_id)
    );
}

/// A title of this run's own (`what (millis)`), by which what it names is found again.
pub fn stamped(what: &str) -> String {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    format!("{what} ({stamp})")
}

/// Converts `alerts` into one incident titled `title` (a network attack of `kind`), then finds
/// the incident by its title; its ID.
pub async fn convert(
    soc: &WorkspaceClient,
    alerts: Vec<String>,
    title: &str,
    kind: &str,
) -> Result<String> {
    use secmaster::bindings::types::{
        OrderAlertIncidentContent as Content, OrderAlertIncidentContentIncidentType as Type,
    };
    use secmaster::search::{Condition, Operator};
    let content = Content {
        title: Some(title.to_owned()),
        incident_type: Some(Type {
            category: Some("Network attack".into()),
            incident_type: Some(kind.into()),
            ..Default::default()
        }),
    };
    let order = soc.create_batch_order_alerts().ids(alerts);
    let converted = order.incident_content(content).send().await?;
    println!("  converted (request id {})", id(&converted.request_id));
    let title = Condition::field("title", Operator::Eq, title);
    let found = soc
        .list_incidents()
        .condition(title)
        .limit(1)
        .send()
        .await?;
    let incident = found.items.first().and_then(|i| i.id.clone());
    let incident = incident.ok_or("the converted incident was not found")?;
    row("incident", &incident, "found", &found.request_id);
    Ok(incident)
}
