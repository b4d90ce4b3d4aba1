//! `secmaster-fake`: the fake SecMaster as a standalone server, for other tools and other
//! languages' clients. `secmaster-fake --help` for usage.

use std::process::ExitCode;

use secmaster_fake::{Config, FAKE_AK, FAKE_SK, FAKE_TOKEN, FakeSecMaster};

const HELP: &str = "\
secmaster-fake: a local Huawei Cloud SecMaster serving Update a Workflow
  PUT /v1/{project_id}/workspaces/{workspace_id}/soc/workflows/{workflow_id}

USAGE
  cargo run -p secmaster-fake -- [--listen ADDR] [--seed FILE]

OPTIONS
  --listen ADDR  address to listen on (default 127.0.0.1:8080; port 0 picks a free one)
  --seed FILE    JSON with `tokens`, `keys` ([{ak, sk, security_token}]) and `workflows`
                 ([{project_id, workspace_id, workflow: {..AopWorkflowInfo..}, versions: [{id, name}]}]);
                 without it the fake accepts the built-in token and key below and holds the
                 API page's example workflow
  -h, --help     this text

Stop it with Ctrl-C.
";

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

async fn run() -> Result<(), String> {
    let mut listen = "127.0.0.1:8080".to_owned();
    let mut seed = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => {
                print!("{HELP}");
                return Ok(());
            }
            "--listen" => {
                listen = args
                    .next()
                    .ok_or("--listen needs an address, e.g. 127.0.0.1:8080")?
            }
            "--seed" => seed = Some(args.next().ok_or("--seed needs a file")?),
            other => return Err(format!("unknown argument `{other}`; see --help")),
        }
    }
    let addr = listen
        .parse()
        .map_err(|e| format!("--listen {listen}: {e}"))?;
    let config = match &seed {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("--seed {path}: {e}"))?;
            Config::from_json(&text).map_err(|e| format!("--seed {path}: {e}"))?
        }
        None => Config::default(),
    };
    let workflows: Vec<String> = config
        .workflows
        .iter()
        .map(|w| {
            format!(
                "  /v1/{}/workspaces/{}/soc/workflows/{}",
                w.project_id,
                w.workspace_id,
                w.workflow.id.as_deref().unwrap_or("")
            )
        })
        .collect();
    let fake = FakeSecMaster::start_with(config, addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    println!("secmaster-fake listening on {}", fake.endpoint());
    if seed.is_none() {
        println!("accepts X-Auth-Token: {FAKE_TOKEN}");
        println!("accepts AK/SK: {FAKE_AK} / {FAKE_SK}");
    }
    println!("workflows:\n{}", workflows.join("\n"));
    tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
    println!("stopped");
    Ok(())
}
