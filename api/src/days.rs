//! Days as the scoring crate counts them (whole UTC days since 1970-01-01) and their chrono
//! forms: one home for every conversion, so a day means the same in ratings, LTV and content.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
pub use scoring::day::Day;

/// The UTC day an instant falls on.
pub fn day_of(at: DateTime<Utc>) -> Day {
    Day::new(at.timestamp().div_euclid(86_400) as i32)
}

/// The instant a day starts (its UTC midnight).
pub fn start_of(day: Day) -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH + TimeDelta::days(i64::from(day.number()))
}

/// The calendar date of a day.
pub fn date_of(day: Day) -> NaiveDate {
    start_of(day).date_naive()
}

/// The day of a calendar date.
pub fn day_of_date(date: NaiveDate) -> Day {
    Day::new((date - NaiveDate::default()).num_days() as i32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn instants_dates_and_days_agree() {
        let at = Utc.with_ymd_and_hms(2027, 3, 2, 23, 59, 59).unwrap();
        let day = day_of(at);
        assert_eq!(date_of(day).to_string(), "2027-03-02");
        assert_eq!(day_of_date(date_of(day)), day);
        assert_eq!(
            start_of(day),
            Utc.with_ymd_and_hms(2027, 3, 2, 0, 0, 0).unwrap()
        );
        assert_eq!(day_of(start_of(day)), day);
        // Before 1970 a day still starts at its own midnight.
        let before = Utc.with_ymd_and_hms(1969, 12, 31, 12, 0, 0).unwrap();
        assert_eq!(day_of(before), Day::new(-1));
        assert_eq!(date_of(Day::new(-1)).to_string(), "1969-12-31");
    }
}
