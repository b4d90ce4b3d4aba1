//! Checking a topology (ValidateAopWorkflowVersion): it changes nothing, and answers whether
//! the topology passed, with the problems found.

use secmaster::ValidateMode;
use secmaster::bindings::types::AopworkflowVersionValidateRes;
use serde_json::{Map, Value};

use super::versions::check_taskflow;
use super::{Rejection, Workspace, listed, required};

impl Workspace {
    /// Checks a topology: its workflow exists, `taskflow` is Base64 of a JSON object, its
    /// `taskconfig` is JSON; with `CIRCLE`, that its `edges` make no loop. The result says
    /// whether it passed, and the problems found.
    pub(crate) fn validate(
        &self,
        body: AopworkflowVersionValidateRes,
    ) -> Result<Map<String, Value>, Rejection> {
        listed!("mode", body.mode, ValidateMode);
        required("aopworkflow_id", &body.aopworkflow_id)?;
        self.flow(&body.aopworkflow_id)?;
        let mut errors = Vec::new();
        match check_taskflow(&body.taskflow) {
            Ok(topology) if topology.is_object() => {
                if body.mode == ValidateMode::Circle && has_loop(&topology) {
                    errors.push("the topology's edges make a loop".to_owned());
                }
            }
            Ok(_) => errors.push("the topology is not a JSON object".to_owned()),
            Err(e) => errors.push(e.message),
        }
        if serde_json::from_str::<Value>(&body.taskconfig).is_err() {
            errors.push("taskconfig is not JSON".to_owned());
        }
        let mut result = Map::new();
        result.insert("passed".to_owned(), errors.is_empty().into());
        result.insert("errors".to_owned(), errors.into());
        Ok(result)
    }
}

/// Whether `topology`'s `edges` (`{"from": .., "to": ..}`) make a loop: Kahn's algorithm,
/// linear in the edges (a request must not hold the store for long).
fn has_loop(topology: &Value) -> bool {
    use std::collections::HashMap;
    let edges: Vec<(&str, &str)> = topology["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .filter_map(|e| Some((e["from"].as_str()?, e["to"].as_str()?)))
                .collect()
        })
        .unwrap_or_default();
    let mut incoming: HashMap<&str, usize> = HashMap::new();
    let mut out: HashMap<&str, Vec<&str>> = HashMap::new();
    for (from, to) in &edges {
        incoming.entry(from).or_default();
        *incoming.entry(to).or_default() += 1;
        out.entry(from).or_default().push(to);
    }
    let mut ready: Vec<&str> = incoming
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(node, _)| *node)
        .collect();
    let mut removed = 0;
    while let Some(node) = ready.pop() {
        removed += 1;
        for next in out.get(node).into_iter().flatten() {
            let n = incoming.get_mut(next).expect("every target is counted");
            *n -= 1;
            if *n == 0 {
                ready.push(next);
            }
        }
    }
    removed < incoming.len()
}
