//! A playbook's versions and what a version holds: its rule (the conditions that pick the
//! alerts or incidents it runs for, read by the searches' evaluator, [`super::Search`]) and its
//! actions (each naming a workflow of the workspace). The lifecycle is in `playbooks.rs`.

use serde_json::{Value, json};

use super::playbooks::{ACTIONS, Obj, PLAYBOOKS, RULES, VERSIONS, flag, text};
use super::{Caller, Rejection, Search, Workspace, codes, new_id, reject};

/// The fields a version's body sets as they are.
pub(super) const VERSION_FIELDS: &[&str] = &[
    "description",
    "rule_enable",
    "trigger_type",
    "dataobject_create",
    "dataobject_update",
    "dataobject_delete",
    "action_strategy",
];

/// A rule's condition (`rule` of its body) checked as the searches read one, and kept as the
/// JSON text the answers carry.
pub(crate) fn rule_text(body: &Obj) -> Result<String, Rejection> {
    let rule = body.get("rule").cloned().unwrap_or_else(|| json!({}));
    let rule = match rule {
        // Terraform sends the rule as JSON text.
        Value::String(s) => serde_json::from_str(&s)
            .map_err(|e| reject(codes::INVALID_PARAMETER, format!("rule is not JSON: {e}")))?,
        other => other,
    };
    Search::parse(Some(&rule))?;
    Ok(rule.to_string())
}

impl Workspace {
    /// Creates a version of playbook `id` (`EDITING`), with its rule and actions when the body
    /// carries them (the newest page's CreatePlaybookVersion).
    pub(crate) fn create_playbook_version(
        &mut self,
        id: &str,
        body: &Obj,
        caller: &Caller,
    ) -> Result<Obj, Rejection> {
        let playbook = self.obj(PLAYBOOKS, id)?;
        let project = text(playbook, "project_id").to_owned();
        // One past the highest `vN` the playbook still has.
        let number = self
            .children(VERSIONS, id)
            .filter_map(|v| text(v, "version").strip_prefix('v')?.parse::<u64>().ok())
            .max()
            .unwrap_or(0)
            + 1;
        let vid = new_id();
        let mut v = json!({
            "id": vid, "playbook_id": id, "project_id": project, "version": format!("v{number}"),
            "create_time": caller.now, "update_time": caller.now, "creator_id": caller.id,
            "modifier_id": caller.id, "enabled": false, "status": "EDITING", "version_type": 0,
            "rule_enable": false, "rule_id": "", "trigger_type": "EVENT", "action_strategy": "ASYNC",
            "dataobject_create": false, "dataobject_update": false, "dataobject_delete": false,
            "approve_name": "", "description": "",
        });
        let v = v.as_object_mut().map(std::mem::take).unwrap_or_default();
        self.keep(VERSIONS, Some(id), v);
        self.set_version_fields(&vid, body, caller)?;
        // The version's `rule` is CreatePlaybookRule's body (`{"rule": {..}}`).
        if let Some(Value::Object(rule)) = body.get("rule") {
            self.create_rule(&vid, rule)?;
        }
        if let Some(Value::Array(actions)) = body.get("actions") {
            self.create_actions(&vid, actions)?;
        }
        self.version_view(&vid)
    }

    /// Replaces the rule and the actions of version `id` with those an update's body carries,
    /// when they differ from what it has (an edit: the version must be editable).
    fn set_rule_and_actions(&mut self, id: &str, body: &Obj) -> Result<(), Rejection> {
        if let Some(Value::Object(rule)) = body.get("rule") {
            let now = self.children(RULES, id).next().map(|r| text(r, "rule"));
            if rule_text(rule).ok().as_deref() != now {
                self.create_rule(id, rule)?;
            }
        }
        if let Some(Value::Array(actions)) = body.get("actions") {
            const SET: [&str; 5] = [
                "name",
                "description",
                "action_type",
                "action_id",
                "sort_order",
            ];
            let fields = |a: &Obj| SET.map(|f| a.get(f).cloned());
            let now: Vec<_> = self.children(ACTIONS, id).map(fields).collect();
            let asked: Vec<_> = actions
                .iter()
                .map(|a| fields(a.as_object().unwrap_or(&Obj::new())))
                .collect();
            if now != asked {
                self.editable(id)?;
                let old: Vec<String> = self
                    .children(ACTIONS, id)
                    .map(|a| text(a, "id").to_owned())
                    .collect();
                self.delete_records(ACTIONS, &old);
                self.create_actions(id, actions)?;
            }
        }
        Ok(())
    }

