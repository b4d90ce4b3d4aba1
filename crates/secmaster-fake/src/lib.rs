//! A local SecMaster that behaves like the service, for tests, examples and other tools: real
//! HTTP on loopback (axum on tokio), with state, serving the workflows and their versions of the
//! Workflow Management chapter as the API pages describe them: list (filters, sort, paging),
//! create, show, update, delete and export workflows; list, create, show, edit, submit, review,
//! activate, deactivate and delete versions; validate a topology; run workflows and list, show,
//! terminate, retry and debug their runs; import an export (its format is the fake's own,
//! documented in the `store::files` module: `{"format": "secmaster-fake/workflows", "version":
//! 1, "workflows": [{"workflow": .., "versions": [..]}]}`).
//!
//! And the SOC's chapters, on a generic store driven by the spec's families: workspaces (a
//! missing one is 403 `SecMaster.20010001`), alerts, incidents, indicators, searches, the
//! conversion of alerts into an incident, relations, data classes, and exports and imports in
//! the fake's CSV (a header row of the create body's fields, one object a row; the README).
//!
//! And the playbook chapters as a SOAR engine: playbooks, versions, rules, actions and reviews
//! with their lifecycle; an enabled playbook triggered by `EVENT` starts an instance when an
//! alert or incident of its data class is created, changed or deleted and its rule picks it,
//! and the instance runs its actions' workflows as workflow runs; a `TIMER` one runs when
//! fired ([`FakeSecMaster::fire_playbook`]). Instances, topology, audit logs, monitors and
//! statistics are answered from what ran.
//!
//! - Requests are routed from the generated operations (literal segments before IDs), read with
//!   the bindings' types and answered with them; every change is applied atomically, in one
//!   order (each answer to a change carries it in `X-Fake-Sequence`), and a refusal changes
//!   nothing.
//! - Refusals have the pages' 400 shape `{code, message}`, with the codes in [`codes`]; the
//!   version lifecycle (draft, submitted, approved or rejected, activated) is enforced as the
//!   `store` module documents.
//! - Authentication like the gateway: tokens in `X-Auth-Token`, or SDK-HMAC-SHA256 signatures
//!   (±15 minutes; a temporary [`AccessKey`] needs its own security token in `X-Security-Token`,
//!   signed, and is refused after its `expires_at`); failures are 401
//!   `{"error_code":"APIGW.0301",...}`. Credentials belong to projects: a token or key used on
//!   another project's path, or a signed `X-Project-Id` that is not the path's, is refused with
//!   403 `APIGW.0302`. The built-in ones ([`FAKE_TOKEN`], [`FAKE_AK`]) are for the page's
//!   project only.
//! - A journal of the requests received, bounded ([`Limits`]): a request refused before it
//!   reaches the operation costs one line. Over HTTP, `GET /_fake/journal` answers
//!   `{"stats": {..}, "entries": [..]}` (credentials read `***`) and `DELETE /_fake/journal`
//!   clears it; both need an accepted token or key, and see and clear only the entries of its
//!   projects (and those whose path names none).
//! - Faults injected for the next N authenticated requests, of one operation, on one resource,
//!   or any ([`Fault`]), including a connection closed after the request was processed.
//! - Safe on a shared network: a cap on open connections, header-read, idle and body-read
//!   timeouts, an immediate 413 for a declared body over the limit, credentials checked before
//!   any body is read, a budget of body bytes in flight across connections, and a store bounded
//!   per workspace ([`Limits`]).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use secmaster::{Client, Credentials};
//! use secmaster_fake::{FAKE_TOKEN, FakeSecMaster, SeedWorkflow};
//!
//! let fake = FakeSecMaster::start().await?;
//! let seed = SeedWorkflow::page_example();
//! let client = Client::builder().endpoint(fake.endpoint()).credentials(Credentials::token(FAKE_TOKEN)).build()?;
//! let updated = client
//!     .update_workflow(&seed.project_id, &seed.workspace_id, seed.workflow.id.as_deref().unwrap_or(""))
//!     .enable("ver-0001")
//!     .send()
//!     .await?;
//! assert_eq!(updated.version.as_deref(), Some("v1"));
//! assert_eq!(fake.journal().len(), 1);
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

mod admin;
mod admit;
mod auth;
mod config;
mod faults;
mod journal;
mod keys;
mod layers;
mod limits;
mod ops;
mod query;
mod router;
mod serve;
mod server;
mod store;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

