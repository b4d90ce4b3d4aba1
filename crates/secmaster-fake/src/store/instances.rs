//! Runs of workflows (instances): started by a run, ended by themselves after the store's run
//! time (`FINISHED`, or `FAILED` for a workflow seeded with `fail_runs`), or by a command.
//!
//! The commands (the fake's choices where the pages are silent):
//! - terminate: a `RUNNING` or `RETRYING` run becomes `TERMINATED`, at once or after being
//!   `TERMINATING` for the fake's terminate time (`--terminate-time-ms`; its nodes run on
//!   meanwhile);
//! - retry: a `FAILED` or `TERMINATED` run runs again (`RETRYING`, `retry_count` + 1);
//! - debug: records a node's result (`task_id`, `input_dataobject`) on a `RUNNING` or
//!   `RETRYING` run.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use secmaster::bindings::open_enums::NodeStatus;
use secmaster::bindings::types::{
    AopInstanceEventData, AopWorkflowInfo, AopworkflowInstanceDetail,
    AopworkflowInstanceDetailDataclass, AopworkflowInstanceDetailPlaybook,
    AopworkflowInstanceDetailWorkflow, CreateWorkflowInstanceResponse, TopologyNodeInfo,
    WorkflowInstanceTopology,
};
use secmaster::{InstanceStatus, SortOrder, TriggerType, WorkflowSortKey};
use serde_json::Value;

use super::{Caller, Rejection, Workspace, codes, listed, new_id, reject};

/// One run: the instance as the API shows it, and when it ends by itself.
#[derive(Clone)]
pub(crate) struct Run {
    pub detail: AopworkflowInstanceDetail,
    /// When a running run ends by itself, or a `TERMINATING` one is `TERMINATED`.
    pub(super) ends: Option<SystemTime>,
    /// Whether its runs fail when they end (its workflow was seeded so).
    pub(super) fails: bool,
}

pub(crate) use super::instance_query::InstanceQuery;
use super::instance_query::text;

impl Workspace {
    /// Ends the runs whose time has come, each at the time it was due (not when it is looked
    /// at); how many (each end takes a sequence number: [`super::Store::number`]).
    pub(crate) fn settle(&mut self, now: SystemTime, stamp: &str) -> usize {
        let mut ended = 0;
        for run in &mut self.runs {
            let (Some(ends), fails) = (run.ends, run.fails) else {
                continue;
            };
            if now < ends {
                continue;
            }
            ended += 1;
            let run = Arc::make_mut(run);
            let stamp = &crate::page_stamp(ends);
            if run.detail.status == Some(InstanceStatus::Terminating) {
                run.set("TERMINATED", stamp, now);
                continue;
            }
            run.ends = None;
            let status = if fails {
                InstanceStatus::Failed
            } else {
                InstanceStatus::Finished
            };
            run.detail.status = Some(status);
            run.detail.end_time = Some(stamp.to_owned());
            if let Some(topology) = &mut run.detail.topology {
                for node in &mut topology.audit_logs {
                    node.status = Some(if fails {
                        NodeStatus::Failed
                    } else {
                        NodeStatus::Finished
                    });
                    node.succeed = Some(!fails);
                    node.end_time = Some(stamp.to_owned());
                    if fails {
                        node.error_msg =
                            Some("the fake's seed makes this workflow's runs fail".into());
                    }
                }
            }
        }
        if ended > 0 {
            self.close_instances(stamp);
        }
        ended
    }

    /// Starts a run of workflow `id`, which must be enabled.
    pub(crate) fn run(
        &mut self,
        id: &str,
        body: AopInstanceEventData,
        input: String,
        caller: &Caller,
        ends: SystemTime,
    ) -> Result<CreateWorkflowInstanceResponse, Rejection> {
        listed!(
            "command_type",
            body.command_type,
            secmaster::bindings::open_enums::RunCommand
        );
        listed!(
            "action_type",
            body.action_type,
            secmaster::bindings::open_enums::ActionType
        );
        if let Some(action) = body.action_id.as_deref().filter(|a| *a != id) {
            return Err(reject(
                codes::MALFORMED_BODY,
                format!("action_id {action} is not the workflow of the path ({id})"),
            ));
        }
        let flow = self.flow(id)?;
        let w = &flow.info;
        if w.enabled != Some(true) {
            return Err(reject(
                codes::WORKFLOW_DISABLED,
                format!("workflow {id} is disabled: enable it before running it"),
            ));
        }
        let data_object = body.playbook_context.as_ref().map(|c| &c.data_object);
        let class_id = data_object
            .and_then(|o| o.dataclass.as_ref())
            .and_then(|c| c.id.clone())
            .or_else(|| w.dataclass_id.clone())
            .unwrap_or_default();
        let known = self.dataclasses.get(&class_id).cloned();
        let Some(class_name) = known.or_else(|| class_id.is_empty().then(String::new)) else {
            return Err(reject(
                codes::UNKNOWN_DATACLASS,
                format!("data class {class_id} does not exist"),
            ));
        };
        let class = (class_id, class_name);
        let instance_id = new_id();
        let active = flow
            .versions
            .iter()
            .find(|v| v.id.is_some() && v.id == w.version_id);
        let taskflow = active.and_then(|v| v.taskflow.as_deref());
        let detail = new_run(w, taskflow, &instance_id, class, input, &caller.now);
        self.runs.push(Arc::new(Run {
            detail,
            ends: Some(ends),
            fails: flow.fail_runs,
        }));
        Ok(CreateWorkflowInstanceResponse {
            command_type: Some(body.command_type),
            action_type: Some(body.action_type),
            action_id: Some(id.to_owned()),
            action_instance_id: Some(instance_id),
            playbook_context: body.playbook_context,
        })
    }

