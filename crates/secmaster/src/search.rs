//! The condition of the SOC's searches and of a playbook's trigger rule ([`Client::list_alerts`](crate::Client::list_alerts),
//! `list_incidents`, `list_indicators`, `list_dataobject_relations` and the exports): named
//! expressions `[field, operator, value]`, joined in order by `AND` or `OR`.
//!
//! ```
//! use secmaster::search::{Condition, Operator};
//!
//! let open_and_high = Condition::field("handle_status", Operator::Eq, "Open")
//!     .and("severity", Operator::Eq, "High");
//! assert_eq!(
//!     open_and_high.to_json(),
//!     serde_json::json!({
//!         "conditions": [
//!             {"name": "c0", "data": ["handle_status", "=", "Open"]},
//!             {"name": "c1", "data": ["severity", "=", "High"]}
//!         ],
//!         "logics": ["c0", "AND", "c1"]
//!     })
//! );
//! ```
//!
//! The pages give the condition's shape, not its grammar: the operators are those the
//! Terraform provider sends, and `logics` is written as the provider's example writes it
//! (`["c0", "AND", "c1"]`), the expressions named `c0`, `c1`, … in order.

use secmaster_bindings::open_enums::PlaybookConditionExpressionType;
use secmaster_bindings::types::{
    CreatePlaybookRuleInfo, DataobjectSearchCondition, DataobjectSearchConditionConditions,
    ModifyPlaybookRuleInfo, PlaybookConditionInfo, PlaybookConditionItem,
};

/// An operator of an expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Operator {
    /// `=`: equal.
    Eq,
    /// `!=`: not equal.
    NotEq,
    /// `>`: greater.
    Gt,
    /// `>=`: greater or equal.
    Ge,
    /// `<`: less.
    Lt,
    /// `<=`: less or equal.
    Le,
    /// `contains`: the field's text contains the value.
    Contains,
    /// `in`: the field's value is one of the value's comma-separated items.
    In,
}

impl Operator {
    /// The operator as sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "=",
            Self::NotEq => "!=",
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Contains => "contains",
            Self::In => "in",
        }
    }
}

/// How an expression joins the ones before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Join {
    And,
    Or,
}

/// A search condition: expressions joined in order by `AND` or `OR`. Set it with a search's
/// `.condition(..)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    first: [String; 3],
    rest: Vec<(Join, [String; 3])>,
}

impl Condition {
    /// One expression: `field operator value`.
    pub fn field(field: impl Into<String>, operator: Operator, value: impl Into<String>) -> Self {
        Self {
            first: [field.into(), operator.as_str().to_owned(), value.into()],
            rest: Vec::new(),
        }
    }

    /// This condition `AND` one more expression.
    pub fn and(
        self,
        field: impl Into<String>,
        operator: Operator,
        value: impl Into<String>,
    ) -> Self {
        self.join(Join::And, field.into(), operator, value.into())
    }

    /// This condition `OR` one more expression.
    pub fn or(
        self,
        field: impl Into<String>,
        operator: Operator,
        value: impl Into<String>,
    ) -> Self {
        self.join(Join::Or, field.into(), operator, value.into())
    }

    fn join(mut self, join: Join, field: String, operator: Operator, value: String) -> Self {
        self.rest
            .push((join, [field, operator.as_str().to_owned(), value]));
        self
    }
}

impl Condition {
    /// The condition as the service reads it: `{conditions: [{name, data}], logics}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(DataobjectSearchCondition::from(self.clone()))
            .unwrap_or(serde_json::Value::Null)
    }
}

/// The condition as the bindings' type: a search's `.condition(..)` takes either.
impl From<Condition> for DataobjectSearchCondition {
    fn from(condition: Condition) -> Self {
        let expression = |i: usize, data: [String; 3]| DataobjectSearchConditionConditions {
            name: Some(format!("c{i}")),
            data: data.into(),
        };
        let mut conditions = Vec::with_capacity(condition.rest.len() + 1);
        conditions.push(expression(0, condition.first));
        let mut logics = Vec::with_capacity(condition.rest.len() * 2 + 1);
        if !condition.rest.is_empty() {
            logics.push("c0".to_owned());
        }
        for (i, (join, data)) in condition.rest.into_iter().enumerate() {
            logics.push(match join {
                Join::And => "AND".to_owned(),
                Join::Or => "OR".to_owned(),
            });
            logics.push(format!("c{}", i + 1));
            conditions.push(expression(i + 1, data));
        }
        Self { conditions, logics }
    }
}

/// The condition as a playbook's trigger rule (an event-triggered version's `rule`, or a
/// rule's own operations): `expression_type` `common`, the expressions and their logics (which
/// the pages make mandatory for an event trigger: one expression's logics is its name).
impl From<Condition> for PlaybookConditionInfo {
    fn from(condition: Condition) -> Self {
        let DataobjectSearchCondition {
            conditions,
            mut logics,
        } = condition.into();
        if logics.is_empty() {
            logics.push("c0".to_owned());
        }
        let conditions = conditions
            .into_iter()
            .map(|c| PlaybookConditionItem {
                name: c.name,
                detail: None,
                data: c.data,
            })
            .collect();
        Self {
            expression_type: Some(PlaybookConditionExpressionType::Common),
            conditions,
            logics,
            ..Self::default()
        }
    }
}

/// The rule a playbook version creates with it (`CreatePlaybookVersion`'s `rule`).
impl From<Condition> for CreatePlaybookRuleInfo {
    fn from(condition: Condition) -> Self {
        Self {
            rule: condition.into(),
        }
    }
}

/// A rule's new condition (`UpdatePlaybookRule`, `UpdatePlaybookVersion`'s `rule`).
impl From<Condition> for ModifyPlaybookRuleInfo {
    fn from(condition: Condition) -> Self {
        Self {
            rule: Some(condition.into()),
        }
    }
}
