//! Customer (creator) summaries, their validation, and collapsing identical ones into weighted
//! rows so a fit on a million creators costs as much as one on their distinct summaries.

use super::error::{LtvError, SummaryError};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::Hash;

/// RFM summary of one customer; for Flywheel a creator, whose "transactions" are selling days.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Repeat transactions x (the first one excluded).
    pub frequency: u32,
    /// Time t_x from the first to the last repeat transaction (0 when `frequency` is 0).
    pub recency: f64,
    /// Time T from the first transaction to the end of observation.
    pub age: f64,
    /// Mean value of the repeat transactions (ignored when `frequency` is 0).
    pub monetary_value: f64,
}

impl Summary {
    /// Summary without monetary value, for the count models.
    pub fn new(frequency: u32, recency: f64, age: f64) -> Self {
        Self {
            frequency,
            recency,
            age,
            monetary_value: 0.0,
        }
    }

    /// Checks the (x, t_x, T) part: finite, non-negative, t_x <= T, t_x = 0 when x = 0.
    pub fn validate_counts(&self) -> Result<(), SummaryError> {
        for (field, value) in [("recency", self.recency), ("age", self.age)] {
            if !value.is_finite() {
                return Err(SummaryError::NonFinite { field, value });
            }
            if value < 0.0 {
                return Err(SummaryError::Negative { field, value });
            }
        }
        if self.recency > self.age {
            return Err(SummaryError::RecencyAfterAge {
                recency: self.recency,
                age: self.age,
            });
        }
        if self.frequency == 0 && self.recency != 0.0 {
            return Err(SummaryError::RecencyWithoutRepeat {
                recency: self.recency,
            });
        }
        Ok(())
    }

    /// Checks the spend part: a repeat buyer needs a finite monetary value > 0.
    pub fn validate_monetary(&self) -> Result<(), SummaryError> {
        if self.frequency == 0 {
            return Ok(());
        }
        let value = self.monetary_value;
        if !value.is_finite() {
            return Err(SummaryError::NonFinite {
                field: "monetary_value",
                value,
            });
        }
        if value <= 0.0 {
            return Err(SummaryError::NonPositiveMonetary {
                frequency: self.frequency,
                value,
            });
        }
        Ok(())
    }
}

/// Identical (x, t_x, T) summaries collapsed into one row: the input of the count-model fits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CountRow {
    /// Repeat transactions x.
    pub frequency: u32,
    /// Recency t_x.
    pub recency: f64,
    /// Age T.
    pub age: f64,
    /// Number of customers with this summary (may be fractional, must be > 0).
    pub weight: f64,
}

/// Identical (x, m) pairs of repeat buyers collapsed into one row: the input of Gamma-Gamma.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SpendRow {
    /// Repeat transactions x (> 0).
    pub frequency: u32,
    /// Mean value of the repeat transactions.
    pub monetary_value: f64,
    /// Number of customers with this pair.
    pub weight: f64,
}

fn row_error(index: usize) -> impl Fn(SummaryError) -> LtvError {
    move |source| LtvError::Row { index, source }
}

fn check_weight(index: usize, weight: f64) -> Result<(), LtvError> {
    if weight.is_finite() && weight > 0.0 {
        Ok(())
    } else {
        Err(LtvError::Row {
            index,
            source: SummaryError::BadWeight { weight },
        })
    }
}

impl CountRow {
    /// Validates the row as a summary plus a positive weight; `index` locates it in errors.
    pub(crate) fn validate(&self, index: usize) -> Result<(), LtvError> {
        Summary::new(self.frequency, self.recency, self.age)
            .validate_counts()
            .map_err(row_error(index))?;
        check_weight(index, self.weight)
    }
}

impl SpendRow {
    /// Validates a repeat buyer's row: x > 0, m > 0 and finite, positive weight.
    pub(crate) fn validate(&self, index: usize) -> Result<(), LtvError> {
        if self.frequency == 0 {
            return Err(row_error(index)(SummaryError::NotARepeatBuyer));
        }
        let summary = Summary {
            monetary_value: self.monetary_value,
            ..Summary::new(self.frequency, 0.0, 0.0)
        };
        summary.validate_monetary().map_err(row_error(index))?;
        check_weight(index, self.weight)
    }
}

