//! `flywheel matching eval`: offline evaluation of matching on the current database.

use crate::db::{self, DbConfig};
use crate::matching::load;
use clap::{Args, Subcommand};
use entities::collaboration;
use scoring::matching::eval::{
    EvalConfig, EvalReport, Method, evaluate, evaluate_held_out, split_collaborations,
};
use scoring::matching::synthetic::{SyntheticConfig, generate};
use scoring::matching::{BrandId, CreatorId, CreatorProfiles, GraphInput, MatchConfig};
use sea_orm::EntityTrait;
use serde_json::json;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Matching commands.
#[derive(Subcommand, Debug)]
pub enum MatchingCommand {
    /// Hide a share of collaborations, rank creators for every brand that lost one, and print
    /// recall@K and nDCG@K of Flywheel's ranking and three baselines, with query latencies.
    Eval(EvalArgs),
}

/// `matching eval` options.
#[derive(Args, Debug)]
pub struct EvalArgs {
    /// Share of brand-creator pairs hidden, in (0, 1).
    #[arg(long, default_value_t = 0.2)]
    pub hide: f64,
    /// Seed of the split (the same seed hides the same pairs).
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Cut-offs K, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "10,50")]
    pub k: Vec<usize>,
    /// Evaluate at most this many brands (those with the smallest ids).
    #[arg(long)]
    pub max_queries: Option<usize>,
    /// Methods to run, comma-separated (flywheel, exact-ppr, niche-cosine,
    /// popularity-in-niche); all by default. Leaving out exact-ppr makes tuning runs fast.
    #[arg(long, value_delimiter = ',', value_parser = method_of)]
    pub methods: Vec<Method>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Evaluate a seeded synthetic marketplace (`scoring::matching::synthetic`) instead of the
    /// database: `CREATORS BRANDS LEAF_NICHES COLLABORATIONS_PER_BRAND`, e.g.
    /// `--synthetic 20000 1000 60 20`; the marketplace is generated from `--seed` too.
    #[arg(long, value_names = ["CREATORS", "BRANDS", "LEAF_NICHES", "PER_BRAND"], num_args = 4)]
    pub synthetic: Option<Vec<f64>>,
    /// Matching configuration to evaluate, as JSON (`scoring::matching::MatchConfig`; fields
    /// left out keep their defaults), e.g. `{"ppr": {"alpha": 0.2}}`: how weights are tuned.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Runs a matching command.
pub async fn run(db_config: &DbConfig, command: MatchingCommand) -> anyhow::Result<()> {
    let MatchingCommand::Eval(args) = command;
    if args.k.is_empty() || args.k.contains(&0) {
        anyhow::bail!("--k takes cut-offs above 0, e.g. --k 10,50");
    }
    let config = match &args.config {
        Some(path) => read_config(path)?,
        None => MatchConfig::default(),
    };
    let reports = match &args.synthetic {
        Some(shape) => synthetic_reports(&args, shape, &config)?,
        None => database_reports(db_config, &args, &config).await?,
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&as_json(&args, &reports))?
        );
    } else {
        print!("{}", table(&args, &reports));
    }
    Ok(())
}

/// The evaluation configuration of one cut-off.
fn eval_config(args: &EvalArgs, k: usize) -> EvalConfig {
    EvalConfig {
        k,
        hidden_share: args.hide,
        seed: args.seed,
        max_queries: args.max_queries.unwrap_or(usize::MAX),
        methods: if args.methods.is_empty() {
            Method::ALL.to_vec()
        } else {
            args.methods.clone()
        },
        ..EvalConfig::default()
    }
}

/// Evaluates a generated marketplace, whose profiles do not count collaborations.
fn synthetic_reports(
    args: &EvalArgs,
    shape: &[f64],
    config: &MatchConfig,
) -> anyhow::Result<Vec<EvalReport>> {
    let &[creators, brands, niches, per_brand] = shape else {
        anyhow::bail!("--synthetic takes CREATORS BRANDS LEAF_NICHES COLLABORATIONS_PER_BRAND");
    };
    let count = |x: f64| x as usize;
    let market = generate(&SyntheticConfig {
        collaborations_per_brand: per_brand,
        ..SyntheticConfig::with_size(count(creators), count(brands), count(niches), args.seed)
    })?;
    args.k
        .iter()
        .map(|&k| {
            Ok(evaluate(
                &market.input,
                &market.profiles,
                config,
                &eval_config(args, k),
            )?)
        })
        .collect()
}