    /// Sets the fields a version's body carries; refused for a version that cannot be edited
    /// when a value changes.
    fn set_version_fields(
        &mut self,
        id: &str,
        body: &Obj,
        caller: &Caller,
    ) -> Result<(), Rejection> {
        let class = body.get("dataclass_id").and_then(Value::as_str);
        let class = match class {
            Some(c) => Some((
                c.to_owned(),
                self.class_name(c).ok_or_else(|| {
                    reject(
                        codes::UNKNOWN_DATACLASS,
                        format!("data class {c} does not exist"),
                    )
                })?,
            )),
            None => None,
        };
        let old = self.obj(VERSIONS, id)?;
        let changes = VERSION_FIELDS
            .iter()
            .any(|f| body.get(*f).is_some_and(|v| old.get(*f) != Some(v)))
            || class
                .as_ref()
                .is_some_and(|(c, _)| text(old, "dataclass_id") != c);
        if changes {
            self.editable(id)?;
        }
        let v = self.obj_mut(VERSIONS, id)?;
        for field in VERSION_FIELDS {
            if let Some(value) = body.get(*field) {
                v.insert((*field).to_owned(), value.clone());
            }
        }
        if let Some((class, name)) = class {
            v.insert("dataclass_id".to_owned(), json!(class));
            v.insert("dataclass_name".to_owned(), json!(name));
        }
        if changes {
            v.insert("update_time".to_owned(), json!(caller.now));
            v.insert("modifier_id".to_owned(), json!(caller.id));
        }
        Ok(())
    }

    /// Applies UpdatePlaybookVersion: its fields, rule and actions (while editable; the rule and
    /// the actions sent replace those it had), a submission (`APPROVING`),
    /// a withdrawal (`EDITING`), activation (`enabled`, a published version only) or
    /// deactivation (not while its playbook is enabled on it).
    pub(crate) fn update_playbook_version(
        &mut self,
        id: &str,
        body: &Obj,
        caller: &Caller,
    ) -> Result<Obj, Rejection> {
        let old = self.obj(VERSIONS, id)?.clone();
        self.set_version_fields(id, body, caller)?;
        self.set_rule_and_actions(id, body)?;
        let status = text(body, "status").to_ascii_uppercase();
        // As the fields left it (an inactive published version edited is EDITING again).
        let was = text(self.obj(VERSIONS, id)?, "status").to_ascii_uppercase();
        if status == "APPROVING" && was != status && self.children(ACTIONS, id).next().is_none() {
            return Err(reject(
                codes::MISSING_FIELD,
                format!("playbook version {id} has no action: add one before submitting it"),
            ));
        }
        let playbook = text(&old, "playbook_id").to_owned();
        match status.as_str() {
            "" => {}
            s if s == was => {}
            "APPROVING" | "EDITING" if was != "PUBLISHED" => {
                let v = self.obj_mut(VERSIONS, id)?;
                v.insert("status".to_owned(), json!(status));
                let unaudited = if status == "APPROVING" { id } else { "" };
                let p = self.obj_mut(PLAYBOOKS, &playbook)?;
                p.insert("unaudited_version_id".to_owned(), json!(unaudited));
            }
            _ => {
                return Err(reject(
                    codes::WRONG_VERSION_STATUS,
                    format!("playbook version {id} is {was}: it cannot become {status}"),
                ));
            }
        }
        match body.get("enabled").and_then(Value::as_bool) {
            Some(true) if !flag(&old, "enabled") => {
                self.activate(&playbook, id, caller)?;
            }
            Some(false) if flag(&old, "enabled") => self.deactivate(id, &playbook)?,
            _ => {}
        }
        self.version_view(id)
    }

    fn deactivate(&mut self, id: &str, playbook: &str) -> Result<(), Rejection> {
        if flag(self.obj(PLAYBOOKS, playbook)?, "enabled") {
            return Err(reject(
                codes::VERSION_IN_USE,
                format!("playbook version {id} is active on an enabled playbook: disable it"),
            ));
        }
        self.obj_mut(VERSIONS, id)?
            .insert("enabled".to_owned(), json!(false));
        let p = self.obj_mut(PLAYBOOKS, playbook)?;
        p.insert("version_id".to_owned(), json!(""));
        p.insert("version".to_owned(), json!(""));
        Ok(())
    }

    /// A copy of version `id` (`EDITING`, not active), with its rule and actions.
    pub(crate) fn copy_playbook_version(
        &mut self,
        id: &str,
        caller: &Caller,
    ) -> Result<Obj, Rejection> {
        let v = self.obj(VERSIONS, id)?.clone();
        let rule = self.children(RULES, id).next().cloned();
        let actions: Vec<Value> = self
            .children(ACTIONS, id)
            .cloned()
            .map(Value::Object)
            .collect();
        let mut body = v.clone();
        body.remove("status");
        body.remove("enabled");
        if let Some(rule) = rule {
            body.insert("rule".to_owned(), json!({"rule": rule.get("rule")}));
        }
        body.insert("actions".to_owned(), Value::Array(actions));
        self.create_playbook_version(text(&v, "playbook_id"), &body, caller)
    }

