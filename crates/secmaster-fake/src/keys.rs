//! What the fake accepts: access keys (permanent or temporary) and tokens, each for the
//! projects it lists.

/// An access key the fake accepts: permanent, or temporary (with the security token its
/// requests must carry, signed, in `X-Security-Token`, and optionally an expiry).
///
/// ```
/// use secmaster_fake::AccessKey;
///
/// let at: secmaster::jiff::Timestamp = "2030-01-01T00:00:00Z".parse()?;
/// let key = AccessKey::new("TMPAK", "TMPSK").with_security_token("ST").with_expiry(at);
/// assert_eq!(key.security_token.as_deref(), Some("ST"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct AccessKey {
    /// Access key ID.
    pub ak: String,
    /// Secret access key.
    pub sk: String,
    /// For temporary keys: the security token requests must carry in `X-Security-Token`
    /// (signed); a request with this AK and another token, or none, is refused.
    #[serde(default)]
    pub security_token: Option<String>,
    /// When a temporary key stops being accepted (by the fake's clock, which
    /// [`FakeSecMaster::shift_clock`](crate::FakeSecMaster::shift_clock) moves); `None` for
    /// never. In a seed file, RFC 3339 (`2030-01-01T00:00:00Z`).
    #[serde(default)]
    pub expires_at: Option<jiff::Timestamp>,
    /// The projects the key may act on; `None` (left out of a seed file) for all of them.
    #[serde(default)]
    pub projects: Option<Vec<String>>,
}

impl AccessKey {
    /// A permanent key, for every project.
    pub fn new(ak: impl Into<String>, sk: impl Into<String>) -> Self {
        Self {
            ak: ak.into(),
            sk: sk.into(),
            security_token: None,
            expires_at: None,
            projects: None,
        }
    }

    /// Makes the key temporary: requests must carry `token` in `X-Security-Token`, signed.
    #[must_use]
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(token.into());
        self
    }

    /// Refuses the key from `at` on, as the gateway refuses expired temporary keys.
    #[must_use]
    pub fn with_expiry(mut self, at: jiff::Timestamp) -> Self {
        self.expires_at = Some(at);
        self
    }

    /// Limits the key to these projects.
    #[must_use]
    pub fn for_projects<P: Into<String>>(mut self, projects: impl IntoIterator<Item = P>) -> Self {
        self.projects = Some(projects.into_iter().map(Into::into).collect());
        self
    }
}

/// A token the fake accepts, and the projects it may act on. In a seed file, a plain string is
/// a token for every project.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(from = "TokenForm")]
pub struct Token {
    /// The token (`X-Auth-Token`).
    pub token: String,
    /// The projects it may act on; `None` for all of them.
    pub projects: Option<Vec<String>>,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum TokenForm {
    Any(String),
    Scoped {
        token: String,
        #[serde(default)]
        projects: Option<Vec<String>>,
    },
}

impl From<TokenForm> for Token {
    fn from(form: TokenForm) -> Self {
        match form {
            TokenForm::Any(token) => Self {
                token,
                projects: None,
            },
            TokenForm::Scoped { token, projects } => Self { token, projects },
        }
    }
}

impl<T: Into<String>> From<T> for Token {
    fn from(token: T) -> Self {
        Self {
            token: token.into(),
            projects: None,
        }
    }
}
