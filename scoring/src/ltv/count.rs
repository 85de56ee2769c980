//! The purchase-count models: BG/NBD (Fader, Hardie & Lee 2005) and modified BG/NBD
//! (Batislam, Denizel & Filiztekin 2007). For Flywheel a "purchase" is a selling day.
//!
//! Both share the same parameters and formulas up to a shift `s` (0 for BG/NBD, 1 for MBG/NBD):
//! in MBG/NBD a customer may also drop out right after the first purchase, so one-time buyers
//! get P(alive) < 1. Every formula below is the `lifetimes` 0.11.3 one, evaluated in log space
//! or in the collapsed form of LTV.md so that no input overflows or yields NaN.

use super::config::LtvConfig;
use super::error::LtvError;
use super::fit::{Fit, Parameters, fit_log_params};
use super::special::{digamma, expected_numerator, ln_gamma, ln_gamma_ratio};
use super::summary::{CountRow, Summary, collapse_counts};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Which dropout process the count model assumes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DropoutModel {
    /// BG/NBD: dropout only right after a repeat purchase; one-time buyers are alive for sure.
    BgNbd,
    /// Modified BG/NBD: dropout also possible right after the first purchase.
    ModifiedBgNbd,
}

impl DropoutModel {
    /// The shift `s` that turns the BG/NBD formulas into the MBG/NBD ones.
    fn shift(self) -> f64 {
        match self {
            Self::BgNbd => 0.0,
            Self::ModifiedBgNbd => 1.0,
        }
    }
}

/// Parameters of the count model: purchase rate ~ Gamma(shape r, rate alpha), dropout
/// probability ~ Beta(a, b). `alpha` is in the time unit of the data.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BgNbdParams {
    /// Shape of the purchase-rate distribution.
    pub r: f64,
    /// Rate (inverse time scale) of the purchase-rate distribution.
    pub alpha: f64,
    /// First shape of the dropout-probability distribution.
    pub a: f64,
    /// Second shape of the dropout-probability distribution.
    pub b: f64,
}

/// A count model ready to predict: the variant and its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CountModel {
    /// BG/NBD or modified BG/NBD.
    pub kind: DropoutModel,
    /// The parameters.
    pub params: BgNbdParams,
}

impl Parameters for CountModel {
    const NAMES: &'static [&'static str] = &["r", "alpha", "a", "b"];
    fn values(&self) -> Vec<f64> {
        let p = self.params;
        vec![p.r, p.alpha, p.a, p.b]
    }
    fn with_values(&self, v: &[f64]) -> Self {
        Self {
            kind: self.kind,
            params: BgNbdParams {
                r: v[0],
                alpha: v[1],
                a: v[2],
                b: v[3],
            },
        }
    }
}

/// Rejects a horizon that is negative or not finite.
pub(crate) fn check_horizon(t: f64) -> Result<(), LtvError> {
    if t.is_finite() && t >= 0.0 {
        Ok(())
    } else {
        Err(LtvError::InvalidHorizon(t))
    }
}

/// Rejects a parameter that is not finite and positive.
pub(crate) fn check_param(name: &'static str, value: f64) -> Result<(), LtvError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(LtvError::InvalidParameter { name, value })
    }
}

/// Per-frequency group of the likelihood: the terms that depend on x only.
struct Group {
    x: f64,
    weight: f64,
}

/// A data row: its frequency group and the indices of its recency and age among the
/// distinct times, so each evaluation takes one logarithm per distinct time, not per row.
struct Row {
    group: u32,
    recency: u32,
    age: u32,
    weight: f64,
}

/// Data prepared for the likelihood: grouped by x, time rescaled by `1 / max(T)`.
struct CountData {
    groups: Vec<Group>,
    /// Distinct (scaled) recencies and ages.
    times: Vec<f64>,
    rows: Vec<Row>,
    n: f64,
    scale: f64,
    weighted_x: f64,
}

/// Index of `key` in `items`, appending `make()` when it is new.
fn intern<K: std::hash::Hash + Eq, T>(
    index: &mut HashMap<K, u32>,
    items: &mut Vec<T>,
    key: K,
    make: impl FnOnce() -> T,
) -> u32 {
    *index.entry(key).or_insert_with(|| {
        items.push(make());
        (items.len() - 1) as u32
    })
}

