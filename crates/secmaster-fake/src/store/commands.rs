//! Commands to runs (UpdateWorkflowInstance): terminate, retry, debug.

use secmaster::InstanceStatus;
use secmaster::bindings::RequiredWhen;
use secmaster::bindings::types::{AopInstanceUpdateDataPojo, TopologyNodeInfo};

use super::{Caller, Rejection, Workspace, codes, listed, reject};

/// When what a request starts ends: a run started or retried, and a run terminated (`None`: at
/// once; else it is `TERMINATING` until then, as the service shows a run it is stopping).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ends {
    pub run: std::time::SystemTime,
    pub terminate: Option<std::time::SystemTime>,
}

impl super::instances::Run {
    /// Terminates the run, as both commands to it do (a run's and its playbook instance's):
    /// `TERMINATED` now, or `TERMINATING` until `ends.terminate` when the fake has a terminate
    /// time.
    pub(super) fn terminate(&mut self, now: &str, ends: Ends) {
        match ends.terminate {
            Some(at) => self.set("TERMINATING", now, at),
            None => self.set("TERMINATED", now, ends.run),
        }
    }
}

/// A command's body, read with the bindings' type (its `x-required-when` rules checked as
/// JSON), its debug input within `max_context` bytes.
pub(crate) fn parse_command(
    body: &[u8],
    max_context: usize,
) -> Result<AopInstanceUpdateDataPojo, Rejection> {
    let value = super::parse_object(body)?;
    if let Some(rule) = RequiredWhen::first_broken("AopInstanceUpdateDataPojo", &value) {
        return Err(reject(
            codes::MISSING_FIELD,
            format!(
                "{} is mandatory when {} is {}",
                rule.field, rule.when_field, rule.equals
            ),
        ));
    }
    let command: AopInstanceUpdateDataPojo = super::typed(value)?;
    listed!(
        "command_type",
        command.command_type,
        secmaster::bindings::open_enums::UpdateCommand
    );
    let input = command.input_dataobject.as_ref().map_or(0, String::len);
    super::instances::within_context(input, max_context)?;
    Ok(command)
}

impl Workspace {
    /// Applies a command (read by [`parse_command`]) to instance `id`.
    pub(crate) fn command(
        &mut self,
        id: &str,
        command: AopInstanceUpdateDataPojo,
        caller: &Caller,
        ends: Ends,
    ) -> Result<(), Rejection> {
        let run = self.run_mut(id)?;
        let d = &mut run.detail;
        let status = d.status.clone().unwrap_or(InstanceStatus::Running);
        let running = matches!(status, InstanceStatus::Running | InstanceStatus::Retrying);
        let wrong = |what: &str| {
            reject(
                codes::WRONG_INSTANCE_STATUS,
                format!("instance {id} is {status}: {what}"),
            )
        };
        use secmaster::bindings::open_enums::UpdateCommand as C;
        match command.command_type {
            C::ActionInstanceTerminateCommand => {
                if !running {
                    return Err(wrong("only a running instance can be terminated"));
                }
                run.terminate(&caller.now, ends);
            }
            C::ActionInstanceRetryCommand => {
                if !matches!(status, InstanceStatus::Failed | InstanceStatus::Terminated) {
                    return Err(wrong("only a failed or terminated instance can be retried"));
                }
                run.set("RETRYING", &caller.now, ends.run);
            }
            _ => {
                if !running {
                    return Err(wrong("only a running instance takes a debug result"));
                }
                let task = command.task_id.unwrap_or_default();
                let logs = &mut d.topology.get_or_insert_with(Default::default).audit_logs;
                let node = match logs
                    .iter_mut()
                    .position(|n| n.action_id.as_deref() == Some(task.as_str()))
                {
                    Some(i) => &mut logs[i],
                    None => {
                        logs.push(TopologyNodeInfo {
                            action_id: Some(task.clone()),
                            parent_instance_id: Some(id.to_owned()),
                            ..TopologyNodeInfo::default()
                        });
                        logs.last_mut().expect("just pushed")
                    }
                };
                node.input = command.input_dataobject;
                node.end_time = Some(caller.now.clone());
            }
        }
        Ok(())
    }
}
