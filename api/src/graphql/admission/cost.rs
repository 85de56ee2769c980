//! The shape of a parsed document, measured before validation or execution: depth, cost,
//! aliases, root fields and directives, with every fragment spread expanded.
//!
//! Each fragment is measured once per context and its figures reused at every spread, so the
//! measurement is linear in the document even when fragments spread each other twice per
//! level (the expansion that would be exponential for the validator and the executor); a
//! fragment that spreads itself is refused here.
//!
//! Cost counts what the server will build, the way Shopify's and GitHub's APIs do: one point per
//! object (a scalar or enum costs nothing), a connection or list multiplies what it selects by
//! its page size (`first`/`last`, else the default page; an unpaged list by
//! [`UNPAGED_LIST`]), multiplied through the nesting, and a field that ranks (matching,
//! prospect suggestions) costs [`weight`] points more per call. Introspection (`__schema`,
//! `__type`) is counted flat, does not count toward the depth limit (graphql-js's standard
//! introspection query is 15 levels deep) and is bounded instead by its own depth and by the
//! nesting of its lists.

use crate::graphql::pagination::{DEFAULT_PAGE, MAX_PAGE};
use crate::graphql::shape::SchemaShape;
use async_graphql::Variables;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Field, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Value};
use std::collections::{HashMap, HashSet};

/// Assumed length of a list the client cannot size (a creator's niches, a score's components).
pub const UNPAGED_LIST: u64 = 10;
/// Deepest introspection nesting (the standard query needs 13 below `__schema`).
pub const MAX_INTROSPECTION_DEPTH: u32 = 16;
/// Most nested introspection lists (`types { fields { args } }` is the standard query's 3).
pub const MAX_INTROSPECTION_LISTS: u32 = 3;

/// Introspection fields that return lists.
const INTROSPECTION_LISTS: &[&str] = &[
    "types",
    "directives",
    "fields",
    "args",
    "inputFields",
    "interfaces",
    "possibleTypes",
    "enumValues",
];

/// Extra points per call of fields whose resolver ranks a population rather than reading rows.
const WEIGHTS: &[(&str, &str, u64)] = &[
    ("Brand", "creatorMatches", 50),
    ("Creator", "lookalikes", 50),
    ("Query", "prospectSuggestions", 50),
    ("Query", "funnel", 20),
];

/// The extra points of `ty.field` (see [`WEIGHTS`]).
pub fn weight(ty: &str, field: &str) -> u64 {
    WEIGHTS
        .iter()
        .find(|(t, f, _)| *t == ty && *f == field)
        .map_or(0, |w| w.2)
}

/// Figures of one selection set, relative to it (its caller applies its own multiplier).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Points, see the module docs.
    pub cost: u64,
    /// Levels of fields below, introspection excluded.
    pub depth: u32,
    /// Levels of introspection fields below.
    pub introspection_depth: u32,
    /// Nested introspection lists below.
    pub introspection_lists: u32,
    /// Aliased fields, fragments expanded.
    pub aliases: u64,
    /// Fields at this level, fragments expanded (at the root: the root fields).
    pub fields: u64,
}

impl Summary {
    fn add(&mut self, other: Summary) {
        self.cost = self.cost.saturating_add(other.cost);
        self.depth = self.depth.max(other.depth);
        self.introspection_depth = self.introspection_depth.max(other.introspection_depth);
        self.introspection_lists = self.introspection_lists.max(other.introspection_lists);
        self.aliases = self.aliases.saturating_add(other.aliases);
        self.fields = self.fields.saturating_add(other.fields);
    }
}

/// Why a document could not be measured.
#[derive(Debug, PartialEq, Eq)]
pub enum Unmeasurable {
    /// A fragment spreads itself, directly or through others.
    FragmentCycle(String),
}