impl CountData {
    fn new(rows: &[CountRow]) -> Result<Self, LtvError> {
        if rows.is_empty() {
            return Err(LtvError::Empty);
        }
        for (i, r) in rows.iter().enumerate() {
            r.validate(i)?;
        }
        let max_age = rows.iter().fold(0.0_f64, |m, r| m.max(r.age));
        if max_age <= 0.0 {
            return Err(LtvError::NoObservationTime);
        }
        let scale = 1.0 / max_age;
        let (mut groups, mut times) = (Vec::new(), Vec::new());
        let (mut group_index, mut time_index) = (HashMap::new(), HashMap::new());
        let mut data = Vec::with_capacity(rows.len());
        for r in rows {
            let group = intern(&mut group_index, &mut groups, r.frequency, || Group {
                x: f64::from(r.frequency),
                weight: 0.0,
            });
            groups[group as usize].weight += r.weight;
            let mut time = |t: f64| intern(&mut time_index, &mut times, t.to_bits(), || t * scale);
            let (recency, age) = (time(r.recency), time(r.age));
            data.push(Row {
                group,
                recency,
                age,
                weight: r.weight,
            });
        }
        let n = groups.iter().map(|g| g.weight).sum();
        let weighted_x = groups.iter().map(|g| g.weight * g.x).sum();
        Ok(Self {
            groups,
            times,
            rows: data,
            n,
            scale,
            weighted_x,
        })
    }

    /// Total log-likelihood and its gradient in natural parameters, on the data's time scale.
    fn log_likelihood(&self, kind: DropoutModel, p: &BgNbdParams) -> (f64, [f64; 4]) {
        let s = kind.shift();
        let BgNbdParams { r, alpha, a, b } = *p;
        let (ln_alpha, psi_r, psi_ab, lg_r, psi_b) = (
            alpha.ln(),
            digamma(r),
            digamma(a + b),
            ln_gamma(r),
            digamma(b),
        );
        let mut ll = 0.0;
        let mut g = [0.0; 4];
        // Per group: A1 + A2, and the x-only constants of A4.
        let consts: Vec<(f64, Option<(f64, f64)>)> = self
            .groups
            .iter()
            .map(|grp| {
                let x = grp.x;
                let a1 = ln_gamma(r + x) - lg_r + r * ln_alpha;
                let a2 = ln_gamma_ratio(b, x + s) - ln_gamma_ratio(a + b, x + s);
                ll += grp.weight * (a1 + a2);
                let psi_abx = digamma(a + b + x + s);
                g[0] += grp.weight * (digamma(r + x) - psi_r + ln_alpha);
                g[1] += grp.weight * r / alpha;
                g[2] += grp.weight * (psi_ab - psi_abx);
                g[3] += grp.weight * (psi_ab + digamma(b + x + s) - psi_b - psi_abx);
                let has_a4 = x > 0.0 || s > 0.0;
                let dropout = has_a4.then(|| {
                    let denom = b + x - 1.0 + s;
                    (a.ln() - denom.ln(), 1.0 / denom)
                });
                (r + x, dropout)
            })
            .collect();
        let ln_time: Vec<f64> = self.times.iter().map(|t| (alpha + t).ln()).collect();
        let inv_time: Vec<f64> = self.times.iter().map(|t| 1.0 / (alpha + t)).collect();
        for row in &self.rows {
            let (rx, dropout) = consts[row.group as usize];
            let (age, recency) = (row.age as usize, row.recency as usize);
            let a3 = -rx * ln_time[age];
            let w = row.weight;
            let Some((c4, inv_denom)) = dropout else {
                ll += w * a3;
                g[0] -= w * ln_time[age];
                g[1] -= w * rx * inv_time[age];
                continue;
            };
            // log-sum-exp of A3 and A4 with one exp and one log.
            let a4 = c4 - rx * ln_time[recency];
            let e = (-(a3 - a4).abs()).exp();
            ll += w * (a3.max(a4) + e.ln_1p());
            let w4 = if a4 >= a3 {
                1.0 / (1.0 + e)
            } else {
                e / (1.0 + e)
            };
            let w3 = 1.0 - w4;
            g[0] -= w * (w3 * ln_time[age] + w4 * ln_time[recency]);
            g[1] -= w * rx * (w3 * inv_time[age] + w4 * inv_time[recency]);
            g[2] += w * w4 / a;
            g[3] -= w * w4 * inv_denom;
        }
        (ll, g)
    }
}

