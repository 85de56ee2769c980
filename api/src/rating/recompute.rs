//! Evaluating every shop: daily aggregates, upheld violations and market-and-category priors
//! in, evaluations (history) and new states (current ratings) out.
//!
//! One run is one transaction: every shop gets its evaluation or none does, so a failed run
//! (a bad aggregate, an official evaluation repeated on the same day) leaves the ratings as
//! they were and can simply be re-run. Reads are chunked by shop; the inputs of all shops are
//! held in memory because priors pool each market-and-category peer group before any shop of
//! it is rated (a few hundred bytes per shop-day, fine to hundreds of thousands of shops).

use super::aggregates::to_aggregate;
use super::view::{ImprovementView, MetricView, tier};
use crate::content::selling_content;
use crate::days::{Day, date_of, day_of, day_of_date, start_of};
use crate::error::{ApiError, ApiResult};
use crate::lookup::{rows_by, rows_in};
use chrono::{DateTime, NaiveDate, Utc};
use entities::enums::SubjectKind;
pub use entities::shop_rating::EvaluationKind;
use entities::shop_rating::RatingTier;
use entities::{
    content_product, niche, product, shop, shop_daily, shop_rating, shop_rating_evaluation,
    violation,
};
use scoring::fingerprint::Fingerprint;
use scoring::rating::{self as r, RatingConfig, RatingError, RatingState, ShopInputs};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::{BTreeMap, HashMap};

/// What to evaluate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Official (monthly, moves tiers) or projected (daily).
    pub kind: EvaluationKind,
    /// The day evaluated; today when `None`.
    pub as_of: Option<NaiveDate>,
    /// The caller's clock.
    pub now: DateTime<Utc>,
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Shops evaluated (shops opened after the evaluation day are skipped).
    pub evaluated: usize,
    /// Evaluations that changed something (a tier, a grace period) or warned of it.
    pub changed: usize,
    /// Official tiers after the run, per market and tier.
    pub tiers: BTreeMap<(String, RatingTier), usize>,
}

/// One shop's evaluation, ready to store.
struct Rated {
    shop: shop::Model,
    previous: r::Tier,
    evaluation: r::Evaluation,
    hints: Vec<r::MetricHint>,
}

