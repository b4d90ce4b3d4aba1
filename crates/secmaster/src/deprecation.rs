//! The service's deprecation notices. An answer of an operation the service deprecates carries
//! `X-API-Deprecation-Info` and `X-API-Deprecation-Date`: the call's result keeps them
//! ([`Output::deprecation`](crate::Output::deprecation),
//! [`Page::deprecation`](crate::Page::deprecation)), and the first notice of each operation is
//! logged (a `tracing` warning), once per process.

use std::fmt;
use std::sync::Mutex;

use reqwest::header::{HeaderMap, HeaderName};

use secmaster_bindings::Operation;

use crate::redact::{Redactor, one_line};

const INFO: HeaderName = HeaderName::from_static("x-api-deprecation-info");
const DATE: HeaderName = HeaderName::from_static("x-api-deprecation-date");

/// The longest header text kept: a notice is a sentence and a date, not a document.
const MAX_TEXT: usize = 512;

/// What the service said of a deprecated operation in its answer's headers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Deprecation {
    /// The operation answered (its operationId).
    pub operation: &'static str,
    /// `X-API-Deprecation-Info` as sent (one line, at most 512 characters).
    pub info: Option<String>,
    /// `X-API-Deprecation-Date` as sent (one line, at most 512 characters).
    pub date: Option<String>,
    /// The operation the spec names instead (`x-replaced-by`), when it names one.
    pub replaced_by: Option<&'static str>,
}

impl Deprecation {
    /// The notice of `op` in an answer's `headers`, when they carry either header: its texts
    /// redacted, logged the first time `op` is noticed in this process.
    pub(crate) fn noticed(
        op: &'static Operation,
        headers: &HeaderMap,
        redactor: &Redactor,
    ) -> Option<Self> {
        let mut notice = Self::from_headers(headers)?;
        notice.operation = op.id;
        notice.replaced_by = op.replaced_by;
        // The headers were redacted as text; read leniently, a notice is redacted again.
        notice.info = notice.info.map(|t| redactor.text(t));
        notice.date = notice.date.map(|t| redactor.text(t));
        notice.log_once();
        Some(notice)
    }

    /// The notice in `headers`, when they carry either header.
    fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let text = |name: &HeaderName| {
            // Read as UTF-8, leniently: a notice in Chinese is still a notice.
            let value = String::from_utf8_lossy(headers.get(name)?.as_bytes());
            let mut text = one_line(value.trim());
            if text.is_empty() {
                return None;
            }
            if text.len() > MAX_TEXT {
                let mut end = MAX_TEXT;
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.truncate(end);
                text.push('…');
            }
            Some(text)
        };
        let (info, date) = (text(&INFO), text(&DATE));
        (info.is_some() || date.is_some()).then_some(Self {
            operation: "",
            info,
            date,
            replaced_by: None,
        })
    }

    /// Logs the notice, the first time one of its operation is seen in this process.
    fn log_once(&self) {
        static SEEN: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
        let mut seen = SEEN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if seen.contains(&self.operation) {
            return;
        }
        seen.push(self.operation);
        drop(seen);
        tracing::warn!(
            operation = self.operation,
            info = self.info.as_deref().unwrap_or(""),
            date = self.date.as_deref().unwrap_or(""),
            replaced_by = self.replaced_by.unwrap_or(""),
            "the service deprecates this operation"
        );
    }
}

impl fmt::Display for Deprecation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is deprecated by the service", self.operation)?;
        if let Some(date) = &self.date {
            write!(f, " (date: {date})")?;
        }
        if let Some(info) = &self.info {
            write!(f, ": {info}")?;
        }
        if let Some(id) = self.replaced_by {
            write!(f, "; use {id} instead")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&HeaderName, &[u8])]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert((*name).clone(), HeaderValue::from_bytes(value).unwrap());
        }
        map
    }

    #[test]
    fn an_answer_without_the_headers_carries_no_notice() {
        assert_eq!(Deprecation::from_headers(&HeaderMap::new()), None);
        let blank = headers(&[(&INFO, b"  "), (&DATE, b"")]);
        assert_eq!(Deprecation::from_headers(&blank), None);
    }

    #[test]
    fn the_headers_are_kept_on_one_line_and_bounded() {
        let long = "x".repeat(2000);
        let map = headers(&[
            (&INFO, b"use CreatePlaybookVersion \t  instead"),
            (&DATE, long.as_bytes()),
        ]);
        let notice = Deprecation::from_headers(&map).expect("a notice");
        assert_eq!(
            notice.info.as_deref(),
            Some("use CreatePlaybookVersion instead")
        );
        let date = notice.date.expect("a date");
        assert_eq!(date.chars().count(), MAX_TEXT + 1);
        assert!(date.ends_with('…'));
    }

    #[test]
    fn a_notice_in_utf8_is_kept() {
        let chinese = "该接口已废弃".as_bytes();
        let map = headers(&[(&INFO, chinese)]);
        let notice = Deprecation::from_headers(&map).expect("a notice");
        assert_eq!(notice.info.as_deref(), Some("该接口已废弃"));
    }

    #[test]
    fn a_notice_reads_as_a_sentence() {
        let notice = Deprecation {
            operation: "CreatePlaybookRule",
            info: Some("the rule is part of the version now".into()),
            date: Some("2025-12-31".into()),
            replaced_by: Some("CreatePlaybookVersion"),
        };
        assert_eq!(
            notice.to_string(),
            "CreatePlaybookRule is deprecated by the service (date: 2025-12-31): the rule is part \
             of the version now; use CreatePlaybookVersion instead"
        );
    }
}
