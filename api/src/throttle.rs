//! Rate limiting: a leaky bucket of cost points per caller, the way Shopify meters its GraphQL
//! API. Each caller (a token's role and subject, or the client address when there is no valid
//! token) holds up to `burst` points, restored at `per_second`; a request is admitted when its
//! cost (see [`crate::graphql::admission::cost`]) is available, and refused with the time to
//! wait otherwise. Admins (the platform itself) are not metered.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Above this many tracked callers, full buckets are forgotten (they hold no information).
const MAX_TRACKED: usize = 100_000;

/// Budget settings for token holders; anonymous addresses get a tenth of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleConfig {
    /// Points restored per second; 0 turns rate limiting off.
    pub per_second: u64,
    /// Points a caller can hold (its largest burst, and the most one request may cost).
    pub burst: u64,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            per_second: 1_000,
            burst: 10_000,
        }
    }
}

/// Whom a request's cost is charged to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Payer {
    /// A valid token: its role and subject.
    Token(String),
    /// No valid token: the client's address.
    Address(IpAddr),
}

/// A caller's budget after a decision, as `extensions.cost.throttleStatus` reports it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    pub maximum: u64,
    pub available: u64,
    pub restore_rate: u64,
}

/// A refused request: its budget and how long until the cost would be available.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Throttled {
    pub budget: Budget,
    pub retry_after: Duration,
    /// The cost can never be paid: it is above the burst.
    pub never: bool,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    points: f64,
    at: Instant,
}

/// The buckets of every caller seen recently.
#[derive(Debug)]
pub struct Throttle {
    config: ThrottleConfig,
    buckets: Mutex<HashMap<Payer, Bucket>>,
}

impl Throttle {
    pub fn new(config: ThrottleConfig) -> Self {
        Self {
            config,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Whether requests are metered at all.
    pub fn enabled(&self) -> bool {
        self.config.per_second > 0
    }

    fn limits(&self, payer: &Payer) -> (f64, f64) {
        let (rate, burst) = (self.config.per_second as f64, self.config.burst as f64);
        match payer {
            Payer::Token(_) => (rate, burst),
            Payer::Address(_) => ((rate / 10.0).max(1.0), (burst / 10.0).max(1.0)),
        }
    }

    /// Takes `cost` points from `payer`'s bucket if it holds them. A cost of 0 only checks that
    /// the bucket is not empty, so a caller already out of points is refused before any work.
    pub fn charge(&self, payer: &Payer, cost: u64, now: Instant) -> Result<Budget, Throttled> {
        let (rate, burst) = self.limits(payer);
        let mut buckets = crate::locks::lock(&self.buckets);
        if buckets.len() >= MAX_TRACKED && !buckets.contains_key(payer) {
            buckets.retain(|p, b| {
                let (rate, burst) = self.limits(p);
                refilled(b, rate, burst, now) < burst
            });
        }
        let bucket = buckets.entry(payer.clone()).or_insert(Bucket {
            points: burst,
            at: now,
        });
        bucket.points = refilled(bucket, rate, burst, now);
        bucket.at = now;
        let needed = (cost as f64).max(1.0);
        let budget = |points: f64| Budget {
            maximum: burst as u64,
            available: points.max(0.0).floor() as u64,
            restore_rate: rate as u64,
        };
        if cost == 0 {
            return if bucket.points >= 1.0 {
                Ok(budget(bucket.points))
            } else {
                Err(throttled(
                    budget(bucket.points),
                    1.0 - bucket.points,
                    rate,
                    false,
                ))
            };
        }
        if needed > burst {
            return Err(throttled(budget(bucket.points), 0.0, rate, true));
        }
        if bucket.points < needed {
            return Err(throttled(
                budget(bucket.points),
                needed - bucket.points,
                rate,
                false,
            ));
        }
        bucket.points -= needed;
        Ok(budget(bucket.points))
    }
}

fn refilled(b: &Bucket, rate: f64, burst: f64, now: Instant) -> f64 {
    let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
    (b.points + elapsed * rate).min(burst)
}

fn throttled(budget: Budget, missing: f64, rate: f64, never: bool) -> Throttled {
    Throttled {
        budget,
        retry_after: Duration::from_secs_f64((missing / rate).max(0.0)),
        never,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle() -> Throttle {
        Throttle::new(ThrottleConfig {
            per_second: 100,
            burst: 1_000,
        })
    }

    #[test]
    fn a_bucket_drains_and_refills() {
        let t = throttle();
        let me = Payer::Token("brand:1".into());
        let start = Instant::now();
        assert_eq!(t.charge(&me, 600, start).unwrap().available, 400);
        let refused = t.charge(&me, 600, start).unwrap_err();
        assert_eq!(refused.budget.available, 400);
        assert_eq!(refused.retry_after, Duration::from_secs(2));
        assert!(!refused.never);
        let later = start + Duration::from_secs(2);
        assert_eq!(t.charge(&me, 600, later).unwrap().available, 0);
        assert!(
            t.charge(&me, 0, later).is_err(),
            "an empty bucket refuses before any work"
        );
    }

    #[test]
    fn callers_have_their_own_buckets_and_anonymous_ones_are_smaller() {
        let t = throttle();
        let now = Instant::now();
        t.charge(&Payer::Token("a".into()), 1_000, now).unwrap();
        assert!(t.charge(&Payer::Token("b".into()), 1_000, now).is_ok());
        let ip = Payer::Address("127.0.0.1".parse().unwrap());
        let refused = t.charge(&ip, 101, now).unwrap_err();
        assert!(refused.never, "above an anonymous burst of 100");
        assert_eq!(refused.budget.maximum, 100);
    }
}