    pub(super) fn run_mut(&mut self, id: &str) -> Result<&mut Run, Rejection> {
        self.runs
            .iter_mut()
            .find(|r| r.detail.id.as_deref() == Some(id))
            .map(Arc::make_mut)
            .ok_or_else(|| unknown_instance(id))
    }

    /// Instance `id` (its topology only when asked for).
    pub(crate) fn instance(
        &self,
        id: &str,
        topology: bool,
    ) -> Result<AopworkflowInstanceDetail, Rejection> {
        let run = self
            .runs
            .iter()
            .find(|r| r.detail.id.as_deref() == Some(id))
            .ok_or_else(|| unknown_instance(id))?;
        let mut detail = run.detail.clone();
        if !topology {
            detail.topology = None;
        }
        Ok(detail)
    }

    /// The page `query` asks for (without topologies), and how many instances match.
    pub(crate) fn instances(
        &self,
        query: &InstanceQuery,
    ) -> (Vec<AopworkflowInstanceDetail>, usize) {
        let mut matching: Vec<(usize, &AopworkflowInstanceDetail)> = self
            .runs
            .iter()
            .map(|r| &r.detail)
            .enumerate()
            .filter(|(_, d)| query.matches(d))
            .collect();
        let key = |d: &AopworkflowInstanceDetail| match query.sort_key {
            Some(WorkflowSortKey::UpdateTime) => {
                let end = text(&d.end_time);
                if end.is_empty() {
                    text(&d.start_time)
                } else {
                    end
                }
                .to_owned()
            }
            _ => text(&d.start_time).to_owned(),
        };
        matching.sort_by(|(i, a), (j, b)| (key(a), i).cmp(&(key(b), j)));
        if query.sort_dir != Some(SortOrder::Asc) {
            matching.reverse();
        }
        let total = matching.len();
        let page = matching
            .into_iter()
            .skip(query.offset)
            .take(query.limit)
            .map(|(_, d)| AopworkflowInstanceDetail {
                topology: None,
                ..d.clone()
            })
            .collect();
        (page, total)
    }
}

/// A run of workflow `flow` for a playbook's instance `(playbook id, playbook name)`:
/// its data class, `(data object ID, trigger type, context)`, `(start, end)`.
pub(super) fn playbook_run(
    flow: &super::Flow,
    (playbook, name): (&str, &str),
    class: &(String, String),
    (object, trigger, input): (&str, &str, &str),
    (now, ends): (&str, SystemTime),
) -> Run {
    let run_id = new_id();
    let taskflow = super::topology::active_taskflow(flow);
    let mut detail = new_run(
        &flow.info,
        taskflow,
        &run_id,
        class.clone(),
        input.to_owned(),
        now,
    );
    detail.playbook = Some(AopworkflowInstanceDetailPlaybook {
        en_name: Some(name.to_owned()),
        id: Some(playbook.to_owned()),
        name: Some(name.to_owned()),
    });
    detail.trigger_type = Some(trigger.into());
    detail.dataobject_id = Some(object.to_owned());
    Run {
        detail,
        ends: Some(ends),
        fails: flow.fail_runs,
    }
}

