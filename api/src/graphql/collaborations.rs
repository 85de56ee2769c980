//! Brand-creator collaborations.

use super::brands::Brand;
use super::context::load_required;
use super::creators::Creator;
use super::scalars::{Long, Money, id};
use async_graphql::{Context, Description, ID, Object, Result};
use chrono::{DateTime, Utc};
use entities::enums::CollaborationStatus;
use entities::{brand, collaboration, creator};

/// A brand working with a creator.
#[derive(Description)]
pub struct Collaboration(pub collaboration::Model);

#[Object(use_type_description)]
impl Collaboration {
    /// The collaboration's id in Flywheel (not the client's `externalId`).
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    /// The client's own key for the collaboration, as sent to `upsertCollaborations`.
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }
    /// Where the collaboration stands.
    async fn status(&self) -> CollaborationStatus {
        self.0.status
    }
    /// When it started.
    async fn started_at(&self) -> DateTime<Utc> {
        self.0.started_at
    }
    /// When it ended; null while it runs.
    async fn ended_at(&self) -> Option<DateTime<Utc>> {
        self.0.ended_at
    }
    /// GMV the collaboration brought.
    async fn gmv(&self) -> Money {
        Money {
            amount_minor: Long(self.0.gmv_minor),
            currency: self.0.currency.clone(),
        }
    }
    /// The brand working with the creator.
    async fn brand(&self, ctx: &Context<'_>) -> Result<Brand> {
        Ok(Brand(
            load_required::<brand::Entity, i64>(ctx, self.0.brand_id).await?,
        ))
    }
    /// The creator working with the brand.
    async fn creator(&self, ctx: &Context<'_>) -> Result<Creator> {
        Ok(Creator(
            load_required::<creator::Entity, i64>(ctx, self.0.creator_id).await?,
        ))
    }
}
