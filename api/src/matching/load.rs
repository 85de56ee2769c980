//! Rows in, matching inputs out: the graph, the creator directory and the display names, read
//! from the database in a handful of whole-table statements (no per-row queries, so the
//! start-up build stays cheap at demo scale).

use crate::error::ApiResult;
use chrono::{DateTime, Utc};
use entities::enums::CollaborationStatus;
use entities::{
    brand, brand_niche, collaboration, creator, creator_content_score, creator_ltv, creator_niche,
    niche, violation,
};
use scoring::matching::{
    BrandId, BrandInput, CollaborationInput, CreatorId, CreatorInput, CreatorProfile,
    CreatorProfiles, GraphInput, NameBook, NicheId, NicheInput, NicheShare, RankConfig,
};
use sea_orm::sea_query::{Alias, Expr, Func};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;

/// Upheld violations younger than this count as "recent" for the `noRecentViolations` filter.
pub const RECENT_VIOLATION_DAYS: i64 = 90;

/// Everything matching reads, as plain scoring inputs.
pub struct Snapshot {
    pub input: GraphInput,
    pub directory: CreatorProfiles,
    pub names: NameBook,
}

/// Per-creator collaboration and moderation counts behind a profile.
#[derive(Default, Clone, Copy)]
pub struct History {
    /// Collaborations that ran their course (completed or cancelled).
    pub finished: u32,
    /// Of those, completed.
    pub delivered: u32,
    /// Upheld violations in the last [`RECENT_VIOLATION_DAYS`].
    pub recent_violations: u32,
}

/// Reads the whole marketplace as of `now`.
pub async fn snapshot(db: &impl ConnectionTrait, now: DateTime<Utc>) -> ApiResult<Snapshot> {
    let niches = niche::Entity::find().all(db).await?;
    let brands = brand::Entity::find().all(db).await?;
    let creators = creator::Entity::find().all(db).await?;
    let collaborations = collaboration::Entity::find().all(db).await?;
    let mut creator_niches: HashMap<i64, Vec<NicheShare>> = HashMap::new();
    for l in creator_niche::Entity::find().all(db).await? {
        creator_niches
            .entry(l.creator_id)
            .or_default()
            .push(share(l.niche_id, l.share));
    }
    let mut brand_niches: HashMap<i64, Vec<NicheShare>> = HashMap::new();
    for l in brand_niche::Entity::find().all(db).await? {
        brand_niches
            .entry(l.brand_id)
            .or_default()
            .push(share(l.niche_id, l.weight));
    }
    let mut history: HashMap<i64, History> = HashMap::new();
    for c in &collaborations {
        count_collaboration(history.entry(c.creator_id).or_default(), c.status);
    }
    for v in recent_violations(db, None, now).await? {
        if let Some(id) = v.creator_id {
            history.entry(id).or_default().recent_violations += 1;
        }
    }
    let mut names = NameBook::default();
    let input = GraphInput {
        niches: niches
            .iter()
            .map(|n| NicheInput {
                id: NicheId(n.id as u64),
                parent: n.parent_id.map(|p| NicheId(p as u64)),
            })
            .collect(),
        brands: brands
            .iter()
            .map(|b| BrandInput {
                id: BrandId(b.id as u64),
                niches: brand_niches.remove(&b.id).unwrap_or_default(),
            })
            .collect(),
        creators: creators
            .iter()
            .map(|c| CreatorInput {
                id: CreatorId(c.id as u64),
                niches: creator_niches.remove(&c.id).unwrap_or_default(),
            })
            .collect(),
        collaborations: collaborations
            .iter()
            .map(|c| collaboration_input(c, now))
            .collect(),
    };
    names.niches = niches
        .into_iter()
        .map(|n| (NicheId(n.id as u64), n.name))
        .collect();
    names.brands = brands
        .into_iter()
        .map(|b| (BrandId(b.id as u64), b.name))
        .collect();
    let scores = scores(db, None).await?;
    let mut directory =
        CreatorProfiles::with_capacity_and_hasher(creators.len(), Default::default());
    for c in creators {
        let h = history.get(&c.id).copied().unwrap_or_default();
        let s = scores.get(&c.id).copied().unwrap_or_default();
        directory.insert(CreatorId(c.id as u64), profile(&c, h, s));
        names
            .creators
            .insert(CreatorId(c.id as u64), c.display_name);
    }
    Ok(Snapshot {
        input,
        directory,
        names,
    })
}

fn share(niche: i64, weight: f64) -> NicheShare {
    NicheShare {
        niche: NicheId(niche as u64),
        share: weight,
    }
}

