//! Workflows: list (filters, sort, paging), create, update, delete, export.

use std::sync::Arc;

use super::{Caller, Flow, Rejection, Workspace, codes, listed, new_id, reject, required};
use secmaster::bindings::RequiredWhen;
use secmaster::bindings::types::{AopWorkflowInfo, CreateAopWorkflowInfo, ModifyAopWorkflowInfo};
use secmaster::{AopType, Label, SortOrder, WorkflowSortKey};

/// A workflow list's query, as parsed (bounds and enums checked by the caller).
#[derive(Debug, Default)]
pub(crate) struct ListQuery {
    pub offset: usize,
    pub limit: usize,
    pub order: Option<SortOrder>,
    pub sortby: Option<WorkflowSortKey>,
    pub enabled: Option<bool>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub dataclass_id: Option<String>,
    pub dataclass_name: Option<String>,
    pub aop_type: Option<AopType>,
}

fn text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("")
}

impl ListQuery {
    /// Whether `w` matches every filter set: `name` and `description` as substrings, the
    /// others exactly.
    fn matches(&self, w: &AopWorkflowInfo) -> bool {
        let contains = |filter: &Option<String>, field: &Option<String>| {
            filter.as_deref().is_none_or(|f| text(field).contains(f))
        };
        let equals = |filter: &Option<String>, field: &Option<String>| {
            filter.as_deref().is_none_or(|f| text(field) == f)
        };
        self.enabled.is_none_or(|e| w.enabled == Some(e))
            && contains(&self.name, &w.name)
            && contains(&self.description, &w.description)
            && equals(&self.dataclass_id, &w.dataclass_id)
            && equals(&self.dataclass_name, &w.dataclass_name)
            && self
                .aop_type
                .as_ref()
                .is_none_or(|t| w.aop_type.as_ref() == Some(t))
    }
}

impl Workspace {
    /// The page `query` asks for, and how many workflows match in all. Sorted by `sortby`
    /// (default `create_time`) in `order` (default `DESC`), ties by ID.
    pub(crate) fn list(&self, query: &ListQuery) -> (Vec<AopWorkflowInfo>, usize) {
        let mut matching: Vec<(usize, &AopWorkflowInfo)> = self
            .flows
            .iter()
            .map(|f| &f.info)
            .enumerate()
            .filter(|(_, w)| query.matches(w))
            .collect();
        let key = |w: &AopWorkflowInfo| match query.sortby {
            Some(WorkflowSortKey::UpdateTime) => text(&w.update_time).to_owned(),
            _ => text(&w.create_time).to_owned(),
        };
        // Ties (the same millisecond) in creation order.
        matching.sort_by(|(i, a), (j, b)| (key(a), i).cmp(&(key(b), j)));
        if query.order != Some(SortOrder::Asc) {
            matching.reverse();
        }
        let total = matching.len();
        let page = matching
            .into_iter()
            .skip(query.offset)
            .take(query.limit)
            .map(|(_, w)| w.clone())
            .collect();
        (page, total)
    }

    /// Creates a workflow (no version yet, disabled).
    pub(crate) fn create(
        &mut self,
        body: CreateAopWorkflowInfo,
        caller: &Caller,
        ids: (&str, &str),
    ) -> Result<AopWorkflowInfo, Rejection> {
        required("name", &body.name)?;
        required("dataclass_id", &body.dataclass_id)?;
        listed!("engine_type", body.engine_type, secmaster::EngineType);
        listed!("aop_type", body.aop_type, AopType);
        if let Some(labels) = &body.labels {
            listed!("labels", labels, Label);
        }
        self.name_is_free(&body.name, None)?;
        let dataclass_name = self.class_name(&body.dataclass_id).ok_or_else(|| {
            let id = &body.dataclass_id;
            reject(
                codes::UNKNOWN_DATACLASS,
                format!("data class {id} does not exist"),
            )
        })?;
        let mut info = AopWorkflowInfo {
            id: Some(new_id()),
            name: Some(body.name),
            description: body.description,
            project_id: Some(ids.0.to_owned()),
            workspace_id: Some(ids.1.to_owned()),
            creator_id: Some(caller.id.clone()),
            creator_name: Some(caller.name.clone()),
            create_time: Some(caller.now.clone()),
            modifier_id: Some(caller.id.clone()),
            modifier_name: Some(caller.name.clone()),
            update_time: Some(caller.now.clone()),
            enabled: Some(false),
            aop_type: Some(body.aop_type),
            engine_type: Some(body.engine_type),
            dataclass_id: Some(body.dataclass_id),
            dataclass_name: Some(dataclass_name),
            labels: body.labels,
            ..AopWorkflowInfo::default()
        };
        fill_missing(&mut info);
        self.flows.push(Arc::new(Flow {
            info: info.clone(),
            versions: Vec::new(),
            fail_runs: false,
        }));
        Ok(info)
    }

