//! A local SecMaster that behaves like the service, for tests, examples and other tools: real
//! HTTP on loopback (axum on tokio) serving **Update a Workflow**
//! (`PUT /v1/{project_id}/workspaces/{workspace_id}/soc/workflows/{workflow_id}`) per the API page.
//!
//! - Updates apply to stored workflows atomically; answers have the page's 200 shape (code
//!   `00000000`, `success`, `request_id`, `data` with all 25 fields), and every response carries
//!   `X-Request-Id`.
//! - Bad requests get the page's 400 `{code, message}` shape, with the codes in [`codes`].
//! - Authentication like the gateway: tokens in `X-Auth-Token`, or SDK-HMAC-SHA256 signatures
//!   (±15 minutes, `X-Security-Token` for temporary keys); failures are 401
//!   `{"error_code":"APIGW.0301","error_msg":…,"request_id":…}`.
//! - A journal of the requests received, bounded ([`Limits`]): a request refused before it
//!   reaches the operation costs one line. Over HTTP, `GET /_fake/journal` answers
//!   `{"stats": {..}, "entries": [..]}` (credentials read `***`) and `DELETE /_fake/journal`
//!   clears it; both need an accepted token or key.
//! - Faults injected for the next N authenticated requests.
//! - Safe on a shared network: a cap on open connections, header-read, idle and body-read
//!   timeouts, and an immediate 413 for a declared body over the limit ([`Limits`]).
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
//! assert_eq!(updated.workflow.version.as_deref(), Some("v1"));
//! assert_eq!(fake.journal().len(), 1);
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

mod admin;
mod auth;
mod journal;
mod limits;
mod serve;
mod server;
mod store;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

pub use auth::{AccessKey, CLOCK_WINDOW};
pub use journal::{JournalEntry, JournalStats};
pub use limits::Limits;
pub use store::{Rejection, SeedWorkflow, Version, codes};

/// A token the fake accepts unless configured otherwise.
pub const FAKE_TOKEN: &str = "fake-secmaster-token";
/// An access key ID the fake accepts unless configured otherwise (with [`FAKE_SK`]).
pub const FAKE_AK: &str = "FAKEAK0000000000000001";
/// The secret key of [`FAKE_AK`].
pub const FAKE_SK: &str = "FAKESKfakeSecretKey000000000000000000001";

/// A misbehaviour to inject, for the next N requests to a workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    Delay(Duration),
    /// Answer HTTP 200 with `success: false` (after authentication).
    SuccessFalse,
    /// Announce a body, send part of it, then cut the connection.
    CutMidBody,
}

/// What the fake accepts and holds when it starts.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct Config {
    /// Tokens accepted in `X-Auth-Token`.
    #[serde(default)]
    pub tokens: Vec<String>,
    /// Access keys accepted in signatures.
    #[serde(default)]
    pub keys: Vec<AccessKey>,
    /// Workflows to start with.
    #[serde(default)]
    pub workflows: Vec<SeedWorkflow>,
    /// Connections, timeouts and journal size (not read from a seed file: the binary takes them
    /// as options).
    #[serde(skip)]
    pub limits: Limits,
}

impl Default for Config {
    /// Accepts [`FAKE_TOKEN`] and [`FAKE_AK`]/[`FAKE_SK`], and holds [`SeedWorkflow::page_example`].
    fn default() -> Self {
        Self {
            tokens: vec![FAKE_TOKEN.to_owned()],
            keys: vec![AccessKey {
                ak: FAKE_AK.to_owned(),
                sk: FAKE_SK.to_owned(),
                security_token: None,
            }],
            workflows: vec![SeedWorkflow::page_example()],
            limits: Limits::default(),
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
            limits: Limits::default(),
        }
    }

    /// Reads a seed file: JSON with `tokens`, `keys` (`ak`, `sk`, `security_token`) and
    /// `workflows` (`project_id`, `workspace_id`, `workflow`, `versions`), each optional.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }
}

pub(crate) struct Inner {
    store: Mutex<store::Store>,
    keyring: Mutex<auth::Keyring>,
    journal: Mutex<journal::Journal>,
    limits: Limits,
    faults: Mutex<VecDeque<(Option<String>, Fault)>>,
    clock_offset: Mutex<i64>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Inner {
    fn take_fault(&self, workflow: &str) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let i = faults
            .iter()
            .position(|(only, _)| only.as_deref().is_none_or(|w| w == workflow))?;
        faults.remove(i).map(|(_, f)| f)
    }

    fn record(&self, entry: JournalEntry) {
        lock(&self.journal).push(entry);
    }

    fn journal(&self) -> MutexGuard<'_, journal::Journal> {
        lock(&self.journal)
    }

    fn keyring(&self) -> MutexGuard<'_, auth::Keyring> {
        lock(&self.keyring)
    }

    fn with_store<T>(&self, f: impl FnOnce(&mut store::Store) -> T) -> T {
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
        let ts = jiff::Timestamp::try_from(self.now()).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        let cst = jiff::tz::offset(8).to_datetime(ts);
        cst.strftime("%Y-%m-%dT%H:%M:%S%.3fZ+0800").to_string()
    }
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
        let mut s = store::Store::default();
        for w in config.workflows {
            s.insert(w);
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
            faults: Mutex::default(),
            clock_offset: Mutex::new(0),
        });
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let app = axum::Router::new()
            .fallback(server::handle)
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

    /// Accepts one more token.
    pub fn add_token(&self, token: impl Into<String>) {
        self.inner.keyring().tokens.push(token.into());
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

    /// Injects `fault` into the next `times` authenticated requests to the operation (any
    /// workflow).
    pub fn inject(&self, fault: Fault, times: usize) {
        self.inject_for(None, fault, times);
    }

    /// Injects `fault` into the next `times` requests for one workflow ID (or any, with `None`).
    pub fn inject_for(&self, workflow_id: Option<&str>, fault: Fault, times: usize) {
        let fault = match fault {
            Fault::Delay(d) => Fault::Delay(d.min(server::MAX_DELAY)),
            other => other,
        };
        let mut faults = lock(&self.inner.faults);
        faults.extend(std::iter::repeat_n(
            (workflow_id.map(str::to_owned), fault),
            times,
        ));
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