/// The measure of a whole document: the largest figures of any operation or fragment
/// definition (the validator visits all of them, the executor one operation).
pub fn measure(
    doc: &ExecutableDocument,
    shape: &SchemaShape,
    variables: &Variables,
) -> Result<Summary, Unmeasurable> {
    let mut walk = Walk {
        doc,
        shape,
        variables,
        defaults: HashMap::new(),
        memo: HashMap::new(),
        open: HashSet::new(),
    };
    let mut worst = Summary::default();
    for op in operations(doc) {
        walk.defaults = op
            .variable_definitions
            .iter()
            .filter_map(|v| {
                let default = v.node.default_value.as_ref()?;
                Some((v.node.name.node.clone(), default.node.clone()))
            })
            .collect();
        let root = match op.ty {
            async_graphql::parser::types::OperationType::Mutation => {
                shape.mutation.clone().unwrap_or_default()
            }
            _ => shape.query.clone(),
        };
        worst = larger(worst, walk.set(&op.selection_set.node, &root, false)?);
    }
    walk.defaults.clear();
    for (name, fragment) in &doc.fragments {
        let on = fragment.node.type_condition.node.on.node.as_str();
        // Fragments on introspection types are only ever spread inside introspection.
        worst = larger(worst, walk.fragment(name, on, on.starts_with("__"))?);
    }
    Ok(worst)
}

/// Every operation of a document.
fn operations(doc: &ExecutableDocument) -> impl Iterator<Item = &OperationDefinition> {
    let (single, multiple) = match &doc.operations {
        DocumentOperations::Single(op) => (Some(&op.node), None),
        DocumentOperations::Multiple(ops) => (None, Some(ops.values().map(|op| &op.node))),
    };
    single.into_iter().chain(multiple.into_iter().flatten())
}

/// Figure by figure, the larger of two summaries.
fn larger(a: Summary, b: Summary) -> Summary {
    Summary {
        cost: a.cost.max(b.cost),
        depth: a.depth.max(b.depth),
        introspection_depth: a.introspection_depth.max(b.introspection_depth),
        introspection_lists: a.introspection_lists.max(b.introspection_lists),
        aliases: a.aliases.max(b.aliases),
        fields: a.fields.max(b.fields),
    }
}

/// Directives written in the document (each once, where it is written).
pub fn directives(doc: &ExecutableDocument) -> usize {
    fn set(s: &SelectionSet) -> usize {
        s.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(f) => f.node.directives.len() + set(&f.node.selection_set.node),
                Selection::InlineFragment(f) => {
                    f.node.directives.len() + set(&f.node.selection_set.node)
                }
                Selection::FragmentSpread(f) => f.node.directives.len(),
            })
            .sum()
    }
    let operations: usize = operations(doc)
        .map(|op| op.directives.len() + set(&op.selection_set.node))
        .sum();
    operations
        + doc
            .fragments
            .values()
            .map(|f| f.node.directives.len() + set(&f.node.selection_set.node))
            .sum::<usize>()
}

struct Walk<'a> {
    doc: &'a ExecutableDocument,
    shape: &'a SchemaShape,
    variables: &'a Variables,
    /// Default values of the current operation's variables.
    defaults: HashMap<Name, Value>,
    /// Fragment figures by name and whether they are inside introspection.
    memo: HashMap<(&'a str, bool), Summary>,
    /// Fragments being measured, to find cycles.
    open: HashSet<&'a str>,
}

impl<'a> Walk<'a> {
    fn set(
        &mut self,
        set: &'a SelectionSet,
        ty: &str,
        intro: bool,
    ) -> Result<Summary, Unmeasurable> {
        let mut sum = Summary::default();
        for item in &set.items {
            let part = match &item.node {
                Selection::Field(f) => self.field(&f.node, ty, intro)?,
                Selection::InlineFragment(f) => {
                    let on = f
                        .node
                        .type_condition
                        .as_ref()
                        .map_or(ty, |c| c.node.on.node.as_str());
                    self.set(&f.node.selection_set.node, on, intro)?
                }
                Selection::FragmentSpread(s) => {
                    let name = s.node.fragment_name.node.as_str();
                    match self.doc.fragments.get(name) {
                        Some(def) => {
                            let on = def.node.type_condition.node.on.node.as_str();
                            // The memo key borrows the document's own name.
                            let (key, _) = self.doc.fragments.get_key_value(name).expect("present");
                            self.fragment(key, on, intro)?
                        }
                        // Unknown fragments are the validator's to report.
                        None => Summary::default(),
                    }
                }
            };
            sum.add(part);
        }
        Ok(sum)
    }

