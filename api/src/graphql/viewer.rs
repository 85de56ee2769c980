//! `me`: who the token says the caller is.

use crate::auth::Role::{Admin, Brand, Scout, Shop};
use crate::auth::{Role, RoleGuard, caller};
use async_graphql::{ComplexObject, Context, ID, Object, Result, SimpleObject};
use entities::scout;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// The signed-in caller and its scope.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Viewer {
    pub subject: String,
    pub role: Role,
    pub brand_id: Option<ID>,
    pub shop_id: Option<ID>,
    pub markets: Vec<String>,
}

#[ComplexObject]
impl Viewer {
    /// For a scout, the scout record its token subject names (null before its first
    /// prospect creates it); null for other roles.
    async fn scout(&self, ctx: &Context<'_>) -> Result<Option<super::scouts::Scout>> {
        if self.role != Scout {
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
    #[graphql(guard = "RoleGuard(&[Admin, Brand, Scout, Shop])")]
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
