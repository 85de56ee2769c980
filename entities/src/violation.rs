//! A moderation violation against a piece of content, a creator or a shop. Exactly one of
//! `content_id`, `creator_id`, `shop_id` names the subject; content violations also carry the
//! creator so creator scores find them without a join.

use crate::enums::{Severity, SubjectKind};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "violation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub external_id: String,
    pub subject_kind: SubjectKind,
    pub content_id: Option<i64>,
    pub creator_id: Option<i64>,
    pub shop_id: Option<i64>,
    pub severity: Severity,
    /// Upheld after review (or appeal); only upheld violations weigh on scores.
    pub upheld: bool,
    pub reason: String,
    pub occurred_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
