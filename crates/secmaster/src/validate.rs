//! Path IDs: checked before any I/O, then percent-encoded so that no ID can change the path.

use percent_encoding::utf8_percent_encode;

use crate::Error;
use crate::signer::{UNRESERVED, all_unreserved};

/// The longest ID accepted, in bytes. Huawei Cloud IDs are 32–36 characters; this bound only keeps
/// a runaway value from producing a multi-megabyte request line.
pub const MAX_ID_BYTES: usize = 1024;

/// Checks one path ID: non-empty, at most [`MAX_ID_BYTES`], no control characters, not `.` or `..`.
pub fn check_id(field: &'static str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::invalid(field, "is empty"));
    }
    if value.len() > MAX_ID_BYTES {
        return Err(Error::invalid(
            field,
            format!(
                "is {} bytes long; at most {MAX_ID_BYTES} are accepted",
                value.len()
            ),
        ));
    }
    // Printable ASCII (what IDs are) needs no look at characters; anything else does.
    let printable_ascii = value
        .bytes()
        .fold(true, |all, b| all & (b.wrapping_sub(0x20) < 0x5f));
    if let Some(c) = (!printable_ascii)
        .then(|| value.chars().find(|c| c.is_control()))
        .flatten()
    {
        return Err(Error::invalid(
            field,
            format!("contains the control character {c:?}"),
        ));
    }
    if value == "." || value == ".." {
        return Err(Error::invalid(
            field,
            format!("is `{value}`, which would change the request path"),
        ));
    }
    Ok(())
}

/// `prefix` followed by `template` with each `{name}` placeholder replaced by its value, every
/// byte of a value outside `A-Za-z0-9-_.~` percent-encoded (so that no value can add, remove or
/// change a segment, given [`check_id`] refused `.` and `..`).
///
/// # Panics
/// If the template has an unclosed `{` or a placeholder without a value (a bug, not input).
#[cfg(any(test, fuzzing))]
pub fn expand_path(prefix: &str, template: &str, params: &[(&str, &str)]) -> String {
    let names: Vec<&str> = params.iter().map(|(name, _)| *name).collect();
    let values: Vec<&str> = params.iter().map(|(_, value)| *value).collect();
    PathTemplate::new(prefix, template, &names).expand(&values)
}

/// A path template split once into its literal text and its placeholders, so that a call
/// only copies and encodes ([`expand_path`] in two steps: the split is made once per client).
#[derive(Debug, Clone)]
pub(crate) struct PathTemplate {
    /// The literal text between placeholders, the prefix included in the first.
    literals: Vec<String>,
    /// For each placeholder, in order, the index of its value; `literals` has one more entry.
    slots: Vec<usize>,
}

impl PathTemplate {
    /// Splits `prefix` + `template`; `names` gives each placeholder's value index.
    ///
    /// # Panics
    /// If the template has an unclosed `{` or a placeholder not in `names` (a bug, not input).
    pub(crate) fn new(prefix: &str, template: &str, names: &[&str]) -> Self {
        let mut literals = vec![prefix.to_owned()];
        let mut slots = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let close = open
                + rest[open..]
                    .find('}')
                    .expect("a `{` in a path template is closed");
            literals
                .last_mut()
                .expect("never empty")
                .push_str(&rest[..open]);
            let name = &rest[open + 1..close];
            slots.push(
                names
                    .iter()
                    .position(|n| *n == name)
                    .expect("every placeholder has a value"),
            );
            literals.push(String::new());
            rest = &rest[close + 1..];
        }
        literals.last_mut().expect("never empty").push_str(rest);
        Self { literals, slots }
    }

    /// The path with `values` (indexed as the `names` given to [`new`](Self::new)) encoded in.
    pub(crate) fn expand(&self, values: &[&str]) -> String {
        let literal: usize = self.literals.iter().map(String::len).sum();
        let encoded: usize = self.slots.iter().map(|&i| 3 * values[i].len()).sum();
        let mut out = String::with_capacity(literal + encoded);
        for (literal, &slot) in self.literals.iter().zip(&self.slots) {
            out.push_str(literal);
            let value = values[slot];
            if all_unreserved(value) {
                out.push_str(value);
            } else {
                out.extend(utf8_percent_encode(value, UNRESERVED));
            }
        }
        out.push_str(self.literals.last().expect("never empty"));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = secmaster_bindings::operations::UPDATE_AOP_WORKFLOW.path;

    fn path(p: &str, w: &str, f: &str) -> String {
        expand_path(
            "",
            TEMPLATE,
            &[("project_id", p), ("workspace_id", w), ("workflow_id", f)],
        )
    }

    #[test]
    fn plain_ids_go_in_as_they_are() {
        assert_eq!(
            path("p1", "w-2", "f_3.~"),
            "/v1/p1/workspaces/w-2/soc/workflows/f_3.~"
        );
    }

    #[test]
    fn every_other_character_is_percent_encoded() {
        assert_eq!(
            path("a/b", "..%2F", "?x#y"),
            "/v1/a%2Fb/workspaces/..%252F/soc/workflows/%3Fx%23y"
        );
        assert_eq!(
            path("a\\b", "x;y=z", "é 中"),
            "/v1/a%5Cb/workspaces/x%3By%3Dz/soc/workflows/%C3%A9%20%E4%B8%AD"
        );
    }

    #[test]
    fn each_rejection_names_the_field() {
        let cases = [
            ("", "is empty"),
            (".", "would change the request path"),
            ("..", "would change the request path"),
            ("a\r\nb", "control character '\\r'"),
            ("a\0", "control character '\\0'"),
            ("\u{85}", "control character"),
        ];
        for (value, reason) in cases {
            let e = check_id("workspace_id", value).unwrap_err();
            assert_eq!(e.field(), Some("workspace_id"));
            assert!(e.to_string().contains(reason), "{value:?}: {e}");
            assert!(e.to_string().starts_with("invalid workspace_id: "), "{e}");
        }
        assert!(
            check_id("workflow_id", &"x".repeat(MAX_ID_BYTES + 1))
                .unwrap_err()
                .to_string()
                .contains("at most 1024")
        );
        for ok in ["...", ".a", "a.", "%2E%2E", "a/b", "é"] {
            assert!(check_id("workflow_id", ok).is_ok(), "{ok:?}");
        }
    }

    proptest::proptest! {
        /// Any IDs are refused (naming the field) or give a path whose segments decode back to
        /// exactly those IDs.
        #[test]
        fn any_ids_are_refused_or_round_trip(p in ".{0,40}", w in "\\PC{0,40}", f in "[./%a-z\\\\?#;=]{0,12}") {
            let fields = [("project_id", p.as_str()), ("workspace_id", w.as_str()), ("workflow_id", f.as_str())];
            if let Some(e) = fields.iter().find_map(|(field, v)| check_id(field, v).err()) {
                proptest::prop_assert!(fields.iter().any(|(field, _)| e.field() == Some(*field)));
            } else {
                let path = path(&p, &w, &f);
                let segments: Vec<String> = path
                    .split('/')
                    .map(|s| percent_encoding::percent_decode_str(s).decode_utf8().unwrap().into_owned())
                    .collect();
                proptest::prop_assert_eq!(segments, ["", "v1", &p, "workspaces", &w, "soc", "workflows", &f]);
            }
        }
    }
}
