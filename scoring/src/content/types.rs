//! Plain input types: where a piece was published, by whom, and what it collected.

use crate::day::Day;
use serde::{Deserialize, Serialize};

use super::ContentError;

pub use crate::severity::Severity;

/// A market (country or region), as a compact id the caller maps to its own keys.
///
/// Ids instead of strings keep a million-piece cohort build allocation-free; display names are
/// passed separately, only when words are needed (see [`super::CohortLabels`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MarketId(pub u16);

/// A niche or a parent niche of the caller's taxonomy, as a compact id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NicheId(pub u32);

/// Follower tier of the publishing account: a nano creator's video is compared with nano
/// creators' videos, because reach changes engagement rates a lot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum FollowerTier {
    /// Fewer than 10,000 followers.
    Nano,
    /// 10,000 to 99,999 followers.
    Micro,
    /// 100,000 to 499,999 followers.
    Mid,
    /// 500,000 to 999,999 followers.
    Macro,
    /// 1,000,000 followers or more.
    Mega,
}

impl FollowerTier {
    /// All tiers, smallest first.
    pub const ALL: [FollowerTier; 5] = [
        FollowerTier::Nano,
        FollowerTier::Micro,
        FollowerTier::Mid,
        FollowerTier::Macro,
        FollowerTier::Mega,
    ];

    /// The tier of an account with `followers` followers.
    pub fn from_followers(followers: u64) -> Self {
        match followers {
            0..10_000 => FollowerTier::Nano,
            10_000..100_000 => FollowerTier::Micro,
            100_000..500_000 => FollowerTier::Mid,
            500_000..1_000_000 => FollowerTier::Macro,
            _ => FollowerTier::Mega,
        }
    }

    /// Words for explanations, e.g. "micro creators (10k-100k followers)".
    pub fn label(self) -> &'static str {
        match self {
            FollowerTier::Nano => "nano creators (under 10k followers)",
            FollowerTier::Micro => "micro creators (10k-100k followers)",
            FollowerTier::Mid => "mid-tier creators (100k-500k followers)",
            FollowerTier::Macro => "macro creators (500k-1M followers)",
            FollowerTier::Mega => "mega creators (1M+ followers)",
        }
    }
}

/// Where a piece competes: its market, niche, the niche's parent and the follower tier.
///
/// The parent niche is what the cohort backs off to when the niche alone has too few peers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CohortKey {
    /// Market the piece was published in.
    pub market: MarketId,
    /// The piece's niche.
    pub niche: NicheId,
    /// The parent of `niche` in the taxonomy (equal to `niche` for a top-level niche).
    pub parent_niche: NicheId,
    /// Tier of the publishing account at publication.
    pub tier: FollowerTier,
}

/// Videos and live streams are scored on different components and never compared together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ContentKind {
    /// A short video.
    Video,
    /// A live stream.
    Live,
}

impl ContentKind {
    /// Plural noun for explanations ("videos", "live streams").
    pub fn plural(self) -> &'static str {
        match self {
            ContentKind::Video => "videos",
            ContentKind::Live => "live streams",
        }
    }
}

/// The platform's value grade of a piece.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ValueGrade {
    /// Detailed tutorials and the like; the source says these convert 3.2x the average.
    StronglyUseful,
    /// Product showcases.
    WeaklyUseful,
    /// Pure entertainment.
    NotUseful,
}

/// Upheld violations on one piece, counted by severity.
///
/// Only upheld ones count: a flag still under review or overturned on appeal must not cost a
/// creator anything, so the caller filters before counting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moderation {
    /// Upheld minor violations.
    pub minor: u32,
    /// Upheld major violations.
    pub major: u32,
    /// Upheld severe violations; any one freezes the piece.
    pub severe: u32,
}

impl Moderation {
    /// A piece with a severe violation scores 0 and gets no more traffic.
    pub fn is_frozen(&self) -> bool {
        self.severe > 0
    }
}

/// Counts a video collected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoStats {
    /// Plays started; the denominator of every video rate.
    pub views: u64,
    /// Plays watched to the end (at most `views`).
    pub completions: u64,
    /// Likes.
    pub likes: u64,
    /// Comments.
    pub comments: u64,
    /// Shares.
    pub shares: u64,
}

/// Counts a live stream collected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveStats {
    /// Distinct viewers; the denominator of the per-viewer components.
    pub viewers: u64,
    /// Total seconds watched, summed over viewers.
    pub watch_seconds: u64,
    /// Comments posted.
    pub comments: u64,
    /// Orders placed from the stream.
    pub orders: u64,
    /// Shares.
    pub shares: u64,
}

/// What a piece collected, by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Engagement {
    /// Counts of a video.
    Video(VideoStats),
    /// Counts of a live stream.
    Live(LiveStats),
}

impl Engagement {
    /// Video or live stream.
    pub fn kind(&self) -> ContentKind {
        match self {
            Engagement::Video(_) => ContentKind::Video,
            Engagement::Live(_) => ContentKind::Live,
        }
    }

