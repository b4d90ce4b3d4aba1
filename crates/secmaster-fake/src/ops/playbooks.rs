//! The playbook chapter: playbooks, versions, rules, actions and approvals
//! (`store/playbooks.rs`, `store/playbook_versions.rs`), instances and their commands
//! (`store/engine.rs`), topology, audit logs, monitors and statistics
//! (`store/playbook_reports.rs`). Each body is checked against the operation's generated
//! descriptor (mandatory fields, bounds, enum values) before the store is locked; answers go
//! through the operation's result type, in its shape (the envelope, or a bare object).

use axum::response::Response;
use serde_json::Value;

use super::Ctx;
use super::Request;
use super::playbook_io::{bare, body, data, files, items, not_found, paged, path};
use crate::query::Query;
use crate::store::playbooks::{ACTIONS, Obj, PLAYBOOKS, VERSIONS, flag, text};
use crate::store::{InstanceFilter, Rejection, Start};

/// The operations this module answers.
pub(super) const OPERATIONS: &[&str] = &[
    "ListPlaybooks",
    "CreatePlaybook",
    "ShowPlaybook",
    "UpdatePlaybook",
    "DeletePlaybook",
    "ListPlaybookVersions",
    "CreatePlaybookVersion",
    "ShowPlaybookVersion",
    "UpdatePlaybookVersion",
    "DeletePlaybookVersion",
    "CopyPlaybookVersion",
    "CreatePlaybookRule",
    "ShowPlaybookRule",
    "UpdatePlaybookRule",
    "DeletePlaybookRule",
    "ListPlaybookActions",
    // Its body is a JSON array (`playbook_io::items`).
    "CreatePlaybookAction",
    "UpdatePlaybookAction",
    "DeletePlaybookAction",
    "CreatePlaybookApprove",
    "ListPlaybookApproves",
    "ListPlaybookInstances",
    "ShowPlaybookInstance",
    "ChangePlaybookInstance",
    "ShowPlaybookTopology",
    "ListPlaybookAuditLogs",
    "ShowPlaybookMonitors",
    "ShowPlaybookStatistics",
    "ExportPlaybook",
    "ImportPlaybook",
];

/// What starting an instance needs from a request.
pub(super) fn start<'a>(r: &'a Request<'_>) -> Start<'a> {
    Start {
        caller: r.caller,
        ends: r.ends.run,
        limits: r.limits,
    }
}

/// Answers a playbook operation; a refusal that something of its path is missing is in the
/// code the spec's `x-not-found` gives.
pub(super) fn answer(ctx: &Ctx<'_>, r: &Request<'_>, query: &Query) -> Result<Response, Rejection> {
    route(ctx, r, query).map_err(|e| not_found(r.op, e))
}

fn route(ctx: &Ctx<'_>, r: &Request<'_>, query: &Query) -> Result<Response, Rejection> {
    match r.op.id {
        "ExportPlaybook" | "ImportPlaybook" => files(ctx, r),
        id if id.starts_with("ListPlaybook") && id != "ListPlaybooks" => lists(ctx, r, query),
        "ShowPlaybookInstance"
        | "ChangePlaybookInstance"
        | "ShowPlaybookTopology"
        | "ShowPlaybookMonitors"
        | "ShowPlaybookStatistics" => instances(ctx, r, query),
        id if id.contains("Rule") || id.contains("Action") || id.contains("Approve") => {
            parts(ctx, r)
        }
        id if id.contains("Version") => versions(ctx, r),
        _ => playbooks(ctx, r, query),
    }
}

