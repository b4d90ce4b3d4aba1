//! OIDC federation, as the official Python core does it: an ID token from the environment (or a
//! file it names) exchanged at STS for temporary keys of an agency,
//! `POST {sts}/v5/agencies/assume-with-oidc`.

use std::sync::OnceLock;
use std::time::Duration;

use serde::Serialize;

use super::provider::{CredentialsFuture, Env, ProvideCredentials, Provided};
use super::{Credentials, ENV_DOMAIN_ID, ENV_PROJECT_ID};
use crate::Error;
use crate::endpoint::Endpoint;
use crate::redact::Redactor;

/// Environment variable with the identity provider's URN (the official name).
pub const ENV_OIDC_PROVIDER_URN: &str = "HUAWEICLOUD_OIDC_PROVIDER_URN";
/// Environment variable with the URN of the agency to assume (the official name).
pub const ENV_OIDC_AGENCY_URN: &str = "HUAWEICLOUD_OIDC_AGENCY_URN";
/// Environment variable with the OIDC ID token itself (the official name; it wins over
/// [`ENV_OIDC_TOKEN_FILE`]).
pub const ENV_OIDC_ID_TOKEN: &str = "HUAWEICLOUD_OIDC_ID_TOKEN";
/// Environment variable naming a file that holds the OIDC ID token, read on every lookup (the
/// official name; a CI system or Kubernetes rewrites such a file as the token turns over).
pub const ENV_OIDC_TOKEN_FILE: &str = "HUAWEICLOUD_OIDC_TOKEN_FILE";
/// Environment variable with the session name given to STS (the official name; default
/// `oidc-sts-session`).
pub const ENV_OIDC_SESSION_NAME: &str = "HUAWEICLOUD_OIDC_SESSION_NAME";
/// Environment variable with the keys' lifetime asked of STS, in seconds (the official name;
/// default 3600).
pub const ENV_OIDC_DURATION_SECONDS: &str = "HUAWEICLOUD_OIDC_DURATION_SECONDS";
/// Environment variable with a session policy, sent as text (the official name).
pub const ENV_OIDC_POLICY: &str = "HUAWEICLOUD_OIDC_POLICY";
/// Environment variable with session policy IDs, comma-separated (the official name).
pub const ENV_OIDC_POLICY_IDS: &str = "HUAWEICLOUD_OIDC_POLICY_IDS";
/// Environment variable with the STS endpoint (the official name; default
/// `https://sts.cn-north-4.myhuaweicloud.com`, as the official core, whatever the region).
pub const ENV_STS_ENDPOINT: &str = "HUAWEICLOUD_SDK_STS_ENDPOINT";

const DEFAULT_STS: &str = "https://sts.cn-north-4.myhuaweicloud.com";
const ASSUME_WITH_OIDC: &str = "/v5/agencies/assume-with-oidc";
const DEFAULT_SESSION_NAME: &str = "oidc-sts-session";
const DEFAULT_DURATION_SECONDS: u32 = 3600;
/// The official core waits as long as its client's timeouts (60 s to connect, 120 s to read);
/// this provider bounds the exchange to 10 s.
const STS_TIMEOUT: Duration = Duration::from_secs(10);
const PROVIDER: &str = "OIDC federation";

/// Temporary keys of an agency, for an OIDC ID token (a CI job's, a Kubernetes service
/// account's): the first provider of [`DefaultChain`](super::DefaultChain), as in the official
/// Python core.
///
/// It reads [`ENV_OIDC_PROVIDER_URN`] and [`ENV_OIDC_AGENCY_URN`], the ID token from
/// [`ENV_OIDC_ID_TOKEN`] or the file [`ENV_OIDC_TOKEN_FILE`] names, [`ENV_OIDC_SESSION_NAME`],
/// [`ENV_OIDC_DURATION_SECONDS`] (3600), [`ENV_OIDC_POLICY`] and [`ENV_OIDC_POLICY_IDS`], then
/// `POST {sts}/v5/agencies/assume-with-oidc` (unsigned: the ID token is the proof) with
/// `{provider_urn, agency_urn, agency_session_name, id_token, duration_seconds}`; the STS endpoint
/// is [`ENV_STS_ENDPOINT`], else `https://sts.cn-north-4.myhuaweicloud.com`. The keys expire as
/// STS says and are fetched again ahead of that (the token file is read again each time); the
/// project and account come from `HUAWEICLOUD_SDK_PROJECT_ID` and `HUAWEICLOUD_SDK_DOMAIN_ID`.
///
/// Neither URN set is nothing found. Once one is, anything missing or failing stops the chain
/// with an error naming the variable or the problem (the official core would pass to its next
/// provider). The ID token is a secret: no error, Debug or log shows it.
///
/// ```
/// use secmaster::{Client, OidcProvider};
///
/// let client = Client::builder()
///     .region("cn-north-4")
///     .credentials_provider(OidcProvider::new())
///     .build()?;
/// # let _ = client;
/// # Ok::<(), secmaster::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct OidcProvider {
    /// Clients for a remote STS (through the environment's proxy) and a loopback one (direct).
    proxied: OnceLock<reqwest::Client>,
    direct: OnceLock<reqwest::Client>,
    pub(crate) env: Env,
}

