//! Objects of the families the fake serves from the spec alone (`secmaster::bindings::families`):
//! JSON records kept per family, each shared until changed (copy on write), created, shown,
//! listed (equality filters, sort, offset and limit), merged and deleted as the family's data
//! says, with no code of their own. Lifecycle rules of a family, when it has some, are hooks of
//! [`Rules`]; a family without rules is served plainly.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::{Caller, Rejection, Workspace, codes, new_id, reject};

/// One object of a family: its ID, the ID of the object it belongs to (a nested family's
/// parent), and its fields as the spec's item schema has them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Record {
    pub id: String,
    pub parent: Option<String>,
    pub value: Value,
}

/// A family's lifecycle rules: hooks the generic store calls on create, update and delete.
/// Each may refuse (changing nothing) or adjust the object. The default hooks allow all.
pub(crate) trait Rules {
    /// Before a new object is stored.
    fn on_create(&self, _new: &mut Value) -> Result<(), Rejection> {
        Ok(())
    }
    /// Before a change is merged into `old` (`change` holds the fields sent).
    fn on_update(&self, _old: &Value, _change: &Map<String, Value>) -> Result<(), Rejection> {
        Ok(())
    }
    /// Before an object is deleted.
    fn on_delete(&self, _old: &Value) -> Result<(), Rejection> {
        Ok(())
    }
}

/// The rules of a family with none: everything the spec allows is allowed.
pub(crate) struct Plain;

impl Rules for Plain {}

/// What a list asks for: equality filters by field, a sort, a page.
#[derive(Debug, Default)]
pub(crate) struct Listing {
    pub parent: Option<String>,
    pub filters: Vec<(String, String)>,
    pub sort: Option<(String, bool)>,
    pub offset: usize,
    pub limit: usize,
}

/// `value` read as text for comparing with a query's value (`true`, `3`, `name`).
fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(_) | Value::Number(_) => Some(value.to_string()),
        _ => None,
    }
}

impl Workspace {
    fn family(&self, family: &str) -> &[Arc<Record>] {
        self.records.get(family).map_or(&[], Vec::as_slice)
    }

    /// Object `id` of `family`, or the service's not-found refusal.
    pub(crate) fn record(&self, family: &str, id: &str) -> Result<&Record, Rejection> {
        self.family(family)
            .iter()
            .find(|r| r.id == id)
            .map(|r| &**r)
            .ok_or_else(|| unknown(family, id))
    }

    /// Stores a new object of `family`: an ID, `create_time` and `update_time` in the pages'
    /// form, the project, workspace, parent and creator where the object has such fields.
    pub(crate) fn create_record(
        &mut self,
        family: &'static str,
        parent: Option<(&str, String)>,
        mut fields: Map<String, Value>,
        ids: (&str, &str),
        caller: &Caller,
        rules: &dyn Rules,
    ) -> Result<Record, Rejection> {
        let id = new_id();
        let text = |v: &str| Value::String(v.to_owned());
        for (name, value) in [
            ("id", text(&id)),
            ("create_time", text(&caller.now)),
            ("update_time", text(&caller.now)),
            ("project_id", text(ids.0)),
            ("workspace_id", text(ids.1)),
            ("creator_id", text(&caller.id)),
            ("creator_name", text(&caller.name)),
        ] {
            fields.entry(name).or_insert(value);
        }
        if let Some((name, value)) = &parent {
            fields.insert((*name).to_owned(), text(value));
        }
        let mut value = Value::Object(fields);
        rules.on_create(&mut value)?;
        let record = Record {
            id,
            parent: parent.map(|(_, v)| v),
            value,
        };
        self.records
            .entry(family)
            .or_default()
            .push(Arc::new(record.clone()));
        Ok(record)
    }

    /// The objects of `family` that `listing` matches, one page of them, and how many match.
    pub(crate) fn list_records(&self, family: &str, listing: &Listing) -> (Vec<Value>, usize) {
        let mut matching: Vec<&Record> = self
            .family(family)
            .iter()
            .map(|r| &**r)
            .filter(|r| listing.parent.is_none() || r.parent == listing.parent)
            .filter(|r| {
                listing.filters.iter().all(|(field, want)| {
                    r.value.get(field).and_then(as_text).as_deref() == Some(want.as_str())
                })
            })
            .collect();
        if let Some((field, descending)) = &listing.sort {
            let key = |r: &Record| r.value.get(field).and_then(as_text).unwrap_or_default();
            // Stable: ties stay in creation order, either way.
            matching.sort_by(|a, b| {
                let order = key(a).cmp(&key(b));
                if *descending { order.reverse() } else { order }
            });
        }
        let total = matching.len();
        let page = matching
            .into_iter()
            .skip(listing.offset)
            .take(listing.limit)
            .map(|r| r.value.clone())
            .collect();
        (page, total)
    }

    /// Merges the fields sent into object `id` (`update_time` set now) and returns it.
    pub(crate) fn update_record(
        &mut self,
        family: &str,
        id: &str,
        change: Map<String, Value>,
        caller: &Caller,
        rules: &dyn Rules,
    ) -> Result<Record, Rejection> {
        let slot = self
            .records
            .get_mut(family)
            .and_then(|all| all.iter_mut().find(|r| r.id == id))
            .ok_or_else(|| unknown(family, id))?;
        rules.on_update(&slot.value, &change)?;
        let record = Arc::make_mut(slot);
        if let Value::Object(fields) = &mut record.value {
            for (name, value) in change {
                // The ID is the path's, not the body's.
                if name != "id" {
                    fields.insert(name, value);
                }
            }
            fields.insert("update_time".to_owned(), Value::String(caller.now.clone()));
        }
        Ok(record.clone())
    }

    /// Deletes the objects `ids` of `family`, all or none, and returns them.
    pub(crate) fn delete_records(
        &mut self,
        family: &str,
        ids: &[String],
        rules: &dyn Rules,
    ) -> Result<Vec<Record>, Rejection> {
        let mut deleted = Vec::new();
        for id in ids {
            let record = self.record(family, id)?;
            rules.on_delete(&record.value)?;
            deleted.push(record.clone());
        }
        if let Some(all) = self.records.get_mut(family) {
            all.retain(|r| !ids.contains(&r.id));
        }
        Ok(deleted)
    }
}

/// The service's refusal for an object that does not exist.
fn unknown(family: &str, id: &str) -> Rejection {
    reject(
        codes::UNKNOWN_OBJECT,
        format!("the {family} object {id} does not exist"),
    )
}
