//! The client and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::endpoint::Endpoint;
use crate::redact::Redactor;
use crate::runtime::Auth;
use crate::{ClientBuilder, RetryPolicy};

/// A SecMaster client: cheap to clone, safe to share between tasks (one connection pool).
///
/// Here against the local fake SecMaster (`secmaster-fake`); against Huawei Cloud, use
/// `.region("cn-north-4")` and real credentials, e.g. `Credentials::from_env()?`.
///
/// ```
/// use secmaster::{Client, Credentials, Label};
/// # use secmaster_fake::{FAKE_TOKEN, FakeSecMaster};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let fake = FakeSecMaster::start().await?;
/// let client = Client::builder()
///     .endpoint(fake.endpoint())
///     .credentials(Credentials::token(FAKE_TOKEN))
///     .build()?;
/// let updated = client
///     .update_workflow("f69081793d9e4ea8a2f479dcef961989", "f44065f5-557b-4376-ae02-8c65ef1960f4", "c19470f3-5eaf-4572-82e8-2ff094495919")
///     .name("Test_aop")
///     .enable("ver-0001")
///     .labels(Label::Ip)
///     .send()
///     .await?;
/// assert_eq!(updated.enabled, Some(true));
/// println!("{:?} {:?}", updated.name, updated.request_id);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// What every call of a client shares.
pub(crate) struct Inner {
    pub project_id: Option<String>,
    /// The region, when the client was given one (or found it in the environment).
    pub region: Option<String>,
    pub allow_insecure_http: bool,
    pub http: reqwest::Client,
    pub endpoint: Endpoint,
    /// Every endpoint of the region (the first is `endpoint`), for failover.
    pub endpoints: crate::runtime::Endpoints,
    pub retry: RetryPolicy,
    pub attempt_timeout: Duration,
    pub max_response_bytes: usize,
    pub max_download_bytes: usize,
    /// Whether requests are signed with AK/SK (they then carry `X-Project-Id`); `None` while
    /// the credentials come from a provider.
    pub aksk: Option<bool>,
    pub auth: Auth,
    pub redactor: Arc<Redactor>,
    /// How the client was set up, for Debug: its credentials (the AK, never a secret) and proxy.
    pub described: Described,
}

/// What a client's Debug shows of its set-up: nothing secret.
#[derive(Debug)]
pub(crate) struct Described {
    pub auth: String,
    pub proxy: String,
}

impl Client {
    /// Starts configuring a client; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The default project ID: [`ClientBuilder::project_id`], else the fixed credentials'
    /// (`HUAWEICLOUD_SDK_PROJECT_ID` with [`Credentials::from_env`](crate::Credentials::from_env)).
    /// Credentials from a provider are known only once asked:
    /// [`discover_project_id`](Self::discover_project_id) gives theirs, or IAM's.
    ///
    /// ```
    /// # use secmaster::{Client, Credentials};
    /// let client = Client::builder()
    ///     .endpoint("https://secmaster.cn-north-4.myhuaweicloud.com")
    ///     .credentials(Credentials::ak_sk("AK", "SK").with_project_id("0123456789abcdef"))
    ///     .build()?;
    /// assert_eq!(client.project_id(), Some("0123456789abcdef"));
    /// # Ok::<(), secmaster::Error>(())
    /// ```
    pub fn project_id(&self) -> Option<&str> {
        self.inner.project_id.as_deref()
    }

    /// The endpoint requests go to (scheme, host, port and any path prefix).
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint.base
    }

    pub(crate) fn shared(&self) -> &Inner {
        &self.inner
    }

    pub(crate) fn new(inner: Inner) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("endpoint", &inner.endpoint.base)
            .field("auth", &inner.described.auth)
            .field("proxy", &inner.described.proxy)
            .field("retry", &inner.retry)
            .field("attempt_timeout", &inner.attempt_timeout)
            .field("max_response_bytes", &inner.max_response_bytes)
            .field("max_download_bytes", &inner.max_download_bytes)
            .finish()
    }
}

/// A client scoped to one project and workspace: every operation whose path starts with them,
/// without those two arguments (`ws.list_workflows()` is `client.list_workflows(p, w)`). Made by
/// [`Client::workspace`]; cheap to clone, and sharing the client's connections.
///
/// ```no_run
/// # async fn demo(client: secmaster::Client) -> Result<(), secmaster::Error> {
/// let ws = client.workspace("project-id", "workspace-id");
/// let page = ws.list_workflows().enabled(true).send().await?;
/// for w in &page.items {
///     let versions = ws.list_workflow_versions(w.id.as_deref().unwrap_or_default()).send().await?;
///     println!("{:?}: {} versions", w.name, versions.items.len());
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct WorkspaceClient {
    client: Client,
    project_id: String,
    workspace_id: String,
}

impl Client {
    /// A handle on one project and workspace, offering the same operations without those two
    /// arguments (see [`WorkspaceClient`]).
    pub fn workspace(
        &self,
        project_id: impl Into<String>,
        workspace_id: impl Into<String>,
    ) -> WorkspaceClient {
        WorkspaceClient {
            client: self.clone(),
            project_id: project_id.into(),
            workspace_id: workspace_id.into(),
        }
    }
}

impl WorkspaceClient {
    /// The client it calls through.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Its project's ID.
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// Its workspace's ID.
    pub fn workspace_id(&self) -> &str {
        &self.workspace_id
    }
}
