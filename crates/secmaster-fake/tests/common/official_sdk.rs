//! One harness for the walks of the official Huawei Python SDK against the fake's binary
//! (`tests/python/official_sdk_*.py`), shared by the test binaries that run one: the binary
//! started on a free loopback port, the script run with the SDK's python, its JSON read back.
//!
//! CI installs the SDK, sets `SECMASTER_OFFICIAL_PYTHON` and runs the ignored tests; run with
//! `--include-ignored` without it, a walk fails, saying what to set.

use std::io::BufRead;
use std::process::{Child, Command, Stdio};

use secmaster_fake::{FAKE_AK, FAKE_SK};

/// The fake's binary, stopped when dropped (a failed walk leaves no process behind).
struct Binary(Child);

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs `tests/python/{script}` against a fresh fake binary, with the endpoint, the fake's AK
/// and SK, then `args`; what the script printed, read as JSON. Panics with the script's stderr
/// when it fails.
pub fn walk(script: &str, args: &[&str]) -> serde_json::Value {
    let python = std::env::var_os("SECMASTER_OFFICIAL_PYTHON").expect(
        "SECMASTER_OFFICIAL_PYTHON must name a python with huaweicloudsdksecmaster installed",
    );
    let mut fake = Binary(
        Command::new(env!("CARGO_BIN_EXE_secmaster-fake"))
            .args(["--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    // The fake's stdout is read for its first line and then dropped: it must go on serving.
    let mut first = String::new();
    std::io::BufReader::new(fake.0.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let endpoint = first
        .trim()
        .strip_prefix("secmaster-fake listening on ")
        .unwrap_or_else(|| panic!("{first:?}"))
        .to_owned();
    let script = format!("{}/tests/python/{script}", env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(python)
        .arg(script)
        .args([endpoint.as_str(), FAKE_AK, FAKE_SK])
        .args(args)
        .env(
            "HOME",
            std::env::temp_dir().join("secmaster-official-sdk-home"),
        )
        .output()
        .unwrap();
    drop(fake);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}
