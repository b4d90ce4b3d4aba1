//! Request in: an operation's path values, query and body checked against its descriptor and
//! prepared once ([`Prepared`]); then, for each attempt, the same request with its
//! authentication (`auth.rs`).

use bytes::Bytes;
use reqwest::header::HeaderValue;
use reqwest::{Method, Url};
use secmaster_bindings::{
    CONTENT_TYPE_JSON_UTF8, Operation, QueryKind, RequiredWhen, Segment, Shape, encode,
};

use crate::Error;
use crate::validate::check_id;

/// A query parameter's value as a builder sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum QueryValue {
    Integer(i64),
    Boolean(bool),
    Text(String),
}

impl From<u32> for QueryValue {
    fn from(n: u32) -> Self {
        Self::Integer(n.into())
    }
}

impl From<bool> for QueryValue {
    fn from(b: bool) -> Self {
        Self::Boolean(b)
    }
}

impl From<String> for QueryValue {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

/// The query parameters a builder has set, by name (a later set replaces an earlier one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Query(Vec<(&'static str, QueryValue)>);

impl Query {
    pub(crate) fn set(&mut self, name: &'static str, value: impl Into<QueryValue>) {
        let value = value.into();
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name, value)),
        }
    }

    pub(crate) fn get(&self, name: &str) -> Option<&QueryValue> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The paging parameters set: `offset` and `limit`.
    pub(crate) fn paging(&self) -> (Option<u32>, Option<u32>) {
        let get = |name| match self.get(name) {
            Some(QueryValue::Integer(n)) => u32::try_from(*n).ok(),
            _ => None,
        };
        (get("offset"), get("limit"))
    }
}

/// A request checked and ready to send, the same for every attempt of one call.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub method: Method,
    /// The endpoint with the operation's path and query, every value strictly encoded.
    pub url: Url,
    pub accept: HeaderValue,
    /// The pages' `application/json;charset=UTF-8`, or a multipart form's type and boundary.
    pub content_type: HeaderValue,
    /// The body, for an operation that takes one (attempts share the bytes).
    pub body: Option<Bytes>,
    /// `X-Project-Id`, sent (and signed) with AK/SK only.
    pub project_id: ProjectHeader,
}

/// The `X-Project-Id` of a request signed with AK/SK.
#[derive(Debug, Clone)]
pub(crate) enum ProjectHeader {
    /// The operation has no project, or the credentials are a token.
    None,
    Value(HeaderValue),
    /// The project ID is not header text: refused when the keys turn out to be AK/SK.
    Unsendable,
}

pub(crate) fn unsendable_project() -> Error {
    Error::invalid(
        "project_id",
        "must be printable ASCII with AK/SK credentials, since it is sent in the X-Project-Id header",
    )
}

/// Checks the path values and query of a call of `op` and prepares its request.
///
/// `path` holds the values of the operation's path parameters in path order; `body` is the
/// serialized body (its fields and rules checked when it was made: `runtime::body`).
pub(crate) fn prepare(
    op: &'static Operation,
    endpoint: &Url,
    aksk: Option<bool>,
    path: &[&str],
    query: &Query,
    body: Option<Bytes>,
) -> Result<Prepared, Error> {
    let mut url = endpoint.clone();
    url.set_path(&expand(op, endpoint.path().trim_end_matches('/'), path)?);
    let query_text = encode_query(op, query)?;
    url.set_query(query_text.as_deref());
    // `aksk` is `None` while the credentials are not known yet (a provider's).
    let project_id = match (aksk, op.path_params().position(|p| p == "project_id")) {
        (Some(false), _) | (_, None) => ProjectHeader::None,
        (aksk, Some(i)) => {
            let value = path[i];
            // Sent in a header, so it must be header text.
            if value.bytes().all(|b| b.is_ascii_graphic()) {
                ProjectHeader::Value(HeaderValue::from_str(value).expect("printable ASCII"))
            } else if aksk == Some(true) {
                return Err(unsendable_project());
            } else {
                ProjectHeader::Unsendable
            }
        }
    };
    let accept = match op.response.shape {
        Shape::Binary => HeaderValue::from_static("*/*"),
        _ => HeaderValue::from_static("application/json"),
    };
    Ok(Prepared {
        method: Method::from_bytes(op.method.as_bytes())
            .expect("the spec's methods are HTTP methods"),
        url,
        accept,
        content_type: HeaderValue::from_static(CONTENT_TYPE_JSON_UTF8),
        body,
        project_id,
    })
}

/// The error for a body that breaks an `x-required-when` rule, naming the field.
pub(crate) fn broken(rule: &RequiredWhen) -> Error {
    Error::invalid(
        rule.field,
        format!(
            "is mandatory when `{}` is {}: {}",
            rule.when_field, rule.equals, rule.reason
        ),
    )
}

