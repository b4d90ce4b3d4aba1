//! Writing a generated file: only when its bytes change, and in check mode not at all, with a
//! diff of what is stale.

use std::path::Path;

use crate::{GenerateError, err};

/// What [`ensure_file_contents`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The file already had these contents; nothing was written.
    UpToDate,
    /// The file was (re)written.
    Written,
}

/// Writes `contents` to `path` only when they differ. In check mode writes nothing and fails
/// with a unified diff when the file is stale.
pub fn ensure_file_contents(
    path: &Path,
    contents: &str,
    check: bool,
) -> Result<Outcome, GenerateError> {
    let current = std::fs::read_to_string(path).unwrap_or_default();
    if current == contents {
        return Ok(Outcome::UpToDate);
    }
    if check {
        return Err(err(
            path,
            format!(
                "stale: it does not match what the spec generates; run `cargo xtask generate` and commit the result\n{}",
                short_diff(&current, contents)
            ),
        ));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| err(path, format!("cannot create its folder: {e}")))?;
    }
    std::fs::write(path, contents).map_err(|e| err(path, format!("cannot write it: {e}")))?;
    Ok(Outcome::Written)
}

/// A unified diff (checked-in → generated), cut after 120 lines.
fn short_diff(old: &str, new: &str) -> String {
    const MAX_LINES: usize = 120;
    let diff = similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header("checked in", "generated from the spec")
        .to_string();
    let total = diff.lines().count();
    let mut out: String = diff
        .lines()
        .take(MAX_LINES)
        .flat_map(|l| [l, "\n"])
        .collect();
    if total > MAX_LINES {
        out.push_str(&format!("... ({} more diff lines)\n", total - MAX_LINES));
    }
    out
}
