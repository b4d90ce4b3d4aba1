//! The SOAR engine: what starts a playbook instance, what it runs, and how it ends.
//!
//! - An enabled playbook's active version triggered by `EVENT`, of data class X (Alert or
//!   Incident), starts an instance when an object of class X is created (if its
//!   `dataobject_create`) or changed (if its `dataobject_update`) and its rule picks the object
//!   (or deleted, if its `dataobject_delete`), and its rule picks the object
//!   (the rule's conditions read as a search's, [`super::Search`]; a version whose
//!   `rule_enable` is false picks every object, one whose `rule_enable` is true but that has no
//!   rule picks none). The trigger is part of
//!   the change that created or changed the object.
//! - A `TIMER` version is fired by the fake's admin call (`POST /_fake/playbooks/{id}/fire`,
//!   [`crate::FakeSecMaster::fire_playbook`]), with no data object.
//! - An instance runs each action's workflow as a workflow run (`store/instances.rs`, its
//!   `playbook` field naming the playbook, its data object the object that triggered it); a
//!   workflow gone, disabled or without an activated version does not run (as the workflow
//!   chapter refuses it, `WORKFLOW_DISABLED`): the action is recorded failed, with why. Its
//!   status is read from its runs (an action without a run counts as `FAILED`): `RUNNING` while
//!   one runs, `RETRYING` while the only ones running are retried, `TERMINATING` while one is
//!   being terminated, else `TERMINATED` if a command terminated it, else `FAILED` if one
//!   failed, else `TERMINATED` if one was terminated, else `FINISHED` (`FAILED` when none ran);
//!   it ends when its last run ends, and keeps the status and end it ended with (a run deleted
//!   with its workflow later changes nothing).
//! - Commands: `TERMINATE` a running or retrying instance (its running runs are terminated:
//!   at once, or `TERMINATING` for the fake's terminate time, `--terminate-time-ms`; it ends
//!   `TERMINATED` whatever its runs say);
//!   `RETRY` a failed or terminated one (its failed
//!   and terminated runs run again: `RETRYING`).
//! - Bounded: an instance past [`crate::Limits::max_objects`] instances or
//!   [`crate::Limits::max_runs`] runs in the workspace is not started (a fire is refused with
//!   [`codes::LIMIT_EXCEEDED`]; an alert still is created).

use std::sync::Arc;
use std::time::SystemTime;

use serde_json::{Value, json};

use super::instances::{Run, compact, playbook_run};
use super::playbooks::{ACTIONS, INSTANCES, Obj, PLAYBOOKS, RULES, VERSIONS, flag, text};
use super::{Caller, Rejection, Search, Workspace, codes, new_id, reject};
use crate::Limits;

/// What starting an instance needs besides the workspace: who and when, when its runs end,
/// and the limits.
pub(crate) struct Start<'a> {
    pub caller: &'a Caller,
    pub ends: SystemTime,
    pub limits: &'a Limits,
}

/// What happened to a data object: each has its version flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Change {
    /// Created (`dataobject_create`).
    Created,
    /// Changed (`dataobject_update`).
    Updated,
    /// Deleted (`dataobject_delete`).
    Deleted,
}

/// Whether `version`'s rule picks `record` (an object wrapped in `data_object`).
fn picks(ws: &Workspace, version: &Obj, record: &Value) -> bool {
    if !flag(version, "rule_enable") {
        return true;
    }
    // A rule enabled but missing picks nothing (never every object).
    let Some(rule) = ws.children(RULES, text(version, "id")).next() else {
        return false;
    };
    let condition = serde_json::from_str::<Value>(text(rule, "rule")).ok();
    match Search::parse(condition.as_ref()) {
        Ok(Some(search)) => search.matches(record, Some("data_object")),
        _ => false,
    }
}

/// The flag of an instance that has ended: its `status` and `end_time` are kept.
pub(super) const ENDED: &str = "_ended";

/// An action of an instance, its run (if any) and why it failed without one.
pub(crate) type Ran<'a> = (&'a Obj, Option<&'a Run>, &'a str);