/// Evaluates every shop as of `options.as_of` and stores the results, reporting progress as
/// `(stage, done, total)`.
pub async fn run(
    db: &DatabaseConnection,
    config: &RatingConfig,
    options: &Options,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> ApiResult<Summary> {
    config
        .validate()
        .map_err(|e| ApiError::bad(e.to_string()))?;
    let today = options.now.date_naive();
    let as_of = options.as_of.unwrap_or(today);
    if as_of > today {
        return Err(ApiError::bad(format!(
            "evaluation date {as_of} is in the future (today is {today}); evaluate today or earlier"
        )));
    }
    let kind = match options.kind {
        EvaluationKind::Official => r::EvaluationKind::Official,
        EvaluationKind::Projected => r::EvaluationKind::Projected,
    };
    let (as_of, now) = (day_of_date(as_of), day_of_date(today));
    let txn = crate::db::begin_write(db).await?;
    let shops: Vec<shop::Model> = shop::Entity::find()
        .order_by_asc(shop::Column::Id)
        .all(&txn)
        .await?
        .into_iter()
        .filter(|s| day_of(s.opened_at) <= as_of)
        .collect();
    let first_day = as_of.before(lookback(config));
    let mut inputs = Vec::with_capacity(shops.len());
    let mut states = Vec::with_capacity(shops.len());
    let mut violations = violations_by_shop(&txn, first_day, as_of).await?;
    let mut content = content_by_shop(&txn, first_day, as_of).await?;
    let categories = categories(&txn).await?;
    for (done, chunk) in shops.chunks(crate::db::IN_LIST).enumerate() {
        let ids: Vec<i64> = chunk.iter().map(|s| s.id).collect();
        let mut days: HashMap<i64, Vec<r::DailyAggregate>> = HashMap::new();
        for row in shop_daily::Entity::find()
            .filter(shop_daily::Column::ShopId.is_in(ids.clone()))
            .filter(shop_daily::Column::Day.gt(first_day.number()))
            .filter(shop_daily::Column::Day.lte(as_of.number()))
            .order_by_asc(shop_daily::Column::ShopId)
            .order_by_asc(shop_daily::Column::Day)
            .all(&txn)
            .await?
        {
            days.entry(row.shop_id)
                .or_default()
                .push(to_aggregate(&row)?);
        }
        let mut stored: HashMap<i64, shop_rating::Model> = shop_rating::Entity::find()
            .filter(shop_rating::Column::ShopId.is_in(ids))
            .all(&txn)
            .await?
            .into_iter()
            .map(|m| (m.shop_id, m))
            .collect();
        for shop in chunk {
            let state = match stored.remove(&shop.id) {
                Some(m) => serde_json::from_str::<RatingState>(&m.state).map_err(|e| {
                    ApiError::internal(format!("reading the rating state of shop {}", shop.id), e)
                })?,
                None => RatingState::new_shop(),
            };
            states.push(state);
            inputs.push(ShopInputs {
                opened_at: day_of(shop.opened_at),
                as_of,
                now,
                kind,
                days: days.remove(&shop.id).unwrap_or_default(),
                violations: violations.remove(&shop.id).unwrap_or_default(),
                content: content.remove(&shop.id).unwrap_or_default(),
                priors: None,
            });
        }
        progress(
            "reading",
            ((done + 1) * crate::db::IN_LIST).min(shops.len()) as u64,
            shops.len() as u64,
        );
    }
    set_priors(&shops, &categories, &mut inputs, config).map_err(|e| rating_error(None, e))?;
    let evaluations =
        r::evaluate_many(states.iter().zip(&inputs), config).map_err(|e| rating_error(None, e))?;
    let mut rated = Vec::with_capacity(shops.len());
    for (((shop, state), input), evaluation) in
        shops.into_iter().zip(&states).zip(&inputs).zip(evaluations)
    {
        let evaluation = evaluation.map_err(|e| rating_error(Some(shop.id), e))?;
        let hints = r::improvement_hints(&evaluation.scorecard, input, config);
        rated.push(Rated {
            shop,
            previous: state.tier,
            evaluation,
            hints,
        });
        progress("evaluating", rated.len() as u64, inputs.len() as u64);
    }
    let summary = store(&txn, &rated, config, options, progress).await?;
    txn.commit().await?;
    Ok(summary)
}

/// Days of history any metric may look back over (its widest window).
fn lookback(config: &RatingConfig) -> u32 {
    let w = &config.windows;
    w.widen_to
        .iter()
        .copied()
        .chain([
            w.content_days,
            w.product_days,
            w.fulfilment_days,
            w.eligibility_days,
        ])
        .max()
        .unwrap_or(w.eligibility_days)
}

fn rating_error(shop: Option<i64>, e: RatingError) -> ApiError {
    let message = match shop {
        Some(id) => format!("shop {id}: {e}"),
        None => e.to_string(),
    };
    match e {
        RatingError::EvaluationOutOfOrder { .. } => ApiError::Conflict(message),
        RatingError::InconsistentAggregate { .. } | RatingError::UnsortedDays { .. } => {
            let doing = match shop {
                Some(id) => format!("rating shop {id}"),
                None => "rating shops".to_owned(),
            };
            ApiError::internal(doing, e)
        }
        _ => ApiError::BadInput(message),
    }
}

/// The day of the platform's latest official evaluation, if it ever ran one.
pub async fn last_official(db: &DatabaseConnection) -> ApiResult<Option<NaiveDate>> {
    let latest = shop_rating_evaluation::Entity::find()
        .filter(shop_rating_evaluation::Column::Kind.eq(EvaluationKind::Official))
        .order_by_desc(shop_rating_evaluation::Column::AsOf)
        .one(db)
        .await?;
    Ok(latest.map(|e| date_of(Day::new(e.as_of))))
}

/// Scores of the content published in the window that sells each shop's products.
async fn content_by_shop(
    txn: &DatabaseTransaction,
    first_day: Day,
    as_of: Day,
) -> ApiResult<HashMap<i64, Vec<r::ContentSample>>> {
    let mut out: HashMap<i64, Vec<r::ContentSample>> = HashMap::new();
    for piece in selling_content(txn, None, start_of(first_day + 1), start_of(as_of + 1)).await? {
        out.entry(piece.shop_id)
            .or_default()
            .push(r::ContentSample {
                day: day_of(piece.published_at),
                score: piece.score,
            });
    }
    Ok(out)
}

/// Upheld violations in the window that weigh on each shop's content dimension: those against
/// the shop itself and those against content selling its products (by the day they occurred).
async fn violations_by_shop(
    txn: &DatabaseTransaction,
    first_day: Day,
    as_of: Day,
) -> ApiResult<HashMap<i64, Vec<r::Violation>>> {
    let midnight = |day: Day| date_of(day).and_time(chrono::NaiveTime::MIN).and_utc();
    let rows: Vec<violation::Model> = violation::Entity::find()
        .filter(violation::Column::Upheld.eq(true))
        .filter(violation::Column::SubjectKind.ne(SubjectKind::Creator))
        .filter(violation::Column::OccurredAt.gte(midnight(first_day + 1)))
        .filter(violation::Column::OccurredAt.lt(midnight(as_of + 1)))
        .all(txn)
        .await?;
    let content_ids: Vec<i64> = rows.iter().filter_map(|v| v.content_id).collect();
    let links = rows_in(
        txn,
        content_product::Entity::find(),
        content_product::Column::ContentId,
        &content_ids,
    )
    .await?;
    let products = rows_by::<product::Entity, _>(
        txn,
        product::Column::Id,
        links.iter().map(|l| l.product_id),
        |p| p.id,
    )
    .await?;
    let mut shops_of_content: HashMap<i64, Vec<i64>> = HashMap::new();
    for l in &links {
        let shops = shops_of_content.entry(l.content_id).or_default();
        if let Some(s) = products.get(&l.product_id).map(|p| p.shop_id)
            && !shops.contains(&s)
        {
            shops.push(s);
        }
    }
    let mut out: HashMap<i64, Vec<r::Violation>> = HashMap::new();
    for v in rows {
        let severity = crate::content::severity(v.severity);
        let day = day_of(v.occurred_at);
        let shops = match (v.shop_id, v.content_id) {
            (Some(s), _) => vec![s],
            (None, Some(c)) => shops_of_content.remove(&c).unwrap_or_default(),
            (None, None) => Vec::new(),
        };
        for s in shops {
            out.entry(s)
                .or_default()
                .push(r::Violation { day, severity });
        }
    }
    Ok(out)
}

/// Each shop's category: the top-level niche most of its products sit under (the smallest id
/// on a tie); shops without products have none.
async fn categories(txn: &DatabaseTransaction) -> ApiResult<HashMap<i64, i64>> {
    let parent: HashMap<i64, i64> = niche::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|n| (n.id, n.parent_id.unwrap_or(n.id)))
        .collect();
    let mut counts: HashMap<i64, BTreeMap<i64, usize>> = HashMap::new();
    for p in product::Entity::find().all(txn).await? {
        let category = parent.get(&p.niche_id).copied().unwrap_or(p.niche_id);
        *counts
            .entry(p.shop_id)
            .or_default()
            .entry(category)
            .or_default() += 1;
    }
    Ok(counts
        .into_iter()
        .filter_map(|(shop, by)| {
            let best = by
                .iter()
                .max_by_key(|&(id, n)| (*n, std::cmp::Reverse(*id)))?;
            Some((shop, *best.0))
        })
        .collect())
}