pub use auth::{AccessKey, CLOCK_WINDOW, Token};
pub use config::{Config, Fault, SeedFault};
pub use journal::{JournalEntry, JournalStats};
pub use layers::DEPRECATION_DATE;
pub use limits::Limits;
pub use ops::SEQUENCE as SEQUENCE_HEADER;
pub use store::{DataClass, Rejection, SeedWorkflow, Version, codes};

/// A token the fake accepts unless configured otherwise.
pub const FAKE_TOKEN: &str = "fake-secmaster-token";
/// An access key ID the fake accepts unless configured otherwise (with [`FAKE_SK`]).
pub const FAKE_AK: &str = "FAKEAK0000000000000001";
/// The secret key of [`FAKE_AK`].
pub const FAKE_SK: &str = "FAKESKfakeSecretKey000000000000000000001";

pub(crate) struct Inner {
    store: Mutex<store::Store>,
    keyring: Mutex<auth::Keyring>,
    journal: Mutex<journal::Journal>,
    limits: Limits,
    /// Request-body bytes held at once, across connections ([`Limits::body_budget_bytes`]).
    bodies: Arc<tokio::sync::Semaphore>,
    faults: Mutex<VecDeque<faults::Injected>>,
    run_time: Duration,
    terminate_time: Duration,
    clock_offset: Mutex<i64>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Inner {
    fn record(&self, entry: JournalEntry) {
        lock(&self.journal).push(entry);
    }

    fn journal(&self) -> MutexGuard<'_, journal::Journal> {
        lock(&self.journal)
    }

    fn keyring(&self) -> MutexGuard<'_, auth::Keyring> {
        lock(&self.keyring)
    }

    pub(crate) fn with_store<T>(&self, f: impl FnOnce(&mut store::Store) -> T) -> T {
        f(&mut lock(&self.store))
    }

    /// The fake's clock: the system clock shifted by [`FakeSecMaster::shift_clock`].
    fn now(&self) -> SystemTime {
        let offset = *lock(&self.clock_offset);
        let now = SystemTime::now();
        if offset >= 0 {
            now + Duration::from_secs(offset.unsigned_abs())
        } else {
            now - Duration::from_secs(offset.unsigned_abs())
        }
    }

    /// Now in the API page's format: China Standard Time with `Z+0800`, e.g.
    /// `2025-07-18T14:47:16.939Z+0800`.
    fn page_time(&self) -> String {
        page_stamp(self.now())
    }
}

/// `t` in the API page's format (China Standard Time with `Z+0800`).
pub(crate) fn page_stamp(t: SystemTime) -> String {
    let ts = jiff::Timestamp::try_from(t).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let cst = jiff::tz::offset(8).to_datetime(ts);
    cst.strftime("%Y-%m-%dT%H:%M:%S%.3fZ+0800").to_string()
}

/// A running fake. Dropping it stops the server.
pub struct FakeSecMaster {
    inner: Arc<Inner>,
    addr: SocketAddr,
    stop: tokio::sync::watch::Sender<bool>,
}

