//! Special functions the models need: log-gamma, digamma and the overflow-safe collapsed
//! hypergeometric evaluation of the conditional expected purchases (LTV.md section 4).

use super::error::LtvError;

const LANCZOS_G: f64 = 7.0;
const LANCZOS: [f64; 9] = [
    0.999_999_999_999_809_9,
    676.520_368_121_885_1,
    -1_259.139_216_722_402_8,
    771.323_428_777_653_1,
    -176.615_029_162_140_6,
    12.507_343_278_686_905,
    -0.138_571_095_265_720_12,
    9.984_369_578_019_572e-6,
    1.505_632_735_149_311_6e-7,
];
const HALF_LN_2PI: f64 = 0.918_938_533_204_672_8;

/// ln Γ(x) for x > 0 (Lanczos, g = 7; ~1e-15 relative), the building block of every likelihood.
pub(crate) fn ln_gamma(x: f64) -> f64 {
    if x < 0.5 {
        // Γ(x) = Γ(x + 1) / x keeps the Lanczos sum in its accurate range.
        return ln_gamma(x + 1.0) - x.ln();
    }
    let x = x - 1.0;
    let mut sum = LANCZOS[0];
    for (i, c) in LANCZOS.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + LANCZOS_G + 0.5;
    HALF_LN_2PI + (x + 0.5) * t.ln() - t + sum.ln()
}

/// ln Γ(z + d) - ln Γ(z) for z > 0, d >= 0. For large z it is computed from Stirling's series
/// as one difference, not two huge ln Γ values: with dropout that barely varies between
/// creators, a and b of the count models run into the millions, where ln Γ is ~1e8 and the
/// subtraction would leave the likelihood noisy at 1e-8, too coarse for the optimiser's last
/// steps.
pub(crate) fn ln_gamma_ratio(z: f64, d: f64) -> f64 {
    if z < 1e3 {
        return ln_gamma(z + d) - ln_gamma(z);
    }
    // ln Γ(t) = (t - 1/2) ln t - t + ln(2π)/2 + 1/(12t) - 1/(360t³) + 1/(1260t⁵) - ...; the
    // next term is below 1e-24 here.
    let tail = |t: f64| {
        let inv = 1.0 / t;
        let inv2 = inv * inv;
        inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 / 1260.0))
    };
    let w = z + d;
    (z - 0.5) * (d / z).ln_1p() + d * w.ln() - d + tail(w) - tail(z)
}

