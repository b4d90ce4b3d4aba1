//! The workspaces themselves (the Workspace Management chapter): listed, created, shown,
//! updated and deleted within a project. A workspace scopes everything under it, and deleting
//! one deletes what it holds. The fake holds at most [`crate::Limits::max_workspaces`]
//! workspaces in all, each described in at most [`crate::Limits::max_object_bytes`]. A
//! workspace seeded with a workflow or a data class is shown with its ID and project alone.

use serde_json::{Map, Value};

use super::costs::{cost, grows_past, object};
use super::ledger::{Space, Store};
use super::records::stamps;
use super::search::{Listing, select};
use super::{Caller, Rejection, missing_workspace, new_id};

fn view(project: &str, id: &str, space: &Space) -> Value {
    let mut info = space.info.clone().unwrap_or_default();
    for (name, value) in [("id", id), ("project_id", project), ("name", id)] {
        info.entry(name)
            .or_insert_with(|| Value::String(value.to_owned()));
    }
    Value::Object(info)
}

impl Store {
    /// The workspaces of `project` that `listing` matches, one page of them, and how many.
    pub(crate) fn list_workspaces(&self, project: &str, listing: &Listing) -> (Vec<Value>, usize) {
        let all: Vec<Value> = self
            .workspaces
            .iter()
            .filter(|((p, _), _)| p == project)
            .map(|((p, w), space)| view(p, w, space))
            .collect();
        select(all.iter().map(|v| (v, None)), None, listing)
    }

    /// Workspace `id` of `project`, as the chapter shows it.
    pub(crate) fn show_workspace(&self, project: &str, id: &str) -> Result<Value, Rejection> {
        let space = self
            .workspaces
            .get(&(project.to_owned(), id.to_owned()))
            .ok_or_else(|| missing_workspace(id))?;
        Ok(view(project, id, space))
    }

    /// A new, empty workspace in `project`, with the fields sent.
    pub(crate) fn create_workspace(
        &mut self,
        project: &str,
        mut fields: Map<String, Value>,
        caller: &Caller,
    ) -> Result<(u64, Value), Rejection> {
        let held = self.workspaces.len();
        grows_past("workspaces", held, held + 1, self.limits.max_workspaces)?;
        let id = new_id();
        for (name, value) in stamps(&id, (project, ""), caller) {
            if name != "workspace_id" {
                fields
                    .entry(name)
                    .or_insert_with(|| Value::String(value.to_owned()));
            }
        }
        object(cost(&fields), "workspace", &self.limits)?;
        let space = Space::with_info(fields);
        let shown = view(project, &id, &space);
        self.workspaces.insert((project.to_owned(), id), space);
        self.seq += 1;
        Ok((self.seq, shown))
    }

    /// Merges the fields sent into workspace `id`.
    pub(crate) fn update_workspace(
        &mut self,
        project: &str,
        id: &str,
        change: Map<String, Value>,
        caller: &Caller,
    ) -> Result<(u64, Value), Rejection> {
        let limits = self.limits.clone();
        let space = self
            .workspaces
            .get_mut(&(project.to_owned(), id.to_owned()))
            .ok_or_else(|| missing_workspace(id))?;
        let mut info = space.info.clone().unwrap_or_default();
        for (name, value) in change {
            if !matches!(name.as_str(), "id" | "project_id" | "create_time") {
                info.insert(name, value);
            }
        }
        let text = |v: &str| Value::String(v.to_owned());
        info.insert("update_time".to_owned(), text(&caller.now));
        info.insert("modifier_id".to_owned(), text(&caller.id));
        info.insert("modifier_name".to_owned(), text(&caller.name));
        object(cost(&info), "workspace", &limits)?;
        space.info = Some(info);
        let shown = view(project, id, space);
        self.seq += 1;
        Ok((self.seq, shown))
    }

    /// Deletes workspace `id` and everything it holds.
    pub(crate) fn delete_workspace(&mut self, project: &str, id: &str) -> Result<u64, Rejection> {
        self.workspaces
            .remove(&(project.to_owned(), id.to_owned()))
            .ok_or_else(|| missing_workspace(id))?;
        self.seq += 1;
        Ok(self.seq)
    }
}
