//! Workflow versions and their life: created as a draft, submitted, reviewed, activated,
//! deactivated, deleted; and the topology check.
//!
//! The rules (the user guide's, and where it is silent the fake's choice):
//! - a new version is `pending_submit`; only `pending_submit` or `rejected` versions can be
//!   edited, or submitted (`pending_approval`);
//! - a review needs `pending_approval`: `PASS` makes the version `not_activated`, `UN_PASS`
//!   `rejected`;
//! - only a `not_activated` version can be activated, and activating it makes the workflow's
//!   previously activated version `not_activated`; the workflow's `version_id` and `version`
//!   follow the activated version;
//! - only the `activated` version can be deactivated, and not while the workflow is enabled;
//! - the activated version cannot be deleted; any other can, for good.

use std::sync::Arc;

use base64::Engine as _;
use secmaster::bindings::types::{
    AopWorkflowInfo, AopWorkflowVersionInfo, CreateAopWorkflowVersionApprovelInfo,
    CreateAopWorkflowVersionInfo, ModifyAopWorkflowVersionInfo, WorkflowApproveOpinionDetail,
};
use secmaster::{ApprovalResult, TaskflowType, VersionAction};

use super::{Caller, Flow, Rejection, Version, Workspace, codes, listed, new_id, reject, required};

/// Whether `v` is in `status`.
pub(crate) fn is(v: &AopWorkflowVersionInfo, status: &str) -> bool {
    v.status.as_ref().is_some_and(|s| s.as_str() == status)
}

/// A seeded version of `workflow`, every field filled as the service answers.
pub(crate) fn seeded(workflow: &AopWorkflowInfo, v: &Version) -> AopWorkflowVersionInfo {
    let topology = br#"{"nodes":[{"id":"start","type":"start"}],"edges":[]}"#;
    AopWorkflowVersionInfo {
        id: Some(v.id.clone()),
        version_id: Some(v.id.clone()),
        name: workflow.name.clone(),
        aopworkflow_id: workflow.id.clone(),
        description: workflow.description.clone(),
        project_id: workflow.project_id.clone(),
        owner_id: workflow.owner_id.clone(),
        creator_id: workflow.creator_id.clone(),
        creator_name: workflow.creator_name.clone(),
        create_time: workflow.create_time.clone(),
        modifier_id: workflow.modifier_id.clone(),
        modifier_name: workflow.modifier_name.clone(),
        update_time: workflow.update_time.clone(),
        enabled: Some(v.status == "activated"),
        status: Some(v.status.as_str().into()),
        version: Some(v.name.clone()),
        taskconfig: Some("{}".to_owned()),
        taskflow: Some(base64::engine::general_purpose::STANDARD.encode(topology)),
        taskflow_type: Some(TaskflowType::Json),
        aop_type: workflow.aop_type.clone(),
        input: Some(String::new()),
        output: Some(String::new()),
        dataclass_id: workflow.dataclass_id.clone(),
        dataclass_name: workflow.dataclass_name.clone(),
        workspace_id: workflow.workspace_id.clone(),
    }
}

fn wrong_status(v: &AopWorkflowVersionInfo, what: &str) -> Rejection {
    let status = v.status.as_ref().map_or("", |s| s.as_str());
    reject(
        codes::WRONG_VERSION_STATUS,
        format!(
            "version {} is {status}: {what}",
            v.id.as_deref().unwrap_or("")
        ),
    )
}

impl Workspace {
    /// The workflow holding version `id`, and the version's index in it.
    fn holder(&self, id: &str) -> Result<(usize, usize), Rejection> {
        self.flows
            .iter()
            .enumerate()
            .find_map(|(f, flow)| {
                let v = flow
                    .versions
                    .iter()
                    .position(|v| v.id.as_deref() == Some(id))?;
                Some((f, v))
            })
            .ok_or_else(|| {
                reject(
                    codes::UNKNOWN_VERSION_ID,
                    format!("version {id} does not exist"),
                )
            })
    }

    /// Version `id`.
    pub(crate) fn version(&self, id: &str) -> Result<AopWorkflowVersionInfo, Rejection> {
        let (f, v) = self.holder(id)?;
        Ok(AopWorkflowVersionInfo::clone(&self.flows[f].versions[v]))
    }

    /// The versions of workflow `id`, of `status` when given, in creation order.
    pub(crate) fn versions(
        &self,
        id: &str,
        status: Option<&str>,
    ) -> Result<Vec<AopWorkflowVersionInfo>, Rejection> {
        let flow = self.flow(id)?;
        Ok(flow
            .versions
            .iter()
            .filter(|v| status.is_none_or(|s| is(v, s)))
            .map(|v| AopWorkflowVersionInfo::clone(v))
            .collect())
    }

