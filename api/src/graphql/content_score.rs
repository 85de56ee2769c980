//! Content scores in GraphQL: a piece's score with its components, traffic pool and what would
//! lift it; a creator's rolling content score; and the top content of a market or niche.

use super::content::Content;
use super::context::{db, load, load_each, load_required};
use super::pagination::{Page, ranked};
use crate::auth::{Policy, caller};
use crate::content::ContentScoring;
use crate::error::ApiError;
use async_graphql::{Context, Description, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entities::enums::{CohortLevel, ContentKind, PoolDecision};
use entities::{content, content_score, creator_content_score, niche};
use scoring::content::{CohortLabels, Explanation};
use scoring::fingerprint::Fingerprint;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::sync::Arc;
use tokio::sync::OnceCell;

/// The score of one piece, as stored by the last rescoring.
#[derive(Description)]
pub struct ContentScore {
    row: content_score::Model,
    explanation: OnceCell<Option<Explanation>>,
}

impl ContentScore {
    /// The score of a piece the caller may see.
    pub async fn of(ctx: &Context<'_>, piece: &content::Model) -> Result<Option<Self>> {
        if !super::content::readable(ctx, piece).await? {
            return Err(ApiError::not_found("content", piece.id).into());
        }
        let Some(row) = load::<content_score::Entity, i64>(ctx, piece.id).await? else {
            return Ok(None);
        };
        Ok(Some(Self {
            row,
            explanation: OnceCell::new(),
        }))
    }

    async fn explanation(&self, ctx: &Context<'_>) -> Result<Option<&Explanation>> {
        let explanation = self
            .explanation
            .get_or_try_init(|| async {
                let row = &self.row;
                let leaf = load_required::<niche::Entity, i64>(ctx, row.niche_id).await?;
                let parent = match leaf.parent_id {
                    Some(p) => load_required::<niche::Entity, i64>(ctx, p).await?,
                    None => leaf.clone(),
                };
                let labels = CohortLabels {
                    market: &row.market_code,
                    niche: &leaf.name,
                    parent_niche: &parent.name,
                };
                let model = ctx.data_unchecked::<Arc<ContentScoring>>().model().await?;
                Ok::<_, async_graphql::Error>(
                    crate::content::explain(db(ctx), &model, row, &labels).await?,
                )
            })
            .await?;
        Ok(explanation.as_ref())
    }
}

/// Where a piece stands in the traffic-pool ladder.
#[derive(SimpleObject)]
pub struct TrafficPool {
    /// 0 is the initial pool (100-500 impressions by account weight), then the ladder.
    pub index: i64,
    /// Cumulative impressions the current pool reaches.
    pub size: i64,
    /// Size of the next pool; null in the top pool or when frozen.
    pub next_size: Option<i64>,
    /// Score needed to move to the next pool.
    pub score_needed: Option<f64>,
    /// Impressions still to collect before the pool judges the piece (or to fill the top pool).
    pub impressions_to_collect: i64,
    /// What the latest evaluation decided.
    pub decision: PoolDecision,
}

/// One scored component: the rate, its cohort percentile and the points it earns.
#[derive(SimpleObject)]
pub struct ScoreComponent {
    /// Creator-facing name, e.g. "comment rate".
    pub name: String,
    /// The piece's raw value: a rate per view, seconds, or orders per thousand viewers.
    pub rate: f64,
    /// The rate as a creator reads it, e.g. "1.4%" or "23 s".
    pub display_rate: String,
    /// Percentile in the cohort (0-100).
    pub percentile: f64,
    /// The component's weight in the base score (a kind's four weights sum to 1).
    pub weight: f64,
    /// Points it adds to the base score: `weight * percentile`.
    pub points: f64,
    /// The cohort the percentile was taken in.
    pub cohort_level: CohortLevel,
    /// The component in words.
    pub text: String,
}

/// A change that would add points, best first.
#[derive(SimpleObject)]
pub struct Improvement {
    /// The component to improve; null for advice not tied to one (e.g. the value grade).
    pub component: Option<String>,
    /// The percentile to reach (0-100); null for advice not tied to a component.
    pub target_percentile: Option<f64>,
    /// The rate that reaches the target percentile in today's cohort.
    pub target_rate: Option<f64>,
    /// Points the change adds.
    pub gain: f64,
    /// The suggestion in words.
    pub text: String,
}

fn level(l: scoring::content::CohortLevel) -> CohortLevel {
    match l {
        scoring::content::CohortLevel::Niche => CohortLevel::Niche,
        scoring::content::CohortLevel::ParentNiche => CohortLevel::ParentNiche,
        scoring::content::CohortLevel::Market => CohortLevel::Market,
    }
}

#[Object(use_type_description)]
impl ContentScore {
    /// 0-100; null while the piece has no views yet.
    async fn total(&self) -> Option<f64> {
        self.row.score
    }
    /// 0-1: how far the score rests on enough views and enough peers.
    async fn confidence(&self) -> f64 {
        self.row.confidence
    }
    /// A severe upheld violation zeroed the score and froze distribution.
    async fn frozen(&self) -> bool {
        self.row.frozen
    }
    /// Weighted cohort percentiles, before the value-grade factor and penalties.
    async fn base(&self) -> Option<f64> {
        self.row.base
    }
    /// The value grade's multiplier (strongly useful content earns more).
    async fn value_factor(&self) -> Option<f64> {
        self.row.value_factor
    }
    /// Points taken off for upheld violations.
    async fn penalty(&self) -> Option<f64> {
        self.row.penalty
    }
    /// Pieces in the cohort the percentiles were taken in.
    async fn peers(&self) -> i64 {
        self.row.peers
    }
    /// Views (videos) or viewers (live streams) the rates rest on.
    async fn audience(&self) -> i64 {
        self.row.audience
    }
    /// The cohort level: the niche, or its parent or the market when the niche was too small.
    async fn cohort_level(&self) -> Option<CohortLevel> {
        self.row.cohort_level
    }
    /// Fingerprint of the content configuration that made the score (16 hex digits).
    async fn config_version(&self) -> String {
        Fingerprint::from_i64(self.row.config_version).to_string()
    }
    /// When the piece was last scored.
    async fn scored_at(&self) -> DateTime<Utc> {
        self.row.scored_at
    }
    /// The traffic pool the piece has earned, and what the next one takes.
    async fn pool(&self) -> TrafficPool {
        let r = &self.row;
        TrafficPool {
            index: r.pool,
            size: r.pool_size,
            next_size: r.next_pool_size,
            score_needed: r.score_needed,
            impressions_to_collect: r.impressions_to_collect,
            decision: r.decision,
        }
    }
    /// The score in one sentence.
    async fn summary(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(self.explanation(ctx).await?.map(|e| e.summary.clone()))
    }
    /// The four components (empty while there is no score).
    async fn components(&self, ctx: &Context<'_>) -> Result<Vec<ScoreComponent>> {
        let Some(e) = self.explanation(ctx).await? else {
            return Ok(vec![]);
        };
        Ok(e.components
            .iter()
            .map(|c| ScoreComponent {
                name: c.component.name().to_owned(),
                rate: c.rate,
                display_rate: c.component.format_value(c.rate),
                percentile: c.percentile,
                weight: c.weight,
                points: c.points,
                cohort_level: level(c.level),
                text: c.text.clone(),
            })
            .collect())
    }
    /// The one or two changes that would add the most points.
    async fn improvements(&self, ctx: &Context<'_>) -> Result<Vec<Improvement>> {
        let Some(e) = self.explanation(ctx).await? else {
            return Ok(vec![]);
        };
        Ok(e.suggestions
            .iter()
            .map(|s| Improvement {
                component: s.component.map(|c| c.name().to_owned()),
                target_percentile: s.target_percentile,
                target_rate: s.target_rate,
                gain: s.gain,
                text: s.text.clone(),
            })
            .collect())
    }
}

/// A creator's (or shop's) rolling content score: a trimmed mean of recent pieces, shrunk toward
/// the niche (or market) mean when there are few, minus upheld violations.
#[derive(SimpleObject)]
pub struct AggregateContentScore {
    /// 0-100.
    pub score: f64,
    /// Trimmed mean of the recent pieces' scores; null without scored pieces.
    pub trimmed_mean: Option<f64>,
    /// Scored pieces in the window.
    pub pieces: i64,
    /// The mean the score is shrunk toward.
    pub prior_mean: f64,
    /// Weight of that mean in the score (0-1).
    pub prior_share: f64,
    /// Points taken off for upheld violations in the window.
    pub penalty: f64,
    /// 0-1: the share of the score resting on the pieces themselves.
    pub confidence: f64,
    /// Fingerprint of the content configuration that made the score (16 hex digits).
    pub config_version: String,
    /// When the score was computed (for a shop: now, as it is computed on read).
    pub scored_at: DateTime<Utc>,
}

impl From<creator_content_score::Model> for AggregateContentScore {
    fn from(m: creator_content_score::Model) -> Self {
        Self {
            score: m.score,
            trimmed_mean: m.trimmed_mean,
            pieces: m.pieces,
            prior_mean: m.prior_mean,
            prior_share: m.prior_share,
            penalty: m.penalty,
            confidence: m.confidence,
            config_version: Fingerprint::from_i64(m.config_version).to_string(),
            scored_at: m.scored_at,
        }
    }
}

/// `Shop.contentScore`: computed on read from the stored scores of the content selling the
/// shop's products; the shop itself, its brand and admins may read it.
pub async fn shop_content_score(
    ctx: &Context<'_>,
    shop: &entities::shop::Model,
) -> Result<AggregateContentScore> {
    caller(ctx)?.require_shop(shop.id, shop.brand_id)?;
    let model = ctx.data_unchecked::<Arc<ContentScoring>>().model().await?;
    let now = Utc::now();
    let a =
        crate::content::shop_score(db(ctx), &model.niche_means, &model.markets, shop, now).await?;
    Ok(AggregateContentScore {
        score: a.score,
        trimmed_mean: a.trimmed_mean,
        pieces: a.pieces as i64,
        prior_mean: a.prior_mean,
        prior_share: a.prior_share,
        penalty: a.penalty,
        confidence: a.confidence,
        config_version: crate::content::fingerprint().to_string(),
        scored_at: now,
    })
}

/// Top-content queries.
#[derive(Default)]
pub struct ContentScoreQuery;

#[Object]
impl ContentScoreQuery {
    /// Content of a market ranked by score, best first (ties by id), optionally in one niche
    /// (a parent niche includes its children) and of one kind. Pieces without views are left
    /// out; brands see public content only; scouts only their markets.
    #[graphql(guard = "Policy::ReadCreators")]
    async fn top_content(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The market: its upper-case code, e.g. `US`.")] market: String,
        #[graphql(
            desc = "Only content in this niche, by its `id` (a category includes its leaves)."
        )]
        niche: Option<ID>,
        #[graphql(desc = "Only videos or only live streams; both when omitted.")] kind: Option<
            ContentKind,
        >,
        #[graphql(desc = "How many items to return: 1 to 100, 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(
            desc = "Start after the edge with this `cursor` (the previous page's `pageInfo.endCursor`); from the first item when omitted."
        )]
        after: Option<String>,
    ) -> Result<Page<Content>> {
        super::named::market(ctx, "market", &market).await?;
        let caller = caller(ctx)?;
        caller.require_creator_market(&market)?;
        let db = db(ctx);
        use content_score::Column as S;
        let mut select = content_score::Entity::find()
            .filter(S::MarketCode.eq(market.as_str()))
            .filter(S::Score.is_not_null());
        if let Some(niche) = niche {
            let id = super::named::niche(ctx, "niche", &niche).await?;
            let mut ids: Vec<i64> = niche::Entity::find()
                .filter(niche::Column::ParentId.eq(id))
                .all(db)
                .await?
                .into_iter()
                .map(|n| n.id)
                .collect();
            ids.push(id);
            select = select.filter(S::NicheId.is_in(ids));
        }
        if let Some(kind) = kind {
            select = select.filter(S::Kind.eq(kind));
        }
        if !caller.sees_removed_content() {
            select = select.filter(S::Frozen.eq(false));
        }
        let page = ranked(db, select, S::Score, S::ContentId, first, after).await?;
        let ids: Vec<i64> = page.rows.iter().map(|r| r.content_id).collect();
        let pieces = load_each::<content::Entity, i64>(ctx, ids).await?;
        Ok(page.into_connection(
            |r| (r.score.unwrap_or_default(), r.content_id),
            pieces.into_iter().map(Content),
        ))
    }
}

