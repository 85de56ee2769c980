//! The result of a maximum-likelihood fit, with its uncertainty.

use super::optimize::spd_inverse;
use serde::{Deserialize, Serialize};

/// A parameter set that can be fitted: its values in a fixed order, and rebuilt from values.
pub trait Parameters: Sized {
    /// Parameter names, in the order of [`Parameters::values`].
    const NAMES: &'static [&'static str];
    /// The parameter values in the order of `NAMES`.
    fn values(&self) -> Vec<f64>;
    /// A copy of `self` with new values (same order); keeps non-numeric settings such as the
    /// dropout variant.
    fn with_values(&self, values: &[f64]) -> Self;
}

/// A maximum-likelihood fit: what the API stores per market.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fit<P> {
    /// The fitted parameters (natural scale, natural time unit).
    pub params: P,
    /// Total log-likelihood on the unscaled data (comparable with the papers).
    pub log_likelihood: f64,
    /// Number of customers (sum of weights).
    pub n: f64,
    /// True when the gradient reached the tolerance (or the acceptable gradient at a flat optimum).
    pub converged: bool,
    /// BFGS iterations used.
    pub iterations: usize,
    /// Largest component of the final gradient of the mean log-likelihood in log-parameters.
    pub gradient_norm: f64,
    /// Covariance of the log-parameters (inverse observed information); `None` when the
    /// Hessian is not positive definite (no proper optimum). Drives the LTV intervals.
    pub log_covariance: Option<Vec<Vec<f64>>>,
    /// Covariance of the parameters by the delta method, `params_i * params_j * log_cov_ij`
    /// (symmetric, unlike `lifetimes`' `variance_matrix_`).
    pub covariance: Option<Vec<Vec<f64>>>,
    /// Standard errors of the parameters (square roots of the covariance diagonal).
    pub standard_errors: Option<Vec<f64>>,
}

impl<P: Parameters> Fit<P> {
    /// Assembles a fit from the optimum and the Hessian of the *total* negative
    /// log-likelihood in log-parameters.
    pub(crate) fn from_optimum<const N: usize>(
        params: P,
        log_likelihood: f64,
        n: f64,
        converged: bool,
        iterations: usize,
        gradient_norm: f64,
        hessian: &[[f64; N]; N],
    ) -> Self {
        let values = params.values();
        let log_cov = spd_inverse(hessian).map(|m| m.map(Vec::from).to_vec());
        let covariance = log_cov.as_ref().map(|c| {
            (0..N)
                .map(|i| (0..N).map(|j| values[i] * values[j] * c[i][j]).collect())
                .collect::<Vec<Vec<f64>>>()
        });
        let standard_errors = covariance
            .as_ref()
            .map(|c| (0..N).map(|i| c[i][i].sqrt()).collect());
        Self {
            params,
            log_likelihood,
            n,
            converged,
            iterations,
            gradient_norm,
            log_covariance: log_cov,
            covariance,
            standard_errors,
        }
    }
}

/// Shared driver of every fit: BFGS on the mean negative log-likelihood in log-parameters,
/// then the Hessian for the covariance. `finish` turns the optimal log-parameters (on the
/// fit's internal scale) into natural parameters and the total log-likelihood on unscaled data.
pub(crate) fn fit_log_params<const N: usize, P: Parameters>(
    mean_nll: impl Fn(&[f64; N]) -> (f64, [f64; N]),
    start: [f64; N],
    n: f64,
    config: &super::LtvConfig,
    finish: impl Fn(&[f64; N], f64) -> (P, f64),
) -> Result<Fit<P>, super::LtvError> {
    config.validate()?;
    let min = super::optimize::minimize(&mean_nll, start, config)
        .ok_or(super::LtvError::NonFiniteLikelihood)?;
    let mean_hessian = super::optimize::hessian(|x| mean_nll(x).1, &min.x);
    // Log-parameters are invariant to the time/money scaling except for a shift, so the
    // Hessian in log-parameters is the same on the scaled and the unscaled data.
    let total = mean_hessian.map(|row| row.map(|h| h * n));
    let (params, log_likelihood) = finish(&min.x, -min.value * n);
    let gradient_norm = min.gradient.iter().fold(0.0_f64, |m, g| m.max(g.abs()));
    Ok(Fit::from_optimum(
        params,
        log_likelihood,
        n,
        min.converged,
        min.iterations,
        gradient_norm,
        &total,
    ))
}
