//! The topology of a workflow's activated version, as its runs show it: a record per node.

use serde_json::Value;

/// The topology (`taskflow`) of the workflow's activated version, when it has one.
pub(super) fn active_taskflow(flow: &super::Flow) -> Option<&str> {
    let active = flow.info.version_id.as_ref()?;
    let version = flow
        .versions
        .iter()
        .find(|v| v.id.as_ref() == Some(active))?;
    version.taskflow.as_deref()
}

/// The nodes of a version's topology (`taskflow`, Base64 of JSON), as `(id, name, type)`: the
/// fake reads a `nodes` array of objects with an `id` and a `type` (the name is the node's
/// `action` or `name`, else its ID); a topology it cannot read runs as one start node.
pub(super) fn nodes(taskflow: Option<&str>) -> Vec<(String, String, String)> {
    use base64::Engine as _;
    const MAX_NODES: usize = 64;
    let read = |taskflow: &str| -> Option<Vec<(String, String, String)>> {
        let json = base64::engine::general_purpose::STANDARD
            .decode(taskflow)
            .ok()?;
        let topology: Value = serde_json::from_slice(&json).ok()?;
        let nodes = topology.get("nodes")?.as_array()?;
        let text = |node: &Value, key: &str| node.get(key)?.as_str().map(str::to_owned);
        let read: Vec<_> = nodes
            .iter()
            .take(MAX_NODES)
            .filter_map(|node| {
                let id = text(node, "id")?;
                let name = text(node, "action")
                    .or_else(|| text(node, "name"))
                    .unwrap_or_else(|| id.clone());
                let kind = text(node, "type").unwrap_or_else(|| "task".into());
                Some((id, name, kind.to_uppercase()))
            })
            .collect();
        (!read.is_empty()).then_some(read)
    };
    taskflow
        .and_then(read)
        .unwrap_or_else(|| vec![("start".into(), "Start".into(), "TASK".into())])
}
