//! `Brand.creatorMatches` and `Creator.lookalikes`: ranked, filtered, explained creators as a
//! Relay connection. Arguments are checked here; ranking is `crate::matching`.

use super::context::load_required;
use super::creators::Creator;
use super::follower_range::FollowerRange;
use super::pagination::page_size;
use super::scalars::parse_id;
use crate::error::{ApiError, ApiResult};
use crate::matching::{Matching, Seed};
use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Description, Enum, ID, InputObject, Object, Result, SimpleObject};
use entities::creator;
use scoring::matching::{
    self as m, Audience, Component, Cursor, MatchFilters, PageRequest, PageStart,
};
use std::sync::Arc;

/// Which creators a match query may return. Every field is optional; none means "any".
#[derive(InputObject, Default)]
pub struct MatchFilter {
    /// Creators in this market: its upper-case code, e.g. `US`.
    pub market: Option<String>,
    /// Creators with content in this niche (a leaf, or a category and its leaves).
    pub niche_id: Option<ID>,
    /// Creators with at least this many followers (>= 0).
    pub min_followers: Option<i32>,
    /// Creators with at most this many followers (>= 0): to find niche creators rather than
    /// the biggest ones.
    pub max_followers: Option<i32>,
    /// `true`: only creators who can sell; `false` or omitted: no constraint.
    pub ecommerce_capable: Option<bool>,
    /// Content score (0-100) at least this; creators not scored yet are left out.
    pub min_content_score: Option<f64>,
    /// `true`: leave out creators with an upheld violation in the last 90 days.
    pub no_recent_violations: Option<bool>,
    /// `true`: also return creators the brand already worked with (excluded by default).
    /// Lookalikes never exclude anyone but the seed, so they ignore it.
    pub include_existing_collaborators: Option<bool>,
}

/// A part of a match's score.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum MatchComponentName {
    /// Closeness in the graph of brands, creators, niches and collaborations.
    Proximity,
    /// Share of the creator's content in the seed's niches.
    NicheFocus,
    /// Content score.
    ContentScore,
    /// Predicted lifetime value.
    Ltv,
    /// Probability the creator is still active.
    PActive,
    /// How often the creator delivered on past collaborations.
    Reliability,
}

impl From<Component> for MatchComponentName {
    fn from(c: Component) -> Self {
        match c {
            Component::Proximity => Self::Proximity,
            Component::NicheFocus => Self::NicheFocus,
            Component::Content => Self::ContentScore,
            Component::Ltv => Self::Ltv,
            Component::PActive => Self::PActive,
            Component::Reliability => Self::Reliability,
        }
    }
}

/// One component of a match's score.
#[derive(SimpleObject)]
pub struct MatchComponent {
    /// Which part of the score this is.
    pub name: MatchComponentName,
    /// The component's value, 0..1.
    pub value: f64,
    /// False when `value` stands in for data the creator does not have yet: the neutral 0.5
    /// for an unknown content score, LTV or P(active), the platform's prior (0.8) for the
    /// RELIABILITY of a creator with no collaborations yet.
    pub measured: bool,
    /// Its weight in the blend (weights sum to 1).
    pub weight: f64,
    /// Its share of the score (`weight * value / score`; shares sum to 1).
    pub share: f64,
}

/// A ranked creator: its score, what the score is made of, and why it is here.
#[derive(Description)]
pub struct CreatorMatch {
    item: m::CreatorMatch,
    /// Redacted for the caller by `Matching::rank`.
    explanation: Vec<String>,
}

#[Object(use_type_description)]
impl CreatorMatch {
    /// The matched creator.
    async fn creator(&self, ctx: &Context<'_>) -> Result<Creator> {
        let row = load_required::<creator::Entity, i64>(ctx, self.item.creator.0 as i64).await?;
        Ok(Creator(row))
    }
    /// Blended score, 0..1; results are ordered by it.
    async fn score(&self) -> f64 {
        self.item.score
    }
    /// The score's parts and their shares.
    async fn components(&self) -> Vec<MatchComponent> {
        self.item
            .components
            .iter()
            .map(|c| MatchComponent {
                name: c.component.into(),
                value: c.value,
                measured: c.measured,
                weight: c.weight,
                share: c.share,
            })
            .collect()
    }
    /// 0..1: how tight the proximity estimate is and how much of the creator's data is known
    /// rather than defaulted.
    async fn confidence(&self) -> f64 {
        self.item.confidence
    }
    /// Why the creator is here, in words: the strongest paths from the seed, strongest first
    /// (e.g. "shares your niche Dog Food (62% of its videos)"), then the content score, LTV
    /// and P(active) when they lift the rank (e.g. "content scores in the top 10% of its
    /// market (84/100)"). A brand reads no other brand here: a path through one is told
    /// without naming it or counting its partners ("close to creators you worked with").
    async fn explanation(&self) -> &[String] {
        &self.explanation
    }
    /// Whether the brand already worked with this creator.
    async fn existing_collaborator(&self) -> bool {
        self.item.existing_collaborator
    }
}