/// What a full content recompute did.
#[derive(SimpleObject)]
pub struct ContentRecompute {
    /// Pieces rescored (with or without views).
    pub pieces: u64,
    /// Pieces with a score.
    pub scored: u64,
    /// Creators given a content score.
    pub creators: u64,
    /// Pieces in the new cohort snapshot.
    pub snapshot_pieces: u64,
}

/// Content-score jobs.
#[derive(Default)]
pub struct ContentScoreMutation;

#[Object]
impl ContentScoreMutation {
    /// Rebuilds the cohort snapshot, rescores every piece and creator in one transaction, and
    /// makes this server score new metrics against the new snapshot (what `flywheel recompute
    /// content` does, plus the swap): run it after a bulk import.
    #[graphql(guard = "Policy::AdminOnly")]
    async fn recompute_content_scores(&self, ctx: &Context<'_>) -> Result<ContentRecompute> {
        let summary = crate::content::recompute::run(db(ctx), Utc::now(), &|_, _, _| {}).await?;
        ctx.data_unchecked::<Arc<ContentScoring>>()
            .refresh()
            .await?;
        Ok(ContentRecompute {
            pieces: summary.pieces as u64,
            scored: summary.scored as u64,
            creators: summary.creators as u64,
            snapshot_pieces: summary.snapshot_pieces as u64,
        })
    }
}
