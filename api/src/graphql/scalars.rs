//! Small shared output types.

pub use crate::long::Long;
use async_graphql::{ID, SimpleObject};

/// An amount of money: integer minor units (cents) and an ISO 4217 currency code.
#[derive(SimpleObject, Clone, Debug)]
pub struct Money {
    /// The amount in minor units: 1999 is 19.99 USD (for a currency with cents).
    pub amount_minor: Long,
    /// ISO 4217 currency code, e.g. `USD`.
    pub currency: String,
}

/// Formats a surrogate key as a GraphQL ID.
pub fn id(value: i64) -> ID {
    ID(value.to_string())
}

/// Parses a GraphQL ID argument into a surrogate key.
pub fn parse_id(field: &str, id: &ID) -> crate::error::ApiResult<i64> {
    id.parse::<i64>().map_err(|_| {
        crate::error::ApiError::bad(format!("{field}: {:?} is not an id", id.as_str()))
    })
}