    /// Creates a draft version of workflow `id` (its body checked by [`check_new`]).
    pub(crate) fn create_version(
        &mut self,
        id: &str,
        body: CreateAopWorkflowVersionInfo,
        caller: &Caller,
    ) -> Result<AopWorkflowVersionInfo, Rejection> {
        let flow = self.flow_mut(id)?;
        let w = &flow.info;
        let version_id = new_id();
        let version = AopWorkflowVersionInfo {
            id: Some(version_id.clone()),
            version_id: Some(version_id),
            name: Some(body.name),
            aopworkflow_id: w.id.clone(),
            description: Some(body.description),
            project_id: w.project_id.clone(),
            owner_id: w.owner_id.clone(),
            creator_id: Some(caller.id.clone()),
            creator_name: Some(caller.name.clone()),
            create_time: Some(caller.now.clone()),
            modifier_id: Some(caller.id.clone()),
            modifier_name: Some(caller.name.clone()),
            update_time: Some(caller.now.clone()),
            enabled: Some(false),
            status: Some("pending_submit".into()),
            version: Some(format!("v{}", next_label(&flow.versions))),
            taskconfig: Some(body.taskconfig),
            taskflow: Some(body.taskflow),
            taskflow_type: Some(body.taskflow_type),
            aop_type: Some(body.aop_type),
            input: Some(body.input.unwrap_or_default()),
            output: Some(body.output.unwrap_or_default()),
            dataclass_id: w.dataclass_id.clone(),
            dataclass_name: w.dataclass_name.clone(),
            workspace_id: w.workspace_id.clone(),
        };
        flow.versions.push(Arc::new(version.clone()));
        Ok(version)
    }

    /// Edits a version, or moves it to the status `body.status` asks for; `checked` is what
    /// [`check_edit`] found of the body (refused after an unknown version).
    pub(crate) fn update_version(
        &mut self,
        id: &str,
        body: ModifyAopWorkflowVersionInfo,
        checked: Result<(), Rejection>,
        caller: &Caller,
    ) -> Result<AopWorkflowVersionInfo, Rejection> {
        let (f, i) = self.holder(id)?;
        checked?;
        let flow = Arc::make_mut(&mut self.flows[f]);
        let editable = |v: &AopWorkflowVersionInfo| is(v, "pending_submit") || is(v, "rejected");
        let action = body.status.clone().unwrap_or(VersionAction::PendingSubmit);
        let edits = ModifyAopWorkflowVersionInfo {
            status: None,
            ..body.clone()
        };
        let v = &flow.versions[i];
        let no_edits = edits == ModifyAopWorkflowVersionInfo::default();
        if no_edits && action == VersionAction::PendingSubmit {
            // Nothing to change: the version stays as it was, `update_time` and modifier too.
            return Ok(AopWorkflowVersionInfo::clone(v));
        }
        if !no_edits && !editable(v) {
            return Err(wrong_status(
                v,
                "only a draft or a rejected version can be edited",
            ));
        }
        check_action(flow, i, &action, id)?;
        apply_edits(Arc::make_mut(&mut flow.versions[i]), edits);
        transition(flow, i, &action);
        let v = Arc::make_mut(&mut flow.versions[i]);
        v.modifier_id = Some(caller.id.clone());
        v.modifier_name = Some(caller.name.clone());
        v.update_time = Some(caller.now.clone());
        Ok(v.clone())
    }

    /// Deletes a version that is not the activated one; returns it.
    pub(crate) fn delete_version(&mut self, id: &str) -> Result<AopWorkflowVersionInfo, Rejection> {
        let (f, i) = self.holder(id)?;
        let flow = Arc::make_mut(&mut self.flows[f]);
        if is(&flow.versions[i], "activated") {
            return Err(reject(
                codes::VERSION_IN_USE,
                format!("version {id} is activated: activate another or deactivate it first"),
            ));
        }
        let v = Arc::unwrap_or_clone(flow.versions.remove(i));
        for pointer in [
            &mut flow.info.current_approval_version_id,
            &mut flow.info.current_rejected_version_id,
        ] {
            if pointer.as_deref() == Some(id) {
                *pointer = Some(String::new());
            }
        }
        // Its reviews go with it.
        self.drop_children(super::playbooks::APPROVALS, &[id.to_owned()]);
        Ok(v)
    }

