//! Moving workflows in and out as files: the export's format is the fake's own, documented
//! here, and read back by the import.
//!
//! ```json
//! {"format": "secmaster-fake/workflows", "version": 1,
//!  "workflows": [{"workflow": {AopWorkflowInfo}, "versions": [{AopWorkflowVersionInfo}, ...]}]}
//! ```

use secmaster::bindings::types::{AopWorkflowInfo, AopWorkflowVersionInfo};
use serde::{Deserialize, Serialize};

use super::{Rejection, Workspace, codes, reject};

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