/// Fewest shops a peer group needs to set its own prior. A smaller market-and-category group
/// borrows its market's, and a smaller market the platform defaults: a shop alone in its group
/// would otherwise be its own prior, and shrinkage would do nothing.
pub const MIN_PEERS: usize = 10;

/// Pools priors per market and category (see [`MIN_PEERS`]) and hands each shop its group's.
fn set_priors(
    shops: &[shop::Model],
    categories: &HashMap<i64, i64>,
    inputs: &mut [ShopInputs],
    config: &RatingConfig,
) -> Result<(), RatingError> {
    let mut groups: HashMap<(&str, Option<i64>), Vec<usize>> = HashMap::new();
    let mut markets: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, s) in shops.iter().enumerate() {
        let market = s.market_code.as_str();
        let category = categories.get(&s.id).copied();
        groups.entry((market, category)).or_default().push(i);
        markets.entry(market).or_default().push(i);
    }
    let pool = |members: &[usize], inputs: &[ShopInputs]| {
        (members.len() >= MIN_PEERS)
            .then(|| r::pooled_priors(members.iter().map(|&i| &inputs[i]), config))
            .transpose()
    };
    let mut market_priors = HashMap::new();
    for ((market, _), members) in &groups {
        let priors = match pool(members, inputs)? {
            Some(own) => Some(own),
            None => match market_priors.get(market) {
                Some(priors) => *priors,
                None => {
                    let priors = pool(&markets[market], inputs)?;
                    market_priors.insert(*market, priors);
                    priors
                }
            },
        };
        for &i in members {
            inputs[i].priors = priors;
        }
    }
    Ok(())
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("rating views serialize")
}

