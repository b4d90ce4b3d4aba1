//! The state every generated operation builder wraps: its path values, the query parameters
//! and body fields set, per-call options, and the first problem a setter met. Sending checks the
//! body against the spec's data for the operation (mandatory fields, bounds, enum values, the
//! fewest fields, `x-required-when`) before any I/O, then hands the runtime a [`Call`].

use std::marker::PhantomData;

use bytes::Bytes;
use secmaster_bindings::{BatchOutcome, ListAnswer, Op};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::request::QueryValue;
use super::{Call, CallOptions, Meta, Query};
use crate::operations::paging::{Items, PageFuture, walk};
use crate::operations::{Output, Page};
use crate::{Client, Error};

/// A call of operation `O` being built: what its setters set, checked when it is sent.
pub(crate) struct Request<O: Op> {
    client: Client,
    path: Vec<String>,
    query: Query,
    /// The body fields set, sorted by name (the order the bindings' types serialize in).
    body: Vec<(&'static str, Value)>,
    /// A file to upload: its form field, name and bytes (the form's other fields are in `body`).
    form: Option<(&'static str, String, Bytes)>,
    pub(crate) options: CallOptions,
    /// The first problem a setter or check met: the field and what is wrong.
    error: Option<(&'static str, String)>,
    how_to_check: &'static str,
    op: PhantomData<fn() -> O>,
}

impl<O: Op> Clone for Request<O> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            body: self.body.clone(),
            form: self.form.clone(),
            options: self.options.clone(),
            error: self.error.clone(),
            how_to_check: self.how_to_check,
            op: PhantomData,
        }
    }
}

impl<O: Op> std::fmt::Debug for Request<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct(O::OPERATION.id);
        d.field("path", &self.path).field("query", &self.query);
        let fields: Vec<&str> = self.body.iter().map(|(name, _)| *name).collect();
        d.field("body_fields", &fields);
        if let Some((field, name, bytes)) = &self.form {
            d.field("form", &(field, name, bytes.len()));
        }
        d.finish_non_exhaustive()
    }
}

/// Adds the per-call setters to a generated builder (a newtype over [`Request`]).
macro_rules! request_options {
    () => {
        /// Time allowed for each attempt of this call, instead of the client's
        /// ([`ClientBuilder::attempt_timeout`](crate::ClientBuilder::attempt_timeout)).
        pub fn attempt_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.0.options.attempt_timeout = Some(timeout);
            self
        }

        /// The retry policy of this call, instead of the client's
        /// ([`ClientBuilder::retry`](crate::ClientBuilder::retry)).
        pub fn retry_policy(mut self, policy: crate::RetryPolicy) -> Self {
            self.0.options.retry = Some(policy);
            self
        }

        /// The body fields set so far, as a JSON object (unset fields are left out; the
        /// spec's checks, and the fields it fills in, come when the call is sent).
        pub fn body(&self) -> serde_json::Value {
            self.0.body_json()
        }
    };
}
pub(crate) use request_options;

