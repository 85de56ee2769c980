//! Prometheus metrics in text format: requests by route and status, latency by route and by
//! GraphQL operation, GraphQL errors by code, SQL statements and their latency, the database
//! pool, the process, the build, the scheduled jobs and the matching graph. Hand-rolled
//! atomics: a few dozen series do not justify a metrics stack.

use crate::db::StatementCounter;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// Distinct GraphQL operation names measured on their own; later names are counted as
/// `other`, so a client that names every request differently cannot grow the series without
/// bound.
pub const MAX_OPERATIONS: usize = 100;

/// A latency histogram with the [`BUCKETS`] bounds.
#[derive(Debug, Default)]
pub struct Histogram {
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Histogram {
    /// Records one observation.
    pub fn observe(&self, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            if secs <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }

    /// Observations so far.
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// Writes the `_bucket`, `_sum` and `_count` series of `name`; `labels` is empty or
    /// `key="value",` pairs each followed by a comma.
    fn render(&self, out: &mut String, name: &str, labels: &str) {
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}le=\"{bound}\"}} {}",
                bucket.load(Ordering::Relaxed)
            );
        }
        let count = self.count();
        let _ = writeln!(out, "{name}_bucket{{{labels}le=\"+Inf\"}} {count}");
        let labels = labels.trim_end_matches(',');
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "{name}_sum{braces} {sum}");
        let _ = writeln!(out, "{name}_count{braces} {count}");
    }
}

/// The last run of a scheduled job and its runs so far.
#[derive(Debug, Default, Clone, Copy)]
struct JobStats {
    last_start: Option<SystemTime>,
    last_duration: Duration,
    last_ok: bool,
    ok: u64,
    failed: u64,
}

/// A per-job gauge: its name, its help text and how to read it from a job's stats.
type JobGauge = (&'static str, &'static str, fn(&JobStats) -> f64);

/// The database pool at the moment of a scrape.
#[derive(Debug, Clone, Copy)]
pub struct PoolStats {
    /// Open connections, idle or in use.
    pub size: u32,
    pub idle: usize,
    pub max: u32,
}

/// The matching graph at the moment of a scrape.
#[derive(Debug, Clone, Copy)]
pub struct GraphStats {
    pub creators: usize,
    pub brands: usize,
    pub edges: usize,
    /// Since the graph was last built from the database (updates by ingest do not reset it).
    pub age: Duration,
}

/// What a scrape reads from outside the counters.
#[derive(Debug, Default, Clone, Copy)]
pub struct Gauges {
    pub pool: Option<PoolStats>,
    /// `None` until the graph is first built.
    pub graph: Option<GraphStats>,
}

/// The server's counters.
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    errors: Mutex<BTreeMap<String, u64>>,
    routes: Mutex<BTreeMap<String, Arc<Histogram>>>,
    operations: Mutex<BTreeMap<String, Arc<Histogram>>>,
    jobs: Mutex<BTreeMap<&'static str, JobStats>>,
    statements: Arc<StatementCounter>,
    started: Instant,
}

