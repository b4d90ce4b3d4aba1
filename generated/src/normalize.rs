//! Results read the same way for every type: the service sends `""` for a text or enum field it
//! has no value for, and objects with nothing in them; [`Normalize`] reads both as absent. The
//! generator implements it for every schema a result can hold; the `secmaster` client applies it
//! to every result it decodes (the raw client of this crate does not).

/// A result normalized in place: `""` in an optional text or enum field reads as `None`, a
/// nested object left with nothing in it as `None`, lists item by item.
pub trait Normalize {
    /// Normalizes `self` in place.
    fn normalize(&mut self);
}

impl<T: Normalize> Normalize for Option<T> {
    fn normalize(&mut self) {
        if let Some(v) = self {
            v.normalize();
        }
    }
}

impl<T: Normalize> Normalize for Vec<T> {
    fn normalize(&mut self) {
        self.iter_mut().for_each(Normalize::normalize);
    }
}

impl<T: Normalize> Normalize for Box<T> {
    fn normalize(&mut self) {
        (**self).normalize();
    }
}

/// A free-form result (a validation's): kept as sent.
impl Normalize for serde_json::Value {
    fn normalize(&mut self) {}
}

/// No result.
impl Normalize for () {
    fn normalize(&mut self) {}
}

/// Scalars hold nothing to normalize (a list of them is kept as sent).
macro_rules! as_sent {
    ($($t:ty),*) => {
        $(impl Normalize for $t {
            fn normalize(&mut self) {}
        })*
    };
}

as_sent!(bool, u8, u16, u32, u64, i8, i16, i32, i64, f32, f64, String);

/// The result of an operation on many IDs at once, as the spec marks it (`x-batch-result` on
/// the result's schema): which IDs it acted on and which it did not. The `secmaster` client
/// turns a result with failed IDs into an error, so that a partial failure is never an `Ok`.
pub trait BatchOutcome {
    /// The IDs the operation acted on.
    fn succeeded(&self) -> &[String];
    /// The IDs it did not act on.
    fn failed(&self) -> &[String];
}
