//! The integration suite, one test binary with a module per area: each binary links the whole
//! server, so one of them keeps a cold build on two cores to a single link.

mod authz;
mod concurrency;
mod content_scores;
mod demo_examples;
mod graphiql_browser;
mod ingest;
mod ltv;
mod ltv_cli;
mod matching;
mod ratings;
mod read_api;
mod readme_examples;
mod scouts;
mod server;
mod tenancy;