fn playbooks(ctx: &Ctx<'_>, r: &Request<'_>, query: &Query) -> Result<Response, Rejection> {
    let id = path(r, "playbook_id");
    let value = match r.op.id {
        "ListPlaybooks" => {
            let all = ctx.read(|s| Ok(s.family(PLAYBOOKS).to_vec()))?;
            let all = all.iter().filter_map(|p| p.value.as_object());
            let picked = all.filter(|p| playbook_matches(p, query)).cloned();
            return paged(r, query, picked.map(Value::Object).rev().collect());
        }
        "CreatePlaybook" => {
            let body = body(r)?;
            let ids = (ctx.project, ctx.workspace);
            ctx.change(|s| s.create_playbook(&body, ids, r.caller))?
        }
        "ShowPlaybook" => ctx.read(|s| Ok(s.obj(PLAYBOOKS, &id)?.clone()))?,
        "UpdatePlaybook" => {
            let body = body(r)?;
            ctx.change(|s| s.update_playbook(&id, &body, r.caller))?
        }
        _ => ctx.change(|s| s.delete_playbook(&id))?,
    };
    data(r, Value::Object(value))
}

/// ListPlaybooks' filters: `search_txt` in the name or description, `name` and `description`
/// as substrings, `dataclass_name` and `enabled` exactly.
fn playbook_matches(p: &Obj, query: &Query) -> bool {
    let has = |field: &str, want: &str| text(p, field).contains(want);
    query
        .pairs()
        .iter()
        .all(|(name, want)| match name.as_str() {
            "search_txt" => has("name", want) || has("description", want),
            "name" | "description" => has(name, want),
            "dataclass_name" => text(p, name) == want,
            "enabled" => flag(p, "enabled").to_string() == *want,
            _ => true,
        })
}

fn versions(ctx: &Ctx<'_>, r: &Request<'_>) -> Result<Response, Rejection> {
    let (playbook, id) = (path(r, "playbook_id"), path(r, "version_id"));
    let caller = r.caller;
    let value = match r.op.id {
        "CreatePlaybookVersion" => {
            let body = body(r)?;
            ctx.change(|s| s.create_playbook_version(&playbook, &body, caller))?
        }
        "ShowPlaybookVersion" => ctx.read(|s| s.version_view(&id))?,
        "UpdatePlaybookVersion" => {
            let body = body(r)?;
            ctx.change(|s| s.update_playbook_version(&id, &body, caller))?
        }
        "CopyPlaybookVersion" => ctx.change(|s| s.copy_playbook_version(&id, caller))?,
        _ => ctx.change(|s| s.delete_playbook_version(&id))?,
    };
    data(r, Value::Object(value))
}

fn parts(ctx: &Ctx<'_>, r: &Request<'_>) -> Result<Response, Rejection> {
    let (id, rule, action) = (
        path(r, "version_id"),
        path(r, "rule_id"),
        path(r, "action_id"),
    );
    let value = match r.op.id {
        "CreatePlaybookRule" => {
            let body = body(r)?;
            Value::Object(ctx.change(|s| s.create_rule(&id, &body))?)
        }
        "ShowPlaybookRule" => Value::Object(ctx.read(|s| Ok(s.rule(&id, &rule)?.clone()))?),
        "UpdatePlaybookRule" => {
            let body = body(r)?;
            Value::Object(ctx.change(|s| s.update_rule(&id, &rule, &body))?)
        }
        "DeletePlaybookRule" => Value::Object(ctx.change(|s| s.delete_rule(&id, &rule))?),
        "CreatePlaybookAction" => {
            let items = items(r)?;
            let made = ctx.change(|s| s.create_actions(&id, &items))?;
            Value::Array(made.into_iter().map(Value::Object).collect())
        }
        "UpdatePlaybookAction" => {
            let body = body(r)?;
            Value::Object(ctx.change(|s| s.update_action(&id, &action, &body))?)
        }
        "DeletePlaybookAction" => Value::Object(ctx.change(|s| s.delete_action(&id, &action))?),
        _ => {
            let body = body(r)?;
            Value::Object(ctx.change(|s| s.approve(&id, &body, &r.caller.now))?)
        }
    };
    data(r, value)
}

