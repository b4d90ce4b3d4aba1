//! The types the generated operation data is made of: an [`Operation`] per operation of the
//! spec, tied to its Rust types by [`Op`], and the spec's [`RequiredWhen`] rules.

use crate::{Field, constraints, operations};

/// One operation of the spec, as data: everything needed to send it and read its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Operation {
    /// The spec's operationId.
    pub id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, with `{name}` placeholders for path parameters.
    pub path: &'static str,
    /// The path split at `/`, in order (the leading empty segment left out).
    pub segments: &'static [Segment],
    /// The query parameters, in the spec's order (they are sent sorted by name, as the official
    /// SDKs send them).
    pub query: &'static [QueryParam],
    /// The request body, when the operation takes one.
    pub request: Option<RequestBody>,
    /// The 2xx answer.
    pub response: Response,
    /// Whether a repeat after an ambiguous failure could act twice (`x-retry-class`).
    pub retry: RetryClass,
    /// Whether it pages with `offset` and `limit`: query parameters, or fields of its body
    /// when [`pages_in_body`](Self::pages_in_body).
    pub paged: bool,
    /// Whether its `offset` and `limit` are fields of its body (a search), not query
    /// parameters.
    pub pages_in_body: bool,
    /// When set, `offset + limit` must stay below it (`x-paging-window`): the service reads no
    /// further into the list, whatever its bounds on each.
    pub paging_window: Option<u32>,
    /// The answers that say that what the call names does not exist (`x-not-found`): SecMaster
    /// rarely answers 404 (a missing alert is 400 `SecMaster.20030005`, a missing workspace 403
    /// `SecMaster.20010001`).
    pub not_found: &'static [NotFound],
    /// Whether it only reads (a GET, or a POST the spec marks `x-read-only`: a search, a check,
    /// an export): an attempt of it cannot have acted, whatever happened to its answer.
    pub read_only: bool,
    /// Whether its result names the IDs it acted on and the others (`x-batch-result` on the
    /// result's schema: the bindings' type implements [`BatchOutcome`](crate::BatchOutcome)).
    pub batch: bool,
    /// Whether the service deprecates it (`deprecated: true`): its answers carry
    /// `X-API-Deprecation-Info` and `X-API-Deprecation-Date`.
    pub deprecated: bool,
    /// The operation the service names instead of this deprecated one (`x-replaced-by`).
    pub replaced_by: Option<&'static str>,
}

/// An answer that says that what a call names does not exist: its status and error code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotFound {
    /// The HTTP status.
    pub status: u16,
    /// The error code (`code` or `error_code` of the answer).
    pub code: &'static str,
}

impl Operation {
    /// The fewest items a page may ask for: the `limit` query parameter's minimum (1 when the
    /// spec states none, or none above 1).
    pub fn smallest_limit(&self) -> u64 {
        match self.query_param("limit").map(|q| q.kind) {
            Some(QueryKind::Integer { min: Some(min), .. }) => min.max(1).unsigned_abs(),
            _ => 1,
        }
    }

    /// Whether a page at `offset` of `limit` items stays inside the operation's
    /// [`paging_window`](Self::paging_window) (always, when it has none).
    pub fn in_paging_window(&self, offset: u64, limit: u64) -> bool {
        self.paging_window
            .is_none_or(|window| offset.saturating_add(limit) < u64::from(window))
    }

    /// The parameter to change when a page at `offset` of `limit` items leaves the
    /// [`paging_window`](Self::paging_window): `offset` when no page of the
    /// [`smallest_limit`](Self::smallest_limit) fits there, else `limit`; `None` inside it.
    pub fn outside_paging_window(&self, offset: u64, limit: u64) -> Option<&'static str> {
        if self.in_paging_window(offset, limit) {
            None
        } else if self.in_paging_window(offset, self.smallest_limit()) {
            Some("limit")
        } else {
            Some("offset")
        }
    }

    /// Whether an error answer with `status` and `code` says that what the call names does not
    /// exist: a 404, or one of the spec's [`not_found`](Self::not_found) answers.
    pub fn is_not_found(&self, status: u16, code: Option<&str>) -> bool {
        status == 404
            || self
                .not_found
                .iter()
                .any(|n| n.status == status && Some(n.code) == code)
    }
}

