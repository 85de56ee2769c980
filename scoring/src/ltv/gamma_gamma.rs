//! Gamma-Gamma model of the value per transaction (Fader & Hardie 2013, note 025): each
//! transaction's value ~ Gamma(p, nu), nu ~ Gamma(q, v) across customers. For Flywheel the
//! value of a selling day.

use super::config::LtvConfig;
use super::count::check_param;
use super::error::LtvError;
use super::fit::{Fit, Parameters, fit_log_params};
use super::special::{digamma, ln_gamma};
use super::summary::{SpendRow, Summary, collapse_spend};
use serde::{Deserialize, Serialize};

/// Gamma-Gamma parameters; `v` (Hardie's gamma) is in money units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GammaGammaParams {
    /// Shape of a transaction's value.
    pub p: f64,
    /// Shape of the across-customer distribution of the value rate.
    pub q: f64,
    /// Rate (money scale) of the across-customer distribution.
    pub v: f64,
}

impl Parameters for GammaGammaParams {
    const NAMES: &'static [&'static str] = &["p", "q", "v"];
    fn values(&self) -> Vec<f64> {
        vec![self.p, self.q, self.v]
    }
    fn with_values(&self, v: &[f64]) -> Self {
        Self {
            p: v[0],
            q: v[1],
            v: v[2],
        }
    }
}

/// Repeat buyers grouped by x, money rescaled to mean 1.
struct SpendData {
    /// (x, sum of weights, sum of w ln m) per distinct x.
    groups: Vec<(f64, f64, f64)>,
    /// (index of the group, m, w) per row.
    rows: Vec<(usize, f64, f64)>,
    n: f64,
    scale: f64,
}

impl SpendData {
    fn new(rows: &[SpendRow]) -> Result<Self, LtvError> {
        for (i, r) in rows.iter().enumerate() {
            r.validate(i)?;
        }
        if rows.is_empty() {
            return Err(LtvError::NoRepeatBuyers);
        }
        let n: f64 = rows.iter().map(|r| r.weight).sum();
        let mean = rows
            .iter()
            .map(|r| r.weight * r.monetary_value)
            .sum::<f64>()
            / n;
        let scale = 1.0 / mean;
        let mut groups: Vec<(f64, f64, f64)> = Vec::new();
        let mut index = std::collections::HashMap::new();
        let mut data = Vec::with_capacity(rows.len());
        for r in rows {
            let g = *index.entry(r.frequency).or_insert_with(|| {
                groups.push((f64::from(r.frequency), 0.0, 0.0));
                groups.len() - 1
            });
            let m = r.monetary_value * scale;
            groups[g].1 += r.weight;
            groups[g].2 += r.weight * m.ln();
            data.push((g, m, r.weight));
        }
        Ok(Self {
            groups,
            rows: data,
            n,
            scale,
        })
    }

    /// Total log-likelihood (note 025 eq. 1a) and its gradient, on the scaled money.
    fn log_likelihood(&self, gg: &GammaGammaParams) -> (f64, [f64; 3]) {
        let GammaGammaParams { p, q, v } = *gg;
        let (lg_q, psi_q, ln_v) = (ln_gamma(q), digamma(q), v.ln());
        let mut ll = 0.0;
        let mut g = [0.0; 3];
        for &(x, w, wlnm) in &self.groups {
            let px = p * x;
            let (psi_pxq, psi_px) = (digamma(px + q), digamma(px));
            ll += w * (ln_gamma(px + q) - ln_gamma(px) - lg_q + q * ln_v + px * x.ln())
                + (px - 1.0) * wlnm;
            g[0] += w * x * (psi_pxq - psi_px + x.ln()) + x * wlnm;
            g[1] += w * (psi_pxq - psi_q + ln_v);
            g[2] += w * q / v;
        }
        for &(group, m, w) in &self.rows {
            let x = self.groups[group].0;
            let px_q = p * x + q;
            let total = x * m + v;
            let ln_total = total.ln();
            ll -= w * px_q * ln_total;
            g[0] -= w * x * ln_total;
            g[1] -= w * ln_total;
            g[2] -= w * px_q / total;
        }
        (ll, g)
    }
}

impl GammaGammaParams {
    /// Parameters checked to be finite and positive.
    pub fn new(p: f64, q: f64, v: f64) -> Result<Self, LtvError> {
        check_param("p", p)?;
        check_param("q", q)?;
        check_param("v", v)?;
        Ok(Self { p, q, v })
    }

    /// Fits on raw summaries: repeat buyers only, identical (x, m) collapsed.
    pub fn fit(summaries: &[Summary], config: &LtvConfig) -> Result<Fit<Self>, LtvError> {
        Self::fit_weighted(&collapse_spend(summaries)?, config)
    }

