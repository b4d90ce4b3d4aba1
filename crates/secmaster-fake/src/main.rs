//! `secmaster-fake`: the fake SecMaster as a standalone server, for other tools and other
//! languages' clients. `secmaster-fake --help` for usage.

use std::process::ExitCode;

use std::time::Duration;

use secmaster_fake::{
    AccessKey, Config, FAKE_AK, FAKE_SK, FAKE_TOKEN, FakeSecMaster, Limits, SeedFault,
};

const HELP: &str = "\
secmaster-fake: a local Huawei Cloud SecMaster with state, serving the workflows and their
versions under /v1/{project_id}/workspaces/{workspace_id}/soc/workflows (list, create, show,
update, delete, export; versions: list, create, show, edit, submit, review, activate, delete;
validation)

USAGE
  cargo run -p secmaster-fake -- [--listen ADDR] [--seed FILE]

OPTIONS
  --listen ADDR  address to listen on (default 127.0.0.1:8080; port 0 picks a free one)
  --seed FILE    JSON with `tokens` (strings for every project, or [{token, projects}]), `keys`
                 ([{ak, sk, security_token, expires_at, projects}], projects left out: every
                 project; see --key), `workflows` ([{project_id, workspace_id, workflow:
                 {..AopWorkflowInfo..}, versions: [{id, name, status}]}]) and `dataclasses`
                 ([{project_id, workspace_id, id, name}]); without it the fake accepts the built-in token and
                 key below, for the API page's project, and holds the page's example workflow
                 (ver-0001 activated, ver-0002 approved) and data class
  --key JSON     one more access key, as in a seed file's `keys`: permanent
                 '{\"ak\":\"AK\",\"sk\":\"SK\"}', or temporary, whose requests must carry
                 the security token in X-Security-Token (signed), refused from `expires_at`
                 (RFC 3339) on: '{\"ak\":\"TMPAK\",\"sk\":\"TMPSK\",\"security_token\":\"ST\",
                 \"expires_at\":\"2030-01-01T00:00:00Z\",\"projects\":[\"..\"]}' (repeatable;
                 added to the seed file's keys, or to the built-in ones)
  --fault JSON   a fault for the next requests, as in a seed file's `faults`, e.g.
                 '{\"operation\":\"CreateAopWorkflow\",\"times\":2,\"fault\":{\"status\":{\"status\":503,\"retry_after\":1}}}'
                 or '{\"fault\":\"closed_after_processing\"}' (repeatable)
  --run-time-ms N  how long a run takes before it finishes by itself [2000]
  --terminate-time-ms N  how long a terminated run or playbook instance shows TERMINATING
                 before it is TERMINATED [0: at once]
  -h, --help     this text

LIMITS (what any client can make the fake spend; defaults in brackets)
  --max-body-bytes N       largest request body; a larger Content-Length gets 413 at once [12582912]
  --header-timeout SECS    to send a request's head, also between requests on a connection [10]
  --idle-timeout SECS      no byte moving while no request is handled closes the connection [60]
  --body-timeout SECS      to send one request's body, then 408 [30]
  --body-budget-bytes N    request-body bytes held at once across connections; a body that
                           does not fit waits unread, then 503 after the body timeout [67108864]
  --max-connections N      open at once; more are closed as soon as accepted [512]
  --max-workflows N        workflows a workspace holds; past it 400 SecMaster.20050001 [1000]
  --max-versions N         versions a workflow holds [100]
  --max-runs N             runs a workspace holds (until their workflow is deleted) [1000]
  --max-objects N          objects a workspace holds of each family served from the spec [1000]
  --max-workspaces N       workspaces the fake holds in all, seeded ones included [32]
  --max-object-bytes N     one workflow, version or run, as the fake counts it [4194304]
  --max-workspace-bytes N  a workspace's objects in all [67108864]
  --max-run-context-bytes N  a run's context, or a debug command's input [65536]
  --journal-entries N      requests the journal keeps, oldest dropped first [1000]
  --journal-bytes N        bytes the journal keeps (its own accounting) [16777216]
  --journal-body-bytes N   bytes of one body the journal keeps [65536]

ADMIN
  GET /_fake/journal       the journal as JSON (credentials read ***); DELETE clears it.
                           Both need an accepted token or key, like the operation, and
                           see or clear only the entries of its projects.

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
    let mut limits = Limits::default();
    let mut faults = Vec::new();
    let mut keys = Vec::new();
    let mut run_time = None;
    let mut terminate_time = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or(format!("{arg} needs a value; see --help"))
        };
        if let Some(slot) = limit(&mut limits, &arg) {
            match slot {
                Slot::Number(n) => *n = number(&arg, &value()?)?,
                Slot::Seconds(d) => *d = seconds(&arg, &value()?)?,
            }
            continue;
        }
        match arg.as_str() {
            "-h" | "--help" => {
                print!("{HELP}");
                return Ok(());
            }
            "--listen" => listen = value()?,
            "--seed" => seed = Some(value()?),
            "--fault" => {
                let text = value()?;
                let fault: SeedFault =
                    serde_json::from_str(&text).map_err(|e| format!("--fault {text}: {e}"))?;
                faults.push(fault);
            }
            "--key" => keys.push(key_option(&value()?)?),
            "--run-time-ms" => run_time = Some(millis(&arg, &value()?)?),
            "--terminate-time-ms" => terminate_time = Some(millis(&arg, &value()?)?),
            other => return Err(format!("unknown argument `{other}`; see --help")),
        }
    }
    let addr = listen
        .parse()
        .map_err(|e| format!("--listen {listen}: {e}"))?;
    let mut config = match &seed {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("--seed {path}: {e}"))?;
            Config::from_json(&text).map_err(|e| format!("--seed {path}: {e}"))?
        }
        None => Config::default(),
    };
    config.limits = limits;
    config.faults.extend(faults);
    let added: Vec<String> = keys.iter().map(describe).collect();
    config.keys.extend(keys);
    config.run_time = run_time.unwrap_or(config.run_time);
    config.terminate_time = terminate_time.unwrap_or(config.terminate_time);
    let workflows = workflow_paths(&config);
    let fake = FakeSecMaster::start_with(config, addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    say(format_args!(
        "secmaster-fake listening on {}",
        fake.endpoint()
    ));
    if seed.is_none() {
        say(format_args!("accepts X-Auth-Token: {FAKE_TOKEN}"));
        say(format_args!("accepts AK/SK: {FAKE_AK} / {FAKE_SK}"));
    }
    for key in added {
        say(format_args!("accepts {key}"));
    }
    say(format_args!("workflows:\n{}", workflows.join("\n")));
    tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
    say(format_args!("stopped"));
    Ok(())
}

