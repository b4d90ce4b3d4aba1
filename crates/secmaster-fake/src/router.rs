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
    let mut methods = Vec::new();
    for op in ALL {
        let Some(params) = fit(op, &got) else {
            continue;
        };
        if op.method == method {
            return Routed::Found(op, params);
        }
        methods.push(op.method);
    }
    if methods.is_empty() {
        Routed::NotFound
    } else {
        Routed::WrongMethod(methods)
    }
}

/// The decoded path parameters when `got` has `op`'s shape.
fn fit(op: &Operation, got: &[&str]) -> Option<Vec<String>> {
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
                    || reserved.contains(segment)
                    || reserved.contains(&value.as_ref())
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
        // A relation's classes take the literals the spec lets them take (`x-takes-literals`).
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
            route("GET", &format!("{root}/f/x")),
            Routed::NotFound
        ));
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
