//! Days as this crate counts them: [`Day`], whole UTC days since 1970-01-01, so the maths needs
//! no date library and a day cannot be mixed up with a count of days. The API converts
//! (`api/src/days.rs`); a day displays as its ISO date, so every message names a date, never
//! the number.

use serde::{Deserialize, Serialize};
use std::ops::{Add, AddAssign, Sub, SubAssign};

/// A calendar day: days since 1970-01-01. `day + n` and `day - n` move by `n` days; `a - b` is
/// the number of days from `b` to `a` (an `i64`, so no pair of days overflows it). Displays as
/// `2027-03-02`.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Day(i32);

impl Day {
    /// The day `number` days after 1970-01-01 (before it when negative).
    pub const fn new(number: i32) -> Self {
        Self(number)
    }

    /// Days since 1970-01-01: what the database stores.
    pub const fn number(self) -> i32 {
        self.0
    }

    /// The day `days` days later, or the last representable day: for windows and grace
    /// periods configured in unsigned days.
    pub fn after(self, days: u32) -> Self {
        Self(self.0.saturating_add_unsigned(days))
    }

    /// The day `days` days earlier, or the first representable day.
    pub fn before(self, days: u32) -> Self {
        Self(self.0.saturating_sub_unsigned(days))
    }

    /// The days from `self` to `last`, both included (empty when `last` is earlier).
    pub fn through(self, last: Day) -> impl DoubleEndedIterator<Item = Day> + Clone {
        (self.0..=last.0).map(Day)
    }
}

impl Add<i32> for Day {
    type Output = Day;
    fn add(self, days: i32) -> Day {
        Day(self.0 + days)
    }
}

impl Sub<i32> for Day {
    type Output = Day;
    fn sub(self, days: i32) -> Day {
        Day(self.0 - days)
    }
}

impl Sub for Day {
    type Output = i64;
    fn sub(self, earlier: Day) -> i64 {
        i64::from(self.0) - i64::from(earlier.0)
    }
}

impl AddAssign<i32> for Day {
    fn add_assign(&mut self, days: i32) {
        self.0 += days;
    }
}

impl SubAssign<i32> for Day {
    fn sub_assign(&mut self, days: i32) {
        self.0 -= days;
    }
}

impl std::fmt::Display for Day {
    /// The proleptic Gregorian date of the day (H. Hinnant's `civil_from_days`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let z = i64::from(self.0) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        write!(f, "{year:04}-{month:02}-{day:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::Day;

    #[test]
    fn days_print_as_iso_dates() {
        for (day, iso) in [
            (0, "1970-01-01"),
            (-1, "1969-12-31"),
            (11_016, "2000-02-29"),
            (20_879, "2027-03-02"),
            (20_000, "2024-10-04"),
        ] {
            assert_eq!(Day::new(day).to_string(), iso);
        }
    }

    #[test]
    fn days_move_by_counts_and_differ_by_counts() {
        let d = Day::new(20_000);
        assert_eq!(d + 3 - 3, d);
        assert_eq!((d + 28) - d, 28);
        assert_eq!(d.through(d + 2).collect::<Vec<_>>(), [d, d + 1, d + 2]);
        assert_eq!(d.through(d - 1).count(), 0);
        let mut e = d;
        e += 5;
        e -= 2;
        assert_eq!(e, d + 3);
        assert!(d < e);
        assert_eq!(Day::new(i32::MAX) - Day::new(i32::MIN), i64::from(u32::MAX));
        assert_eq!(Day::new(i32::MAX - 1).after(5), Day::new(i32::MAX));
        assert_eq!(d.before(7).after(7), d);
        assert_eq!(Day::new(i32::MIN + 1).before(5), Day::new(i32::MIN));
    }
}
