//! The optimiser: BFGS with a strong-Wolfe line search on log-parameters, plus the
//! finite-difference Hessian and small dense linear algebra behind the standard errors.
//!
//! Why BFGS: the likelihoods are smooth, have 3-4 parameters and an exact gradient, so a
//! quasi-Newton method converges superlinearly in a few dozen iterations without second
//! derivatives; it is also what `lifetimes` uses, so both land on the same optimum. The
//! strong-Wolfe line search keeps the BFGS update positive definite, and steps into regions
//! where the likelihood overflows are simply treated as "too far". Because CDNOW-like optima
//! are flat, a line search that cannot improve any more (rounding) ends the fit as converged
//! when the gradient is already tiny: that is success, not failure.

use super::config::LtvConfig;

/// Where the optimiser stopped.
pub(crate) struct Minimum<const N: usize> {
    pub x: [f64; N],
    pub value: f64,
    pub gradient: [f64; N],
    pub iterations: usize,
    pub converged: bool,
}

fn dot<const N: usize>(a: &[f64; N], b: &[f64; N]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn sup_norm<const N: usize>(a: &[f64; N]) -> f64 {
    a.iter().fold(0.0, |m, v| m.max(v.abs()))
}

fn axpy<const N: usize>(x: &[f64; N], step: f64, d: &[f64; N]) -> [f64; N] {
    std::array::from_fn(|i| x[i] + step * d[i])
}

#[derive(Clone, Copy)]
struct Point<const N: usize> {
    step: f64,
    value: f64,
    gradient: [f64; N],
    slope: f64,
}

const C1: f64 = 1e-4;
const C2: f64 = 0.9;
const MAX_LINE_EVALS: usize = 30;
/// Largest change of any log-parameter in one step: e^8 is a factor of ~3000.
const MAX_LOG_STEP: f64 = 8.0;

/// Minimiser of the quadratic through `lo` (value and slope) and `hi` (value), kept inside
/// the inner 98 % of the bracket; bisection when `hi` is not finite.
fn interpolate<const N: usize>(lo: &Point<N>, hi: &Point<N>) -> f64 {
    let width = hi.step - lo.step;
    let (near, far) = (lo.step + 0.01 * width, hi.step - 0.01 * width);
    let (min, max) = (near.min(far), near.max(far));
    if !hi.value.is_finite() {
        return 0.5 * (lo.step + hi.step);
    }
    let curvature = hi.value - lo.value - lo.slope * width;
    if curvature <= 0.0 {
        return 0.5 * (lo.step + hi.step);
    }
    (lo.step - lo.slope * width * width / (2.0 * curvature)).clamp(min, max)
}

/// Strong-Wolfe line search (Nocedal & Wright, algorithms 3.5 and 3.6, quadratic
/// interpolation in zoom). Non-finite objective values count as "worse". Returns `None` when
/// no step decreases `f`.
fn line_search<const N: usize, F>(
    f: &mut F,
    x: &[f64; N],
    d: &[f64; N],
    f0: f64,
    slope0: f64,
) -> Option<Point<N>>
where
    F: FnMut(&[f64; N]) -> (f64, [f64; N]),
{
    let mut eval = |step: f64| {
        let (value, gradient) = f(&axpy(x, step, d));
        let value = if value.is_finite() && gradient.iter().all(|g| g.is_finite()) {
            value
        } else {
            f64::INFINITY
        };
        let slope = dot(&gradient, d);
        Point {
            step,
            value,
            gradient,
            slope,
        }
    };
    let armijo = |p: &Point<N>| p.value <= f0 + C1 * p.step * slope0;
    let max_step = MAX_LOG_STEP / sup_norm(d).max(f64::MIN_POSITIVE);
    let mut prev = Point {
        step: 0.0,
        value: f0,
        gradient: [0.0; N],
        slope: slope0,
    };
    let mut step = 1.0_f64.min(max_step);
    let mut evals = 0;
    let (mut lo, mut hi) = loop {
        let p = eval(step);
        evals += 1;
        if !armijo(&p) || (evals > 1 && p.value >= prev.value) {
            break (prev, p);
        }
        if p.slope.abs() <= -C2 * slope0 {
            return Some(p);
        }
        if p.slope >= 0.0 {
            break (p, prev);
        }
        if evals >= MAX_LINE_EVALS || step >= max_step {
            return Some(p);
        }
        prev = p;
        step = (2.0 * step).min(max_step);
    };
    while evals < MAX_LINE_EVALS {
        let step = interpolate(&lo, &hi);
        if step == lo.step || step == hi.step {
            break;
        }
        let p = eval(step);
        evals += 1;
        if !armijo(&p) || p.value >= lo.value {
            hi = p;
        } else {
            if p.slope.abs() <= -C2 * slope0 {
                return Some(p);
            }
            if p.slope * (hi.step - lo.step) >= 0.0 {
                hi = lo;
            }
            lo = p;
        }
    }
    // Sufficient decrease without the curvature condition is still progress.
    (lo.step > 0.0 && lo.value < f0).then_some(lo)
}

/// Minimises `f` (value and gradient) from `x0` with BFGS; see the module docs for why.
pub(crate) fn minimize<const N: usize, F>(
    mut f: F,
    x0: [f64; N],
    config: &LtvConfig,
) -> Option<Minimum<N>>
where
    F: FnMut(&[f64; N]) -> (f64, [f64; N]),
{
    let (mut value, mut gradient) = f(&x0);
    if !value.is_finite() || gradient.iter().any(|g| !g.is_finite()) {
        return None;
    }
    let identity: [[f64; N]; N] =
        std::array::from_fn(|i| std::array::from_fn(|j| f64::from(u8::from(i == j))));
    let mut h = identity;
    let mut fresh = true;
    let mut x = x0;
    let mut iterations = 0;
    let mut converged = false;
    while iterations < config.max_iterations {
        if sup_norm(&gradient) < config.gradient_tolerance {
            converged = true;
            break;
        }
        let mut d: [f64; N] = std::array::from_fn(|i| -dot(&h[i], &gradient));
        let mut slope = dot(&gradient, &d);
        if slope >= 0.0 {
            h = identity;
            fresh = true;
            d = gradient.map(|g| -g);
            slope = dot(&gradient, &d);
        }
        let Some(point) = line_search(&mut f, &x, &d, value, slope) else {
            // At a flat optimum rounding stops all progress: a small gradient is success.
            if !fresh && sup_norm(&gradient) >= config.acceptable_gradient {
                // Restart from steepest descent once before giving up.
                h = identity;
                fresh = true;
                continue;
            }
            converged = sup_norm(&gradient) < config.acceptable_gradient;
            break;
        };
        iterations += 1;
        let s: [f64; N] = d.map(|di| point.step * di);
        let y: [f64; N] = std::array::from_fn(|i| point.gradient[i] - gradient[i]);
        let sy = dot(&s, &y);
        x = axpy(&x, point.step, &d);
        value = point.value;
        gradient = point.gradient;
        if sy > 1e-12 * dot(&s, &s).sqrt() * dot(&y, &y).sqrt() {
            if fresh {
                // Scale the first inverse-Hessian guess to the observed curvature.
                let scale = sy / dot(&y, &y);
                h = std::array::from_fn(|i| std::array::from_fn(|j| h[i][j] * scale));
                fresh = false;
            }
            let rho = 1.0 / sy;
            let hy: [f64; N] = std::array::from_fn(|i| dot(&h[i], &y));
            let yhy = dot(&y, &hy);
            h = std::array::from_fn(|i| {
                std::array::from_fn(|j| {
                    h[i][j] - rho * (hy[i] * s[j] + s[i] * hy[j])
                        + (rho * rho * yhy + rho) * s[i] * s[j]
                })
            });
        }
    }
    if !converged && sup_norm(&gradient) < config.gradient_tolerance {
        converged = true;
    }
    Some(Minimum {
        x,
        value,
        gradient,
        iterations,
        converged,
    })
}

/// Hessian by central differences of the analytic gradient, symmetrised.
pub(crate) fn hessian<const N: usize, G>(mut gradient: G, x: &[f64; N]) -> [[f64; N]; N]
where
    G: FnMut(&[f64; N]) -> [f64; N],
{
    let mut h = [[0.0; N]; N];
    for j in 0..N {
        let step = 6e-6 * x[j].abs().max(1.0);
        let mut up = *x;
        up[j] += step;
        let mut down = *x;
        down[j] -= step;
        let (gu, gd) = (gradient(&up), gradient(&down));
        for i in 0..N {
            h[i][j] = (gu[i] - gd[i]) / (2.0 * step);
        }
    }
    std::array::from_fn(|i| std::array::from_fn(|j| 0.5 * (h[i][j] + h[j][i])))
}

/// Lower Cholesky factor of a symmetric matrix, or `None` if it is not positive definite.
pub(crate) fn cholesky<const N: usize>(m: &[[f64; N]; N]) -> Option<[[f64; N]; N]> {
    let mut l = [[0.0; N]; N];
    for i in 0..N {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = m[i][i] - s;
                if !(d > 0.0 && d.is_finite()) {
                    return None;
                }
                l[i][i] = d.sqrt();
            } else {
                l[i][j] = (m[i][j] - s) / l[j][j];
            }
        }
    }
    Some(l)
}