/// `prefix` and the operation's path with `values` in place of its parameters, each checked
/// ([`check_id`], and not one of the literal segments another operation has there) and encoded
/// (every byte outside `A-Za-z0-9-_.~`), so that no value can change the path.
pub(crate) fn expand(op: &Operation, prefix: &str, values: &[&str]) -> Result<String, Error> {
    assert_eq!(
        values.len(),
        op.path_params().count(),
        "{}: one value per path parameter",
        op.id
    );
    let mut out = String::with_capacity(
        prefix.len() + op.path.len() + values.iter().map(|v| 3 * v.len()).sum::<usize>(),
    );
    out.push_str(prefix);
    let mut values = values.iter();
    for segment in op.segments {
        out.push('/');
        match segment {
            Segment::Literal(text) => out.push_str(text),
            Segment::Param { name, reserved } => {
                let value = values.next().expect("counted above");
                check_id(name, value)?;
                if reserved.contains(value) {
                    return Err(Error::invalid(
                        name,
                        format!(
                            "is `{value}`, a literal segment of another operation's path, which would send the request there"
                        ),
                    ));
                }
                out.push_str(&encode(value));
            }
        }
    }
    Ok(out)
}

/// The query string of the parameters set, each checked against its type and bounds, sorted by
/// name as the official SDKs send them; `None` when none is set.
fn encode_query(op: &Operation, query: &Query) -> Result<Option<String>, Error> {
    let mut params: Vec<_> = op.query.iter().collect();
    params.sort_by_key(|p| p.name);
    let mut out = String::new();
    for param in params {
        let Some(value) = query.get(param.name) else {
            if param.required {
                return Err(Error::invalid(param.name, "is required and was not set"));
            }
            continue;
        };
        let text = match (param.kind, value) {
            (QueryKind::Integer { min, max }, QueryValue::Integer(n)) => {
                if min.is_some_and(|m| *n < m) || max.is_some_and(|m| *n > m) {
                    let range = match (min, max) {
                        (Some(lo), Some(hi)) => format!("between {lo} and {hi}"),
                        (Some(lo), None) => format!("at least {lo}"),
                        (None, Some(hi)) => format!("at most {hi}"),
                        (None, None) => unreachable!("a bound was crossed"),
                    };
                    return Err(Error::invalid(
                        param.name,
                        format!("is {n}; it must be {range}"),
                    ));
                }
                n.to_string()
            }
            (QueryKind::Boolean, QueryValue::Boolean(b)) => b.to_string(),
            (
                kind @ (QueryKind::String | QueryKind::Enum(_) | QueryKind::Text { .. }),
                QueryValue::Text(text),
            ) => {
                if text.chars().any(char::is_control) {
                    return Err(Error::invalid(param.name, "contains control characters"));
                }
                if let QueryKind::Text { min_len, max_len } = kind {
                    let n = text.chars().count() as u64;
                    if min_len.is_some_and(|m| n < m) || max_len.is_some_and(|m| n > m) {
                        let (lo, hi) = (
                            min_len.unwrap_or(0),
                            max_len.map_or("any".into(), |m| m.to_string()),
                        );
                        return Err(Error::invalid(
                            param.name,
                            format!("has {n} characters; it must have {lo} to {hi}"),
                        ));
                    }
                }
                text.clone()
            }
            // A builder out of step with a regenerated spec (a parameter retyped): refused, not
            // a panic in the caller's code.
            (kind, value) => {
                return Err(Error::invalid(
                    param.name,
                    format!("{value:?} is not a {kind:?}, which the spec says it is"),
                ));
            }
        };
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(param.name);
        out.push('=');
        out.push_str(&encode(&text));
    }
    // A builder out of step with the spec (a parameter renamed): refused, never dropped.
    if let Some((name, _)) = query
        .0
        .iter()
        .find(|(name, _)| op.query_param(name).is_none())
    {
        return Err(Error::invalid(
            name,
            format!("is not a query parameter of {} in the spec", op.id),
        ));
    }
    in_window(op, query)?;
    Ok((!out.is_empty()).then_some(out))
}

