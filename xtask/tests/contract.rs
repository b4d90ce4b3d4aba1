//! The generated layer's contract, shown on a scratch copy of the workspace: the operations of
//! `fixtures/plain-operations.yaml` (a paged list, a create, a show, a delete) are added to a copy
//! of the spec, `generate_both` writes both generated files, and with no other file edited a test
//! of the calls (`fixtures/contract_calls.rs`) compiles and passes against a local server.
//!
//! It builds `secmaster` in the copy (a minute or two on a cold cache; the copy shares this
//! workspace's target directory, so later runs reuse its dependencies).

use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::{
    CLIENT_OUTPUT_PATH, OUTPUT_PATH, SPEC_PATH, TABLE_OUTPUT_PATH, find_workspace_root,
    generate_both,
};

/// The folders of the workspace the copy needs: the bindings, the client, the crates its tests
/// use, and the spec (the test kit reads its examples).
const COPIED: &[&str] = &[
    "generated",
    "crates/secmaster",
    "crates/secmaster-fake",
    "crates/secmaster-testkit",
    "spec",
];

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&src, &dst);
            }
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

/// The spec's text with the fixture's paths and schemas added.
fn with_fixture(spec: &str, fixture: &str) -> String {
    use serde_norway::Value;
    let mut spec: Value = serde_norway::from_str(spec).unwrap();
    let fixture: Value = serde_norway::from_str(fixture).unwrap();
    let paths = spec["paths"].as_mapping_mut().unwrap();
    for (k, v) in fixture["paths"].as_mapping().unwrap() {
        assert!(paths.insert(k.clone(), v.clone()).is_none(), "a new path");
    }
    let schemas = spec["components"]["schemas"].as_mapping_mut().unwrap();
    for (k, v) in fixture["components"]["schemas"].as_mapping().unwrap() {
        assert!(
            schemas.insert(k.clone(), v.clone()).is_none(),
            "a new schema"
        );
    }
    serde_norway::to_string(&spec).unwrap()
}

#[test]
fn operations_added_to_the_spec_alone_are_callable_as_the_contract_says() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = find_workspace_root(here).unwrap();
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("contract-workspace");
    let _ = std::fs::remove_dir_all(&scratch);
    for dir in COPIED {
        copy_dir(&root.join(dir), &scratch.join(dir));
    }
    std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock")).unwrap();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let members = manifest.lines().find(|l| l.starts_with("members")).unwrap();
    let manifest = manifest.replace(
        members,
        r#"members = ["generated", "crates/secmaster", "crates/secmaster-fake", "crates/secmaster-testkit"]"#,
    );
    std::fs::write(scratch.join("Cargo.toml"), manifest).unwrap();

    // The spec and the generated files: the only edits.
    let fixtures = here.join("tests/fixtures");
    let spec = with_fixture(
        &std::fs::read_to_string(root.join(SPEC_PATH)).unwrap(),
        &std::fs::read_to_string(fixtures.join("plain-operations.yaml")).unwrap(),
    );
    std::fs::write(scratch.join(SPEC_PATH), &spec).unwrap();
    let generated = generate_both(&spec, Path::new(SPEC_PATH), SPEC_PATH).unwrap();
    std::fs::write(scratch.join(OUTPUT_PATH), generated.bindings).unwrap();
    std::fs::write(scratch.join(CLIENT_OUTPUT_PATH), generated.client).unwrap();
    std::fs::write(scratch.join(TABLE_OUTPUT_PATH), generated.table).unwrap();
    // The calls a user would write.
    std::fs::copy(
        fixtures.join("contract_calls.rs"),
        scratch.join("crates/secmaster/tests/contract_calls.rs"),
    )
    .unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args([
            "test",
            "--offline",
            "-q",
            "-p",
            "secmaster",
            "--test",
            "contract_calls",
            "--test",
            "spec_table",
        ])
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", root.join("target/contract"))
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "the scratch workspace's test failed:\n{text}"
    );
    // The contract's two tests, and the spec table's two, whose rows now hold the gadgets.
    assert_eq!(text.matches("2 passed").count(), 2, "{text}");
}
