//! Stored scores: content_score rows written from assessments and read back as scores, and the
//! creator content scores aggregated from them.

use super::pieces::{Markets, Meta, count, severity};
use super::{config, content_error, fingerprint};
use crate::days::day_of;
use crate::error::ApiResult;
use crate::lookup::rows_in;
use chrono::{DateTime, Duration, Utc};
use entities::enums::{CohortLevel, ContentKind, PoolDecision};
use entities::{content, content_score, creator, creator_content_score, creator_niche, violation};
use scoring::content as sc;
use scoring::fingerprint::Fingerprint;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult,
    IdenStatic, Iterable, QueryFilter, Select,
};
use std::collections::HashMap;

fn level(l: sc::CohortLevel) -> CohortLevel {
    match l {
        sc::CohortLevel::Niche => CohortLevel::Niche,
        sc::CohortLevel::ParentNiche => CohortLevel::ParentNiche,
        sc::CohortLevel::Market => CohortLevel::Market,
    }
}

fn decision(d: sc::PoolDecision) -> PoolDecision {
    match d {
        sc::PoolDecision::Collecting => PoolDecision::Collecting,
        sc::PoolDecision::Promoted => PoolDecision::Promoted,
        sc::PoolDecision::Held => PoolDecision::Held,
        sc::PoolDecision::Top => PoolDecision::Top,
        sc::PoolDecision::Frozen => PoolDecision::Frozen,
    }
}

/// The row that stores a piece's assessment.
pub fn piece_row(
    piece: &sc::ContentPiece,
    meta: &Meta,
    a: &sc::Assessment,
    now: DateTime<Utc>,
) -> content_score::ActiveModel {
    let s = a.score.as_ref();
    let part = |i: usize| s.map(|s| (s.components[i].rate, s.components[i].percentile));
    let (r1, r2, r3, r4) = (part(0), part(1), part(2), part(3));
    content_score::ActiveModel {
        content_id: Set(piece.id as i64),
        market_code: Set(meta.market_code.clone()),
        niche_id: Set(meta.niche_id),
        kind: Set(meta.kind),
        score: Set(s.map(|s| s.score)),
        confidence: Set(s.map_or(0.0, |s| s.confidence)),
        frozen: Set(piece.moderation.is_frozen()),
        base: Set(s.map(|s| s.base)),
        value_factor: Set(s.map(|s| s.value_factor)),
        penalty: Set(s.map(|s| s.penalty)),
        audience: Set(piece.engagement.audience() as i64),
        peers: Set(s.map_or(0, |s| s.peers as i64)),
        cohort_level: Set(s.map(|s| level(s.level))),
        rate_1: Set(r1.map(|p| p.0)),
        percentile_1: Set(r1.map(|p| p.1)),
        rate_2: Set(r2.map(|p| p.0)),
        percentile_2: Set(r2.map(|p| p.1)),
        rate_3: Set(r3.map(|p| p.0)),
        percentile_3: Set(r3.map(|p| p.1)),
        rate_4: Set(r4.map(|p| p.0)),
        percentile_4: Set(r4.map(|p| p.1)),
        pool: Set(a.pool.pool as i64),
        pool_size: Set(a.pool.pool_size as i64),
        next_pool_size: Set(a.pool.next_pool_size.map(|n| n as i64)),
        score_needed: Set(a.pool.score_needed),
        impressions_to_collect: Set(a.pool.impressions_to_collect as i64),
        decision: Set(decision(a.pool.decision)),
        config_version: Set(fingerprint().to_i64()),
        scored_at: Set(now),
    }
}

/// Inserts or replaces piece scores.
pub async fn write_pieces(
    db: &impl ConnectionTrait,
    rows: Vec<content_score::ActiveModel>,
    progress: &(dyn Fn(u64) + Sync),
) -> ApiResult<()> {
    upsert_chunks(db, rows, content_score::Column::ContentId, progress).await
}

