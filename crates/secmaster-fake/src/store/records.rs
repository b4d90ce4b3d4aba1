//! Objects of the families the fake serves from the spec alone (`secmaster::bindings::families`):
//! JSON records kept per family, each shared until changed (copy on write), created, shown,
//! listed ([`super::search`]), merged and deleted as the family's data says, with no code of
//! their own. A family whose create wraps its object (`{"data_object": {..}}`) keeps it so:
//! the record is the item (`AlertDetail`: ID, times, project, workspace) with the object in
//! that member, and changes merge into it. The spec's `x-required-when` rules are checked on
//! the object as it would be after the change. Lifecycle rules of a family, when it has some,
//! are hooks of [`Rules`] (`super::rules`); a family without rules is served plainly.

use std::sync::Arc;

use secmaster::bindings::RequestBody;
use serde_json::{Map, Value};

use super::search::{Listing, select};
use super::{Caller, Rejection, Workspace, codes, new_id, reject};

/// One object of a family: its ID, the ID of the object it belongs to (a nested family's
/// parent), and its fields as the spec's item schema has them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Record {
    pub id: String,
    pub parent: Option<String>,
    pub value: Value,
}

/// A family's lifecycle rules: hooks the generic store calls on the object (the wrapped one,
/// when the family wraps its objects) on create, update and delete. Each may refuse (changing
/// nothing) or adjust the object. The default hooks allow all.
pub(crate) trait Rules: Sync {
    /// Before a new object is stored (`now` in the pages' time format).
    fn on_create(&self, _new: &mut Map<String, Value>, _now: &str) -> Result<(), Rejection> {
        Ok(())
    }
    /// Before `change` (the fields sent) is merged into `old`; it may add to the change (a
    /// `null` removes a field).
    fn on_update(
        &self,
        _old: &Map<String, Value>,
        _change: &mut Map<String, Value>,
        _now: &str,
    ) -> Result<(), Rejection> {
        Ok(())
    }
}

/// The rules of a family with none: everything the spec allows is allowed.
pub(crate) struct Plain;

impl Rules for Plain {}

/// A family as the store keeps it: its name, the member its objects are wrapped in, the body
/// whose `x-required-when` rules hold, and its lifecycle rules.
#[derive(Clone, Copy)]
pub(crate) struct Kept<'a> {
    pub name: &'static str,
    pub wrap: Option<&'static str>,
    pub body: Option<&'static RequestBody>,
    pub rules: &'a dyn Rules,
}

impl Kept<'_> {
    /// The object of a record: the wrapped member, or the record itself.
    pub(crate) fn object<'v>(&self, value: &'v Value) -> Option<&'v Map<String, Value>> {
        match self.wrap {
            Some(member) => value.get(member)?.as_object(),
            None => value.as_object(),
        }
    }

    /// Refuses an object that breaks one of the spec's `x-required-when` rules, as it would be
    /// with `change` merged into `old`.
    fn required_when(
        &self,
        old: &Map<String, Value>,
        change: &Map<String, Value>,
    ) -> Result<(), Rejection> {
        let get = |n: &str| change.get(n).or_else(|| old.get(n));
        match self
            .body
            .into_iter()
            .flat_map(RequestBody::rules)
            .find(|r| r.is_broken_by_fields(get))
        {
            Some(rule) => Err(reject(
                codes::MISSING_FIELD,
                format!(
                    "{} is mandatory when {} is {}: {}",
                    rule.field, rule.when_field, rule.equals, rule.reason
                ),
            )),
            None => Ok(()),
        }
    }
}

/// Sets each of `stamps` in `fields` when it is not set.
fn stamp(fields: &mut Map<String, Value>, stamps: &[(&str, &str)]) {
    for (name, value) in stamps {
        fields
            .entry(*name)
            .or_insert_with(|| Value::String((*value).to_owned()));
    }
}

/// The fields every new object gets, where the request did not set them: ID, the pages'
/// times, project, workspace and creator.
pub(crate) fn stamps<'a>(
    id: &'a str,
    ids: (&'a str, &'a str),
    caller: &'a Caller,
) -> [(&'static str, &'a str); 7] {
    [
        ("id", id),
        ("create_time", &caller.now),
        ("update_time", &caller.now),
        ("project_id", ids.0),
        ("workspace_id", ids.1),
        ("creator_id", &caller.id),
        ("creator_name", &caller.name),
    ]
}

