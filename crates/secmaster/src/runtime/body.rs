//! A request body from the fields a builder set: checked against the operation's generated
//! field data (mandatory fields, bounds and enum values at any depth, the fewest fields,
//! `x-required-when`), a mandatory field of one allowed value filled in, wrapped when the body
//! wraps an object, and serialized once, in the fields' order, with no map built on the way.

use bytes::Bytes;
use secmaster_bindings::RequestBody;
use serde_json::Value;

use crate::Error;

/// The body to send: the fields set, checked against the spec's, with a mandatory field of one
/// allowed value filled in, the spec's `x-required-when` rules kept; wrapped when the body only
/// wraps an object. Its bytes.
pub(super) fn json_body(
    request: RequestBody,
    set: Vec<(&'static str, Value)>,
) -> Result<Bytes, Error> {
    let set = checked(request, set)?;
    // Serialized from the fields as set (sorted by name), with no map built on the way; an
    // array body is its one field's value.
    let bytes = match request.wrap {
        _ if request.array => serde_json::to_vec(set.first().map_or(&Value::Null, |(_, v)| v)),
        Some(member) => {
            let outer = |name: &str| request.fields.iter().any(|f| f.name == name && f.outer);
            let (beside, inner): (Vec<_>, Vec<_>) =
                set.into_iter().partition(|(name, _)| outer(name));
            serde_json::to_vec(&Wrapped(member, Fields(&inner), Fields(&beside)))
        }
        None => serde_json::to_vec(&Fields(&set)),
    }
    .map_err(|e| Error::invalid("body", format!("cannot be serialized: {e}")))?;
    Ok(bytes.into())
}

/// A form's text parts: the fields set besides its file (`file`, the part the file goes in),
/// checked against the spec's as a JSON body's are, each as its text (a string as it is, any
/// other scalar as its JSON).
pub(super) fn form_texts(
    request: RequestBody,
    file: &'static str,
    mut set: Vec<(&'static str, Value)>,
) -> Result<Vec<(&'static str, String)>, Error> {
    // The file goes in its own part (`encode_form` checks it); a stand-in is checked as set.
    let i = set.partition_point(|(n, _)| *n < file);
    set.insert(i, (file, Value::String("the file".to_owned())));
    let texts = checked(request, set)?
        .into_iter()
        .filter(|(name, _)| *name != file)
        .map(|(name, value)| match value {
            Value::String(text) => (name, text),
            other => (name, other.to_string()),
        })
        .collect();
    Ok(texts)
}

/// The fields set, checked against the spec's (names, values, mandatory ones, the fewest,
/// `x-required-when`), with a mandatory field of one allowed value filled in.
fn checked(
    request: RequestBody,
    mut set: Vec<(&'static str, Value)>,
) -> Result<Vec<(&'static str, Value)>, Error> {
    for (name, _) in &set {
        if !request.fields.iter().any(|f| f.name == *name) {
            return Err(Error::invalid(
                name,
                format!("is not a field of `{}` in the spec", request.fields_schema),
            ));
        }
    }
    for field in request.fields {
        match set.iter().find(|(n, _)| *n == field.name).map(|(_, v)| v) {
            Some(value) => {
                if let Some(problem) = field.problem(value) {
                    return Err(Error::invalid(field.setter, problem));
                }
                if field.required && value.as_str().is_some_and(|s| s.trim().is_empty()) {
                    return Err(Error::invalid(field.setter, "is required and is empty"));
                }
            }
            None if field.required => match field.only_value() {
                Some(only) => {
                    let i = set.partition_point(|(n, _)| *n < field.name);
                    set.insert(i, (field.name, Value::String(only.to_owned())));
                }
                None => {
                    return Err(Error::invalid(field.setter, "is required and was not set"));
                }
            },
            None => {}
        }
    }
    let in_object = |name: &&str| !request.fields.iter().any(|f| f.name == *name && f.outer);
    let set_in_object = set.iter().filter(|(name, _)| in_object(name)).count() as u64;
    if set_in_object < request.min_fields {
        let names: Vec<&str> = request.fields.iter().map(|f| f.name).collect();
        return Err(Error::invalid(
            "body",
            format!(
                "sets no field; set at least {} of {}",
                request.min_fields,
                names.join(", ")
            ),
        ));
    }
    // The spec's `x-required-when` rules, checked on the fields as set.
    let get = |name: &str| set.iter().find(|(n, _)| *n == name).map(|(_, v)| v);
    if let Some(rule) = request.rules().find(|r| r.is_broken_by_fields(get)) {
        return Err(super::request::broken(rule));
    }
    Ok(set)
}

/// The body fields set, serialized as a JSON object in their order.
struct Fields<'a>(&'a [(&'static str, Value)]);

impl serde::Serialize for Fields<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// A body that wraps an object: `{member: fields}`, with the fields sent beside it (sorted by
/// name, as the member).
struct Wrapped<'a>(&'static str, Fields<'a>, Fields<'a>);

impl serde::Serialize for Wrapped<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let Self(member, inner, beside) = self;
        let mut map = serializer.serialize_map(Some(beside.0.len() + 1))?;
        let at = beside.0.partition_point(|(name, _)| name < member);
        for (name, value) in &beside.0[..at] {
            map.serialize_entry(name, value)?;
        }
        map.serialize_entry(member, inner)?;
        for (name, value) in &beside.0[at..] {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use secmaster_bindings::operations::UPDATE_AOP_WORKFLOW;
    use serde_json::{Value, json};

    use super::json_body;

    fn set(body: &Value) -> Vec<(&'static str, Value)> {
        let request = UPDATE_AOP_WORKFLOW.request.unwrap();
        let mut set: Vec<_> = body
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| {
                let field = request.fields.iter().find(|f| f.name == k).unwrap();
                (field.name, v.clone())
            })
            .collect();
        set.sort_by_key(|(name, _)| *name);
        set
    }

    #[test]
    fn the_specs_required_when_rule_is_enforced_from_its_data() {
        let request = UPDATE_AOP_WORKFLOW.request.unwrap();
        let e = json_body(request, set(&json!({"enabled": true}))).unwrap_err();
        assert_eq!(e.field(), Some("version_id"));
        assert!(
            e.to_string()
                .contains("mandatory when the workflow is enabled"),
            "{e}"
        );
        for ok in [
            json!({"enabled": true, "version_id": "v"}),
            json!({"enabled": false}),
        ] {
            let bytes = json_body(request, set(&ok)).unwrap();
            assert_eq!(serde_json::from_slice::<Value>(&bytes).unwrap(), ok);
        }
    }
}
