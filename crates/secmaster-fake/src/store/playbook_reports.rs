//! What the playbook chapter reports, from what really ran: the instances (with the page's
//! filters), an instance's topology (each action with its run's log), the audit logs (an entry
//! per instance and per action run), a playbook's monitor and the workspace's statistics.

use serde_json::{Value, json};

use super::Workspace;
use super::instances::Run;
use super::playbooks::{INSTANCES, Obj, PLAYBOOKS, VERSIONS, flag, text};

/// ListPlaybookInstances' filters, as sent (each matched as text; `name`, `playbook_name`,
/// `dataclass_name` and `dataobject_name` as substrings; `from_date` and `to_date` on the
/// start, or the end with `date_type` END).
#[derive(Debug, Default)]
pub(crate) struct InstanceFilter {
    pub pairs: Vec<(String, String)>,
}

fn nested<'a>(o: &'a Obj, outer: &str, inner: &str) -> &'a str {
    o.get(outer)
        .and_then(|v| v.get(inner))
        .and_then(Value::as_str)
        .unwrap_or("")
}

impl InstanceFilter {
    fn matches(&self, view: &Obj) -> bool {
        // `date_type` END windows the end; START (the default) the start.
        let end = self
            .pairs
            .iter()
            .any(|(n, v)| n == "date_type" && v == "END");
        let at = if end { "end_time" } else { "start_time" };
        let start = secmaster::parse_timestamp(text(view, at));
        self.pairs.iter().all(|(name, want)| match name.as_str() {
            "name" => text(view, "name").contains(want.as_str()),
            "playbook_name" => nested(view, "playbook", "name").contains(want.as_str()),
            "dataclass_name" => nested(view, "dataclass", "name").contains(want.as_str()),
            "dataobject_name" => nested(view, "dataobject", "name").contains(want.as_str()),
            "status" => text(view, "status").eq_ignore_ascii_case(want),
            "trigger_type" => text(view, "trigger_type").eq_ignore_ascii_case(want),
            "from_date" => secmaster::parse_timestamp(want).is_none_or(|f| start >= Some(f)),
            "to_date" => {
                secmaster::parse_timestamp(want).is_none_or(|t| start.is_some_and(|s| s <= t))
            }
            _ => true,
        })
    }
}

/// A run's log as the chapter's `AuditLogInfo` shows it.
fn run_log(action: &Obj, run: &Run, parent: &str) -> Value {
    let d = &run.detail;
    let node = d.topology.as_ref().and_then(|t| t.audit_logs.first());
    let of_node = |f: fn(&secmaster::bindings::types::TopologyNodeInfo) -> &Option<String>| {
        node.and_then(|n| f(n).clone()).unwrap_or_default()
    };
    json!({
        "instance_type": "AOP_WORKFLOW", "action_id": text(action, "action_id"),
        "action_name": text(action, "name"), "instance_id": d.id,
        "parent_instance_id": parent, "log_level": "INFO",
        "input": of_node(|n| &n.input), "output": of_node(|n| &n.output),
        "error_msg": of_node(|n| &n.error_msg),
        "start_time": d.start_time, "end_time": d.end_time,
        "status": d.status.as_ref().map(|s| s.as_str()),
        "trigger_type": d.trigger_type.as_ref().map(|t| t.as_str()),
    })
}

/// The log of an action that has no run (its workflow could not run, or is gone): failed.
fn failed_log(action: &Obj, error: &str, parent: &str) -> Value {
    json!({
        "instance_type": "AOP_WORKFLOW", "action_id": text(action, "action_id"),
        "action_name": text(action, "name"), "instance_id": "",
        "parent_instance_id": parent, "log_level": "ERROR", "input": "", "output": "",
        "error_msg": error, "start_time": "", "end_time": "", "status": "FAILED",
        "trigger_type": "",
    })
}

/// Seconds between two of the pages' timestamps.
fn seconds(from: &str, to: &str) -> Option<f64> {
    let (from, to) = (
        secmaster::parse_timestamp(from)?,
        secmaster::parse_timestamp(to)?,
    );
    Some(to.duration_since(from).as_secs_f64())
}

impl Workspace {
    /// The instances (as the pages show them) that `filter` matches, newest first.
    pub(crate) fn playbook_instances(&self, filter: &InstanceFilter) -> Vec<Obj> {
        let all = self.family(INSTANCES).iter().rev();
        all.filter_map(|r| r.value.as_object())
            .map(|i| self.instance_view(i))
            .filter(|v| filter.matches(v))
            .collect()
    }

    /// Instance `id`'s topology: each action it ran, with its run's log.
    pub(crate) fn playbook_topology(&self, id: &str) -> Result<Vec<Value>, super::Rejection> {
        self.playbook_instance(id)?;
        let inst = self.obj(INSTANCES, id)?;
        Ok(self
            .instance_runs(inst)
            .into_iter()
            .map(|(action, run, error)| {
                let log =
                    run.map_or_else(|| failed_log(action, error, id), |r| run_log(action, r, id));
                json!({"action": action, "instance_log": log})
            })
            .collect())
    }