/// The seeded workflows' paths, one a line.
fn workflow_paths(config: &Config) -> Vec<String> {
    let path = |w: &secmaster_fake::SeedWorkflow| {
        let id = w.workflow.id.as_deref().unwrap_or("");
        format!(
            "  /v1/{}/workspaces/{}/soc/workflows/{id}",
            w.project_id, w.workspace_id
        )
    };
    config.workflows.iter().map(path).collect()
}

/// A `--key` value. It holds secrets: serde's message could quote one of its strings (a value
/// of the wrong type), so every string of the value reads `***` in the error.
fn key_option(text: &str) -> Result<AccessKey, String> {
    serde_json::from_str(text).map_err(|e| {
        let mut message = e.to_string();
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
            let mut strings = Vec::new();
            collect_strings(&value, &mut strings);
            for s in strings.into_iter().filter(|s| !s.is_empty()) {
                message = message.replace(s, "***");
            }
        }
        format!("--key: {message}")
    })
}

fn collect_strings<'v>(value: &'v serde_json::Value, out: &mut Vec<&'v str>) {
    match value {
        serde_json::Value::String(s) => out.push(s),
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

/// What a `--key` added, without its secrets.
fn describe(key: &AccessKey) -> String {
    match (&key.security_token, key.expires_at) {
        (None, _) => format!("AK {} (permanent)", key.ak),
        (Some(_), None) => format!("AK {} (temporary, with its security token)", key.ak),
        (Some(_), Some(at)) => format!(
            "AK {} (temporary, with its security token, until {at})",
            key.ak
        ),
    }
}

/// A line on stdout, which a tool may have closed after reading the first one: the fake goes on
/// serving either way (`println!` would panic on the closed pipe).
fn say(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

/// The field of [`Limits`] an option sets.
enum Slot<'a> {
    Number(&'a mut usize),
    Seconds(&'a mut Duration),
}

/// The limit `option` sets, if it is one.
fn limit<'a>(l: &'a mut Limits, option: &str) -> Option<Slot<'a>> {
    use Slot::{Number, Seconds};
    Some(match option {
        "--max-body-bytes" => Number(&mut l.max_body_bytes),
        "--header-timeout" => Seconds(&mut l.header_read_timeout),
        "--idle-timeout" => Seconds(&mut l.idle_timeout),
        "--body-timeout" => Seconds(&mut l.body_read_timeout),
        "--body-budget-bytes" => Number(&mut l.body_budget_bytes),
        "--max-connections" => Number(&mut l.max_connections),
        "--max-workflows" => Number(&mut l.max_workflows),
        "--max-versions" => Number(&mut l.max_versions),
        "--max-runs" => Number(&mut l.max_runs),
        "--max-objects" => Number(&mut l.max_objects),
        "--max-workspaces" => Number(&mut l.max_workspaces),
        "--max-object-bytes" => Number(&mut l.max_object_bytes),
        "--max-workspace-bytes" => Number(&mut l.max_workspace_bytes),
        "--max-run-context-bytes" => Number(&mut l.max_run_context_bytes),
        "--journal-entries" => Number(&mut l.journal_entries),
        "--journal-bytes" => Number(&mut l.journal_bytes),
        "--journal-body-bytes" => Number(&mut l.journal_body_bytes),
        _ => return None,
    })
}

/// `--run-time-ms`, `--terminate-time-ms`: whole milliseconds, at most a day.
fn millis(option: &str, text: &str) -> Result<Duration, String> {
    let ms: u64 = text
        .parse()
        .map_err(|_| format!("{option} {text}: expected milliseconds"))?;
    if ms > 86_400_000 {
        return Err(format!("{option} {text}: at most a day (86400000)"));
    }
    Ok(Duration::from_millis(ms))
}

fn number(option: &str, text: &str) -> Result<usize, String> {
    match text.parse() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{option} {text}: expected a whole number above 0")),
    }
}

fn seconds(option: &str, text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(s) if s > 0.0 && s <= 86_400.0 => Ok(Duration::from_secs_f64(s)),
        _ => Err(format!(
            "{option} {text}: expected seconds, above 0 and at most 86400"
        )),
    }
}
