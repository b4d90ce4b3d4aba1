//! Exports, imports and templates of the SOC's objects.

use axum::response::Response;
use secmaster::bindings::Family;

use super::{Ctx, Request, unserved};
use crate::store::Rejection;

pub(super) fn answer(
    _ctx: &Ctx<'_>,
    r: &Request<'_>,
    _family: &'static Family,
    _role: &str,
) -> Result<Response, Rejection> {
    Ok(unserved(r.op.id))
}
