//! `cargo xtask <task>`: maintainer tasks for this workspace. See `cargo xtask --help`.

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask generate [--check]

  generate          regenerate generated/src/generated.rs from spec/secmaster.yaml
                    (writes only when the content changes)
  generate --check  write nothing; exit 1 and show a diff when the checked-in file is stale
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let check = match args.as_slice() {
        ["generate"] => false,
        ["generate", "--check"] => true,
        ["-h" | "--help" | "help"] | [] => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("error: unknown arguments {args:?}\n\n{HELP}");
            return ExitCode::from(2);
        }
    };
    let started = std::time::Instant::now();
    match xtask::workspace_root().and_then(|root| xtask::generate_workspace(&root, check)) {
        Ok(outcome) => {
            let what = match outcome {
                xtask::Outcome::UpToDate => "is up to date",
                xtask::Outcome::Written => "regenerated",
            };
            eprintln!("{} {what} ({:.2?})", xtask::OUTPUT_PATH, started.elapsed());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