    fn fragment(&mut self, name: &'a Name, on: &str, intro: bool) -> Result<Summary, Unmeasurable> {
        if let Some(done) = self.memo.get(&(name.as_str(), intro)) {
            return Ok(*done);
        }
        if !self.open.insert(name.as_str()) {
            return Err(Unmeasurable::FragmentCycle(name.to_string()));
        }
        let def = &self.doc.fragments[name];
        let summary = self.set(&def.node.selection_set.node, on, intro)?;
        self.open.remove(name.as_str());
        self.memo.insert((name.as_str(), intro), summary);
        Ok(summary)
    }

    fn field(&mut self, f: &'a Field, parent: &str, intro: bool) -> Result<Summary, Unmeasurable> {
        let name = f.name.node.as_str();
        let alias = u64::from(f.alias.is_some());
        if name == "__typename" {
            return Ok(Summary {
                aliases: alias,
                fields: 1,
                ..Summary::default()
            });
        }
        let subfields = !f.selection_set.node.items.is_empty();
        if intro || name == "__schema" || name == "__type" {
            let child = self.set(&f.selection_set.node, "", true)?;
            return Ok(Summary {
                cost: u64::from(subfields).saturating_add(child.cost),
                depth: 1,
                introspection_depth: child.introspection_depth + 1,
                introspection_lists: child.introspection_lists
                    + u32::from(INTROSPECTION_LISTS.contains(&name)),
                aliases: alias.saturating_add(child.aliases),
                fields: 1,
            });
        }
        let shape = self.shape.field(parent, name);
        let ty = shape.map_or("", |s| s.ty.as_str());
        let child = self.set(&f.selection_set.node, ty, false)?;
        let size = match shape {
            Some(s) if s.paged => self.page_size(f),
            Some(s) if s.list && !parent.ends_with("Connection") => UNPAGED_LIST,
            _ => 1,
        };
        let own = u64::from(shape.is_some_and(|s| s.object) || (shape.is_none() && subfields));
        // A list's elements are objects each; a connection is one object sizing its edges.
        let cost = if shape.is_some_and(|s| s.list) {
            size.saturating_mul(own + child.cost)
        } else {
            own.saturating_add(size.saturating_mul(child.cost))
        };
        Ok(Summary {
            cost: cost.saturating_add(weight(parent, name)),
            depth: child.depth + 1,
            introspection_depth: child.introspection_depth,
            introspection_lists: child.introspection_lists,
            aliases: alias.saturating_add(child.aliases),
            fields: 1,
        })
    }

    /// The page a field asks for: its `first` or `last`, else the default page, within the
    /// largest page a resolver serves.
    fn page_size(&self, f: &Field) -> u64 {
        let asked = f
            .arguments
            .iter()
            .filter(|(n, _)| matches!(n.node.as_str(), "first" | "last"))
            .filter_map(|(_, v)| v.node.clone().into_const_with(|n| self.variable(&n)).ok())
            .filter_map(|v| match v {
                Value::Number(n) => n.as_i64(),
                _ => None,
            })
            .max();
        let size = asked.unwrap_or(i64::from(DEFAULT_PAGE));
        size.clamp(0, i64::from(MAX_PAGE)) as u64
    }

