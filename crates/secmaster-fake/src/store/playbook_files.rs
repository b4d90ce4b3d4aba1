//! Playbooks exported to a file and imported back: the fake's own JSON format
//! (`secmaster-fake/playbooks`), each playbook with its versions as CreatePlaybookVersion's
//! bodies (the rule and actions inline). An import makes new playbooks (a name taken is
//! refused, the whole file with it) whose versions are `EDITING`; an action's workflow must
//! exist in the workspace, as on CreatePlaybookAction.

use serde_json::{Value, json};

use super::playbooks::{ACTIONS, Obj, PLAYBOOKS, RULES, VERSIONS, text};
use super::{Caller, Rejection, Workspace, codes, reject};

/// The format an export names and an import requires.
pub(crate) const FORMAT: &str = "secmaster-fake/playbooks";

/// The fields of a version an export keeps.
const KEPT: &[&str] = &[
    "description",
    "dataclass_id",
    "rule_enable",
    "trigger_type",
    "dataobject_create",
    "dataobject_update",
    "dataobject_delete",
    "action_strategy",
];

impl Workspace {
    /// Playbooks `ids` (every one when empty) as a file.
    pub(crate) fn export_playbooks(&self, ids: &[String]) -> Result<Value, Rejection> {
        let all: Vec<String> = if ids.is_empty() {
            self.family(PLAYBOOKS)
                .iter()
                .map(|r| r.id.clone())
                .collect()
        } else {
            ids.to_vec()
        };
        let mut playbooks = Vec::new();
        for id in &all {
            let p = self.obj(PLAYBOOKS, id)?;
            let versions: Vec<Value> = self
                .children(VERSIONS, id)
                .map(|v| self.exported_version(v))
                .collect();
            playbooks.push(json!({"name": text(p, "name"), "description": text(p, "description"),
                "versions": versions}));
        }
        Ok(json!({"format": FORMAT, "playbooks": playbooks}))
    }

    fn exported_version(&self, v: &Obj) -> Value {
        let id = text(v, "id");
        let mut body: Obj = KEPT
            .iter()
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

    /// Makes the playbooks of an exported `file`; how many.
    pub(crate) fn import_playbooks(
        &mut self,
        file: &Value,
        ids: (&str, &str),
        caller: &Caller,
    ) -> Result<usize, Rejection> {
        let bad = |why: &str| reject(codes::MALFORMED_FILE, format!("the file {why}"));
        if file.get("format").and_then(Value::as_str) != Some(FORMAT) {
            return Err(bad(&format!("is not an export of the fake ({FORMAT})")));
        }
        let playbooks = file["playbooks"]
            .as_array()
            .ok_or_else(|| bad("lists no playbooks"))?;
        for p in playbooks {
            let p = p
                .as_object()
                .ok_or_else(|| bad("holds a playbook that is not an object"))?;
            let made = self.create_playbook(p, ids, caller)?;
            for v in p
                .get("versions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let v = v
                    .as_object()
                    .ok_or_else(|| bad("holds a version that is not an object"))?;
                self.create_playbook_version(text(&made, "id"), v, caller)?;
            }
        }
        Ok(playbooks.len())
    }
}
