//! `me`: who the token says the caller is.

use crate::auth::{Policy, Role, caller};
use async_graphql::{ComplexObject, Context, ID, Object, Result, SimpleObject};
use entities::scout;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// The signed-in caller and its scope.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Viewer {
    /// The token's subject: who signed in (for a scout, its `externalId`).
    pub subject: String,
    /// The token's role.
    pub role: Role,
    /// The `id` of the brand the token acts for (a brand's token names one); null if none.
    pub brand_id: Option<ID>,
    /// The `id` of the shop the token acts for (a shop's token names one); null if none.
    pub shop_id: Option<ID>,
    /// Codes of the markets the token grants: the markets a scout works in.
    pub markets: Vec<String>,
}

#[ComplexObject]
impl Viewer {
    /// For a scout, the scout record its token subject names (null before its first
    /// prospect creates it); null for other roles.
    async fn scout(&self, ctx: &Context<'_>) -> Result<Option<super::scouts::Scout>> {
        if !caller(ctx)?.acts_as_scout() {
            return Ok(None);
        }
        let row = scout::Entity::find()
            .filter(scout::Column::ExternalId.eq(self.subject.as_str()))
            .one(super::context::db(ctx))
            .await
            .map_err(crate::error::ApiError::from)?;
        Ok(row.map(super::scouts::Scout))
    }
}

/// The `me` query.
#[derive(Default)]
pub struct ViewerQuery;

#[Object]
impl ViewerQuery {
    /// The caller as its token describes it.
    #[graphql(guard = "Policy::SignedIn")]
    async fn me(&self, ctx: &Context<'_>) -> Result<Viewer> {
        let c = caller(ctx)?;
        Ok(Viewer {
            subject: c.subject.clone(),
            role: c.role,
            brand_id: c.brand_id.map(super::scalars::id),
            shop_id: c.shop_id.map(super::scalars::id),
            markets: c.markets.clone(),
        })
    }
}
