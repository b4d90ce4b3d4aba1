//! `cargo xtask <task>`: maintainer tasks for this workspace. See `cargo xtask --help`.

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask generate [--check]
cargo xtask diff-spec REV [REV] [--json]

  generate          regenerate generated/src/generated.rs from spec/secmaster.yaml
                    (writes only when the content changes); when it changes, prints the API
                    change report from the spec as committed (HEAD) to the working tree's
  generate --check  write nothing; exit 1 and show a diff (and the report) when the
                    checked-in file is stale
  diff-spec REV     the API change report from the spec at git revision REV to the working
                    tree's (REV REV2: between two revisions); --json for tools. Each change is
                    marked additive or breaking, for the wire (what a client built before it
                    sends or reads) and for the Rust API of secmaster-bindings
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["generate"] => generate(false),
        ["generate", "--check"] => generate(true),
        ["diff-spec", rest @ ..] if !rest.is_empty() && rest.len() <= 3 => diff_spec(rest),
        ["-h" | "--help" | "help"] | [] => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        _ => {
            eprint!("error: unknown arguments {args:?}\n\n{HELP}");
            ExitCode::from(2)
        }
    }
}

fn generate(check: bool) -> ExitCode {
    let started = std::time::Instant::now();
    let root = match xtask::workspace_root() {
        Ok(root) => root,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match xtask::generate_workspace(&root, check) {
        Ok(outcome) => {
            let what = match outcome {
                xtask::Outcome::UpToDate => "is up to date",
                xtask::Outcome::Written => "regenerated",
            };
            eprintln!("{} {what} ({:.2?})", xtask::OUTPUT_PATH, started.elapsed());
            if outcome == xtask::Outcome::Written {
                eprint!("{}", committed_to_working_tree(&root));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            if check {
                eprint!("{}", committed_to_working_tree(&root));
            }
            ExitCode::FAILURE
        }
    }
}

/// The report from the committed spec to the working tree's, or why there is none.
fn committed_to_working_tree(root: &std::path::Path) -> String {
    let report = xtask::spec_at(root, Some("HEAD")).and_then(|old| {
        let new = xtask::spec_at(root, None)?;
        xtask::api_changes(&old, &new)
    });
    match report {
        Ok(changes) => xtask::diff::text(&changes, "HEAD", "the working tree"),
        Err(e) => format!("(no API change report: {e})\n"),
    }
}

fn diff_spec(args: &[&str]) -> ExitCode {
    let json = args.contains(&"--json");
    let revs: Vec<&str> = args.iter().copied().filter(|a| *a != "--json").collect();
    let (from, to) = match revs.as_slice() {
        [from] => (*from, None),
        [from, to] => (*from, Some(*to)),
        _ => {
            eprint!("error: diff-spec takes one or two revisions\n\n{HELP}");
            return ExitCode::from(2);
        }
    };
    let report = xtask::workspace_root().and_then(|root| {
        let old = xtask::spec_at(&root, Some(from))?;
        let new = xtask::spec_at(&root, to)?;
        xtask::api_changes(&old, &new)
    });
    let to = to.unwrap_or("the working tree");
    match report {
        Ok(changes) if json => println!("{}", xtask::diff::json(&changes, from, to)),
        Ok(changes) => print!("{}", xtask::diff::text(&changes, from, to)),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