/// Writes every evaluation to the history and every new state to the current ratings.
async fn store(
    txn: &DatabaseTransaction,
    rated: &[Rated],
    config: &RatingConfig,
    options: &Options,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> ApiResult<Summary> {
    // Stored with every evaluation, so a change of thresholds shows in the history.
    let version = Fingerprint::of(config).to_string();
    let mut summary = Summary::default();
    let current_columns = [
        shop_rating::Column::Tier,
        shop_rating::Column::ProjectedTier,
        shop_rating::Column::RestrictionsDeferred,
        shop_rating::Column::State,
        shop_rating::Column::Kind,
        shop_rating::Column::AsOf,
        shop_rating::Column::ConfigVersion,
        shop_rating::Column::Overall,
        shop_rating::Column::ContentScore,
        shop_rating::Column::ProductScore,
        shop_rating::Column::FulfilmentScore,
        shop_rating::Column::Metrics,
        shop_rating::Column::Explanation,
        shop_rating::Column::Improvements,
        shop_rating::Column::UpdatedAt,
    ];
    let upsert = OnConflict::column(shop_rating::Column::ShopId)
        .update_columns(current_columns)
        .to_owned();
    for (done, chunk) in rated.chunks(crate::db::IN_LIST).enumerate() {
        let mut history = Vec::with_capacity(chunk.len());
        let mut current = Vec::with_capacity(chunk.len());
        for Rated {
            shop,
            previous,
            evaluation: e,
            hints,
        } in chunk
        {
            let card = &e.scorecard;
            let metrics = json(
                &card
                    .metrics
                    .0
                    .iter()
                    .map(MetricView::from)
                    .collect::<Vec<_>>(),
            );
            let reasons = json(&e.explain());
            history.push(shop_rating_evaluation::ActiveModel {
                shop_id: Set(shop.id),
                kind: Set(options.kind),
                as_of: Set(card.as_of.number()),
                evaluated_at: Set(options.now),
                tier: Set(tier(e.tier)),
                previous_tier: Set(tier(*previous)),
                projected_tier: Set(tier(e.projected_tier)),
                qualified_tier: Set(tier(card.tier)),
                overall: Set(card.overall),
                content_score: Set(card.dimensions.content),
                product_score: Set(card.dimensions.product),
                fulfilment_score: Set(card.dimensions.fulfilment),
                metrics: Set(metrics.clone()),
                changes: Set(json(&e.changes)),
                reasons: Set(reasons.clone()),
                config_version: Set(version.clone()),
                ..Default::default()
            });
            current.push(shop_rating::ActiveModel {
                shop_id: Set(shop.id),
                tier: Set(tier(e.tier)),
                projected_tier: Set(tier(e.projected_tier)),
                restrictions_deferred: Set(e.restrictions_deferred),
                state: Set(json(&e.state)),
                kind: Set(options.kind),
                as_of: Set(card.as_of.number()),
                config_version: Set(version.clone()),
                overall: Set(card.overall),
                content_score: Set(card.dimensions.content),
                product_score: Set(card.dimensions.product),
                fulfilment_score: Set(card.dimensions.fulfilment),
                metrics: Set(metrics),
                explanation: Set(reasons),
                improvements: Set(json(
                    &hints.iter().map(ImprovementView::from).collect::<Vec<_>>(),
                )),
                updated_at: Set(options.now),
            });
            summary.evaluated += 1;
            summary.changed += usize::from(!e.changes.is_empty());
            *summary
                .tiers
                .entry((shop.market_code.clone(), tier(e.tier)))
                .or_default() += 1;
        }
        shop_rating_evaluation::Entity::insert_many(history)
            .exec_without_returning(txn)
            .await?;
        shop_rating::Entity::insert_many(current)
            .on_conflict(upsert.clone())
            .exec_without_returning(txn)
            .await?;
        progress(
            "writing",
            ((done + 1) * crate::db::IN_LIST).min(rated.len()) as u64,
            rated.len() as u64,
        );
    }
    Ok(summary)
}
