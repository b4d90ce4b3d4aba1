//! The store: every workspace, with what its objects cost, and the one way to change one
//! ([`Store::change`]): applied to a copy that shares every object it does not touch, checked
//! against the limits ([`Limits`]), then kept whole and numbered, or dropped whole.
//!
//! What an object costs is its size in memory as the fake counts it: the size of its type plus
//! the length of its JSON. Only the objects a change touched are counted again, so a change
//! costs what it touches.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use secmaster::bindings::types::{AopWorkflowInfo, AopWorkflowVersionInfo};

use super::costs::{cost, grows_past, object, over};
use super::{
    DataClass, Flow, Rejection, SeedWorkflow, Workspace, instances, missing_workspace, versions,
    workflows,
};
use crate::Limits;

/// An object of a workspace: a workflow, a version or a run, and its ID.
type Key = (Kind, String);

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Kind {
    Workflow,
    Version,
    Run,
    /// An object of a family served from the spec (its key: `family/id`).
    Record,
}

/// A workspace and what its objects cost.
#[derive(Default)]
pub(super) struct Space {
    pub(super) ws: Workspace,
    costs: HashMap<Key, usize>,
    bytes: usize,
    /// The workspace itself as the workspace chapter shows it (`None` for one seeded with a
    /// workflow or a data class: shown with its ID and project alone).
    pub(super) info: Option<serde_json::Map<String, serde_json::Value>>,
}

/// All the fake's data.
pub(crate) struct Store {
    /// The sequence number of the last change applied.
    pub seq: u64,
    pub(super) limits: Limits,
    pub(super) workspaces: BTreeMap<(String, String), Space>,
}

impl Store {
    /// An empty store within `limits`.
    pub(crate) fn new(limits: Limits) -> Self {
        Self {
            seq: 0,
            limits,
            workspaces: BTreeMap::new(),
        }
    }

    /// Adds (or replaces) a seeded workflow and its versions (not held to the limits).
    pub(crate) fn insert(&mut self, seed: SeedWorkflow) {
        let mut info = seed.workflow;
        let id = info.id.clone().unwrap_or_default();
        info.project_id = Some(seed.project_id.clone());
        info.workspace_id = Some(seed.workspace_id.clone());
        workflows::fill_missing(&mut info);
        let versions: Vec<Arc<AopWorkflowVersionInfo>> = seed
            .versions
            .iter()
            .map(|v| Arc::new(versions::seeded(&info, v)))
            .collect();
        if let Some(active) = versions.iter().find(|v| versions::is(v, "activated")) {
            info.version_id = active.id.clone();
            info.version = active.version.clone();
        }
        let space = self
            .workspaces
            .entry((seed.project_id, seed.workspace_id))
            .or_default();
        if let Some(class) = info.dataclass_id.clone().filter(|c| !c.is_empty()) {
            let name = info.dataclass_name.clone().unwrap_or_default();
            space.ws.dataclasses.entry(class).or_insert(name);
        }
        space.ws.flows.retain(|f| f.info.id.as_deref() != Some(&id));
        space.ws.flows.push(Arc::new(Flow {
            info,
            versions,
            fail_runs: seed.fail_runs,
        }));
        space.recount();
    }

    /// Adds a data class (and so its workspace).
    pub(crate) fn add_dataclass(&mut self, class: DataClass) {
        self.workspaces
            .entry((class.project_id, class.workspace_id))
            .or_default()
            .ws
            .dataclasses
            .insert(class.id, class.name);
    }

    /// The workspace at `(project, workspace)`, or the refusal naming what does not exist.
    pub(crate) fn space(&self, project: &str, workspace: &str) -> Result<&Workspace, Rejection> {
        self.check_space(project, workspace)?;
        Ok(&self.workspaces[&(project.to_owned(), workspace.to_owned())].ws)
    }

    /// The workspace, to change outside [`Store::change`] (runs ending by themselves).
    pub(crate) fn space_mut(
        &mut self,
        project: &str,
        workspace: &str,
    ) -> Result<&mut Workspace, Rejection> {
        self.check_space(project, workspace)?;
        Ok(&mut self
            .workspaces
            .get_mut(&(project.to_owned(), workspace.to_owned()))
            .expect("checked")
            .ws)
    }

    fn check_space(&self, project: &str, workspace: &str) -> Result<(), Rejection> {
        if !self
            .workspaces
            .contains_key(&(project.to_owned(), workspace.to_owned()))
        {
            return Err(missing_workspace(workspace));
        }
        Ok(())
    }

    /// A stored workflow as the API would return it.
    pub(crate) fn get(&self, project: &str, workspace: &str, id: &str) -> Option<AopWorkflowInfo> {
        let space = self.space(project, workspace).ok()?;
        space.flow(id).ok().map(|f| f.info.clone())
    }