    /// Sets the rule of version `id` (an editable one), replacing any it had.
    pub(crate) fn create_rule(&mut self, id: &str, body: &Obj) -> Result<Obj, Rejection> {
        let v = self.editable(id)?;
        let project = text(v, "project_id").to_owned();
        let rule = rule_text(body)?;
        self.drop_rule(id);
        let mut r = json!({"id": new_id(), "project_id": project, "rule": rule})
            .as_object()
            .cloned()
            .unwrap_or_default();
        r.insert("version_id".to_owned(), json!(id));
        self.keep(RULES, Some(id), r.clone());
        self.obj_mut(VERSIONS, id)?
            .insert("rule_id".to_owned(), json!(text(&r, "id")));
        Ok(r)
    }

    fn drop_rule(&mut self, version: &str) {
        if let Some(all) = self.records.get_mut(RULES) {
            all.retain(|r| r.parent.as_deref() != Some(version));
        }
    }

    /// Rule `rule` of version `id`.
    pub(crate) fn rule(&self, id: &str, rule: &str) -> Result<&Obj, Rejection> {
        let r = self.obj(RULES, rule)?;
        if text(r, "version_id") != id {
            return Err(super::records::unknown(RULES, rule));
        }
        Ok(r)
    }

    /// Changes rule `rule` of version `id` (an editable one).
    pub(crate) fn update_rule(
        &mut self,
        id: &str,
        rule: &str,
        body: &Obj,
    ) -> Result<Obj, Rejection> {
        self.rule(id, rule)?;
        self.editable(id)?;
        let text = rule_text(body)?;
        let r = self.obj_mut(RULES, rule)?;
        r.insert("rule".to_owned(), json!(text));
        Ok(r.clone())
    }

    /// Deletes rule `rule` of version `id` (an editable one: a change as any other, reviewed
    /// again).
    pub(crate) fn delete_rule(&mut self, id: &str, rule: &str) -> Result<Obj, Rejection> {
        let r = self.rule(id, rule)?.clone();
        self.editable(id)?;
        self.drop_rule(id);
        self.obj_mut(VERSIONS, id)?
            .insert("rule_id".to_owned(), json!(""));
        Ok(r)
    }

    /// Adds actions to version `id` (an editable one), each naming a workflow of the workspace.
    pub(crate) fn create_actions(
        &mut self,
        id: &str,
        actions: &[Value],
    ) -> Result<Vec<Obj>, Rejection> {
        let v = self.editable(id)?;
        let (project, playbook) = (
            text(v, "project_id").to_owned(),
            text(v, "playbook_id").to_owned(),
        );
        let mut made = Vec::new();
        for action in actions {
            let mut a = action.as_object().cloned().unwrap_or_default();
            self.flow(text(&a, "action_id"))?;
            a.insert("id".to_owned(), json!(new_id()));
            a.insert("playbook_id".to_owned(), json!(playbook));
            a.insert("playbook_version_id".to_owned(), json!(id));
            a.insert("project_id".to_owned(), json!(project));
            self.keep(ACTIONS, Some(id), a.clone());
            made.push(a);
        }
        Ok(made)
    }

    /// Action `action` of version `id`.
    pub(crate) fn action(&self, id: &str, action: &str) -> Result<&Obj, Rejection> {
        let a = self.obj(ACTIONS, action)?;
        if text(a, "playbook_version_id") != id {
            return Err(super::records::unknown(ACTIONS, action));
        }
        Ok(a)
    }

    /// Changes action `action` of version `id` (an editable one); a new `action_id` names a
    /// workflow of the workspace.
    pub(crate) fn update_action(
        &mut self,
        id: &str,
        action: &str,
        body: &Obj,
    ) -> Result<Obj, Rejection> {
        self.action(id, action)?;
        self.editable(id)?;
        if let Some(workflow) = body.get("action_id").and_then(Value::as_str) {
            self.flow(workflow)?;
        }
        let a = self.obj_mut(ACTIONS, action)?;
        for field in [
            "name",
            "description",
            "action_type",
            "action_id",
            "sort_order",
        ] {
            if let Some(value) = body.get(field) {
                a.insert(field.to_owned(), value.clone());
            }
        }
        Ok(a.clone())
    }

    /// Deletes action `action` of version `id` (an editable one: a change as any other,
    /// reviewed again).
    pub(crate) fn delete_action(&mut self, id: &str, action: &str) -> Result<Obj, Rejection> {
        let a = self.action(id, action)?.clone();
        self.editable(id)?;
        self.delete_records(ACTIONS, &[action.to_owned()]);
        Ok(a)
    }

    /// Version `id` as ShowPlaybookVersion answers it: with its rule and actions.
    pub(crate) fn version_view(&self, id: &str) -> Result<Obj, Rejection> {
        let mut v = self.obj(VERSIONS, id)?.clone();
        let actions: Vec<Value> = self
            .children(ACTIONS, id)
            .cloned()
            .map(Value::Object)
            .collect();
        v.insert("actions".to_owned(), Value::Array(actions));
        if let Some(rule) = self.children(RULES, id).next() {
            v.insert("rules".to_owned(), Value::Object(rule.clone()));
        }
        Ok(v)
    }
}
