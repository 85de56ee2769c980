//! The API's error vocabulary. Every error that reaches a client carries one of seven codes in
//! `extensions.code` and a message that says what to fix; database and internal details are
//! logged, never sent.
//!
//! An internal fault keeps its cause as an error with its source chain ([`InternalError`]),
//! not a flattened string, and travels to the edge inside the GraphQL error's `source`: the
//! server logs it there once, inside the request's span, with the request id and the field's
//! path (see `server::normalise_errors`). Nothing on the way logs it, so nothing logs it twice.

use async_graphql::ErrorExtensions;
use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

/// What a client is told of a fault of ours.
pub const INTERNAL_MESSAGE: &str = "internal error; the request was logged";

/// A client-facing failure.
///
/// Deliberately not `Display`: async-graphql converts any `Display` error into a GraphQL error
/// without a code, so keeping `Display` off forces every conversion through the `From` below.
/// `Clone` so that an error shared by the fields a DataLoader served reaches each of them.
#[derive(Debug, Clone)]
pub enum ApiError {
    /// The request is malformed or a value is out of range.
    BadInput(String),
    /// One item of a batch is invalid: which item, which field, and why.
    Invalid {
        index: usize,
        field: String,
        message: String,
    },
    /// No token, or a token that does not verify.
    Unauthenticated(String),
    /// A valid caller asking for something outside its role or scope.
    Forbidden(String),
    /// The named thing does not exist (or is not visible to the caller).
    NotFound(String),
    /// The request clashes with the current state (duplicate, illegal move).
    Conflict(String),
    /// A concurrent write to the same rows won (a unique key taken meanwhile, a serialization
    /// failure, a lock not granted in time): the same request may succeed if sent again.
    /// Batches retry it themselves before it reaches a client, as a CONFLICT.
    Contended(String),
    /// The caller's budget of cost points cannot pay for the request now (HTTP 429).
    Throttled(String),
    /// The database cannot serve the request (down, restarting, every connection busy, out of
    /// disk, read-only): what the client is told, and the detail for the log.
    Unavailable(&'static str, String),
    /// Anything else; the cause goes to the log only.
    Internal(InternalError),
}

/// A fault of ours: what the server was doing, and the error that stopped it (none when
/// stored data or the code broke an invariant on its own).
///
/// `Display` says what the server was doing; the cause is the `source`, so a log or an
/// `anyhow` report shows the whole chain ([`InternalError::chain`]).
#[derive(Debug, Clone)]
pub struct InternalError {
    doing: String,
    source: Option<Arc<dyn StdError + Send + Sync>>,
}

impl InternalError {
    /// What the server was doing and every cause under it, joined by `": "`, for the log.
    pub fn chain(&self) -> String {
        let causes = std::iter::successors(StdError::source(self), |e| (*e).source());
        joined(std::iter::once(self.doing.clone()).chain(causes.map(|e| e.to_string())))
    }
}

/// Joins an error's messages, outermost first, with `": "`, leaving out each one the text so
/// far already holds: most wrappers print their source in their own message as well
/// (sea-orm's `Connection Error: {0}`, sqlx's `error communicating with database: {0}`), so
/// a plain walk of the chain says every cause two or three times.
pub fn joined(messages: impl IntoIterator<Item = String>) -> String {
    let mut out = String::new();
    for message in messages {
        if message.is_empty() || out.contains(&message) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&message);
    }
    out
}

impl fmt::Display for InternalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.doing)
    }
}

impl StdError for InternalError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

