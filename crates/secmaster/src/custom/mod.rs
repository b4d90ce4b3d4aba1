//! Customisations of the generated builders ([`crate::generated`]): what the spec cannot state,
//! in a file per resource, each an `impl` block on a generated builder. Intent methods that set
//! fields together (`enable(version_id)`), the topology's Base64, checks across fields (a body
//! field that repeats the path is the spec's `x-from-path`, not code here). An operation whose
//! entry says `x-rust-prepare: true` has its `prepare(self) -> Self` here, run by the generated
//! `send` before anything is sent.

mod instances;
mod playbooks;
mod versions;
mod workflows;

use serde_json::Value;

use crate::Error;
use crate::runtime::Request;

/// When `action` is set, nothing else is: an intent (submit, activate, ...) is sent alone, and
/// the error names `action` and says why (`reason`).
pub(crate) fn alone<O: secmaster_bindings::Op + 'static>(
    request: &Request<O>,
    action: &'static str,
    reason: &'static str,
) -> Result<(), Error> {
    if request.body_field(action).is_none() {
        return Ok(());
    }
    let mut edits = request.clone();
    edits.unset(action);
    if edits.body_is_empty() {
        Ok(())
    } else {
        Err(Error::invalid(action, reason))
    }
}

/// `approve(comment)`, `reject(comment)` and the `prepare` that asks for one of them, on a
/// review's builder (`result` and `content` hidden by the spec): a workflow version's, a
/// playbook version's.
macro_rules! review_intents {
    ($builder:ty, $approved:literal) => {
        impl $builder {
            #[doc = concat!("Approves the version (`result: PASS`) with a comment: ", $approved)]
            pub fn approve(mut self, comment: impl Into<String>) -> Self {
                self.0
                    .body("result", Value::from(crate::ApprovalResult::Pass.as_str()));
                self.0.body("content", Value::String(comment.into()));
                self
            }

            /// Rejects the version (`result: UN_PASS`) with a comment.
            pub fn reject(mut self, comment: impl Into<String>) -> Self {
                self.0.body(
                    "result",
                    Value::from(crate::ApprovalResult::UnPass.as_str()),
                );
                self.0.body("content", Value::String(comment.into()));
                self
            }

            /// A verdict is given.
            pub(crate) fn prepare(mut self) -> Self {
                if self.0.body_field("result").is_none() {
                    self.0.fail(crate::Error::invalid(
                        "result",
                        "is required and was not set: call approve or reject",
                    ));
                }
                self
            }
        }
    };
}
pub(crate) use review_intents;

/// A text value set in a field must not be blank (the service would read it as unset).
pub(crate) fn not_blank(field: &'static str, value: Option<&Value>) -> Result<(), Error> {
    match value.and_then(Value::as_str) {
        Some(text) if text.trim().is_empty() => Err(Error::invalid(field, "is empty")),
        _ => Ok(()),
    }
}
