//! The verified caller, its role and scope, and how a resolver reaches it. What a caller may
//! do is `policy.rs`'s to say.

use crate::error::ApiError;
use async_graphql::Context;
use serde::{Deserialize, Serialize};

/// The four kinds of user.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The platform: sees and changes everything.
    Admin,
    /// A brand: its own brand, shops and collaborations, public creator profiles.
    Brand,
    /// A creator scout: creators of its markets.
    Scout,
    /// A shop: its own shop, rating and orders.
    Shop,
}

impl Role {
    /// The role as tokens spell it, and as refusals, logs and metrics name it.
    pub fn name(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Brand => "brand",
            Role::Scout => "scout",
            Role::Shop => "shop",
        }
    }
}

/// A caller whose token verified, with the scope its claims grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The token's subject, recorded as the actor of changes.
    pub subject: String,
    pub role: Role,
    /// For brands: the brand they act for.
    pub brand_id: Option<i64>,
    /// For shops: the shop they act for.
    pub shop_id: Option<i64>,
    /// For scouts: the markets they work in.
    pub markets: Vec<String>,
}

/// What the HTTP layer found in the `Authorization` header: a caller, or why there is none.
pub type Authentication = std::result::Result<Caller, String>;

/// The verified caller, or UNAUTHENTICATED saying why there is none.
pub fn caller<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a Caller> {
    match ctx.data_opt::<Authentication>() {
        Some(Ok(caller)) => Ok(caller),
        Some(Err(why)) => Err(ApiError::Unauthenticated(why.clone()).into()),
        None => Err(ApiError::Unauthenticated("missing bearer token".into()).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn role_names_are_the_token_spelling() {
        for role in [Role::Admin, Role::Brand, Role::Scout, Role::Shop] {
            let spelled = serde_json::to_value(role).unwrap();
            assert_eq!(spelled, role.name());
        }
    }
}