/// What the variables ask for; `id_token` is a secret.
struct Exchange {
    sts: Endpoint,
    provider_urn: String,
    agency_urn: String,
    id_token: String,
    session_name: String,
    duration_seconds: u32,
    policy: Option<String>,
    policy_ids: Option<Vec<String>>,
}

/// The body of `assume-with-oidc`, in the official core's order.
#[derive(Serialize)]
struct Body<'a> {
    provider_urn: &'a str,
    agency_urn: &'a str,
    agency_session_name: &'a str,
    id_token: &'a str,
    duration_seconds: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy_ids: Option<&'a [String]>,
}

fn broken(reason: String) -> Error {
    Error::Credentials {
        provider: PROVIDER.into(),
        reason,
    }
}

impl OidcProvider {
    /// The provider (it reads the variables, and the token file, on each lookup).
    pub fn new() -> Self {
        Self::default()
    }

    /// The exchange the variables describe: `None` when neither URN is set.
    fn exchange(&self) -> Result<Option<Exchange>, Error> {
        let var = |name| self.env.var(name).filter(|v| !v.trim().is_empty());
        let urns = (var(ENV_OIDC_PROVIDER_URN), var(ENV_OIDC_AGENCY_URN));
        let (provider_urn, agency_urn) = match urns {
            (None, None) => return Ok(None),
            (Some(p), Some(a)) => (p, a),
            (Some(_), None) => return Err(missing(ENV_OIDC_PROVIDER_URN, ENV_OIDC_AGENCY_URN)),
            (None, Some(_)) => return Err(missing(ENV_OIDC_AGENCY_URN, ENV_OIDC_PROVIDER_URN)),
        };
        let id_token = match (var(ENV_OIDC_ID_TOKEN), var(ENV_OIDC_TOKEN_FILE)) {
            (Some(token), _) => token.trim().to_owned(),
            (None, Some(file)) => read_token(&file)?,
            (None, None) => {
                return Err(broken(format!(
                    "{ENV_OIDC_PROVIDER_URN} is set but neither {ENV_OIDC_ID_TOKEN} nor \
                     {ENV_OIDC_TOKEN_FILE} is: set one to the ID token"
                )));
            }
        };
        let duration_seconds = match var(ENV_OIDC_DURATION_SECONDS) {
            None => DEFAULT_DURATION_SECONDS,
            Some(text) => text.trim().parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                broken(format!(
                    "{ENV_OIDC_DURATION_SECONDS} is `{text}`: expected whole seconds above 0"
                ))
            })?,
        };
        let sts_url = var(ENV_STS_ENDPOINT).unwrap_or_else(|| DEFAULT_STS.to_owned());
        let sts = Endpoint::parse(&sts_url, false)
            .map_err(|e| broken(format!("the STS endpoint ({ENV_STS_ENDPOINT}): {e}")))?;
        Ok(Some(Exchange {
            sts,
            provider_urn,
            agency_urn,
            id_token,
            session_name: var(ENV_OIDC_SESSION_NAME)
                .unwrap_or_else(|| DEFAULT_SESSION_NAME.to_owned()),
            duration_seconds,
            policy: var(ENV_OIDC_POLICY),
            policy_ids: var(ENV_OIDC_POLICY_IDS).map(|ids| {
                ids.split(',')
                    .map(str::trim)
                    .filter(|id| !id.is_empty())
                    .map(str::to_owned)
                    .collect()
            }),
        }))
    }

    async fn fetch(&self) -> Result<Provided, Error> {
        let Some(exchange) = self.exchange()? else {
            return Ok(Provided::NotFound(format!(
                "{ENV_OIDC_PROVIDER_URN} and {ENV_OIDC_AGENCY_URN} are not set"
            )));
        };
        // Whatever a hostile or confused STS puts in its answer, the ID token reaches no error.
        let hide = Redactor::of(vec![exchange.id_token.clone()]);
        let sts = &exchange.sts;
        let failed = |reason: String| Error::Credentials {
            provider: format!("{PROVIDER} (STS at {})", sts.base),
            reason: hide.text(reason),
        };
        let found = self.call(&exchange).await.map_err(failed)?;
        let found = match self.env.var(ENV_PROJECT_ID) {
            Some(project) => found.with_project_id(project),
            None => found,
        };
        Ok(Provided::Found(match self.env.var(ENV_DOMAIN_ID) {
            Some(domain) => found.with_domain_id(domain),
            None => found,
        }))
    }

    /// The exchange itself; errors as text (the caller hides the ID token in them).
    async fn call(&self, exchange: &Exchange) -> Result<Credentials, String> {
        let sts = &exchange.sts;
        let (slot, direct) = if sts.is_loopback() {
            (&self.direct, true)
        } else {
            (&self.proxied, false)
        };
        let http =
            super::remote::http_client(slot, STS_TIMEOUT, direct).map_err(|e| e.to_string())?;
        let body = Body {
            provider_urn: &exchange.provider_urn,
            agency_urn: &exchange.agency_urn,
            agency_session_name: &exchange.session_name,
            id_token: &exchange.id_token,
            duration_seconds: exchange.duration_seconds,
            policy: exchange.policy.as_deref(),
            policy_ids: exchange.policy_ids.as_deref(),
        };
        let body = serde_json::to_vec(&body).map_err(|e| e.to_string())?;
        // Scheme and authority only, as the official core builds the URL.
        let url = format!("{}://{}{ASSUME_WITH_OIDC}", sts.url.scheme(), sts.host);
        let response = http
            .post(url)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/json;charset=UTF-8",
            )
            .header(
                reqwest::header::USER_AGENT,
                concat!("secmaster-rust/", env!("CARGO_PKG_VERSION")),
            )
            .body(body)
            .send()
            .await
            .map_err(|e| crate::runtime::causes(&e))?;
        let status = response.status();
        let answer = response
            .bytes()
            .await
            .map_err(|e| crate::runtime::causes(&e))?;
        if !status.is_success() {
            return Err(format!(
                "STS answered HTTP {}{}",
                status.as_u16(),
                error_code(&answer)
            ));
        }
        super::remote::parse_answer(&answer)
    }
}

