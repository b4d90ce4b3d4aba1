//! Data classes: the built-in ones every workspace has (Alert, Incident, Indicator, one per
//! family of data objects), whose fields are the spec's fields of the family's create body
//! (name, type, mandatory), and those a workspace was seeded with. The objects of a family
//! name their class (`dataclass_ref`). Types of a class (CreateDataclassType) are records of
//! the `types` family under their class.

use secmaster::bindings::{Family, FieldKind, Operation};
use serde_json::{Value, json};

use super::{Rejection, Workspace, codes, reject};

/// A built-in data class.
pub(crate) struct BuiltIn {
    pub id: &'static str,
    pub name: &'static str,
    /// The family of data objects of this class.
    pub family: &'static str,
}

/// The built-in classes. Alert's ID is the API page's workflow's data class.
pub(crate) const BUILT_IN: &[BuiltIn] = &[
    BuiltIn {
        id: "e410ae50-43fa-343e-807a-a2a9edb8018e",
        name: "Alert",
        family: "alerts",
    },
    BuiltIn {
        id: "5f2c8a1e-9b3d-3c47-a6e0-1d4b7f9c2e81",
        name: "Incident",
        family: "incidents",
    },
    BuiltIn {
        id: "8c7e4b2a-1f6d-3a95-b0c3-e2d5a7f41b96",
        name: "Indicator",
        family: "indicators",
    },
];

/// The built-in class of family `name`.
pub(crate) fn built_in_of(family: &str) -> Option<&'static BuiltIn> {
    BUILT_IN.iter().find(|b| b.family == family)
}

/// What an object of a family names as its class: `{id, name}`.
pub(crate) fn reference(family: &str) -> Option<Value> {
    built_in_of(family).map(|b| json!({"id": b.id, "name": b.name}))
}

/// A field kind as the data class pages name field types.
fn field_type(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Integer { .. } => "Integer",
        FieldKind::Number => "Numeric",
        FieldKind::Boolean => "Boolean",
        FieldKind::Array { .. } => "List<String>",
        FieldKind::Object => "Object",
        _ => "String",
    }
}

impl Workspace {
    /// The name of data class `id`: one the workspace was seeded with, or a built-in one.
    pub(crate) fn class_name(&self, id: &str) -> Option<String> {
        self.dataclasses.get(id).cloned().or_else(|| {
            let built_in = BUILT_IN.iter().find(|b| b.id == id)?;
            Some(built_in.name.to_owned())
        })
    }

    /// Every data class of the workspace, as the chapter shows them: the built-in ones, then
    /// those it was seeded with.
    pub(crate) fn dataclass_views(&self, ids: (&str, &str)) -> Vec<Value> {
        let view = |id: &str, name: &str, built_in: bool| {
            let types = self
                .family("types")
                .iter()
                .filter(|t| t.parent.as_deref() == Some(id));
            json!({"id": id, "name": name, "business_code": name, "is_built_in": built_in,
                   "project_id": ids.0, "workspace_id": ids.1, "type_num": types.count()})
        };
        let mut all: Vec<Value> = BUILT_IN.iter().map(|b| view(b.id, b.name, true)).collect();
        for (id, name) in &self.dataclasses {
            if BUILT_IN.iter().all(|b| b.id != id) {
                all.push(view(id, name, false));
            }
        }
        all
    }

    /// Data class `id`, or the fake's refusal for a class the workspace does not have.
    pub(crate) fn dataclass_view(&self, ids: (&str, &str), id: &str) -> Result<Value, Rejection> {
        self.dataclass_views(ids)
            .into_iter()
            .find(|c| c["id"] == id)
            .ok_or_else(|| {
                reject(
                    codes::UNKNOWN_DATACLASS,
                    format!("data class {id} does not exist"),
                )
            })
    }

    /// The fields of data class `id`: a built-in class's are its family's create body's.
    pub(crate) fn dataclass_fields(
        &self,
        ids: (&str, &str),
        id: &str,
    ) -> Result<Vec<Value>, Rejection> {
        let class = self.dataclass_view(ids, id)?;
        let Some(built_in) = BUILT_IN.iter().find(|b| b.id == id) else {
            return Ok(Vec::new());
        };
        let create = Family::find(built_in.family)
            .and_then(|f| f.operation("create"))
            .and_then(Operation::find);
        let fields = create
            .and_then(|op| op.request)
            .map_or(&[][..], |b| b.fields);
        Ok(fields
            .iter()
            .map(|f| {
                json!({"id": format!("{id}/{}", f.name), "name": f.name, "business_code": f.name,
                       "field_key": f.name, "field_type": field_type(f.kind), "required": f.required,
                       "is_built_in": true, "dataclass_name": class["name"], "searchable": true})
            })
            .collect())
    }
}