impl FakeSecMaster {
    /// Starts on a free loopback port with [`Config::default`].
    ///
    /// # Errors
    /// When no loopback port can be bound.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(Config::default(), "127.0.0.1:0".parse().expect("address")).await
    }

    /// Starts on `addr` with `config`.
    ///
    /// # Errors
    /// When `addr` cannot be bound.
    pub async fn start_with(config: Config, addr: SocketAddr) -> std::io::Result<Self> {
        let mut s = store::Store::new(config.limits.clone());
        for w in config.workflows {
            s.insert(w);
        }
        for class in config.dataclasses {
            s.add_dataclass(class);
        }
        let keyring = auth::Keyring {
            tokens: config.tokens,
            keys: config.keys.into_iter().map(|k| (k.ak.clone(), k)).collect(),
        };
        let inner = Arc::new(Inner {
            store: Mutex::new(s),
            keyring: Mutex::new(keyring),
            journal: Mutex::new(journal::Journal::new(&config.limits)),
            limits: config.limits.clone(),
            bodies: admit::budget(&config.limits),
            faults: Mutex::default(),
            clock_offset: Mutex::new(0),
            run_time: config.run_time,
            terminate_time: config.terminate_time,
        });
        for fault in config.faults {
            inner.inject(fault);
        }
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        // Layers wrap what is added before them: the last one added runs first.
        let app = axum::Router::new()
            .fallback(server::operation)
            .layer(axum::middleware::from_fn_with_state(
                inner.clone(),
                layers::faults,
            ))
            .layer(axum::middleware::from_fn_with_state(
                inner.clone(),
                layers::journal,
            ))
            .layer(axum::middleware::from_fn_with_state(
                inner.clone(),
                layers::authenticate,
            ))
            .layer(axum::middleware::from_fn_with_state(
                inner.clone(),
                layers::route,
            ))
            .layer(axum::middleware::from_fn_with_state(
                inner.clone(),
                layers::admin,
            ))
            .layer(axum::middleware::from_fn_with_state(
                inner.clone(),
                layers::gateway,
            ))
            .with_state(inner.clone());
        let (stop, stopped) = tokio::sync::watch::channel(false);
        tokio::spawn(serve::serve(listener, app, config.limits, stopped));
        Ok(Self { inner, addr, stop })
    }

    /// The base URL to give a client, e.g. `http://127.0.0.1:41234`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the fake listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Adds (or replaces) a workflow.
    pub fn seed(&self, workflow: SeedWorkflow) {
        self.inner.with_store(|s| s.insert(workflow));
    }

    /// A stored workflow as the API would return it.
    pub fn workflow(
        &self,
        project_id: &str,
        workspace_id: &str,
        workflow_id: &str,
    ) -> Option<secmaster::bindings::types::AopWorkflowInfo> {
        self.inner
            .with_store(|s| s.get(project_id, workspace_id, workflow_id))
    }

    /// Accepts one more token (for the projects it lists: `Token::from("t")` is for all), or
    /// changes the projects of one already accepted.
    pub fn add_token(&self, token: impl Into<Token>) {
        let token = token.into();
        let mut keyring = self.inner.keyring();
        keyring.tokens.retain(|t| t.token != token.token);
        keyring.tokens.push(token);
    }

    /// Adds a data class (and its project and workspace, if new).
    pub fn add_dataclass(&self, class: DataClass) {
        self.inner.with_store(|s| s.add_dataclass(class));
    }

    /// A stored version as the API would return it.
    pub fn version(
        &self,
        project_id: &str,
        workspace_id: &str,
        version_id: &str,
    ) -> Option<secmaster::bindings::types::AopWorkflowVersionInfo> {
        self.inner.with_store(|s| {
            s.space(project_id, workspace_id)
                .ok()?
                .version(version_id)
                .ok()
        })
    }

    /// How many changes the store has applied (the last `X-Fake-Sequence` given).
    pub fn sequence(&self) -> u64 {
        self.inner.with_store(|s| s.seq)
    }

    /// Accepts one more access key.
    pub fn add_key(&self, key: AccessKey) {
        self.inner.keyring().keys.insert(key.ak.clone(), key);
    }

    /// The requests received so far, oldest first, within [`Limits::journal_entries`] and
    /// [`Limits::journal_bytes`] (the oldest are dropped first; [`Self::journal_stats`] counts
    /// them). Over HTTP: `GET /_fake/journal` (see the crate docs).
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.inner.journal().entries()
    }

    /// The journal's own accounting: entries, bytes, entries dropped.
    pub fn journal_stats(&self) -> JournalStats {
        self.inner.journal().stats()
    }

    /// Forgets the requests received so far. Over HTTP: `DELETE /_fake/journal`.
    pub fn clear_journal(&self) {
        self.inner.journal().clear();
    }

    /// Injects `fault` into the next `times` authenticated requests, of any operation.
    pub fn inject(&self, fault: Fault, times: usize) {
        self.inject_where(None, None, fault, times);
    }

    /// Injects `fault` into the next `times` requests on one resource (the workflow, version or
    /// instance ID of the path), or any with `None`.
    pub fn inject_for(&self, id: Option<&str>, fault: Fault, times: usize) {
        self.inject_where(None, id, fault, times);
    }

    /// Injects `fault` into the next `times` requests of one operation (its operationId,
    /// `CreateAopWorkflow`).
    pub fn inject_into(&self, operation_id: &str, fault: Fault, times: usize) {
        self.inject_where(Some(operation_id), None, fault, times);
    }

    fn inject_where(&self, operation: Option<&str>, id: Option<&str>, fault: Fault, times: usize) {
        self.inner.inject(SeedFault {
            operation: operation.map(str::to_owned),
            id: id.map(str::to_owned),
            times,
            fault,
        });
    }

    /// Moves the fake's clock (used for the signature window) by `seconds`, to test clock skew.
    pub fn shift_clock(&self, seconds: i64) {
        *lock(&self.inner.clock_offset) = seconds;
    }
}

impl Drop for FakeSecMaster {
    /// Stops accepting, and closes every open connection once its request is answered.
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

impl std::fmt::Debug for FakeSecMaster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeSecMaster")
            .field("endpoint", &self.endpoint())
            .finish_non_exhaustive()
    }
}
