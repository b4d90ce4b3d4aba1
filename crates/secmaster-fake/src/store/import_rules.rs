//! What an imported file must hold: a store the version rules allow. A file that breaks one is
//! refused whole (400, nothing stored); nothing in it is silently changed, except what the
//! import always sets (new IDs, the workspace's, disabled, the caller as modifier) and what
//! follows from the versions (the workflow's `version_id` and `version` follow its activated
//! version, `current_approval_version_id` its version pending approval, each version's
//! `enabled` whether it is the activated one, its data class the workflow's).
//!
//! Per workflow: a name; `aop_type`, `engine_type` and `labels` among the values the API lists;
//! a `dataclass_id` the workspace has (checked under the lock); versions with distinct IDs, each
//! with a status among the seven the API lists, at most one `activated` and at most one
//! `pending_approval`, enums the API lists and a `taskflow` that is Base64 of JSON; the
//! workflow's `version_id` empty or its activated version's ID.

use secmaster::bindings::types::{AopWorkflowInfo, AopWorkflowVersionInfo};
use secmaster::{AopType, EngineType, Label, TaskflowType, VersionStatus};

use super::{Rejection, codes, listed, reject, required};

/// Checks one exported workflow and its versions against the rules (all but its data class).
pub(super) fn check(
    info: &AopWorkflowInfo,
    versions: &[AopWorkflowVersionInfo],
) -> Result<(), Rejection> {
    let name = info.name.as_deref().unwrap_or("");
    required("name", name)?;
    required("dataclass_id", info.dataclass_id.as_deref().unwrap_or(""))?;
    if let Some(t) = &info.aop_type {
        listed!("aop_type", t, AopType);
    }
    if let Some(t) = &info.engine_type {
        listed!("engine_type", t, EngineType);
    }
    if let Some(labels) = &info.labels {
        listed!("labels", labels, Label);
    }
    let mut ids = std::collections::HashSet::new();
    for v in versions {
        let id = v.id.as_deref().unwrap_or("");
        required("versions[].id", id)?;
        if !ids.insert(id) {
            return Err(broken(name, format!("two versions have the ID {id}")));
        }
        let Some(status) = &v.status else {
            return Err(reject(
                codes::MISSING_FIELD,
                format!("version {id} of {name:?} has no status"),
            ));
        };
        listed!("status", status, VersionStatus);
        if let Some(t) = &v.aop_type {
            listed!("aop_type", t, AopType);
        }
        if let Some(t) = &v.taskflow_type {
            listed!("taskflow_type", t, TaskflowType);
        }
        if let Some(taskflow) = &v.taskflow {
            super::validation::check_taskflow(taskflow)?;
        }
    }
    for status in ["activated", "pending_approval"] {
        let n = versions
            .iter()
            .filter(|v| super::versions::is(v, status))
            .count();
        if n > 1 {
            return Err(broken(
                name,
                format!("{n} of its versions are {status}; at most one may be"),
            ));
        }
    }
    let activated = versions
        .iter()
        .find(|v| super::versions::is(v, "activated"));
    match info.version_id.as_deref().filter(|v| !v.is_empty()) {
        None => Ok(()),
        Some(v) if activated.and_then(|a| a.id.as_deref()) == Some(v) => Ok(()),
        Some(v) if ids.contains(v) => Err(reject(
            codes::VERSION_NOT_ACTIVATED,
            format!("the version_id of {name:?}, {v}, is not its activated version"),
        )),
        Some(v) => Err(reject(
            codes::UNKNOWN_VERSION,
            format!("the version_id of {name:?}, {v}, is not one of its versions in the file"),
        )),
    }
}

fn broken(name: &str, why: String) -> Rejection {
    reject(
        codes::WRONG_VERSION_STATUS,
        format!("workflow {name:?} in the file: {why}"),
    )
}

/// Sets what follows from the versions (see the module's docs), once they have their new IDs.
pub(super) fn follow(info: &mut AopWorkflowInfo, versions: &mut [AopWorkflowVersionInfo]) {
    let id_of = |status: &str| {
        versions
            .iter()
            .find(|v| super::versions::is(v, status))
            .map(|v| (v.id.clone(), v.version.clone()))
    };
    let (active, label) = id_of("activated").unwrap_or_default();
    info.version_id = Some(active.unwrap_or_default());
    info.version = Some(label.unwrap_or_default());
    let pending = id_of("pending_approval").and_then(|(id, _)| id);
    info.current_approval_version_id = Some(pending.unwrap_or_default());
    info.current_rejected_version_id = Some(String::new());
    for v in versions {
        v.enabled = Some(super::versions::is(v, "activated"));
        v.dataclass_id = info.dataclass_id.clone();
        v.dataclass_name = info.dataclass_name.clone();
    }
}
