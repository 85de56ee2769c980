//! Bulk inserts: rows are buffered and written as multi-row `INSERT` statements with bound
//! parameters, as many rows per statement as the backend's parameter limit allows. Every full
//! statement has the same text, so the driver prepares it once and reuses it.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, Value};

/// The bound-parameter limit of a backend (SQLite's default `SQLITE_MAX_VARIABLE_NUMBER` is
/// 32766, PostgreSQL's wire protocol allows 65535).
fn parameter_limit(backend: DbBackend) -> usize {
    match backend {
        DbBackend::Postgres => 65_535,
        _ => 32_766,
    }
}

/// Rows per statement: as many as fit, capped so one statement stays a few hundred kilobytes.
fn rows_per_statement(backend: DbBackend, columns: usize) -> usize {
    (parameter_limit(backend) / columns.max(1)).clamp(1, 4_000)
}

/// `INSERT INTO "t" ("a", "b") VALUES (?, ?), (?, ?)` for `rows` rows, with the backend's
/// placeholder style.
fn insert_sql(backend: DbBackend, table: &str, columns: &[&str], rows: usize) -> String {
    let mut sql = String::with_capacity(64 + rows * columns.len() * 7);
    sql.push_str("INSERT INTO \"");
    sql.push_str(table);
    sql.push_str("\" (");
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push('"');
        sql.push_str(c);
        sql.push('"');
    }
    sql.push_str(") VALUES ");
    let mut n = 0;
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..columns.len() {
            if c > 0 {
                sql.push_str(", ");
            }
            n += 1;
            match backend {
                DbBackend::Postgres => {
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
                _ => sql.push('?'),
            }
        }
        sql.push(')');
    }
    sql
}

/// Where writes go and whom to tell about them.
pub(super) struct Sink<'a, C> {
    pub conn: &'a C,
    pub progress: &'a (dyn Fn(&str, u64, u64) + Sync),
}

impl<C> Clone for Sink<'_, C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C> Copy for Sink<'_, C> {}

/// A buffered bulk insert into one table; call [`Inserter::push`] per row, then
/// [`Inserter::finish`].
pub(super) struct Inserter<'a, C> {
    sink: Sink<'a, C>,
    backend: DbBackend,
    table: &'static str,
    columns: &'static [&'static str],
    rows_per_statement: usize,
    full_sql: String,
    buffer: Vec<Value>,
    written: u64,
    total: u64,
}

impl<'a, C: ConnectionTrait> Inserter<'a, C> {
    /// An inserter for `total` rows (the total only drives progress reports).
    pub fn new(
        sink: Sink<'a, C>,
        table: &'static str,
        columns: &'static [&'static str],
        total: u64,
    ) -> Self {
        let backend = sink.conn.get_database_backend();
        let rows_per_statement = rows_per_statement(backend, columns.len());
        Self {
            sink,
            backend,
            table,
            columns,
            rows_per_statement,
            full_sql: insert_sql(backend, table, columns, rows_per_statement),
            buffer: Vec::with_capacity(rows_per_statement * columns.len()),
            written: 0,
            total,
        }
    }

    /// Buffers one row, writing a statement when the buffer is full. The row must have one
    /// value per column.
    pub async fn push<const N: usize>(&mut self, row: [Value; N]) -> Result<(), DbErr> {
        if N != self.columns.len() {
            return Err(DbErr::Custom(format!(
                "demo row for {} has {N} values, the table has {} columns",
                self.table,
                self.columns.len()
            )));
        }
        self.buffer.extend(row);
        if self.buffer.len() >= self.rows_per_statement * self.columns.len() {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), DbErr> {
        let rows = self.buffer.len() / self.columns.len();
        if rows == 0 {
            return Ok(());
        }
        let sql = if rows == self.rows_per_statement {
            self.full_sql.clone()
        } else {
            insert_sql(self.backend, self.table, self.columns, rows)
        };
        let values = std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(self.rows_per_statement * self.columns.len()),
        );
        self.sink
            .conn
            .execute_raw(Statement::from_sql_and_values(self.backend, sql, values))
            .await?;
        self.written += rows as u64;
        (self.sink.progress)(self.table, self.written, self.total.max(self.written));
        Ok(())
    }

    /// Writes what is left and returns the number of rows written.
    pub async fn finish(mut self) -> Result<u64, DbErr> {
        self.flush().await?;
        if self.written != self.total {
            // The plan was an estimate (or the table is empty): report the final count once.
            (self.sink.progress)(self.table, self.written, self.written);
        }
        Ok(self.written)
    }
}

/// On PostgreSQL, moves a table's id sequence past the explicit ids just inserted so later
/// inserts that rely on the default do not collide. Nothing to do on SQLite.
pub(super) async fn reset_sequence<C: ConnectionTrait>(conn: &C, table: &str) -> Result<(), DbErr> {
    if conn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    conn.execute_unprepared(&format!(
        "SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT MAX(id) FROM \"{table}\"))"
    ))
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_uses_the_backend_placeholders() {
        assert_eq!(
            insert_sql(DbBackend::Sqlite, "t", &["a", "b"], 2),
            "INSERT INTO \"t\" (\"a\", \"b\") VALUES (?, ?), (?, ?)"
        );
        assert_eq!(
            insert_sql(DbBackend::Postgres, "t", &["a", "b"], 2),
            "INSERT INTO \"t\" (\"a\", \"b\") VALUES ($1, $2), ($3, $4)"
        );
    }

    #[test]
    fn statements_stay_under_the_parameter_limit() {
        for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
            for columns in [1, 2, 7, 27] {
                let rows = rows_per_statement(backend, columns);
                assert!(rows * columns <= parameter_limit(backend));
                assert!(rows >= 1);
            }
        }
    }
}