/// The page the query asks for stays inside the operation's paging window (`x-paging-window`:
/// `offset + limit` below it), naming `offset` when no page of the smallest limit the spec
/// allows could start there, else `limit`.
fn in_window(op: &Operation, query: &Query) -> Result<(), Error> {
    let Some(window) = op.paging_window else {
        return Ok(());
    };
    let int = |name| match query.get(name) {
        Some(QueryValue::Integer(n)) => u64::try_from(*n).unwrap_or(0),
        _ => 0,
    };
    let (offset, limit) = (int("offset"), int("limit"));
    let Some(field) = op.outside_paging_window(offset, limit) else {
        return Ok(());
    };
    Err(Error::invalid(
        field,
        format!(
            "offset {offset} plus limit {limit} is {}; {} reads pages only while offset + limit stays below {window}",
            offset + limit,
            op.id
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use secmaster_bindings::operations::{LIST_WORKFLOWS, UPDATE_AOP_WORKFLOW};

    fn url(path: &str) -> Url {
        Url::parse(&format!("https://example.com{path}")).unwrap()
    }

    fn path(op: &'static Operation, values: &[&str]) -> Result<String, Error> {
        prepare(op, &url(""), Some(false), values, &Query::default(), None)
            .map(|p| p.url.path().to_owned())
    }

    #[test]
    fn plain_ids_go_in_as_they_are_and_others_are_encoded() {
        assert_eq!(
            path(&UPDATE_AOP_WORKFLOW, &["p1", "w-2", "f_3.~"]).unwrap(),
            "/v1/p1/workspaces/w-2/soc/workflows/f_3.~"
        );
        assert_eq!(
            path(&UPDATE_AOP_WORKFLOW, &["a/b", "..%2F", "?x#y"]).unwrap(),
            "/v1/a%2Fb/workspaces/..%252F/soc/workflows/%3Fx%23y"
        );
        assert_eq!(
            path(&UPDATE_AOP_WORKFLOW, &["a\\b", "x;y=z", "é 中"]).unwrap(),
            "/v1/a%5Cb/workspaces/x%3By%3Dz/soc/workflows/%C3%A9%20%E4%B8%AD"
        );
        let prefixed = prepare(
            &UPDATE_AOP_WORKFLOW,
            &url("/prefix/"),
            Some(false),
            &["p", "w", "f"],
            &Query::default(),
            None,
        );
        assert_eq!(
            prefixed.unwrap().url.path(),
            "/prefix/v1/p/workspaces/w/soc/workflows/f"
        );
    }

    #[test]
    fn an_id_equal_to_another_operations_literal_segment_is_refused() {
        for literal in ["export", "instances"] {
            let e = path(&UPDATE_AOP_WORKFLOW, &["p", "w", literal]).unwrap_err();
            assert_eq!(e.field(), Some("workflow_id"), "{e}");
            assert!(e.to_string().contains("another operation's path"), "{e}");
        }
        assert!(
            path(&UPDATE_AOP_WORKFLOW, &["export", "w", "Export"]).is_ok(),
            "only where it would clash"
        );
    }

    fn query(set: impl FnOnce(&mut Query)) -> Result<Option<String>, Error> {
        let mut q = Query::default();
        set(&mut q);
        prepare(
            &LIST_WORKFLOWS,
            &url(""),
            Some(false),
            &["p", "w"],
            &q,
            None,
        )
        .map(|p| p.url.query().map(str::to_owned))
    }

    #[test]
    fn the_query_is_sorted_by_name_with_spaces_as_percent_20() {
        let q = query(|q| {
            q.set("name", "a b+c&d=é".to_owned());
            q.set("limit", 20u32);
            q.set("enabled", false);
            q.set("offset", 0u32);
        });
        assert_eq!(
            q.unwrap().as_deref(),
            Some("enabled=false&limit=20&name=a%20b%2Bc%26d%3D%C3%A9&offset=0")
        );
        assert_eq!(query(|_| {}).unwrap(), None, "nothing set, no `?`");
        let q = query(|q| {
            q.set("limit", 5u32);
            q.set("limit", 7u32);
        });
        assert_eq!(
            q.unwrap().as_deref(),
            Some("limit=7"),
            "a later set replaces"
        );
    }

    #[test]
    fn query_bounds_come_from_the_spec_and_name_the_parameter() {
        for (name, value, range) in [
            ("limit", 0, "between 1 and 100"),
            ("limit", 101, "between 1 and 100"),
            ("offset", 10_001, "between 0 and 10000"),
        ] {
            let e = query(|q| q.set(name, value as u32)).unwrap_err();
            assert_eq!(e.field(), Some(name));
            assert!(e.to_string().contains(range), "{e}");
        }
        assert!(query(|q| q.set("offset", 10_000u32)).is_ok());
        let e = query(|q| q.set("name", "a\nb".to_owned())).unwrap_err();
        assert_eq!(e.field(), Some("name"));
    }

    #[test]
    fn a_page_past_the_paging_window_is_refused_naming_the_field_that_crosses_it() {
        use secmaster_bindings::operations::LIST_PLAYBOOK_INSTANCES as OP;
        assert_eq!(OP.paging_window, Some(10_000), "the spec's x-paging-window");
        let encode = |offset: u32, limit: u32| {
            let mut q = Query::default();
            q.set("offset", offset);
            q.set("limit", limit);
            encode_query(&OP, &q)
        };
        assert!(encode(9_900, 99).is_ok(), "9,999 is below the window");
        let e = encode(9_900, 100).unwrap_err();
        assert_eq!(e.field(), Some("limit"));
        assert!(e.to_string().contains("is 10000;"), "{e}");
        assert!(e.to_string().contains("below 10000"), "{e}");
        let e = encode(9_999, 1).unwrap_err();
        assert_eq!(e.field(), Some("offset"), "no page starts at 9,999");
        // Audit logs take 10 to 50 a page: from 9,995 none fits, whatever the limit.
        use secmaster_bindings::operations::LIST_PLAYBOOK_AUDIT_LOGS as LOGS;
        let mut q = Query::default();
        q.set("offset", 9_995u32);
        q.set("limit", 10u32);
        let e = encode_query(&LOGS, &q).unwrap_err();
        assert_eq!(e.field(), Some("offset"), "{e}");
        q.set("offset", 9_985u32);
        q.set("limit", 20u32);
        assert_eq!(encode_query(&LOGS, &q).unwrap_err().field(), Some("limit"));
    }
}
