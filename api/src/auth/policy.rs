//! The access policy, in one place: which roles reach which fields ([`Policy`], the guard every
//! field names) and what a caller may see and change within them (the predicates on
//! [`Caller`] below). Resolvers ask these; none reads a caller's role itself.
//!
//! Refusals name only what the caller sent, so a thing that is not yours and one that does
//! not exist read the same.

use super::{Caller, Role, caller};
use crate::error::{ApiError, ApiResult};
use async_graphql::{Context, Guard};
use scoring::matching::{Audience, BrandId};

/// Which roles reach a field: every field's guard names one (`guard = "Policy::ReadCreators"`).
/// Each admits a different set of roles, so the authorisation matrix
/// (`tests/tests/api/authz.rs`) tells every field's policy apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Every role: the caller itself (`me`) and the markets and niches every query is worded in.
    SignedIn,
    /// The platform only: ingest, recomputes, fitted models, the scout roster, and views across
    /// tenants (every brand, shops by tier).
    AdminOnly,
    /// Admins, brands and scouts: creators, their content and LTVs (brands look for partners,
    /// scouts recruit in their markets); shops sell and do not browse creators.
    ReadCreators,
    /// Admins and brands: a brand's own account (its profile and shops, its matches and
    /// lookalikes, the collaborations it records).
    BrandTools,
    /// Admins, brands and shops: a shop, for itself and for the brand that owns it.
    ReadShop,
    /// Admins and scouts: the scout programme (pipeline entries, prospects, funnel).
    ScoutProgramme,
}

impl Policy {
    /// Every policy, for the tests that walk them all.
    pub const ALL: [Policy; 6] = [
        Policy::SignedIn,
        Policy::AdminOnly,
        Policy::ReadCreators,
        Policy::BrandTools,
        Policy::ReadShop,
        Policy::ScoutProgramme,
    ];

    /// The roles the policy admits.
    pub fn roles(self) -> &'static [Role] {
        use Role::{Admin, Brand, Scout, Shop};
        match self {
            Policy::SignedIn => &[Admin, Brand, Scout, Shop],
            Policy::AdminOnly => &[Admin],
            Policy::ReadCreators => &[Admin, Brand, Scout],
            Policy::BrandTools => &[Admin, Brand],
            Policy::ReadShop => &[Admin, Brand, Shop],
            Policy::ScoutProgramme => &[Admin, Scout],
        }
    }

    /// Whether the policy admits the caller's role.
    pub fn admits(self, caller: &Caller) -> bool {
        self.roles().contains(&caller.role)
    }

    /// What a caller of another role is told (FORBIDDEN): the roles the field is for.
    pub fn refusal(self) -> String {
        let roles: Vec<_> = self.roles().iter().map(|r| r.name()).collect();
        format!("this field is for {} only", roles.join(", "))
    }
}

/// Admits the policy's roles only; everyone else gets FORBIDDEN, the anonymous UNAUTHENTICATED.
impl Guard for Policy {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        if self.admits(caller(ctx)?) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(self.refusal()).into())
        }
    }
}

impl Caller {
    /// Whether the caller's requests are throttled: everyone's but the platform's, whose
    /// imports and recomputes are its own load to schedule.
    pub fn is_throttled(&self) -> bool {
        self.role != Role::Admin
    }

    /// Allows admins, and the brand itself: a brand's collaborations, matches and shops are
    /// its own business. The refusal names only the id the caller sent.
    pub fn require_brand(&self, brand_id: i64) -> ApiResult<()> {
        match self.role {
            Role::Admin => Ok(()),
            Role::Brand if self.brand_id == Some(brand_id) => Ok(()),
            _ => Err(ApiError::Forbidden(format!(
                "brand {brand_id} is not yours"
            ))),
        }
    }

    /// The brand whose shops a listing covers: a brand lists its own (naming another is
    /// refused), admins the one they ask for, or every shop (`None`).
    pub fn brand_scope(&self, asked: Option<i64>) -> ApiResult<Option<i64>> {
        match self.role {
            Role::Brand => {
                if let Some(asked) = asked {
                    self.require_brand(asked)?;
                }
                Ok(self.brand_id)
            }
            _ => Ok(asked),
        }
    }

