//! Response completion as the GraphQL spec defines it, over what async-graphql 7 returns.
//!
//! async-graphql resolves an object's fields concurrently and inserts each one as it finishes,
//! so keys come back in completion order, and it drops a field whose resolver failed (an
//! object all of whose fields failed becomes null). The spec wants keys in the order the
//! selection set names them (§6.3 CollectFields) and a failed field present as null, or,
//! where the field is non-null, its nearest nullable parent null (§6.4.4). Clients and code
//! generators rely on both. This pass restores them from the document, the schema's shape and
//! the errors' paths, in time linear in the response.
//!
//! Fragments apply whatever their type condition: the schema has no abstract types, so a
//! valid document only spreads fragments on the object they sit in, and a key the executor
//! did not produce is simply absent.

use super::shape::SchemaShape;
use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, OperationDefinition, OperationType,
    Selection, SelectionSet, Type,
};
use async_graphql::{Name, PathSegment, Response, Value};
use std::collections::HashSet;

/// Puts `response` in the spec's shape: nulls where fields failed, propagated to the nearest
/// nullable parent, and every object's keys in selection order. `operation` is the request's
/// operation name; a document or operation that cannot be found leaves the response as is.
pub fn complete(
    shape: &SchemaShape,
    doc: &ExecutableDocument,
    operation: Option<&str>,
    response: &mut Response,
) {
    let Some(op) = find_operation(doc, operation) else {
        return;
    };
    let root = match op.ty {
        OperationType::Query => shape.query.as_str(),
        OperationType::Mutation => match &shape.mutation {
            Some(m) => m.as_str(),
            None => return,
        },
        OperationType::Subscription => return,
    };
    let sets = [&op.selection_set.node];
    let paths: Vec<&[PathSegment]> = response
        .errors
        .iter()
        .map(|e| e.path.as_slice())
        .filter(|p| !p.is_empty())
        .collect();
    if paths.is_empty() && response.data == Value::Null {
        return;
    }
    // Every failed field first becomes null, then nulls move up: moving one up first could
    // hide a sibling's failure under a parent that a later insertion would bring back.
    for path in &paths {
        insert_null(&mut response.data, path);
    }
    for path in &paths {
        let nullable = nullability(shape, doc, root, &sets, path);
        match nullable.iter().rposition(|n| *n) {
            Some(at) => set_null(&mut response.data, &path[..=at]),
            None => response.data = Value::Null,
        }
    }
    order(&mut response.data, doc, &sets);
}

/// The operation the request runs, as the executor picks it.
fn find_operation<'a>(
    doc: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a OperationDefinition> {
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(&op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| &op.node),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| &op.node)
        }
        _ => None,
    }
}

/// One response key of a selection: the field it names and the selection sets below it
/// (several when the key is selected more than once).
struct Collected<'a> {
    name: &'a str,
    below: Vec<&'a SelectionSet>,
}

/// The response keys `sets` select, in order, fragments expanded once each (§6.3.2).
fn collect<'a>(
    doc: &'a ExecutableDocument,
    sets: &[&'a SelectionSet],
) -> IndexMap<&'a str, Collected<'a>> {
    fn visit<'a>(
        doc: &'a ExecutableDocument,
        set: &'a SelectionSet,
        seen: &mut HashSet<&'a str>,
        out: &mut IndexMap<&'a str, Collected<'a>>,
    ) {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(f) => {
                    let f = &f.node;
                    let entry = out
                        .entry(f.response_key().node.as_str())
                        .or_insert(Collected {
                            name: f.name.node.as_str(),
                            below: Vec::new(),
                        });
                    if !f.selection_set.node.items.is_empty() {
                        entry.below.push(&f.selection_set.node);
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    if seen.insert(name)
                        && let Some(fragment) = doc.fragments.get(name)
                    {
                        visit(doc, &fragment.node.selection_set.node, seen, out);
                    }
                }
                Selection::InlineFragment(inline) => {
                    visit(doc, &inline.node.selection_set.node, seen, out)
                }
            }
        }
    }
    let mut out = IndexMap::new();
    let mut seen = HashSet::new();
    for set in sets {
        visit(doc, set, &mut seen, &mut out);
    }
    out
}