impl CountModel {
    /// A model from parameters, checked to be finite and positive.
    pub fn new(kind: DropoutModel, params: BgNbdParams) -> Result<Self, LtvError> {
        for (name, value) in Self::NAMES
            .iter()
            .zip([params.r, params.alpha, params.a, params.b])
        {
            check_param(name, value)?;
        }
        Ok(Self { kind, params })
    }

    /// Fits the model by maximum likelihood on raw summaries (collapsed first).
    pub fn fit(
        kind: DropoutModel,
        summaries: &[Summary],
        config: &LtvConfig,
    ) -> Result<Fit<CountModel>, LtvError> {
        Self::fit_weighted(kind, &collapse_counts(summaries)?, config)
    }

    /// Fits the model on weighted rows: BFGS on log-parameters with time scaled by
    /// `1 / max(T)` (start 0.1 for every log-parameter, as `lifetimes`).
    pub fn fit_weighted(
        kind: DropoutModel,
        rows: &[CountRow],
        config: &LtvConfig,
    ) -> Result<Fit<CountModel>, LtvError> {
        let data = CountData::new(rows)?;
        let to_params = |x: &[f64; 4]| BgNbdParams {
            r: x[0].exp(),
            alpha: x[1].exp(),
            a: x[2].exp(),
            b: x[3].exp(),
        };
        let mean_nll = |x: &[f64; 4]| {
            let p = to_params(x);
            let (ll, g) = data.log_likelihood(kind, &p);
            let v = [p.r, p.alpha, p.a, p.b];
            (-ll / data.n, std::array::from_fn(|i| -g[i] * v[i] / data.n))
        };
        fit_log_params(mean_nll, [0.1; 4], data.n, config, |x, ll_scaled| {
            let mut params = to_params(x);
            params.alpha /= data.scale;
            // Scaling time by s shifts each customer's log-likelihood by -x ln s.
            let ll = ll_scaled + data.weighted_x * data.scale.ln();
            (Self { kind, params }, ll)
        })
    }

    /// Total log-likelihood of weighted rows under this model (unscaled time).
    pub fn log_likelihood(&self, rows: &[CountRow]) -> Result<f64, LtvError> {
        let data = CountData::new(rows)?;
        let mut p = self.params;
        p.alpha *= data.scale;
        let (ll, _) = data.log_likelihood(self.kind, &p);
        Ok(ll + data.weighted_x * data.scale.ln())
    }

    /// ln of the odds of being dead, `ln(a/(b+x-1+s)) + (r+x) ln((alpha+T)/(alpha+t_x))`;
    /// `None` for a BG/NBD one-time buyer, who cannot have dropped out.
    fn log_odds_dead(&self, s: &Summary) -> Option<f64> {
        let BgNbdParams { r, alpha, a, b } = self.params;
        let x = f64::from(s.frequency);
        let shift = self.kind.shift();
        if s.frequency == 0 && shift == 0.0 {
            return None;
        }
        let growth = ((s.age - s.recency) / (alpha + s.recency)).ln_1p();
        Some((a / (b + x - 1.0 + shift)).ln() + (r + x) * growth)
    }

    fn checked(&self, s: &Summary) -> Result<(), LtvError> {
        s.validate_counts().map_err(LtvError::from)
    }

    /// Probability that the customer is still alive (active) at the end of observation.
    pub fn p_alive(&self, s: &Summary) -> Result<f64, LtvError> {
        self.checked(s)?;
        Ok(self.p_alive_unchecked(s))
    }

