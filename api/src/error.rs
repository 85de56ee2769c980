//! The API's error vocabulary. Every error that reaches a client carries one of seven codes in
//! `extensions.code` and a message that says what to fix; database and internal details are
//! logged, never sent.

use async_graphql::ErrorExtensions;

/// A client-facing failure.
///
/// Deliberately not `Display`: async-graphql converts any `Display` error into a GraphQL error
/// without a code, so keeping `Display` off forces every conversion through the `From` below.
#[derive(Debug)]
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
    /// Anything else; the detail goes to the log only.
    Internal(String),
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
            Self::Internal(_) => "internal error; the request was logged",
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
        tracing::error!(error = %err, "database error");
        Self::Internal(err.to_string())
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

impl From<ApiError> for async_graphql::Error {
    fn from(err: ApiError) -> Self {
        let code = err.code();
        async_graphql::Error::new(err.message()).extend_with(|_, e| {
            e.set("code", code);
            if let ApiError::Invalid { index, field, .. } = &err {
                e.set("index", *index as u64);
                e.set("field", field.as_str());
            }
        })
    }
}

/// Result of a resolver or store call.
pub type ApiResult<T> = Result<T, ApiError>;
