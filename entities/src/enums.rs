//! The closed vocabularies of the model, stored as short strings so both SQLite and PostgreSQL
//! read them without native enum types.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Declares a string-backed enum shared by the database, the API and ingest.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize)]
        #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* #[sea_orm(string_value = $value)] $variant),+
        }

        /// Import files spell values as GraphQL does (`NOT_USEFUL`) or as they are stored
        /// (`not_useful`): any case is read.
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                Self::parse(&text.to_ascii_lowercase()).ok_or_else(|| {
                    let allowed: Vec<String> =
                        Self::ALL.iter().map(|v| v.to_ascii_uppercase()).collect();
                    serde::de::Error::custom(format!(
                        "unknown value {text:?}; expected one of {}",
                        allowed.join(", ")
                    ))
                })
            }
        }

        impl $name {
            /// The stored (and ingest) spelling of the value.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $value),+ }
            }

            /// Parses the stored spelling; `None` for anything else.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($value => Some(Self::$variant),)+ _ => None }
            }

            /// Every stored spelling, for error messages that say what is allowed.
            pub const ALL: &'static [&'static str] = &[$($value),+];
        }
    };
}

string_enum!(
    /// A short video or a live stream.
    ContentKind {
        /// A short video.
        Video = "video",
        /// A live stream.
        Live = "live",
    }
);

string_enum!(
    /// How useful a piece is to a buyer; strongly useful content converts 3.2x the average.
    ValueGrade {
        /// Detailed tutorials and the like; scores higher than the other grades.
        StronglyUseful = "strongly_useful",
        /// Product showcases.
        WeaklyUseful = "weakly_useful",
        /// Pure entertainment.
        NotUseful = "not_useful",
    }
);

string_enum!(
    /// Who caused a cancellation, a return or a late delivery: only seller faults count
    /// against a shop's rating.
    Fault {
        /// The shop.
        Seller = "seller",
        /// The buyer.
        Buyer = "buyer",
        /// The delivery carrier.
        Carrier = "carrier",
        /// The marketplace itself.
        Platform = "platform",
    }
);

string_enum!(
    /// Where a brand-creator collaboration stands.
    CollaborationStatus {
        /// Offered, not started.
        Proposed = "proposed",
        /// Under way.
        Active = "active",
        /// Ended as agreed.
        Completed = "completed",
        /// Called off.
        Cancelled = "cancelled",
    }
);

string_enum!(
    /// What a moderation violation was raised against.
    SubjectKind {
        /// A piece of content.
        Content = "content",
        /// A creator account.
        Creator = "creator",
        /// A shop.
        Shop = "shop",
    }
);

string_enum!(
    /// How serious a violation is; a severe upheld one zeroes a content score.
    Severity {
        /// A few points off content scores (2 off a creator's, by default).
        Minor = "minor",
        /// More points off content scores (8 off a creator's, by default).
        Major = "major",
        /// Zeroes the piece's score and freezes its distribution (25 points off a creator's, by
        /// default).
        Severe = "severe",
    }
);

string_enum!(
    /// A creator's place in the scout programme's onboarding pipeline.
    PipelineState {
        /// Added by a scout, not yet contacted.
        Prospect = "prospect",
        /// The scout has reached out.
        Contacted = "contacted",
        /// Being onboarded.
        Onboarding = "onboarding",
        /// In the programme: the end of the funnel.
        Certified = "certified",
        /// Not a fit, or declined, before certification; final.
        Rejected = "rejected",
        /// Left the programme after certification; final.
        Churned = "churned",
    }
);

string_enum!(
    /// What the latest evaluation of a piece's traffic pool decided.
    PoolDecision {
        /// Not enough impressions in the current pool yet to judge it.
        Collecting = "collecting",
        /// Cleared the threshold and moved up.
        Promoted = "promoted",
        /// Judged and below the threshold, or no score yet.
        Held = "held",
        /// In the top pool.
        Top = "top",
        /// A severe violation froze distribution.
        Frozen = "frozen",
    }
);

string_enum!(
    /// The cohort a content score's percentiles were taken in, most specific first: the niche
    /// backs off to its parent, then to the market, when it has too few peers.
    CohortLevel {
        /// The piece's own niche, in its market.
        Niche = "niche",
        /// The niche's parent category, in its market.
        ParentNiche = "parent_niche",
        /// The whole market.
        Market = "market",
    }
);
