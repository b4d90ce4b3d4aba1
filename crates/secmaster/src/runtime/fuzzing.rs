//! What the fuzz targets reach of the runtime (`cargo fuzz` builds with `--cfg fuzzing`): the
//! client's own path expansion, answer reading and multipart encoding, not copies.

use bytes::Bytes;
use secmaster_bindings::{Op, Operation};

use super::attempt::Exchange;
use super::{read_enveloped, request, response};
use crate::Error;

/// For the fuzz targets: the path of `op` with `values` (the runtime's own expansion and checks).
pub fn expand_path(op: &Operation, values: &[&str]) -> Result<String, Error> {
    request::expand(op, "", values)
}

/// For the fuzz targets: the multipart form an import of `contents` as `file_name` sends, and
/// its Content-Type.
pub fn import_form(file_name: &str, contents: &[u8]) -> Result<(Bytes, String), Error> {
    crate::runtime::encode_form(
        "uploadFile",
        file_name,
        Bytes::copy_from_slice(contents),
        &[],
    )
    .map(|(body, content_type)| (body, content_type.to_str().unwrap_or("").to_owned()))
}

/// For the fuzz targets: `body` read as a 200 answer of each shape the operations have (an
/// envelope with one workflow, a page of workflows, a version, a page of versions, the
/// review's envelope without `success`, a free-form validation result, a bare instance, a search's page
/// of alerts, an incident, a batch's result, a bare list of workspaces), and
/// each result converted to its view.
pub fn read_every_shape(body: Bytes) -> Vec<Result<(), Error>> {
    use crate::operations::Page;
    use crate::{Workflow, WorkflowVersion};
    use secmaster_bindings::operations::{
        CreateAopWorkflowVersionApprovel, CreateWorkflowInstance, DeleteAlerts, ListAlerts,
        ListAopWorkflowInstance, ListAopWorkflowVersions, ListWorkflows, ListWorkspaces,
        ShowAopWorkflowInstance, ShowAopWorkflowVersion, ShowIncident, UpdateAopWorkflow,
        ValidateAopWorkflowVersion,
    };
    let exchange = Exchange::ok(body.clone());
    let redactor = crate::redact::Redactor::default();
    vec![
        read_enveloped::<UpdateAopWorkflow>(body.clone()).map(|(d, _)| drop(Workflow::from(d))),
        read_enveloped::<ListWorkflows>(body.clone())
            .map(|(d, m)| drop(Page::<Workflow>::new(d, m))),
        read_enveloped::<ShowAopWorkflowVersion>(body.clone())
            .map(|(d, _)| drop(WorkflowVersion::from(d))),
        read_enveloped::<ListAopWorkflowVersions>(body.clone())
            .map(|(d, m)| drop(Page::<WorkflowVersion>::new(d, m))),
        read_enveloped::<CreateAopWorkflowVersionApprovel>(body.clone()).map(drop),
        read_enveloped::<ValidateAopWorkflowVersion>(body.clone()).map(drop),
        read_enveloped::<ListAlerts>(body.clone()).map(drop),
        read_enveloped::<ShowIncident>(body.clone()).map(drop),
        read_enveloped::<DeleteAlerts>(body).map(drop),
        response::bare::<<ListWorkspaces as Op>::Data>(&exchange, &redactor)
            .map(drop)
            .map_err(|(e, _)| e),
        response::bare::<<ShowAopWorkflowInstance as Op>::Data>(&exchange, &redactor)
            .map(drop)
            .map_err(|(e, _)| e),
        response::bare::<<ListAopWorkflowInstance as Op>::Data>(&exchange, &redactor)
            .map(drop)
            .map_err(|(e, _)| e),
        response::bare::<<CreateWorkflowInstance as Op>::Data>(&exchange, &redactor)
            .map(|(d, _)| drop(crate::StartedRun::from(d)))
            .map_err(|(e, _)| e),
        response::acknowledged(&exchange, &redactor)
            .map(drop)
            .map_err(|(e, _)| e),
    ]
}
