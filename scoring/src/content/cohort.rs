//! Cohort snapshot: sorted component values per cohort, answering percentile queries by binary
//! search, with back-off from the niche to the parent niche to the market.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::day::Day;
use crate::fingerprint::Fingerprint;
use serde::{Deserialize, Serialize};

use super::{CohortKey, ContentConfig, ContentError, ContentKind, ContentPiece, FollowerTier};
use super::{MarketId, NicheId};

/// The cohort level a percentile was taken in, most specific first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CohortLevel {
    /// Same market, niche and follower tier.
    Niche,
    /// Same market, parent niche and follower tier (the niche had too few peers).
    ParentNiche,
    /// Same market and follower tier (the parent niche had too few peers too).
    Market,
}

/// Key of one sorted group. The follower tier is kept at every level: a nano creator's rates are
/// not comparable with a mega creator's even across a whole market. A niche group is keyed with
/// its parent too, so a niche the caller files under two parents becomes two groups and every
/// parent group is exactly the union of its niche groups (which the build relies on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct GroupKey {
    kind: ContentKind,
    level: CohortLevel,
    market: MarketId,
    tier: FollowerTier,
    niche: Option<NicheId>,
    parent: Option<NicheId>,
}

impl GroupKey {
    fn new(kind: ContentKind, level: CohortLevel, key: &CohortKey) -> Self {
        let (niche, parent) = match level {
            CohortLevel::Niche => (Some(key.niche), Some(key.parent_niche)),
            CohortLevel::ParentNiche => (None, Some(key.parent_niche)),
            CohortLevel::Market => (None, None),
        };
        Self {
            kind,
            level,
            market: key.market,
            tier: key.tier,
            niche,
            parent,
        }
    }
}