impl<O: Op + 'static> Request<O> {
    /// A call of `O` on `client` with its path parameters' values, in path order.
    pub(crate) fn new(client: &Client, path: Vec<String>) -> Self {
        Self {
            client: client.clone(),
            path,
            query: Query::default(),
            body: Vec::new(),
            form: None,
            options: CallOptions::default(),
            error: None,
            how_to_check: "show or list what it acts on to see whether it took effect",
            op: PhantomData,
        }
    }

    /// How a user finds out whether a call that may not be re-sent took effect.
    pub(crate) fn how_to_check(&mut self, how: &'static str) {
        self.how_to_check = how;
    }

    /// The value of path parameter `i` (in path order).
    pub(crate) fn path(&self, i: usize) -> &str {
        self.path.get(i).map_or("", String::as_str)
    }

    /// The body's fields that repeat a path parameter (the spec's `x-from-path`): a value set
    /// must be the path's (what the call makes or changes would not be where it says), and a
    /// mandatory one unset is the path's. An optional one unset stays unsent.
    fn body_from_path(&mut self) {
        let fields = O::OPERATION.request.map_or(&[][..], |r| r.fields);
        for field in fields {
            let Some(param) = field.from_path else {
                continue;
            };
            let Some(i) = O::OPERATION.path_params().position(|p| p == param) else {
                continue;
            };
            let path = self.path(i).to_owned();
            match self.body_field(field.name).and_then(Value::as_str) {
                None if field.required => self.body(field.name, Value::String(path)),
                None => {}
                Some(set) if set != path => self.fail(Error::invalid(
                    field.setter,
                    format!("is {set:?}, not the path's {param} {path:?}"),
                )),
                Some(_) => {}
            }
        }
    }

    /// Sets query parameter `name`.
    pub(crate) fn query(&mut self, name: &'static str, value: impl Into<QueryValue>) {
        self.query.set(name, value);
    }

    /// Sets body field `name` (replacing an earlier value).
    pub(crate) fn body(&mut self, name: &'static str, value: Value) {
        match self.body.binary_search_by(|(n, _)| n.cmp(&name)) {
            Ok(i) => self.body[i].1 = value,
            Err(i) => self.body.insert(i, (name, value)),
        }
    }

    /// Sets body field `name` to a value that had to be converted and serialized (the generated
    /// setters of fields that are objects of the spec); a failure is the call's error.
    pub(crate) fn body_try(&mut self, name: &'static str, value: Result<Value, String>) {
        match value {
            Ok(value) => {
                // A value set again replaces the one that failed.
                if self.error.as_ref().is_some_and(|(field, _)| *field == name) {
                    self.error = None;
                }
                self.body(name, value);
            }
            Err(e) => self.fail(Error::invalid(name, e)),
        }
    }

    /// The value set in body field `name`.
    pub(crate) fn body_field(&self, name: &str) -> Option<&Value> {
        self.body.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// Unsets body field `name`.
    pub(crate) fn unset(&mut self, name: &str) {
        self.body.retain(|(n, _)| *n != name);
    }

    /// The body fields set, as a JSON object.
    pub(crate) fn body_json(&self) -> Value {
        Value::Object(
            self.body
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.clone()))
                .collect(),
        )
    }

    /// Whether any body field is set.
    pub(crate) fn body_is_empty(&self) -> bool {
        self.body.is_empty()
    }

    /// The file to upload, in form field `field`.
    pub(crate) fn form(&mut self, field: &'static str, file_name: String, contents: Vec<u8>) {
        self.form = Some((field, file_name, Bytes::from(contents)));
    }

    /// Records a problem found before sending; the first one is what the call returns.
    pub(crate) fn fail(&mut self, error: Error) {
        if self.error.is_none() {
            self.error = Some(match error {
                Error::InvalidInput { field, reason } => (field, reason),
                other => ("request", other.to_string()),
            });
        }
    }

    /// Records the outcome of a check (a customisation's).
    pub(crate) fn check(&mut self, checked: Result<(), Error>) {
        if let Err(e) = checked {
            self.fail(e);
        }
    }

    /// The call, its body checked against the spec and serialized.
    fn call(mut self) -> Call<O> {
        self.body_from_path();
        let mut call = self
            .client
            .call::<O>(self.path)
            .query(self.query)
            .options(self.options)
            .how_to_check(self.how_to_check);
        if let Some((field, reason)) = self.error {
            return call.check(Err(Error::invalid(field, reason)));
        }
        if let Some((field, name, contents)) = self.form {
            let texts = match O::OPERATION.request {
                Some(request) => super::body::form_texts(request, field, self.body),
                None => Ok(Vec::new()),
            };
            let form = texts.and_then(|texts| super::encode_form(field, &name, contents, &texts));
            return match form {
                Ok((bytes, content_type)) => call.raw_body(bytes, content_type),
                Err(e) => call.check(Err(e)),
            };
        }
        if let Some(request) = O::OPERATION.request {
            call = match super::body::json_body(request, self.body) {
                Ok(bytes) => call.json_body(bytes),
                Err(e) => call.check(Err(e)),
            };
        }
        call
    }

    /// Sends the call and reads the `data` of its envelope into `finish`'s result.
    pub(crate) fn send_envelope<R: 'static>(
        self,
        finish: fn(O::Data, Meta) -> R,
    ) -> impl Future<Output = Result<R, Error>> + Send + 'static
    where
        O::Data: DeserializeOwned + secmaster_bindings::Normalize + Send + 'static,
    {
        self.call().enveloped(finish)
    }

    /// Sends the call and reads the `data` of its envelope, a batch's result
    /// ([`BatchOutcome`]): [`Error::PartialFailure`] when it names IDs it did not act on.
    pub(crate) fn send_batch(
        self,
    ) -> impl Future<Output = Result<Output<O::Data>, Error>> + Send + 'static
    where
        O::Data: DeserializeOwned + secmaster_bindings::Normalize + BatchOutcome + Send + 'static,
    {
        let operation = O::OPERATION.id;
        let call = self.call().enveloped(|data, meta| (data, meta));
        async move {
            let (data, meta): (O::Data, Meta) = call.await?;
            let failed = data.failed();
            if failed.is_empty() {
                return Ok(Output::new(data, meta));
            }
            Err(Error::PartialFailure {
                operation,
                succeeded: data.succeeded().to_vec(),
                failed: failed.to_vec(),
                earlier_attempt_may_have_succeeded: meta.after_ambiguous,
                request_id: meta.request_id,
            })
        }
    }

    /// Sends the call, whose envelope carries no `data`.
    pub(crate) fn send_acknowledged<R: 'static>(
        self,
        finish: fn((), Meta) -> R,
    ) -> impl Future<Output = Result<R, Error>> + Send + 'static {
        self.call().acknowledged(finish)
    }

    /// Sends the call and reads its bare body.
    pub(crate) fn send_bare<R: 'static>(
        self,
        finish: fn(O::Data, Meta) -> R,
    ) -> impl Future<Output = Result<R, Error>> + Send + 'static
    where
        O::Data:
            DeserializeOwned + Default + PartialEq + secmaster_bindings::Normalize + Send + 'static,
    {
        self.call().bare(finish)
    }

    /// Sends the call and reads its bare body, a page of a list.
    pub(crate) fn send_bare_list<R: 'static>(
        self,
        finish: fn(O::Data, Meta) -> R,
    ) -> impl Future<Output = Result<R, Error>> + Send + 'static
    where
        O::Data: ListAnswer
            + DeserializeOwned
            + Default
            + PartialEq
            + secmaster_bindings::Normalize
            + Send
            + 'static,
    {
        self.call().bare(finish)
    }

    /// Sends the call, whose success has no body.
    #[allow(dead_code)] // No operation of today's spec answers without a body.
    pub(crate) fn send_empty<R: 'static>(
        self,
        finish: fn((), Meta) -> R,
    ) -> impl Future<Output = Result<R, Error>> + Send + 'static {
        self.call().empty(finish)
    }

    /// Sends the call and keeps its body's bytes (a file).
    pub(crate) fn send_binary<R: 'static>(
        self,
        finish: fn(Bytes, Meta) -> R,
    ) -> impl Future<Output = Result<R, Error>> + Send + 'static {
        self.call().binary(finish)
    }

    /// Every item of the list, page after page: `send` sends the builder it is given (this
    /// one, with the page's `offset` and `limit`, in its query or, for a search, its body).
    pub(crate) fn items<T>(
        self,
        send: impl Fn(Self) -> PageFuture<T> + Send + 'static,
    ) -> Items<T> {
        let in_body = O::OPERATION.pages_in_body;
        let paging = if in_body {
            let get = |name| {
                let value = self.body.iter().find(|(n, _)| *n == name).map(|(_, v)| v);
                value
                    .and_then(Value::as_u64)
                    .and_then(|n| u32::try_from(n).ok())
            };
            (get("offset"), get("limit"))
        } else {
            self.query.paging()
        };
        // A mandatory offset goes with the first page too.
        let offset_required = O::OPERATION
            .request
            .is_some_and(|b| b.fields.iter().any(|f| f.name == "offset" && f.required))
            || O::OPERATION
                .query_param("offset")
                .is_some_and(|q| q.required);
        walk(O::OPERATION, paging, move |offset, limit| {
            let mut request = self.clone();
            if in_body {
                request.body("limit", Value::from(limit));
                if let Some(offset) = offset.or(offset_required.then_some(0)) {
                    request.body("offset", Value::from(offset));
                }
            } else {
                request.query.set("limit", limit);
                if let Some(offset) = offset.or(offset_required.then_some(0)) {
                    request.query.set("offset", offset);
                }
            }
            send(request)
        })
    }
}

impl<T> Page<T> {
    /// A page of a list answered with no envelope.
    pub(crate) fn from_list<D>(answer: D, meta: Meta) -> Self
    where
        D: ListAnswer,
        T: From<D::Item>,
    {
        let (items, total) = answer.into_page();
        Self {
            items: items.into_iter().map(T::from).collect(),
            total,
            request_id: meta.request_id,
            deprecation: meta.deprecation,
        }
    }
}
