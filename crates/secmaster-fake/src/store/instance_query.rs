//! A workflow instance list's query (ListAopWorkflowInstance): its filters, as parsed, and
//! whether a run matches them.

use secmaster::bindings::types::AopworkflowInstanceDetail;
use secmaster::{InstanceStatus, SortOrder, TriggerType, WorkflowSortKey};

/// An instance list's query, as parsed.
#[derive(Debug, Default)]
pub(crate) struct InstanceQuery {
    pub offset: usize,
    pub limit: usize,
    pub sort_key: Option<WorkflowSortKey>,
    pub sort_dir: Option<SortOrder>,
    /// `(parameter, value)` filters of text fields, matched exactly (`name`: as a substring).
    pub text: Vec<(String, String)>,
    pub status: Option<InstanceStatus>,
    pub trigger_type: Option<TriggerType>,
    pub from_date: Option<String>,
    pub to_date: Option<String>,
}

pub(super) fn text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("")
}

fn is_status(d: &AopworkflowInstanceDetail, status: &InstanceStatus) -> bool {
    d.status.as_ref() == Some(status)
}

impl InstanceQuery {
    pub(super) fn matches(&self, d: &AopworkflowInstanceDetail) -> bool {
        let workflow = d.workflow.as_ref();
        let field = |name: &str| -> &str {
            match name {
                "workflow_id" => workflow.map_or("", |w| text(&w.id)),
                "id" => text(&d.id),
                "name" => text(&d.name),
                "dataobject_id" => text(&d.dataobject_id),
                "dataclass_id" => d.dataclass.as_ref().map_or("", |c| text(&c.id)),
                "playbook_id" => d.playbook.as_ref().map_or("", |p| text(&p.id)),
                // The query's `defence_id` filters the answer's `defense_id`.
                "defence_id" => text(&d.defense_id),
                _ => "",
            }
        };
        let texts = self.text.iter().all(|(name, value)| match name.as_str() {
            "name" => field(name).contains(value.as_str()),
            _ => field(name) == value,
        });
        let start = secmaster::parse_timestamp(text(&d.start_time));
        let bound = |b: &Option<String>| b.as_deref().and_then(secmaster::parse_timestamp);
        let after = bound(&self.from_date).is_none_or(|from| start.is_some_and(|s| s >= from));
        let before = bound(&self.to_date).is_none_or(|to| start.is_some_and(|s| s <= to));
        texts
            && after
            && before
            && self.status.as_ref().is_none_or(|s| is_status(d, s))
            && self
                .trigger_type
                .as_ref()
                .is_none_or(|t| d.trigger_type.as_ref() == Some(t))
    }
}
