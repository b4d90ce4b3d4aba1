//! [`ServiceError`]: what SecMaster or its gateway said when it refused a call.

use std::fmt;

use crate::error::{one_line, request_id_suffix};

/// An error answer from SecMaster or the API gateway in front of it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceError {
    /// HTTP status (200 for a refusal in a 2xx body: `success: false`, or an error code).
    pub status: u16,
    /// Error code: `code` of this operation's 400 shape, or `error_code` of the gateway's.
    pub code: Option<String>,
    /// Error message: `message` or `error_msg`; for a non-JSON body, the start of the body.
    pub message: Option<String>,
    /// Request id: for a refusal in a 2xx body, the body's `request_id`, else the `X-Request-Id`
    /// header; for an error status, the header, else the body's.
    pub request_id: Option<String>,
    /// Attempts made before giving up (more than one when retried).
    pub attempts: u32,
    /// Whether an earlier attempt of the same call failed in a way that may have let it take
    /// effect (a 5xx, a timeout, a connection lost after sending): then this refusal (a 404
    /// after a delete, a 400 after a status change) may only mean the earlier attempt succeeded.
    pub earlier_attempt_may_have_succeeded: bool,
    /// The operationId of the call that was refused (`None` for a call outside the spec's
    /// operations, as project discovery's).
    pub operation: Option<&'static str>,
}

impl ServiceError {
    /// Whether the answer says that what the call names does not exist: a 404, or an answer
    /// the spec declares for the operation (`x-not-found`: SecMaster rarely answers 404; a
    /// missing alert, incident, indicator or data object is 400 `SecMaster.20030005`, a missing
    /// workspace 403 `SecMaster.20010001`, a missing workflow 400 `SecMaster.20040611`).
    pub fn is_not_found(&self) -> bool {
        match self.operation.and_then(secmaster_bindings::Operation::find) {
            Some(op) => op.is_not_found(self.status, self.code.as_deref()),
            None => self.status == 404,
        }
    }

    /// What to check, for errors whose usual cause is known.
    pub fn hint(&self) -> Option<&'static str> {
        let code = self.code.as_deref().unwrap_or("");
        let message = self.message.as_deref().unwrap_or("").to_ascii_lowercase();
        if message.contains("security token") {
            Some(
                "temporary credentials: the security token must be the one issued with this AK, \
                 sent with it, and not expired; get fresh ones from their source",
            )
        } else if code == "APIGW.0301" || message.contains("signature") {
            Some(
                "check that the SK belongs to the AK, that this machine's clock is within 15 minutes \
                 of real time (X-Sdk-Date), and that the project id is right",
            )
        } else if code == "APIGW.0307" {
            // The gateway's "token must be updated": any token it does not accept, a wrong or
            // truncated one as much as an expired one.
            Some(
                "the gateway does not accept this token: it is expired, revoked, malformed or \
                 not an IAM token for this region; obtain a new one from IAM (tokens last 24 hours)",
            )
        } else if message.contains("token") && message.contains("expire") {
            Some(
                "the answer says the token has expired: obtain a new one from IAM (tokens last 24 hours)",
            )
        } else if self.status == 401 || self.status == 403 {
            Some("check the credentials and that they may act on this project and workspace")
        } else {
            None
        }
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.status == 200 {
            f.write_str("SecMaster answered HTTP 200 with an error")?;
        } else {
            write!(f, "SecMaster answered HTTP {}", self.status)?;
        }
        // Every part a server chose is put on one line: a JSON string may hold any newline.
        if let Some(code) = &self.code {
            write!(f, " {}", one_line(code))?;
        }
        if let Some(message) = self.message.as_deref().filter(|m| !m.is_empty()) {
            write!(f, ": {}", one_line(message))?;
        }
        f.write_str(&request_id_suffix(self.request_id.as_deref()))?;
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        if self.earlier_attempt_may_have_succeeded {
            f.write_str(
                "; an earlier attempt whose answer was lost may have succeeded, which can explain this refusal",
            )?;
        }
        if let Some(hint) = self.hint() {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}
