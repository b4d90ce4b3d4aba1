//! The request journal: what the fake received, bounded so that no client, authenticated or
//! not, can make it grow without limit.

use std::collections::VecDeque;

use axum::http::HeaderMap;
use serde::Serialize;

use crate::Limits;

/// The longest method, path or query a journal entry keeps, in bytes; longer ones are cut.
const LINE_BYTES: usize = 256;

/// One request as the fake received it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct JournalEntry {
    /// The HTTP method.
    pub method: String,
    /// The raw (percent-encoded) path.
    pub path: String,
    /// The raw query, if any.
    pub query: Option<String>,
    /// Headers in arrival order, names lower-cased, values as sent (including credentials: the
    /// journal stays in the test process; over HTTP they read `***`). Empty for a request the
    /// fake refused before it reached an operation (`admitted` false).
    pub headers: Vec<(String, String)>,
    /// The body bytes, at most [`Limits::journal_body_bytes`] of them.
    #[serde(serialize_with = "lossy_text")]
    pub body: Vec<u8>,
    /// How long the body was; more than `body.len()` when it was cut.
    pub body_len: usize,
    /// Whether the request reached an operation with valid credentials. A request refused
    /// before that (no such path, wrong method, failed authentication, a body too large or
    /// too slow) costs one line: its method, path and query (each cut to 256 bytes), no
    /// headers and no body.
    pub admitted: bool,
    /// Whether headers, body, method, path or query were cut to fit the journal's limits.
    pub truncated: bool,
}

impl JournalEntry {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A full entry for a request that reached an operation: headers up to
    /// [`Limits::journal_header_bytes`] in all, the body up to [`Limits::journal_body_bytes`].
    pub(crate) fn full(request: &axum::http::request::Parts, body: &[u8], limits: &Limits) -> Self {
        let mut entry = Self::line(request, body.len());
        entry.admitted = true;
        entry.headers = kept_headers(&request.headers, limits.journal_header_bytes);
        entry.truncated |= entry.headers.len() < request.headers.len()
            || entry
                .headers
                .iter()
                .zip(&request.headers)
                .any(|((_, kept), (_, sent))| kept.len() < sent.len());
        let keep = body.len().min(limits.journal_body_bytes);
        entry.body = body[..keep].to_vec();
        entry.truncated |= keep < body.len();
        entry
    }

    /// One line for a request refused before it reached an operation.
    pub(crate) fn line(request: &axum::http::request::Parts, body_len: usize) -> Self {
        let mut truncated = false;
        let mut cut = |text: &str| {
            let end = floor_char_boundary(text, LINE_BYTES);
            truncated |= end < text.len();
            text[..end].to_owned()
        };
        let method = cut(request.method.as_str());
        let path = cut(request.uri.path());
        let query = request.uri.query().map(&mut cut);
        Self {
            method,
            path,
            query,
            headers: Vec::new(),
            body: Vec::new(),
            body_len,
            admitted: false,
            truncated,
        }
    }

    /// The project its path names (`/v1/{project_id}/…`, decoded), if it names one.
    pub(crate) fn project(&self) -> Option<String> {
        let mut segments = self.path.strip_prefix('/')?.split('/');
        let (version, project) = (segments.next()?, segments.next()?);
        (version == "v1" && !project.is_empty()).then(|| {
            percent_encoding::percent_decode_str(project)
                .decode_utf8_lossy()
                .into_owned()
        })
    }

    /// What the entry costs the journal, in bytes (its text and a fixed overhead).
    fn cost(&self) -> usize {
        const OVERHEAD: usize = 128;
        OVERHEAD
            + self.method.len()
            + self.path.len()
            + self.query.as_ref().map_or(0, String::len)
            + self
                .headers
                .iter()
                .map(|(n, v)| n.len() + v.len() + 48)
                .sum::<usize>()
            + self.body.len()
    }

    /// The entry as the admin path shows it: credentials replaced by `***`.
    pub(crate) fn redacted(&self) -> Self {
        let mut entry = self.clone();
        for (name, value) in &mut entry.headers {
            if matches!(
                name.as_str(),
                "x-auth-token" | "authorization" | "x-security-token" | "proxy-authorization"
            ) {
                *value = "***".to_owned();
            }
        }
        entry
    }
}

/// Headers in arrival order while their names and values fit in `budget` bytes; the header that
/// would overflow it is cut, the rest dropped.
fn kept_headers(headers: &HeaderMap, budget: usize) -> Vec<(String, String)> {
    let mut left = budget;
    let mut kept = Vec::new();
    for (name, value) in headers {
        if left <= name.as_str().len() {
            break;
        }
        left -= name.as_str().len();
        let text = String::from_utf8_lossy(value.as_bytes());
        let end = floor_char_boundary(&text, left);
        left -= end;
        kept.push((name.as_str().to_owned(), text[..end].to_owned()));
    }
    kept
}

fn floor_char_boundary(text: &str, max: usize) -> usize {
    if text.len() <= max {
        return text.len();
    }
    (0..=max)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0)
}

fn lossy_text<S: serde::Serializer>(body: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&String::from_utf8_lossy(body))
}

/// The journal's own accounting, as [`crate::FakeSecMaster::journal_stats`] and the admin path
/// report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct JournalStats {
    /// Entries held now.
    pub entries: usize,
    /// What they cost, in bytes (their text plus a fixed overhead per entry and header).
    pub bytes: usize,
    /// Entries dropped, oldest first, to stay within the limits since the last clear.
    pub dropped: u64,
    /// The most entries held at once ([`Limits::journal_entries`]).
    pub max_entries: usize,
    /// The most bytes held at once ([`Limits::journal_bytes`]).
    pub max_bytes: usize,
}