    /// Views (video) or viewers (live): what the rates are per, and what confidence rests on.
    pub fn audience(&self) -> u64 {
        match self {
            Engagement::Video(v) => v.views,
            Engagement::Live(l) => l.viewers,
        }
    }

    /// The four component values, in the order of [`Component::of`] for this kind, or `None`
    /// while the audience is zero (nothing to divide by yet). `piece` is only the id quoted in
    /// the error when the counts are impossible.
    pub fn rates(&self, piece: u64) -> Result<Option<[f64; 4]>, ContentError> {
        match *self {
            Engagement::Video(v) => {
                if v.completions > v.views {
                    return Err(ContentError::InvalidStats {
                        piece,
                        reason: format!("{} completions but only {} views", v.completions, v.views),
                    });
                }
                if v.views == 0 {
                    return Ok(None);
                }
                let views = v.views as f64;
                Ok(Some([
                    v.completions as f64 / views,
                    v.likes as f64 / views,
                    v.comments as f64 / views,
                    v.shares as f64 / views,
                ]))
            }
            Engagement::Live(l) => {
                if l.viewers == 0 {
                    return Ok(None);
                }
                let viewers = l.viewers as f64;
                let viewer_minutes = l.watch_seconds as f64 / 60.0;
                // Without a watched minute nobody could comment per minute; 0 is the honest rate.
                let comments_per_minute = if viewer_minutes > 0.0 {
                    l.comments as f64 / viewer_minutes
                } else {
                    0.0
                };
                Ok(Some([
                    l.watch_seconds as f64 / viewers,
                    comments_per_minute,
                    l.orders as f64 * 1000.0 / viewers,
                    l.shares as f64 / viewers,
                ]))
            }
        }
    }
}

/// One scored dimension of a piece.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Component {
    /// Video: completions per view.
    Completion,
    /// Video: likes per view.
    Like,
    /// Video: comments per view.
    Comment,
    /// Video: shares per view.
    Share,
    /// Live: average seconds watched per viewer.
    AvgWatchTime,
    /// Live: comments per viewer-minute watched.
    CommentsPerViewerMinute,
    /// Live: orders per thousand viewers.
    OrdersPerThousandViewers,
    /// Live: shares per viewer.
    LiveShare,
}

impl Component {
    /// Video components, in the order used by weights, rates and scores.
    pub const VIDEO: [Component; 4] = [
        Component::Completion,
        Component::Like,
        Component::Comment,
        Component::Share,
    ];

    /// Live-stream components, in the order used by weights, rates and scores.
    pub const LIVE: [Component; 4] = [
        Component::AvgWatchTime,
        Component::CommentsPerViewerMinute,
        Component::OrdersPerThousandViewers,
        Component::LiveShare,
    ];

    /// The components of a kind of content.
    pub fn of(kind: ContentKind) -> [Component; 4] {
        match kind {
            ContentKind::Video => Self::VIDEO,
            ContentKind::Live => Self::LIVE,
        }
    }

    /// Creator-facing name, e.g. "comment rate".
    pub fn name(self) -> &'static str {
        match self {
            Component::Completion => "completion rate",
            Component::Like => "like rate",
            Component::Comment => "comment rate",
            Component::Share | Component::LiveShare => "share rate",
            Component::AvgWatchTime => "average watch time",
            Component::CommentsPerViewerMinute => "comments per viewer-minute",
            Component::OrdersPerThousandViewers => "orders per 1,000 viewers",
        }
    }

    /// The value in the unit a creator reads it in, e.g. "1.4%" or "23 s".
    pub fn format_value(self, value: f64) -> String {
        match self {
            Component::Completion | Component::Like => format!("{:.1}%", value * 100.0),
            Component::Comment | Component::Share | Component::LiveShare => {
                format!("{:.2}%", value * 100.0)
            }
            Component::AvgWatchTime => format!("{value:.0} s"),
            Component::CommentsPerViewerMinute => format!("{value:.3}"),
            Component::OrdersPerThousandViewers => format!("{value:.1}"),
        }
    }
}

/// Distribution state of a piece, kept by the caller between evaluations.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    /// Impressions served so far, over all pools.
    pub impressions: u64,
    /// The account's weight (0..=1), which sizes the first pool.
    pub account_weight: f64,
    /// Index of the pool the piece is in: 0 is the initial pool, then the configured ladder.
    pub pool: usize,
}

/// Everything the content score and the traffic pool need about one piece.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContentPiece {
    /// The caller's id, echoed in errors.
    pub id: u64,
    /// Market, niche, parent niche and follower tier it competes in.
    pub cohort: CohortKey,
    /// Publication day.
    pub published_day: Day,
    /// Value grade given by moderation.
    pub value_grade: ValueGrade,
    /// Counts collected so far.
    pub engagement: Engagement,
    /// Upheld violations.
    pub moderation: Moderation,
    /// Where it stands in the traffic pools.
    pub distribution: Distribution,
}
