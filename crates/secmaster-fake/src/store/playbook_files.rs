//! Playbooks exported to a file and imported back: the fake's own JSON format
//! (`secmaster-fake/playbooks`), each playbook with its versions as CreatePlaybookVersion's
//! bodies (the rule and actions inline). An import makes new playbooks (a name taken is
//! refused, the whole file with it) whose versions are `EDITING`; each playbook and version is
//! first held to CreatePlaybook's and CreatePlaybookVersion's descriptors (`ops/playbook_io.rs`:
//! the whole file refused when one fails); an action's workflow must exist in the workspace, as
//! on CreatePlaybookAction.

use serde_json::{Value, json};

use super::playbook_versions::VERSION_FIELDS;
use super::playbooks::{ACTIONS, Obj, PLAYBOOKS, RULES, VERSIONS, text};
use super::{Caller, Rejection, Workspace, codes, reject};

/// The format an export names and an import requires.
pub(crate) const FORMAT: &str = "secmaster-fake/playbooks";

impl Workspace {
    /// Playbooks `ids` (every one when empty) as a file of at most `most` bytes (else refused).
    pub(crate) fn export_playbooks(&self, ids: &[String], most: usize) -> Result<Value, Rejection> {
        let all: Vec<String> = if ids.is_empty() {
            self.family(PLAYBOOKS)
                .iter()
                .map(|r| r.id.clone())
                .collect()
        } else {
            ids.to_vec()
        };
        let mut playbooks = Vec::new();
        let mut size = 0;
        for id in &all {
            let p = self.obj(PLAYBOOKS, id)?;
            let versions: Vec<Value> = self
                .children(VERSIONS, id)
                .map(|v| self.exported_version(v))
                .collect();
            let playbook = json!({"name": text(p, "name"), "description": text(p, "description"),
                "versions": versions});
            size += playbook.to_string().len() + 1;
            if size > most {
                return Err(reject(
                    codes::LIMIT_EXCEEDED,
                    format!("the export would pass {most} bytes; the fake answers at most that"),
                ));
            }
            playbooks.push(playbook);
        }
        Ok(json!({"format": FORMAT, "playbooks": playbooks}))
    }

    fn exported_version(&self, v: &Obj) -> Value {
        let id = text(v, "id");
        // The fields a version's body sets as they are, and its data class.
        let kept = VERSION_FIELDS.iter().chain(&["dataclass_id"]);
        let mut body: Obj = kept
            .filter_map(|f| Some(((*f).to_owned(), v.get(*f)?.clone())))
            .collect();
        if let Some(rule) = self.children(RULES, id).next() {
            let parsed = serde_json::from_str(text(rule, "rule")).unwrap_or(Value::Null);
            body.insert("rule".to_owned(), json!({"rule": parsed}));
        }
        let fields = [
            "name",
            "description",
            "action_type",
            "action_id",
            "sort_order",
        ];
        let actions = self.children(ACTIONS, id).map(|a| {
            let kept = fields
                .iter()
                .filter_map(|f| Some(((*f).to_owned(), a.get(*f)?.clone())));
            Value::Object(kept.collect())
        });
        body.insert("actions".to_owned(), Value::Array(actions.collect()));
        Value::Object(body)
    }

    /// Makes the playbooks `read` from a file ([`read_file`], each body checked by the caller);
    /// how many.
    pub(crate) fn import_playbooks(
        &mut self,
        read: &[Imported],
        ids: (&str, &str),
        caller: &Caller,
    ) -> Result<usize, Rejection> {
        for (p, versions) in read {
            let made = self.create_playbook(p, ids, caller)?;
            for v in versions {
                self.create_playbook_version(text(&made, "id"), v, caller)?;
            }
        }
        Ok(read.len())
    }
}

/// A playbook of a file, and its versions.
pub(crate) type Imported = (Obj, Vec<Obj>);

/// The playbooks of an exported `file`, each with its versions (their bodies not yet checked).
pub(crate) fn read_file(file: &Value) -> Result<Vec<Imported>, Rejection> {
    let bad = |why: &str| reject(codes::MALFORMED_FILE, format!("the file {why}"));
    if file.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(bad(&format!("is not an export of the fake ({FORMAT})")));
    }
    let playbooks = file
        .get("playbooks")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("lists no playbooks"))?;
    let mut read = Vec::new();
    for p in playbooks {
        let p = p
            .as_object()
            .ok_or_else(|| bad("holds a playbook that is not an object"))?;
        let mut versions = Vec::new();
        let listed = p.get("versions").unwrap_or(&Value::Null);
        if !listed.is_null() && !listed.is_array() {
            return Err(bad("holds versions that are not a list"));
        }
        for v in listed.as_array().into_iter().flatten() {
            let v = v
                .as_object()
                .ok_or_else(|| bad("holds a version that is not an object"))?;
            versions.push(v.clone());
        }
        let mut p = p.clone();
        p.remove("versions");
        read.push((p, versions));
    }
    Ok(read)
}