    /// Takes the next `n` sequence numbers (for changes made outside [`Store::change`]: runs
    /// that ended by themselves); the last of them, when `n` is not 0.
    pub(crate) fn number(&mut self, n: usize) -> Option<u64> {
        (n > 0).then(|| {
            self.seq += n as u64;
            self.seq
        })
    }

    /// Runs `change` on the workspace as one step: applied whole (taking the next sequence
    /// number) or not at all. It works on a copy sharing every object; what it touched is
    /// counted again and held to the limits (a change that only shrinks passes).
    pub(crate) fn change<T>(
        &mut self,
        project: &str,
        workspace: &str,
        change: impl FnOnce(&mut Workspace) -> Result<T, Rejection>,
    ) -> Result<(u64, T), Rejection> {
        let (seq, out) = self.apply(project, workspace, change, true)?;
        Ok((seq.expect("a kept change is numbered"), out))
    }

    /// [`Store::change`] when `keep` (its sequence number); else the change is run and held to
    /// the same limits, then dropped, no number taken: a dry run (an import's `verify`).
    pub(crate) fn apply<T>(
        &mut self,
        project: &str,
        workspace: &str,
        change: impl FnOnce(&mut Workspace) -> Result<T, Rejection>,
        keep: bool,
    ) -> Result<(Option<u64>, T), Rejection> {
        self.check_space(project, workspace)?;
        let key = (project.to_owned(), workspace.to_owned());
        let space = self.workspaces.get_mut(&key).expect("checked");
        // Applied to a copy, kept only when the whole change succeeds: a refusal changes nothing.
        let mut copy = space.ws.clone();
        let out = change(&mut copy)?;
        let delta = Delta::between(&space.ws, &copy, &self.limits)?;
        let bytes = delta.bytes_after(space);
        if bytes > self.limits.max_workspace_bytes && bytes > space.bytes {
            return Err(over(format!(
                "the workspace would hold {bytes} bytes; the fake holds at most {} per workspace",
                self.limits.max_workspace_bytes
            )));
        }
        if !keep {
            return Ok((None, out));
        }
        for key in delta.removed {
            space.costs.remove(&key);
        }
        space.costs.extend(delta.set);
        space.bytes = bytes;
        space.ws = copy;
        self.seq += 1;
        Ok((Some(self.seq), out))
    }
}

impl Space {
    /// An empty workspace, as CreateWorkspace made it.
    pub(super) fn with_info(info: serde_json::Map<String, serde_json::Value>) -> Self {
        Self {
            info: Some(info),
            ..Self::default()
        }
    }

    /// Counts every object again (after seeding).
    fn recount(&mut self) {
        self.costs.clear();
        for flow in &self.ws.flows {
            let fid = id(&flow.info.id);
            self.costs
                .insert((Kind::Workflow, fid.to_owned()), cost(&flow.info));
            for v in &flow.versions {
                self.costs.insert(version_key(fid, id(&v.id)), cost(&**v));
            }
        }
        for run in &self.ws.runs {
            let id = run.detail.id.clone().unwrap_or_default();
            self.costs.insert((Kind::Run, id), cost(&run.detail));
        }
        self.bytes = self.costs.values().sum();
    }
}

/// What a change did to a workspace's objects: their new costs, and those it removed.
#[derive(Default)]
struct Delta {
    set: Vec<(Key, usize)>,
    removed: Vec<Key>,
}

impl Delta {
    /// The objects `new` holds that `old` did not hold as they are (touched or new), and those
    /// it no longer holds; refused when they break a limit.
    fn between(old: &Workspace, new: &Workspace, limits: &Limits) -> Result<Self, Rejection> {
        grows_past(
            "workflows in a workspace",
            old.flows.len(),
            new.flows.len(),
            limits.max_workflows,
        )?;
        grows_past(
            "runs in a workspace",
            old.runs.len(),
            new.runs.len(),
            limits.max_runs,
        )?;
        let mut delta = Self::default();
        let old_flows: HashMap<&str, &Arc<Flow>> =
            old.flows.iter().map(|f| (id(&f.info.id), f)).collect();
        let mut kept = std::collections::HashSet::new();
        for flow in &new.flows {
            let fid = id(&flow.info.id);
            let before = old_flows.get(fid).copied();
            kept.insert(fid);
            if before.is_some_and(|b| Arc::ptr_eq(b, flow)) {
                continue;
            }
            delta.touched_flow(before.map(|b| &**b), flow, limits)?;
        }
        for (fid, flow) in old_flows.iter().filter(|(fid, _)| !kept.contains(*fid)) {
            delta.removed.push((Kind::Workflow, (*fid).to_owned()));
            let ids = flow.versions.iter().map(|v| version_key(fid, id(&v.id)));
            delta.removed.extend(ids);
        }
        let old_runs: HashMap<&str, &Arc<instances::Run>> =
            old.runs.iter().map(|r| (id(&r.detail.id), r)).collect();
        let mut kept = std::collections::HashSet::new();
        for run in &new.runs {
            let rid = id(&run.detail.id);
            kept.insert(rid);
            if old_runs.get(rid).is_some_and(|b| Arc::ptr_eq(b, run)) {
                continue;
            }
            delta.set.push((
                (Kind::Run, rid.to_owned()),
                object(cost(&run.detail), "run", limits)?,
            ));
        }
        let gone = old_runs.keys().filter(|rid| !kept.contains(*rid));
        delta
            .removed
            .extend(gone.map(|rid| (Kind::Run, (*rid).to_owned())));
        delta.records(old, new, limits)?;
        Ok(delta)
    }

