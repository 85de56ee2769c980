//! `me`: who the token says the caller is.

use crate::auth::Role::{Admin, Brand, Scout, Shop};
use crate::auth::{Role, RoleGuard, caller};
use async_graphql::{Context, ID, Object, Result, SimpleObject};

/// The signed-in caller and its scope.
#[derive(SimpleObject)]
pub struct Viewer {
    pub subject: String,
    pub role: Role,
    pub brand_id: Option<ID>,
    pub shop_id: Option<ID>,
    pub markets: Vec<String>,
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
