//! The serving side of brand-to-creator matching: the in-memory graph built from the database,
//! the creator directory and display names next to it, and the hook that keeps all three
//! current when an ingest batch commits. The maths is `scoring::matching`; this module only
//! turns rows into its inputs and its errors into [`ApiError`]s.

pub mod load;
mod track;

use crate::error::{ApiError, ApiResult};
use crate::locks::{read, write};
use chrono::Utc;
use scoring::matching::{
    Audience, BrandId, ContentStanding, CreatorId, CreatorProfiles, LookalikeQuery, MatchConfig,
    MatchError, MatchFilters, MatchGraph, MatchPage, MatchQuery, NameBook, NamesFor, NodeRef,
    PageRequest, SharedGraph, explanation, lookalike_creators, match_creators,
};
use sea_orm::DatabaseConnection;
use std::sync::{Arc, RwLock};
use std::time::Instant;

/// Whose neighbourhood a query ranks.
#[derive(Debug, Clone, Copy)]
pub enum Seed {
    /// Creators for a brand (existing collaborators optional).
    Brand(i64),
    /// Creators like a creator.
    Creator(i64),
}

/// A page of ranked creators.
pub struct Ranked {
    pub page: MatchPage,
    /// Each item's explanation in words, redacted for the reader (`explanations[i]` is
    /// `page.items[i]`'s).
    pub explanations: Vec<Vec<String>>,
    /// The seed has no edge at all (no niches, no collaborations): nothing can be close to it.
    pub isolated: bool,
}

/// The matching state a server holds: built once on first use (warmed at start-up), then kept
/// current by [`ingest`].
pub struct Matching {
    db: DatabaseConnection,
    config: MatchConfig,
    state: tokio::sync::OnceCell<State>,
    tried: std::sync::atomic::AtomicBool,
}

/// What queries read. The graph is a [`SharedGraph`] (readers clone a snapshot and are never
/// blocked by a writer); the directory and names are small maps behind short locks. The whole
/// graph is swapped only when an incremental update cannot be applied (a niche added since the
/// build), which rebuilds it from the database.
struct State {
    graph: RwLock<Arc<SharedGraph>>,
    directory: RwLock<CreatorProfiles>,
    /// Content scores per market, rebuilt from `directory` whenever it changes.
    standing: RwLock<ContentStanding>,
    names: RwLock<NameBook>,
    /// When the graph was last built from the database, for its age in `/metrics`.
    built: RwLock<Instant>,
    /// Serialises the writers (ingest hooks and rebuilds) so no update is applied to a graph
    /// that a rebuild is about to replace.
    writer: tokio::sync::Mutex<()>,
}

