//! A request body's fields as data, and the check of a value against one: its type and bounds,
//! and what it holds (an object's fields, an array's items) at any depth, the path named.

/// A field of a request body and what the spec allows in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Field {
    /// Its name on the wire.
    pub name: &'static str,
    /// The name the `secmaster` client's setter gives it, and errors use (`x-rust-setter`;
    /// the wire name unless the spec says otherwise).
    pub setter: &'static str,
    /// Whether the schema lists it as `required`.
    pub required: bool,
    /// Its type and bounds.
    pub kind: FieldKind,
    /// Whether it is sent beside the wrapped object, at the body's top level (`batch_ids` of
    /// a body that wraps `data_object`, as `x-rust-wrap` says); `false` in a body that wraps
    /// nothing.
    pub outer: bool,
    /// The kind of each item, for an array of text, numbers or enum values; of each member's
    /// value, for a map whose values the spec types.
    pub items: Option<&'static FieldKind>,
    /// The fields of the object it holds, or of each object of an array of objects (empty
    /// otherwise): checked as the body's own are, their path named.
    pub fields: &'static [Field],
    /// Whether `null` is a value it takes (the schema's `nullable`); else `null` is refused.
    pub nullable: bool,
    /// The path parameter it repeats (`x-from-path`; a body's own fields, or its wrapped
    /// object's, only): a value set must be the path's, and a mandatory field unset is filled
    /// in with it.
    pub from_path: Option<&'static str>,
}

/// The type of a request body's field, with the bounds the spec gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldKind {
    /// Text, of `min_len..=max_len` characters where given.
    String {
        /// The fewest characters allowed.
        min_len: Option<u64>,
        /// The most characters allowed.
        max_len: Option<u64>,
    },
    /// An integer, within `min..=max` where given.
    Integer {
        /// The smallest value allowed.
        min: Option<i64>,
        /// The largest value allowed.
        max: Option<i64>,
    },
    /// An integer of an enum: one of `values`.
    IntegerEnum {
        /// The values it lists.
        values: &'static [i64],
    },
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A value of a string enum of the spec: a request takes only the values it lists.
    Enum {
        /// The enum's schema name.
        schema: &'static str,
        /// The values it lists.
        values: &'static [&'static str],
    },
    /// An array, of `min_items..=max_items` items where given.
    Array {
        /// The fewest items allowed.
        min_items: Option<u64>,
        /// The most items allowed.
        max_items: Option<u64>,
    },
    /// A JSON object (a schema of the spec, or free-form).
    Object,
    /// A free-form JSON object of `min_members..=max_members` members (a map the spec bounds).
    Map {
        /// The fewest members allowed.
        min_members: Option<u64>,
        /// The most members allowed.
        max_members: Option<u64>,
    },
    /// A file's bytes (a `format: binary` part of a form).
    Binary,
}

impl FieldKind {
    /// What a value of this kind is, in words.
    pub fn expected(&self) -> &'static str {
        match self {
            Self::String { .. } | Self::Enum { .. } => "a string",
            Self::Integer { .. } | Self::IntegerEnum { .. } => "an integer",
            Self::Number => "a number",
            Self::Boolean => "a boolean",
            Self::Array { .. } => "an array",
            Self::Object | Self::Map { .. } => "an object",
            Self::Binary => "a file",
        }
    }
}

impl Field {
    /// Why `value` breaks what the spec allows in this field or in what it holds (an object's
    /// fields, an array's items, at any depth, the path named), or `None` when it does not.
    pub fn problem(&self, value: &serde_json::Value) -> Option<String> {
        if let Some(problem) = self.own_problem(value) {
            return Some(problem);
        }
        let (path, problem) = self.nested_problem(value)?;
        Some(format!("at `{path}`: {problem}"))
    }

