//! Checking topologies: a version's body before the store is locked (its mandatory fields,
//! enums, and `taskflow` Base64 of JSON), and ValidateAopWorkflowVersion, which changes nothing
//! and answers whether the topology passed, with the problems found.

use base64::Engine as _;
use secmaster::bindings::types::{
    AopworkflowVersionValidateRes, CreateAopWorkflowVersionInfo, ModifyAopWorkflowVersionInfo,
};
use secmaster::{AopType, TaskflowType, ValidateMode, VersionAction};
use serde_json::{Map, Value};

use super::{Rejection, codes, listed, reject, required};

/// `taskflow`, checked to be Base64 of JSON.
pub(crate) fn check_taskflow(taskflow: &str) -> Result<Value, Rejection> {
    let bad = |why: String| reject(codes::INVALID_TASKFLOW, format!("taskflow {why}"));
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(taskflow.trim())
        .map_err(|e| bad(format!("is not Base64: {e}")))?;
    serde_json::from_slice(&bytes).map_err(|e| bad(format!("does not encode JSON: {e}")))
}

/// A new version's body: its mandatory fields, enums and topology (Base64 of JSON), checked
/// before the store is locked.
pub(crate) fn check_new(body: &CreateAopWorkflowVersionInfo) -> Result<(), Rejection> {
    for (field, value) in [
        ("name", &body.name),
        ("description", &body.description),
        ("taskconfig", &body.taskconfig),
    ] {
        required(field, value)?;
    }
    listed!("aop_type", body.aop_type, AopType);
    listed!("taskflow_type", body.taskflow_type, TaskflowType);
    check_taskflow(&body.taskflow).map(drop)
}

/// An edit's enums and topology, checked before the store is locked.
pub(crate) fn check_edit(body: &ModifyAopWorkflowVersionInfo) -> Result<(), Rejection> {
    if let Some(status) = &body.status {
        listed!("status", status, VersionAction);
    }
    if let Some(aop_type) = &body.aop_type {
        listed!("aop_type", aop_type, AopType);
    }
    if let Some(kind) = &body.taskflow_type {
        listed!("taskflow_type", kind, TaskflowType);
    }
    if let Some(taskflow) = &body.taskflow {
        check_taskflow(taskflow)?;
    }
    Ok(())
}

/// A validation's fields, checked before its workflow is looked up.
pub(crate) fn check_validation(body: &AopworkflowVersionValidateRes) -> Result<(), Rejection> {
    listed!("mode", body.mode, ValidateMode);
    required("aopworkflow_id", &body.aopworkflow_id)
}

/// Checks a topology (its workflow found to exist): `taskflow` is Base64 of a JSON object, its
/// `taskconfig` is JSON; with `CIRCLE`, that its `edges` make no loop. The result says whether
/// it passed, and the problems found. It needs no store, and runs without its lock.
pub(crate) fn validate(body: &AopworkflowVersionValidateRes) -> Map<String, Value> {
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
    result
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
