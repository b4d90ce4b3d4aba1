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
//!   status is read from its runs (an action without a run counts as `FAILED`): `RUNNING` while one runs, `RETRYING` while the only ones
//!   running are retried, else `FAILED` if one failed, else
//!   `TERMINATED` if one was terminated, else `FINISHED` (`FAILED` when none ran); it ends
//!   when its last run ends, and keeps the status and end it ended with (a run deleted with
//!   its workflow later changes nothing).
//! - Commands: `TERMINATE` a running or retrying instance (its running runs are terminated,
//!   at once: it is never seen `TERMINATING`; it ends `TERMINATED` whatever its runs say);
//!   `RETRY` a failed or terminated one (its failed
//!   and terminated runs run again: `RETRYING`).
//! - Bounded: an instance past [`crate::Limits::max_objects`] instances or
//!   [`crate::Limits::max_runs`] runs in the workspace is not started (a fire is refused with
//!   [`codes::LIMIT_EXCEEDED`]; an alert still is created).

use std::sync::Arc;
use std::time::SystemTime;

use serde_json::{Value, json};

use super::instances::{Run, playbook_run};
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
const ENDED: &str = "_ended";

/// An action of an instance, its run (if any) and why it failed without one.
pub(crate) type Ran<'a> = (&'a Obj, Option<&'a Run>, &'a str);

/// Whether workflow `flow` names an activated version it has.
fn activated(flow: &super::Flow) -> bool {
    let active = flow.info.version_id.as_deref().filter(|v| !v.is_empty());
    active.is_some_and(|a| flow.versions.iter().any(|v| v.id.as_deref() == Some(a)))
}

/// Whether an instance's `status` has not ended.
pub(crate) fn running(status: &str) -> bool {
    status == "RUNNING" || status == "RETRYING"
}

