//! The ingest mutations: one per record kind, each taking up to 1,000 items.

use super::context::db;
use crate::auth::{Policy, caller};
use crate::ingest::{
    BatchOutcome, BrandInput, CollaborationInput, ContentInput, ContentMetricsInput, CreatorInput,
    IngestContext, Kind, MarketInput, NicheInput, OrderInput, OrderStatusInput, ProductInput,
    ReviewInput, ShopInput, ViolationInput,
};
use async_graphql::{Context, Object, Result};

/// The ingest context of a GraphQL request: its caller, now, and the server's content scoring.
pub(crate) fn context(ctx: &Context<'_>) -> Result<IngestContext> {
    Ok(IngestContext {
        caller: caller(ctx)?.clone(),
        now: chrono::Utc::now(),
        content: std::sync::Arc::clone(
            ctx.data_unchecked::<std::sync::Arc<crate::content::ContentScoring>>(),
        ),
    })
}

/// Runs a batch, then brings matching up to date with what it touched.
async fn ingest<K: Kind>(ctx: &Context<'_>, items: Vec<K>) -> Result<BatchOutcome> {
    let ingest = context(ctx)?;
    let outcome = crate::ingest::run(db(ctx), items, &ingest).await?;
    let matching = ctx.data_unchecked::<std::sync::Arc<crate::matching::Matching>>();
    matching
        .catch_up(db(ctx), &outcome.touched, ingest.now)
        .await;
    Ok(outcome)
}

/// Batch ingest mutations. Each batch is all-or-nothing and idempotent by external id.
#[derive(Default)]
pub struct IngestMutation;

#[Object]
impl IngestMutation {
    /// Creates or updates markets.
    #[graphql(guard = "Policy::AdminOnly")]
    async fn upsert_markets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The batch: 1 to 1,000 markets, applied all or none.")] items: Vec<
            MarketInput,
        >,
    ) -> Result<BatchOutcome> {
        ingest(ctx, items).await
    }
    /// Creates or updates niches (categories and their leaves).
    #[graphql(guard = "Policy::AdminOnly")]
    async fn upsert_niches(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The batch: 1 to 1,000 niches, applied all or none.")] items: Vec<
            NicheInput,
        >,
    ) -> Result<BatchOutcome> {
        ingest(ctx, items).await
    }
    /// Creates or updates creators and their niches.
    #[graphql(guard = "Policy::AdminOnly")]
    async fn upsert_creators(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The batch: 1 to 1,000 creators, applied all or none.")] items: Vec<
            CreatorInput,
        >,
    ) -> Result<BatchOutcome> {
        ingest(ctx, items).await
    }
    /// Creates or updates brands, their markets and niches.
    #[graphql(guard = "Policy::AdminOnly")]
    async fn upsert_brands(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The batch: 1 to 1,000 brands, applied all or none.")] items: Vec<
            BrandInput,
        >,
    ) -> Result<BatchOutcome> {
        ingest(ctx, items).await
    }
    /// Creates or updates shops.
    #[graphql(guard = "Policy::AdminOnly")]
    async fn upsert_shops(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The batch: 1 to 1,000 shops, applied all or none.")] items: Vec<
            ShopInput,
        >,
    ) -> Result<BatchOutcome> {
        ingest(ctx, items).await
    }
    /// Creates or updates products.
    #[graphql(guard = "Policy::AdminOnly")]
    async fn upsert_products(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The batch: 1 to 1,000 products, applied all or none.")] items: Vec<
            ProductInput,
        >,
    ) -> Result<BatchOutcome> {
        ingest(ctx, items).await
    }
    /// Creates or updates videos and live streams.
    #[graphql(guard = "Policy::AdminOnly")]
    async fn upsert_content(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The batch: 1 to 1,000 pieces of content, applied all or none.")]
        items: Vec<ContentInput>,
    ) -> Result<BatchOutcome> {
        ingest(ctx, items).await
    }
    /// Reports content metrics (cumulative, as of an instant).
    #[graphql(guard = "Policy::AdminOnly")]
    async fn report_content_metrics(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The batch: 1 to 1,000 metric reports, applied all or none.")] items: Vec<
            ContentMetricsInput,
        >,
    ) -> Result<BatchOutcome> {
        ingest(ctx, items).await
    }
    /// Records new orders.
    #[graphql(guard = "Policy::AdminOnly")]
    async fn record_orders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The batch: 1 to 1,000 orders, applied all or none.")] items: Vec<
            OrderInput,
        >,
    ) -> Result<BatchOutcome> {
        ingest(ctx, items).await
    }
    /// Records order status changes (shipped, delivered, cancelled, returned).
    #[graphql(guard = "Policy::AdminOnly")]
    async fn record_order_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The batch: 1 to 1,000 status changes, applied all or none.")] items: Vec<
            OrderStatusInput,
        >,
    ) -> Result<BatchOutcome> {
        ingest(ctx, items).await
    }
    /// Records buyers' first reviews.
    #[graphql(guard = "Policy::AdminOnly")]
    async fn record_reviews(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The batch: 1 to 1,000 reviews, applied all or none.")] items: Vec<
            ReviewInput,
        >,
    ) -> Result<BatchOutcome> {
        ingest(ctx, items).await
    }
    /// Records moderation violations and appeal outcomes.
    #[graphql(guard = "Policy::AdminOnly")]
    async fn record_violations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The batch: 1 to 1,000 violations, applied all or none.")] items: Vec<
            ViolationInput,
        >,
    ) -> Result<BatchOutcome> {
        ingest(ctx, items).await
    }
    /// Records collaborations: brands their own, admins any.
    #[graphql(guard = "Policy::BrandTools")]
    async fn upsert_collaborations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The batch: 1 to 1,000 collaborations, applied all or none.")] items: Vec<
            CollaborationInput,
        >,
    ) -> Result<BatchOutcome> {
        ingest(ctx, items).await
    }
}
