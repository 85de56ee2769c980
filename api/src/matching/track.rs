//! Keeping matching current: after an ingest batch of creators, brands, collaborations,
//! violations or content metrics commits, the mutation hands matching what the batch reports
//! it touched ([`Touched`]); the rows are read back and published as graph updates and
//! directory changes (a metrics report rescored its creators' content scores, which the
//! ranking reads).
//!
//! Only collaborations that are new to the database add an edge (a re-sent batch adds nothing;
//! a changed GMV or date of a known collaboration reaches its edge weight at the next build,
//! i.e. the next start). A collaboration committed while the start-up build is reading may be
//! counted twice in its edge weight until then; it is never missed.

use super::Matching;
use super::load::{self, History};
use crate::error::ApiResult;
use crate::ingest::Touched;
use chrono::{DateTime, Utc};
use entities::{brand, brand_niche, collaboration, content, creator, creator_niche, violation};
use scoring::matching::{
    self as m, BrandId, CreatorId, CreatorProfile, GraphUpdate, NicheId, NicheShare,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{HashMap, HashSet};

/// What one batch changes in matching.
#[derive(Default)]
pub(super) struct Changes {
    pub updates: Vec<GraphUpdate>,
    pub profiles: Vec<(CreatorId, CreatorProfile)>,
    pub creator_names: Vec<(CreatorId, String)>,
    pub brand_names: Vec<(BrandId, String)>,
}

impl Matching {
    /// Brings matching up to date with a batch that has committed, from what it reports it
    /// touched. A failure is logged, never reported as a failed batch: the batch is in.
    pub async fn catch_up(&self, db: &DatabaseConnection, touched: &Touched, now: DateTime<Utc>) {
        if *touched == Touched::Nothing {
            return;
        }
        let published = async {
            let changes = changes(db, touched, now).await?;
            self.publish(changes).await
        };
        if let Err(err) = published.await {
            tracing::error!(
                ?err,
                "could not bring matching up to date after an ingest batch"
            );
        }
    }
}

async fn changes(
    db: &DatabaseConnection,
    touched: &Touched,
    now: DateTime<Utc>,
) -> ApiResult<Changes> {
    let mut out = Changes::default();
    let creators_to_refresh: Vec<i64> = match touched.clone() {
        Touched::Nothing => Vec::new(),
        Touched::Creators(ids) => {
            let rows = creator::Entity::find()
                .filter(creator::Column::ExternalId.is_in(ids))
                .all(db)
                .await?;
            let keys: Vec<i64> = rows.iter().map(|c| c.id).collect();
            let mut niches = niches_of::<creator_niche::Entity>(
                db,
                creator_niche::Column::CreatorId,
                &keys,
                |l| (l.creator_id, l.niche_id, l.share),
            )
            .await?;
            for c in &rows {
                out.updates
                    .push(GraphUpdate::UpsertCreator(m::CreatorInput {
                        id: CreatorId(c.id as u64),
                        niches: niches.remove(&c.id).unwrap_or_default(),
                    }));
            }
            keys
        }
        Touched::Brands(ids) => {
            let rows = brand::Entity::find()
                .filter(brand::Column::ExternalId.is_in(ids))
                .all(db)
                .await?;
            let keys: Vec<i64> = rows.iter().map(|b| b.id).collect();
            let mut niches =
                niches_of::<brand_niche::Entity>(db, brand_niche::Column::BrandId, &keys, |l| {
                    (l.brand_id, l.niche_id, l.weight)
                })
                .await?;
            for b in rows {
                out.updates.push(GraphUpdate::UpsertBrand(m::BrandInput {
                    id: BrandId(b.id as u64),
                    niches: niches.remove(&b.id).unwrap_or_default(),
                }));
                out.brand_names.push((BrandId(b.id as u64), b.name));
            }
            Vec::new()
        }
        Touched::Collaborations { all, new } => {
            let rows = collaboration::Entity::find()
                .filter(collaboration::Column::ExternalId.is_in(all))
                .all(db)
                .await?;
            let new: HashSet<String> = new.into_iter().collect();
            for c in rows.iter().filter(|c| new.contains(&c.external_id)) {
                out.updates
                    .push(GraphUpdate::AddCollaboration(load::collaboration_input(
                        c, now,
                    )));
            }
            rows.iter().map(|c| c.creator_id).collect()
        }
        Touched::Violations(ids) => violation::Entity::find()
            .filter(violation::Column::ExternalId.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|v| v.creator_id)
            .collect(),
        Touched::Metrics(ids) => {
            content::Entity::find()
                .select_only()
                .column(content::Column::CreatorId)
                .filter(content::Column::ExternalId.is_in(ids))
                .into_tuple::<i64>()
                .all(db)
                .await?
        }
    };
    refresh_profiles(db, creators_to_refresh, now, &mut out).await?;
    Ok(out)
}

/// Niche lists of some owners (creators or brands), as `(owner, niche, weight)` rows.
async fn niches_of<E>(
    db: &DatabaseConnection,
    owner: E::Column,
    keys: &[i64],
    row: fn(&E::Model) -> (i64, i64, f64),
) -> ApiResult<HashMap<i64, Vec<NicheShare>>>
where
    E: EntityTrait,
{
    let mut out: HashMap<i64, Vec<NicheShare>> = HashMap::new();
    for link in E::find()
        .filter(owner.is_in(keys.iter().copied()))
        .all(db)
        .await?
    {
        let (who, niche, share) = row(&link);
        out.entry(who).or_default().push(NicheShare {
            niche: NicheId(niche as u64),
            share,
        });
    }
    Ok(out)
}

/// Re-reads the profiles (and names) of some creators: attributes, delivery record, violations,
/// stored scores.
async fn refresh_profiles(
    db: &DatabaseConnection,
    mut ids: Vec<i64>,
    now: DateTime<Utc>,
    out: &mut Changes,
) -> ApiResult<()> {
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let mut history: HashMap<i64, History> = HashMap::new();
    for c in collaboration::Entity::find()
        .filter(collaboration::Column::CreatorId.is_in(ids.iter().copied()))
        .all(db)
        .await?
    {
        load::count_collaboration(history.entry(c.creator_id).or_default(), c.status);
    }
    for v in load::recent_violations(db, Some(ids.clone()), now).await? {
        if let Some(id) = v.creator_id {
            history.entry(id).or_default().recent_violations += 1;
        }
    }
    let scores = load::scores(db, Some(&ids)).await?;
    for c in creator::Entity::find()
        .filter(creator::Column::Id.is_in(ids))
        .all(db)
        .await?
    {
        let h = history.get(&c.id).copied().unwrap_or_default();
        let s = scores.get(&c.id).copied().unwrap_or_default();
        let id = CreatorId(c.id as u64);
        out.profiles.push((id, load::profile(&c, h, s)));
        out.creator_names.push((id, c.display_name));
    }
    Ok(())
}
