//! Project discovery, as the official cores do it: the configured project ID, else IAM's project
//! named after the region (`GET {iam}/v3/projects?name={region}`, signed), cached per key and
//! region.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, Url};
use serde::Deserialize;

use crate::endpoint::{Endpoint, REGIONS};
use crate::runtime::{Keys, Prepared, ProjectHeader};
use crate::{Client, Error};

/// Environment variable with the IAM endpoint project discovery asks (the official SDKs' name).
pub const ENV_IAM_ENDPOINT: &str = "HUAWEICLOUD_SDK_IAM_ENDPOINT";
/// The global IAM endpoint, for a region IAM's table does not have.
const GLOBAL_IAM: &str = "https://iam.myhuaweicloud.com";
const X_IAM_TRACE_ID: HeaderName = HeaderName::from_static("x-iam-trace-id");

/// Projects found, per key (the AK, or a token's hash) and region, for the whole process.
fn found() -> &'static Mutex<HashMap<(String, String), String>> {
    static FOUND: OnceLock<Mutex<HashMap<(String, String), String>>> = OnceLock::new();
    FOUND.get_or_init(Mutex::default)
}

#[derive(Deserialize)]
struct Projects {
    projects: Vec<Project>,
}

#[derive(Deserialize)]
struct Project {
    id: String,
}

impl Client {
    /// The project ID calls are made in: [`Client::project_id`], else the credentials' (from
    /// their provider), else IAM's project named after the client's region, found with a signed
    /// `GET {iam}/v3/projects?name={region}` as the official SDKs do, and cached per key and
    /// region for the process. IAM is the credentials' `iam_endpoint` (the profile file's), else
    /// `$HUAWEICLOUD_SDK_IAM_ENDPOINT`, else `https://iam.{region}.myhuaweicloud.com` for the
    /// regions of [`REGIONS`](crate::REGIONS), else the global `https://iam.myhuaweicloud.com`.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), secmaster::Error> {
    /// let client = secmaster::Client::builder().region("cn-north-4").build()?;
    /// let project = client.discover_project_id().await?;
    /// let page = client.list_workflows(&project, "workspace-id").send().await?;
    /// # let _ = page;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`Error::Credentials`] when there are none; [`Error::Config`] without a region; IAM out
    /// of reach as [`Error::Transport`] or [`Error::Timeout`] (the client's attempt timeout); an
    /// IAM refusal as [`Error::Service`]; no project or several of that name as
    /// [`Error::Decode`] with IAM's trace id.
    pub async fn discover_project_id(&self) -> Result<String, Error> {
        if let Some(project) = self.project_id() {
            return Ok(project.to_owned());
        }
        let inner = self.shared();
        let keys = inner.auth.keys().await?;
        if let Some(project) = keys.credentials.project_id() {
            return Ok(project.to_owned());
        }
        let region = inner.region.as_deref().ok_or_else(|| {
            Error::Config(
                "no project ID to use and no region to find one for: set a project ID \
                 (ClientBuilder::project_id, HUAWEICLOUD_SDK_PROJECT_ID) or a region"
                    .into(),
            )
        })?;
        let key = (cache_key(&keys), region.to_owned());
        if let Some(project) = found().lock().expect("never poisoned").get(&key) {
            return Ok(project.clone());
        }
        let iam = iam_endpoint(&keys, region, |name| std::env::var(name).ok());
        // IAM's answers pass the client's redactor like SecMaster's.
        let project = self
            .ask_iam(&keys, &iam, region)
            .await
            .map_err(|e| inner.redactor.error(e))?;
        found()
            .lock()
            .expect("never poisoned")
            .insert(key, project.clone());
        Ok(project)
    }

    async fn ask_iam(&self, keys: &Keys, iam: &str, region: &str) -> Result<String, Error> {
        let inner = self.shared();
        let endpoint = Endpoint::parse(iam, inner.allow_insecure_http)
            .map_err(|e| Error::Config(format!("the IAM endpoint: {e}")))?;
        let mut url: Url = endpoint.url.clone();
        url.set_path(&format!(
            "{}/v3/projects",
            endpoint.url.path().trim_end_matches('/')
        ));
        url.set_query(Some(&format!(
            "name={}",
            secmaster_bindings::encode(region)
        )));
        let prepared = Prepared {
            method: Method::GET,
            url,
            accept: HeaderValue::from_static("application/json"),
            content_type: HeaderValue::from_static(secmaster_bindings::CONTENT_TYPE_JSON_UTF8),
            body: None,
            project_id: ProjectHeader::None,
        };
        let host = HeaderValue::from_str(&endpoint.host).expect("a URL's host");
        let request = inner.auth.request_to(&prepared, keys, &host)?;
        let send = async {
            let response = inner.http.execute(request).await?;
            let status = response.status().as_u16();
            let trace = crate::runtime::header_text(response.headers(), &X_IAM_TRACE_ID);
            Ok::<_, reqwest::Error>((status, trace, response.bytes().await?))
        };
        let (status, trace, body) = tokio::time::timeout(inner.attempt_timeout, send)
            .await
            .map_err(|_| Error::Timeout {
                elapsed: inner.attempt_timeout,
                attempts: 1,
            })?
            .map_err(|source| Error::Transport {
                connect: source.is_connect(),
                attempts: 1,
                source,
            })?;
        if !(200..300).contains(&status) {
            let mut error = crate::runtime::decode_error_body(status, &body, trace);
            inner.redactor.service_error(&mut error);
            return Err(Error::Service(Box::new(error)));
        }
        let undecodable = |reason: String| Error::Decode {
            status,
            path: ".projects".into(),
            reason,
            request_id: trace.clone(),
        };
        let projects: Projects = serde_json::from_slice(&body)
            .map_err(|e| undecodable(format!("IAM's project list: {e}")))?;
        match projects.projects.as_slice() {
            [one] => Ok(one.id.clone()),
            [] => Err(undecodable(format!(
                "IAM ({iam}) has no project named `{region}`"
            ))),
            several => Err(undecodable(format!(
                "IAM ({iam}) has {} projects named `{region}`: set the project ID",
                several.len()
            ))),
        }
    }
}

/// What the cache of found projects keys on: the AK, or a token's SHA-256 (never the token).
fn cache_key(keys: &Keys) -> String {
    match keys.credentials.access_key_id() {
        Some(ak) => ak.to_owned(),
        None => {
            use sha2::Digest;
            let token = crate::credentials::provider_secrets(&keys.credentials);
            let digest = sha2::Sha256::digest(token.join("\n").as_bytes());
            format!("token:{}", hex::encode(digest))
        }
    }
}

/// The IAM endpoint for `region`, in the official order.
fn iam_endpoint(keys: &Keys, region: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    if let Some(url) = keys.credentials.iam_endpoint() {
        return url.to_owned();
    }
    if let Some(url) = lookup(ENV_IAM_ENDPOINT).filter(|u| !u.trim().is_empty()) {
        return url;
    }
    if REGIONS.contains(&region) {
        format!("https://iam.{region}.myhuaweicloud.com")
    } else {
        GLOBAL_IAM.to_owned()
    }
}
