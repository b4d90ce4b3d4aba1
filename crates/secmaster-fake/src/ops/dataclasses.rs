//! The Data Class Management chapter.

use axum::response::Response;
use secmaster::bindings::Family;

use super::{Ctx, Request, unserved};
use crate::query::Query;
use crate::store::Rejection;

pub(super) fn answer(
    _ctx: &Ctx<'_>,
    r: &Request<'_>,
    _query: &Query,
    _family: &'static Family,
    _role: &str,
) -> Result<Response, Rejection> {
    Ok(unserved(r.op.id))
}
