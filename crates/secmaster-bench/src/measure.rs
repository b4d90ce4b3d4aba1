//! Measuring: medians and spreads, the calling thread's CPU time, and the sequential and
//! concurrent runners every call comparison uses.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The median and the interquartile range of `values`.
pub fn spread(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.25), at(0.75))
}

/// µs per run of `f`: the median of `batches` batches of `per_batch` runs.
pub fn batched(batches: usize, per_batch: usize, f: &dyn Fn()) -> f64 {
    median((0..batches).map(|_| time_batch(per_batch, f)).collect())
}

/// µs per run of `f` over `runs` runs in a row.
pub fn time_batch(runs: usize, f: &dyn Fn()) -> f64 {
    let started = Instant::now();
    for _ in 0..runs {
        f();
    }
    started.elapsed().as_secs_f64() * 1e6 / runs as f64
}

/// CPU time this thread has run, in ns (Linux's schedstat; 0 where it is missing).
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// This thread's user and kernel CPU time so far, in clock ticks (Linux; zeros elsewhere).
pub fn thread_user_sys_ticks() -> (u64, u64) {
    std::fs::read_to_string("/proc/thread-self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the parenthesized command name; utime and stime are the 14th and 15th.
            let rest = &s[s.rfind(')')? + 2..];
            let mut fields = rest.split_whitespace().skip(11);
            Some((fields.next()?.parse().ok()?, fields.next()?.parse().ok()?))
        })
        .unwrap_or((0, 0))
}

/// Per-call wall time in µs of `calls` sequential calls, and the calling thread's CPU time per
/// call in µs (the client's own work; the server runs on another thread).
pub async fn sequential_cpu<F, Fut>(calls: usize, mut call: F) -> (f64, f64)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = String>,
{
    let cpu = thread_cpu_ns();
    let started = Instant::now();
    for _ in 0..calls {
        std::hint::black_box(call().await);
    }
    let wall = started.elapsed().as_secs_f64() * 1e6 / calls as f64;
    let cpu = thread_cpu_ns().saturating_sub(cpu) as f64 / 1e3 / calls as f64;
    (wall, cpu)
}

/// Calls per second with `in_flight` calls at once, `total` in all, and the client thread's CPU
/// time per call in µs (every task runs on this thread: the runtime is current-thread).
pub async fn concurrent<F, Fut>(total: usize, in_flight: usize, call: F) -> (f64, f64)
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = String> + Send,
{
    let call = Arc::new(call);
    let cpu = thread_cpu_ns();
    let started = Instant::now();
    let tasks: Vec<_> = (0..in_flight)
        .map(|_| {
            let call = call.clone();
            tokio::spawn(async move {
                for _ in 0..total / in_flight {
                    std::hint::black_box(call().await);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("task");
    }
    let calls = (total / in_flight * in_flight) as f64;
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = thread_cpu_ns().saturating_sub(cpu) as f64 / 1e3 / calls;
    (calls / elapsed, cpu)
}
