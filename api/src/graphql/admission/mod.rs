//! Admission: what a request's document may ask for, decided before the schema validates or
//! runs it, so a hostile document costs a scan and a parse at most.
//!
//! In order: tokens and bracket nesting on the raw text (bounding the parser), then on the
//! parsed document directives, depth, cost, aliases and root fields with every fragment spread
//! measured once ([`cost`]). The request's cost is returned so the server can charge it to the
//! caller's budget and report it in `extensions.cost`.

pub mod cost;
pub mod lexer;

use super::shape::SchemaShape;
use crate::error::ApiError;
use async_graphql::{Request, ServerError};

/// Deepest bracket nesting the parser is given (every legitimate query is far below).
const MAX_NESTING: usize = 64;

/// Who may introspect the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Introspection {
    /// Anyone, token or not (development, the demo).
    Public,
    /// Only callers with a valid token (production).
    Authenticated,
    /// Nobody.
    Off,
}

/// Limits on one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryLimits {
    /// Deepest field nesting, introspection excluded.
    pub depth: usize,
    /// Highest cost (see [`cost`]).
    pub cost: u64,
    /// Most aliased fields, fragments expanded.
    pub aliases: usize,
    /// Most directives written in the document.
    pub directives: usize,
    /// Most root fields in one operation, fragments expanded.
    pub root_fields: usize,
    /// Most lexical tokens in the document.
    pub tokens: usize,
    /// Who may introspect.
    pub introspection: Introspection,
}

impl Default for QueryLimits {
    fn default() -> Self {
        Self {
            depth: 12,
            cost: 5_000,
            aliases: 30,
            directives: 50,
            root_fields: 20,
            tokens: 2_000,
            introspection: Introspection::Public,
        }
    }
}

/// The admission check, with the schema's shape read once.
pub struct Admission {
    shape: SchemaShape,
    limits: QueryLimits,
}

impl Admission {
    /// An admission check for the schema described by `sdl`.
    pub fn new(sdl: &str, limits: QueryLimits) -> Self {
        Self {
            shape: SchemaShape::from_sdl(sdl),
            limits,
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &QueryLimits {
        &self.limits
    }

    /// The schema's shape, read once for the check and shared with response completion.
    pub fn shape(&self) -> &SchemaShape {
        &self.shape
    }

    /// Refuses `request` if it asks for more than the limits allow (or introspects where the
    /// policy does not let this caller), else returns its cost. The parse is kept in the
    /// request for the schema to reuse.
    pub fn admit(&self, request: &mut Request, authenticated: bool) -> Result<u64, ServerError> {
        let l = &self.limits;
        let text = lexer::scan(&request.query, l.tokens, MAX_NESTING);
        if text.tokens > l.tokens {
            return refuse(format!(
                "the document has more than {} tokens; send large inputs as variables",
                l.tokens
            ));
        }
        if text.nesting > MAX_NESTING {
            return refuse(format!(
                "the document nests brackets more than {MAX_NESTING} deep"
            ));
        }
        // The measure reads the variables while the parse borrows the request: lend them
        // rather than copy an ingest batch on every request.
        let variables = std::mem::take(&mut request.variables);
        let verdict = request
            .parsed_query()
            .and_then(|doc| self.judge(doc, &variables, authenticated));
        request.variables = variables;
        verdict
    }

    /// The document-level checks of [`Admission::admit`].
    fn judge(
        &self,
        doc: &async_graphql::parser::types::ExecutableDocument,
        variables: &async_graphql::Variables,
        authenticated: bool,
    ) -> Result<u64, ServerError> {
        let l = &self.limits;
        let allowed = match l.introspection {
            Introspection::Public => true,
            Introspection::Authenticated => authenticated,
            Introspection::Off => false,
        };
        let directives = cost::directives(doc);
        if directives > l.directives {
            return refuse(format!(
                "the document has {directives} directives; at most {} are allowed",
                l.directives
            ));
        }
        let m = cost::measure(doc, &self.shape, variables).map_err(|e| match e {
            cost::Unmeasurable::FragmentCycle(name) => {
                bad(format!("fragment `{name}` spreads itself"))
            }
        })?;
        if !allowed && m.introspection_depth > 0 {
            let err = match l.introspection {
                Introspection::Off => {
                    ApiError::Forbidden("introspection is off on this server".into())
                }
                _ => ApiError::Unauthenticated(
                    "introspection needs a valid token here: send `Authorization: Bearer <token>`"
                        .into(),
                ),
            };
            let err: async_graphql::Error = err.into();
            return Err(err.into_server_error(Default::default()));
        }
        if m.depth as usize > l.depth {
            return refuse(format!(
                "the query is nested {} levels deep; at most {} are allowed",
                m.depth, l.depth
            ));
        }
        if m.introspection_depth > cost::MAX_INTROSPECTION_DEPTH
            || m.introspection_lists > cost::MAX_INTROSPECTION_LISTS
        {
            return refuse(format!(
                "the introspection query nests {} levels and {} lists; at most {} and {} are allowed",
                m.introspection_depth,
                m.introspection_lists,
                cost::MAX_INTROSPECTION_DEPTH,
                cost::MAX_INTROSPECTION_LISTS
            ));
        }
        if m.cost > l.cost {
            return refuse(format!(
                "the query would cost {} points; at most {} are allowed (a connection's `first` \
                 multiplies the cost of what it selects: ask for smaller pages or fewer fields)",
                m.cost, l.cost
            ));
        }
        if m.aliases as usize > l.aliases {
            return refuse(format!(
                "the query uses {} aliases; at most {} are allowed",
                m.aliases, l.aliases
            ));
        }
        if m.fields as usize > l.root_fields {
            return refuse(format!(
                "the operation has {} root fields; at most {} are allowed",
                m.fields, l.root_fields
            ));
        }
        Ok(m.cost.max(1))
    }
}

fn bad(message: String) -> ServerError {
    let err: async_graphql::Error = ApiError::bad(message).into();
    err.into_server_error(Default::default())
}

fn refuse<T>(message: String) -> Result<T, ServerError> {
    Err(bad(message))
}
