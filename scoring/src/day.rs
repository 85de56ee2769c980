//! Days as this crate counts them: plain day numbers ([`Day`], whole days since 1970-01-01), so
//! the maths needs no date library; the API converts (`api/src/days.rs`), and messages print
//! them as ISO dates ([`IsoDate`]).

/// A calendar day as a plain number: days since 1970-01-01.
pub type Day = i32;

/// A [`Day`] shown as its ISO 8601 date (`2027-03-02`): what every message says, never the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IsoDate(pub Day);

impl std::fmt::Display for IsoDate {
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
    use super::IsoDate;

    #[test]
    fn days_print_as_iso_dates() {
        for (day, iso) in [
            (0, "1970-01-01"),
            (-1, "1969-12-31"),
            (11_016, "2000-02-29"),
            (20_879, "2027-03-02"),
            (20_000, "2024-10-04"),
        ] {
            assert_eq!(IsoDate(day).to_string(), iso);
        }
    }
}
