//! The role guard attached to every field, and access to the caller from a resolver.

use super::{Caller, Role};
use crate::error::ApiError;
use async_graphql::{Context, Guard, Result};

/// What the HTTP layer found in the `Authorization` header: a caller, or why there is none.
pub type Authentication = std::result::Result<Caller, String>;

/// The verified caller, or UNAUTHENTICATED saying why there is none.
pub fn caller<'a>(ctx: &'a Context<'_>) -> Result<&'a Caller> {
    match ctx.data_opt::<Authentication>() {
        Some(Ok(caller)) => Ok(caller),
        Some(Err(why)) => Err(ApiError::Unauthenticated(why.clone()).into()),
        None => Err(ApiError::Unauthenticated("missing bearer token".into()).into()),
    }
}

/// Admits the listed roles only; everyone else gets FORBIDDEN, the anonymous UNAUTHENTICATED.
pub struct RoleGuard(pub &'static [Role]);

impl Guard for RoleGuard {
    async fn check(&self, ctx: &Context<'_>) -> Result<()> {
        let caller = caller(ctx)?;
        if self.0.contains(&caller.role) {
            Ok(())
        } else {
            let roles: Vec<_> = self
                .0
                .iter()
                .map(|r| format!("{r:?}").to_lowercase())
                .collect();
            Err(ApiError::Forbidden(format!("this field is for {} only", roles.join(", "))).into())
        }
    }
}