    /// Records a review of a submitted version.
    pub(crate) fn review(
        &mut self,
        id: &str,
        body: CreateAopWorkflowVersionApprovelInfo,
        caller: &Caller,
    ) -> Result<WorkflowApproveOpinionDetail, Rejection> {
        required("content", &body.content)?;
        listed!("result", body.result, ApprovalResult);
        let (f, i) = self.holder(id)?;
        let flow = Arc::make_mut(&mut self.flows[f]);
        if !is(&flow.versions[i], "pending_approval") {
            return Err(wrong_status(
                &flow.versions[i],
                "only a submitted version can be reviewed",
            ));
        }
        let (status, rejected) = match body.result {
            ApprovalResult::Pass => ("not_activated", ""),
            _ => ("rejected", id),
        };
        // Each pointer changes only where it is this version's (or becomes it).
        let own = |pointer: &mut Option<String>, to: &str| {
            if pointer.as_deref() == Some(id) || !to.is_empty() {
                *pointer = Some(to.to_owned());
            }
        };
        own(&mut flow.info.current_approval_version_id, "");
        own(&mut flow.info.current_rejected_version_id, rejected);
        let v = Arc::make_mut(&mut flow.versions[i]);
        v.status = Some(status.into());
        v.modifier_id = Some(caller.id.clone());
        v.modifier_name = Some(caller.name.clone());
        v.update_time = Some(caller.now.clone());
        // Listed by ListPlaybookApproves with approve_type AOP_WORKFLOW.
        let mut approval = serde_json::Map::new();
        for (k, v) in [
            ("id", super::new_id()),
            ("create_time", caller.now.clone()),
            ("result", body.result.as_str().to_owned()),
            ("content", body.content.clone()),
            ("approve_type", "AOP_WORKFLOW".to_owned()),
        ] {
            approval.insert(k.to_owned(), serde_json::Value::String(v));
        }
        self.keep(super::playbooks::APPROVALS, Some(id), approval);
        Ok(WorkflowApproveOpinionDetail {
            result: Some(body.result),
            content: Some(body.content),
        })
    }
}

/// Whether version `i` of `flow` may take `action` (the lifecycle's rules).
fn check_action(flow: &Flow, i: usize, action: &VersionAction, id: &str) -> Result<(), Rejection> {
    let v = &flow.versions[i];
    let editable = |v: &AopWorkflowVersionInfo| is(v, "pending_submit") || is(v, "rejected");
    match action {
        VersionAction::PendingApproval if !editable(v) => {
            return Err(wrong_status(
                v,
                "only a draft or a rejected version can be submitted",
            ));
        }
        VersionAction::PendingApproval
            if flow.versions.iter().any(|o| is(o, "pending_approval")) =>
        {
            return Err(wrong_status(
                v,
                "another version of the workflow is waiting for review: review it first",
            ));
        }
        VersionAction::Activated if !is(v, "not_activated") => {
            return Err(wrong_status(
                v,
                "only an approved (not_activated) version can be activated",
            ));
        }
        VersionAction::NotActivated if !is(v, "activated") => {
            return Err(wrong_status(
                v,
                "only the activated version can be deactivated",
            ));
        }
        VersionAction::NotActivated if flow.info.enabled == Some(true) => {
            return Err(reject(
                codes::VERSION_IN_USE,
                format!("version {id} runs the enabled workflow: disable the workflow first"),
            ));
        }
        _ => {}
    }
    Ok(())
}

fn apply_edits(v: &mut AopWorkflowVersionInfo, edits: ModifyAopWorkflowVersionInfo) {
    let ModifyAopWorkflowVersionInfo {
        name,
        description,
        status: _,
        taskconfig,
        taskflow,
        taskflow_type,
        aop_type,
        input,
        output,
    } = edits;
    let set = |slot: &mut Option<String>, value: Option<String>| {
        if value.is_some() {
            *slot = value;
        }
    };
    set(&mut v.name, name);
    set(&mut v.description, description);
    set(&mut v.taskconfig, taskconfig);
    set(&mut v.taskflow, taskflow);
    set(&mut v.input, input);
    set(&mut v.output, output);
    if taskflow_type.is_some() {
        v.taskflow_type = taskflow_type;
    }
    if aop_type.is_some() {
        v.aop_type = aop_type;
    }
}

/// Moves version `i` of `flow` as `action` says, with what follows for the workflow.
fn transition(flow: &mut Flow, i: usize, action: &VersionAction) {
    let id = flow.versions[i].id.clone().unwrap_or_default();
    let status = match action {
        VersionAction::PendingApproval => {
            flow.info.current_approval_version_id = Some(id);
            if flow.info.current_rejected_version_id == flow.versions[i].id {
                flow.info.current_rejected_version_id = Some(String::new());
            }
            "pending_approval"
        }
        VersionAction::Activated => {
            for other in &mut flow.versions {
                if is(other, "activated") {
                    let other = Arc::make_mut(other);
                    other.status = Some("not_activated".into());
                    other.enabled = Some(false);
                }
            }
            flow.info.version_id = Some(id);
            flow.info.version = flow.versions[i].version.clone();
            Arc::make_mut(&mut flow.versions[i]).enabled = Some(true);
            "activated"
        }
        VersionAction::NotActivated => {
            flow.info.version_id = Some(String::new());
            flow.info.version = Some(String::new());
            Arc::make_mut(&mut flow.versions[i]).enabled = Some(false);
            "not_activated"
        }
        // `pending_submit` (the default) edits and leaves the status as it was.
        _ => return,
    };
    Arc::make_mut(&mut flow.versions[i]).status = Some(status.into());
}

/// The number of the next version's label: one more than the highest `vN` so far.
fn next_label(versions: &[Arc<AopWorkflowVersionInfo>]) -> usize {
    versions
        .iter()
        .filter_map(|v| {
            v.version
                .as_deref()?
                .strip_prefix('v')?
                .parse::<usize>()
                .ok()
        })
        .max()
        .unwrap_or(0)
        .saturating_add(1)
}
