//! Content scores: the latest score and traffic pool of every piece, and the rolling content
//! score of every creator. Each row records the configuration version that made it, so a score
//! made under old weights is recognisable as such.

use crate::columns::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The four component rates and their cohort percentiles, in `scoring::content::Component::of`
/// order for the piece's kind.
const RATES: [&str; 4] = ["rate_1", "rate_2", "rate_3", "rate_4"];
const PERCENTILES: [&str; 4] = [
    "percentile_1",
    "percentile_2",
    "percentile_3",
    "percentile_4",
];

fn tables() -> Tables {
    let mut piece = Table::create();
    piece
        .table("content_score")
        .col(reference("content_id").primary_key().take())
        // Denormalised from content and creator so the ranked top-content query is one index
        // range scan per market and niche.
        .col(code("market_code"))
        .col(reference("niche_id"))
        .col(code("kind"))
        .col(optional_real("score"))
        .col(real("confidence"))
        .col(flag("frozen"))
        // The parts of the score, null while the piece has no views: enough to rebuild the
        // score and explain it without storing words.
        .col(optional_real("base"))
        .col(optional_real("value_factor"))
        .col(optional_real("penalty"))
        .col(count("audience"))
        .col(count("peers"))
        .col(optional_code("cohort_level"));
    for (rate, percentile) in RATES.into_iter().zip(PERCENTILES) {
        piece
            .col(optional_real(rate))
            .col(optional_real(percentile));
    }
    piece
        .col(count("pool"))
        .col(count("pool_size"))
        .col(optional_count("next_pool_size"))
        .col(optional_real("score_needed"))
        .col(count("impressions_to_collect"))
        .col(code("decision"))
        .col(count("config_version"))
        .col(at("scored_at"))
        .foreign_key(&mut foreign_key(
            "content_score",
            "content_id",
            "content",
            "id",
        ));

    let mut creator = Table::create();
    creator
        .table("creator_content_score")
        .col(reference("creator_id").primary_key().take())
        .col(real("score"))
        .col(optional_real("trimmed_mean"))
        .col(count("pieces"))
        .col(real("prior_mean"))
        .col(real("prior_share"))
        .col(real("penalty"))
        .col(real("confidence"))
        .col(count("config_version"))
        .col(at("scored_at"))
        .foreign_key(&mut foreign_key(
            "creator_content_score",
            "creator_id",
            "creator",
            "id",
        ));

    vec![
        (
            piece.if_not_exists().take(),
            vec![
                index("content_score", &["market_code", "niche_id", "score"]),
                index("content_score", &["market_code", "score"]),
            ],
        ),
        (creator.if_not_exists().take(), vec![]),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_all(manager, tables()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(manager, tables()).await
    }
}
