//! Playbooks, their versions, a version's rule and actions, and the approvals of versions: kept
//! as records of the workspace (so counted, bounded per family by [`crate::Limits::max_objects`]
//! and copied on write like the SOC's objects), with the lifecycle the pages and Terraform's
//! documentation state (`spec/playbooks-notes.md`):
//!
//! - a version starts `EDITING`; its fields, rule and actions change while it is `EDITING` or
//!   `UNPASSED`, or `PUBLISHED` and not active (it goes back to `EDITING`, to be reviewed again);
//!   not while it is active nor under review (a body that repeats a field's value changes
//!   nothing and passes; deleting a rule or an action is a change as any other); submitting (with an action at least: Terraform's "updated
//!   only after matching a workflow")
//!   (`status: APPROVING`) records it as the playbook's `unaudited_version_id`;
//! - an approval needs an `APPROVING` version: `PASS` publishes it (`PUBLISHED`), anything else
//!   rejects it (`UNPASSED`, the playbook's `reject_version_id`);
//! - the approvals are listed by version (`resource_id`) and `approve_type`: a playbook
//!   version's are `PLAYBOOK`, a workflow version's reviews (`store/versions.rs`) are kept
//!   here too as `AOP_WORKFLOW` (and go with their version);
//! - an action's `action_id` names a workflow of the workspace;
//! - an enabled playbook changes only by disabling it or switching its active version; enabling
//!   needs `active_version_id` (or an active version already), a `PUBLISHED` version of that
//!   playbook, which becomes its `version_id` and the one `enabled` version;
//! - a version is deleted only when not active (`enabled`), a playbook only when disabled,
//!   with its versions, rules, actions, approvals and instances.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::records::{Record, unknown};
use super::{Caller, Rejection, Workspace, codes, new_id, reject, required};

/// A JSON object as the pages show it.
pub(crate) type Obj = Map<String, Value>;

/// The record families the playbook chapter keeps.
pub(crate) const PLAYBOOKS: &str = "playbooks";
/// A playbook's versions (parent: the playbook).
pub(crate) const VERSIONS: &str = "playbook-versions";
/// A version's rule (parent: the version).
pub(crate) const RULES: &str = "playbook-rules";
/// A version's actions (parent: the version).
pub(crate) const ACTIONS: &str = "playbook-actions";
/// The approvals of a version (parent: the version).
pub(crate) const APPROVALS: &str = "playbook-approvals";
/// Playbook instances (parent: the playbook).
pub(crate) const INSTANCES: &str = "playbook-instances";

/// Text field `name` of `o`, `""` when unset.
pub(crate) fn text<'a>(o: &'a Obj, name: &str) -> &'a str {
    o.get(name).and_then(Value::as_str).unwrap_or("")
}

/// Boolean field `name` of `o`, false when unset.
pub(crate) fn flag(o: &Obj, name: &str) -> bool {
    o.get(name).and_then(Value::as_bool).unwrap_or(false)
}

fn status_is(version: &Obj, statuses: &[&str]) -> bool {
    let status = text(version, "status");
    statuses.iter().any(|s| s.eq_ignore_ascii_case(status))
}

fn wrong_status(id: &str, version: &Obj, what: &str) -> Rejection {
    let status = text(version, "status");
    reject(
        codes::WRONG_VERSION_STATUS,
        format!("playbook version {id} is {status}: {what}"),
    )
}

impl Workspace {
    /// Object `id` of `family`, or the service's not-found refusal.
    pub(crate) fn obj(&self, family: &str, id: &str) -> Result<&Obj, Rejection> {
        self.record(family, id)?
            .value
            .as_object()
            .ok_or_else(|| unknown(family, id))
    }

