//! Routing from the generated operations: a request's path is matched against every
//! operation's segments (literals exactly; a parameter takes any non-empty segment but the
//! literals other operations have in its place, so `…/workflows/versions/v1` is a version and
//! never a workflow called `versions`).

use percent_encoding::percent_decode_str;
use secmaster::bindings::operations::ALL;
use secmaster::bindings::{Operation, Segment};

/// Where a request goes.
#[derive(Debug)]
pub(crate) enum Routed {
    /// An operation, with its path parameters decoded, in path order.
    Found(&'static Operation, Vec<String>),
    /// The path is an operation's, the method is not: the methods the path has.
    WrongMethod(Vec<&'static str>),
    /// No operation has this path.
    NotFound,
}

/// The operation `method` and `path` (still percent-encoded) ask for.
pub(crate) fn route(method: &str, path: &str) -> Routed {
    let Some(rest) = path.strip_prefix('/') else {
        return Routed::NotFound;
    };
    let got: Vec<&str> = rest.split('/').collect();
    // Reserved literals are honoured first; a path no operation takes with them may still be
    // a relation's, whose class parameters take other operations' literals by design
    // (`/soc/{dataclass_type}/…` takes `alerts`, `incidents`, `indicators`), which the
    // generated data reserves for the alerts' own paths.
    // Then, of the operations that fit, the one with the most literal segments wins
    // (`…/incidents/indicators/batch-create` is a batch, not a relation of an incident called
    // `indicators`).
    for strict in [true, false] {
        let mut methods = Vec::new();
        let mut best: Option<(usize, &'static Operation, Vec<String>)> = None;
        for op in ALL.iter().filter(|op| strict || relation(op)) {
            let Some(params) = fit(op, &got, strict) else {
                continue;
            };
            if op.method != method {
                methods.push(op.method);
                continue;
            }
            let literals = op.segments.len() - params.len();
            if best.as_ref().is_none_or(|(most, _, _)| literals > *most) {
                best = Some((literals, op, params));
            }
        }
        if let Some((_, op, params)) = best {
            return Routed::Found(op, params);
        }
        if !methods.is_empty() {
            return Routed::WrongMethod(methods);
        }
    }
    Routed::NotFound
}

/// Whether `op` is one of the relations family's (the spec's families).
fn relation(op: &Operation) -> bool {
    let relations = secmaster::bindings::families::ALL
        .iter()
        .find(|f| f.name == "relations");
    relations.is_some_and(|f| f.operations.iter().any(|(_, id)| *id == op.id))
}

/// The decoded path parameters when `got` has `op`'s shape (a parameter never another
/// operation's literal, when `strict`).
fn fit(op: &Operation, got: &[&str], strict: bool) -> Option<Vec<String>> {
    if got.len() != op.segments.len() {
        return None;
    }
    let mut params = Vec::new();
    for (segment, want) in got.iter().zip(op.segments) {
        match want {
            Segment::Literal(text) if segment == text => {}
            Segment::Literal(_) => return None,
            Segment::Param { reserved, .. } => {
                let value = percent_decode_str(segment).decode_utf8().ok()?;
                // As the descriptor's `fits`: never empty, `.` or `..`, nor another operation's
                // literal.
                if value.is_empty()
                    || value == "."
                    || value == ".."
                    || (strict
                        && (reserved.contains(segment) || reserved.contains(&value.as_ref())))
                {
                    return None;
                }
                params.push(value.into_owned());
            }
        }
    }
    Some(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(method: &str, path: &str) -> Option<(&'static str, Vec<String>)> {
        match route(method, path) {
            Routed::Found(op, params) => Some((op.id, params)),
            _ => None,
        }
    }

    #[test]
    fn literal_segments_win_over_a_workflow_id() {
        let root = "/v1/p/workspaces/w/soc/workflows";
        let p = |s: &[&str]| s.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(id("GET", root), Some(("ListWorkflows", p(&["p", "w"]))));
        assert_eq!(
            id("GET", &format!("{root}/versions/v1")),
            Some(("ShowAopWorkflowVersion", p(&["p", "w", "v1"])))
        );
        assert_eq!(
            id("GET", &format!("{root}/a%2Fb/versions")),
            Some(("ListAopWorkflowVersions", p(&["p", "w", "a/b"])))
        );
        assert_eq!(
            id("POST", &format!("{root}/validation")),
            Some(("ValidateAopWorkflowVersion", p(&["p", "w"])))
        );
        assert_eq!(
            id("GET", &format!("{root}/instances/i1")),
            Some(("ShowAopWorkflowInstance", p(&["p", "w", "i1"])))
        );
        assert_eq!(
            id("PUT", &format!("{root}/f")),
            Some(("UpdateAopWorkflow", p(&["p", "w", "f"])))
        );
        assert!(matches!(
            route("GET", &format!("{root}/versions")),
            Routed::NotFound
        ));
        // A relation's classes are other operations' literals, taken when nothing else fits.
        let soc = "/v1/p/workspaces/w/soc";
        assert_eq!(
            id("POST", &format!("{soc}/incidents/i1/alerts/search")),
            Some((
                "ListDataobjectRelations",
                p(&["p", "w", "incidents", "i1", "alerts"])
            ))
        );
        assert_eq!(
            id("POST", &format!("{soc}/incidents/indicators/batch-create")),
            Some((
                "BatchCreateDataobjectRelations",
                p(&["p", "w", "incidents", "indicators"])
            ))
        );
        assert_eq!(
            id("POST", &format!("{soc}/alerts/search")),
            Some(("ListAlerts", p(&["p", "w"])))
        );
        assert!(matches!(
            route("GET", &format!("{root}/%FF")),
            Routed::NotFound
        ));
        assert!(matches!(
            route("GET", &format!("{root}/f/x/y/z")),
            Routed::NotFound
        ));
        // `…/soc/workflows/f/x` has a relation's shape (`/soc/{class}/{id}/{class}`).
        match route("GET", &format!("{root}/f/x")) {
            Routed::WrongMethod(methods) => assert_eq!(methods, ["POST", "DELETE"]),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            route("GET", "/v2/p/workspaces/w/soc/workflows"),
            Routed::NotFound
        ));
        match route("PATCH", &format!("{root}/f")) {
            Routed::WrongMethod(methods) => assert_eq!(methods, ["GET", "PUT", "DELETE"]),
            other => panic!("{other:?}"),
        }
    }
}