fn lists(ctx: &Ctx<'_>, r: &Request<'_>, query: &Query) -> Result<Response, Rejection> {
    match r.op.id {
        "ListPlaybookVersions" => {
            let id = path(r, "playbook_id");
            let all = ctx.read(|s| {
                s.obj(PLAYBOOKS, &id)?;
                Ok(s.children(VERSIONS, &id)
                    .filter(|v| version_matches(v, query))
                    .cloned()
                    .collect::<Vec<_>>())
            })?;
            paged(r, query, all.into_iter().map(Value::Object).collect())
        }
        "ListPlaybookActions" => {
            let id = path(r, "version_id");
            let all = ctx.read(|s| {
                s.obj(VERSIONS, &id)?;
                Ok(s.children(ACTIONS, &id).cloned().collect::<Vec<_>>())
            })?;
            paged(r, query, all.into_iter().map(Value::Object).collect())
        }
        "ListPlaybookApproves" => {
            let id = query.text("resource_id").unwrap_or_default();
            let kind = query.text("approve_type").unwrap_or_default();
            let all = ctx.read(|s| Ok(s.approvals(&id, &kind)))?;
            data(
                r,
                Value::Array(all.into_iter().map(Value::Object).collect()),
            )
        }
        "ListPlaybookAuditLogs" => {
            let filter = body(r)?;
            let mut logs = ctx.settled(r, |s| Ok(s.playbook_audit_logs(&filter)))?;
            if let Some(key) = query.text("sort_key") {
                let text = |v: &Value| v[key.as_str()].as_str().unwrap_or("").to_owned();
                logs.sort_by_key(text);
                if query.text("sort_dir").as_deref() != Some("asc") {
                    logs.reverse();
                }
            }
            bare(r, query, "audit_logs", logs)
        }
        _ => {
            let filter = InstanceFilter {
                pairs: query.pairs().to_vec(),
            };
            let all = ctx.settled(r, |s| Ok(s.playbook_instances(&filter)))?;
            bare(
                r,
                query,
                "instances",
                all.into_iter().map(Value::Object).collect(),
            )
        }
    }
}

/// ListPlaybookVersions' filters: `status`, `enabled` (`1`/`true` or `0`/`false`),
/// `version_type`.
fn version_matches(v: &Obj, query: &Query) -> bool {
    query
        .pairs()
        .iter()
        .all(|(name, want)| match name.as_str() {
            "status" => text(v, "status").eq_ignore_ascii_case(want),
            "enabled" => flag(v, "enabled") == matches!(want.as_str(), "1" | "true"),
            "version_type" => v.get("version_type").map(Value::to_string).as_deref() == Some(want),
            _ => true,
        })
}

fn instances(ctx: &Ctx<'_>, r: &Request<'_>, query: &Query) -> Result<Response, Rejection> {
    let id = path(r, "instance_id");
    let value = match r.op.id {
        "ShowPlaybookInstance" => Value::Object(ctx.settled(r, |s| s.playbook_instance(&id))?),
        "ChangePlaybookInstance" => {
            let body = body(r)?;
            ctx.settled(r, |_| Ok(()))?;
            let operation = text(&body, "operation").to_owned();
            let ends = r.ends;
            Value::Object(ctx.change(|s| s.change_instance(&id, &operation, r.caller, ends))?)
        }
        "ShowPlaybookTopology" => {
            let nodes = ctx.settled(r, |s| s.playbook_topology(&id))?;
            return bare(r, query, "action_instances", nodes);
        }
        "ShowPlaybookMonitors" => {
            let playbook = path(r, "playbook_id");
            let window = (query.text("start_time"), query.text("end_time"));
            let versions = query.text("version_query_type").unwrap_or_default();
            let monitor = ctx.settled(r, |s| s.playbook_monitor(&playbook, window, &versions))?;
            Value::Object(monitor)
        }
        _ => Value::Object(ctx.read(|s| Ok(s.playbook_statistics()))?),
    };
    data(r, value)
}