    fn name_is_free(&self, name: &str, except: Option<&str>) -> Result<(), Rejection> {
        let taken = self
            .flows
            .iter()
            .any(|f| f.info.name.as_deref() == Some(name) && f.info.id.as_deref() != except);
        if taken {
            return Err(reject(
                codes::NAME_TAKEN,
                format!("a workflow named {name:?} already exists in this workspace"),
            ));
        }
        Ok(())
    }

    /// Applies an update (read by [`parse_update`]).
    pub(crate) fn update(
        &mut self,
        id: &str,
        change: ModifyAopWorkflowInfo,
        caller: &Caller,
    ) -> Result<AopWorkflowInfo, Rejection> {
        if change == ModifyAopWorkflowInfo::default() {
            // Nothing to change: the workflow stays as it was, `update_time` and modifier too.
            return Ok(self.flow(id)?.info.clone());
        }
        if let Some(name) = &change.name {
            required("name", name)?;
            self.name_is_free(name, Some(id))?;
        }
        let flow = self.flow_mut(id)?;
        if let Some(version_id) = change.version_id.as_deref() {
            let version = flow
                .versions
                .iter()
                .find(|v| v.id.as_deref() == Some(version_id))
                .ok_or_else(|| {
                    reject(
                        codes::UNKNOWN_VERSION,
                        format!("version {version_id} does not exist in workflow {id}"),
                    )
                })?;
            if !super::versions::is(version, "activated") {
                return Err(reject(
                    codes::VERSION_NOT_ACTIVATED,
                    format!("version {version_id} is not the workflow's activated version"),
                ));
            }
        }
        let w = &mut flow.info;
        if let Some(name) = change.name {
            w.name = Some(name);
        }
        if let Some(description) = change.description {
            w.description = Some(description);
        }
        if let Some(enabled) = change.enabled {
            w.enabled = Some(enabled);
        }
        if let Some(labels) = change.labels {
            w.labels = Some(labels);
        }
        w.modifier_id = Some(caller.id.clone());
        w.modifier_name = Some(caller.name.clone());
        w.update_time = Some(caller.now.clone());
        Ok(w.clone())
    }

    /// Deletes a disabled workflow with its versions; returns it.
    pub(crate) fn delete(&mut self, id: &str) -> Result<AopWorkflowInfo, Rejection> {
        let flow = self.flow(id)?;
        if flow.info.enabled == Some(true) {
            return Err(reject(
                codes::WORKFLOW_ENABLED,
                format!("workflow {id} is enabled: disable it before deleting it"),
            ));
        }
        let info = flow.info.clone();
        let versions: Vec<String> = flow.versions.iter().filter_map(|v| v.id.clone()).collect();
        // Its versions' reviews go with them.
        self.drop_children(super::playbooks::APPROVALS, &versions);
        self.flows.retain(|f| f.info.id.as_deref() != Some(id));
        // Its runs go with it.
        self.runs
            .retain(|r| r.detail.workflow.as_ref().and_then(|w| w.id.as_deref()) != Some(id));
        Ok(info)
    }
}

/// An update's body, read with the bindings' type, its enum and `x-required-when` rules
/// checked (as JSON).
pub(crate) fn parse_update(body: &[u8]) -> Result<ModifyAopWorkflowInfo, Rejection> {
    let value = super::parse_object(body)?;
    // The spec's `x-required-when` rules, from the same generated data the client enforces.
    if let Some(rule) = RequiredWhen::first_broken("ModifyAopWorkflowInfo", &value) {
        let code = match rule.field {
            "version_id" => codes::VERSION_REQUIRED,
            _ => codes::MISSING_FIELD,
        };
        return Err(reject(
            code,
            format!(
                "{} is mandatory when {} is {}",
                rule.field, rule.when_field, rule.equals
            ),
        ));
    }
    let change: ModifyAopWorkflowInfo = super::typed(value)?;
    if let Some(labels) = &change.labels {
        listed!("labels", labels, Label);
    }
    Ok(change)
}

/// The service answers every field, `""` where unset; so does the fake.
pub(crate) fn fill_missing(w: &mut AopWorkflowInfo) {
    for field in [
        &mut w.id,
        &mut w.name,
        &mut w.description,
        &mut w.project_id,
        &mut w.owner_id,
        &mut w.creator_id,
        &mut w.creator_name,
        &mut w.create_time,
        &mut w.modifier_id,
        &mut w.modifier_name,
        &mut w.update_time,
        &mut w.edit_role,
        &mut w.use_role,
        &mut w.approve_role,
        &mut w.workspace_id,
        &mut w.version_id,
        &mut w.current_approval_version_id,
        &mut w.current_rejected_version_id,
        &mut w.dataclass_id,
        &mut w.dataclass_name,
        &mut w.version,
    ] {
        field.get_or_insert_with(String::new);
    }
    w.enabled.get_or_insert(false);
    w.aop_type.get_or_insert_with(|| "NORMAL".into());
    w.engine_type.get_or_insert_with(|| "public_engine".into());
    w.labels.get_or_insert_with(|| "IP".into());
}
