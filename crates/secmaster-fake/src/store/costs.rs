//! What an object costs, and the refusals of the limits ([`crate::Limits`]).

use std::io;

use serde::Serialize;

use super::{Rejection, codes, reject};
use crate::Limits;

/// A refusal for a limit.
pub(super) fn over(message: String) -> Rejection {
    reject(codes::LIMIT_EXCEEDED, message)
}

/// Refuses a count that grows past `max` (one already past it may shrink, or stay).
pub(super) fn grows_past(what: &str, was: usize, is: usize, max: usize) -> Result<(), Rejection> {
    if is > max && is > was {
        return Err(over(format!(
            "there would be {is} {what}; the fake holds at most {max}"
        )));
    }
    Ok(())
}

/// An object's cost, refused over [`Limits::max_object_bytes`].
pub(super) fn object(cost: usize, what: &str, limits: &Limits) -> Result<usize, Rejection> {
    if cost > limits.max_object_bytes {
        return Err(over(format!(
            "the {what} would take {cost} bytes; the fake stores at most {} per object",
            limits.max_object_bytes
        )));
    }
    Ok(cost)
}

/// What an object costs: the size of its type and the length of its JSON.
pub(crate) fn cost<T: Serialize>(value: &T) -> usize {
    struct Count(usize);
    impl io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = serde_json::to_writer(&mut count, value);
    std::mem::size_of::<T>() + count.0
}