/// Inserts rows a chunk at a time; a row whose `key` exists replaces every other column.
async fn upsert_chunks<A>(
    db: &impl ConnectionTrait,
    rows: Vec<A>,
    key: <A::Entity as EntityTrait>::Column,
    progress: &(dyn Fn(u64) + Sync),
) -> ApiResult<()>
where
    A: ActiveModelTrait + Send,
{
    let upsert = OnConflict::column(key)
        .update_columns(
            <A::Entity as EntityTrait>::Column::iter().filter(|c| c.as_str() != key.as_str()),
        )
        .to_owned();
    let mut written = 0;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(crate::db::rows_per_insert(30)).collect();
        written += chunk.len() as u64;
        A::Entity::insert_many(chunk)
            .on_conflict(upsert.clone())
            .exec_without_returning(db)
            .await?;
        progress(written);
    }
    Ok(())
}

/// The stored score of a piece as the scoring crate's score (null while it has no views), so
/// it can be explained against the current cohorts.
pub fn score_of(row: &content_score::Model) -> Option<sc::ContentScore> {
    let kind = match row.kind {
        ContentKind::Video => sc::ContentKind::Video,
        ContentKind::Live => sc::ContentKind::Live,
    };
    let weights = config().weights(kind);
    let level = match row.cohort_level? {
        CohortLevel::Niche => sc::CohortLevel::Niche,
        CohortLevel::ParentNiche => sc::CohortLevel::ParentNiche,
        CohortLevel::Market => sc::CohortLevel::Market,
    };
    let parts = [
        (row.rate_1?, row.percentile_1?),
        (row.rate_2?, row.percentile_2?),
        (row.rate_3?, row.percentile_3?),
        (row.rate_4?, row.percentile_4?),
    ];
    Some(sc::ContentScore {
        config: Fingerprint::from_i64(row.config_version),
        kind,
        score: row.score?,
        base: row.base?,
        value_factor: row.value_factor?,
        penalty: row.penalty?,
        frozen: row.frozen,
        confidence: row.confidence,
        audience: count(row.audience),
        peers: count(row.peers) as usize,
        level,
        components: std::array::from_fn(|i| sc::ComponentScore {
            component: sc::Component::of(kind)[i],
            rate: parts[i].0,
            percentile: parts[i].1,
            weight: weights[i],
            points: weights[i] * parts[i].1,
            level,
        }),
    })
}

#[derive(FromQueryResult)]
struct Recent {
    creator_id: i64,
    market_code: String,
    niche_id: i64,
    published_at: DateTime<Utc>,
    score: f64,
}

/// Scored pieces published after `since`, of the given creators or of all.
async fn recent(
    db: &impl ConnectionTrait,
    creators: Option<&[i64]>,
    since: DateTime<Utc>,
) -> ApiResult<Vec<Recent>> {
    let mut q = Query::select();
    q.column((content::Entity, content::Column::CreatorId))
        .columns([
            (content_score::Entity, content_score::Column::MarketCode),
            (content_score::Entity, content_score::Column::NicheId),
        ])
        .column((content::Entity, content::Column::PublishedAt))
        .column((content_score::Entity, content_score::Column::Score))
        .from(content_score::Entity)
        .inner_join(
            content::Entity,
            Expr::col((content::Entity, content::Column::Id))
                .equals((content_score::Entity, content_score::Column::ContentId)),
        )
        .and_where(Expr::col((content_score::Entity, content_score::Column::Score)).is_not_null())
        .and_where(Expr::col((content::Entity, content::Column::PublishedAt)).gt(since));
    let backend = db.get_database_backend();
    let Some(ids) = creators else {
        return Ok(Recent::find_by_statement(backend.build(&q)).all(db).await?);
    };
    let mut out = Vec::new();
    for chunk in ids.chunks(crate::db::IN_LIST) {
        let mut q = q.clone();
        q.and_where(Expr::col((content::Entity, content::Column::CreatorId)).is_in(chunk.to_vec()));
        out.extend(Recent::find_by_statement(backend.build(&q)).all(db).await?);
    }
    Ok(out)
}

fn window_start(now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::days(i64::from(config().creator.window_days))
}

fn means_of<'a>(pieces: impl Iterator<Item = &'a Recent>, markets: &Markets) -> sc::NicheMeans {
    let keys: Vec<(sc::CohortKey, f64)> = pieces
        .map(|p| {
            let niche = sc::NicheId(p.niche_id as u32);
            let key = sc::CohortKey {
                market: markets.id(&p.market_code),
                niche,
                // Niche means look at market and niche only.
                parent_niche: niche,
                tier: sc::FollowerTier::Nano,
            };
            (key, p.score)
        })
        .collect();
    sc::NicheMeans::from_scores(keys.iter().map(|(k, s)| (k, *s)), config().min_cohort_size)
}