/// Makes the value at `path` null, creating it in its object if the executor dropped it. An
/// object the executor turned into null because every field failed becomes an object again.
fn insert_null(data: &mut Value, path: &[PathSegment]) {
    let mut at = data;
    for (i, segment) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        match segment {
            PathSegment::Field(key) => {
                if *at == Value::Null {
                    *at = Value::Object(IndexMap::new());
                }
                let Value::Object(map) = at else { return };
                let key = Name::new(key);
                if last {
                    map.insert(key, Value::Null);
                    return;
                }
                match map.get_mut(&key) {
                    Some(next) => at = next,
                    None => return,
                }
            }
            PathSegment::Index(index) => {
                let Value::List(items) = at else { return };
                let Some(item) = items.get_mut(*index) else {
                    return;
                };
                if last {
                    *item = Value::Null;
                    return;
                }
                at = item;
            }
        }
    }
}

/// Makes the value at `path` null if the path still leads somewhere (an ancestor already
/// nulled by another error covers it).
fn set_null(data: &mut Value, path: &[PathSegment]) {
    let mut at = data;
    for segment in path {
        let next = match (segment, at) {
            (PathSegment::Field(key), Value::Object(map)) => map.get_mut(key.as_str()),
            (PathSegment::Index(index), Value::List(items)) => items.get_mut(*index),
            _ => None,
        };
        match next {
            Some(next) => at = next,
            None => return,
        }
    }
    *at = Value::Null;
}

/// Whether each value along `path` may be null, as the schema declares it. What the shape
/// does not know (introspection, a field outside the document) counts as nullable, so
/// propagation stops there rather than guess.
fn nullability(
    shape: &SchemaShape,
    doc: &ExecutableDocument,
    root: &str,
    sets: &[&SelectionSet],
    path: &[PathSegment],
) -> Vec<bool> {
    let mut out = Vec::with_capacity(path.len());
    let mut parent = root.to_owned();
    let mut sets: Vec<&SelectionSet> = sets.to_vec();
    let mut list: Option<&Type> = None;
    for segment in path {
        match segment {
            PathSegment::Field(key) => {
                let declared = collect(doc, &sets).swap_remove(key.as_str()).and_then(|c| {
                    let field = shape.field(&parent, c.name)?;
                    sets = c.below;
                    parent.clone_from(&field.ty);
                    Some(&field.declared)
                });
                let Some(declared) = declared else { break };
                out.push(declared.nullable);
                list = Some(declared);
            }
            PathSegment::Index(_) => {
                let Some(BaseType::List(item)) = list.map(|t| &t.base) else {
                    break;
                };
                out.push(item.nullable);
                list = Some(item);
            }
        }
    }
    out.resize(path.len(), true);
    out
}

/// Puts every object's keys in the order `sets` select them, all the way down.
fn order(value: &mut Value, doc: &ExecutableDocument, sets: &[&SelectionSet]) {
    let keys = collect(doc, sets);
    order_by(value, doc, &keys);
}

