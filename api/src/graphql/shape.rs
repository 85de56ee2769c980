//! What the admission check and response completion need to know of the schema: for each
//! object type's field, the type it returns (with its lists and non-nulls), whether that is a
//! list, and whether the list is paged by `first`/`last`. Read once from the schema's own SDL,
//! so it cannot drift from the resolvers.

use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};
use std::collections::HashMap;

/// One field of an object or interface type.
#[derive(Debug, Clone)]
pub struct FieldShape {
    /// The named type the field returns, lists and non-null stripped.
    pub ty: String,
    /// The field returns a list.
    pub list: bool,
    /// The field takes `first` or `last`: its size is the client's to choose.
    pub paged: bool,
    /// The returned type has fields of its own (an object, not a scalar or enum).
    pub object: bool,
    /// The type as declared, lists and non-nulls included (`[Creator!]!`).
    pub declared: Type,
}

/// Field shapes by type name, then field name.
#[derive(Debug, Default)]
pub struct SchemaShape {
    types: HashMap<String, HashMap<String, FieldShape>>,
    pub query: String,
    pub mutation: Option<String>,
}

impl SchemaShape {
    /// Reads the shape of the schema described by `sdl`.
    pub fn from_sdl(sdl: &str) -> Self {
        let Ok(doc) = async_graphql::parser::parse_schema(sdl) else {
            return Self::default();
        };
        let mut shape = Self {
            query: "Query".into(),
            ..Self::default()
        };
        let mut raw = Vec::new();
        for def in doc.definitions {
            match def {
                TypeSystemDefinition::Schema(s) => {
                    if let Some(q) = &s.node.query {
                        shape.query = q.node.to_string();
                    }
                    shape.mutation = s.node.mutation.as_ref().map(|m| m.node.to_string());
                }
                TypeSystemDefinition::Type(t) => {
                    let fields = match &t.node.kind {
                        TypeKind::Object(o) => &o.fields,
                        TypeKind::Interface(i) => &i.fields,
                        _ => continue,
                    };
                    let fields: Vec<_> = fields
                        .iter()
                        .map(|f| {
                            let paged = f
                                .node
                                .arguments
                                .iter()
                                .any(|a| matches!(a.node.name.node.as_str(), "first" | "last"));
                            let (ty, list) = named(&f.node.ty.node);
                            let declared = f.node.ty.node.clone();
                            (f.node.name.node.to_string(), ty, list, paged, declared)
                        })
                        .collect();
                    raw.push((t.node.name.node.to_string(), fields));
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        let objects: std::collections::HashSet<String> =
            raw.iter().map(|(name, _)| name.clone()).collect();
        for (name, fields) in raw {
            let fields = fields
                .into_iter()
                .map(|(field, ty, list, paged, declared)| {
                    let object = objects.contains(&ty);
                    (
                        field,
                        FieldShape {
                            ty,
                            list,
                            paged,
                            object,
                            declared,
                        },
                    )
                })
                .collect();
            shape.types.insert(name, fields);
        }
        shape
    }

    /// The shape of `ty.field`, if the schema has it.
    pub fn field(&self, ty: &str, field: &str) -> Option<&FieldShape> {
        self.types.get(ty)?.get(field)
    }

    /// Whether the schema defines `ty` as an object or interface type.
    pub fn has_type(&self, ty: &str) -> bool {
        self.types.contains_key(ty)
    }
}

/// The named type under any lists and non-nulls, and whether there was a list.
fn named(ty: &Type) -> (String, bool) {
    match &ty.base {
        BaseType::Named(name) => (name.to_string(), false),
        BaseType::List(inner) => (named(inner).0, true),
    }
}

#[cfg(test)]
mod tests {
    use super::SchemaShape;

    #[test]
    fn reads_fields_lists_and_paging() {
        let shape = SchemaShape::from_sdl(
            "type Query { a(first: Int): AConnection! b: [B!]! n: Int }
             type AConnection { edges: [B!]! } type B { tags: [String!]! }
             schema { query: Query }",
        );
        let a = shape.field("Query", "a").unwrap();
        assert!(!a.list && a.paged && a.object && a.ty == "AConnection");
        let b = shape.field("Query", "b").unwrap();
        assert!(b.list && !b.paged && b.object);
        let tags = shape.field("B", "tags").unwrap();
        assert!(tags.list && !tags.object);
        assert_eq!(tags.declared.to_string(), "[String!]!");
        assert!(shape.field("Query", "zz").is_none());
        assert_eq!(shape.query, "Query");
    }
}
