//! The profile file of the official SDKs: `$HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else
//! `~/.huaweicloud/credentials`, an INI file whose `[basic]` section holds the keys.

use std::path::{Path, PathBuf};

use super::Credentials;
use super::provider::{CredentialsFuture, Env, ProvideCredentials, Provided};
use crate::Error;

/// Environment variable naming the profile file (the official SDKs' name).
pub const ENV_CREDENTIALS_FILE: &str = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";

/// Credentials from the official SDKs' profile file: the file `$HUAWEICLOUD_SDK_CREDENTIALS_FILE`
/// names, else `~/.huaweicloud/credentials`; its `[basic]` section's `ak`, `sk`,
/// `security_token`, `project_id`, `domain_id` and `iam_endpoint`:
///
/// ```ini
/// [basic]
/// ak = AKEXAMPLE
/// sk = SKEXAMPLE
/// project_id = 0123456789abcdef0123456789abcdef
/// iam_endpoint = https://iam.cn-north-4.myhuaweicloud.com
/// ```
///
/// INI as Python's `configparser` reads it: `key = value` or `key: value`, keys in any case,
/// whole-line `#` and `;` comments. No default file, or no `[basic]` section, or one without
/// `ak` and `sk`, is nothing found. A file named by the variable that does not exist, one that
/// cannot be read, one others may write (on Unix), a syntax error, or half a key pair is an
/// error naming the file. (A `[global]` section, for global services, is not read.)
#[derive(Debug, Clone, Default)]
pub struct ProfileProvider {
    path: Option<PathBuf>,
    pub(crate) env: Env,
}

impl ProfileProvider {
    /// The provider of the file the environment names, or the default file.
    pub fn new() -> Self {
        Self::default()
    }

    /// The provider of this file.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Self {
            path: Some(path.into()),
            env: Env::default(),
        }
    }

    /// The file, and whether it was named (by [`file`](Self::file) or the variable).
    fn path(&self) -> Option<(PathBuf, bool)> {
        if let Some(path) = &self.path {
            return Some((path.clone(), true));
        }
        if let Some(named) = self.env.var(ENV_CREDENTIALS_FILE) {
            return Some((named.into(), true));
        }
        let home = self
            .env
            .var("HOME")
            .or_else(|| self.env.var("USERPROFILE"))?;
        Some((
            Path::new(&home).join(".huaweicloud").join("credentials"),
            false,
        ))
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide(&self) -> CredentialsFuture<'_> {
        let found = self.path().map_or_else(
            || Ok(Provided::NotFound("no home directory (HOME)".into())),
            |(path, named)| read(&path, named),
        );
        Box::pin(async move { found })
    }
}

fn broken(path: &Path, reason: impl std::fmt::Display) -> Error {
    Error::Credentials {
        provider: format!("the profile file {}", path.display()),
        reason: reason.to_string(),
    }
}

fn read(path: &Path, named: bool) -> Result<Provided, Error> {
    let text = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| broken(path, "it is not UTF-8"))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !named => {
            return Ok(Provided::NotFound(format!(
                "{} does not exist",
                path.display()
            )));
        }
        Err(e) => return Err(broken(path, format_args!("cannot be read: {e}"))),
    };
    check_permissions(path)?;
    let sections = parse_ini(&text).map_err(|e| broken(path, e))?;
    let Some((_, basic)) = sections.iter().find(|(name, _)| name == "basic") else {
        return Ok(Provided::NotFound(format!(
            "{} has no [basic] section",
            path.display()
        )));
    };
    let get = |key: &str| {
        basic
            .iter()
            .find(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    let mut credentials = match (get("ak"), get("sk")) {
        (Some(ak), Some(sk)) => Credentials::ak_sk(ak, sk),
        (None, None) => {
            return Ok(Provided::NotFound(format!(
                "{}'s [basic] section has no ak and sk",
                path.display()
            )));
        }
        (Some(_), None) => return Err(broken(path, "[basic] has `ak` but no `sk`")),
        (None, Some(_)) => return Err(broken(path, "[basic] has `sk` but no `ak`")),
    };
    if let Some(token) = get("security_token") {
        credentials = credentials.with_security_token(token);
    }
    if let Some(project) = get("project_id") {
        credentials = credentials.with_project_id(project);
    }
    if let Some(domain) = get("domain_id") {
        credentials = credentials.with_domain_id(domain);
    }
    if let Some(iam) = get("iam_endpoint") {
        credentials = credentials.with_iam_endpoint(iam);
    }
    Ok(Provided::Found(credentials))
}

/// A file others may write could hold anyone's keys: refused. One others may read is a leak
/// already made, logged as a warning (the official SDKs do not check, and refusing the common
/// `0644` would stop deployments that work with them).
#[cfg(unix)]
fn check_permissions(path: &Path) -> Result<(), Error> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| broken(path, format_args!("cannot be read: {e}")))?
        .permissions()
        .mode();
    if mode & 0o002 != 0 {
        return Err(broken(
            path,
            format_args!(
                "anyone on this machine may write it (mode {:o}): run `chmod 600` on it",
                mode & 0o777
            ),
        ));
    }
    if mode & 0o004 != 0 {
        tracing::warn!(
            path = %path.display(),
            mode = format_args!("{:o}", mode & 0o777),
            "the credentials file is readable by anyone on this machine: run `chmod 600` on it"
        );
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_permissions(_: &Path) -> Result<(), Error> {
    Ok(())
}

/// Sections and their `key = value` pairs, as Python's `configparser` reads them (strict: a
/// section or key twice is an error), keys lower-cased; the problem with its line otherwise.
type Sections = Vec<(String, Vec<(String, String)>)>;

pub(crate) fn parse_ini(text: &str) -> Result<Sections, String> {
    let mut sections: Sections = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let number = number + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[') {
            let name = name
                .strip_suffix(']')
                .ok_or_else(|| format!("line {number}: a section header without `]`"))?;
            if sections.iter().any(|(n, _)| n == name) {
                return Err(format!("line {number}: section [{name}] appears twice"));
            }
            sections.push((name.to_owned(), Vec::new()));
            continue;
        }
        let Some((_, pairs)) = sections.last_mut() else {
            return Err(format!("line {number}: a key before any [section]"));
        };
        if line.starts_with([' ', '\t']) {
            // A continuation line of the value above.
            let (_, value) = pairs
                .last_mut()
                .ok_or_else(|| format!("line {number}: an indented line with no key above"))?;
            value.push('\n');
            value.push_str(trimmed);
            continue;
        }
        let split = trimmed
            .find(['=', ':'])
            .ok_or_else(|| format!("line {number}: neither `key = value` nor a [section]"))?;
        let key = trimmed[..split].trim().to_ascii_lowercase();
        if key.is_empty() {
            return Err(format!("line {number}: a value without a key"));
        }
        if pairs.iter().any(|(k, _)| *k == key) {
            return Err(format!("line {number}: key `{key}` appears twice"));
        }
        pairs.push((key, trimmed[split + 1..].trim().to_owned()));
    }
    Ok(sections)
}