/// Evaluates the database's marketplace as of its latest collaboration (so a historical data
/// set is not decayed to nothing by the collaboration half-life), its hidden collaborations
/// taken out of the profiles.
async fn database_reports(
    db_config: &DbConfig,
    args: &EvalArgs,
    config: &MatchConfig,
) -> anyhow::Result<Vec<EvalReport>> {
    let (conn, _) = super::connect(db_config).await?;
    db::migrate(&conn).await?;
    let rows = collaboration::Entity::find()
        .all(&conn)
        .await
        .map_err(|e| anyhow::anyhow!("cannot read collaborations: {e}"))?;
    let as_of = rows
        .iter()
        .flat_map(|r| [Some(r.started_at), r.ended_at])
        .flatten()
        .max()
        .unwrap_or_else(chrono::Utc::now);
    let snap = load::snapshot(&conn, as_of)
        .await
        .map_err(|e| anyhow::anyhow!("cannot read the marketplace: {}", e.operator_message()))?;
    if snap.input.collaborations.is_empty() {
        anyhow::bail!(
            "the database has no collaborations to hide: seed one first (flywheel demo --no-serve)"
        );
    }
    let (kept, hidden) = split_collaborations(&snap.input.collaborations, args.hide, args.seed)?;
    let hidden_pairs: HashSet<(BrandId, CreatorId)> =
        hidden.iter().map(|c| (c.brand, c.creator)).collect();
    let mut directory = snap.directory;
    forget(&mut directory, &rows, &hidden_pairs);
    let kept = GraphInput {
        collaborations: kept,
        ..snap.input
    };
    args.k
        .iter()
        .map(|&k| {
            Ok(evaluate_held_out(
                &kept,
                &hidden,
                &directory,
                config,
                &eval_config(args, k),
            )?)
        })
        .collect()
}

/// Takes the collaborations of hidden pairs out of their creators' delivery records: a creator
/// whose only collaboration is hidden must look like one that never collaborated, or its
/// reliability would give the held-out answer away.
fn forget(
    directory: &mut CreatorProfiles,
    rows: &[collaboration::Model],
    hidden: &HashSet<(BrandId, CreatorId)>,
) {
    for row in rows {
        let creator = CreatorId(row.creator_id as u64);
        if !hidden.contains(&(BrandId(row.brand_id as u64), creator)) {
            continue;
        }
        let mut h = load::History::default();
        load::count_collaboration(&mut h, row.status);
        if let Some(p) = directory.get_mut(&creator) {
            p.collaborations_total = p.collaborations_total.saturating_sub(h.finished);
            p.collaborations_delivered = p.collaborations_delivered.saturating_sub(h.delivered);
        }
    }
}

/// A configuration file, validated.
fn read_config(path: &Path) -> anyhow::Result<MatchConfig> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let config: MatchConfig = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{}: not a matching configuration: {e}", path.display()))?;
    config
        .validate()
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(config)
}

fn name(method: Method) -> &'static str {
    match method {
        Method::Ours => "flywheel",
        Method::ExactPpr => "exact-ppr",
        Method::NicheCosine => "niche-cosine",
        Method::PopularityInNiche => "popularity-in-niche",
    }
}

fn method_of(text: &str) -> Result<Method, String> {
    Method::ALL
        .into_iter()
        .find(|&m| name(m) == text)
        .ok_or_else(|| format!("unknown method {text}"))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

const QUANTILES: [(&str, f64); 3] = [("p50", 0.5), ("p90", 0.9), ("p99", 0.99)];

fn as_json(args: &EvalArgs, reports: &[EvalReport]) -> serde_json::Value {
    json!({
        "hide": args.hide,
        "seed": args.seed,
        "queries": reports.first().map_or(0, |r| r.queries),
        "hidden_median_collaborations": reports.first().map_or(0.0, |r| r.hidden_median_collaborations),
        "results": reports.iter().flat_map(|r| r.methods.iter().map(move |m| json!({
            "k": r.k,
            "method": name(m.method),
            "recall": m.recall_at_k,
            "ndcg": m.ndcg_at_k,
            "gmv_recall": m.gmv_recall_at_k,
            "median_collaborations": m.median_collaborations,
            "latency_ms": QUANTILES.iter()
                .map(|(label, q)| (label.to_string(), json!(ms(m.latency_quantile(*q)))))
                .collect::<serde_json::Map<_, _>>(),
        }))).collect::<Vec<_>>(),
    })
}

fn table(args: &EvalArgs, reports: &[EvalReport]) -> String {
    let mut out = format!(
        "hidden {:.0}% of brand-creator pairs (seed {}), {} brand queries, hidden collaborators \
         have {} collaborations (median)\n\n",
        args.hide * 100.0,
        args.seed,
        reports.first().map_or(0, |r| r.queries),
        reports
            .first()
            .map_or(0.0, |r| r.hidden_median_collaborations),
    );
    out.push_str(&format!(
        "{:>4}  {:<20} {:>9} {:>9} {:>9} {:>7} {:>9} {:>9} {:>9}\n",
        "K", "method", "recall@K", "nDCG@K", "GMV-rec", "collabs", "p50 ms", "p90 ms", "p99 ms"
    ));
    for r in reports {
        for m in &r.methods {
            let [p50, p90, p99] = QUANTILES.map(|(_, q)| ms(m.latency_quantile(q)));
            out.push_str(&format!(
                "{:>4}  {:<20} {:>9.3} {:>9.3} {:>9.3} {:>7} {:>9.2} {:>9.2} {:>9.2}\n",
                r.k,
                name(m.method),
                m.recall_at_k,
                m.ndcg_at_k,
                m.gmv_recall_at_k,
                m.median_collaborations,
                p50,
                p90,
                p99
            ));
        }
    }
    out
}
