//! GraphiQL in a real browser, offline: headless Chromium (see `flywheel_tests::browser`)
//! loads `/graphql` from a demo server with every other host unresolvable, and the test checks
//! that GraphiQL rendered from the server's own assets, opened on the demo's examples with
//! the admin token in its headers, runs the first example to the server's answer, and loads
//! the schema into its docs pane. Skipped, saying so, where Chromium is not installed.

use flywheel_tests::browser::{Browser, CHROMIUM};
use flywheel_tests::{Backend, TestServer};
use serde_json::Value;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_runs_an_example_offline() {
    let Some(mut browser) = Browser::launch() else {
        eprintln!(
            "SKIPPED: {CHROMIUM} is missing; install it with scripts/install-test-tools.sh to run the browser test"
        );
        return;
    };
    let (s, examples, tokens) = TestServer::start_demo(Backend::Sqlite, 0.02).await;
    let first = &examples[0];
    let expected = s
        .ok(tokens.of(first.role), first.query, first.variables.clone())
        .await;
    let base = s.base.clone();
    let admin = tokens.admin.clone();
    let operations: Vec<String> = examples
        .iter()
        .map(|e| {
            let name = e
                .query
                .split_whitespace()
                .nth(1)
                .expect("a named operation");
            name.split('(').next().unwrap_or(name).to_owned()
        })
        .collect();
    tokio::task::spawn_blocking(move || {
        browser.navigate(&format!("{base}/graphql"));
        let tabs = browser.wait_for(
            "GraphiQL rendering its tabs",
            "[...document.querySelectorAll('.graphiql-tab-button')].map((t) => t.innerText)",
            WAIT,
        );
        let tabs: Vec<String> = serde_json::from_value(tabs).expect("tab names");
        assert_eq!(tabs, operations, "a tab per example, in order");

        let resources = browser.eval("performance.getEntriesByType('resource').map((e) => e.name)");
        let resources: Vec<String> = serde_json::from_value(resources).expect("resource names");
        assert!(
            resources.iter().any(|r| r.contains("/graphiql/assets/")),
            "GraphiQL loads its assets from the server: {resources:?}"
        );
        assert!(
            resources.iter().all(|r| r.starts_with(&base)),
            "nothing loads from elsewhere: {resources:?}"
        );

        let editors = "[...document.querySelectorAll('.CodeMirror')].map((e) => e.CodeMirror.getValue())";
        let texts: Vec<String> = serde_json::from_value(browser.eval(editors)).expect("editor texts");
        assert!(
            texts.iter().any(|t| t.contains(&format!("Bearer {admin}"))),
            "the first tab's headers carry the admin token: {texts:?}"
        );

        browser.eval("document.querySelector('.graphiql-execute-button').click()");
        let answer = browser.wait_for(
            "the first example's answer",
            "(() => { const v = document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue(); \
             return v.includes('\"data\"') || v.includes('\"errors\"') ? v : null; })()",
            WAIT,
        );
        let answer: Value = serde_json::from_str(answer.as_str().expect("text")).expect("JSON answer");
        assert!(answer.get("errors").is_none(), "the example answers: {answer:#}");
        assert_eq!(answer["data"]["content"]["title"], expected["content"]["title"]);

        browser.eval("document.querySelector('[aria-label=\"Show Documentation Explorer\"]').click()");
        browser.wait_for(
            "the docs pane showing the schema's root types",
            "(() => { const d = document.querySelector('.graphiql-doc-explorer'); \
             return d && d.innerText.includes('Root Types') && d.innerText.includes('Query'); })()",
            WAIT,
        );
    })
    .await
    .expect("the browser checks");
    s.stop().await;
}