/// [`order`] with the selection already collected, shared by every item of a list.
fn order_by(value: &mut Value, doc: &ExecutableDocument, keys: &IndexMap<&str, Collected<'_>>) {
    match value {
        Value::List(items) => {
            for item in items {
                order_by(item, doc, keys);
            }
        }
        Value::Object(map) => {
            let mut old = std::mem::take(map);
            for (key, field) in keys {
                if let Some((name, mut inner)) = old.swap_remove_entry(*key) {
                    if !field.below.is_empty() {
                        order(&mut inner, doc, &field.below);
                    }
                    map.insert(name, inner);
                }
            }
            // Keys the document does not name (none, from a valid document) keep their place
            // after the rest rather than vanish.
            map.extend(old);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::ServerError;

    const SDL: &str = "
        type Query { a: A b: A! list: [A!] strict: [A!]! n: Int }
        type A { x: Int y: Int! z: Int inner: A child: A! }
        schema { query: Query }";

    fn run(query: &str, data: serde_json::Value, errors: &[&[PathSegment]]) -> serde_json::Value {
        let shape = SchemaShape::from_sdl(SDL);
        let doc = async_graphql::parser::parse_query(query).unwrap();
        let mut response = Response::new(Value::from_json(data).unwrap());
        response.errors = errors
            .iter()
            .map(|path| {
                let mut e = ServerError::new("refused", None);
                e.path = path.to_vec();
                e
            })
            .collect();
        complete(&shape, &doc, None, &mut response);
        response.data.into_json().unwrap()
    }

    fn f(key: &str) -> PathSegment {
        PathSegment::Field(key.into())
    }

    /// The keys of every object, depth first, as a string (a JSON map would sort them).
    fn keys(value: &Value) -> String {
        match value {
            Value::Object(map) => map
                .iter()
                .map(|(k, v)| match keys(v) {
                    inner if inner.is_empty() => k.to_string(),
                    inner => format!("{k}({inner})"),
                })
                .collect::<Vec<_>>()
                .join(","),
            Value::List(items) => items.iter().map(keys).collect::<Vec<_>>().join(";"),
            _ => String::new(),
        }
    }

    #[test]
    fn keys_follow_the_selection_through_aliases_fragments_and_lists() {
        let shape = SchemaShape::from_sdl(SDL);
        let doc = async_graphql::parser::parse_query(
            "{ n second: a { z ...F } list { ... on A { y x } } a { x } }
             fragment F on A { x y z }",
        )
        .unwrap();
        let data = async_graphql::value!({
            "list": [{"x": 1, "y": 2}, {"y": 3, "x": 4}],
            "a": {"x": 1},
            "second": {"y": 1, "x": 2, "z": 3},
            "n": 1,
        });
        let mut response = Response::new(data);
        complete(&shape, &doc, None, &mut response);
        assert_eq!(keys(&response.data), "n,second(z,x,y),list(y,x;y,x),a(x)");
    }

    #[test]
    fn a_failed_nullable_field_is_null() {
        let out = run(
            "{ a { x z } n }",
            serde_json::json!({"a": {"z": 1}, "n": 2}),
            &[&[f("a"), f("x")]],
        );
        assert_eq!(out, serde_json::json!({"a": {"x": null, "z": 1}, "n": 2}));
    }

    #[test]
    fn a_failed_non_null_field_nulls_its_nearest_nullable_parent() {
        let out = run(
            "{ a { inner { y x } x } }",
            serde_json::json!({"a": {"inner": {"x": 1}, "x": 2}}),
            &[&[f("a"), f("inner"), f("y")]],
        );
        assert_eq!(out, serde_json::json!({"a": {"inner": null, "x": 2}}));
        // Through non-null list items up to the nullable list.
        let out = run(
            "{ list { y } n }",
            serde_json::json!({"list": [{"y": 1}, {}], "n": 1}),
            &[&[f("list"), PathSegment::Index(1), f("y")]],
        );
        assert_eq!(out, serde_json::json!({"list": null, "n": 1}));
    }

    #[test]
    fn a_failure_under_non_null_roots_nulls_the_data() {
        let out = run(
            "{ b { child { y } } n }",
            serde_json::json!({"b": {"child": {}}, "n": 1}),
            &[&[f("b"), f("child"), f("y")]],
        );
        assert_eq!(out, serde_json::Value::Null);
        let out = run(
            "{ strict { x } }",
            serde_json::Value::Null,
            &[&[f("strict")]],
        );
        assert_eq!(out, serde_json::Value::Null);
    }

    #[test]
    fn an_object_whose_every_field_failed_is_an_object_of_nulls() {
        // async-graphql returns null for an object whose fields all failed, and no data
        // when every root field failed.
        let out = run(
            "{ a { x z } }",
            serde_json::json!({"a": null}),
            &[&[f("a"), f("x")], &[f("a"), f("z")]],
        );
        assert_eq!(out, serde_json::json!({"a": {"x": null, "z": null}}));
        let out = run(
            "{ a { x } n }",
            serde_json::Value::Null,
            &[&[f("a")], &[f("n")]],
        );
        assert_eq!(out, serde_json::json!({"a": null, "n": null}));
    }

    #[test]
    fn unknown_fields_count_as_nullable_and_requests_without_data_are_left_alone() {
        let out = run(
            "{ __schema { types { name } } n }",
            serde_json::json!({"__schema": null, "n": 1}),
            &[&[f("__schema"), f("types")]],
        );
        assert_eq!(
            out,
            serde_json::json!({"__schema": {"types": null}, "n": 1})
        );
        let out = run("{ n }", serde_json::Value::Null, &[]);
        assert_eq!(out, serde_json::Value::Null);
    }
}
