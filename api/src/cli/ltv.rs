//! `flywheel ltv`: fit and predict on an RFM file, so anyone can check Flywheel's BG/NBD and
//! Gamma-Gamma against `lifetimes` on their own data.

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand, ValueEnum};
use scoring::ltv::{CountModel, DropoutModel, Fit, GammaGammaParams, LtvConfig, LtvModel, Summary};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// LTV commands for data scientists.
#[derive(Subcommand, Debug)]
pub enum LtvCommand {
    /// Fit BG/NBD (and Gamma-Gamma when monetary_value is given) and print the fits as JSON.
    Fit(FitArgs),
    /// Fit, then write per-row predictions as CSV.
    Predict(PredictArgs),
}

/// The input file and model.
#[derive(Args, Debug)]
pub struct FitArgs {
    /// CSV with columns `frequency,recency,T[,monetary_value]` (any other column, such as an
    /// id, is carried through to predictions).
    #[arg(long)]
    pub rfm: PathBuf,
    /// Count model: BG/NBD, or the modified BG/NBD where one-time buyers may also have left.
    #[arg(long, value_enum, default_value = "bgnbd")]
    pub model: ModelArg,
}

/// Prediction settings, with `lifetimes`' meanings.
#[derive(Args, Debug)]
pub struct PredictArgs {
    #[command(flatten)]
    pub fit: FitArgs,
    /// Horizon of `expected_purchases`, in the file's time unit.
    #[arg(long, default_value_t = 52.0)]
    pub horizon: f64,
    /// Months of the CLV (month-end cash flows).
    #[arg(long, default_value_t = 12)]
    pub clv_months: u32,
    /// Monthly discount rate of the CLV.
    #[arg(long, default_value_t = 0.01)]
    pub discount_rate: f64,
    /// Time units per month (4.345 for weeks, 30 for days).
    #[arg(long, default_value_t = 4.345)]
    pub units_per_month: f64,
    /// Output CSV (stdout when omitted).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// The count model to fit.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum ModelArg {
    Bgnbd,
    Mbgnbd,
}

impl From<ModelArg> for DropoutModel {
    fn from(m: ModelArg) -> Self {
        match m {
            ModelArg::Bgnbd => DropoutModel::BgNbd,
            ModelArg::Mbgnbd => DropoutModel::ModifiedBgNbd,
        }
    }
}

/// One parsed file: summaries, whether spend is present, and the carried-through columns.
struct RfmFile {
    summaries: Vec<Summary>,
    has_monetary: bool,
    extra_headers: Vec<String>,
    extra_values: Vec<Vec<String>>,
}

fn read_rfm(path: &Path) -> anyhow::Result<RfmFile> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let find = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(fx), Some(ft), Some(fa)) = (find("frequency"), find("recency"), find("T")) else {
        bail!(
            "{}: the header needs columns frequency, recency and T",
            path.display()
        );
    };
    let fm = find("monetary_value");
    let known = [Some(fx), Some(ft), Some(fa), fm];
    let extra: Vec<usize> = (0..headers.len())
        .filter(|i| !known.contains(&Some(*i)))
        .collect();
    let mut file = RfmFile {
        summaries: Vec::new(),
        has_monetary: fm.is_some(),
        extra_headers: extra.iter().map(|&i| headers[i].to_owned()).collect(),
        extra_values: Vec::new(),
    };
    for record in reader.records() {
        let record = record.map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let line = record.position().map_or(0, |p| p.line());
        let cell = |i: usize, name: &str| -> anyhow::Result<f64> {
            let text = record.get(i).unwrap_or("").trim();
            text.parse::<f64>().map_err(|_| {
                anyhow::anyhow!(
                    "{}:{line}: column {name}: {text:?} is not a number",
                    path.display()
                )
            })
        };
        let x = cell(fx, "frequency")?;
        if x < 0.0 || x.fract() != 0.0 || x > f64::from(u32::MAX) {
            bail!(
                "{}:{line}: column frequency: {x} is not a whole, non-negative count",
                path.display()
            );
        }
        let summary = Summary {
            frequency: x as u32,
            recency: cell(ft, "recency")?,
            age: cell(fa, "T")?,
            monetary_value: match fm {
                Some(i) => cell(i, "monetary_value")?,
                None => 0.0,
            },
        };
        summary
            .validate_counts()
            .map_err(|e| anyhow::anyhow!("{}:{line}: {e}", path.display()))?;
        if fm.is_some() {
            summary.validate_monetary().map_err(|e| {
                anyhow::anyhow!("{}:{line}: column monetary_value: {e}", path.display())
            })?;
        }
        file.summaries.push(summary);
        file.extra_values.push(
            extra
                .iter()
                .map(|&i| record.get(i).unwrap_or("").to_owned())
                .collect(),
        );
    }
    if file.summaries.is_empty() {
        bail!("{}: no rows", path.display());
    }
    Ok(file)
}

