//! Lists and searches of the generic families: equality filters (a list's query), a list of
//! IDs (ListIndicators' `ids`), the
//! searches' documented condition (`{conditions: [{name, data: [field, operator, value]}],
//! logics: [..]}`), a time window on `create_time`, a sort, a page.
//!
//! - A condition's `field` names a member of the record (`create_time`, `id`) or of the object
//!   it wraps (`handle_status`, `severity`); a dotted path reaches nested members
//!   (`alert_type.category`, `data_object.title`).
//! - Operators (the spellings seen in the pages, Terraform and the playbooks): `=` `==` `EQUAL`,
//!   `!=` `NOT_EQUAL`, `>` `>=` `<` `<=` (numbers as numbers, text as text), `contains`
//!   `CONTAINS` / `not contains` `NOT_CONTAINS` (substring, or member of an array), `in`
//!   `IN` / `not in` `NOT_IN` (the value is an array, or text separated by commas).
//! - `logics`, which the pages leave open, is read both ways seen: `["c1", "AND", "c2", "OR",
//!   "c3"]` (AND binds tighter than OR), or a list of condition names without operators, which
//!   all must hold. Without `logics`, every condition must hold. A name `logics` uses and no
//!   condition has is refused.
//! - Sizes are bounded as the spec's schema says (at most 999 conditions and 999 `logics`
//!   items, each of `data`'s items at most 100 characters): a condition is read once, so a
//!   search costs at most objects × conditions tests of a field against 100 characters.

use serde_json::Value;

use super::{Rejection, codes, reject};

/// The most conditions, or `logics` items, a search may hold (the spec's `maxItems`).
pub(crate) const MAX_TERMS: usize = 999;

/// What a list asks for: equality filters by field, a search, a time window, a sort, a page.
#[derive(Debug, Default)]
pub(crate) struct Listing {
    pub parent: Option<String>,
    pub filters: Vec<(String, String)>,
    /// Only these IDs, when given (ListIndicators' `ids`).
    pub ids: Option<Vec<String>>,
    pub search: Option<Search>,
    /// `create_time` from and to (inclusive), in the pages' format.
    pub window: (Option<String>, Option<String>),
    pub sort: Option<(String, bool)>,
    pub offset: usize,
    pub limit: usize,
}

/// The most characters of a condition's field, operator or value (the spec's `maxLength` of
/// its `data` items): with [`MAX_TERMS`], what one object costs to test.
const MAX_TEXT: usize = 100;

/// One condition: a field, an operator, a value (and its items, for `in`), read once.
#[derive(Debug)]
struct Condition {
    name: String,
    field: String,
    operator: Operator,
    value: Value,
    items: Vec<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Operator {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Contains,
    NotContains,
    In,
    NotIn,
}

/// A search's condition, parsed: alternatives (OR) of conditions that all must hold (AND), by
/// index.
#[derive(Debug, Default)]
pub(crate) struct Search {
    conditions: Vec<Condition>,
    any_of: Vec<Vec<usize>>,
}

impl Operator {
    fn parse(text: &str) -> Option<Self> {
        Some(match text.trim().to_ascii_lowercase().as_str() {
            "=" | "==" | "equal" | "eq" => Self::Eq,
            "!=" | "<>" | "not_equal" | "ne" => Self::Ne,
            ">" | "gt" => Self::Gt,
            ">=" | "ge" => Self::Ge,
            "<" | "lt" => Self::Lt,
            "<=" | "le" => Self::Le,
            "contains" | "contain" | "like" => Self::Contains,
            "not contains" | "not_contains" | "not contain" => Self::NotContains,
            "in" => Self::In,
            "not in" | "not_in" => Self::NotIn,
            _ => return None,
        })
    }
}

fn invalid(message: String) -> Rejection {
    reject(codes::INVALID_PARAMETER, message)
}

impl Search {
    /// A search's `condition` member, parsed; `None` when it is absent.
    pub(crate) fn parse(condition: Option<&Value>) -> Result<Option<Self>, Rejection> {
        let Some(condition) = condition else {
            return Ok(None);
        };
        let list = |name: &str| match condition.get(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) if items.len() <= MAX_TERMS => Ok(items.clone()),
            Some(Value::Array(_)) => Err(invalid(format!(
                "condition.{name} has more than {MAX_TERMS} items"
            ))),
            Some(_) => Err(invalid(format!("condition.{name} is not an array"))),
        };
        let mut search = Self::default();
        for (i, c) in list("conditions")?.iter().enumerate() {
            search.conditions.push(Condition::parse(c, i)?);
        }
        let logics = list("logics")?;
        let words: Vec<&str> = logics.iter().filter_map(Value::as_str).collect();
        if words.len() != logics.len() {
            return Err(invalid("condition.logics holds text only".into()));
        }
        search.any_of = search.groups(&words)?;
        Ok(Some(search))
    }