/// A Prometheus label value: backslash, quote and newline escaped.
fn escaped(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The histogram of `key` in `map`, created on first use.
fn histogram(map: &Mutex<BTreeMap<String, Arc<Histogram>>>, key: &str) -> Arc<Histogram> {
    let mut map = crate::locks::lock(map);
    if let Some(h) = map.get(key) {
        return Arc::clone(h);
    }
    Arc::clone(map.entry(key.to_owned()).or_default())
}

fn seconds_since_epoch(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
}

/// Resident memory (bytes) and CPU time (seconds, user and system) of this process, read
/// from `/proc/self`; `None` where there is no procfs. CPU ticks are in USER_HZ, which Linux
/// fixes at 100 for user space on every architecture it exports `/proc/self/stat` for.
fn process() -> Option<(u64, f64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let rss_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name may hold spaces and parentheses: fields are counted after its last ')'.
    let after = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some((rss_kib * 1024, ticks as f64 / 100.0))
}

impl Metrics {
    /// Counters reading SQL statements from `statements`.
    pub fn new(statements: Arc<StatementCounter>) -> Self {
        Self {
            requests: Mutex::default(),
            errors: Mutex::default(),
            routes: Mutex::default(),
            operations: Mutex::default(),
            jobs: Mutex::default(),
            statements,
            started: Instant::now(),
        }
    }

    /// Records one HTTP request.
    pub fn request(&self, route: &str, status: u16, elapsed: Duration) {
        *crate::locks::lock(&self.requests)
            .entry((route.to_owned(), status))
            .or_default() += 1;
        histogram(&self.routes, route).observe(elapsed);
    }

    /// Records one GraphQL request by its operation's name (at most [`MAX_OPERATIONS`] names,
    /// then `other`).
    pub fn operation(&self, name: &str, elapsed: Duration) {
        let h = {
            let mut map = crate::locks::lock(&self.operations);
            let known = map.contains_key(name) || map.len() < MAX_OPERATIONS;
            let key = if known { name } else { "other" };
            Arc::clone(map.entry(key.to_owned()).or_default())
        };
        h.observe(elapsed);
    }

    /// Records a GraphQL error by its `extensions.code`.
    pub fn error(&self, code: &str) {
        *crate::locks::lock(&self.errors)
            .entry(code.to_owned())
            .or_default() += 1;
    }

    /// Makes a scheduled job's series appear (zero runs) before its first run.
    pub fn job_scheduled(&self, job: &'static str) {
        crate::locks::lock(&self.jobs).entry(job).or_default();
    }

    /// Records one run of a scheduled job.
    pub fn job_ran(&self, job: &'static str, started: SystemTime, took: Duration, ok: bool) {
        let mut jobs = crate::locks::lock(&self.jobs);
        let stats = jobs.entry(job).or_default();
        stats.last_start = Some(started);
        stats.last_duration = took;
        stats.last_ok = ok;
        if ok {
            stats.ok += 1;
        } else {
            stats.failed += 1;
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self, gauges: &Gauges) -> String {
        let mut out = String::new();
        fn head(out: &mut String, name: &str, kind: &str, help: &str) {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        }
        head(
            &mut out,
            "flywheel_build_info",
            "gauge",
            "The running build's version (always 1).",
        );
        let _ = writeln!(
            out,
            "flywheel_build_info{{version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        );
        head(
            &mut out,
            "flywheel_uptime_seconds",
            "gauge",
            "Seconds since the server started.",
        );
        let _ = writeln!(
            out,
            "flywheel_uptime_seconds {}",
            self.started.elapsed().as_secs_f64()
        );
        if let Some((rss, cpu)) = process() {
            head(
                &mut out,
                "process_resident_memory_bytes",
                "gauge",
                "Resident memory.",
            );
            let _ = writeln!(out, "process_resident_memory_bytes {rss}");
            head(
                &mut out,
                "process_cpu_seconds_total",
                "counter",
                "User and system CPU time.",
            );
            let _ = writeln!(out, "process_cpu_seconds_total {cpu}");
        }

        head(
            &mut out,
            "flywheel_http_requests_total",
            "counter",
            "HTTP requests by route and status.",
        );
        for ((route, status), n) in crate::locks::lock(&self.requests).iter() {
            let _ = writeln!(
                out,
                "flywheel_http_requests_total{{route=\"{}\",status=\"{status}\"}} {n}",
                escaped(route)
            );
        }
        head(
            &mut out,
            "flywheel_http_request_duration_seconds",
            "histogram",
            "HTTP request latency by route, to the response's head.",
        );
        for (route, h) in crate::locks::lock(&self.routes).iter() {
            let labels = format!("route=\"{}\",", escaped(route));
            h.render(&mut out, "flywheel_http_request_duration_seconds", &labels);
        }
        head(
            &mut out,
            "flywheel_graphql_operation_duration_seconds",
            "histogram",
            "GraphQL request latency by operation name (`anonymous` if unnamed, `other` past the first 100 names).",
        );
        for (operation, h) in crate::locks::lock(&self.operations).iter() {
            let labels = format!("operation=\"{}\",", escaped(operation));
            h.render(
                &mut out,
                "flywheel_graphql_operation_duration_seconds",
                &labels,
            );
        }
        head(
            &mut out,
            "flywheel_graphql_errors_total",
            "counter",
            "GraphQL errors by extensions.code.",
        );
        for (code, n) in crate::locks::lock(&self.errors).iter() {
            let _ = writeln!(
                out,
                "flywheel_graphql_errors_total{{code=\"{}\"}} {n}",
                escaped(code)
            );
        }

        head(
            &mut out,
            "flywheel_sql_statements_total",
            "counter",
            "SQL statements sent to the database.",
        );
        let _ = writeln!(
            out,
            "flywheel_sql_statements_total {}",
            self.statements.get()
        );
        head(
            &mut out,
            "flywheel_sql_statement_duration_seconds",
            "histogram",
            "SQL statement latency, as the driver returns it.",
        );
        self.statements
            .latency()
            .render(&mut out, "flywheel_sql_statement_duration_seconds", "");
        if let Some(pool) = gauges.pool {
            head(
                &mut out,
                "flywheel_db_pool_connections",
                "gauge",
                "Open database connections by state.",
            );
            let in_use = (pool.size as usize).saturating_sub(pool.idle);
            let _ = writeln!(
                out,
                "flywheel_db_pool_connections{{state=\"idle\"}} {}",
                pool.idle
            );
            let _ = writeln!(
                out,
                "flywheel_db_pool_connections{{state=\"in_use\"}} {in_use}"
            );
            head(
                &mut out,
                "flywheel_db_pool_max_connections",
                "gauge",
                "The pool's size limit.",
            );
            let _ = writeln!(out, "flywheel_db_pool_max_connections {}", pool.max);
        }

        let jobs = crate::locks::lock(&self.jobs).clone();
        head(
            &mut out,
            "flywheel_job_runs_total",
            "counter",
            "Runs of each scheduled job by outcome.",
        );
        for (job, s) in &jobs {
            let _ = writeln!(
                out,
                "flywheel_job_runs_total{{job=\"{job}\",outcome=\"ok\"}} {}",
                s.ok
            );
            let _ = writeln!(
                out,
                "flywheel_job_runs_total{{job=\"{job}\",outcome=\"failed\"}} {}",
                s.failed
            );
        }
        // One gauge per job that has run, each read from its stats by `value`.
        let ran: Vec<_> = jobs
            .iter()
            .filter(|(_, s)| s.last_start.is_some())
            .collect();
        let job_gauges: [JobGauge; 3] = [
            (
                "flywheel_job_last_start_timestamp_seconds",
                "When each job's last run started (Unix time; absent before its first run).",
                |s| s.last_start.map_or(0.0, seconds_since_epoch),
            ),
            (
                "flywheel_job_last_duration_seconds",
                "How long each job's last run took.",
                |s| s.last_duration.as_secs_f64(),
            ),
            (
                "flywheel_job_last_success",
                "1 if each job's last run succeeded, 0 if it failed.",
                |s| f64::from(u8::from(s.last_ok)),
            ),
        ];
        for (name, help, value) in job_gauges {
            head(&mut out, name, "gauge", help);
            for (job, s) in &ran {
                let _ = writeln!(out, "{name}{{job=\"{job}\"}} {}", value(s));
            }
        }

        if let Some(graph) = gauges.graph {
            head(
                &mut out,
                "flywheel_matching_graph_nodes",
                "gauge",
                "Creators and brands in the matching graph.",
            );
            let _ = writeln!(
                out,
                "flywheel_matching_graph_nodes{{kind=\"creator\"}} {}",
                graph.creators
            );
            let _ = writeln!(
                out,
                "flywheel_matching_graph_nodes{{kind=\"brand\"}} {}",
                graph.brands
            );
            head(
                &mut out,
                "flywheel_matching_graph_edges",
                "gauge",
                "Edges of the matching graph.",
            );
            let _ = writeln!(out, "flywheel_matching_graph_edges {}", graph.edges);
            head(
                &mut out,
                "flywheel_matching_graph_age_seconds",
                "gauge",
                "Seconds since the matching graph was last built from the database.",
            );
            let _ = writeln!(
                out,
                "flywheel_matching_graph_age_seconds {}",
                graph.age.as_secs_f64()
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_past_the_cap_are_counted_as_other() {
        let metrics = Metrics::new(Arc::default());
        for i in 0..MAX_OPERATIONS + 5 {
            metrics.operation(&format!("Op{i}"), Duration::from_millis(1));
        }
        metrics.operation("Op0", Duration::from_millis(1));
        let text = metrics.render(&Gauges::default());
        let count = |op: &str| {
            text.lines()
                .find_map(|l| {
                    l.strip_prefix(&format!(
                        "flywheel_graphql_operation_duration_seconds_count{{operation=\"{op}\"}} "
                    ))
                })
                .map(|v| v.parse::<u64>().unwrap())
        };
        assert_eq!(count("Op0"), Some(2), "a known name keeps its series");
        assert_eq!(count(&format!("Op{}", MAX_OPERATIONS - 1)), Some(1));
        assert_eq!(count(&format!("Op{MAX_OPERATIONS}")), None);
        assert_eq!(count("other"), Some(5));
    }

    #[test]
    fn label_values_are_escaped() {
        let metrics = Metrics::new(Arc::default());
        metrics.operation("a\"b", Duration::ZERO);
        assert!(
            metrics
                .render(&Gauges::default())
                .contains("operation=\"a\\\"b\"")
        );
    }
}
