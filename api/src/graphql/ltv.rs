//! Creator lifetime value over GraphQL: `Creator.ltv`, `Market.ltvModel` (admins) and
//! `topCreatorsByLtv`. Default arguments read the prediction `flywheel recompute ltv` stored;
//! other horizons and discount rates are computed on the fly from the stored market model and
//! the creator's selling history, through loaders so a page costs a fixed number of statements.

use super::context::{db, load, load_each};
use super::creators::{Creator, niche_members};
use super::markets::Market;
use super::pagination::{Page, ranked};
use super::scalars::{Long, Money};
use crate::auth::{Policy, caller};
use crate::days::{Day, date_of};
use crate::error::{ApiError, ApiResult};
use crate::ltv::history::{self, Scope, SellingHistory};
use crate::ltv::{DEFAULT_DISCOUNT_RATE, DEFAULT_HORIZON_DAYS, Estimate, estimate, predictor};
use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{ComplexObject, Context, Description, Enum, ID, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entities::{creator, creator_ltv, ltv_market_model};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// Loads creators' selling histories as of a day: one grouped statement per page.
pub struct HistoryLoader(DatabaseConnection);

impl Loader<(i64, Day)> for HistoryLoader {
    type Value = SellingHistory;
    type Error = Arc<ApiError>;

    async fn load(
        &self,
        keys: &[(i64, Day)],
    ) -> std::result::Result<HashMap<(i64, Day), SellingHistory>, Self::Error> {
        let mut by_day: HashMap<Day, Vec<i64>> = HashMap::new();
        for &(creator, day) in keys {
            by_day.entry(day).or_default().push(creator);
        }
        let mut out = HashMap::new();
        for (as_of, ids) in by_day {
            let rows = history::load(&self.0, Scope::Creators(&ids), as_of, as_of)
                .await
                .map_err(Arc::new)?;
            out.extend(rows.into_iter().map(|h| ((h.creator_id, as_of), h)));
        }
        Ok(out)
    }
}

/// The request's history loader.
pub fn history_loader(db: &DatabaseConnection, window: Duration) -> DataLoader<HistoryLoader> {
    DataLoader::new(HistoryLoader(db.clone()), tokio::spawn).delay(window)
}

/// Which count model a market uses.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum LtvModelKind {
    /// BG/NBD: a creator with one selling day is active for sure.
    BgNbd,
    /// Modified BG/NBD: a creator may also stop right after the first selling day.
    ModifiedBgNbd,
}

fn kind_of(code: &str) -> ApiResult<LtvModelKind> {
    match code {
        "bgnbd" => Ok(LtvModelKind::BgNbd),
        "mbgnbd" => Ok(LtvModelKind::ModifiedBgNbd),
        other => Err(ApiError::invariant(format!(
            "unknown LTV model kind {other:?}"
        ))),
    }
}

/// The model behind a prediction.
#[derive(SimpleObject, Clone)]
pub struct LtvModelInfo {
    /// The count model the prediction used.
    pub kind: LtvModelKind,
    /// The market had too little data and uses the platform-wide fit.
    pub borrowed_from_global: bool,
    /// When the model was fitted.
    pub fitted_at: DateTime<Utc>,
}

/// The range the LTV lies in: the spread of the prediction under the uncertainty of the
/// market's fitted parameters, stretched to cover how far off the model was for creators like
/// this one on the holdout period it was checked on (`holdoutRatio`). It bounds the expected
/// value, not the creator's actual future sales, which vary more.
#[derive(SimpleObject, Clone)]
pub struct LtvInterval {
    /// Lower end of the range.
    pub low: Money,
    /// Upper end of the range.
    pub high: Money,
    /// Two-sided level of the parameters' part, e.g. 0.9.
    pub level: f64,
    /// Creators with the same number of repeat selling days sold this many times the selling
    /// days the model predicted for them over the market's holdout period (1.3: it
    /// under-predicted by 30%; see `Market.ltvModel.calibration`); the interval covers the
    /// prediction scaled by it. Null when too few creators were in that bucket to say.
    pub holdout_ratio: Option<f64>,
}

