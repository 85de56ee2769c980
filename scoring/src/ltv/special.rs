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

/// Numerator `c/(a-1) * [1 - (1-z)^(r+x) * 2F1(r+x, b'; c; z)]` of the conditional expected
/// purchases, in the collapsed form of LTV.md section 4.
///
/// Euler's transformation turns `(1-z)^(r+x) * 2F1(r+x, b'; c; z)` into
/// `(1-z)^(a-1) * 2F1(c-r-x, a-1; c; z)`, which neither overflows for large x nor divides by
/// zero at a = 1. With `S' = c * [2F1(c-r-x, a-1; c; z) - 1] / (a-1)` summed directly,
/// the numerator is `c * (-expm1((a-1) L)/(a-1)) - exp((a-1) L) * S'` where `L = ln(1-z)`.
/// `c` may be negative or zero (x = 0 with a + b <= 1): `S'` carries `c` inside its terms.
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
    // n = 1 term of S': (alpha1)_1 (a)_0 / ((c+1)_0 1!) z.
    let mut term = alpha1 * z;
    let mut sum = term;
    let mut n = 1.0_f64;
    let mut count = 1usize;
    loop {
        let ratio = (alpha1 + n) * (a + n - 1.0) / ((c + n) * (n + 1.0)) * z;
        // Once the ratios stay below `bound` the tail is at most term * bound / (1 - bound);
        // stop when that is below f64 resolution of the sum.
        let bound = ratio.abs().max(z);
        if term == 0.0 || (bound < 1.0 && term.abs() * bound <= 1e-16 * sum.abs() * (1.0 - bound)) {
            break;
        }
        if count >= max_terms {
            return Err(LtvError::SeriesNotConverged { terms: count, z });
        }
        term *= ratio;
        sum += term;
        n += 1.0;
        count += 1;
    }
    let scaled = delta * ln_one_minus_z;
    let head = if delta == 0.0 {
        -ln_one_minus_z
    } else {
        -scaled.exp_m1() / delta
    };
    Ok(c * head - scaled.exp() * sum)
}

#[cfg(test)]
mod tests {
    use super::*;

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