/// The status of a run, as text.
fn run_status(run: &Run) -> &str {
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

    /// The actions and runs of instance `inst`: each action with its run (`None` when it did
    /// not run, or once the run is gone with its workflow) and why it failed without a run.
    pub(crate) fn instance_runs<'a>(&'a self, inst: &'a Obj) -> Vec<Ran<'a>> {
        let ran = inst.get("_runs").and_then(Value::as_array);
        ran.into_iter()
            .flatten()
            .filter_map(|r| {
                let action = r.get("action")?.as_object()?;
                let id = r.get("run")?.as_str()?;
                let run = self
                    .runs
                    .iter()
                    .find(|x| !id.is_empty() && x.detail.id.as_deref() == Some(id));
                let error = r.get("error").and_then(Value::as_str);
                let error = error.unwrap_or("the run is gone (its workflow was deleted)");
                Some((action, run.map(|r| &**r), error))
            })
            .collect()
    }

    /// Keeps the status and end of every instance that has ended (as its runs tell) on the
    /// instance, so that it no longer changes with its runs (a run gone with its workflow).
    pub(crate) fn close_instances(&mut self, now: &str) {
        self.close(None, now);
    }

    /// As [`Workspace::close_instances`], for instance `only` when given.
    fn close(&mut self, only: Option<&str>, now: &str) {
        let ended: Vec<(String, Obj)> = self
            .family(INSTANCES)
            .iter()
            .filter(|r| only.is_none_or(|id| r.id == id))
            .filter_map(|r| r.value.as_object().map(|i| (r.id.clone(), i)))
            .filter(|(_, i)| !flag(i, ENDED))
            .map(|(id, i)| (id, self.instance_view(i)))
            .filter(|(_, view)| !running(text(view, "status")))
            .collect();
        for (id, view) in ended {
            if let Ok(inst) = self.obj_mut(INSTANCES, &id) {
                let end = Some(text(&view, "end_time")).filter(|e| !e.is_empty());
                inst.insert("status".to_owned(), json!(text(&view, "status")));
                inst.insert("end_time".to_owned(), json!(end.unwrap_or(now)));
                inst.insert(ENDED.to_owned(), json!(true));
            }
        }
    }

    /// Instance `inst` as the pages show it: once ended, the status and end it ended with;
    /// before, read from its runs (an action without a run failed; no action, nothing ran:
    /// failed).
    pub(crate) fn instance_view(&self, inst: &Obj) -> Obj {
        if flag(inst, ENDED) {
            let mut view = inst.clone();
            view.remove("_runs");
            view.remove(ENDED);
            return view;
        }
        let runs = self.instance_runs(inst);
        let statuses: Vec<&str> = runs
            .iter()
            .map(|(_, r, _)| r.map_or("FAILED", run_status))
            .collect();
        let any = |s: &str| statuses.iter().any(|x| x.eq_ignore_ascii_case(s));
        let status = if any("RUNNING") {
            "RUNNING"
        } else if any("RETRYING") {
            "RETRYING"
        } else if any("FAILED") {
            "FAILED"
        } else if any("TERMINATED") {
            "TERMINATED"
        } else if statuses.is_empty() {
            "FAILED"
        } else {
            "FINISHED"
        };
        let mut view = inst.clone();
        view.remove("_runs");
        view.insert("status".to_owned(), json!(status));
        if !running(status) {
            let ends = runs
                .iter()
                .filter_map(|(_, r, _)| r.as_ref()?.detail.end_time.as_deref());
            let end = ends.max().unwrap_or(text(inst, "start_time"));
            view.insert("end_time".to_owned(), json!(end));
        }
        view
    }

    /// Instance `id` as the pages show it.
    pub(crate) fn playbook_instance(&self, id: &str) -> Result<Obj, Rejection> {
        let inst = self.obj(INSTANCES, id).map_err(|_| {
            reject(
                codes::UNKNOWN_INSTANCE,
                format!("instance {id} does not exist"),
            )
        })?;
        Ok(self.instance_view(inst))
    }

    /// Applies ChangePlaybookInstance's `operation` (`TERMINATE` or `RETRY`) to instance `id`.
    pub(crate) fn change_instance(
        &mut self,
        id: &str,
        operation: &str,
        caller: &Caller,
        ends: SystemTime,
    ) -> Result<Obj, Rejection> {
        let view = self.playbook_instance(id)?;
        let status = text(&view, "status").to_owned();
        let (from, to): (&[&str], &str) = match operation.to_ascii_uppercase().as_str() {
            "TERMINATE" if running(&status) => (&["RUNNING", "RETRYING"], "TERMINATED"),
            "RETRY" if status == "FAILED" || status == "TERMINATED" => {
                (&["FAILED", "TERMINATED"], "RETRYING")
            }
            op @ ("TERMINATE" | "RETRY") => {
                return Err(reject(
                    codes::WRONG_INSTANCE_STATUS,
                    format!("playbook instance {id} is {status}: it cannot {op}"),
                ));
            }
            other => {
                return Err(reject(
                    codes::INVALID_LABELS,
                    format!("operation must be one of TERMINATE, RETRY, not {other:?}"),
                ));
            }
        };
        let inst = self.obj(INSTANCES, id)?;
        let ids: Vec<String> = self
            .instance_runs(inst)
            .iter()
            .filter_map(|(_, r, _)| r.filter(|r| from.contains(&run_status(r))))
            .filter_map(|r| r.detail.id.clone())
            .collect();
        for run in ids {
            self.run_mut(&run)?.set(to, &caller.now, ends);
        }
        let inst = self.obj_mut(INSTANCES, id)?;
        if to == "TERMINATED" {
            // What the user asked for wins over a run that had failed before.
            inst.insert("status".to_owned(), json!(to));
            inst.insert("end_time".to_owned(), json!(caller.now));
            inst.insert(ENDED.to_owned(), json!(true));
        } else {
            inst.remove(ENDED);
            inst.insert("status".to_owned(), json!("RUNNING"));
            inst.insert("end_time".to_owned(), json!(""));
        }
        self.playbook_instance(id)
    }
}

/// A timestamp's digits up to the second (`20250718144447`), for an instance's name.
fn compact(now: &str) -> String {
    now.get(..19).unwrap_or(now).replace(['-', ':', 'T'], "")
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
