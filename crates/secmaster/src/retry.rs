//! Retry policy: which failures are retried, how long to wait, when to stop.

use std::time::{Duration, SystemTime};

/// How failed attempts are retried, within what each operation allows.
///
/// An operation a repeat cannot perform twice (reads, edits, status changes, deletes, export,
/// validation) is retried after HTTP 429, 500, 502, 503, 504, connection failures that can pass
/// and per-attempt timeouts. One that could act twice (creates, reviews, runs, instance
/// commands, imports) is retried only when the attempt surely never reached the service (a 429,
/// a refused connection); otherwise it ends with [`Error::OutcomeUnknown`](crate::Error).
/// Never retried: validation errors, other 4xx, refusals, undecodable bodies.
/// The wait before attempt *n + 1* is a random duration between zero and
/// `min(max_backoff, initial_backoff × 2ⁿ⁻¹)` ("full jitter"), or exactly what the server's
/// `Retry-After` asks for. Retrying stops after `max_attempts` attempts, or when the next wait
/// would end past `max_elapsed` since the call started.
///
/// ```
/// use std::time::Duration;
/// use secmaster::RetryPolicy;
///
/// let patient = RetryPolicy::default().max_attempts(6).max_elapsed(Duration::from_secs(120));
/// let off = RetryPolicy::none();
/// # let _ = (patient, off);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts, backoff from 200 ms up to 5 s, 60 s in all: room to retry after an attempt
    /// that used its whole default 20 s timeout.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_elapsed: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts in all, the first included (at least 1).
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The cap of the first wait; each later cap doubles.
    #[must_use]
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The largest cap of a computed wait (a server's `Retry-After` may ask for more).
    #[must_use]
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// No retry starts a wait that would end later than this after the call began.
    #[must_use]
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// The wait before the attempt after `attempt` (1-based), or `None` to stop.
    pub(crate) fn next_delay(
        &self,
        attempt: u32,
        elapsed: Duration,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let delay = retry_after.unwrap_or_else(|| {
            let cap = self
                .initial_backoff
                .saturating_mul(
                    1u32.checked_shl(attempt.saturating_sub(1))
                        .unwrap_or(u32::MAX),
                )
                .min(self.max_backoff);
            cap.mul_f64(fastrand::f64())
        });
        (elapsed.saturating_add(delay) <= self.max_elapsed).then_some(delay)
    }
}

/// `Retry-After`: delay-seconds or an HTTP-date, relative to `now`.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let now = jiff::Timestamp::try_from(now).ok()?;
    let secs = when.as_second() - now.as_second();
    Some(Duration::from_secs(u64::try_from(secs).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_within_their_caps_and_stop_at_max_attempts() {
        let p = RetryPolicy::default()
            .max_attempts(5)
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(300));
        for _ in 0..200 {
            assert!(p.next_delay(1, Duration::ZERO, None).unwrap() <= Duration::from_millis(100));
            assert!(p.next_delay(2, Duration::ZERO, None).unwrap() <= Duration::from_millis(200));
            assert!(p.next_delay(4, Duration::ZERO, None).unwrap() <= Duration::from_millis(300));
        }
        assert_eq!(p.next_delay(5, Duration::ZERO, None), None);
        assert_eq!(
            RetryPolicy::none().next_delay(1, Duration::ZERO, None),
            None
        );
        assert_eq!(RetryPolicy::default().max_attempts(0).max_attempts, 1);
    }

    #[test]
    fn retry_after_is_used_as_is_unless_it_ends_past_the_budget() {
        let p = RetryPolicy::default().max_elapsed(Duration::from_secs(10));
        assert_eq!(
            p.next_delay(1, Duration::ZERO, Some(Duration::from_secs(7))),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            p.next_delay(1, Duration::from_secs(4), Some(Duration::from_secs(7))),
            None
        );
    }

    #[test]
    fn by_default_a_timed_out_attempt_is_retried_twice() {
        let p = RetryPolicy::default();
        let timeout = crate::DEFAULT_ATTEMPT_TIMEOUT;
        for _ in 0..100 {
            let wait = p
                .next_delay(1, timeout, None)
                .expect("a retry after one full timeout");
            let second = timeout * 2 + wait;
            assert!(p.next_delay(2, second, None).is_some(), "and after two");
        }
    }

    #[test]
    fn huge_attempt_numbers_do_not_overflow() {
        let p = RetryPolicy::default()
            .max_attempts(u32::MAX)
            .max_elapsed(Duration::MAX);
        assert!(p.next_delay(200, Duration::ZERO, None).unwrap() <= p.max_backoff);
    }

    #[test]
    fn retry_after_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:27 GMT", now),
            Some(Duration::ZERO),
            "a past date means now"
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }
}