/// A ring of entries within [`Limits::journal_entries`] and [`Limits::journal_bytes`].
pub(crate) struct Journal {
    entries: VecDeque<(usize, JournalEntry)>,
    bytes: usize,
    dropped: u64,
    max_entries: usize,
    max_bytes: usize,
}

impl Journal {
    pub(crate) fn new(limits: &Limits) -> Self {
        Self {
            entries: VecDeque::new(),
            bytes: 0,
            dropped: 0,
            max_entries: limits.journal_entries,
            max_bytes: limits.journal_bytes,
        }
    }

    pub(crate) fn push(&mut self, entry: JournalEntry) {
        let cost = entry.cost();
        self.entries.push_back((cost, entry));
        self.bytes += cost;
        while self.entries.len() > self.max_entries || self.bytes > self.max_bytes {
            let Some((cost, _)) = self.entries.pop_front() else {
                break;
            };
            self.bytes -= cost;
            self.dropped += 1;
        }
    }

    pub(crate) fn entries(&self) -> Vec<JournalEntry> {
        self.entries.iter().map(|(_, e)| e.clone()).collect()
    }

    pub(crate) fn clear(&mut self) {
        self.entries = VecDeque::new();
        self.bytes = 0;
        self.dropped = 0;
    }

    /// The entries `see` lets through, and the stats of those (`dropped` counts every entry
    /// dropped, whoever's).
    pub(crate) fn scoped(
        &self,
        see: impl Fn(&JournalEntry) -> bool,
    ) -> (JournalStats, Vec<JournalEntry>) {
        let seen: Vec<&(usize, JournalEntry)> =
            self.entries.iter().filter(|(_, e)| see(e)).collect();
        let stats = JournalStats {
            entries: seen.len(),
            bytes: seen.iter().map(|(cost, _)| cost).sum(),
            ..self.stats()
        };
        (stats, seen.into_iter().map(|(_, e)| e.clone()).collect())
    }

    /// Forgets the entries `see` lets through; the others stay as they were.
    pub(crate) fn forget(&mut self, see: impl Fn(&JournalEntry) -> bool) {
        let mut bytes = self.bytes;
        self.entries.retain(|(cost, e)| {
            let gone = see(e);
            if gone {
                bytes -= cost;
            }
            !gone
        });
        self.bytes = bytes;
    }

    pub(crate) fn stats(&self) -> JournalStats {
        JournalStats {
            entries: self.entries.len(),
            bytes: self.bytes,
            dropped: self.dropped,
            max_entries: self.max_entries,
            max_bytes: self.max_bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(path: &str, headers: &[(&str, &str)]) -> axum::http::request::Parts {
        let mut builder = axum::http::Request::builder().method("PUT").uri(path);
        for (n, v) in headers {
            builder = builder.header(*n, *v);
        }
        builder.body(()).unwrap().into_parts().0
    }

    #[test]
    fn the_ring_keeps_the_newest_entries_within_both_limits() {
        let limits = Limits {
            journal_entries: 3,
            journal_bytes: 10_000,
            ..Limits::default()
        };
        let mut j = Journal::new(&limits);
        for i in 0..5 {
            j.push(JournalEntry::line(&parts(&format!("/{i}"), &[]), 0));
        }
        let paths: Vec<_> = j.entries().into_iter().map(|e| e.path).collect();
        assert_eq!(paths, ["/2", "/3", "/4"]);
        assert_eq!(j.stats().dropped, 2);

        let big = vec![b'x'; 4000];
        let limits = Limits {
            journal_body_bytes: 4000,
            ..limits
        };
        for _ in 0..3 {
            j.push(JournalEntry::full(&parts("/b", &[]), &big, &limits));
        }
        assert!(j.stats().bytes <= 10_000, "{:?}", j.stats());
        assert_eq!(
            j.stats().entries,
            2,
            "two 4 KB bodies fit in 10 KB, not three"
        );
        j.clear();
        assert_eq!(
            (j.stats().entries, j.stats().bytes, j.stats().dropped),
            (0, 0, 0)
        );
    }

    #[test]
    fn bodies_headers_and_lines_are_cut_to_their_limits() {
        let limits = Limits {
            journal_body_bytes: 10,
            journal_header_bytes: 40,
            ..Limits::default()
        };
        let long = "v".repeat(100);
        let p = parts("/x", &[("a", "1"), ("b", &long), ("c", "3")]);
        let e = JournalEntry::full(&p, &[b'y'; 50], &limits);
        assert_eq!((e.body.len(), e.body_len, e.truncated), (10, 50, true));
        assert_eq!(e.header("a"), Some("1"));
        assert_eq!(e.header("b").map(str::len), Some(40 - 2 - 1));
        assert_eq!(e.header("c"), None, "dropped once the budget is spent");

        let e = JournalEntry::line(&parts(&format!("/{}", "é".repeat(300)), &[("a", "1")]), 7);
        assert!(e.path.len() <= LINE_BYTES && e.truncated && !e.admitted);
        assert!(e.headers.is_empty() && e.body.is_empty() && e.body_len == 7);
    }

    #[test]
    fn credentials_read_stars_over_http() {
        let p = parts(
            "/x",
            &[
                ("x-auth-token", "secret"),
                ("authorization", "SDK-HMAC-SHA256 x"),
                ("accept", "a"),
            ],
        );
        let e = JournalEntry::full(&p, b"", &Limits::default()).redacted();
        assert_eq!(e.header("x-auth-token"), Some("***"));
        assert_eq!(e.header("authorization"), Some("***"));
        assert_eq!(e.header("accept"), Some("a"));
    }
}
