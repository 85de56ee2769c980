//! Arguments that name a market or a niche. A filter naming nothing that exists would answer
//! an empty page, indistinguishable from "nothing matches", so it is refused with
//! BAD_USER_INPUT naming the valid values, in one wording wherever it appears.

use super::context::{db, load};
use super::scalars::parse_id;
use crate::error::ApiError;
use async_graphql::{Context, ID, Result};
use entities::{market, niche};
use sea_orm::{EntityTrait, QueryOrder, QuerySelect};

/// Checks that `code` names a market; `argument` is the request's spelling of where it came
/// from (`filter.market`). Market codes are public, so the refusal lists them.
pub async fn market(ctx: &Context<'_>, argument: &str, code: &str) -> Result<()> {
    if load::<market::Entity, String>(ctx, code.to_owned())
        .await?
        .is_some()
    {
        return Ok(());
    }
    let codes: Vec<String> = market::Entity::find()
        .select_only()
        .column(market::Column::Code)
        .order_by_asc(market::Column::Code)
        .into_tuple()
        .all(db(ctx))
        .await
        .map_err(ApiError::from)?;
    let upper = code.to_ascii_uppercase();
    let hint = if upper != code && codes.contains(&upper) {
        format!(" (codes are upper case: {upper:?})")
    } else {
        String::new()
    };
    Err(ApiError::bad(format!(
        "{argument}: no market {code:?}{hint}; the markets are {}",
        codes.join(", ")
    ))
    .into())
}

/// The id of the niche `id` names; `argument` as for [`market`]. The taxonomy has hundreds of
/// leaves, so the refusal points to `niches` rather than list them.
pub async fn niche(ctx: &Context<'_>, argument: &str, id: &ID) -> Result<i64> {
    let key = parse_id(argument, id)?;
    match load::<niche::Entity, i64>(ctx, key).await? {
        Some(_) => Ok(key),
        None => Err(ApiError::bad(format!(
            "{argument}: no niche {key}; the `niches` query lists the taxonomy"
        ))
        .into()),
    }
}