impl ProvideCredentials for OidcProvider {
    fn provide(&self) -> CredentialsFuture<'_> {
        Box::pin(self.fetch())
    }
}

fn missing(set: &str, unset: &str) -> Error {
    broken(format!("{set} is set but {unset} is not"))
}

/// The ID token in `file`, trimmed; a file that cannot be read or is empty is an error naming it.
fn read_token(file: &str) -> Result<String, Error> {
    let path = std::path::Path::new(file);
    let text = std::fs::read_to_string(path).map_err(|e| {
        broken(format!(
            "the ID token file {} ({ENV_OIDC_TOKEN_FILE}) cannot be read: {e}",
            path.display()
        ))
    })?;
    let token = text.trim();
    if token.is_empty() {
        return Err(broken(format!(
            "the ID token file {} ({ENV_OIDC_TOKEN_FILE}) is empty",
            path.display()
        )));
    }
    Ok(token.to_owned())
}

/// ` (CODE)` when an error answer carries an error code that looks like one (`IAM.0001`), else
/// nothing: the rest of the answer is STS's text, not shown.
fn error_code(answer: &[u8]) -> String {
    let value: serde_json::Value = serde_json::from_slice(answer).unwrap_or_default();
    let code = ["error_code", "code"]
        .iter()
        .find_map(|k| value.get(*k).and_then(serde_json::Value::as_str))
        .or_else(|| {
            value
                .pointer("/error/code")
                .and_then(serde_json::Value::as_str)
        });
    match code {
        Some(code)
            if !code.is_empty()
                && code.len() <= 32
                && code
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c)) =>
        {
            format!(" ({code})")
        }
        _ => String::new(),
    }
}
