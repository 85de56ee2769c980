//! The creator-scout programme: 3-5 scouts per market (a few covering two), and their
//! onboarding pipelines with every state present and an event for every move. About a third of
//! certified creators are e-commerce capable, as in the programme's US figures.

use super::creators::Creator;
use super::markets::MARKETS;
use super::names::{FIRST_NAMES, LAST_NAMES, PIPELINE_REASONS, pick};
use super::sample::{Clock, chance, exponential, quota};
use super::taxonomy::Taxonomy;
use super::writer::{Inserter, Sink};
use chrono::{DateTime, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use sea_orm::{ConnectionTrait, DbErr};

/// Pipeline states in stored spelling; indices are used below.
const STATES: [&str; 6] = [
    "prospect",
    "contacted",
    "onboarding",
    "certified",
    "rejected",
    "churned",
];
const PROSPECT: usize = 0;
const CERTIFIED: usize = 3;
const REJECTED: usize = 4;
const CHURNED: usize = 5;
/// Shares of final states among entries.
const STATE_SHARES: [f64; 6] = [0.2, 0.2, 0.15, 0.3, 0.1, 0.05];
/// Share of a market's creators in its pipeline.
const PIPELINE_SHARE: f64 = 0.12;
/// Share of closed entries whose creator is approached again later.
const REENTRY_SHARE: f64 = 0.15;

/// A scout as generated.
#[derive(Debug)]
pub(super) struct Scout {
    pub name: String,
    pub markets: Vec<usize>,
    pub created_at: DateTime<Utc>,
}

/// A pipeline entry: the states it went through and when.
#[derive(Debug)]
pub(super) struct Entry {
    pub creator: usize,
    pub market: usize,
    pub scout: usize,
    /// The moves from the first (prospect) to the current state.
    pub path: Vec<Step>,
}

impl Entry {
    fn state(&self) -> usize {
        self.path.last().map_or(PROSPECT, |p| p.state)
    }

    fn is_open(&self) -> bool {
        !matches!(self.state(), REJECTED | CHURNED)
    }
}

/// One move of an entry.
#[derive(Debug)]
pub(super) struct Step {
    pub state: usize,
    pub at: DateTime<Utc>,
    pub reason: &'static str,
}

/// The scout programme as generated.
#[derive(Debug)]
pub(super) struct Programme {
    pub scouts: Vec<Scout>,
    /// Entries in order of creation.
    pub entries: Vec<Entry>,
}

/// The states an entry passes through to end in `state`.
fn path_to(rng: &mut StdRng, state: usize) -> Vec<usize> {
    match state {
        REJECTED => {
            let reached = rng.random_range(1..=3);
            (0..reached).chain([REJECTED]).collect()
        }
        CHURNED => vec![0, 1, 2, CERTIFIED, CHURNED],
        s => (0..=s).collect(),
    }
}

/// Times and reasons for a path that starts no earlier than `from` and ends by `now`: a week
/// or so between moves.
fn timed(
    rng: &mut StdRng,
    states: Vec<usize>,
    from: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<Step> {
    let gaps: Vec<f64> = (1..states.len())
        .map(|_| 1.0 + exponential(rng, 8.0))
        .collect();
    let room = (now - from).num_seconds().max(0) as f64 / 86_400.0;
    let total: f64 = gaps.iter().sum();
    let squeeze = if total > room { room / total } else { 1.0 };
    let latest_start = Clock::plus_days(now, -total * squeeze);
    let mut t = Clock::uniform(rng, from, latest_start);
    let mut out = Vec::with_capacity(states.len());
    for (k, s) in states.into_iter().enumerate() {
        if k > 0 {
            t = Clock::plus_days(t, gaps[k - 1] * squeeze).min(now);
        }
        out.push(Step {
            state: s,
            at: t,
            reason: pick(rng, PIPELINE_REASONS[s]),
        });
    }
    out
}

/// Scouts per market and their pipelines over the year.
pub(super) fn generate(rng: &mut StdRng, creators: &[Creator], clock: &Clock) -> Programme {
    let mut scouts = Vec::new();
    for (m, _) in MARKETS.iter().enumerate() {
        for _ in 0..rng.random_range(3..=5) {
            let name = format!("{} {}", pick(rng, FIRST_NAMES[m]), pick(rng, LAST_NAMES[m]));
            let created_at = Clock::plus_days(clock.now, -rng.random_range(400.0..900.0));
            scouts.push(Scout {
                name,
                markets: vec![m],
                created_at,
            });
        }
    }
    for scout in scouts.iter_mut() {
        if chance(rng, 0.2) {
            let second = (scout.markets[0] + rng.random_range(1..MARKETS.len())) % MARKETS.len();
            scout.markets.push(second);
        }
    }

    // Final states per market (every state in every market), then capability for the entries
    // that pass certification, a third of them over all markets.
    let mut pools = Vec::with_capacity(MARKETS.len());
    let mut plans = Vec::new();
    for m in 0..MARKETS.len() {
        let mut capable: Vec<usize> = (0..creators.len())
            .filter(|&i| creators[i].market == m && creators[i].capable)
            .collect();
        let mut other: Vec<usize> = (0..creators.len())
            .filter(|&i| creators[i].market == m && !creators[i].capable)
            .collect();
        capable.shuffle(rng);
        other.shuffle(rng);
        let available = capable.len() + other.len();
        let n = ((available as f64 * PIPELINE_SHARE).round() as usize)
            .max(STATES.len())
            .min(available);
        plans.extend(
            quota(rng, n, &STATE_SHARES, 1)
                .into_iter()
                .map(|state| (m, state)),
        );
        pools.push((capable, other));
    }
    let certifies = |state: usize| state == CERTIFIED || state == CHURNED;
    let certifying = plans.iter().filter(|p| certifies(p.1)).count();
    let mut capable_labels = quota(rng, certifying, &[1.0, 2.0], 0).into_iter();
    let mut entries = Vec::with_capacity(plans.len());
    for (m, state) in plans {
        let from_capable = if certifies(state) {
            capable_labels.next() == Some(0)
        } else {
            chance(rng, 0.25)
        };
        let (capable, other) = &mut pools[m];
        let creator = if from_capable {
            capable.pop().or_else(|| other.pop())
        } else {
            other.pop().or_else(|| capable.pop())
        };
        let Some(creator) = creator else { continue };
        let covering: Vec<usize> = (0..scouts.len())
            .filter(|&s| scouts[s].markets.contains(&m))
            .collect();
        let scout = covering[rng.random_range(0..covering.len())];
        let states = path_to(rng, state);
        let path = timed(rng, states, clock.start, clock.now);
        entries.push(Entry {
            creator,
            market: m,
            scout,
            path,
        });
    }
    let mut reentries = Vec::new();
    for e in entries.iter().filter(|e| !e.is_open()) {
        let closed = e.path.last().map_or(clock.now, |p| p.at);
        if Clock::plus_days(closed, 30.0) < clock.now && chance(rng, REENTRY_SHARE) {
            let state = rng.random_range(PROSPECT..CERTIFIED);
            let states = path_to(rng, state);
            let path = timed(rng, states, Clock::plus_days(closed, 30.0), clock.now);
            reentries.push(Entry {
                creator: e.creator,
                market: e.market,
                scout: e.scout,
                path,
            });
        }
    }
    entries.extend(reentries);
    entries.sort_by_key(|e| e.path.first().map(|p| p.at));
    Programme { scouts, entries }
}

/// Writes scouts, their markets, pipeline entries and their events; returns the four counts.
pub(super) async fn write<C: ConnectionTrait>(
    sink: Sink<'_, C>,
    programme: &Programme,
    creators: &[Creator],
    taxonomy: &Taxonomy,
) -> Result<[u64; 4], DbErr> {
    let Programme { scouts, entries } = programme;
    let mut rows = Inserter::new(
        sink,
        "scout",
        &["id", "external_id", "name", "created_at"],
        scouts.len() as u64,
    );
    for (i, s) in scouts.iter().enumerate() {
        let id = i as i64 + 1;
        rows.push([
            id.into(),
            format!("sc-{id:03}").into(),
            s.name.as_str().into(),
            s.created_at.into(),
        ])
        .await?;
    }
    let scout_rows = rows.finish().await?;

    let total = scouts.iter().map(|s| s.markets.len() as u64).sum();
    let mut rows = Inserter::new(sink, "scout_market", &["scout_id", "market_code"], total);
    for (i, s) in scouts.iter().enumerate() {
        for &m in &s.markets {
            rows.push([(i as i64 + 1).into(), MARKETS[m].code.into()])
                .await?;
        }
    }
    let market_rows = rows.finish().await?;

    const ENTRY: &[&str] = &[
        "id",
        "creator_id",
        "market_code",
        "scout_id",
        "state",
        "active_market",
        "ecommerce_capable",
        "created_at",
        "updated_at",
    ];
    let mut rows = Inserter::new(sink, "pipeline_entry", ENTRY, entries.len() as u64);
    for (i, e) in entries.iter().enumerate() {
        let (Some(first), Some(last)) = (e.path.first(), e.path.last()) else {
            continue;
        };
        let code = MARKETS[e.market].code;
        let certified = e.path.iter().any(|p| p.state == CERTIFIED);
        rows.push([
            (i as i64 + 1).into(),
            (e.creator as i64 + 1).into(),
            code.into(),
            (e.scout as i64 + 1).into(),
            STATES[e.state()].into(),
            e.is_open().then_some(code).into(),
            certified.then_some(creators[e.creator].capable).into(),
            first.at.into(),
            last.at.into(),
        ])
        .await?;
    }
    let entry_rows = rows.finish().await?;

    let total = entries.iter().map(|e| e.path.len() as u64).sum();
    let mut rows = Inserter::new(
        sink,
        "pipeline_event",
        &[
            "id",
            "entry_id",
            "from_state",
            "to_state",
            "actor",
            "reason",
            "note",
            "at",
        ],
        total,
    );
    let mut id = 0i64;
    for (i, e) in entries.iter().enumerate() {
        let actor = format!("scout:{}", e.scout + 1);
        let creator = &creators[e.creator];
        for (k, step) in e.path.iter().enumerate() {
            id += 1;
            let from = k.checked_sub(1).map(|p| STATES[e.path[p].state]);
            let note = match step.state {
                PROSPECT => Some(format!(
                    "{} followers, mostly {}",
                    creator.followers, taxonomy.niches[creator.niches[0].0].leaf.name
                )),
                CERTIFIED => Some(
                    if creator.capable {
                        "has sold through content"
                    } else {
                        "no sales yet"
                    }
                    .to_owned(),
                ),
                _ => None,
            };
            rows.push([
                id.into(),
                (i as i64 + 1).into(),
                from.into(),
                STATES[step.state].into(),
                actor.as_str().into(),
                step.reason.into(),
                note.into(),
                step.at.into(),
            ])
            .await?;
        }
    }
    Ok([scout_rows, market_rows, entry_rows, rows.finish().await?])
}
