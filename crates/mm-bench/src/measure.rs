//! Running a call many times from concurrent workers and recording each latency.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::error::BenchError;
use crate::stats::Samples;

/// How long to run one measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Calls before the window starts are not recorded (connections, caches, JIT-less warm-up).
    pub warmup: Duration,
    /// Calls started inside this window are recorded.
    pub window: Duration,
    /// Stop each worker after this many recorded calls (the smoke test's tiny runs).
    pub max_calls_per_worker: Option<usize>,
}

impl Budget {
    /// A time-bound budget.
    pub fn timed(warmup: Duration, window: Duration) -> Self {
        Budget { warmup, window, max_calls_per_worker: None }
    }

    /// At most `calls` recorded calls per worker, no warm-up (tests).
    pub fn calls(calls: usize) -> Self {
        Budget { warmup: Duration::ZERO, window: Duration::from_secs(60), max_calls_per_worker: Some(calls) }
    }
}

/// Runs `call` from `concurrency` workers until the budget is spent; records the latency of
/// every call that started inside the window. The first failed call stops the measurement.
pub async fn run_concurrent<F, Fut>(
    concurrency: usize,
    budget: Budget,
    call: F,
) -> Result<Samples, BenchError>
where
    F: Fn() -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<(), BenchError>> + Send + 'static,
{
    let (latencies, window) = run_recording(concurrency, budget, move || {
        let call = call();
        async move {
            let began = Instant::now();
            call.await?;
            Ok(began.elapsed())
        }
    })
    .await?;
    Ok(Samples { latencies, window })
}

/// Like [`run_concurrent`], but each call reports what to record (for instance the time to
/// the first byte of an answer besides the time to its end); answers the records of the calls
/// started inside the window, and the window's length.
pub async fn run_recording<T, F, Fut>(
    concurrency: usize,
    budget: Budget,
    call: F,
) -> Result<(Vec<T>, Duration), BenchError>
where
    T: Send + 'static,
    F: Fn() -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<T, BenchError>> + Send + 'static,
{
    let start = Instant::now();
    let window_start = start + budget.warmup;
    let window_end = window_start + budget.window;
    let limit = budget.max_calls_per_worker.unwrap_or(usize::MAX);
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency.max(1) {
        let call = call.clone();
        workers.spawn(async move {
            let mut records = Vec::new();
            loop {
                let began = Instant::now();
                if began >= window_end || records.len() >= limit {
                    break;
                }
                let record = call().await?;
                if began >= window_start {
                    records.push(record);
                }
            }
            Ok::<_, BenchError>(records)
        });
    }
    let mut records = Vec::new();
    while let Some(joined) = workers.join_next().await {
        records.extend(joined.map_err(|e| BenchError::Call(format!("a worker panicked: {e}")))??);
    }
    let window = Instant::now().min(window_end).saturating_duration_since(window_start);
    Ok((records, window))
}
