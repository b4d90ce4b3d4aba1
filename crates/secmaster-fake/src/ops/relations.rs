//! The Incident Relationship chapter, and the conversion of alerts into an incident
//! (CreateBatchOrderAlerts): relations between data objects (`crate::store` keeps them
//! undirected), created one subject at a time or in batches, deleted, and searched from either
//! end. The classes in the paths are the families' names (`alerts`, `incidents`,
//! `indicators`); an unknown subject (or class) is 400 `SecMaster.20030005`, an unknown
//! related ID goes to `error_ids` while the others are related.

use axum::response::Response;
use secmaster::bindings::{Family, Operation};
use serde_json::{Map, Value, json};

use super::generic::{batch, fields, kept, list, listed_ids, listing_of_body, path_value};
use super::{Ctx, Request, unserved};
use crate::store::{Outcome, Rejection, codes, reject};

/// The path's subject class, its object, and the related class.
fn ends(r: &Request<'_>) -> (String, String, String) {
    let get = |name: &str| path_value(r, name).unwrap_or_default();
    (
        get("dataclass_type"),
        get("data_object_id"),
        get("related_dataclass_type"),
    )
}

pub(super) fn answer(
    ctx: &Ctx<'_>,
    r: &Request<'_>,
    family: &'static Family,
    role: &str,
) -> Result<Response, Rejection> {
    let (class, id, related) = ends(r);
    let subject = (class.as_str(), id.as_str());
    match role {
        "create" | "delete" => {
            let ids = listed_ids(r, &Value::Object(fields(r)?.0))?;
            let outcome = ctx.change(|s| match role {
                "create" => s.relate(subject, &related, &ids, &r.caller.now),
                _ => s.unrelate_with(subject, &related, &ids),
            })?;
            batch(r, outcome)
        }
        "create-many" => {
            let (body, _) = fields(r)?;
            let ids_of = |name: &str| listed_ids(r, &json!({ name: body.get(name) }));
            let (subjects, others) = (ids_of("dataobject_ids")?, ids_of("related_dataobject_ids")?);
            // Every pair is a relation: no more pairs than the objects a workspace may hold,
            // refused before the store is locked.
            if subjects.len().saturating_mul(others.len()) > r.limits.max_objects {
                return Err(reject(
                    codes::LIMIT_EXCEEDED,
                    format!(
                        "{} × {} relations at once: more than {}",
                        subjects.len(),
                        others.len(),
                        r.limits.max_objects
                    ),
                ));
            }
            let outcome = ctx.change(|s| {
                let (mut done, mut refused): Outcome = Default::default();
                for subject in &subjects {
                    if let Ok((d, e)) =
                        s.relate((&class, subject), &related, &others, &r.caller.now)
                    {
                        done.extend(d);
                        refused.extend(e);
                    } else {
                        refused.push(subject.clone());
                    }
                }
                done.sort();
                done.dedup();
                refused.sort();
                refused.dedup();
                Ok((done, refused))
            })?;
            batch(r, outcome)
        }
        "search" => {
            let listing = listing_of_body(r, None)?;
            let wrap = Family::find(&related)
                .map(|f| kept(f, r.op).wrap)
                .unwrap_or(None);
            let (page, total) = ctx.read(|s| {
                let found = s.related(subject, &related)?;
                let all = found.iter().map(|rec| (&rec.value, None));
                Ok(crate::store::select(all, wrap, &listing))
            })?;
            list(r, family, page, total, &listing)
        }
        _ => Ok(unserved(r.op.id)),
    }
}

/// CreateBatchOrderAlerts: one incident from `incident_content` (its title, and its type's
/// category and type), related with each listed alert that exists (those go to
/// `success_ids`, the others to `error_ids`). When none exists, no incident is created.
pub(super) fn convert(ctx: &Ctx<'_>, r: &Request<'_>) -> Result<Response, Rejection> {
    let (body, _) = fields(r)?;
    let alerts = listed_ids(r, &json!({ "ids": body.get("ids") }))?;
    let content = body.get("incident_content").cloned().unwrap_or(Value::Null);
    let mut incident = Map::new();
    if let Some(title) = content.get("title") {
        incident.insert("title".to_owned(), title.clone());
    }
    if let Some(kind) = content.get("incident_type") {
        let kind =
            json!({"category": kind.get("category"), "incident_type": kind.get("incident_type")});
        incident.insert("incident_type".to_owned(), kind);
    }
    let incidents = Family::find("incidents").expect("the spec's incidents");
    let create = incidents
        .operation("create")
        .and_then(Operation::find)
        .expect("and their create");
    let kept = kept(incidents, create);
    let ids = (ctx.project, ctx.workspace);
    let outcome = ctx.change(|s| {
        let (found, missing): Outcome = alerts
            .iter()
            .cloned()
            .partition(|a| s.exists(("alerts", a)).is_ok());
        if found.is_empty() {
            return Ok((found, missing));
        }
        let made = s.create_record(kept, None, incident, ids, r.caller)?;
        // The incident made is created: it triggers Incident playbooks.
        let start = super::playbooks::start(r);
        s.trigger(
            "incidents",
            &made.value,
            crate::store::Change::Created,
            &start,
        );
        let (done, _) = s.relate(("incidents", &made.id), "alerts", &found, &r.caller.now)?;
        Ok((done, missing))
    })?;
    batch(r, outcome)
}