    /// Fits on weighted repeat-buyer rows: BFGS on log-parameters, money rescaled to mean 1
    /// (so minor units fit as well as dollars), start 0.1 for every log-parameter.
    pub fn fit_weighted(rows: &[SpendRow], config: &LtvConfig) -> Result<Fit<Self>, LtvError> {
        let data = SpendData::new(rows)?;
        let to_params = |x: &[f64; 3]| GammaGammaParams {
            p: x[0].exp(),
            q: x[1].exp(),
            v: x[2].exp(),
        };
        let mean_nll = |x: &[f64; 3]| {
            let gg = to_params(x);
            let (ll, g) = data.log_likelihood(&gg);
            let vals = [gg.p, gg.q, gg.v];
            (
                -ll / data.n,
                std::array::from_fn(|i| -g[i] * vals[i] / data.n),
            )
        };
        fit_log_params(mean_nll, [0.1; 3], data.n, config, |x, ll_scaled| {
            let mut gg = to_params(x);
            gg.v /= data.scale;
            // Rescaling money by k shifts each customer's log-likelihood by -ln k.
            (gg, ll_scaled + data.n * data.scale.ln())
        })
    }

    /// Total log-likelihood of weighted repeat-buyer rows under these parameters.
    pub fn log_likelihood(&self, rows: &[SpendRow]) -> Result<f64, LtvError> {
        let data = SpendData::new(rows)?;
        let mut gg = *self;
        gg.v *= data.scale;
        Ok(data.log_likelihood(&gg).0 + data.n * data.scale.ln())
    }

    /// Mean value per transaction across the population, `v p / (q - 1)`; undefined for q <= 1.
    pub fn population_mean(&self) -> Result<f64, LtvError> {
        self.mean_given(0, 0.0)
    }

    /// Expected value per transaction of this customer (note 025 eq. 5), the posterior mean
    /// `p (v + x m) / (p x + q - 1)`; equals `lifetimes`' `(1-w) v p/(q-1) + w m` and, for
    /// x = 0, the population mean. Errors when the mean does not exist (p x + q <= 1).
    pub fn expected_value(&self, s: &Summary) -> Result<f64, LtvError> {
        s.validate_monetary()?;
        let m = if s.frequency == 0 {
            0.0
        } else {
            s.monetary_value
        };
        self.mean_given(s.frequency, m)
    }

    fn mean_given(&self, frequency: u32, m: f64) -> Result<f64, LtvError> {
        let x = f64::from(frequency);
        let denom = self.p * x + self.q - 1.0;
        if denom <= 0.0 {
            return Err(LtvError::MeanSpendUndefined {
                frequency,
                q: self.q,
            });
        }
        Ok(self.p * (self.v + x * m) / denom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analytic_gradient_matches_finite_differences() {
        let rows: Vec<SpendRow> = [(1, 20.0, 2.0), (2, 35.5, 1.0), (7, 12.0, 3.0)]
            .map(|(frequency, monetary_value, weight)| SpendRow {
                frequency,
                monetary_value,
                weight,
            })
            .to_vec();
        let data = SpendData::new(&rows).unwrap();
        let p = GammaGammaParams {
            p: 3.0,
            q: 2.5,
            v: 0.8,
        };
        let (_, g) = data.log_likelihood(&p);
        for k in 0..3 {
            let at = |f: f64| {
                let mut v = p.values();
                v[k] *= f;
                data.log_likelihood(&p.with_values(&v)).0
            };
            let h = 1e-6;
            let numeric = (at(1.0 + h) - at(1.0 - h)) / (2.0 * h * p.values()[k]);
            assert!((g[k] - numeric).abs() < 1e-6 * (1.0 + numeric.abs()), "{k}");
        }
    }

    #[test]
    fn expected_value_equals_the_lifetimes_form() {
        let gg = GammaGammaParams::new(6.25, 3.74, 15.44).unwrap();
        let s = Summary {
            monetary_value: 22.35,
            ..Summary::new(2, 30.43, 38.86)
        };
        let w = gg.p * 2.0 / (gg.p * 2.0 + gg.q - 1.0);
        let lifetimes = (1.0 - w) * gg.v * gg.p / (gg.q - 1.0) + w * 22.35;
        assert!((gg.expected_value(&s).unwrap() - lifetimes).abs() < 1e-12);
        let population = gg.v * gg.p / (gg.q - 1.0);
        assert!((gg.population_mean().unwrap() - population).abs() < 1e-12);
    }
}
