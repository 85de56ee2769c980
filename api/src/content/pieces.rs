//! Rows to scoring inputs: each piece with its creator's market, follower tier and account
//! weight, its niche's parent, its upheld violations and its stored traffic pool.

use crate::days::day_of;
use crate::error::ApiResult;
use chrono::{DateTime, Utc};
use entities::enums::{ContentKind, Severity, SubjectKind, ValueGrade};
use entities::{content, content_score, creator, market, niche, violation};
use scoring::content as sc;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
};
use std::collections::HashMap;

/// Market codes as the compact ids `scoring::content` keys cohorts by.
pub struct Markets(HashMap<String, sc::MarketId>);

impl Markets {
    /// Every market, numbered in code order.
    pub async fn load(db: &impl ConnectionTrait) -> ApiResult<Self> {
        let codes = market::Entity::find()
            .order_by_asc(market::Column::Code)
            .all(db)
            .await?;
        Ok(Self(
            codes
                .into_iter()
                .enumerate()
                .map(|(i, m)| (m.code, sc::MarketId(i as u16)))
                .collect(),
        ))
    }

    /// The id of a market; a market added since the model was built has no peers yet.
    pub fn id(&self, code: &str) -> sc::MarketId {
        self.0.get(code).copied().unwrap_or(sc::MarketId(u16::MAX))
    }
}

/// Which pieces to load.
pub enum Filter<'a> {
    /// These pieces.
    Ids(&'a [i64]),
    /// Pieces published after an instant (a cohort window).
    PublishedAfter(DateTime<Utc>),
    /// Every piece (the full recompute).
    All,
}

/// A piece as the scorer takes it, with the keys its score is stored under.
pub struct Loaded {
    pub piece: sc::ContentPiece,
    pub meta: Meta,
}

/// The keys a piece's score is stored under.
pub struct Meta {
    pub creator_id: i64,
    pub market_code: String,
    pub niche_id: i64,
    pub kind: ContentKind,
}

#[derive(FromQueryResult)]
struct Row {
    id: i64,
    creator_id: i64,
    kind: ContentKind,
    niche_id: i64,
    value_grade: ValueGrade,
    published_at: DateTime<Utc>,
    impressions: i64,
    views: i64,
    completions: i64,
    avg_watch_seconds: f64,
    likes: i64,
    comments: i64,
    shares: i64,
    live_orders: Option<i64>,
    market_code: String,
    followers: i64,
    account_weight: f64,
    parent_id: Option<i64>,
    pool: Option<i64>,
}

fn select() -> SelectStatement {
    use content::Column as C;
    let mut q = Query::select();
    q.columns(
        [
            C::Id,
            C::CreatorId,
            C::Kind,
            C::NicheId,
            C::ValueGrade,
            C::PublishedAt,
            C::Impressions,
            C::Views,
            C::Completions,
            C::AvgWatchSeconds,
            C::Likes,
            C::Comments,
            C::Shares,
            C::LiveOrders,
        ]
        .map(|c| (content::Entity, c)),
    )
    .columns([
        (creator::Entity, creator::Column::MarketCode),
        (creator::Entity, creator::Column::Followers),
        (creator::Entity, creator::Column::AccountWeight),
    ])
    .column((niche::Entity, niche::Column::ParentId))
    .column((content_score::Entity, content_score::Column::Pool))
    .from(content::Entity)
    .inner_join(
        creator::Entity,
        Expr::col((creator::Entity, creator::Column::Id))
            .equals((content::Entity, content::Column::CreatorId)),
    )
    .inner_join(
        niche::Entity,
        Expr::col((niche::Entity, niche::Column::Id))
            .equals((content::Entity, content::Column::NicheId)),
    )
    .left_join(
        content_score::Entity,
        Expr::col((content_score::Entity, content_score::Column::ContentId))
            .equals((content::Entity, content::Column::Id)),
    )
    .order_by((content::Entity, content::Column::Id), sea_orm::Order::Asc);
    q
}

async fn rows(db: &impl ConnectionTrait, q: &SelectStatement) -> ApiResult<Vec<Row>> {
    Ok(Row::find_by_statement(db.get_database_backend().build(q))
        .all(db)
        .await?)
}

