//! A limit on field aliases per request: without it one request can ask for the same costly
//! field hundreds of times under different names while staying under the complexity limit.

use crate::error::ApiError;
use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Selection, SelectionSet,
};
use async_graphql::{ServerResult, Variables};
use std::sync::Arc;

/// Refuses documents with more than `max` aliased fields.
pub struct AliasLimit(pub usize);

impl ExtensionFactory for AliasLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(AliasLimitExtension(self.0))
    }
}

struct AliasLimitExtension(usize);

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

#[async_graphql::async_trait::async_trait]
impl Extension for AliasLimitExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let found = aliases(&doc);
        if found > self.0 {
            let err = ApiError::bad(format!(
                "the query uses {found} aliases; at most {} are allowed",
                self.0
            ));
            let gql: async_graphql::Error = err.into();
            return Err(gql.into_server_error(Default::default()));
        }
        Ok(doc)
    }
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