    /// Whether the caller may record a collaboration of `brand` (`None`: a brand that does not
    /// exist): admins any, a brand only its own, so any other, existing or not, is refused
    /// alike.
    pub fn may_record_collaboration_of(&self, brand: Option<i64>) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Brand => brand.is_some() && brand == self.brand_id,
            Role::Scout | Role::Shop => false,
        }
    }

    /// Allows admins, the shop itself, and the brand that owns it (`owner_brand`: `None` for
    /// an independent shop, or one that does not exist): a shop's orders, rating and content
    /// score are its own and its brand's. The refusal names only the id the caller sent.
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

    /// Whether the caller sees content that moderation removed (a severe upheld violation):
    /// admins and scouts, who handle it; brands see public content only.
    pub fn sees_removed_content(&self) -> bool {
        self.role != Role::Brand
    }

    /// Whether the caller acts as a scout itself: its own scout record (by its token
    /// subject), prospects added for itself only, in its markets. Admins act for any scout
    /// and name it.
    pub fn acts_as_scout(&self) -> bool {
        self.role == Role::Scout
    }

    /// Whose eyes a matching explanation is written for: admins see every brand by name, a
    /// brand only itself, anyone else none.
    pub fn audience(&self) -> Audience {
        match (self.role, self.brand_id) {
            (Role::Admin, _) => Audience::Operator,
            (Role::Brand, Some(id)) => Audience::Brand(BrandId(id as u64)),
            _ => Audience::Public,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role) -> Caller {
        Caller {
            subject: "t".into(),
            role,
            brand_id: (role == Role::Brand).then_some(7),
            shop_id: (role == Role::Shop).then_some(3),
            markets: if role == Role::Scout {
                vec!["US".into()]
            } else {
                vec![]
            },
        }
    }

    #[test]
    fn every_policy_admits_admins_and_a_set_of_roles_of_its_own() {
        for (i, a) in Policy::ALL.iter().enumerate() {
            assert!(a.admits(&caller(Role::Admin)), "{a:?}");
            for b in &Policy::ALL[i + 1..] {
                let mut ra = a.roles().to_vec();
                let mut rb = b.roles().to_vec();
                ra.sort_by_key(|r| r.name());
                rb.sort_by_key(|r| r.name());
                assert_ne!(ra, rb, "{a:?} and {b:?} admit the same roles");
            }
        }
    }

    #[test]
    fn refusals_list_the_roles_a_field_is_for() {
        assert_eq!(
            Policy::ReadCreators.refusal(),
            "this field is for admin, brand, scout only"
        );
        assert_eq!(Policy::AdminOnly.refusal(), "this field is for admin only");
        assert!(!Policy::ReadShop.admits(&caller(Role::Scout)));
        assert!(Policy::ReadShop.admits(&caller(Role::Shop)));
    }

    #[test]
    fn a_brand_lists_and_records_only_its_own() {
        let brand = caller(Role::Brand);
        assert_eq!(brand.brand_scope(None).unwrap(), Some(7));
        assert_eq!(brand.brand_scope(Some(7)).unwrap(), Some(7));
        let refused = brand.brand_scope(Some(8)).unwrap_err();
        assert_eq!(refused.message(), "brand 8 is not yours");
        let admin = caller(Role::Admin);
        assert_eq!(admin.brand_scope(None).unwrap(), None);
        assert_eq!(admin.brand_scope(Some(8)).unwrap(), Some(8));

        assert!(brand.may_record_collaboration_of(Some(7)));
        assert!(!brand.may_record_collaboration_of(Some(8)));
        assert!(!brand.may_record_collaboration_of(None));
        assert!(admin.may_record_collaboration_of(Some(8)));
        assert!(admin.may_record_collaboration_of(None));
    }

    #[test]
    fn shops_are_their_own_and_their_brands() {
        assert!(caller(Role::Shop).require_shop(3, None).is_ok());
        assert!(caller(Role::Shop).require_shop(4, None).is_err());
        assert!(caller(Role::Brand).require_shop(4, Some(7)).is_ok());
        assert!(caller(Role::Brand).require_shop(4, None).is_err());
        assert!(caller(Role::Scout).require_shop(3, None).is_err());
        assert!(caller(Role::Admin).require_shop(4, None).is_ok());
    }

    #[test]
    fn scouts_see_creators_of_their_markets_only() {
        let scout = caller(Role::Scout);
        assert!(scout.sees_creators_of("US").unwrap());
        assert!(!scout.sees_creators_of("GB").unwrap());
        assert!(caller(Role::Shop).sees_creators_of("US").is_err());
        assert_eq!(scout.market_scope(None).unwrap(), Some(vec!["US".into()]));
        assert!(scout.market_scope(Some("GB")).is_err());
        assert_eq!(caller(Role::Brand).market_scope(None).unwrap(), None);
        assert_eq!(
            caller(Role::Brand).market_scope(Some("GB")).unwrap(),
            Some(vec!["GB".into()])
        );
    }

    #[test]
    fn removed_content_scout_acts_and_explanations_by_role() {
        assert!(!caller(Role::Brand).sees_removed_content());
        assert!(caller(Role::Scout).sees_removed_content());
        assert!(caller(Role::Scout).acts_as_scout());
        assert!(!caller(Role::Admin).acts_as_scout());
        assert_eq!(caller(Role::Admin).audience(), Audience::Operator);
        assert_eq!(caller(Role::Brand).audience(), Audience::Brand(BrandId(7)));
        assert_eq!(caller(Role::Scout).audience(), Audience::Public);
        assert!(!caller(Role::Admin).is_throttled());
        assert!(caller(Role::Shop).is_throttled());
    }
}