    /// The alternatives `logics` names, each a list of conditions that must all hold.
    fn groups(&self, words: &[&str]) -> Result<Vec<Vec<usize>>, Rejection> {
        if words.is_empty() {
            return Ok(vec![(0..self.conditions.len()).collect()]);
        }
        let index = |name: &str| {
            self.conditions
                .iter()
                .position(|c| c.name == name)
                .ok_or_else(|| invalid(format!("condition.logics names `{name}`, no condition")))
        };
        let operator = |w: &str| matches!(w.to_ascii_uppercase().as_str(), "AND" | "OR");
        let mut groups = vec![Vec::new()];
        if !words.iter().any(|w| operator(w)) {
            groups[0] = words.iter().map(|w| index(w)).collect::<Result<_, _>>()?;
            return Ok(groups);
        }
        for (i, word) in words.iter().enumerate() {
            let expect_name = i % 2 == 0;
            match (expect_name, word.to_ascii_uppercase().as_str()) {
                (true, _) if !operator(word) => groups.last_mut().expect("one").push(index(word)?),
                (false, "AND") => {}
                (false, "OR") => groups.push(Vec::new()),
                _ => {
                    return Err(invalid(format!(
                        "condition.logics must alternate names and AND/OR, not `{word}` at {i}"
                    )));
                }
            }
        }
        if words.len().is_multiple_of(2) {
            return Err(invalid("condition.logics ends with an operator".into()));
        }
        Ok(groups)
    }

    /// Whether `record` (its object wrapped in `wrap`, if any) matches.
    pub(crate) fn matches(&self, record: &Value, wrap: Option<&str>) -> bool {
        self.any_of.iter().any(|all| {
            all.iter()
                .all(|&i| self.conditions[i].holds(lookup(record, wrap, &self.conditions[i].field)))
        })
    }
}

impl Condition {
    fn parse(c: &Value, i: usize) -> Result<Self, Rejection> {
        let data = c.get("data").and_then(Value::as_array);
        let Some([field, operator, value]) = data.map(Vec::as_slice) else {
            return Err(invalid(format!(
                "condition.conditions[{i}].data is [field, operator, value]"
            )));
        };
        let (Some(field), Some(op)) = (field.as_str(), operator.as_str()) else {
            return Err(invalid(format!(
                "condition.conditions[{i}].data's field and operator are text"
            )));
        };
        let operator = Operator::parse(op).ok_or_else(|| {
            invalid(format!(
                "condition.conditions[{i}]: unknown operator `{op}` (=, !=, >, >=, <, <=, contains, not contains, in, not in)"
            ))
        })?;
        let long = [field, op, value.as_str().unwrap_or("")]
            .iter()
            .any(|t| t.chars().count() > MAX_TEXT);
        if long {
            return Err(invalid(format!(
                "condition.conditions[{i}].data has an item over {MAX_TEXT} characters"
            )));
        }
        let name = c.get("name").and_then(Value::as_str);
        Ok(Self {
            name: name.map_or_else(|| format!("c{i}"), str::to_owned),
            field: field.to_owned(),
            operator,
            items: listed(value),
            value: value.clone(),
        })
    }

    fn holds(&self, got: Option<&Value>) -> bool {
        use Operator::*;
        let Some(got) = got else {
            return matches!(self.operator, Ne | NotContains | NotIn);
        };
        match self.operator {
            Eq => same(got, &self.value),
            Ne => !same(got, &self.value),
            Gt | Ge | Lt | Le => compare(got, &self.value).is_some_and(|o| match self.operator {
                Gt => o.is_gt(),
                Ge => o.is_ge(),
                Lt => o.is_lt(),
                _ => o.is_le(),
            }),
            Contains => contains(got, &self.value),
            NotContains => !contains(got, &self.value),
            In => self.items.iter().any(|v| same(got, v)),
            NotIn => !self.items.iter().any(|v| same(got, v)),
        }
    }
}