/// Whether workflow `flow` names an activated version it has.
fn activated(flow: &super::Flow) -> bool {
    let active = flow.info.version_id.as_deref().filter(|v| !v.is_empty());
    active.is_some_and(|a| flow.versions.iter().any(|v| v.id.as_deref() == Some(a)))
}

/// Whether an instance's `status` has not ended.
pub(crate) fn running(status: &str) -> bool {
    matches!(status, "RUNNING" | "RETRYING" | "TERMINATING")
}

/// The status of a run, as text.
pub(super) fn run_status(run: &Run) -> &str {
    run.detail.status.as_ref().map_or("RUNNING", |s| s.as_str())
}

impl Workspace {
    /// After an object of `family` (`record`) was created, changed or deleted: starts an
    /// instance of every enabled playbook whose active version it triggers. Returns how many
    /// started.
    pub(crate) fn trigger(
        &mut self,
        family: &str,
        record: &Value,
        change: Change,
        start: &Start<'_>,
    ) -> usize {
        let Some(class) = super::dataclasses::built_in_of(family) else {
            return 0;
        };
        let when = match change {
            Change::Created => "dataobject_create",
            Change::Updated => "dataobject_update",
            Change::Deleted => "dataobject_delete",
        };
        let picked: Vec<(String, String)> = self
            .family(PLAYBOOKS)
            .iter()
            .filter_map(|r| {
                let p = r.value.as_object().filter(|p| flag(p, "enabled"))?;
                let v = self.obj(VERSIONS, text(p, "version_id")).ok()?;
                let of_class = text(v, "dataclass_id") == class.id
                    || text(v, "dataclass_name").eq_ignore_ascii_case(class.name);
                let fires = text(v, "trigger_type").eq_ignore_ascii_case("EVENT")
                    && of_class
                    && flag(v, when)
                    && picks(self, v, record);
                fires.then(|| (r.id.clone(), text(v, "id").to_owned()))
            })
            .collect();
        picked
            .iter()
            .filter(|(p, v)| {
                self.start_instance(p, v, Some(record), "EVENT", start)
                    .is_ok()
            })
            .count()
    }

    /// Deletes objects `ids` of `family` (those that exist) as [`Workspace::delete_records`]
    /// does, each deletion a trigger.
    pub(crate) fn delete_triggering(
        &mut self,
        family: &str,
        ids: &[String],
        start: &Start<'_>,
    ) -> super::Outcome {
        let gone: Vec<Value> = ids
            .iter()
            .filter_map(|id| Some(self.record(family, id).ok()?.value.clone()))
            .collect();
        let outcome = self.delete_records(family, ids);
        for record in &gone {
            self.trigger(family, record, Change::Deleted, start);
        }
        outcome
    }

    /// Fires playbook `id` (enabled, its active version triggered by `TIMER`): the instance's
    /// ID.
    pub(crate) fn fire(&mut self, id: &str, start: &Start<'_>) -> Result<String, Rejection> {
        let p = self.obj(PLAYBOOKS, id)?;
        if !flag(p, "enabled") {
            return Err(reject(
                codes::PLAYBOOK_ENABLED,
                format!("playbook {id} is disabled: enable it before firing it"),
            ));
        }
        let version = text(p, "version_id").to_owned();
        let v = self.obj(VERSIONS, &version)?;
        if !text(v, "trigger_type").eq_ignore_ascii_case("TIMER") {
            return Err(reject(
                codes::WRONG_VERSION_STATUS,
                format!("playbook {id}'s active version is not triggered by TIMER"),
            ));
        }
        self.start_instance(id, &version, None, "TIMER", start)
    }