/// ψ(x) = d ln Γ(x)/dx for x > 0 (recurrence up to 10, then the asymptotic series), used by
/// the analytic gradients.
pub(crate) fn digamma(mut x: f64) -> f64 {
    let mut shift = 0.0;
    while x < 10.0 {
        shift -= 1.0 / x;
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    let series = inv2
        * (1.0 / 12.0
            - inv2
                * (1.0 / 120.0
                    - inv2 * (1.0 / 252.0 - inv2 * (1.0 / 240.0 - inv2 * (1.0 / 132.0)))));
    shift + x.ln() - 0.5 * inv - series
}

/// A hypergeometric series `Σ_{n≥1} t_n` with term ratio `(A+n)(B+n)/((C+n)(n+1)) z`, summed
/// as `sum * e^shift` so that terms far beyond f64's range (large a or x) never overflow.
struct Series {
    upper: (f64, f64),
    lower: f64,
    z: f64,
    n: f64,
    term: f64,
    sum: f64,
    shift: f64,
}

/// Rescaling step of [`Series`]: terms are kept below 1e250.
const RESCALE: f64 = 1e250;

impl Series {
    fn new(upper: (f64, f64), lower: f64, z: f64, first: f64) -> Self {
        Self {
            upper,
            lower,
            z,
            n: 1.0,
            term: first,
            sum: first,
            shift: 0.0,
        }
    }

    fn ratio(&self) -> f64 {
        let n = self.n;
        (self.upper.0 + n) * (self.upper.1 + n) / ((self.lower + n) * (n + 1.0)) * self.z
    }

    /// Whether the tail is below f64 resolution of the sum: once the ratios stay below
    /// `bound` the tail is at most `term * bound / (1 - bound)`.
    fn converged(&self) -> bool {
        let bound = self.ratio().abs().max(self.z);
        self.term == 0.0
            || (bound < 1.0 && self.term.abs() * bound <= 1e-16 * self.sum.abs() * (1.0 - bound))
    }

    fn step(&mut self) {
        self.term *= self.ratio();
        self.sum += self.term;
        self.n += 1.0;
        if self.term.abs() > RESCALE {
            self.term /= RESCALE;
            self.sum /= RESCALE;
            self.shift += RESCALE.ln();
        }
    }

    /// `ln(1 + Σ t_n)`, accurate when the sum is small (no rescaling happened).
    fn ln_one_plus(&self) -> f64 {
        if self.shift == 0.0 {
            self.sum.ln_1p()
        } else {
            self.shift + (self.sum + (-self.shift).exp()).ln()
        }
    }
}

/// Numerator `c/(a-1) * [1 - (1-z)^(r+x) * 2F1(r+x, b'; c; z)]` of the conditional expected
/// purchases (`b' = c - a + 1`), i.e. `E[(1 - (1 + p u)^-(r+x)) / p]` for the dropout
/// probability `p ~ Beta(a, b')`, `u = z/(1-z)`.
///
/// Two exact series of the same quantity run side by side and the first to converge wins:
///
/// * the collapsed form of LTV.md section 4: Euler's transformation turns
///   `(1-z)^(r+x) * 2F1(r+x, b'; c; z)` into `(1-z)^(a-1) * 2F1(c-r-x, a-1; c; z)`, which
///   neither overflows for large x nor divides by zero at a = 1. With
///   `S' = c * [2F1(c-r-x, a-1; c; z) - 1] / (a-1)` summed directly, the numerator is
///   `c * (-expm1((a-1) L)/(a-1)) - exp((a-1) L) * S'` where `L = ln(1-z)`. `c` may be
///   negative or zero (x = 0 with a + b <= 1): `S'` carries `c` inside its terms. Its terms
///   grow until n ≈ a z/(1-z), so it needs ~a terms when the dropout distribution is tight
///   (a, b in the thousands or millions: a marketplace where every creator drops out alike);
/// * for a >= 2, the paper's form `c/(a-1) * -expm1((r+x) L + ln 2F1(r+x, b'; c; z))`, whose
///   ratio carries `1/(c+n)` and so converges in a handful of terms exactly when `c` is huge.
///   With a >= 2 the factor `c/(a-1)` is harmless and the terms are positive; the sum is
///   rescaled so large x cannot overflow it.
///
/// Either series hitting `max_terms` while the other has not converged is an error, never a
/// wrong number.
pub(crate) fn expected_numerator(
    r_plus_x: f64,
    a: f64,
    c: f64,
    z: f64,
    ln_one_minus_z: f64,
    max_terms: usize,
) -> Result<f64, LtvError> {
    let delta = a - 1.0;
    let alpha1 = c - r_plus_x;
    let mut collapsed = Series::new((alpha1, delta), c, z, alpha1 * z);
    let b_prime = c - delta;
    let mut direct =
        (a >= 2.0).then(|| Series::new((r_plus_x, b_prime), c, z, r_plus_x * b_prime / c * z));
    let mut count = 1usize;
    loop {
        if collapsed.converged() {
            let scaled = delta * ln_one_minus_z;
            let head = if delta == 0.0 {
                -ln_one_minus_z
            } else {
                -scaled.exp_m1() / delta
            };
            return Ok(c * head - (scaled + collapsed.shift).exp() * collapsed.sum);
        }
        if let Some(d) = direct.as_ref().filter(|d| d.converged()) {
            let ln_product = r_plus_x * ln_one_minus_z + d.ln_one_plus();
            return Ok(-c / delta * ln_product.exp_m1());
        }
        if count >= max_terms {
            return Err(LtvError::SeriesNotConverged { terms: count, z });
        }
        collapsed.step();
        if let Some(d) = direct.as_mut() {
            d.step();
        }
        count += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_gamma_ratio_is_exact_where_ln_gamma_cancels() {
        // Γ(z + d) / Γ(z) = z (z + 1) ... (z + d - 1) for whole d.
        for z in [1e3, 12_345.6, 1e7, 3e9] {
            for d in [0.0, 1.0, 7.0, 120.0] {
                let exact: f64 = (0..d as u32).map(|k| (z + f64::from(k)).ln()).sum();
                let got = ln_gamma_ratio(z, d);
                assert!(
                    (got - exact).abs() <= 1e-13 * exact.abs().max(1.0),
                    "{z} {d}"
                );
            }
        }
        // Both branches agree where they meet.
        let below = ln_gamma(999.999 + 3.5) - ln_gamma(999.999);
        assert!((ln_gamma_ratio(999.999, 3.5) - below).abs() < 1e-12);
        assert!(
            (ln_gamma_ratio(1000.0, 3.5) - (ln_gamma(1003.5) - ln_gamma(1000.0))).abs() < 1e-11
        );
    }

    /// `E[(1 - (1 + p u)^-(r+x)) / p]` for `p ~ Beta(a, b')` by an independent route: a
    /// trapezoid sum over the log-odds `y` of p, relative to the mode, normalised by the same
    /// sum of the density (no Beta function needed). The integrand is smooth and decays
    /// exponentially on both sides, where the trapezoid rule converges exponentially fast.
    fn beta_expectation(r_plus_x: f64, a: f64, b_prime: f64, z: f64) -> f64 {
        let (n_total, mu, u) = (a + b_prime, a / (a + b_prime), z / (1.0 - z));
        let h = (1.0 / a + 1.0 / b_prime).sqrt().min(0.4) / 8.0;
        // ln density at mode + d minus at the mode: a d - N ln(1 + mu (e^d - 1)).
        let ln_w = |d: f64| a * d - n_total * (mu * d.exp_m1()).ln_1p();
        let g = |d: f64| {
            let p = mu * d.exp() / (1.0 + mu * d.exp_m1());
            -(-r_plus_x * (p * u).ln_1p()).exp_m1() / p
        };
        let (mut num, mut den) = (0.0, 0.0);
        for dir in [1.0, -1.0] {
            let mut k = if dir > 0.0 { 0.0 } else { 1.0 };
            loop {
                let d = dir * k * h;
                let w = ln_w(d).exp();
                if w < 1e-30 {
                    break;
                }
                num += w * g(d);
                den += w;
                k += 1.0;
            }
        }
        num / den
    }

    #[test]
    fn tight_dropout_distributions_converge_fast_and_match_the_full_series() {
        // The demo marketplace's regime: a ~ 1e5, b ~ 1e7 (every creator drops out alike).
        // The collapsed series alone needs ~a z/(1-z) terms and overflows f64 on the way.
        for (r, a, b, x, z) in [
            (0.8, 1.0e5, 1.0e7, 3.0, 0.45),
            (0.8, 1.0e5, 1.0e7, 0.0, 0.9),
            (2.5, 3.0e4, 2.0e5, 40.0, 0.3),
            (0.3, 40.0, 400.0, 1.0, 0.5),
            (0.3, 2.0, 5.0, 7.0, 0.99),
        ] {
            let c = a + b + x - 1.0;
            let got = expected_numerator(r + x, a, c, z, (-z).ln_1p(), 2_000).unwrap();
            let reference = beta_expectation(r + x, a, b + x, z);
            assert!(
                ((got - reference) / reference).abs() < 1e-11,
                "a = {a}, b = {b}, x = {x}, z = {z}: {got} vs {reference}"
            );
        }
    }

    #[test]
    fn infinite_a_plus_b_tends_to_a_fixed_dropout_probability() {
        // As a + b -> inf with p = a/(a+b) fixed, Beta(a, b) is a point mass at p and the
        // numerator is (1 - (1 + p u)^-(r+x)) / p with u = z/(1-z); the error is O(1/a).
        let (r_plus_x, a, b, z) = (4.2, 1.0e9, 1.0e11, 0.6);
        let c = a + b + 3.0 - 1.0;
        let got = expected_numerator(r_plus_x, a, c, z, (-z).ln_1p(), 100).unwrap();
        let (p, u) = (a / (c + 1.0), z / (1.0 - z));
        let limit = -(-r_plus_x * (p * u).ln_1p()).exp_m1() / p;
        assert!(((got - limit) / limit).abs() < 1e-7, "{got} vs {limit}");
    }

    #[test]
    fn ln_gamma_matches_known_values() {
        // Γ(1) = Γ(2) = 1, Γ(1/2) = sqrt(pi), Γ(10) = 9!.
        assert!(ln_gamma(1.0).abs() < 1e-15);
        assert!(ln_gamma(2.0).abs() < 1e-15);
        let half = 0.5 * std::f64::consts::PI.ln();
        assert!((ln_gamma(0.5) - half).abs() < 1e-14);
        assert!((ln_gamma(10.0) - 362_880f64.ln()).abs() < 1e-13);
        // ln Γ(0.1) = 2.252712651734206 (tables).
        assert!((ln_gamma(0.1) - 2.252_712_651_734_206).abs() < 1e-13);
        // ln Γ(1000) by summing logs.
        let direct: f64 = (1..1000).map(|k| (k as f64).ln()).sum();
        assert!((ln_gamma(1000.0) - direct).abs() / direct < 1e-14);
    }

    #[test]
    fn digamma_is_the_derivative_of_ln_gamma() {
        // ψ(1) = -Euler-Mascheroni.
        assert!((digamma(1.0) + 0.577_215_664_901_532_9).abs() < 1e-13);
        for &x in &[0.07, 0.3, 1.7, 4.2, 12.5, 300.0] {
            let h = 1e-5 * x;
            let numeric = (ln_gamma(x + h) - ln_gamma(x - h)) / (2.0 * h);
            assert!(
                (digamma(x) - numeric).abs() < 1e-7 * (1.0 + digamma(x).abs()),
                "{x}"
            );
        }
    }
}
