//! What the fake starts with ([`Config`], a seed file's form) and the faults it can inject.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{
    AccessKey, DataClass, FAKE_AK, FAKE_SK, FAKE_TOKEN, Limits, SeedWorkflow, Token, store,
};

/// A misbehaviour to inject into the next N authenticated requests (of an operation, or for a
/// resource, or any).
///
/// In a seed file or the binary's `--fault`: `{"status": {"status": 503, "retry_after": 1}}`,
/// `"html502"`, `{"delay_ms": 500}`, `"success_false"`, `"cut_mid_body"`,
/// `"closed_before_processing"`, `"closed_after_processing"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Fault {
    /// Answer this status with a gateway-shaped body, and `Retry-After` seconds when given
    /// (for example 429 with `Some(1)`, 500, 503).
    Status {
        /// The HTTP status.
        status: u16,
        /// `Retry-After` in seconds.
        retry_after: Option<u32>,
    },
    /// Answer 502 with an HTML page, like a load balancer.
    Html502,
    /// Wait this long (at most 300 s), then handle the request normally.
    #[serde(rename = "delay_ms", with = "millis")]
    Delay(Duration),
    /// Answer HTTP 200 with `success: false` (after authentication).
    SuccessFalse,
    /// Announce a body, send part of it, then cut the connection (the request is not processed).
    CutMidBody,
    /// Close the connection without an answer; the request is not processed.
    ClosedBeforeProcessing,
    /// Process the request (a create creates), then close the connection without the answer:
    /// what a client sees when its answer is lost, and must not repeat a create for.
    ClosedAfterProcessing,
}

/// What the fake accepts and holds when it starts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Config {
    /// Tokens accepted in `X-Auth-Token`, each for the projects it lists (in a seed file, a
    /// plain string is a token for every project).
    #[serde(default)]
    pub tokens: Vec<Token>,
    /// Access keys accepted in signatures, each for the projects it lists (all when it lists
    /// none).
    #[serde(default)]
    pub keys: Vec<AccessKey>,
    /// Workflows to start with (their projects and workspaces exist from then on).
    #[serde(default)]
    pub workflows: Vec<SeedWorkflow>,
    /// Data classes to start with (workflows are created for one; their projects and
    /// workspaces exist from then on).
    #[serde(default)]
    pub dataclasses: Vec<DataClass>,
    /// Faults waiting for requests from the start (as [`FakeSecMaster::inject_into`](crate::FakeSecMaster::inject_into) and
    /// [`FakeSecMaster::inject_for`](crate::FakeSecMaster::inject_for) add them).
    #[serde(default)]
    pub faults: Vec<SeedFault>,
    /// Connections, timeouts, bodies in flight, the store's size per workspace and the
    /// journal's (not read from a seed file: the binary takes them as options).
    #[serde(skip)]
    pub limits: Limits,
    /// How long a run takes before it ends by itself (2 s unless set; the binary's
    /// `--run-time-ms`).
    #[serde(skip, default = "default_run_time")]
    pub run_time: Duration,
    /// How long a terminated run (or playbook instance) stays `TERMINATING` before it is
    /// `TERMINATED` (at once unless set; the binary's `--terminate-time-ms`).
    #[serde(skip)]
    pub terminate_time: Duration,
}

fn default_run_time() -> Duration {
    store::RUN_TIME
}

impl Default for Config {
    /// Accepts [`FAKE_TOKEN`] and [`FAKE_AK`]/[`FAKE_SK`] for the API page's project only, and
    /// holds [`SeedWorkflow::page_example`] (version `ver-0001` activated, `ver-0002` approved)
    /// and the page's data class ([`DataClass::page_example`]).
    fn default() -> Self {
        let example = SeedWorkflow::page_example();
        let project = Some(vec![example.project_id.clone()]);
        Self {
            tokens: vec![Token {
                token: FAKE_TOKEN.to_owned(),
                projects: project.clone(),
            }],
            keys: vec![AccessKey::new(FAKE_AK, FAKE_SK).for_projects([example.project_id.clone()])],
            workflows: vec![example],
            dataclasses: vec![DataClass::page_example()],
            faults: Vec::new(),
            limits: Limits::default(),
            run_time: store::RUN_TIME,
            terminate_time: Duration::ZERO,
        }
    }
}

impl Config {
    /// Nothing accepted, nothing stored.
    pub fn empty() -> Self {
        Self {
            tokens: Vec::new(),
            keys: Vec::new(),
            workflows: Vec::new(),
            dataclasses: Vec::new(),
            faults: Vec::new(),
            limits: Limits::default(),
            run_time: store::RUN_TIME,
            terminate_time: Duration::ZERO,
        }
    }

    /// Reads a seed file: JSON with `tokens` (strings, or `{token, projects}`), `keys` (`ak`,
    /// `sk`, `security_token`, `expires_at` in RFC 3339, `projects`), `workflows` (`project_id`,
    /// `workspace_id`, `workflow`, `versions` of `{id, name, status}`) and `dataclasses`
    /// (`project_id`, `workspace_id`, `id`, `name`) and `faults` (`operation`, `id`, `times`,
    /// `fault`), each optional.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }
}

/// A fault waiting from the start: for the next `times` requests of `operation` (an
/// operationId) on resource `id`, each when given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeedFault {
    /// The operation (`CreateAopWorkflow`); any when left out.
    #[serde(default)]
    pub operation: Option<String>,
    /// The resource ID of the path (a workflow, version or instance); any when left out.
    #[serde(default)]
    pub id: Option<String>,
    /// How many requests it is injected into (1 when left out).
    #[serde(default = "once")]
    pub times: usize,
    /// What happens.
    pub fault: Fault,
}

fn once() -> usize {
    1
}

impl SeedFault {
    /// `fault` for the next `times` requests of any operation, on any resource.
    pub fn new(fault: Fault, times: usize) -> Self {
        Self {
            operation: None,
            id: None,
            times,
            fault,
        }
    }

    /// The same, for `operation` only.
    #[must_use]
    pub fn of(mut self, operation: impl Into<String>) -> Self {
        self.operation = Some(operation.into());
        self
    }
}

/// A `Duration` as whole milliseconds.
mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}