    /// The first problem of what `value` holds: its path below this field, and the problem.
    fn nested_problem(&self, value: &serde_json::Value) -> Option<(String, String)> {
        use serde_json::Value;
        let in_object = |object: &serde_json::Map<String, Value>| {
            self.fields.iter().find_map(|f| match object.get(f.name) {
                None | Some(Value::Null) if f.required => {
                    Some((f.name.to_owned(), "is required and was not set".to_owned()))
                }
                None => None,
                Some(v) => match f.own_problem(v) {
                    Some(problem) => Some((f.name.to_owned(), problem)),
                    None => f
                        .nested_problem(v)
                        .map(|(path, problem)| (format!("{}{path}", f.name), problem)),
                },
            })
        };
        let as_item = |kind: &'static FieldKind| Field {
            kind: *kind,
            items: None,
            fields: &[],
            nullable: false,
            ..*self
        };
        match value {
            Value::Object(object) if !self.fields.is_empty() => {
                in_object(object).map(|(path, problem)| (format!(".{path}"), problem))
            }
            Value::Object(members) => {
                let kind = self.items?;
                members.iter().find_map(|(name, v)| {
                    let problem = as_item(kind).own_problem(v)?;
                    Some((format!(".{name}"), problem))
                })
            }
            Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
                let problem = match (self.items, item) {
                    (Some(kind), _) => as_item(kind).own_problem(item).map(|p| (String::new(), p)),
                    (None, Value::Object(object)) if !self.fields.is_empty() => {
                        in_object(object).map(|(path, problem)| (format!(".{path}"), problem))
                    }
                    (None, Value::Object(_)) => None,
                    (None, _) if !self.fields.is_empty() => {
                        Some((String::new(), "is not an object".to_owned()))
                    }
                    _ => None,
                };
                problem.map(|(path, problem)| (format!("[{i}]{path}"), problem))
            }),
            _ => None,
        }
    }

    /// Why `value` itself (not what it holds) breaks what the spec allows in this field.
    fn own_problem(&self, value: &serde_json::Value) -> Option<String> {
        use serde_json::Value;
        let out_of = |n: u64, min: Option<u64>, max: Option<u64>, what: &str| match (min, max) {
            (Some(min), _) if n < min => Some(format!("has {n} {what}, fewer than {min}")),
            (_, Some(max)) if n > max => Some(format!("has {n} {what}, more than {max}")),
            _ => None,
        };
        match (self.kind, value) {
            (_, Value::Null) if self.nullable => None,
            (_, Value::Null) => Some(format!("is null, not {}", self.kind.expected())),
            (FieldKind::String { min_len, max_len }, Value::String(s)) => {
                out_of(s.chars().count() as u64, min_len, max_len, "characters")
            }
            (FieldKind::Integer { min, max }, Value::Number(n)) => {
                let Some(n) = n.as_i64() else {
                    return Some(format!("is {n}, not an integer of 64 bits"));
                };
                match (min, max) {
                    (Some(min), _) if n < min => Some(format!("is {n}, less than {min}")),
                    (_, Some(max)) if n > max => Some(format!("is {n}, more than {max}")),
                    _ => None,
                }
            }
            (FieldKind::IntegerEnum { values }, Value::Number(n)) => {
                let listed = n.as_i64().is_some_and(|n| values.contains(&n));
                let values: Vec<String> = values.iter().map(i64::to_string).collect();
                (!listed).then(|| format!("is {n}, not one of {}", values.join(", ")))
            }
            (FieldKind::Enum { values, .. }, Value::String(s)) => (!values.contains(&s.as_str()))
                .then(|| format!("`{s}` is not one of {}", values.join(", "))),
            (
                FieldKind::Array {
                    min_items,
                    max_items,
                },
                Value::Array(items),
            ) => out_of(items.len() as u64, min_items, max_items, "items"),
            (
                FieldKind::Map {
                    min_members,
                    max_members,
                },
                Value::Object(members),
            ) => out_of(members.len() as u64, min_members, max_members, "members"),
            (FieldKind::Number, Value::Number(_))
            | (FieldKind::Boolean, Value::Bool(_))
            | (FieldKind::Object, Value::Object(_))
            | (FieldKind::Binary, Value::String(_)) => None,
            (_, other) => {
                let got = match other {
                    Value::Bool(_) => "a boolean",
                    Value::Number(_) => "a number",
                    Value::String(_) => "a string",
                    Value::Array(_) => "an array",
                    Value::Object(_) | Value::Null => "an object",
                };
                Some(format!("is {got}, not {}", self.kind.expected()))
            }
        }
    }

    /// The value a mandatory field with one allowed value takes when none is set (an enum
    /// that lists one value, like `engine_type: public_engine`).
    pub fn only_value(&self) -> Option<&'static str> {
        match self.kind {
            FieldKind::Enum { values: [one], .. } if self.required => Some(one),
            _ => None,
        }
    }
}
