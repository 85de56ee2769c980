//! A verified token whose scope names a brand, shop or market that does not exist is refused:
//! otherwise a mistyped id in a token reads as an empty account, not as an error.

use super::{Authentication, Caller, Role};
use entities::{brand, market, shop};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter};
use std::collections::HashSet;
use std::sync::RwLock;

/// Most scopes remembered as existing; the set starts over when full.
const KNOWN_CAPACITY: usize = 10_000;

/// What a token's claims point at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Scope {
    Brand(i64),
    Shop(i64),
    Markets(Vec<String>),
}

/// Checks scopes against the database, remembering those that exist (nothing is deleted, so
/// a scope once found stays valid) and none that do not (so a brand created a moment ago is
/// accepted at once).
#[derive(Debug, Default)]
pub struct ScopeCheck {
    known: RwLock<HashSet<Scope>>,
}

impl ScopeCheck {
    /// The caller, or why its token's scope is refused. A database failure lets the caller
    /// through: the resolvers then report it as what it is, not as a bad token.
    pub async fn check(&self, db: &DatabaseConnection, caller: Caller) -> Authentication {
        let scope = match caller.role {
            Role::Admin => return Ok(caller),
            Role::Brand => Scope::Brand(caller.brand_id.unwrap_or_default()),
            Role::Shop => Scope::Shop(caller.shop_id.unwrap_or_default()),
            Role::Scout => Scope::Markets(caller.markets.clone()),
        };
        if crate::locks::read(&self.known).contains(&scope) {
            return Ok(caller);
        }
        match missing(db, &scope).await {
            Ok(Some(what)) => Err(format!(
                "the bearer token names {what}, which does not exist"
            )),
            Ok(None) => {
                let mut known = crate::locks::write(&self.known);
                if known.len() >= KNOWN_CAPACITY {
                    known.clear();
                }
                known.insert(scope);
                Ok(caller)
            }
            Err(err) => {
                tracing::warn!(error = %err, "could not check a token's scope");
                Ok(caller)
            }
        }
    }
}

/// What part of the scope is not in the database, if any.
async fn missing(db: &DatabaseConnection, scope: &Scope) -> Result<Option<String>, DbErr> {
    Ok(match scope {
        Scope::Brand(id) => {
            (brand::Entity::find_by_id(*id).count(db).await? == 0).then(|| format!("brand {id}"))
        }
        Scope::Shop(id) => {
            (shop::Entity::find_by_id(*id).count(db).await? == 0).then(|| format!("shop {id}"))
        }
        Scope::Markets(codes) => {
            let found: HashSet<String> = market::Entity::find()
                .filter(market::Column::Code.is_in(codes.iter().cloned()))
                .all(db)
                .await?
                .into_iter()
                .map(|m| m.code)
                .collect();
            let unknown: Vec<&str> = codes
                .iter()
                .filter(|c| !found.contains(*c))
                .map(String::as_str)
                .collect();
            (!unknown.is_empty()).then(|| format!("market {}", unknown.join(", ")))
        }
    })
}