/// Inverse of a symmetric positive-definite matrix via its Cholesky factor.
pub(crate) fn spd_inverse<const N: usize>(m: &[[f64; N]; N]) -> Option<[[f64; N]; N]> {
    let l = cholesky(m)?;
    // Invert L (lower triangular), then M^-1 = L^-T L^-1.
    let mut li = [[0.0; N]; N];
    for i in 0..N {
        let mut row = [0.0; N];
        row[i] = 1.0 / l[i][i];
        for (j, slot) in row.iter_mut().enumerate().take(i) {
            let s: f64 = (j..i).map(|k| l[i][k] * li[k][j]).sum();
            *slot = -s / l[i][i];
        }
        li[i] = row;
    }
    Some(std::array::from_fn(|i| {
        std::array::from_fn(|j| (i.max(j)..N).map(|k| li[k][i] * li[k][j]).sum())
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bfgs_finds_the_rosenbrock_minimum() {
        let rosen = |p: &[f64; 2]| {
            let (x, y) = (p[0], p[1]);
            let value = (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2);
            let grad = [
                -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
                200.0 * (y - x * x),
            ];
            (value, grad)
        };
        let m = minimize(rosen, [-1.2, 1.0], &LtvConfig::default()).unwrap();
        assert!(m.converged);
        assert!((m.x[0] - 1.0).abs() < 1e-8 && (m.x[1] - 1.0).abs() < 1e-8);
    }

    #[test]
    fn inverse_and_hessian_agree_with_a_quadratic() {
        let a = [[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]];
        let grad = |x: &[f64; 3]| std::array::from_fn(|i| dot(&a[i], x));
        let h = hessian(grad, &[0.3, -0.2, 1.0]);
        let inv = spd_inverse(&h).unwrap();
        for (i, row) in a.iter().enumerate() {
            let prod: [f64; 3] = std::array::from_fn(|j| (0..3).map(|k| row[k] * inv[k][j]).sum());
            for (j, p) in prod.iter().enumerate() {
                assert!((p - f64::from(u8::from(i == j))).abs() < 1e-8);
            }
        }
        assert!(cholesky(&[[1.0, 2.0], [2.0, 1.0]]).is_none());
    }
}