/// Mean stored score per market and niche over the creator window: the prior of creators with
/// few pieces.
pub async fn niche_means(
    db: &impl ConnectionTrait,
    markets: &Markets,
    now: DateTime<Utc>,
) -> ApiResult<sc::NicheMeans> {
    let pieces = recent(db, None, window_start(now)).await?;
    Ok(means_of(pieces.iter(), markets))
}

/// Rolling content scores of the given creators (all creators when `None`) from their stored
/// piece scores and upheld violations, as rows to write.
pub async fn creator_rows(
    db: &impl ConnectionTrait,
    creators: Option<&[i64]>,
    means: Option<&sc::NicheMeans>,
    markets: &Markets,
    now: DateTime<Utc>,
) -> ApiResult<Vec<creator_content_score::ActiveModel>> {
    let since = window_start(now);
    let pieces = recent(db, creators, since).await?;
    let computed;
    let means = match means {
        Some(m) => m,
        None => {
            computed = means_of(pieces.iter(), markets);
            &computed
        }
    };
    let mut by_creator: HashMap<i64, Vec<sc::RecentScore>> = HashMap::new();
    for p in &pieces {
        by_creator
            .entry(p.creator_id)
            .or_default()
            .push(sc::RecentScore {
                score: p.score,
                published_day: day_of(p.published_at),
            });
    }
    let (people, niches, violations) = match creators {
        None => (
            creator::Entity::find().all(db).await?,
            creator_niche::Entity::find().all(db).await?,
            upheld(since).all(db).await?,
        ),
        Some(ids) => (
            rows_in(db, creator::Entity::find(), creator::Column::Id, ids).await?,
            rows_in(
                db,
                creator_niche::Entity::find(),
                creator_niche::Column::CreatorId,
                ids,
            )
            .await?,
            rows_in(db, upheld(since), violation::Column::CreatorId, ids).await?,
        ),
    };
    let mut primary: HashMap<i64, (f64, i64)> = HashMap::new();
    for n in niches {
        let best = primary.entry(n.creator_id).or_insert((n.share, n.niche_id));
        if n.share > best.0 {
            *best = (n.share, n.niche_id);
        }
    }
    let mut penalties: HashMap<i64, Vec<sc::Violation>> = HashMap::new();
    for v in violations {
        if let Some(creator) = v.creator_id {
            penalties.entry(creator).or_default().push(sc::Violation {
                severity: severity(v.severity),
                day: day_of(v.occurred_at),
            });
        }
    }
    let as_of = day_of(now);
    let mut rows = Vec::with_capacity(people.len());
    for person in people {
        let market = markets.id(&person.market_code);
        let prior = primary.get(&person.id).map_or_else(
            || means.prior(market, sc::NicheId(u32::MAX)),
            |(_, niche)| means.prior(market, sc::NicheId(*niche as u32)),
        );
        let aggregate = sc::aggregate_content_score(
            by_creator.get(&person.id).map_or(&[][..], Vec::as_slice),
            penalties.get(&person.id).map_or(&[][..], Vec::as_slice),
            prior,
            as_of,
            &config().creator,
        )
        .map_err(content_error)?;
        rows.push(creator_content_score::ActiveModel {
            creator_id: Set(person.id),
            score: Set(aggregate.score),
            trimmed_mean: Set(aggregate.trimmed_mean),
            pieces: Set(aggregate.pieces as i64),
            prior_mean: Set(aggregate.prior_mean),
            prior_share: Set(aggregate.prior_share),
            penalty: Set(aggregate.penalty),
            confidence: Set(aggregate.confidence),
            config_version: Set(fingerprint().to_i64()),
            scored_at: Set(now),
        });
    }
    Ok(rows)
}

/// Upheld violations against creators or their content since `since`.
fn upheld(since: DateTime<Utc>) -> Select<violation::Entity> {
    violation::Entity::find()
        .filter(violation::Column::Upheld.eq(true))
        .filter(violation::Column::CreatorId.is_not_null())
        .filter(violation::Column::OccurredAt.gt(since))
}

