//! The lifecycle rules of the SOC's objects that the spec cannot state (its enums, bounds and
//! `x-required-when` rules are enforced from the generated data, not here):
//!
//! - alerts and incidents: `handle_status` is `Open` unless set, `verification_state`
//!   `Unknown`; closing (`Closed`, which asks for `close_reason` by the spec's rule) stamps
//!   `close_time`; leaving `Closed` removes `close_time`, `close_reason` and `close_comment`.
//!   The pages forbid no transition, so the fake allows every one.
//! - indicators: `status` is `Open` unless set; `revoked` follows `status` (`Revoked`),
//!   `defanged` (still valid?) is `false` unless set, `is_deleted` is `false`;
//!   `granular_marking`, text on create (`"1"`) and an integer in the answers, is kept as the
//!   integer.

use serde_json::{Map, Value};

use super::records::{Plain, Rules};
use super::{Rejection, codes, reject};
use secmaster::bindings::{Family, Operation};

/// The rules of family `name` (alerts, incidents, indicators), or none.
pub(crate) fn of(name: &str) -> &'static dyn Rules {
    match name {
        "alerts" | "incidents" => &Handling,
        "indicators" => &Indicators,
        _ => &Plain,
    }
}

struct Handling;
struct Indicators;

fn set_default(fields: &mut Map<String, Value>, name: &str, value: &str) {
    fields
        .entry(name)
        .or_insert_with(|| Value::String(value.to_owned()));
}

fn text<'a>(fields: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    fields.get(name).and_then(Value::as_str)
}

impl Rules for Handling {
    fn on_create(&self, new: &mut Map<String, Value>, now: &str) -> Result<(), Rejection> {
        set_default(new, "handle_status", "Open");
        set_default(new, "verification_state", "Unknown");
        if text(new, "handle_status") == Some("Closed") {
            set_default(new, "close_time", now);
        }
        Ok(())
    }

    fn on_update(
        &self,
        old: &Map<String, Value>,
        change: &mut Map<String, Value>,
        now: &str,
    ) -> Result<(), Rejection> {
        let was = text(old, "handle_status");
        match text(change, "handle_status") {
            Some("Closed") if was != Some("Closed") => set_default(change, "close_time", now),
            Some(status) if status != "Closed" && was == Some("Closed") => {
                for name in ["close_time", "close_reason", "close_comment"] {
                    change.insert(name.to_owned(), Value::Null);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// `granular_marking` as the answers type it (`"1"` becomes `1`), within the bounds the spec
/// gives the integer (UpdateIndicator's field: 1 to 4).
fn marking_as_integer(fields: &mut Map<String, Value>) -> Result<(), Rejection> {
    let Some(marking) = text(fields, "granular_marking") else {
        return Ok(());
    };
    let refuse = |why: String| reject(codes::INVALID_PARAMETER, format!("granular_marking {why}"));
    let n: i64 = marking
        .trim()
        .parse()
        .map_err(|_| refuse(format!("`{marking}` is not an integer")))?;
    let update = Family::find("indicators").and_then(|f| f.operation("update"));
    let fields_of = update.and_then(Operation::find).and_then(|op| op.request);
    let field = fields_of.and_then(|b| b.fields.iter().find(|f| f.name == "granular_marking"));
    if let Some(problem) = field.and_then(|f| f.problem(&Value::from(n))) {
        return Err(refuse(problem));
    }
    fields.insert("granular_marking".to_owned(), Value::from(n));
    Ok(())
}

impl Rules for Indicators {
    fn on_create(&self, new: &mut Map<String, Value>, _now: &str) -> Result<(), Rejection> {
        marking_as_integer(new)?;
        set_default(new, "status", "Open");
        new.entry("defanged").or_insert(Value::Bool(false));
        new.insert("is_deleted".to_owned(), Value::Bool(false));
        let revoked = text(new, "status") == Some("Revoked");
        new.insert("revoked".to_owned(), Value::Bool(revoked));
        Ok(())
    }

    fn on_update(
        &self,
        _old: &Map<String, Value>,
        change: &mut Map<String, Value>,
        _now: &str,
    ) -> Result<(), Rejection> {
        if let Some(status) = text(change, "status") {
            let revoked = status == "Revoked";
            change.insert("revoked".to_owned(), Value::Bool(revoked));
        }
        change.remove("is_deleted");
        marking_as_integer(change)?;
        Ok(())
    }
}