impl Matching {
    /// Matching over `db` with the default configuration; nothing is read until first use.
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            config: MatchConfig::default(),
            state: tokio::sync::OnceCell::new(),
            tried: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Builds the graph now (a server calls this in the background at start-up so the first
    /// query does not pay for it); failures are logged and retried on first use.
    pub async fn warm(&self) {
        if let Err(err) = self.state().await {
            tracing::error!(
                error = %err.operator_message(),
                "matching graph build failed; retrying on first use"
            );
        }
    }

    /// Whether a build of the graph has finished since start-up, whatever its outcome (the
    /// server warms it at start-up; `/readyz` waits for it).
    pub fn tried(&self) -> bool {
        self.tried.load(std::sync::atomic::Ordering::Acquire)
    }

    async fn state(&self) -> ApiResult<&State> {
        let state = self
            .state
            .get_or_try_init(|| async {
                let (graph, directory, names) = self.build().await?;
                Ok(State {
                    graph: RwLock::new(Arc::new(SharedGraph::new(graph))),
                    standing: RwLock::new(ContentStanding::from_profiles(directory.values())),
                    directory: RwLock::new(directory),
                    names: RwLock::new(names),
                    built: RwLock::new(Instant::now()),
                    writer: tokio::sync::Mutex::new(()),
                })
            })
            .await;
        self.tried.store(true, std::sync::atomic::Ordering::Release);
        state
    }

    async fn build(&self) -> ApiResult<(MatchGraph, CreatorProfiles, NameBook)> {
        let started = Instant::now();
        let snap = load::snapshot(&self.db, Utc::now()).await?;
        let graph = MatchGraph::build(&snap.input, &self.config.graph).map_err(internal)?;
        tracing::info!(
            nodes = graph.node_count(),
            edges = graph.edge_count(),
            memory_bytes = graph.memory_bytes(),
            millis = started.elapsed().as_millis() as u64,
            "matching graph built"
        );
        Ok((graph, snap.directory, snap.names))
    }

    /// The graph's size and age; `None` until it is first built.
    pub fn stats(&self) -> Option<crate::metrics::GraphStats> {
        let state = self.state.get()?;
        let edges = read(&state.graph).snapshot().edge_count();
        Some(crate::metrics::GraphStats {
            creators: read(&state.directory).len(),
            brands: read(&state.names).brands.len(),
            edges,
            age: read(&state.built).elapsed(),
        })
    }

    /// One page of ranked creators for a seed, explained in words `audience` may read.
    pub async fn rank(
        &self,
        seed: Seed,
        audience: Audience,
        filters: MatchFilters,
        include_existing: bool,
        page: PageRequest,
    ) -> ApiResult<Ranked> {
        let state = self.state().await?;
        // Ranking is synchronous CPU work on the async worker: yielding first lets the request
        // timeout and a client's disconnect (both drop the request's future) cut in between two
        // rankings of one query, instead of after all of them.
        tokio::task::yield_now().await;
        let graph = read(&state.graph).snapshot();
        let node = match seed {
            Seed::Brand(id) => NodeRef::Brand(BrandId(id as u64)),
            Seed::Creator(id) => NodeRef::Creator(CreatorId(id as u64)),
        };
        let isolated = graph.weighted_degree(node).is_some_and(|d| d == 0.0);
        let directory = read(&state.directory);
        let book = read(&state.names);
        let names = NamesFor::new(&*book, audience);
        let result = match seed {
            Seed::Brand(id) => match_creators(
                &graph,
                &*directory,
                &names,
                &MatchQuery {
                    brand: BrandId(id as u64),
                    filters,
                    include_existing,
                    page,
                },
                &self.config,
            ),
            Seed::Creator(id) => lookalike_creators(
                &graph,
                &*directory,
                &names,
                &LookalikeQuery {
                    creator: CreatorId(id as u64),
                    filters,
                    page,
                },
                &self.config,
            ),
        };
        let page = result.map_err(client_error)?;
        let standing = read(&state.standing);
        let explanations = page
            .items
            .iter()
            .map(|item| explanation(item, &*directory, &standing, &self.config.rank))
            .collect();
        Ok(Ranked {
            page,
            explanations,
            isolated,
        })
    }

    /// Re-reads every creator's stored content score, LTV and P(active) into the directory.
    /// The scheduled jobs that recompute them (cohort rebuild, LTV refit) call this: they write
    /// scores outside any ingest batch, so no `Touched` announces them (a metric report's
    /// creators are refreshed by `catch_up`). Nothing to do before the first build.
    pub async fn refresh_scores(&self) -> ApiResult<()> {
        let Some(state) = self.state.get() else {
            return Ok(());
        };
        let _writer = state.writer.lock().await;
        let scores = load::scores(&self.db, None).await?;
        let mut directory = write(&state.directory);
        for (id, profile) in directory.iter_mut() {
            let s = scores.get(&(id.0 as i64)).copied().unwrap_or_default();
            profile.content_score = s.content;
            profile.ltv = s.ltv;
            profile.p_active = s.p_active;
        }
        *write(&state.standing) = ContentStanding::from_profiles(directory.values());
        Ok(())
    }

    /// Applies graph updates and directory/name changes as one step; if the graph refuses the
    /// updates (a niche it was not built with), rebuilds everything from the database.
    async fn publish(&self, changes: track::Changes) -> ApiResult<()> {
        let state = self.state().await?;
        let _writer = state.writer.lock().await;
        let shared = Arc::clone(&read(&state.graph));
        let applied = shared.update(&changes.updates);
        if let Err(err) = applied {
            tracing::warn!(%err, "matching graph update refused; rebuilding from the database");
            let (graph, directory, names) = self.build().await?;
            *write(&state.graph) = Arc::new(SharedGraph::new(graph));
            *write(&state.standing) = ContentStanding::from_profiles(directory.values());
            *write(&state.directory) = directory;
            *write(&state.names) = names;
            *write(&state.built) = Instant::now();
            return Ok(());
        }
        let mut directory = write(&state.directory);
        directory.extend(changes.profiles);
        *write(&state.standing) = ContentStanding::from_profiles(directory.values());
        drop(directory);
        let mut names = write(&state.names);
        names.creators.extend(changes.creator_names);
        names.brands.extend(changes.brand_names);
        Ok(())
    }
}

/// Maps a matching error raised by a client's query to its API code.
fn client_error(err: MatchError) -> ApiError {
    match err {
        MatchError::UnknownBrand(_) | MatchError::UnknownCreator(_) => {
            ApiError::NotFound(err.to_string())
        }
        MatchError::InvalidInput(m) | MatchError::InvalidPage(m) => ApiError::BadInput(m),
        other => internal(other),
    }
}

fn internal(err: MatchError) -> ApiError {
    ApiError::internal("matching", err)
}
