//! Update a SecMaster workflow: against the real service when credentials are in the
//! environment, else against a local fake started in-process. `--help` explains both.

use std::process::ExitCode;

use secmaster::{Client, Credentials, Label, UpdatedWorkflow};
use secmaster_fake::{FAKE_TOKEN, FakeSecMaster, SeedWorkflow};

const HELP: &str = "\
update_workflow: rename a SecMaster workflow and enable one of its versions.

WITHOUT CREDENTIALS (the default on a fresh machine)
  cargo run -p secmaster --example update_workflow
  Starts a local fake SecMaster in-process, updates its seeded workflow (the API page's example),
  prints the result, then shows a call the client refuses before sending anything.

AGAINST HUAWEI CLOUD
  HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=... HUAWEICLOUD_SDK_REGION=cn-north-4 \\
    cargo run -p secmaster --example update_workflow -- [PROJECT_ID] WORKSPACE_ID WORKFLOW_ID [--name NAME] [--enable VERSION_ID]
  Credentials: HUAWEICLOUD_SDK_AK + HUAWEICLOUD_SDK_SK (+ HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary
  keys), or SECMASTER_AUTH_TOKEN for an IAM token. The region comes from HUAWEICLOUD_SDK_REGION; an
  endpoint override from HUAWEICLOUD_SDK_REGION_SECMASTER_<REGION>; PROJECT_ID, when left out, from
  HUAWEICLOUD_SDK_PROJECT_ID.
";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        print!("{HELP}");
        return ExitCode::SUCCESS;
    }
    let result = match Credentials::from_env() {
        Ok(credentials) => against_huawei_cloud(credentials, &args).await,
        Err(_) if args.is_empty() => against_the_fake().await,
        Err(e) => Err(format!("{e}\n\n{HELP}").into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

async fn against_the_fake() -> Result<()> {
    let fake = FakeSecMaster::start().await?;
    println!(
        "No credentials in the environment: using a local fake SecMaster at {}\n",
        fake.endpoint()
    );
    let seed = SeedWorkflow::page_example();
    let workflow_id = seed.workflow.id.clone().unwrap_or_default();
    let client = Client::builder()
        .endpoint(fake.endpoint())
        .credentials(Credentials::token(FAKE_TOKEN))
        .build()?;

    println!("Renaming workflow {workflow_id} and enabling its version ver-0002 ...");
    let updated = client
        .update_workflow(&seed.project_id, &seed.workspace_id, &workflow_id)
        .name("Test_aop (renamed)")
        .description("Aop workflow description Test")
        .enable("ver-0002")
        .labels(Label::Ip)
        .send()
        .await?;
    show(&updated);

    println!("\nNow enabling without a version, which the API forbids ...");
    let sent_before = fake.journal().len();
    match client
        .update_workflow(&seed.project_id, &seed.workspace_id, &workflow_id)
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

async fn against_huawei_cloud(credentials: Credentials, args: &[String]) -> Result<()> {
    let mut positional = Vec::new();
    let (mut name, mut enable) = (None, None);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--name" => name = Some(it.next().ok_or("--name needs a value")?.clone()),
            "--enable" => enable = Some(it.next().ok_or("--enable needs a version ID")?.clone()),
            _ => positional.push(arg.clone()),
        }
    }
    let [project_id, workspace_id, workflow_id] = positional.as_slice() else {
        return Err(format!(
            "credentials found: give PROJECT_ID WORKSPACE_ID WORKFLOW_ID\n\n{HELP}"
        )
        .into());
    };
    let region = std::env::var("HUAWEICLOUD_SDK_REGION")
        .map_err(|_| "set HUAWEICLOUD_SDK_REGION, e.g. cn-north-4")?;
    let client = Client::builder()
        .region(region)
        .credentials(credentials)
        .build()?;
    println!(
        "Updating workflow {workflow_id} at {} ...",
        client.endpoint()
    );
    let mut call = client.update_workflow(project_id, workspace_id, workflow_id);
    if let Some(name) = name {
        call = call.name(name);
    }
    if let Some(version) = enable {
        call = call.enable(version);
    }
    show(&call.send().await?);
    Ok(())
}

fn show(updated: &UpdatedWorkflow) {
    let w = &updated.workflow;
    let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
    let enabled = match (w.enabled, &w.version, &w.version_id) {
        (Some(true), Some(version), Some(id)) => format!("yes, version {version} ({id})"),
        (Some(true), _, id) => format!("yes, version {}", text(id)),
        (Some(false), ..) => "no".to_owned(),
        (None, ..) => "-".to_owned(),
    };
    let when = match w.updated_at() {
        Some(t) => t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string(),
        None => text(&w.update_time),
    };
    println!("  name         {}", text(&w.name));
    println!("  description  {}", text(&w.description));
    println!("  enabled      {enabled}");
    println!(
        "  labels       {}",
        w.labels
            .as_ref()
            .map_or("-".to_owned(), ToString::to_string)
    );
    println!(
        "  type         {} (engine {})",
        w.aop_type
            .as_ref()
            .map_or("-".to_owned(), ToString::to_string),
        w.engine_type
            .as_ref()
            .map_or("-".to_owned(), ToString::to_string)
    );
    println!("  updated      {when} by {}", text(&w.modifier_name));
    println!("  request id   {}", text(&updated.request_id));
}