/// Adds one collaboration to a creator's delivery record; open ones do not count yet.
pub fn count_collaboration(h: &mut History, status: CollaborationStatus) {
    match status {
        CollaborationStatus::Completed => {
            h.finished += 1;
            h.delivered += 1;
        }
        CollaborationStatus::Cancelled => h.finished += 1,
        CollaborationStatus::Proposed | CollaborationStatus::Active => {}
    }
}

/// Upheld violations against creators in the recent window, all or of some creators.
pub async fn recent_violations(
    db: &impl ConnectionTrait,
    creators: Option<Vec<i64>>,
    now: DateTime<Utc>,
) -> ApiResult<Vec<violation::Model>> {
    let since = now - chrono::Duration::days(RECENT_VIOLATION_DAYS);
    let mut select = violation::Entity::find()
        .filter(violation::Column::Upheld.eq(true))
        .filter(violation::Column::CreatorId.is_not_null())
        .filter(violation::Column::OccurredAt.gte(since));
    if let Some(ids) = creators {
        select = select.filter(violation::Column::CreatorId.is_in(ids));
    }
    Ok(select.all(db).await?)
}

/// A collaboration as a weighted graph edge: aged from its end (or start, while open).
pub fn collaboration_input(c: &collaboration::Model, now: DateTime<Utc>) -> CollaborationInput {
    let at = c.ended_at.unwrap_or(c.started_at);
    CollaborationInput {
        brand: BrandId(c.brand_id as u64),
        creator: CreatorId(c.creator_id as u64),
        age_days: ((now - at).num_seconds() as f64 / 86_400.0).max(0.0),
        gmv: c.gmv_minor.max(0) as f64,
    }
}

/// A creator's stored model outputs that ranking blends in.
#[derive(Default, Clone, Copy)]
pub struct Scores {
    /// Content score, when the creator has scored pieces (a score resting on the niche prior
    /// alone says nothing about the creator).
    pub content: Option<f64>,
    /// Predicted LTV in units where its market's mean predicted LTV is the ranking's
    /// `ltv_reference`: markets sell in different currencies, and the component should read
    /// 0.5 for a typical creator of any of them.
    pub ltv: Option<f64>,
    pub p_active: Option<f64>,
}

/// The stored content scores, LTVs and P(active) of the given creators (all when `None`).
pub async fn scores(
    db: &impl ConnectionTrait,
    ids: Option<&[i64]>,
) -> ApiResult<HashMap<i64, Scores>> {
    let mut content =
        creator_content_score::Entity::find().filter(creator_content_score::Column::Pieces.gt(0));
    let mut ltvs = creator_ltv::Entity::find();
    if let Some(ids) = ids {
        content = content.filter(creator_content_score::Column::CreatorId.is_in(ids.to_vec()));
        ltvs = ltvs.filter(creator_ltv::Column::CreatorId.is_in(ids.to_vec()));
    }
    let means: HashMap<String, f64> = creator_ltv::Entity::find()
        .select_only()
        .column(creator_ltv::Column::MarketCode)
        .expr(Func::cast_as(
            Func::avg(Expr::col(creator_ltv::Column::LtvMinor)),
            Alias::new("DOUBLE PRECISION"),
        ))
        .group_by(creator_ltv::Column::MarketCode)
        .into_tuple::<(String, Option<f64>)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(market, mean)| Some((market, mean.filter(|m| *m > 0.0)?)))
        .collect();
    let reference = RankConfig::default().ltv_reference;
    let mut out: HashMap<i64, Scores> = HashMap::new();
    for c in content.all(db).await? {
        out.entry(c.creator_id).or_default().content = Some(c.score);
    }
    for l in ltvs.all(db).await? {
        let s = out.entry(l.creator_id).or_default();
        s.p_active = Some(l.p_active);
        s.ltv = means
            .get(&l.market_code)
            .map(|mean| l.ltv_minor as f64 / mean * reference);
    }
    Ok(out)
}

/// A creator's ranking and filtering attributes.
pub fn profile(c: &creator::Model, h: History, s: Scores) -> CreatorProfile {
    CreatorProfile {
        market: c.market_code.clone(),
        followers: c.followers.max(0) as u64,
        ecommerce: c.ecommerce_capable,
        content_score: s.content,
        ltv: s.ltv,
        p_active: s.p_active,
        collaborations_total: h.finished,
        collaborations_delivered: h.delivered,
        recent_violations: h.recent_violations,
    }
}