    /// A variable's value from the request, else its default; unknown ones are the
    /// validator's to report.
    fn variable(&self, name: &Name) -> Result<Value, ()> {
        self.variables
            .get(name)
            .or_else(|| self.defaults.get(name))
            .cloned()
            .ok_or(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDL: &str = "type Query { creators(first: Int): CreatorConnection! me: Me n: Int }
        type Me { role: String }
        type CreatorConnection { edges: [CreatorEdge!]! totalCount: Int! }
        type CreatorEdge { node: Creator! }
        type Creator { handle: String niches: [Niche!]! lookalikes(first: Int): CreatorConnection! }
        type Niche { name: String }
        schema { query: Query }";

    fn measure_text(query: &str, variables: serde_json::Value) -> Result<Summary, Unmeasurable> {
        let shape = SchemaShape::from_sdl(SDL);
        let doc = async_graphql::parser::parse_query(query).unwrap();
        measure(&doc, &shape, &Variables::from_json(variables))
    }

    #[test]
    fn pages_multiply_through_nesting() {
        let page = measure_text(
            "{ creators(first: 10) { totalCount edges { node { handle niches { name } } } } }",
            serde_json::json!({}),
        )
        .unwrap();
        // 1 (connection) + 10 x (edge 1 + node 1 + 10 niches x 1)
        assert_eq!(page.cost, 1 + 10 * (1 + 1 + 10));
        assert_eq!(page.depth, 5);
        let nested = measure_text(
            "query($n: Int) { creators(first: $n) { edges { node { lookalikes(first: 100) { edges { node { handle } } } } } } }",
            serde_json::json!({"n": 100}),
        )
        .unwrap();
        assert_eq!(nested.cost, 1 + 100 * (2 + 1 + 50 + 100 * 2));
    }

    #[test]
    fn the_default_page_applies_when_first_is_missing() {
        let page = measure_text(
            "{ creators { edges { node { handle } } } }",
            serde_json::json!({}),
        )
        .unwrap();
        assert_eq!(page.cost, 1 + u64::try_from(DEFAULT_PAGE).unwrap() * 2);
    }

    #[test]
    fn doubling_fragments_are_measured_in_linear_time() {
        let mut q = String::from("{ ...F0 }");
        for i in 0..60 {
            q.push_str(&format!(
                " fragment F{i} on Query {{ me {{ role }} ...F{} ...F{} }}",
                i + 1,
                i + 1
            ));
        }
        q.push_str(" fragment F60 on Query { me { role } }");
        let s = measure_text(&q, serde_json::json!({})).unwrap();
        assert_eq!(s.cost, (1 << 61) - 1);
    }

    #[test]
    fn repeated_fields_count_every_copy() {
        let q = format!("{{ {} }}", "me { role } ".repeat(1000));
        let s = measure_text(&q, serde_json::json!({})).unwrap();
        assert_eq!((s.cost, s.fields), (1000, 1000));
    }

    #[test]
    fn fragment_cycles_are_refused() {
        let err = measure_text(
            "{ ...A } fragment A on Query { ...B } fragment B on Query { me { role } ...A }",
            serde_json::json!({}),
        )
        .unwrap_err();
        assert!(matches!(err, Unmeasurable::FragmentCycle(_)));
    }

    #[test]
    fn introspection_is_flat_and_bounded_by_its_lists() {
        let s = measure_text(
            "{ __schema { types { name fields { name args { name type { kind ofType { kind } } } } } } }",
            serde_json::json!({}),
        )
        .unwrap();
        assert_eq!((s.depth, s.introspection_lists), (1, 3));
        assert_eq!(s.introspection_depth, 7);
        let deep = measure_text(
            "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
            serde_json::json!({}),
        )
        .unwrap();
        assert_eq!(deep.introspection_lists, 4);
    }

    #[test]
    fn aliases_and_directives_are_counted() {
        let doc = async_graphql::parser::parse_query(
            "{ a: me { r: role } ... on Query { c: me @skip(if: false) { role } } }",
        )
        .unwrap();
        assert_eq!(directives(&doc), 1);
        let s = measure(&doc, &SchemaShape::from_sdl(SDL), &Variables::default()).unwrap();
        assert_eq!((s.aliases, s.fields), (3, 2));
    }

    #[test]
    fn weights_name_fields_of_the_schema() {
        let shape = SchemaShape::from_sdl(&crate::graphql::sdl());
        for (ty, field, _) in WEIGHTS {
            assert!(
                shape.field(ty, field).is_some(),
                "{ty}.{field} is not in the schema"
            );
        }
    }
}