/// The extra fields of a match connection.
#[derive(SimpleObject)]
pub struct MatchSummary {
    /// Matches across all pages.
    pub total_count: u64,
    /// Why there are no matches, when the seed has nothing in the graph to start from.
    pub message: Option<String>,
}

/// A page of matches.
pub type MatchConnection = Connection<String, CreatorMatch, MatchSummary>;

/// `Brand.creatorMatches`: the brand's own matches (admins: any brand's).
pub async fn creator_matches(
    ctx: &Context<'_>,
    brand: i64,
    first: Option<i32>,
    after: Option<String>,
    filter: Option<MatchFilter>,
) -> Result<MatchConnection> {
    let caller = crate::auth::caller(ctx)?;
    caller.require_brand(brand)?;
    connection(
        ctx,
        Seed::Brand(brand),
        caller.audience(),
        first,
        after,
        filter,
    )
    .await
}

/// `Creator.lookalikes`: creators like this one.
pub async fn lookalikes(
    ctx: &Context<'_>,
    creator: i64,
    first: Option<i32>,
    after: Option<String>,
    filter: Option<MatchFilter>,
) -> Result<MatchConnection> {
    let audience = crate::auth::caller(ctx)?.audience();
    connection(ctx, Seed::Creator(creator), audience, first, after, filter).await
}

async fn connection(
    ctx: &Context<'_>,
    seed: Seed,
    audience: Audience,
    first: Option<i32>,
    after: Option<String>,
    filter: Option<MatchFilter>,
) -> async_graphql::Result<MatchConnection> {
    let size = page_size(first)? as usize;
    let start = match &after {
        Some(text) => PageStart::After(Cursor::decode(text).map_err(|_| {
            ApiError::bad(format!("after: {text:?} is not a cursor from this field"))
        })?),
        None => PageStart::Offset(0),
    };
    let filter = filter.unwrap_or_default();
    if let Some(code) = &filter.market {
        super::named::market(ctx, "filter.market", code).await?;
    }
    if let Some(id) = &filter.niche_id {
        super::named::niche(ctx, "filter.nicheId", id).await?;
    }
    let include_existing = filter.include_existing_collaborators.unwrap_or(false);
    let filters = filters(filter)?;
    let matching = ctx.data_unchecked::<Arc<Matching>>();
    let ranked = matching
        .rank(
            seed,
            audience,
            filters,
            include_existing,
            PageRequest { start, size },
        )
        .await?;
    let message = ranked.isolated.then(|| match seed {
        Seed::Brand(_) => "no matches yet: the brand has no niches and no collaborations; \
                           add its niches with upsertBrands or record a collaboration"
            .to_owned(),
        Seed::Creator(_) => {
            "no lookalikes yet: the creator has no niches and no collaborations".to_owned()
        }
    });
    let page = ranked.page;
    let mut connection = Connection::with_additional_fields(
        after.is_some(),
        page.next_cursor.is_some(),
        MatchSummary {
            total_count: page.total as u64,
            message,
        },
    );
    connection.edges = page
        .items
        .into_iter()
        .zip(ranked.explanations)
        .map(|(item, explanation)| {
            let cursor = Cursor {
                score: item.score,
                creator: item.creator,
            };
            Edge::new(cursor.encode(), CreatorMatch { item, explanation })
        })
        .collect();
    Ok(connection)
}

/// Checks a filter and turns it into scoring's terms.
fn filters(f: MatchFilter) -> ApiResult<MatchFilters> {
    let followers = FollowerRange::parse("filter.", f.min_followers, f.max_followers)?;
    // Both are at least 0 once parsed.
    let count = |n: Option<i32>| n.map(|n| u64::from(n.unsigned_abs()));
    if let Some(s) = f.min_content_score
        && !(0.0..=100.0).contains(&s)
    {
        return Err(ApiError::bad(format!(
            "filter.minContentScore: must be within 0..100, got {s}"
        )));
    }
    let niches = match &f.niche_id {
        Some(id) => vec![m::NicheId(parse_id("filter.nicheId", id)? as u64)],
        None => Vec::new(),
    };
    Ok(MatchFilters {
        markets: f.market.into_iter().collect(),
        niches,
        min_followers: count(followers.min),
        max_followers: count(followers.max),
        ecommerce_only: f.ecommerce_capable.unwrap_or(false),
        min_content_score: f.min_content_score,
        max_recent_violations: f.no_recent_violations.unwrap_or(false).then_some(0),
    })
}
