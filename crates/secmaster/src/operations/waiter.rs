//! Waiting for something to reach a state: polling a show operation with backoff until the
//! answer says it is there, within a time the caller sets.

use std::time::{Duration, Instant};

use crate::Error;

/// The first wait between polls; each later one doubles, up to [`MAX_INTERVAL`].
pub(crate) const FIRST_INTERVAL: Duration = Duration::from_millis(250);
/// The longest wait between polls.
pub(crate) const MAX_INTERVAL: Duration = Duration::from_secs(5);

/// Polls `show` until `status_of` its answer is one `done` accepts, or `timeout` has passed
/// (then [`Error::WaitTimedOut`] with the last status seen). A poll that fails in a way that can
/// pass ([`Error::is_retryable`]: a 429, a 503, a refused connection, after the client's own
/// retries) is waited out like a status not yet reached: the next poll comes after the next
/// interval (at least what the client's retries spent). Any other failure ends the wait.
pub(crate) async fn wait<T, F, Fut>(
    what: &'static str,
    timeout: Duration,
    mut show: F,
    status_of: fn(&T) -> Option<String>,
    done: fn(&str) -> bool,
) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let started = Instant::now();
    let mut interval = FIRST_INTERVAL;
    let mut status: Option<String> = None;
    loop {
        // A slow poll (with the client's own retries) may not outlast the wait either.
        let left = timeout.saturating_sub(started.elapsed());
        match tokio::time::timeout(left, show()).await {
            Ok(Ok(answer)) => {
                status = status_of(&answer);
                if status.as_deref().is_some_and(done) {
                    return Ok(answer);
                }
            }
            Ok(Err(e)) if e.is_retryable() => {
                tracing::info!(what, error = %e, "a poll failed for now; polling again");
            }
            Ok(Err(e)) => return Err(e),
            Err(_) => {
                return Err(Error::WaitTimedOut {
                    what,
                    waited: started.elapsed(),
                    last_status: status,
                });
            }
        }
        let waited = started.elapsed();
        let Some(left) = timeout.checked_sub(waited).filter(|l| !l.is_zero()) else {
            return Err(Error::WaitTimedOut {
                what,
                waited,
                last_status: status,
            });
        };
        // A little jitter, so that many waiters do not poll in step.
        let jitter = interval.mul_f64(fastrand::f64() * 0.2);
        tokio::time::sleep((interval + jitter).min(left)).await;
        interval = (interval * 2).min(MAX_INTERVAL);
    }
}
