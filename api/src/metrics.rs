//! Prometheus metrics in text format: requests by route and status, a latency histogram,
//! GraphQL errors by code, and SQL statements. Hand-rolled atomics: a handful of series do not
//! justify a metrics stack.

use crate::db::StatementCounter;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The server's counters.
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    errors: Mutex<BTreeMap<String, u64>>,
    buckets: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_micros: AtomicU64,
    statements: Arc<StatementCounter>,
}

impl Metrics {
    /// Counters reading SQL statements from `statements`.
    pub fn new(statements: Arc<StatementCounter>) -> Self {
        Self {
            requests: Mutex::default(),
            errors: Mutex::default(),
            buckets: Default::default(),
            latency_count: AtomicU64::new(0),
            latency_sum_micros: AtomicU64::new(0),
            statements,
        }
    }

    /// Records one HTTP request.
    pub fn request(&self, route: &str, status: u16, elapsed: Duration) {
        *self
            .requests
            .lock()
            .expect("metrics lock")
            .entry((route.to_owned(), status))
            .or_default() += 1;
        let secs = elapsed.as_secs_f64();
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            if secs <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        self.latency_sum_micros
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }

    /// Records a GraphQL error by its `extensions.code`.
    pub fn error(&self, code: &str) {
        *self
            .errors
            .lock()
            .expect("metrics lock")
            .entry(code.to_owned())
            .or_default() += 1;
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP flywheel_http_requests_total HTTP requests by route and status.\n");
        out.push_str("# TYPE flywheel_http_requests_total counter\n");
        for ((route, status), n) in self.requests.lock().expect("metrics lock").iter() {
            let _ = writeln!(
                out,
                "flywheel_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        out.push_str("# HELP flywheel_http_request_duration_seconds HTTP request latency.\n");
        out.push_str("# TYPE flywheel_http_request_duration_seconds histogram\n");
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            let _ = writeln!(
                out,
                "flywheel_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Ordering::Relaxed)
            );
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "flywheel_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let sum = self.latency_sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "flywheel_http_request_duration_seconds_sum {sum}");
        let _ = writeln!(out, "flywheel_http_request_duration_seconds_count {count}");
        out.push_str("# HELP flywheel_graphql_errors_total GraphQL errors by extensions.code.\n");
        out.push_str("# TYPE flywheel_graphql_errors_total counter\n");
        for (code, n) in self.errors.lock().expect("metrics lock").iter() {
            let _ = writeln!(out, "flywheel_graphql_errors_total{{code=\"{code}\"}} {n}");
        }
        out.push_str("# HELP flywheel_sql_statements_total SQL statements sent to the database.\n");
        out.push_str("# TYPE flywheel_sql_statements_total counter\n");
        let _ = writeln!(
            out,
            "flywheel_sql_statements_total {}",
            self.statements.get()
        );
        out
    }
}