    /// Object `id` of `family`, to change (copied first if it is shared).
    pub(crate) fn obj_mut(&mut self, family: &str, id: &str) -> Result<&mut Obj, Rejection> {
        self.records
            .get_mut(family)
            .and_then(|all| all.iter_mut().find(|r| r.id == id))
            .map(Arc::make_mut)
            .and_then(|r| r.value.as_object_mut())
            .ok_or_else(|| unknown(family, id))
    }

    /// The objects of `family` under `parent`, in creation order.
    pub(crate) fn children<'a>(
        &'a self,
        family: &str,
        parent: &'a str,
    ) -> impl Iterator<Item = &'a Obj> + 'a {
        self.family(family)
            .iter()
            .filter(move |r| r.parent.as_deref() == Some(parent))
            .filter_map(|r| r.value.as_object())
    }

    /// Stores `value` (with its `id`) in `family` under `parent`.
    pub(crate) fn keep(&mut self, family: &'static str, parent: Option<&str>, value: Obj) {
        let record = Record {
            id: text(&value, "id").to_owned(),
            parent: parent.map(str::to_owned),
            value: Value::Object(value),
        };
        self.records
            .entry(family)
            .or_default()
            .push(Arc::new(record));
    }

    /// Removes the objects of `family` under any of `parents`; their IDs.
    pub(super) fn drop_children(&mut self, family: &str, parents: &[String]) -> Vec<String> {
        let Some(all) = self.records.get_mut(family) else {
            return Vec::new();
        };
        let under = |r: &Record| r.parent.as_ref().is_some_and(|p| parents.contains(p));
        let gone = all.iter().filter(|r| under(r)).map(|r| r.id.clone());
        let gone: Vec<String> = gone.collect();
        all.retain(|r| !under(r));
        gone
    }

    /// Creates a playbook (disabled, no version).
    pub(crate) fn create_playbook(
        &mut self,
        body: &Obj,
        ids: (&str, &str),
        caller: &Caller,
    ) -> Result<Obj, Rejection> {
        let name = text(body, "name");
        required("name", name)?;
        self.playbook_name_is_free(name, None)?;
        let mut p = json!({
            "id": new_id(), "name": name, "description": text(body, "description"),
            "create_time": caller.now, "update_time": caller.now,
            "project_id": ids.0, "workspace_id": ids.1, "owner_id": caller.id,
            "enabled": false, "version_id": "", "version": "", "dataclass_id": "",
            "dataclass_name": "", "unaudited_version_id": "", "reject_version_id": "",
            "approve_role": "", "user_role": "", "edit_role": "",
        });
        let p = p.as_object_mut().map(std::mem::take).unwrap_or_default();
        self.keep(PLAYBOOKS, None, p.clone());
        Ok(p)
    }

    fn playbook_name_is_free(&self, name: &str, except: Option<&str>) -> Result<(), Rejection> {
        let taken = self.family(PLAYBOOKS).iter().any(|r| {
            r.value.get("name").and_then(Value::as_str) == Some(name)
                && Some(r.id.as_str()) != except
        });
        if taken {
            return Err(reject(
                codes::NAME_TAKEN,
                format!("a playbook named {name:?} already exists in this workspace"),
            ));
        }
        Ok(())
    }

    /// Applies UpdatePlaybook: a disabled playbook's name and description; enabling (with a
    /// published version of its own) or disabling.
    pub(crate) fn update_playbook(
        &mut self,
        id: &str,
        change: &Obj,
        caller: &Caller,
    ) -> Result<Obj, Rejection> {
        let old = self.obj(PLAYBOOKS, id)?.clone();
        let enable = change.get("enabled").and_then(Value::as_bool);
        let edits = ["name", "description"]
            .iter()
            .any(|f| change.get(*f).is_some_and(|v| old.get(*f) != Some(v)));
        if flag(&old, "enabled") && edits && enable != Some(false) {
            return Err(reject(
                codes::PLAYBOOK_ENABLED,
                format!("playbook {id} is enabled: disable it before changing it"),
            ));
        }
        if let Some(name) = change.get("name").and_then(Value::as_str) {
            required("name", name)?;
            self.playbook_name_is_free(name, Some(id))?;
        }
        let asked = change.get("active_version_id").and_then(Value::as_str);
        let active = asked.filter(|v| !v.is_empty()).map(str::to_owned);
        if enable == Some(true) {
            let Some(version) = active
                .or_else(|| Some(text(&old, "version_id").to_owned()).filter(|v| !v.is_empty()))
            else {
                return Err(reject(
                    codes::VERSION_REQUIRED,
                    format!("enabling playbook {id} needs active_version_id"),
                ));
            };
            self.activate(id, &version, caller)?;
        } else if let Some(version) = active {
            self.activate(id, &version, caller)?;
        }
        let p = self.obj_mut(PLAYBOOKS, id)?;
        for field in ["name", "description", "enabled"] {
            if let Some(value) = change.get(field) {
                p.insert(field.to_owned(), value.clone());
            }
        }
        p.insert("update_time".to_owned(), json!(caller.now));
        Ok(p.clone())
    }

    /// Makes `version` (a published version of playbook `id`) its active one.
    pub(super) fn activate(
        &mut self,
        id: &str,
        version: &str,
        caller: &Caller,
    ) -> Result<(), Rejection> {
        let v = match self.obj(VERSIONS, version) {
            Ok(v) if text(v, "playbook_id") == id => v,
            _ => {
                return Err(reject(
                    codes::UNKNOWN_VERSION,
                    format!("version {version} is not a version of playbook {id}"),
                ));
            }
        };
        if !status_is(v, &["PUBLISHED"]) {
            return Err(wrong_status(
                version,
                v,
                "only a published version can be active",
            ));
        }
        let number = text(v, "version").to_owned();
        // A version imported or made without a data class has none (never index: `[..]` on a
        // map panics on a missing key).
        let (class_id, class_name) = (text(v, "dataclass_id"), text(v, "dataclass_name"));
        let (class_id, class_name) = (json!(class_id), json!(class_name));
        let siblings: Vec<String> = self
            .children(VERSIONS, id)
            .map(|v| text(v, "id").to_owned())
            .collect();
        for sibling in siblings {
            let v = self.obj_mut(VERSIONS, &sibling)?;
            let on = sibling == version;
            if flag(v, "enabled") != on {
                v.insert("enabled".to_owned(), json!(on));
                v.insert("update_time".to_owned(), json!(caller.now));
            }
        }
        let p = self.obj_mut(PLAYBOOKS, id)?;
        p.insert("version_id".to_owned(), json!(version));
        p.insert("version".to_owned(), json!(number));
        p.insert("dataclass_id".to_owned(), class_id);
        p.insert("dataclass_name".to_owned(), class_name);
        Ok(())
    }

    /// Deletes a disabled playbook with its versions, rules, actions, approvals and instances.
    pub(crate) fn delete_playbook(&mut self, id: &str) -> Result<Obj, Rejection> {
        let p = self.obj(PLAYBOOKS, id)?.clone();
        if flag(&p, "enabled") {
            return Err(reject(
                codes::PLAYBOOK_ENABLED,
                format!("playbook {id} is enabled: disable it before deleting it"),
            ));
        }
        let versions = self.drop_children(VERSIONS, &[id.to_owned()]);
        for family in [RULES, ACTIONS, APPROVALS] {
            self.drop_children(family, &versions);
        }
        self.drop_children(INSTANCES, &[id.to_owned()]);
        self.delete_records(PLAYBOOKS, &[id.to_owned()]);
        Ok(p)
    }

    /// Version `id`, about to be edited: `EDITING` or `UNPASSED` as it is, a `PUBLISHED` one
    /// not active back to `EDITING` (it is reviewed again); refused while active
    /// ([`codes::VERSION_IN_USE`]) or under review.
    pub(crate) fn editable(&mut self, id: &str) -> Result<&Obj, Rejection> {
        let v = self.obj(VERSIONS, id)?;
        if flag(v, "enabled") {
            return Err(reject(
                codes::VERSION_IN_USE,
                format!("playbook version {id} is active: deactivate it before changing it"),
            ));
        }
        if status_is(v, &["PUBLISHED"]) {
            let v = self.obj_mut(VERSIONS, id)?;
            v.insert("status".to_owned(), json!("EDITING"));
        } else if !status_is(v, &["EDITING", "UNPASSED"]) {
            return Err(wrong_status(
                id,
                v,
                "only an editing, rejected or inactive version changes",
            ));
        }
        self.obj(VERSIONS, id)
    }

    /// Deletes a version that is not active, with its rule, actions and approvals.
    pub(crate) fn delete_playbook_version(&mut self, id: &str) -> Result<Obj, Rejection> {
        let v = self.obj(VERSIONS, id)?.clone();
        if flag(&v, "enabled") {
            return Err(reject(
                codes::VERSION_IN_USE,
                format!("playbook version {id} is active: deactivate it before deleting it"),
            ));
        }
        for family in [RULES, ACTIONS, APPROVALS] {
            self.drop_children(family, &[id.to_owned()]);
        }
        self.delete_records(VERSIONS, &[id.to_owned()]);
        // The playbook no longer names it (under review, rejected, or once active).
        if let Ok(p) = self.obj_mut(PLAYBOOKS, text(&v, "playbook_id")) {
            for field in ["unaudited_version_id", "reject_version_id", "version_id"] {
                if text(p, field) == id {
                    p.insert(field.to_owned(), json!(""));
                }
            }
        }
        Ok(v)
    }

    /// The reviews ListPlaybookApproves lists: of `resource` (a playbook's or a workflow's
    /// version; every one when empty), of `kind` (`PLAYBOOK`, `AOP_WORKFLOW`; both when empty),
    /// in the order made.
    pub(crate) fn approvals(&self, resource: &str, kind: &str) -> Vec<Obj> {
        self.family(APPROVALS)
            .iter()
            .filter(|r| resource.is_empty() || r.parent.as_deref() == Some(resource))
            .filter_map(|r| r.value.as_object())
            .filter(|a| {
                let of = Some(text(a, "approve_type")).filter(|t| !t.is_empty());
                kind.is_empty() || of.unwrap_or("PLAYBOOK").eq_ignore_ascii_case(kind)
            })
            .cloned()
            .collect()
    }

    /// Records an approval of version `id`, which must be `APPROVING`: `PASS` publishes it,
    /// anything else rejects it.
    pub(crate) fn approve(&mut self, id: &str, body: &Obj, now: &str) -> Result<Obj, Rejection> {
        let v = self.obj(VERSIONS, id)?;
        if !status_is(v, &["APPROVING"]) {
            return Err(wrong_status(
                id,
                v,
                "only a version under review is approved",
            ));
        }
        let playbook = text(v, "playbook_id").to_owned();
        let passed = text(body, "result").eq_ignore_ascii_case("PASS");
        let status = if passed { "PUBLISHED" } else { "UNPASSED" };
        let v = self.obj_mut(VERSIONS, id)?;
        v.insert("status".to_owned(), json!(status));
        v.insert("update_time".to_owned(), json!(now));
        if let Ok(p) = self.obj_mut(PLAYBOOKS, &playbook) {
            p.insert("unaudited_version_id".to_owned(), json!(""));
            let rejected = if passed { "" } else { id };
            p.insert("reject_version_id".to_owned(), json!(rejected));
        }
        let mut approval = body.clone();
        approval.insert("id".to_owned(), json!(new_id()));
        approval.insert("create_time".to_owned(), json!(now));
        approval.insert("approve_type".to_owned(), json!("PLAYBOOK"));
        self.keep(APPROVALS, Some(id), approval.clone());
        Ok(approval)
    }
}