impl Run {
    /// Sets the run `TERMINATED` (ended `now`), `TERMINATING` (until `ends`, when
    /// [`Workspace::settle`] makes it `TERMINATED`) or `RETRYING` (running again until `ends`),
    /// as the commands do.
    ///
    /// Its nodes follow, as [`Workspace::settle`] ends them: terminated, a node still running
    /// ends `now`, `FAILED` (the nodes' statuses have no `TERMINATED`) with why; terminating,
    /// they are left as they are; retried, every node runs again (`RUNNING`, no end, no error).
    pub(super) fn set(&mut self, status: &str, now: &str, ends: SystemTime) {
        let d = &mut self.detail;
        d.status = Some(status.into());
        if status == "TERMINATING" {
            self.ends = Some(ends);
            return;
        }
        let terminated = status == "TERMINATED";
        if terminated {
            d.end_time = Some(now.to_owned());
            self.ends = None;
        } else {
            d.retry_count = Some(d.retry_count.unwrap_or(0) + 1);
            d.end_time = Some(String::new());
            self.ends = Some(ends);
        }
        let nodes = d.topology.iter_mut().flat_map(|t| t.audit_logs.iter_mut());
        for node in nodes {
            if terminated {
                if node.status == Some(NodeStatus::Running) {
                    node.status = Some(NodeStatus::Failed);
                    node.succeed = Some(false);
                    node.end_time = Some(now.to_owned());
                    node.error_msg = Some("terminated by a command".into());
                }
            } else {
                node.status = Some(NodeStatus::Running);
                node.succeed = Some(false);
                node.end_time = Some(String::new());
                node.error_msg = Some(String::new());
            }
        }
    }
}

/// The context a run starts with (its data object's content, as JSON), within `max` bytes.
pub(crate) fn run_context(body: &AopInstanceEventData, max: usize) -> Result<String, Rejection> {
    let data_object = body.playbook_context.as_ref().map(|c| &c.data_object);
    let input = data_object.map_or("{}".into(), |o| {
        Value::Object(o.content.clone()).to_string()
    });
    within_context(input.len(), max)?;
    Ok(input)
}

/// Refuses a run's context of `len` bytes over `max`.
pub(crate) fn within_context(len: usize, max: usize) -> Result<(), Rejection> {
    if len > max {
        return Err(reject(
            codes::LIMIT_EXCEEDED,
            format!("the run's context has {len} bytes; the fake takes at most {max}"),
        ));
    }
    Ok(())
}

/// A timestamp's digits up to the second (`20250718144447`), for a run's or an instance's name.
pub(super) fn compact(now: &str) -> String {
    now.get(..19).unwrap_or(now).replace(['-', ':', 'T'], "")
}

/// A new run of workflow `w`, started `now`: `RUNNING`, a node per node of its activated
/// version's topology (`taskflow`), the data class `(id, name)` and the context `input` it
/// runs with.
fn new_run(
    w: &AopWorkflowInfo,
    taskflow: Option<&str>,
    instance_id: &str,
    class: (String, String),
    input: String,
    now: &str,
) -> AopworkflowInstanceDetail {
    let start = now.to_owned();
    let audit_logs = super::topology::nodes(taskflow)
        .into_iter()
        .map(|(id, name, kind)| TopologyNodeInfo {
            instance_type: Some(kind),
            action_id: Some(id),
            action_name: Some(name),
            start_time: Some(start.clone()),
            end_time: Some(String::new()),
            error_msg: Some(String::new()),
            input: Some(input.clone()),
            output: Some("{}".into()),
            parent_instance_id: Some(instance_id.to_owned()),
            status: Some(NodeStatus::Running),
            succeed: Some(false),
        })
        .collect();
    let name = text(&w.name);
    AopworkflowInstanceDetail {
        id: Some(instance_id.to_owned()),
        name: Some(format!("{name}-{}", compact(&start))),
        workflow: Some(AopworkflowInstanceDetailWorkflow {
            id: w.id.clone(),
            name: w.name.clone(),
            name_en: w.name.clone(),
            version: w.version.clone(),
            version_id: w.version_id.clone(),
        }),
        dataclass: Some(AopworkflowInstanceDetailDataclass {
            en_name: Some(class.1.clone()),
            id: Some(class.0),
            name: Some(class.1),
        }),
        playbook: Some(AopworkflowInstanceDetailPlaybook {
            en_name: Some(String::new()),
            id: Some(String::new()),
            name: Some(String::new()),
        }),
        trigger_type: Some(TriggerType::Manual),
        status: Some(InstanceStatus::Running),
        start_time: Some(start),
        end_time: Some(String::new()),
        retry_count: Some(0),
        defense_id: Some(String::new()),
        dataobject_id: Some(new_id()),
        topology: Some(WorkflowInstanceTopology { audit_logs }),
    }
}

fn unknown_instance(id: &str) -> Rejection {
    reject(
        codes::UNKNOWN_INSTANCE,
        format!("instance {id} does not exist"),
    )
}

/// The time a run takes in the fake unless configured otherwise.
pub(crate) const RUN_TIME: Duration = Duration::from_secs(2);
