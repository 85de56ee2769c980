//! Videos and live streams with their metrics.

use super::context::{load, load_all, load_each, load_required};
use super::creators::Creator;
use super::key::Key;
use super::markets::Niche;
use super::products::Product;
use super::scalars::{Long, id};
use crate::auth::{Policy, caller};
use async_graphql::{Context, Description, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entities::enums::{ContentKind, ValueGrade};
use entities::{content, content_product, content_score, creator, niche, product};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

/// A video or a live stream.
#[derive(Description)]
pub struct Content(pub content::Model);

/// Whether the caller may read a piece: one of a creator it may read, and for brands public
/// content only (a piece removed by moderation, a severe upheld violation, is for admins and
/// scouts, who handle it). Whoever may not read a piece is told it does not exist.
pub async fn readable(ctx: &Context<'_>, piece: &content::Model) -> Result<bool> {
    let author = load_required::<creator::Entity, i64>(ctx, piece.creator_id).await?;
    let caller = caller(ctx)?;
    if !caller.sees_creators_of(&author.market_code)? {
        return Ok(false);
    }
    Ok(caller.sees_removed_content() || !removed(ctx, piece.id).await?)
}

async fn removed(ctx: &Context<'_>, piece: i64) -> Result<bool> {
    Ok(load::<content_score::Entity, i64>(ctx, piece)
        .await?
        .is_some_and(|s| s.frozen))
}

/// Pieces removed by moderation, to leave out of what a brand lists.
pub fn removed_pieces() -> sea_orm::sea_query::SelectStatement {
    content_score::Entity::find()
        .select_only()
        .column(content_score::Column::ContentId)
        .filter(content_score::Column::Frozen.eq(true))
        .into_query()
}

/// The engagement of a video (for live streams, views are unique viewers).
#[derive(SimpleObject)]
pub struct VideoMetrics {
    /// Times the piece was shown.
    pub impressions: Long,
    /// Views (for live streams: unique viewers).
    pub views: Long,
    /// Views watched to the end.
    pub completions: Long,
    /// Mean watch time per view, in seconds.
    pub avg_watch_seconds: f64,
    /// Likes.
    pub likes: Long,
    /// Comments.
    pub comments: Long,
    /// Shares.
    pub shares: Long,
}

/// What only a live stream has.
#[derive(SimpleObject)]
pub struct LiveMetrics {
    /// Length of the stream, in seconds.
    pub duration_seconds: i64,
    /// Mean concurrent viewers.
    pub avg_viewers: f64,
    /// Most concurrent viewers.
    pub peak_viewers: i64,
    /// Orders placed through the stream.
    pub orders: i64,
}

#[Object(use_type_description)]
impl Content {
    /// The piece's id in Flywheel: what `content(id:)` takes (not the client's `externalId`).
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// The client's own key for the piece, as sent to `upsertContent`.
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }
    /// A video or a live stream.
    async fn kind(&self) -> ContentKind {
        self.0.kind
    }
    /// The piece's title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// How useful the piece is to a buyer.
    async fn value_grade(&self) -> ValueGrade {
        self.0.value_grade
    }
    /// When the piece was published.
    async fn published_at(&self) -> DateTime<Utc> {
        self.0.published_at
    }
    /// When the metrics were last reported; null before the first report.
    async fn metrics_at(&self) -> Option<DateTime<Utc>> {
        self.0.metrics_at
    }
    /// Engagement as last reported (all zero before the first report).
    async fn metrics(&self) -> VideoMetrics {
        let c = &self.0;
        VideoMetrics {
            impressions: Long(c.impressions),
            views: Long(c.views),
            completions: Long(c.completions),
            avg_watch_seconds: c.avg_watch_seconds,
            likes: Long(c.likes),
            comments: Long(c.comments),
            shares: Long(c.shares),
        }
    }
    /// Live-stream metrics; null for videos.
    async fn live(&self) -> Option<LiveMetrics> {
        let c = &self.0;
        Some(LiveMetrics {
            duration_seconds: c.live_duration_seconds?,
            avg_viewers: c.live_avg_viewers.unwrap_or_default(),
            peak_viewers: c.live_peak_viewers.unwrap_or_default(),
            orders: c.live_orders.unwrap_or_default(),
        })
    }
    /// The niche the piece is in.
    async fn niche(&self, ctx: &Context<'_>) -> Result<Niche> {
        Ok(load_required::<niche::Entity, i64>(ctx, self.0.niche_id)
            .await?
            .into())
    }
    /// The creator who published it.
    async fn creator(&self, ctx: &Context<'_>) -> Result<Creator> {
        Ok(Creator(
            load_required::<creator::Entity, i64>(ctx, self.0.creator_id).await?,
        ))
    }
    /// The piece's content score and traffic pool; null before it was first scored. Brands
    /// see scores of public content only, scouts of their markets only.
    #[graphql(guard = "Policy::ReadCreators")]
    async fn score(&self, ctx: &Context<'_>) -> Result<Option<super::content_score::ContentScore>> {
        super::content_score::ContentScore::of(ctx, &self.0).await
    }
    /// The products the piece sells.
    async fn products(&self, ctx: &Context<'_>) -> Result<Vec<Product>> {
        let links = load_all::<content_product::Entity>(ctx, self.0.id).await?;
        let ids = links.iter().map(|l| l.product_id).collect();
        let products = load_each::<product::Entity, i64>(ctx, ids).await?;
        Ok(products.into_iter().map(Product).collect())
    }
}

/// Content queries.
#[derive(Default)]
pub struct ContentQuery;

#[Object]
impl ContentQuery {
    /// One piece of content by `id` or by `externalId` (exactly one); a piece the caller may
    /// not read (see [`readable`]) does not exist for it.
    #[graphql(guard = "Policy::ReadCreators")]
    async fn content(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The piece's `id`, as reads return it; give this or `externalId`, not both."
        )]
        id: Option<ID>,
        #[graphql(
            desc = "The client's key for the piece, as sent to `upsertContent`; give this or `id`, not both."
        )]
        external_id: Option<String>,
    ) -> Result<Content> {
        let key = Key::of(id, external_id)?;
        if let Some(row) = key
            .find::<content::Entity>(ctx, content::Column::ExternalId)
            .await?
            && readable(ctx, &row).await?
        {
            return Ok(Content(row));
        }
        Err(key.not_found("content").into())
    }
}
