//! A request's query, read as the operation's descriptor says: each parameter's type and bounds
//! checked (the pages' 400 otherwise), enum values among those the spec lists, the lists'
//! filters and enums parsed.

use percent_encoding::percent_decode_str;
use secmaster::bindings::{Operation, QueryKind};
use secmaster::{AopType, InstanceStatus, SortOrder, TriggerType, WorkflowSortKey};

use crate::store::{InstanceQuery, ListQuery, Rejection, codes, reject};

/// A request's query parameters, decoded, each checked against the operation's descriptor
/// (type, bounds, named enum); parameters the operation does not have are ignored.
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    pub(crate) fn read(op: &Operation, raw: Option<&str>) -> Result<Self, Rejection> {
        let mut pairs = Vec::new();
        for pair in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| {
                let s = s.replace('+', " ");
                percent_decode_str(&s)
                    .decode_utf8()
                    .map(|c| c.into_owned())
                    .map_err(|_| bad(name, "is not UTF-8"))
            };
            let (name, value) = (decode(name)?, decode(value)?);
            let Some(param) = op.query_param(&name) else {
                continue;
            };
            match param.kind {
                QueryKind::Integer { min, max } => {
                    let n: i64 = value.parse().map_err(|_| bad(&name, "is not an integer"))?;
                    if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                        return Err(bad(&name, &format!("{n} is out of range")));
                    }
                }
                QueryKind::Boolean if value != "true" && value != "false" => {
                    return Err(bad(&name, "is not true or false"));
                }
                QueryKind::Text { min_len, max_len } => {
                    let n = value.chars().count() as u64;
                    if min_len.is_some_and(|m| n < m) || max_len.is_some_and(|m| n > m) {
                        return Err(bad(&name, &format!("has {n} characters, out of range")));
                    }
                }
                _ => {}
            }
            pairs.push((name, value));
        }
        // A parameter the spec marks mandatory and the request left out: the pages' 400.
        if let Some(missing) = op
            .query
            .iter()
            .find(|p| p.required && !pairs.iter().any(|(n, _)| n == p.name))
        {
            return Err(reject(
                codes::MISSING_FIELD,
                format!("query parameter {} is mandatory", missing.name),
            ));
        }
        let query = Self(pairs);
        query.enums_listed(op)?;
        query.in_paging_window(op)?;
        Ok(query)
    }

    /// `offset + limit` stay below the operation's paging window (`x-paging-window`), as the
    /// bounds of each were checked: the service reads no further into the list.
    fn in_paging_window(&self, op: &Operation) -> Result<(), Rejection> {
        let int = |name| {
            self.text(name)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        let (offset, limit) = (int("offset"), int("limit"));
        let (Some(name), Some(window)) =
            (op.outside_paging_window(offset, limit), op.paging_window)
        else {
            return Ok(());
        };
        Err(bad(
            name,
            &format!(
                "makes offset + limit {}, not below {window}",
                offset + limit
            ),
        ))
    }

    /// Each enum parameter's value (the one read: the last sent) is one the spec lists for its
    /// enum (the generated `open_enums::values_of`), in the descriptor's order.
    fn enums_listed(&self, op: &Operation) -> Result<(), Rejection> {
        for param in op.query {
            let QueryKind::Enum(schema) = param.kind else {
                continue;
            };
            let known = secmaster::bindings::open_enums::values_of(schema);
            let (Some(value), Some(known)) = (self.text(param.name), known) else {
                continue;
            };
            if !known.contains(&value.as_str()) {
                return Err(reject(
                    codes::INVALID_LABELS,
                    format!(
                        "{} must be one of {}, not {value:?}",
                        param.name,
                        known.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Every parameter the operation has, as sent (decoded).
    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    pub(crate) fn text(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    fn number(&self, name: &str, default: usize) -> usize {
        self.text(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }

    /// A list's `(offset, limit)`: 0 and 10 when the query leaves them out.
    pub(crate) fn page(&self) -> (usize, usize) {
        (self.number("offset", 0), self.number("limit", 10))
    }

    /// ListAopWorkflowInstance's query (its enums checked by [`Query::read`]).
    pub(crate) fn instance_list(&self) -> InstanceQuery {
        let sort_key = self
            .text("sort_key")
            .map(|v| WorkflowSortKey::from(v.as_str()));
        let sort_dir = self.text("sort_dir").map(|v| SortOrder::from(v.as_str()));
        let status = self
            .text("status")
            .map(|v| InstanceStatus::from(v.as_str()));
        let trigger_type = self
            .text("trigger_type")
            .map(|v| TriggerType::from(v.as_str()));
        let filters = [
            "workflow_id",
            "id",
            "name",
            "dataobject_id",
            "dataclass_id",
            "playbook_id",
            "defence_id",
        ];
        let (offset, limit) = self.page();
        InstanceQuery {
            offset,
            limit,
            sort_key,
            sort_dir,
            text: filters
                .iter()
                .filter_map(|f| Some(((*f).to_owned(), self.text(f)?)))
                .collect(),
            status,
            trigger_type,
            from_date: self.text("from_date"),
            to_date: self.text("to_date"),
        }
    }

    /// ListWorkflows' query (its enums checked by [`Query::read`]).
    pub(crate) fn workflow_list(&self) -> ListQuery {
        let order = self.text("order").map(|v| SortOrder::from(v.as_str()));
        let sortby = self
            .text("sortby")
            .map(|v| WorkflowSortKey::from(v.as_str()));
        let aop_type = self.text("aop_type").map(|v| AopType::from(v.as_str()));
        let (offset, limit) = self.page();
        ListQuery {
            offset,
            limit,
            order,
            sortby,
            enabled: self.text("enabled").map(|v| v == "true"),
            name: self.text("name"),
            description: self.text("description"),
            dataclass_id: self.text("dataclass_id"),
            dataclass_name: self.text("dataclass_name"),
            aop_type,
        }
    }
}

fn bad(name: &str, why: &str) -> Rejection {
    reject(
        codes::INVALID_PARAMETER,
        format!("query parameter {name} {why}"),
    )
}