/// Inserts or replaces creator content scores.
pub async fn write_creators(
    db: &impl ConnectionTrait,
    rows: Vec<creator_content_score::ActiveModel>,
) -> ApiResult<()> {
    upsert_chunks(db, rows, creator_content_score::Column::CreatorId, &|_| {}).await
}

/// A scored piece selling a shop's products.
#[derive(FromQueryResult)]
pub struct SellingPiece {
    pub shop_id: i64,
    pub content_id: i64,
    pub published_at: DateTime<Utc>,
    pub score: f64,
}

/// Scored pieces published in `[from, until)` that sell products of the given shops (all shops
/// when `None`); a piece selling two products of one shop is listed once for it.
pub async fn selling_content(
    db: &impl ConnectionTrait,
    shops: Option<&[i64]>,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> ApiResult<Vec<SellingPiece>> {
    use entities::{content_product, product};
    let mut q = Query::select();
    q.column((product::Entity, product::Column::ShopId))
        .column((content_score::Entity, content_score::Column::ContentId))
        .column((content::Entity, content::Column::PublishedAt))
        .column((content_score::Entity, content_score::Column::Score))
        .from(content_score::Entity)
        .inner_join(
            content::Entity,
            Expr::col((content::Entity, content::Column::Id))
                .equals((content_score::Entity, content_score::Column::ContentId)),
        )
        .inner_join(
            content_product::Entity,
            Expr::col((content_product::Entity, content_product::Column::ContentId))
                .equals((content::Entity, content::Column::Id)),
        )
        .inner_join(
            product::Entity,
            Expr::col((product::Entity, product::Column::Id))
                .equals((content_product::Entity, content_product::Column::ProductId)),
        )
        .and_where(Expr::col((content_score::Entity, content_score::Column::Score)).is_not_null())
        .and_where(Expr::col((content::Entity, content::Column::PublishedAt)).gte(from))
        .and_where(Expr::col((content::Entity, content::Column::PublishedAt)).lt(until));
    if let Some(ids) = shops {
        q.and_where(Expr::col((product::Entity, product::Column::ShopId)).is_in(ids.to_vec()));
    }
    let rows = SellingPiece::find_by_statement(db.get_database_backend().build(&q))
        .all(db)
        .await?;
    let mut seen = std::collections::HashSet::new();
    Ok(rows
        .into_iter()
        .filter(|r| seen.insert((r.shop_id, r.content_id)))
        .collect())
}

/// A shop's content score over the content selling its products, by the creator rule: the
/// trimmed mean of recent pieces shrunk toward its market's mean, minus upheld violations
/// against the shop or that content.
pub async fn shop_score(
    db: &impl ConnectionTrait,
    means: &sc::NicheMeans,
    markets: &Markets,
    shop: &entities::shop::Model,
    now: DateTime<Utc>,
) -> ApiResult<sc::AggregateScore> {
    let since = window_start(now);
    let pieces = selling_content(db, Some(&[shop.id]), since, now + Duration::seconds(1)).await?;
    let content_ids: Vec<i64> = pieces.iter().map(|p| p.content_id).collect();
    let against = violation::Entity::find()
        .filter(violation::Column::Upheld.eq(true))
        .filter(violation::Column::OccurredAt.gt(since))
        .filter(
            sea_orm::Condition::any()
                .add(violation::Column::ShopId.eq(shop.id))
                .add(violation::Column::ContentId.is_in(content_ids)),
        )
        .all(db)
        .await?;
    let recent: Vec<sc::RecentScore> = pieces
        .iter()
        .map(|p| sc::RecentScore {
            score: p.score,
            published_day: day_of(p.published_at),
        })
        .collect();
    let violations: Vec<sc::Violation> = against
        .iter()
        .map(|v| sc::Violation {
            severity: severity(v.severity),
            day: day_of(v.occurred_at),
        })
        .collect();
    let prior = means.prior(markets.id(&shop.market_code), sc::NicheId(u32::MAX));
    sc::aggregate_content_score(&recent, &violations, prior, day_of(now), &config().creator)
        .map_err(content_error)
}
