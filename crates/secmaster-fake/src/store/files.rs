//! Moving workflows in and out as files: the export's format is the fake's own, documented
//! here, and read back by the import. An import makes each workflow of the file anew (new IDs
//! for it and its versions, disabled, its versions' statuses kept), under its name, which must
//! be free in the workspace; a file that is not such an export, is over 4 MiB, or would leave
//! the store in a state the version rules do not allow (`import_rules.rs`: two activated
//! versions, a status the API does not list, a `version_id` not its own, an unknown data
//! class, ...) is refused whole. The file is read before the store is locked, and never into more than the limits
//! allow: past [`Limits::max_workflows`] workflows, [`Limits::max_versions`] versions of one, or
//! objects whose bare size passes [`Limits::max_workspace_bytes`], reading stops and the import is
//! refused (`LIMIT_EXCEEDED`).
//!
//! ```json
//! {"format": "secmaster-fake/workflows", "version": 1,
//!  "workflows": [{"workflow": {AopWorkflowInfo}, "versions": [{AopWorkflowVersionInfo}, ...]}]}
//! ```

use std::cell::Cell;
use std::marker::PhantomData;
use std::sync::Arc;

use secmaster::bindings::types::{AopWorkflowInfo, AopWorkflowVersionInfo};
use serde::de::{Error as _, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use super::{Caller, Flow, Rejection, Workspace, codes, new_id, reject};
use crate::Limits;

/// The largest file an import takes.
pub(crate) const MAX_IMPORT_BYTES: usize = 4 * 1024 * 1024;

/// The `format` of an export file.
pub(crate) const FORMAT: &str = "secmaster-fake/workflows";

#[derive(Deserialize)]
struct File {
    format: String,
    version: u32,
    workflows: Capped<Exported, WORKFLOWS>,
}

#[derive(Deserialize)]
struct Exported {
    workflow: AopWorkflowInfo,
    #[serde(default)]
    versions: Capped<AopWorkflowVersionInfo, VERSIONS>,
}

/// An export as written: references to the stored objects.
#[derive(Serialize)]
struct FileOut<'a> {
    format: &'static str,
    version: u32,
    workflows: Vec<ExportedOut<'a>>,
}

#[derive(Serialize)]
struct ExportedOut<'a> {
    workflow: &'a AopWorkflowInfo,
    versions: Vec<&'a AopWorkflowVersionInfo>,
}

/// An export file, read and checked before the store is locked.
pub(crate) struct Import {
    workflows: Vec<Exported>,
}

const WORKFLOWS: usize = 0;
const VERSIONS: usize = 1;

thread_local! {
    /// While a file is read on this thread: the most items of each list, and the bytes the
    /// items read may still take.
    static CAPS: Cell<([usize; 2], usize)> = const { Cell::new(([usize::MAX; 2], usize::MAX)) };
}

/// A list read item by item, refused past its cap or the bytes left (see [`CAPS`]).
#[derive(Default)]
struct Capped<T, const LIST: usize>(Vec<T>);

impl<'de, T: Deserialize<'de>, const LIST: usize> Deserialize<'de> for Capped<T, LIST> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Items<T, const LIST: usize>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>, const LIST: usize> Visitor<'de> for Items<T, LIST> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    let (caps, left) = CAPS.get();
                    let size = std::mem::size_of::<T>();
                    if items.len() == caps[LIST] || left < size {
                        return Err(A::Error::custom(LIMIT));
                    }
                    CAPS.set((caps, left - size));
                    items.push(item);
                }
                Ok(items)
            }
        }
        d.deserialize_seq(Items::<T, LIST>(PhantomData)).map(Capped)
    }
}

/// What a capped list's error says, to tell it from a malformed file.
const LIMIT: &str = "the file holds more than the fake's limits allow";

/// Reads an export `file`, within the limits.
pub(crate) fn parse(file: &[u8], limits: &Limits) -> Result<Import, Rejection> {
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
    let caps = [limits.max_workflows, limits.max_versions];
    CAPS.set((caps, limits.max_workspace_bytes));
    let read = serde_json::from_slice::<File>(file);
    CAPS.set(([usize::MAX; 2], usize::MAX));
    let file = read.map_err(|e| {
        if e.to_string().starts_with(LIMIT) {
            reject(
                codes::LIMIT_EXCEEDED,
                format!(
                    "{e}: at most {} workflows, {} versions of each",
                    caps[0], caps[1]
                ),
            )
        } else {
            malformed(format!("the file is not an export of the fake: {e}"))
        }
    })?;
    if file.format != FORMAT || file.version != 1 {
        return Err(malformed(format!(
            "the file's format is {:?} version {}, not {FORMAT:?} version 1",
            file.format, file.version
        )));
    }
    if file.workflows.0.is_empty() {
        return Err(malformed("the file holds no workflow".to_owned()));
    }
    for exported in &file.workflows.0 {
        super::import_rules::check(&exported.workflow, &exported.versions.0)?;
    }
    Ok(Import {
        workflows: file.workflows.0,
    })
}

/// The file holding `flows` and their versions.
pub(crate) fn render(flows: &[Arc<Flow>]) -> String {
    let file = FileOut {
        format: FORMAT,
        version: 1,
        workflows: flows
            .iter()
            .map(|flow| ExportedOut {
                workflow: &flow.info,
                versions: flow.versions.iter().map(|v| &**v).collect(),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&file).expect("the bindings' types serialize")
}

impl Workspace {
    /// The workflows `ids` (each must exist, at least one), to export.
    pub(crate) fn exported(&self, ids: &[String]) -> Result<Vec<Arc<Flow>>, Rejection> {
        if ids.is_empty() {
            return Err(reject(
                codes::MISSING_FIELD,
                "id lists no workflow to export",
            ));
        }
        ids.iter().map(|id| self.shared(id).cloned()).collect()
    }

    /// Imports the workflows of an export file, read by [`parse`].
    pub(crate) fn import(
        &mut self,
        import: Import,
        caller: &Caller,
        ids: (&str, &str),
    ) -> Result<usize, Rejection> {
        let n = import.workflows.len();
        for exported in import.workflows {
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
            let class = info.dataclass_id.clone().unwrap_or_default();
            let Some(class_name) = self.class_name(&class) else {
                return Err(reject(
                    codes::UNKNOWN_DATACLASS,
                    format!("data class {class} of {name:?} does not exist in this workspace"),
                ));
            };
            info.dataclass_name = Some(class_name);
            let id = new_id();
            let mut versions = exported.versions.0;
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
            super::import_rules::follow(&mut info, &mut versions);
            info.modifier_id = Some(caller.id.clone());
            info.modifier_name = Some(caller.name.clone());
            info.update_time = Some(caller.now.clone());
            super::workflows::fill_missing(&mut info);
            self.flows.push(Arc::new(Flow {
                info,
                versions: versions.into_iter().map(Arc::new).collect(),
                fail_runs: false,
            }));
        }
        Ok(n)
    }
}
