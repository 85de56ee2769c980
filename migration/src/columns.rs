//! Column, constraint and table shorthands shared by the migrations, so every table spells
//! a surrogate key, a reference or a timestamp the same way and is created and dropped alike.

use sea_orm_migration::prelude::*;

/// A 64-bit auto-increment surrogate key (`INTEGER PRIMARY KEY` on SQLite, `bigserial`-like on
/// PostgreSQL).
pub fn id() -> ColumnDef {
    ColumnDef::new("id")
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .take()
}

/// A non-null reference to another table's id.
pub fn reference(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).big_integer().not_null().take()
}

/// A nullable reference to another table's id.
pub fn optional_reference(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).big_integer().null().take()
}

/// A non-null text column.
pub fn text(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).string().not_null().take()
}

/// A nullable text column.
pub fn optional_text(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).string().null().take()
}

/// A short code (market code, currency, enum value).
pub fn code(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).string_len(16).not_null().take()
}

/// A nullable short code.
pub fn optional_code(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).string_len(16).null().take()
}

/// A non-null 64-bit count or amount.
pub fn count(name: &'static str) -> ColumnDef {
    ColumnDef::new(name)
        .big_integer()
        .not_null()
        .default(0)
        .take()
}

/// A nullable 64-bit count or amount.
pub fn optional_count(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).big_integer().null().take()
}

/// A non-null double.
pub fn real(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).double().not_null().take()
}

/// A nullable double.
pub fn optional_real(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).double().null().take()
}

/// A non-null boolean.
pub fn flag(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).boolean().not_null().take()
}

/// A nullable boolean.
pub fn optional_flag(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).boolean().null().take()
}

/// A non-null UTC instant.
pub fn at(name: &'static str) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .not_null()
        .take()
}

/// A nullable UTC instant.
pub fn optional_at(name: &'static str) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .null()
        .take()
}

/// A foreign key from `table.column` to `target.target_column`.
pub fn foreign_key(
    table: &'static str,
    column: &'static str,
    target: &'static str,
    target_column: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, target_column)
        .take()
}

/// An index named after its table and columns.
pub fn index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index
        .name(format!("ix_{table}_{}", columns.join("_")))
        .table(table);
    for column in columns {
        index.col(*column);
    }
    index.take()
}

/// A composite primary key.
pub fn primary_key(columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    for column in columns {
        index.col(*column);
    }
    index.take()
}

/// Tables with their indexes, in dependency order.
pub type Tables = Vec<(TableCreateStatement, Vec<IndexCreateStatement>)>;

/// Creates the tables and their indexes in order (what every migration's `up` does).
pub async fn create_all(manager: &SchemaManager<'_>, tables: Tables) -> Result<(), DbErr> {
    for (table, indexes) in tables {
        manager.create_table(table).await?;
        for mut index in indexes {
            manager.create_index(index.if_not_exists().take()).await?;
        }
    }
    Ok(())
}

/// Drops the tables in reverse order (what every migration's `down` does).
pub async fn drop_all(manager: &SchemaManager<'_>, tables: Tables) -> Result<(), DbErr> {
    for (table, _) in tables.into_iter().rev() {
        let name = table
            .get_table_name()
            .cloned()
            .expect("every table is named");
        manager.drop_table(Table::drop().table(name).take()).await?;
    }
    Ok(())
}