/// A creator's predicted value over a horizon. When the creator has no prediction (no selling
/// day yet, no model fitted for its market), every figure is null and `reason` says why.
#[derive(SimpleObject, Clone, Default)]
pub struct CreatorLtv {
    /// Days ahead the prediction covers.
    pub horizon_days: i32,
    /// Annual discount rate applied to future sales.
    pub discount_rate: f64,
    /// Why there is no prediction; null when there is one.
    pub reason: Option<String>,
    /// Probability the creator is still selling.
    pub p_active: Option<f64>,
    /// Expected days with sales over the horizon.
    pub expected_selling_days: Option<f64>,
    /// Expected orders over the horizon (selling days times the creator's orders per day).
    pub expected_orders: Option<f64>,
    /// Expected GMV over the horizon, undiscounted.
    pub expected_gmv: Option<Money>,
    /// Expected GMV over the horizon discounted at `discountRate`.
    pub ltv: Option<Money>,
    /// Where `ltv` lies given the model's uncertainty; null without a prediction, or when the
    /// fit gave no uncertainty for its parameters.
    pub interval: Option<LtvInterval>,
    /// Day of the selling history the prediction is based on.
    pub as_of: Option<NaiveDate>,
    /// The market model the prediction used; null without a prediction.
    pub model: Option<LtvModelInfo>,
}

/// Level of the stored intervals (`scoring::ltv::LtvConfig::interval_level`).
fn interval_level() -> f64 {
    scoring::ltv::LtvConfig::default().interval_level
}

impl CreatorLtv {
    fn unavailable(horizon_days: i32, discount_rate: f64, reason: String) -> Self {
        Self {
            horizon_days,
            discount_rate,
            reason: Some(reason),
            ..Self::default()
        }
    }

    fn of(
        horizon_days: i32,
        discount_rate: f64,
        e: &Estimate,
        model: &ltv_market_model::Model,
    ) -> ApiResult<Self> {
        let money = |amount_minor| Money {
            amount_minor: Long(amount_minor),
            currency: model.currency.clone(),
        };
        Ok(Self {
            horizon_days,
            discount_rate,
            reason: None,
            p_active: Some(e.p_active),
            expected_selling_days: Some(e.expected_selling_days),
            expected_orders: Some(e.expected_orders),
            expected_gmv: Some(money(e.expected_gmv_minor)),
            ltv: Some(money(e.ltv_minor)),
            interval: e.interval_minor.map(|(low, high)| LtvInterval {
                low: money(low),
                high: money(high),
                level: interval_level(),
                holdout_ratio: e.holdout_ratio,
            }),
            as_of: Some(date_of(Day::new(model.as_of))),
            model: Some(LtvModelInfo {
                kind: kind_of(&model.kind)?,
                borrowed_from_global: model.borrowed_from_global,
                fitted_at: model.fitted_at,
            }),
        })
    }
}

fn stored_estimate(row: &creator_ltv::Model) -> Estimate {
    Estimate {
        p_active: row.p_active,
        expected_selling_days: row.expected_selling_days,
        expected_orders: row.expected_orders,
        expected_gmv_minor: row.expected_gmv_minor,
        ltv_minor: row.ltv_minor,
        interval_minor: row.ltv_low_minor.zip(row.ltv_high_minor),
        holdout_ratio: row.holdout_ratio,
    }
}

