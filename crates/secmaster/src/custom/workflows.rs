//! Workflows: enabling and disabling one (Update a Workflow), and the IDs of an export.

use serde_json::Value;

use crate::custom::not_blank;
use crate::generated::{CreateWorkflow, ExportWorkflows, UpdateWorkflow};

impl CreateWorkflow {
    /// A description set is not blank.
    pub(crate) fn prepare(mut self) -> Self {
        let checked = not_blank("description", self.0.body_field("description"));
        self.0.check(checked);
        self
    }
}

impl UpdateWorkflow {
    /// Enables the workflow with `version_id` as its activated version (`enabled = true` and
    /// `version_id`, which the API requires together).
    pub fn enable(mut self, version_id: impl Into<String>) -> Self {
        self.0.body("enabled", Value::Bool(true));
        self.0.body("version_id", Value::String(version_id.into()));
        self
    }

    /// Disables the workflow (`enabled = false`).
    pub fn disable(mut self) -> Self {
        self.0.body("enabled", Value::Bool(false));
        self
    }

    /// The update sets something; `version_id`, when set, is usable text: not blank, no
    /// control characters.
    pub(crate) fn prepare(mut self) -> Self {
        if self.0.body_is_empty() {
            self.0.fail(crate::Error::invalid(
                "body",
                "the update sets no field; set at least one of name, description, enable/disable, version_id, labels",
            ));
        }
        let version_id = self.0.body_field("version_id").and_then(Value::as_str);
        let checked =
            not_blank("version_id", self.0.body_field("version_id")).and_then(
                |()| match version_id {
                    Some(v) if v.chars().any(char::is_control) => Err(crate::Error::invalid(
                        "version_id",
                        "contains control characters",
                    )),
                    _ => Ok(()),
                },
            );
        self.0.check(checked);
        self
    }
}

impl ExportWorkflows {
    /// At least one ID, and every ID is one: not blank, no control characters.
    pub(crate) fn prepare(mut self) -> Self {
        let ids = self.0.body_field("id").and_then(Value::as_array);
        let none = ids.is_none_or(|ids| ids.is_empty());
        let bad = ids
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .find(|id| id.trim().is_empty() || id.chars().any(char::is_control))
            .map(str::to_owned);
        if none {
            self.0
                .fail(crate::Error::invalid("id", "lists no workflow to export"));
        }
        if let Some(id) = bad {
            self.0.fail(crate::Error::invalid(
                "id",
                format!("holds {id:?}, which is no workflow ID"),
            ));
        }
        self
    }
}
