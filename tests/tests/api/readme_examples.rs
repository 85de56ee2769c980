//! The README's GraphQL examples run as written: every ```graphql block of README.md, split
//! into its operations, answers on a seeded demo with data and without errors.
//!
//! Rules a README example follows:
//! - a block holds one or more operations, each starting at the top level (`{`, `query`,
//!   `mutation`) and ending where its braces close; `#` lines are comments;
//! - an operation runs with the admin token, unless a comment line before it says
//!   `# as brand`, `# as shop`, `# as scout` or `# as admin` (the demo's token of that role);
//! - ids are literals that exist in every demo (`brand(id: "1")`); the one variable allowed is
//!   `$entry`, taken from the previous operation's answer: the `id` of the node of its first
//!   `edges[0]` (a page of pipeline entries, then a move of one of them).

use flywheel::auth::Role;
use flywheel_tests::{Backend, TestServer, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(every_readme_example_answers_on_the_demo);

/// One operation of a README block, with the role it runs as.
struct Operation {
    text: String,
    role: Role,
}

/// The operations of every ```graphql block of `markdown`, in order.
fn operations(markdown: &str) -> Vec<Operation> {
    let mut out = Vec::new();
    let mut in_block = false;
    let mut role = Role::Admin;
    let mut text = String::new();
    let mut depth = 0i32;
    for line in markdown.lines() {
        if !in_block {
            in_block = line.trim_end() == "```graphql";
            continue;
        }
        if line.trim_end() == "```" {
            assert!(text.trim().is_empty(), "unclosed operation: {text}");
            in_block = false;
            role = Role::Admin;
            continue;
        }
        let trimmed = line.trim();
        if depth == 0 && (trimmed.is_empty() || trimmed.starts_with('#')) {
            if let Some(name) = trimmed.strip_prefix("# as ") {
                role = match name.trim() {
                    "admin" => Role::Admin,
                    "brand" => Role::Brand,
                    "shop" => Role::Shop,
                    "scout" => Role::Scout,
                    other => panic!("README: `# as {other}` names no role"),
                };
            }
            continue;
        }
        text.push_str(line);
        text.push('\n');
        depth += braces(line);
        assert!(depth >= 0, "README: unbalanced braces in {text}");
        if depth == 0 && text.contains('{') {
            out.push(Operation {
                text: std::mem::take(&mut text),
                role,
            });
            role = Role::Admin;
        }
    }
    out
}

/// Opening minus closing braces of a line, outside string literals.
fn braces(line: &str) -> i32 {
    let mut in_string = false;
    let mut escaped = false;
    let mut n = 0;
    for c in line.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '{' if !in_string => n += 1,
            '}' if !in_string => n -= 1,
            _ => {}
        }
    }
    n
}

/// The `id` of the node of the first non-empty `edges` in `value`.
fn first_edge_id(value: &Value) -> Option<&Value> {
    match value {
        Value::Object(fields) => fields
            .get("edges")
            .and_then(|edges| edges.get(0))
            .map(|edge| &edge["node"]["id"])
            .filter(|id| id.is_string())
            .or_else(|| fields.values().find_map(first_edge_id)),
        Value::Array(items) => items.iter().find_map(first_edge_id),
        _ => None,
    }
}

async fn every_readme_example_answers_on_the_demo(backend: Backend) {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let operations = operations(&readme);
    assert!(
        operations.len() >= 10,
        "README: only {} GraphQL operations found in ```graphql blocks",
        operations.len()
    );
    let (s, _, tokens) = TestServer::start_demo(backend, 0.02).await;
    let mut previous = Value::Null;
    for op in &operations {
        let variables = if op.text.contains("$entry") {
            let id = first_edge_id(&previous)
                .unwrap_or_else(|| panic!("no edges[0].node.id before {}", op.text));
            json!({ "entry": id })
        } else {
            assert!(
                !op.text.contains('$'),
                "README examples use literal ids; only `$entry` comes from the answer before: {}",
                op.text
            );
            json!({})
        };
        let answer = s.gql(Some(tokens.of(op.role)), &op.text, variables).await;
        assert!(
            answer.get("errors").is_none() && answer["data"].is_object(),
            "README example as {:?}:\n{}\n{answer:#}",
            op.role,
            op.text
        );
        previous = answer["data"].clone();
    }
    s.stop().await;
}

#[test]
fn operations_split_blocks_and_take_their_roles() {
    let md = "text\n```graphql\n{ a }\n# as brand\n{ b {\n  c } }\nmutation($entry: ID!) { m(s: \"}\") }\n```\n    { not a block }\n";
    let ops = operations(md);
    let texts: Vec<&str> = ops.iter().map(|o| o.text.trim()).collect();
    assert_eq!(
        texts,
        [
            "{ a }",
            "{ b {\n  c } }",
            "mutation($entry: ID!) { m(s: \"}\") }"
        ]
    );
    let roles: Vec<Role> = ops.iter().map(|o| o.role).collect();
    assert_eq!(roles, [Role::Admin, Role::Brand, Role::Admin]);
    let page = json!({ "pipeline": { "edges": [{ "node": { "id": "7" } }] } });
    assert_eq!(first_edge_id(&page), Some(&json!("7")));
}