/// `Creator.ltv`.
pub async fn creator_ltv(
    ctx: &Context<'_>,
    creator: &creator::Model,
    horizon_days: i32,
    discount_rate: f64,
) -> Result<CreatorLtv> {
    if !caller(ctx)?.sees_creators_of(&creator.market_code)? {
        return Err(ApiError::not_found("creator", creator.id).into());
    }
    let config = crate::ltv::config(horizon_days, discount_rate)?;
    let Some(model) =
        load::<ltv_market_model::Entity, String>(ctx, creator.market_code.clone()).await?
    else {
        let reason = format!(
            "no LTV model has been fitted for market {} yet",
            creator.market_code
        );
        return Ok(CreatorLtv::unavailable(horizon_days, discount_rate, reason));
    };
    let defaults = horizon_days == DEFAULT_HORIZON_DAYS && discount_rate == DEFAULT_DISCOUNT_RATE;
    if defaults
        && let Some(row) = load::<creator_ltv::Entity, i64>(ctx, creator.id).await?
        && row.market_code == model.market_code
    {
        return Ok(CreatorLtv::of(
            horizon_days,
            discount_rate,
            &stored_estimate(&row),
            &model,
        )?);
    }
    let histories = ctx.data_unchecked::<DataLoader<HistoryLoader>>();
    let as_of = Day::new(model.as_of);
    let Some(history) = histories
        .load_one((creator.id, as_of))
        .await
        .map_err(|e| ApiError::clone(&e))?
    else {
        let reason = format!(
            "no selling day (attributed, delivered, not returned sale) by {}",
            date_of(as_of)
        );
        return Ok(CreatorLtv::unavailable(horizon_days, discount_rate, reason));
    };
    let (count, spend) = crate::ltv::stored_fits(&model)?;
    let predictor = predictor(&count, &spend, model.mean_day_value_minor, config)?;
    let holdout = crate::ltv::stored_calibration(&model)?.buckets;
    Ok(match estimate(&predictor, &holdout, &history, as_of) {
        Ok(e) => CreatorLtv::of(horizon_days, discount_rate, &e, &model)?,
        Err(reason) => CreatorLtv::unavailable(horizon_days, discount_rate, reason),
    })
}

/// Predicted vs actual mean selling days in the holdout period, creators grouped by their
/// selling days before it.
#[derive(SimpleObject)]
pub struct LtvCalibrationBucket {
    /// Repeat selling days before the holdout (the last bucket: this many or more).
    pub frequency: u32,
    /// Creators in the bucket.
    pub creators: u64,
    /// Their mean selling days in the holdout period.
    pub actual_mean: f64,
    /// The mean the model predicted for them.
    pub predicted_mean: f64,
}

/// How well the count model predicted a holdout period it was not fitted on.
#[derive(SimpleObject)]
pub struct LtvCalibration {
    /// Length of the holdout period, in days.
    pub holdout_days: i32,
    /// Creators seen before the holdout period.
    pub creators: u64,
    /// Mean squared error of BG/NBD's per-creator holdout predictions (selling days).
    pub bgnbd_mean_squared_error: f64,
    /// The same for modified BG/NBD; the variant with the lower one is chosen.
    pub modified_bgnbd_mean_squared_error: f64,
    /// Correlation of predicted and actual holdout selling days per creator.
    pub correlation: f64,
    /// Predicted and actual means, creators grouped by selling days before the holdout.
    pub buckets: Vec<LtvCalibrationBucket>,
}

/// A market's fitted LTV model.
#[derive(Description)]
pub struct LtvMarketModel(ltv_market_model::Model);