/// One segment of an operation's path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment {
    /// Fixed text (`v1`, `workspaces`, `export`).
    Literal(&'static str),
    /// A path parameter.
    Param {
        /// Its name (`workflow_id`).
        name: &'static str,
        /// Literal segments another operation has at this place (`export`, `instances`): a value
        /// equal to one would make the request another operation's, so it is refused.
        reserved: &'static [&'static str],
    },
}

/// A query parameter and what the spec allows in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryParam {
    /// Its name on the wire.
    pub name: &'static str,
    /// Its type and bounds.
    pub kind: QueryKind,
    /// Whether the spec requires it.
    pub required: bool,
}

/// The type of a query parameter, with the bounds the spec gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum QueryKind {
    /// An integer, within `min..=max` where given.
    Integer {
        /// The smallest value allowed.
        min: Option<i64>,
        /// The largest value allowed.
        max: Option<i64>,
    },
    /// `true` or `false`.
    Boolean,
    /// Text.
    String,
    /// Text of `min_len..=max_len` characters (a string the spec bounds).
    Text {
        /// The fewest characters allowed.
        min_len: Option<u64>,
        /// The most characters allowed.
        max_len: Option<u64>,
    },
    /// A value of a string enum of the spec (by schema name); unlisted values are sent as given.
    Enum(&'static str),
}

/// An operation's request body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestBody {
    /// The media type exactly as the spec writes it (`application/json;charset=UTF-8`).
    pub media_type: &'static str,
    /// The body's schema (a name under `components.schemas`).
    pub schema: &'static str,
    /// The member a body that wraps an object puts it in (`data_object`), when the body is
    /// such a wrapper (its one member, or the one `x-rust-wrap` names beside others):
    /// [`fields`](Self::fields) are then the wrapped object's, followed by those beside it
    /// ([`Field::outer`]).
    pub wrap: Option<&'static str>,
    /// The schema of the wrapped object's fields when the body wraps one, else
    /// [`schema`](Self::schema) (the fields beside a wrapped object are `schema`'s).
    pub fields_schema: &'static str,
    /// The fields of the body (of the wrapped object, in the spec's order, then those beside
    /// it), with what the spec allows in each.
    pub fields: &'static [Field],
    /// The fewest fields a body (the wrapped object, when it wraps one) must set: the schema's
    /// `minProperties`, 0 when it states none.
    pub min_fields: u64,
    /// Whether the body is a JSON array (`[{..}, ..]`), which its one field holds: the field is
    /// checked as any other, and its value is the body.
    pub array: bool,
}

impl RequestBody {
    /// The spec's `x-required-when` rules of this body, or of the object it wraps (on
    /// [`fields`](Self::fields)).
    pub fn rules(&self) -> impl Iterator<Item = &'static RequiredWhen> + use<> {
        let (schema, inner) = (self.schema, self.fields_schema);
        constraints::REQUIRED_WHEN
            .iter()
            .filter(move |r| r.schema == schema || r.schema == inner)
    }
}

/// An operation's 2xx answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Response {
    /// Its media type (`application/json`, `application/octet-stream`).
    pub media_type: &'static str,
    /// Its schema (a name under `components.schemas`), for JSON answers.
    pub schema: Option<&'static str>,
    /// How the result is wrapped.
    pub shape: Shape,
}

/// How an operation's 2xx answer carries its result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Shape {
    /// `{code, message, success, request_id, data}`; `data` is the result.
    Envelope {
        /// Whether the operation documents a `data` member (a success without it is an error).
        data: bool,
        /// Whether `data` is a page of a list, with `total` beside it.
        list: bool,
    },
    /// The result itself, with no envelope.
    Bare,
    /// A page of a list with no envelope (`{count, instances}`): the result is the whole
    /// answer, whose items and count [`ListAnswer`] reads.
    BareList,
    /// A file: the body's bytes.
    Binary,
    /// No body (a 2xx with no content, or one the operation does not document).
    Empty,
}

/// Whether an operation can be sent again after a failure that leaves its outcome unknown (a
/// 5xx, a timeout, a connection dropped after the request was written).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryClass {
    /// A repeat cannot act twice: reads, edits to a given state, deletes, read-only POSTs.
    Idempotent,
    /// A repeat could act twice (creates, runs, imports): sent again only when the first
    /// attempt surely did not reach the service.
    NotIdempotent,
}

