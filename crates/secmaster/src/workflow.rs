//! The ergonomic view of a workflow (the API's `AopWorkflowInfo`).

use jiff::fmt::temporal::DateTimeParser;
use secmaster_bindings::types::AopWorkflowInfo;

pub use secmaster_bindings::open_enums::{
    AopType, EngineType, SortOrder, WorkflowLabel as Label, WorkflowSortKey,
};

/// A workflow as the service returned it: all 25 fields of `AopWorkflowInfo`.
///
/// Normalized for reading: `""` in any optional field but `name` and `description` reads as
/// `None` (the service sends `""` for "not set"); `create_time` and `update_time` keep the wire
/// text, and [`created_at`](Self::created_at) / [`updated_at`](Self::updated_at) parse it
/// leniently into real timestamps when asked; enum values the API page does not list are kept in
/// their `Other` variant.
///
/// It converts from the bindings' `AopWorkflowInfo` (what the client decodes), normalized as
/// above. It does not serialize: the bindings' type is the wire form to send or store.
///
/// ```
/// # use secmaster::Workflow;
/// # use secmaster::bindings::types::AopWorkflowInfo;
/// let w = Workflow::from(AopWorkflowInfo {
///     update_time: Some("2025-07-18T14:44:47.000Z+0800".into()),
///     ..Default::default()
/// });
/// assert_eq!(w.update_time.as_deref(), Some("2025-07-18T14:44:47.000Z+0800"));
/// assert_eq!(w.updated_at().unwrap().to_string(), "2025-07-18T06:44:47Z");
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Workflow {
    /// Workflow ID.
    pub id: Option<String>,
    /// Workflow name.
    pub name: Option<String>,
    /// Workflow description.
    pub description: Option<String>,
    /// Tenant (project) ID.
    pub project_id: Option<String>,
    /// Owner ID.
    pub owner_id: Option<String>,
    /// Creator ID.
    pub creator_id: Option<String>,
    /// Name of the creator.
    pub creator_name: Option<String>,
    /// Creation time as sent (the page's form is `2025-07-18T14:44:47.000Z+0800`); parsed by
    /// [`created_at`](Self::created_at).
    pub create_time: Option<String>,
    /// ID of the updater.
    pub modifier_id: Option<String>,
    /// Name of the updater.
    pub modifier_name: Option<String>,
    /// Update time as sent; parsed by [`updated_at`](Self::updated_at).
    pub update_time: Option<String>,
    /// Editing role.
    pub edit_role: Option<String>,
    /// User role.
    pub use_role: Option<String>,
    /// Review role.
    pub approve_role: Option<String>,
    /// Whether the workflow is enabled.
    pub enabled: Option<bool>,
    /// Workspace ID.
    pub workspace_id: Option<String>,
    /// ID of the activated workflow version.
    pub version_id: Option<String>,
    /// ID of the version to be reviewed.
    pub current_approval_version_id: Option<String>,
    /// ID of the rejected version.
    pub current_rejected_version_id: Option<String>,
    /// Workflow type.
    pub aop_type: Option<AopType>,
    /// Engine type.
    pub engine_type: Option<EngineType>,
    /// Data class ID.
    pub dataclass_id: Option<String>,
    /// Data class name.
    pub dataclass_name: Option<String>,
    /// Workflow entity type.
    pub labels: Option<Label>,
    /// Version of the activated workflow.
    pub version: Option<String>,
}

impl Workflow {
    /// The creation time, when `create_time` parses (see [`parse_timestamp`]).
    pub fn created_at(&self) -> Option<jiff::Timestamp> {
        self.create_time.as_deref().and_then(parse_timestamp)
    }

    /// The time of the last update, when `update_time` parses (see [`parse_timestamp`]).
    pub fn updated_at(&self) -> Option<jiff::Timestamp> {
        self.update_time.as_deref().and_then(parse_timestamp)
    }
}

