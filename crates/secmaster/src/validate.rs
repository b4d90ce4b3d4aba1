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
pub fn expand_path(prefix: &str, template: &str, params: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(
        prefix.len() + template.len() + params.iter().map(|(_, v)| 3 * v.len()).sum::<usize>(),
    );
    out.push_str(prefix);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = open
            + rest[open..]
                .find('}')
                .expect("a `{` in a path template is closed");
        out.push_str(&rest[..open]);
        let name = &rest[open + 1..close];
        let value = params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .expect("every placeholder has a value");
        if all_unreserved(value) {
            out.push_str(value);
        } else {
            out.extend(utf8_percent_encode(value, UNRESERVED));
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
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