impl ApiError {
    /// The `extensions.code` of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadInput(_) | Self::Invalid { .. } => "BAD_USER_INPUT",
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::NotFound(_) => "NOT_FOUND",
            Self::Conflict(_) | Self::Contended(_) => "CONFLICT",
            Self::Throttled(_) => "RATE_LIMITED",
            Self::Unavailable(..) | Self::Internal(_) => "INTERNAL",
        }
    }

    /// The message a client sees.
    pub fn message(&self) -> &str {
        match self {
            Self::BadInput(m)
            | Self::Unauthenticated(m)
            | Self::Forbidden(m)
            | Self::NotFound(m)
            | Self::Conflict(m)
            | Self::Throttled(m) => m,
            Self::Invalid { message, .. } => message,
            Self::Contended(_) => {
                "a concurrent write changed the same rows first; send the request again"
            }
            Self::Unavailable(why, _) => why,
            Self::Internal(_) => INTERNAL_MESSAGE,
        }
    }

    /// What an operator is told, at the terminal (the CLI) or in the log of a background job:
    /// the client's message, except that an internal fault shows its whole cause chain.
    pub fn operator_message(&self) -> String {
        match self {
            Self::Internal(cause) => cause.chain(),
            other => other.message().to_owned(),
        }
    }

    /// An invalid batch item; the message names the item and field first.
    pub fn invalid(index: usize, field: &str, why: impl std::fmt::Display) -> Self {
        Self::Invalid {
            index,
            field: field.to_owned(),
            message: format!("items[{index}].{field}: {why}"),
        }
    }

    /// A fault of ours caused by `source` while the server was `doing` something ("reading
    /// the stored calibration of US"). The client is told only that it was logged.
    pub fn internal(
        doing: impl Into<String>,
        source: impl StdError + Send + Sync + 'static,
    ) -> Self {
        Self::Internal(InternalError {
            doing: doing.into(),
            source: Some(Arc::new(source)),
        })
    }

    /// A fault of ours with no error beneath it: stored data or the code broke an invariant
    /// ("dangling reference to 7").
    pub fn invariant(what: impl Into<String>) -> Self {
        Self::Internal(InternalError {
            doing: what.into(),
            source: None,
        })
    }

    /// Shorthand for a bad-input error.
    pub fn bad(msg: impl Into<String>) -> Self {
        Self::BadInput(msg.into())
    }

    /// Shorthand for a not-found error naming the kind and id.
    pub fn not_found(kind: &str, id: impl std::fmt::Display) -> Self {
        Self::NotFound(format!("no {kind} with id {id}"))
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        if crate::db::is_contention(&err) {
            tracing::info!(error = %err, "write contention");
            return Self::Contended(err.to_string());
        }
        if let Some(why) = crate::db::outage(&err) {
            tracing::warn!(error = %err, "database unavailable");
            return Self::Unavailable(why, err.to_string());
        }
        Self::internal("querying the database", err)
    }
}

impl From<sea_orm::TransactionError<ApiError>> for ApiError {
    fn from(err: sea_orm::TransactionError<ApiError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(api) => api,
        }
    }
}

/// The client's view (code, message, batch position) with the whole error kept as the
/// `source`: the mark that the error is ours, and the cause the edge logs.
impl From<ApiError> for async_graphql::Error {
    fn from(err: ApiError) -> Self {
        let code = err.code();
        #[allow(clippy::disallowed_methods)] // the one place an error gets its code and source
        let mut out = async_graphql::Error::new(err.message()).extend_with(|_, e| {
            e.set("code", code);
            if let ApiError::Invalid { index, field, .. } = &err {
                e.set("index", *index as u64);
                e.set("field", field.as_str());
            }
        });
        out.source = Some(Arc::new(err));
        out
    }
}

/// Result of a resolver or store call.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_its_wrapper_already_prints_is_said_once() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused");
        let sqlx = sea_orm::sqlx::Error::Io(io);
        let db = sea_orm::DbErr::Conn(sea_orm::RuntimeErr::SqlxError(Arc::new(sqlx)));
        let ApiError::Internal(cause) = ApiError::internal("connecting", db) else {
            unreachable!()
        };
        assert_eq!(
            cause.chain(),
            "connecting: Connection Error: error communicating with database: Connection refused"
        );
    }
}