impl Workspace {
    pub(crate) fn family(&self, family: &str) -> &[Arc<Record>] {
        self.records.get(family).map_or(&[], Vec::as_slice)
    }

    /// The objects of `family` (wrapped in `wrap`) that `listing` matches, one page of them,
    /// and how many match.
    pub(crate) fn list_records(
        &self,
        family: &str,
        wrap: Option<&str>,
        listing: &Listing,
    ) -> (Vec<Value>, usize) {
        let all = self.family(family).iter();
        select(all.map(|r| (&r.value, r.parent.as_ref())), wrap, listing)
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
    /// form, the project, workspace, parent and creator where the object has such fields (in
    /// the record and in the object it wraps).
    pub(crate) fn create_record(
        &mut self,
        kept: Kept<'_>,
        parent: Option<(&str, String)>,
        mut fields: Map<String, Value>,
        ids: (&str, &str),
        caller: &Caller,
    ) -> Result<Record, Rejection> {
        let id = new_id();
        let stamps = stamps(&id, ids, caller);
        kept.required_when(&Map::new(), &fields)?;
        kept.rules.on_create(&mut fields, &caller.now)?;
        stamp(&mut fields, &stamps);
        let mut value = match kept.wrap {
            Some(member) => {
                let mut outer = Map::new();
                outer.insert(member.to_owned(), Value::Object(fields));
                outer
            }
            None => fields,
        };
        stamp(&mut value, &stamps);
        if let Some(class) = super::dataclasses::reference(kept.name) {
            value.entry("dataclass_ref").or_insert(class);
        }
        if let Some((name, parent)) = &parent {
            value.insert((*name).to_owned(), Value::String(parent.clone()));
        }
        let record = Record {
            id,
            parent: parent.map(|(_, v)| v),
            value: Value::Object(value),
        };
        self.records
            .entry(kept.name)
            .or_default()
            .push(Arc::new(record.clone()));
        Ok(record)
    }

    /// Merges the fields sent into object `id` (`update_time` set now) and returns it.
    pub(crate) fn update_record(
        &mut self,
        kept: Kept<'_>,
        id: &str,
        mut change: Map<String, Value>,
        caller: &Caller,
    ) -> Result<Record, Rejection> {
        let slot = self
            .records
            .get_mut(kept.name)
            .and_then(|all| all.iter_mut().find(|r| r.id == id))
            .ok_or_else(|| unknown(kept.name, id))?;
        let empty = Map::new();
        let old = kept.object(&slot.value).unwrap_or(&empty);
        kept.required_when(old, &change)?;
        kept.rules.on_update(old, &mut change, &caller.now)?;
        // The ID and the creation are the store's, not the body's.
        for name in ["id", "create_time", "project_id", "workspace_id"] {
            change.remove(name);
        }
        change.insert("update_time".to_owned(), Value::String(caller.now.clone()));
        let record = Arc::make_mut(slot);
        if let Value::Object(outer) = &mut record.value {
            outer.insert("update_time".to_owned(), Value::String(caller.now.clone()));
            let target = match kept.wrap {
                Some(member) => outer
                    .entry(member)
                    .or_insert_with(|| Value::Object(Map::new())),
                None => &mut record.value,
            };
            if let Value::Object(fields) = target {
                for (name, value) in change {
                    // A rule's `null` removes the field (a body's are gone by now).
                    if value.is_null() {
                        fields.remove(&name);
                    } else {
                        fields.insert(name, value);
                    }
                }
            }
        }
        Ok(record.clone())
    }

    /// Deletes the objects `ids` of `family` that exist, and the relations they are an end
    /// of; returns the IDs deleted and those that do not exist.
    pub(crate) fn delete_records(
        &mut self,
        family: &str,
        ids: &[String],
    ) -> (Vec<String>, Vec<String>) {
        let (found, missing): (Vec<String>, Vec<String>) = ids
            .iter()
            .cloned()
            .partition(|id| self.record(family, id).is_ok());
        if let Some(all) = self.records.get_mut(family) {
            all.retain(|r| !found.contains(&r.id));
        }
        self.unrelate(family, &found);
        (found, missing)
    }
}

/// The service's refusal for an object that does not exist: 400 [`codes::UNKNOWN_OBJECT`].
pub(crate) fn unknown(family: &str, id: &str) -> Rejection {
    reject(
        codes::UNKNOWN_OBJECT,
        format!("the {family} object {id} does not exist"),
    )
}