#[Object(use_type_description)]
impl LtvMarketModel {
    /// The count model the market uses, chosen on the holdout period.
    async fn kind(&self) -> Result<LtvModelKind> {
        Ok(kind_of(&self.0.kind)?)
    }
    /// Shape of the selling-rate distribution.
    async fn r(&self) -> f64 {
        self.0.r
    }
    /// Rate of the selling-rate distribution, per day.
    async fn alpha(&self) -> f64 {
        self.0.alpha
    }
    /// First shape of the distribution of the probability to stop after a selling day.
    async fn a(&self) -> f64 {
        self.0.a
    }
    /// Second shape of that distribution.
    async fn b(&self) -> f64 {
        self.0.b
    }
    /// Gamma-Gamma shape of a selling day's value.
    async fn p(&self) -> f64 {
        self.0.p
    }
    /// Gamma-Gamma shape of the creators' mean values.
    async fn q(&self) -> f64 {
        self.0.q
    }
    /// Gamma-Gamma scale of the creators' mean values, in minor units of the market's currency.
    async fn v(&self) -> f64 {
        self.0.v
    }
    /// Log-likelihood of the count model on the creators it was fitted on.
    async fn count_log_likelihood(&self) -> f64 {
        self.0.count_log_likelihood
    }
    /// Log-likelihood of the value model on the repeat sellers.
    async fn spend_log_likelihood(&self) -> f64 {
        self.0.spend_log_likelihood
    }
    /// Creators the count model was fitted on (the platform's when borrowed).
    async fn n(&self) -> i64 {
        self.0.creators
    }
    /// Creators with a repeat selling day, the value model's sample.
    async fn repeat_creators(&self) -> i64 {
        self.0.repeat_creators
    }
    /// Whether the fit converged.
    async fn converged(&self) -> bool {
        self.0.converged
    }
    /// The market had too little data and uses the platform-wide fit.
    async fn borrowed_from_global(&self) -> bool {
        self.0.borrowed_from_global
    }
    /// The market's mean value per selling day, used where the value model has no mean.
    async fn mean_selling_day_value(&self) -> Money {
        Money {
            amount_minor: Long(self.0.mean_day_value_minor.round() as i64),
            currency: self.0.currency.clone(),
        }
    }
    /// Day of the selling histories the model was fitted on.
    async fn as_of(&self) -> NaiveDate {
        date_of(Day::new(self.0.as_of))
    }
    /// When the model was fitted.
    async fn fitted_at(&self) -> DateTime<Utc> {
        self.0.fitted_at
    }
    /// How well the count model predicted a holdout period it was not fitted on.
    async fn calibration(&self) -> Result<LtvCalibration> {
        let c = crate::ltv::stored_calibration(&self.0)?;
        Ok(LtvCalibration {
            holdout_days: c.holdout_days,
            creators: c.creators as u64,
            bgnbd_mean_squared_error: c.bgnbd_mse,
            modified_bgnbd_mean_squared_error: c.mbgnbd_mse,
            correlation: c.correlation,
            buckets: c
                .buckets
                .into_iter()
                .map(|b| LtvCalibrationBucket {
                    frequency: b.frequency,
                    creators: b.customers as u64,
                    actual_mean: b.actual_mean,
                    predicted_mean: b.predicted_mean,
                })
                .collect(),
        })
    }
}

#[ComplexObject]
impl Market {
    /// The market's fitted LTV model; null before the first `recompute ltv`. Admins only.
    #[graphql(guard = "Policy::AdminOnly")]
    async fn ltv_model(&self, ctx: &Context<'_>) -> Result<Option<LtvMarketModel>> {
        Ok(
            load::<ltv_market_model::Entity, String>(ctx, self.code.clone())
                .await?
                .map(LtvMarketModel),
        )
    }
}

/// LTV queries.
#[derive(Default)]
pub struct LtvQuery;

#[Object]
impl LtvQuery {
    /// Creators of a market by stored LTV (default horizon and discount rate), highest first;
    /// optionally only those in a niche (a leaf or a category). Scouts: their markets only.
    #[graphql(guard = "Policy::ReadCreators")]
    async fn top_creators_by_ltv(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The market: its upper-case code, e.g. `US`.")] market: String,
        #[graphql(
            desc = "Only creators in this niche, by its `id` (a category includes its leaves)."
        )]
        niche: Option<ID>,
        #[graphql(desc = "How many items to return: 1 to 100, 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(
            desc = "Start after the edge with this `cursor` (the previous page's `pageInfo.endCursor`); from the first item when omitted."
        )]
        after: Option<String>,
    ) -> Result<Page<Creator>> {
        super::named::market(ctx, "market", &market).await?;
        caller(ctx)?.market_scope(Some(&market))?;
        let mut select =
            creator_ltv::Entity::find().filter(creator_ltv::Column::MarketCode.eq(market));
        if let Some(niche) = &niche {
            let members = niche_members(super::named::niche(ctx, "niche", niche).await?);
            select = select.filter(creator_ltv::Column::CreatorId.in_subquery(members));
        }
        use creator_ltv::Column as L;
        let page = ranked(db(ctx), select, L::LtvMinor, L::CreatorId, first, after).await?;
        let ids = page.rows.iter().map(|r| r.creator_id).collect();
        let creators = load_each::<creator::Entity, i64>(ctx, ids).await?;
        Ok(page.into_connection(
            |r| (r.ltv_minor as f64, r.creator_id),
            creators.into_iter().map(Creator),
        ))
    }
}
