//! Memory: the peak RSS of the crate's example.

use std::path::Path;
use std::process::Command;

use crate::report::Report;

pub fn memory(root: &Path, report: &mut Report) {
    report.line("## Memory\n");
    let built = Command::new("cargo")
        .args([
            "build",
            "--release",
            "-q",
            "-p",
            "secmaster",
            "--example",
            "workflow_lifecycle",
        ])
        .current_dir(root)
        .status()
        .is_ok_and(|s| s.success());
    let example = root.join("target/release/examples/workflow_lifecycle");
    let out = built
        .then(|| {
            Command::new("/usr/bin/time")
                .arg("-v")
                .arg(&example)
                .env_remove("HUAWEICLOUD_SDK_AK")
                .env_remove("SECMASTER_AUTH_TOKEN")
                .output()
                .ok()
        })
        .flatten();
    let rss = out.as_ref().and_then(|o| {
        String::from_utf8_lossy(&o.stderr).lines().find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes):")
                .map(|v| v.trim().to_owned())
        })
    });
    match rss {
        Some(kb) => report.line(format!(
            "Peak RSS of the example (`target/release/examples/workflow_lifecycle`: fake server in-process, the lifecycle of a workflow with its run): **{:.1} MiB**\n",
            kb.parse::<f64>().unwrap_or(0.0) / 1024.0
        )),
        None => report.line("Peak RSS of the example: not measured (`/usr/bin/time -v` unavailable or the build failed)\n"),
    }
}
