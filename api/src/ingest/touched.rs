//! What a committed batch changed that the server also keeps in memory (the matching graph
//! and its creator directory), reported by the batch itself: the caller brings that copy up
//! to date after the commit (`Matching::catch_up`), and ingest knows nothing of matching.

/// The rows of a batch that in-memory state follows, by external id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Touched {
    /// Nothing in memory depends on this batch.
    #[default]
    Nothing,
    /// Creators written (their niches and profiles).
    Creators(Vec<String>),
    /// Brands written (their niches and names).
    Brands(Vec<String>),
    /// Every collaboration the batch wrote, and those new to the database: only a new one adds
    /// an edge (a re-sent batch adds nothing).
    Collaborations { all: Vec<String>, new: Vec<String> },
    /// Violations written (their creators' records).
    Violations(Vec<String>),
    /// Content whose metrics changed (their creators' content scores).
    Metrics(Vec<String>),
}
