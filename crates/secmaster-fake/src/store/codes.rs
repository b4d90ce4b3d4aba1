//! The fake's error codes: the service's where it is known ([`UNKNOWN_WORKFLOW`],
//! [`UNKNOWN_OBJECT`], [`UNKNOWN_WORKSPACE`]), the fake's own otherwise (the API pages document
//! none).
//! Every refusal is HTTP 400 (403 for a missing workspace) in the shape the operation's page
//! gives its 400 (`{code, message}`, or `{error_code, error_msg}` for the workspace and data
//! class chapters) and changes nothing; an operation the fake does not serve is HTTP 501 with
//! [`NOT_SERVED`]. A code is read with its status: [`MALFORMED_BODY`] (400) and
//! [`UNKNOWN_WORKSPACE`] (403) are the same text.

/// An operation routed from the generated operations that the fake does not serve: HTTP 501
/// `{code, message}`, the message naming the operation ("the fake does not serve
/// OperationId"). The fake's own code, not the service's.
pub const NOT_SERVED: &str = "FAKE.0501";
/// The body is not a JSON object of the operation's shape.
pub const MALFORMED_BODY: &str = "SecMaster.20010001";
/// A field has the wrong JSON type.
pub const WRONG_TYPE: &str = "SecMaster.20010002";
/// An enum field (`labels`, `aop_type`, `status`, `result`, `mode`, ...) has a value the API
/// does not list.
pub const INVALID_LABELS: &str = "SecMaster.20010003";
/// `enabled` is true but `version_id` is missing or empty.
pub const VERSION_REQUIRED: &str = "SecMaster.20010004";
/// `version_id` is not a version of this workflow.
pub const UNKNOWN_VERSION: &str = "SecMaster.20010005";
/// A query parameter is out of its range or not of its type.
pub const INVALID_PARAMETER: &str = "SecMaster.20010006";
/// A mandatory field is missing or empty.
pub const MISSING_FIELD: &str = "SecMaster.20010007";
/// `taskflow` is not Base64 of JSON.
pub const INVALID_TASKFLOW: &str = "SecMaster.20010008";
/// Another workflow of the workspace has this name.
pub const NAME_TAKEN: &str = "SecMaster.20020001";
/// Enabling needs the workflow's activated version, and `version_id` is another.
pub const VERSION_NOT_ACTIVATED: &str = "SecMaster.20030001";
/// The version's status does not allow this (an edit of a submitted version, activating one
/// not approved, reviewing one not submitted, ...).
pub const WRONG_VERSION_STATUS: &str = "SecMaster.20030002";
/// The activated version cannot be deleted, nor deactivated while the workflow is enabled.
pub const VERSION_IN_USE: &str = "SecMaster.20030003";
/// An enabled workflow cannot be deleted: disable it first.
pub const WORKFLOW_ENABLED: &str = "SecMaster.20030004";
/// The workspace does not exist in the project (nor does a project the fake holds no workspace
/// of): HTTP **403**, the service's own code (as the Terraform provider checks it), on every
/// operation under a workspace. The same text as [`MALFORMED_BODY`], which comes with 400.
pub const UNKNOWN_WORKSPACE: &str = "SecMaster.20010001";
/// The workflow does not exist in the workspace: the service's own code.
pub const UNKNOWN_WORKFLOW: &str = "SecMaster.20040611";
/// The version does not exist in the workspace.
pub const UNKNOWN_VERSION_ID: &str = "SecMaster.20040004";
/// The data class does not exist in the workspace.
pub const UNKNOWN_DATACLASS: &str = "SecMaster.20040005";
/// A disabled workflow cannot run: enable it first.
pub const WORKFLOW_DISABLED: &str = "SecMaster.20030007";
/// An object of a family the fake serves from the spec (an alert, an incident, a data object)
/// does not exist in the workspace: the service's own code.
pub const UNKNOWN_OBJECT: &str = "SecMaster.20030005";
/// The instance's status does not allow the command (terminating a finished run, retrying
/// a running one, ...).
pub const WRONG_INSTANCE_STATUS: &str = "SecMaster.20030006";
/// The imported file is not an export of the fake (`secmaster-fake/workflows`), or holds
/// nothing to import.
pub const MALFORMED_FILE: &str = "SecMaster.20010009";
/// The imported file is larger than the fake takes (4 MiB).
pub const FILE_TOO_LARGE: &str = "SecMaster.20010010";
/// A limit of the fake's store ([`crate::Limits`]) would be passed: too many workflows in the
/// workspace, versions of a workflow or runs, an object or a workspace too large, a run's
/// context too large. The fake's own code: the API pages document no quota error.
pub const LIMIT_EXCEEDED: &str = "SecMaster.20050001";
/// The workflow instance does not exist in the workspace.
pub const UNKNOWN_INSTANCE: &str = "SecMaster.20040006";
/// An enabled playbook is changed only by disabling it (or switching its active version), and
/// deleted only once disabled. The fake's own code.
pub const PLAYBOOK_ENABLED: &str = "SecMaster.20030008";
