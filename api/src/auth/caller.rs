//! The verified caller and its scope.

use crate::error::{ApiError, ApiResult};
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

impl Caller {
    /// Whether the caller is the platform.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Allows admins, and the brand itself. The refusal names only the id the caller sent,
    /// so it reads the same whether that brand exists or not.
    pub fn require_brand(&self, brand_id: i64) -> ApiResult<()> {
        match self.role {
            Role::Admin => Ok(()),
            Role::Brand if self.brand_id == Some(brand_id) => Ok(()),
            _ => Err(ApiError::Forbidden(format!(
                "brand {brand_id} is not yours"
            ))),
        }
    }

    /// Allows admins, the shop itself, and the brand that owns it (`owner_brand`: `None` for
    /// an independent shop, or one that does not exist). The refusal names only the id the
    /// caller sent, so a shop that is not yours and one that does not exist read the same.
    pub fn require_shop(&self, shop_id: i64, owner_brand: Option<i64>) -> ApiResult<()> {
        let allowed = match self.role {
            Role::Admin => true,
            Role::Shop => self.shop_id == Some(shop_id),
            Role::Brand => owner_brand.is_some() && self.brand_id == owner_brand,
            Role::Scout => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!("shop {shop_id} is not yours")))
        }
    }

    /// Refuses a market the caller named itself (an argument or a filter) that it may not
    /// read creators of; the refusal repeats only what the caller sent.
    pub fn require_creator_market(&self, market: &str) -> ApiResult<()> {
        match self.sees_creators_of(market)? {
            true => Ok(()),
            false => Err(ApiError::Forbidden(format!(
                "market {market} is not one of your markets"
            ))),
        }
    }

    /// Whether the caller may read creators of `market` (their profiles, content, LTVs and
    /// pipeline entries): admins and brands (public profiles) all, scouts their markets'.
    /// Shops are refused by role. A caller that finds a thing by id answers `false` with the
    /// NOT_FOUND of a missing one, so neither the thing nor its market leaks.
    pub fn sees_creators_of(&self, market: &str) -> ApiResult<bool> {
        match self.role {
            Role::Admin | Role::Brand => Ok(true),
            Role::Scout => Ok(self.markets.iter().any(|m| m == market)),
            Role::Shop => Err(ApiError::Forbidden(
                "shops cannot read creator profiles".into(),
            )),
        }
    }

    /// For a scout, the markets a creator query may cover: the asked market if it is the
    /// scout's, else all of the scout's markets. `None` means unrestricted.
    pub fn market_scope(&self, asked: Option<&str>) -> ApiResult<Option<Vec<String>>> {
        match (self.role, asked) {
            (Role::Scout, Some(market)) => {
                self.require_creator_market(market)?;
                Ok(Some(vec![market.to_owned()]))
            }
            (Role::Scout, None) => Ok(Some(self.markets.clone())),
            (_, Some(market)) => Ok(Some(vec![market.to_owned()])),
            (_, None) => Ok(None),
        }
    }
}
