//! When official evaluations are due: every month on `hysteresis.official_day_of_month`, after
//! the last one. The scheduled rating job runs the due one (as of its due day, so a job that
//! wakes a day late still evaluates the 1st), and `ShopRating.nextOfficialEvaluation` shows it.

use chrono::{Datelike, Months, NaiveDate};

/// The first day after `after` that falls on `day_of_month` (1 to 28, so every month has it).
pub fn next_due(after: NaiveDate, day_of_month: u32) -> NaiveDate {
    let this_month = after
        .with_day(day_of_month)
        .expect("a day of the month from 1 to 28 exists in every month");
    if this_month > after {
        this_month
    } else {
        this_month + Months::new(1)
    }
}

/// The last `count` due days on or before `today`, oldest first: the official evaluations a
/// marketplace running for that long has had (the demo replays them).
pub fn past_due_days(today: NaiveDate, count: u32, day_of_month: u32) -> Vec<NaiveDate> {
    let mut day = next_due(today, day_of_month) - Months::new(count);
    (0..count)
        .map(|_| {
            let due = day;
            day = next_due(day, day_of_month);
            due
        })
        .collect()
}

/// The official evaluation the platform owes by `today`: the due day after the last official
/// one, once it has come. `None` before the first official evaluation (starting the cycle is
/// an admin's decision: `flywheel recompute ratings --official`) and while none is due.
pub fn due_official(
    last_official: Option<NaiveDate>,
    today: NaiveDate,
    day_of_month: u32,
) -> Option<NaiveDate> {
    let due = next_due(last_official?, day_of_month);
    (due <= today).then_some(due)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn the_next_due_day_is_strictly_after_and_rolls_over_months_and_years() {
        assert_eq!(next_due(date("2026-11-01"), 1), date("2026-12-01"));
        assert_eq!(next_due(date("2026-11-15"), 1), date("2026-12-01"));
        assert_eq!(next_due(date("2026-11-15"), 20), date("2026-11-20"));
        assert_eq!(next_due(date("2026-12-31"), 1), date("2027-01-01"));
        assert_eq!(next_due(date("2027-01-31"), 28), date("2027-02-28"));
    }

    #[test]
    fn past_due_days_end_on_or_before_today() {
        let days = |today: &str| {
            past_due_days(date(today), 3, 1)
                .into_iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            days("2026-12-03"),
            ["2026-10-01", "2026-11-01", "2026-12-01"]
        );
        assert_eq!(
            days("2026-12-01"),
            ["2026-10-01", "2026-11-01", "2026-12-01"]
        );
        assert_eq!(
            days("2027-01-31"),
            ["2026-11-01", "2026-12-01", "2027-01-01"]
        );
    }

    #[test]
    fn an_official_evaluation_is_owed_once_its_day_has_come() {
        assert_eq!(due_official(None, date("2026-12-03"), 1), None);
        let last = Some(date("2026-11-01"));
        assert_eq!(due_official(last, date("2026-11-30"), 1), None);
        assert_eq!(
            due_official(last, date("2026-12-01"), 1),
            Some(date("2026-12-01"))
        );
        // A job that wakes late evaluates the due day, not the day it woke.
        assert_eq!(
            due_official(last, date("2026-12-03"), 1),
            Some(date("2026-12-01"))
        );
    }
}