/// `field` of a record: a dotted path from the record, else from the object it wraps.
pub(crate) fn lookup<'v>(record: &'v Value, wrap: Option<&str>, field: &str) -> Option<&'v Value> {
    let walk = |from: &'v Value| {
        field
            .split('.')
            .try_fold(from, |v, part| v.get(part))
            .filter(|v| !v.is_null())
    };
    walk(record).or_else(|| walk(record.get(wrap?)?))
}

/// Text of a scalar (`true`, `3`, `name`), for comparing with text.
pub(crate) fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(_) | Value::Number(_) => Some(value.to_string()),
        _ => None,
    }
}

/// Whether two scalars are equal, as JSON or as text (`3` and `"3"`), without copying text.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x == y,
        (Value::String(_), Value::Number(_) | Value::Bool(_)) => same(b, a),
        (Value::Number(x), Value::String(y)) => y.trim().parse::<f64>().ok() == x.as_f64(),
        (Value::Bool(x), Value::String(y)) => y.parse::<bool>().ok() == Some(*x),
        _ => a == b,
    }
}

fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    let number = |v: &Value| v.as_f64().or_else(|| v.as_str()?.trim().parse().ok());
    match (a, b) {
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        _ => number(a)?.partial_cmp(&number(b)?),
    }
}

fn contains(got: &Value, want: &Value) -> bool {
    match got {
        Value::Array(items) => items.iter().any(|i| same(i, want)),
        Value::String(s) => match want {
            Value::String(w) => s.contains(w.as_str()),
            other => as_text(other).is_some_and(|w| s.contains(&w)),
        },
        _ => false,
    }
}

fn listed(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items.clone(),
        Value::String(s) => s
            .split(',')
            .map(|p| Value::String(p.trim().into()))
            .collect(),
        other => vec![other.clone()],
    }
}

/// The values of `all` that `listing` matches (objects wrapped in `wrap`), one page of them,
/// and how many match.
pub(crate) fn select<'v>(
    all: impl Iterator<Item = (&'v Value, Option<&'v String>)>,
    wrap: Option<&str>,
    listing: &Listing,
) -> (Vec<Value>, usize) {
    let text = |v: &Value, f: &str| lookup(v, wrap, f).and_then(as_text);
    let (from, to) = &listing.window;
    let mut matching: Vec<&Value> = all
        .filter(|(_, parent)| listing.parent.is_none() || *parent == listing.parent.as_ref())
        .map(|(v, _)| v)
        .filter(|v| {
            listing
                .filters
                .iter()
                .all(|(field, want)| text(v, field).as_deref() == Some(want.as_str()))
        })
        .filter(|v| {
            let id = v.get("id").and_then(Value::as_str).unwrap_or_default();
            listing
                .ids
                .as_ref()
                .is_none_or(|ids| ids.iter().any(|i| i == id))
        })
        .filter(|v| listing.search.as_ref().is_none_or(|s| s.matches(v, wrap)))
        .filter(|v| {
            let created = text(v, "create_time").unwrap_or_default();
            from.as_ref().is_none_or(|f| created >= *f) && to.as_ref().is_none_or(|t| created <= *t)
        })
        .collect();
    if let Some((field, descending)) = &listing.sort {
        // Each key read once; stable: ties stay in creation order, either way.
        let mut keyed: Vec<(Option<String>, &Value)> =
            matching.into_iter().map(|v| (text(v, field), v)).collect();
        if *descending {
            keyed.sort_by(|a, b| b.0.cmp(&a.0));
        } else {
            keyed.sort_by(|a, b| a.0.cmp(&b.0));
        }
        matching = keyed.into_iter().map(|(_, v)| v).collect();
    }
    let total = matching.len();
    let page = matching
        .into_iter()
        .skip(listing.offset)
        .take(listing.limit)
        .cloned()
        .collect();
    (page, total)
}