    fn p_alive_unchecked(&self, s: &Summary) -> f64 {
        match self.log_odds_dead(s) {
            None => 1.0,
            // 1 / (1 + e^l), written so that neither branch overflows.
            Some(l) if l > 0.0 => {
                let e = (-l).exp();
                e / (1.0 + e)
            }
            Some(l) => 1.0 / (1.0 + l.exp()),
        }
    }

    /// Expected repeat purchases in (T, T + t] given the customer's history (paper eq. 10,
    /// `lifetimes`' `conditional_expected_number_of_purchases_up_to_time`).
    pub fn expected_transactions(
        &self,
        s: &Summary,
        t: f64,
        config: &LtvConfig,
    ) -> Result<f64, LtvError> {
        self.checked(s)?;
        check_horizon(t)?;
        self.expected_unchecked(s, t, config.max_series_terms)
    }

    /// [`Self::expected_transactions`] for callers that validated the summary and horizon.
    pub(crate) fn expected_unchecked(
        &self,
        s: &Summary,
        t: f64,
        max_terms: usize,
    ) -> Result<f64, LtvError> {
        if t == 0.0 {
            return Ok(0.0);
        }
        let BgNbdParams { r, alpha, a, b } = self.params;
        let x = f64::from(s.frequency);
        let base = alpha + s.age;
        let z = t / (base + t);
        let ln_one_minus_z = -(t / base).ln_1p();
        let c = a + b + x - 1.0 + self.kind.shift();
        let numerator = expected_numerator(r + x, a, c, z, ln_one_minus_z, max_terms)?;
        Ok(numerator * self.p_alive_unchecked(s))
    }

    /// Expected purchases of a new customer in (0, t] (paper eq. 9): the conditional
    /// expectation of a customer just acquired (x = 0, t_x = 0, T = 0).
    pub fn expected_transactions_unconditional(
        &self,
        t: f64,
        config: &LtvConfig,
    ) -> Result<f64, LtvError> {
        self.expected_transactions(&Summary::new(0, 0.0, 0.0), t, config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<CountRow> {
        [
            (0, 0.0, 30.0, 3.0),
            (1, 5.0, 30.0, 2.0),
            (3, 25.0, 35.0, 1.0),
            (12, 10.0, 38.0, 1.0),
        ]
        .map(|(frequency, recency, age, weight)| CountRow {
            frequency,
            recency,
            age,
            weight,
        })
        .to_vec()
    }

    #[test]
    fn analytic_gradient_matches_finite_differences() {
        let data = CountData::new(&rows()).unwrap();
        let p = BgNbdParams {
            r: 0.7,
            alpha: 0.4,
            a: 0.9,
            b: 1.8,
        };
        for kind in [DropoutModel::BgNbd, DropoutModel::ModifiedBgNbd] {
            let (_, g) = data.log_likelihood(kind, &p);
            for k in 0..4 {
                let bump = |f: f64| {
                    let mut q = [p.r, p.alpha, p.a, p.b];
                    q[k] *= f;
                    let q = BgNbdParams {
                        r: q[0],
                        alpha: q[1],
                        a: q[2],
                        b: q[3],
                    };
                    data.log_likelihood(kind, &q).0
                };
                let v = [p.r, p.alpha, p.a, p.b][k];
                let h = 1e-6;
                let numeric = (bump(1.0 + h) - bump(1.0 - h)) / (2.0 * h * v);
                assert!(
                    (g[k] - numeric).abs() < 1e-6 * (1.0 + numeric.abs()),
                    "{kind:?} {k}"
                );
            }
        }
    }

    #[test]
    fn weights_equal_repeated_rows() {
        let m = CountModel::new(
            DropoutModel::BgNbd,
            BgNbdParams {
                r: 0.3,
                alpha: 4.0,
                a: 0.8,
                b: 2.4,
            },
        )
        .unwrap();
        let weighted = m.log_likelihood(&rows()).unwrap();
        let expanded: Vec<CountRow> = rows()
            .iter()
            .flat_map(|r| std::iter::repeat_n(CountRow { weight: 1.0, ..*r }, r.weight as usize))
            .collect();
        let unweighted = m.log_likelihood(&expanded).unwrap();
        assert!((weighted - unweighted).abs() < 1e-9);
    }
}
