//! Resource families, inferred from the operations' paths and shapes: what a store needs to
//! serve a family (the fake's generic store): its name, its ID parameter, the parameter of the
//! family it belongs to, its item schema, its list envelope, and which operation creates, shows,
//! lists, searches, updates, deletes (one or many), exports, imports or acts on its items.
//!
//! Inference, from an operation's path (its segments after the workspace):
//! - `…/{name}` and `…/{name}/{x_id}`: the family `name`: its collection (GET lists, POST
//!   creates, PUT updates many, DELETE deletes many) and an item (GET shows, PUT/PATCH updates,
//!   DELETE deletes, POST acts);
//! - `…/{name}/export`, `import`, `search`, or another word of [`ACTIONS`]: that action on the
//!   family (on an item when the word follows its ID).
//!
//! - `…/{name}/batch-create`, `batch-update`, `batch-delete`: `create-many`, `update-many`,
//!   `delete-many` on the family.
//!
//! An operation whose path says otherwise names its family and role in `x-family`
//! (`{family: name, role: create}`, with `id: x_id` when the path ends in the item's ID);
//! `x-family: none` leaves it out.

use std::collections::BTreeMap;

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use quote::quote;

use crate::operations::{OpInfo, ShapeInfo};

/// Literal path segments that name an action on a family, not a family.
pub(crate) const ACTIONS: &[&str] = &[
    "export",
    "import",
    "search",
    "validation",
    "approval",
    "batch",
    "template",
    "copy",
    "enable",
    "batch-order",
];

/// Literal segments after a collection that name a role on many of its items.
const BATCHES: &[(&str, &str)] = &[
    ("batch-create", "create-many"),
    ("batch-update", "update-many"),
    ("batch-delete", "delete-many"),
];

/// One family as inferred.
#[derive(Default)]
struct Family {
    id_param: Option<String>,
    parent_param: Option<String>,
    item_schema: Option<String>,
    list: Option<TokenStream>,
    roles: Vec<(String, String)>,
}

/// `(family, role)` of an operation, from its path and method (or its `x-family`).
fn classify(op: &OpInfo) -> Option<(String, String, Option<String>, Option<String>)> {
    if let Some(ext) = op.extensions.get("x-family") {
        if ext.as_str() == Some("none") {
            return None;
        }
        let family = ext.get("family")?.as_str()?.to_owned();
        let role = ext.get("role")?.as_str()?.to_owned();
        let id = ext.get("id").and_then(|v| v.as_str()).map(str::to_owned);
        return Some((family, role, id, None));
    }
    let segments: Vec<&str> = op.path.trim_start_matches('/').split('/').collect();
    let start = segments
        .iter()
        .position(|s| *s == "{workspace_id}")
        .map_or(0, |i| i + 1);
    let segments = &segments[start..];
    let param = |s: &str| {
        s.strip_prefix('{')
            .and_then(|s| s.strip_suffix('}'))
            .map(str::to_owned)
    };
    let (last, rest) = segments.split_last()?;
    let method = op.method.as_str();
    // The parameters of the path before the family's own: its parent's.
    let parent = |before: &[&str]| before.iter().rev().find_map(|s| param(s));
    if let Some(id) = param(last) {
        let (name, before) = rest.split_last()?;
        let role = match method {
            "GET" => "show",
            "PUT" | "PATCH" => "update",
            "DELETE" => "delete",
            _ => "act",
        };
        return Some((
            (*name).to_owned(),
            role.to_owned(),
            Some(id),
            parent(before),
        ));
    }
    if let Some((_, role)) = BATCHES.iter().find(|(word, _)| word == last) {
        let (target, before) = rest.split_last()?;
        return Some((
            (*target).to_owned(),
            (*role).to_owned(),
            None,
            parent(before),
        ));
    }
    if ACTIONS.contains(last) {
        let (target, before) = rest.split_last()?;
        if let Some(id) = param(target) {
            let (name, before) = before.split_last()?;
            return Some((
                (*name).to_owned(),
                format!("{last}-one"),
                Some(id),
                parent(before),
            ));
        }
        return Some((
            (*target).to_owned(),
            (*last).to_owned(),
            None,
            parent(before),
        ));
    }
    let role = match method {
        "GET" => "list",
        "POST" => "create",
        "PUT" | "PATCH" => "update-many",
        "DELETE" => "delete-many",
        _ => return None,
    };
    Some(((*last).to_owned(), role.to_owned(), None, parent(rest)))
}

/// The list envelope of a list operation: `Envelope { total }` or `Bare { items, count }`.
fn list_style(spec: &OpenAPI, op: &OpInfo) -> Option<TokenStream> {
    let schema = crate::operations::response_schema(spec, &op.id)?;
    let object = crate::operations::object_properties(spec, &schema)?;
    match op.shape {
        ShapeInfo::Envelope { list: true, .. } => {
            let total = object.contains_key("total");
            Some(quote!(ListStyle::Envelope { total: #total }))
        }
        ShapeInfo::BareList => {
            let (items, _, count) = crate::operations::bare_list(object)?;
            let count = match count {
                Some(c) => quote!(Some(#c)),
                None => quote!(None),
            };
            Some(quote!(ListStyle::Bare { items: #items, count: #count }))
        }
        _ => None,
    }
}

/// The families of `ops`, as `Family` constants (sorted by name).
pub(crate) fn families(spec: &OpenAPI, ops: &[&OpInfo]) -> Vec<TokenStream> {
    let mut families: BTreeMap<String, Family> = BTreeMap::new();
    for op in ops {
        let Some((name, role, id, parent)) = classify(op) else {
            continue;
        };
        let family = families.entry(name).or_default();
        if family.id_param.is_none() {
            family.id_param = id;
        }
        if family.parent_param.is_none() && !role.ends_with("-one") && role != "show" {
            family.parent_param = parent;
        }
        // An item is what showing one answers (else what creating one does).
        if role == "show" || (role == "create" && family.item_schema.is_none()) {
            family.item_schema = op.result_schema.clone().or(family.item_schema.take());
        }
        if role == "list" || role == "search" {
            family.list = family.list.take().or_else(|| list_style(spec, op));
        }
        family.roles.push((role, op.id.clone()));
    }
    families
        .into_iter()
        .map(|(name, f)| {
            let opt = |v: Option<String>| match v {
                Some(v) => quote!(Some(#v)),
                None => quote!(None),
            };
            let (id, parent, item) = (opt(f.id_param), opt(f.parent_param), opt(f.item_schema));
            let list = match f.list {
                Some(l) => quote!(Some(#l)),
                None => quote!(None),
            };
            let roles = f.roles.iter().map(|(role, id)| quote!((#role, #id)));
            quote! {
                Family {
                    name: #name,
                    id_param: #id,
                    parent_param: #parent,
                    item_schema: #item,
                    list: #list,
                    operations: &[#(#roles),*],
                }
            }
        })
        .collect()
}