#[derive(Serialize)]
struct CountOut {
    r: f64,
    alpha: f64,
    a: f64,
    b: f64,
    log_likelihood: f64,
    n: f64,
    converged: bool,
    standard_errors: Option<Vec<f64>>,
}

#[derive(Serialize)]
struct SpendOut {
    p: f64,
    q: f64,
    v: f64,
    log_likelihood: f64,
    n: f64,
    converged: bool,
    standard_errors: Option<Vec<f64>>,
}

#[derive(Serialize)]
struct FitOut {
    bgnbd: CountOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    gamma_gamma: Option<SpendOut>,
}

type Fits = (Fit<CountModel>, Option<Fit<GammaGammaParams>>);

fn fit(file: &RfmFile, model: ModelArg, config: &LtvConfig) -> anyhow::Result<Fits> {
    let count = CountModel::fit(model.into(), &file.summaries, config)?;
    let spend = if file.has_monetary {
        Some(GammaGammaParams::fit(&file.summaries, config)?)
    } else {
        None
    };
    Ok((count, spend))
}

/// Runs an LTV command.
pub fn run(command: LtvCommand) -> anyhow::Result<()> {
    match command {
        LtvCommand::Fit(args) => {
            println!("{}", fit_report(&args)?);
            Ok(())
        }
        LtvCommand::Predict(args) => predict(&args),
    }
}

/// The fits of `flywheel ltv fit`, as one JSON object.
pub fn fit_report(args: &FitArgs) -> anyhow::Result<String> {
    let file = read_rfm(&args.rfm)?;
    let (count, spend) = fit(&file, args.model, &LtvConfig::default())?;
    let p = count.params.params;
    let out = FitOut {
        bgnbd: CountOut {
            r: p.r,
            alpha: p.alpha,
            a: p.a,
            b: p.b,
            log_likelihood: count.log_likelihood,
            n: count.n,
            converged: count.converged,
            standard_errors: count.standard_errors,
        },
        gamma_gamma: spend.map(|s| SpendOut {
            p: s.params.p,
            q: s.params.q,
            v: s.params.v,
            log_likelihood: s.log_likelihood,
            n: s.n,
            converged: s.converged,
            standard_errors: s.standard_errors,
        }),
    };
    Ok(serde_json::to_string(&out)?)
}

/// Fits, then writes `flywheel ltv predict`'s CSV.
pub fn predict(args: &PredictArgs) -> anyhow::Result<()> {
    let file = read_rfm(&args.fit.rfm)?;
    let config =
        LtvConfig::lifetimes_clv(args.clv_months, args.discount_rate, args.units_per_month);
    let (count, spend) = fit(&file, args.fit.model, &config)?;
    let Some(spend) = spend else {
        bail!("predict needs a monetary_value column for expected_average_profit and clv");
    };
    let model = LtvModel::from_params(count.params, spend.params, config.clone())?;
    let values = model.values(&file.summaries);
    let out: Box<dyn std::io::Write> = match &args.out {
        Some(path) => Box::new(std::fs::File::create(path)?),
        None => Box::new(std::io::stdout()),
    };
    let mut writer = csv::Writer::from_writer(out);
    let mut header = file.extra_headers.clone();
    header.extend(
        [
            "expected_purchases",
            "p_alive",
            "expected_average_profit",
            "clv",
        ]
        .map(String::from),
    );
    writer.write_record(&header)?;
    for (i, (s, value)) in file.summaries.iter().zip(values).enumerate() {
        let value = value.with_context(|| format!("row {}", i + 1))?;
        let expected = count
            .params
            .expected_transactions(s, args.horizon, &config)?;
        let mut row = file.extra_values[i].clone();
        row.extend(
            [
                expected,
                value.p_alive,
                value.expected_value_per_transaction,
                value.ltv,
            ]
            .map(|v| v.to_string()),
        );
        writer.write_record(&row)?;
    }
    writer.flush()?;
    Ok(())
}
