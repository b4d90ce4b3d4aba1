//! What a server that serves operations from data needs (the fake's generic families): the
//! spec's resource families as the generator infers them, and each operation's body and result
//! read through the bindings' types.

/// A resource family of the spec (workflows, versions, instances, ...), inferred by the
/// generator from its operations' paths and shapes: what a store needs to serve it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Family {
    /// Its name: the collection's literal path segment (`workflows`).
    pub name: &'static str,
    /// The path parameter of one item's ID (`workflow_id`).
    pub id_param: Option<&'static str>,
    /// The path parameter of the item the family belongs to, when its collection is nested
    /// under another family's item (`workflow_id` for a workflow's versions).
    pub parent_param: Option<&'static str>,
    /// The schema of one item (a name under `components.schemas`).
    pub item_schema: Option<&'static str>,
    /// How its list answers a page.
    pub list: Option<ListStyle>,
    /// Its operations by role (`create`, `show`, `list`, `search`, `update`, `delete`,
    /// `update-many`, `delete-many`, `export`, `import`, an action word, or `act` and
    /// `<word>-one` on one item) and operationId.
    pub operations: &'static [(&'static str, &'static str)],
}

/// How a family's list answers a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ListStyle {
    /// `{code, message, data: [..]}`, with `total` beside `data` when the schema has it.
    Envelope {
        /// Whether the answer says how many match in all.
        total: bool,
    },
    /// A bare object with the items in one array member and the count in another.
    Bare {
        /// The member holding the items (`instances`, `records`).
        items: &'static str,
        /// The member holding the count (`count`, `total`), when there is one.
        count: Option<&'static str>,
    },
}

impl Family {
    /// The family called `name`.
    pub fn find(name: &str) -> Option<&'static Family> {
        crate::families::ALL.iter().find(|f| f.name == name)
    }

    /// The operationId of its operation in `role`.
    pub fn operation(&self, role: &str) -> Option<&'static str> {
        self.operations
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, id)| *id)
    }
}

/// Reads a request body as an operation's body type and writes it back as JSON.
pub type BodyCodec = fn(&[u8]) -> Result<serde_json::Value, String>;
/// Reads a result as an operation's result type and writes it back as JSON.
pub type DataCodec = fn(serde_json::Value) -> Result<serde_json::Value, String>;

/// An operation's request body and result read through the bindings' types, for a server that
/// serves operations from data (the fake's generic families): what the typed round trip keeps
/// (known fields, typed; a missing mandatory field or a wrong type is an error).
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Codec {
    /// The operationId.
    pub id: &'static str,
    /// The request body, read as the operation's body type and written back as JSON.
    pub body: Option<BodyCodec>,
    /// A result (`data` of the envelope, or the bare answer), read as the operation's result
    /// type and written back as JSON.
    pub data: Option<DataCodec>,
}

impl Codec {
    /// The codec of operation `id`.
    pub fn find(id: &str) -> Option<&'static Codec> {
        crate::operations::CODECS.iter().find(|c| c.id == id)
    }
}

/// JSON bytes read as `T` and written back (the generated codecs' body reader).
#[doc(hidden)]
pub fn read_as<T: serde::de::DeserializeOwned + serde::Serialize>(
    bytes: &[u8],
) -> Result<serde_json::Value, String> {
    let typed: T = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    serde_json::to_value(typed).map_err(|e| e.to_string())
}

/// A JSON value read as `T` and written back (the generated codecs' result reader).
#[doc(hidden)]
pub fn value_as<T: serde::de::DeserializeOwned + serde::Serialize>(
    value: serde_json::Value,
) -> Result<serde_json::Value, String> {
    let typed: T = serde_json::from_value(value).map_err(|e| e.to_string())?;
    serde_json::to_value(typed).map_err(|e| e.to_string())
}