    /// The objects of the families served from the spec: new or changed ones counted, each
    /// family held to [`Limits::max_objects`].
    fn records(
        &mut self,
        old: &Workspace,
        new: &Workspace,
        limits: &Limits,
    ) -> Result<(), Rejection> {
        let none = Vec::new();
        for (family, records) in &new.records {
            let before = old.records.get(family).unwrap_or(&none);
            grows_past(
                &format!("{family} objects in a workspace"),
                before.len(),
                records.len(),
                limits.max_objects,
            )?;
            let old: HashMap<&str, &Arc<super::Record>> =
                before.iter().map(|r| (r.id.as_str(), r)).collect();
            let mut kept = std::collections::HashSet::new();
            for record in records {
                kept.insert(record.id.as_str());
                if old
                    .get(record.id.as_str())
                    .is_some_and(|o| Arc::ptr_eq(o, record))
                {
                    continue;
                }
                let cost = object(cost(&record.value), family, limits)?;
                self.set.push((record_key(family, &record.id), cost));
            }
            let gone = old.keys().filter(|id| !kept.contains(*id));
            self.removed.extend(gone.map(|id| record_key(family, id)));
        }
        for (family, records) in &old.records {
            if !new.records.contains_key(family) {
                self.removed
                    .extend(records.iter().map(|r| record_key(family, &r.id)));
            }
        }
        Ok(())
    }

    /// A workflow added or changed: its own cost, and its versions' that changed.
    fn touched_flow(
        &mut self,
        before: Option<&Flow>,
        flow: &Flow,
        limits: &Limits,
    ) -> Result<(), Rejection> {
        let fid = id(&flow.info.id);
        let had = before.map_or(0, |b| b.versions.len());
        grows_past(
            "versions of a workflow",
            had,
            flow.versions.len(),
            limits.max_versions,
        )?;
        self.set.push((
            (Kind::Workflow, fid.to_owned()),
            object(cost(&flow.info), "workflow", limits)?,
        ));
        let old: HashMap<&str, &Arc<AopWorkflowVersionInfo>> = before
            .map(|b| b.versions.iter().map(|v| (id(&v.id), v)).collect())
            .unwrap_or_default();
        let mut kept = std::collections::HashSet::new();
        for v in &flow.versions {
            let vid = id(&v.id);
            kept.insert(vid);
            if old.get(vid).is_some_and(|o| Arc::ptr_eq(o, v)) {
                continue;
            }
            let cost = object(cost(&**v), "version", limits)?;
            self.set.push((version_key(fid, vid), cost));
        }
        let gone = old.keys().filter(|vid| !kept.contains(*vid));
        self.removed.extend(gone.map(|vid| version_key(fid, vid)));
        Ok(())
    }

    /// The workspace's bytes once the change is applied.
    fn bytes_after(&self, space: &Space) -> usize {
        let was = |key: &Key| space.costs.get(key).copied().unwrap_or(0);
        let dropped: usize = self.removed.iter().map(was).sum::<usize>()
            + self.set.iter().map(|(key, _)| was(key)).sum::<usize>();
        let added: usize = self.set.iter().map(|(_, c)| c).sum();
        (space.bytes + added).saturating_sub(dropped)
    }
}

/// A version's key: its workflow's ID and its own (seeded versions of two workflows may share
/// an ID).
fn version_key(workflow: &str, version: &str) -> Key {
    (Kind::Version, format!("{workflow}/{version}"))
}

/// An object's key: its family and ID.
fn record_key(family: &str, id: &str) -> Key {
    (Kind::Record, format!("{family}/{id}"))
}

fn id(id: &Option<String>) -> &str {
    id.as_deref().unwrap_or("")
}
