//! Path IDs: checked before any I/O (the runtime then percent-encodes them, so that no ID can
//! change the path).

use crate::Error;

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
    if let Some(c) = value.chars().find(|c| c.is_control()) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