/// Loads pieces as scoring inputs, in id order.
pub async fn load(
    db: &impl ConnectionTrait,
    filter: Filter<'_>,
    markets: &Markets,
) -> ApiResult<Vec<Loaded>> {
    let mut found = Vec::new();
    match filter {
        Filter::Ids(ids) => {
            for chunk in ids.chunks(crate::db::IN_LIST) {
                let mut q = select();
                q.and_where(
                    Expr::col((content::Entity, content::Column::Id)).is_in(chunk.to_vec()),
                );
                found.extend(rows(db, &q).await?);
            }
        }
        Filter::PublishedAfter(since) => {
            let mut q = select();
            q.and_where(Expr::col((content::Entity, content::Column::PublishedAt)).gt(since));
            found = rows(db, &q).await?;
        }
        Filter::All => found = rows(db, &select()).await?,
    }
    let ids: Vec<i64> = found.iter().map(|r| r.id).collect();
    let moderation = moderation(db, &ids).await?;
    Ok(found
        .into_iter()
        .map(|r| {
            let m = moderation.get(&r.id).copied().unwrap_or_default();
            to_piece(r, m, markets)
        })
        .collect())
}

/// A stored count as unsigned (negative counts are refused at ingest; read as 0 regardless).
pub fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn to_piece(r: Row, moderation: sc::Moderation, markets: &Markets) -> Loaded {
    let engagement = match r.kind {
        ContentKind::Video => sc::Engagement::Video(sc::VideoStats {
            views: count(r.views),
            completions: count(r.completions),
            likes: count(r.likes),
            comments: count(r.comments),
            shares: count(r.shares),
        }),
        // For live streams `views` holds unique viewers and the watch time is per viewer.
        ContentKind::Live => sc::Engagement::Live(sc::LiveStats {
            viewers: count(r.views),
            watch_seconds: (r.avg_watch_seconds.max(0.0) * count(r.views) as f64).round() as u64,
            comments: count(r.comments),
            orders: count(r.live_orders.unwrap_or(0)),
            shares: count(r.shares),
        }),
    };
    let piece = sc::ContentPiece {
        id: r.id as u64,
        cohort: sc::CohortKey {
            market: markets.id(&r.market_code),
            niche: sc::NicheId(r.niche_id as u32),
            parent_niche: sc::NicheId(r.parent_id.unwrap_or(r.niche_id) as u32),
            tier: sc::FollowerTier::from_followers(count(r.followers)),
        },
        published_day: day_of(r.published_at),
        value_grade: match r.value_grade {
            ValueGrade::StronglyUseful => sc::ValueGrade::StronglyUseful,
            ValueGrade::WeaklyUseful => sc::ValueGrade::WeaklyUseful,
            ValueGrade::NotUseful => sc::ValueGrade::NotUseful,
        },
        engagement,
        moderation,
        distribution: sc::Distribution {
            impressions: count(r.impressions),
            account_weight: r.account_weight.clamp(0.0, 1.0),
            pool: count(r.pool.unwrap_or(0)) as usize,
        },
    };
    Loaded {
        piece,
        meta: Meta {
            creator_id: r.creator_id,
            market_code: r.market_code,
            niche_id: r.niche_id,
            kind: r.kind,
        },
    }
}

/// Upheld violations on the given pieces (all pieces with any, when `ids` is every piece).
async fn moderation(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> ApiResult<HashMap<i64, sc::Moderation>> {
    let mut out: HashMap<i64, sc::Moderation> = HashMap::new();
    let upheld = || {
        violation::Entity::find()
            .filter(violation::Column::Upheld.eq(true))
            .filter(violation::Column::SubjectKind.eq(SubjectKind::Content))
    };
    let mut found = Vec::new();
    if ids.len() > crate::db::IN_LIST {
        found = upheld().all(db).await?;
    } else if !ids.is_empty() {
        found = upheld()
            .filter(violation::Column::ContentId.is_in(ids.to_vec()))
            .all(db)
            .await?;
    }
    for v in found {
        let Some(id) = v.content_id else { continue };
        let m = out.entry(id).or_default();
        match v.severity {
            Severity::Minor => m.minor += 1,
            Severity::Major => m.major += 1,
            Severity::Severe => m.severe += 1,
        }
    }
    Ok(out)
}

/// The severity of a stored violation in the scoring crate's terms.
pub fn severity(s: Severity) -> sc::Severity {
    match s {
        Severity::Minor => sc::Severity::Minor,
        Severity::Major => sc::Severity::Major,
        Severity::Severe => sc::Severity::Severe,
    }
}
