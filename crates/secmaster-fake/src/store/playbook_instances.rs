//! A playbook instance as it runs and ends: its actions' runs, the status read from them and
//! kept once it ended, the view the API answers, and the commands (`TERMINATE`, `RETRY`); see
//! `engine.rs` for what starts one.

use serde_json::{Value, json};

use super::engine::{ENDED, Ran, run_status, running};
use super::playbooks::{INSTANCES, Obj, flag, text};

use super::{Caller, Ends, Rejection, Workspace, codes, reject};

/// On an instance a command is terminating, the command's time: it ends `TERMINATED` once its
/// runs have stopped, not before that time.
const TERMINATED: &str = "_terminated";

impl Workspace {
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
    pub(super) fn close(&mut self, only: Option<&str>, now: &str) {
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
        // The keys the fake keeps beside the page's (`_runs`, `_ended`, `_terminated`) are its own.
        let mut view: Obj = inst
            .iter()
            .filter(|(k, _)| !k.starts_with('_'))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if flag(inst, ENDED) {
            return view;
        }
        let runs = self.instance_runs(inst);
        let statuses: Vec<&str> = runs
            .iter()
            .map(|(_, r, _)| r.map_or("FAILED", run_status))
            .collect();
        let terminated = inst.get(TERMINATED).and_then(Value::as_str);
        let status = status_of(&statuses, terminated.is_some());
        view.insert("status".to_owned(), json!(status));
        if !running(status) {
            let ends = runs
                .iter()
                .filter_map(|(_, r, _)| r.as_ref()?.detail.end_time.as_deref());
            // A run gone with its workflow leaves the command's time as the end.
            let end = ends
                .chain(terminated)
                .max()
                .unwrap_or(text(inst, "start_time"));
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
        ends: Ends,
    ) -> Result<Obj, Rejection> {
        let view = self.playbook_instance(id)?;
        let status = text(&view, "status").to_owned();
        let stop = if ends.terminate.is_some() {
            "TERMINATING"
        } else {
            "TERMINATED"
        };
        let (from, to): (&[&str], &str) = match operation.to_ascii_uppercase().as_str() {
            "TERMINATE" if status == "RUNNING" || status == "RETRYING" => {
                (&["RUNNING", "RETRYING"], stop)
            }
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
            let run = self.run_mut(&run)?;
            match to {
                "RETRYING" => run.set(to, &caller.now, ends.run),
                _ => run.terminate(&caller.now, ends),
            }
        }
        let inst = self.obj_mut(INSTANCES, id)?;
        if to == "TERMINATING" {
            inst.insert(TERMINATED.to_owned(), json!(caller.now));
        } else if to == "TERMINATED" {
            // What the user asked for wins over a run that had failed before.
            inst.insert("status".to_owned(), json!(to));
            inst.insert("end_time".to_owned(), json!(caller.now));
            inst.insert(ENDED.to_owned(), json!(true));
        } else {
            inst.remove(ENDED);
            inst.remove(TERMINATED);
            inst.insert("status".to_owned(), json!("RUNNING"));
            inst.insert("end_time".to_owned(), json!(""));
        }
        self.playbook_instance(id)
    }
}

/// An instance's status read from its runs' `statuses`: `terminated` when a command is
/// terminating it (what the user asked for wins over a run that had failed before).
fn status_of(statuses: &[&str], terminated: bool) -> &'static str {
    let any = |s: &str| statuses.iter().any(|x| x.eq_ignore_ascii_case(s));
    if any("RUNNING") {
        "RUNNING"
    } else if any("RETRYING") {
        "RETRYING"
    } else if any("TERMINATING") {
        "TERMINATING"
    } else if terminated {
        "TERMINATED"
    } else if any("FAILED") {
        "FAILED"
    } else if any("TERMINATED") {
        "TERMINATED"
    } else if statuses.is_empty() {
        "FAILED"
    } else {
        "FINISHED"
    }
}