    /// The audit logs: per instance, one for the playbook then one per action run; those
    /// whose fields equal every text field `filter` sets.
    pub(crate) fn playbook_audit_logs(&self, filter: &Obj) -> Vec<Value> {
        let mut logs = Vec::new();
        for r in self.family(INSTANCES) {
            let Some(inst) = r.value.as_object() else {
                continue;
            };
            let view = self.instance_view(inst);
            logs.push(json!({
                "instance_type": "PLAYBOOK", "action_id": nested(&view, "playbook", "id"),
                "action_name": nested(&view, "playbook", "name"), "instance_id": r.id,
                "parent_instance_id": "", "log_level": "INFO", "input": "", "output": "",
                "error_msg": "", "start_time": text(&view, "start_time"),
                "end_time": text(&view, "end_time"), "status": text(&view, "status"),
                "trigger_type": text(&view, "trigger_type"),
            }));
            for (action, run, error) in self.instance_runs(inst) {
                logs.push(match run {
                    Some(run) => run_log(action, run, &r.id),
                    None => failed_log(action, error, &r.id),
                });
            }
        }
        logs.retain(|log| {
            filter.iter().all(|(name, want)| match want {
                Value::String(w) if !w.is_empty() => log.get(name) == Some(want),
                _ => true,
            })
        });
        logs
    }

    /// Playbook `id`'s monitor: its instances started within `(from, to)` (the pages'
    /// timestamps, either open) of the `versions` asked for (`ALL`, `VALID`: versions it still
    /// has, `DELETED`), counted by trigger and outcome, and their run times.
    pub(crate) fn playbook_monitor(
        &self,
        id: &str,
        (from, to): (Option<String>, Option<String>),
        versions: &str,
    ) -> Result<Obj, super::Rejection> {
        self.obj(PLAYBOOKS, id)?;
        let filter = InstanceFilter {
            pairs: [("from_date", from), ("to_date", to)]
                .into_iter()
                .filter_map(|(k, v)| Some((k.to_owned(), v?)))
                .collect(),
        };
        let views: Vec<Obj> = self
            .children(INSTANCES, id)
            .map(|i| self.instance_view(i))
            .filter(|v| filter.matches(v))
            .filter(|v| {
                // VALID: of a version the playbook still has; DELETED: of one deleted; ALL.
                let kept = self
                    .obj(VERSIONS, nested(v, "playbook", "version_id"))
                    .is_ok();
                match versions {
                    "VALID" => kept,
                    "DELETED" => !kept,
                    _ => true,
                }
            })
            .collect();
        let count = |f: &str, v: &str| views.iter().filter(|i| text(i, f) == v).count();
        let timed: Vec<(&Obj, f64)> = views
            .iter()
            .filter(|v| !super::engine::running(text(v, "status")))
            .filter_map(|v| Some((v, seconds(text(v, "start_time"), text(v, "end_time"))?)))
            .collect();
        let stat = |pick: Option<&(&Obj, f64)>| {
            pick.map_or(Value::Null, |(v, t)| {
                json!({"playbook_instance_id": text(v, "id"), "playbook_instance_name": text(v, "name"),
                    "playbook_instance_run_time": t})
            })
        };
        let by_time = |a: &&(&Obj, f64), b: &&(&Obj, f64)| a.1.total_cmp(&b.1);
        let average = if timed.is_empty() {
            0.0
        } else {
            timed.iter().map(|(_, t)| t).sum::<f64>() / timed.len() as f64
        };
        let monitor = json!({
            "total_instance_run_num": views.len(),
            "schedule_instance_run_num": count("trigger_type", "TIMER"),
            "event_instance_run_num": count("trigger_type", "EVENT"),
            "average_run_time": average,
            "min_run_time_instance": stat(timed.iter().min_by(by_time)),
            "max_run_time_instance": stat(timed.iter().max_by(by_time)),
            "total_instance_num": views.len(),
            "success_instance_num": count("status", "FINISHED"),
            "fail_instance_num": count("status", "FAILED"),
            "terminate_instance_num": count("status", "TERMINATED"),
            // Not ended: running, retried or being terminated.
            "running_instance_num": views
                .iter()
                .filter(|v| super::engine::running(text(v, "status")))
                .count(),
        });
        Ok(monitor.as_object().cloned().unwrap_or_default())
    }

    /// The workspace's playbooks counted: those with a version under review, disabled,
    /// enabled.
    pub(crate) fn playbook_statistics(&self) -> Obj {
        let playbooks: Vec<&Obj> = self
            .family(PLAYBOOKS)
            .iter()
            .filter_map(|r| r.value.as_object())
            .collect();
        let unapproved = playbooks
            .iter()
            .filter(|p| {
                self.children(VERSIONS, text(p, "id"))
                    .any(|v| text(v, "status").eq_ignore_ascii_case("APPROVING"))
            })
            .count();
        let enabled = playbooks.iter().filter(|p| flag(p, "enabled")).count();
        let stats = json!({
            "unapproved_num": unapproved,
            "disabled_num": playbooks.len() - enabled,
            "enabled_num": enabled,
        });
        stats.as_object().cloned().unwrap_or_default()
    }
}
