//! Moderation violations against content, creators and shops: mostly minor, a few severe,
//! most upheld on review; poorer shops and weaker creators draw more of them.

use super::commerce::Commerce;
use super::content::Content;
use super::creators::Creator;
use super::names::{VIOLATION_REASONS, pick};
use super::sample::{Clock, Weighted, chance, poisson};
use super::writer::{Inserter, Sink};
use chrono::{DateTime, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use sea_orm::{ConnectionTrait, DbErr};

const SEVERITIES: [&str; 3] = ["minor", "major", "severe"];
const SEVERITY_SHARES: [f64; 3] = [0.65, 0.28, 0.07];
/// Probability a violation of each severity is upheld on review.
const UPHELD: [f64; 3] = [0.7, 0.75, 0.85];

/// What a violation was raised against, with the ids it names.
#[derive(Debug, Clone, Copy)]
enum Subject {
    /// A piece of content and its creator.
    Content {
        content: usize,
        creator: usize,
    },
    Creator(usize),
    Shop(usize),
}

/// One violation as generated.
#[derive(Debug)]
pub(super) struct Violation {
    subject: Subject,
    severity: usize,
    upheld: bool,
    reason: &'static str,
    occurred_at: DateTime<Utc>,
    /// When review settled it.
    reviewed_at: DateTime<Utc>,
}

/// Everything moderation reads.
pub(super) struct World<'a> {
    pub creators: &'a [Creator],
    pub commerce: &'a Commerce,
    pub content: &'a [Content],
    pub clock: &'a Clock,
}

/// Draws the year's violations, in order of occurrence.
pub(super) fn generate(rng: &mut StdRng, world: &World<'_>) -> Vec<Violation> {
    let clock = world.clock;
    let severity = Weighted::new(SEVERITY_SHARES);
    let mut subjects: Vec<(Subject, DateTime<Utc>)> = Vec::new();
    for (i, c) in world.content.iter().enumerate() {
        // Pure entertainment and weaker creators cut more corners.
        let p = 0.004
            * if c.grade == 2 { 1.5 } else { 1.0 }
            * (-0.4 * world.creators[c.creator].quality).exp();
        if chance(rng, p) {
            let at = Clock::uniform(
                rng,
                c.published_at,
                Clock::plus_days(c.published_at, 3.0).min(clock.now),
            );
            subjects.push((
                Subject::Content {
                    content: i,
                    creator: c.creator,
                },
                at,
            ));
        }
    }
    for (i, c) in world.creators.iter().enumerate() {
        if chance(rng, 0.015 * (-0.5 * c.quality).exp()) {
            subjects.push((
                Subject::Creator(i),
                Clock::uniform(rng, c.created_at.max(clock.start), clock.now),
            ));
        }
    }
    for (i, s) in world.commerce.shops.iter().enumerate() {
        for _ in 0..poisson(rng, s.quality.profile().violations) {
            subjects.push((
                Subject::Shop(i),
                Clock::uniform(rng, s.opened_at.max(clock.start), clock.now),
            ));
        }
    }
    subjects.sort_by_key(|s| s.1);
    subjects
        .into_iter()
        .map(|(subject, occurred_at)| {
            let level = severity.pick(rng).unwrap_or(0);
            let kind = match subject {
                Subject::Content { .. } => 0,
                Subject::Creator(_) => 1,
                Subject::Shop(_) => 2,
            };
            // Machines flag within minutes; people settle the 2% they cannot within days.
            let review_hours = if chance(rng, 0.98) {
                rng.random_range(0.01..1.0)
            } else {
                rng.random_range(24.0..120.0)
            };
            Violation {
                subject,
                severity: level,
                upheld: chance(rng, UPHELD[level]),
                reason: pick(rng, VIOLATION_REASONS[kind]),
                occurred_at,
                reviewed_at: Clock::plus_hours(occurred_at, review_hours)
                    .min(clock.now)
                    .max(occurred_at),
            }
        })
        .collect()
}

/// Writes the violations.
pub(super) async fn write<C: ConnectionTrait>(
    sink: Sink<'_, C>,
    violations: &[Violation],
) -> Result<u64, DbErr> {
    const COLUMNS: &[&str] = &[
        "id",
        "external_id",
        "subject_kind",
        "content_id",
        "creator_id",
        "shop_id",
        "severity",
        "upheld",
        "reason",
        "occurred_at",
        "created_at",
        "updated_at",
    ];
    let mut rows = Inserter::new(sink, "violation", COLUMNS, violations.len() as u64);
    for (i, v) in violations.iter().enumerate() {
        let id = i as i64 + 1;
        let key = |x: usize| Some(x as i64 + 1);
        let (kind, content, creator, shop) = match v.subject {
            Subject::Content { content, creator } => ("content", key(content), key(creator), None),
            Subject::Creator(c) => ("creator", None, key(c), None),
            Subject::Shop(s) => ("shop", None, None, key(s)),
        };
        rows.push([
            id.into(),
            format!("vi-{id:06}").into(),
            kind.into(),
            content.into(),
            creator.into(),
            shop.into(),
            SEVERITIES[v.severity].into(),
            v.upheld.into(),
            v.reason.into(),
            v.occurred_at.into(),
            v.occurred_at.into(),
            v.reviewed_at.into(),
        ])
        .await?;
    }
    rows.finish().await
}