    /// Starts an instance of `version` of playbook `id` for `object` (if any): a run per
    /// action whose workflow runs, a failed action for each other.
    fn start_instance(
        &mut self,
        id: &str,
        version: &str,
        object: Option<&Value>,
        trigger: &str,
        start: &Start<'_>,
    ) -> Result<String, Rejection> {
        let p = self.obj(PLAYBOOKS, id)?.clone();
        let v = self.obj(VERSIONS, version)?.clone();
        let (p, v) = (&p, &v);
        let mut actions: Vec<Obj> = self.children(ACTIONS, version).cloned().collect();
        actions.sort_by(|a, b| text(a, "sort_order").cmp(text(b, "sort_order")));
        self.within(actions.len(), start.limits)?;
        let instance = new_id();
        let name = format!("{}-{}", text(p, "name"), compact(&start.caller.now));
        let class = (
            text(v, "dataclass_id").to_owned(),
            text(v, "dataclass_name").to_owned(),
        );
        let inner = object.and_then(|o| o.get("data_object"));
        let object_id = object.and_then(|o| o.get("id")).and_then(Value::as_str);
        let object_name = inner
            .and_then(|o| o.get("title").or_else(|| o.get("name")))
            .and_then(Value::as_str);
        let input = inner.map_or("{}".into(), Value::to_string);
        let input = if input.len() > start.limits.max_run_context_bytes {
            "{}".to_owned()
        } else {
            input
        };
        let mut value = json!({
            "id": instance, "name": name, "project_id": text(p, "project_id"),
            "playbook": {"id": id, "version_id": version, "name": text(p, "name"),
                "version": text(v, "version")},
            "dataclass": {"id": class.0, "name": class.1},
            "dataobject": {"id": object_id.unwrap_or(""), "name": object_name.unwrap_or("")},
            "status": "RUNNING", "trigger_type": trigger,
            "start_time": start.caller.now, "end_time": "",
        });
        let mut ran = Vec::new();
        for action in actions {
            let workflow = text(&action, "action_id");
            // As the workflow chapter refuses to run them: a workflow gone, disabled, or
            // without an activated version does not run; the action fails.
            let flow = match self.flow(workflow) {
                Ok(f) if f.info.enabled != Some(true) => {
                    Err(format!("workflow {workflow} is disabled"))
                }
                Ok(f) if !activated(f) => {
                    Err(format!("workflow {workflow} has no activated version"))
                }
                Ok(f) => Ok(f),
                Err(_) => Err(format!("workflow {workflow} does not exist")),
            };
            let flow = match flow {
                Ok(flow) => flow,
                Err(why) => {
                    ran.push(json!({"action": action, "run": "", "error": why}));
                    continue;
                }
            };
            let run = playbook_run(
                flow,
                (id, text(p, "name")),
                &class,
                (object_id.unwrap_or(""), trigger, &input),
                (&start.caller.now, start.ends),
            );
            let run_id = run.detail.id.clone().unwrap_or_default();
            ran.push(json!({"action": action, "run": run_id}));
            self.runs.push(Arc::new(run));
        }
        value["_runs"] = Value::Array(ran);
        let value = value.as_object().cloned().unwrap_or_default();
        self.keep(INSTANCES, Some(id), value);
        // An instance none of whose actions ran has ended already.
        self.close(Some(&instance), &start.caller.now);
        Ok(instance)
    }

    /// Refuses an instance of `actions` runs past the workspace's limits.
    fn within(&self, actions: usize, limits: &Limits) -> Result<(), Rejection> {
        let instances = self.family(INSTANCES).len();
        if instances >= limits.max_objects || self.runs.len() + actions > limits.max_runs {
            return Err(reject(
                codes::LIMIT_EXCEEDED,
                format!(
                    "the workspace holds {instances} playbook instances and {} runs; the fake \
                     holds at most {} and {}",
                    self.runs.len(),
                    limits.max_objects,
                    limits.max_runs
                ),
            ));
        }
        Ok(())
    }
}

impl super::Store {
    /// The `(project, workspace)` holding playbook `id`, among the projects `sees` allows.
    pub(crate) fn find_playbook(
        &self,
        id: &str,
        sees: impl Fn(&str) -> bool,
    ) -> Option<(String, String)> {
        self.workspaces
            .iter()
            .filter(|((project, _), _)| sees(project))
            .find(|(_, space)| space.ws.record(PLAYBOOKS, id).is_ok())
            .map(|(key, _)| key.clone())
    }
}
