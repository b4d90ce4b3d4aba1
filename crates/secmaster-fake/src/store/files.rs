//! Moving workflows in and out as files: the export's format is the fake's own, documented
//! here, and read back by the import. An import makes each workflow of the file anew (new IDs
//! for it and its versions, disabled, its versions' statuses kept), under its name, which must
//! be free in the workspace; a file that is not such an export, or is over 4 MiB, is refused
//! whole.
//!
//! ```json
//! {"format": "secmaster-fake/workflows", "version": 1,
//!  "workflows": [{"workflow": {AopWorkflowInfo}, "versions": [{AopWorkflowVersionInfo}, ...]}]}
//! ```

use secmaster::bindings::types::{AopWorkflowInfo, AopWorkflowVersionInfo};
use serde::{Deserialize, Serialize};

use super::{Caller, Flow, Rejection, Workspace, codes, new_id, reject};

/// The largest file an import takes.
pub(crate) const MAX_IMPORT_BYTES: usize = 4 * 1024 * 1024;

/// The `format` of an export file.
pub(crate) const FORMAT: &str = "secmaster-fake/workflows";

#[derive(Serialize, Deserialize)]
struct File {
    format: String,
    version: u32,
    workflows: Vec<Exported>,
}

#[derive(Serialize, Deserialize)]
struct Exported {
    workflow: AopWorkflowInfo,
    #[serde(default)]
    versions: Vec<AopWorkflowVersionInfo>,
}

impl Workspace {
    /// The file holding the workflows `ids` (each must exist, at least one) and their versions.
    pub(crate) fn export(&self, ids: &[String]) -> Result<String, Rejection> {
        if ids.is_empty() {
            return Err(reject(
                codes::MISSING_FIELD,
                "id lists no workflow to export",
            ));
        }
        let mut workflows = Vec::new();
        for id in ids {
            let flow = self.flow(id)?;
            workflows.push(Exported {
                workflow: flow.info.clone(),
                versions: flow.versions.clone(),
            });
        }
        let file = File {
            format: FORMAT.to_owned(),
            version: 1,
            workflows,
        };
        Ok(serde_json::to_string_pretty(&file).expect("the bindings' types serialize"))
    }
}

impl Workspace {
    /// Imports the workflows of an export `file`.
    pub(crate) fn import(
        &mut self,
        file: &[u8],
        caller: &Caller,
        ids: (&str, &str),
    ) -> Result<usize, Rejection> {
        if file.len() > MAX_IMPORT_BYTES {
            return Err(reject(
                codes::FILE_TOO_LARGE,
                format!(
                    "the file has {} bytes; the fake imports at most {MAX_IMPORT_BYTES}",
                    file.len()
                ),
            ));
        }
        let malformed = |why: String| reject(codes::MALFORMED_FILE, why);
        let file: File = serde_json::from_slice(file)
            .map_err(|e| malformed(format!("the file is not an export of the fake: {e}")))?;
        if file.format != FORMAT || file.version != 1 {
            return Err(malformed(format!(
                "the file's format is {:?} version {}, not {FORMAT:?} version 1",
                file.format, file.version
            )));
        }
        if file.workflows.is_empty() {
            return Err(malformed("the file holds no workflow".to_owned()));
        }
        let n = file.workflows.len();
        for exported in file.workflows {
            let mut info = exported.workflow;
            let name = info.name.clone().unwrap_or_default();
            super::required("name", &name)?;
            if self
                .flows
                .iter()
                .any(|f| f.info.name.as_deref() == Some(name.as_str()))
            {
                return Err(reject(
                    codes::NAME_TAKEN,
                    format!("a workflow named {name:?} already exists in this workspace"),
                ));
            }
            let id = new_id();
            let mut versions = exported.versions;
            for v in &mut versions {
                let old = v.id.clone();
                let fresh = new_id();
                v.id = Some(fresh.clone());
                v.version_id = Some(fresh.clone());
                v.aopworkflow_id = Some(id.clone());
                v.project_id = Some(ids.0.to_owned());
                v.workspace_id = Some(ids.1.to_owned());
                if old.is_some() && info.version_id == old {
                    info.version_id = Some(fresh);
                }
            }
            info.id = Some(id);
            info.project_id = Some(ids.0.to_owned());
            info.workspace_id = Some(ids.1.to_owned());
            info.enabled = Some(false);
            info.current_approval_version_id = Some(String::new());
            info.current_rejected_version_id = Some(String::new());
            info.modifier_id = Some(caller.id.clone());
            info.modifier_name = Some(caller.name.clone());
            info.update_time = Some(caller.now.clone());
            super::workflows::fill_missing(&mut info);
            self.flows.push(Flow {
                info,
                versions,
                fail_runs: false,
            });
        }
        Ok(n)
    }
}
