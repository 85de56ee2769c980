//! `Long`, the one integer type wider than GraphQL's 32-bit `Int`.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use serde::{Deserialize, Serialize};

/// A 64-bit integer (money in minor units, view counts): GraphQL's `Int` is 32 bits, and these
/// outgrow it (a market's GMV in cents passes 2^31 at $21 M). Sent as a JSON number, limited to
/// ±(2^53 - 1) so that every JSON parser, JavaScript's included, reads it exactly.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Deserialize, Serialize,
)]
#[serde(try_from = "i64", into = "i64")]
pub struct Long(pub i64);

impl Long {
    /// The largest magnitude a JSON number carries exactly.
    pub const MAX: i64 = (1 << 53) - 1;
}

impl TryFrom<i64> for Long {
    type Error = String;

    fn try_from(value: i64) -> Result<Self, String> {
        if value.abs() <= Self::MAX {
            Ok(Self(value))
        } else {
            Err(format!(
                "{value} is beyond ±{} (a Long is exact in JSON up to 2^53 - 1)",
                Self::MAX
            ))
        }
    }
}

impl std::fmt::Display for Long {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl From<Long> for i64 {
    fn from(value: Long) -> Self {
        value.0
    }
}

/// A 64-bit integer exact in JSON: a number within ±(2^53 - 1).
#[Scalar]
impl ScalarType for Long {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::Number(n) => n
                .as_i64()
                .ok_or_else(|| InputValueError::custom(format!("{n} is not an integer")))
                .and_then(|v| Long::try_from(v).map_err(InputValueError::custom)),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::from(self.0)
    }
}
