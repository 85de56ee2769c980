//! Creators: a heavy-tailed pyramid of followers, niche-focused, about 32% e-commerce capable
//! (more likely the bigger and more active), with an account weight that tracks followers and
//! quality.

use super::markets::MARKETS;
use super::names::{FIRST_NAMES, HANDLE_WORDS, LAST_NAMES, pick};
use super::sample::{Clock, Weighted, chance, exponential, lognormal, normal, quota, sigmoid};
use super::taxonomy::{CATEGORIES, Taxonomy};
use super::writer::{Inserter, Sink};
use chrono::{DateTime, TimeDelta, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use sea_orm::{ConnectionTrait, DbErr};
use std::collections::HashSet;

/// Share of creators that can sell (the scout programme's US figure).
pub(super) const CAPABLE_SHARE: f64 = 0.32;
/// Median follower count; with a log-spread of 1.9 about 0.4% pass a million and 8% pass 100k.
const MEDIAN_FOLLOWERS: f64 = 6_000.0;
const FOLLOWER_SPREAD: f64 = 1.9;

/// One creator account as generated.
#[derive(Debug)]
pub(super) struct Creator {
    pub market: usize,
    pub handle: String,
    pub display_name: String,
    pub followers: i64,
    pub account_weight: f64,
    /// Latent content quality (standard normal): drives engagement, grades and conversion.
    pub quality: f64,
    /// Relative posting rate.
    pub activity: f64,
    pub capable: bool,
    /// (index into `Taxonomy::niches`, share), dominant niche first, shares summing to 1.
    pub niches: Vec<(usize, f64)>,
    pub created_at: DateTime<Utc>,
}

impl Creator {
    /// Followers as a z-score of the log-normal they were drawn from.
    pub fn size_z(&self) -> f64 {
        (self.followers.max(1) as f64 / MEDIAN_FOLLOWERS).ln() / FOLLOWER_SPREAD
    }
}

/// Draws `count` creators spread over the markets by size (at least a few in each).
pub(super) fn generate(
    rng: &mut StdRng,
    count: usize,
    taxonomy: &Taxonomy,
    clock: &Clock,
) -> Vec<Creator> {
    let sizes: Vec<f64> = MARKETS.iter().map(|m| m.size).collect();
    let markets = quota(rng, count, &sizes, (count / MARKETS.len()).min(10));
    let popularity: Vec<Weighted> = (0..MARKETS.len())
        .map(|m| Weighted::new(taxonomy.popularity(m)))
        .collect();
    let mut handles = HashSet::with_capacity(count);
    let mut creators: Vec<Creator> = markets
        .into_iter()
        .map(|market| {
            let followers = lognormal(rng, MEDIAN_FOLLOWERS, FOLLOWER_SPREAD)
                .clamp(50.0, 80_000_000.0)
                .round() as i64;
            let quality = normal(rng);
            let size = (followers as f64 / MEDIAN_FOLLOWERS).ln() / FOLLOWER_SPREAD;
            let account_weight = sigmoid(0.9 * size + 0.8 * quality + 0.4 * normal(rng));
            let activity = lognormal(rng, 1.0, 0.8) * (0.25 * size).exp();
            let niches = draw_niches(rng, taxonomy, &popularity[market]);
            let (handle, display_name) =
                draw_names(rng, market, taxonomy, niches[0].0, &mut handles);
            let age_days = (30.0 + exponential(rng, 500.0)).min(3_000.0);
            Creator {
                market,
                handle,
                display_name,
                followers,
                account_weight: (account_weight * 1_000.0).round() / 1_000.0,
                quality,
                activity,
                capable: false,
                niches,
                created_at: Clock::plus_days(clock.now, -age_days),
            }
        })
        .collect();
    mark_capable(rng, &mut creators);
    creators
}

/// Marks the top `CAPABLE_SHARE` by a noisy blend of size and activity as capable, so the share
/// is exact and bigger, more active creators are more likely to sell.
fn mark_capable(rng: &mut StdRng, creators: &mut [Creator]) {
    let mut scored: Vec<(f64, usize)> = creators
        .iter()
        .enumerate()
        .map(|(i, c)| (c.size_z() + c.activity.ln() / 0.8 + 0.9 * normal(rng), i))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let capable = (creators.len() as f64 * CAPABLE_SHARE).round() as usize;
    for (_, i) in scored.into_iter().take(capable) {
        creators[i].capable = true;
    }
}

/// 1-3 niches: a dominant one, the others mostly in the same parent category.
fn draw_niches(rng: &mut StdRng, taxonomy: &Taxonomy, popularity: &Weighted) -> Vec<(usize, f64)> {
    let primary = popularity.pick(rng).unwrap_or(0);
    let count = match rng.random::<f64>() {
        x if x < 0.45 => 1,
        x if x < 0.80 => 2,
        _ => 3,
    };
    let mut niches = vec![primary];
    let siblings = &taxonomy.by_category[taxonomy.niches[primary].category];
    for _ in 1..count {
        let candidate = if chance(rng, 0.8) {
            siblings[rng.random_range(0..siblings.len())]
        } else {
            popularity.pick(rng).unwrap_or(primary)
        };
        if !niches.contains(&candidate) {
            niches.push(candidate);
        }
    }
    if niches.len() == 1 {
        return vec![(primary, 1.0)];
    }
    let dominant = rng.random_range(0.55..0.9);
    let rest: Vec<f64> = (1..niches.len())
        .map(|_| rng.random_range(0.2..1.0))
        .collect();
    let rest_sum: f64 = rest.iter().sum();
    let mut shares = vec![dominant];
    shares.extend(rest.iter().map(|r| (1.0 - dominant) * r / rest_sum));
    let mut shares: Vec<f64> = shares
        .iter()
        .map(|s| (s * 1_000.0).round() / 1_000.0)
        .collect();
    // Rounded shares still sum to exactly 1: the dominant one absorbs the rounding.
    shares[0] = ((1.0 - shares[1..].iter().sum::<f64>()) * 1_000.0).round() / 1_000.0;
    niches.into_iter().zip(shares).collect()
}

/// A display name from the market's names and a unique handle in creator style.
fn draw_names(
    rng: &mut StdRng,
    market: usize,
    taxonomy: &Taxonomy,
    niche: usize,
    taken: &mut HashSet<String>,
) -> (String, String) {
    let first = pick(rng, FIRST_NAMES[market]);
    let last = pick(rng, LAST_NAMES[market]);
    let topic: String = taxonomy.niches[niche]
        .leaf
        .slug
        .split('-')
        .next()
        .unwrap_or("daily")
        .to_string();
    let first_lower = first.to_lowercase();
    let mut handle = match rng.random_range(0..4) {
        0 => format!("{first_lower}.{topic}"),
        1 => format!("{first_lower}{}", pick(rng, HANDLE_WORDS)),
        2 => format!("{topic}with{first_lower}"),
        _ => format!("{first_lower}_{}", last.to_lowercase().replace('-', "")),
    };
    while !taken.insert(handle.clone()) {
        handle = format!("{handle}{}", rng.random_range(0..10));
    }
    let category = CATEGORIES[taxonomy.niches[niche].category].name;
    let display = if chance(rng, 0.15) {
        format!("{first} | {category}")
    } else {
        format!("{first} {last}")
    };
    (handle, display)
}

/// Writes creators (ids 1..=n in order) and their niche shares.
pub(super) async fn write<C: ConnectionTrait>(
    sink: Sink<'_, C>,
    creators: &[Creator],
    taxonomy: &Taxonomy,
    now: DateTime<Utc>,
) -> Result<(u64, u64), DbErr> {
    const COLUMNS: &[&str] = &[
        "id",
        "external_id",
        "market_code",
        "handle",
        "display_name",
        "followers",
        "account_weight",
        "ecommerce_capable",
        "created_at",
        "updated_at",
    ];
    let mut rows = Inserter::new(sink, "creator", COLUMNS, creators.len() as u64);
    for (i, c) in creators.iter().enumerate() {
        let id = i as i64 + 1;
        // Profiles are refreshed daily; stagger by id so the column is not constant.
        let updated = (now - TimeDelta::minutes(id % 1_440)).max(c.created_at);
        rows.push([
            id.into(),
            format!("cr-{id:06}").into(),
            MARKETS[c.market].code.into(),
            c.handle.as_str().into(),
            c.display_name.as_str().into(),
            c.followers.into(),
            c.account_weight.into(),
            c.capable.into(),
            c.created_at.into(),
            updated.into(),
        ])
        .await?;
    }
    let written = rows.finish().await?;

    let links: u64 = creators.iter().map(|c| c.niches.len() as u64).sum();
    let mut rows = Inserter::new(
        sink,
        "creator_niche",
        &["creator_id", "niche_id", "share"],
        links,
    );
    for (i, c) in creators.iter().enumerate() {
        for (niche, share) in &c.niches {
            rows.push([
                (i as i64 + 1).into(),
                taxonomy.niches[*niche].id.into(),
                (*share).into(),
            ])
            .await?;
        }
    }
    Ok((written, rows.finish().await?))
}
