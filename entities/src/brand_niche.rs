//! A brand's weighted niches: `weight` is the part of its catalogue in that niche.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "brand_niche")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub brand_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub niche_id: i64,
    pub weight: f64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::niche::Entity",
        from = "Column::NicheId",
        to = "super::niche::Column::Id"
    )]
    Niche,
}

impl Related<super::niche::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Niche.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
