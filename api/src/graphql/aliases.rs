//! A limit on field aliases per request: without it one request can ask for the same costly
//! field hundreds of times under different names while staying under the complexity limit.

use crate::error::ApiError;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Selection, SelectionSet,
};
use async_graphql::{Request, ServerError};

fn count(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(f) => {
                usize::from(f.node.alias.is_some()) + count(&f.node.selection_set.node)
            }
            Selection::InlineFragment(f) => count(&f.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

/// Aliased fields in every operation and fragment of a document.
pub fn aliases(doc: &ExecutableDocument) -> usize {
    let operations: usize = match &doc.operations {
        DocumentOperations::Single(op) => count(&op.node.selection_set.node),
        DocumentOperations::Multiple(ops) => ops
            .values()
            .map(|op| count(&op.node.selection_set.node))
            .sum(),
    };
    operations
        + doc
            .fragments
            .values()
            .map(|f| count(&f.node.selection_set.node))
            .sum::<usize>()
}

/// Parses the request's document (the schema reuses the parse) and refuses it if it has more
/// than `max` aliased fields. Checked here, before execution, rather than in a schema extension:
/// any extension sends every field of every response through async-graphql's slow resolve
/// path, which cost more than the rest of a creators page.
pub fn check(request: &mut Request, max: usize) -> Result<(), ServerError> {
    let found = aliases(request.parsed_query()?);
    if found > max {
        let err: async_graphql::Error = ApiError::bad(format!(
            "the query uses {found} aliases; at most {max} are allowed"
        ))
        .into();
        return Err(err.into_server_error(Default::default()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_nested_aliases() {
        let doc = async_graphql::parser::parse_query(
            "{ a: me { role } b: me { r: role } ... on Query { c: markets { code } } }",
        )
        .unwrap();
        assert_eq!(super::aliases(&doc), 4);
    }
}
