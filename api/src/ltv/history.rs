//! Each creator's selling history, derived from `creator_selling_day` with one grouped query
//! (per market at fit time, per page of creators in GraphQL), and the BG/NBD summary and
//! holdout observation made from it.

use crate::days::Day;
use crate::error::ApiResult;
use scoring::ltv::{HoldoutObservation, Summary};
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

/// What the models need of one creator's selling days up to `as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SellingHistory {
    pub creator_id: i64,
    /// Selling days up to `as_of`.
    pub days: i64,
    pub first_day: Day,
    pub last_day: Day,
    /// Orders over all selling days.
    pub orders: i64,
    /// GMV over all selling days (minor units).
    pub gmv_minor: i64,
    /// GMV of the first selling day, which the value model leaves out (as `lifetimes` does).
    pub first_day_gmv_minor: i64,
    /// Selling days up to the holdout cutoff, and the last of them.
    pub calibration_days: i64,
    pub calibration_last_day: Option<Day>,
    /// Selling days after the holdout cutoff.
    pub holdout_days: i64,
    /// GMV of the 365 days up to `as_of`, the yardstick of the demo's ranking check.
    pub past_year_gmv_minor: i64,
}

/// Which creators a history query covers.
pub enum Scope<'a> {
    Market(&'a str),
    Creators(&'a [i64]),
}

/// The grouped query. `{filter}` is replaced by the scope's condition; `?` placeholders are
/// numbered for PostgreSQL by [`numbered`].
const QUERY: &str = "\
SELECT d.creator_id AS creator_id,
       COUNT(*) AS days,
       MIN(d.day) AS first_day,
       MAX(d.day) AS last_day,
       CAST(SUM(d.orders) AS BIGINT) AS orders,
       CAST(SUM(d.gmv_minor) AS BIGINT) AS gmv_minor,
       CAST(SUM(CASE WHEN d.day = f.first_day THEN d.gmv_minor ELSE 0 END) AS BIGINT) AS first_day_gmv_minor,
       CAST(SUM(CASE WHEN d.day <= ? THEN 1 ELSE 0 END) AS BIGINT) AS calibration_days,
       MAX(CASE WHEN d.day <= ? THEN d.day END) AS calibration_last_day,
       CAST(SUM(CASE WHEN d.day > ? THEN 1 ELSE 0 END) AS BIGINT) AS holdout_days,
       CAST(SUM(CASE WHEN d.day > ? THEN d.gmv_minor ELSE 0 END) AS BIGINT) AS past_year_gmv_minor
FROM creator_selling_day d
JOIN creator c ON c.id = d.creator_id
JOIN (SELECT s.creator_id AS creator_id, MIN(s.day) AS first_day
      FROM creator_selling_day s JOIN creator sc ON sc.id = s.creator_id
      WHERE {filter_s} GROUP BY s.creator_id) f ON f.creator_id = d.creator_id
WHERE d.day <= ? AND {filter_d}
GROUP BY d.creator_id
ORDER BY d.creator_id";

/// `?` placeholders as `$1, $2, ..` for PostgreSQL.
fn numbered(backend: DbBackend, sql: &str) -> String {
    if backend != DbBackend::Postgres {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for ch in sql.chars() {
        if ch == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(ch);
        }
    }
    out
}

/// The selling histories of a scope as of `as_of`, with the holdout split at `cutoff`; one
/// statement.
pub async fn load<C: ConnectionTrait>(
    db: &C,
    scope: Scope<'_>,
    as_of: Day,
    cutoff: Day,
) -> ApiResult<Vec<SellingHistory>> {
    let (filter, scope_values): (String, Vec<Value>) = match scope {
        Scope::Market(code) => ("{c}.market_code = ?".into(), vec![code.into()]),
        Scope::Creators([]) => return Ok(Vec::new()),
        Scope::Creators(ids) => (
            format!("{{c}}.id IN ({})", vec!["?"; ids.len()].join(", ")),
            ids.iter().map(|&id| id.into()).collect(),
        ),
    };
    let sql = QUERY
        .replace("{filter_s}", &filter.replace("{c}", "sc"))
        .replace("{filter_d}", &filter.replace("{c}", "c"));
    let cutoff = cutoff.number();
    let mut values: Vec<Value> = vec![cutoff.into(), cutoff.into(), cutoff.into()];
    values.push((as_of - 365).number().into());
    values.extend(scope_values.iter().cloned());
    values.push(as_of.number().into());
    values.extend(scope_values);
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            numbered(backend, &sql),
            values,
        ))
        .await?;
    rows.iter()
        .map(|row| {
            // Sums are cast to BIGINT; ids and days may come back as 32-bit on PostgreSQL.
            let int = |col: &str| -> Result<i64, sea_orm::DbErr> {
                row.try_get::<i64>("", col)
                    .or_else(|_| row.try_get::<i32>("", col).map(i64::from))
            };
            let day = |col: &str| -> Result<Option<Day>, sea_orm::DbErr> {
                Ok(row
                    .try_get::<Option<i64>>("", col)
                    .or_else(|_| {
                        row.try_get::<Option<i32>>("", col)
                            .map(|d| d.map(i64::from))
                    })?
                    .map(|d| Day::new(d as i32)))
            };
            let required = |col: &str| -> Result<Day, sea_orm::DbErr> {
                day(col)?.ok_or_else(|| sea_orm::DbErr::Custom(format!("{col} is null")))
            };
            Ok(SellingHistory {
                creator_id: int("creator_id")?,
                days: int("days")?,
                first_day: required("first_day")?,
                last_day: required("last_day")?,
                orders: int("orders")?,
                gmv_minor: int("gmv_minor")?,
                first_day_gmv_minor: int("first_day_gmv_minor")?,
                calibration_days: int("calibration_days")?,
                calibration_last_day: day("calibration_last_day")?,
                holdout_days: int("holdout_days")?,
                past_year_gmv_minor: int("past_year_gmv_minor")?,
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(Into::into)
}

impl SellingHistory {
    /// The BG/NBD summary in days as of `as_of`: frequency = selling days - 1, recency = last -
    /// first selling day, age = `as_of` - first selling day, monetary value = mean GMV of the
    /// repeat selling days (0 when there are none).
    pub fn summary(&self, as_of: Day) -> Summary {
        let frequency = u32::try_from(self.days - 1).unwrap_or(0);
        let monetary_value = if frequency == 0 {
            0.0
        } else {
            (self.gmv_minor - self.first_day_gmv_minor) as f64 / f64::from(frequency)
        };
        Summary {
            monetary_value,
            ..Summary::new(
                frequency,
                (self.last_day - self.first_day) as f64,
                (as_of.max(self.last_day) - self.first_day) as f64,
            )
        }
    }

    /// The creator seen at `cutoff` and its selling days after it; `None` for a creator whose
    /// first selling day came after the cutoff.
    pub fn holdout(&self, cutoff: Day) -> Option<HoldoutObservation> {
        let last = self.calibration_last_day?;
        let frequency = u32::try_from(self.calibration_days - 1).ok()?;
        Some(HoldoutObservation {
            calibration: Summary::new(
                frequency,
                (last - self.first_day) as f64,
                (cutoff - self.first_day) as f64,
            ),
            holdout_transactions: u32::try_from(self.holdout_days).unwrap_or(u32::MAX),
        })
    }

    /// Orders per selling day, to turn expected selling days into expected orders.
    pub fn orders_per_day(&self) -> f64 {
        self.orders as f64 / self.days.max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Selling days 100 (gmv 500), 110 (300), 130 (700), 160 (200); as of 200, cutoff 140.
    fn history() -> SellingHistory {
        SellingHistory {
            creator_id: 1,
            days: 4,
            first_day: Day::new(100),
            last_day: Day::new(160),
            orders: 6,
            gmv_minor: 1_700,
            first_day_gmv_minor: 500,
            calibration_days: 3,
            calibration_last_day: Some(Day::new(130)),
            holdout_days: 1,
            past_year_gmv_minor: 1_700,
        }
    }

    #[test]
    fn summary_counts_repeat_days_and_leaves_the_first_days_value_out() {
        let s = history().summary(Day::new(200));
        assert_eq!(s.frequency, 3);
        assert_eq!((s.recency, s.age), (60.0, 100.0));
        assert_eq!(s.monetary_value, 400.0, "(300 + 700 + 200) / 3");
        s.validate_counts().unwrap();
        s.validate_monetary().unwrap();
        assert_eq!(history().orders_per_day(), 1.5);
    }

    #[test]
    fn one_selling_day_is_frequency_zero_with_no_value() {
        let h = SellingHistory {
            days: 1,
            last_day: Day::new(100),
            gmv_minor: 500,
            calibration_days: 1,
            calibration_last_day: Some(Day::new(100)),
            holdout_days: 0,
            ..history()
        };
        let s = h.summary(Day::new(130));
        assert_eq!((s.frequency, s.recency, s.age), (0, 0.0, 30.0));
        assert_eq!(s.monetary_value, 0.0);
        s.validate_counts().unwrap();
    }

    #[test]
    fn holdout_splits_at_the_cutoff() {
        let o = history().holdout(Day::new(140)).unwrap();
        assert_eq!(o.calibration, Summary::new(2, 30.0, 40.0));
        assert_eq!(o.holdout_transactions, 1);
        let late = SellingHistory {
            calibration_days: 0,
            calibration_last_day: None,
            ..history()
        };
        assert_eq!(late.holdout(Day::new(140)), None);
    }

    #[test]
    fn postgres_placeholders_are_numbered() {
        assert_eq!(
            numbered(DbBackend::Postgres, "a = ? AND b IN (?, ?)"),
            "a = $1 AND b IN ($2, $3)"
        );
        assert_eq!(numbered(DbBackend::Sqlite, "a = ?"), "a = ?");
    }
}
