//! Products listed by shops.

use super::context::load_required;
use super::markets::Niche;
use super::scalars::{Long, Money, id};
use async_graphql::{Context, Description, ID, Object, Result};
use entities::{market, niche, product, shop};

/// A product of a shop, priced in its market's currency.
#[derive(Description)]
pub struct Product(pub product::Model);

#[Object(use_type_description)]
impl Product {
    /// The product's id in Flywheel (not the client's `externalId`).
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// The client's own key for the product, as sent to `upsertProducts`.
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }
    /// The product's title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The niche the product is in.
    async fn niche(&self, ctx: &Context<'_>) -> Result<Niche> {
        Ok(load_required::<niche::Entity, i64>(ctx, self.0.niche_id)
            .await?
            .into())
    }
    /// The price, in the shop's market currency.
    async fn price(&self, ctx: &Context<'_>) -> Result<Money> {
        let shop = load_required::<shop::Entity, i64>(ctx, self.0.shop_id).await?;
        let market = load_required::<market::Entity, String>(ctx, shop.market_code).await?;
        Ok(Money {
            amount_minor: Long(self.0.price_minor),
            currency: market.currency,
        })
    }
    /// The shop's id (shops are private to their owners; ask `shop(id)` if you may).
    async fn shop_id(&self) -> ID {
        id(self.0.shop_id)
    }
}
