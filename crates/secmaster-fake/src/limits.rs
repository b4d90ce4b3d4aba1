//! What the fake spends at most on any client: connections, time, body, store and journal
//! memory.

use std::time::Duration;

/// The fake's limits, so that a client on the same network, authenticated or not, cannot make
/// it hold memory or connections without bound. Every field can be changed; the binary takes
/// each as an option (`secmaster-fake --help`).
///
/// What the defaults allow at most: 512 open connections, each closed after 10 s without a
/// complete request head, 60 s without a byte moving while no request is handled, or 30 s
/// reading one request's body; bodies of 12 MiB, 64 MiB of them held at once; 32 workspaces;
/// per workspace, 1,000 workflows of 100 versions each, 1,000 runs, 4 MiB per object and 64 MiB in all (what
/// the store refuses past them: [`crate::codes::LIMIT_EXCEEDED`]), runs started with at most 64 KiB
/// of context; a journal of 1,000 entries and 16 MiB (its own accounting,
/// [`crate::JournalStats`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The largest request body, in bytes (like the real gateway's 12 MiB). A larger declared
    /// `Content-Length` is answered 413 at once, without waiting for the body; a body that grows
    /// past it (chunked) is answered 413 when it does.
    pub max_body_bytes: usize,
    /// How long the fake waits for a request's head (request line and headers), counted from
    /// when it starts waiting: on a new connection, and after each answer on a kept-alive one.
    /// Then it closes the connection (hyper's header-read timeout).
    pub header_read_timeout: Duration,
    /// A connection on which no byte moves for this long while none of its requests is being
    /// handled is closed. An idle kept-alive connection is also closed by
    /// [`Limits::header_read_timeout`], whichever comes first.
    pub idle_timeout: Duration,
    /// How long reading one request's body may take, from its head; then the fake answers 408
    /// and closes the connection.
    pub body_read_timeout: Duration,
    /// The most request-body bytes the fake holds at once, across all connections (never less
    /// than [`Limits::max_body_bytes`]). A request reserves its declared `Content-Length` (the
    /// most a body may be, when it declares none) before its body is read, and holds it until it
    /// is answered; a request that does not fit waits, its body unread in its socket, and is
    /// answered 503 with `Retry-After: 1` if no room frees up within
    /// [`Limits::body_read_timeout`].
    pub body_budget_bytes: usize,
    /// The most connections open at once; a connection over the cap is closed as soon as it
    /// is accepted.
    pub max_connections: usize,
    /// The most workflows a workspace holds (a create or an import past it is refused).
    pub max_workflows: usize,
    /// The most versions a workflow holds.
    pub max_versions: usize,
    /// The most runs a workspace holds (a run's record stays until its workflow is deleted).
    pub max_runs: usize,
    /// The most objects a workspace holds of each family served from the spec alone (alerts,
    /// incidents, ...), and of each of the playbook chapters' (playbooks, versions, rules,
    /// actions, approvals, instances: an instance past it is not started).
    pub max_objects: usize,
    /// The most workspaces the fake holds in all, seeded ones included (a CreateWorkspace past
    /// it is refused): with [`Limits::max_workspace_bytes`], what the store may hold at most.
    pub max_workspaces: usize,
    /// The most one stored object (a workflow, a version, a run) may cost, in bytes: the size
    /// of its type plus the length of its JSON.
    pub max_object_bytes: usize,
    /// The most a workspace's objects may cost in all, in bytes (as [`Limits::max_object_bytes`]
    /// counts them).
    pub max_workspace_bytes: usize,
    /// The largest context a run is started with (its `playbook_context.data_object.content` as
    /// JSON), or a debug command's `input_dataobject`, in bytes.
    pub max_run_context_bytes: usize,
    /// The most journal entries held; the oldest are dropped first.
    pub journal_entries: usize,
    /// The most bytes the journal holds (its own accounting); the oldest entries are dropped
    /// first.
    pub journal_bytes: usize,
    /// The most bytes of one request's body the journal keeps (`body_len` tells the whole).
    pub journal_body_bytes: usize,
    /// The most bytes of one request's header names and values the journal keeps.
    pub journal_header_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 12 * 1024 * 1024,
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            body_read_timeout: Duration::from_secs(30),
            body_budget_bytes: 64 * 1024 * 1024,
            max_connections: 512,
            max_workflows: 1000,
            max_versions: 100,
            max_runs: 1000,
            max_objects: 1000,
            max_workspaces: 32,
            max_object_bytes: 4 * 1024 * 1024,
            max_workspace_bytes: 64 * 1024 * 1024,
            max_run_context_bytes: 64 * 1024,
            journal_entries: 1000,
            journal_bytes: 16 * 1024 * 1024,
            journal_body_bytes: 64 * 1024,
            journal_header_bytes: 16 * 1024,
        }
    }
}