/// Multiply-rotate hasher for the small fixed-size group keys: the default SipHash guards
/// against hash flooding, which is no concern for keys built from our own ids, and made the
/// million-piece snapshot build about 15% slower in our measurements.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }

    fn write_u16(&mut self, n: u16) {
        self.write_u64(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn write_isize(&mut self, n: isize) {
        self.write_u64(n as u64);
    }
}

type GroupIndex = HashMap<GroupKey, usize, BuildHasherDefault<KeyHasher>>;

/// Group slots in creation order, with each group's level and the group one level above it.
#[derive(Default)]
struct Layout {
    index: GroupIndex,
    levels: Vec<CohortLevel>,
    above: Vec<Option<usize>>,
}

impl Layout {
    /// The slot of `key`, created if new.
    fn slot(&mut self, key: GroupKey) -> usize {
        *self.index.entry(key).or_insert_with(|| {
            self.levels.push(key.level);
            self.above.push(None);
            self.levels.len() - 1
        })
    }
}

/// Percentile tables of all cohorts of one window, built once per recompute.
///
/// Each cohort holds, per component, the ascending sorted values of the pieces published in the
/// window `(as_of_day - window_days, as_of_day]` with at least `min_audience_for_cohort` views.
/// Values are stored as `f32`: seven significant digits are plenty to rank a rate, and half the
/// memory keeps a million-piece snapshot in a cache-friendlier 50 MB. A piece inside the window
/// is part of its own cohort; the mid-rank percentile counts it as half a tie with itself.
#[derive(Debug, Clone)]
pub struct CohortSnapshot {
    config: Fingerprint,
    as_of_day: Day,
    window_days: u32,
    pieces: usize,
    index: GroupIndex,
    groups: Vec<[Vec<f32>; 4]>,
    levels: Vec<CohortLevel>,
}

impl CohortSnapshot {
    /// Builds the snapshot of the window ending on `as_of_day` from `pieces`; pieces outside the
    /// window or with too small an audience are skipped. Fails on impossible counts.
    pub fn build<'a>(
        pieces: impl IntoIterator<Item = &'a ContentPiece>,
        as_of_day: Day,
        config: &ContentConfig,
    ) -> Result<Self, ContentError> {
        config.validate()?;
        let first_day = as_of_day.before(config.window_days);
        let mut layout = Layout::default();
        // Pass 1: each member's rates and niche group; parent and market groups are created
        // with the first member of each niche group.
        let mut rates: Vec<[f32; 4]> = Vec::new();
        let mut member_group: Vec<usize> = Vec::new();
        for piece in pieces {
            let day = piece.published_day;
            if day <= first_day
                || day > as_of_day
                || piece.engagement.audience() < config.min_audience_for_cohort
            {
                continue;
            }
            let Some(r) = piece.engagement.rates(piece.id)? else {
                continue;
            };
            let kind = piece.engagement.kind();
            let niche_key = GroupKey::new(kind, CohortLevel::Niche, &piece.cohort);
            let slot = match layout.index.get(&niche_key) {
                Some(&slot) => slot,
                None => {
                    let niche = layout.slot(niche_key);
                    let parent =
                        layout.slot(GroupKey::new(kind, CohortLevel::ParentNiche, &piece.cohort));
                    let market =
                        layout.slot(GroupKey::new(kind, CohortLevel::Market, &piece.cohort));
                    layout.above[niche] = Some(parent);
                    layout.above[parent] = Some(market);
                    niche
                }
            };
            rates.push(r.map(|x| x as f32));
            member_group.push(slot);
        }
        let Layout {
            index,
            levels,
            above,
        } = layout;
        // Pass 2: members listed niche group by niche group (a counting sort), each group's
        // values gathered into exactly sized vectors and sorted. Rates are finite and
        // non-negative, so their bit patterns order like their values and sort faster as
        // integers than through a float comparison.
        let mut starts = vec![0usize; levels.len() + 1];
        for &slot in &member_group {
            starts[slot + 1] += 1;
        }
        for g in 1..starts.len() {
            starts[g] += starts[g - 1];
        }
        let mut next = starts.clone();
        let mut by_group = vec![0usize; rates.len()];
        for (member, &slot) in member_group.iter().enumerate() {
            by_group[next[slot]] = member;
            next[slot] += 1;
        }
        let mut groups: Vec<[Vec<f32>; 4]> = starts
            .windows(2)
            .map(|w| {
                let members = &by_group[w[0]..w[1]];
                std::array::from_fn(|c| {
                    let mut values: Vec<f32> = members.iter().map(|&m| rates[m][c]).collect();
                    values.sort_unstable_by_key(|v| v.to_bits());
                    values
                })
            })
            .collect();
        // Pass 3: parent groups merge their niche groups, then market groups their parent
        // groups. The stable sort finds the sorted runs and merges them, far cheaper than
        // sorting every level from scratch.
        let mut below: Vec<Vec<usize>> = vec![Vec::new(); levels.len()];
        for (slot, up) in above.iter().enumerate() {
            if let Some(up) = *up {
                below[up].push(slot);
            }
        }
        for level in [CohortLevel::ParentNiche, CohortLevel::Market] {
            for slot in (0..levels.len()).filter(|&s| levels[s] == level) {
                let merged: [Vec<f32>; 4] = std::array::from_fn(|c| {
                    let mut values: Vec<f32> = below[slot]
                        .iter()
                        .flat_map(|&child| groups[child][c].iter().copied())
                        .collect();
                    values.sort_by_key(|v| v.to_bits());
                    values
                });
                groups[slot] = merged;
            }
        }
        Ok(Self {
            config: Fingerprint::of(config),
            as_of_day,
            window_days: config.window_days,
            pieces: rates.len(),
            index,
            groups,
            levels,
        })
    }

    /// Fingerprint of the configuration the snapshot was built with.
    pub fn config(&self) -> Fingerprint {
        self.config
    }

    /// Last day of the window.
    pub fn as_of_day(&self) -> Day {
        self.as_of_day
    }

    /// Length of the window in days.
    pub fn window_days(&self) -> u32 {
        self.window_days
    }

    /// Number of pieces that entered the snapshot.
    pub fn piece_count(&self) -> usize {
        self.pieces
    }

    /// The cohort a piece of `kind` in `key` is compared with: the niche if it has at least
    /// `min_size` peers, else the parent niche, else the market. When even the market is
    /// smaller, the market (the largest level) is used anyway and the low peer count shows in
    /// the confidence; with no peer at all every percentile is the neutral 50.
    pub fn cohort(&self, kind: ContentKind, key: &CohortKey, min_size: usize) -> Cohort<'_> {
        self.cohort_at(self.resolve(kind, key, min_size))
    }

    /// Number of groups: [`Self::resolve`] returns indices below it.
    pub(crate) fn group_count(&self) -> usize {
        self.groups.len()
    }

    /// The cohort of a [`Self::resolve`] result (`None`: no peer at any level).
    pub(crate) fn cohort_at(&self, slot: Option<usize>) -> Cohort<'_> {
        match slot.and_then(|s| Some((self.levels.get(s)?, self.groups.get(s)?))) {
            Some((&level, values)) => Cohort {
                level,
                values: Some(values),
            },
            None => Cohort {
                level: CohortLevel::Market,
                values: None,
            },
        }
    }

    /// Group index behind [`Self::cohort`], which lets a bulk scorer visit pieces cohort by
    /// cohort.
    pub(crate) fn resolve(
        &self,
        kind: ContentKind,
        key: &CohortKey,
        min_size: usize,
    ) -> Option<usize> {
        let mut fallback = None;
        for level in [
            CohortLevel::Niche,
            CohortLevel::ParentNiche,
            CohortLevel::Market,
        ] {
            if let Some(&slot) = self.index.get(&GroupKey::new(kind, level, key)) {
                if self.groups[slot][0].len() >= min_size {
                    return Some(slot);
                }
                fallback = Some(slot);
            }
        }
        fallback
    }
}