/// Groups keys, counting each distinct one, in first-seen order (deterministic output).
fn collapse_by<K: Hash + Eq + Copy, R>(
    keys: impl Iterator<Item = K>,
    row: impl Fn(K, f64) -> R,
) -> Vec<R> {
    let mut index: HashMap<K, usize> = HashMap::new();
    let mut counted: Vec<(K, f64)> = Vec::new();
    for key in keys {
        let i = *index.entry(key).or_insert_with(|| {
            counted.push((key, 0.0));
            counted.len() - 1
        });
        counted[i].1 += 1.0;
    }
    counted.into_iter().map(|(k, w)| row(k, w)).collect()
}

/// Validates summaries and collapses identical (x, t_x, T) into weighted [`CountRow`]s.
///
/// Daily creator data has few distinct summaries (x, t_x and T are whole days), so this is
/// what makes a fit on a million creators cheap.
pub fn collapse_counts(summaries: &[Summary]) -> Result<Vec<CountRow>, LtvError> {
    for (index, s) in summaries.iter().enumerate() {
        s.validate_counts().map_err(row_error(index))?;
    }
    let keys = summaries
        .iter()
        .map(|s| (s.frequency, s.recency.to_bits(), s.age.to_bits()));
    Ok(collapse_by(keys, |(frequency, recency, age), weight| {
        CountRow {
            frequency,
            recency: f64::from_bits(recency),
            age: f64::from_bits(age),
            weight,
        }
    }))
}

/// Validates the repeat buyers' spend and collapses identical (x, m) into weighted
/// [`SpendRow`]s; customers with x = 0 are left out, as Gamma-Gamma requires.
pub fn collapse_spend(summaries: &[Summary]) -> Result<Vec<SpendRow>, LtvError> {
    for (index, s) in summaries.iter().enumerate() {
        s.validate_monetary().map_err(row_error(index))?;
    }
    let keys = summaries
        .iter()
        .filter(|s| s.frequency > 0)
        .map(|s| (s.frequency, s.monetary_value.to_bits()));
    Ok(collapse_by(keys, |(frequency, m), weight| SpendRow {
        frequency,
        monetary_value: f64::from_bits(m),
        weight,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_names_the_problem() {
        let bad = [
            (Summary::new(1, 5.0, 4.0), "exceeds age"),
            (Summary::new(0, 1.0, 4.0), "frequency 0"),
            (Summary::new(1, -1.0, 4.0), "not be negative"),
            (Summary::new(1, 1.0, f64::NAN), "finite"),
        ];
        for (s, text) in bad {
            let err = s.validate_counts().unwrap_err().to_string();
            assert!(err.contains(text), "{err}");
        }
        let spend = Summary {
            monetary_value: 0.0,
            ..Summary::new(2, 1.0, 4.0)
        };
        assert!(matches!(
            spend.validate_monetary(),
            Err(SummaryError::NonPositiveMonetary { .. })
        ));
        assert!(Summary::new(0, 0.0, 4.0).validate_monetary().is_ok());
    }

    #[test]
    fn collapsing_keeps_every_customer_once() {
        let s = [
            Summary::new(1, 2.0, 5.0),
            Summary::new(0, 0.0, 5.0),
            Summary::new(1, 2.0, 5.0),
            Summary::new(1, 2.0, 6.0),
        ];
        let rows = collapse_counts(&s).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].weight, 2.0);
        assert_eq!(rows.iter().map(|r| r.weight).sum::<f64>(), 4.0);
        let err = collapse_counts(&[s[0], Summary::new(0, 1.0, 2.0)]).unwrap_err();
        assert!(matches!(err, LtvError::Row { index: 1, .. }));
        let spend = collapse_spend(&[
            Summary {
                monetary_value: 3.0,
                ..s[0]
            },
            s[1],
            Summary {
                monetary_value: 3.0,
                ..s[3]
            },
        ])
        .unwrap();
        assert_eq!(spend.len(), 1);
        assert_eq!(spend[0].weight, 2.0);
    }
}
