//! The official Huawei Python SDK against the fake's binary: a playbook's life from creation
//! through review, an alert that triggers it, its instance and topology, to deletion, every
//! answer read through the SDK's models.

use std::io::BufRead;

use secmaster_fake::{FAKE_AK, FAKE_SK};
use serde_json::json;

use super::{alert_class, page, workflow};

/// CI installs the SDK and sets SECMASTER_OFFICIAL_PYTHON and runs the ignored tests; run with
/// `--include-ignored` without it, the test fails.
#[test]
#[ignore = "needs the official Huawei Python SDK: set SECMASTER_OFFICIAL_PYTHON"]
fn the_official_python_sdk_walks_a_playbooks_life_against_the_binary() {
    let python = std::env::var_os("SECMASTER_OFFICIAL_PYTHON").expect(
        "SECMASTER_OFFICIAL_PYTHON must name a python with huaweicloudsdksecmaster installed",
    );
    let mut fake = std::process::Command::new(env!("CARGO_BIN_EXE_secmaster-fake"))
        .args(["--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(fake.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let endpoint = first
        .trim()
        .strip_prefix("secmaster-fake listening on ")
        .unwrap_or_else(|| panic!("{first:?}"))
        .to_owned();
    let (p, w) = page();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/python/official_sdk_playbook.py"
    );
    let out = std::process::Command::new(python)
        .arg(script)
        .args([endpoint.as_str(), FAKE_AK, FAKE_SK, &p, &w, &alert_class()])
        // The seeded workflow, enabled by the script on its activated version.
        .args([workflow(), "ver-0001".to_owned()])
        .env(
            "HOME",
            std::env::temp_dir().join("secmaster-official-sdk-home"),
        )
        .output()
        .unwrap();
    let _ = fake.kill();
    let _ = fake.wait();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        seen,
        json!({
            "created": false, "version": "EDITING", "action": [true], "submitted": "APPROVING",
            "approved": "PASS", "enabled": [true, true], "instances": 1,
            "instance": [true, "brute force on web-01", "EVENT"], "topology": [true],
            "ended": "FINISHED", "disabled": false, "gone": 400
        })
    );
}