/// One resolved cohort: the level used and its sorted values per component.
#[derive(Debug, Clone, Copy)]
pub struct Cohort<'a> {
    level: CohortLevel,
    values: Option<&'a [Vec<f32>; 4]>,
}

impl Cohort<'_> {
    /// The level this cohort stands at.
    pub fn level(&self) -> CohortLevel {
        self.level
    }

    /// How many pieces the cohort holds.
    pub fn peers(&self) -> usize {
        self.values.map_or(0, |v| v[0].len())
    }

    /// Mid-rank percentile (0..=100) of `value` for component `component` (index in
    /// [`super::Component::of`] order): the share of peers below it plus half the share equal
    /// to it. Ties therefore sit in the middle, an all-equal cohort puts everyone at 50, and the
    /// result never decreases as `value` grows.
    pub fn percentile(&self, component: usize, value: f64) -> f64 {
        let Some(values) = self.values.and_then(|v| v.get(component)) else {
            return 50.0;
        };
        if values.is_empty() {
            return 50.0;
        }
        let v = value as f32;
        let below = values.partition_point(|x| *x < v);
        // Ties are usually few: gallop over them from `below` instead of a second full search.
        let rest = &values[below..];
        let mut bound = 1;
        while bound < rest.len() && rest[bound] <= v {
            bound *= 2;
        }
        let up_to = below + rest[..bound.min(rest.len())].partition_point(|x| *x <= v);
        (below as f64 + 0.5 * (up_to - below) as f64) * 100.0 / values.len() as f64
    }

    /// The smallest peer value whose percentile reaches `target`, i.e. the value to match to get
    /// there, or `None` if no peer value does (e.g. the 90th percentile of a tied cohort).
    pub fn value_at_percentile(&self, component: usize, target: f64) -> Option<f64> {
        let values = self.values?.get(component)?;
        let (mut lo, mut hi) = (0, values.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.percentile(component, f64::from(values[mid])) < target {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        values.get(lo).map(|v| f64::from(*v))
    }
}
