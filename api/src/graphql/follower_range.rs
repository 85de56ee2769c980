//! Follower bounds of a filter (`minFollowers`, `maxFollowers`), checked by one rule and told
//! in one wording by every field that takes them.

use crate::error::{ApiError, ApiResult};

/// Checked follower bounds: each at least 0, the lower one not above the upper one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FollowerRange {
    pub min: Option<i32>,
    pub max: Option<i32>,
}

impl FollowerRange {
    /// The bounds sent as `{prefix}minFollowers` and `{prefix}maxFollowers` (a prefix such as
    /// `filter.` names where they were sent).
    pub fn parse(prefix: &str, min: Option<i32>, max: Option<i32>) -> ApiResult<Self> {
        for (name, bound) in [("minFollowers", min), ("maxFollowers", max)] {
            if let Some(n) = bound.filter(|n| *n < 0) {
                return Err(ApiError::bad(format!(
                    "{prefix}{name}: must be at least 0, got {n}"
                )));
            }
        }
        if let (Some(lo), Some(hi)) = (min, max)
            && lo > hi
        {
            return Err(ApiError::bad(format!(
                "{prefix}minFollowers ({lo}) is above {prefix}maxFollowers ({hi}), so nothing \
                 can match"
            )));
        }
        Ok(Self { min, max })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_checked_and_named_where_they_were_sent() {
        assert_eq!(
            FollowerRange::parse("filter.", Some(10), None).unwrap(),
            FollowerRange {
                min: Some(10),
                max: None
            }
        );
        assert!(FollowerRange::parse("", Some(5), Some(5)).is_ok());
        let message = |e: ApiError| e.message().to_owned();
        assert_eq!(
            message(FollowerRange::parse("filter.", Some(10), Some(5)).unwrap_err()),
            "filter.minFollowers (10) is above filter.maxFollowers (5), so nothing can match"
        );
        assert_eq!(
            message(FollowerRange::parse("", None, Some(-1)).unwrap_err()),
            "maxFollowers: must be at least 0, got -1"
        );
    }
}