pub(crate) fn text(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

/// An open enum as read: `""` is "not set", as for text fields.
pub(crate) fn open<T: PartialEq + for<'a> From<&'a str>>(value: Option<T>) -> Option<T> {
    value.filter(|v| *v != T::from(""))
}

impl From<AopWorkflowInfo> for Workflow {
    fn from(w: AopWorkflowInfo) -> Self {
        // Destructured field by field, so that a field the spec adds to `AopWorkflowInfo` fails to
        // compile here until the view has it too.
        let AopWorkflowInfo {
            aop_type,
            approve_role,
            create_time,
            creator_id,
            creator_name,
            current_approval_version_id,
            current_rejected_version_id,
            dataclass_id,
            dataclass_name,
            description,
            edit_role,
            enabled,
            engine_type,
            id,
            labels,
            modifier_id,
            modifier_name,
            name,
            owner_id,
            project_id,
            update_time,
            use_role,
            version,
            version_id,
            workspace_id,
        } = w;
        Self {
            id: text(id),
            name,
            description,
            project_id: text(project_id),
            owner_id: text(owner_id),
            creator_id: text(creator_id),
            creator_name: text(creator_name),
            create_time: text(create_time),
            modifier_id: text(modifier_id),
            modifier_name: text(modifier_name),
            update_time: text(update_time),
            edit_role: text(edit_role),
            use_role: text(use_role),
            approve_role: text(approve_role),
            enabled,
            workspace_id: text(workspace_id),
            version_id: text(version_id),
            current_approval_version_id: text(current_approval_version_id),
            current_rejected_version_id: text(current_rejected_version_id),
            aop_type: open(aop_type),
            engine_type: open(engine_type),
            dataclass_id: text(dataclass_id),
            dataclass_name: text(dataclass_name),
            labels: open(labels),
            version: text(version),
        }
    }
}

/// Parses a SecMaster timestamp leniently: RFC 3339 (`2025-07-18T06:44:47Z`,
/// `2025-07-18T14:44:47+08:00`), an offset without a colon (`+0800`), and the API page's own
/// `2025-07-18T14:44:47.000Z+0800`, where the `+0800` after the literal `Z` is the true offset
/// (so that example is 06:44:47 UTC). Anything else is `None`.
///
/// ```
/// let t = secmaster::parse_timestamp("2025-07-18T14:44:47.000Z+0800").unwrap();
/// assert_eq!(t.to_string(), "2025-07-18T06:44:47Z");
/// ```
pub fn parse_timestamp(text: &str) -> Option<jiff::Timestamp> {
    static PARSER: DateTimeParser = DateTimeParser::new();
    /// Room for the longest forms: nanoseconds, a seconds offset and an RFC 9557 time zone
    /// annotation (`...+08:00[America/Argentina/ComodRivadavia]`); anything longer is no timestamp.
    const MAX: usize = 256;
    let text = text.trim().as_bytes();
    if text.len() > MAX || !text.is_ascii() {
        return None;
    }
    // Rewritten on the stack: `...Z+0800` / `...Z-05:30` lose the `Z` (the offset that follows is
    // the real one), and a colon-less `+0800` gains its colon, as RFC 3339 has it.
    let mut buf = [0u8; MAX + 1];
    let z_then_offset = text
        .iter()
        .position(|b| matches!(b, b'Z' | b'z'))
        .filter(|&z| matches!(text.get(z + 1), Some(b'+' | b'-')));
    let mut len = text.len();
    match z_then_offset {
        Some(z) => {
            buf[..z].copy_from_slice(&text[..z]);
            buf[z..len - 1].copy_from_slice(&text[z + 1..]);
            len -= 1;
        }
        None => buf[..len].copy_from_slice(text),
    }
    if let [.., b'+' | b'-', h1, h2, m1, m2] = buf[..len]
        && [h1, h2, m1, m2].iter().all(u8::is_ascii_digit)
    {
        buf[len - 2..=len].copy_from_slice(&[b':', m1, m2]);
        len += 1;
    }
    PARSER.parse_timestamp(&buf[..len]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_timestamps_parse_with_the_offset_after_z() {
        assert_eq!(
            parse_timestamp("2025-07-18T14:44:47.000Z+0800")
                .unwrap()
                .to_string(),
            "2025-07-18T06:44:47Z"
        );
        assert_eq!(
            parse_timestamp("2025-07-18T14:47:16.939Z+0800")
                .unwrap()
                .to_string(),
            "2025-07-18T06:47:16.939Z"
        );
        assert_eq!(
            parse_timestamp("2025-07-18T01:00:00Z-05:30")
                .unwrap()
                .to_string(),
            "2025-07-18T06:30:00Z"
        );
    }

    #[test]
    fn rfc3339_and_colonless_offsets_parse() {
        // Found by review: a 64-byte cap refused this (an RFC 9557 annotation after the offset).
        assert_eq!(
            parse_timestamp("2025-07-18T14:44:47.123456789+08:00[America/Argentina/Buenos_Aires]")
                .unwrap()
                .to_string(),
            "2025-07-18T06:44:47.123456789Z"
        );
        assert_eq!(
            parse_timestamp(&format!("2025-07-18T06:44:47Z{}", " ".repeat(300)))
                .unwrap()
                .to_string(),
            "2025-07-18T06:44:47Z",
            "trailing blanks are trimmed first"
        );
        assert_eq!(parse_timestamp(&"9".repeat(300)), None);
        assert_eq!(
            parse_timestamp("2025-07-18T06:44:47Z").unwrap().to_string(),
            "2025-07-18T06:44:47Z"
        );
        assert_eq!(
            parse_timestamp("2025-07-18T14:44:47+08:00")
                .unwrap()
                .to_string(),
            "2025-07-18T06:44:47Z"
        );
        assert_eq!(
            parse_timestamp("2025-07-18T14:44:47.5+0800")
                .unwrap()
                .to_string(),
            "2025-07-18T06:44:47.5Z"
        );
        assert_eq!(
            parse_timestamp(" 2025-07-18T06:44:47z ")
                .unwrap()
                .to_string(),
            "2025-07-18T06:44:47Z"
        );
        assert_eq!(
            parse_timestamp("2025-07-18T14:44:47.000Z+08")
                .unwrap()
                .to_string(),
            "2025-07-18T06:44:47Z"
        );
    }

    #[test]
    fn anything_else_is_none_not_an_error() {
        for bad in [
            "",
            "yesterday",
            "2025-07-18",
            "2025-07-18T14:44:47",
            "2025-13-40T99:99:99Z",
            "Z+",
            "+0800",
            "2025-07-18T14:44:47Z+０８００",
            "Z+ab:cd",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn empty_strings_read_as_absent_but_name_and_description_are_kept() {
        let w = Workflow::from(AopWorkflowInfo {
            name: Some(String::new()),
            description: Some(String::new()),
            version_id: Some(String::new()),
            owner_id: Some(String::new()),
            create_time: Some("garbage".into()),
            ..Default::default()
        });
        assert_eq!(w.name.as_deref(), Some(""));
        assert_eq!(w.description.as_deref(), Some(""));
        assert_eq!(w.version_id, None);
        assert_eq!(w.owner_id, None);
        assert_eq!(w.created_at(), None);
        assert_eq!(w.create_time.as_deref(), Some("garbage"));
    }
}