/// The answer of a binary operation (an export): [`Op::Data`] for it is the body's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Binary;

/// The answer of a list with no envelope (`{count, instances}`, `{total, data}`): its items
/// and how many match in all. The generator implements it for each such answer.
pub trait ListAnswer {
    /// The type of an item.
    type Item;
    /// The items of this page, and the count of all matches when the answer has one.
    fn into_page(self) -> (Vec<Self::Item>, Option<u64>);
}

/// An operation of the spec as a type: its descriptor, and the Rust types of its request body
/// and of its result (`data` of the envelope, the bare body, `()` when there is none, [`Binary`]
/// for a file). One per operation, in [`operations`].
pub trait Op {
    /// The operation's descriptor.
    const OPERATION: &'static Operation;
    /// The request body (`()` when the operation takes none).
    type Body;
    /// The result a success carries.
    type Data;
}

impl Operation {
    /// The operation whose operationId is `id`.
    pub fn find(id: &str) -> Option<&'static Operation> {
        operations::ALL.iter().find(|op| op.id == id)
    }

    /// The names of the path parameters, in path order.
    pub fn path_params(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Param { name, .. } => Some(*name),
            Segment::Literal(_) => None,
        })
    }

    /// The query parameter called `name`.
    pub fn query_param(&self, name: &str) -> Option<&'static QueryParam> {
        self.query.iter().find(|q| q.name == name)
    }

    /// Whether `path` (percent-encoded, possibly under a base URL's own path) has this
    /// operation's shape: its literal segments where they belong, a non-empty, non-reserved,
    /// not `.`/`..` value for each parameter.
    pub fn fits(&self, path: &str) -> bool {
        let got: Vec<&str> = path.split('/').collect();
        // Compared from the end, so that a base URL with a path of its own fits.
        let Some(start) = got.len().checked_sub(self.segments.len()) else {
            return false;
        };
        start > 0
            && got[start..]
                .iter()
                .zip(self.segments)
                .all(|(got, want)| match want {
                    Segment::Literal(text) => got == text,
                    Segment::Param { reserved, .. } => {
                        !got.is_empty() && *got != "." && *got != ".." && !reserved.contains(got)
                    }
                })
    }
}

/// "`field` of `schema` is mandatory when `when_field` equals `equals`": a rule of the spec
/// (`x-required-when`) that OpenAPI 3.0 cannot express as a schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequiredWhen {
    /// The schema (request body) the rule belongs to.
    pub schema: &'static str,
    /// The field that becomes mandatory.
    pub field: &'static str,
    /// The field whose value triggers the rule.
    pub when_field: &'static str,
    /// The triggering value, as JSON text.
    pub equals: &'static str,
    /// The API page's words for the rule.
    pub reason: &'static str,
}

impl RequiredWhen {
    /// Whether `body` (a JSON object) breaks the rule: `when_field` equals `equals` and `field`
    /// is missing, `null` or `""`.
    pub fn is_broken_by(&self, body: &serde_json::Value) -> bool {
        self.is_broken_by_fields(|name| body.get(name))
    }

    /// Whether a body whose fields `get` looks up by name breaks the rule (as
    /// [`is_broken_by`](Self::is_broken_by), without making the body a JSON value first).
    pub fn is_broken_by_fields<'a>(
        &self,
        get: impl Fn(&str) -> Option<&'a serde_json::Value>,
    ) -> bool {
        let triggered = get(self.when_field).is_some_and(|v| {
            serde_json::from_str::<serde_json::Value>(self.equals).is_ok_and(|e| *v == e)
        });
        let present = match get(self.field) {
            None | Some(serde_json::Value::Null) => false,
            Some(serde_json::Value::String(s)) => !s.is_empty(),
            Some(_) => true,
        };
        triggered && !present
    }

    /// The first rule of `schema` that `body` breaks.
    pub fn first_broken(schema: &str, body: &serde_json::Value) -> Option<&'static RequiredWhen> {
        constraints::REQUIRED_WHEN
            .iter()
            .find(|r| r.schema == schema && r.is_broken_by(body))
    }
}
